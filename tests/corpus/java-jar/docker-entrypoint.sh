#!/bin/sh
# Starts the notes service; JAVA_OPTS adds JVM flags (e.g. -Xmx256m).
set -e
mkdir -p "${NOTES_DIR:-/data}"
exec java $JAVA_OPTS -jar /opt/notes/notes.jar "$@"
