/* fs_atomic.c - replacing a file atomically (the inventory, reports, the spool's cursors use the
 * same calls): write a temporary file next to it, flush it to disk, rename it over the target, and
 * make the rename durable; a reader sees the old file or the new one, never a part. */
#include "svc/base/fs.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fsync of the directory holding path, so that the rename itself is durable. */
static int fsync_parent(const char *path, char *err, size_t errlen)
{
    const char *sep = svc_path_last_sep(path);
    size_t n = !sep ? 0 : sep == path ? 1 : (size_t)(sep - path);
    char *dir = malloc(n + 2);
    int rc = -1;

    if (!dir) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (n)
        memcpy(dir, path, n), dir[n] = '\0';
    else
        strcpy(dir, ".");
    if ((rc = fs_fsync_dir(dir)) != 0)
        snprintf(err, errlen, "%s: cannot sync directory: %s", dir, strerror(errno));
    free(dir);
    return rc;
}

int fs_write_atomic(const char *path, const void *data, size_t len, int mode, char *err, size_t errlen)
{
    size_t cap = strlen(path) + 32;
    char *tmp = malloc(cap);
    int fd = -1, rc = -1;

    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    if ((fd = fs_create_temp(path, mode, tmp, cap)) < 0) {
        snprintf(err, errlen, "%s: cannot create temporary file: %s", path, strerror(errno));
        tmp[0] = '\0';
        goto out;
    }
    if (fs_write_all(fd, data, len) < 0) {
        snprintf(err, errlen, "%s: write error: %s", tmp, strerror(errno));
        goto out;
    }
    if (fs_fsync(fd) != 0) {
        snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
        goto out;
    }
    rc = fs_close(fd);
    fd = -1;
    if (rc != 0) {
        rc = -1;
        snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
        goto out;
    }
    rc = -1;
    if (fs_replace(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = '\0'; /* renamed: nothing to clean up */
    rc = fsync_parent(path, err, errlen);
out:
    if (fd >= 0)
        fs_close(fd);
    if (tmp && tmp[0])
        fs_remove(tmp);
    free(tmp);
    return rc;
}
