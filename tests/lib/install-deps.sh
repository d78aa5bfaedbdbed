#!/usr/bin/env bash
# Installs the Debian 12 packages ADDecoy needs to build and test natively (skips apt when all are
# present). Usage: tests/lib/install-deps.sh [--demo]   (--demo: only what ./demo.sh needs)
set -euo pipefail

BUILD_PKGS=(gcc make cmake pkg-config libldap2-dev libsasl2-dev libcurl4-openssl-dev libjansson-dev
            libxml2-dev libssl-dev python3 ca-certificates openssl)
DC_PKGS=(samba samba-ad-dc samba-ad-provision krb5-user ldap-utils winbind libsasl2-modules-gssapi-mit)
TEST_PKGS=(libcmocka-dev rsyslog procps psmisc iproute2 util-linux)

pkgs=("${BUILD_PKGS[@]}" "${DC_PKGS[@]}")
[ "${1:-}" = "--demo" ] || pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#pkgs[@]} packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the Samba and rsyslog services on install on some images: the tests run their own.
for s in samba-ad-dc smbd nmbd winbind rsyslog; do
    systemctl stop "$s" >/dev/null 2>&1 || true
done
echo "install-deps: done"
