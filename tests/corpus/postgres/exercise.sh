#!/usr/bin/env bash
# exercise.sh ready|1|2: the host's psql against 127.0.0.1:$PORT as the application's user.
# Phase 1 creates a table, inserts (with quotes and non-ASCII text), updates, selects,
# aggregates, runs a query the JIT compiles (where there is one) and makes errors; phase 2
# (after a restart on the same volume) reads back.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
export PGHOST=127.0.0.1 PGPORT=${PORT:?} PGUSER=app PGPASSWORD=app-secret PGDATABASE=appdb
export PGCONNECT_TIMEOUT=5 PGOPTIONS='-c client_min_messages=warning'
sql() { psql -X -At -F '|' -v ON_ERROR_STOP=1 -c "$1" 2>&1 | sed 's/^/  /' | normalise; echo "[$?] $1"; }
case ${1:?} in
  ready) psql -X -At -c 'SELECT 1' >/dev/null 2>&1 ;;
  1)
    sql "SELECT current_user, current_database(), current_setting('server_encoding')"
    sql "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE, qty int CHECK (qty >= 0), added timestamptz DEFAULT now())"
    sql "INSERT INTO items (name, qty) VALUES ('tea', 3), ('O''Brien''s biscuits', 12), ('Käsekuchen', 1)"
    sql "INSERT INTO items (name, qty) VALUES ('tea', 1)"
    sql "INSERT INTO items (name, qty) VALUES ('negative', -1)"
    sql "UPDATE items SET qty = qty + 1 WHERE name = 'tea'"
    sql "SELECT id, name, qty FROM items ORDER BY id"
    sql "SELECT count(*), sum(qty), string_agg(upper(name), ',' ORDER BY name) FROM items"
    sql "SELECT name FROM items WHERE name ILIKE 'k%' OR name ~ 'bisc'"
    sql "SELECT md5(string_agg(name, '' ORDER BY id)) FROM items"
    sql "SELECT added <= now() FROM items WHERE id = 1"
    # Costs low enough that the original compiles this query with its JIT provider; the
    # stripped image has none, so the server runs it interpreted: the same answer.
    sql "SET jit_above_cost = 0; SET jit_inline_above_cost = 0; SET jit_optimize_above_cost = 0; SELECT count(*), sum(i * 2) FROM generate_series(1, 100000) i WHERE i % 7 = 3"
    sql "SELECT * FROM nope"
    ;;
  2)
    sql "SELECT id, name, qty FROM items ORDER BY id"
    sql "INSERT INTO items (name, qty) VALUES ('after restart', 7) RETURNING id"
    ;;
esac
