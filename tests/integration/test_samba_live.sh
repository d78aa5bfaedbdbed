#!/usr/bin/env bash
# Live detection on a real Samba AD DC (issue 5): adseed plants a kerberoast and an asrep decoy,
# decoysvc follows the DC's KDC and auth logs and delivers to the HEC receiver and a signed webhook.
#  (a) alice kinit + kvno of the decoy SPN  -> exactly one kerberoast alert, RC4-HMAC, alice, 127.0.0.1
#  (b) kinit as the decoy, wrong password   -> one password_guess alert
#  (c) AS-REP roast of the asrep decoy      -> one asrep_roast alert
#  (d) alice's own kinit, non-decoy SPN     -> no alert
#  (e) decoysvc restarted between events    -> nothing lost, nothing re-alerted
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
SAMBA_DC_ALLOW_ASREP=1 samba_dc_start
samba_dc_allow_asrep || fail "could not allow AS-REP roasting on the test DC"

export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
adseed() { "$ADSEED" "$@" --uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER" --ca-file "$LDAPTLS_CACERT" \
    --inventory "$T/inventory.json"; }
adseed create svc_sql_roast --kind kerberoast --spn MSSQLSvc/sqlroast.decoy.test:1433 --memo "live test kerberoast decoy" \
    >"$T/adseed.out" 2>&1 || fail "adseed create kerberoast: $(cat "$T/adseed.out")"
adseed create adm_asrep_old --kind asrep --memo "live test asrep decoy" \
    >>"$T/adseed.out" 2>&1 || fail "adseed create asrep: $(cat "$T/adseed.out")"
unset ADSEED_BIND_PASSWORD

hec_start
webhook_start
cat >"$T/cfg.json" <<EOF
{
  "inventory": "$T/inventory.json",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "kdc_log": "$SAMBA_KDC_LOG"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"},
            {"type": "webhook", "url": "http://127.0.0.1:$WEBHOOK_PORT/hook", "secret_file": "$T/webhook.secret"}]
}
EOF
svc_start "$T/cfg.json"
sleep 1

echo "-- (d) alice's own logon and a ticket for a non-decoy SPN: no alert"
samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD"
kvno "ldap/dc1.decoy.test@DECOY.TEST" >/dev/null 2>&1 || kvno "krbtgt/DECOY.TEST@DECOY.TEST" >/dev/null

echo "-- (a) Kerberoast: alice asks for the decoy's service ticket"
kvno "MSSQLSvc/sqlroast.decoy.test:1433@DECOY.TEST" >"$T/kvno.out" 2>&1 || fail "kvno: $(cat "$T/kvno.out")"
hec_wait_action kerberoast 1 || fail "(a) no kerberoast alert"

echo "-- (e) restart decoysvc between events"
svc_stop
svc_start "$T/cfg.json"

echo "-- (b) password guess: kinit as the decoy with a wrong password"
printf 'not-the-password\n' | kinit svc_sql_roast >/dev/null 2>&1 && fail "(b) a wrong password was accepted"
hec_wait_action password_guess 1 || fail "(b) no password_guess alert"

svc_kill9                 # (e) again, the hard way, before the next event
echo "-- (c) AS-REP roast: a TGT request without pre-authentication for the asrep decoy"
python3 "$ADDECOY_SRC/tests/fixtures/samba/asreq_nopreauth.py" adm_asrep_old DECOY.TEST 127.0.0.1 >"$T/roast.out" 2>&1 ||
    fail "(c) the KDC refused the AS-REP roast: $(cat "$T/roast.out")"
svc_start "$T/cfg.json"
hec_wait_action asrep_roast 1 || fail "(c) no asrep_roast alert"
sleep 1                   # let anything extra (a duplicate, a stray alert) arrive before counting
svc_stop

python3 - "$HEC_OUT" "$WEBHOOK_OUT" <<'PY' || fail "alert content"
import collections, json, sys
alerts = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
by = collections.Counter((a["action"], a["decoy"]["name"]) for a in alerts)
want = {("kerberoast", "svc_sql_roast"): 1, ("password_guess", "svc_sql_roast"): 1, ("asrep_roast", "adm_asrep_old"): 1}
assert dict(by) == want, "alerts %s, want %s" % (dict(by), want)
k = [a for a in alerts if a["action"] == "kerberoast"][0]
assert k["kerberos"]["ticket_encryption"]["name"] == "RC4-HMAC" and k["kerberos"]["ticket_encryption"]["rc4"], k["kerberos"]
assert k["user"]["name"].lower().startswith("alice"), k["user"]
assert k["source"]["ip"] == "127.0.0.1", k["source"]
assert k["threat"]["technique"]["id"] == "T1558.003" and k["host"]["name"] == "dc1.decoy.test"
hooks = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert sorted(h["body"]["id"] for h in hooks) == sorted(a["id"] for a in alerts), "webhook and HEC disagree"
assert all(h["webhook-id"] == h["body"]["id"] for h in hooks)
print("live alerts:", dict(by))
PY
echo "PASS: live detection on a Samba AD DC"
