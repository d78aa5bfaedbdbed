/* thread.h - threads, mutexes and condition variables behind one small interface (thread_posix.c:
 * pthreads, thread_win.c: Win32 threads, SRW locks and condition variables). Handles are opaque
 * and allocated; every constructor returns NULL (with a message) when the OS refuses. */
#ifndef ADDECOY_SVC_THREAD_H
#define ADDECOY_SVC_THREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct svc_thread svc_thread;
typedef struct svc_mutex svc_mutex;
typedef struct svc_cond svc_cond;
typedef void (*svc_thread_fn)(void *arg);

/* Starts fn(arg) on a new thread; NULL with a message when it cannot be created. */
svc_thread *svc_thread_start(svc_thread_fn fn, void *arg, char *err, size_t errlen);
/* Waits for the thread to return and frees the handle (NULL: nothing). */
void svc_thread_join(svc_thread *t);

svc_mutex *svc_mutex_new(void);
void svc_mutex_free(svc_mutex *m);
void svc_mutex_lock(svc_mutex *m);
void svc_mutex_unlock(svc_mutex *m);

svc_cond *svc_cond_new(void);
void svc_cond_free(svc_cond *c);
/* Waits on c with m held (m is held again on return). */
void svc_cond_wait(svc_cond *c, svc_mutex *m);
/* As svc_cond_wait, at most ms milliseconds: 0 when woken (or spuriously), 1 on timeout. */
int svc_cond_timedwait(svc_cond *c, svc_mutex *m, int64_t ms);
void svc_cond_signal(svc_cond *c);
void svc_cond_broadcast(svc_cond *c);

/* Processors available to this process (at least 1). */
int svc_cpu_count(void);

#endif
