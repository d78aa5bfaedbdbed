/* stats.h - runtime statistics of one input for `decoysvc status` and the heartbeat: events since
 * start, last event time, events per minute over the last minutes, lost or not (and why), and its
 * blind-sensor state. Filled by the daemon after each poll; no global state. */
#ifndef ADDECOY_SVC_HEALTH_STATS_H
#define ADDECOY_SVC_HEALTH_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "svc/health/blind.h"

#define HEALTH_RATE_MINUTES 5 /* events per minute are averaged over this many minutes */

typedef struct health_input {
    const char *name, *type;
    uint64_t events;                         /* since start */
    int64_t last_event_ms;                   /* 0: none since start */
    int64_t last_poll_ms;                    /* when the daemon last read it (not while the spool is full) */
    int64_t bucket_min[HEALTH_RATE_MINUTES]; /* minute number (ms / 60000) of each bucket */
    uint64_t bucket_n[HEALTH_RATE_MINUTES];
    char lost[512]; /* why the source is unreadable, "" while fine */
    int64_t lost_since_ms;
    blind_sensor blind;
} health_input;

void health_input_init(health_input *hi, const char *name, const char *type, int64_t blind_after_ms,
                       int64_t now_ms);
/* After one poll: nevents events handed to the pipeline, lost = the input's "why unreadable". */
void health_input_record(health_input *hi, uint64_t nevents, const char *lost, int64_t now_ms);
/* Events per minute over the last HEALTH_RATE_MINUTES minutes (or since start_ms when shorter). */
double health_input_rate(const health_input *hi, int64_t start_ms, int64_t now_ms);
/* "blind" (sensor_blind raised), "lost" (unreadable), "silent" (no event for half the blind
 * limit), else "ok". */
const char *health_input_state(const health_input *hi, int64_t now_ms);
/* The input's object in status.json; position is the checkpoint's (borrowed, may be NULL). */
json_t *health_input_json(const health_input *hi, const json_t *position, int64_t start_ms, int64_t now_ms);

/* "45 s", "61 min", "2 h 05 min" */
void health_duration(int64_t ms, char *buf, size_t len);
/* ISO 8601 UTC of ms, or JSON null for 0. */
json_t *health_time_json(int64_t ms);

#endif
