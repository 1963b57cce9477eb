# Run settings for the corpus harness (sourced; see ../README.md).
PORT_ENV=PORT
ENVS=(MARIADB_DATABASE=appdb MARIADB_USER=app MARIADB_PASSWORD=app-secret BIND_ADDRESS=127.0.0.1)
VOLUMES=(/var/lib/mysql)
PHASES=2
RESTART=self
READY_TIMEOUT=90
