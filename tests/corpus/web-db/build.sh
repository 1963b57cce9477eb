#!/usr/bin/env bash
# web-db: the coursework's web container: nginx + php-fpm + php-mysql from Debian and a
# guestbook that stores its entries in MariaDB (the mariadb corpus app) over TCP;
# DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD reach PHP through php-fpm's pool.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-web-db:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path web-db "$key")
if [ ! -s "$rootfs" ]; then
  pool=/etc/php/8.2/fpm/pool.d/www.conf
  corpus_mmdebstrap "$rootfs" --include=nginx-light,php-fpm,php-mysql \
    --customize-hook="rm -f \"\$1\"/var/www/html/index.nginx-debian.html" \
    --customize-hook="copy-in $here/app/index.php /var/www/html" \
    --customize-hook="copy-in $here/nginx-site.conf /etc/nginx" \
    --customize-hook="mv \"\$1\"/etc/nginx/nginx-site.conf \"\$1\"/etc/nginx/site.template" \
    --customize-hook="for v in DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD; do echo \"env[\$v] = \\\$\$v\" >>\"\$1\"$pool; done" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV DB_HOST=db' 'ENV DB_PORT=3306' 'ENV DB_NAME=app' 'ENV DB_USER=app' \
  'EXPOSE 80' 'ENTRYPOINT ["/docker-entrypoint.sh"]'
echo "$image"
