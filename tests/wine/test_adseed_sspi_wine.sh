#!/usr/bin/env bash
# test_adseed_sspi_wine.sh - adseed.exe's integrated authentication (SSPI Negotiate tokens in a
# GSS-SPNEGO SASL bind, no password anywhere) under Wine against a real Samba AD DC. Wine's Kerberos
# package uses the system MIT krb5 with KRB5CCNAME/KRB5_CONFIG, so a kinit on the Linux side is the
# "logged-on user". Checked: no ticket -> a precise SSPI error; plain ldap:// -> refused; with a
# ticket over LDAPS, the SSPI context really runs (the DC's KDC issues Administrator a ticket for
# ldap/127.0.0.1) and either the decoy is created (read back with ldapsearch) or, with Wine 8 + MIT
# krb5, the DC refuses the bind because MIT always claims sign/seal in the Kerberos authenticator,
# which AD and Samba forbid over TLS: then the end-to-end step is reported as SKIP (exit 77), since it
# is verified only on real Windows (docs/windows.md). Needs: ADSEED (cross-built adseed.exe), wine,
# samba (skips visibly when either is missing).
set -uo pipefail
: "${ADSEED:?}" "${ADDECOY_SRC:?}"
command -v wine >/dev/null || { echo "SKIP: wine is not installed"; exit 77; }
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"

fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok (${SECONDS}s): $*"; }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "$3: expected '$2' in: $1"; pass "$3"; }

samba_dc_start || fail "the Samba AD DC did not start"
T=$(mktemp -d /tmp/addecoy-sspi.XXXXXX)
trap 'wineserver -k 2>/dev/null; rm -rf "$T"; samba_dc_stop' EXIT

export WINEPREFIX=${ADDECOY_WINE_SSPI_PREFIX:-${ADDECOY_CACHE:-/var/cache/addecoy}/wine-sspi}
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64 LDAPNOINIT=1
unset ADSEED_BIND_PASSWORD ADSEED_USER
if [ ! -f "$WINEPREFIX/.addecoy-ready" ]; then
    echo "-- creating Wine prefix $WINEPREFIX (once)"
    mkdir -p "$WINEPREFIX"
    wineboot -i >/dev/null 2>&1 && wineserver -w && touch "$WINEPREFIX/.addecoy-ready"
fi
wineserver -p60 >/dev/null 2>&1 </dev/null || true
wine cmd /c exit 0 >/dev/null 2>&1 </dev/null # start the prefix's services first: the first
                                              # program otherwise waits about a minute

cp "$LDAPTLS_CACERT" "$T/ca.pem"
WT=$(printf 'Z:%s' "$T" | tr / '\\')
NAME=svc_sspi_wine
# adseed.exe create NAME ... : sets OUT and RC (Wine's "wine32 is missing" chatter removed)
seed() {
    OUT=$(timeout 120 wine "$ADSEED" create "$NAME" --inventory "$WT\\inventory.json" \
        --ca-file "$WT\\ca.pem" "$@" 2>&1 </dev/null |
        grep -v -E 'wine32|multiarch|dpkg --add-architecture|apt-get install wine32' | tr -d '\r')
    RC=${PIPESTATUS[0]}
}
tgs_count() { grep -c "TGS-REQ SUCCESS .*Administrator@$SAMBA_REALM ldap/127.0.0.1@$SAMBA_REALM" \
    "$SAMBA_KDC_LOG" 2>/dev/null || true; }
# DN of the decoy as the native ldapsearch sees it (empty: absent); non-zero with the error if the
# search itself fails
decoy_dn() {
    local out
    out=$(env -u LDAPNOINIT ldapsearch -LLL -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" \
        -y <(printf '%s' "$SAMBA_ADMIN_PASSWORD") -b "$SAMBA_DOMAIN_DN" "(sAMAccountName=$NAME)" dn 2>&1) ||
        { echo "ldapsearch for $NAME: $out"; return 1; }
    sed -n 's/^dn: //p' <<<"$out"
}

echo "-- no Kerberos ticket: a precise SSPI error"
KRB5CCNAME=FILE:$T/empty.cc seed --uri ldaps://127.0.0.1 --bind spnego
[ "$RC" = 1 ] || fail "no ticket: exit $RC: $OUT"
expect_in "$OUT" "InitializeSecurityContext(Negotiate) for ldap/127.0.0.1 failed: 0x8009030E" \
    "no ticket names the SSPI call, the SPN and the status"

samba_dc_kinit "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASSWORD" || fail "kinit Administrator"
echo "-- plain ldap:// without StartTLS is refused before any token is sent"
before=$(tgs_count)
seed --uri ldap://127.0.0.1 --bind spnego
[ "$RC" = 1 ] || fail "plain ldap://: exit $RC: $OUT"
expect_in "$OUT" "refusing --bind spnego without TLS" "plain ldap:// refused"
[ "$(tgs_count)" = "$before" ] || fail "a service ticket was requested for a refused bind"

echo "-- --bind spnego over LDAPS as the kinit'ed Administrator, no password"
before=$(tgs_count)
seed --uri ldaps://127.0.0.1 --bind spnego
[ "$(tgs_count)" -gt "$before" ] ||
    fail "the SSPI Kerberos context never asked the DC's KDC for ldap/127.0.0.1 (exit $RC: $OUT)"
pass "SSPI Negotiate -> Kerberos obtained a ticket for ldap/127.0.0.1 from the DC"
if [ "$RC" = 0 ]; then
    dn=$(decoy_dn) || fail "$dn"
    [ -n "$dn" ] || fail "adseed.exe reported success but $NAME is not in the directory: $OUT"
    grep -q "\"$NAME\"" "$T/inventory.json" || fail "$NAME is not in the inventory"
    pass "decoy created over SSPI GSS-SPNEGO and read back with ldapsearch: $dn"
    echo "-- --bind gssapi is the same SSPI bind on Windows"
    NAME=svc_sspi_wine2
    seed --uri ldaps://127.0.0.1 --bind gssapi
    dn=$(decoy_dn) || fail "$dn"
    [ "$RC" = 0 ] && [ -n "$dn" ] || fail "--bind gssapi: exit $RC: $OUT"
    pass "--bind gssapi"
    exit 0
fi
[ "$RC" = 1 ] || fail "spnego over LDAPS: exit $RC: $OUT"
dn=$(decoy_dn) || fail "$dn"
[ -z "$dn" ] || fail "the bind failed but $NAME exists: $dn"
[ ! -s "$T/inventory.json" ] || ! grep -q "\"$NAME\"" "$T/inventory.json" || fail "$NAME in the inventory"
pass "no decoy and no inventory entry after the failed bind"
if grep -qF "Sign or Seal are not allowed if TLS is used" <<<"$OUT"; then
    echo "adseed.exe said: $OUT"
    echo "SKIP: end-to-end SSPI bind not verifiable under Wine: Wine's Kerberos package (MIT GSSAPI)" \
        "always sets the confidentiality/integrity flags, which the DC refuses over TLS; verified only" \
        "on real Windows (docs/windows.md)"
    exit 77
fi
fail "spnego over LDAPS failed for an unexpected reason: $OUT"
