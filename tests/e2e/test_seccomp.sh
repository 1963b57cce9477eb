#!/usr/bin/env bash
# The seccomp profile a strip derives from the kept binaries, proven on the running app:
# the stripped csvs-web guestbook answers the coursework inputs under the profile exactly
# as the original does without one; a profile missing a syscall the app needs breaks it
# (so the profile really is enforced); and every syscall the app makes under strace, with
# the same requests, is in the static profile.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
FORBIDDEN="mount umount2 pivot_root ptrace process_vm_readv process_vm_writev bpf perf_event_open
kexec_load init_module finit_module delete_module unshare setns keyctl add_key request_key swapon
reboot userfaultfd"

start_registry
echo "registry at $REGISTRY; building csvs-web"
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"

echo "strip csvs-web with a seccomp profile"
cache="$WORK/seccomp-cache"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  -t "$REGISTRY/stripped-sc:1" --seccomp-cache "$cache" --seccomp-out "$WORK/profile.json" \
  --json --report "$WORK/report.json" >"$WORK/summary.json" 2>"$WORK/strip.err"
check_eq "strip with seccomp exits 0" 0 "$?"
static=$(jq '.allowed | length' <<<"$(jq .seccomp "$WORK/report.json")")
echo "  |static| = $static allowed syscalls ($(jq -r '.seccomp.fromRuntime | length' "$WORK/report.json") for runc)"
check_eq "the summary counts the allowed syscalls" "$static" "$(jq .seccomp.allowed "$WORK/summary.json")"
check "|static| <= 180 ($static)" test "$static" -le 180
cfg=$(skopeo inspect --tls-verify=false --config "docker://$REGISTRY/stripped-sc:1")
check_eq "the label io.containers.seccomp.profile holds the profile (--seccomp-out too)" \
  "$(jq -cS . "$WORK/profile.json")" \
  "$(jq -r '.config.Labels["io.containers.seccomp.profile"]' <<<"$cfg" | jq -cS .)"
check "the report explains every allowed syscall" jq -e \
  '.seccomp as $s | [$s.allowed[] | select(($s.explain[.].object // $s.explain[.].runtime // $s.explain[.].init // $s.explain[.].fallback) == null)] | length == 0' \
  "$WORK/report.json"
for name in $FORBIDDEN; do
  jq -e --arg n "$name" '.seccomp.allowed | index($n)' "$WORK/report.json" >/dev/null || continue
  where=$(jq -r --arg n "$name" '.seccomp.explain[$n] | "\(.object) \(.function // "") via \((.chain // []) | join(" -> "))"' "$WORK/report.json")
  echo "  note: $name is allowed: $where"
  check "the report names who reaches $name" jq -e --arg n "$name" '.seccomp.explain[$n].object | length > 0' "$WORK/report.json"
done

# Configuration gates: Debian's pool sets neither request_slowlog_timeout nor chroot, so
# php-fpm's ptrace and chroot are not followed, the report says which files decided, and
# nothing else reaches them.
for call in ptrace chroot; do
  check "php-fpm's $call gate is off, and the report says why" jq -e --arg c "$call" \
    '[.seccomp.configuration[] | select(.calls == $c and (.program | test("php-fpm")) and .enabled == false and (.decidedBy | test("read")))] | length == 1' \
    "$WORK/report.json"
  check "$call is not allowed" jq -e --arg c "$call" '.seccomp.allowed | index($c) == null' "$WORK/report.json"
done

# The entrypoint runs mkdir -p and sed without -i, nginx's configuration has no read_ahead
# and the pool sets no socket ACLs: those gates are off, and the calls only they reach
# (SELinux and ACL xattrs, lchown, fadvise64) are not allowed.
for gate in "mkdir:runs mkdir with -Z" "mkdir:runs mkdir with -m" "sed:runs sed with -i" \
  "nginx:sets read_ahead" "php-fpm:listen.acl_users"; do
  check "the ${gate%%:*} gate (${gate#*:}) is off" jq -e --arg p "${gate%%:*}" --arg w "${gate#*:}" \
    '[.seccomp.configuration[] | select((.program | test($p)) and (.decidedBy | contains($w)))] | length > 0 and all(.enabled == false)' \
    "$WORK/report.json"
