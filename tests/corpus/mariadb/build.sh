#!/usr/bin/env bash
# mariadb: the coursework's database container: Debian's mariadb-server with an
# entrypoint that initialises /var/lib/mysql (a volume) on first start and creates the
# application's database and user. The data directory Debian's postinst initialises is
# removed: the image starts empty.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-mariadb:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path mariadb "$key")
if [ ! -s "$rootfs" ]; then
  corpus_mmdebstrap "$rootfs" --include=mariadb-server \
    --customize-hook="rm -rf \"\$1\"/var/lib/mysql && mkdir -p \"\$1\"/var/lib/mysql" \
    --customize-hook="chroot \"\$1\" chown mysql:mysql /var/lib/mysql" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'VOLUME /var/lib/mysql' 'EXPOSE 3306' \
  'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
