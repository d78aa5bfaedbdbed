/* delivery.h - drives the sinks from the spool: each sink reads from its own cursor, sends a batch,
 * and acknowledges it only when the sink reported OK (at-least-once). Transient failures back off
 * (capped exponential with full jitter, Retry-After honoured); configuration errors pause the sink
 * (records kept); a document a sink rejects as invalid is sent again up to the sink's
 * reject_retries times, then moved to that sink's quarantine file so that the alerts behind it
 * are delivered.
 *
 * Two ways to drive it: delivery_start() gives each sink its own thread (the daemon: a slow sink
 * delays neither the detector nor another sink; the detector calls delivery_wake() after each
 * spool commit), or delivery_step() from the caller's thread (tests, tools). Not both. Every other
 * function may be called from any thread. */
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
/* Where the per-sink quarantine files of poison alerts go (<dir>/<sink>.jsonl); NULL: the spool's
 * quarantine folder. 0 or -1 (out of memory). */
int delivery_set_quarantine_dir(delivery *d, const char *dir);
/* Overrides the backoff policy (default: backoff_default()). */
void delivery_set_backoff(delivery *d, backoff_policy p);
/* Sends at most one batch per sink whose wait has elapsed, and the offered heartbeats. Returns the
 * milliseconds until the next due work (0: call again at once), or -1 when nothing is pending for
 * any sink. Only without delivery_start(). */
int64_t delivery_step(delivery *d, int64_t now_ms);
/* Starts one delivery thread per sink. 0, or -1 with a message (no thread left running). */
int delivery_start(delivery *d, char *err, size_t errlen);
/* New records were committed to the spool: the threads look at their cursors now. Never blocks
 * on a sink. */
void delivery_wake(delivery *d);
/* Stops and joins the threads (nothing when not started). A send in flight may finish within
 * grace_ms (0: none), then gives up: its batch is not acknowledged and stays in the spool, to be
 * sent again. Nothing spooled is lost. Returns within about grace_ms + 1 s (libcurl checks the
 * cancel flag about once a second while a transfer stalls). */
void delivery_stop(delivery *d, int64_t grace_ms);
/* Waits until nothing is pending, timeout_ms passed or *stop (may be NULL) is set; returns the
 * records still pending. Drives the sinks itself when the threads are not started. */
int delivery_drain(delivery *d, int64_t timeout_ms, volatile int *stop);
/* The heartbeat document: each sink that takes heartbeats sends it on its next turn if it is ready
 * then (not paused, not waiting after a failure), else drops it; a newer one replaces it. */
void delivery_offer_heartbeat(delivery *d, const char *doc, size_t len);
/* Ends every wait and pause (e.g. after a config reload). */
void delivery_resume(delivery *d);
/* What `decoysvc status` and the heartbeat report about one sink (index as given to delivery_new). */
typedef struct delivery_sink_info {
    int paused;            /* configuration error: delivery paused */
    unsigned attempts;     /* consecutive failed attempts (0: healthy) */
    char last_error[512];  /* the sink's last failure message (never secrets); "" when none */
    int64_t last_error_ms; /* when; 0 when none */
    char last_id[40];      /* id of the last document the sink accepted; "" when none */
    int64_t last_sent_ms;  /* when; 0 when none */
    uint64_t quarantined;  /* documents this sink rejected as invalid since start */
} delivery_sink_info;

/* 0 and *out filled, or -1 when i is out of range. */
int delivery_sink_get_info(delivery *d, size_t i, delivery_sink_info *out);
/* 1 when the sink is neither paused nor waiting after a failure at now_ms. */
int delivery_sink_ready(delivery *d, size_t i, int64_t now_ms);
/* Total undelivered records over all sinks. */
int delivery_pending(delivery *d);
/* Stops the threads (cancelling sends in flight) and frees. */
void delivery_free(delivery *d);

#endif
