# Run settings for the corpus harness (sourced; see ../README.md). The database is the
# mariadb corpus app, run in the same variant (original with original, stripped with
# stripped); it is what restarts between the phases.
PORT_ENV=PORT
ENVS=(DB_HOST=127.0.0.1 DB_NAME=appdb DB_USER=app DB_PASSWORD=app-secret)
WITH=mariadb
WITH_PORT_ENV=DB_PORT
PHASES=2
RESTART=with
