/* self_trip.h - the self-trip wired into the daemon: builds the self_test state machine from the
 * config, asks for the canary's ticket through svc_ticket_request (the canary's SPN is taken from
 * the pipeline's current inventory), makes the pipeline drop exactly its own 4769, records each
 * result in <state_dir>/self_test.json and the log, and hands the self_test_failed alert back. */
#ifndef ADDECOY_SVC_SELF_TRIP_H
#define ADDECOY_SVC_SELF_TRIP_H

#include <jansson.h>
#include <stdint.h>

#include "svc/base/log.h"
#include "svc/config.h"
#include "svc/detect/pipeline.h"

typedef struct self_trip self_trip;

/* NULL when the self-test is off (then err is ""), or on error (err says why). pipe must outlive it. */
self_trip *self_trip_open(const svc_config *cfg, pipeline *pipe, const svc_logger *lg, int64_t now_ms,
                          char *err, size_t errlen);
void self_trip_close(self_trip *t);
/* Once per loop pass (NULL: off). Returns a malloc'd self_test_failed alert to spool, or NULL. */
char *self_trip_tick(self_trip *t, int64_t now_ms);
/* The last result for status documents (null before the first trip, or when off). */
json_t *self_trip_result_json(const self_trip *t);

#endif
