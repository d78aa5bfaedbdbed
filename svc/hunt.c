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
#include "svc/detect/pipeline.h"
#include "svc/hunt_files.h"
#include "svc/hunt_summary.h"

typedef struct hunt_ctx {
    const hunt_opts *o;
    pipeline pipe;
    uint64_t alerts;
    int64_t clock; /* the throttle's clock: the last event time seen */
    const char *file;
    const svc_logger *lg;
    hunt_summary sum;
} hunt_ctx;

/* Logs through the hunt's logger, erasing the progress line first. */
#define HUNT_LOG(h, level, ...)                                   \
    do {                                                          \
        if ((h)->lg && (level) <= (h)->lg->min) {                 \
            hunt_summary_clear_progress(&(h)->sum);               \
            svc_log((h)->lg, level, __VA_ARGS__);                 \
        }                                                         \
    } while (0)

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
        fwrite(json, 1, len, stdout);
        fputc('\n', stdout);
        return 0;
    }
    table_cell(when, sizeof when, a->det.time);
    table_cell(decoy, sizeof decoy, a->det.decoy_name);
    table_cell(src, sizeof src, a->det.source_ip);
    table_cell(user, sizeof user, a->det.user_name);
    table_cell(host, sizeof host, a->det.host);
    printf("%-24s %-15s %-20s %-16s %-24s %6llu  %-10s %s\n", when, detect_action_name(a->det.action), decoy,
           src, user, (unsigned long long)a->count, a->det.technique_id, host);
    return 0;
}

static int hunt_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    hunt_ctx *h = ctx;

    (void)end_offset;
    /* offline: the event's own time drives the throttle window (the previous event's time when it
     * has none, so that it does not look like a jump back to 1970) */
    if (ev->time_ms >= 0)
        h->clock = ev->time_ms;
    hunt_summary_tick(&h->sum);
    pipeline_event(&h->pipe, ev, h->clock);
    return 0;
}

static void hunt_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    hunt_ctx *h = ctx;
    hunt_summary_skip(&h->sum, why);
    if (!h->o->quiet)
        HUNT_LOG(h, SVC_LOG_WARN, "%s: byte %llu: skipped a %s record: %s", h->file, (unsigned long long)offset,
                 hunt_skip_reason_name(why), detail ? detail : "");
}

static int hunt_prefilter(void *ctx, unsigned event_id, const char *rec, size_t len)
{
    hunt_ctx *h = ctx;
    int keep = pipeline_prefilter(&h->pipe, event_id, rec, len);
    if (!keep)
        hunt_summary_tick(&h->sum);
    return keep;
}

static int hunt_prefilter_values(void *ctx, unsigned event_id, const evtx_values *v)
{
    hunt_ctx *h = ctx;
    int keep = pipeline_prefilter_values(&h->pipe, event_id, v);
    int64_t t;
    if (!keep) { /* the skipped record's time still drives the throttle, as if examined */
        hunt_summary_tick(&h->sum);
        if ((t = evtx_values_time_ms(v)) >= 0)
            h->clock = t;
        pipeline_flush(&h->pipe, h->clock, 0);
    }
    return keep;
}

