#!/usr/bin/env bash
# build-deb.sh - builds the Debian package addecoy_<version>_amd64.deb from this source tree:
#   /usr/bin/decoysvc, /usr/bin/adseed; /etc/addecoy/decoysvc.json and inventory.json (conffiles);
#   the hardened systemd unit (conf/decoysvc.service for /usr/bin and the addecoy user);
#   man pages decoysvc(8), adseed(8) (docs/man); the docs; maintainer scripts (installer/deb) that
#   create the addecoy system user and /var/lib/addecoy (0700). Depends come from dpkg-shlibdeps.
#
# Usage: installer/build-deb.sh [--out DIR] [--build-dir DIR]
#   --out DIR        where the .deb goes (default: build/deb)
#   --build-dir DIR  the release build to package (default: build/release, configured with the
#                    release preset and built here)
# Environment: ADDECOY_DEB_REVISION (default 1): the Debian revision, version <upstream>-<revision>;
#   ADDECOY_DEB_MAINTAINER (default "ADDecoy maintainers <addecoy@example.org>").
# Needs: cmake, gcc, dpkg-dev (dpkg-shlibdeps, dpkg-deb), the -dev packages of the libraries.
# The last line on stdout is the path of the .deb.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$SRC/build/deb
BUILD=
while [ $# -gt 0 ]; do
    case "$1" in
    --out) OUT=$2; shift ;;
    --build-dir) BUILD=$2; shift ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-deb.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
die() { echo "build-deb.sh: error: $*" >&2; exit 1; }
for t in cmake dpkg-deb dpkg-shlibdeps dpkg-architecture strip gzip; do
    command -v "$t" >/dev/null || die "$t not found (apt-get install cmake dpkg-dev binutils gzip)"
done

