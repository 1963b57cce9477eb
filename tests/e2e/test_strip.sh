#!/usr/bin/env bash
# The strip command end to end on real images from Debian packages, through a real
# registry: the stripped csvs-web guestbook and an nginx static site run under podman and
# answer exactly as the originals do, at a fraction of the size.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)

start_registry
echo "registry at $REGISTRY; building the example images"
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"
check "build and push nginx-static" bash "$EXAMPLES/nginx-static/build.sh" localhost/nginx-static:latest \
  "docker://$REGISTRY/nginx-static:latest"

echo "strip csvs-web"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  -t "$REGISTRY/stripped:0.5" --json --report "$WORK/report.json" >"$WORK/summary.json" 2>"$WORK/strip.err"
check_eq "imgstrip -i csvs2021-web_i -p nginx -p php-fpm -t stripped:0.5 exits 0" 0 "$?"
before=$(jq .bytes.before "$WORK/summary.json")
after=$(jq .bytes.after "$WORK/summary.json")
pct=$(awk "BEGIN{printf \"%.1f\", 100*$after/$before}")
echo "  csvs-web: $before -> $after bytes ($pct %), $(jq .compressed.before "$WORK/summary.json") -> $(jq .compressed.after "$WORK/summary.json") compressed"
check "csvs-web stripped to <= 35 % ($pct %)" awk "BEGIN{exit !($after <= 0.35*$before)}"
check_eq "the summary names the pushed digest" \
  "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/stripped:0.5" | jq -r .Digest)" \
  "$(jq -r .digest "$WORK/summary.json")"
cfg=$(skopeo inspect --tls-verify=false --config "docker://$REGISTRY/stripped:0.5")
check_eq "entrypoint kept" '["/docker-entrypoint.sh"]' "$(jq -c .config.Entrypoint <<<"$cfg")"
check_eq "exposed port kept" '{"80/tcp":{}}' "$(jq -c .config.ExposedPorts <<<"$cfg")"
check_eq "provenance: base digest label" \
  "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/csvs2021-web_i:latest" | jq -r .Digest)" \
  "$(jq -r '.config.Labels["org.opencontainers.image.base.digest"]' <<<"$cfg")"
check "report explains kept paths" jq -e \
  '[.kept[] | select(.path=="/usr/sbin/nginx")] | length == 1' "$WORK/report.json"
check "report: usr/share/doc removed" jq -e \
  '[.kept[] | select(.path | startswith("/usr/share/doc/"))] | length == 0' "$WORK/report.json"
check "why: libsqlite3 is kept for pdo_sqlite" bash -c \
  "'$IMGSTRIP' why --tls-verify=false $REGISTRY/csvs2021-web_i -p nginx -p php-fpm /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 | grep -q pdo_sqlite"
# --command: what a compose command: or an exec probe runs is kept too (a JSON list whose
# words hold commas, or shell words); without it the same path is not.
check "why: without --command, /usr/bin/stat is not kept" bash -c \
  "'$IMGSTRIP' why --tls-verify=false $REGISTRY/csvs2021-web_i -p nginx -p php-fpm /usr/bin/stat | grep -q 'is not kept'"
check "why: --command '[\"sh\",\"-c\",\"stat -c %s,%n /etc/hostname\"]' keeps /usr/bin/stat" bash -c \
  "'$IMGSTRIP' why --tls-verify=false $REGISTRY/csvs2021-web_i -p nginx -p php-fpm \
     --command '[\"sh\",\"-c\",\"stat -c %s,%n /etc/hostname\"]' /usr/bin/stat | grep -q 'command in /usr/bin/sh -c'"
check "why: --command 'stat -L /etc/hostname' keeps it as the program" bash -c \
  "'$IMGSTRIP' why --tls-verify=false $REGISTRY/csvs2021-web_i -p nginx -p php-fpm \
     --command 'stat -L /etc/hostname' /usr/bin/stat | grep -q -- '--command stat'"
check_fails "--command with an unterminated quote is a usage error" 2 "unterminated" \
  "$IMGSTRIP" why --tls-verify=false "$REGISTRY/csvs2021-web_i" --command "stat 'x" /usr/bin/stat

echo "run original and stripped csvs-web with podman"
podman rmi -f "$REGISTRY/stripped:0.5" >/dev/null 2>&1
check "podman pulls the stripped image" podman pull -q --tls-verify=false "$REGISTRY/stripped:0.5"
port_o=$(free_port); port_s=$(free_port)
run_image imgstrip-e2e-orig localhost/csvs2021-web_i:latest "$port_o"
run_image imgstrip-e2e-strip "$REGISTRY/stripped:0.5" "$port_s"
check "original guestbook answers" wait_http "$port_o"
check "stripped guestbook answers" wait_http "$port_s"
guestbook "$port_o" >"$WORK/orig.out"
guestbook "$port_s" >"$WORK/strip.out"
check "the five coursework inputs: identical responses" diff "$WORK/orig.out" "$WORK/strip.out"
check "normal input is stored and listed" grep -q "<b>alice</b>: More tea in the kitchen" "$WORK/strip.out"
check "a single quote is stored and escaped" grep -q "o&#039;brien" "$WORK/strip.out"
check_eq "missing fields give 400 three times" 3 "$(grep -c '\[400\]' "$WORK/strip.out")"
podman logs imgstrip-e2e-strip >"$WORK/strip.log" 2>&1
podman rm -f imgstrip-e2e-orig imgstrip-e2e-strip >/dev/null 2>&1

