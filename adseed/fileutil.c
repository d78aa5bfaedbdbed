/*
 * fileutil.c - small portable file helpers shared by adseed and decoysvc: read a whole file, and
 * replace a file atomically (temp file in the same directory, fsync, rename, fsync of the directory;
 * MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH on Windows).
 */
#include "adseed/adseed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#include <io.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

char *adseed_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = NULL;
    char *buf = NULL, *ret = NULL;
    size_t n = 0, cap = 0;

    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s%s", path, strerror(errno),
                 errno == ENOENT ? " (ENOENT)" : "");
        goto out;
    }
    for (;;) {
        if (cap - n < 4096 + 1) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
                goto out;
            }
            break;
        }
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    ret = buf;
    buf = NULL;
out:
    if (f)
        fclose(f);
    free(buf);
    return ret;
}

#ifdef _WIN32
static wchar_t *utf8_to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w;
    if (n <= 0)
        return NULL;
    w = malloc((size_t)n * sizeof *w);
    if (w && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0) {
        free(w);
        w = NULL;
    }
    return w;
}

int adseed_write_file_atomic(const char *path, const void *data, size_t len, int mode,
                             char *err, size_t errlen)
{
    char *tmp = NULL;
    wchar_t *wtmp = NULL, *wpath = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    const char *p = data;
    int rc = -1;
    size_t tlen = strlen(path) + 32;

    (void)mode; /* ACLs are inherited from the directory on Windows */
    tmp = malloc(tlen);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    snprintf(tmp, tlen, "%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
    wtmp = utf8_to_wide(tmp);
    wpath = utf8_to_wide(path);
    if (!wtmp || !wpath) {
        snprintf(err, errlen, "%s: invalid file name", path);
        goto out;
    }
    h = CreateFileW(wtmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        snprintf(err, errlen, "%s: cannot create: error %lu", tmp, (unsigned long)GetLastError());
        goto out;
    }
    while (len > 0) {
        DWORD chunk = len > 0x40000000u ? 0x40000000u : (DWORD)len, wrote = 0;
        if (!WriteFile(h, p, chunk, &wrote, NULL) || wrote == 0) {
            snprintf(err, errlen, "%s: write error %lu", tmp, (unsigned long)GetLastError());
            goto out;
        }
        p += wrote;
        len -= wrote;
    }
    if (!FlushFileBuffers(h)) {
        snprintf(err, errlen, "%s: flush error %lu", tmp, (unsigned long)GetLastError());
        goto out;
    }
    CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
    if (!MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        snprintf(err, errlen, "%s: cannot replace: error %lu", path, (unsigned long)GetLastError());
        goto out;
    }
    rc = 0;
out:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (rc != 0 && wtmp)
        DeleteFileW(wtmp);
    free(wtmp);
    free(wpath);
    free(tmp);
    return rc;
}
#else
/* fsync the directory holding path, so the rename itself is durable. */
static int fsync_parent(const char *path, char *err, size_t errlen)
{
    char *dir = strdup(path);
    char *slash;
    int fd = -1, rc = -1;

    if (!dir) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot sync directory: %s", dir, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

int adseed_write_file_atomic(const char *path, const void *data, size_t len, int mode,
                             char *err, size_t errlen)
{
    size_t tlen = strlen(path) + 16;
    char *tmp = malloc(tlen);
    const char *p = data;
    int fd = -1, rc = -1;

    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    snprintf(tmp, tlen, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create temporary file: %s", path, strerror(errno));
        tmp[0] = '\0';
        goto out;
    }
    if (fchmod(fd, (mode_t)mode) != 0) {
        snprintf(err, errlen, "%s: chmod: %s", tmp, strerror(errno));
        goto out;
    }
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "%s: write error: %s", tmp, w < 0 ? strerror(errno) : "short write");
            goto out;
        }
        p += w;
        len -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = '\0'; /* renamed: nothing to clean up */
    rc = fsync_parent(path, err, errlen);
out:
    if (fd >= 0)
        close(fd);
    if (tmp && tmp[0])
        unlink(tmp);
    free(tmp);
    return rc;
}
#endif
