#!/usr/bin/env bash
# Runs every ADDecoy test on Debian 12 as root: installs what is missing, builds the native debug
# preset (AddressSanitizer + UndefinedBehaviorSanitizer) and runs ctest (unit, integration against
# a real Samba AD DC, rsyslog and the HEC/webhook receivers), then the Windows cross build and its
# Wine tests when the MinGW toolchain can be installed. A full run also runs each fuzz target
# briefly when clang is available, and the static analysis (tests/check/analyze.sh: gcc -fanalyzer
# on the native and the MinGW build, cppcheck), which fails on any finding.
#   ./test.sh              everything
#   ./test.sh --native     skip the Windows part
#   ./test.sh -R PATTERN   only the native tests matching PATTERN
set -euo pipefail
cd "$(dirname "$0")"

native_only=0
ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --native) native_only=1 ;;
        -R) ctest_args+=(-R "$2"); native_only=1; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

tests/lib/install-deps.sh
echo "== native debug build (ASan + UBSan)"
cmake --preset debug >/dev/null
cmake --build --preset debug
echo "== native tests"
ctest --preset debug "${ctest_args[@]}"

if [ ${#ctest_args[@]} -eq 0 ]; then
    echo "== fuzz smoke: each libFuzzer target for 15 s (tests/fuzz/run.sh; docs/fuzzing.md)"
    rc=0
    tests/fuzz/run.sh 15 || rc=$?
    if [ $rc -eq 77 ]; then
        echo "fuzz smoke SKIPPED: no clang/libFuzzer"
    elif [ $rc -ne 0 ]; then
        exit $rc
    fi
fi

analyze=()
[ ${#ctest_args[@]} -eq 0 ] && analyze=(native cppcheck)
if [ "$native_only" = 0 ] && [ -x installer/prepare-windows.sh ] && grep -q '"mingw"' CMakePresets.json; then
    echo "== Windows cross build, Wine tests and MSI"
    installer/prepare-windows.sh
    cmake --workflow --preset mingw
    analyze+=(mingw)
fi

if [ ${#analyze[@]} -gt 0 ]; then
    echo "== static analysis: ${analyze[*]} (tests/check/analyze.sh)"
    tests/check/analyze.sh "${analyze[@]}"
fi
