#!/usr/bin/env bash
# private_headers.sh - a private header (*_int.h, *_internal.h) is included only from its own folder
# (tests excepted: they may test a folder's internals). Prints each offending include; exit 1 if any.
set -euo pipefail
cd "${ADDECOY_SRC:-$(dirname "$0")/../..}"
bad=0
while IFS=: read -r file _ line; do
    inc=$(sed -n 's/.*#include "\([^"]*\)".*/\1/p' <<<"$line")
    [ -n "$inc" ] || continue
    if [ "$(dirname "$inc")" != "$(dirname "$file")" ]; then
        echo "private_headers: $file includes $inc, private to $(dirname "$inc")/"
        bad=1
    fi
done < <(grep -rn --include='*.c' --include='*.h' -E '#include "[^"]*_(int|internal)\.h"' adseed evtx svc)
[ "$bad" = 0 ] && echo "private_headers: every private header is used only in its folder"
exit "$bad"
