/* hunt.c - `decoysvc hunt`: offline scan of exported logs (binary .evtx, rendered event XML, or
 * JSON lines from Winlogbeat / Elastic Agent / NXLog; files or directories) with the same detector
 * and throttle as the daemon, event time as the clock. Prints one alert per line (jsonl) or a table
 * on stdout and a summary of what it read on stderr (hunt_summary.c); exit status 0 when no decoy
 * was touched, 1 when one was, 2 on error. */
#include "svc/hunt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/platform.h"
#include "svc/base/thread.h"
#include "svc/detect/pipeline.h"
#include "svc/hunt_files.h"
#include "svc/hunt_pool.h"
#include "svc/hunt_summary.h"
#include "svc/base/fs.h"

typedef struct hunt_ctx {
    const hunt_opts *o;
    FILE *out;
    pipeline pipe;
    uint64_t alerts;
    int64_t clock; /* the throttle's clock: the last event time seen */
    const svc_logger *lg;
    hunt_summary sum;
} hunt_ctx;

/* Terminal-safe copy of an attacker-controlled value for the table. */
static void table_cell(char *out, size_t cap, const char *s)
{
    size_t j = 0;
    for (; s && *s && j + 1 < cap; s++)
        out[j++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    out[j] = '\0';
    if (j == 0 && cap > 1)
        out[0] = '-', out[1] = '\0';
}

static int hunt_emit(void *ctx, const alert *a, const char *json, size_t len)
{
    hunt_ctx *h = ctx;
    char when[32], decoy[40], src[48], user[48], host[40];

    h->alerts++;
    h->sum.alerts = h->alerts;
    if (h->o->format == HUNT_JSONL) {
        fwrite(json, 1, len, h->out);
        fputc('\n', h->out);
        return 0;
    }
    table_cell(when, sizeof when, a->det.time);
    table_cell(decoy, sizeof decoy, a->det.decoy_name);
    table_cell(src, sizeof src, a->det.source_ip);
    table_cell(user, sizeof user, a->det.user_name);
    table_cell(host, sizeof host, a->det.host);
    fprintf(h->out, "%-24s %-15s %-20s %-16s %-24s %6llu  %-10s %s\n", when, detect_action_name(a->det.action),
            decoy, src, user, (unsigned long long)a->count, a->det.technique_id, host);
    return 0;
}

static void hunt_progress(void *ctx, uint64_t live_records)
{
    hunt_ctx *h = ctx;
    hunt_summary_progress(&h->sum, live_records);
}

/* Feeds one file's trace to the spraying tracker, the throttle and the output, in the order its
 * events came: the same calls, in the same order, as examining them one by one would make. */
static void hunt_replay(hunt_ctx *h, const hunt_trace *t, const char *path)
{
    hunt_trace_cursor c = {0, 0};
    hunt_step *st = malloc(sizeof *st); /* a detection is ~10 KiB: not on the stack */
    unsigned tried = 0;

    if (!st) {
        svc_log(h->lg, SVC_LOG_ERR, "out of memory replaying a file");
        return;
    }
    while (hunt_trace_next(t, &c, st) != HUNT_STEP_END) {
        switch (st->kind) {
        case HUNT_STEP_CLOCK:
            h->clock = st->clock;
            pipeline_clock(&h->pipe, h->clock);
            break;
        case HUNT_STEP_SPRAY: tried = detector_spray_feed(h->pipe.det, &st->spray); break;
        case HUNT_STEP_DETECT:
            if (st->spray_applies)
                detection_set_spray(&st->det, tried);
            pipeline_detected(&h->pipe, &st->det, h->clock);
            break;
        case HUNT_STEP_LOG:
            hunt_summary_clear_progress(&h->sum);
            svc_log(h->lg, st->level, "%s", st->text);
            break;
        default: break;
        }
    }
    free(st);
    if (t->logs_dropped) {
        hunt_summary_clear_progress(&h->sum);
        svc_log(h->lg, SVC_LOG_WARN, "%s: %llu more warnings not shown (over %d KiB of them)", path,
                (unsigned long long)t->logs_dropped, HUNT_TRACE_LOG_MAX / 1024);
    }
    h->pipe.stats.events += t->events;
    h->pipe.stats.prefiltered += t->prefiltered;
    for (size_t i = 0; i < HUNT_SKIP_REASONS; i++)
        h->sum.skipped[i] += t->skipped[i];
    hunt_summary_file_done(&h->sum, t->records, t->bad_chunks, t->read_ok);
}

/* Reads every file (on o->jobs threads) and replays them in order. 0, or -1 when one failed. */
static int hunt_all(hunt_ctx *h, const hunt_files *files)
{
    hunt_reader r = {h->o, &h->pipe, h->pipe.det, h->lg ? h->lg->min : SVC_LOG_ERR, NULL, NULL};
    int jobs = h->o->jobs > 0 ? h->o->jobs : svc_cpu_count(), started = 0, failed = 0;
    hunt_pool *pool;
    char err[256];

    if ((size_t)jobs > files->n)
        jobs = (int)files->n;
    if (!(pool = hunt_pool_start(files, &r, jobs, &started, err, sizeof err))) {
        svc_log(h->lg, SVC_LOG_ERR, "%s", err);
        return -1;
    }
    if (jobs > 1 && started < jobs)
        svc_log(h->lg, SVC_LOG_WARN, "hunt: %d of %d reader threads started (%s)", started, jobs, err);
    for (size_t i = 0; i < files->n; i++) {
        hunt_trace *t = hunt_pool_take(pool, i, hunt_progress, h);
        if (!t) {
            svc_log(h->lg, SVC_LOG_ERR, "%s: out of memory", files->paths[i]);
            failed = 1;
            break;
        }
        hunt_replay(h, t, files->paths[i]);
        failed |= !t->read_ok;
        hunt_trace_free(t);
        free(t);
    }
    hunt_pool_stop(pool);
    return failed ? -1 : 0;
}

/* The PATH arguments as files; directories searched (hunt_files.c). -1 when one is unusable. */
static int expand_paths(const hunt_opts *o, hunt_files *files, const svc_logger *lg)
{
    char err[1024];

    for (size_t i = 0; i < o->npaths; i++) {
        size_t before = files->n;
        if (hunt_files_add(files, o->paths[i], err, sizeof err) < 0) {
            svc_log(lg, SVC_LOG_ERR, "%s", err);
            return -1;
        }
        if (files->n == before)
            svc_log(lg, SVC_LOG_WARN, "%s: no .evtx or .xml file in this directory or below", o->paths[i]);
    }
    if (files->n == 0) {
        svc_log(lg, SVC_LOG_ERR, "nothing to read: no input file among the given paths");
        return -1;
    }
    return 0;
}

static int write_summary(const hunt_opts *o, hunt_ctx *h)
{
    FILE *f = stderr;
    int rc = 0;

    hunt_summary_clear_progress(&h->sum);
    if (o->summary_file && !(f = fs_fopen(o->summary_file, "w"))) {
        svc_log(h->lg, SVC_LOG_ERR, "%s: cannot write the summary", o->summary_file);
        return -1;
    }
    if (o->summary_json)
        rc = hunt_summary_write_json(&h->sum, f);
    else
        hunt_summary_write_text(&h->sum, f);
    if (f != stderr && fclose(f) != 0)
        rc = -1;
    return rc;
}

int svc_hunt(const hunt_opts *o, const svc_logger *lg)
{
    hunt_ctx h;
    pipeline_opts po = {o->inventory, o->window_ms, NULL, 0, hunt_emit, &h, lg, NULL};
    hunt_files files = {0};
    char err[1024];
    int failed = 0;

    memset(&h, 0, sizeof h);
    h.o = o;
    h.out = o->out ? o->out : stdout;
    h.lg = lg;
    if (expand_paths(o, &files, lg) < 0) {
        hunt_files_free(&files);
        return 2;
    }
    if (pipeline_open(&h.pipe, &po, err, sizeof err)) {
        svc_log(lg, SVC_LOG_ERR, "%s", err);
        hunt_files_free(&files);
        return 2;
    }
    hunt_summary_init(&h.sum, files.n, o->progress > 0 || (o->progress == 0 && svc_stderr_is_tty()),
                      o->progress > 0 ? 0 : 1000);
    if (o->format == HUNT_TABLE)
        fprintf(h.out, "%-24s %-15s %-20s %-16s %-24s %6s  %-10s %s\n", "TIME", "ACTION", "DECOY", "SOURCE",
                "USER", "COUNT", "TECHNIQUE", "LOGGED BY");
    if (hunt_all(&h, &files))
        failed = 1;
    pipeline_flush(&h.pipe, 0, 1);
    fflush(h.out);
    h.sum.events = h.pipe.stats.events;
    h.sum.detections = h.pipe.stats.detections;
    h.sum.alerts = h.alerts;
    if (write_summary(o, &h) < 0)
        failed = 1;
    pipeline_close(&h.pipe);
    hunt_files_free(&files);
    return failed ? 2 : h.alerts ? 1 : 0;
}
