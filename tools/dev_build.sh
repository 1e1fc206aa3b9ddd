#!/usr/bin/env bash
# Fast incremental developer build: compiles genome_kit/_core*.so in place,
# so `PYTHONPATH=. pytest` runs against the checkout. Users install with pip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
BUILD=${BUILD_DIR:-build/dev}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} \
    -DPython_EXECUTABLE="$(command -v "$PY")" -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)"
fi
cmake --build "$BUILD" -j "${JOBS:-2}"
