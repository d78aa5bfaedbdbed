/*
 * json_stream.c - splits a byte stream of JSON lines (one Windows event per line, as Winlogbeat,
 * Elastic Agent and NXLog write them) and hands each line to the JSON event parser, keeping an
 * incomplete last line buffered across feed() calls.
 *
 * A line is handled when its '\n' arrives (a complete line is parsed in place, without a copy).
 * A line that is not an event is skipped with a reason that names its line number and byte
 * offset, and the stream goes on; one longer than EVTX_JSON_LINE_MAX is skipped as oversized
 * without being buffered. Offsets are exact stream offsets so callers can checkpoint.
 */
#include "evtx/evtx.h"
#include "evtx/read_pieces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct evtx_json_stream {
    evtx_json_opts o;
    evtx_event ev;
    evtx_stream_stats st;
    char *buf; /* the incomplete current line */
    size_t len, cap;
    uint64_t pos;      /* stream offset of the next byte fed */
    uint64_t line_off; /* stream offset where the current line starts */
    uint64_t line;     /* number of the current line, 0 = unknown */
    int discarding;    /* the current line is oversized: drop it up to its '\n' */
    uint64_t consumed, consumed_line;
    int stopped;
    char detail[600];
};

evtx_json_stream *evtx_json_new(const evtx_json_opts *opts)
{
    evtx_json_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opts)
        s->o = *opts;
    evtx_event_init(&s->ev);
    s->pos = s->line_off = s->consumed = s->o.base.start_offset;
    s->line = s->o.start_line ? s->o.start_line : s->o.base.start_offset == 0 ? 1 : 0;
    s->consumed_line = s->line;
    return s;
}

void evtx_json_free(evtx_json_stream *s)
{
    if (!s)
        return;
    evtx_event_free(&s->ev);
    free(s->buf);
    free(s);
}

uint64_t evtx_json_consumed(const evtx_json_stream *s) { return s->consumed; }

uint64_t evtx_json_consumed_line(const evtx_json_stream *s) { return s->consumed_line; }

const evtx_stream_stats *evtx_json_stats(const evtx_json_stream *s) { return &s->st; }

static void skip(evtx_json_stream *s, evtx_skip_reason why, const char *msg)
{
    if (why == EVTX_SKIP_MALFORMED)
        s->st.malformed++;
    else if (why == EVTX_SKIP_OVERSIZED)
        s->st.oversized++;
    else
        s->st.truncated++;
    if (!s->o.base.on_skip)
        return;
    if (s->line)
        snprintf(s->detail, sizeof s->detail, "line %llu (byte %llu): %s", (unsigned long long)s->line,
                 (unsigned long long)s->line_off, msg);
    else
        snprintf(s->detail, sizeof s->detail, "byte %llu: %s", (unsigned long long)s->line_off, msg);
    s->o.base.on_skip(s->o.base.ctx, why, s->line_off, s->detail);
}

static int wanted(const evtx_json_stream *s, unsigned id)
{
    return !s->o.base.want_ids || (s->o.base.want_ids[id >> 3] & (1u << (id & 7)));
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return 0;
    return 1;
}

/* One complete line ending at stream offset 'end' (past its '\n'). Returns the stop value. */
static int handle_line(evtx_json_stream *s, const char *p, size_t n, uint64_t end, int last)
{
    char err[400];
    int dup = 0, rc;

    if (is_blank(p, n))
        return 0;
    s->st.records++;
    if (evtx_json_parse_line(p, n, s->o.format, &s->ev, &dup, err, sizeof err) != 0) {
        if (last) {
            char msg[460];
            snprintf(msg, sizeof msg, "input ended inside the line: %s", err);
            skip(s, EVTX_SKIP_TRUNCATED, msg);
        } else
            skip(s, EVTX_SKIP_MALFORMED, err);
        return 0;
    }
    s->st.duplicate_keys += (uint64_t)dup;
    if (!wanted(s, s->ev.event_id)) {
        s->st.filtered++;
        return 0;
    }
    s->st.delivered++;
    rc = s->o.base.on_event ? s->o.base.on_event(s->o.base.ctx, &s->ev, end) : 0;
    if (rc != 0)
        s->stopped = rc; /* not consumed: a resume at evtx_json_consumed() delivers it again */
    return rc;
}

/* The line just ended at s->pos: the next one starts there. */
static void next_line(evtx_json_stream *s)
{
    s->len = 0;
    s->discarding = 0;
    s->line_off = s->pos;
    if (s->line)
        s->line++;
    s->consumed = s->pos;
    s->consumed_line = s->line;
}

static int append(evtx_json_stream *s, const char *p, size_t n)
{
    if (s->cap - s->len < n) {
        size_t ncap = s->cap ? s->cap : 4096;
        char *nb;
        while (ncap - s->len < n)
            ncap *= 2;
        nb = realloc(s->buf, ncap);
        if (!nb)
            return -1;
        s->buf = nb;
        s->cap = ncap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return 0;
}

int evtx_json_feed(evtx_json_stream *s, const char *data, size_t len)
{
    while (len > 0 && !s->stopped) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        int rc = 0;

        if (!s->discarding && s->len + take > EVTX_JSON_LINE_MAX) {
            char msg[96];
            snprintf(msg, sizeof msg, "line longer than %d bytes skipped", EVTX_JSON_LINE_MAX);
            s->st.records++;
            skip(s, EVTX_SKIP_OVERSIZED, msg);
            s->discarding = 1;
            s->len = 0;
        }
        if (!nl) {
            if (!s->discarding && append(s, data, take) != 0)
                return -1;
            s->pos += take;
            break;
        }
        s->pos += take + 1;
        if (s->discarding)
            ;
        else if (s->len == 0)
            rc = handle_line(s, data, take, s->pos, 0); /* the whole line is here: no copy */
        else if (append(s, data, take) != 0)
            return -1;
        else
            rc = handle_line(s, s->buf, s->len, s->pos, 0);
        if (rc != 0)
            return rc;
        next_line(s);
        data += take + 1;
        len -= take + 1;
    }
    return s->stopped;
}

int evtx_json_finish(evtx_json_stream *s)
{
    int rc = 0;

    if (s->stopped)
        return s->stopped;
    if (!s->discarding && s->len > 0)
        rc = handle_line(s, s->buf, s->len, s->pos, 1);
    if (rc == 0)
        next_line(s);
    return rc;
}

static int json_piece(void *ctx, const char *data, size_t n)
{
    return data ? evtx_json_feed(ctx, data, n) : evtx_json_finish(ctx);
}

int evtx_json_read_file(const char *path, const evtx_json_opts *opts, evtx_stream_stats *stats, char *err,
                        size_t errlen)
{
    evtx_json_stream *s = evtx_json_new(opts);
    int rc;

    if (!s) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    rc = evtx_read_pieces(path, json_piece, s, err, errlen);
    if (rc != 0 && err && errlen && !err[0])
        snprintf(err, errlen, "%s: %s at offset %llu", path, s->stopped ? "stopped" : "out of memory",
                 (unsigned long long)s->consumed);
    if (stats)
        *stats = s->st;
    evtx_json_free(s);
    return rc;
}
