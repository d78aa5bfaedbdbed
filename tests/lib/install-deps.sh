#!/usr/bin/env bash
# Installs the Debian 12 packages ADDecoy needs to build and test natively (skips apt when all are
# present).
#   tests/lib/install-deps.sh            everything ./test.sh needs
#   tests/lib/install-deps.sh --demo     only what ./demo.sh needs (build + Samba AD DC; no test tools)
#   tests/lib/install-deps.sh [--demo] --list   print the package names, install nothing
# chromium (the HTML report's rendering test) and clang (the fuzz smoke) are optional: when they cannot be installed, those tests
# skip visibly.
set -euo pipefail

BUILD_PKGS=(gcc make cmake pkg-config libldap2-dev libsasl2-dev libcurl4-openssl-dev libjansson-dev
            libxml2-dev libssl-dev zlib1g-dev python3 ca-certificates openssl)
DC_PKGS=(samba samba-ad-dc samba-ad-provision krb5-user ldap-utils winbind libsasl2-modules-gssapi-mit)
TEST_PKGS=(libcmocka-dev rsyslog procps psmisc iproute2 util-linux
           dpkg-dev lintian adduser systemd tidy clang-format cppcheck)
OPTIONAL_TEST_PKGS=(chromium clang)

demo=0
list=0
for a in "$@"; do
    case "$a" in
        --demo) demo=1 ;;
        --list) list=1 ;;
        *) echo "install-deps: unknown option $a" >&2; exit 2 ;;
    esac
done
pkgs=("${BUILD_PKGS[@]}" "${DC_PKGS[@]}")
optional=()
if [ "$demo" = 0 ]; then
    pkgs+=("${TEST_PKGS[@]}")
    optional=("${OPTIONAL_TEST_PKGS[@]}")
fi
if [ "$list" = 1 ]; then
    printf '%s\n' "${pkgs[@]}"
    exit 0
fi

missing_of() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
    done
}
mapfile -t missing < <(missing_of "${pkgs[@]}")
mapfile -t missing_opt < <(missing_of "${optional[@]}")
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_opt[@]} -eq 0 ]; then
    echo "install-deps: all $(( ${#pkgs[@]} + ${#optional[@]} )) packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]} ${missing_opt[*]}); run as root or install them" >&2
    [ ${#missing[@]} -eq 0 ] && exit 0
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#missing_opt[@]} -gt 0 ]; then
    echo "install-deps: installing (optional) ${missing_opt[*]}"
    apt-get install -y -qq --no-install-recommends "${missing_opt[@]}" >/dev/null ||
        echo "install-deps: warning: could not install ${missing_opt[*]}; the tests that need it will skip" >&2
fi
# Debian starts the Samba and rsyslog services on install on some images: the tests run their own.
for s in samba-ad-dc smbd nmbd winbind rsyslog; do
    systemctl stop "$s" >/dev/null 2>&1 || true
done
echo "install-deps: done"
