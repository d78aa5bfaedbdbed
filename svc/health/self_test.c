/* self_test.c - the self-trip state machine (see self_test.h): idle -> (interval) request the
 * canary's ticket -> wait for the 4769 -> passed, or failed at the "ticket" or the "event" step.
 * Only the first failure of a run of failures pages; the next ones are recorded and logged. */
#include "svc/health/self_test.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/evtx.h"
#include "svc/base/crypto.h"

struct self_test {
    int64_t interval_ms, expect_ms;
    char canary[DET_NAME], host[DET_NAME];
    self_test_request_fn request;
    void *ctx;
    int waiting;        /* a ticket was obtained, the 4769 is awaited */
    int failing;        /* the last trip failed (the next failure does not page) */
    int64_t next_ms;    /* the next trip */
    int64_t started_ms; /* of the trip in progress */
    char spn[512], requester[257];
    self_test_result last;
};

self_test *self_test_new(const self_test_conf *c, self_test_request_fn request, void *ctx, int64_t now_ms)
{
    self_test *st;

    if (!c || c->interval_ms <= 0 || !c->canary || !c->canary[0] || !request || !(st = calloc(1, sizeof *st)))
        return NULL;
    st->interval_ms = c->interval_ms;
    st->expect_ms = c->expect_ms > 0 ? c->expect_ms : 120 * 1000;
    snprintf(st->canary, sizeof st->canary, "%s", c->canary);
    snprintf(st->host, sizeof st->host, "%s", c->host ? c->host : "");
    st->request = request;
    st->ctx = ctx;
    st->next_ms = now_ms + (c->interval_ms < SELF_TEST_FIRST_MAX_MS ? c->interval_ms : SELF_TEST_FIRST_MAX_MS);
    return st;
}

void self_test_free(self_test *st) { free(st); }

static self_test_outcome conclude(self_test *st, int ok, const char *step, const char *error, int64_t now_ms)
{
    self_test_result *r = &st->last;
    int was_failing = st->failing;

    memset(r, 0, sizeof *r);
    r->done = 1;
    r->ok = ok;
    r->started_ms = st->started_ms;
    r->finished_ms = now_ms;
    r->latency_ms = ok ? now_ms - st->started_ms : -1;
    snprintf(r->step, sizeof r->step, "%s", ok ? "" : step);
    snprintf(r->error, sizeof r->error, "%s", ok ? "" : error);
    snprintf(r->spn, sizeof r->spn, "%s", st->spn);
    snprintf(r->requester, sizeof r->requester, "%s", st->requester);
    st->waiting = 0;
    st->failing = !ok;
    if (ok)
        return SELF_TEST_PASSED;
    return was_failing ? SELF_TEST_FAILED_AGAIN : SELF_TEST_FAILED;
}

self_test_outcome self_test_tick(self_test *st, int64_t now_ms)
{
    char err[400], msg[1024];

    if (st->waiting) {
        if (now_ms - st->started_ms < st->expect_ms)
            return SELF_TEST_NOTHING;
        snprintf(msg, sizeof msg,
                 "the service ticket for %.400s was obtained but no 4769 for it was seen within %lld s: "
                 "the DC's audit of Kerberos Service Ticket Operations or the log path to decoysvc is broken",
                 st->spn, (long long)(st->expect_ms / 1000));
        return conclude(st, 0, "event", msg, now_ms);
    }
    if (now_ms < st->next_ms)
        return SELF_TEST_NOTHING;
    st->next_ms = now_ms + st->interval_ms;
    st->started_ms = now_ms;
    st->spn[0] = st->requester[0] = err[0] = '\0';
    if (st->request(st->ctx, st->canary, st->spn, sizeof st->spn, st->requester, sizeof st->requester, err,
                    sizeof err)) {
        snprintf(msg, sizeof msg, "the service ticket request for the canary %.256s failed: %.400s",
                 st->canary, err[0] ? err : "unknown error");
        return conclude(st, 0, "ticket", msg, now_ms);
    }
    st->waiting = 1;
    return SELF_TEST_NOTHING;
}

