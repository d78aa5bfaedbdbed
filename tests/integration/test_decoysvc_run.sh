#!/usr/bin/env bash
# decoysvc run end to end: rendered event XML -> detector -> spool -> Splunk HEC (strict receiver),
# a signed webhook and a JSON-lines file; checkpointed input (a second run re-alerts nothing,
# appended events alert once); hostile field values arrive escaped; `check` reports every sink.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
hec_start
webhook_start
cp "$ADDECOY_SRC/tests/fixtures/events/attack.xml" "$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml" ", {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:$WEBHOOK_PORT/hook\", \"secret_file\": \"$T/webhook.secret\"}, {\"type\": \"file\", \"path\": \"$T/alerts.jsonl\"}"

echo "-- check: config, inventory and a test alert through every sink"
"$DECOYSVC" check --config "$T/cfg.json" >"$T/check.out" || fail "check failed: $(cat "$T/check.out")"
[ "$(grep -c 'test alert accepted' "$T/check.out")" = 3 ] || fail "check: $(cat "$T/check.out")"
[ "$(hec_count "$HEC_OUT" test)" = 1 ] || fail "the HEC receiver did not get the test alert"
rm -f "$HEC_OUT" "$WEBHOOK_OUT" "$T/alerts.jsonl"

echo "-- run --once over the attack fixture"
"$DECOYSVC" run --config "$T/cfg.json" --once 2>>"$T/svc.log" || fail "run --once failed"
[ "$(hec_count "$HEC_OUT" kerberoast)" = 1 ] || fail "kerberoast alerts: $(hec_count "$HEC_OUT" kerberoast)"
[ "$(hec_count "$HEC_OUT" asrep_roast)" = 1 ] || fail "asrep_roast alerts"
[ "$(hec_count "$HEC_OUT" recon)" = 1 ] || fail "recon alerts"
[ "$(hec_count "$HEC_OUT" password_guess)" = 2 ] || fail "password_guess alerts (first + follow-up)"
python3 - "$HEC_OUT" <<'PY' || fail "alert content"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
env = [a for a in alerts if a["event"]["action"] == "kerberoast"][0]
assert env["sourcetype"] == "addecoy:alert" and env["host"] == "dc1.corp.example", env
a = env["event"]
assert a["decoy"]["name"] == "svc_backup_legacy" and a["source"]["ip"] == "10.20.30.40", a
assert a["user"]["name"].startswith("jdoe") and a["kerberos"]["ticket_encryption"]["rc4"] is True, a
assert "runbook" in a["decoy"] and a["threat"]["technique"]["id"] == "T1558.003", a
pg = sorted(x["event"]["count"] for x in alerts if x["event"]["action"] == "password_guess")
assert pg == [1, 2], pg   # 3 bad passwords: one at once, two folded into the follow-up
names = {x["event"]["decoy"]["name"] for x in alerts}
assert "SQL01$" not in names and "alice" not in names, names
PY
[ "$(wc -l <"$WEBHOOK_OUT")" = 5 ] || fail "webhook deliveries: $(wc -l <"$WEBHOOK_OUT")"
[ "$(wc -l <"$T/alerts.jsonl")" = 5 ] || fail "file sink lines: $(wc -l <"$T/alerts.jsonl")"

echo "-- a second run re-alerts nothing (checkpoint)"
"$DECOYSVC" run --config "$T/cfg.json" --once 2>>"$T/svc.log" || fail "second run failed"
[ "$(wc -l <"$HEC_OUT")" = 5 ] || fail "second run re-alerted: $(wc -l <"$HEC_OUT") alerts"

echo "-- appended events alert once; hostile values arrive valid and escaped"
gen_kerberoast_events 1 5000 svc_backup_legacy >>"$T/events.xml"
python3 - "$T/events.xml" <<'PY'
import sys
hostile = "ev\"il\nname <!channel> *bold* `x` & " + "A" * 65536
rec = ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4771</EventID>"
       "<TimeCreated SystemTime='2026-11-20T10:00:00.000Z'/><EventRecordID>6000</EventRecordID><Channel>Security</Channel>"
       "<Computer>dc1.corp.example</Computer></System><EventData><Data Name='TargetUserName'>svc_backup_legacy</Data>"
       "<Data Name='Status'>0x18</Data><Data Name='IpAddress'>::ffff:10.66.66.66</Data>"
       "<Data Name='WorkstationName'>%s</Data></EventData></Event>\n")
data = rec % hostile.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;")
open(sys.argv[1], "ab").write(data.encode() + rec.replace("6000", "6001").replace("10.66.66.66", "10.66.66.67").encode() % b"bad\xff\xfeutf8")
PY
"$DECOYSVC" run --config "$T/cfg.json" --once 2>>"$T/svc.log" || fail "third run failed"
[ "$(hec_count "$HEC_OUT" kerberoast)" = 2 ] || fail "appended kerberoast: $(hec_count "$HEC_OUT" kerberoast)"
[ "$(hec_count "$HEC_OUT" password_guess)" = 4 ] || fail "hostile events: $(hec_count "$HEC_OUT" password_guess)"
python3 - "$HEC_OUT" "$WEBHOOK_OUT" <<'PY' || fail "hostile values"
import json, sys
for f in sys.argv[1:]:
    for line in open(f, encoding="utf-8"):   # strict UTF-8: raises on invalid bytes
        json.loads(line)
alerts = [json.loads(l)["event"] for l in open(sys.argv[1])]
ws = " ".join(json.dumps(a) for a in alerts if a.get("source", {}).get("ip", "").startswith("10.66.66."))
assert "<!channel>" in ws or "\\u003c!channel" in ws, "hostile text lost"
assert "\ufffd" in ws or "\\ufffd" in ws, "invalid UTF-8 not repaired"
PY
echo "PASS: decoysvc run end to end"
