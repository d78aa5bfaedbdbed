/* health.h - decoysvc's view of its own health, driven from the daemon's loop: per-input and
 * per-sink statistics, <state_dir>/status.json (read by `decoysvc status`), the heartbeat sent to
 * the sinks that take it, and the blind-sensor alerts (sensor_blind / sensor_restored), whose state
 * survives a restart in <state_dir>/sensors.json. */
#ifndef ADDECOY_SVC_HEALTH_H
#define ADDECOY_SVC_HEALTH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "svc/base/log.h"
#include "svc/config.h"
#include "svc/detect/pipeline.h"
#include "svc/sink/delivery.h"
#include "svc/sink/sink.h"
#include "svc/spool/spool.h"

#define HEALTH_STATUS_EVERY_MS 5000 /* status.json is rewritten this often */

typedef struct health health;

/* Hands an alert document to the spool like the detector's alerts; 0 when accepted. */
typedef int (*health_emit_fn)(void *ctx, const char *json, size_t len);

typedef struct health_env {
    const svc_config *cfg;
    spool *sp;
    delivery *dl;
    sink *const *sinks;
    size_t nsinks;
    const pipeline *pipe; /* for the decoy count */
    const svc_logger *lg;
    health_emit_fn emit;
    void *emit_ctx;
    const struct self_trip *trip; /* the scheduled self-test (NULL: off): its last result */
} health_env;

/* Everything borrowed from env must outlive the health object. NULL on error. */
health *health_open(const health_env *env, int64_t now_ms, char *err, size_t errlen);
/* After input i was polled: nevents events reached the pipeline; lost = why it is unreadable or "". */
void health_input_polled(health *h, size_t i, uint64_t nevents, const char *lost, int64_t now_ms);
/* Once per loop pass: blind-sensor alerts (through emit), status.json, heartbeat when due.
 * cp_inputs is the last checkpoint's "inputs" object (positions). Returns 1 when alerts were
 * emitted: the caller commits the spool and then calls health_committed(). */
int health_tick(health *h, const json_t *cp_inputs, int64_t now_ms);
/* The spool commit after health_tick succeeded (ok) or failed (the alerts are due again). */
void health_committed(health *h, int ok);
/* Writes the last status.json (running false) and frees. */
void health_close(health *h, const json_t *cp_inputs, int64_t now_ms);

#endif
