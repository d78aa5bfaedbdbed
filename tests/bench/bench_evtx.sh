#!/usr/bin/env bash
# bench_evtx.sh - `decoysvc hunt` side by side with its peers, on this machine, in one run:
#   .evtx: libevtx's `evtxexport -f xml` and python-evtx's `evtx_dump.py`;
#   rendered XML: `xmllint --stream` (parsing only).
# Inputs: a Security .evtx of SEC_RECORDS 4624/4769 events laid out as Windows writes them
# (tests/bench/evtx_security.py: the direct path's target case), a large Security .evtx built by
# repeating the chunks of the corpus' baseline-security.evtx (tests/bench/evtx_repeat.py), every
# corpus .evtx file at once, and baseline-security.xml repeated.
# decoysvc runs with an inventory naming no account of the logs ("no decoy") and with one naming an
# account that logs on hundreds of times in them ("decoy"). Each figure: the median CPU time (user +
# sys, what matters on a shared machine) and the median wall time of RUNS runs (python-evtx: PY_RUNS
# runs, on the single corpus file only: it is ~100x slower); records/s = records / CPU time, with the
# record count evtxexport reports. Nothing here asserts on time.
#   [RUNS=5] [PY_RUNS=3] [SEC_RECORDS=50000] [EVTX_TIMES=6] [XML_TIMES=40] tests/bench/bench_evtx.sh [CORPUS_DIR]
# Installs the peers with apt-get when missing (as root). Needs a release build (build/release).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${1:-${ADDECOY_CORPUS:-$ROOT/../shared/corpus}}
RUNS=${RUNS:-5}
PY_RUNS=${PY_RUNS:-3}
SEC_RECORDS=${SEC_RECORDS:-50000}
EVTX_TIMES=${EVTX_TIMES:-6}
XML_TIMES=${XML_TIMES:-40}
DECOYSVC=${DECOYSVC:-$ROOT/build/release/svc/decoysvc}
[ -x "$DECOYSVC" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
[ -f "$CORPUS/evtx/baseline-security.evtx" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }

need=()
command -v evtxexport >/dev/null || need+=(libevtx-utils)
command -v evtx_dump.py >/dev/null || need+=(python3-evtx)
command -v xmllint >/dev/null || need+=(libxml2-utils)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "bench_evtx.sh: need root to install ${need[*]}" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$ROOT/tests/bench/evtx_security.py" "$T/sec.evtx" "$SEC_RECORDS"
python3 "$ROOT/tests/bench/evtx_repeat.py" "$CORPUS/evtx/baseline-security.evtx" "$T/big.evtx" "$EVTX_TIMES"
# one root for xmllint; control characters that XML 1.0 forbids (the corpus file has two) are
# dropped, else xmllint stops at the first one: every reader gets the same bytes
{
    echo '<Events>'
    for _ in $(seq "$XML_TIMES"); do tr -d '\000-\010\013\014\016-\037' <"$CORPUS/xml/baseline-security.xml"; done
    echo '</Events>'
} >"$T/big.xml"
xmllint --stream --noout "$T/big.xml" || { echo "bench_evtx.sh: xmllint cannot parse $T/big.xml" >&2; exit 1; }
echo '{"version":1,"decoys":[{"name":"bench-absent-decoy","kind":"kerberoast"}]}' >"$T/nodecoy.json"
echo '{"version":1,"decoys":[{"name":"fsir","kind":"kerberoast"}]}' >"$T/decoy.json"
echo '{"version":1,"decoys":[{"name":"user00001","kind":"kerberoast"}]}' >"$T/secdecoy.json"

# "CPU WALL": median CPU seconds (user + sys, the figure that matters on a shared machine) and
# median wall seconds of N runs of a command (its output discarded)
median() {
    local n=$1 i TIMEFORMAT='%3R %3U %3S'
    shift
    for ((i = 0; i < n; i++)); do
        { time "$@" >/dev/null 2>&1; } 2>&1 || true
    done | awk '{cpu[NR] = $2 + $3; wall[NR] = $1}
        function med(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {printf "%.3f %.3f", med(cpu, NR), med(wall, NR)}'
}
records_evtx() { evtxexport -f xml "$@" 2>/dev/null | grep -c '^<Event[ >]' || true; }
alerts() { "$DECOYSVC" hunt --inventory "$1" --format jsonl "${@:2}" 2>/dev/null | grep -c . || true; }
# decoysvc on FILE with N records, without and with a decoy (INVENTORY, default decoy.json): two
# rows; BASE = the first's times
hunt_rows() {
    local h1 inv=${3:-$T/decoy.json}
    BASE=$(median "$RUNS" "$DECOYSVC" hunt --inventory "$T/nodecoy.json" "$1")
    h1=$(median "$RUNS" "$DECOYSVC" hunt --inventory "$inv" "$1")
    row "decoysvc hunt, no decoy" "$2" "$BASE"
    row "decoysvc hunt, decoy ($(alerts "$inv" "$1") alerts)" "$2" "$h1"
}
row() { # label records "CPU WALL" [peer]: a peer's row carries its CPU time / decoysvc's ($BASE)
    local cpu wall rps ratio=""
    read -r cpu wall <<<"$3"
    rps=$(awk -v n="$2" -v t="$cpu" 'BEGIN {printf "%.0f", (t > 0) ? n / t : 0}')
    [ -n "${4:-}" ] && ratio=$(awk -v p="$cpu" -v d="${BASE%% *}" 'BEGIN {printf "%.1fx", p / d}')
    printf '| %-44s | %9d | %8.3f s | %8.3f s | %10s | %8s |\n' "$1" "$2" "$cpu" "$wall" "$rps" "$ratio"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "# bench_evtx $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) vCPUs, $cpu; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# decoysvc $("$DECOYSVC" --version 2>/dev/null | head -1); $(evtxexport -V 2>/dev/null | head -1); python-evtx $(dpkg-query -W -f='${Version}' python3-evtx); xmllint $(dpkg-query -W -f='${Version}' libxml2-utils)"
echo "# medians of $RUNS runs (python-evtx: $PY_RUNS); CPU = user + sys of the process; the ratio is the peer's CPU time / decoysvc's (no decoy)"

sec_n=$(records_evtx "$T/sec.evtx")
big_n=$(records_evtx "$T/big.evtx")
one_n=$(records_evtx "$CORPUS/evtx/baseline-security.evtx")
all_n=0
for f in "$CORPUS"/evtx/*.evtx; do all_n=$((all_n + $(records_evtx "$f"))); done

echo
echo "## .evtx: $sec_n 4624/4769 events as Windows lays them out ($(du -m "$T/sec.evtx" | cut -f1) MB, tests/bench/evtx_security.py)"
echo "| reader | records | CPU (median) | wall (median) | records/s of CPU | peer CPU / decoysvc CPU |"
echo "|---|---|---|---|---|---|"
se=$(median "$RUNS" evtxexport -f xml "$T/sec.evtx")
hunt_rows "$T/sec.evtx" "$sec_n" "$T/secdecoy.json"
row "evtxexport -f xml" "$sec_n" "$se" peer
echo
echo "## .evtx: $EVTX_TIMES x baseline-security.evtx ($(du -m "$T/big.evtx" | cut -f1) MB, $big_n records)"
echo "| reader | records | CPU (median) | wall (median) | records/s of CPU | peer CPU / decoysvc CPU |"
echo "|---|---|---|---|---|---|"
ex=$(median "$RUNS" evtxexport -f xml "$T/big.evtx")
hunt_rows "$T/big.evtx" "$big_n"
row "evtxexport -f xml" "$big_n" "$ex" peer
echo
echo "## .evtx: baseline-security.evtx alone ($one_n records; python-evtx is too slow for the large file)"
echo "| reader | records | CPU (median) | wall (median) | records/s of CPU | peer CPU / decoysvc CPU |"
echo "|---|---|---|---|---|---|"
o0=$(median "$RUNS" "$DECOYSVC" hunt --inventory "$T/nodecoy.json" "$CORPUS/evtx/baseline-security.evtx")
oe=$(median "$RUNS" evtxexport -f xml "$CORPUS/evtx/baseline-security.evtx")
op=$(median "$PY_RUNS" evtx_dump.py "$CORPUS/evtx/baseline-security.evtx")
BASE=$o0
row "decoysvc hunt, no decoy" "$one_n" "$o0"
row "evtxexport -f xml" "$one_n" "$oe" peer
row "python-evtx evtx_dump.py" "$one_n" "$op" peer
echo
echo "## .evtx: all $(ls "$CORPUS"/evtx/*.evtx | wc -l) corpus files at once ($all_n records; evtxexport: one process per file)"
echo "| reader | records | CPU (median) | wall (median) | records/s of CPU | peer CPU / decoysvc CPU |"
echo "|---|---|---|---|---|---|"
a0=$(median "$RUNS" "$DECOYSVC" hunt --inventory "$T/nodecoy.json" "$CORPUS"/evtx/*.evtx)
ae=$(median "$RUNS" bash -c 'for f; do evtxexport -f xml "$f"; done' _ "$CORPUS"/evtx/*.evtx)
BASE=$a0
row "decoysvc hunt, no decoy" "$all_n" "$a0"
row "evtxexport -f xml" "$all_n" "$ae" peer
echo
xml_n=$(grep -c '<EventID>' "$T/big.xml")
echo "## rendered XML: $XML_TIMES x baseline-security.xml ($(du -m "$T/big.xml" | cut -f1) MB, $xml_n events)"
echo "| reader | events | CPU (median) | wall (median) | events/s of CPU | peer CPU / decoysvc CPU |"
echo "|---|---|---|---|---|---|"
xl=$(median "$RUNS" xmllint --stream --noout "$T/big.xml")
hunt_rows "$T/big.xml" "$xml_n"
row "xmllint --stream --noout (parse only)" "$xml_n" "$xl" peer
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
