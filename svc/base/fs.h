/* fs.h - the file-system calls that differ between POSIX and Windows, on file descriptors (the
 * spool, the quarantine, atomic replacement of a file): fs_posix.c, fs_win.c; and the atomic write
 * built on them (fs_atomic.c). Paths are UTF-8; failures set errno (ENOSPC for a full disk ...). */
#ifndef ADDECOY_SVC_FS_H
#define ADDECOY_SVC_FS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Creates a directory with owner-only access; succeeds when it already exists. */
int fs_mkdir(const char *path);
/* Opens for reading and appending (created 0600 when create is set); -1 on error. */
int fs_open_append(const char *path, int create);
int fs_open_read(const char *path);
/* Creates or truncates a file for writing (0600); -1 on error. */
int fs_create(const char *path);
int fs_close(int fd);
/* Writes all of buf; 0 or -1. */
int fs_write_all(int fd, const void *buf, size_t len);
#define FS_SHORT (-2)
/* Reads exactly len bytes at off; 0, -1 on an error (errno), or FS_SHORT when the file ends
 * first. */
int fs_pread_all(int fd, void *buf, size_t len, uint64_t off);
int fs_fsync(int fd);
/* Makes a rename or create in dir durable (no-op where not needed). */
int fs_fsync_dir(const char *dir);
int fs_truncate(int fd, uint64_t size);
/* Size of an open file, or -1. */
int64_t fs_size(int fd);
/* Atomically replaces to with from. */
int fs_replace(const char *from, const char *to);
int fs_remove(const char *path);
/* Creates a new file next to path for an atomic replacement (path.tmp.XXXXXX on POSIX, made with
 * mkstemp and given mode; path.tmp.<pid> on Windows, where the directory's ACL applies); its name
 * goes to tmp (tmpcap bytes, at least strlen(path) + 32). The fd, or -1. */
int fs_create_temp(const char *path, int mode, char *tmp, size_t tmpcap);
/* fopen with a UTF-8 path (on Windows the CRT's fopen reads the path in the ANSI code page:
 * _wfopen). Every file the tree opens by name goes through here or the calls above. */
FILE *fs_fopen(const char *path, const char *mode);
/* Flushes a stdio stream's file to stable storage (after fflush); 0 or -1. */
int fs_fsync_stream(FILE *f);
/* Replaces path with data atomically: a temporary file in the same directory, fsync, rename over
 * path, fsync of the directory. 0, or -1 with a message naming the file in err. */
int fs_write_atomic(const char *path, const void *data, size_t len, int mode, char *err, size_t errlen);

#endif
