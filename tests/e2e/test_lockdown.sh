#!/usr/bin/env bash
# Locked-down files and read-only roots (#15): the stripped csvs-web has no setid or
# world-writable file and no exec bit on data but where the report says why; its labels
# list the paths it writes (found in its entrypoint and configuration); and it answers the
# guestbook under a read-only root, no new privileges, its own seccomp profile and
# capabilities, as written to --policy-dir for docker (docker-run.args: under podman and
# under a real dockerd), compose (docker-compose config) and Kubernetes (podman kube play).
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
trap '[ -f "$WORK/pod.yaml" ] && podman kube down "$WORK/pod.yaml" >/dev/null 2>&1; podman rm -f imgstrip-e2e-lockdown >/dev/null 2>&1; stop_dockerd; cleanup' EXIT

start_registry
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"
image=$REGISTRY/stripped-lock:1
policy=$WORK/policy
# The image gets a HEALTHCHECK from -d (podman import cannot set one): its Pod has it as a
# livenessProbe.
cat >"$WORK/health.Dockerfile" <<'EOF2'
HEALTHCHECK --interval=2s --timeout=5s --retries=3 \
  CMD test -S /run/php/php8.2-fpm.sock && kill -0 "$(cat /run/nginx.pid)" && ls /var/lib/guestbook >/dev/null
EOF2
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm -t "$image" \
  -d "$WORK/health.Dockerfile" \
  --seccomp-cache "$WORK/cache" --policy-dir "$policy" --json --report "$WORK/report.json" \
  >"$WORK/summary.json" 2>"$WORK/strip.err"
check_eq "strip exits 0" 0 "$?"
name=$(jq -r .hardening.name "$WORK/summary.json")
cfg=$(skopeo inspect --tls-verify=false --config "docker://$image")
label() { jq -r --arg k "$1" '.config.Labels[$k] // "<none>"' <<<"$cfg"; }
writable=$(label io.imgstrip.writable)
echo "  writable: $writable"
has_path() { tr ',' '\n' <<<"$writable" | grep -qx "$1"; }
check "the entrypoint's mkdir -p /var/lib/guestbook makes it writable" has_path /var/lib/guestbook
check "the entrypoint's write to sites-enabled/default (a symlink) makes sites-available writable" \
  has_path /etc/nginx/sites-available
check "php-fpm's error_log in /var/log makes /var/log writable" has_path /var/log
check "/run and /tmp are writable" bash -c "tr ',' '\n' <<<'$writable' | grep -qx /run && tr ',' '\n' <<<'$writable' | grep -qx /tmp"
check "/etc and /usr are not" bash -c "! tr ',' '\n' <<<'$writable' | grep -qxE '/etc|/usr|/'"
check_eq "no setid program stays, so no new privileges" true "$(label io.imgstrip.no-new-privileges)"
check "the report gives every writable path its reason" jq -e \
  '[.hardening.writable[] | select((.reason // "") == "")] | length == 0' "$WORK/report.json"
check "the report's lockdown section lists changes with before, after and why" jq -e \
  '.lockdown.changes | type == "array" and all(.[]; .path and .before and .after and .why)' \
  "$WORK/report.json"

echo "the stripped image's modes"
"$IMGSTRIP" ls --tls-verify=false "$image" --json >"$WORK/ls.json"
check "the listing has the image's files" test "$(wc -l <"$WORK/ls.json")" -gt 100
check_eq "no setuid or setgid file" "" \
  "$(jq -r 'select(.type == "file" and ((.mode / 1024 | floor) % 4) > 0) | .path' "$WORK/ls.json")"
check_eq "nothing world-writable but sticky directories and devices" "" \
  "$(jq -r 'select((.type == "file" or .type == "directory") and ((.mode / 2 | floor) % 2) == 1 and (.type != "directory" or ((.mode / 512 | floor) % 2) == 0)) | .path' "$WORK/ls.json")"
exec_data=$(jq -r 'select(.type == "file" and (.path | test("^/(etc|usr/share)/")) and ([(.mode / 64 | floor) % 2, (.mode / 8 | floor) % 2, .mode % 2] | max) == 1) | .path' "$WORK/ls.json" | sort)
said=$(jq -r '.lockdown.exec_in_data_dirs | keys[]' "$WORK/report.json" | sort)
echo "  executable under /etc and /usr/share: $(echo $exec_data)"
check_eq "exec bits under /etc and /usr/share only where the report says why" "$said" "$exec_data"

echo "the run configurations in --policy-dir"
for f in docker-run.args compose.yaml pod.yaml seccomp.json; do
  check "$name.$f is written" test -s "$policy/$name.$f"
done
mapfile -t args <"$policy/$name.docker-run.args"
check "docker-run.args asks for a read-only root" grep -qx -- --read-only "$policy/$name.docker-run.args"
check "docker-run.args asks for no new privileges" grep -qx no-new-privileges "$policy/$name.docker-run.args"
check "docker-run.args drops all capabilities" grep -qx ALL "$policy/$name.docker-run.args"
check "docker-compose validates the compose service" docker-compose -f "$policy/$name.compose.yaml" config -q

# What the original answers (recorded by the corpus, which runs the same example).
expected=$(cat "$(dirname "$0")/../corpus/csvs-web/expected.out")

