/*
 * fileutil.c - small portable file helpers shared by adseed and decoysvc: read a whole file, and
 * replace a file atomically (svc/base/fs.h: temp file in the same directory, fsync, rename, fsync
 * of the directory).
 */
#include "adseed/adseed.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *adseed_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = NULL;
    char *buf = NULL, *ret = NULL;
    size_t n = 0, cap = 0;

    f = fs_fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s%s", path, strerror(errno), errno == ENOENT ? " (ENOENT)" : "");
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

int adseed_write_file_atomic(const char *path, const void *data, size_t len, int mode, char *err, size_t errlen)
{
    return fs_write_atomic(path, data, len, mode, err, errlen);
}
