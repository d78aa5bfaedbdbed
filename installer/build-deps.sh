#!/usr/bin/env bash
# build-deps.sh - cross-builds ADDecoy's dependencies as static x86_64-w64-mingw32 libraries from
# Debian's own source packages (apt-get source) into one prefix cached outside the clone:
#
#   ${ADDECOY_CACHE:-/var/cache/addecoy}/mingw-deps-<hash>/   (include/, lib/, lib/pkgconfig/)
#
# <hash> covers this script's content and the source package versions used, so a change to either
# builds a new prefix; an existing complete prefix is reused at once. Libraries: jansson, libxml2,
# curl (Schannel), openssl (for OpenLDAP's TLS), cyrus-sasl2, openldap (libldap, liblber) and cmocka
# (unit tests only). Versions: the newest source version the configured apt mirrors offer (a newer
# security update whose .dsc is missing on the mirror falls back to the next one), or pinned with
# ADDECOY_PIN_<pkg>=<version> (pkg with '-' as '_', e.g. ADDECOY_PIN_cyrus_sasl2=2.1.28+dfsg-10).
#
# Usage: build-deps.sh [--print-prefix] [--force]
#   --print-prefix  only print the prefix that would be used (and whether it is complete), build nothing
#   --force         rebuild even when the cached prefix is complete
# Needs root (/var/cache) unless ADDECOY_CACHE points somewhere writable. apt runs with a private
# sources file and lists under $ADDECOY_CACHE/apt-src (deb-src entries derived from the machine's deb
# entries): the machine's apt configuration is not changed. The last line on stdout is the prefix.
# Progress goes to stderr; each library's build log is kept in <prefix>.build/logs/ and shown (tail)
# when a step fails.
set -euo pipefail

HOST=x86_64-w64-mingw32
PACKAGES=(jansson libxml2 curl openssl cyrus-sasl2 openldap cmocka)
SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")
CACHE_ROOT=${ADDECOY_CACHE:-/var/cache/addecoy}
JOBS=${ADDECOY_JOBS:-$(nproc 2>/dev/null || echo 2)}
PRINT_ONLY=0
FORCE=0
for a in "$@"; do
    case "$a" in
    --print-prefix) PRINT_ONLY=1 ;;
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,23p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-deps.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
    esac
done

