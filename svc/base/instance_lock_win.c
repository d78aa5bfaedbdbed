/* instance_lock_win.c - Windows implementation of instance_lock.h with LockFileEx. Windows byte-range
 * locks are mandatory, so the lock is taken on one byte far past the pid text (offset 4 GiB): other
 * processes can still read the pid. The system releases the lock when the holder's process ends. */
#include "svc/base/instance_lock.h"
#include "svc/base/utf16.h"

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCK_OFFSET_HIGH 1u /* the locked byte is at 2^32 */
#define ACQUIRE_TRIES 10    /* a probe holds the lock for microseconds: do not mistake it for a holder */

struct instance_lock {
    HANDLE h;
};

static HANDLE open_lock_file(const char *state_dir, int create, DWORD *gle)
{
    char path[MAX_PATH * 4];
    wchar_t w[MAX_PATH * 2];
    HANDLE h;

    snprintf(path, sizeof path, "%s\\%s", state_dir, INSTANCE_LOCK_FILE);
    if (utf16_from_utf8_buf(path, w, MAX_PATH * 2) < 0) {
        *gle = ERROR_INVALID_NAME;
        return INVALID_HANDLE_VALUE;
    }
    h = CreateFileW(w, create ? GENERIC_READ | GENERIC_WRITE : GENERIC_READ,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    create ? OPEN_ALWAYS : OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    *gle = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
    return h;
}

static int try_lock(HANDLE h)
{
    OVERLAPPED ov;

    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = LOCK_OFFSET_HIGH;
    return LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov) ? 0 : -1;
}

static void unlock(HANDLE h)
{
    OVERLAPPED ov;

    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = LOCK_OFFSET_HIGH;
    UnlockFileEx(h, 0, 1, 0, &ov);
}

static long read_pid(HANDLE h)
{
    char buf[32];
    DWORD n = 0;
    OVERLAPPED ov;
    long pid;
    char *end;

    memset(&ov, 0, sizeof ov);
    if (!ReadFile(h, buf, sizeof buf - 1, &n, &ov) || n == 0)
        return 0;
    buf[n] = '\0';
    pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

static void held_message(const char *state_dir, long pid, char *err, size_t errlen)
{
    if (pid > 0)
        snprintf(err, errlen, "another decoysvc (pid %ld) is running on state_dir %s", pid, state_dir);
    else
        snprintf(err, errlen, "another decoysvc (pid unknown) is running on state_dir %s", state_dir);
}

int instance_lock_acquire(const char *state_dir, instance_lock **out, char *err, size_t errlen)
{
    DWORD gle, written = 0;
    HANDLE h = open_lock_file(state_dir, 1, &gle);
    char text[32];
    instance_lock *l;
    int n;

    *out = NULL;
    if (h == INVALID_HANDLE_VALUE) {
        snprintf(err, errlen, "%s\\%s: cannot open the instance lock (error %lu)", state_dir,
                 INSTANCE_LOCK_FILE, (unsigned long)gle);
        return -1;
    }
    for (int i = 0; try_lock(h) < 0; i++) {
        gle = GetLastError();
        if (gle != ERROR_LOCK_VIOLATION && gle != ERROR_IO_PENDING) {
            snprintf(err, errlen, "%s\\%s: cannot lock (error %lu)", state_dir, INSTANCE_LOCK_FILE,
                     (unsigned long)gle);
            goto fail;
        }
        if (i + 1 >= ACQUIRE_TRIES) {
            held_message(state_dir, read_pid(h), err, errlen);
            goto fail;
        }
        Sleep(20);
    }
    n = snprintf(text, sizeof text, "%lu\r\n", (unsigned long)GetCurrentProcessId());
    if (SetFilePointer(h, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER || !SetEndOfFile(h) ||
        !WriteFile(h, text, (DWORD)n, &written, NULL) || written != (DWORD)n) {
        snprintf(err, errlen, "%s\\%s: cannot write the pid (error %lu)", state_dir, INSTANCE_LOCK_FILE,
                 (unsigned long)GetLastError());
        goto fail;
    }
    if (!(l = malloc(sizeof *l))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    l->h = h;
    *out = l;
    return 0;
fail:
    CloseHandle(h); /* drops the lock if it was taken */
    return -1;
}

void instance_lock_release(instance_lock *lock)
{
    if (!lock)
        return;
    unlock(lock->h);
    CloseHandle(lock->h);
    free(lock);
}

int instance_lock_probe(const char *state_dir, long *pid, char *err, size_t errlen)
{
    DWORD gle;
    HANDLE h = open_lock_file(state_dir, 0, &gle);

    *pid = 0;
    if (h == INVALID_HANDLE_VALUE) {
        if (gle == ERROR_FILE_NOT_FOUND || gle == ERROR_PATH_NOT_FOUND)
            return 0;
        snprintf(err, errlen, "%s\\%s: cannot open (error %lu)", state_dir, INSTANCE_LOCK_FILE,
                 (unsigned long)gle);
        return -1;
    }
    if (try_lock(h) == 0) {
        unlock(h);
        CloseHandle(h);
        return 0;
    }
    gle = GetLastError();
    if (gle == ERROR_LOCK_VIOLATION || gle == ERROR_IO_PENDING) {
        *pid = read_pid(h);
        CloseHandle(h);
        return 1;
    }
    snprintf(err, errlen, "%s\\%s: cannot test the lock (error %lu)", state_dir, INSTANCE_LOCK_FILE,
             (unsigned long)gle);
    CloseHandle(h);
    return -1;
}
