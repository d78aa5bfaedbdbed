#!/usr/bin/env bash
# Never blind, live on a real Samba AD DC (issue 12 parts 1-2, issue 8 part 3). decoysvc follows the
# DC's auth and KDC logs while alice logs on every 0.5 s (a DC logs Kerberos all the time):
#  (a) the heartbeat arrives at the HEC receiver (sourcetype addecoy:heartbeat, the samba input's rate)
#      and `decoysvc status` says healthy (exit 0)
#  (b) the DC's audit logging is switched off at runtime (`smbcontrol samba debug 0`: the KDC still
#      answers, its logs stop) -> exactly one sensor_blind, status degraded (exit 1)
#  (c) logging restored -> exactly one sensor_restored, status healthy again (exit 0)
#  (d) decoysvc stopped -> status down (exit 2)
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
samba_dc_start
command -v smbcontrol >/dev/null || { echo "SKIP: smbcontrol not installed (apt-get install samba-common-bin)"; exit 77; }
LIMIT=8

hec_start
cat >"$T/cfg.json" <<EOF
{
  "inventory": "$ADDECOY_SRC/tests/fixtures/empty-inventory.json",
  "state_dir": "$T/state",
  "poll_ms": 50,
  "heartbeat": {"interval_seconds": 2},
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "kdc_log": "$SAMBA_KDC_LOG", "blind_after_seconds": $LIMIT}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]
}
EOF
status_rc() { local rc=0; "$DECOYSVC" status --config "$T/cfg.json" >"$T/status.out" 2>&1 || rc=$?; echo "$rc"; }
wait_status() { # wait_status CODE TENTHS
    local i
    for ((i = 0; i < $2; i++)); do [ "$(status_rc)" = "$1" ] && return 0; sleep 0.1; done
    return 1
}
wait_action() { # wait_action ACTION N TENTHS
    local i
    for ((i = 0; i < $3; i++)); do [ "$(hec_count "$HEC_OUT" "$1")" -ge "$2" ] && return 0; sleep 0.1; done
    return 1
}
dc_debug() { smbcontrol -s "$SAMBA_DIR/etc/smb.conf" samba debug "$1" >/dev/null; }

# traffic: alice's logons, as on any DC
(while :; do samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD" 2>/dev/null || true; sleep 0.5; done) &
_HARNESS_PIDS+=("$!")
svc_start "$T/cfg.json"

echo "-- (a) heartbeat and healthy"
wait_action heartbeat 2 300 || fail "(a) no heartbeat at the HEC receiver"
wait_status 0 300 || fail "(a) status not healthy: $(cat "$T/status.out")"
python3 - "$HEC_OUT" <<'PY' || fail "(a) heartbeat content"
import json, sys
hb = [e for e in map(json.loads, open(sys.argv[1])) if e["event"].get("action") == "heartbeat"]
e = hb[-1]
assert e["sourcetype"] == "addecoy:heartbeat", e
d = e["event"]
assert d["event"]["kind"] == "state", d["event"]
i = d["inputs"][0]
assert i["name"] == "samba:dc1.decoy.test" and i["type"] == "samba", i
assert i["events"] > 0 and i["events_per_minute"] > 0 and i["last_event"], i
assert d["sinks"][0]["name"] == "hec" and d["self_test"] is None, d
print("heartbeat: %d events, %.1f/min" % (i["events"], i["events_per_minute"]))
PY

echo "-- (b) the DC stops logging"
dc_debug 0
before=$(wc -c <"$SAMBA_KDC_LOG")
samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD" || fail "(b) the KDC stopped answering"
sleep 1
[ "$(wc -c <"$SAMBA_KDC_LOG")" = "$before" ] || fail "(b) the KDC log still grows with logging off"
wait_action sensor_blind 1 $(((LIMIT + 20) * 10)) || fail "(b) no sensor_blind"
wait_status 1 100 || fail "(b) status not degraded while blind: $(cat "$T/status.out")"
grep -q "samba:dc1.decoy.test is blind" "$T/status.out" || fail "(b) status does not name the blind input: $(cat "$T/status.out")"
sleep $((LIMIT * 2))                      # blind for twice the limit again: still one page
[ "$(hec_count "$HEC_OUT" sensor_blind)" = 1 ] || fail "(b) sensor_blind repeated"

echo "-- (c) logging restored"
dc_debug "1 auth_json_audit:3 kerberos:3"
wait_action sensor_restored 1 300 || fail "(c) no sensor_restored"
wait_status 0 300 || fail "(c) status not healthy again: $(cat "$T/status.out")"
sleep 2
[ "$(hec_count "$HEC_OUT" sensor_blind)" = 1 ] && [ "$(hec_count "$HEC_OUT" sensor_restored)" = 1 ] ||
    fail "(c) want one sensor_blind and one sensor_restored"
python3 - "$HEC_OUT" <<'PY' || fail "(c) sensor alerts"
import json, sys
env = [e for e in map(json.loads, open(sys.argv[1]))]
b = [e for e in env if e["event"]["action"] == "sensor_blind"][0]
r = [e for e in env if e["event"]["action"] == "sensor_restored"][0]
assert b["sourcetype"] == "addecoy:alert", b["sourcetype"]
a = b["event"]
assert a["severity"] == "high" and a["event"]["kind"] == "alert", a
assert a["sensor"]["input"] == "samba:dc1.decoy.test" and a["sensor"]["silent_seconds"] >= 8, a["sensor"]
assert "samba:dc1.decoy.test" in a["summary"] and "no event" in a["summary"], a["summary"]
assert r["event"]["sensor"]["state"] == "restored", r
print("blind:", a["summary"])
PY

echo "-- (d) stopped"
svc_stop
[ "$(status_rc)" = 2 ] || fail "(d) status not down after stop: $(cat "$T/status.out")"
grep -q "not running" "$T/status.out" || fail "(d) does not say not running: $(cat "$T/status.out")"
echo "PASS: heartbeat, blind sensor and status on a live Samba AD DC"