T0=$(date +%s)
say() { printf '[build-deps %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() { printf 'build-deps.sh: error: %s\n' "$*" >&2; exit 1; }

need_tools() {
    local t missing=()
    for t in "$HOST-gcc" "$HOST-ar" "$HOST-ranlib" "$HOST-windres" cmake make autoreconf libtoolize \
        dpkg-source apt-get apt-cache patch perl pkg-config sha256sum; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (run installer/prepare-windows.sh)"
}

# --- apt plumbing (excluded from the cache key: the source versions it finds are in the key) ---
# apt is used with a private configuration under $CACHE_ROOT/apt-src: deb-src entries copied from the
# machine's deb entries, and their own package lists. The machine's apt sources and lists are never
# changed. APT runs apt-get/apt-cache with it.
APT_DIR="$CACHE_ROOT/apt-src"
APT_OPTS=(-o "Dir::Etc::sourcelist=$APT_DIR/sources.list" -o "Dir::Etc::sourceparts=$APT_DIR/sources.list.d"
          -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
apt_private() { local cmd=$1; shift; "$cmd" "${APT_OPTS[@]}" "$@"; }

ensure_deb_src() {
    local f
    mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial" 2>/dev/null ||
        die "cannot create $APT_DIR (run as root or set ADDECOY_CACHE to a writable directory)"
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        case "$f" in *addecoy-deb-src*) continue ;; esac
        grep -q 'debian' "$f" || continue
        sed -e 's/^Types:.*deb\b.*$/Types: deb-src/' "$f"; echo
    done >"$APT_DIR/sources.list.d/deb-src.sources.new"
    if [ -s "$APT_DIR/sources.list.d/deb-src.sources.new" ]; then
        mv "$APT_DIR/sources.list.d/deb-src.sources.new" "$APT_DIR/sources.list.d/deb-src.sources"
    else
        rm -f "$APT_DIR/sources.list.d/deb-src.sources"*
    fi
    if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list
    fi >"$APT_DIR/sources.list"
    # Refresh the private lists when there are none yet or they are older than a day.
    if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*' -mmin -1440 -print -quit)" ]; then
        say "updating the private deb-src lists in $APT_DIR (the machine's apt sources are not changed)"
        apt_private apt-get update -q >&2 || die "apt-get update (private deb-src lists in $APT_DIR) failed"
    fi
    apt_private apt-cache showsrc jansson 2>/dev/null | grep -q '^Version:' ||
        die "apt knows no source packages: no Debian deb entries in /etc/apt/sources.list{,.d} to copy"
}
# --- end apt plumbing ---

# Versions of a source package, newest first (or the pinned one only).
versions_of() {
    local pkg=$1 pin_var="ADDECOY_PIN_${1//-/_}"
    if [ -n "${!pin_var:-}" ]; then echo "${!pin_var}"; return 0; fi
    apt_private apt-cache showsrc "$pkg" | awk -v p="$pkg" '/^Package:/{ok=($2==p)} ok && /^Version:/{print $2}' |
        sort -u | sort -r -V -t: -k1,1 | {
        # sort by dpkg's rules (insertion sort; the lists are short)
        local -a vs=(); local v i j t
        while read -r v; do vs+=("$v"); done
        for ((i = 1; i < ${#vs[@]}; i++)); do
            for ((j = i; j > 0; j--)); do
                if dpkg --compare-versions "${vs[j]}" gt "${vs[j - 1]}"; then
                    t=${vs[j]}; vs[j]=${vs[j - 1]}; vs[j - 1]=$t
                fi
            done
        done
        printf '%s\n' "${vs[@]}"
    }
}

need_tools
ensure_deb_src
declare -A VERSIONS
# The key covers the script without its apt plumbing block (which changes how sources are found, not
# what is built: the versions found are part of the key).
KEY_INPUT=$(sed '/^# --- apt plumbing/,/^# --- end apt plumbing/d' "$SCRIPT_PATH" | sha256sum | cut -d' ' -f1)
for p in "${PACKAGES[@]}"; do
    VERSIONS[$p]=$(versions_of "$p" | tr '\n' ' ')
    [ -n "${VERSIONS[$p]// /}" ] || die "apt-cache showsrc knows no version of source package $p"
    KEY_INPUT+=" $p=${VERSIONS[$p]}"
done
HASH=$(printf '%s' "$KEY_INPUT" | sha256sum | cut -c1-16)
PREFIX="$CACHE_ROOT/mingw-deps-$HASH"

if [ "$PRINT_ONLY" = 1 ]; then
    [ -f "$PREFIX/.complete" ] && say "complete" || say "not built yet"
    echo "$PREFIX"; exit 0
fi
if [ -f "$PREFIX/.complete" ] && [ "$FORCE" = 0 ]; then
    say "cached: $PREFIX"
    ln -sfn "$PREFIX" "$CACHE_ROOT/mingw-deps-current"
    echo "$PREFIX"; exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/mingw-deps.lock"
flock 9 # one build at a time; a second caller waits and then finds the prefix complete
if [ -f "$PREFIX/.complete" ] && [ "$FORCE" = 0 ]; then echo "$PREFIX"; exit 0; fi

WORK="$PREFIX.build"
[ "$FORCE" = 1 ] && rm -rf "$PREFIX" "$WORK"
mkdir -p "$PREFIX"/{include,lib/pkgconfig} "$WORK"/{src,logs,stamps}
say "prefix $PREFIX (scratch $WORK, $JOBS jobs)"

# Runs "$@" with output to the library's log; on failure shows the log's tail and stops.
run() {
    local log="$WORK/logs/$CUR.log"
    echo "+ $*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "$CUR: '$*' failed (full log: $log)"
    fi
}

# apt-get source of the newest downloadable version; sets SRC to the unpacked tree.
fetch() {
    local pkg=$1 v dsc
    cd "$WORK/src"
    for v in ${VERSIONS[$pkg]}; do
        dsc=$(ls "${pkg}_${v#*:}.dsc" 2>/dev/null || true)
        if [ -z "$dsc" ]; then
            say "$pkg: fetching source $v"
            if ! apt_private apt-get source -q --download-only "$pkg=$v" >>"$WORK/logs/$pkg.log" 2>&1; then
                say "$pkg: source $v not downloadable, trying an older one"
                continue
            fi
            dsc="${pkg}_${v#*:}.dsc"
        fi
        rm -rf "$WORK/src/$pkg"
        run dpkg-source -x "$dsc" "$WORK/src/$pkg"
        SRC="$WORK/src/$pkg"
        echo "$pkg $v" >>"$PREFIX/VERSIONS"
        return 0
    done
    die "$pkg: no source version could be downloaded (tried: ${VERSIONS[$pkg]})"
}

# A CMake toolchain for the dependencies themselves.
cat >"$WORK/deps-toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST "$PREFIX")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF

cmake_lib() { # cmake_lib <src> <extra -D...>
    local src=$1; shift
    run cmake -S "$src" -B "$WORK/b-$CUR" -DCMAKE_TOOLCHAIN_FILE="$WORK/deps-toolchain.cmake" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
        -DBUILD_SHARED_LIBS=OFF "$@"
    run cmake --build "$WORK/b-$CUR" -j "$JOBS"
    run cmake --install "$WORK/b-$CUR"
}

# Appends text to a .pc file's Cflags or Libs.private line.
pc_add() { # pc_add <file.pc> <Field> <text>
    grep -q -- "$3" "$1" && return 0
    if grep -q "^$2:" "$1"; then sed -i "s|^$2:\(.*\)$|$2:\1 $3|" "$1"; else echo "$2: $3" >>"$1"; fi
}

build_jansson() {
    fetch jansson
    cmake_lib "$SRC" -DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON \
        -DJANSSON_BUILD_DOCS=OFF
}

build_libxml2() {
    fetch libxml2
    cmake_lib "$SRC" -DLIBXML2_WITH_ICONV=OFF -DLIBXML2_WITH_LZMA=OFF -DLIBXML2_WITH_ZLIB=OFF \
        -DLIBXML2_WITH_PYTHON=OFF -DLIBXML2_WITH_PROGRAMS=OFF -DLIBXML2_WITH_TESTS=OFF \
        -DHAVE_PTHREAD_H=OFF -DCMAKE_C_FLAGS=-DLIBXML_STATIC
    pc_add "$PREFIX/lib/pkgconfig/libxml-2.0.pc" Cflags -DLIBXML_STATIC
}

build_curl() {
    fetch curl
    cmake_lib "$SRC" -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_USE_SCHANNEL=ON \
        -DCURL_USE_OPENSSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBPSL=OFF -DUSE_LIBIDN2=OFF \
        -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF \
        -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON
    pc_add "$PREFIX/lib/pkgconfig/libcurl.pc" Cflags -DCURL_STATICLIB
}

build_openssl() {
    fetch openssl
    cd "$SRC"
    run ./Configure mingw64 --cross-compile-prefix=$HOST- no-shared no-module no-tests \
        --prefix="$PREFIX" --libdir=lib
    run make -j "$JOBS" build_libs
    run make install_dev
}

build_cyrus_sasl2() {
    fetch cyrus-sasl2
    cd "$SRC"
    # Debian's 0008 keeps the static plugins out of libsasl2.a (undefined *_plug_init): revert it.
    run patch -R -p1 -i debian/patches/0008-Don-t-overwrite-PIC-objects-with-non-PIC-variant.patch
    # the headers always say dllimport: add a LIBSASL_STATIC switch.
    run perl -0pi -e 's/#ifdef WIN32\n# ifdef LIBSASL_EXPORTS/#if defined(WIN32) && !defined(LIBSASL_STATIC)\n# ifdef LIBSASL_EXPORTS/g' include/prop.h
    grep -q 'defined(WIN32) && !defined(LIBSASL_STATIC)' include/prop.h || die "cyrus-sasl2: prop.h patch failed"
    # config.h for mingw: lean windows.h, winsock2 + ws2tcpip + tchar (as MSYS2's patches do).
    run perl -0pi -e 's/#else \/\* WIN32 \*\/\n# include <winsock2.h>/#else \/* WIN32 *\/\n# ifndef WIN32_LEAN_AND_MEAN\n#  define WIN32_LEAN_AND_MEAN\n# endif\n# include <winsock2.h>\n# include <ws2tcpip.h>\n# include <tchar.h>/' configure.ac
    grep -q '<ws2tcpip.h>' configure.ac || die "cyrus-sasl2: configure.ac patch failed"
    # the generated md5global.h would have the build machine's type sizes: use the shipped win32 one.
    run perl -0pi -e 's/md5global\.h: makemd5\$\(BUILD_EXEEXT\) Makefile\n\t-rm -f \$@\n\t\.\/\$< \$@/md5global.h: \$(top_srcdir)\/win32\/include\/md5global.h\n\tcp \$(top_srcdir)\/win32\/include\/md5global.h \$@/' include/Makefile.am
    grep -q 'cp $(top_srcdir)/win32/include/md5global.h' include/Makefile.am || die "cyrus-sasl2: md5global patch failed"
    rm -f config.cache
    run autoreconf -fi
    rm -f config.cache
    run env ipv6_cv_socklen_t=yes ipv6_cv_ss_family=yes \
        CPPFLAGS="-I$PREFIX/include -DLIBSASL_STATIC -DUNICODE -D_UNICODE" LDFLAGS="-L$PREFIX/lib" \
        LIBS="-lws2_32 -lgdi32 -lcrypt32" \
        ./configure --host=$HOST --prefix="$PREFIX" --enable-static --disable-shared --with-openssl=yes \
        --disable-gssapi --without-saslauthd --without-pwcheck --without-authdaemond --with-dblib=none \
        --disable-sample --disable-ldapdb --disable-sql --cache-file=/dev/null
    # the tarball ships a Linux md5global.h (64-bit "long"), newer than the rule's input: replace it
    cp win32/include/md5global.h include/md5global.h
    run make -j "$JOBS" SUBDIRS="include sasldb common lib plugins"
    run make SUBDIRS="include lib" install
    run cp libsasl2.pc "$PREFIX/lib/pkgconfig/libsasl2.pc"
    pc_add "$PREFIX/lib/pkgconfig/libsasl2.pc" Cflags -DLIBSASL_STATIC
    pc_add "$PREFIX/lib/pkgconfig/libsasl2.pc" Libs.private "-lcrypto -lws2_32 -lgdi32 -lcrypt32"
    [ -f "$PREFIX/lib/libsasl2.a" ] || die "cyrus-sasl2: libsasl2.a not installed"
}

build_openldap() {
    fetch openldap
    cd "$SRC"
    # include/ac/time.h redefines struct timespec that MinGW already has (as MSYS2 guards it).
    run sed -i 's/#if defined(_WIN32) && !defined(HAVE_CLOCK_GETTIME)/#if defined(_WIN32) \&\& !defined(HAVE_CLOCK_GETTIME) \&\& !defined(_TIMESPEC_DEFINED)/' include/ac/time.h
    run env ac_cv_header_regex_h=yes ac_cv_search_regfree="none required" ol_cv_c_posix_regex=yes \
        ac_cv_type_socklen_t=yes ol_cv_winsock=ws2_32 ac_cv_func_memcmp_working=yes \
        ol_cv_inet6_addrstrlen=yes ol_cv_struct_sockaddr_storage=yes \
        CC=$HOST-gcc AR=$HOST-ar RANLIB=$HOST-ranlib STRIP=$HOST-strip \
        CPPFLAGS="-I$PREFIX/include -DLIBSASL_STATIC" LDFLAGS="-L$PREFIX/lib" \
        LIBS="-lcrypto -lws2_32 -lgdi32 -lcrypt32" \
        ./configure --host=$HOST --prefix="$PREFIX" --libdir="$PREFIX/lib" --sysconfdir=C:/ProgramData/ADDecoy \
        --enable-static --disable-shared --disable-slapd --with-tls=openssl --with-cyrus-sasl
    run make -C include
    run make -j "$JOBS" -C libraries/liblber liblber.la
    run make -j "$JOBS" -C libraries/libldap libldap.la
    run make -C include install
    run make -C libraries/liblber install
    run make -C libraries/libldap install
    run make -C libraries install-local
    local pc
    for pc in ldap lber; do
        [ -f "$PREFIX/lib/pkgconfig/$pc.pc" ] || die "openldap: $pc.pc not installed"
    done
    pc_add "$PREFIX/lib/pkgconfig/ldap.pc" Libs.private "-lsasl2 -lssl -lcrypto -lws2_32 -lgdi32 -lcrypt32"
    pc_add "$PREFIX/lib/pkgconfig/ldap.pc" Cflags -DLIBSASL_STATIC
}

build_cmocka() {
    fetch cmocka
    cmake_lib "$SRC" -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF
    # only the static library: link consumers against it under the usual name.
    cp "$WORK/b-cmocka/src/libcmocka-static.a" "$PREFIX/lib/libcmocka.a"
    rm -f "$PREFIX/lib/libcmocka.dll.a" "$PREFIX/bin/libcmocka.dll"
}

ORDER=(jansson libxml2 curl openssl cyrus-sasl2 openldap cmocka)
i=0
for CUR in "${ORDER[@]}"; do
    i=$((i + 1))
    if [ -f "$WORK/stamps/$CUR" ]; then say "[$i/${#ORDER[@]}] $CUR: already built"; continue; fi
    say "[$i/${#ORDER[@]}] $CUR: building (log: $WORK/logs/$CUR.log)"
    : >"$WORK/logs/$CUR.log"
    "build_${CUR//-/_}"
    touch "$WORK/stamps/$CUR"
    say "[$i/${#ORDER[@]}] $CUR: done"
done

# Every .pc must point at this prefix; every library must be a static archive for $HOST.
for lib in jansson xml2 curl ssl crypto sasl2 ldap lber cmocka; do
    [ -f "$PREFIX/lib/lib$lib.a" ] || die "missing $PREFIX/lib/lib$lib.a"
done
rm -f "$PREFIX"/lib/*.dll.a
sort -u -o "$PREFIX/VERSIONS" "$PREFIX/VERSIONS"
rm -rf "$WORK"
date -u +%Y-%m-%dT%H:%M:%SZ >"$PREFIX/.complete"
ln -sfn "$PREFIX" "$CACHE_ROOT/mingw-deps-current"
say "complete: $PREFIX ($(du -sh "$PREFIX" | cut -f1))"
echo "$PREFIX"
