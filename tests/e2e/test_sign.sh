#!/usr/bin/env bash
# Signatures and SBOMs end to end through a real registry (Debian's docker-registry 2.8,
# which has no referrers API) and an OCI layout. Debian 12's skopeo/podman refuse sigstore
# verification, so the cosign-format signature is verified as its spec says, with curl,
# jq and openssl: resolve the tag to a digest, fetch the sha256-<hex>.sig manifest and its
# payload, check the payload names that digest and the reference, and check the
# annotation's signature with `openssl dgst -sha256 -verify`.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
VALIDATE="/usr/bin/python3 $(dirname "$0")/validate_sbom.py"  # Debian's python3-jsonschema
ACCEPT='Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json'
STRIP=(-q --tls-verify=false -p nginx -p php-fpm --no-seccomp --no-harden --timestamp 1700000000)

start_registry
echo "registry at $REGISTRY; building csvs-web"
check "build and push csvs-web" bash "$EXAMPLES/csvs-web/build.sh" localhost/csvs2021-web_i:latest \
  "docker://$REGISTRY/csvs2021-web_i:latest"
SRC="$REGISTRY/csvs2021-web_i:latest"

K=$WORK/keys
mkdir -p "$K"
openssl ecparam -genkey -name prime256v1 -noout -out "$K/key.pem" 2>/dev/null
openssl ec -in "$K/key.pem" -pubout -out "$K/pub.pem" 2>/dev/null
openssl ecparam -genkey -name prime256v1 -noout -out "$K/foreign.pem" 2>/dev/null
openssl ec -in "$K/foreign.pem" -pubout -out "$K/foreign-pub.pem" 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:correct-horse -in "$K/key.pem" -out "$K/enc.pem"
printf 'correct-horse\n' >"$K/pass"
printf 'wrong\n' >"$K/wrong"
openssl genrsa -out "$K/rsa.pem" 2048 2>/dev/null
openssl ecparam -genkey -name secp384r1 -noout -out "$K/p384.pem" 2>/dev/null
mkdir -p "$K/unreadable.pem"  # a folder: unreadable as a file even for root

# manifest REPO REF: the manifest's bytes; digest_of REPO TAG: what the tag points at now.
manifest() { curl -sf -H "$ACCEPT" "http://$REGISTRY/v2/$1/manifests/$2"; }
blob() { curl -sfL "http://$REGISTRY/v2/$1/blobs/$2"; }
digest_of() {
  curl -sfI -H "$ACCEPT" "http://$REGISTRY/v2/$1/manifests/$2" |
    tr -d '\r' | awk 'tolower($1)=="docker-content-digest:"{print $2}'
}

# verify REPO TAG PUBKEY: a verifier's check of the image the tag names now (exit 1 with a
# reason when any step fails).
verify() {
  local repo=$1 tag=$2 pub=$3 d sig n i
  d=$(digest_of "$repo" "$tag") || { echo "no tag $tag"; return 1; }
  sig=$(manifest "$repo" "sha256-${d#sha256:}.sig") || { echo "no signature for $d"; return 1; }
  n=$(jq '.layers | length' <<<"$sig")
  for ((i = 0; i < n; i++)); do
    local layer payload="$WORK/payload.$i"
    layer=$(jq -c ".layers[$i]" <<<"$sig")
    [ "$(jq -r .mediaType <<<"$layer")" = application/vnd.dev.cosign.simplesigning.v1+json ] || continue
    blob "$repo" "$(jq -r .digest <<<"$layer")" >"$payload" || continue
    [ "$(jq -r '.critical.image["docker-manifest-digest"]' "$payload")" = "$d" ] || continue
    [ "$(jq -r '.critical.identity["docker-reference"]' "$payload")" = "$REGISTRY/$repo:$tag" ] || continue
    [ "$(jq -r .critical.type "$payload")" = "cosign container image signature" ] || continue
    jq -r '.annotations["dev.cosignproject.cosign/signature"]' <<<"$layer" | base64 -d >"$payload.sig"
    openssl dgst -sha256 -verify "$pub" -signature "$payload.sig" "$payload" >/dev/null 2>&1 && return 0
  done
  echo "no signature of $d for $REGISTRY/$repo:$tag verifies with $pub"
  return 1
}

