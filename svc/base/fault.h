/* fault.h - a failing condition that is retried with backoff and logged twice: once when it starts
 * and once when it clears (e.g. "storage failing" in the daemon, "cannot read the spool" for a sink),
 * so that a long outage neither floods the log nor goes unnoticed. */
#ifndef ADDECOY_SVC_FAULT_H
#define ADDECOY_SVC_FAULT_H

#include <stdint.h>

#include "svc/base/log.h"

typedef struct fault_state {
    int active;
    unsigned attempts;   /* failures since it started */
    int64_t since_ms;    /* when it started */
    int64_t retry_at_ms; /* not before this time */
} fault_state;

/* Records a failure at now_ms: the first one logs "<subject>: <what>; <consequence>" as an error;
 * schedules the next retry (capped exponential backoff from 200 ms to 5 s). */
void fault_fail(fault_state *f, const svc_logger *lg, int64_t now_ms, const char *subject, const char *what,
                const char *consequence);
/* Records a success: logs "<subject>: recovered after N failures in S s" when a failure was active. */
void fault_clear(fault_state *f, const svc_logger *lg, int64_t now_ms, const char *subject);
/* 1 when no retry is pending or its time has come. */
int fault_due(const fault_state *f, int64_t now_ms);

#endif
