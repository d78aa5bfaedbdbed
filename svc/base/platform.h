/* platform.h - the few OS services decoysvc needs, behind one small interface
 * (platform_posix.c, platform_win.c). */
#ifndef ADDECOY_SVC_PLATFORM_H
#define ADDECOY_SVC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* 1 when this build runs on Windows (for the few choices that depend on it: the eventlog input and
 * sink, the Windows service commands, Kerberos through the logged-on session). */
int svc_is_windows(void);
/* Broken-down UTC time of t (gmtime_r / gmtime_s). */
void svc_gmtime(time_t t, struct tm *out);
/* This process's id. */
long svc_pid(void);
/* 1 when p is an absolute path ("/x"; on Windows also "\\x", "C:..."), else 0. */
int svc_path_is_absolute(const char *p);
/* The last directory separator in p ('/'; on Windows also '\\'), or NULL. */
const char *svc_path_last_sep(const char *p);
/* The command line as UTF-8, like every string in the tree: argv itself on POSIX; on Windows the
 * UTF-16 command line (GetCommandLineW) converted, since the CRT's argv is in the ANSI code page.
 * The array lives until the process exits; argv is returned when the conversion fails. */
char **svc_utf8_argv(int argc, char **argv);
/* The default path of the decoy inventory adseed writes and decoysvc reads (also as a constant, for
 * help texts built at compile time). */
#ifdef _WIN32
#define SVC_DEFAULT_INVENTORY "C:\\ProgramData\\ADDecoy\\inventory.json"
#else
#define SVC_DEFAULT_INVENTORY "/var/lib/addecoy/inventory.json"
#endif
const char *svc_default_inventory_path(void);
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
/* What is at path: 1 a directory, 0 anything else that exists, -1 nothing (errno ENOENT) or
 * unreadable (another errno). */
int svc_path_kind(const char *path);
/* Calls fn(ctx, name, kind) for each entry of directory dir except "." and "..", in no particular
 * order; kind: 1 a directory (not a symbolic link or junction to one), 0 a regular file (or a
 * link to one), -1 anything else. Stops when fn returns non-zero and returns that; -1 with a
 * message when dir cannot be read. */
typedef int (*svc_dir_fn)(void *ctx, const char *name, int kind);
int svc_dir_list(const char *dir, svc_dir_fn fn, void *ctx, char *err, size_t errlen);
/* 1 when standard error is a terminal (progress lines are shown only there). */
int svc_stderr_is_tty(void);
/* Keeps the secrets in this process's memory out of crash dumps: no core file (RLIMIT_CORE 0) and,
 * on Linux, not dumpable (PR_SET_DUMPABLE 0: no core, no ptrace by other processes of the same
 * user). 0 when at least one of them is in force, -1 with a message otherwise. Windows: 0 (crash
 * dumps there are off unless an administrator configures Windows Error Reporting LocalDumps). */
int svc_disable_core_dumps(char *err, size_t errlen);

#endif