echo "hostile keys: usage errors before any work, nothing pushed"
for k in rsa:"an RSA key" p384:"secp384r1" unreadable:"unreadable.pem"; do
  file=${k%%:*} msg=${k#*:}
  check_fails "$file key: exit 2, says why" 2 "$msg" timeout 20 \
    "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/hostile:1" --sign-by-sigstore-private-key "$K/$file.pem"
done
check_fails "encrypted key without a passphrase: exit 2" 2 "sign-passphrase-file" timeout 20 \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/hostile:1" --sign-by-sigstore-private-key "$K/enc.pem"
check_fails "wrong passphrase: exit 2" 2 "wrong passphrase" timeout 20 \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/hostile:1" --sign-by-sigstore-private-key "$K/enc.pem" \
  --sign-passphrase-file "$K/wrong"
check_fails "missing key file: exit 2" 2 "nothere.pem" timeout 20 \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/hostile:1" --sign-by-sigstore-private-key "$K/nothere.pem"
check_fails "signing into a docker-archive: exit 2" 2 "cannot hold signatures" timeout 20 \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "docker-archive:$WORK/x.tar" --sign-by-sigstore-private-key "$K/key.pem"
check_fails "nothing was pushed for the refused runs" 22 "" \
  curl -sf "http://$REGISTRY/v2/hostile/tags/list"

echo "strip, sign with an encrypted PKCS#8 key, attach SPDX and CycloneDX"
"$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/signed:1" --json \
  --sign-by-sigstore-private-key "$K/enc.pem" --sign-passphrase-file "$K/pass" \
  --sbom spdx --sbom cyclonedx --sbom-out "$WORK/out.spdx.json" --sbom-out "$WORK/out.cdx.json" \
  >"$WORK/summary.json" 2>"$WORK/strip.err"
check_eq "strip --sign-by-sigstore-private-key --sbom exits 0" 0 "$?"
D=$(jq -r .digest "$WORK/summary.json")
HEX=${D#sha256:}
check_eq "the tag names the summary's digest" "$D" "$(digest_of signed 1)"
check_eq "the summary names the signature tag" "sha256-$HEX.sig" "$(jq -r .signature.tag "$WORK/summary.json")"
sig=$(manifest signed "sha256-$HEX.sig")
check_eq "the .sig manifest is an OCI manifest with one simple-signing layer" \
  "application/vnd.oci.image.manifest.v1+json application/vnd.oci.image.config.v1+json 1 application/vnd.dev.cosign.simplesigning.v1+json" \
  "$(jq -r '[.mediaType, .config.mediaType, (.layers|length|tostring), .layers[0].mediaType] | join(" ")' <<<"$sig")"
blob signed "$(jq -r .layers[0].digest <<<"$sig")" >"$WORK/payload.json"
check_eq "the payload names the digest" "$D" "$(jq -r '.critical.image["docker-manifest-digest"]' "$WORK/payload.json")"
check_eq "the payload names the fully qualified reference" "$REGISTRY/signed:1" \
  "$(jq -r '.critical.identity["docker-reference"]' "$WORK/payload.json")"
check_eq "the payload has cosign's type and no optional part" "cosign container image signature null" \
  "$(jq -r '[.critical.type, (.optional|tostring)] | join(" ")' "$WORK/payload.json")"
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<<"$sig" | base64 -d >"$WORK/sig.der"
check "openssl verifies the signature with the public key" \
  openssl dgst -sha256 -verify "$K/pub.pem" -signature "$WORK/sig.der" "$WORK/payload.json"
check_fails "openssl refuses it under a foreign key" 1 "Verification failure" \
  openssl dgst -sha256 -verify "$K/foreign-pub.pem" -signature "$WORK/sig.der" "$WORK/payload.json"
check "a verifier accepts signed:1" verify signed 1 "$K/pub.pem"
check_fails "a verifier refuses signed:1 under a foreign key" 1 "no signature" verify signed 1 "$K/foreign-pub.pem"

echo "SBOMs through the referrers fallback tag"
check_fails "the registry has no referrers API (404)" 22 "" \
  curl -sf "http://$REGISTRY/v2/signed/referrers/$D"
idx=$(manifest signed "sha256-$HEX")
check_eq "the fallback index lists both artifacts by type" \
  "application/spdx+json application/vnd.cyclonedx+json" \
  "$(jq -r '[.manifests[].artifactType] | sort | join(" ")' <<<"$idx")"
check_eq "the fallback index is an OCI index" "application/vnd.oci.image.index.v1+json" "$(jq -r .mediaType <<<"$idx")"
for t in spdx:application/spdx+json cdx:application/vnd.cyclonedx+json; do
  name=${t%%:*} type=${t#*:}
  ad=$(jq -r --arg t "$type" '.manifests[] | select(.artifactType == $t) | .digest' <<<"$idx")
  art=$(manifest signed "$ad")
  check_eq "$name: the artifact's subject is the image" "$D" "$(jq -r .subject.digest <<<"$art")"
  check_eq "$name: artifactType, empty config, one layer" \
    "$type application/vnd.oci.empty.v1+json sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a 1" \
    "$(jq -r '[.artifactType, .config.mediaType, .config.digest, (.layers|length|tostring)] | join(" ")' <<<"$art")"
  blob signed "$(jq -r .layers[0].digest <<<"$art")" >"$WORK/attached.$name.json"
done
check "the attached SPDX is the --sbom-out file" cmp "$WORK/attached.spdx.json" "$WORK/out.spdx.json"
check "the attached CycloneDX is the --sbom-out file" cmp "$WORK/attached.cdx.json" "$WORK/out.cdx.json"
check "CycloneDX validates against the official 1.5 schema" $VALIDATE cyclonedx "$WORK/out.cdx.json"
check "SPDX has the SPDX 2.3 required fields" $VALIDATE spdx "$WORK/out.spdx.json"
jq '.components[0].type = "gizmo"' "$WORK/out.cdx.json" >"$WORK/bad.cdx.json"
check_fails "the schema check refuses a broken CycloneDX document" 1 "gizmo" $VALIDATE cyclonedx "$WORK/bad.cdx.json"
jq 'del(.creationInfo.creators)' "$WORK/out.spdx.json" >"$WORK/bad.spdx.json"
check_fails "the SPDX check refuses a document without creators" 1 "creators" $VALIDATE spdx "$WORK/bad.spdx.json"
check_eq "SPDX: the image is the described package, by digest" "$HEX" \
  "$(jq -r '.packages[] | select(.SPDXID == "SPDXRef-Image") | .checksums[0].checksumValue' "$WORK/out.spdx.json")"
# csvs-web installs nginx-light, which in bookworm is a metapackage of documentation only
# (Depends: nginx, libnginx-mod-http-echo): the server is the package nginx, and that is
# what stays (and what the trimmed dpkg status names).
nginx=$(jq -r '.packages[] | select(.name == "nginx") | .externalRefs[0].referenceLocator' "$WORK/out.spdx.json")
check "SPDX lists nginx (the server nginx-light pulls in) with a Debian purl ($nginx)" \
  grep -qE '^pkg:deb/debian/nginx@1\.22[^?]+%2Bdeb12u[0-9]+\?arch=amd64&distro=debian-12$' <<<"$nginx"
check "SPDX lists nginx-light's module libnginx-mod-http-echo" \
  test -n "$(jq -r '.packages[] | select(.name == "libnginx-mod-http-echo") | .name' "$WORK/out.spdx.json")"
check_eq "SPDX does not list apt (removed)" "" "$(jq -r '.packages[] | select(.name == "apt") | .name' "$WORK/out.spdx.json")"
check_eq "CycloneDX lists nginx, not apt" "nginx" \
  "$(jq -r '.components[] | select(.name == "nginx" or .name == "apt") | .name' "$WORK/out.cdx.json")"
check "no purl has a raw '+'" bash -c "! jq -r '.components[].purl // empty' '$WORK/out.cdx.json' | grep -F '+'"
check "a version with '+' is written %2B" bash -c "jq -r '.components[].purl // empty' '$WORK/out.cdx.json' | grep -q '%2Bdeb12'"

echo "what scanners read stays true"
"$IMGSTRIP" ls --tls-verify=false "$REGISTRY/signed:1" >"$WORK/ls.txt"
for f in etc/debian_version etc/os-release usr/lib/os-release var/lib/dpkg/status; do
  check "the stripped image keeps /$f" grep -qE "[ /]$f( |$)" "$WORK/ls.txt"
done
skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/signed:1" "oci:$WORK/flat:1" >/dev/null 2>&1
mkdir -p "$WORK/root"
for l in $(jq -r '.layers[].digest' "$WORK/flat/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/flat/index.json" | cut -d: -f2)"); do
  tar -xzf "$WORK/flat/blobs/sha256/${l#sha256:}" -C "$WORK/root" 2>/dev/null
done
grep '^Package: ' "$WORK/root/var/lib/dpkg/status" | cut -d' ' -f2 | sort >"$WORK/status.names"
jq -r '.packages[] | select(.externalRefs[0].referenceLocator // "" | startswith("pkg:deb/")) | .name' \
  "$WORK/out.spdx.json" | sort >"$WORK/sbom.names"
check "the trimmed dpkg status lists exactly the SBOM's packages ($(wc -l <"$WORK/sbom.names"))" \
  diff "$WORK/status.names" "$WORK/sbom.names"
check_eq "the dpkg status has nginx, not apt" "nginx" "$(grep -xE 'nginx|apt' "$WORK/status.names")"

echo "signing again and with a second key"
"$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/signed:1" --json \
  --sign-by-sigstore-private-key "$K/key.pem" >"$WORK/again.json" 2>&1
check_eq "the same image signed again by the same key replaces its signature" "$D true 1" \
  "$(jq -r .digest "$WORK/again.json") $(jq -r .signature.replaced "$WORK/again.json") $(manifest signed "sha256-$HEX.sig" | jq '.layers|length')"
check "copy --sign-by-sigstore-private-key adds a second signer's signature" \
  "$IMGSTRIP" copy -q --tls-verify=false --sign-by-sigstore-private-key "$K/foreign.pem" \
  "$REGISTRY/signed:1" "$REGISTRY/signed:1"
check_eq "the .sig manifest now has two layers" 2 "$(manifest signed "sha256-$HEX.sig" | jq '.layers|length')"
check "the first key still verifies" verify signed 1 "$K/pub.pem"
check "the second key verifies" verify signed 1 "$K/foreign-pub.pem"

echo "the tag moves: the signature no longer applies"
check "push another image to signed:1" \
  skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$SRC" "docker://$REGISTRY/signed:1"
check_fails "a verifier refuses signed:1 now" 1 "no signature" verify signed 1 "$K/pub.pem"
check "the old payload names a digest the tag no longer has" \
  test "$(jq -r '.critical.image["docker-manifest-digest"]' "$WORK/payload.json")" != "$(digest_of signed 1)"

echo "a failed signing after the push: exit 1, says the image was written"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}' >"$WORK/junk.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary @"$WORK/junk.json" \
  "http://$REGISTRY/v2/broken/manifests/sha256-$HEX.sig" >/dev/null
check_fails "the .sig tag holds an index: exit 1, the image was written" 1 "image was written \\($D\\).*signature" \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "$REGISTRY/broken:1" --sign-by-sigstore-private-key "$K/key.pem"
check_eq "the image itself is there" "$D" "$(digest_of broken 1)"

echo "an OCI layout holds the signature and the SBOM"
L=$WORK/layout
"$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "oci:$L:web" --json --sign-identity "$REGISTRY/web:oci" \
  --sign-by-sigstore-private-key "$K/key.pem" --sbom spdx >"$WORK/oci.json" 2>"$WORK/oci.err"
check_eq "strip to oci: with --sign and --sbom exits 0" 0 "$?"
check_fails "oci: without --sign-identity: exit 2" 2 "sign-identity" \
  "$IMGSTRIP" "${STRIP[@]}" -i "$SRC" -t "oci:$L:web2" --sign-by-sigstore-private-key "$K/key.pem"
OD=$(jq -r .digest "$WORK/oci.json")
check_eq "skopeo reads the image from the layout" "$OD" "$(skopeo inspect "oci:$L:web" | jq -r .Digest)"
tagged() { jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$L/index.json"; }
lblob() { cat "$L/blobs/sha256/${1#sha256:}"; }
sd=$(tagged "sha256-${OD#sha256:}.sig")
check "the layout has the .sig tag" test -n "$sd"
lsig=$(lblob "$sd")
lblob "$(jq -r .layers[0].digest <<<"$lsig")" >"$WORK/lpayload.json"
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<<"$lsig" | base64 -d >"$WORK/lsig.der"
check_eq "the layout's payload names the image and the identity" "$OD $REGISTRY/web:oci" \
  "$(jq -r '[.critical.image["docker-manifest-digest"], .critical.identity["docker-reference"]] | join(" ")' "$WORK/lpayload.json")"
check "openssl verifies the layout's signature" \
  openssl dgst -sha256 -verify "$K/pub.pem" -signature "$WORK/lsig.der" "$WORK/lpayload.json"
ri=$(tagged "sha256-${OD#sha256:}")
check "the layout has the referrers fallback tag" test -n "$ri"
ad=$(lblob "$ri" | jq -r '.manifests[] | select(.artifactType == "application/spdx+json") | .digest')
check_eq "the layout's SBOM artifact has the image as subject" "$OD" "$(lblob "$ad" | jq -r .subject.digest)"
check "the layout's SPDX has the required fields" \
  bash -c "cat '$L/blobs/sha256/$(lblob "$ad" | jq -r .layers[0].digest | cut -d: -f2)' >'$WORK/l.spdx.json' && $VALIDATE spdx '$WORK/l.spdx.json'"
check "skopeo copies the signature manifest out of the layout" \
  skopeo copy -q "oci:$L:sha256-${OD#sha256:}.sig" "oci:$WORK/sigcopy:x"
echo "an application's npm packages (the node-express corpus app) into a docker-archive"
CORPUS=$(cd "$(dirname "$0")/../corpus" && pwd)
if node_img=$(bash "$CORPUS/node-express/build.sh" 2>"$WORK/node-build.err"); then
  skopeo copy -q "containers-storage:$node_img" "oci:$WORK/node:src" >/dev/null 2>&1
  check_fails "--sbom to a docker-archive without --sbom-out: exit 2" 2 "sbom-out" \
    "$IMGSTRIP" -q -i "oci:$WORK/node:src" -t "docker-archive:$WORK/node.tar" -p nodejs --sbom cyclonedx
  check "--sbom --sbom-out writes the file for a docker-archive" \
    "$IMGSTRIP" -q -i "oci:$WORK/node:src" -t "docker-archive:$WORK/node.tar" -p nodejs \
    --no-seccomp --no-harden --sbom cyclonedx --sbom-out "$WORK/node.cdx.json"
  check "its CycloneDX validates against the 1.5 schema" $VALIDATE cyclonedx "$WORK/node.cdx.json"
  for dep in express helmet morgan; do
    v=$(jq -r --arg p "node_modules/$dep" '.packages[$p].version' "$CORPUS/node-express/package-lock.json")
    check_eq "it lists $dep@$v from /app/node_modules as pkg:npm" "pkg:npm/$dep@$v /app/node_modules/$dep/package.json" \
      "$(jq -r --arg p "pkg:npm/$dep@$v" '.components[] | select(.purl == $p) |
          "\(.purl) \(.properties[] | select(.name == "imgstrip:location") | .value)"' "$WORK/node.cdx.json")"
  done
  check "it lists nodejs as a Debian package" \
    grep -q '"pkg:deb/debian/nodejs@' "$WORK/node.cdx.json"
else
  fail "build the node-express corpus image" "$(tail -5 "$WORK/node-build.err")"
fi
finish
