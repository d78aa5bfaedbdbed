#!/bin/bash
# test_adseed_binds.sh - adseed against a fresh Samba AD DC: every decoy kind read back over LDAP;
# simple bind over LDAPS and StartTLS, GSSAPI and GSS-SPNEGO binds; --audit-reads SACL; bulk CSV
# twice (idempotent); list/export/suggest; and the precise errors: wrong password, unreachable
# server, TLS failure, plain-LDAP password attempt, no such OU, existing account, insufficient rights.
set -u
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
samba_dc_start || { echo "FAIL: could not start the DC"; exit 1; }
trap samba_dc_stop EXIT
. "$ADDECOY_SRC/tests/lib/adseed_test.sh"

INV=$SAMBA_DIR/inventory.json
export ADSEED_INVENTORY=$INV ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
LDAPS=(--uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER")
STARTTLS=(--uri "$SAMBA_URI_LDAP" --starttls --user "$SAMBA_ADMIN_USER")
GSSAPI=(--uri ldap://127.0.0.1 --bind gssapi)
SPNEGO=(--uri ldap://127.0.0.1 --bind spnego)

# --- kinds, one bind method each ------------------------------------------------------------------
run_ok "asrep over StartTLS" "$ADSEED" create svc_asrep_old --kind asrep "${STARTTLS[@]}"
A=$(adm_search "(sAMAccountName=svc_asrep_old)" userAccountControl logonHours servicePrincipalName primaryGroupID)
expect_in "$A" "userAccountControl: 4260352" "asrep: DONT_REQ_PREAUTH|NORMAL|DONT_EXPIRE"
expect_not_in "$A" "logonHours" "asrep keeps logon hours open"
expect_not_in "$A" "servicePrincipalName" "asrep has no default SPN"
expect_in "$A" "primaryGroupID: 514" "asrep primary group Domain Guests"

samba_dc_kinit "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASSWORD" || fail "kinit Administrator"
run_ok "recon over GSSAPI with --audit-reads" "$ADSEED" create sql-recon-audit --kind recon \
    --audit-reads "${GSSAPI[@]}"
R=$(adm_search "(sAMAccountName=sql-recon-audit)" userAccountControl logonHours userWorkstations)
expect_in "$R" "userAccountControl: 66048" "recon UAC"
expect_in "$R" "logonHours:: AAAAAAAAAAAAAAAAAAAAAAAAAAAA" "recon logonHours zero"
expect_in "$R" "userWorkstations: RECON-AUDI-DR01" "recon workstation"
SD=$(ldapsearch -LLL -o ldif-wrap=no -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" -w "$SAMBA_ADMIN_PASSWORD" \
    -b "CN=sql-recon-audit,CN=Users,$SAMBA_DOMAIN_DN" -s base -E '!1.2.840.113556.1.4.801=::MAMCAQg=' \
    nTSecurityDescriptor | sed -n 's/^nTSecurityDescriptor:: //p')
# audit object ACE: type 7, Everyone, ReadProperty, x500uniqueIdentifier GUID
if python3 - "$SD" <<'PY'
import base64, sys, struct
sd = base64.b64decode(sys.argv[1]); off = struct.unpack_from("<I", sd, 12)[0]; assert off
size, count = struct.unpack_from("<HH", sd, off + 2); pos = off + 8; found = False
for _ in range(count):
    t, fl, ln, mask = struct.unpack_from("<BBHI", sd, pos)
    if t == 7 and mask & 0x10 and sd[pos+12:pos+28] == bytes.fromhex("1fa17dd03d8ab642b0aa76c962be719a") \
       and sd[pos+28:pos+40] == bytes([1,1,0,0,0,0,0,1,0,0,0,0]):
        found = True
    pos += ln
assert found
PY
then pass "SACL read-audit ACE stored (read back with SD_FLAGS)"; else fail "SACL not found in $SD"; fi
run_ok "verify --audit-reads sees the SACL" "$ADSEED" verify sql-recon-audit --audit-reads "${GSSAPI[@]}"

run_ok "plain over GSS-SPNEGO, --show-password" "$ADSEED" create svc_plain_x --kind plain --show-password \
    --description "Print spooler legacy" --ou "CN=Users,$SAMBA_DOMAIN_DN" "${SPNEGO[@]}"
PW=$(printf '%s\n' "$OUT" | sed -n 's/^  password //p')
[ "${#PW}" -ge 32 ] && pass "generated password has ${#PW} >= 32 characters" || fail "password length ${#PW}"
expect_in "$(adm_search "(sAMAccountName=svc_plain_x)" description)" "description: Print spooler legacy" "custom description"
# the random password was really set, and the zero logonHours really stop a logon with it
OUT2=$(printf '%s\n' "$PW" | KRB5CCNAME=FILE:$SAMBA_DIR/cc_plain kinit svc_plain_x@$SAMBA_REALM 2>&1)
expect_in "$OUT2" "credentials have been revoked" "right password refused: logon hours all zero"
OUT2=$(printf 'not-the-password\n' | KRB5CCNAME=FILE:$SAMBA_DIR/cc_plain kinit svc_plain_x@$SAMBA_REALM 2>&1)
expect_in "$OUT2" "Password incorrect" "wrong password says so (the password check comes first)"
# relaxed decoy (documented risk): the same kind of password then logs on; bind password from a file
printf '%s\n' "$SAMBA_ADMIN_PASSWORD" >"$SAMBA_DIR/bindpw"; chmod 600 "$SAMBA_DIR/bindpw"
run_ok "plain --allow-logon-hours, --password-file" env -u ADSEED_BIND_PASSWORD "$ADSEED" create svc_open_x \
    --kind plain --allow-logon-hours --show-password --password-file "$SAMBA_DIR/bindpw" "${LDAPS[@]}"
PW=$(printf '%s\n' "$OUT" | sed -n 's/^  password //p')
if printf '%s\n' "$PW" | KRB5CCNAME=FILE:$SAMBA_DIR/cc_plain kinit svc_open_x@$SAMBA_REALM >/dev/null 2>&1
then pass "relaxed decoy can log on (why the default zeroes logonHours)"; else fail "kinit svc_open_x"; fi
run_rc 1 "no password source" env -u ADSEED_BIND_PASSWORD "$ADSEED" create svc_x2 "${LDAPS[@]}" </dev/null
expect_in "$OUT" "no bind password: use --password-file FILE, ADSEED_BIND_PASSWORD" "password source message"
run_ok "verify tolerates the documented relaxation" "$ADSEED" verify svc_open_x --allow-logon-hours "${LDAPS[@]}"
run_rc 1 "verify flags it without the flag" "$ADSEED" verify svc_open_x "${LDAPS[@]}"
expect_in "$OUT" "svc_open_x: UNSAFE logonHours allow logons" "relaxed logonHours reported"
run_ok "remove relaxed decoy" "$ADSEED" remove svc_open_x "${LDAPS[@]}"

run_ok "kerberoast with two SPNs over LDAPS" "$ADSEED" create svc_sqlrep --spn MSSQLSvc/rep01.decoy.test:1433 \
    --spn MSSQLSvc/rep01.decoy.test "${LDAPS[@]}"
K=$(adm_search "(sAMAccountName=svc_sqlrep)" servicePrincipalName)
expect_in "$K" "servicePrincipalName: MSSQLSvc/rep01.decoy.test:1433" "first SPN"
expect_in "$K" "servicePrincipalName: MSSQLSvc/rep01.decoy.test" "second SPN"
run_ok "verify all clean" "$ADSEED" verify "${LDAPS[@]}"
expect_in "$OUT" "4 decoy(s) checked, 0 finding(s)" "four decoys verified"

# --- bulk CSV, twice -----------------------------------------------------------------------------
cat >"$SAMBA_DIR/decoys.csv" <<'CSV'
name,kind,spns,memo,location
svc_veeam_old,kerberoast,MSSQLSvc/veeam01.decoy.test:1433,"Bait, row 1",Rack 4
svc_scan_legacy,asrep,,Bait row 2,
# comment line
svc_crm_sync,plain,,"Quoted ""memo""",HQ
CSV
run_ok "CSV first run" "$ADSEED" create --from "$SAMBA_DIR/decoys.csv" "${LDAPS[@]}"
expect_in "$OUT" "3 created, 0 already present, 0 failed" "CSV creates 3"
expect_in "$OUT" "progress: 3/3 rows" "progress line"
run_ok "CSV second run" "$ADSEED" create --from "$SAMBA_DIR/decoys.csv" "${LDAPS[@]}"
expect_in "$OUT" "0 created, 3 already present, 0 failed" "CSV re-run is idempotent"
expect_in "$(adm_search "(sAMAccountName=svc_veeam_old)" servicePrincipalName)" "MSSQLSvc/veeam01.decoy.test:1433" "CSV SPN"
expect_in "$(cat "$INV")" 'Quoted \"memo\"' "CSV quoting kept"

# --- list / export / suggest --------------------------------------------------------------------
run_ok "list" "$ADSEED" list "${LDAPS[@]}"
expect_in "$OUT" "svc_veeam_old" "list shows CSV decoy"
expect_in "$OUT" "present" "list shows live state"
run_ok "list json" "$ADSEED" list --format json "${LDAPS[@]}"
if printf '%s' "$OUT" | python3 -c "
import json, sys
a = {x['name']: x for x in json.load(sys.stdin)}
assert len(a) == 8, a
assert a['svc_open_x']['state'] == 'retired' and not a['svc_open_x']['exists']
assert all(x['exists'] and x['enabled'] and x['last_logon'] == 'never' for n, x in a.items() if n != 'svc_open_x')"
then pass "list json: 7 live decoys, 1 retired"; else fail "list json: $OUT"; fi
run_ok "export sigma" "$ADSEED" export --format sigma
expect_in "$OUT" "- 'svc_sqlrep'" "sigma lists the decoy"
expect_in "$OUT" "4769" "sigma 4769 rule"
run_ok "export csv" "$ADSEED" export --format csv
expect_in "$OUT" '"svc_asrep_old","asrep"' "csv export"
run_ok "suggest" "$ADSEED" suggest --count 3 "${LDAPS[@]}"
expect_in "$OUT" "svc_" "suggestion follows svc_ prefix"
expect_not_in "$OUT" "svc_veeam_old " "suggestion never copies an existing account"

# --- precise errors ----------------------------------------------------------------------------
run_rc 1 "wrong password" env ADSEED_BIND_PASSWORD=wrong "$ADSEED" create svc_x1 "${LDAPS[@]}"
expect_in "$OUT" "invalid credentials (wrong user name or password)" "wrong password message"
run_rc 1 "unreachable" "$ADSEED" create svc_x1 --uri ldaps://127.0.0.1:1 --user "$SAMBA_ADMIN_USER"
expect_in "$OUT" "server unreachable" "unreachable message"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=other -keyout "$SAMBA_DIR/o.key" -out "$SAMBA_DIR/other.pem" >/dev/null 2>&1
run_rc 1 "wrong CA" "$ADSEED" create svc_x1 "${LDAPS[@]}" --ca-file "$SAMBA_DIR/other.pem"
expect_in "$OUT" "TLS failure" "TLS failure message"
run_rc 1 "plain LDAP password" "$ADSEED" create svc_x1 --uri "$SAMBA_URI_LDAP" --user "$SAMBA_ADMIN_USER"
expect_in "$OUT" "refusing a simple bind over an unencrypted connection" "plain-LDAP refusal"
run_rc 1 "no such OU" "$ADSEED" create svc_x1 --ou "OU=Nowhere,$SAMBA_DOMAIN_DN" "${LDAPS[@]}"
expect_in "$OUT" "no such OU" "no such OU message"
run_rc 1 "already exists" "$ADSEED" create alice "${LDAPS[@]}"
expect_in "$OUT" "entry already exists" "already exists message"
run_rc 1 "insufficient rights" env ADSEED_BIND_PASSWORD="$SAMBA_ALICE_PASSWORD" "$ADSEED" create svc_x1 \
    --uri "$SAMBA_URI_LDAPS" --user "alice@$SAMBA_REALM"
expect_in "$OUT" "insufficient rights" "insufficient rights message"
expect_not_in "$(adm_search '(sAMAccountName=svc_x1)' dn)" "dn:" "no account left behind"
run_rc 2 "usage error" "$ADSEED" create
run_ok "--version" "$ADSEED" --version
expect_in "$OUT" "adseed " "version"
finish
