/* self_trip.c - see self_trip.h. */
#include "svc/health/self_trip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adseed/adseed.h"
#include "svc/base/platform.h"
#include "svc/base/ticket.h"
#include "svc/health/self_test.h"

struct self_trip {
    self_test *st;
    pipeline *pipe;
    const svc_logger *lg;
    const svc_config *cfg;
    char ccache[4096], result_path[4096];
    int64_t written_ms; /* finished_ms of the result last written to self_test.json */
};

/* The active decoy of that exact name (case-insensitive), unpacked into *v; NULL when none. */
static const adseed_decoy *find_canary(const pipeline *p, const char *name, adseed_decoy_view *v)
{
    for (size_t i = 0; i < adseed_pack_count(p->pack); i++) {
        const adseed_decoy *d = adseed_pack_decoy(p->pack, i, v);
        if (strcasecmp(d->name, name) == 0 && !d->retired)
            return d;
    }
    return NULL;
}

static int request(void *ctx, const char *canary, char *spn, size_t spnlen, char *who, size_t wholen,
                   char *err, size_t errlen)
{
    self_trip *t = ctx;
    adseed_decoy_view v;
    const adseed_decoy *d = find_canary(t->pipe, canary, &v);
    svc_ticket_conf tc = {t->cfg->self_test.keytab, t->cfg->self_test.principal, t->ccache};

    if (!d || d->nspns == 0) {
        snprintf(err, errlen, "the canary decoy %s is %s", canary,
                 d ? "without an SPN in the inventory" : "not (or no longer) in the inventory");
        return -1;
    }
    snprintf(spn, spnlen, "%s", d->spns[0]);
    return svc_ticket_request(&tc, spn, who, wholen, err, errlen);
}

static int is_own(void *ctx, const detection *d, int64_t now_ms)
{
    self_trip *t = ctx;
    int64_t stamp = self_test_last(t->st)->finished_ms;

    if (!self_test_observe(t->st, d, now_ms))
        return 0;
    if (self_test_last(t->st)->finished_ms != stamp)
        svc_log(t->lg, SVC_LOG_INFO,
                "self-test passed: %s's 4769 for the canary %s (%s) read %lld ms after the "
                "request",
                d->user_name, d->decoy_name, d->service_name, (long long)self_test_last(t->st)->latency_ms);
    else
        svc_log(t->lg, SVC_LOG_INFO, "self-test: a late 4769 of %s for the canary %s (not alerted)",
                d->user_name, d->decoy_name);
    return 1;
}

self_trip *self_trip_open(const svc_config *cfg, pipeline *pipe, const svc_logger *lg, int64_t now_ms,
                          char *err, size_t errlen)
{
    self_trip *t;
    char host[256];
    self_test_conf c;
    adseed_decoy_view v;

    err[0] = '\0';
    if (cfg->self_test.interval_ms <= 0)
        return NULL;
    if (!(t = calloc(1, sizeof *t))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->pipe = pipe, t->lg = lg, t->cfg = cfg;
    snprintf(t->ccache, sizeof t->ccache, "%s/self_test.ccache", cfg->state_dir);
    snprintf(t->result_path, sizeof t->result_path, "%s/self_test.json", cfg->state_dir);
    svc_hostname(host, sizeof host);
    c = (self_test_conf){cfg->self_test.interval_ms, cfg->self_test.expect_ms, cfg->self_test.canary, host};
    if (!(t->st = self_test_new(&c, request, t, now_ms))) {
        snprintf(err, errlen, "out of memory");
        free(t);
        return NULL;
    }
    pipeline_set_own(pipe, is_own, t);
    if (!find_canary(pipe, cfg->self_test.canary, &v))
        svc_log(lg, SVC_LOG_WARN,
                "%s: self_test.canary: no decoy named %s in the inventory: the self-test will fail",
                cfg->path, cfg->self_test.canary);
    svc_log(lg, SVC_LOG_INFO, "self-test every %lld s with the canary %s, expecting its 4769 within %lld s",
            (long long)(cfg->self_test.interval_ms / 1000), cfg->self_test.canary,
            (long long)(cfg->self_test.expect_ms / 1000));
    return t;
}

void self_trip_close(self_trip *t)
{
    if (!t)
        return;
    pipeline_set_own(t->pipe, NULL, NULL);
    self_test_free(t->st);
    free(t);
}

static void write_result(self_trip *t)
{
    json_t *r = self_test_result_json(t->st);
    char *text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER), err[512];

    if (!text || adseed_write_file_atomic(t->result_path, text, strlen(text), 0644, err, sizeof err))
        svc_log(t->lg, SVC_LOG_WARN, "cannot write %s: %s", t->result_path, text ? err : "out of memory");
    free(text);
    json_decref(r);
}

char *self_trip_tick(self_trip *t, int64_t now_ms)
{
    const self_test_result *r;
    self_test_outcome o;

    if (!t)
        return NULL;
    o = self_test_tick(t->st, now_ms);
    r = self_test_last(t->st);
    if (r->done && r->finished_ms != t->written_ms) { /* concluded since (a pass concludes in is_own) */
        t->written_ms = r->finished_ms;
        write_result(t);
    }
    if (o == SELF_TEST_FAILED || o == SELF_TEST_FAILED_AGAIN)
        svc_log(t->lg, SVC_LOG_ERR, "self-test failed%s: %s",
                o == SELF_TEST_FAILED_AGAIN ? " again (not paged again)" : "", r->error);
    return o == SELF_TEST_FAILED ? self_test_alert_json(t->st, now_ms) : NULL;
}

json_t *self_trip_result_json(const self_trip *t) { return t ? self_test_result_json(t->st) : json_null(); }
