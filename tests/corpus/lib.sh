# The corpus harness: build, strip, run and exercise the real applications in
# tests/corpus/*/ (see README.md there). Sourced by scripts/corpus.sh,
# scripts/soundness.sh and tests/e2e/test_corpus.sh; defines functions only until
# corpus_init is called.
#
# Each app folder has build.sh IMAGE, strip.args, exercise.sh ready|PHASE and run.sh
# (run settings, see corpus_settings). Containers and volumes this harness starts are
# named "$CORPUS_PREFIX..." and removed by name on exit; traced runs (chroot under strace)
# are stopped by the PIDs they were started with.

CORPUS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$CORPUS_DIR/build-lib.sh"
source "$CORPUS_DIR/exercise-lib.sh"

# corpus_apps: every app folder, in a stable order.
corpus_apps() {
  local d
  for d in "$CORPUS_DIR"/*/; do
    [ -x "$d/build.sh" ] && basename "$d"
  done
}

# corpus_init: a work folder (CORPUS_WORK, kept if given), a name prefix for containers
# and volumes, and an EXIT trap that removes them.
corpus_init() {
  if [ -n "${CORPUS_WORK:-}" ]; then
    mkdir -p "$CORPUS_WORK"
    CORPUS_KEEP_WORK=1
  else
    CORPUS_WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-corpus.XXXXXX")
    CORPUS_KEEP_WORK=${CORPUS_KEEP_WORK:-0}
  fi
  CORPUS_PREFIX=${CORPUS_PREFIX:-corpus-$$-}
  trap corpus_cleanup EXIT
}

corpus_cleanup() {
  local pid
  if [ -f "$CORPUS_WORK/.tracers" ]; then
    while read -r pid; do _corpus_kill_tracer "$pid"; done <"$CORPUS_WORK/.tracers"
  fi
  local engine
  for engine in podman ${CORPUS_DOCKER_USED:+docker}; do
    $engine ps -a --format '{{.Names}}' 2>/dev/null | grep "^$CORPUS_PREFIX" |
      xargs -r $engine rm -f >/dev/null 2>&1
    $engine volume ls --format '{{.Name}}' 2>/dev/null | grep "^$CORPUS_PREFIX" |
      xargs -r $engine volume rm -f >/dev/null 2>&1
  done
  [ "${CORPUS_KEEP_WORK:-0}" = 1 ] || rm -rf "$CORPUS_WORK"
}

# corpus_settings APP: run settings, from APP/run.sh over these defaults.
#   PORT_ENV       the environment variable that carries the port the app listens on
#   ENVS=()        more NAME=VALUE for the app's environment (podman -e)
#   VOLUMES=()     paths mounted from fresh named volumes (kept across restarts)
#   PHASES         exercise.sh runs phase 1..PHASES; the app restarts in between
#   RESTART        self: the app restarts between phases; with: its companion does
#   WITH           a companion corpus app started first (same variant), e.g. a database
#   WITH_PORT_ENV  the app's environment variable that gets the companion's port
#   READY_TIMEOUT  seconds to wait for `exercise.sh ready` (traced runs: x CORPUS_TRACE_SLOWDOWN)
corpus_settings() {
  PORT_ENV=PORT ENVS=() VOLUMES=() PHASES=1 RESTART=self WITH="" WITH_PORT_ENV="" READY_TIMEOUT=60
  [ -f "$CORPUS_DIR/$1/run.sh" ] && source "$CORPUS_DIR/$1/run.sh"
  return 0
}

corpus_image() { echo "localhost/corpus-$1:latest"; }
# CORPUS_STRIPPED_TAG (default latest) keeps one run's stripped images apart from
# another's on a shared machine.
corpus_stripped_image() { echo "localhost/corpus-$1-stripped:${CORPUS_STRIPPED_TAG:-latest}"; }

# corpus_with APP: the app's companion (run.sh's WITH), or nothing.
corpus_with() { (corpus_settings "$1"; echo "$WITH"); }

# corpus_build APP: builds the app's image (cached by content), and its companion's;
# log in the work folder.
corpus_build() {
  local app=$1 with
  mkdir -p "$CORPUS_WORK/$app"
  bash "$CORPUS_DIR/$app/build.sh" "$(corpus_image "$app")" >"$CORPUS_WORK/$app/build.log" 2>&1 ||
    { tail -20 "$CORPUS_WORK/$app/build.log" >&2; return 1; }
  with=$(corpus_with "$app")
  [ -z "$with" ] || corpus_build "$with"
}

# corpus_strip APP: podman save -> imgstrip (the app's strip.args) -> podman load, as
# corpus_stripped_image. Keeps summary.json, report.json, profile.json and strip.err in
# $CORPUS_WORK/APP. Done once per original image, strip flags and imgstrip binary. The
# companion (run.sh's WITH) is stripped too.
corpus_strip() {
  local app=$1 dir=$CORPUS_WORK/$1
  local image stripped stamp with
  image=$(corpus_image "$app")
  stripped=$(corpus_stripped_image "$app")
  with=$(corpus_with "$app")
  if [ -n "$with" ]; then
    corpus_strip "$with" || {
      echo "(stripping $app's companion $with)" >&2
      podman rmi -f "$stripped" >/dev/null 2>&1  # no stale stripped image of this app either
      rm -f "$dir/strip.stamp"
      return 1
    }
  fi
  mkdir -p "$dir"
  _corpus_imgstrip_ready || return 1
  stamp="$(podman image inspect --format '{{.Id}}' "$image") $(cat "$CORPUS_DIR/$app/strip.args") $(stat -c '%Y %s' "$IMGSTRIP")"
  if [ "$(cat "$dir/strip.stamp" 2>/dev/null)" = "$stamp" ] && podman image exists "$stripped"; then
    return 0
  fi
  rm -f "$dir/strip.stamp" "$dir/orig.tar" "$dir/stripped.tar"
  podman rmi -f "$stripped" >/dev/null 2>&1
  podman save -q --format docker-archive -o "$dir/orig.tar" "$image" || return 1
  local args rc
  read -r -a args <"$CORPUS_DIR/$app/strip.args"
  local cache=()
  [ -n "${CORPUS_SECCOMP_CACHE:-}" ] && cache=(--seccomp-cache "$CORPUS_SECCOMP_CACHE")
  local try
  for try in 1 2; do
    "$IMGSTRIP" -q -i "docker-archive:$dir/orig.tar" "${args[@]}" "${cache[@]}" \
      -t "docker-archive:$dir/stripped.tar:$stripped" --json --report "$dir/report.json" \
      --seccomp-out "$dir/profile.json" >"$dir/summary.json" 2>"$dir/strip.err"
    rc=$?
    # 126/127: the binary was being replaced (a rebuild); wait for it and try again.
    [ $rc -eq 126 ] || [ $rc -eq 127 ] || break
    _corpus_imgstrip_ready || break
  done
  rm -f "$dir/orig.tar"
  if [ $rc -ne 0 ]; then
    echo "imgstrip exited $rc:" >&2
    tail -20 "$dir/strip.err" >&2
    return 1
  fi
  # How to run it, as its labels say (imgstrip run-args), and its files' modes.
  "$IMGSTRIP" run-args "docker-archive:$dir/stripped.tar" --engine podman --format args \
    >"$dir/podman-run.args" 2>>"$dir/strip.err" || return 1
  "$IMGSTRIP" run-args "docker-archive:$dir/stripped.tar" --engine docker --format args \
    -o "$dir/profile.json" >"$dir/docker-run.args" 2>>"$dir/strip.err" || return 1
  "$IMGSTRIP" ls "docker-archive:$dir/stripped.tar" --json >"$dir/ls.json" 2>>"$dir/strip.err" || return 1
  podman load -q -i "$dir/stripped.tar" >/dev/null || return 1
  rm -f "$dir/stripped.tar"
  echo "$stamp" >"$dir/strip.stamp"
}

# _corpus_imgstrip_ready: IMGSTRIP is an executable, non-empty file (waits up to 5 minutes
# while it is rebuilt: it may be missing or empty for a while).
_corpus_imgstrip_ready() {
  local i
  for i in $(seq 1 150); do
    [ -x "${IMGSTRIP:-}" ] && [ -s "$IMGSTRIP" ] && return 0
    [ "$i" = 1 ] && echo "waiting for ${IMGSTRIP:-IMGSTRIP (unset)} to be built..." >&2
    sleep 2
  done
  echo "IMGSTRIP (${IMGSTRIP:-unset}) is not an executable" >&2
  return 1
}

# --- running an app --------------------------------------------------------------------
# A session starts the app (and its companion), waits until `exercise.sh ready` passes,
# runs each phase of exercise.sh (restarting in between), then stops everything. The
# answers go to stdout, with a line starting "!! " where the app or its companion did
# not get ready (the session then returns 1); logs to $CORPUS_WORK/APP/LABEL.*.
#
#   corpus_run APP orig|stripped LABEL [PODMAN_FLAGS...]   in podman containers
#   corpus_trace APP orig|stripped LABEL STRACE_FLAGS...   from the unpacked image under
#       strace -f (in a private mount and PID namespace, chrooted); the strace logs are
#       $CORPUS_WORK/APP/LABEL.strace.PHASE; the companion runs in podman.

corpus_run() {
  local app=$1 kind=$2 label=$3; shift 3
  _corpus_session "$app" "$kind" "$label" container "$@"
}

corpus_trace() {
  local app=$1 kind=$2 label=$3; shift 3
  _corpus_session "$app" "$kind" "$label" trace "$@"
}

_corpus_kind_image() {
  if [ "$2" = orig ]; then corpus_image "$1"; else corpus_stripped_image "$1"; fi
}

_corpus_session() (
  local app=$1 kind=$2 label=$3 backend=$4; shift 4
  local flags=("$@")
  corpus_settings "$app"
  local dir=$CORPUS_WORK/$app port wport="" name=$CORPUS_PREFIX$app-$label
  mkdir -p "$dir"
  port=$(free_port)
  local envs=("$PORT_ENV=$port" "${ENVS[@]}")
  local with_name="" with_flags=()
  if [ -n "$WITH" ]; then
    wport=$(free_port)
    envs+=("$WITH_PORT_ENV=$wport")
    with_name=$CORPUS_PREFIX$app-$label-$WITH
    # The companion is a container in both backends: of the same kind with the same
    # podman flags beside a container (CORPUS_WITH_KIND=orig: always the original, to
    # see the app's own result); the original with podman's defaults beside a traced app
    # (it only has to serve it).
    local with_kind=${CORPUS_WITH_KIND:-$kind}
    [ "$backend" = container ] && with_flags=("${flags[@]}")
    [ "$backend" = trace ] && with_kind=orig
    if ! _corpus_with_start 2>>"$dir/$label.$WITH.log"; then
      echo "!! companion $WITH did not get ready (see $label.$WITH.log)"
      _corpus_with_stop
      return 1
    fi
  fi
  local limit=$READY_TIMEOUT
  [ "$backend" = trace ] && limit=$((READY_TIMEOUT * ${CORPUS_TRACE_SLOWDOWN:-4}))
  local phase=1 rc=0
  _corpus_app_start 1
  while [ "$phase" -le "$PHASES" ]; do
    if [ "$phase" -gt 1 ]; then
      if [ "$RESTART" = with ]; then
        _corpus_with_stop
        _corpus_with_start 2>>"$dir/$label.$WITH.log" ||
          echo "!! companion $WITH did not get ready after its restart (see $label.$WITH.log)"
      else
        _corpus_app_stop "$((phase - 1))"; _corpus_app_start "$phase"
      fi
    fi
    local alive=(_corpus_container_running "$name")
    [ "$backend" = trace ] && alive=(_corpus_tracer_running "$dir/$label.tracer")
    if ! _corpus_wait "$limit" "$app" "$port" "$wport" "${alive[@]}" 2>>"$dir/$label.log"; then
      echo "!! phase $phase: $app did not get ready (see $label.log)"
      rc=1
      break
    fi
    PORT=$port WITH_PORT=$wport timeout 300 bash "$CORPUS_DIR/$app/exercise.sh" "$phase" 2>&1
    phase=$((phase + 1))
  done
  _corpus_app_stop "$((phase > PHASES ? PHASES : phase))"
  [ -n "$WITH" ] && _corpus_with_stop
  _ce volume ls --format '{{.Name}}' | grep -E "^$name-(.*-)?v[0-9]+\$" |
    xargs -r "${CORPUS_ENGINE:-podman}" volume rm -f >/dev/null 2>&1
  return $rc
)

# _corpus_wait SECONDS APP PORT WITH_PORT [ALIVE_COMMAND...]: until the app's
# `exercise.sh ready` passes; gives up early when ALIVE_COMMAND fails (the app exited).
_corpus_wait() {
  local limit=$1 end=$((SECONDS + $1)) app=$2 port=$3 wport=$4; shift 4
  while [ $SECONDS -lt "$end" ]; do
    PORT=$port WITH_PORT=$wport timeout 20 bash "$CORPUS_DIR/$app/exercise.sh" ready >/dev/null 2>&1 && return 0
    if [ $# -gt 0 ] && ! "$@"; then
      echo "$app exited before it was ready" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$app not ready after $limit s" >&2
  return 1
}

_corpus_container_running() {
  [ "$(_ce inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ]
}
_corpus_tracer_running() { kill -0 "$(cat "$1")" 2>/dev/null; }

# The companion: APP's WITH app, same kind, its own settings, fresh volumes.
_corpus_with_start() {
  (
    local n=$with_name w=$WITH image
    image=$(_corpus_kind_image "$w" "$with_kind")
    corpus_settings "$w"  # the companion's own settings from here on
    local args=(-e "$PORT_ENV=$wport") e v
    for e in "${ENVS[@]}"; do args+=(-e "$e"); done
    for v in "${!VOLUMES[@]}"; do args+=(-v "$n-v$v:${VOLUMES[$v]}"); done
    _corpus_own_profile "$w" "$with_kind" args
    _corpus_podman_run "$n" "$image" "${args[@]}" "${with_flags[@]}" || return 1
    _corpus_wait "$READY_TIMEOUT" "$w" "$wport" "" _corpus_container_running "$n"
  )
}
_corpus_with_stop() {
  _ce stop -t 20 "$with_name" >/dev/null 2>&1
  _ce logs "$with_name" >>"$dir/$label.$WITH.log" 2>&1
  _ce rm -f "$with_name" >/dev/null 2>&1
}

# _ce ARGS...: the container engine the sessions run in: podman, or docker with
# CORPUS_ENGINE=docker (DOCKER_HOST pointing at it; images loaded with corpus_docker_load).
_ce() { "${CORPUS_ENGINE:-podman}" "$@"; }

# _corpus_own_profile APP KIND ARRAY: with CORPUS_OWN_PROFILE=1, a stripped APP runs as
# `imgstrip run-args --engine docker` says (its profile as a file, its capabilities, a
# read-only root with its writable paths, no new privileges: as a docker user runs it);
# each app of a session its own.
_corpus_own_profile() {
  local -n _args=$3
  if [ "${CORPUS_OWN_PROFILE:-0}" = 1 ] && [ "$2" = stripped ]; then
    local own
    mapfile -t own <"$CORPUS_WORK/$1/docker-run.args"
    _args+=("${own[@]}")
  fi
}

_corpus_podman_run() {
  local n=$1 image=$2 runtime=()
  shift 2
  [ "${CORPUS_ENGINE:-podman}" = podman ] && runtime=(--runtime runc)
  _ce rm -f "$n" >/dev/null 2>&1
  _ce run -d --name "$n" "${runtime[@]}" --network host \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@" "$image" >/dev/null
}

# corpus_docker_load APP: the app's stripped image (and its companion's) from podman into
# the docker engine at DOCKER_HOST.
corpus_docker_load() {
  local app=$1 with
  CORPUS_DOCKER_USED=1
  podman save -q --format docker-archive "$(corpus_stripped_image "$app")" | docker load -q >/dev/null ||
    return 1
  with=$(corpus_with "$app")
  [ -z "$with" ] || corpus_docker_load "$with"
}

_corpus_app_start() {
  local image
  image=$(_corpus_kind_image "$app" "$kind")
  if [ "$backend" = container ]; then
    local args=() e v
    for e in "${envs[@]}"; do args+=(-e "$e"); done
    for v in "${!VOLUMES[@]}"; do args+=(-v "$name-v$v:${VOLUMES[$v]}"); done
    _corpus_own_profile "$app" "$kind" args
    # podman's own errors (the runtime failing to start it) go to the session's log.
    _corpus_podman_run "$name" "$image" "${args[@]}" "${flags[@]}" 2>>"$dir/$label.log" || return 1
    # The seccomp mode of the container's first process, as the host sees it.
    local pid
    pid=$(_ce inspect --format '{{.State.Pid}}' "$name" 2>/dev/null)
    grep -s '^Seccomp:' "/proc/$pid/status" | tr -s '\t ' ' ' >"$dir/$label.seccomp"
  else
    [ "$1" = 1 ] && { _corpus_unpack "$image" "$dir/$label.root" || return 1; }
    _corpus_tracer_start "$image" "$dir/$label.root" "$dir/$label.strace.$1" "${flags[@]}"
  fi
}

_corpus_app_stop() {
  if [ "$backend" = container ]; then
    _ce stop -t 20 "$name" >/dev/null 2>&1
    _ce logs "$name" >>"$dir/$label.log" 2>&1
    _ce rm -f "$name" >/dev/null 2>&1
  else
    _corpus_tracer_stop "$(cat "$dir/$label.tracer")"
  fi
}

# _corpus_unpack IMAGE DIR: the image's flattened file system (podman export), owners kept.
_corpus_unpack() {
  local image=$1 root=$2 c
  rm -rf "$root"
  mkdir -p "$root"
  c=$(podman create --runtime runc "$image" /nonexistent) || return 1
  podman export "$c" | tar -x --numeric-owner -C "$root"
  local rc=$?
  podman rm -f "$c" >/dev/null
  [ $rc -eq 0 ] || return $rc
  /usr/bin/python3 "$CORPUS_DIR/strace_files.py" manifest "$root" "$root.manifest"
}

# _corpus_tracer_start IMAGE ROOT LOG STRACE_FLAGS...: the image's command (entrypoint,
# cmd, env, workdir, user from IMAGE's config, plus the session's envs) from ROOT under
# strace -f, in private mount and PID namespaces with /dev, /proc and /sys mounted.
_corpus_tracer_start() {
  local image=$1 root=$2 log=$3; shift 3
  local cfg
  cfg=$(podman image inspect --format '{{json .Config}}' "$image") || return 1
  local envfile=$dir/$label.env
  { jq -r '.Env // [] | .[]' <<<"$cfg"; printf '%s\n' "${envs[@]}"; } >"$envfile"
  local workdir user argv=()
  workdir=$(jq -r '.WorkingDir // ""' <<<"$cfg")
  user=$(jq -r '.User // ""' <<<"$cfg")
  mapfile -t argv < <(jq -r '(.Entrypoint // []) + (.Cmd // []) | .[]' <<<"$cfg")
  jq -r '.StopSignal // "SIGTERM"' <<<"$cfg" >"$dir/$label.stopsignal"
  local v
  for v in "${VOLUMES[@]}"; do mkdir -p "$root$v"; done
  mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/etc" "$root/tmp"
  touch "$root/etc/hosts" "$root/etc/resolv.conf"
  unshare -m -p -f sh -c '
    root=$1 log=$2; shift 2
    mount --make-rprivate /
    mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
      mount -t sysfs -o ro sysfs "$root/sys" &&
      mount --bind /etc/hosts "$root/etc/hosts" && mount --bind /etc/resolv.conf "$root/etc/resolv.conf" || exit 111
    exec strace -f -qq -o "$log" "$@"' sh "$root" "$log" "$@" \
    /usr/bin/python3 "$CORPUS_DIR/chroot_exec.py" "$root" "$workdir" "$user" "$envfile" "${argv[@]}" \
    >>"$dir/$label.log" 2>&1 &
  echo $! >"$dir/$label.tracer"
  echo $! >>"$CORPUS_WORK/.tracers"
}

# _corpus_tracer_stop PID: the image's stop signal to the app's main process, then TERM to
# what is left in its PID namespace, then KILL to the namespace's init (strace).
_corpus_tracer_stop() {
  local pid=$1 sig strace_pid main
  sig=$(cat "$dir/$label.stopsignal" 2>/dev/null || echo SIGTERM)
  strace_pid=$(_corpus_children "$pid" | head -1)
  main=$([ -n "$strace_pid" ] && _corpus_children "$strace_pid" | head -1)
  [ -n "$main" ] && kill -s "${sig#SIG}" "$main" 2>/dev/null
  _corpus_wait_gone "$pid" 20 && return 0
  _corpus_kill_tracer "$pid"
}

# _corpus_kill_tracer PID: TERM to everything in the PID namespace under PID, then KILL.
_corpus_kill_tracer() {
  local pid=$1 strace_pid ns p
  kill -0 "$pid" 2>/dev/null || return 0
  strace_pid=$(_corpus_children "$pid" | head -1)
  if [ -n "$strace_pid" ]; then
    ns=$(readlink "/proc/$strace_pid/ns/pid")
    for p in /proc/[0-9]*; do
      p=${p#/proc/}
      [ "$p" != "$strace_pid" ] && [ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] && kill "$p" 2>/dev/null
    done
    _corpus_wait_gone "$pid" 10 && return 0
    kill -KILL "$strace_pid" 2>/dev/null
  fi
  kill -KILL "$pid" 2>/dev/null
  _corpus_wait_gone "$pid" 10
}

_corpus_children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }

_corpus_wait_gone() {
  local i
  for i in $(seq 1 $(($2 * 5))); do
    kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    sleep 0.2
  done
  return 1
}

# corpus_strace_syscalls LOG...: the distinct syscall names after the first execve that
# follows chroot_exec.py's chroot (the image's entrypoint), one a line.
corpus_strace_syscalls() {
  local log
  for log in "$@"; do
    awk '!on && / chroot\(/ {c=1} !on && c && /execve\(/ {on=1} on' "$log"
  done | sed -nE 's/^[0-9]+ +(<\.\.\. )?([a-z0-9_]+)[( ].*/\2/p' | sort -u
}

# corpus_static_syscalls APP: the syscall names the stripped image's profile knows (the
# report's allowed + denied: denied ones are answered with an errno by design).
corpus_static_syscalls() {
  jq -r '.seccomp.allowed[], .seccomp.denied[]' "$CORPUS_WORK/$1/report.json" | sort -u
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# corpus_require TOOL...: fails (never skips) when a tool the corpus needs is missing.
corpus_require() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] || { echo "missing tools: ${missing[*]} (scripts/setup.sh installs them)" >&2; return 1; }
}
CORPUS_TOOLS=(podman docker dockerd mmdebstrap strace unshare jq curl python3 npm javac jar psql mariadb flock tar column ps)
