#!/usr/bin/env bash
# test_service_wine.sh - decoysvc.exe as a real service under Wine's service manager, fed real
# events through the test-only fake wevtapi.dll (Wine's Event Log API is a stub); first a hunt by
# a file and a folder whose names no ANSI code page holds (UTF-8 paths through the UTF-16 calls); then
#   install (SCM) -> RUNNING -> the corpus Kerberoast event (or the fixture) becomes exactly one
#   kerberoast alert at the strict HEC receiver -> reload on paramchange -> stop -> events written
#   while stopped, then a stop and restart mid-stream: every alert delivered once, none repeated
#   (bookmark) -> uninstall. Needs: DECOYSVC (cross-built exe), FAKE_WEVTAPI, ADDECOY_SRC, wine.
set -euo pipefail
: "${DECOYSVC:?}" "${FAKE_WEVTAPI:?}" "${ADDECOY_SRC:?}"
command -v wine >/dev/null || { echo "SKIP: wine is not installed"; exit 77; }
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init

export WINEPREFIX=${ADDECOY_WINE_SVC_PREFIX:-${ADDECOY_CACHE:-/var/cache/addecoy}/wine-svc}
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
W='C:\addecoy-test'
D="$WINEPREFIX/drive_c/addecoy-test"
wexe() { wine "$W\\decoysvc.exe" "$@" 2>>"$T/wine.err" | tr -d '\r'; return "${PIPESTATUS[0]}"; }
cleanup_service() {
    wine sc stop ADDecoy >/dev/null 2>&1 || true
    wine sc delete ADDecoy >/dev/null 2>&1 || true
}
svc_log_tail() { [ -f "$D/decoysvc.log" ] && tail -20 "$D/decoysvc.log"; }
wfail() { echo "--- decoysvc.log"; svc_log_tail; cleanup_service; fail "$*"; }

if [ ! -f "$WINEPREFIX/.addecoy-ready" ]; then
    echo "-- creating Wine prefix $WINEPREFIX (once)"
    mkdir -p "$WINEPREFIX"
    wineboot -i >/dev/null 2>&1 && wineserver -w && touch "$WINEPREFIX/.addecoy-ready"
fi
wineserver -p60 >/dev/null 2>&1 </dev/null || true
cleanup_service # a previous run that died must not leave an auto-start service behind
trap 'cleanup_service; wineserver -k 2>/dev/null; harness_cleanup' EXIT

rm -rf "$D" && mkdir -p "$D"
cp "$DECOYSVC" "$D/decoysvc.exe"
cp "$FAKE_WEVTAPI" "$D/wevtapi.dll"
printf 'file=%s\\events.xml\r\n' "$W" >"$D/wevtapi-fake.txt"
# native-first for decoysvc.exe only, so the fake next to it replaces Wine's stub
wine reg add 'HKCU\Software\Wine\AppDefaults\decoysvc.exe\DllOverrides' /v wevtapi /d native,builtin /f \
    >/dev/null 2>&1

hec_start
echo "-- protect-secret: the HEC token is stored DPAPI-protected and the service reads it"
prot=$(wexe protect-secret <"$HEC_TOKEN_FILE") || fail "protect-secret failed: $(tail -3 "$T/wine.err")"
case $prot in dpapi:?*) ;; *) fail "protect-secret printed '$prot'" ;; esac
! grep -qF "$(head -1 "$HEC_TOKEN_FILE")" <<<"$prot" || fail "protect-secret output contains the token"
rc=0; wine "$W\\decoysvc.exe" protect-secret argv-secret-42 >/dev/null 2>"$T/prot.err" || rc=$?
[ "$rc" = 2 ] && ! grep -q argv-secret-42 "$T/prot.err" || fail "protect-secret with an argument: exit $rc"
printf '%s\n' "$prot" >"$D/hec.token"
cat >"$D/decoysvc.json" <<EOF
{
  "inventory": "inventory.json",
  "state_dir": "state",
  "poll_ms": 50,
  "inputs": [{"type": "eventlog", "channels": ["Security"], "start": "beginning"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "hec.token"}]
}
EOF
python3 - "$D/inventory.json" <<'PY'
import json, sys
json.dump({"version": 1, "decoys": [
    {"name": "Svc-SQL-DB01", "kind": "kerberoast", "sid": "S-1-5-21-4230534742-2542757381-3142984815-1171",
     "spns": ["MSSQLSvc/db01.offsec.lan:1433"]},
    {"name": "svc_backup_legacy", "kind": "kerberoast", "spns": ["MSSQLSvc/db01.corp.example:1433"]}]},
    open(sys.argv[1], "w"))
PY

# The log: the corpus Kerberoast capture (one <Event> per line), else the project's fixture.
corpus=${ADDECOY_CORPUS:-$ADDECOY_SRC/../shared/corpus}/xml/kerberoast-4769-rc4.xml
if [ -f "$corpus" ]; then
    expect_decoy=Svc-SQL-DB01
    python3 - "$corpus" "$D/events.xml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
