#!/bin/bash
# test_adseed_report_verify.sh - adseed report --verify against a real Samba AD DC: two decoys
# planted with adseed, one then drifted (its SPN removed, the account disabled) behind adseed's
# back; the page shows "ok" for one and "drift" with the findings for the other, verified against
# the DC's URI, and a retired decoy is not checked.
set -u
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
samba_dc_start || { echo "FAIL: could not start the DC"; exit 1; }
trap samba_dc_stop EXIT
. "$ADDECOY_SRC/tests/lib/adseed_test.sh"

INV=$SAMBA_DIR/inventory.json
export ADSEED_INVENTORY=$INV ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
LDAPS=(--uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER")

run_ok "plant svc_report_ok" "$ADSEED" create svc_report_ok --kind kerberoast --location "OU <Tier1>" "${LDAPS[@]}"
run_ok "plant svc_report_drift" "$ADSEED" create svc_report_drift --kind kerberoast "${LDAPS[@]}"
run_ok "plant and retire svc_report_gone" "$ADSEED" create svc_report_gone --kind plain "${LDAPS[@]}"
run_ok "remove svc_report_gone" "$ADSEED" remove svc_report_gone "${LDAPS[@]}"
DN=$(adm_search "(sAMAccountName=svc_report_drift)" dn | sed -n 's/^dn: //p')
printf 'dn: %s\nchangetype: modify\ndelete: servicePrincipalName\n-\nreplace: userAccountControl\nuserAccountControl: 66050\n' "$DN" | adm_modify

run_ok "report --verify writes the page despite drift" "$ADSEED" report --verify --html "$SAMBA_DIR/report.html" "${LDAPS[@]}"
expect_in "$OUT" "verify svc_report_drift: drift" "stderr names the drifted decoy"
P=$(cat "$SAMBA_DIR/report.html")
[ "$(grep -o '<span class="ok">ok</span>' <<<"$P" | wc -l)" = 1 ] && pass "one decoy verified ok" || fail "ok count"
[ "$(grep -o '<span class="drift">drift</span>' <<<"$P" | wc -l)" = 1 ] && pass "one decoy drifted" || fail "drift count"
expect_in "$P" "svc_report_drift: DRIFT kerberoast decoy has no servicePrincipalName" "the SPN finding is shown"
expect_in "$P" "svc_report_drift: DRIFT account is disabled" "the disabled finding is shown"
expect_in "$P" "not checked (retired)" "the retired decoy is not checked"
expect_in "$P" "verified against <span class=\"mono\">$SAMBA_URI_LDAPS</span>" "the page names the DC"
expect_in "$P" "OU &lt;Tier1&gt;" "the location is escaped"
python3 "$ADDECOY_SRC/tests/lib/check_report_page.py" html "$SAMBA_DIR/report.html" && pass "page well-formed" || fail "page structure"

run_rc 1 "report --verify with a wrong password fails before writing" env ADSEED_BIND_PASSWORD=wrong \
    "$ADSEED" report --verify --html "$SAMBA_DIR/bad.html" "${LDAPS[@]}"
[ ! -e "$SAMBA_DIR/bad.html" ] && pass "no page on a failed bind" || fail "a page was written after a failed bind"
finish
