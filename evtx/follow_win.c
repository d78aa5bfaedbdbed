/*
 * follow_win.c - the Windows implementation of evtx_follow_* (tail -F): the file is opened
 * with full sharing (so the writer can still rename or delete it), read by offset, and its
 * identity (volume serial + file index) is compared with the file now at the path to detect
 * rotation; a size below our offset means truncation.
 */
#include "evtx/evtx.h"
#include "svc/base/utf16.h"

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct evtx_follow {
    wchar_t *wpath;
    char *path;
    HANDLE h; /* INVALID_HANDLE_VALUE while the file does not exist */
    DWORD volume;
    ULONGLONG index;
    uint64_t offset;
    int quiet_open; /* the file was absent at open: its appearance is no restart */
    int restarted;
    char identity[64];
};

static void win_error(char *err, size_t errlen, const char *path, const char *what, DWORD code)
{
    snprintf(err, errlen, "%s: %s failed (Windows error %lu)", path, what, (unsigned long)code);
}

static HANDLE open_shared(const wchar_t *wpath)
{
    return CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

static int is_absent(DWORD code)
{
    return code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND || code == ERROR_DELETE_PENDING ||
           code == ERROR_ACCESS_DENIED;
}

/* Opens the file at the path: 1 opened, 0 absent, -1 error. *size gets its size. */
static int open_current(evtx_follow *f, uint64_t *size, char *err, size_t errlen)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h = open_shared(f->wpath);

    if (h == INVALID_HANDLE_VALUE) {
        DWORD code = GetLastError();
        if (is_absent(code))
            return 0;
        win_error(err, errlen, f->path, "CreateFileW", code);
        return -1;
    }
    if (!GetFileInformationByHandle(h, &info)) {
        win_error(err, errlen, f->path, "GetFileInformationByHandle", GetLastError());
        CloseHandle(h);
        return -1;
    }
    f->h = h;
    f->volume = info.dwVolumeSerialNumber;
    f->index = ((ULONGLONG)info.nFileIndexHigh << 32) | info.nFileIndexLow;
    *size = ((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow;
    snprintf(f->identity, sizeof f->identity, "%08lx:%016llx", (unsigned long)f->volume,
             (unsigned long long)f->index);
    return 1;
}

evtx_follow *evtx_follow_open(const char *path, uint64_t offset, char *err, size_t errlen)
{
    evtx_follow *f = calloc(1, sizeof *f);
    uint64_t size = 0;
    int rc;

    if (!f)
        goto nomem;
    f->h = INVALID_HANDLE_VALUE;
    snprintf(f->identity, sizeof f->identity, "none");
    f->path = malloc(strlen(path) + 1);
    if (!f->path || !(f->wpath = utf16_from_utf8(path, UTF16_NUL, 0)))
        goto nomem;
    memcpy(f->path, path, strlen(path) + 1);
    rc = open_current(f, &size, err, errlen);
    if (rc < 0) {
        evtx_follow_close(f);
        return NULL;
    }
    if (rc == 0) {
        f->offset = 0;
        f->quiet_open = offset == 0 || offset == EVTX_FOLLOW_END;
    } else if (offset == EVTX_FOLLOW_END)
        f->offset = size;
    else if (offset > size) {
        f->offset = 0; /* the checkpoint belongs to another file */
        f->restarted = 1;
    } else
        f->offset = offset;
    return f;
nomem:
    snprintf(err, errlen, "out of memory");
    evtx_follow_close(f);
    return NULL;
}

void evtx_follow_close(evtx_follow *f)
{
    if (!f)
        return;
    if (f->h != INVALID_HANDLE_VALUE)
        CloseHandle(f->h);
    free(f->wpath);
    free(f->path);
    free(f);
}

static long read_at(evtx_follow *f, char *buf, size_t cap, char *err, size_t errlen)
{
    OVERLAPPED ov;
    DWORD got = 0;

    if (cap > (1u << 30))
        cap = 1u << 30;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)(f->offset & 0xFFFFFFFFu);
    ov.OffsetHigh = (DWORD)(f->offset >> 32);
    if (!ReadFile(f->h, buf, (DWORD)cap, &got, &ov)) {
        DWORD code = GetLastError();
        if (code == ERROR_HANDLE_EOF)
            return 0;
        win_error(err, errlen, f->path, "ReadFile", code);
        return -1;
    }
    f->offset += got;
    return (long)got;
}

/* 1 when the file now at the path is not the one we have open. */
static int rotated(const evtx_follow *f)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h = open_shared(f->wpath);
    int other = 0;

    if (h == INVALID_HANDLE_VALUE)
        return 0; /* renamed away and no new file yet: keep reading ours */
    if (GetFileInformationByHandle(h, &info))
        other = info.dwVolumeSerialNumber != f->volume ||
                (((ULONGLONG)info.nFileIndexHigh << 32) | info.nFileIndexLow) != f->index;
    CloseHandle(h);
    return other;
}

static long take(evtx_follow *f, long n, int *restarted)
{
    *restarted = f->restarted;
    f->restarted = 0;
    return n;
}

long evtx_follow_read(evtx_follow *f, char *buf, size_t cap, int *restarted, char *err, size_t errlen)
{
    LARGE_INTEGER size;
    uint64_t sz = 0;
    long n;
    int rc;

    *restarted = 0;
    if (f->h == INVALID_HANDLE_VALUE) {
        rc = open_current(f, &sz, err, errlen);
        if (rc <= 0)
            return rc;
        f->offset = 0;
        f->restarted = !f->quiet_open;
        f->quiet_open = 0;
    }
    if (!GetFileSizeEx(f->h, &size)) {
        win_error(err, errlen, f->path, "GetFileSizeEx", GetLastError());
        return -1;
    }
    if ((uint64_t)size.QuadPart < f->offset) {
        f->offset = 0; /* truncated in place */
        f->restarted = 1;
    }
    n = read_at(f, buf, cap, err, errlen);
    if (n != 0 || !rotated(f))
        return take(f, n, restarted);
    CloseHandle(f->h);
    f->h = INVALID_HANDLE_VALUE;
    rc = open_current(f, &sz, err, errlen);
    if (rc < 0)
        return -1;
    f->offset = 0;
    f->restarted = 1;
    n = rc > 0 ? read_at(f, buf, cap, err, errlen) : 0;
    return take(f, n, restarted);
}

uint64_t evtx_follow_offset(const evtx_follow *f) { return f->offset; }

const char *evtx_follow_identity(const evtx_follow *f) { return f->identity; }
