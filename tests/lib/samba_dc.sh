# samba_dc.sh - sourced bash library: a throw-away Samba AD DC (realm DECOY.TEST) on loopback for
# integration tests. Provisions once per (this script, samba version) and caches the provisioned
# tree as /var/cache/addecoy/samba-<hash>.tar; each start restores it into a fresh temp dir.
#
#   . "$ADDECOY_SRC/tests/lib/samba_dc.sh"
#   samba_dc_isolate "$0" "$@"  # optional, first: re-exec in a private network namespace
#   samba_dc_start            # exits 77 (SKIP) when samba is not installed; installs nothing
#   trap samba_dc_stop EXIT
#
# Exports: SAMBA_DIR, SAMBA_REALM, SAMBA_DOMAIN_DN, SAMBA_URI_LDAPS, SAMBA_URI_LDAP, SAMBA_ADMIN_USER,
# SAMBA_ADMIN_PASSWORD, SAMBA_ALICE_PASSWORD, KRB5_CONFIG, KRB5CCNAME, LDAPTLS_CACERT, LDAPTLS_REQCERT,
# SAMBA_AUTH_LOG (auth_json_audit), SAMBA_KDC_LOG (class kerberos, level 3: TGS-REQ lines) and
# SAMBA_DSDB_LOG (dsdb_json_audit, dsdb_password_json_audit and dsdb_group_json_audit at level 5).
# Only 127.0.0.1 is bound, so two DCs cannot share a network namespace: samba_dc_isolate re-runs the
# calling script in its own namespace (unshare -n, own loopback; needs root, util-linux and iproute2),
# and outside one samba_dc_start holds an flock on /tmp/addecoy-samba-dc.lock until
# samba_dc_stop, so parallel test scripts never collide on ports.

SAMBA_REALM=DECOY.TEST
SAMBA_NETBIOS=DECOY
SAMBA_DOMAIN_DN="DC=decoy,DC=test"
SAMBA_CACHE_DIR=${SAMBA_CACHE_DIR:-/var/cache/addecoy}
_SAMBA_DC_SELF=${BASH_SOURCE[0]}
_SAMBA_DC_PID=
_SAMBA_DC_LOCKFD=

_samba_dc_log() { echo "samba_dc: $*" >&2; }

_samba_dc_cache_key() {
    { cat "$_SAMBA_DC_SELF"; samba --version; } | sha256sum | cut -c1-16
}

# Provision a fresh domain into $1 (slow: 10-20 s), with our own CA, alice and the ldap/127.0.0.1 SPN.
_samba_dc_provision() {
    local t=$1 adminpass alicepass
    adminpass="Adm1n-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    alicepass="Al1ce-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    /usr/bin/python3 /usr/bin/samba-tool domain provision -s /dev/null --targetdir="$t" \
        --realm=$SAMBA_REALM --domain=$SAMBA_NETBIOS --server-role=dc --dns-backend=NONE \
        --adminpass="$adminpass" --host-name=dc1 \
        --option="interfaces=lo" --option="bind interfaces only=yes" \
        --option="server services=ldap kdc cldap" \
        --option="pid directory=$t/run" --option="ncalrpc dir=$t/run/ncalrpc" \
        --option="winbindd socket directory=$t/run/winbindd" \
        --option="ntp signd socket directory=$t/run/ntp_signd" >"$t/provision.log" 2>&1 || {
        _samba_dc_log "provisioning failed:"; tail -20 "$t/provision.log" >&2; return 1; }
    printf '%s\n' "$adminpass" >"$t/admin.pass"
    printf '%s\n' "$alicepass" >"$t/alice.pass"
    chmod 600 "$t/admin.pass" "$t/alice.pass"
    /usr/bin/python3 /usr/bin/samba-tool user create alice "$alicepass" \
        -H "$t/private/sam.ldb" -s "$t/etc/smb.conf" >>"$t/provision.log" 2>&1 || {
        _samba_dc_log "creating alice failed"; tail -5 "$t/provision.log" >&2; return 1; }
    /usr/bin/python3 /usr/bin/samba-tool spn add ldap/127.0.0.1 'DC1$' \
        -H "$t/private/sam.ldb" -s "$t/etc/smb.conf" >>"$t/provision.log" 2>&1 || {
        _samba_dc_log "adding SPN ldap/127.0.0.1 failed"; tail -5 "$t/provision.log" >&2; return 1; }
    _samba_dc_make_tls "$t/private/tls" || return 1
}

