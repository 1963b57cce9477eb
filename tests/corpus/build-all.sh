#!/usr/bin/env bash
# build-all.sh [APP...]: builds every corpus app's image (or the ones named) into the
# fixtures cache and podman, one after another, and says which failed. scripts/test.sh
# runs it in the background while it compiles, so the corpus test finds its images
# ready; a failure here is only reported (the test builds again and fails there).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
apps=("$@")
[ ${#apps[@]} -gt 0 ] || mapfile -t apps < <(corpus_apps)
failed=()
for app in "${apps[@]}"; do
  s=$SECONDS
  if bash "$here/$app/build.sh" "$(corpus_image "$app")" >/dev/null; then
    echo "corpus image $app: $((SECONDS - s)) s"
  else
    echo "corpus image $app: FAILED after $((SECONDS - s)) s"
    failed+=("$app")
  fi
done
[ ${#failed[@]} -eq 0 ]
