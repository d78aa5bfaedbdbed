/* delivery.h - drives the sinks from the spool: each sink reads from its own cursor, sends a batch,
 * and acknowledges it only when the sink reported OK (at-least-once). Transient failures back off
 * (capped exponential with full jitter, Retry-After honoured); configuration errors pause the sink
 * (records kept); a document a sink rejects as invalid is quarantined. Single-threaded: call
 * delivery_step() from the daemon's loop. */
#ifndef ADDECOY_SVC_DELIVERY_H
#define ADDECOY_SVC_DELIVERY_H

#include <stdint.h>

#include "svc/base/backoff.h"
#include "svc/base/log.h"
#include "svc/sink/sink.h"
#include "svc/spool/spool.h"

#define DELIVERY_CONFIG_PAUSE_MS (5 * 60 * 1000)

typedef struct delivery delivery;

/* Registers every sink with the spool (a sink's cursor is its name). The sinks stay owned by the
 * caller and must outlive the delivery. NULL on error (logged). */
delivery *delivery_new(spool *sp, sink **sinks, size_t n, const svc_logger *lg);
/* Overrides the backoff policy (default: backoff_default()). */
void delivery_set_backoff(delivery *d, backoff_policy p);
/* Sends at most one batch per sink whose wait has elapsed. Returns the milliseconds until the next
 * due work (0: call again at once), or -1 when nothing is pending for any sink. */
int64_t delivery_step(delivery *d, int64_t now_ms);
/* Ends every wait and pause (e.g. after a config reload). */
void delivery_resume(delivery *d);
/* What `decoysvc status` and the heartbeat report about one sink (index as given to delivery_new). */
typedef struct delivery_sink_info {
    int paused;              /* configuration error: delivery paused */
    unsigned attempts;       /* consecutive failed attempts (0: healthy) */
    char last_error[512];    /* the sink's last failure message (never secrets); "" when none */
    int64_t last_error_ms;   /* when; 0 when none */
    char last_id[40];        /* id of the last document the sink accepted; "" when none */
    int64_t last_sent_ms;    /* when; 0 when none */
    uint64_t quarantined;    /* documents this sink rejected as invalid since start */
} delivery_sink_info;

/* 0 and *out filled, or -1 when i is out of range. */
int delivery_sink_get_info(const delivery *d, size_t i, delivery_sink_info *out);
/* 1 when the sink is neither paused nor waiting after a failure at now_ms. */
int delivery_sink_ready(const delivery *d, size_t i, int64_t now_ms);
/* Total undelivered records over all sinks. */
int delivery_pending(delivery *d);
void delivery_free(delivery *d);

#endif
