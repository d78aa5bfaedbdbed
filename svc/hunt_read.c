/* hunt_read.c - one `decoysvc hunt` input file into a hunt_trace (see hunt_read.h): the reader is
 * picked by name or content, each delivered event moves the clock (its time) and is matched with
 * the reader's own detector; skipped records are counted by reason and named in warnings. */
#include "svc/hunt_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct hunt_file_ctx {
    const hunt_reader *r;
    hunt_trace *t;
    const char *path;
    uint64_t unreported; /* records seen since the last progress call */
} hunt_file_ctx;

static void trace_logf(hunt_file_ctx *f, svc_log_level level, const char *fmt, ...) SVC_PRINTF(3, 4);
static void trace_logf(hunt_file_ctx *f, svc_log_level level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (level > f->r->log_min)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hunt_trace_log(f->t, level, msg);
}

static void seen(hunt_file_ctx *f)
{
    f->t->seen++;
    if (++f->unreported >= 1024 && f->r->progress) {
        f->r->progress(f->r->progress_ctx, f->unreported);
        f->unreported = 0;
    }
}

static int on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    hunt_file_ctx *f = ctx;
    detect_spray in;
    detection det;
    int spray;

    (void)end_offset;
    /* offline: the event's own time drives the throttle window (the previous event's time when it
     * has none, so that it does not look like a jump back to 1970) */
    if (ev->time_ms >= 0)
        hunt_trace_clock(f->t, ev->time_ms);
    f->t->events++;
    seen(f);
    if ((spray = detector_spray_input(ev, &in)) != 0)
        hunt_trace_spray(f->t, &in);
    if (detector_match(f->r->det, ev, 0, &det))
        hunt_trace_detect(f->t, &det, spray);
    return 0;
}

static void count_skip(hunt_file_ctx *f, evtx_skip_reason why)
{
    unsigned i = (unsigned)why < HUNT_SKIP_REASONS ? (unsigned)why : 0;

    if (i && strcmp(hunt_skip_reason_name(why), "other") == 0)
        i = 0; /* a reason this build has no name for */
    f->t->skipped[i]++;
    seen(f);
}

static void on_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    hunt_file_ctx *f = ctx;

    count_skip(f, why);
    if (!f->r->o->quiet)
        trace_logf(f, SVC_LOG_WARN, "%s: byte %llu: skipped a %s record: %s", f->path,
                   (unsigned long long)offset, hunt_skip_reason_name(why), detail ? detail : "");
}

static int on_prefilter(void *ctx, unsigned event_id, const char *rec, size_t len)
{
    hunt_file_ctx *f = ctx;
    int keep = detect_prefilter(f->r->pipe->index, event_id, rec, len);
    if (!keep) {
        f->t->prefiltered++; /* seen all the same: the input is not blind */
        seen(f);
    }
    return keep;
}

/* The same for a .evtx record read directly (its values, no XML). A skipped record's time still
 * drives the throttle, as if examined, so that .evtx alerts group the same with or without it. */
static int on_prefilter_values(void *ctx, unsigned event_id, const evtx_values *v)
{
    hunt_file_ctx *f = ctx;
    int keep = detect_prefilter_values(f->r->pipe->index, event_id, v);
    int64_t t;
    if (!keep) {
        if ((t = evtx_values_time_ms(v)) >= 0)
            hunt_trace_clock(f->t, t);
        f->t->prefiltered++;
        seen(f);
    }
    return keep;
}

