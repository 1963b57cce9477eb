#!/usr/bin/env bash
# java-jar: a notes HTTP/JSON service (com.sun.net.httpserver) on Debian's
# openjdk-17-jre-headless, one jar built here with javac/jar, started by a shell
# entrypoint with `java -jar /opt/notes/notes.jar`, notes persisted in the /data volume.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-java-jar:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path java-jar "$key")
if [ ! -s "$rootfs" ]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/classes"
  javac --release 17 -d "$stage/classes" $(find "$here/src" -name '*.java' | sort)
  jar --create --file "$stage/notes.jar" --main-class notes.Main -C "$stage/classes" .
  base=$(corpus_base jre --include=openjdk-17-jre-headless)
  root=$stage/root
  mkdir -p "$root/opt/notes" "$root/data"
  cp "$stage/notes.jar" "$root/opt/notes/"
  install -m 755 "$here/docker-entrypoint.sh" "$root/"
  chmod -R u=rwX,go=rX "$root"
  corpus_overlay "$base" "$rootfs" "$root"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PORT=8080' 'ENV NOTES_DIR=/data' 'ENV JAVA_OPTS=-Xmx128m' \
  'WORKDIR /opt/notes' 'VOLUME /data' 'EXPOSE 8080' \
  'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
