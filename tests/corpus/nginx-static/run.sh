# Run settings for the corpus harness (sourced; see ../README.md).
PORT_ENV=PORT
