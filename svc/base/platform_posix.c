/* platform_posix.c - POSIX implementation of platform.h. */
#include "svc/base/platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int64_t svc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void svc_sleep_ms(int64_t ms)
{
    struct timespec ts;
    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

int svc_mkdir_p(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "%s: invalid directory path", path);
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            goto fail;
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
    return -1;
}

uint64_t svc_file_stamp(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return ((uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec) ^
           ((uint64_t)st.st_size << 1) ^ (uint64_t)st.st_ino;
}

long svc_stdin_read(char *buf, size_t cap)
{
    int fl = fcntl(0, F_GETFL);
    ssize_t n;

    if (fl >= 0 && !(fl & O_NONBLOCK))
        fcntl(0, F_SETFL, fl | O_NONBLOCK);
    n = read(0, buf, cap);
    if (n > 0)
        return (long)n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1;
}

void svc_hostname(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0)
        snprintf(buf, len, "localhost");
    buf[len - 1] = '\0';
}

int svc_disable_core_dumps(char *err, size_t errlen)
{
    struct rlimit none = {0, 0};
    int rl = setrlimit(RLIMIT_CORE, &none), rl_errno = errno, dump = -1;

#ifdef __linux__
    dump = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
    if (rl == 0 || dump == 0)
        return 0;
    snprintf(err, errlen, "cannot disable core dumps: setrlimit(RLIMIT_CORE): %s", strerror(rl_errno));
    return -1;
}

int svc_path_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

int svc_dir_list(const char *dir, svc_dir_fn fn, void *ctx, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        snprintf(err, errlen, "%s: cannot read the directory: %s", dir, strerror(errno));
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        int kind = -1;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                kind = 1; /* a link to a directory is not followed: no loops */
            else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode)))
                kind = 0;
        }
        rc = fn(ctx, e->d_name, kind);
    }
    closedir(d);
    return rc;
}

int svc_stderr_is_tty(void) { return isatty(2); }

int svc_is_windows(void) { return 0; }

void svc_gmtime(time_t t, struct tm *out) { gmtime_r(&t, out); }

long svc_pid(void) { return (long)getpid(); }

int svc_path_is_absolute(const char *p) { return p[0] == '/'; }

const char *svc_path_last_sep(const char *p) { return strrchr(p, '/'); }

const char *svc_default_inventory_path(void) { return SVC_DEFAULT_INVENTORY; }

char **svc_utf8_argv(int argc, char **argv)
{
    (void)argc;
    return argv;
}
