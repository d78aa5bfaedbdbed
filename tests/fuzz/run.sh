#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang into build/fuzz and runs them.
# Usage: tests/fuzz/run.sh [--build-only] [SECONDS_PER_TARGET] [TARGET...]
#   (default 15 s each, all targets; one after another, so one core at a time).
#   FUZZ_TIMEOUT (default 10): seconds of wall time one input may take. libFuzzer measures wall
#   time, so on a loaded machine (a long run under `nice`) raise it, e.g. 120, or starved but
#   fast inputs are reported as timeouts; replay any timeout alone to tell.
#   FUZZ_CPU=1: SECONDS counts the target's own CPU time, not wall time: the run is stopped
#   (SIGINT: libFuzzer prints its stats and exits 72) once the process has used that much CPU
#   (utime + stime); for long runs on a shared machine, where wall time says little.
# Working corpora live in build/fuzz/corpus/<target> (kept between runs), seeded from
# tests/fixtures/fuzz/<target>, tests/fixtures and ../shared/corpus when present. Crashes, leaks and
# timeouts land in build/fuzz/artifacts/<target>/: copy each into tests/fixtures/fuzz/<target>/
# (ctest replays them through tests/unit/test_fuzz_replay.c) and fix the bug.
# Exit 77 (skip) when clang or libFuzzer is not available and cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
BUILD=$SRC/build/fuzz
build_only=0
[ "${1:-}" = "--build-only" ] && { build_only=1; shift; }
secs=${1:-15}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(evtx_file xml_stream event_xml samba inventory config prefilter alert sinks)

have_libfuzzer() {
    command -v clang >/dev/null 2>&1 &&
        echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
        clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1
}
if ! have_libfuzzer; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "fuzz: installing clang (libFuzzer)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null 2>&1 || true
    fi
    if ! have_libfuzzer; then
        echo "SKIP: fuzz: clang with libFuzzer not available (apt-get install clang)"
        exit 77
    fi
fi

cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADDECOY_FUZZ=ON \
      -DADDECOY_SANITIZE=OFF -DBUILD_TESTING=OFF -DCMAKE_C_FLAGS="-g -O1" >/dev/null
cmake --build "$BUILD" -j2 >/dev/null
[ $build_only = 1 ] && exit 0

corpus=$SRC/../shared/corpus
max_len() {
    case $1 in
        evtx_file) echo 69632 ;;
        config|inventory) echo 8192 ;;
        *) echo 16384 ;;
    esac
}
seeds() { # read-only seed dirs of a target
    local t=$1
    echo "$SRC/tests/fixtures/fuzz/$t"
    case $t in
        evtx_file) [ -d "$corpus/evtx" ] && echo "$corpus/evtx" ;;
        xml_stream|event_xml|prefilter) echo "$SRC/tests/fixtures/xml"; echo "$SRC/tests/fixtures/events" ;;
        samba) echo "$SRC/tests/fixtures/samba" ;;
    esac
    return 0
}
cpu_mode=${FUZZ_CPU:-0}
run_target() { # target log: runs it for $secs (wall, or CPU with FUZZ_CPU=1); its exit status
    local t=$1 log=$2 pid tck st cpu=0 rc=0
    # shellcheck disable=SC2046
    "$BUILD/tests/fuzz/fuzz_$t" "$BUILD/corpus/$t" $(seeds "$t") -max_total_time="$([ "$cpu_mode" = 1 ] && echo 0 || echo "$secs")" \
        -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len="$(max_len "$t")" -print_final_stats=1 \
        -artifact_prefix="$BUILD/artifacts/$t/" >"$log" 2>&1 &
    pid=$!
    if [ "$cpu_mode" = 1 ]; then
        tck=$(getconf CLK_TCK)
        while kill -0 "$pid" 2>/dev/null; do
            read -r -a st < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || break
            cpu=$(((st[11] + st[12]) / tck))
            [ "$cpu" -ge "$secs" ] && { kill -INT "$pid"; break; }
            sleep 2
        done
    fi
    wait "$pid" || rc=$?
    [ "$cpu_mode" = 1 ] && echo "fuzz $t: ${cpu}s of CPU" >>"$log"
    # an interrupted run (72) is a clean end when we stopped it and it reported nothing
    [ "$rc" = 72 ] && [ "$cpu_mode" = 1 ] && ! grep -qE 'ERROR: |runtime error|property broken' "$log" && rc=0
    return "$rc"
}
status=0
for t in "${targets[@]}"; do
    mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t"
    log=$BUILD/artifacts/$t/last-run.log
    if run_target "$t" "$log"; then
        execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
        echo "fuzz $t: ${secs}s$([ "$cpu_mode" = 1 ] && echo " of CPU"), ${execs:-?} execs, no finding"
    else
        echo "fuzz $t: FINDING (see $log and $BUILD/artifacts/$t/)"
        tail -30 "$log"
        status=1
    fi
done
exit $status
