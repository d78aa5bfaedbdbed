/* spool_fs_posix.c - POSIX implementation of the spool's file-system calls (spool_fs.h). */
#include "svc/spool/spool_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int spool_fs_mkdir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

int spool_fs_open_append(const char *path, int create)
{
    return open(path, O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
}

int spool_fs_open_read(const char *path)
{
    return open(path, O_RDONLY | O_CLOEXEC);
}

int spool_fs_create(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int spool_fs_close(int fd)
{
    return close(fd);
}

int spool_fs_write_all(int fd, const void *buf, size_t len)
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

int spool_fs_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return SPOOL_FS_SHORT;
        if (n < 0)
            return -1;
        p += n, len -= (size_t)n, off += (uint64_t)n;
    }
    return 0;
}

int spool_fs_fsync(int fd)
{
    return fsync(fd);
}

int spool_fs_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int spool_fs_truncate(int fd, uint64_t size)
{
    return ftruncate(fd, (off_t)size);
}

int64_t spool_fs_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
}

int spool_fs_replace(const char *from, const char *to)
{
    return rename(from, to);
}

int spool_fs_remove(const char *path)
{
    return unlink(path);
}
