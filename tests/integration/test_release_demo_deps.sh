#!/usr/bin/env bash
# ./demo.sh on a fresh machine: the release preset must configure and build with only the packages
# `tests/lib/install-deps.sh --demo` installs (and what they pull in), i.e. without cmocka. The
# .pc files visible to pkg-config are limited to those packages' files (PKG_CONFIG_LIBDIR). Also
# checks the other side: the debug preset (./test.sh) stops at configure time when cmocka is
# missing, and a release build without cmocka carries a failing unit.cmocka_missing test, so the
# unit tests are never skipped silently.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
SRC=${ADDECOY_SRC:?}
command -v dpkg-query >/dev/null && command -v apt-cache >/dev/null || { echo "SKIP: not a Debian system"; exit 77; }
T=$(mktemp -d /tmp/addecoy-demodeps.XXXXXX)
trap 'rm -rf "$T"' EXIT

mapfile -t demo < <("$SRC/tests/lib/install-deps.sh" --demo --list)
[ ${#demo[@]} -gt 5 ] || fail "install-deps.sh --demo --list printed ${#demo[*]}"
# The --demo packages and everything they depend on (what a fresh machine has after install-deps).
apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${demo[@]}" 2>/dev/null | sed -n 's/^\([^ <][^ :]*\).*$/\1/p' |
    sort -u >"$T/closure"
grep -qx libcmocka-dev "$T/closure" && fail "libcmocka-dev is in the --demo closure: the test proves nothing"
mkdir "$T/pc"
while read -r p; do
    dpkg-query -L "$p" 2>/dev/null | grep '\.pc$' || true
done <"$T/closure" | sort -u | while read -r f; do [ -f "$f" ] && cp "$f" "$T/pc/"; done
for m in libxml-2.0 jansson libcurl ldap lber libsasl2 libcrypto zlib; do
    [ -f "$T/pc/$m.pc" ] || fail "$m.pc is not in the --demo package set (${demo[*]})"
done
[ -e "$T/pc/cmocka.pc" ] && fail "cmocka.pc leaked into the --demo set"
echo "-- $(ls "$T/pc" | wc -l) .pc files from $(wc -l <"$T/closure") packages visible"
export PKG_CONFIG_LIBDIR="$T/pc"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
pkg-config --exists cmocka && fail "pkg-config still finds cmocka"

echo "-- release preset: configure and build without cmocka"
(cd "$SRC" && cmake --preset release -B "$T/release") >"$T/release.log" 2>&1 ||
    { cat "$T/release.log"; fail "release configure failed with only the --demo packages"; }
cmake --build "$T/release" -j2 --target decoysvc adseed_cli >>"$T/release.log" 2>&1 ||
    { tail -40 "$T/release.log"; fail "release build failed with only the --demo packages"; }
"$T/release/svc/decoysvc" --version && "$T/release/adseed/adseed" --version ||
    fail "the demo's programs do not run"

echo "-- without cmocka, ctest fails (unit.cmocka_missing) instead of skipping the unit tests"
ctest --test-dir "$T/release" -N >"$T/ctest-n.log" 2>&1 || true
grep -q 'unit.cmocka_missing' "$T/ctest-n.log" || { cat "$T/ctest-n.log"; fail "no unit.cmocka_missing test registered"; }
grep -q 'unit.test_' "$T/ctest-n.log" && fail "unit tests registered without cmocka"
ctest --test-dir "$T/release" -R '^unit\.' >"$T/ctest.log" 2>&1 && { cat "$T/ctest.log"; fail "unit tests passed without cmocka"; }
grep -q 'cmocka_missing.*Failed' "$T/ctest.log" || { cat "$T/ctest.log"; fail "ctest output"; }

echo "-- debug preset (./test.sh): configure stops loudly without cmocka"
if (cd "$SRC" && cmake --preset debug -B "$T/debug") >"$T/debug.log" 2>&1; then
    fail "debug preset configured without cmocka"
fi
grep -q 'cmocka not found' "$T/debug.log" || { cat "$T/debug.log"; fail "debug configure error does not name cmocka"; }
echo "PASS"
