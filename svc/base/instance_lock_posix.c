/* instance_lock_posix.c - POSIX implementation of instance_lock.h with flock(2): the lock belongs to
 * the open file description, so it is released when the holder exits or crashes. */
#include "svc/base/instance_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define ACQUIRE_TRIES 10 /* a probe holds a shared lock for microseconds: do not mistake it for a holder */

struct instance_lock {
    int fd;
};

static void lock_path(const char *state_dir, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", state_dir, INSTANCE_LOCK_FILE);
}

/* The pid written by the holder, or 0 when the file holds none (yet). */
static long read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    char *end;
    long pid;

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

static void pause_briefly(void)
{
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
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
    char path[4096], text[32];
    instance_lock *l = NULL;
    int fd, rc = -1, n;

    *out = NULL;
    lock_path(state_dir, path, sizeof path);
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        snprintf(err, errlen, "%s: cannot open the instance lock: %s", path, strerror(errno));
        return -1;
    }
    for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK || i + 1 >= ACQUIRE_TRIES) {
            if (errno == EWOULDBLOCK)
                held_message(state_dir, read_pid(fd), err, errlen);
            else
                snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(errno));
            goto out;
        }
        pause_briefly();
    }
    n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n) {
        snprintf(err, errlen, "%s: cannot write the pid: %s", path, strerror(errno));
        goto out;
    }
    if (!(l = malloc(sizeof *l))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    l->fd = fd;
    *out = l;
    rc = 0;
out:
    if (rc < 0)
        close(fd); /* also drops the lock if it was taken */
    return rc;
}

void instance_lock_release(instance_lock *lock)
{
    if (!lock)
        return;
    /* the pid text is left alone: without the lock it means nothing, and truncating it here
     * could race with a successor that has just written its own */
    close(lock->fd);
    free(lock);
}

int instance_lock_probe(const char *state_dir, long *pid, char *err, size_t errlen)
{
    char path[4096];
    int fd, rc;

    *pid = 0;
    lock_path(state_dir, path, sizeof path);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0; /* never started on this state_dir */
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((rc = flock(fd, LOCK_SH | LOCK_NB)) < 0 && errno == EINTR)
        ;
    if (rc == 0) {
        close(fd); /* releases the shared lock at once */
        return 0;
    }
    if (errno == EWOULDBLOCK) {
        *pid = read_pid(fd);
        close(fd);
        return 1;
    }
    snprintf(err, errlen, "%s: cannot test the lock: %s", path, strerror(errno));
    close(fd);
    return -1;
}