static void hunt_json_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    hunt_ctx *h = ctx;
    static const char *const names[] = {"?", "not an event", "oversized", "truncated"};
    (void)offset;
    hunt_summary_skip(&h->sum, why);
    if (!h->o->quiet)
        HUNT_LOG(h, SVC_LOG_WARN, "%s: skipped (%s): %s", h->file, names[why <= 3 ? why : 0], detail ? detail : "");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static hunt_input input_kind(const hunt_ctx *h, const char *path)
{
    if (h->o->input != HUNT_INPUT_BY_NAME)
        return h->o->input;
    if (ends_with(path, ".json") || ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
        return HUNT_INPUT_JSON;
    return strcmp(path, "-") != 0 && evtx_file_is_evtx(path) ? HUNT_INPUT_EVTX : HUNT_INPUT_XML;
}

static int hunt_json_file(hunt_ctx *h, const char *path)
{
    evtx_json_opts jo = {{hunt_event, hunt_json_skip, h, h->pipe.want_ids, 0, NULL, NULL, 0}, EVTX_JSON_AUTO, 1};
    evtx_stream_stats st;
    char err[1024];

    int rc;

    memset(&st, 0, sizeof st);
    rc = evtx_json_read_file(path, &jo, &st, err, sizeof err);
    hunt_summary_file_done(&h->sum, st.records, 0, rc == 0);
    if (rc) {
        HUNT_LOG(h, SVC_LOG_ERR, "%s", err);
        return -1;
    }
    if (st.duplicate_keys)
        svc_log(h->lg, SVC_LOG_WARN, "%s: %llu lines had a key twice (read with the last value)", path,
                (unsigned long long)st.duplicate_keys);
    svc_log(h->lg, SVC_LOG_INFO, "%s: %llu lines, %llu examined, %llu skipped as not events", path,
            (unsigned long long)st.records, (unsigned long long)st.delivered,
            (unsigned long long)(st.malformed + st.oversized + st.truncated));
    return 0;
}

static int hunt_file(hunt_ctx *h, const char *path)
{
    evtx_xml_opts xo = {hunt_event, hunt_skip, h, h->pipe.want_ids, 0, hunt_prefilter, hunt_prefilter_values, 0};
    evtx_stream_stats st;
    char err[1024];
    hunt_input kind = input_kind(h, path);
    int rc;

    h->file = path;
    if (kind == HUNT_INPUT_JSON)
        return hunt_json_file(h, path);
    if (kind == HUNT_INPUT_EVTX) {
        evtx_file_stats fs;
        memset(&fs, 0, sizeof fs);
        rc = evtx_file_read(path, &xo, &fs, err, sizeof err);
        hunt_summary_file_done(&h->sum, fs.records, fs.bad_chunks, rc == 0);
        if (rc) {
            HUNT_LOG(h, SVC_LOG_ERR, "%s", err);
            return -1;
        }
        HUNT_LOG(h, SVC_LOG_INFO, "%s: %llu chunks, %llu records, %llu examined, %llu bad chunks, %llu bad records, "
                 "%llu over the work bound", path, (unsigned long long)fs.chunks, (unsigned long long)fs.records,
                 (unsigned long long)fs.delivered, (unsigned long long)fs.bad_chunks,
                 (unsigned long long)fs.bad_records, (unsigned long long)fs.over_budget);
        return 0;
    }
    memset(&st, 0, sizeof st);
    rc = evtx_xml_read_file(path, &xo, &st, err, sizeof err);
    hunt_summary_file_done(&h->sum, st.records + st.truncated, 0, rc == 0); /* every record found */
    if (rc) {
        HUNT_LOG(h, SVC_LOG_ERR, "%s", err);
        return -1;
    }
    HUNT_LOG(h, SVC_LOG_INFO, "%s: %llu records, %llu examined, %llu skipped as bad", path,
             (unsigned long long)st.records, (unsigned long long)st.delivered,
             (unsigned long long)(st.malformed + st.oversized + st.truncated));
    return 0;
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
    if (o->summary_file && !(f = fopen(o->summary_file, "w"))) {
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
        printf("%-24s %-15s %-20s %-16s %-24s %6s  %-10s %s\n", "TIME", "ACTION", "DECOY", "SOURCE", "USER",
               "COUNT", "TECHNIQUE", "LOGGED BY");
    for (size_t i = 0; i < files.n; i++)
        if (hunt_file(&h, files.paths[i]))
            failed = 1;
    pipeline_flush(&h.pipe, 0, 1);
    fflush(stdout);
    h.sum.events = h.pipe.stats.events;
    h.sum.detections = h.pipe.stats.detections;
    h.sum.alerts = h.alerts;
    if (write_summary(o, &h) < 0)
        failed = 1;
    pipeline_close(&h.pipe);
    hunt_files_free(&files);
    return failed ? 2 : h.alerts ? 1 : 0;
}
