/* delivery.c - moves records from the spool to the sinks (see delivery.h): one sink's turn reads
 * a batch from its cursor, sends it, and acknowledges on OK, backs off on RETRY, pauses on
 * CONFIG_ERROR, retries a bounded number of times then quarantines on REJECTED; a spool record that
 * cannot be read now is retried with backoff. The threads that run the turns: delivery_thread.c. */
#include "svc/base/analyzer.h"
#include "svc/sink/delivery_int.h"
#include "svc/base/crypto.h"
#include "svc/sink/quarantine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

delivery *delivery_new(spool *sp, sink **sinks, size_t n, const svc_logger *lg)
{
    delivery *d = calloc(1, sizeof *d);
    char err[512];

    if (!d || (n && !(d->v = calloc(n, sizeof *d->v)))) {
        svc_log(lg, SVC_LOG_ERR, "delivery: out of memory");
        goto fail;
    }
    d->sp = sp, d->n = n, d->lg = lg, d->bp = backoff_default();
    atomic_init(&d->cancel, 0);
    if (!(d->mu = svc_mutex_new()) || !(d->wake = svc_mutex_new()) || !(d->cond = svc_cond_new()) ||
        delivery_set_quarantine_dir(d, NULL) < 0) {
        svc_log(lg, SVC_LOG_ERR, "delivery: out of memory");
        goto fail;
    }
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
        d->v[i].d = d;
        sink_set_logger(sinks[i], lg);
        sink_set_cancel(sinks[i], &d->cancel);
    }
    return d;
fail:
    delivery_free(d);
    return NULL;
}

void delivery_set_backoff(delivery *d, backoff_policy p) { d->bp = p; }

int delivery_set_quarantine_dir(delivery *d, const char *dir)
{
    size_t len = dir ? strlen(dir) + 1 : strlen(spool_dir(d->sp)) + sizeof "/quarantine";
    char *q = malloc(len);

    if (!q)
        return -1;
    if (dir)
        memcpy(q, dir, len);
    else
        snprintf(q, len, "%s/quarantine", spool_dir(d->sp));
    free(d->qdir);
    d->qdir = q;
    return 0;
}

void delivery_free(delivery *d)
{
    if (!d)
        return;
    delivery_stop(d, 0);
    for (size_t i = 0; d->v && i < d->n; i++) {
        free(d->v[i].heartbeat);
        if (d->v[i].s) /* NULL when delivery_new failed before it */
            sink_set_cancel(d->v[i].s, NULL);
    }
    svc_cond_free(d->cond);
    svc_mutex_free(d->wake);
    svc_mutex_free(d->mu);
    free(d->qdir);
    free(d->v);
    free(d);
}

void delivery_resume(delivery *d)
{
    svc_mutex_lock(d->mu);
    for (size_t i = 0; i < d->n; i++)
        d->v[i].due_ms = 0, d->v[i].paused = 0;
    svc_mutex_unlock(d->mu);
    delivery_wake(d);
}

int delivery_sink_get_info(delivery *d, size_t i, delivery_sink_info *out)
{
    if (i >= d->n)
        return -1;
    svc_mutex_lock(d->mu);
    *out = d->v[i].info;
    out->paused = d->v[i].paused;
    out->attempts = d->v[i].attempts;
    svc_mutex_unlock(d->mu);
    return 0;
}

static int ready_locked(const dsink *ds, int64_t now_ms)
{
    return !ds->paused && (ds->attempts == 0 || now_ms >= ds->due_ms);
}

int delivery_sink_ready(delivery *d, size_t i, int64_t now_ms)
{
    int ready;

    if (i >= d->n)
        return 0;
    svc_mutex_lock(d->mu);
    ready = ready_locked(&d->v[i], now_ms);
    svc_mutex_unlock(d->mu);
    return ready;
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
    /* log the first failure and then every 10th so that a long outage does not flood the log; a send
     * given up because the service stops is not a failure of the sink */
    if ((ds->attempts == 1 || ds->attempts % 10 == 0) && !atomic_load(&d->cancel))
        svc_log(d->lg, SVC_LOG_WARN, "sink %s: delivery failed (attempt %u), retrying in %lld ms: %s",
                sink_name(ds->s), ds->attempts, (long long)delay, res->message);
}

/* After an acknowledgment: a cursor that could not be saved is logged once and saved again later. */
static void note_ack(delivery *d, const dsink *ds, int rc, int64_t now_ms)
{
    char why[512];

    if (rc == 1)
        spool_sink_error(d->sp, sink_name(ds->s), why, sizeof why);
    if (rc == 1)
        fault_fail(&d->cursor_fault, d->lg, now_ms, "spool", why,
                   "delivery goes on and the cursor is saved again shortly (a restart before that "
                   "delivers those alerts again)");
    else if (rc == 0 && d->cursor_fault.active && !spool_cursors_unsaved(d->sp))
        fault_clear(&d->cursor_fault, d->lg, now_ms, "spool cursors");
}

