/* thread_win.c - svc/base/thread.h over Win32 threads, SRW locks and condition variables. */
#include "svc/base/thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

struct svc_thread {
    HANDLE h;
    svc_thread_fn fn;
    void *arg;
};
struct svc_mutex {
    SRWLOCK l;
};
struct svc_cond {
    CONDITION_VARIABLE cv;
};

static DWORD WINAPI thread_main(LPVOID p)
{
    svc_thread *t = p;
    t->fn(t->arg);
    return 0;
}

svc_thread *svc_thread_start(svc_thread_fn fn, void *arg, char *err, size_t errlen)
{
    svc_thread *t = calloc(1, sizeof(*t));

    if (!t) {
        snprintf(err, errlen, "cannot start a thread: out of memory");
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    t->h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (!t->h) {
        snprintf(err, errlen, "cannot start a thread: error %lu", (unsigned long)GetLastError());
        free(t);
        return NULL;
    }
    return t;
}

void svc_thread_join(svc_thread *t)
{
    if (!t)
        return;
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

svc_mutex *svc_mutex_new(void)
{
    svc_mutex *m = calloc(1, sizeof(*m));
    if (m)
        InitializeSRWLock(&m->l);
    return m;
}

void svc_mutex_free(svc_mutex *m) { free(m); }
void svc_mutex_lock(svc_mutex *m) { AcquireSRWLockExclusive(&m->l); }
void svc_mutex_unlock(svc_mutex *m) { ReleaseSRWLockExclusive(&m->l); }

svc_cond *svc_cond_new(void)
{
    svc_cond *c = calloc(1, sizeof(*c));
    if (c)
        InitializeConditionVariable(&c->cv);
    return c;
}

void svc_cond_free(svc_cond *c) { free(c); }

void svc_cond_wait(svc_cond *c, svc_mutex *m) { SleepConditionVariableSRW(&c->cv, &m->l, INFINITE, 0); }

int svc_cond_timedwait(svc_cond *c, svc_mutex *m, int64_t ms)
{
    DWORD wait = ms <= 0 ? 0 : (ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)ms);
    if (SleepConditionVariableSRW(&c->cv, &m->l, wait, 0))
        return 0;
    return GetLastError() == ERROR_TIMEOUT ? 1 : 0;
}

void svc_cond_signal(svc_cond *c) { WakeConditionVariable(&c->cv); }
void svc_cond_broadcast(svc_cond *c) { WakeAllConditionVariable(&c->cv); }

int svc_cpu_count(void)
{
    DWORD_PTR proc = 0, sys = 0;
    int n = 0;

    if (GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys))
        for (; proc; proc &= proc - 1)
            n++;
    return n < 1 ? 1 : n;
}
