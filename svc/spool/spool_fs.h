/* spool_fs.h - the few file-system calls the spool needs that differ between POSIX and Windows
 * (spool_fs_posix.c, spool_fs_win.c). Paths are UTF-8. */
#ifndef ADDECOY_SVC_SPOOL_FS_H
#define ADDECOY_SVC_SPOOL_FS_H

#include <stddef.h>
#include <stdint.h>

/* Creates a directory with owner-only access; succeeds when it already exists. */
int spool_fs_mkdir(const char *path);
/* Opens for reading and appending (created 0600 when create is set); -1 on error. */
int spool_fs_open_append(const char *path, int create);
int spool_fs_open_read(const char *path);
/* Creates or truncates a file for writing (0600); -1 on error. */
int spool_fs_create(const char *path);
int spool_fs_close(int fd);
/* Writes all of buf; 0 or -1. */
int spool_fs_write_all(int fd, const void *buf, size_t len);
#define SPOOL_FS_SHORT (-2)
/* Reads exactly len bytes at off; 0, -1 on an error (errno), or SPOOL_FS_SHORT when the file ends
 * first. */
int spool_fs_pread_all(int fd, void *buf, size_t len, uint64_t off);
int spool_fs_fsync(int fd);
/* Makes a rename or create in dir durable (no-op where not needed). */
int spool_fs_fsync_dir(const char *dir);
int spool_fs_truncate(int fd, uint64_t size);
/* Size of an open file, or -1. */
int64_t spool_fs_size(int fd);
/* Atomically replaces to with from. */
int spool_fs_replace(const char *from, const char *to);
int spool_fs_remove(const char *path);

#endif
