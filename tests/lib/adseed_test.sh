# adseed_test.sh - sourced assertions for the adseed integration tests (after samba_dc_start).
# run_ok / run_rc capture output in $OUT; failures are counted and reported by finish.

_FAILS=0
pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; _FAILS=$((_FAILS + 1)); }

run_rc() {
    local want=$1 what=$2 rc
    shift 2
    OUT=$("$@" 2>&1)
    rc=$?
    if [ "$rc" = "$want" ]; then pass "$what (exit $rc)"; else
        fail "$what: exit $rc, expected $want"; printf '%s\n' "$OUT" | sed 's/^/    | /'; fi
}
run_ok() { local what=$1; shift; run_rc 0 "$what" "$@"; }

expect_in() {
    case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: missing '$2' in:"; printf '%s\n' "$1" | sed 's/^/    | /' ;; esac
}
expect_not_in() {
    case "$1" in *"$2"*) fail "$3: unexpected '$2' in:"; printf '%s\n' "$1" | sed 's/^/    | /' ;; *) pass "$3" ;; esac
}

# ldapsearch / ldapmodify as Administrator over LDAPS (independent of adseed)
adm_search() {
    local filter=$1; shift
    ldapsearch -LLL -o ldif-wrap=no -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" \
        -w "$SAMBA_ADMIN_PASSWORD" -b "$SAMBA_DOMAIN_DN" "$filter" "$@" 2>&1 | grep -v '^# ref'
}
adm_modify() {
    ldapmodify -x -H "$SAMBA_URI_LDAPS" -D "$SAMBA_ADMIN_USER" -w "$SAMBA_ADMIN_PASSWORD" >/dev/null ||
        fail "ldapmodify"
}
# 8-4-4-4-12 GUID text -> \xx filter escape of its binary (first three fields little-endian)
guid_filter() {
    python3 -c "import uuid,sys;print(''.join('\\\\%02x'%b for b in uuid.UUID(sys.argv[1]).bytes_le))" "$1"
}

finish() {
    if [ "$_FAILS" -gt 0 ]; then echo "$_FAILS check(s) failed"; exit 1; fi
    echo "all checks passed"; exit 0
}
