#!/usr/bin/env bash
# format.sh - every C file of the tree (git ls-files *.c *.h, tests/fixtures/ excepted) is formatted
# as .clang-format says. Prints each file that differs; exit 1 if any, 77 (SKIP) without
# clang-format or outside a git checkout.
#   tests/check/format.sh          check
#   tests/check/format.sh --fix    rewrite the files in place (then review and commit the diff)
set -euo pipefail
cd "${ADDECOY_SRC:-$(dirname "$0")/../..}"
fix=0
case "${1:-}" in
    --fix) fix=1 ;;
    "") ;;
    *) echo "format.sh: unknown option $1 (--fix)" >&2; exit 2 ;;
esac
cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null; then
    echo "format: SKIP: $cf is not installed (apt-get install clang-format)"
    exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "format: SKIP: not a git checkout (the file list comes from git ls-files)"
    exit 77
fi
if ! "$cf" --style=file --assume-filename=x.c --dump-config >/dev/null; then
    echo "format: $cf cannot read .clang-format"
    exit 1
fi
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^tests/fixtures/')
if [ "$fix" = 1 ]; then
    printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$cf" -i --style=file
    echo "format: formatted ${#files[@]} files; review with git diff"
    exit 0
fi
# one clang-format run over all the files; it names each line that differs
mapfile -t bad < <(printf '%s\0' "${files[@]}" | xargs -0 -n 100 "$cf" --style=file --dry-run 2>&1 |
                   sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | uniq |
                   sort -u)
for f in "${bad[@]}"; do
    echo "format: $f differs from .clang-format"
done
if [ ${#bad[@]} -gt 0 ]; then
    echo "format: ${#bad[@]} of ${#files[@]} files differ; tests/check/format.sh --fix rewrites them"
    exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
