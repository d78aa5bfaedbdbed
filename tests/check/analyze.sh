#!/usr/bin/env bash
# analyze.sh - static analysis: builds the libraries and programs (adseed, evtx, svc, svc/base; not
# the tests) with gcc -fanalyzer -Werror, natively (preset analyze) and for Windows with MinGW-w64
# (preset mingw-analyze, when the cross compiler is installed), then runs cppcheck over the same
# sources when it is installed. Prints every diagnostic; exit 1 if there is any, 77 (SKIP) when no
# tool could run. False positives are restructured away or silenced per function with
# svc/base/analyzer.h, never with a global flag.
#   tests/check/analyze.sh            all that is installed
#   tests/check/analyze.sh native     only the native -fanalyzer build (also: mingw, cppcheck)
set -uo pipefail
cd "${ADDECOY_SRC:-$(dirname "$0")/../..}"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(native mingw cppcheck)
bad=0 ran=0

analyze() { # preset
    local log t0 rc
    log=$(mktemp)
    t0=$(date +%s)
    cmake --preset "$1" >"$log" 2>&1 && cmake --build --preset "$1" -- -k >>"$log" 2>&1
    rc=$?
    echo "analyze: preset $1: $(( $(date +%s) - t0 )) s"
    if [ $rc -ne 0 ]; then
        # the diagnostics with their paths, or the whole log when the failure is not a diagnostic
        grep -E '(error|warning): ' "$log" | sort -u | grep . || tail -n 40 "$log"
        echo "analyze: preset $1: FAILED (see the diagnostics above; build/$1 holds the build)"
        bad=1
    fi
    rm -f "$log"
    ran=1
}

for p in "${parts[@]}"; do
    case "$p" in
    native)
        if command -v gcc >/dev/null; then analyze analyze; else echo "analyze: no gcc: native part skipped"; fi ;;
    mingw)
        if command -v x86_64-w64-mingw32-gcc >/dev/null; then analyze mingw-analyze
        else echo "analyze: no MinGW-w64 (installer/prepare-windows.sh installs it): Windows part skipped"; fi ;;
    cppcheck)
        if ! command -v cppcheck >/dev/null; then
            echo "analyze: no cppcheck: cppcheck part skipped"
            continue
        fi
        t0=$(date +%s)
        # -D__GNUC__: the headers' compiler checks; both platforms' files, each configuration
        # cppcheck finds (#ifdef _WIN32 in the portability layer) up to its default limit
        if ! cppcheck --quiet --enable=warning,portability --error-exitcode=1 --inline-suppr \
                --std=c11 --library=tests/check/jansson.cfg --suppressions-list=tests/check/cppcheck.supp -I . \
                -D__GNUC__=12 -DADDECOY_VERSION='"0"' adseed evtx svc; then
            echo "analyze: cppcheck: FAILED (see above)"
            bad=1
        fi
        echo "analyze: cppcheck: $(( $(date +%s) - t0 )) s"
        ran=1 ;;
    *) echo "analyze.sh: unknown part $p (native, mingw, cppcheck)" >&2; exit 2 ;;
    esac
done
[ $ran = 1 ] || exit 77
[ $bad = 0 ] && echo "analyze: no findings"
exit $bad
