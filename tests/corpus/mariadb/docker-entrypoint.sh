#!/bin/sh
# MariaDB from Debian: on first start (empty /var/lib/mysql) mariadb-install-db, then
# create $MARIADB_DATABASE and $MARIADB_USER (password $MARIADB_PASSWORD, from any host)
# through a temporary server without networking; then run the server in the foreground
# on $PORT (default 3306).
set -e
: "${MARIADB_DATABASE:=app}" "${MARIADB_USER:=app}" "${MARIADB_PASSWORD:?set MARIADB_PASSWORD}"
datadir=/var/lib/mysql
mkdir -p "$datadir" /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld
if [ ! -d "$datadir/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
    --auth-root-authentication-method=socket
  sock=/run/mysqld/init.sock
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket="$sock" &
  pid=$!
  i=0
  until mariadb-admin --socket="$sock" -uroot ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 60 ] || { echo "mariadb: temporary server did not start" >&2; exit 1; }
    sleep 0.5
  done
  mariadb --socket="$sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\` CHARACTER SET utf8mb4;
CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';
SQL
  mariadb-admin --socket="$sock" -uroot shutdown
  wait "$pid"
  echo "mariadb: initialised $datadir"
fi
exec mariadbd --user=mysql --datadir="$datadir" --port="${PORT:-3306}" --bind-address="${BIND_ADDRESS:-0.0.0.0}" "$@"