/* "CORP\\dc01$", "dc01$@CORP.EXAMPLE", "dc01$" -> the account part, compared case-insensitively. */
static void account_part(const char *s, char *out, size_t len)
{
    const char *bs = strrchr(s, '\\');
    size_t n, i;

    if (bs)
        s = bs + 1;
    n = strcspn(s, "@");
    for (i = 0; i < n && i + 1 < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

static int same_account(const char *a, const char *b)
{
    char x[DET_NAME], y[DET_NAME];

    account_part(a, x, sizeof x);
    account_part(b, y, sizeof y);
    return x[0] && strcmp(x, y) == 0;
}

int self_test_observe(self_test *st, const detection *d, int64_t now_ms)
{
    if (!st || d->action != DETECT_KERBEROAST || d->event_code != 4769 || !st->requester[0])
        return 0;
    if (!same_account(d->decoy_name, st->canary) || !same_account(d->user_name, st->requester))
        return 0;
    if (st->waiting)
        conclude(st, 1, "", "", now_ms);
    return 1; /* a late one (after its wait ran out) is ours all the same: no page */
}

int64_t self_test_next_ms(const self_test *st)
{
    return st->waiting ? st->started_ms + st->expect_ms : st->next_ms;
}

const self_test_result *self_test_last(const self_test *st) { return &st->last; }

static json_t *time_json(int64_t ms)
{
    char t[40];

    evtx_format_time(ms, t, sizeof t);
    return json_string(t);
}

json_t *self_test_result_json(const self_test *st)
{
    const self_test_result *r = st ? &st->last : NULL;

    if (!r || !r->done)
        return json_null();
    return json_pack("{s:o, s:b, s:o, s:o, s:o, s:s, s:s, s:s, s:I}", "time", time_json(r->finished_ms), "ok",
                     r->ok, "latency_ms", r->ok ? json_integer(r->latency_ms) : json_null(), "step",
                     r->ok ? json_null() : json_string(r->step), "error",
                     r->ok ? json_null() : json_string(r->error), "canary", st->canary, "spn", r->spn,
                     "requester", r->requester, "interval_seconds", (json_int_t)(st->interval_ms / 1000));
}

/* 32 hex digits of SHA-256 over the host, the action and the trip's start: a re-sent alert keeps its id. */
static void alert_id(const self_test *st, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    crypto_sha256_ctx c;
    uint8_t h[CRYPTO_SHA256_LEN];
    char ms[32];

    snprintf(ms, sizeof ms, "%lld", (long long)st->last.started_ms);
    crypto_sha256_init(&c);
    crypto_sha256_update(&c, "addecoy-self-test-v1", 21);
    crypto_sha256_update(&c, st->host, strlen(st->host) + 1);
    crypto_sha256_update(&c, ms, strlen(ms) + 1);
    crypto_sha256_final(&c, h);
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[32] = '\0';
}

char *self_test_alert_json(const self_test *st, int64_t now_ms)
{
    const self_test_result *r = &st->last;
    char id[33], summary[1600];
    json_t *doc;
    char *out;

    if (!r->done || r->ok)
        return NULL;
    alert_id(st, id);
    snprintf(summary, sizeof summary,
             "Self-test failed on %s (step: %s): %s. A real Kerberoast of a decoy may "
             "not page either.",
             st->host, r->step, r->error);
    doc = json_pack("{s:s, s:o, s:s, s:s, s:s, s:i, s:o, s:o, s:b, s:i, s:b}", "id", id, "@timestamp",
                    time_json(now_ms), "action", "self_test_failed", "summary", summary, "severity", "high",
                    "count", 1, "first_seen", time_json(r->started_ms), "last_seen",
                    time_json(r->finished_ms), "followup", 0, "sequence", 0, "suppressed", 0);
    if (!doc)
        return NULL;
    json_object_set_new(doc, "self_test", self_test_result_json(st));
    json_object_set_new(doc, "host", json_pack("{s:s}", "name", st->host));
    json_object_set_new(doc, "event",
                        json_pack("{s:o, s:s, s:s, s:s, s:s, s:i}", "created", time_json(now_ms), "action",
                                  "self_test_failed", "kind", "alert", "category", "host", "dataset",
                                  "addecoy.alert", "severity", 70));
    json_object_set_new(
        doc, "observer",
        json_pack("{s:s, s:s, s:s}", "product", "ADDecoy", "vendor", "ADDecoy", "version", ADDECOY_VERSION));
    out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return out;
}
