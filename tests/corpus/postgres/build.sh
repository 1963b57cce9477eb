#!/usr/bin/env bash
# postgres: Debian's postgresql (15) with an entrypoint that runs initdb as the postgres
# user on first start, creates the application's role and database, and serves TCP on
# $PGPORT; data in the /var/lib/postgresql/data volume. The cluster Debian's postinst
# creates (/var/lib/postgresql/15/main, /etc/postgresql/15) is removed: the image starts
# empty.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-postgres:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path postgres "$key")
if [ ! -s "$rootfs" ]; then
  corpus_mmdebstrap "$rootfs" --include=postgresql \
    --customize-hook="rm -rf \"\$1\"/var/lib/postgresql/15 \"\$1\"/etc/postgresql/15" \
    --customize-hook="mkdir -p \"\$1\"/var/lib/postgresql/data" \
    --customize-hook="chroot \"\$1\" chown postgres:postgres /var/lib/postgresql/data" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8' \
  'VOLUME /var/lib/postgresql/data' 'EXPOSE 5432' 'STOPSIGNAL SIGINT' \
  'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
