#!/usr/bin/env bash
# Latency benchmark (issue 5): time from the Samba KDC writing a TGS-REQ line for a decoy SPN to the
# alert being accepted by the Splunk HEC receiver, over N real Kerberoasts (default 500).
#   [POLL_MS=20] tests/bench/bench_samba_latency.sh [N]   (as root; build/release must be built)
# Each trip is a real `kvno` with a fresh copy of alice's TGT, so every one reaches the KDC; the
# throttle window is 0 so every trip is its own alert. The KDC's line carries its own timestamp
# (microseconds, the DC's local time); the receiver stamps each accepted event on arrival.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-500}
export ADDECOY_SRC=$ROOT
DECOYSVC=${DECOYSVC:-$ROOT/build/release/svc/decoysvc}
ADSEED=${ADSEED:-$ROOT/build/release/adseed/adseed}
[ -x "$DECOYSVC" ] && [ -x "$ADSEED" ] || { echo "build first: cmake --workflow --preset release" >&2; exit 2; }

. "$ROOT/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ROOT/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
samba_dc_start

ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD "$ADSEED" create svc_bench_roast --kind kerberoast \
    --spn MSSQLSvc/bench.decoy.test:1433 --uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER" \
    --ca-file "$LDAPTLS_CACERT" --inventory "$T/inventory.json" >/dev/null
hec_start --stamp
cat >"$T/cfg.json" <<EOF
{"inventory": "$T/inventory.json", "state_dir": "$T/state", "poll_ms": ${POLL_MS:-20},
 "throttle": {"window_seconds": 0},
 "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end", "kdc_log": "$SAMBA_KDC_LOG"}],
 "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]}
EOF
svc_start "$T/cfg.json"
samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD"
cp "${KRB5CCNAME#FILE:}" "$T/tgt.cc"
sleep 1
echo "running $N Kerberoasts..."
for ((i = 0; i < N; i++)); do
    cp "$T/tgt.cc" "$T/trip.cc"
    KRB5CCNAME=FILE:$T/trip.cc kvno "MSSQLSvc/bench.decoy.test:1433@DECOY.TEST" >/dev/null
    sleep 0.02
done
wait_ids "$HEC_OUT" "$N" 600 || echo "warning: only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived"
svc_stop
python3 - "$HEC_OUT" "$N" <<'PY'
import json, statistics, sys
from calendar import timegm
from datetime import datetime
lat = []
for line in open(sys.argv[1]):
    env = json.loads(line)
    a = env["event"]
    if a.get("action") != "kerberoast":
        continue
    # @timestamp is the KDC's own time of the TGS-REQ line (ms)
    t0 = timegm(datetime.strptime(a["@timestamp"][:19], "%Y-%m-%dT%H:%M:%S").timetuple()) + int(a["@timestamp"][20:23]) / 1000
    lat.append((env["_received_at"] - t0) * 1000)
lat.sort()
n = len(lat)
if not n:
    sys.exit("no alerts")
p = lambda q: lat[min(n - 1, int(q * n))]
print("trips=%s alerts=%d  latency ms: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f"
      % (sys.argv[2], n, lat[0], p(0.50), p(0.90), p(0.99), lat[-1], statistics.mean(lat)))
PY
