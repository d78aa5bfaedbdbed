#!/usr/bin/env bash
# Breadcrumbs (issue 14) on a real Samba AD DC: adseed plants each kind of lure on its own decoy
# (created with --create and the safe defaults); every artefact holds the decoy's real password,
# which the DC then refuses only for the account restriction (logon hours); the GPP cpassword is
# decrypted by openssl's command line (independent of our C code); verify notices a description
# lure that was changed; decoysvc, following the DC's logs, turns a kinit with a lure's password
# into breadcrumb_used naming the lure (two lures on two decoys told apart) and a wrong password
# into password_guess; remove rotates the password so the old lure is dead.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
samba_dc_start
ok() { echo "ok - $*"; }

INV=$T/inventory.json
export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
adseed() { "$ADSEED" "$@" --uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER" --ca-file "$LDAPTLS_CACERT" \
    --inventory "$INV"; }
GPP_KEY=4e9906e8fcb66cc9faf49310620ffee8f496e806cc057990209b09a433b66c1b
LOC_GPP="SYSVOL: GPO 'Legacy Drive Maps' Machine\\Preferences\\Groups\\Groups.xml"
LOC_PS1="\\\\fs01\\it\$\\scripts\\nightly-export.ps1"
LOC_BAT="NETLOGON\\map-backup.bat"
LOC_CMDKEY="Credential Manager of Administrator on jump01"
LOC_UNATTEND="\\\\wds01\\RemoteInstall\\unattend.xml"
LOC_DESC="LDAP description of bc_desc_svc"

plant() { # kind decoy location [--out file]
    local kind=$1 decoy=$2 loc=$3; shift 3
    adseed breadcrumb create --kind "$kind" --decoy "$decoy" --location "$loc" --create "$@" \
        >"$T/plant.out" 2>&1 || fail "breadcrumb create $kind: $(cat "$T/plant.out")"
    cat "$T/plant.out" >>"$T/plant-all.out"
    grep -q "^bc-[0-9a-f]\{12\}: $kind breadcrumb for decoy $decoy" "$T/plant.out" ||
        fail "create $kind output: $(cat "$T/plant.out")"
    return 0
}
echo "-- each kind, each on its own decoy"
plant description bc_desc_svc "$LOC_DESC"
plant gpp bc_gpp_svc "$LOC_GPP" --out "$T/Groups.xml"
plant script bc_ps1_svc "$LOC_PS1" --out "$T/nightly-export.ps1"
plant script bc_bat_svc "$LOC_BAT" --out "$T/map-backup.bat" --target '\\fs01\backup%1$'
plant cmdkey bc_cmdkey_svc "$LOC_CMDKEY" --out "$T/cmdkey.cmd"
plant unattend bc_unatt_svc "$LOC_UNATTEND" --out "$T/unattend.xml"
for f in Groups.xml nightly-export.ps1 map-backup.bat cmdkey.cmd unattend.xml; do
    [ "$(stat -c %a "$T/$f")" = 600 ] || fail "$f mode $(stat -c %a "$T/$f"), want 600"
done
ok "six lures planted, artefacts mode 0600, no password on the terminal"

# the passwords, read back from each artefact as an attacker would
CPW=$(sed -n 's/.*cpassword="\([^"]*\)".*/\1/p' "$T/Groups.xml")
[ -n "$CPW" ] || fail "no cpassword in Groups.xml: $(cat "$T/Groups.xml")"
PAD=$(( (4 - ${#CPW} % 4) % 4 )); B64=$CPW; for ((i = 0; i < PAD; i++)); do B64="$B64="; done
PW_GPP=$(printf '%s' "$B64" | openssl base64 -d -A | openssl enc -d -aes-256-cbc -K $GPP_KEY \
    -iv 00000000000000000000000000000000 | iconv -f UTF-16LE -t UTF-8)
[ ${#PW_GPP} -ge 16 ] || fail "GPP cpassword did not decrypt with openssl: '$PW_GPP'"
grep -q 'userName="DECOY\\bc_gpp_svc"' "$T/Groups.xml" || fail "Groups.xml userName"
PW_PS1=$(sed -n "s/.*ConvertTo-SecureString '\([^']*\)'.*/\1/p" "$T/nightly-export.ps1")
PW_BAT=$(sed -n 's/.*\/user:DECOY\\bc_bat_svc "\([^"]*\)".*/\1/p' "$T/map-backup.bat" | tr -d '\r')
grep -q 'net use Z: "\\\\fs01\\backup%%1\$"' "$T/map-backup.bat" || fail "batch escaping: $(cat "$T/map-backup.bat")"
PW_CMDKEY=$(sed -n 's/.*\/pass:\(.*\)/\1/p' "$T/cmdkey.cmd" | tr -d '\r')
PW_UNATT=$(sed -n 's/.*<Value>\(.*\)<\/Value>.*/\1/p' "$T/unattend.xml")
DESC=$(ldapsearch -LLL -o ldif-wrap=no -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" -w "$SAMBA_ADMIN_PASSWORD" \
    -b "$SAMBA_DOMAIN_DN" "(sAMAccountName=bc_desc_svc)" description | sed -n 's/^description: //p')
PW_DESC=$(printf '%s' "$DESC" | sed -n 's/.*temporary password \([^ ]*\) .*/\1/p')
for pw in "$PW_GPP" "$PW_PS1" "$PW_BAT" "$PW_CMDKEY" "$PW_UNATT" "$PW_DESC"; do
    [ ${#pw} = 20 ] || fail "a lure's password has ${#pw} characters, want 20"
    grep -qF -- "$pw" "$T/plant-all.out" && fail "adseed printed a lure's password on the terminal"
done
ok "passwords read back from every artefact (none printed by adseed); GPP decrypted by openssl enc"

# each is the decoy's real password: the KDC accepts it and refuses only the logon hours
# (a wrong one is "Password incorrect")
check_real() { # decoy password
    local out
    out=$(printf '%s\n' "$2" | KRB5CCNAME=FILE:$T/cc.check kinit "$1" 2>&1) && fail "$1 could log on: the decoy is not safe"
    case "$out" in *"credentials have been revoked"*) ;; *) fail "$1: the lure's password is not the decoy's: $out" ;; esac
}
check_real bc_desc_svc "$PW_DESC"
check_real bc_ps1_svc "$PW_PS1"
check_real bc_bat_svc "$PW_BAT"
check_real bc_cmdkey_svc "$PW_CMDKEY"
check_real bc_unatt_svc "$PW_UNATT"
ok "every lure holds its decoy's real password (KDC: client revoked, not password incorrect)"

echo "-- inventory, list, one lure per decoy, verify"
python3 - "$INV" <<'PY' || fail "inventory breadcrumbs"
import json, re, sys
inv = {d["name"]: d for d in json.load(open(sys.argv[1]))["decoys"]}
want = {"bc_desc_svc": "description", "bc_gpp_svc": "gpp", "bc_ps1_svc": "script", "bc_bat_svc": "script",
        "bc_cmdkey_svc": "cmdkey", "bc_unatt_svc": "unattend"}
ids = set()
for name, kind in want.items():
    d = inv[name]
    assert d["kind"] == "plain" and d["sid"] and d["guid"], d
    (b,) = d["breadcrumbs"]
    assert b["kind"] == kind and re.fullmatch(r"bc-[0-9a-f]{12}", b["id"]) and b["location"], b
    assert b["planted"].endswith("Z") and b["planted_by"] and "removed" not in b, b
    assert ("fingerprint" in b) == (kind == "description"), b
    ids.add(b["id"])
assert len(ids) == 6
assert inv["bc_gpp_svc"]["breadcrumbs"][0]["location"] == "SYSVOL: GPO 'Legacy Drive Maps' Machine\\Preferences\\Groups\\Groups.xml"
PY
OUT=$(adseed list)
printf '%s\n' "$OUT" | grep -q "^bc_gpp_svc .* gpp:bc-" || fail "adseed list shows no breadcrumb: $OUT"
OUT=$(adseed breadcrumb list)
[ "$(printf '%s\n' "$OUT" | grep -c ' active ')" = 6 ] || fail "breadcrumb list: $OUT"
if adseed breadcrumb create --kind gpp --decoy bc_gpp_svc --location elsewhere --out "$T/again.xml" >"$T/again.out" 2>&1; then
    fail "a second lure on the same decoy was accepted"; fi
grep -q "already carries breadcrumb" "$T/again.out" || fail "second lure: $(cat "$T/again.out")"
[ ! -e "$T/again.xml" ] || fail "a refused lure left an artefact"
check_real bc_gpp_svc "$PW_GPP"
adseed verify >"$T/verify.out" 2>&1 || fail "verify not clean: $(cat "$T/verify.out")"
ok "inventory records kind/location/planted; list shows them; one lure per decoy; verify clean"

echo "-- decoysvc: a used lure is breadcrumb_used, a wrong password password_guess"
hec_start
cat >"$T/cfg.json" <<EOF
{
  "inventory": "$INV",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "kdc_log": "$SAMBA_KDC_LOG"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]
}
EOF
svc_start "$T/cfg.json"
# status.json is written once the inputs sit at the end of the logs ("start": "end"): a logon
# before that would be skipped (a fixed sleep lost that race on a loaded machine)
wait_file "$T/state/status.json" 600 || fail "decoysvc wrote no status.json: $(cat "$T/svc.log")"
printf '%s\n' "$PW_GPP" | kinit bc_gpp_svc >/dev/null 2>&1 && fail "GPP decoy logged on"
hec_wait_action breadcrumb_used 1 || fail "no breadcrumb_used alert for the GPP lure"
printf '%s\n' "$PW_PS1" | kinit bc_ps1_svc >/dev/null 2>&1 && fail "script decoy logged on"
hec_wait_action breadcrumb_used 2 || fail "no breadcrumb_used alert for the script lure"
printf 'Not-the-lure-pw1\n' | kinit bc_unatt_svc >/dev/null 2>&1 && fail "wrong password accepted"
hec_wait_action password_guess 1 || fail "no password_guess alert for a wrong password"
sleep 1
svc_stop
python3 - "$HEC_OUT" <<'PY' || fail "alert content"
import collections, json, sys
alerts = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
by = collections.Counter((a["action"], a["decoy"]["name"]) for a in alerts)
want = {("breadcrumb_used", "bc_gpp_svc"): 1, ("breadcrumb_used", "bc_ps1_svc"): 1,
        ("password_guess", "bc_unatt_svc"): 1}
assert dict(by) == want, "alerts %s, want %s" % (dict(by), want)
a = {x["decoy"]["name"]: x for x in alerts}
g, s, w = a["bc_gpp_svc"], a["bc_ps1_svc"], a["bc_unatt_svc"]
assert g["decoy"]["breadcrumb"]["kind"] == "gpp", g["decoy"]
assert g["decoy"]["breadcrumb"]["location"] == "SYSVOL: GPO 'Legacy Drive Maps' Machine\\Preferences\\Groups\\Groups.xml"
assert g["threat"]["technique"]["id"] == "T1552.006" and g["severity"] == "critical", g["threat"]
assert "Groups.xml" in g["summary"] and "gpp" in g["summary"].lower(), g["summary"]
assert s["decoy"]["breadcrumb"]["kind"] == "script" and s["decoy"]["breadcrumb"]["location"].endswith("nightly-export.ps1")
assert s["threat"]["technique"]["id"] == "T1552.001" and "nightly-export.ps1" in s["summary"], s
assert g["decoy"]["breadcrumb"]["id"] != s["decoy"]["breadcrumb"]["id"]
assert w["threat"]["technique"]["id"] == "T1110", w["threat"]
assert w["decoy"]["breadcrumb"]["kind"] == "unattend", w["decoy"]
assert g["source"]["ip"] == "127.0.0.1"
print("alerts:", dict(by))
PY
ok "breadcrumb_used names kind and location (GPP and script told apart), wrong password is password_guess"

echo "-- verify notices a description lure that was changed; remove retires lures"
printf 'dn: CN=bc_desc_svc,CN=Users,%s\nchangetype: modify\nreplace: description\ndescription: cleaned up by helpdesk\n' \
    "$SAMBA_DOMAIN_DN" | ldapmodify -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" -w "$SAMBA_ADMIN_PASSWORD" >/dev/null
set +e; adseed verify >"$T/verify.out" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "verify after the description change: exit $rc: $(cat "$T/verify.out")"
grep -q "bc_desc_svc: DRIFT breadcrumb bc-[0-9a-f]* (description)" "$T/verify.out" || fail "verify: $(cat "$T/verify.out")"
ID=$(python3 -c "import json,sys;print([d for d in json.load(open(sys.argv[1]))['decoys'] if d['name']=='bc_gpp_svc'][0]['breadcrumbs'][0]['id'])" "$INV")
adseed breadcrumb remove "$ID" >"$T/rm.out" 2>&1 || fail "breadcrumb remove: $(cat "$T/rm.out")"
grep -q "now delete the gpp artefact at: SYSVOL" "$T/rm.out" || fail "remove output: $(cat "$T/rm.out")"
OUT=$(printf '%s\n' "$PW_GPP" | KRB5CCNAME=FILE:$T/cc.check kinit bc_gpp_svc 2>&1) || true
case "$OUT" in *"Password incorrect"*) ;; *) fail "the removed GPP lure's password still works: $OUT" ;; esac
adseed breadcrumb list --format json | python3 -c "
import json,sys; b=[x for x in json.load(sys.stdin) if x['id']=='$ID'][0]; assert b['state']=='removed' and b['removed'].endswith('Z'), b" ||
    fail "removed breadcrumb state"
ok "verify reports the lost description lure; remove rotated the password and kept the record"
echo "PASS: breadcrumbs on a Samba AD DC"
