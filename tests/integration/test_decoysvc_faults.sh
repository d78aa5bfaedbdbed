#!/usr/bin/env bash
# Fault tests of the no-loss contract, as the issue states them:
#  A) the HEC receiver is down for 10 s during a burst of 5,000 decoy events: after it recovers
#     every alert arrives, none lost, duplicates only by id;
#  B) decoysvc is killed with SIGKILL in the middle of delivery and restarted: the rest arrives.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
N=5000

echo "-- A: receiver down for 10 s during a burst of $N events"
hec_start
hec_stop                                  # down: connections refused on its port
: >"$T/a.xml"
write_config "$T/a.json" "$T/a.xml"
svc_start "$T/a.json"
gen_kerberoast_events $N 100000 svc_backup_legacy >>"$T/a.xml"
sleep 10
kill -0 "$SVC_PID" || fail "decoysvc died while the receiver was down"
hec_start                                 # recovers on the same port
wait_ids "$HEC_OUT" $N 1800 || fail "only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived after recovery"
lines=$(wc -l <"$HEC_OUT")
echo "   $N distinct alerts delivered in $lines deliveries"
python3 - "$HEC_OUT" $N <<'PY' || fail "A: content"
import json, sys
ids = {}
for line in open(sys.argv[1]):
    a = json.loads(line)["event"]
    assert a["action"] == "kerberoast", a["action"]
    if a["id"] in ids:                      # a duplicate must be the same alert
        assert ids[a["id"]] == a, "two different alerts share an id"
    ids[a["id"]] = a
assert len(ids) == int(sys.argv[2]), len(ids)
assert len({a["event"]["record_id"] for a in ids.values()}) == int(sys.argv[2])
PY
svc_stop
hec_stop

echo "-- B: SIGKILL in the middle of delivery, then restart"
rm -rf "$T/state"; : >"$T/b.xml"; rm -f "$T/hec.jsonl"
HEC_PORT=
hec_start --delay-ms 20                   # a slow receiver, so delivery takes a while
write_config "$T/b.json" "$T/b.xml"
gen_kerberoast_events $N 200000 svc_backup_legacy >"$T/b.xml"
svc_start "$T/b.json"
for _ in $(seq 600); do
    [ "$(wc -l <"$HEC_OUT" 2>/dev/null || echo 0)" -ge 300 ] && break
    sleep 0.1
done
svc_kill9
got=$(hec_unique_ids "$HEC_OUT")
echo "   killed with $got of $N delivered"
[ "$got" -gt 0 ] && [ "$got" -lt $N ] || fail "B: the kill did not land mid-delivery ($got delivered)"
svc_start "$T/b.json"
wait_ids "$HEC_OUT" $N 1800 || fail "B: only $(hec_unique_ids "$HEC_OUT") of $N after restart"
svc_stop
echo "   all $N delivered after restart ($(wc -l <"$HEC_OUT") deliveries)"
echo "PASS: no alert lost across a sink outage and a SIGKILL"
