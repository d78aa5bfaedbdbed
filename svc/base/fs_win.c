/* fs_win.c - Windows implementation of the file-system calls of fs.h, on the CRT's file
 * descriptors; paths are converted from UTF-8. */
#include "svc/base/fs.h"
#include "svc/base/utf16.h"

#include <windows.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <sys/stat.h>

/* errno for a failed Win32 call, so that callers report the storage fault the same way as on
 * POSIX (ERROR_DISK_FULL -> ENOSPC ...). The CRT calls (_wopen, _write, _commit) set errno already. */
static int fail_win32(void)
{
    switch (GetLastError()) {
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: errno = ENOSPC; break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION: errno = EACCES; break;
    case ERROR_TOO_MANY_OPEN_FILES: errno = EMFILE; break;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: errno = ENOMEM; break;
    case ERROR_WRITE_PROTECT: errno = EROFS; break;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: errno = ENOENT; break;
    default: errno = EIO; break;
    }
    return -1;
}

int fs_mkdir(const char *path)
{
    wchar_t w[MAX_PATH * 2];
    DWORD attr;

    if (utf16_from_utf8_buf(path, w, MAX_PATH * 2) < 0)
        return -1;
    if (CreateDirectoryW(w, NULL)) /* inherits the service directory's ACL (SYSTEM/Administrators) */
        return 0;
    if (GetLastError() != ERROR_ALREADY_EXISTS)
        return fail_win32();
    attr = GetFileAttributesW(w);
    return (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) ? 0 : fail_win32();
}

static int open_w(const char *path, int flags)
{
    wchar_t w[MAX_PATH * 2];
    if (utf16_from_utf8_buf(path, w, MAX_PATH * 2) < 0)
        return -1;
    return _wopen(w, flags | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
}

int fs_open_append(const char *path, int create)
{
    return open_w(path, _O_RDWR | _O_APPEND | (create ? _O_CREAT : 0));
}

int fs_open_read(const char *path) { return open_w(path, _O_RDONLY); }

int fs_create(const char *path) { return open_w(path, _O_WRONLY | _O_CREAT | _O_TRUNC); }

int fs_close(int fd) { return _close(fd); }

int fs_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        unsigned chunk = len > 0x40000000 ? 0x40000000 : (unsigned)len;
        int n = _write(fd, p, chunk);
        if (n <= 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

int fs_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    char *p = buf;

    if (_lseeki64(fd, (__int64)off, SEEK_SET) < 0)
        return -1;
    while (len > 0) {
        unsigned chunk = len > 0x40000000 ? 0x40000000 : (unsigned)len;
        int n = _read(fd, p, chunk);
        if (n == 0)
            return FS_SHORT;
        if (n < 0)
            return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

int fs_fsync(int fd) { return _commit(fd); }

int fs_fsync_dir(const char *dir)
{
    (void)dir; /* NTFS makes metadata changes durable with the file's own flush */
    return 0;
}

int fs_truncate(int fd, uint64_t size) { return _chsize_s(fd, (__int64)size) == 0 ? 0 : -1; }

int64_t fs_size(int fd)
{
    __int64 n = _filelengthi64(fd);
    return n < 0 ? -1 : (int64_t)n;
}

int fs_replace(const char *from, const char *to)
{
    wchar_t wf[MAX_PATH * 2], wt[MAX_PATH * 2];

    if (utf16_from_utf8_buf(from, wf, MAX_PATH * 2) < 0 || utf16_from_utf8_buf(to, wt, MAX_PATH * 2) < 0)
        return -1;
    return MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) ? 0 : fail_win32();
}

FILE *fs_fopen(const char *path, const char *mode)
{
    wchar_t w[MAX_PATH * 2], wm[16];

    if (utf16_from_utf8_buf(path, w, MAX_PATH * 2) < 0 || utf16_from_utf8_buf(mode, wm, 16) < 0) {
        errno = EINVAL; /* not UTF-8, or longer than MAX_PATH */
        return NULL;
    }
    return _wfopen(w, wm);
}

int fs_remove(const char *path)
{
    wchar_t w[MAX_PATH * 2];
    if (utf16_from_utf8_buf(path, w, MAX_PATH * 2) < 0)
        return -1;
    return DeleteFileW(w) ? 0 : fail_win32();
}

int fs_create_temp(const char *path, int mode, char *tmp, size_t tmpcap)
{
    (void)mode; /* the file inherits the directory's ACL */
    if ((size_t)snprintf(tmp, tmpcap, "%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId()) >= tmpcap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open_w(tmp, _O_WRONLY | _O_CREAT | _O_TRUNC);
}

int fs_fsync_stream(FILE *f) { return _commit(_fileno(f)); }
