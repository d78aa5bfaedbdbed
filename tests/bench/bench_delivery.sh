#!/usr/bin/env bash
# Delivery never holds up detection (issue 15, item 4): decoysvc follows an XML file with two HEC
# sinks on loopback, one answering each request after 2 s (hec_receiver.py --delay-ms 2000), the
# other at once; N decoy events (default 1,000) are written at RATE per second (default 100).
# Prints event-to-spool and the fast sink's event-to-delivery latency, p50 / p99 / max.
#   tests/bench/bench_delivery.sh [N] [RATE]     (build/release must be built; DECOYSVC overrides)
# The throttle window is 0 so every event is its own alert; poll_ms is 20.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-1000}
RATE=${2:-100}
export ADDECOY_SRC=$ROOT
DECOYSVC=${DECOYSVC:-$ROOT/build/release/svc/decoysvc}
[ -x "$DECOYSVC" ] || { echo "build first: cmake --workflow --preset release" >&2; exit 2; }
. "$ROOT/tests/lib/daemon_harness.sh"
harness_init

hec_start --delay-ms 2000 --stamp
SLOW_PORT=$HEC_PORT SLOW_OUT=$HEC_OUT
HEC_PORT= HEC_OUT=
rm -f "$T/hec.port"
python3 "$ROOT/tests/lib/hec_receiver.py" --token-file "$HEC_TOKEN_FILE" --port-file "$T/fast.port" \
    --out "$T/fast.jsonl" --stamp >>"$T/fast.log" 2>&1 &
_HARNESS_PIDS+=("$!")
wait_file "$T/fast.port" || fail "the fast HEC receiver did not start"
: >"$T/events.xml"
cat >"$T/cfg.json" <<JSON
{"inventory": "$ROOT/conf/inventory.example.json", "state_dir": "$T/state", "poll_ms": 20,
 "throttle": {"window_seconds": 0},
 "inputs": [{"type": "xml", "path": "$T/events.xml"}],
 "sinks": [{"type": "hec", "name": "slow", "url": "http://127.0.0.1:$SLOW_PORT", "token_file": "$HEC_TOKEN_FILE"},
           {"type": "hec", "name": "fast", "url": "http://127.0.0.1:$(cat "$T/fast.port")", "token_file": "$HEC_TOKEN_FILE"}]}
JSON
svc_start "$T/cfg.json"
for _ in $(seq 100); do grep -q "started:" "$T/svc.log" && break; sleep 0.1; done
grep -q "started:" "$T/svc.log" || fail "decoysvc did not start"
echo "decoysvc: $("$DECOYSVC" --version 2>/dev/null | head -1); $(nproc) CPUs; $(uname -srm)"
python3 "$ROOT/tests/bench/delivery_latency.py" "$T/events.xml" "$T/state/spool" "$T/fast.jsonl" "$SLOW_OUT" "$N" "$RATE"
svc_stop