events = re.findall(r"<Event[ >].*?</Event>", text, re.S)
open(sys.argv[2], "w", encoding="utf-8", newline="\n").write(
    "".join(re.sub(r">\s+<", "><", e).replace("\n", " ") + "\n" for e in events))
PY
else
    echo "SKIP(part): corpus not found at $corpus: using a generated Kerberoast event"
    expect_decoy=svc_backup_legacy
    gen_kerberoast_events 1 1 svc_backup_legacy >"$D/events.xml"
fi

echo "-- hunt by names no ANSI code page holds (UTF-8 argv, UTF-16 file calls): a file, a folder"
udir='Jürgen-Ж-日本'
mkdir -p "$D/$udir"
cp "$D/events.xml" "$D/$udir/Sécurité.xml"
for target in "$W\\$udir\\Sécurité.xml" "$W\\$udir"; do
    rc=0
    LC_ALL=C.UTF-8 wine "$W\\decoysvc.exe" hunt --inventory "$W\\inventory.json" --quiet \
        --summary-file "$W\\$udir\\résumé.txt" "$target" >"$T/hunt.out" 2>>"$T/wine.err" || rc=$?
    tr -d '\r' <"$T/hunt.out" >"$T/hunt.jsonl"
    [ "$rc" = 1 ] || fail "hunt $target: exit $rc (1 = alerts): $(tail -3 "$T/wine.err")"
    grep -q "\"$expect_decoy\"" "$T/hunt.jsonl" || fail "hunt $target: no alert naming $expect_decoy"
    grep -q 'files read *1 of 1' "$D/$udir/résumé.txt" || fail "hunt $target: summary: $(cat "$D/$udir/résumé.txt")"
    rm -f "$D/$udir/résumé.txt"
done

echo "-- decoysvc install (SCM): RUNNING"
wexe install --config "$W\\decoysvc.json" >"$T/install.out" || wfail "install: $(cat "$T/install.out")"
grep -q RUNNING "$T/install.out" || wfail "install did not report RUNNING: $(cat "$T/install.out")"
wexe status >"$T/status.out" || wfail "status after install: $(cat "$T/status.out")"
grep -q 'RUNNING (pid' "$T/status.out" || wfail "status: $(cat "$T/status.out")"

echo "-- the Kerberoast event becomes exactly one kerberoast alert at the HEC receiver"
wait_ids "$HEC_OUT" 1 300 || wfail "no alert delivered"
sleep 1 # let any (wrong) extra alert arrive before counting
[ "$(hec_count "$HEC_OUT" kerberoast)" = 1 ] || wfail "kerberoast alerts: $(hec_count "$HEC_OUT" kerberoast)"
[ "$(wc -l <"$HEC_OUT")" = 1 ] || wfail "alerts: $(wc -l <"$HEC_OUT") (expected exactly 1)"
grep -q "\"$expect_decoy\"" "$HEC_OUT" || wfail "the alert does not name $expect_decoy"

echo "-- reload on SERVICE_CONTROL_PARAMCHANGE"
starts=$(grep -c 'started:' "$D/decoysvc.log" || true)
wexe reload >/dev/null || wfail "reload failed"
for _ in $(seq 100); do
    [ "$(grep -c 'started:' "$D/decoysvc.log" || true)" -gt "$starts" ] && break
    sleep 0.1
done
grep -q 'reloading' "$D/decoysvc.log" || wfail "no reload in the service log"
[ "$(grep -c 'started:' "$D/decoysvc.log")" -gt "$starts" ] || wfail "the service did not restart its pipeline"

echo "-- stop, events while stopped, restart mid-stream: nothing lost, nothing repeated"
wexe stop >"$T/stop.out" || wfail "stop: $(cat "$T/stop.out")"
grep -q STOPPED "$T/stop.out" || wfail "stop: $(cat "$T/stop.out")"
gen_kerberoast_events 300 900000 svc_backup_legacy >>"$D/events.xml"
wexe start >/dev/null || wfail "start after stop"
wait_ids "$HEC_OUT" 20 600 || wfail "no progress after restart"
wexe stop >/dev/null || wfail "stop mid-stream"
wexe start >/dev/null || wfail "start mid-stream"
wait_ids "$HEC_OUT" 301 1200 || wfail "delivered $(hec_unique_ids "$HEC_OUT") of 301 alerts"
sleep 1
[ "$(hec_unique_ids "$HEC_OUT")" = 301 ] || wfail "distinct alerts: $(hec_unique_ids "$HEC_OUT")"
[ "$(wc -l <"$HEC_OUT")" = 301 ] || wfail "deliveries: $(wc -l <"$HEC_OUT") for 301 alerts (re-alerted)"

echo "-- uninstall: service gone, configuration and state kept"
wexe uninstall >"$T/uninstall.out" || wfail "uninstall: $(cat "$T/uninstall.out")"
set +e
wexe status >"$T/status.out"
rc=$?
set -e
[ "$rc" = 4 ] || fail "status after uninstall: exit $rc: $(cat "$T/status.out")"
[ -f "$D/decoysvc.json" ] && [ -d "$D/state" ] || fail "uninstall removed the configuration or the state"
echo "PASS"
