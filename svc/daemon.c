/* daemon.c - `decoysvc run`: inputs -> pipeline -> spool (fsync) -> checkpoint on this thread;
 * spool -> sinks on one delivery thread per sink (delivery.h), woken after each commit, so that
 * reading and detecting never wait for a sink.
 *
 * The contract: an input's position is written to checkpoint.json only after every alert that
 * its events produced is committed (fsynced) to the spool, and the throttle's pending counts are
 * saved in the same atomic write, so a crash at any point loses nothing (a replay after a crash
 * may re-emit an alert with the same id: delivery is at-least-once).
 *
 * Storage faults (a failed append, spool commit or checkpoint write: ENOSPC, EIO, EROFS...) are
 * handled like a full spool, by construction: the spool then refuses everything until the daemon
 * has discarded the uncommitted alerts and rewound the inputs and the throttle to the last durable
 * checkpoint, so no checkpoint can ever pass an alert that was thrown away. The inputs then wait
 * (backoff) and read again; the fault is logged when it starts and when it clears. */
#include "svc/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/config.h"
#include "svc/config_validate.h"
#include "svc/base/fault.h"
#include "svc/sink/delivery.h"
#include "svc/input/input.h"
#include "svc/detect/inventory_source.h"
#include "svc/detect/pipeline.h"
#include "svc/health/self_trip.h"
#include "svc/base/audit_policy.h"
#include "svc/detect/audit_watch.h"
#include "svc/health/health.h"
#include "svc/base/instance_lock.h"
#include "svc/base/platform.h"
#include "svc/sink/sink.h"
#include "svc/spool/spool.h"

#define CHECKPOINT_EVERY_MS 1000
#define DRAIN_TIMEOUT_MS (120 * 1000)
#define INPUT_PAUSE_MS 1000
#define SPOOL_ALERT_MARGIN (128 * 1024) /* input back-off after the spool refused an alert */
#define FAULT_COMMIT_BYTES (256 * 1024) /* during a storage fault, commit in steps this small ... */
#define FAULT_STEP_GRACE_MS (30 * 1000) /* ... and for this long after it cleared */
#define RELOAD_SEND_GRACE_MS 3000       /* a reload lets a send in flight finish this long (stop: 0) */

typedef struct daemon {
    svc_config cfg;
    svc_logger lg;
    spool *sp;
    sink **sinks;
    size_t nsinks;
    delivery *dl;
    pipeline pipe;
    svc_input **inputs;
    self_trip *trip; /* the scheduled self-test; NULL when off */
    health *hm;      /* status.json, heartbeat, blind-sensor alerts */
    json_t *saved;   /* the last checkpoint written */
    char *cp_path;
    int dirty; /* alerts appended since the last commit */
    int full_reported;
    int commit_step;       /* the room check asked for a commit (not a full spool): no pause */
    int64_t step_until_ms; /* small commits until then (a storage fault cleared recently) */
    int checkpoint_failed; /* the last checkpoint write failed: inputs wait until one succeeds */
    fault_state storage;   /* a storage fault being retried */
    int64_t last_save_ms;
    inventory_source *inv_src; /* an https:// inventory, polled; NULL for a file */
    char *inv_path;            /* what the pipeline reads: the file, or the URL's cached copy */
    audit_watch audit;         /* the audit gap check (Windows; "not applicable" elsewhere) */
} daemon;

static int audit_query(void *ctx, const char *const *guids, size_t n, unsigned *bits, char *err, size_t errlen)
{
    (void)ctx;
    return audit_policy_query(guids, n, bits, err, errlen);
}

static int audit_raise(void *ctx, const detection *det)
{
    daemon *d = ctx;
    return pipeline_raise(&d->pipe, det);
}

#define STORAGE_SUBJECT "storage fault"
#define STORAGE_CONSEQUENCE                                                                                  \
    "inputs rewound to the last checkpoint and paused; retrying with backoff, nothing is dropped"

