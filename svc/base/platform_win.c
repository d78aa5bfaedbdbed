/* platform_win.c - Windows implementation of platform.h. */
#include "svc/base/platform.h"
#include "svc/base/utf16.h"

#include <windows.h>
#include <shellapi.h>
#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int64_t svc_now_ms(void)
{
    FILETIME ft;
    ULARGE_INTEGER u;
    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return (int64_t)(u.QuadPart / 10000ULL) - 11644473600000LL;
}

void svc_sleep_ms(int64_t ms)
{
    if (ms > 0)
        Sleep((DWORD)ms);
}

/* Paths are UTF-8 inside the tree: every call here takes the UTF-16 form (the CRT's and the *A
 * calls would read the bytes in the ANSI code page). -1 with errno EINVAL when not UTF-8. */
static int path_w(const char *path, wchar_t *w, size_t cap)
{
    if (utf16_from_utf8_buf(path, w, cap) == 0)
        return 0;
    errno = EINVAL;
    return -1;
}

static int mkdir_utf8(const char *path)
{
    wchar_t w[MAX_PATH * 2];
    return path_w(path, w, MAX_PATH * 2) == 0 ? _wmkdir(w) : -1;
}

int svc_mkdir_p(const char *path, char *err, size_t errlen)
{
    char buf[MAX_PATH * 4];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "%s: invalid directory path", path);
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if ((*p != '/' && *p != '\\') || p[-1] == ':')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir_utf8(buf) != 0 && errno != EEXIST)
            goto fail;
        *p = c;
    }
    if (mkdir_utf8(buf) != 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
    return -1;
}

uint64_t svc_file_stamp(const char *path)
{
    struct _stat64 st;
    wchar_t w[MAX_PATH * 2];
    if (path_w(path, w, MAX_PATH * 2) != 0 || _wstat64(w, &st) != 0)
        return 0;
    return ((uint64_t)st.st_mtime * 1000000000ull) ^ ((uint64_t)st.st_size << 1);
}

long svc_stdin_read(char *buf, size_t cap)
{
    HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
    DWORD avail = 0, got = 0;

    if (GetFileType(h) == FILE_TYPE_PIPE) {
        if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
            return -1;
        if (avail == 0)
            return 0;
        if (avail < cap)
            cap = avail;
    }
    if (!ReadFile(h, buf, (DWORD)cap, &got, NULL) || got == 0)
        return -1;
    return (long)got;
}

void svc_hostname(char *buf, size_t len)
{
    DWORD n = (DWORD)len;
    if (!GetComputerNameExA(ComputerNameDnsHostname, buf, &n))
        snprintf(buf, len, "localhost");
}

int svc_disable_core_dumps(char *err, size_t errlen)
{
    (void)err, (void)errlen; /* no core files on Windows; WER LocalDumps is a machine-wide choice */
    return 0;
}

int svc_path_kind(const char *path)
{
    wchar_t w[MAX_PATH * 2];
    DWORD a = path_w(path, w, MAX_PATH * 2) == 0 ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    if (a == INVALID_FILE_ATTRIBUTES) {
        DWORD e = GetLastError();
        errno = e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? ENOENT
                : e == ERROR_ACCESS_DENIED                             ? EACCES
                                                                       : EIO;
        return -1;
    }
    return (a & FILE_ATTRIBUTE_DIRECTORY) ? 1 : 0;
}

int svc_dir_list(const char *dir, svc_dir_fn fn, void *ctx, char *err, size_t errlen)
{
    char pattern[MAX_PATH * 4], name[MAX_PATH * 4];
    wchar_t wpattern[MAX_PATH * 2];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    int rc = 0;

    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    if (path_w(pattern, wpattern, MAX_PATH * 2) != 0) {
        snprintf(err, errlen, "%s: not a valid UTF-8 path of at most %d characters", dir, MAX_PATH);
        return -1;
    }
    h = FindFirstFileW(wpattern, &fd);
    if (h == INVALID_HANDLE_VALUE) {
        if (GetLastError() == ERROR_FILE_NOT_FOUND)
            return 0;
        snprintf(err, errlen, "%s: cannot read the directory (Windows error %lu)", dir,
                 (unsigned long)GetLastError());
        return -1;
    }
    do {
        int kind = -1;
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..") ||
            utf8_from_utf16_buf(fd.cFileName, name, sizeof name) != 0)
            continue;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            kind = (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? -1 : 1; /* no junction loops */
        else if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DEVICE))
            kind = 0;
        rc = fn(ctx, name, kind);
    } while (rc == 0 && FindNextFileW(h, &fd));
    FindClose(h);
    return rc;
}

int svc_stderr_is_tty(void) { return _isatty(_fileno(stderr)); }

int svc_is_windows(void) { return 1; }

void svc_gmtime(time_t t, struct tm *out) { gmtime_s(out, &t); }

long svc_pid(void) { return (long)GetCurrentProcessId(); }

int svc_path_is_absolute(const char *p) { return p[0] == '\\' || p[0] == '/' || (p[0] && p[1] == ':'); }

const char *svc_path_last_sep(const char *p)
{
    const char *slash = strrchr(p, '/'), *bs = strrchr(p, '\\');
    return bs && (!slash || bs > slash) ? bs : slash;
}

const char *svc_default_inventory_path(void) { return SVC_DEFAULT_INVENTORY; }

char **svc_utf8_argv(int argc, char **argv)
{
    int n = 0;
    wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
    char **out = w && n == argc ? calloc((size_t)n + 1, sizeof *out) : NULL;

    for (int i = 0; out && i < n; i++)
        if (!(out[i] = utf8_from_utf16(w[i]))) {
            while (i-- > 0)
                free(out[i]);
            free(out);
            out = NULL;
        }
    if (w)
        LocalFree(w);
    return out ? out : argv;
}
