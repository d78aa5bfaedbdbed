#!/usr/bin/env python3
"""utf8_paths.py - paths are UTF-8 everywhere in the tree, and on Windows the C runtime's fopen,
opendir, stat, remove, rename, _mkdir and the Win32 *A file calls read a path in the ANSI code page
(a hunt over C:\\Users\\Jürgen\\... would fail to open it). So files are opened, listed, probed,
removed and renamed by name only through the portability layer (svc/base: fs_fopen, fs_open_*,
fs_remove, fs_replace, fs_mkdir, svc_dir_list, svc_path_kind, svc_mkdir_p, svc_file_stamp), whose
*_win.c files use the UTF-16 calls. Any such call elsewhere in adseed/, evtx/ or svc/ (comments and
string literals aside) is reported as file:line; exit 1 if there is one. *_posix.c files and tests/
are not checked."""
import os
import re
import sys

CALLS = ("fopen freopen opendir stat lstat _stat _stat64 _wstat64 remove rename unlink _mkdir mkdir "
         "open _open access _access CreateFileA FindFirstFileA GetFileAttributesA GetFileAttributesExA "
         "DeleteFileA MoveFileA MoveFileExA CreateDirectoryA CopyFileA LoadLibraryA").split()
CALL_RE = re.compile(r"(?<![\w.>])(" + "|".join(map(re.escape, CALLS)) + r")\s*\(")
ALLOWED = re.compile(r"(_posix\.c$|^svc/base/(fs|platform)_win\.c$)")


def strip(text):
    """Comments and string/char literals blanked, line structure kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    root = os.environ.get("ADDECOY_SRC") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    os.chdir(root)
    bad = 0
    for top in ("adseed", "evtx", "svc"):
        for dirpath, _, files in os.walk(top):
            for f in sorted(files):
                path = os.path.join(dirpath, f).replace(os.sep, "/")
                if not f.endswith((".c", ".h")) or ALLOWED.search(path):
                    continue
                with open(path, encoding="utf-8", errors="replace") as fh:
                    src = fh.read()
                for no, line in enumerate(strip(src).split("\n"), 1):
                    m = CALL_RE.search(line)
                    if m and not line.lstrip().startswith("#"):
                        print(f"utf8_paths: {path}:{no}: {m.group(1)}() by name outside svc/base "
                              f"(use fs_fopen, fs_remove, fs_replace, svc_dir_list, svc_path_kind ...): "
                              f"{src.split(chr(10))[no - 1].strip()}")
                        bad = 1
    if not bad:
        print("utf8_paths: every file call by name goes through svc/base")
    return bad


if __name__ == "__main__":
    sys.exit(main())
