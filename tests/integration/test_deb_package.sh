#!/usr/bin/env bash
# The Debian package (installer/build-deb.sh), as an admin would use it: builds 0.1.0-1 and -2,
# lintian reports no error, dpkg installs it (the addecoy system user, /var/lib/addecoy 0700, the
# configuration root:addecoy 0640, both programs' --version, man pages, Depends), systemd-analyze
# verifies the unit, an upgrade and a reinstall keep an edited conffile, remove keeps configuration
# and state, purge deletes them and the user. Needs root (skips otherwise); installs the package
# on this machine and purges it at the end.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
SRC=${ADDECOY_SRC:?}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg -i)"; exit 77; }
for t in dpkg-deb dpkg-shlibdeps lintian adduser; do
    command -v "$t" >/dev/null || fail "$t not installed (tests/lib/install-deps.sh installs it)"
done
if dpkg-query -W -f='${Status}' addecoy 2>/dev/null | grep -q 'install ok'; then
    echo "SKIP: the addecoy package is installed on this machine; not touching it"; exit 77
fi
T=$(mktemp -d /tmp/addecoy-deb-test.XXXXXX)
cleanup() {
    dpkg-query -W addecoy >/dev/null 2>&1 && dpkg --purge addecoy >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

echo "-- build 0.1.0-1 and 0.1.0-2"
DEB1=$("$SRC/installer/build-deb.sh" --out "$T" 2>"$T/build.log" | tail -1) || { cat "$T/build.log"; fail "build-deb.sh"; }
DEB2=$(ADDECOY_DEB_REVISION=2 "$SRC/installer/build-deb.sh" --out "$T" --build-dir "$SRC/build/release" 2>>"$T/build.log" | tail -1) ||
    { cat "$T/build.log"; fail "build-deb.sh (revision 2)"; }
case "$DEB1" in */addecoy_*-1_amd64.deb) ;; *) fail "unexpected package name $DEB1" ;; esac
case "$DEB2" in */addecoy_*-2_amd64.deb) ;; *) fail "unexpected package name $DEB2" ;; esac
dpkg-deb -I "$DEB1" conffiles | grep -qx /etc/addecoy/decoysvc.json || fail "decoysvc.json is not a conffile"
dpkg-deb -I "$DEB1" conffiles | grep -qx /etc/addecoy/inventory.json || fail "inventory.json is not a conffile"
DEPENDS=$(dpkg-deb -f "$DEB1" Depends)
for lib in adduser libc6 libcurl4 libjansson4 libldap-2.5-0 libxml2; do
    case "$DEPENDS" in *"$lib"*) ;; *) fail "Depends lacks $lib: $DEPENDS" ;; esac
done
case "$DEPENDS" in *libasan*|*libubsan*) fail "a sanitizer build was packaged: $DEPENDS" ;; esac

echo "-- lintian"
lintian --allow-root --fail-on error "$DEB1" >"$T/lintian.log" 2>&1 || { cat "$T/lintian.log"; fail "lintian reports errors"; }
cat "$T/lintian.log"
# the same check must catch an error: the package without its copyright file
dpkg-deb -R "$DEB1" "$T/broken"
rm "$T/broken/usr/share/doc/addecoy/copyright"
dpkg-deb --root-owner-group -b "$T/broken" "$T/broken.deb" >/dev/null
lintian --allow-root --fail-on error "$T/broken.deb" >"$T/lintian-broken.log" 2>&1 &&
    { cat "$T/lintian-broken.log"; fail "lintian does not flag a package without a copyright file"; }
grep -q '^E: addecoy: no-copyright-file' "$T/lintian-broken.log" || { cat "$T/lintian-broken.log"; fail "lintian output"; }

