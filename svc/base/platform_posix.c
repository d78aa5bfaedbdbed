/* platform_posix.c - POSIX implementation of platform.h. */
#include "svc/base/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