static void on_json_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    hunt_file_ctx *f = ctx;
    static const char *const names[] = {"?", "not an event", "oversized", "truncated"};

    (void)offset;
    count_skip(f, why);
    if (!f->r->o->quiet)
        trace_logf(f, SVC_LOG_WARN, "%s: skipped (%s): %s", f->path, names[why <= 3 ? why : 0],
                   detail ? detail : "");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static hunt_input input_kind(const hunt_opts *o, const char *path)
{
    if (o->input != HUNT_INPUT_BY_NAME)
        return o->input;
    if (ends_with(path, ".json") || ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
        return HUNT_INPUT_JSON;
    return strcmp(path, "-") != 0 && evtx_file_is_evtx(path) ? HUNT_INPUT_EVTX : HUNT_INPUT_XML;
}

static int read_json(hunt_file_ctx *f, char *err, size_t errlen)
{
    evtx_json_opts jo = {{on_event, on_json_skip, f, f->r->pipe->want_ids, 0, NULL, NULL, 0}, EVTX_JSON_AUTO, 1};
    evtx_stream_stats st;
    int rc;

    memset(&st, 0, sizeof st);
    rc = evtx_json_read_file(f->path, &jo, &st, err, errlen);
    f->t->records = st.records;
    if (rc)
        return rc;
    if (st.duplicate_keys)
        trace_logf(f, SVC_LOG_WARN, "%s: %llu lines had a key twice (read with the last value)", f->path,
                   (unsigned long long)st.duplicate_keys);
    trace_logf(f, SVC_LOG_INFO, "%s: %llu lines, %llu examined, %llu skipped as not events", f->path,
               (unsigned long long)st.records, (unsigned long long)st.delivered,
               (unsigned long long)(st.malformed + st.oversized + st.truncated));
    return 0;
}

static int read_evtx(hunt_file_ctx *f, const evtx_xml_opts *xo, char *err, size_t errlen)
{
    evtx_file_stats fs;
    int rc;

    memset(&fs, 0, sizeof fs);
    rc = evtx_file_read(f->path, xo, &fs, err, errlen);
    f->t->records = fs.records;
    f->t->bad_chunks = fs.bad_chunks;
    if (rc)
        return rc;
    trace_logf(f, SVC_LOG_INFO,
               "%s: %llu chunks, %llu records, %llu examined, %llu bad chunks, %llu bad records, "
               "%llu over the work bound",
               f->path, (unsigned long long)fs.chunks, (unsigned long long)fs.records,
               (unsigned long long)fs.delivered, (unsigned long long)fs.bad_chunks,
               (unsigned long long)fs.bad_records, (unsigned long long)fs.over_budget);
    return 0;
}

static int read_xml(hunt_file_ctx *f, const evtx_xml_opts *xo, char *err, size_t errlen)
{
    evtx_stream_stats st;
    int rc;

    memset(&st, 0, sizeof st);
    rc = evtx_xml_read_file(f->path, xo, &st, err, errlen);
    f->t->records = st.records + st.truncated; /* every record found */
    if (rc)
        return rc;
    trace_logf(f, SVC_LOG_INFO, "%s: %llu records, %llu examined, %llu skipped as bad", f->path,
               (unsigned long long)st.records, (unsigned long long)st.delivered,
               (unsigned long long)(st.malformed + st.oversized + st.truncated));
    return 0;
}

void hunt_read_file(const hunt_reader *r, const char *path, hunt_trace *t)
{
    hunt_file_ctx f = {r, t, path, 0};
    evtx_xml_opts xo = {on_event, on_skip, &f, r->pipe->want_ids, 0, on_prefilter, on_prefilter_values, 0};
    hunt_input kind = input_kind(r->o, path);
    char err[1024];
    int rc;

    err[0] = '\0';
    if (kind == HUNT_INPUT_JSON)
        rc = read_json(&f, err, sizeof err);
    else if (kind == HUNT_INPUT_EVTX)
        rc = read_evtx(&f, &xo, err, sizeof err);
    else
        rc = read_xml(&f, &xo, err, sizeof err);
    if (rc == 0 && t->oom) {
        snprintf(err, sizeof err, "%s: out of memory keeping what the file yielded", path);
        rc = -1;
    }
    if (rc) {
        t->read_ok = 0;
        t->oom = 0; /* room for the reason, if any is left */
        trace_logf(&f, SVC_LOG_ERR, "%s", err);
    }
    if (r->progress && f.unreported)
        r->progress(r->progress_ctx, f.unreported);
}
