#!/bin/sh
# Starts php-fpm in the background and nginx in the foreground.
set -e
PORT=${PORT:-80}
sed "s/@PORT@/$PORT/" /etc/nginx/site.template > /etc/nginx/sites-enabled/default
mkdir -p /run/php /var/lib/guestbook
chown www-data:www-data /var/lib/guestbook
php-fpm8.2 --daemonize
exec nginx -g 'daemon off;'
