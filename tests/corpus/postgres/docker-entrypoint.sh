#!/bin/sh
# PostgreSQL 15 from Debian: on first start (empty $PGDATA) initdb as the postgres user,
# let clients in over TCP with a password, and create $POSTGRES_USER and $POSTGRES_DB
# through a temporary socket-only server; then run the server in the foreground.
set -e
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${PGPORT:=5432}"
export PGDATA PGPORT
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  chown postgres "$pwfile"
  as_postgres initdb --username=postgres --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  psql -v ON_ERROR_STOP=1 -U postgres -d postgres -q \
    -v user="$POSTGRES_USER" -v password="$POSTGRES_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
SELECT :'user' <> 'postgres' AS new_user \gset
\if :new_user
CREATE ROLE :"user" LOGIN PASSWORD :'password';
\endif
SELECT :'db' <> 'postgres' AS new_db \gset
\if :new_db
CREATE DATABASE :"db" OWNER :"user";
\endif
SQL
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres: initialised $PGDATA"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres "$@"
