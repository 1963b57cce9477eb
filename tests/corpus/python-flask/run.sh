# Run settings for the corpus harness (sourced; see ../README.md).
PORT_ENV=PORT
VOLUMES=(/data)
PHASES=2
RESTART=self
