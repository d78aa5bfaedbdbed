#!/usr/bin/env python3
"""option_docs.py - the key tables of the docs agree with the option maps of the code.

Every key decoysvc accepts is declared once, in an option map (svc/optmap.h): the config's top level
and sections (svc/config.c), an input (svc/config_input.c), each sink type (svc/sink/). The docs
document each map in a table that follows a marker line `<!-- keys: MAP -->`; the first column
holds the keys in backticks (several per cell allowed: `a` / `b`). In the `config` table a dotted
key `spool.max_mb` is key `max_mb` of map `spool` (and makes `spool` a documented top-level key).

    option_docs.py DECOYSVC [DOC.md ...]   exit 1, naming each missing or extra key

DECOYSVC is run as `DECOYSVC check --list-keys` (one key per line: MAP, KEY, TYPE, ...). A map the
binary does not have on this platform (eventlog, Windows only) is reported as not checked.
"""
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = ("docs/configuration.md", "docs/sinks.md", "docs/windows.md")
PLATFORM_ONLY = {"eventlog"}  # maps compiled only on Windows
MARKER = re.compile(r"^<!--\s*keys:\s*([\w-]+)\s*-->\s*$")


def code_keys(decoysvc):
    out = subprocess.run([decoysvc, "check", "--list-keys"], check=True, capture_output=True, text=True).stdout
    keys = collections.defaultdict(set)
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            sys.exit(f"option_docs: unexpected line from --list-keys: {line!r}")
        keys[fields[0]].add(fields[1])
    if not keys:
        sys.exit("option_docs: `decoysvc check --list-keys` printed no key")
    return keys


def doc_tables(paths):
    """{map: {key: 'file:line'}} from the marked tables."""
    keys = collections.defaultdict(dict)
    seen = {}
    for rel in paths:
        path = os.path.join(ROOT, rel) if not os.path.isabs(rel) else rel
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        i = 0
        while i < len(lines):
            m = MARKER.match(lines[i])
            i += 1
            if not m:
                continue
            name = m.group(1)
            if name in seen:
                sys.exit(f"option_docs: {rel}:{i}: a second table for map {name} (the first is at {seen[name]})")
            seen[name] = f"{rel}:{i}"
            if i >= len(lines) or not lines[i].startswith("|"):
                sys.exit(f"option_docs: {rel}:{i}: the marker for {name} is not followed by a table")
            i += 2  # header and separator
            while i < len(lines) and lines[i].startswith("|"):
                first = lines[i].split("|")[1]
                for key in re.findall(r"`([^`]+)`", first):
                    where = f"{rel}:{i + 1}"
                    if name == "config" and "." in key:
                        section, sub = key.split(".", 1)
                        keys["config"].setdefault(section, where)
                        keys[section][sub] = where
                    else:
                        keys[name][key] = where
                i += 1
    return keys, seen


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    code = code_keys(sys.argv[1])
    docs, tables = doc_tables(sys.argv[2:] or DOCS)
    problems = []
    for name in sorted(set(code) | set(docs)):
        if name not in code:
            if name in PLATFORM_ONLY:
                print(f"option_docs: map {name} is not in this build (platform-only): its table is not checked")
                continue
            problems.append(f"docs document map '{name}' ({tables.get(name, '?')}) that the code does not have")
            continue
        if name not in docs:
            problems.append(f"map '{name}' has no key table in the docs (add one after <!-- keys: {name} -->)")
            continue
        for key in sorted(code[name] - set(docs[name])):
            problems.append(f"{name}.{key}: in the code's option map but not in the docs' table ({tables.get(name, '?')})")
        for key in sorted(set(docs[name]) - code[name]):
            problems.append(f"{name}.{key}: in the docs ({docs[name][key]}) but not in the code's option map")
    for p in problems:
        print("option_docs: " + p)
    if problems:
        return 1
    print(f"option_docs: {sum(len(v) for v in code.values())} keys of {len(code)} option maps match the docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
