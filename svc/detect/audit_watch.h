/* audit_watch.h - the audit gap check: at start and every hour, reads the effective audit policy
 * (through a query function: audit_policy_query on Windows, a fake in tests) for the subcategories
 * the detections depend on (audit_subcategories.c) and raises one `audit_gap` alert per
 * subcategory that lost a needed result (success, or failure where the detections need it), once
 * while it stays missing, and one `audit_restored` when it is back. Also logs the state at start. */
#ifndef ADDECOY_SVC_AUDIT_WATCH_H
#define ADDECOY_SVC_AUDIT_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "svc/base/log.h"
#include "svc/detect/detector.h"

#define AUDIT_WATCH_MAX 16
#define AUDIT_WATCH_INTERVAL_MS (3600 * 1000)
#define AUDIT_WATCH_RETRY_MS (10 * 1000) /* after an alert could not be raised (spool full) */

/* Fills bits[i] for guids[i]; 0, AUDIT_POLICY_NA (1) or -1 with err (as audit_policy_query). */
typedef int (*audit_query_fn)(void *ctx, const char *const *guids, size_t n, unsigned *bits, char *err,
                              size_t errlen);
/* Takes one alert (detection) raised by the watch; 0, or non-zero when it could not (retry later). */
typedef int (*audit_raise_fn)(void *ctx, const detection *d);

typedef struct audit_watch {
    audit_query_fn query;
    void *query_ctx;
    int64_t interval_ms, next_ms;
    int readings;                      /* successful readings so far */
    int queried;                       /* queries so far */
    int last_rc;                       /* outcome of the last query, to log changes once */
    unsigned missing[AUDIT_WATCH_MAX]; /* needed bits missing as of the last alert raised */
    char host[DET_NAME];
} audit_watch;

void audit_watch_init(audit_watch *w, audit_query_fn query, void *query_ctx, const char *host);
/* Reads the policy when due (at once the first time) and raises what changed. Returns the ms until
 * the next reading is due. */
int64_t audit_watch_tick(audit_watch *w, int64_t now_ms, const svc_logger *lg, audit_raise_fn raise,
                         void *raise_ctx);
/* The audit_gap (missing != 0) or audit_restored (missing == 0) detection for subcategory i. */
void audit_watch_detection(const audit_watch *w, size_t i, unsigned missing, int64_t now_ms, detection *d);

#endif
