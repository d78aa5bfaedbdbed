#!/usr/bin/env bash
# Tampering with a decoy on a real Samba AD DC (issue 12, part 5): adseed plants a decoy, decoysvc
# follows the DC's directory change audit log (dsdb_json_audit, dsdb_password_json_audit and
# dsdb_group_json_audit, smb.conf set by tests/lib/samba_dc.sh) and its auth log, and delivers to
# the HEC receiver. Each change an intruder makes to the decoy raises exactly one alert:
#  (a) its description changed             -> tampering (description=...)
#  (b) its password reset                  -> decoy_password_reset
#  (c) it is added to Backup Operators     -> decoy_group_added
#  (d) it is disabled                      -> decoy_disabled
#  (e) the same changes to another account -> nothing
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
samba_dc_start

export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
"$ADSEED" create svc_tamper_live --kind plain --memo "live tamper decoy" --uri "$SAMBA_URI_LDAPS" \
    --user "$SAMBA_ADMIN_USER" --ca-file "$LDAPTLS_CACERT" --inventory "$T/inventory.json" \
    >"$T/adseed.out" 2>&1 || fail "adseed create: $(cat "$T/adseed.out")"
unset ADSEED_BIND_PASSWORD
DN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decoys"][0]["dn"])' "$T/inventory.json")
[ -n "$DN" ] || fail "the inventory has no DN for the decoy"

hec_start
cat >"$T/cfg.json" <<EOF2
{
  "inventory": "$T/inventory.json",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "dsdb_log": "$SAMBA_DSDB_LOG"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]
}
EOF2
svc_start "$T/cfg.json"
sleep 1

ldapmod() { ldapmodify -H "$SAMBA_URI_LDAPS" -x -D "$SAMBA_ADMIN_USER" -y <(printf '%s' "$SAMBA_ADMIN_PASSWORD") >/dev/null; }
st() { /usr/bin/python3 /usr/bin/samba-tool "$@" -H ldap://127.0.0.1 -U "Administrator%$SAMBA_ADMIN_PASSWORD" \
    -W DECOY --use-kerberos=off >>"$T/samba-tool.out" 2>&1; }

echo "-- (e) the same changes to alice (not a decoy): no alert"
printf 'dn: CN=alice,CN=Users,%s\nchangetype: modify\nreplace: description\ndescription: not a decoy\n' \
    "$SAMBA_DOMAIN_DN" | ldapmod || fail "(e) ldapmodify alice"
st group addmembers "Backup Operators" alice || fail "(e) $(tail -3 "$T/samba-tool.out")"

echo "-- (a) the decoy's description changed"
printf 'dn: %s\nchangetype: modify\nreplace: description\ndescription: changed by the intruder\n' "$DN" | ldapmod ||
    fail "(a) ldapmodify"
hec_wait_action tampering 1 || fail "(a) no tampering alert"

echo "-- (b) the decoy's password reset"
st user setpassword svc_tamper_live --newpassword="Reset-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')!" ||
    fail "(b) $(tail -3 "$T/samba-tool.out")"
hec_wait_action decoy_password_reset 1 || fail "(b) no decoy_password_reset alert"

echo "-- (c) the decoy added to Backup Operators"
st group addmembers "Backup Operators" svc_tamper_live || fail "(c) $(tail -3 "$T/samba-tool.out")"
hec_wait_action decoy_group_added 1 || fail "(c) no decoy_group_added alert"

echo "-- (d) the decoy disabled"
st user disable svc_tamper_live || fail "(d) $(tail -3 "$T/samba-tool.out")"
hec_wait_action decoy_disabled 1 || fail "(d) no decoy_disabled alert"
sleep 1 # let anything extra (a duplicate, a stray alert) arrive before counting
svc_stop

python3 - "$HEC_OUT" <<'PY' || fail "alert content"
import collections, json, sys
alerts = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
by = collections.Counter((a["action"], a.get("decoy", {}).get("name")) for a in alerts)
want = {("tampering", "svc_tamper_live"): 1, ("decoy_password_reset", "svc_tamper_live"): 1,
        ("decoy_group_added", "svc_tamper_live"): 1, ("decoy_disabled", "svc_tamper_live"): 1}
assert dict(by) == want, "alerts %s, want %s" % (dict(by), want)
a = {x["action"]: x for x in alerts}
assert a["tampering"]["directory"]["properties"] == "description=changed by the intruder", a["tampering"]
assert a["decoy_group_added"]["object"]["name"] == "Backup Operators", a["decoy_group_added"]
assert a["decoy_group_added"]["threat"]["technique"]["id"] == "T1098.007"
assert a["decoy_disabled"]["threat"]["technique"]["id"] == "T1531"
assert a["decoy_password_reset"]["severity"] == "critical"
for x in alerts:
    assert x["user"]["id"].endswith("-500"), x["user"]       # the Administrator's SID
    assert x["source"]["ip"] == "127.0.0.1" and x["host"]["name"] == "dc1.decoy.test", x
    assert x["decoy"]["matched_by"] == "dn", x["decoy"]
print("live tamper alerts:", dict(by))
PY
echo "PASS: tampering with a decoy on a Samba AD DC"
