#!/usr/bin/env bash
# wine-run.sh - runs a cross-built Windows program under Wine for tests (CMAKE_CROSSCOMPILING_EMULATOR):
# quiet Wine (no debug channels, no Mono/Gecko prompts), a Wine prefix that is created once
# (WINEPREFIX, default /var/cache/addecoy/wine-tests) and a wineserver kept alive between runs
# (0.1 s per program instead of 3-6 s); ADDECOY_WINE_OVERRIDES adds DLL overrides (e.g. "wevtapi=n,b"
# for the test-only fake wevtapi.dll). The program's exit status is passed through (Wine cuts it
# to 8 bits).
set -u
export WINEDEBUG=-all
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}${ADDECOY_WINE_OVERRIDES:+;$ADDECOY_WINE_OVERRIDES}"
export WINEPREFIX="${WINEPREFIX:-${ADDECOY_CACHE:-/var/cache/addecoy}/wine-tests}"
export WINEARCH=win64
if [ ! -f "$WINEPREFIX/.addecoy-ready" ]; then
    mkdir -p "$(dirname "$WINEPREFIX")"
    (
        flock 9
        if [ ! -f "$WINEPREFIX/.addecoy-ready" ]; then
            echo "wine-run.sh: creating Wine prefix $WINEPREFIX (once, ~10 s)" >&2
            wineboot -i >/dev/null 2>&1 9>&- && wineserver -w 9>&- && touch "$WINEPREFIX/.addecoy-ready"
        fi
    ) 9>"$WINEPREFIX.lock"
    [ -f "$WINEPREFIX/.addecoy-ready" ] || { echo "wine-run.sh: wineboot failed for $WINEPREFIX" >&2; exit 125; }
fi
# A persistent server that lingers 60 s after its last client. When this call starts it, Wine's
# system processes (services.exe, explorer.exe...) are started right away with no stdio: started by
# the test program they would inherit ctest's output pipe and ctest would wait for them (60 s).
(
    flock 8
    if wineserver -p60 </dev/null >/dev/null 2>&1 8>&-; then
        wine cmd /c exit </dev/null >/dev/null 2>&1 8>&- || true
    fi
) 8>"$WINEPREFIX.lock"
exec wine "$@"
