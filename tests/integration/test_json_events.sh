#!/usr/bin/env bash
# Windows events as JSON lines (Winlogbeat 8 and 7, NXLog): `decoysvc hunt` gives byte-identical
# alerts for the same events as rendered XML, as Winlogbeat JSON and as NXLog JSON (committed
# fixtures, and every corpus file converted when ../shared/corpus is present); bad lines are
# skipped, named by line number, and the stream goes on; `decoysvc run` follows a .jsonl file
# with a checkpoint (alerts reach the HEC receiver, a restart does not re-alert, appended lines
# alert once) and reads standard input.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
INV=$ADDECOY_SRC/tests/fixtures/corpus-inventory.json
FX=$ADDECOY_SRC/tests/fixtures/json
CONV=$ADDECOY_SRC/tests/lib/evtx_xml_to_json.py

hunt() { local rc=0; "$DECOYSVC" hunt --inventory "$INV" "$@" || rc=$?; [ "$rc" = 1 ] || fail "hunt $*: exit $rc"; }

echo "-- hunt: XML, Winlogbeat 8, Winlogbeat 7 and NXLog JSON of the same events: identical alerts"
hunt "$FX/corpus-events.xml" >"$T/xml.jsonl" 2>"$T/xml.err"
[ "$(wc -l <"$T/xml.jsonl")" = 4 ] || fail "XML fixture: $(wc -l <"$T/xml.jsonl") alerts, want 4"
grep -q '"action":"kerberoast"' "$T/xml.jsonl" || fail "no kerberoast alert from the XML fixture"
for l in winlogbeat8 winlogbeat7 nxlog; do
    hunt "$FX/corpus-events.$l.jsonl" >"$T/$l.jsonl" 2>"$T/$l.err"
    cmp -s "$T/xml.jsonl" "$T/$l.jsonl" || { diff "$T/xml.jsonl" "$T/$l.jsonl" | head; fail "$l alerts differ from XML"; }
    [ -s "$T/$l.err" ] && fail "$l: unexpected warnings: $(cat "$T/$l.err")"
done
# standard input and a name that says nothing: --input-format json
hunt --input-format json - <"$FX/corpus-events.nxlog.jsonl" >"$T/stdin.jsonl"
cmp -s "$T/xml.jsonl" "$T/stdin.jsonl" || fail "--input-format json on standard input differs"

echo "-- hunt: bad lines are skipped by line number, the stream goes on; a bad byte hides nothing"
{
    echo 'not json at all'
    sed -n 1p "$FX/corpus-events.winlogbeat8.jsonl"
    echo '{"winlog": {"channel": "Security"}}'
    echo
    # the Kerberoast record with an invalid byte in the requester's name
    sed -n 2p "$FX/corpus-events.winlogbeat8.jsonl" | sed "s/admmig@OFFSEC.LAN/admmig\xff@OFFSEC.LAN/g"
    sed -n '3,$p' "$FX/corpus-events.winlogbeat8.jsonl"
} >"$T/bad.ndjson"
hunt "$T/bad.ndjson" >"$T/bad.jsonl" 2>"$T/bad.err"
[ "$(wc -l <"$T/bad.jsonl")" = 4 ] || fail "bad lines: $(wc -l <"$T/bad.jsonl") alerts, want 4"
grep -q 'bad.ndjson: skipped (not an event): line 1 (byte 0): not JSON' "$T/bad.err" || fail "line 1 not reported: $(cat "$T/bad.err")"
grep -q 'line 3 .*no EventID' "$T/bad.err" || fail "line 3 not reported: $(cat "$T/bad.err")"
grep -q 'admmig\\ufffd@OFFSEC.LAN\|admmig�@OFFSEC.LAN' "$T/bad.jsonl" || fail "the repaired requester is not in the alert"

