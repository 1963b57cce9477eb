#!/usr/bin/env bash
# java-cp: the java-jar notes service (same sources, ../java-jar/src) packaged as an
# application jar plus a library jar in /opt/notes-cp/lib, started with
# `java -cp notes-app.jar:lib/* notes.Main`; notes persisted in the /data volume.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-java-cp:latest}
src=$here/../java-jar/src
key=$(corpus_key "$here" "$src")
rootfs=$(corpus_rootfs_path java-cp "$key")
if [ ! -s "$rootfs" ]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/lib-classes" "$stage/app-classes" "$stage/lib"
  javac --release 17 -d "$stage/lib-classes" $(find "$src/lib" -name '*.java' | sort)
  jar --create --file "$stage/lib/json.jar" -C "$stage/lib-classes" .
  javac --release 17 -cp "$stage/lib/json.jar" -d "$stage/app-classes" $(find "$src/app" -name '*.java' | sort)
  jar --create --file "$stage/notes-app.jar" -C "$stage/app-classes" .
  base=$(corpus_base jre --include=openjdk-17-jre-headless)
  root=$stage/root
  mkdir -p "$root/opt/notes-cp/lib" "$root/data"
  cp "$stage/notes-app.jar" "$root/opt/notes-cp/"
  cp "$stage/lib/json.jar" "$root/opt/notes-cp/lib/"
  install -m 755 "$here/docker-entrypoint.sh" "$root/"
  chmod -R u=rwX,go=rX "$root"
  corpus_overlay "$base" "$rootfs" "$root"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PORT=8080' 'ENV NOTES_DIR=/data' 'ENV JAVA_OPTS=-Xmx128m' \
  'VOLUME /data' 'EXPOSE 8080' \
  'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
