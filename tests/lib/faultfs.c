/* faultfs.c - a test-only LD_PRELOAD library that injects file-system failures at the boundary the
 * spool and the checkpoint use: the Nth call (and the COUNT-1 after it) of one operation on a path
 * under a prefix fails with a chosen errno. Built only for the tests (never linked into decoysvc).
 *
 *   FAULTFS_PATH   prefix of the paths concerned (required; e.g. the state_dir)
 *   FAULTFS_OP     open | write | fsync | rename | read | dirfsync
 *   FAULTFS_NTH    the first call to fail, counting from 1 (default 1)
 *   FAULTFS_COUNT  how many consecutive calls fail (default 1)
 *   FAULTFS_ERRNO  ENOSPC, EIO, EDQUOT, EROFS, ENOMEM, EMFILE, EACCES, or a number (default EIO)
 *   FAULTFS_LOG    file that gets one line per injected failure
 *
 * Descriptor-based calls find their path through /proc/self/fd, so files opened inside libc
 * (mkstemp) are covered too. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { OP_NONE, OP_OPEN, OP_WRITE, OP_FSYNC, OP_RENAME, OP_READ, OP_DIRFSYNC };

static const char *const op_names[] = {"none", "open", "write", "fsync", "rename", "read", "dirfsync"};

static struct {
    int ready, op, err;
    long nth, count, calls;
    char prefix[1024], log[1024];
} cfg;

static ssize_t (*real_write)(int, const void *, size_t);

static void *next(const char *name) { return dlsym(RTLD_NEXT, name); }

static int errno_of(const char *s)
{
    static const struct {
        const char *name;
        int value;
    } names[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EDQUOT", EDQUOT}, {"EROFS", EROFS},
                 {"ENOMEM", ENOMEM}, {"EMFILE", EMFILE}, {"EACCES", EACCES}, {"EINTR", EINTR}};
    if (!s || !*s)
        return EIO;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].value;
    return atoi(s) > 0 ? atoi(s) : EIO;
}

static void init(void)
{
    const char *p, *op;

    if (__atomic_load_n(&cfg.ready, __ATOMIC_ACQUIRE))
        return;
    real_write = next("write");
    p = getenv("FAULTFS_PATH");
    op = getenv("FAULTFS_OP");
    snprintf(cfg.prefix, sizeof cfg.prefix, "%s", p ? p : "");
    snprintf(cfg.log, sizeof cfg.log, "%s", getenv("FAULTFS_LOG") ? getenv("FAULTFS_LOG") : "");
    cfg.op = OP_NONE;
    for (int i = 1; op && i <= OP_DIRFSYNC; i++)
        if (strcmp(op, op_names[i]) == 0)
            cfg.op = i;
    cfg.nth = getenv("FAULTFS_NTH") ? atol(getenv("FAULTFS_NTH")) : 1;
    cfg.count = getenv("FAULTFS_COUNT") ? atol(getenv("FAULTFS_COUNT")) : 1;
    cfg.err = errno_of(getenv("FAULTFS_ERRNO"));
    if (!cfg.prefix[0])
        cfg.op = OP_NONE;
    __atomic_store_n(&cfg.ready, 1, __ATOMIC_RELEASE);
}

static int under_prefix(const char *path)
{
    return path && cfg.prefix[0] && strncmp(path, cfg.prefix, strlen(cfg.prefix)) == 0;
}

static int fd_path(int fd, char *buf, size_t len)
{
    char link[64];
    ssize_t n;

    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, buf, len - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* 1 when this call (of operation op on path) is to fail; errno is then set. */
static int inject(int op, const char *path)
{
    long n;
    int saved = errno;

    init();
    if (cfg.op != op || !under_prefix(path))
        return 0;
    n = __atomic_add_fetch(&cfg.calls, 1, __ATOMIC_SEQ_CST);
    if (n < cfg.nth || n >= cfg.nth + cfg.count) {
        errno = saved;
        return 0;
    }
    if (cfg.log[0]) {
        int (*real_open)(const char *, int, ...) = next("open");
        int fd = real_open(cfg.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char line[1400];
            int len = snprintf(line, sizeof line, "faultfs: %s call %ld on %s: failed with %s\n",
                               op_names[op], n, path, strerror(cfg.err));
            if (len > 0)
                real_write(fd, line, (size_t)len);
            close(fd);
        }
    }
    errno = cfg.err;
    return 1;
}

static int inject_fd(int op, int fd)
{
    char path[1024];

    init();
    if (cfg.op != op)
        return 0;
    if (fd_path(fd, path, sizeof path) < 0)
        return 0;
    return inject(op, path);
}

static int open_common(const char *name, int dirfd, const char *path, int flags, mode_t mode)
{
    if (inject(OP_OPEN, path))
        return -1;
    if (dirfd == -1) {
        int (*f)(const char *, int, ...) = next(name);
        return f(path, flags, mode);
    } else {
        int (*f)(int, const char *, int, ...) = next(name);
        return f(dirfd, path, flags, mode);
    }
}

#define MODE_ARG(flags, mode)                                                                                \
    do {                                                                                                     \
        if ((flags) & (O_CREAT | O_TMPFILE)) {                                                               \
            va_list ap;                                                                                      \
            va_start(ap, flags);                                                                             \
            mode = (mode_t)va_arg(ap, int);                                                                  \
            va_end(ap);                                                                                      \
        }                                                                                                    \
    } while (0)

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_common("open", -1, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_common("open64", -1, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_common("openat", dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    MODE_ARG(flags, mode);
    return open_common("openat64", dirfd, path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    init();
    if (inject_fd(OP_WRITE, fd))
        return -1;
    return real_write(fd, buf, len);
}

ssize_t read(int fd, void *buf, size_t len)
{
    ssize_t (*f)(int, void *, size_t) = next("read");
    if (inject_fd(OP_READ, fd))
        return -1;
    return f(fd, buf, len);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
    ssize_t (*f)(int, void *, size_t, off_t) = next("pread");
    if (inject_fd(OP_READ, fd))
        return -1;
    return f(fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
    ssize_t (*f)(int, void *, size_t, off_t) = next("pread64");
    if (inject_fd(OP_READ, fd))
        return -1;
    return f(fd, buf, len, off);
}

static int is_dir(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

int fsync(int fd)
{
    int (*f)(int) = next("fsync");
    if (inject_fd(is_dir(fd) ? OP_DIRFSYNC : OP_FSYNC, fd))
        return -1;
    return f(fd);
}

int fdatasync(int fd)
{
    int (*f)(int) = next("fdatasync");
    if (inject_fd(is_dir(fd) ? OP_DIRFSYNC : OP_FSYNC, fd))
        return -1;
    return f(fd);
}

int rename(const char *from, const char *to)
{
    int (*f)(const char *, const char *) = next("rename");
    if (inject(OP_RENAME, to))
        return -1;
    return f(from, to);
}
