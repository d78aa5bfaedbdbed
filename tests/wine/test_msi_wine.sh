#!/usr/bin/env bash
# test_msi_wine.sh - the MSI under Wine's msiexec: a silent install with HEC_URL/HEC_TOKEN starts the
# service, which writes its configuration from those settings (and removes them from the
# registry); fed the corpus Kerberoast event through the test-only fake wevtapi.dll it delivers one
# kerberoast alert to the HEC receiver; /x stops and removes the service and the program files and
# keeps the operator's configuration in %ProgramData%. Needs ADDECOY_MSI, FAKE_WEVTAPI, ADDECOY_SRC.
set -euo pipefail
: "${ADDECOY_MSI:?}" "${FAKE_WEVTAPI:?}" "${ADDECOY_SRC:?}"
command -v wine >/dev/null || { echo "SKIP: wine is not installed"; exit 77; }
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init

# a fresh prefix each run (~15 s): installer state from an earlier run must not leak in
export WINEPREFIX=${ADDECOY_WINE_MSI_PREFIX:-$T/wineprefix}
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
PF="$WINEPREFIX/drive_c/Program Files/ADDecoy"
PD="$WINEPREFIX/drive_c/ProgramData/ADDecoy"
msi_w=$(winepath -w "$ADDECOY_MSI" 2>/dev/null)
uninstall() { wine msiexec /x "$msi_w" /qn >/dev/null 2>&1 || true; wine sc delete ADDecoy >/dev/null 2>&1 || true; }
wfail() { echo "service: $(wine sc query ADDecoy 2>/dev/null | tr -d '\r' | grep STATE)"; [ -f "$PD/decoysvc.log" ] && { echo "--- decoysvc.log"; tail -20 "$PD/decoysvc.log"; }; uninstall; fail "$*"; }

echo "-- creating Wine prefix $WINEPREFIX"
mkdir -p "$WINEPREFIX"
wineboot -i >/dev/null 2>&1 </dev/null && wineserver -w
wineserver -p60 >/dev/null 2>&1 </dev/null || true
wine cmd /c exit >/dev/null 2>&1 </dev/null || true
trap 'uninstall; wineserver -k 2>/dev/null; harness_cleanup' EXIT

# Wine's Event Log API is a stub: the fake (test only, not in the MSI) waits in the install dir.
mkdir -p "$PF"
cp "$FAKE_WEVTAPI" "$PF/wevtapi.dll"
printf 'file=C:\\addecoy-msi-events.xml\r\n' >"$PF/wevtapi-fake.txt"
: >"$WINEPREFIX/drive_c/addecoy-msi-events.xml"
wine reg add 'HKCU\Software\Wine\AppDefaults\decoysvc.exe\DllOverrides' /v wevtapi /d native,builtin /f \
    >/dev/null 2>&1

hec_start
echo "-- msiexec /i /qn HEC_URL=... HEC_TOKEN=..."
wine msiexec /i "$msi_w" /qn HEC_URL="http://127.0.0.1:$HEC_PORT" HEC_TOKEN="$(cat "$HEC_TOKEN_FILE")" \
    >/dev/null 2>&1 || wfail "msiexec /i failed"
[ -f "$PF/decoysvc.exe" ] && [ -f "$PF/adseed.exe" ] || wfail "program files missing"
[ -f "$PF/conf/inventory.example.json" ] || wfail "example inventory missing"
for _ in $(seq 100); do wine sc query ADDecoy 2>/dev/null | grep -q RUNNING && break; sleep 0.1; done
wine sc query ADDecoy 2>/dev/null | tr -d '\r' | grep -q RUNNING || wfail "service not RUNNING after install"

echo "-- first start: configuration from the installer's settings, secrets out of the registry"
wait_file "$PD/decoysvc.json" 100 || wfail "no configuration written"
grep -q "127.0.0.1:$HEC_PORT" "$PD/decoysvc.json" || wfail "HEC_URL not in the configuration"
cmp -s "$PD/hec.token" "$HEC_TOKEN_FILE" || wfail "HEC_TOKEN not in hec.token"
grep -q "$(cat "$HEC_TOKEN_FILE")" "$PD/decoysvc.json" && wfail "the token is in the JSON itself"
if wine reg query 'HKLM\SOFTWARE\ADDecoy' /v HecToken 2>/dev/null | grep -q HecToken; then
    wfail "HecToken is still in the registry"
fi

echo "-- the corpus Kerberoast event (or a generated one) -> one kerberoast alert"
python3 - "$PD/inventory.json" <<'PY'
import json, sys
json.dump({"version": 1, "decoys": [
    {"name": "Svc-SQL-DB01", "kind": "kerberoast", "sid": "S-1-5-21-4230534742-2542757381-3142984815-1171"},
    {"name": "svc_backup_legacy", "kind": "kerberoast"}]}, open(sys.argv[1], "w"))
PY
sleep 2 # the inventory is reloaded when its file changes (checked every poll)
corpus=${ADDECOY_CORPUS:-$ADDECOY_SRC/../shared/corpus}/xml/kerberoast-4769-rc4.xml
if [ -f "$corpus" ]; then
    python3 - "$corpus" "$WINEPREFIX/drive_c/addecoy-msi-events.xml" <<'PY'
import re, sys
events = re.findall(r"<Event[ >].*?</Event>", open(sys.argv[1], encoding="utf-8").read(), re.S)
with open(sys.argv[2], "a", encoding="utf-8", newline="\n") as f:
    f.write("".join(re.sub(r">\s+<", "><", e).replace("\n", " ") + "\n" for e in events))
PY
else
    echo "SKIP(part): corpus absent: generated Kerberoast event"
    gen_kerberoast_events 1 1 svc_backup_legacy >>"$WINEPREFIX/drive_c/addecoy-msi-events.xml"
fi
wait_ids "$HEC_OUT" 1 300 || wfail "no alert delivered"
sleep 1
[ "$(hec_count "$HEC_OUT" kerberoast)" = 1 ] && [ "$(wc -l <"$HEC_OUT")" = 1 ] ||
    wfail "expected exactly one kerberoast alert, got: $(cat "$HEC_OUT")"

echo "-- msiexec /x: service and program files removed, %ProgramData%\\ADDecoy kept"
# Windows Installer's StopServices waits for the service to stop before RemoveFiles; Wine 8's
# msiexec sends the stop but does not wait, so the exe may still be in use (then deleted only at
# reboot). Do the wait it skips: stop the service and let the process end, then uninstall.
wine sc stop ADDecoy >/dev/null 2>&1 || true
for _ in $(seq 100); do
    wine sc query ADDecoy 2>/dev/null | tr -d '\r' | grep -q STOPPED && ! pgrep -f 'decoysvc.exe service' >/dev/null && break
    sleep 0.1
done
wine msiexec /x "$msi_w" /qn >/dev/null 2>&1 || wfail "msiexec /x failed"
wine sc query ADDecoy 2>/dev/null | tr -d '\r' | grep -q 'RUNNING\|STOPPED' && wfail "service still registered"
# the service process may still be exiting when msiexec returns: give the removal a moment
for _ in $(seq 100); do [ -f "$PF/decoysvc.exe" ] || break; sleep 0.1; done
[ ! -f "$PF/decoysvc.exe" ] || wfail "decoysvc.exe not removed"
[ -f "$PD/decoysvc.json" ] && [ -f "$PD/inventory.json" ] && [ -d "$PD/state" ] ||
    wfail "uninstall removed the operator's configuration or state"
echo "PASS"