echo "podman run with docker-run.args"
port=$(free_port)
podman pull -q --tls-verify=false "$image" >/dev/null
run_image imgstrip-e2e-lockdown "$image" "$port" "${args[@]}"
check "it answers" wait_http "$port"
check_eq "the guestbook answers as the original does" "$expected" "$(guestbook "$port")"
pid=$(podman inspect --format '{{.State.Pid}}' imgstrip-e2e-lockdown)
check_eq "NoNewPrivs and a seccomp filter" "NoNewPrivs: 1 Seccomp: 2" \
  "$(grep -E '^(NoNewPrivs|Seccomp):' "/proc/$pid/status" | tr -s '\t ' ' ' | tr '\n' ' ' | sed 's/ $//')"
check_eq "the root is read-only" true "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' imgstrip-e2e-lockdown)"
check_fails "writing to /etc fails inside" 2 "Read-only file system" \
  podman exec imgstrip-e2e-lockdown /bin/sh -c 'echo x >/etc/probe'
check "writing to a labelled path works" podman exec imgstrip-e2e-lockdown /bin/sh -c 'echo x >/var/lib/guestbook/probe'
podman rm -f imgstrip-e2e-lockdown >/dev/null 2>&1

echo "docker run with docker-run.args"
start_dockerd
check "docker pulls the stripped image" docker pull -q "$image"
port=$(free_port)
docker run -d --name imgstrip-e2e-lockdown --network host -e PORT="$port" "${args[@]}" "$image" >/dev/null
check "it answers under docker" wait_http "$port"
check_eq "the guestbook answers as the original does (docker)" "$expected" "$(guestbook "$port")"
check_eq "docker ran it read-only" true "$(docker inspect --format '{{.HostConfig.ReadonlyRootfs}}' imgstrip-e2e-lockdown)"
docker logs imgstrip-e2e-lockdown >"$WORK/docker.log" 2>&1
docker rm -f imgstrip-e2e-lockdown >/dev/null 2>&1
stop_dockerd

echo "podman kube play with pod.yaml"
# The Localhost profile is in the policy directory, the seccomp root here; this machine's
# podman adjustments (runc, ulimits) from a containers.conf.
podman_conf "$WORK/containers.conf"
port=$(free_port)
# The pod's image is the registry's; its PORT env comes from a copy of the Pod.
sed "s|      image: \"$image\"|      image: \"$image\"\n      env:\n        - name: PORT\n          value: \"$port\"|" \
  "$policy/$name.pod.yaml" >"$WORK/pod.yaml"
check "pod.yaml names the stripped image" grep -q "image: \"$image\"" "$policy/$name.pod.yaml"
CONTAINERS_CONF=$WORK/containers.conf podman kube play --tls-verify=false --network host \
  --seccomp-profile-root "$policy" "$WORK/pod.yaml" >"$WORK/kube.log" 2>&1
check_eq "podman kube play starts the Pod" 0 "$?"
check "it answers as a Pod" wait_http "$port"
check_eq "the guestbook answers as the original does (Pod)" "$expected" "$(guestbook "$port")"
pod=$(tr '_' '-' <<<"$name")
ctr=$pod-$pod  # podman kube play names a container POD-CONTAINER
if podman container exists "$ctr"; then
  pid=$(podman inspect --format '{{.State.Pid}}' "$ctr")
  check_eq "the Pod's container: NoNewPrivs and a seccomp filter" "NoNewPrivs: 1 Seccomp: 2" \
    "$(grep -E '^(NoNewPrivs|Seccomp):' "/proc/$pid/status" | tr -s '\t ' ' ' | tr '\n' ' ' | sed 's/ $//')"
  check_eq "the Pod's root is read-only" true "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$ctr")"
  check "podman fills an emptyDir from the image (/var/lib/php/modules is there)" \
    podman exec "$ctr" /bin/sh -c 'test -d /var/lib/php/modules' 
  # The kubelet runs an exec probe's words in the container as they are: so does this.
  mapfile -t probe < <(sed -n '/livenessProbe:/,/periodSeconds/p' "$policy/$name.pod.yaml" |
    sed -n 's/^            - //p' | jq -r .)
  check_eq "the Pod's livenessProbe is the image's HEALTHCHECK" \
    '/bin/sh|-c|test -S /run/php/php8.2-fpm.sock && kill -0 "$(cat /run/nginx.pid)" && ls /var/lib/guestbook >/dev/null' \
    "$(IFS='|'; echo "${probe[*]}")"
  check "the probe passes in the Pod's container (read-only root, its profile: cat and ls kept)" \
    podman exec "$ctr" "${probe[@]}"
else
  fail "the Pod's container is running" "$(cat "$WORK/kube.log")"
fi
podman kube down "$WORK/pod.yaml" >/dev/null 2>&1

echo "--keep-modes and --writable"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  -t "oci:$WORK/keep:1" --seccomp-cache "$WORK/cache" --keep-modes --writable /srv/uploads \
  --report "$WORK/keep.json" >/dev/null 2>&1
check_eq "strip --keep-modes --writable exits 0" 0 "$?"
check_eq "--keep-modes: no lockdown section" null "$(jq -c .lockdown "$WORK/keep.json")"
check_eq "--writable /srv/uploads is in the writable list with its reason" "requested (--writable)" \
  "$(jq -r '.hardening.writable[] | select(.path == "/srv/uploads") | .reason' "$WORK/keep.json")"
check_fails "--writable needs an absolute path" 2 "--writable" \
  "$IMGSTRIP" -i "oci:$WORK/keep:1" -t "oci:$WORK/x:1" --writable relative/path
check "run-args --format args gives the same flags from the labels" bash -c \
  "diff <('$IMGSTRIP' run-args --tls-verify=false '$image' --format args -o '$WORK/p.json' | sed 's|seccomp=.*|seccomp=F|') <(sed 's|seccomp=.*|seccomp=F|' '$policy/$name.docker-run.args')"
finish
