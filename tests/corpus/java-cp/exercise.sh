#!/usr/bin/env bash
# The same notes API as java-jar: the same requests and answers.
exec bash "$(dirname "$0")/../java-jar/exercise.sh" "$@"
