/* delivery.c - moves records from the spool to the sinks (see delivery.h): per-sink cursor, batch,
 * acknowledge on OK, backoff on RETRY, pause on CONFIG_ERROR, quarantine on REJECTED. */
#include "svc/sink/delivery.h"
#include "svc/base/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dsink {
    sink *s;
    int64_t due_ms;    /* not before this time */
    unsigned attempts; /* consecutive failures */
    int paused;        /* configuration error */
    delivery_sink_info info; /* for status and heartbeat */
} dsink;

struct delivery {
    spool *sp;
    dsink *v;
    size_t n;
    const svc_logger *lg;
    backoff_policy bp;
};

delivery *delivery_new(spool *sp, sink **sinks, size_t n, const svc_logger *lg)
{
    delivery *d = calloc(1, sizeof *d);
    char err[512];

    if (!d || (n && !(d->v = calloc(n, sizeof *d->v)))) {
        svc_log(lg, SVC_LOG_ERR, "delivery: out of memory");
        goto fail;
    }
    d->sp = sp, d->n = n, d->lg = lg, d->bp = backoff_default();
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(sink_name(sinks[i]), sink_name(sinks[j])) == 0) {
                svc_log(lg, SVC_LOG_ERR, "delivery: two sinks are named \"%s\": give each a unique \"name\"",
                        sink_name(sinks[i]));
                goto fail;
            }
        if (spool_register_sink(sp, sink_name(sinks[i]), err, sizeof err) < 0) {
            svc_log(lg, SVC_LOG_ERR, "delivery: sink %s: %s", sink_name(sinks[i]), err);
            goto fail;
        }
        d->v[i].s = sinks[i];
        sink_set_logger(sinks[i], lg);
    }
    return d;
fail:
    delivery_free(d);
    return NULL;
}

void delivery_set_backoff(delivery *d, backoff_policy p)
{
    d->bp = p;
}

void delivery_free(delivery *d)
{
    if (!d)
        return;
    free(d->v);
    free(d);
}

void delivery_resume(delivery *d)
{
    for (size_t i = 0; i < d->n; i++)
        d->v[i].due_ms = 0, d->v[i].paused = 0;
}

int delivery_sink_get_info(const delivery *d, size_t i, delivery_sink_info *out)
{
    if (i >= d->n)
        return -1;
    *out = d->v[i].info;
    out->paused = d->v[i].paused;
    out->attempts = d->v[i].attempts;
    return 0;
}

int delivery_sink_ready(const delivery *d, size_t i, int64_t now_ms)
{
    return i < d->n && !d->v[i].paused && (d->v[i].attempts == 0 || now_ms >= d->v[i].due_ms);
}

static void note_error(dsink *ds, const sink_result *res, int64_t now_ms)
{
    snprintf(ds->info.last_error, sizeof ds->info.last_error, "%s", res->message);
    ds->info.last_error_ms = now_ms;
}

/* Remembers the id of the last document of an accepted batch. */
static void note_sent(dsink *ds, const spool_batch *b, size_t count, int64_t now_ms)
{
    json_t *doc = count ? json_loadb(b->docs[count - 1], b->lens[count - 1], 0, NULL) : NULL;
    const char *id = json_string_value(json_object_get(doc, "id"));

    if (count) {
        snprintf(ds->info.last_id, sizeof ds->info.last_id, "%s", id ? id : "");
        ds->info.last_sent_ms = now_ms;
    }
    json_decref(doc);
}

int delivery_pending(delivery *d)
{
    int64_t total = 0;
    for (size_t i = 0; i < d->n; i++) {
        int64_t p = spool_pending(d->sp, sink_name(d->v[i].s));
        if (p > 0)
            total += p;
    }
    return total > 0x7fffffff ? 0x7fffffff : (int)total;
}