_samba_dc_make_tls() {
    local d=$1
    mkdir -p "$d" && rm -f "$d"/*.pem
    (
        cd "$d" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=DECOY.TEST test CA" \
            -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" &&
        openssl req -newkey rsa:2048 -nodes -subj "/CN=dc1.decoy.test" -keyout key.pem -out dc.csr &&
        printf 'subjectAltName=DNS:dc1.decoy.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext.cnf &&
        openssl x509 -req -in dc.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile ext.cnf -out cert.pem &&
        chmod 600 key.pem ca.key && rm -f dc.csr ext.cnf
    ) >/dev/null 2>&1 || { _samba_dc_log "TLS certificate generation failed"; return 1; }
}

# Restore a cached tree provisioned in another directory: rewrite the absolute paths in smb.conf.
_samba_dc_relocate() {
    local t=$1 old
    old=$(cat "$t/.provisioned_in")
    sed -i "s#$old#$t#g" "$t/etc/smb.conf"
}

_samba_dc_configure() {
    local t=$1 L=$1/log
    mkdir -p "$L" "$t/run"
    SAMBA_AUTH_LOG=$L/auth.json
    SAMBA_KDC_LOG=$L/kdc.log
    SAMBA_DSDB_LOG=$L/dsdb.json
    sed -i '/^\s*log level\s*=/d; /^\s*max log size\s*=/d' "$t/etc/smb.conf"
    sed -i "/^\[global\]/a\\
\\tlog level = 1 auth_json_audit:3@$SAMBA_AUTH_LOG kerberos:3@$SAMBA_KDC_LOG dsdb_json_audit:5@$SAMBA_DSDB_LOG dsdb_password_json_audit:5@$SAMBA_DSDB_LOG dsdb_group_json_audit:5@$SAMBA_DSDB_LOG\\
\\tmax log size = 0" "$t/etc/smb.conf"
    cat >"$t/krb5.conf" <<EOF
[libdefaults]
    default_realm = $SAMBA_REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
[realms]
    $SAMBA_REALM = {
        kdc = 127.0.0.1
        admin_server = 127.0.0.1
    }
[domain_realm]
    .decoy.test = $SAMBA_REALM
    decoy.test = $SAMBA_REALM
    127.0.0.1 = $SAMBA_REALM
EOF
}

# Samba 4.17's KDC answers PREAUTH_REQUIRED even for a DONT_REQ_PREAUTH account unless its own
# krb5.conf (next to smb.conf) says require-preauth = false (see docs/samba.md): needed by tests
# that AS-REP roast a decoy. Set SAMBA_DC_ALLOW_ASREP=1 before samba_dc_start.
_samba_dc_kdc_no_preauth() {
    printf '[kdc]\n    require-preauth = false\n' >"$1/etc/krb5.conf"
}

# The other half of it: DONT_REQ_PREAUTH on krbtgt (after the DC is up), over LDAPS as the admin.
samba_dc_allow_asrep() {
    printf 'dn: CN=krbtgt,CN=Users,%s\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 4194818\n' \
        "$SAMBA_DOMAIN_DN" |
        ldapmodify -H "$SAMBA_URI_LDAPS" -x -D "$SAMBA_ADMIN_USER" -y <(printf '%s' "$SAMBA_ADMIN_PASSWORD") >/dev/null
}

_samba_dc_wait_ready() {
    local i
    for i in $(seq 1 120); do
        if ! kill -0 "$_SAMBA_DC_PID" 2>/dev/null; then
            _samba_dc_log "samba exited during start-up:"; tail -20 "$SAMBA_DIR/log/samba.out" >&2
            return 1
        fi
        if LDAPTLS_REQCERT=demand ldapsearch -LLL -x -H "$SAMBA_URI_LDAPS" -s base -b "" \
            defaultNamingContext >/dev/null 2>&1 &&
            echo "$SAMBA_ADMIN_PASSWORD" | kinit -c "FILE:$SAMBA_DIR/ready.cc" \
                "Administrator@$SAMBA_REALM" >/dev/null 2>&1; then
            rm -f "$SAMBA_DIR/ready.cc"
            return 0
        fi
        sleep 0.5
    done
    _samba_dc_log "DC not ready after 60 s"; return 1
}

# Re-exec the calling script ("$0" "$@") inside a private network namespace with loopback up.
# Falls back to the shared namespace (serialised by the lock) when unshare is not permitted.
samba_dc_isolate() {
    [ -n "${SAMBA_DC_NETNS:-}" ] && return 0
    export SAMBA_DC_NETNS=1
    if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
        unshare -n true 2>/dev/null; then
        exec unshare -n bash -c 'ip link set lo up && exec bash "$@"' samba_dc_isolate "$@"
    fi
    export SAMBA_DC_NETNS=shared
}

samba_dc_start() {
    if ! command -v samba >/dev/null 2>&1 || ! command -v samba-tool >/dev/null 2>&1 ||
        ! command -v ldapsearch >/dev/null 2>&1 || ! command -v kinit >/dev/null 2>&1; then
        echo "SKIP: samba AD DC, ldap-utils or krb5-user not installed" \
            "(apt-get install samba samba-ad-dc samba-ad-provision krb5-user ldap-utils)"
        exit 77
    fi
    if ! ls /usr/share/samba/setup/ad-schema/*.ldf >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
        echo "SKIP: the AD schema files are missing (apt-get install samba-ad-dc samba-ad-provision)"
        exit 77
    fi
    if [ "${SAMBA_DC_NETNS:-}" != 1 ]; then
        exec {_SAMBA_DC_LOCKFD}>/tmp/addecoy-samba-dc.lock
        flock "$_SAMBA_DC_LOCKFD"
    fi
    SAMBA_DIR=$(mktemp -d /tmp/addecoy-samba.XXXXXX) || return 1
    local key tar tmp
    key=$(_samba_dc_cache_key)
    tar=$SAMBA_CACHE_DIR/samba-$key.tar
    if [ -s "$tar" ] && tar -C "$SAMBA_DIR" -xf "$tar" 2>/dev/null; then
        _samba_dc_relocate "$SAMBA_DIR"
    else
        rm -rf "${SAMBA_DIR:?}"/* && mkdir -p "$SAMBA_DIR"
        _samba_dc_log "provisioning $SAMBA_REALM in $SAMBA_DIR (10-20 s; cached afterwards)"
        _samba_dc_provision "$SAMBA_DIR" || return 1
        echo "$SAMBA_DIR" >"$SAMBA_DIR/.provisioned_in"
        if mkdir -p "$SAMBA_CACHE_DIR" 2>/dev/null; then
            tmp=$(mktemp "$SAMBA_CACHE_DIR/.samba-$key.XXXXXX")
            if tar -C "$SAMBA_DIR" -cf "$tmp" . && mv -f "$tmp" "$tar"; then
                # keep only the current key: older tarballs belong to older scripts / samba versions
                find "$SAMBA_CACHE_DIR" -maxdepth 1 -name 'samba-*.tar' ! -name "samba-$key.tar" \
                    -mmin +60 -delete 2>/dev/null
            else
                rm -f "$tmp"
            fi
        fi
    fi
    SAMBA_ADMIN_PASSWORD=$(cat "$SAMBA_DIR/admin.pass")
    SAMBA_ALICE_PASSWORD=$(cat "$SAMBA_DIR/alice.pass")
    SAMBA_ADMIN_USER="Administrator@$SAMBA_REALM"
    SAMBA_URI_LDAPS=ldaps://127.0.0.1:636
    SAMBA_URI_LDAP=ldap://127.0.0.1:389
    KRB5_CONFIG=$SAMBA_DIR/krb5.conf
    KRB5CCNAME=FILE:$SAMBA_DIR/krb5cc_test
    LDAPTLS_CACERT=$SAMBA_DIR/private/tls/ca.pem
    LDAPTLS_REQCERT=demand
    export SAMBA_DIR SAMBA_REALM SAMBA_DOMAIN_DN SAMBA_URI_LDAPS SAMBA_URI_LDAP SAMBA_ADMIN_USER \
        SAMBA_ADMIN_PASSWORD SAMBA_ALICE_PASSWORD KRB5_CONFIG KRB5CCNAME LDAPTLS_CACERT LDAPTLS_REQCERT
    _samba_dc_configure "$SAMBA_DIR"
    [ -n "${SAMBA_DC_ALLOW_ASREP:-}" ] && _samba_dc_kdc_no_preauth "$SAMBA_DIR"
    export SAMBA_AUTH_LOG SAMBA_KDC_LOG SAMBA_DSDB_LOG
    samba -s "$SAMBA_DIR/etc/smb.conf" -F --no-process-group -M single -l "$SAMBA_DIR/log" \
        </dev/null >"$SAMBA_DIR/log/samba.out" 2>&1 &
    _SAMBA_DC_PID=$!
    echo "$_SAMBA_DC_PID" >"$SAMBA_DIR/run/test-samba.pid"
    _samba_dc_wait_ready || { samba_dc_stop; return 1; }
    _samba_dc_log "DC up (pid $_SAMBA_DC_PID) in $SAMBA_DIR"
}

# Safe to call twice and from an EXIT trap.
samba_dc_stop() {
    if [ -n "$_SAMBA_DC_PID" ]; then
        kill "$_SAMBA_DC_PID" 2>/dev/null
        local i
        for i in $(seq 1 50); do kill -0 "$_SAMBA_DC_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$_SAMBA_DC_PID" 2>/dev/null
        wait "$_SAMBA_DC_PID" 2>/dev/null
        _SAMBA_DC_PID=
    fi
    if [ -n "${SAMBA_DIR:-}" ] && [ -d "$SAMBA_DIR" ] && [ -z "${SAMBA_DC_KEEP:-}" ]; then
        rm -rf "$SAMBA_DIR"
    fi
    if [ -n "$_SAMBA_DC_LOCKFD" ]; then
        exec {_SAMBA_DC_LOCKFD}>&-
        _SAMBA_DC_LOCKFD=
    fi
}

# kinit as a principal with a password (from stdin) into the test ccache.
samba_dc_kinit() {
    local princ=$1 pass=$2
    printf '%s\n' "$pass" | kinit "$princ" >/dev/null
}