CORPUS=${ADDECOY_CORPUS:-$ADDECOY_SRC/../shared/corpus}
if [ -d "$CORPUS/xml" ]; then
    # the scenario files (the two multi-MB baseline logs, which alert on nothing, are left out to
    # keep the test quick; test_hunt_corpus.sh covers them)
    echo "-- hunt: every corpus scenario file as Winlogbeat 8 and NXLog JSON gives the XML's alerts"
    for f in "$CORPUS"/xml/*.xml; do
        case $(basename "$f") in baseline-*) ;; *) cat "$f" ;; esac
    done >"$T/corpus.xml"
    python3 "$CONV" --layout winlogbeat8 "$T/corpus.xml" >"$T/corpus.winlogbeat8.jsonl"
    python3 "$CONV" --layout nxlog --tz=-05:00 "$T/corpus.xml" >"$T/corpus.nxlog.jsonl"
    hunt "$T/corpus.xml" >"$T/corpus.xml.out" 2>/dev/null
    hunt "$T/corpus.winlogbeat8.jsonl" >"$T/corpus.wlb.out"
    hunt "$T/corpus.nxlog.jsonl" >"$T/corpus.nx.out"
    [ "$(wc -l <"$T/corpus.xml.out")" -ge 10 ] || fail "corpus: only $(wc -l <"$T/corpus.xml.out") alerts from XML"
    cmp -s "$T/corpus.xml.out" "$T/corpus.wlb.out" || fail "corpus: Winlogbeat alerts differ from XML"
    cmp -s "$T/corpus.xml.out" "$T/corpus.nx.out" || fail "corpus: NXLog alerts differ from XML"
else
    echo "SKIP (part): corpus not found at $CORPUS: only the committed fixtures were compared"
fi

echo "-- run: a followed .jsonl file, alerts to HEC, checkpointed"
hec_start
: >"$T/events.jsonl"
write_config "$T/cfg.json" "$T/events.jsonl"
sed -i -e "s|\"inventory\": \"[^\"]*\"|\"inventory\": \"$INV\"|" \
    -e 's|{"type": "xml", "path": \("[^"]*"\)}|{"type": "json", "path": \1, "format": "auto"}|' "$T/cfg.json"
grep -q '"type": "json"' "$T/cfg.json" || fail "config not rewritten"
svc_start "$T/cfg.json"
sleep 0.3
head -n 11 "$FX/corpus-events.winlogbeat8.jsonl" >>"$T/events.jsonl" # 4769 x 10 (1 Kerberoast), 4768 AS-REP roast
wait_ids "$HEC_OUT" 2 100 || fail "run: alerts from the followed file: $(hec_unique_ids "$HEC_OUT")"
python3 - "$HEC_OUT" "$T/xml.jsonl" <<'PY' || fail "run alerts differ from hunt's"
import json, sys
run = {json.loads(l)["event"]["id"]: json.loads(l)["event"] for l in open(sys.argv[1])}
hunt = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[2])}
assert len(run) == 2, run.keys()
for k, a in run.items():
    assert k in hunt, ("run alert not among hunt's", k)
    assert a == hunt[k], (a, hunt[k])
PY
echo 'garbage line' >>"$T/events.jsonl"
for _ in $(seq 50); do grep -q 'events.jsonl: skipped' "$T/svc.log" && break; sleep 0.1; done
grep -q 'events.jsonl: skipped (not an event; 1 lines skipped since start): line 12 ' "$T/svc.log" ||
    fail "run: the bad line was not reported by number"
svc_stop
grep -q '"line":13' "$T/state/checkpoint.json" || fail "checkpoint without the line number: $(cat "$T/state/checkpoint.json")"

echo "-- run: a restart does not re-alert; appended lines (NXLog layout, auto) alert once"
svc_start "$T/cfg.json"
sleep 1
[ "$(hec_unique_ids "$HEC_OUT")" = 2 ] || fail "restart re-alerted: $(hec_unique_ids "$HEC_OUT") ids"
sed -n '12,$p' "$FX/corpus-events.nxlog.jsonl" >>"$T/events.jsonl" # lines 13-18: 4738/5136 tampering, 4625
wait_ids "$HEC_OUT" 3 100 || fail "appended NXLog lines did not alert"
echo 'also { bad' >>"$T/events.jsonl"
for _ in $(seq 50); do grep -q 'line 19 ' "$T/svc.log" && break; sleep 0.1; done
grep -q 'skipped (not an event; 1 lines skipped since start): line 19 (byte' "$T/svc.log" ||
    fail "after the restart, the bad line's number is wrong: $(grep skipped "$T/svc.log" | tail -1)"
svc_stop
[ "$(wc -l <"$HEC_OUT")" = "$(hec_unique_ids "$HEC_OUT")" ] || fail "an alert was delivered twice"

echo "-- run: standard input"
rm -f "$HEC_OUT"
sed -e "s|\"state_dir\": \"[^\"]*\"|\"state_dir\": \"$T/state-stdin\"|" \
    -e "s|\"path\": \"[^\"]*events.jsonl\"|\"path\": \"-\"|" "$T/cfg.json" >"$T/cfg-stdin.json"
"$DECOYSVC" run --once --config "$T/cfg-stdin.json" <"$FX/corpus-events.winlogbeat7.jsonl" 2>>"$T/svc.log" ||
    fail "run on standard input failed"
[ "$(hec_unique_ids "$HEC_OUT")" = 4 ] || fail "standard input: $(hec_unique_ids "$HEC_OUT") alerts, want 4"
echo "PASS: JSON event lines (Winlogbeat, NXLog) in hunt and run"