done
for call in lsetxattr fsetxattr fgetxattr removexattr lchown fadvise64; do
  check "$call is not allowed" jq -e --arg c "$call" '.seccomp.allowed | index($c) == null' "$WORK/report.json"
done

# Argument filters: every allowed socket/unshare/prctl is either filtered to the values the
# report lists (and has no unconditional rule) or unfiltered with a reason (and has one).
for name in socket unshare prctl; do
  jq -e --arg n "$name" '.seccomp.allowed | index($n)' "$WORK/report.json" >/dev/null || continue
  entry=$(jq -c --arg n "$name" '.seccomp.argumentFilters[$n]' "$WORK/report.json")
  echo "  $name: $entry" | cut -c1-200
  plain=$(jq --arg n "$name" '[.syscalls[] | select((.names | index($n)) and (.args == null))] | length' "$WORK/profile.json")
  if jq -e '.allowed' <<<"$entry" >/dev/null; then
    check_eq "$name: no unconditional rule when filtered" "$plain" 0
    check_eq "$name: one rule per allowed value" \
      "$(jq --arg n "$name" '[.syscalls[] | select((.names | index($n)) and .args != null)] | length' "$WORK/profile.json")" \
      "$(jq '.allowed | length' <<<"$entry")"
  else
    check "$name: the report says why it is not filtered" jq -e '.unfiltered | length > 0' <<<"$entry"
    check_eq "$name: unfiltered means one unconditional rule" "$plain" 1
  fi
done

echo "run the original (no profile) and the stripped image (--seccomp-policy=image)"
podman rmi -f "$REGISTRY/stripped-sc:1" >/dev/null 2>&1
check "podman pulls the stripped image" podman pull -q --tls-verify=false "$REGISTRY/stripped-sc:1"
port_o=$(free_port); port_s=$(free_port)
run_image imgstrip-sc-orig localhost/csvs2021-web_i:latest "$port_o"
run_image imgstrip-sc-strip "$REGISTRY/stripped-sc:1" "$port_s" --seccomp-policy=image
check "original guestbook answers" wait_http "$port_o"
check "guestbook answers under the image's profile" wait_http "$port_s"
guestbook "$port_o" >"$WORK/orig.out"
guestbook "$port_s" >"$WORK/strip.out"
check "the five coursework inputs: identical responses under the profile" diff "$WORK/orig.out" "$WORK/strip.out"
check "normal input is stored and listed" grep -q "<b>alice</b>: More tea in the kitchen" "$WORK/strip.out"
check_eq "the container runs under a seccomp filter" "Seccomp: 2" \
  "$(podman exec imgstrip-sc-strip /bin/sh -c 'while read -r k v; do [ "$k" = Seccomp: ] && echo "$k $v"; done </proc/1/status')"
podman logs imgstrip-sc-strip >"$WORK/strip.log" 2>&1
podman rm -f imgstrip-sc-orig imgstrip-sc-strip >/dev/null 2>&1

echo "a profile without accept4/accept breaks the app (the profile is enforced)"
jq '(.syscalls[] | select(.names | index("accept4")) | .names) |= map(select(. != "accept4" and . != "accept"))' \
  "$WORK/profile.json" >"$WORK/broken.json"
check "the edited profile lacks accept4" bash -c "! jq -e '[.syscalls[].names[]] | index(\"accept4\")' '$WORK/broken.json' >/dev/null"
port_b=$(free_port)
run_image imgstrip-sc-broken "$REGISTRY/stripped-sc:1" "$port_b" --security-opt "seccomp=$WORK/broken.json"
sleep 3
check "without accept4 the guestbook does not answer" bash -c "! curl -s -m 3 -o /dev/null http://127.0.0.1:$port_b/"
podman rm -f imgstrip-sc-broken >/dev/null 2>&1

echo "dynamic cross-check: the stripped tree under strace -f"
skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/stripped-sc:1" "oci:$WORK/oci:x"
root="$WORK/root"
mkdir -p "$root"
manifest=$(jq -r '.manifests[0].digest' "$WORK/oci/index.json" | sed 's/sha256://')
layer=$(jq -r '.layers[0].digest' "$WORK/oci/blobs/sha256/$manifest" | sed 's/sha256://')
tar -xzf "$WORK/oci/blobs/sha256/$layer" -C "$root"
check "the stripped tree is unpacked" test -x "$root/docker-entrypoint.sh"
port_t=$(free_port)
# A private mount namespace with /dev and /proc: gone with it, nothing to clean up.
PORT=$port_t unshare -m sh -c "mount --bind /dev '$root/dev' 2>/dev/null || { mkdir -p '$root/dev' && mount --bind /dev '$root/dev'; }
  mkdir -p '$root/proc' && mount -t proc proc '$root/proc'
  exec strace -f -qq -e trace=all -o '$WORK/strace.log' chroot '$root' /docker-entrypoint.sh" \
  >"$WORK/strace.out" 2>&1 &
