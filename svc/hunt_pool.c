/* hunt_pool.c - the worker threads of `decoysvc hunt -j N` (see hunt_pool.h). One mutex guards
 * the claim counter, the finished traces and the progress count; workers wait on 'room' when they
 * are 2N files ahead of the caller, the caller waits on 'done' for the next file in order. */
#include "svc/hunt_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svc/base/thread.h"

typedef struct hunt_worker {
    hunt_pool *pool;
    hunt_reader reader; /* a copy of the caller's, with this worker's detector and progress hook */
    svc_thread *thread;
} hunt_worker;

struct hunt_pool {
    const hunt_files *files;
    hunt_reader proto;
    svc_mutex *mu;
    svc_cond *done, *room;
    size_t next_claim, next_take, ahead;
    hunt_trace **traces;    /* [files->n]: set by a worker when the file is read */
    uint64_t live;          /* records seen in files not taken yet */
    hunt_pool_idle_fn idle; /* sequential reading: the caller's progress hook */
    void *idle_ctx;
    int stop;
    hunt_worker *workers;
    int nworkers;
};

static void worker_progress(void *ctx, uint64_t records)
{
    hunt_pool *p = ctx;
    svc_mutex_lock(p->mu);
    p->live += records;
    svc_mutex_unlock(p->mu);
}

static void inline_progress(void *ctx, uint64_t records)
{
    hunt_pool *p = ctx;
    p->live += records;
    if (p->idle)
        p->idle(p->idle_ctx, p->live);
}

static hunt_trace *read_one(const hunt_reader *r, const char *path)
{
    hunt_trace *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    hunt_trace_init(t);
    hunt_read_file(r, path, t);
    return t;
}

static void worker_main(void *arg)
{
    hunt_worker *w = arg;
    hunt_pool *p = w->pool;

    svc_mutex_lock(p->mu);
    for (;;) {
        size_t i;
        hunt_trace *t;
        while (!p->stop && p->next_claim < p->files->n && p->next_claim >= p->next_take + p->ahead)
            svc_cond_wait(p->room, p->mu);
        if (p->stop || p->next_claim >= p->files->n)
            break;
        i = p->next_claim++;
        svc_mutex_unlock(p->mu);
        t = read_one(&w->reader, p->files->paths[i]);
        svc_mutex_lock(p->mu);
        if (!t) { /* out of memory: the caller sees the file as unread */
            p->stop = 1;
            svc_cond_broadcast(p->done);
            break;
        }
        p->traces[i] = t;
        svc_cond_broadcast(p->done);
    }
    svc_mutex_unlock(p->mu);
}

/* The libraries' one-time initialisation, done here before any worker runs: libxml2's parser
 * (through evtx's public API) and jansson's hash seed. */
static void warm_up(void)
{
    static const char doc[] = "<Event><System><EventID>0</EventID></System></Event>";
    evtx_event ev;
    char err[64];

    json_object_seed(0);
    evtx_event_init(&ev);
    (void)evtx_parse_event_xml(doc, sizeof doc - 1, &ev, err, sizeof err);
    evtx_event_free(&ev);
}

hunt_pool *hunt_pool_start(const hunt_files *files, const hunt_reader *r, int jobs, int *started, char *err,
                           size_t errlen)
{
    hunt_pool *p = calloc(1, sizeof *p);
    int want = jobs > 1 ? jobs : 0;

    *started = 0;
    if (!p)
        goto oom;
    p->files = files;
    p->proto = *r;
    p->ahead = (size_t)(want ? 2 * want : 1);
    if (!want)
        return p;
    warm_up();
    p->mu = svc_mutex_new();
    p->done = svc_cond_new();
    p->room = svc_cond_new();
    p->traces = calloc(files->n ? files->n : 1, sizeof *p->traces);
    p->workers = calloc((size_t)want, sizeof *p->workers);
    if (!p->mu || !p->done || !p->room || !p->traces || !p->workers)
        goto oom;
    for (int k = 0; k < want; k++) {
        hunt_worker *w = &p->workers[p->nworkers];
        w->pool = p;
        w->reader = *r;
        w->reader.progress = worker_progress;
        w->reader.progress_ctx = p;
        if (!(w->reader.det = detector_new(r->pipe->index))) {
            snprintf(err, errlen, "out of memory");
            break;
        }
        if (!(w->thread = svc_thread_start(worker_main, w, err, errlen))) {
            detector_free(w->reader.det);
            break;
        }
        p->nworkers++;
    }
    *started = p->nworkers;
    return p;
oom:
    snprintf(err, errlen, "out of memory");
    hunt_pool_stop(p);
    return NULL;
}

hunt_trace *hunt_pool_take(hunt_pool *p, size_t i, hunt_pool_idle_fn idle, void *ctx)
{
    hunt_trace *t;

    if (p->nworkers == 0) { /* sequential: read it here, progress straight to the caller */
        hunt_reader r = p->proto;
        r.progress = inline_progress;
        r.progress_ctx = p;
        p->idle = idle;
        p->idle_ctx = ctx;
        t = read_one(&r, p->files->paths[i]);
        p->live = 0;
        return t;
    }
    svc_mutex_lock(p->mu);
    while (!p->traces[i] && !p->stop) {
        if (svc_cond_timedwait(p->done, p->mu, 250) && idle) {
            uint64_t live = p->live;
            svc_mutex_unlock(p->mu);
            idle(ctx, live);
            svc_mutex_lock(p->mu);
        }
    }
    t = p->traces[i];
    p->traces[i] = NULL;
    if (t) {
        p->live -= t->seen <= p->live ? t->seen : p->live;
        p->next_take = i + 1;
        svc_cond_broadcast(p->room);
    }
    svc_mutex_unlock(p->mu);
    return t;
}

void hunt_pool_stop(hunt_pool *p)
{
    if (!p)
        return;
    if (p->mu) {
        svc_mutex_lock(p->mu);
        p->stop = 1;
        if (p->room)
            svc_cond_broadcast(p->room);
        svc_mutex_unlock(p->mu);
    }
    for (int k = 0; k < p->nworkers; k++) {
        svc_thread_join(p->workers[k].thread);
        detector_free(p->workers[k].reader.det);
    }
    for (size_t i = 0; p->traces && i < p->files->n; i++)
        if (p->traces[i]) {
            hunt_trace_free(p->traces[i]);
            free(p->traces[i]);
        }
    free(p->traces);
    free(p->workers);
    svc_cond_free(p->room);
    svc_cond_free(p->done);
    svc_mutex_free(p->mu);
    free(p);
}
