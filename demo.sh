#!/usr/bin/env bash
# ADDecoy live demo (Debian 12, as root): installs what is missing, builds, provisions a throwaway
# Samba AD DC on loopback, plants a Kerberoasting decoy with adseed, starts decoysvc on the DC's
# logs with a local Splunk HEC receiver, Kerberoasts the decoy as an ordinary user, and shows the
# alert as the SOC would see it, with the detection latency. Everything is torn down at the end
# (also on Ctrl-C). Nothing outside a temp dir and /var/cache/addecoy is touched.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing what is missing"
tests/lib/install-deps.sh --demo

step "Building (release)"
cmake --preset release >/dev/null
cmake --build --preset release 2>&1 | grep -E 'error|warning|Built target (decoysvc|adseed_cli)' || true
DECOYSVC=$ROOT/build/release/svc/decoysvc
ADSEED=$ROOT/build/release/adseed/adseed
[ -x "$DECOYSVC" ] && [ -x "$ADSEED" ] || { echo "demo: build failed" >&2; exit 1; }

WORK=$(mktemp -d /tmp/addecoy-demo.XXXXXX)
HEC_PID=
SVC_PID=
cleanup() {
    set +e
    [ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null && wait "$SVC_PID" 2>/dev/null
    [ -n "$HEC_PID" ] && kill "$HEC_PID" 2>/dev/null && wait "$HEC_PID" 2>/dev/null
    declare -F samba_dc_stop >/dev/null && samba_dc_stop
    rm -rf "$WORK"
    echo "demo: cleaned up"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Starting a throwaway Samba AD DC (realm DECOY.TEST) on 127.0.0.1"
# shellcheck source=tests/lib/samba_dc.sh
. tests/lib/samba_dc.sh
samba_dc_start
echo "LDAPS: $SAMBA_URI_LDAPS   KDC: 127.0.0.1:88   logs: $SAMBA_KDC_LOG, $SAMBA_AUTH_LOG"

step "Planting the decoy svc_backup_legacy with adseed"
export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
"$ADSEED" create svc_backup_legacy --uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER" --ca-file "$LDAPTLS_CACERT" \
    --inventory "$WORK/inventory.json" --kind kerberoast \
    --spn MSSQLSvc/db01.decoy.test:1433 \
    --memo "Kerberoast bait planted by the ADDecoy demo: nobody has any reason to ask for this ticket" \
    --location "CN=Users (demo domain)" --owner "SOC demo" \
    --runbook "Treat the requesting account as compromised: reset it, isolate its host, hunt for other RC4 4769s"
unset ADSEED_BIND_PASSWORD

step "Starting a Splunk HEC receiver and decoysvc"
HEC_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$HEC_TOKEN" >"$WORK/hec.token"
chmod 600 "$WORK/hec.token"
python3 tests/lib/hec_receiver.py --token-file "$WORK/hec.token" --port-file "$WORK/hec.port" \
    --out "$WORK/hec.jsonl" >"$WORK/hec.log" 2>&1 &
HEC_PID=$!
for _ in $(seq 100); do [ -s "$WORK/hec.port" ] && break; sleep 0.05; done
HEC_PORT=$(cat "$WORK/hec.port")
cat >"$WORK/decoysvc.json" <<EOF
{
  "inventory": "inventory.json",
  "state_dir": "state",
  "poll_ms": 50,
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "kdc_log": "$SAMBA_KDC_LOG"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "hec.token"},
            {"type": "file", "path": "alerts.jsonl"}]
}
EOF
"$DECOYSVC" check --config "$WORK/decoysvc.json" --no-send
"$DECOYSVC" run --config "$WORK/decoysvc.json" 2>"$WORK/decoysvc.log" &
SVC_PID=$!
sleep 1

step "Attacker: an ordinary user (alice) Kerberoasts the decoy"
samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD"
T0=$(date +%s%N)
kvno MSSQLSvc/db01.decoy.test:1433@DECOY.TEST
klist -e 2>/dev/null | grep -A1 MSSQLSvc | sed 's/^/   /' || true

step "Waiting for the alert at the SOC's Splunk"
for _ in $(seq 200); do
    grep -q '"kerberoast"' "$WORK/hec.jsonl" 2>/dev/null && break
    sleep 0.05
done
T1=$(date +%s%N)
if ! grep -q '"kerberoast"' "$WORK/hec.jsonl" 2>/dev/null; then
    echo "demo: no alert arrived; decoysvc said:" >&2
    cat "$WORK/decoysvc.log" >&2
    exit 1
fi
python3 - "$WORK/hec.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    env = json.loads(line)
    a = env.get("event", env)
    if a.get("action") != "kerberoast":
        continue
    k = a.get("kerberos", {})
    enc = k.get("ticket_encryption", {})
    print("\n  \033[1;31m%s  %s\033[0m" % (a["severity"].upper(), a["summary"]))
    rows = [("decoy", a["decoy"]["name"]), ("requested by", "%s (%s)" % (a.get("user", {}).get("name"), a.get("user", {}).get("domain"))),
            ("from", a.get("source", {}).get("ip")), ("ticket", "%s%s" % (enc.get("name"), "  <- roasting tool" if enc.get("rc4") else "")),
            ("technique", "%s %s" % (a["threat"]["technique"]["id"], a["threat"]["technique"]["name"])),
            ("logged by", a.get("host", {}).get("name")), ("memo", a["decoy"].get("memo")), ("runbook", a["decoy"].get("runbook")),
            ("alert id", a["id"])]
    for k_, v in rows:
        print("  %-13s %s" % (k_, v))
    print("\n  full document (as delivered to Splunk HEC):")
    print("  " + json.dumps(env, indent=2).replace("\n", "\n  "))
    break
PY
echo
echo "latency (kvno issued -> alert accepted by the HEC receiver): $(( (T1 - T0) / 1000000 )) ms"
step "Done: tearing down"
