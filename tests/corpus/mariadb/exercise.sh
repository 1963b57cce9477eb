#!/usr/bin/env bash
# exercise.sh ready|1|2: the host's mariadb client against 127.0.0.1:$PORT as the
# application's user. Phase 1 creates a table, inserts (with quotes and non-ASCII text),
# updates, selects, aggregates and makes errors; phase 2 (after a restart on the same
# volume) reads back.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
sql() {
  mariadb -h 127.0.0.1 -P "${PORT:?}" -u app -papp-secret --connect-timeout=5 -N -B appdb \
    -e "$1" 2>&1 | sed -e 's/^/  /' -e 's/ at line [0-9]*//' | normalise
  echo "[${PIPESTATUS[0]}] $1"
}
case ${1:?} in
  ready) mariadb -h 127.0.0.1 -P "${PORT:?}" -u app -papp-secret --connect-timeout=3 -N -e 'SELECT 1' >/dev/null 2>&1 ;;
  1)
    sql "SELECT current_user(), database(), @@character_set_database"
    sql "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, qty INT CHECK (qty >= 0), added TIMESTAMP DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB"
    sql "INSERT INTO items (name, qty) VALUES ('tea', 3), ('O''Brien''s biscuits', 12), ('Käsekuchen', 1)"
    sql "INSERT INTO items (name, qty) VALUES ('tea', 1)"
    sql "INSERT INTO items (name, qty) VALUES ('negative', -1)"
    sql "UPDATE items SET qty = qty + 1 WHERE name = 'tea'"
    sql "SELECT id, name, qty FROM items ORDER BY id"
    sql "SELECT count(*), sum(qty), group_concat(upper(name) ORDER BY name) FROM items"
    sql "SELECT name FROM items WHERE name LIKE 'k%' OR name REGEXP 'bisc'"
    sql "SELECT md5(group_concat(name ORDER BY id SEPARATOR '')) FROM items"
    sql "SELECT added <= now() FROM items WHERE id = 1"
    sql "SELECT * FROM nope"
    ;;
  2)
    sql "SELECT id, name, qty FROM items ORDER BY id"
    sql "INSERT INTO items (name, qty) VALUES ('after restart', 7)"
    sql "SELECT id, name FROM items WHERE name = 'after restart'"
    ;;
esac
