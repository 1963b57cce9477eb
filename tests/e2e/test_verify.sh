#!/usr/bin/env bash
# imgstrip verify runs an original and its stripped image side by side in podman and
# compares their answers: the csvs-web guestbook stripped as it should be answers the
# coursework's five inputs the same (exit 0); stripped without pdo_sqlite.so it does not
# (exit 1; the report names the differing response and the missing file); with accept4 taken
# out of its seccomp profile and the profile's errno EPERM, nginx cannot accept (exit 1; the
# trace names accept4). verify's containers (label io.imgstrip.verify) and the images it
# loaded are gone afterwards, also after a difference and after SIGINT. Podman gets this
# machine's adjustments from a containers.conf (CONTAINERS_CONF): verify hard-codes none.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)

podman_conf "$WORK/containers.conf"
export CONTAINERS_CONF=$WORK/containers.conf
TAG=imgstrip-e2e-verify-$$
leftovers() {
  podman ps -a --filter label=io.imgstrip.verify --format '{{.Names}}' 2>/dev/null
  podman images --format '{{.Repository}}' 2>/dev/null | grep 'imgstrip-verify-' || true
}
cleanup_verify() {
  podman rmi -f "localhost/$TAG-noaccept4:1" "localhost/$TAG-enosys:1" "localhost/$TAG-ok:1" \
    "localhost/$TAG-writable:1" >/dev/null 2>&1
  cleanup
}
trap cleanup_verify EXIT

# The coursework's five inputs and the list (tests/corpus/exercise-lib.sh's guestbook).
cat >"$WORK/guestbook.txt" <<'EOF2'
# the coursework's five inputs, then the list
POST /index.php user=alice&suggestion=More tea in the kitchen
POST /index.php
POST /index.php user=bob
POST /index.php suggestion=Longer lunch breaks
POST /index.php user=o%27brien&suggestion=%27
GET /index.php
EOF2

start_registry
echo "registry at $REGISTRY; building csvs-web"
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"
strip() {  # strip NAME [flags...]: csvs-web stripped to oci:$WORK/NAME:1
  local name=$1; shift
  "$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
    --seccomp-cache "$WORK/cache" -t "oci:$WORK/$name:1" "$@" >/dev/null 2>"$WORK/$name.err"
}
strip ok
check_eq "csvs-web strips" 0 "$?"
strip nosqlite -r '/usr/lib/php/*/pdo_sqlite.so'
check_eq "csvs-web strips without pdo_sqlite.so" 0 "$?"

echo "the stripped guestbook answers the five inputs as the original does"
"$IMGSTRIP" verify csvs2021-web_i:latest "oci:$WORK/ok:1" --requests "$WORK/guestbook.txt" \
  --exec 'nginx -v' --json >"$WORK/ok.json" 2>"$WORK/ok.err"
check_eq "verify exits 0" 0 "$?"
check_eq "the report says same" true "$(jq .same "$WORK/ok.json")"
check_eq "6 requests and 1 command were compared" 7 "$(jq '.stripped.steps | length' "$WORK/ok.json")"
check "the stripped one answered the first input with the page (200)" jq -e \
  '.stripped.steps[0].status == 200 and (.stripped.steps[0].body | test("guestbook|Guestbook|suggestion"))' "$WORK/ok.json"
check "the stripped one ran under its profile file and --cap-drop ALL" jq -e \
  '(.stripped.runFlags | index("--cap-drop")) and (.stripped.runFlags | map(startswith("seccomp=")) | any)' "$WORK/ok.json"
check "the original ran with the engine's defaults" jq -e '.original.runFlags == []' "$WORK/ok.json"
check "nginx -v ran in both (exit 0)" jq -e '.stripped.steps[6].exit == 0 and (.stripped.steps[6].output | test("nginx/"))' "$WORK/ok.json"
check "the stripped container still ran at the end" jq -e '.stripped.runningAtEnd' "$WORK/ok.json"
check_eq "no verify container or loaded image is left" "" "$(leftovers)"

