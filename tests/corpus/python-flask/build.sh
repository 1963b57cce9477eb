#!/usr/bin/env bash
# python-flask: a to-do list on Debian's python3-flask under Debian's gunicorn, app in /app
# (WORKDIR), SQLite storage in the /data volume. gunicorn binds 0.0.0.0:$PORT.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-python-flask:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path python-flask "$key")
if [ ! -s "$rootfs" ]; then
  corpus_mmdebstrap "$rootfs" --include=python3-flask,gunicorn \
    --customize-hook="mkdir -p \"\$1\"/app/templates \"\$1\"/data" \
    --customize-hook="copy-in $here/app.py /app" \
    --customize-hook="copy-in $here/templates/index.html /app/templates"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PYTHONUNBUFFERED=1' 'ENV PORT=8000' 'ENV DATA_DIR=/data' \
  'WORKDIR /app' 'VOLUME /data' 'EXPOSE 8000' \
  'CMD ["gunicorn","--workers","2","--access-logfile","-","app:app"]'
echo "$image"
