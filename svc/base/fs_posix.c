/* fs_posix.c - POSIX implementation of the file-system calls of fs.h. */
#include "svc/base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_mkdir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

int fs_open_append(const char *path, int create)
{
    return open(path, O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
}

int fs_open_read(const char *path) { return open(path, O_RDONLY | O_CLOEXEC); }

int fs_create(const char *path) { return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); }

int fs_close(int fd) { return close(fd); }

int fs_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

int fs_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return FS_SHORT;
        if (n < 0)
            return -1;
        p += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return 0;
}

int fs_fsync(int fd) { return fsync(fd); }

int fs_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int fs_truncate(int fd, uint64_t size) { return ftruncate(fd, (off_t)size); }

int64_t fs_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
}

int fs_replace(const char *from, const char *to) { return rename(from, to); }

FILE *fs_fopen(const char *path, const char *mode) { return fopen(path, mode); }

int fs_remove(const char *path) { return unlink(path); }

int fs_create_temp(const char *path, int mode, char *tmp, size_t tmpcap)
{
    int fd;

    if ((size_t)snprintf(tmp, tmpcap, "%s.tmp.XXXXXX", path) >= tmpcap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = mkstemp(tmp)) < 0)
        return -1;
    if (fchmod(fd, (mode_t)mode) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    return fd;
}

int fs_fsync_stream(FILE *f) { return fsync(fileno(f)); }
