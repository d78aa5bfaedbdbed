#!/usr/bin/env bash
# `decoysvc status`, the heartbeat and the blind sensor on a real daemon (xml input, HEC receiver):
#  (a) never ran                              -> exit 2, "never run"
#  (b) running, events flowing, HEC up        -> exit 0; heartbeats arrive with sourcetype addecoy:heartbeat
#  (c) HEC down, an alert pending             -> exit 1 naming the sink and its error; JSON says degraded
#  (d) HEC back                               -> exit 0, the alert delivered, last_sent is its id
#  (e) no event for blind_after_seconds        -> one sensor_blind, exit 1 (input blind)
#  (f) restart while blind                    -> no second sensor_blind; an event -> one sensor_restored
#  (g) stopped                                -> exit 2, "not running"
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init

status() { "$DECOYSVC" status --config "$T/cfg.json" "$@"; }
# expect_status CODE: runs status, checks the exit code, keeps the text in $T/status.out
expect_status() {
    local rc=0
    status >"$T/status.out" 2>&1 || rc=$?
    [ "$rc" = "$1" ] || fail "status exit $rc, want $1 ($2): $(cat "$T/status.out")"
}
wait_for() { # wait_for TENTHS COMMAND...
    local i n=$1; shift
    for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}
hec_action_count() { hec_count "$HEC_OUT" "$1"; }
at_least() { [ "$(hec_action_count "$1")" -ge "$2" ]; }
status_is() { local rc=0; status >/dev/null 2>&1 || rc=$?; [ "$rc" = "$1" ]; }

hec_start
: >"$T/events.xml"
cat >"$T/cfg.json" <<EOF
{
  "inventory": "$ADDECOY_SRC/conf/inventory.example.json",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "heartbeat": {"interval_seconds": 1},
  "inputs": [{"type": "xml", "path": "$T/events.xml", "blind_after_seconds": 6}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE",
             "timeout_ms": 1000, "connect_timeout_ms": 500}]
}
EOF

echo "-- (a) never ran"
expect_status 2 "never ran"
grep -q "never run" "$T/status.out" || fail "(a) does not say it never ran: $(cat "$T/status.out")"

echo "-- (b) running and healthy; heartbeats"
svc_start "$T/cfg.json"
gen_kerberoast_events 1 999 not_a_decoy >"$T/one.xml"   # a ticket for some other account
feed() { cat "$T/one.xml" >>"$T/events.xml"; }
n=1000
# a DC logs Kerberos all the time: one event every 0.3 s until (e)
(while :; do feed; sleep 0.3; done) &
FEEDER=$!
_HARNESS_PIDS+=("$FEEDER")
wait_for 100 status_is 0 || fail "(b) not healthy: $(status)"
wait_for 100 at_least heartbeat 2 || fail "(b) no heartbeat at the HEC receiver"
python3 - "$HEC_OUT" <<'PY' || fail "(b) heartbeat content"
import json, sys
hb = [e for e in map(json.loads, open(sys.argv[1])) if e["event"].get("action") == "heartbeat"]
e = hb[-1]
assert e["sourcetype"] == "addecoy:heartbeat", e["sourcetype"]
d = e["event"]
assert d["event"]["kind"] == "state" and d["event"]["dataset"] == "addecoy.heartbeat", d["event"]
assert d["decoys"]["count"] == 3 and d["self_test"] is None, d
assert d["inputs"][0]["name"].startswith("xml:") and d["inputs"][0]["events"] >= 1, d["inputs"]
assert d["sinks"][0]["name"] == "hec" and "pending" in d["sinks"][0], d["sinks"]
assert d["service"]["uptime_seconds"] >= 0 and d["host"]["name"]
PY
# status.json is rewritten every 5 s: the one written at start shows no position yet
json_status_healthy() {
    status --format json >"$T/status.json.out" || return 1
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "healthy" and r["exit_code"] == 0 and r["problems"] == [], r
assert r["service"]["inputs"][0]["state"] == "ok", r["service"]["inputs"]
assert r["service"]["inputs"][0]["position"]["offset"] > 0, r["service"]["inputs"]
' "$T/status.json.out" 2>"$T/status.json.err"
}
wait_for 150 json_status_healthy || fail "(b) JSON status: $(cat "$T/status.json.out" "$T/status.json.err")"

echo "-- (c) HEC down while a decoy is touched"
hec_stop
gen_kerberoast_events 1 $((n++)) svc_backup_legacy >>"$T/events.xml"
wait_for 150 status_is 1 || fail "(c) not degraded with the HEC down: $(status)"
status >"$T/status.out" || true
grep -q "sink hec is failing" "$T/status.out" || fail "(c) the sink problem is not named: $(cat "$T/status.out")"
grep -q "$(cat "$HEC_TOKEN_FILE")" "$T/state/status.json" && fail "(c) status.json holds the HEC token"
status --format json >"$T/status.json.out" || true
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"]=="degraded" and r["exit_code"]==1, r' "$T/status.json.out" ||
    fail "(c) JSON status is not degraded"

echo "-- (d) HEC back"
hec_start
wait_for 300 at_least kerberoast 1 || fail "(d) the pending alert was not delivered"
wait_for 150 status_is 0 || fail "(d) not healthy again: $(status)"
id=$(python3 -c 'import json,sys; print([e["event"]["id"] for e in map(json.loads, open(sys.argv[1])) if e["event"].get("action")=="kerberoast"][0])' "$HEC_OUT")
wait_for 100 grep -q "$id" "$T/state/status.json" || fail "(d) last_sent is not the delivered alert"

echo "-- (e) no event for 6 s: one sensor_blind"
kill "$FEEDER"; wait "$FEEDER" 2>/dev/null || true
wait_for 150 at_least sensor_blind 1 || fail "(e) no sensor_blind"
wait_for 100 status_is 1 || fail "(e) status not degraded while blind: $(status)"
status >"$T/status.out" || true
grep -q "xml:.* is blind: no event for" "$T/status.out" || fail "(e) status does not say blind: $(cat "$T/status.out")"
sleep 7                                     # longer than the limit again: no second page
[ "$(hec_action_count sensor_blind)" = 1 ] || fail "(e) sensor_blind repeated"

echo "-- (f) restart while blind: no re-page; an event restores"
svc_stop
svc_start "$T/cfg.json"
sleep 8
[ "$(hec_action_count sensor_blind)" = 1 ] || fail "(f) sensor_blind sent again after the restart"
feed
wait_for 150 at_least sensor_restored 1 || fail "(f) no sensor_restored"
python3 - "$HEC_OUT" <<'PY' || fail "(f) sensor alert content"
import json, sys
ev = [e["event"] for e in map(json.loads, open(sys.argv[1]))]
b = [a for a in ev if a["action"] == "sensor_blind"][0]
r = [a for a in ev if a["action"] == "sensor_restored"][0]
assert b["severity"] == "high" and b["event"]["kind"] == "alert", b
assert b["sensor"]["input"].startswith("xml:") and b["sensor"]["blind_after_seconds"] == 6, b["sensor"]
assert "no event" in b["summary"], b["summary"]
assert r["sensor"]["input"] == b["sensor"]["input"] and r["id"] != b["id"], r
PY

echo "-- (g) stopped"
svc_stop
expect_status 2 "stopped"
grep -q "not running" "$T/status.out" || fail "(g) does not say not running: $(cat "$T/status.out")"
echo "PASS: decoysvc status, heartbeat and blind sensor"
