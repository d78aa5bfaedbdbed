/* input_xml.c - decoysvc input for a stream of events in a file followed like `tail -F`
 * (rotation and truncation safe, resumed at its checkpointed offset) or standard input:
 * rendered event XML (type "xml") or JSON lines from Winlogbeat / Elastic Agent / NXLog
 * (type "json"; its checkpoint also keeps the line number, so skipped lines are named right
 * after a restart). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/input/input.h"
#include "svc/base/platform.h"

#define XML_CHUNK (64 * 1024)
#define XML_CHUNKS_PER_POLL 32

typedef struct xml_input {
    evtx_follow *fol;     /* NULL when reading standard input */
    evtx_xml_stream *xs;  /* type "xml" */
    evtx_json_stream *js; /* type "json" */
    int is_stdin, eof, failed;
    uint64_t dup_reported; /* JSON lines with duplicate keys already logged */
    char buf[XML_CHUNK];
} xml_input;

static int xml_on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    svc_input *in = ctx;
    (void)end_offset;
    return pipeline_event(in->pipe, ev, svc_now_ms()) ? 1 : 0;
}

static void xml_on_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    svc_input *in = ctx;
    static const char *const names[] = {"?", "malformed", "oversized", "truncated"};
    svc_log(in->lg, SVC_LOG_WARN, "%s: byte %llu: skipped a %s record: %s", in->conf->path,
            (unsigned long long)offset, names[why <= 3 ? why : 0], detail ? detail : "");
}

static void json_on_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    svc_input *in = ctx;
    xml_input *x = in->impl;
    static const char *const names[] = {"?", "not an event", "oversized", "truncated"};
    const evtx_stream_stats *st = evtx_json_stats(x->js);

    (void)offset;
    svc_log(in->lg, SVC_LOG_WARN, "%s: skipped (%s; %llu lines skipped since start): %s", in->conf->path,
            names[why <= 3 ? why : 0], (unsigned long long)(st->malformed + st->oversized + st->truncated),
            detail ? detail : "");
}

static int xml_prefilter(void *ctx, unsigned event_id, const char *rec, size_t len)
{
    svc_input *in = ctx;
    return pipeline_prefilter(in->pipe, event_id, rec, len);
}

/* A new parser whose first byte is at stream offset 'start' (line 'line', 0 = unknown). */
static int xml_reset_stream(svc_input *in, uint64_t start, uint64_t line)
{
    xml_input *x = in->impl;
    evtx_xml_opts o = {xml_on_event, xml_on_skip, in, in->pipe->want_ids, start, xml_prefilter, NULL, 0};

    if (in->conf->type == SVC_INPUT_JSON) {
        evtx_json_opts jo = {{xml_on_event, json_on_skip, in, in->pipe->want_ids, start, NULL, NULL, 0},
                             in->conf->format,
                             start == 0 ? 1 : line};
        evtx_json_free(x->js);
        x->dup_reported = 0;
        x->js = evtx_json_new(&jo);
        return x->js ? 0 : -1;
    }
    if (x->xs)
        evtx_xml_free(x->xs);
    x->xs = evtx_xml_new(&o);
    return x->xs ? 0 : -1;
}

/* Opens the followed file at the checkpoint (or per conf->start); a checkpoint of another file
 * (rotated while we were stopped) starts the new file from its beginning. */
static int xml_open_at(svc_input *in, const json_t *cp, char *err, size_t errlen)
{
    xml_input *x = in->impl;
    json_t *off = cp ? json_object_get(cp, "offset") : NULL, *line = cp ? json_object_get(cp, "line") : NULL;
    uint64_t at;

    if (x->fol)
        evtx_follow_close(x->fol);
    x->fol = input_file_follow(cp, in->conf->path, in->conf->start, in->lg, err, errlen);
    if (!x->fol)
        return -1;
    at = evtx_follow_offset(x->fol);
    return xml_reset_stream(in, at,
                            json_is_integer(line) && json_integer_value(off) == (json_int_t)at &&
                                    json_integer_value(line) > 0
                                ? (uint64_t)json_integer_value(line)
                                : 0);
}

static int stream_feed(xml_input *x, const char *data, size_t n)
{
    return x->js ? evtx_json_feed(x->js, data, n) : evtx_xml_feed(x->xs, data, n);
}

