#!/bin/bash
# test_adseed_kerberoast.sh - the issue's "done when" against a fresh Samba AD DC on loopback:
# create a kerberoast decoy (LDAPS simple bind), read every attribute back with ldapsearch, the
# inventory holds SID and GUID, alice's kvno/adseed trip gets an RC4 ticket, verify is clean, then
# tampering (Domain Admins, logonHours, SPN removed) is reported, then remove retires it.
set -u
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
samba_dc_start || { echo "FAIL: could not start the DC"; exit 1; }
trap samba_dc_stop EXIT
. "$ADDECOY_SRC/tests/lib/adseed_test.sh"

INV=$SAMBA_DIR/inventory.json
export ADSEED_URI=$SAMBA_URI_LDAPS ADSEED_USER=$SAMBA_ADMIN_USER ADSEED_INVENTORY=$INV
export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
D=svc_backup_legacy
SPN=MSSQLSvc/backup-legacy.decoy.test:1433

run_ok "create kerberoast" "$ADSEED" create $D --kind kerberoast --memo "Bait for roasting" \
    --location "HQ DC" --owner "soc@decoy.test" --ca-file "$LDAPTLS_CACERT"
expect_in "$OUT" "created kerberoast decoy CN=$D,CN=Users,DC=decoy,DC=test" "create output"
expect_not_in "$OUT" "password" "password not printed by default"

# every attribute, read back over LDAP by an independent client
ATTRS=$(adm_search "(sAMAccountName=$D)" userAccountControl servicePrincipalName logonHours \
    userWorkstations primaryGroupID description displayName userPrincipalName memberOf \
    msDS-SupportedEncryptionTypes objectSid objectGUID)
expect_in "$ATTRS" "userAccountControl: 66048" "UAC NORMAL_ACCOUNT|DONT_EXPIRE_PASSWD"
expect_in "$ATTRS" "servicePrincipalName: $SPN" "default SPN"
expect_in "$ATTRS" "logonHours:: AAAAAAAAAAAAAAAAAAAAAAAAAAAA" "logonHours 21 zero bytes"
expect_in "$ATTRS" "primaryGroupID: 514" "primary group Domain Guests"
expect_in "$ATTRS" "userWorkstations: BACKUP-LEG-DR01" "non-existent workstation"
expect_in "$ATTRS" "description: Legacy backup service (do not use)" "default description"
expect_in "$ATTRS" "userPrincipalName: $D@decoy.test" "UPN"
expect_not_in "$ATTRS" "msDS-SupportedEncryptionTypes" "encryption types left unset"
expect_not_in "$(adm_search '(cn=Domain Users)' member)" "$D" "not in Domain Users"

# the inventory holds what the directory says
SID=$(printf '%s\n' "$ATTRS" | sed -n 's/^objectSid:: //p' | head -1)
expect_in "$(cat "$INV")" "\"name\": \"$D\"" "inventory has the decoy"
if python3 - "$INV" "$D" "$SID" <<'PY'

import json, sys, base64, struct
inv = json.load(open(sys.argv[1])); d = [x for x in inv["decoys"] if x["name"] == sys.argv[2]][0]
b = base64.b64decode(sys.argv[3]); n = b[1]
sid = "S-1-%d-" % int.from_bytes(b[2:8], "big") + "-".join(str(x) for x in struct.unpack("<%dI" % n, b[8:8+4*n]))
assert d["sid"] == sid, (d["sid"], sid)
assert len(d["guid"]) == 36 and d["memo"] == "Bait for roasting" and d["location"] == "HQ DC"
assert d["owner"] == "soc@decoy.test" and d["created"].endswith("Z") and d["created_by"]
assert d["kind"] == "kerberoast" and d["spns"] == ["MSSQLSvc/backup-legacy.decoy.test:1433"]
PY
then pass "inventory SID matches objectSid, GUID/memo/location/owner/created recorded"
else fail "inventory SID/GUID/memo/location/owner/created"; fi
GUID=$(python3 -c "import json,sys;print([x for x in json.load(open(sys.argv[1]))['decoys']][0]['guid'])" "$INV")
expect_in "$(adm_search "(objectGUID=$(guid_filter "$GUID"))" sAMAccountName)" "sAMAccountName: $D" \
    "inventory GUID names the account"