echo "strip nginx-static"
"$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/nginx-static" -p nginx \
  -t "$REGISTRY/nginx-static-stripped:1" --json >"$WORK/static.json"
check_eq "strip nginx-static exits 0" 0 "$?"
before=$(jq .bytes.before "$WORK/static.json"); after=$(jq .bytes.after "$WORK/static.json")
pct=$(awk "BEGIN{printf \"%.1f\", 100*$after/$before}")
echo "  nginx-static: $before -> $after bytes ($pct %)"
check "nginx-static stripped to <= 10 % ($pct %)" awk "BEGIN{exit !($after <= 0.10*$before)}"
podman rmi -f "$REGISTRY/nginx-static-stripped:1" >/dev/null 2>&1
podman pull -q --tls-verify=false "$REGISTRY/nginx-static-stripped:1" >/dev/null
port_o=$(free_port); port_s=$(free_port)
run_image imgstrip-e2e-static-o localhost/nginx-static:latest "$port_o"
run_image imgstrip-e2e-static-s "$REGISTRY/nginx-static-stripped:1" "$port_s"
wait_http "$port_o"; wait_http "$port_s"
check_eq "stripped static site serves the same page" \
  "$(curl -s "http://127.0.0.1:$port_o/")" "$(curl -s "http://127.0.0.1:$port_s/")"
check_eq "and the same 404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_o/nope")" \
  "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_s/nope")"
podman rm -f imgstrip-e2e-static-o imgstrip-e2e-static-s >/dev/null 2>&1

echo "flags, reproducibility and failures"
printf 'LABEL team=web\nEXPOSE 8443\nUSER root\n' >"$WORK/Dockerfile"
check "strip to an OCI layout with -x and -d" "$IMGSTRIP" -q --tls-verify=false \
  -i "$REGISTRY/nginx-static" -p nginx -x 9090/udp -d "$WORK/Dockerfile" -t "oci:$WORK/static:x"
cfg=$(skopeo inspect --config "oci:$WORK/static:x")
check_eq "-x and -d applied" '["80/tcp","8443/tcp","9090/udp"] web' \
  "$(jq -c '.config.ExposedPorts | keys' <<<"$cfg") $(jq -r .config.Labels.team <<<"$cfg")"
check "same input and --timestamp: same digest" bash -c "
  a=\$('$IMGSTRIP' -q --tls-verify=false -i $REGISTRY/nginx-static -p nginx --timestamp 1 -t oci:$WORK/r:a --json | jq -r .digest)
  b=\$('$IMGSTRIP' -q --tls-verify=false -i $REGISTRY/nginx-static -p nginx --timestamp 1 -t oci:$WORK/r:b --json | jq -r .digest)
  [ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ]"
check_fails "unknown package: a usage error (exit 2) naming it" 2 "no-such-package" \
  "$IMGSTRIP" -q --tls-verify=false -i "$REGISTRY/nginx-static" -p no-such-package -t "$REGISTRY/never:1"
check "a failed strip leaves no tag" bash -c "! skopeo inspect --tls-verify=false docker://$REGISTRY/never:1 >/dev/null 2>&1"
check_fails "missing -t: usage error, exit 2" 2 "needs -i SRC and -t DST" "$IMGSTRIP" -i "$REGISTRY/nginx-static"
check_fails "bad -x: usage error, exit 2" 2 "expected PORT" "$IMGSTRIP" --tls-verify=false \
  -i "$REGISTRY/nginx-static" -x http -t "oci:$WORK/bad:x"
echo "pipelines: the pre-push hook and the Makefile target"
git init -q "$WORK/repo"
git -C "$WORK/repo" config imgstrip.image "$REGISTRY/nginx-static:latest"
git -C "$WORK/repo" config imgstrip.target "$REGISTRY/hooked:1"
git -C "$WORK/repo" config imgstrip.packages "nginx"
git -C "$WORK/repo" config imgstrip.flags "--tls-verify=false -q"
git -C "$WORK/repo" config imgstrip.binary "$IMGSTRIP"
git -C "$WORK/repo" config imgstrip.verify false  # the hook's verify: test_verify.sh
check "pre-push hook strips and pushes" bash -c "cd $WORK/repo && sh $EXAMPLES/pre-push origin x </dev/null"
check "the hook's image is in the registry" skopeo inspect --tls-verify=false "docker://$REGISTRY/hooked:1"
git -C "$WORK/repo" config imgstrip.packages "no-such-package"
git -C "$WORK/repo" config imgstrip.target "$REGISTRY/hooked-bad:1"
check "a failing strip stops the push" bash -c "cd $WORK/repo && ! sh $EXAMPLES/pre-push origin x </dev/null"
# The Makefile strips in the local engine (test_engine.sh runs it for real) and pushes
# only the stripped tag.
check "make -n strip shows the strip command (local engine, bare names)" bash -c \
  "make -s -n -C $EXAMPLES strip IMGSTRIP=$IMGSTRIP REGISTRY=$REGISTRY | grep -q -- '-i csvs2021-web_i:latest -p nginx -p php-fpm -t stripped:0.5'"
check "make -n push pushes only the stripped tag to the registry" bash -c \
  "make -s -n -C $EXAMPLES push IMGSTRIP=$IMGSTRIP REGISTRY=$REGISTRY | grep -qx 'docker push -q $REGISTRY/stripped:0.5'"
finish
