/* delivery_thread.c - one delivery thread per sink (see delivery.h): each runs its sink's turns
 * (delivery.c) and sleeps until the spool grows (delivery_wake), its backoff ends, or a second has
 * passed, so that input -> detector -> spool never waits for a sink and a slow or failing sink
 * delays no other. Stopping ends the waits, lets a send in flight finish or, when asked, makes it
 * give up at once (its batch stays in the spool, delivered again on the next start). */
#include "svc/sink/delivery_int.h"
#include "svc/base/platform.h"

#include <stdio.h>

#define IDLE_WAIT_MS 1000 /* a thread looks at its cursor at least this often */

static void delivery_main(void *arg)
{
    dsink *ds = arg;
    delivery *d = ds->d;

    for (;;) {
        uint64_t gen;
        int64_t wait;

        svc_mutex_lock(d->wake);
        gen = d->gen;
        if (d->stopping) {
            svc_mutex_unlock(d->wake);
            break;
        }
        svc_mutex_unlock(d->wake);
        wait = delivery_sink_turn(d, ds, svc_now_ms());
        svc_mutex_lock(d->wake);
        /* gen moved during the turn: records were committed after this sink looked, look again */
        if (!d->stopping && wait != 0 && d->gen == gen)
            svc_cond_timedwait(d->cond, d->wake, wait < 0 || wait > IDLE_WAIT_MS ? IDLE_WAIT_MS : wait);
        svc_mutex_unlock(d->wake);
    }
    svc_mutex_lock(d->wake);
    d->running--;
    svc_cond_broadcast(d->cond); /* delivery_stop() may be waiting for it */
    svc_mutex_unlock(d->wake);
}

int delivery_start(delivery *d, char *err, size_t errlen)
{
    d->threads = 1;
    for (size_t i = 0; i < d->n; i++) {
        char why[256];
        svc_mutex_lock(d->wake);
        d->running++;
        svc_mutex_unlock(d->wake);
        if (!(d->v[i].thread = svc_thread_start(delivery_main, &d->v[i], why, sizeof why))) {
            svc_mutex_lock(d->wake);
            d->running--;
            svc_mutex_unlock(d->wake);
            snprintf(err, errlen, "sink %s: %s", sink_name(d->v[i].s), why);
            delivery_stop(d, 0);
            return -1;
        }
    }
    return 0;
}

void delivery_wake(delivery *d)
{
    svc_mutex_lock(d->wake);
    d->gen++;
    svc_cond_broadcast(d->cond);
    svc_mutex_unlock(d->wake);
}

void delivery_stop(delivery *d, int64_t grace_ms)
{
    int64_t until = svc_now_ms() + grace_ms;

    if (!d->threads)
        return;
    svc_mutex_lock(d->wake);
    d->stopping = 1;
    svc_cond_broadcast(d->cond);
    /* a send in flight may finish within the grace period; then it gives up */
    while (d->running > 0 && svc_now_ms() < until)
        svc_cond_timedwait(d->cond, d->wake, until - svc_now_ms());
    svc_mutex_unlock(d->wake);
    atomic_store(&d->cancel, 1);
    for (size_t i = 0; i < d->n; i++) {
        svc_thread_join(d->v[i].thread);
        d->v[i].thread = NULL;
    }
    d->threads = 0;
}

int delivery_drain(delivery *d, int64_t timeout_ms, volatile int *stop)
{
    int64_t start = svc_now_ms();

    for (;;) {
        int pending = delivery_pending(d);
        if (pending == 0 || svc_now_ms() - start >= timeout_ms || (stop && *stop))
            return pending;
        if (!d->threads) {
            int64_t wait = delivery_step(d, svc_now_ms());
            if (wait > 0)
                svc_sleep_ms(wait > 100 ? 100 : wait);
        } else {
            svc_sleep_ms(10);
        }
    }
}
