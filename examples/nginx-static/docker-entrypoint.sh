#!/bin/sh
set -e
PORT=${PORT:-80}
sed "s/@PORT@/$PORT/" /etc/nginx/site.template > /etc/nginx/sites-enabled/default
exec nginx -g 'daemon off;'
