#!/usr/bin/env bash
# decoysvc hunt says what it read (issue 8 part 4) and folds alerts correctly over files given out
# of time order (issue 10 finding 8):
#  A) a generated file with known numbers of good, malformed, truncated and decoy records: the
#     summary (text and --summary json, --summary-file) has exactly those counts; --quiet prints no
#     per-record warning, without it there is one per skipped record;
#  B) a directory tree is searched recursively for .evtx/.xml (any case), other files and links to
#     directories ignored; an empty directory alone is an error (nothing to read);
#  C) --progress draws the progress line; without it and with stderr not a terminal, none;
#  D) two files a year apart, newest given first: first_seen <= last_seen in every alert and nothing
#     folds across the year;
#  E) the fixtures and, when present, ../shared/corpus: counts add up (skips visibly without it).
set -euo pipefail
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
INV=$ADDECOY_SRC/conf/inventory.example.json
fail() { echo "FAIL: $*"; exit 1; }
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

# gen FILE GOOD MALFORMED DECOY START_EPOCH [truncated]: records in that order; decoy records are
# Kerberoast requests for svc_backup_legacy from one source, one second apart from START_EPOCH.
gen() {
    python3 - "$@" <<'PY'
import sys, datetime
path, good, bad, decoy, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
trunc = len(sys.argv) > 6
ns = "http://schemas.microsoft.com/win/2004/08/events/event"
def t(s): return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
out, rid = [], 0
for i in range(good):
    rid += 1
    out.append("<Event xmlns='%s'><System><EventID>4624</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID>"
               "<Channel>Security</Channel><Computer>dc1</Computer></System><EventData><Data Name='TargetUserName'>alice</Data>"
               "<Data Name='IpAddress'>10.1.1.1</Data></EventData></Event>" % (ns, t(start), rid))
for i in range(bad):
    rid += 1
    out.append("<Event xmlns='%s'><System><EventID>4769</EventID><EventRecordID>%d</EventRecordID></System>"
               "<EventData><Data Name='ServiceName'>svc_backup_legacy</Datum></EventData></Event>" % (ns, rid))
for i in range(decoy):
    rid += 1
    out.append("<Event xmlns='%s'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
               "<TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Channel>Security</Channel>"
               "<Computer>dc1.corp.example</Computer></System><EventData><Data Name='TargetUserName'>mallory@CORP.EXAMPLE</Data>"
               "<Data Name='TargetDomainName'>CORP.EXAMPLE</Data><Data Name='ServiceName'>svc_backup_legacy</Data>"
               "<Data Name='TicketOptions'>0x40810000</Data><Data Name='TicketEncryptionType'>0x17</Data>"
               "<Data Name='IpAddress'>::ffff:10.9.9.9</Data><Data Name='IpPort'>50000</Data><Data Name='Status'>0x0</Data>"
               "</EventData></Event>" % (ns, t(start + i), rid))
text = "\n".join(out) + "\n"
if trunc:
    text += "<Event xmlns='%s'><System><EventID>4624</EventID>" % ns
open(path, "w").write(text)
PY
}

echo "-- A: known counts"
gen "$T/a.xml" 40 7 3 1795000000 truncated
rc=0; "$DECOYSVC" hunt --inventory "$INV" --quiet --summary json "$T/a.xml" >"$T/a.jsonl" 2>"$T/a.err" || rc=$?
[ "$rc" = 1 ] || fail "A: exit $rc (want 1: alerts)"; cat "$T/a.err"
tail -1 "$T/a.err" >"$T/a.json"
[ "$(grep -c . "$T/a.err")" = 1 ] || fail "A: --quiet printed more than the summary"
for check in 'd["files"] == 1' 'd["files_read"] == 1' 'd["records_read"] == 40 + 7 + 3 + 1' \
             'd["records_skipped"] == 8' 'd["skipped_by_reason"] == {"malformed": 7, "oversized": 0, "truncated": 1, "other": 0}' \
             'd["detections"] == 3' 'd["alerts"] == 2' 'd["events_examined"] >= 3' 'd["events_examined"] <= 43'; do
    [ "$(json "$T/a.json" "$check")" = True ] || fail "A: $check is false: $(cat "$T/a.json")"
done
[ "$(wc -l <"$T/a.jsonl")" = 2 ] || fail "A: $(wc -l <"$T/a.jsonl") alerts on stdout, want 2 (first + follow-up)"
rc=0; "$DECOYSVC" hunt --inventory "$INV" "$T/a.xml" >/dev/null 2>"$T/a2.err" || rc=$?
[ "$(grep -c 'skipped a malformed record' "$T/a2.err")" = 7 ] || fail "A: not one warning per malformed record"
[ "$(grep -c 'skipped a truncated record' "$T/a2.err")" = 1 ] || fail "A: no warning for the truncated record"
grep -q '^  records skipped  8 (malformed 7, truncated 1)$' "$T/a2.err" || fail "A: text summary: $(cat "$T/a2.err")"
grep -q '^  alerts           2$' "$T/a2.err" || fail "A: text summary alerts"
"$DECOYSVC" hunt --inventory "$INV" --quiet --summary json --summary-file "$T/s.json" "$T/a.xml" >/dev/null 2>"$T/a3.err" || true
[ ! -s "$T/a3.err" ] || fail "A: --summary-file still wrote to stderr: $(cat "$T/a3.err")"
[ "$(json "$T/s.json" 'd["records_skipped"]')" = 8 ] || fail "A: --summary-file content"
echo "   counts exact; --quiet, --summary json and --summary-file behave"

