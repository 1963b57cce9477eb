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
  corpus_mmdebstrap "$rootfs" --include=openjdk-17-jre-headless \
    --customize-hook="mkdir -p \"\$1\"/opt/notes-cp/lib \"\$1\"/data" \
    --customize-hook="copy-in $stage/notes-app.jar /opt/notes-cp" \
    --customize-hook="copy-in $stage/lib/json.jar /opt/notes-cp/lib" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PORT=8080' 'ENV NOTES_DIR=/data' 'ENV JAVA_OPTS=-Xmx128m' \
  'VOLUME /data' 'EXPOSE 8080' \
  'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