/* Alerts the inputs' positions depend on were lost: nothing may be checkpointed until the inputs
 * and the throttle are back at the last durable checkpoint. (A failed checkpoint write loses
 * nothing: the alerts are in the spool; the inputs just wait until a checkpoint can be written,
 * so that they never run far ahead of it.) */
static int storage_failed(const daemon *d) { return spool_failed(d->sp); }

static int spool_emit(void *ctx, const alert *a, const char *json, size_t len)
{
    daemon *d = ctx;
    char err[512];
    int rc = spool_append(d->sp, json, len, err, sizeof err);

    (void)a;
    if (rc == 0) {
        d->dirty = 1;
        d->full_reported = 0;
        return 0;
    }
    if (rc == SPOOL_FULL) {
        if (!d->full_reported)
            svc_log(&d->lg, SVC_LOG_ERR,
                    "spool full (%llu bytes): input paused until the sinks catch up; nothing is dropped",
                    (unsigned long long)d->cfg.spool_max_bytes);
        d->full_reported = 1;
    } else if (spool_failed(d->sp)) {
        fault_fail(&d->storage, &d->lg, svc_now_ms(), STORAGE_SUBJECT, err, STORAGE_CONSEQUENCE);
    } else {
        svc_log(&d->lg, SVC_LOG_ERR, "spool: %s", err);
    }
    return -1;
}

/* Room for one more alert: an alert document is at most a few tens of KB (fixed-size fields). */
static int spool_room(void *ctx)
{
    daemon *d = ctx;
    /* while storage is failing, commit in small steps: a retry then makes what progress the free
     * space allows (one big commit could fail for ever on a small file system) */
    if ((d->storage.active || svc_now_ms() < d->step_until_ms) &&
        spool_used(d->sp) - spool_bytes(d->sp) >= FAULT_COMMIT_BYTES) {
        d->commit_step = 1;
        return 0;
    }
    if (spool_used(d->sp) + SPOOL_ALERT_MARGIN <= d->cfg.spool_max_bytes)
        return 1;
    if (!d->full_reported)
        svc_log(&d->lg, SVC_LOG_ERR,
                "spool full (%llu bytes): input paused until the sinks catch up; nothing is dropped",
                (unsigned long long)d->cfg.spool_max_bytes);
    d->full_reported = 1;
    return 0;
}

static int health_emit(void *ctx, const char *json, size_t len) { return spool_emit(ctx, NULL, json, len); }

static json_t *load_checkpoint(daemon *d)
{
    json_error_t jerr;
    json_t *cp = json_load_file(d->cp_path, 0, &jerr);

    if (cp && json_is_object(cp))
        return cp;
    if (cp)
        json_decref(cp);
    if (svc_file_stamp(d->cp_path))
        svc_log(&d->lg, SVC_LOG_ERR, "%s: unreadable checkpoint (%s): inputs start per their \"start\" setting",
                d->cp_path, jerr.text);
    return json_object();
}

static json_t *build_checkpoint(daemon *d)
{
    json_t *cp = json_object(), *inputs = json_object(), *thr = NULL;
    char *state = throttle_save(d->pipe.thr);

    for (size_t i = 0; i < d->cfg.ninputs; i++)
        json_object_set_new(inputs, d->cfg.inputs[i].name, d->inputs[i]->ops->checkpoint(d->inputs[i]));
    if (state)
        thr = json_loads(state, 0, NULL);
    free(state);
    json_object_set_new(cp, "version", json_integer(1));
    json_object_set_new(cp, "inputs", inputs);
    json_object_set_new(cp, "throttle", thr ? thr : json_null());
    return cp;
}

/* Commits the spool, then (and only then) persists the input positions and throttle state. Never
 * after a storage fault that has not been rewound. */