static void alert_id_of(const char *doc, size_t len, char *out, size_t outlen)
{
    json_t *j = json_loadb(doc, len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));

    snprintf(out, outlen, "%.64s", id ? id : "(no id)");
    json_decref(j);
}

/* The sink refused one alert of the batch as such: the ones before it were accepted; that one is
 * sent again a bounded number of times, then moved to the sink's quarantine so that everything
 * behind it is delivered. */
static void on_rejected(delivery *d, dsink *ds, const spool_batch *b, const sink_result *res, int64_t now_ms)
{
    const char *name = sink_name(ds->s);
    size_t i = res->rejected_index < b->n ? res->rejected_index : 0;
    unsigned max = sink_reject_retries(ds->s);
    char id[80], err[600], qpath[4096];
    uint32_t rnd = 0;

    note_ack(d, ds, spool_ack_n(d->sp, name, b, i), now_ms);
    note_sent(ds, b, i, now_ms);
    note_error(ds, res, now_ms);
    if (ds->rejects && ds->reject_pos.seg == b->pos[i].seg && ds->reject_pos.off == b->pos[i].off)
        ds->rejects++;
    else
        ds->reject_pos = b->pos[i], ds->rejects = 1;
    ds->attempts = 0;
    alert_id_of(b->docs[i], b->lens[i], id, sizeof id);
    if (ds->rejects <= max) {
        int64_t delay;
        if (crypto_random(&rnd, sizeof rnd) < 0)
            rnd = (uint32_t)now_ms * 2654435761u;
        delay = backoff_delay_ms(&d->bp, ds->rejects, rnd, 0);
        svc_log(d->lg, SVC_LOG_WARN,
                "sink %s: alert %s refused (attempt %u of %u), sending it again in %lld ms: %s", name, id,
                ds->rejects, max + 1, (long long)delay, res->message);
        ds->due_ms = now_ms + delay;
        return;
    }
    if (quarantine_append(d->qdir, name, b->docs[i], b->lens[i], ds->rejects, res->message, err, sizeof err) < 0) {
        svc_log(d->lg, SVC_LOG_ERR,
                "sink %s: alert %s refused %u times but cannot be quarantined (%s): kept at "
                "the head of the queue, retrying",
                name, id, ds->rejects, err);
        ds->due_ms = now_ms + d->bp.base_ms * 4;
        return;
    }
    quarantine_path(d->qdir, name, qpath, sizeof qpath);
    svc_log(d->lg, SVC_LOG_ERR,
            "sink %s: alert %s refused %u times: moved to this sink's quarantine %s (other "
            "sinks still deliver it), delivering the alerts behind it: %s",
            name, id, ds->rejects, qpath, res->message);
    note_ack(d, ds, spool_ack_n(d->sp, name, b, i + 1), now_ms);
    ds->info.quarantined++;
    ds->rejects = 0;
    ds->due_ms = now_ms;
}

/* Acts on what the sink answered for the batch; mu held. */
static void on_result(delivery *d, dsink *ds, const spool_batch *b, sink_status st, const sink_result *res,
                      int64_t now_ms)
{
    const char *name = sink_name(ds->s);

    switch (st) {
    case SINK_OK:
        if (ds->attempts || ds->paused)
            svc_log(d->lg, SVC_LOG_INFO, "sink %s: delivering again after %u failed attempts", name,
                    ds->attempts);
        ds->attempts = 0, ds->paused = 0, ds->due_ms = now_ms, ds->rejects = 0;
        note_sent(ds, b, b->n, now_ms);
        note_ack(d, ds, spool_ack(d->sp, name, b), now_ms);
        break;
    case SINK_RETRY: on_retry(d, ds, res, now_ms); break;
    case SINK_CONFIG_ERROR:
        svc_log(d->lg, SVC_LOG_ERR,
                "sink %s: refused by the destination (authentication, authorisation or "
                "configuration), not retried as is: %s; delivery to this sink paused for %d s (or until the config "
                "is reloaded), %d alerts kept in the spool",
                name, res->message, DELIVERY_CONFIG_PAUSE_MS / 1000, (int)spool_pending(d->sp, name));
        ds->paused = 1;
        note_error(ds, res, now_ms);
        ds->due_ms = now_ms + DELIVERY_CONFIG_PAUSE_MS;
        break;
    case SINK_REJECTED: on_rejected(d, ds, b, res, now_ms); break;
    }
}

/* One batch for one sink, when it is due. The spool is read and the batch sent with no lock of
 * the delivery held: a slow sink holds up nothing but itself. */
