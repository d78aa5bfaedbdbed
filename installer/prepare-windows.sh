#!/usr/bin/env bash
# prepare-windows.sh - readies a Debian 12 machine (as root) for the Windows side of ADDecoy: installs
# MinGW-w64, Wine, wixl/msitools and the autotools, then builds (or finds cached) the static MinGW
# dependency prefix with build-deps.sh. Idempotent; used by CI before `cmake --workflow --preset mingw`.
# Prints the dependency prefix as its last line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKGS=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools libz-mingw-w64-dev wine wine64 wixl msitools
      autoconf automake libtool dpkg-dev patch perl cmake make pkg-config ca-certificates)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "prepare-windows.sh: need root to install: ${missing[*]}" >&2; exit 1; }
    echo "prepare-windows.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
# MinGW's gcc must use the win32 thread model (no libwinpthread DLL in static exes).
x86_64-w64-mingw32-gcc -v 2>&1 | grep -q 'Thread model: win32' ||
    update-alternatives --set x86_64-w64-mingw32-gcc /usr/bin/x86_64-w64-mingw32-gcc-win32 >&2
exec bash "$here/build-deps.sh"
