/* thread_posix.c - svc/base/thread.h over POSIX threads. */
#define _POSIX_C_SOURCE 200809L
#include "svc/base/thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct svc_thread {
    pthread_t id;
    svc_thread_fn fn;
    void *arg;
};
struct svc_mutex {
    pthread_mutex_t m;
};
struct svc_cond {
    pthread_cond_t c;
};

static void *thread_main(void *p)
{
    svc_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

svc_thread *svc_thread_start(svc_thread_fn fn, void *arg, char *err, size_t errlen)
{
    svc_thread *t = calloc(1, sizeof(*t));
    int rc;

    if (!t) {
        snprintf(err, errlen, "cannot start a thread: out of memory");
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    rc = pthread_create(&t->id, NULL, thread_main, t);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start a thread: %s", strerror(rc));
        free(t);
        return NULL;
    }
    return t;
}

void svc_thread_join(svc_thread *t)
{
    if (!t)
        return;
    pthread_join(t->id, NULL);
    free(t);
}

svc_mutex *svc_mutex_new(void)
{
    svc_mutex *m = calloc(1, sizeof(*m));
    if (m && pthread_mutex_init(&m->m, NULL) != 0) {
        free(m);
        m = NULL;
    }
    return m;
}

void svc_mutex_free(svc_mutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void svc_mutex_lock(svc_mutex *m) { pthread_mutex_lock(&m->m); }
void svc_mutex_unlock(svc_mutex *m) { pthread_mutex_unlock(&m->m); }

svc_cond *svc_cond_new(void)
{
    svc_cond *c = calloc(1, sizeof(*c));
    pthread_condattr_t attr;

    if (!c)
        return NULL;
    /* timed waits on the monotonic clock: a wall-clock step does not stretch them */
    if (pthread_condattr_init(&attr) != 0) {
        free(c);
        return NULL;
    }
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_cond_init(&c->c, &attr) != 0) {
        free(c);
        c = NULL;
    }
    pthread_condattr_destroy(&attr);
    return c;
}

void svc_cond_free(svc_cond *c)
{
    if (!c)
        return;
    pthread_cond_destroy(&c->c);
    free(c);
}

void svc_cond_wait(svc_cond *c, svc_mutex *m) { pthread_cond_wait(&c->c, &m->m); }

int svc_cond_timedwait(svc_cond *c, svc_mutex *m, int64_t ms)
{
    struct timespec ts;

    if (ms < 0)
        ms = 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&c->c, &m->m, &ts) == ETIMEDOUT ? 1 : 0;
}

void svc_cond_signal(svc_cond *c) { pthread_cond_signal(&c->c); }
void svc_cond_broadcast(svc_cond *c) { pthread_cond_broadcast(&c->c); }

int svc_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > 256 ? 256 : (int)n);
}
