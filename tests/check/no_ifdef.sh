#!/usr/bin/env bash
# no_ifdef.sh - platform code lives in *_win.c / *_posix.c files and in the portability layer's
# headers (svc/base/*.h): any other #if/#ifdef/#ifndef/#elif on a platform macro (_WIN32,
# __MINGW32__, _MSC_VER, __linux__ ...) in adseed/, evtx/ or svc/ is reported as file:line; exit 1
# if there is one. (Tests may skip a case per platform: tests/ is not checked.)
set -euo pipefail
cd "${ADDECOY_SRC:-$(dirname "$0")/../..}"
macros='_WIN32|_WIN64|WIN32|__MINGW32__|__MINGW64__|_MSC_VER|__CYGWIN__|__linux__|__APPLE__|__unix__'
bad=0
while IFS=: read -r file line text; do
    case "$file" in
        *_win.c | *_posix.c | svc/base/*.h) continue ;;
    esac
    echo "no_ifdef: $file:$line: platform conditional outside *_win.c / *_posix.c / svc/base/*.h: $text"
    bad=1
done < <(grep -rnE --include='*.c' --include='*.h' \
    "^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\\b.*\\b($macros)\\b" adseed evtx svc || true)
[ "$bad" = 0 ] && echo "no_ifdef: no platform conditional outside *_win.c, *_posix.c and svc/base/*.h"
exit "$bad"