echo "an exercise generated from an OpenAPI document"
cat >"$WORK/api.json" <<'EOF2'
{"openapi": "3.0.3",
 "paths": {
   "/index.php": {
     "get": {"responses": {"200": {"description": "the list"}}},
     "post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "properties": {"user": {"type": "string", "example": "carol"},
                                         "suggestion": {"type": "string", "example": "Tea"}}}}}},
              "responses": {"200": {"description": "stored"}}}
   },
   "/static/{name}": {"parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "example": "style.css"}}],
     "get": {"responses": {"404": {"description": "none"}}}}
 }}
EOF2
"$IMGSTRIP" verify csvs2021-web_i:latest "oci:$WORK/ok:1" --openapi "$WORK/api.json" --json \
  >"$WORK/api.out" 2>"$WORK/api.err"
check_eq "verify of the generated exercise exits 0" 0 "$?"
check_eq "3 operations and 7 probes were sent" 10 "$(jq '.stripped.steps | length' "$WORK/api.out")"
check "the generated form was stored (200)" jq -e \
  '.original.steps[1] | .step == "POST /index.php suggestion=Tea&user=carol" and .status == 200' "$WORK/api.out"
check "the oversized body was refused by both (413)" jq -e \
  '[.original.steps[4].status, .stripped.steps[4].status] == [413, 413]' "$WORK/api.out"
check "path traversal was sent and answered alike" jq -e \
  '[.stripped.steps[] | select(.origin | test("path traversal")) | .status] | length == 3' "$WORK/api.out"

echo "without pdo_sqlite.so the guestbook cannot store: a difference"
"$IMGSTRIP" verify csvs2021-web_i:latest "oci:$WORK/nosqlite:1" --requests "$WORK/guestbook.txt" \
  --trace >"$WORK/nosqlite.out" 2>"$WORK/nosqlite.err"
check_eq "verify exits 1" 1 "$?"
sed 's/^/    /' "$WORK/nosqlite.out" | head -40
check "the report says DIFFERENT" grep -q '^DIFFERENT' "$WORK/nosqlite.out"
check "it names the first differing response (step 1, the first input)" \
  grep -q 'first difference, step 1 .*: POST /index.php user=alice' "$WORK/nosqlite.out"
check "it shows the stripped container's log lines" grep -q "last log lines" "$WORK/nosqlite.out"
check "it names the missing file pdo_sqlite.so" grep -qE '^    /usr/lib/php/[0-9]+/pdo_sqlite\.so$' "$WORK/nosqlite.out"
check_eq "no verify container or loaded image is left after the difference" "" "$(leftovers)"

echo "a profile without accept4"
profile=$(skopeo inspect --config "oci:$WORK/ok:1" | jq -r '.config.Labels["io.containers.seccomp.profile"]')
check "the stripped profile allows accept4 (the control)" jq -e \
  '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | index("accept4")' <<<"$profile"
check "the stripped image copied into podman's storage" \
  skopeo copy -q "oci:$WORK/ok:1" "containers-storage:localhost/$TAG-ok:1"
relabel() {  # relabel NAME JQ: the ok image with its profile label rewritten by JQ
  local ctr
  ctr=$(buildah from -q "localhost/$TAG-ok:1") || return 1
  buildah config --label "io.containers.seccomp.profile=$(jq -c "$2" <<<"$profile")" "$ctr" >/dev/null &&
    buildah commit -q "$ctr" "localhost/$TAG-$1:1" >/dev/null
  local rc=$?
  buildah rm "$ctr" >/dev/null
  return $rc
}
check "relabel: accept4 removed" relabel enosys '.syscalls |= map(.names -= ["accept4"])'
check "relabel: accept4 removed, errno EPERM" relabel noaccept4 \
  '.syscalls |= map(.names -= ["accept4"]) | .defaultErrnoRet = 1'
