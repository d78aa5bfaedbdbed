#!/usr/bin/env bash
# adseed report --html: the estate page from a hostile inventory and real decoysvc alerts (decoysvc
# hunt over the attack fixture, plus alerts with hostile values spread over days, a Splunk HEC
# envelope and lines that are not alerts). Checks: every hostile value arrives escaped, the page is
# well-formed and self-contained (strict parser; tidy reports no error), mode 0600, and headless
# Chromium renders it to a PNG that is not blank. Skips (77) only when chromium is not installed.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
SRC=${ADDECOY_SRC:?}
T=$(mktemp -d /tmp/addecoy-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
CHECK="python3 $SRC/tests/lib/check_report_page.py"

echo "-- inventory with hostile admin-typed values, alerts from decoysvc hunt"
python3 - "$SRC/conf/inventory.example.json" "$T/inventory.json" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
inv["decoys"].append({"name": "svc_hostile", "kind": "plain",
    "location": "<script>alert('loc')</script>", "owner": "\"><img src=x onerror=alert(1)>",
    "memo": "]]><!--", "created": "2026-11-25T12:00:00Z", "created_by": "CORP\\<b>evil</b>",
    "spns": ["HTTP/x<y>:80"]})
inv["decoys"].append({"name": "svc_retired", "kind": "asrep", "retired": "2026-11-26T00:00:00Z",
    "location": "OU=Old"})
json.dump(inv, open(sys.argv[2], "w"))
PY
"$DECOYSVC" hunt --inventory "$T/inventory.json" --format jsonl "$SRC/tests/fixtures/events/attack.xml" \
    >"$T/alerts.jsonl" 2>"$T/hunt.log" && fail "hunt found nothing in the attack fixture"
n_real=$(wc -l <"$T/alerts.jsonl")
[ "$n_real" -ge 3 ] || fail "hunt produced $n_real alerts"
python3 - "$T/alerts.jsonl" <<'PY'
import json, sys
base = json.loads(open(sys.argv[1]).readline())
out = open(sys.argv[1], "a")
for day, (decoy, src, action) in enumerate([
        ("svc_hostile", "'><script>alert('src')</script>", "password_guess"),
        ("svc_hostile", "10.9.9.9", "<i>decoy_logon</i>"),
        ("<svg onload=alert(1)>", "10.9.9.9", "recon"),
        ("svc_backup_legacy", "10.20.30.40", "kerberoast")]):
    a = dict(base, action=action, count=day + 1)
    a["@timestamp"] = "2026-11-%02dT%02d:15:00.000Z" % (21 + day, 6 + day)
    a["decoy"] = {"name": decoy, "kind": "plain"}
    a["source"] = {"ip": src}
    line = {"time": 0, "event": a} if day == 3 else a   # the last one as a Splunk HEC envelope
    out.write(json.dumps(line) + "\n")
out.write("this is not json\n{\"no\": \"alert\"}\n")
PY

echo "-- adseed report"
"$ADSEED" report --inventory "$T/inventory.json" --alerts "$T/alerts.jsonl" --html "$T/report.html" \
    2>"$T/report.log" || { cat "$T/report.log"; fail "adseed report failed"; }
grep -q "2 line(s) skipped, first at line $((n_real + 5))" "$T/report.log" || { cat "$T/report.log"; fail "skipped lines not reported"; }
[ "$(stat -c %a "$T/report.html")" = 600 ] || fail "report mode $(stat -c %a "$T/report.html"), expected 600"
P=$(cat "$T/report.html")
for want in "&lt;script&gt;alert(&#39;loc&#39;)&lt;/script&gt;" "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" \
    "CORP\\&lt;b&gt;evil&lt;/b&gt;" "HTTP/x&lt;y&gt;:80" "&#39;&gt;&lt;script&gt;alert(&#39;src&#39;)&lt;/script&gt;" \
    "&lt;svg onload=alert(1)&gt;" "&lt;i&gt;decoy_logon&lt;/i&gt;" "retired 2026-11-26T00:00:00Z" \
    "svc_backup_legacy" "10.20.30.40" "Trips over time" "Top sources"; do
    case "$P" in *"$want"*) ;; *) fail "the page lacks: $want" ;; esac
done
$CHECK html "$T/report.html"

echo "-- usage errors"
rc=0; "$ADSEED" report --inventory "$T/inventory.json" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "report without --html: exit $rc, expected 2"
rc=0; "$ADSEED" report --inventory "$T/missing.json" --html "$T/x.html" 2>/dev/null || rc=$?
[ "$rc" = 1 ] && [ ! -e "$T/x.html" ] || fail "missing inventory: exit $rc"
rc=0; "$ADSEED" report --inventory "$T/inventory.json" --alerts "$T/missing.jsonl" --html "$T/x.html" 2>/dev/null || rc=$?
[ "$rc" = 1 ] && [ ! -e "$T/x.html" ] || fail "missing alert file: exit $rc"

if command -v tidy >/dev/null; then
    rc=0; tidy -errors -q "$T/report.html" >"$T/tidy.log" 2>&1 || rc=$?
    [ "$rc" -le 1 ] || { cat "$T/tidy.log"; fail "tidy reports errors"; }
    echo "tidy: no errors"
else
    echo "note: tidy not installed (tests/lib/install-deps.sh installs it); strict parser check only"
fi

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium not installed (tests/lib/install-deps.sh installs it): page not rendered"
    exit 77
fi
echo "-- rendering with headless $("$CHROMIUM" --version 2>/dev/null | head -1)"
cp "$T/report.html" "$T/page.html"   # Chromium runs as root here; a readable copy
chmod 644 "$T/page.html"
timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$T/chromium.XXXXXX")" --screenshot="$T/report.png" \
    --window-size=1200,900 "file://$T/page.html" >"$T/chromium.log" 2>&1 ||
    { tail -20 "$T/chromium.log"; fail "chromium failed"; }
[ -s "$T/report.png" ] || { tail -20 "$T/chromium.log"; fail "chromium wrote no screenshot"; }
$CHECK png "$T/report.png" 1200 900
[ -n "${ADDECOY_KEEP_REPORT:-}" ] && cp "$T/report.html" "$T/report.png" "$ADDECOY_KEEP_REPORT"/
echo "PASS"
