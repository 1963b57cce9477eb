#!/usr/bin/env bash
# Registry transport through the CLI, checked by independent clients: podman pushes and
# imgstrip pulls; imgstrip pushes and podman pulls and runs; skopeo agrees on digests.
source "$(dirname "$0")/lib.sh"

base_tar=$(rootfs_tar base ca-certificates) || { fail "mmdebstrap fixture"; finish; exit 1; }
podman image exists localhost/imgstrip-e2e-base:latest ||
  podman import -q --change 'ENTRYPOINT ["/bin/sh"]' "$base_tar" localhost/imgstrip-e2e-base:latest >/dev/null

start_registry
echo "registry at $REGISTRY"
check "podman pushes to the registry" \
  podman push -q --tls-verify=false localhost/imgstrip-e2e-base:latest "docker://$REGISTRY/e2e/base:v1"
pushed=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/e2e/base:v1" | jq -r .Digest)

json=$("$IMGSTRIP" inspect --json --tls-verify=false "$REGISTRY/e2e/base:v1")
check_eq "imgstrip inspect agrees with skopeo on the digest" "$pushed" "$(jq -r .digest <<<"$json")"
check "imgstrip pulls it into an OCI layout" \
  "$IMGSTRIP" copy -q --tls-verify=false "docker://$REGISTRY/e2e/base:v1" "oci:$WORK/pulled:v1"
check_eq "pulled manifest keeps its digest" "$pushed" "$(skopeo inspect "oci:$WORK/pulled:v1" | jq -r .Digest)"
n=$("$IMGSTRIP" ls --tls-verify=false "$REGISTRY/e2e/base:v1" | wc -l)
check "imgstrip ls streams the image from the registry ($n entries)" test "$n" -gt 1000

check "imgstrip --flatten pushes a new image" \
  "$IMGSTRIP" copy -q --flatten --tls-verify=false "oci:$WORK/pulled:v1" "docker://$REGISTRY/e2e/flat:v1"
ours=$("$IMGSTRIP" inspect --json --tls-verify=false "$REGISTRY/e2e/flat:v1" | jq -r .digest)
check_eq "skopeo inspect agrees on the pushed digest" "$ours" \
  "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/e2e/flat:v1" | jq -r .Digest)"
podman rmi -f "$REGISTRY/e2e/flat:v1" >/dev/null 2>&1
check "podman pulls what imgstrip pushed" podman pull -q --tls-verify=false "$REGISTRY/e2e/flat:v1"
check_eq "podman runs it" "ok" "$(podman_run "$REGISTRY/e2e/flat:v1" -c 'echo ok' 2>&1)"
podman rmi -f "$REGISTRY/e2e/flat:v1" >/dev/null 2>&1

check "copy within the registry (cross-repository mount)" \
  "$IMGSTRIP" copy -q --tls-verify=false "$REGISTRY/e2e/base:v1" "$REGISTRY/e2e/other:v1"
check_eq "the copy has the same digest" "$pushed" \
  "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/e2e/other:v1" | jq -r .Digest)"

check_fails "unknown tag: one clear line, exit 1" 1 "manifest unknown|not found" \
  "$IMGSTRIP" inspect --tls-verify=false "$REGISTRY/e2e/base:nope"
check_fails "plain HTTP without --tls-verify=false: a hint" 1 "tls-verify" \
  "$IMGSTRIP" inspect "$REGISTRY/e2e/base:v1"
finish