writable() {  # the ok image with io.imgstrip.writable=/run,/tmp (both tmpfs: nothing filled)
  local ctr
  ctr=$(buildah from -q "localhost/$TAG-ok:1") || return 1
  buildah config --label io.imgstrip.writable=/run,/tmp --label io.imgstrip.writable.content= \
    "$ctr" >/dev/null &&
    buildah commit -q "$ctr" "localhost/$TAG-writable:1" >/dev/null
  local rc=$?
  buildah rm "$ctr" >/dev/null
  return $rc
}
check "relabel: io.imgstrip.writable=/run,/tmp" writable
"$IMGSTRIP" verify csvs2021-web_i:latest "localhost/$TAG-writable:1" --exec 'nginx -v' --json \
  >"$WORK/writable.json" 2>"$WORK/writable.err"
check_eq "a read-only root: the entrypoint cannot write its nginx site, verify exits 1" 1 "$?"
check "the stripped one ran with --read-only and tmpfs on /run and /tmp" jq -e \
  '.stripped.runFlags | (index("--read-only") != null) and (join(" ") | test("--tmpfs /run --tmpfs /tmp"))' \
  "$WORK/writable.json"
check "the report says the stripped container stopped" jq -e '.strippedStopped' "$WORK/writable.json"

# With the strip's own errno (ENOSYS) nginx falls back to accept(2): nothing differs.
"$IMGSTRIP" verify csvs2021-web_i:latest "localhost/$TAG-enosys:1" --requests "$WORK/guestbook.txt" \
  >"$WORK/enosys.out" 2>"$WORK/enosys.err"
check_eq "accept4 refused with ENOSYS: nginx falls back to accept, verify exits 0" 0 "$?"
"$IMGSTRIP" verify csvs2021-web_i:latest "localhost/$TAG-noaccept4:1" --requests "$WORK/guestbook.txt" \
  --trace --timeout 10 --json >"$WORK/noaccept4.json" 2>"$WORK/noaccept4.err"
check_eq "accept4 refused with EPERM: verify exits 1" 1 "$?"
jq -c '{same, differences: [.differences[0] | {step, reason}], trace, logRefusedSyscalls}' "$WORK/noaccept4.json" | cut -c1-400
check "the first difference is the first input, unanswered" jq -e \
  '.differences[0].step == 1 and (.differences[0].stripped.error | length > 0)' "$WORK/noaccept4.json"
check "the trace names accept4" jq -e '.trace.refusedSyscalls | index("accept4")' "$WORK/noaccept4.json"
check_eq "no verify container is left" "" "$(leftovers)"

echo "Ctrl-C: SIGINT removes the containers"
"$IMGSTRIP" verify csvs2021-web_i:latest "localhost/$TAG-noaccept4:1" --timeout 60 \
  >"$WORK/int.out" 2>"$WORK/int.err" &
vpid=$!
for _ in $(seq 1 100); do
  [ "$(podman ps --filter label=io.imgstrip.verify --format '{{.Names}}' | wc -l)" -ge 2 ] && break
  sleep 0.2
done
check_eq "both containers run while it waits" 2 "$(podman ps --filter label=io.imgstrip.verify --format '{{.Names}}' | wc -l)"
kill -INT "$vpid"
wait "$vpid"
check_eq "verify exits 130 on SIGINT" 130 "$?"
check "it says so" grep -q "interrupted" "$WORK/int.err"
check_eq "no verify container is left after SIGINT" "" "$(leftovers)"

