#!/bin/sh
# Starts the notes service from its jars: the application and every library in lib/.
set -e
mkdir -p "${NOTES_DIR:-/data}"
cd /opt/notes-cp
exec java $JAVA_OPTS -cp "notes-app.jar:lib/*" notes.Main "$@"