static long xml_read(svc_input *in, int *restarted)
{
    xml_input *x = in->impl;
    char err[512];
    long n;

    *restarted = 0;
    if (x->is_stdin) {
        n = svc_stdin_read(x->buf, sizeof x->buf);
        if (n < 0) {
            x->eof = 1;
            if (x->js)
                evtx_json_finish(x->js);
            else
                evtx_xml_finish(x->xs);
            return 0;
        }
        return n;
    }
    n = evtx_follow_read(x->fol, x->buf, sizeof x->buf, restarted, err, sizeof err);
    if (n < 0)
        svc_log(in->lg, SVC_LOG_ERR, "%s: %s", in->conf->path, err);
    if (n < 0)
        snprintf(in->lost, sizeof in->lost, "%.200s: %.300s", in->conf->path, err);
    else
        in->lost[0] = '\0';
    return n;
}

/* Duplicate keys are read (the last value wins) but worth a word: once per poll that saw some. */
static void report_duplicates(svc_input *in)
{
    xml_input *x = in->impl;
    uint64_t n = x->js ? evtx_json_stats(x->js)->duplicate_keys : 0;

    if (n > x->dup_reported)
        svc_log(in->lg, SVC_LOG_WARN, "%s: %llu lines with a key twice since start (read with the last value)",
                in->conf->path, (unsigned long long)n);
    x->dup_reported = n;
}

static long xml_poll(svc_input *in)
{
    xml_input *x = in->impl;
    long total = 0;

    for (int i = 0; i < XML_CHUNKS_PER_POLL && !x->failed && !x->eof; i++) {
        int restarted;
        long n = xml_read(in, &restarted);
        if (restarted) {
            svc_log(in->lg, SVC_LOG_INFO, "%s: rotated or truncated: reading the new file from its start",
                    in->conf->path);
            if (xml_reset_stream(in, 0, 1))
                return -1;
        }
        if (n <= 0) {
            report_duplicates(in);
            return n < 0 && total == 0 ? -1 : total;
        }
        if (stream_feed(x, x->buf, (size_t)n) != 0)
            x->failed = 1;
        total += n;
    }
    report_duplicates(in);
    return total;
}

static json_t *xml_checkpoint(svc_input *in)
{
    xml_input *x = in->impl;
    json_t *cp;

    if (x->is_stdin)
        return json_object();
    if (!x->js)
        return input_file_checkpoint(evtx_follow_identity(x->fol), evtx_xml_consumed(x->xs));
    cp = input_file_checkpoint(evtx_follow_identity(x->fol), evtx_json_consumed(x->js));
    if (cp && evtx_json_consumed_line(x->js))
        json_object_set_new(cp, "line", json_integer((json_int_t)evtx_json_consumed_line(x->js)));
    return cp;
}

static void xml_rewind(svc_input *in, const json_t *cp)
{
    xml_input *x = in->impl;
    char err[512];

    x->failed = 0;
    if (x->is_stdin) {
        svc_log(in->lg, SVC_LOG_ERR, "standard input cannot be rewound: alerts refused by the spool are lost");
        return;
    }
    if (xml_open_at(in, cp, err, sizeof err))
        svc_log(in->lg, SVC_LOG_ERR, "%s: %s", in->conf->path, err);
}

static int xml_finished(svc_input *in)
{
    xml_input *x = in->impl;
    return x->is_stdin && x->eof;
}

static void xml_free(svc_input *in)
{
    xml_input *x = in->impl;
    if (!x)
        return;
    if (x->fol)
        evtx_follow_close(x->fol);
    if (x->xs)
        evtx_xml_free(x->xs);
    evtx_json_free(x->js);
    free(x);
}

static const svc_input_ops xml_ops = {xml_poll, xml_checkpoint, xml_rewind, xml_finished, xml_free};

int input_xml_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen)
{
    xml_input *x = calloc(1, sizeof *x);

    if (!x) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    in->impl = x;
    in->ops = &xml_ops;
    x->is_stdin = strcmp(in->conf->path, "-") == 0;
    if (x->is_stdin ? xml_reset_stream(in, 0, 1) : xml_open_at(in, checkpoint, err, errlen)) {
        xml_free(in);
        in->impl = NULL;
        return -1;
    }
    return 0;
}