static void step_sink(delivery *d, dsink *ds, int64_t now_ms)
{
    spool_batch b;
    sink_result res;
    sink_status st;
    const char *name = sink_name(ds->s);
    char subject[300], why[512];
    int n;

    svc_mutex_lock(d->mu);
    n = now_ms >= ds->due_ms;
    svc_mutex_unlock(d->mu);
    if (!n)
        return;
    n = spool_read(d->sp, name, sink_max_batch(ds->s), &b);
    snprintf(subject, sizeof subject, "sink %s", name);
    if (n < 0) {
        spool_sink_error(d->sp, name, why, sizeof why);
        svc_mutex_lock(d->mu);
        fault_fail(&ds->read_fault, d->lg, now_ms, subject, why,
                   "that spool record stays at the head of the queue and is read again");
        ds->due_ms = ds->read_fault.retry_at_ms;
        svc_mutex_unlock(d->mu);
        return;
    }
    if (ds->read_fault.active) /* read_fault is this sink's own: only its turn touches it */
        fault_clear(&ds->read_fault, d->lg, now_ms, subject);
    if (n == 0)
        return;
    st = sink_send(ds->s, (const char *const *)b.docs, b.lens, b.n, &res);
    svc_mutex_lock(d->mu);
    on_result(d, ds, &b, st, &res, now_ms);
    svc_mutex_unlock(d->mu);
    spool_batch_free(&b);
}

/* The offered heartbeat, sent when the sink is ready (not paused, not waiting after a failure);
 * otherwise dropped: a failing sink's state is in status.json, the SIEM sees the heartbeat stop. */
static void send_heartbeat(delivery *d, dsink *ds, int64_t now_ms)
{
    char *doc;
    size_t len;
    sink_result res;
    sink_status st;

    svc_mutex_lock(d->mu);
    doc = ds->heartbeat, len = ds->heartbeat_len;
    ds->heartbeat = NULL;
    if (doc && !ready_locked(ds, now_ms)) {
        free(doc);
        doc = NULL;
    }
    svc_mutex_unlock(d->mu);
    if (!doc)
        return;
    st = sink_send(ds->s, (const char *const *)&doc, &len, 1, &res);
    svc_mutex_lock(d->mu);
    if (st != SINK_OK && !ds->heartbeat_failing)
        svc_log(d->lg, SVC_LOG_WARN, "sink %s: heartbeat not delivered (the next one replaces it): %s",
                sink_name(ds->s), res.message);
    ds->heartbeat_failing = st != SINK_OK;
    svc_mutex_unlock(d->mu);
    free(doc);
}

/* -fanalyzer (gcc 12): d->v[i].heartbeat = copy in the loop is reported leaked (the store at a computed index) (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
void delivery_offer_heartbeat(delivery *d, const char *doc, size_t len)
{
    svc_mutex_lock(d->mu);
    for (size_t i = 0; i < d->n; i++) {
        dsink *ds = &d->v[i];
        char *copy;
        if (!sink_wants_heartbeat(ds->s) || !(copy = malloc(len + 1)))
            continue;
        memcpy(copy, doc, len);
        copy[len] = '\0';
        free(ds->heartbeat);
        ds->heartbeat = copy, ds->heartbeat_len = len;
    }
    svc_mutex_unlock(d->mu);
    delivery_wake(d);
}
ANALYZER_LEAK_CHECK_ON

/* A cursor that could not be saved is saved again when its retry is due. */
static void retry_cursors(delivery *d, int64_t now_ms)
{
    char err[512];

    svc_mutex_lock(d->mu);
    if (spool_cursors_unsaved(d->sp) && fault_due(&d->cursor_fault, now_ms)) {
        if (spool_save_cursors(d->sp, err, sizeof err) == 0)
            fault_clear(&d->cursor_fault, d->lg, now_ms, "spool cursors");
        else
            fault_fail(&d->cursor_fault, d->lg, now_ms, "spool", err, "retrying");
    }
    svc_mutex_unlock(d->mu);
}

int64_t delivery_sink_turn(delivery *d, dsink *ds, int64_t now_ms)
{
    int64_t wait = -1;

    retry_cursors(d, now_ms);
    step_sink(d, ds, now_ms);
    send_heartbeat(d, ds, now_ms);
    if (spool_pending(d->sp, sink_name(ds->s)) > 0) {
        svc_mutex_lock(d->mu);
        wait = ds->due_ms > now_ms ? ds->due_ms - now_ms : 0;
        svc_mutex_unlock(d->mu);
    }
    return wait;
}

int64_t delivery_step(delivery *d, int64_t now_ms)
{
    int64_t next = -1;

    for (size_t i = 0; i < d->n; i++) {
        int64_t wait = delivery_sink_turn(d, &d->v[i], now_ms);
        if (wait >= 0 && (next < 0 || wait < next))
            next = wait;
    }
    return next;
}
