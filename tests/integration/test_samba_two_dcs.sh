#!/usr/bin/env bash
# One decoysvc collecting from two Samba AD DCs (two "samba" inputs, each with its own "computer"
# and log files): captured DC log lines (tests/fixtures/samba/) are replayed into each DC's files
# while decoysvc runs; every alert names the DC whose log had the event, each DC keeps its own
# checkpoint, and a restart re-alerts nothing.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
hec_start
F=$ADDECOY_SRC/tests/fixtures/samba
mkdir -p "$T/dc1" "$T/dc2"
: >"$T/dc1/kdc.log"; : >"$T/dc1/auth.json"; : >"$T/dc2/kdc.log"; : >"$T/dc2/auth.json"
cat >"$T/inventory.json" <<'J'
{"version": 1, "decoys": [
  {"name": "svc_backup_legacy", "kind": "kerberoast", "spns": ["MSSQLSvc/decoy.decoy.test:1433"]},
  {"name": "svc_asrep_legacy", "kind": "asrep"}]}
J
cat >"$T/cfg.json" <<J
{
  "inventory": "$T/inventory.json",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "inputs": [
    {"type": "samba", "computer": "dc1.decoy.test", "kdc_log": "$T/dc1/kdc.log", "auth_log": "$T/dc1/auth.json"},
    {"type": "samba", "computer": "dc2.decoy.test", "kdc_log": "$T/dc2/kdc.log", "auth_log": "$T/dc2/auth.json"}
  ],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]
}
J
# action host: one line per delivered alert
alerts() {
    python3 -c '
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)["event"]
    print(a["action"], a["decoy"]["name"], a["host"]["name"])' "$HEC_OUT" | sort
}
svc_start "$T/cfg.json"
sleep 0.5

echo "-- DC1 logs the Kerberoast (KDC log): its alert names dc1"
cat "$F/kdc.log" >>"$T/dc1/kdc.log"
wait_ids "$HEC_OUT" 1 150 || fail "no alert from dc1"
sleep 0.5
alerts | grep -q "^kerberoast svc_backup_legacy dc1.decoy.test$" || fail "kerberoast not named dc1: $(alerts)"
alerts | grep -q "dc2" && fail "an alert names dc2 before dc2 logged anything: $(alerts)"

echo "-- DC2 logs the AS-REP roast (JSON auth audit): its alert names dc2"
n=$(hec_unique_ids "$HEC_OUT")
grep '"Unknown Pre-authentication"' "$F/auth.json" >>"$T/dc2/auth.json"
cat "$F/kdc-asrep.log" >>"$T/dc2/kdc.log"
wait_ids "$HEC_OUT" $((n + 1)) 150 || fail "no alert from dc2"
sleep 0.5
alerts | grep -q "^asrep_roast svc_asrep_legacy dc2.decoy.test$" || fail "AS-REP roast not named dc2: $(alerts)"
alerts | grep "asrep_roast" | grep -q dc1 && fail "an AS-REP alert names dc1: $(alerts)"

echo "-- each DC has its own checkpoint; a restart re-alerts nothing"
svc_stop
python3 - "$T/state/checkpoint.json" <<'PY' || fail "checkpoints: $(cat "$T/state/checkpoint.json")"
import json, sys
cp = json.load(open(sys.argv[1]))["inputs"]
assert set(cp) == {"samba:dc1.decoy.test", "samba:dc2.decoy.test"}, cp
assert cp["samba:dc1.decoy.test"]["kdc_log"]["offset"] > 0 and cp["samba:dc2.decoy.test"]["auth_log"]["offset"] > 0, cp
PY
before=$(wc -l <"$HEC_OUT")
svc_start "$T/cfg.json"
sleep 1.5
svc_stop
[ "$(wc -l <"$HEC_OUT")" = "$before" ] || fail "the restart re-alerted"
echo "PASS: two Samba DCs, one collector: alerts name the right DC"
