/*
 * follow_posix.c - follows a growing file like `tail -F`: waits for it to appear, reads new
 * bytes without blocking, and detects rotation (another file now at the path: st_dev/st_ino)
 * and truncation (size below our offset). After a rotation the rest of the old file is read
 * first, so lines written just before the rename are not lost.
 */
#include "evtx/evtx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct evtx_follow {
    char *path;
    int fd; /* -1 while the file does not exist */
    dev_t dev;
    ino_t ino;
    uint64_t offset; /* next byte to return, in the current file */
    uint64_t start;  /* requested start for the first file (EVTX_FOLLOW_END = its end) */
    int first;       /* the first file is not open yet */
    int quiet_open;  /* the file was absent at open: its appearance is no restart */
    int regular;     /* a regular file (pread, size checks) rather than a FIFO */
    int restarted;   /* to report at the next read */
    char identity[64];
};

static void set_identity(evtx_follow *f, const struct stat *st)
{
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    snprintf(f->identity, sizeof f->identity, "%llu:%llu", (unsigned long long)st->st_dev,
             (unsigned long long)st->st_ino);
}

/* Opens the file at the path if there is one: 1 opened, 0 absent, -1 error. */
static int open_current(evtx_follow *f, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
        close(fd);
        return -1;
    }
    f->fd = fd;
    f->regular = S_ISREG(st.st_mode);
    set_identity(f, &st);
    if (f->first) {
        /* resume where asked; a checkpoint beyond the end means the file is another one now */
        if (f->start == EVTX_FOLLOW_END)
            f->offset = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
        else if (S_ISREG(st.st_mode) && f->start > (uint64_t)st.st_size) {
            f->offset = 0;
            f->restarted = 1;
        } else
            f->offset = f->start;
        f->first = 0;
    } else {
        f->offset = 0;
        f->restarted = !f->quiet_open;
    }
    f->quiet_open = 0;
    return 1;
}

evtx_follow *evtx_follow_open(const char *path, uint64_t offset, char *err, size_t errlen)
{
    evtx_follow *f = calloc(1, sizeof *f);

    if (!f || !(f->path = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        free(f);
        return NULL;
    }
    f->fd = -1;
    f->start = offset;
    f->first = 1;
    snprintf(f->identity, sizeof f->identity, "none");
    switch (open_current(f, err, errlen)) {
    case -1: evtx_follow_close(f); return NULL;
    case 0:
        /* not there yet: all of it will be new when it appears; a checkpoint into a file
         * that is gone is reported as a restart */
        f->first = 0;
        f->offset = 0;
        f->quiet_open = offset == 0 || offset == EVTX_FOLLOW_END;
        break;
    default: break;
    }
    return f;
}

void evtx_follow_close(evtx_follow *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f);
}

static long read_at(evtx_follow *f, char *buf, size_t cap, char *err, size_t errlen)
{
    ssize_t n;
    if (cap > (size_t)1 << 30)
        cap = (size_t)1 << 30;
    if (f->regular)
        n = pread(f->fd, buf, cap, (off_t)f->offset);
    else
        n = read(f->fd, buf, cap);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return 0;
        snprintf(err, errlen, "%s: read: %s", f->path, strerror(errno));
        return -1;
    }
    f->offset += (uint64_t)n;
    return (long)n;
}

long evtx_follow_read(evtx_follow *f, char *buf, size_t cap, int *restarted, char *err, size_t errlen)
{
    struct stat cur, at_path;
    long n;
    int rc;

    *restarted = 0;
    if (f->fd < 0) {
        rc = open_current(f, err, errlen);
        if (rc <= 0)
            return rc; /* still absent: nothing new */
    }
    if (fstat(f->fd, &cur) != 0) {
        snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
        return -1;
    }
    if (S_ISREG(cur.st_mode) && (uint64_t)cur.st_size < f->offset) {
        f->offset = 0; /* truncated in place (copytruncate) */
        f->restarted = 1;
    }
    n = read_at(f, buf, cap, err, errlen);
    if (n != 0) {
        *restarted = f->restarted;
        f->restarted = 0;
        return n;
    }
    /* at the end of our file: has another one taken its place? */
    if (stat(f->path, &at_path) == 0 && (at_path.st_dev != f->dev || at_path.st_ino != f->ino)) {
        close(f->fd);
        f->fd = -1;
        rc = open_current(f, err, errlen);
        if (rc < 0)
            return -1;
        if (rc > 0)
            n = read_at(f, buf, cap, err, errlen);
    }
    *restarted = f->restarted;
    f->restarted = 0;
    return n;
}

uint64_t evtx_follow_offset(const evtx_follow *f) { return f->offset; }

const char *evtx_follow_identity(const evtx_follow *f) { return f->identity; }