static int commit_and_checkpoint(daemon *d, int64_t now, int force)
{
    char err[512];
    json_t *cp;
    char *text;
    int wrote = 0;

    if (storage_failed(d))
        return -1;
    if (d->dirty) {
        if (spool_commit(d->sp, err, sizeof err)) {
            fault_fail(&d->storage, &d->lg, now, STORAGE_SUBJECT, err, STORAGE_CONSEQUENCE);
            return -1;
        }
        d->dirty = 0;
        force = wrote = 1;
        delivery_wake(d->dl); /* the sinks' threads read what was just committed */
    }
    if (!force && now - d->last_save_ms < CHECKPOINT_EVERY_MS)
        goto done;
    d->last_save_ms = now; /* at most one comparison a second when nothing forces it */
    cp = build_checkpoint(d);
    if (d->saved && json_equal(cp, d->saved)) {
        json_decref(cp);
        goto done;
    }
    text = json_dumps(cp, JSON_COMPACT | JSON_SORT_KEYS);
    if (text && adseed_write_file_atomic(d->cp_path, text, strlen(text), 0600, err, sizeof err) == 0) {
        json_decref(d->saved);
        d->saved = cp;
        cp = NULL;
        wrote = 1;
        d->checkpoint_failed = 0;
    } else {
        char what[700];
        snprintf(what, sizeof what, "cannot write the checkpoint: %s", text ? err : "out of memory");
        d->checkpoint_failed = 1;
        fault_fail(&d->storage, &d->lg, now, STORAGE_SUBJECT, what,
                   "the alerts are safe in the spool; inputs "
                   "paused until a checkpoint can be written, retrying with backoff");
    }
    free(text);
    json_decref(cp);
    if (!wrote)
        return -1;
done:
    if (wrote && d->storage.active) {
        fault_clear(&d->storage, &d->lg, now, STORAGE_SUBJECT);
        d->step_until_ms = now + FAULT_STEP_GRACE_MS; /* the disk may be nearly full still */
    }
    return 0;
}

/* Back to the last durable checkpoint, inputs and throttle together, after the spool refused an
 * alert (full) or after a storage fault. Returns when the inputs may read again. */
static int64_t rewind_to_checkpoint(daemon *d, int64_t now)
{
    json_t *inputs, *thr;
    char err[512];

    /* Spool full: the alerts spooled before the refusal are committed with the inputs' positions
     * just before the refused record (it was not consumed) and the throttle state, which the refused
     * record did not touch (the room check comes before the throttle): that checkpoint is where to
     * go back to, so progress is kept however small the spool is. After a storage fault nothing in
     * memory is trusted: the uncommitted alerts are dropped and read again from the input. */
    if (!storage_failed(d))
        commit_and_checkpoint(d, now, 1);
    if (storage_failed(d)) {
        spool_discard_pending(d->sp);
        d->dirty = 0;
    }
    inputs = json_object_get(d->saved, "inputs");
    thr = json_object_get(d->saved, "throttle");
    for (size_t i = 0; i < d->cfg.ninputs; i++)
        d->inputs[i]->ops->rewind(d->inputs[i], json_object_get(inputs, d->cfg.inputs[i].name));
    {
        /* no saved state: the throttle goes back to empty, as it was then */
        char *text = json_is_object(thr) ? json_dumps(thr, JSON_COMPACT) : strdup("{\"version\":1,\"keys\":[]}");
        if (!text || throttle_load(d->pipe.thr, text, err, sizeof err))
            svc_log(&d->lg, SVC_LOG_ERR, "throttle state: %s", text ? err : "out of memory");
        free(text);
    }
    d->pipe.emit_failed = 0;
    if (d->commit_step && !storage_failed(d) && !d->checkpoint_failed) {
        d->commit_step = 0;
        return now; /* committed a step: read on at once */
    }
    d->commit_step = 0;
    return d->storage.active ? d->storage.retry_at_ms : now + INPUT_PAUSE_MS;
}

static int open_sinks(daemon *d, char *err, size_t errlen)
{
    char path[4096];

    if (sink_open_all(d->cfg.sinks, d->cfg.path, &d->sinks, &d->nsinks, err, errlen))
        return -1;
    for (size_t i = 0; i < d->nsinks; i++)
        if (spool_register_sink(d->sp, sink_name(d->sinks[i]), err, errlen))
            return -1;
    d->dl = delivery_new(d->sp, d->sinks, d->nsinks, &d->lg);
    snprintf(path, sizeof path, "%s/quarantine", d->cfg.state_dir);
    if (!d->dl || delivery_set_quarantine_dir(d->dl, path) < 0) {
        snprintf(err, errlen, "cannot start delivery to the sinks (out of memory)");
        return -1;
    }
    return 0;
}

