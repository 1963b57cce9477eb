#!/usr/bin/env bash
# Foundation: images made by podman/buildah/skopeo from a real Debian root file system are
# read (inspect, ls) the way umoci sees them, and what imgstrip writes (copy, copy
# --flatten) is accepted by skopeo, umoci and podman with identical file contents.
source "$(dirname "$0")/lib.sh"

echo "building fixtures"
base_tar=$(rootfs_tar base ca-certificates) || { fail "mmdebstrap fixture"; finish; exit 1; }
podman rmi -f localhost/imgstrip-e2e-base localhost/imgstrip-e2e-multi >/dev/null 2>&1
podman import -q --change 'ENTRYPOINT ["/bin/sh"]' --change 'EXPOSE 8080' \
  "$base_tar" localhost/imgstrip-e2e-base:latest >/dev/null
# A second layer with deletions (whiteouts), an opaque directory, a hard link and a symlink.
ctr=$(buildah from -q localhost/imgstrip-e2e-base:latest)
mnt=$(buildah mount "$ctr")
rm -rf "$mnt/usr/share/doc" "$mnt/etc/hostname" "$mnt/etc/apt"
mkdir -p "$mnt/etc/apt" "$mnt/opt/app"
echo replaced >"$mnt/etc/apt/new.conf"
printf 'hello\n' >"$mnt/opt/app/file"
ln "$mnt/opt/app/file" "$mnt/opt/app/hard"
ln -s file "$mnt/opt/app/sym"
chmod 4755 "$mnt/opt/app/file"
buildah umount "$ctr" >/dev/null
buildah commit -q "$ctr" localhost/imgstrip-e2e-multi:latest >/dev/null
buildah rm "$ctr" >/dev/null
skopeo copy -q containers-storage:localhost/imgstrip-e2e-multi:latest "oci:$WORK/multi:multi"
skopeo copy -q containers-storage:localhost/imgstrip-e2e-multi:latest \
  "docker-archive:$WORK/multi-skopeo.tar:localhost/imgstrip-e2e-multi:latest"
podman save -q --format docker-archive -o "$WORK/multi-podman.tar" localhost/imgstrip-e2e-multi:latest

echo "inspect"
json=$("$IMGSTRIP" inspect --json "oci:$WORK/multi:multi")
check_eq "inspect: two layers" 2 "$(jq '.layers | length' <<<"$json")"
check_eq "inspect: platform" "linux/amd64" "$(jq -r .platform <<<"$json")"
check_eq "inspect: entrypoint kept" '["/bin/sh"]' "$(jq -c .config.entrypoint <<<"$json")"
check_eq "inspect: exposed port" '["8080/tcp"]' "$(jq -c .config.exposedPorts <<<"$json")"
check_eq "inspect: digest agrees with skopeo" \
  "$(skopeo inspect "oci:$WORK/multi:multi" | jq -r .Digest)" "$(jq -r .digest <<<"$json")"
for t in skopeo podman; do
  j=$("$IMGSTRIP" inspect --json "docker-archive:$WORK/multi-$t.tar")
  check_eq "inspect docker-archive ($t save): diff_ids as in oci" \
    "$(jq -c '[.layers[].diffId]' <<<"$json")" "$(jq -c '[.layers[].diffId]' <<<"$j")"
done

