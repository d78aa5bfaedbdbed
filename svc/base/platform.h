/* platform.h - the few OS services decoysvc needs, behind one small interface
 * (platform_posix.c, platform_win.c). */
#ifndef ADDECOY_SVC_PLATFORM_H
#define ADDECOY_SVC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in ms since the epoch. */
int64_t svc_now_ms(void);
/* Sleeps for ms milliseconds (returns early on a signal). */
void svc_sleep_ms(int64_t ms);
/* Creates a directory and its parents with owner-only access; 0 when it exists. */
int svc_mkdir_p(const char *path, char *err, size_t errlen);
/* Modification stamp of a file (mtime ns ^ size) for change detection; 0 when missing. */
uint64_t svc_file_stamp(const char *path);
/* Non-blocking read of standard input: bytes read, 0 when nothing is available, -1 at EOF. */
long svc_stdin_read(char *buf, size_t cap);
/* This machine's host name. */
void svc_hostname(char *buf, size_t len);

#endif