echo "the pre-push hook verifies before it pushes"
repo="$WORK/repo"
git init -q "$repo" && git -C "$repo" commit -q --allow-empty -m init
git -C "$repo" config imgstrip.image "$REGISTRY/csvs2021-web_i:latest"
git -C "$repo" config imgstrip.target "oci:$WORK/hooked:1"
git -C "$repo" config imgstrip.push "$REGISTRY/hooked-nosqlite:1"
git -C "$repo" config imgstrip.packages "nginx php-fpm"
git -C "$repo" config imgstrip.binary "$IMGSTRIP"
git -C "$repo" config imgstrip.flags "-q --tls-verify=false"
git -C "$repo" config imgstrip.stripflags "--seccomp-cache $WORK/cache -r /usr/lib/php/*/pdo_sqlite.so"
git -C "$repo" config imgstrip.verifyflags "--requests $WORK/guestbook.txt"
(cd "$repo" && sh "$EXAMPLES/pre-push" origin "file:///nowhere" </dev/null) >"$WORK/hook.log" 2>&1
check_eq "a difference stops the push (the hook exits 1)" 1 "$?"
check "the hook says why" grep -q "does not behave as" "$WORK/hook.log"
check "the hook shows the report" grep -q "^DIFFERENT" "$WORK/hook.log"
check "the stripped image was not pushed" bash -c \
  "! skopeo inspect --tls-verify=false docker://$REGISTRY/hooked-nosqlite:1 >/dev/null 2>&1"
check_eq "no verify container is left" "" "$(leftovers)"

echo "docker: a private dockerd without a bridge (verify runs the two one after the other)"
if command -v dockerd >/dev/null; then
  start_dockerd
  port=$(free_port)
  "$IMGSTRIP" verify --engine docker --tls-verify=false "$REGISTRY/csvs2021-web_i:latest" \
    "oci:$WORK/nosqlite:1" --env PORT="$port" --http "$port" --requests "$WORK/guestbook.txt" --json \
    >"$WORK/docker.json" 2>"$WORK/docker.err"
  check_eq "docker: without pdo_sqlite.so verify exits 1" 1 "$?"
  check_eq "docker: on the host's network" host "$(jq -r .network "$WORK/docker.json")"
  check "docker: the original answered the first input (200), the stripped one 500" jq -e \
    '.differences[0].step == 1 and .differences[0].original.status == 200 and .differences[0].stripped.status == 500' \
    "$WORK/docker.json"
  check "docker: the logs name pdo_sqlite.so, which the stripped image lacks" jq -e \
    '.logMissingFiles | map(test("/pdo_sqlite\\.so$")) | any' "$WORK/docker.json"
  check_eq "docker: no verify container is left" "" \
    "$(docker ps -a --filter label=io.imgstrip.verify --format '{{.Names}}')"
  stop_dockerd
  unset DOCKER_HOST
else
  echo "  (dockerd is not installed: skipped)"
fi

echo "an original that does not answer is not a pass"
"$IMGSTRIP" verify csvs2021-web_i:latest "localhost/$TAG-ok:1" --http 81 --timeout 3 \
  >"$WORK/unready.out" 2>"$WORK/unready.err"
check_eq "nothing answers on port 81: verify exits 1" 1 "$?"
check "the report says NOT VERIFIED" grep -q "^NOT VERIFIED: the original never answered" "$WORK/unready.out"

echo "usage errors"
check_fails "verify needs two images" 2 "ORIGINAL and STRIPPED" "$IMGSTRIP" verify csvs2021-web_i:latest
check_fails "an unknown engine" 2 "podman or docker" "$IMGSTRIP" verify a b --engine lxc
printf 'FETCH index.php\n' >"$WORK/bad.txt"
check_fails "a malformed requests file names the line" 2 "bad.txt:1" \
  "$IMGSTRIP" verify a b --requests "$WORK/bad.txt"
check_fails "a bad --ignore" 2 "regular expression" "$IMGSTRIP" verify a b --ignore '(' --engine podman
printf 'openapi: 3.0.0\n' >"$WORK/api.yaml"
check_fails "a YAML OpenAPI document is refused with a reason" 2 "JSON" \
  "$IMGSTRIP" verify a b --openapi "$WORK/api.yaml"
check_eq "no verify container is left" "" "$(leftovers)"
finish
