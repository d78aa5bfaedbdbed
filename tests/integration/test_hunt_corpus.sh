#!/usr/bin/env bash
# decoysvc hunt over the captured Windows logs of ../shared/corpus reproduces the scenario table of
# its README exactly (per file and in total), and reports no decoy alert with an empty inventory.
set -euo pipefail
CORPUS=${ADDECOY_CORPUS:-$ADDECOY_SRC/../shared/corpus}
if [ ! -d "$CORPUS/xml" ]; then
    echo "SKIP: corpus not found at $CORPUS: the scenario test needs ../shared/corpus"
    exit 77
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
INV=$ADDECOY_SRC/tests/fixtures/corpus-inventory.json

# every file at once
rc=0; "$DECOYSVC" hunt --inventory "$INV" --format jsonl "$CORPUS"/xml/*.xml >"$T/all.jsonl" 2>"$T/all.err" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: hunt exit status $rc, want 1"; cat "$T/all.err"; exit 1; }
# one file at a time
for f in "$CORPUS"/xml/*.xml; do
    n=$(basename "$f" .xml)
    rc=0; "$DECOYSVC" hunt --inventory "$INV" --format jsonl "$f" >"$T/$n.jsonl" 2>>"$T/files.err" || rc=$?
    echo "$rc" >"$T/$n.rc"
done
python3 "$ADDECOY_SRC/tests/lib/check_corpus_scenario.py" "$T"

# the binary .evtx originals give the same result as their XML renderings
mkdir -p "$T/evtx"
rc=0; "$DECOYSVC" hunt --inventory "$INV" "$CORPUS"/evtx/*.evtx >"$T/evtx/all.jsonl" 2>"$T/evtx/all.err" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: hunt over .evtx: exit status $rc"; cat "$T/evtx/all.err"; exit 1; }
for f in "$CORPUS"/evtx/*.evtx; do
    n=$(basename "$f" .evtx)
    rc=0; "$DECOYSVC" hunt --inventory "$INV" "$f" >"$T/evtx/$n.jsonl" 2>>"$T/evtx/files.err" || rc=$?
    echo "$rc" >"$T/evtx/$n.rc"
done
python3 "$ADDECOY_SRC/tests/lib/check_corpus_scenario.py" "$T/evtx"
cmp <(python3 -c 'import json,sys; print(sorted(json.loads(l)["id"] for l in open(sys.argv[1])))' "$T/all.jsonl") \
    <(python3 -c 'import json,sys; print(sorted(json.loads(l)["id"] for l in open(sys.argv[1])))' "$T/evtx/all.jsonl") ||
    { echo "FAIL: .evtx and XML give different alert ids"; exit 1; }

# an empty inventory reports no decoy alert: only what concerns the DC itself (the corpus holds two
# real Security log clears, 1102), and exits 1 for them
rc=0; "$DECOYSVC" hunt --inventory "$ADDECOY_SRC/tests/fixtures/empty-inventory.json" "$CORPUS"/xml/*.xml >"$T/empty.jsonl" || rc=$?
got=$(python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["action"] + ("+decoy" if "decoy" in json.loads(l) else "") for l in open(sys.argv[1]))))' "$T/empty.jsonl")
[ "$rc" = 1 ] && [ "$got" = "log_cleared log_cleared" ] || { echo "FAIL: empty inventory: exit $rc, alerts: $got"; exit 1; }

# the table format prints a header and one row per alert
"$DECOYSVC" hunt --inventory "$INV" --format table "$CORPUS"/xml/kerberoast-4769-rc4.xml >"$T/table.txt" || true
grep -q '^TIME' "$T/table.txt" && grep -q 'kerberoast *Svc-SQL-DB01' "$T/table.txt" || { echo "FAIL: table"; cat "$T/table.txt"; exit 1; }
echo "PASS: corpus scenario reproduced"
