/* delivery_int.h - the delivery's private state, shared by delivery.c (one sink's turn: read a
 * batch, send it, acknowledge or back off, the heartbeat) and delivery_thread.c (one thread per
 * sink running those turns, woken when the spool grows).
 *
 * Locking: mu guards every sink's state below (what status.json and the heartbeat read), the
 * offered heartbeat and cursor_fault; it is never held while a sink sends. wake guards gen and
 * stopping and is what the threads sleep on: the detector's delivery_wake() takes only wake, so it
 * never waits for a sink nor for a sink's bookkeeping. Order: mu, then the spool's own mutex. */
#ifndef ADDECOY_SVC_DELIVERY_INT_H
#define ADDECOY_SVC_DELIVERY_INT_H

#include <stdatomic.h>

#include "svc/base/fault.h"
#include "svc/base/thread.h"
#include "svc/sink/delivery.h"

typedef struct dsink {
    sink *s;
    struct delivery *d;
    svc_thread *thread;     /* its delivery thread, NULL when not started */
    int64_t due_ms;         /* not before this time */
    unsigned attempts;      /* consecutive failures */
    int paused;             /* configuration error */
    fault_state read_fault; /* the head record cannot be read now */
    spool_pos reject_pos;   /* the alert the sink refused last, and how many times in a row */
    unsigned rejects;
    delivery_sink_info info; /* for status and heartbeat */
    char *heartbeat;         /* offered heartbeat not sent yet (a newer one replaces it) */
    size_t heartbeat_len;
    int heartbeat_failing; /* the last heartbeat failed (logged once) */
} dsink;

struct delivery {
    spool *sp;
    dsink *v;
    size_t n;
    const svc_logger *lg;
    backoff_policy bp;
    fault_state cursor_fault; /* a cursor could not be saved */
    char *qdir;               /* per-sink quarantine files */
    svc_mutex *mu;            /* see above */
    svc_mutex *wake;
    svc_cond *cond; /* signalled with wake held: gen moved or stopping set */
    uint64_t gen;   /* bumped by delivery_wake() */
    int stopping;
    size_t running;    /* delivery threads not finished yet (wake) */
    int threads;       /* delivery_start() ran: delivery_step() must not be used */
    atomic_int cancel; /* delivery_stop(..., 1): sends in flight give up (read by the sinks) */
};

/* One turn of one sink: a batch when it is due, then an offered heartbeat when the sink is ready.
 * Called without any lock. Returns the milliseconds until this sink has due work (0: at once), or
 * -1 when nothing is pending for it. */
int64_t delivery_sink_turn(delivery *d, dsink *ds, int64_t now_ms);

#endif
