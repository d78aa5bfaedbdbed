/* platform_win.c - Windows implementation of platform.h. */
#include "svc/base/platform.h"

#include <windows.h>
#include <direct.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int64_t svc_now_ms(void)
{
    FILETIME ft;
    ULARGE_INTEGER u;
    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return (int64_t)(u.QuadPart / 10000ULL) - 11644473600000LL;
}

void svc_sleep_ms(int64_t ms)
{
    if (ms > 0)
        Sleep((DWORD)ms);
}

int svc_mkdir_p(const char *path, char *err, size_t errlen)
{
    char buf[MAX_PATH * 4];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "%s: invalid directory path", path);
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if ((*p != '/' && *p != '\\') || p[-1] == ':')
            continue;
        char c = *p;
        *p = '\0';
        if (_mkdir(buf) != 0 && errno != EEXIST)
            goto fail;
        *p = c;
    }
    if (_mkdir(buf) != 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
    return -1;
}

uint64_t svc_file_stamp(const char *path)
{
    struct _stat64 st;
    if (_stat64(path, &st) != 0)
        return 0;
    return ((uint64_t)st.st_mtime * 1000000000ull) ^ ((uint64_t)st.st_size << 1);
}

long svc_stdin_read(char *buf, size_t cap)
{
    HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
    DWORD avail = 0, got = 0;

    if (GetFileType(h) == FILE_TYPE_PIPE) {
        if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
            return -1;
        if (avail == 0)
            return 0;
        if (avail < cap)
            cap = avail;
    }
    if (!ReadFile(h, buf, (DWORD)cap, &got, NULL) || got == 0)
        return -1;
    return (long)got;
}

void svc_hostname(char *buf, size_t len)
{
    DWORD n = (DWORD)len;
    if (!GetComputerNameExA(ComputerNameDnsHostname, buf, &n))
        snprintf(buf, len, "localhost");
}