# re-running create is idempotent
run_ok "create again" "$ADSEED" create $D
expect_in "$OUT" "left unchanged" "second create reports the existing decoy"

# alice roasts it: RC4 ticket
samba_dc_kinit "alice@$SAMBA_REALM" "$SAMBA_ALICE_PASSWORD" || fail "kinit alice"
run_ok "adseed trip" "$ADSEED" trip $D
expect_in "$OUT" "ticket encryption arcfour-hmac" "KDC chose RC4 for the default decoy"
expect_in "$(klist -e)" "$SPN@$SAMBA_REALM" "ticket in alice's cache"
expect_in "$(cat "$SAMBA_KDC_LOG")" "TGS-REQ alice@$SAMBA_REALM" "KDC logged the TGS-REQ"

# verify clean
run_ok "verify clean" "$ADSEED" verify
expect_in "$OUT" "$D: ok" "verify reports ok"

# tamper 1: Domain Admins
adm_modify <<EOF2
dn: CN=Domain Admins,CN=Users,DC=decoy,DC=test
changetype: modify
add: member
member: CN=$D,CN=Users,DC=decoy,DC=test
EOF2
run_rc 1 "verify after Domain Admins" "$ADSEED" verify
expect_in "$OUT" "$D: UNSAFE member of privileged group Domain Admins (direct member)" "names the group"
adm_modify <<EOF2
dn: CN=Domain Admins,CN=Users,DC=decoy,DC=test
changetype: modify
delete: member
member: CN=$D,CN=Users,DC=decoy,DC=test
EOF2

# tamper 1b: nested via a group inside Domain Admins
adm_modify <<EOF2
dn: CN=Backup Ops Legacy,CN=Users,DC=decoy,DC=test
changetype: add
objectClass: group
sAMAccountName: backup_ops_legacy
member: CN=$D,CN=Users,DC=decoy,DC=test

dn: CN=Domain Admins,CN=Users,DC=decoy,DC=test
changetype: modify
add: member
member: CN=Backup Ops Legacy,CN=Users,DC=decoy,DC=test
EOF2
run_rc 1 "verify after nested Domain Admins" "$ADSEED" verify
expect_in "$OUT" "UNSAFE member of privileged group Domain Admins (nested membership)" "nested via tokenGroups"
adm_modify <<EOF2
dn: CN=Backup Ops Legacy,CN=Users,DC=decoy,DC=test
changetype: delete
EOF2

# tamper 2: logonHours opened, tamper 3: SPN removed
adm_modify <<EOF2
dn: CN=$D,CN=Users,DC=decoy,DC=test
changetype: modify
replace: logonHours
logonHours:: ////////////////////////////
-
delete: servicePrincipalName
EOF2
run_rc 1 "verify after logonHours+SPN" "$ADSEED" verify
expect_in "$OUT" "$D: UNSAFE logonHours allow logons" "logonHours reported"
expect_in "$OUT" "$D: DRIFT SPN $SPN is missing" "SPN removal reported"
expect_not_in "$OUT" "Domain Admins" "membership reverted"

# an inventory GUID that no longer matches (account re-created behind our back) is drift, and
# remove refuses to delete an account that is not the one adseed created
cp "$INV" "$INV.bak"
sed -i "s/$GUID/00000000-1111-2222-3333-444444444444/" "$INV"
run_rc 1 "verify with a foreign GUID" "$ADSEED" verify
expect_in "$OUT" "$D: DRIFT objectGUID $GUID differs from the inventory" "GUID mismatch reported"
run_rc 1 "remove refuses a foreign account" "$ADSEED" remove $D
expect_in "$OUT" "refusing to delete it" "remove checks the GUID"
mv "$INV.bak" "$INV"

# remove: deleted from the directory, retired in the inventory
run_ok "remove" "$ADSEED" remove $D
expect_not_in "$(adm_search "(sAMAccountName=$D)" dn)" "dn:" "account deleted"
if python3 -c "import json,sys;d=json.load(open(sys.argv[1]))['decoys'][0];assert d['retired'].endswith('Z')" "$INV"
then pass "inventory keeps the retired record"; else fail "inventory keeps a retired record"; fi
run_ok "verify skips retired" "$ADSEED" verify
finish
