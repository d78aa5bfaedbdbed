#!/usr/bin/env bash
# A poison alert cannot stall a sink: the HEC receiver refuses, for good, the one alert whose event
# names attacker77 (HTTP 400, code 6, invalid-event-number: Splunk's reply for one bad event of a
# batch, the events before it indexed). decoysvc sends it again reject_retries times, then moves it
# to that sink's quarantine file with the reply and delivers everything behind it; the file sink
# still gets it. Ends with the count of distinct alerts received against events written.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
N=300
hec_start --invalid-marker "attacker77@"
: >"$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml" ", {\"type\": \"file\", \"name\": \"archive\", \"path\": \"$T/archive.jsonl\"}"
sed -i 's|"token_file": "'"$HEC_TOKEN_FILE"'"}|"token_file": "'"$HEC_TOKEN_FILE"'", "batch": 50, "reject_retries": 2}|' "$T/cfg.json"
grep -q '"reject_retries": 2' "$T/cfg.json" || fail "config edit failed"
"$DECOYSVC" check --config "$T/cfg.json" --no-send >/dev/null || fail "check refuses the config"
svc_start "$T/cfg.json"
gen_kerberoast_events $N 800000 svc_backup_legacy >>"$T/events.xml"
wait_ids "$HEC_OUT" $((N - 1)) 1200 || fail "only $(hec_unique_ids "$HEC_OUT") of $((N - 1)) alerts reached the HEC sink"
Q=$T/state/quarantine/hec.jsonl
wait_file "$Q" 300 || fail "nothing was quarantined for the hec sink"
for _ in $(seq 100); do [ "$(wc -l <"$T/archive.jsonl" 2>/dev/null || echo 0)" -ge $N ] && break; sleep 0.1; done
svc_stop
python3 - "$HEC_OUT" "$Q" "$T/archive.jsonl" $N <<'PY' || fail "wrong delivery or quarantine"
import json, sys
hec, q, archive, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
delivered = {json.loads(l)["event"]["id"]: json.loads(l)["event"] for l in open(hec) if l.strip()}
assert not any("attacker77@" in json.dumps(a) for a in delivered.values()), "the poison alert was indexed"
assert len(delivered) == n - 1, len(delivered)
lines = [json.loads(l) for l in open(q) if l.strip()]
assert len(lines) == 1, "%d quarantined" % len(lines)
e = lines[0]
assert "attacker77@" in json.dumps(e["alert"]), e
assert e["sink"] == "hec" and e["attempts"] == 3, (e["sink"], e["attempts"])
assert "code 6" in e["reply"] and "HTTP 400" in e["reply"], e["reply"]
archived = {json.loads(l)["id"] for l in open(archive) if l.strip()}
assert len(archived) == n and e["alert"]["id"] in archived, "the other sink must still deliver it"
print("   events written: %d, distinct alerts received by hec: %d, quarantined for hec: 1, archive sink: %d"
      % (n, len(delivered), len(archived)))
PY
grep -q "refused 3 times: moved to this sink's quarantine" "$T/svc.log" || fail "the quarantine is not in the log"
[ "$(grep -c "refused (attempt" "$T/svc.log")" -eq 2 ] || fail "expected 2 logged retries of the refused alert"
grep "quarantine" "$T/svc.log" | head -2
echo "PASS: one alert refused for good is quarantined for its sink; the rest is delivered"
