# Run settings for the corpus harness (sourced; see ../README.md).
PORT_ENV=PGPORT
ENVS=(POSTGRES_USER=app POSTGRES_PASSWORD=app-secret POSTGRES_DB=appdb)
VOLUMES=(/var/lib/postgresql/data)
PHASES=2
RESTART=self
READY_TIMEOUT=90