echo "ls (flatten) against umoci unpack"
umoci unpack --image "$WORK/multi:multi" "$WORK/bundle" >/dev/null 2>&1
(cd "$WORK/bundle/rootfs" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >"$WORK/umoci.list"
"$IMGSTRIP" ls --json "oci:$WORK/multi:multi" | jq -r .path | sed 's|^/||' | LC_ALL=C sort >"$WORK/ls.list"
check "ls: same paths as umoci unpack ($(wc -l <"$WORK/umoci.list") entries)" \
  diff "$WORK/umoci.list" "$WORK/ls.list"
check "ls: whiteout removed usr/share/doc" bash -c "! grep -qx 'usr/share/doc' $WORK/ls.list"
check "ls: opaque dir hides old etc/apt/sources.list.d" \
  bash -c "! grep -q '^etc/apt/sources.list.d' $WORK/ls.list && grep -qx etc/apt/new.conf $WORK/ls.list"
ino=$("$IMGSTRIP" ls --json "oci:$WORK/multi:multi" opt/app | jq -r 'select(.path=="/opt/app/file" or .path=="/opt/app/hard") | .inode' | sort -u | wc -l)
check_eq "ls: hard links share an inode" 1 "$ino"
for t in skopeo podman; do
  "$IMGSTRIP" ls --json "docker-archive:$WORK/multi-$t.tar" | jq -r .path | sed 's|^/||' | LC_ALL=C sort >"$WORK/ls-$t.list"
  check "ls docker-archive ($t save): same paths" diff "$WORK/ls.list" "$WORK/ls-$t.list"
done

# The OCI-in-tar form newer Docker writes (index.json + blobs/, no manifest.json).
tar -C "$WORK/multi" -cf "$WORK/oci-in-tar.tar" oci-layout index.json blobs
"$IMGSTRIP" ls --json "docker-archive:$WORK/oci-in-tar.tar" | jq -r .path | sed 's|^/||' | LC_ALL=C sort >"$WORK/ls-ocitar.list"
check "ls docker-archive (OCI-in-tar form): same paths" diff "$WORK/ls.list" "$WORK/ls-ocitar.list"

echo "copy"
check "copy oci -> oci" "$IMGSTRIP" copy -q "oci:$WORK/multi:multi" "oci:$WORK/copy:c1"
check_eq "copy keeps the manifest digest" "$(jq -r .digest <<<"$json")" \
  "$(skopeo inspect "oci:$WORK/copy:c1" | jq -r .Digest)"
check "copy oci -> docker-archive" "$IMGSTRIP" copy -q "oci:$WORK/multi:multi" \
  "docker-archive:$WORK/copy.tar:localhost/imgstrip-e2e-copy:latest"
podman rmi -f localhost/imgstrip-e2e-copy:latest >/dev/null 2>&1
check "podman load accepts the docker-archive" podman load -q -i "$WORK/copy.tar"
check_eq "podman runs the loaded image" hello \
  "$(podman_run --entrypoint /bin/cat localhost/imgstrip-e2e-copy:latest /opt/app/file 2>&1)"
check "copy docker-archive -> oci, skopeo inspects it" bash -c \
  "'$IMGSTRIP' copy -q docker-archive:$WORK/copy.tar oci:$WORK/back:b && skopeo inspect oci:$WORK/back:b >/dev/null"

echo "copy --flatten (the layer writer)"
check "flatten to one layer" "$IMGSTRIP" copy -q --flatten "oci:$WORK/multi:multi" "oci:$WORK/flat:f"
check_eq "flattened image has one layer" 1 "$(skopeo inspect "oci:$WORK/flat:f" | jq '.Layers | length')"
check "umoci unpacks the flattened image" umoci unpack --image "$WORK/flat:f" "$WORK/flatbundle"
meta() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %U %G %s %l\n' | LC_ALL=C sort); }
check "flattened tree: same paths, types, modes, owners, sizes, links" \
  diff <(meta "$WORK/bundle/rootfs") <(meta "$WORK/flatbundle/rootfs")
contents() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
contents "$WORK/bundle/rootfs" >"$WORK/contents.orig"
check "flattened tree: byte-identical contents ($(wc -l <"$WORK/contents.orig") files)" \
  diff "$WORK/contents.orig" <(contents "$WORK/flatbundle/rootfs")
check_eq "flattened tree: hard link kept" 2 "$(stat -c %h "$WORK/flatbundle/rootfs/opt/app/file")"
check "flatten is reproducible with --timestamp" bash -c "
  '$IMGSTRIP' copy -q --flatten --timestamp 1700000000 oci:$WORK/multi:multi oci:$WORK/r1:x >/dev/null &&
  '$IMGSTRIP' copy -q --flatten --timestamp 1700000000 oci:$WORK/multi:multi oci:$WORK/r2:x >/dev/null &&
  cmp $WORK/r1/index.json $WORK/r2/index.json && diff -r $WORK/r1/blobs $WORK/r2/blobs"
check "flatten is reproducible with SOURCE_DATE_EPOCH" bash -c "
  SOURCE_DATE_EPOCH=1600000000 '$IMGSTRIP' copy -q --flatten oci:$WORK/multi:multi oci:$WORK/s1:x >/dev/null &&
  SOURCE_DATE_EPOCH=1600000000 '$IMGSTRIP' copy -q --flatten oci:$WORK/multi:multi oci:$WORK/s2:x >/dev/null &&
  cmp $WORK/s1/index.json $WORK/s2/index.json"
# umoci 0.4.7 has no zstd: skopeo decompresses our zstd layer (and recompresses it).
check "flatten with zstd, skopeo reads it, contents identical" bash -c "
  '$IMGSTRIP' copy -q --flatten --compression zstd oci:$WORK/multi:multi oci:$WORK/z:z >/dev/null &&
  skopeo inspect --raw oci:$WORK/z:z | grep -q 'tar+zstd' &&
  skopeo copy -q --dest-compress --dest-compress-format gzip oci:$WORK/z:z oci:$WORK/zg:z &&
  umoci unpack --image $WORK/zg:z $WORK/zbundle >/dev/null 2>&1"
check "zstd flattened tree: byte-identical contents" \
  diff "$WORK/contents.orig" <(contents "$WORK/zbundle/rootfs")
check "flatten to docker-archive, podman loads it" bash -c "
  '$IMGSTRIP' copy -q --flatten oci:$WORK/multi:multi docker-archive:$WORK/flat.tar:localhost/imgstrip-e2e-flat:latest &&
  podman load -q -i $WORK/flat.tar >/dev/null"
check_eq "podman runs the flattened image" "hello" \
  "$(podman_run --entrypoint /bin/cat localhost/imgstrip-e2e-flat:latest /opt/app/sym 2>&1)"

echo "multi-arch index"
podman rmi -f localhost/imgstrip-e2e-list >/dev/null 2>&1
buildah manifest create localhost/imgstrip-e2e-list >/dev/null
buildah manifest add --arch amd64 localhost/imgstrip-e2e-list containers-storage:localhost/imgstrip-e2e-multi:latest >/dev/null
buildah manifest add --arch arm64 --variant v8 localhost/imgstrip-e2e-list containers-storage:localhost/imgstrip-e2e-base:latest >/dev/null
buildah manifest push -q --all localhost/imgstrip-e2e-list "oci:$WORK/index:list" >/dev/null 2>&1
idx=$(cat "$WORK/index/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/index/index.json" | cut -d: -f2)")
amd=$(jq -r '.manifests[] | select(.platform.architecture=="amd64") | .digest' <<<"$idx")
arm=$(jq -r '.manifests[] | select(.platform.architecture=="arm64") | .digest' <<<"$idx")
check "index: has an amd64 and an arm64 image" test -n "$amd" -a -n "$arm" -a "$amd" != "$arm"
check_eq "index: host platform picks amd64" "$amd" "$("$IMGSTRIP" inspect --json "oci:$WORK/index:list" | jq -r .digest)"
check_eq "index: --platform linux/arm64/v8 picks arm64" "$arm" \
  "$("$IMGSTRIP" inspect --json --platform linux/arm64/v8 "oci:$WORK/index:list" | jq -r .digest)"
check_fails "index: missing platform is a clear error" 1 "no image for platform linux/s390x" \
  "$IMGSTRIP" inspect --platform linux/s390x "oci:$WORK/index:list"
buildah manifest rm localhost/imgstrip-e2e-list >/dev/null 2>&1

echo "bad input"
check_fails "usage error exits 2" 2 "needs SRC and DST" "$IMGSTRIP" copy "oci:$WORK/multi:multi"
check_fails "unknown command exits 2" 2 "unknown command" "$IMGSTRIP" frobnicate
check_fails "invalid reference exits 2" 2 "must be lowercase" "$IMGSTRIP" inspect docker://Foo/Bar
check_fails "not a layout" 1 "not an OCI image layout" "$IMGSTRIP" inspect "oci:$WORK"
check_fails "unknown tag" 1 "no image tagged \"nope\"" "$IMGSTRIP" inspect "oci:$WORK/multi:nope"
cp -r "$WORK/multi" "$WORK/trunc"
layer=$(jq -r '.layers[0].digest' "$WORK/trunc/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/trunc/index.json" | cut -d: -f2)" | cut -d: -f2)
truncate -s 100000 "$WORK/trunc/blobs/sha256/$layer"
check_fails "truncated layer blob is an error" 1 "truncated|corrupt|digest mismatch|unexpected end" \
  "$IMGSTRIP" ls "oci:$WORK/trunc:multi"
check_fails "copy of a truncated blob fails and writes no image" 1 "truncated" \
  "$IMGSTRIP" copy -q "oci:$WORK/trunc:multi" "oci:$WORK/never:x"
check "no index.json left behind by a failed copy" bash -c "[ ! -e $WORK/never/index.json ]"
cp -r "$WORK/multi" "$WORK/tamper"
printf 'X' | dd of="$WORK/tamper/blobs/sha256/$layer" bs=1 seek=5000 conv=notrunc status=none
check_fails "tampered layer blob: digest mismatch" 1 "digest mismatch|corrupt" \
  "$IMGSTRIP" ls "oci:$WORK/tamper:multi"
# A hostile docker-archive: a layer tar with a path-traversing entry.
mkdir -p "$WORK/evil/layer"
python3 - "$WORK/evil" <<'PY'
import io, json, hashlib, sys, tarfile
d = sys.argv[1]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    info = tarfile.TarInfo("../../escaped"); data = b"pwned\n"; info.size = len(data)
    t.addfile(info, io.BytesIO(data))
layer = buf.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
open(d + "/layer/layer.tar", "wb").write(layer)
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
open(d + "/config.json", "wb").write(cfg)
json.dump([{"Config": "config.json", "RepoTags": ["evil:latest"], "Layers": ["layer/layer.tar"]}],
          open(d + "/manifest.json", "w"))
PY
tar -C "$WORK/evil" -cf "$WORK/evil.tar" manifest.json config.json layer/layer.tar
check_fails "path-traversing layer entry is rejected" 1 "\.\." "$IMGSTRIP" ls "docker-archive:$WORK/evil.tar"
check "nothing escaped" bash -c "[ ! -e $WORK/../escaped ] && [ ! -e /escaped ]"

podman rmi -f localhost/imgstrip-e2e-copy localhost/imgstrip-e2e-flat >/dev/null 2>&1
finish