echo "-- install"
dpkg -i "$DEB1" </dev/null >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -i"; }
/usr/bin/decoysvc --version | grep -q "$(dpkg-deb -f "$DEB1" Version | cut -d- -f1)" || fail "decoysvc --version"
/usr/bin/adseed --version | grep -q "^adseed " || fail "adseed --version"
getent passwd addecoy >/dev/null || fail "no addecoy user"
uid=$(id -u addecoy)
[ "$uid" -lt 1000 ] || fail "addecoy is not a system user (uid $uid)"
case "$(getent passwd addecoy | cut -d: -f7)" in */nologin|/bin/false) ;; *) fail "addecoy has a login shell" ;; esac
[ "$(stat -c '%a %U %G' /var/lib/addecoy)" = "700 addecoy addecoy" ] || fail "/var/lib/addecoy: $(stat -c '%a %U %G' /var/lib/addecoy)"
[ "$(stat -c '%a %U %G' /etc/addecoy/decoysvc.json)" = "640 root addecoy" ] || fail "decoysvc.json: $(stat -c '%a %U %G' /etc/addecoy/decoysvc.json)"
for m in decoysvc adseed; do
    zcat "/usr/share/man/man8/$m.8.gz" | grep -q "^\.TH $(echo $m | tr a-z A-Z) 8" || fail "man page $m(8)"
done
/usr/bin/decoysvc check --config /etc/addecoy/decoysvc.json --no-send >"$T/check.log" 2>&1 &&
    fail "the example config's missing secrets went unnoticed"
grep -q 'hec.token' "$T/check.log" || { cat "$T/check.log"; fail "check does not name the missing token file"; }

echo "-- systemd-analyze verify"
command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (apt-get install systemd)"
rc=0; systemd-analyze verify /lib/systemd/system/decoysvc.service >"$T/verify.log" 2>&1 || rc=$?
cat "$T/verify.log"
[ "$rc" = 0 ] || fail "systemd-analyze verify: exit $rc"
grep -i 'decoysvc.service' "$T/verify.log" && fail "systemd-analyze verify complains about the unit"
security=$(systemd-analyze security --offline=true /lib/systemd/system/decoysvc.service 2>/dev/null | tail -1 || true)
echo "systemd-analyze security: ${security:-not available}"

echo "-- edit the conffiles, upgrade to -2, reinstall -2"
sed -i 's/"log_level": "info"/"log_level": "debug"/' /etc/addecoy/decoysvc.json
grep -q '"log_level": "debug"' /etc/addecoy/decoysvc.json || fail "could not edit the conffile"
echo '{"version": 1, "decoys": [{"name": "svc_local_edit"}]}' >/etc/addecoy/inventory.json
touch /var/lib/addecoy/spool-marker
for deb in "$DEB2" "$DEB2"; do
    dpkg -i "$deb" </dev/null >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -i $deb over the installed package"; }
    [ "$(dpkg-query -W -f='${Version}' addecoy)" = "$(dpkg-deb -f "$DEB2" Version)" ] || fail "version after upgrade"
    grep -q '"log_level": "debug"' /etc/addecoy/decoysvc.json || fail "the upgrade replaced the edited decoysvc.json"
    grep -q svc_local_edit /etc/addecoy/inventory.json || fail "the upgrade replaced the edited inventory.json"
    [ "$(stat -c '%a %U %G' /etc/addecoy/decoysvc.json)" = "640 root addecoy" ] || fail "the upgrade changed decoysvc.json's mode"
    [ -e /var/lib/addecoy/spool-marker ] || fail "the upgrade lost the state directory"
    [ "$(id -u addecoy)" = "$uid" ] || fail "the addecoy user changed"
    /usr/bin/decoysvc --version >/dev/null || fail "decoysvc after upgrade"
done

echo "-- remove: programs go, configuration, state and user stay"
dpkg -r addecoy >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -r"; }
[ ! -e /usr/bin/decoysvc ] && [ ! -e /usr/bin/adseed ] || fail "programs left after remove"
[ -f /etc/addecoy/decoysvc.json ] && [ -e /var/lib/addecoy/spool-marker ] || fail "remove deleted configuration or state"
getent passwd addecoy >/dev/null || fail "remove deleted the user"

echo "-- purge: configuration, state, logs and the user go"
dpkg -P addecoy >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -P"; }
for p in /etc/addecoy /var/lib/addecoy /var/log/addecoy /lib/systemd/system/decoysvc.service; do
    [ ! -e "$p" ] || fail "$p left after purge"
done
getent passwd addecoy >/dev/null && fail "the addecoy user is left after purge"
getent group addecoy >/dev/null && fail "the addecoy group is left after purge"
dpkg-query -W addecoy >/dev/null 2>&1 && fail "dpkg still lists addecoy"
echo "PASS"