echo "-- B: directories"
mkdir -p "$T/tree/x/y" "$T/tree/empty" "$T/lonely"
gen "$T/tree/one.xml" 5 0 0 1795000000
gen "$T/tree/x/two.XML" 6 0 0 1795000000
gen "$T/tree/x/y/three.xml" 7 1 0 1795000000
echo "not a log" >"$T/tree/x/notes.txt"
ln -s .. "$T/tree/x/y/loop"   # a link to a directory is not followed
"$DECOYSVC" hunt --inventory "$INV" --quiet --summary json "$T/tree" >/dev/null 2>"$T/b.json" || fail "B: exit $?"
[ "$(json "$T/b.json" 'd["files"]')" = 3 ] || fail "B: files: $(cat "$T/b.json")"
[ "$(json "$T/b.json" 'd["records_read"]')" = 19 ] || fail "B: records: $(cat "$T/b.json")"
[ "$(json "$T/b.json" 'd["records_skipped"]')" = 1 ] || fail "B: skipped: $(cat "$T/b.json")"
rc=0; "$DECOYSVC" hunt --inventory "$INV" "$T/lonely" >/dev/null 2>"$T/b2.err" || rc=$?
[ "$rc" = 2 ] && grep -q 'nothing to read' "$T/b2.err" || fail "B: an empty directory: exit $rc, $(cat "$T/b2.err")"
echo "   3 files found under the tree, the .txt and the link loop ignored; nothing to read = exit 2"

echo "-- C: progress line"
"$DECOYSVC" hunt --inventory "$INV" --quiet --progress "$T/tree" >/dev/null 2>"$T/c.err" || true
grep -q $'\rhunt: 3/3 files, 19 records' "$T/c.err" || fail "C: no progress line: $(od -c "$T/c.err" | head)"
"$DECOYSVC" hunt --inventory "$INV" --quiet "$T/tree" >/dev/null 2>"$T/c2.err" || true
grep -q $'\r' "$T/c2.err" && fail "C: a progress line on a stderr that is not a terminal"
echo "   drawn with --progress, absent when stderr is a file"

echo "-- D: two files a year apart, newest first"
gen "$T/old.xml" 0 0 4 1795000000
gen "$T/new.xml" 0 0 4 $((1795000000 + 365 * 86400))
"$DECOYSVC" hunt --inventory "$INV" --quiet "$T/new.xml" "$T/old.xml" >"$T/d.jsonl" 2>/dev/null || true
python3 - "$T/d.jsonl" <<'PY' || fail "D: alerts"
import json, sys, datetime
def ms(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
alerts = [json.loads(l) for l in open(sys.argv[1])]
total = sum(a.get("count", 1) for a in alerts)
assert total == 8, total
for a in alerts:
    f, l = ms(a["first_seen"]), ms(a["last_seen"])
    assert f <= l, (a["first_seen"], a["last_seen"])
    assert l - f < 300, ("folded across", a["first_seen"], a["last_seen"])
print("   %d alerts, counts add up to 8, every first_seen <= last_seen, none spans the year" % len(alerts))
PY

echo "-- E: fixtures and corpus"
"$DECOYSVC" hunt --inventory "$ADDECOY_SRC/tests/fixtures/corpus-inventory.json" --quiet --summary json \
    "$ADDECOY_SRC/tests/fixtures/xml" >/dev/null 2>"$T/e.json" || true
[ "$(json "$T/e.json" 'd["files"]')" = "$(find "$ADDECOY_SRC/tests/fixtures/xml" -iname '*.xml' | wc -l)" ] || fail "E: fixture files"
[ "$(json "$T/e.json" 'd["records_skipped"] == sum(d["skipped_by_reason"].values())')" = True ] || fail "E: reasons do not add up"
CORPUS=${ADDECOY_CORPUS:-$ADDECOY_SRC/../shared/corpus}
if [ -d "$CORPUS/evtx" ]; then
    rc=0; "$DECOYSVC" hunt --inventory "$ADDECOY_SRC/tests/fixtures/corpus-inventory.json" --quiet --summary json \
        "$CORPUS" >"$T/corpus.jsonl" 2>"$T/corpus.json" || rc=$?
    [ "$rc" = 1 ] || fail "E: corpus exit $rc"
    n=$(find "$CORPUS" -type f \( -iname '*.evtx' -o -iname '*.xml' \) | wc -l)
    [ "$(json "$T/corpus.json" 'd["files"]')" = "$n" ] || fail "E: corpus files: $(cat "$T/corpus.json")"
    [ "$(json "$T/corpus.json" 'd["alerts"]')" = "$(wc -l <"$T/corpus.jsonl")" ] || fail "E: alerts in summary != alerts printed"
    echo "   corpus: $(cat "$T/corpus.json")"
else
    echo "   SKIP (visible): corpus not found at $CORPUS; fixtures only"
fi
echo "PASS"
