#!/usr/bin/env bash
# The whole test suite: installs the dependencies, builds a release and an
# ASan+UBSan configuration (warnings are errors) and runs ctest in both.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
jobs=$(nproc)
status=0
for cfg in release sanitize; do
    dir="$top/build-test-$cfg"
    extra=()
    if [ "$cfg" = sanitize ]; then extra=(-DTARSIER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O1); fi
    cmake -S "$top" -B "$dir" -DTARSIER_WERROR=ON "${extra[@]}" >/dev/null
    cmake --build "$dir" -j"$jobs"
    echo "== ctest ($cfg) =="
    if ! (cd "$dir" && ctest --output-on-failure -j"$jobs"); then status=1; fi
done
# clang must build the tree warnings-clean as well (-Werror); built, not run again
if command -v clang >/dev/null 2>&1; then
    echo "== clang build =="
    CC=clang cmake -S "$top" -B "$top/build-test-clang" -DTARSIER_WERROR=ON >/dev/null
    cmake --build "$top/build-test-clang" -j"$jobs" || status=1
fi
exit $status