UPSTREAM=$(sed -n 's/^project(addecoy VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$UPSTREAM" ] || die "no project version in CMakeLists.txt"
REVISION=${ADDECOY_DEB_REVISION:-1}
[[ "$REVISION" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || die "ADDECOY_DEB_REVISION '$REVISION' is not a Debian revision"
VERSION=$UPSTREAM-$REVISION
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
MAINTAINER=${ADDECOY_DEB_MAINTAINER:-ADDecoy maintainers <addecoy@example.org>}

if [ -z "$BUILD" ]; then
    BUILD=$SRC/build/release
    (cd "$SRC" && cmake --preset release >/dev/null && cmake --build --preset release --target decoysvc adseed_cli >/dev/null) ||
        die "release build failed (run: cmake --preset release && cmake --build --preset release)"
fi
for b in svc/decoysvc adseed/adseed; do
    [ -x "$BUILD/$b" ] || die "$BUILD/$b is missing: build the release preset first"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/addecoy-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/addecoy
umask 022
install -d "$ROOT/DEBIAN" "$ROOT/usr/bin" "$ROOT/etc/addecoy" "$ROOT/lib/systemd/system" \
    "$ROOT/usr/share/man/man8" "$ROOT/usr/share/doc/addecoy"

# programs: stripped as Debian wants (no separate -dbgsym package here)
for b in svc/decoysvc adseed/adseed; do
    install -m 0755 "$BUILD/$b" "$ROOT/usr/bin/"
    strip --remove-section=.comment --remove-section=.note --strip-unneeded "$ROOT/usr/bin/$(basename "$b")"
done

# configuration (conffiles): the annotated example config; an empty inventory
install -m 0644 "$SRC/conf/decoysvc.example.json" "$ROOT/etc/addecoy/decoysvc.json"
install -m 0644 "$SRC/installer/deb/inventory.json" "$ROOT/etc/addecoy/inventory.json"
printf '/etc/addecoy/decoysvc.json\n/etc/addecoy/inventory.json\n' >"$ROOT/DEBIAN/conffiles"

# the unit: conf/decoysvc.service with /usr/bin, the addecoy user and a writable log directory
unit=$ROOT/lib/systemd/system/decoysvc.service
sed -e 's|/usr/local/bin/decoysvc|/usr/bin/decoysvc|g' \
    -e 's|^Documentation=.*|Documentation=man:decoysvc(8) file:/usr/share/doc/addecoy/samba.md.gz|' \
    -e 's|^# Runs as root only to read.*|# Runs as the addecoy system user; CAP_DAC_READ_SEARCH (and nothing else) lets it read|' \
    -e 's|^# does not need are removed below.|# Samba'"'"'s root-only logs. All other privileges are removed below.|' \
    -e 's|^User=root$|User=addecoy\nGroup=addecoy\nLogsDirectory=addecoy\nLogsDirectoryMode=0750|' \
    -e '/^ConfigurationDirectory=addecoy$/d' \
    -e 's|^# Hardening: read-only OS, only the state dir is writable.|# Hardening: read-only OS, only the state and log dirs are writable.|' \
    -e 's|^AmbientCapabilities=$|AmbientCapabilities=CAP_DAC_READ_SEARCH|' \
    -e 's|^ReadWritePaths=/var/lib/addecoy$|ReadWritePaths=/var/lib/addecoy /var/log/addecoy|' \
    -e 's|^# pages the SOC. Install: see docs/samba.md.|# pages the SOC. Installed by the addecoy Debian package.|' \
    -e 's|^# secrets: root:root 0600 or root:addecoy 0640)|# secrets: root:addecoy 0640)|' \
    "$SRC/conf/decoysvc.service" | cat -s >"$unit"
chmod 0644 "$unit"
for want in 'ExecStart=/usr/bin/decoysvc run' 'User=addecoy' 'AmbientCapabilities=CAP_DAC_READ_SEARCH' \
    'CapabilityBoundingSet=CAP_DAC_READ_SEARCH' 'StateDirectory=addecoy' 'LogsDirectory=addecoy'; do
    grep -q "^$want" "$unit" || die "conf/decoysvc.service changed: the packaged unit lacks '$want'"
done
grep -q '/usr/local' "$unit" && die "the packaged unit still refers to /usr/local"

# man pages, docs, copyright, changelog
for m in decoysvc adseed; do
    gzip -9n <"$SRC/docs/man/$m.8" >"$ROOT/usr/share/man/man8/$m.8.gz"
done
install -m 0644 "$SRC"/docs/*.md "$SRC/conf/inventory.example.json" "$ROOT/usr/share/doc/addecoy/"
gzip -9n "$ROOT"/usr/share/doc/addecoy/*.md
install -m 0644 "$SRC/installer/deb/copyright" "$ROOT/usr/share/doc/addecoy/copyright"
DATE=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || date +%s)}")
sed -e "s|@VERSION@|$VERSION|" -e "s|@DATE@|$DATE|" -e "s|<addecoy@localhost>|<${MAINTAINER#*<}|" \
    -e "s|^ -- ADDecoy maintainers| -- ${MAINTAINER%% <*}|" \
    "$SRC/installer/deb/changelog" | gzip -9n >"$ROOT/usr/share/doc/addecoy/changelog.Debian.gz"

install -d "$ROOT/usr/share/lintian/overrides"
install -m 0644 "$SRC/installer/deb/lintian-overrides" "$ROOT/usr/share/lintian/overrides/addecoy"

# maintainer scripts
for s in postinst prerm postrm; do
    install -m 0755 "$SRC/installer/deb/$s" "$ROOT/DEBIAN/$s"
done

# Depends from the shared libraries the programs link (dpkg-shlibdeps wants a debian/control)
mkdir -p "$WORK/shlibs/debian"
printf 'Source: addecoy\n\nPackage: addecoy\nArchitecture: any\n' >"$WORK/shlibs/debian/control"
SHLIBS=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O "$ROOT/usr/bin/decoysvc" "$ROOT/usr/bin/adseed" 2>"$WORK/shlibdeps.log") ||
    { cat "$WORK/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
DEPENDS=$(printf '%s\n' "$SHLIBS" | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || die "dpkg-shlibdeps found no dependency"

SIZE=$(du -k -s --exclude=DEBIAN "$ROOT" | cut -f1)
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: addecoy
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $SIZE
Depends: adduser, $DEPENDS
Suggests: samba-ad-dc
Section: admin
Priority: optional
Description: decoy accounts in Active Directory and the service that pages the SOC
 ADDecoy plants decoy ("honey") accounts in Active Directory or a Samba AD DC
 that no legitimate user or process ever touches, and watches for any use of
 them: a Kerberos service ticket request (Kerberoasting), an AS-REP roast, a
 failed or successful logon, an enumeration read.
 .
 adseed creates, verifies, trips, reports on and retires the decoys over LDAP.
 decoysvc follows a Samba AD DC's logs (or rendered Windows event XML) and
 sends one alert per trip to Splunk HEC, Slack, Teams, PagerDuty, a signed
 webhook, syslog/CEF or a file, without losing alerts when a sink is down.
CONTROL

mkdir -p "$OUT"
DEB=$OUT/addecoy_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
echo "build-deb.sh: built $DEB (Depends: adduser, $DEPENDS)" >&2
echo "$DEB"