tracer=$!
PIDS+=("$tracer")
check "the app answers under strace" wait_http "$port_t"
guestbook "$port_t" >"$WORK/traced.out"
check "traced responses match the original's" diff "$WORK/orig.out" "$WORK/traced.out"
# Stop everything running inside the root (by the PIDs found there), then the tracer.
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill "${p#/proc/}" 2>/dev/null
done
wait "$tracer" 2>/dev/null
# Syscalls after the chroot's exec of the entrypoint (before it is the host's chroot binary).
awk '/execve\("\/docker-entrypoint.sh"/ {on=1} on' "$WORK/strace.log" |
  sed -nE 's/^[0-9]+ +(<\.\.\. )?([a-z0-9_]+)[( ].*/\2/p' | sort -u >"$WORK/observed.txt"
jq -r '.seccomp.allowed[], .seccomp.denied[]' "$WORK/report.json" | sort -u >"$WORK/static.txt"
observed=$(wc -l <"$WORK/observed.txt")
misses=$(comm -23 "$WORK/observed.txt" "$WORK/static.txt")
echo "  |static| = $static, |observed| = $observed, misses: ${misses:-none}"
check "strace saw the app's syscalls (|observed| = $observed)" test "$observed" -ge 30
check_eq "every observed syscall is in the static profile (0 misses)" "" "$misses"
denied_seen=$(jq -r '.seccomp.denied[]' "$WORK/report.json" | grep -Fxf - "$WORK/observed.txt" | tr '\n' ' ')
[ -n "$denied_seen" ] && echo "  observed but answered ENOSYS by design (libc falls back): $denied_seen"

echo "fallback policy, cache and the seccomp command"
if [ "$(jq '.seccomp.unresolved | length' "$WORK/report.json")" -gt 0 ]; then
  check_fails "--seccomp-fallback fail with unresolved sites: exit 1, says so" 1 "unknown number" \
    "$IMGSTRIP" seccomp -q --tls-verify=false "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
    --seccomp-cache "$cache" --seccomp-fallback fail
fi
"$IMGSTRIP" seccomp -q --tls-verify=false "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  --seccomp-cache "$cache" -o "$WORK/cmd.json"
check_eq "imgstrip seccomp gives the strip's profile" "$(jq -cS . "$WORK/profile.json")" "$(jq -cS . "$WORK/cmd.json")"
# Output to a device or a pipe is written there: the file is not renamed over the node.
"$IMGSTRIP" seccomp -q --tls-verify=false "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  --seccomp-cache "$cache" -o /dev/null --report /dev/stdout >"$WORK/report-stdout.json"
check "-o /dev/null leaves /dev/null a character device" test -c /dev/null
check_eq "--report /dev/stdout writes the report to standard output" \
  "$(jq -c .seccomp.allowed "$WORK/report.json")" "$(jq -c .allowed "$WORK/report-stdout.json")"
# --explain also says what the kept configuration left out, and which line or search decided.
"$IMGSTRIP" seccomp -q --tls-verify=false "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  --seccomp-cache "$cache" -o /dev/null --explain 2>"$WORK/explain.txt"
check "--explain names php-fpm's slow-log tracer as left out by the configuration" \
  grep -q "^left out by the configuration: usr/sbin/php-fpm.* calls to ptrace .*request_slowlog_timeout" \
  "$WORK/explain.txt"
check_fails "bad --runtime: usage error" 2 "expected runc or crun" \
  "$IMGSTRIP" seccomp "$REGISTRY/csvs2021-web_i" --runtime docker
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm --no-seccomp \
  -t "oci:$WORK/nosc:x" >/dev/null 2>&1
check_eq "--no-seccomp: no label" "null" \
  "$(skopeo inspect --config "oci:$WORK/nosc:x" | jq '.config.Labels["io.containers.seccomp.profile"]')"
finish