/* The instance lock on a state_dir, kept across reloads as long as the state_dir stays the same. */
typedef struct held_lock {
    instance_lock *lock;
    char *dir;
} held_lock;

static void held_lock_release(held_lock *h)
{
    instance_lock_release(h->lock);
    free(h->dir);
    h->lock = NULL, h->dir = NULL;
}

static int held_lock_take(held_lock *h, const char *state_dir, char *err, size_t errlen)
{
    if (h->lock && strcmp(h->dir, state_dir) == 0)
        return 0;
    held_lock_release(h);
    if (!(h->dir = strdup(state_dir))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (instance_lock_acquire(state_dir, &h->lock, err, errlen) < 0) {
        held_lock_release(h);
        return -1;
    }
    return 0;
}

static int daemon_open(daemon *d, const svc_daemon_opts *o, held_lock *hl, char *err, size_t errlen)
{
    char path[4096];
    json_t *cp;
    pipeline_opts po;

    if (svc_config_load_valid(&d->cfg, o->config_path, err, errlen))
        return -1; /* the same validation as `decoysvc check` and a reload */
    d->lg = *o->lg;
    d->lg.min = d->cfg.log_level;
    if (svc_mkdir_p(d->cfg.state_dir, err, errlen) || held_lock_take(hl, d->cfg.state_dir, err, errlen))
        return -1; /* one process per state_dir: taken before the spool is touched */
    snprintf(path, sizeof path, "%s/spool", d->cfg.state_dir);
    d->sp = spool_open(path, d->cfg.spool_max_bytes, &d->lg, err, errlen);
    if (!d->sp || open_sinks(d, err, errlen))
        return -1;
    snprintf(path, sizeof path, "%s/checkpoint.json", d->cfg.state_dir);
    if (!(d->cp_path = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (inventory_source_open_for(&d->cfg, &d->lg, svc_now_ms(), &d->inv_src, &d->inv_path, err, errlen))
        return -1;
    po = (pipeline_opts){
        d->inv_path, d->cfg.throttle_window_ms, d->cfg.allowlist, d->cfg.nallow, spool_emit, d, &d->lg,
        spool_room};
    if (pipeline_open(&d->pipe, &po, err, errlen))
        return -1;
    cp = load_checkpoint(d);
    d->saved = cp;
    if (json_is_object(json_object_get(cp, "throttle"))) {
        char *text = json_dumps(json_object_get(cp, "throttle"), JSON_COMPACT);
        if (text && throttle_load(d->pipe.thr, text, err, errlen))
            svc_log(&d->lg, SVC_LOG_WARN, "%s: throttle state ignored: %s", d->cp_path, err);
        free(text);
    }
    d->inputs = calloc(d->cfg.ninputs ? d->cfg.ninputs : 1, sizeof *d->inputs);
    if (!d->inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < d->cfg.ninputs; i++) {
        json_t *icp = json_object_get(json_object_get(cp, "inputs"), d->cfg.inputs[i].name);
        d->inputs[i] = svc_input_open(&d->cfg.inputs[i], icp, &d->pipe, &d->lg, err, errlen);
        if (!d->inputs[i])
            return -1;
    }
    /* what a rewind goes back to before the first checkpoint is written: where everything starts */
    json_decref(d->saved);
    d->saved = build_checkpoint(d);
    d->trip = self_trip_open(&d->cfg, &d->pipe, &d->lg, svc_now_ms(), err, errlen);
    if (!d->trip && err[0])
        return -1;
    {
        health_env he = {&d->cfg,  d->sp,  d->dl,       d->sinks, d->nsinks,
                         &d->pipe, &d->lg, health_emit, d,        d->trip};
        if (!(d->hm = health_open(&he, svc_now_ms(), err, errlen)))
            return -1;
    }
    if (delivery_start(d->dl, err, errlen))
        return -1;
    svc_log(&d->lg, SVC_LOG_INFO, "started: %zu decoys, %zu inputs, %zu sinks, state in %s",
            adseed_pack_count(d->pipe.pack), d->cfg.ninputs, d->nsinks, d->cfg.state_dir);
    return 0;
}

static void daemon_close(daemon *d)
{
    if (d->dl)
        delivery_stop(d->dl, 0); /* (already stopped after a run) */
    self_trip_close(d->trip);
    health_close(d->hm, json_object_get(d->saved, "inputs"), svc_now_ms());
    if (d->inputs)
        for (size_t i = 0; i < d->cfg.ninputs; i++)
            svc_input_close(d->inputs[i]);
    free(d->inputs);
    if (d->pipe.thr)
        pipeline_close(&d->pipe);
    if (d->dl)
        delivery_free(d->dl);
    sink_free_all(d->sinks, d->nsinks);
    if (d->sp)
        spool_close(d->sp);
    json_decref(d->saved);
    free(d->cp_path);
    inventory_source_free(d->inv_src);
    free(d->inv_path);
    svc_config_free(&d->cfg);
}

/* Everything a restart of the daemon's internals needs: the config, its inventory and sinks,
 * validated by the same code as `decoysvc check` and the start. */
static int reload_candidate_valid(const char *path, char *err, size_t errlen)
{
    svc_config next;

    if (svc_config_load_valid(&next, path, err, errlen))
        return -1;
    svc_config_free(&next);
    return 0;
}

/* A reload is only done with a valid new configuration (and inventory, and sinks); a broken one is
 * reported and the service goes on with the current one. */
static int reload_config_ok(daemon *d)
{
    char err[1024];

    if (reload_candidate_valid(d->cfg.path, err, sizeof err)) {
        svc_log(&d->lg, SVC_LOG_ERR, "reload refused, keeping the running configuration: %s", err);
        return 0;
    }
    return 1;
}

/* One pass over the inputs; returns 1 when anything was read. */
static int poll_inputs(daemon *d, int *all_finished)
{
    int progress = 0;

    *all_finished = 1;
    for (size_t i = 0; i < d->cfg.ninputs && !d->pipe.emit_failed; i++) {
        uint64_t before = d->pipe.stats.events + d->pipe.stats.prefiltered;
        if (d->inputs[i]->ops->poll(d->inputs[i]) > 0)
            progress = 1;
        health_input_polled(d->hm, i, d->pipe.stats.events + d->pipe.stats.prefiltered - before,
                            d->inputs[i]->lost, svc_now_ms());
        if (!d->inputs[i]->ops->finished(d->inputs[i]))
            *all_finished = 0;
    }
    return progress;
}

/* The self-test's failure alert goes through the spool like any alert, committed at once. */
static void trip_tick(daemon *d, int64_t now)
{
    char *doc = self_trip_tick(d->trip, now);

    if (doc && (spool_emit(d, NULL, doc, strlen(doc)) || commit_and_checkpoint(d, now, 1)))
        svc_log(&d->lg, SVC_LOG_ERR, "the self_test_failed alert could not be spooled (see above)");
    free(doc);
}

/* With --once: let the sinks' threads deliver what is spooled, bounded in time. */
static void drain(daemon *d, volatile int *stop)
{
    int left = delivery_drain(d->dl, DRAIN_TIMEOUT_MS, stop);

    if (left > 0)
        svc_log(&d->lg, SVC_LOG_WARN, "%d alerts still undelivered: they stay in the spool for the next run",
                left);
}

/* Sleeps in short slices so that a stop request (signal, service control) is honoured within
 * ~10 ms: an installer removes the program right after it asked the service to stop. */
static void sleep_unless_stopped(volatile int *stop, int64_t ms)
{
    while (ms > 0 && !*stop) {
        int64_t slice = ms < 10 ? ms : 10;
        svc_sleep_ms(slice);
        ms -= slice;
    }
}

static void run_loop(daemon *d, const svc_daemon_opts *o)
{
    int64_t input_paused_until = 0;
    char host[256];

    svc_hostname(host, sizeof host);
    audit_watch_init(&d->audit, audit_query, NULL, host);
    while (!*o->stop_flag) {
        int64_t now = svc_now_ms();
        int finished = 0, progress;

        audit_watch_tick(&d->audit, now, &d->lg, audit_raise, d);
        if (d->checkpoint_failed && fault_due(&d->storage, now))
            commit_and_checkpoint(d, now, 1); /* the retry comes before any further reading */
        if (d->checkpoint_failed)
            input_paused_until = d->storage.retry_at_ms;
        progress = now >= input_paused_until ? poll_inputs(d, &finished) : 0;

        if (d->pipe.emit_failed || storage_failed(d)) { /* spool full or failing: back off, go back */
            input_paused_until = rewind_to_checkpoint(d, now);
            progress = finished = 0;
        }
        pipeline_flush(&d->pipe, now, o->once && !progress);
        commit_and_checkpoint(d, now, 0);
        if (storage_failed(d)) /* never let the next poll build on what was just lost */
            input_paused_until = rewind_to_checkpoint(d, now);
        trip_tick(d, now);
        if (health_tick(d->hm, json_object_get(d->saved, "inputs"), now)) /* sensor alerts: durable first */
            health_committed(d->hm, commit_and_checkpoint(d, now, 1) == 0);
        if (o->once && !progress && !d->storage.active)
            break;
        if (finished) {
            pipeline_flush(&d->pipe, now, 1);
            if (commit_and_checkpoint(d, now, 1) == 0)
                break;
            input_paused_until = rewind_to_checkpoint(d, now);
        }
        if (*o->reload_flag) {
            if (reload_config_ok(d))
                break;
            *o->reload_flag = 0;
        }
        if (d->inv_src)
            inventory_source_poll(d->inv_src, svc_now_ms());
        pipeline_reload_if_changed(&d->pipe);
        if (!progress) /* the sinks deliver on their own threads: nothing else to wait for */
            sleep_unless_stopped(o->stop_flag, d->cfg.poll_ms);
    }
    if (commit_and_checkpoint(d, svc_now_ms(), 1) < 0 && storage_failed(d))
        svc_log(&d->lg, SVC_LOG_WARN,
                "stopping during a storage fault: the inputs resume from the last checkpoint");
    if (o->once)
        drain(d, o->stop_flag);
    /* a reload lets a send in flight finish briefly (no duplicate); a stop gives up at once: the
     * batch stays in the spool and is sent again on the next start */
    delivery_stop(d->dl, *o->stop_flag ? 0 : RELOAD_SEND_GRACE_MS);
}

int svc_daemon_run_opts(const svc_daemon_opts *o)
{
    held_lock hl = {NULL, NULL};

    for (;;) {
        daemon d;
        char err[1024];

        memset(&d, 0, sizeof d);
        if (daemon_open(&d, o, &hl, err, sizeof err)) {
            svc_log(o->lg, SVC_LOG_ERR, "%s", err);
            daemon_close(&d);
            held_lock_release(&hl);
            return 2;
        }
        run_loop(&d, o);
        svc_log(&d.lg, SVC_LOG_INFO,
                "%s: %llu events, %llu decoy detections, %llu alerts spooled, %llu suppressed",
                *o->reload_flag ? "reloading" : "stopping", (unsigned long long)d.pipe.stats.events,
                (unsigned long long)d.pipe.stats.detections, (unsigned long long)d.pipe.stats.alerts,
                (unsigned long long)d.pipe.stats.suppressed);
        daemon_close(&d);
        if (!*o->reload_flag || *o->stop_flag) {
            held_lock_release(&hl);
            return 0;
        }
        *o->reload_flag = 0;
    }
}

int svc_daemon_run(const char *config_path, volatile int *stop_flag, volatile int *reload_flag,
                   const svc_logger *lg)
{
    svc_daemon_opts o = {config_path, 0, stop_flag, reload_flag, lg};
    return svc_daemon_run_opts(&o);
}
