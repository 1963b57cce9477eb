#!/bin/sh
# Starts php-fpm in the background and nginx in the foreground; the guestbook reaches
# the database at DB_HOST:DB_PORT (php-fpm passes DB_* through, see www.conf).
set -e
PORT=${PORT:-80}
sed "s/@PORT@/$PORT/" /etc/nginx/site.template > /etc/nginx/sites-enabled/default
mkdir -p /run/php
php-fpm8.2 --daemonize
exec nginx -g 'daemon off;'
