/* status.h - `decoysvc status`: is the service running, and is it healthy? Reads the instance lock
 * and <state_dir>/status.json, never talks to (or waits for) the daemon. */
#ifndef ADDECOY_SVC_STATUS_H
#define ADDECOY_SVC_STATUS_H

#include <stdint.h>

typedef struct svc_status_opts {
    const char *config_path;
    int json;                  /* --format json */
    int64_t max_pending_age_s; /* --max-pending-age MINUTES */
} svc_status_opts;

/* Prints the report; returns 0 healthy, 1 degraded, 2 down or unreadable. */
int svc_status(const svc_status_opts *o);

#endif