static void on_retry(delivery *d, dsink *ds, const sink_result *res, int64_t now_ms)
{
    uint32_t rnd = 0;
    int64_t delay;

    if (crypto_random(&rnd, sizeof rnd) < 0)
        rnd = (uint32_t)now_ms * 2654435761u;
    ds->attempts++;
    note_error(ds, res, now_ms);
    delay = backoff_delay_ms(&d->bp, ds->attempts, rnd, res->retry_after_ms);
    ds->due_ms = now_ms + delay;
    /* log the first failure and then every 10th so that a long outage does not flood the log */
    if (ds->attempts == 1 || ds->attempts % 10 == 0)
        svc_log(d->lg, SVC_LOG_WARN, "sink %s: delivery failed (attempt %u), retrying in %lld ms: %s",
                sink_name(ds->s), ds->attempts, (long long)delay, res->message);
}

/* One batch for one sink. */
static void step_sink(delivery *d, dsink *ds, int64_t now_ms)
{
    spool_batch b;
    sink_result res;
    sink_status st;
    const char *name = sink_name(ds->s);
    int n = spool_read(d->sp, name, sink_max_batch(ds->s), &b);

    if (n <= 0) {
        if (n < 0) {
            svc_log(d->lg, SVC_LOG_ERR, "sink %s: cannot read the spool", name);
            ds->due_ms = now_ms + 1000;
        }
        return;
    }
    st = sink_send(ds->s, (const char *const *)b.docs, b.lens, b.n, &res);
    switch (st) {
    case SINK_OK:
        if (ds->attempts || ds->paused)
            svc_log(d->lg, SVC_LOG_INFO, "sink %s: delivering again after %u failed attempts", name, ds->attempts);
        ds->attempts = 0, ds->paused = 0, ds->due_ms = now_ms;
        note_sent(ds, &b, b.n, now_ms);
        if (spool_ack(d->sp, name, &b) < 0)
            ds->due_ms = now_ms + 1000;
        break;
    case SINK_RETRY:
        on_retry(d, ds, &res, now_ms);
        break;
    case SINK_CONFIG_ERROR:
        svc_log(d->lg, SVC_LOG_ERR, "sink %s: configuration error, not retried: %s; %d alerts kept in the spool, "
                "delivery paused for %d s (or until the config is reloaded)", name, res.message,
                (int)spool_pending(d->sp, name), DELIVERY_CONFIG_PAUSE_MS / 1000);
        ds->paused = 1;
        note_error(ds, &res, now_ms);
        ds->due_ms = now_ms + DELIVERY_CONFIG_PAUSE_MS;
        break;
    case SINK_REJECTED: {
        size_t i = res.rejected_index < b.n ? res.rejected_index : 0;
        char reason[700];
        snprintf(reason, sizeof reason, "rejected by sink %s: %s", name, res.message);
        svc_log(d->lg, SVC_LOG_ERR, "sink %s: alert %llu of the batch refused as invalid: %s; moved to the quarantine",
                name, (unsigned long long)i, res.message);
        if (spool_ack_n(d->sp, name, &b, i) < 0 || spool_quarantine(d->sp, name, b.docs[i], b.lens[i], reason) < 0 ||
            spool_ack_n(d->sp, name, &b, i + 1) < 0) {
            svc_log(d->lg, SVC_LOG_ERR, "sink %s: could not quarantine the rejected alert: keeping it", name);
            ds->due_ms = now_ms + DELIVERY_CONFIG_PAUSE_MS;
        } else {
            ds->due_ms = now_ms;
            ds->info.quarantined++;
            note_sent(ds, &b, i, now_ms);
        }
        note_error(ds, &res, now_ms);
        ds->attempts = 0;
        break;
    }
    }
    spool_batch_free(&b);
}

int64_t delivery_step(delivery *d, int64_t now_ms)
{
    int64_t next = -1;

    for (size_t i = 0; i < d->n; i++) {
        dsink *ds = &d->v[i];
        if (now_ms >= ds->due_ms)
            step_sink(d, ds, now_ms);
    }
    for (size_t i = 0; i < d->n; i++) {
        dsink *ds = &d->v[i];
        int64_t wait;
        if (spool_pending(d->sp, sink_name(ds->s)) <= 0)
            continue;
        wait = ds->due_ms > now_ms ? ds->due_ms - now_ms : 0;
        if (next < 0 || wait < next)
            next = wait;
    }
    return next;
}
