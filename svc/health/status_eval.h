/* status_eval.h - `decoysvc status`'s verdict: from the instance lock's answer and the daemon's
 * <state_dir>/status.json, Nagios-style 0 healthy, 1 degraded, 2 down or unreadable, with the list
 * of problems; and its text (for an operator) and JSON (for monitoring) renderings. Pure logic,
 * unit-tested without a daemon. */
#ifndef ADDECOY_SVC_HEALTH_STATUS_EVAL_H
#define ADDECOY_SVC_HEALTH_STATUS_EVAL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

enum { STATUS_HEALTHY = 0, STATUS_DEGRADED = 1, STATUS_DOWN = 2 };

typedef struct status_input {
    int lock;               /* instance_lock_probe: 1 held, 0 not held, -1 cannot tell */
    long pid;               /* holder when known */
    const char *lock_error; /* when lock is -1 */
    const json_t *doc;      /* status.json, NULL when missing or unreadable */
    int doc_missing;        /* no status.json at all (never ran here) */
    const char *doc_error;  /* why doc is NULL when the file exists */
    int64_t now_ms;
    int64_t max_pending_age_s; /* older pending alerts: degraded */
} status_input;

/* Fills problems (a JSON array of strings) and returns STATUS_*. */
int status_evaluate(const status_input *in, json_t *problems);
/* The JSON object printed by --format json. */
json_t *status_report_json(const status_input *in, int code, const json_t *problems);
/* The operator's text. */
void status_print_text(FILE *out, const status_input *in, int code, const json_t *problems);

#endif
