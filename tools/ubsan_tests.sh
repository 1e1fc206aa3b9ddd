#!/usr/bin/env bash
# The test suite against an UndefinedBehaviorSanitizer build of _core (gcc): any undefined behaviour the
# tests reach (a null pointer passed to memcpy/fwrite, a misaligned load, signed overflow...) stops the
# process that hit it and is reported in $UBSAN_LOG.<pid>.
#
#   tools/ubsan_tests.sh [PYTEST ARGS...]
#
# Builds genome_kit/_core*.so in place (build/ubsan) and removes it at the end, so that the next
# tools/dev_build.sh puts the ordinary module back. The package builds inside the tests (wheel, Docker,
# conda) are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export UBSAN_LOG=${UBSAN_LOG:-/tmp/gk-ubsan}
rm -f "$UBSAN_LOG".*
trap 'rm -f genome_kit/_core*.so; echo "tools/ubsan_tests.sh: run tools/dev_build.sh for the ordinary _core" >&2' EXIT
BUILD_DIR=build/ubsan CXXFLAGS="-fsanitize=undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1" \
  LDFLAGS="-fsanitize=undefined" ./tools/dev_build.sh
status=0
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$UBSAN_LOG" python -m pytest -q \
  --ignore=tests/test_wheel.py --ignore=tests/test_docker.py --ignore=tests/test_conda_recipe.py "$@" || status=$?
if compgen -G "$UBSAN_LOG.*" >/dev/null; then
  echo "undefined behaviour reported:" >&2
  cat "$UBSAN_LOG".* >&2
  exit 1
fi
exit $status
