#!/usr/bin/env bash
# check-msi.sh - checks the tables of the built MSI with msiinfo (ctest: installer.msi_tables):
# the service (auto start, LocalSystem, started at install, stopped and removed at uninstall),
# the event log source, the silent-install settings, the files and the major-upgrade entry.
set -u
msi=${1:?usage: check-msi.sh ADDecoy.msi}
fail=0
[ -f "$msi" ] || { echo "FAIL: $msi does not exist"; exit 1; }
tables=$(msiinfo tables "$msi") || { echo "FAIL: msiinfo cannot read $msi"; exit 1; }

# expect <table> <description> <extended regex matched against one exported row>
expect() {
    local rows
    rows=$(msiinfo export "$msi" "$1" 2>/dev/null | tail -n +4)
    if grep -Eq -- "$3" <<<"$rows"; then
        echo "ok:   $1: $2"
    else
        echo "FAIL: $1: $2 (no row matches /$3/)"; echo "$rows" | sed 's/^/      /'
        fail=1
    fi
}
for t in ServiceInstall ServiceControl Registry File Component Upgrade CreateFolder; do
    grep -qx "$t" <<<"$tables" || { echo "FAIL: table $t missing"; fail=1; }
done
T=$'\t'
# ServiceInstall: Name, DisplayName, ServiceType 16 (own process), StartType 2 (auto), ErrorControl 1
expect ServiceInstall "ADDecoy, own process, automatic start, normal errors" "${T}ADDecoy${T}ADDecoy decoy account monitor${T}16${T}2${T}1${T}"
expect ServiceInstall "runs as LocalSystem with the 'service' argument" "${T}LocalSystem${T}.*${T}service${T}"
# ServiceControl Event: 1 start at install + 2|32 stop at install and uninstall + 128 delete at uninstall = 163
expect ServiceControl "started at install, stopped and deleted at uninstall" "${T}ADDecoy${T}163${T}"
expect Registry "event source message file" "SYSTEM\\\\CurrentControlSet\\\\Services\\\\EventLog\\\\Application\\\\ADDecoy${T}EventMessageFile${T}\[INSTALLDIR\]decoysvc.exe"
expect Registry "event source types" "EventLog\\\\Application\\\\ADDecoy${T}TypesSupported${T}#7"
expect Registry "HEC_URL -> HKLM\\SOFTWARE\\ADDecoy HecUrl" "SOFTWARE\\\\ADDecoy${T}HecUrl${T}\[HEC_URL\]"
expect Registry "HEC_TOKEN -> HecToken" "SOFTWARE\\\\ADDecoy${T}HecToken${T}\[HEC_TOKEN\]"
expect Registry "WEBHOOK_URL -> WebhookUrl" "SOFTWARE\\\\ADDecoy${T}WebhookUrl${T}\[WEBHOOK_URL\]"
expect File "decoysvc.exe" "${T}decoysvc.exe${T}"
expect File "adseed.exe" "${T}adseed.exe${T}"
expect File "example inventory" "inventory.example.json"
if [ -n "${ADDECOY_SRC:-}" ] && [ ! -f "$ADDECOY_SRC/conf/decoysvc.example.json" ]; then
    echo "note: conf/decoysvc.example.json absent from the tree: not expected in the MSI"
else
    expect File "example configuration" "decoysvc.example.json"
fi
expect File "docs" "\.md${T}"
expect Upgrade "major upgrade of older versions" "^\{6F1C2B0E-4D7A-4E52-9A3B-5C8D0E1F2A3B\}"
expect Property "hidden secret properties" "^MsiHiddenProperties${T}.*HEC_TOKEN"
exit $fail
