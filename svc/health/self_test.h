/* self_test.h - the scheduled self-trip (issue 12): every interval decoysvc requests a service
 * ticket for the canary decoy's SPN with its own identity and expects to read its own 4769 within
 * expect_ms. The state machine is pure (clock and ticket requester are passed in) so it is unit
 * tested with a fake clock and a fake requester; the daemon drives it from its loop. */
#ifndef ADDECOY_SVC_SELF_TEST_H
#define ADDECOY_SVC_SELF_TEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "svc/detect/detector.h"

#define SELF_TEST_FIRST_MAX_MS (60 * 1000) /* the first trip: this long after start at most */

/* Requests the ticket for the canary: fills spn (the SPN asked for) and who (the requester's
 * account name, e.g. "addecoy-selftest@DECOY.TEST" or "CORP\\DC01$"); 0, or -1 with err. */
typedef int (*self_test_request_fn)(void *ctx, const char *canary, char *spn, size_t spnlen, char *who,
                                    size_t wholen, char *err, size_t errlen);

typedef struct self_test_conf {
    int64_t interval_ms; /* > 0 */
    int64_t expect_ms;   /* how long to wait for the 4769 */
    const char *canary;  /* the decoy's name (copied) */
    const char *host;    /* this machine's name, for the alert (copied) */
} self_test_conf;

typedef enum self_test_outcome {
    SELF_TEST_NOTHING = 0, /* nothing concluded in this tick */
    SELF_TEST_PASSED,      /* (from self_test_observe) */
    SELF_TEST_FAILED,      /* a failure that pages: build it with self_test_alert_json */
    SELF_TEST_FAILED_AGAIN /* still failing: recorded and logged, not paged again */
} self_test_outcome;

typedef struct self_test_result {
    int done; /* 0 until a first trip concluded */
    int ok;
    int64_t started_ms, finished_ms;
    int64_t latency_ms; /* request -> 4769 read, when ok */
    char step[16];      /* failure: "ticket" (the request failed) or "event" (no 4769 in time) */
    char error[1024];   /* failure: what went wrong, in words */
    char spn[512], requester[257];
} self_test_result;

typedef struct self_test self_test;

self_test *self_test_new(const self_test_conf *c, self_test_request_fn request, void *ctx, int64_t now_ms);
void self_test_free(self_test *st);

/* Starts a trip when one is due and concludes a trip whose wait ran out. */
self_test_outcome self_test_tick(self_test *st, int64_t now_ms);
/* 1 when d is this service's own self-trip (a 4769 by its own account for the canary): the caller
 * suppresses it (no alert). Anything else, even for the canary or by the same account: 0. */
int self_test_observe(self_test *st, const detection *d, int64_t now_ms);
/* The time of the next event the daemon must wake up for (a trip due or a wait ending). */
int64_t self_test_next_ms(const self_test *st);

const self_test_result *self_test_last(const self_test *st);
/* {"time", "ok", "latency_ms", "step", "error", "canary", "spn", "requester"} or null before the
 * first trip concluded (the heartbeat's and status.json's "self_test"). */
json_t *self_test_result_json(const self_test *st);
/* The self_test_failed alert for the last result (docs/alert-schema.md). Malloc'd JSON or NULL. */
char *self_test_alert_json(const self_test *st, int64_t now_ms);

#endif
