/*
 * xml_stream.c - splits a byte stream of rendered <Event> documents (no enclosing root, as
 * `wevtutil qe /f:xml` and `evtxexport -f xml` print) into records and hands each to the
 * record parser, keeping an incomplete tail buffered across feed() calls.
 *
 * Records never nest: a record runs from an "<Event" start tag to the next "</Event>".
 * Anything between records (XML declarations, whitespace, garbage) is skipped. A record cut by
 * a new "<Event" is reported as truncated, one larger than EVTX_RECORD_MAX as oversized (without
 * buffering more than that). Offsets are exact stream offsets so callers can checkpoint.
 */
#include "evtx/evtx.h"
#include "evtx/read_pieces.h"
#include "evtx/xml_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE (64 * 1024) /* bytes taken into the buffer per step */

enum split_state { S_SEEK, S_RECORD, S_DISCARD };

struct evtx_xml_stream {
    evtx_xml_opts o;
    xml_record_parser *parser;
    evtx_event ev;
    evtx_stream_stats st;
    char *buf; /* bytes not yet consumed */
    size_t len, cap;
    uint64_t buf_off; /* stream offset of buf[0] */
    enum split_state state;
    size_t rec;  /* S_RECORD: start of the record in buf */
    size_t scan; /* where scanning resumes */
    uint64_t consumed;
    int stopped; /* non-zero value a callback stopped us with */
    char detail[512];
};

evtx_xml_stream *evtx_xml_new(const evtx_xml_opts *opts)
{
    evtx_xml_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opts)
        s->o = *opts;
    s->parser = xml_record_parser_new();
    if (!s->parser) {
        free(s);
        return NULL;
    }
    evtx_event_init(&s->ev);
    s->buf_off = s->o.start_offset;
    s->consumed = s->o.start_offset;
    s->state = S_SEEK;
    return s;
}

void evtx_xml_free(evtx_xml_stream *s)
{
    if (!s)
        return;
    xml_record_parser_free(s->parser);
    evtx_event_free(&s->ev);
    free(s->buf);
    free(s);
}

uint64_t evtx_xml_consumed(const evtx_xml_stream *s) { return s->consumed; }

const evtx_stream_stats *evtx_xml_stats(const evtx_xml_stream *s) { return &s->st; }

static void skip(evtx_xml_stream *s, evtx_skip_reason why, uint64_t offset, const char *msg)
{
    if (why == EVTX_SKIP_MALFORMED)
        s->st.malformed++;
    else if (why == EVTX_SKIP_OVERSIZED)
        s->st.oversized++;
    else
        s->st.truncated++;
    if (s->o.on_skip) {
        snprintf(s->detail, sizeof s->detail, "record at offset %llu: %s", (unsigned long long)offset, msg);
        s->o.on_skip(s->o.ctx, why, offset, s->detail);
    }
}

static int wanted(const evtx_xml_stream *s, unsigned id)
{
    if (!s->o.want_ids)
        return 1;
    return id <= 0xFFFF && (s->o.want_ids[id >> 3] & (1u << (id & 7)));
}

/* A complete record buf[start..end): filter, parse, deliver. Returns the callback's stop value. */
static int handle_record(evtx_xml_stream *s, size_t start, size_t end)
{
    const char *rec = s->buf + start;
    size_t n = end - start;
    uint64_t off = s->buf_off + start, end_off = s->buf_off + end;
    char err[320];
    unsigned id;
    int rc;

    s->st.records++;
    if (n > EVTX_RECORD_MAX) {
        snprintf(err, sizeof err, "%llu bytes, larger than the %d-byte limit", (unsigned long long)n,
                 EVTX_RECORD_MAX);
        skip(s, EVTX_SKIP_OVERSIZED, off, err);
        s->consumed = end_off;
        return 0;
    }
    if ((s->o.want_ids || s->o.prefilter) && xml_record_peek_id(rec, n, &id) &&
        (!wanted(s, id) || (s->o.prefilter && !s->o.prefilter(s->o.ctx, id, rec, n)))) {
        s->st.filtered++;
        s->consumed = end_off;
        return 0;
    }
    if (xml_record_parse(s->parser, rec, n, &s->ev, err, sizeof err) != 0) {
        skip(s, EVTX_SKIP_MALFORMED, off, err);
        s->consumed = end_off;
        return 0;
    }
    if (!wanted(s, s->ev.event_id)) {
        s->st.filtered++;
        s->consumed = end_off;
        return 0;
    }
    s->st.delivered++;
    rc = s->o.on_event ? s->o.on_event(s->o.ctx, &s->ev, end_off) : 0;
    if (rc != 0) {
        s->stopped = rc; /* not consumed: a resume at evtx_xml_consumed() delivers it again */
        return rc;
    }
    s->consumed = end_off;
    return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Kind of tag at buf[i] ('<'): 1 "<Event", 2 "</Event", 0 neither, -1 need more bytes. */
static int tag_kind(const evtx_xml_stream *s, size_t i)
{
    static const char open[] = "<Event", close[] = "</Event";
    size_t left = s->len - i;
    const char *p = s->buf + i;
    const char *pat = (left > 1 && p[1] == '/') ? close : open;
    size_t plen = pat == open ? 6 : 7;

    if (left <= plen)
        return memcmp(p, pat, left) == 0 ? -1 : 0;
    if (memcmp(p, pat, plen) != 0)
        return 0;
    if (pat == open)
        return (is_space(p[6]) || p[6] == '>' || p[6] == '/') ? 1 : 0;
    return (is_space(p[7]) || p[7] == '>') ? 2 : 0;
}

/* Position just past the '>' closing "</Event" at i, 0 when not there yet, -1 when not a tag. */
static long close_end(const evtx_xml_stream *s, size_t i)
{
    size_t j = i + 7;
    while (j < s->len && is_space(s->buf[j]))
        j++;
    if (j >= s->len)
        return 0;
    return s->buf[j] == '>' ? (long)(j + 1) : -1;
}

/* The record at s->rec ends without </Event> at buf[at]: oversized or truncated. */
static void cut_short(evtx_xml_stream *s, size_t at, const char *why)
{
    char msg[128];
    if (at - s->rec > EVTX_RECORD_MAX) {
        snprintf(msg, sizeof msg, "larger than the %d-byte limit", EVTX_RECORD_MAX);
        skip(s, EVTX_SKIP_OVERSIZED, s->buf_off + s->rec, msg);
    } else
        skip(s, EVTX_SKIP_TRUNCATED, s->buf_off + s->rec, why);
}

/* Next "Event" at or after 'from' (portable: no memmem), or NULL. */
static const char *find_event_word(const evtx_xml_stream *s, size_t from)
{
    const char *p = s->buf + from, *end = s->buf + s->len;
    while (end - p >= 5 && (p = memchr(p, 'E', (size_t)(end - p - 4))) != NULL) {
        if (memcmp(p + 1, "vent", 4) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* A record ends at buf[end]: deliver it (or finish discarding). */
static int on_close(evtx_xml_stream *s, size_t end)
{
    int rc = 0;
    if (s->state == S_RECORD)
        rc = handle_record(s, s->rec, end);
    else
        s->consumed = s->buf_off + end;
    s->state = S_SEEK;
    s->scan = end;
    return rc;
}

/* Scans buf from s->scan for "<Event" and "</Event" tags; delivers complete records. */
static int split(evtx_xml_stream *s)
{
    for (;;) {
        const char *hit = find_event_word(s, s->scan);
        size_t h, i;
        int kind;
        long end;

        if (!hit) {
            /* keep a possible partial "</Even" at the end */
            if (s->len >= 6 && s->scan < s->len - 6)
                s->scan = s->len - 6;
            break;
        }
        h = (size_t)(hit - s->buf);
        if (h >= 2 && s->buf[h - 2] == '<' && s->buf[h - 1] == '/')
            i = h - 2;
        else if (h >= 1 && s->buf[h - 1] == '<')
            i = h - 1;
        else {
            s->scan = h + 1;
            continue;
        }
        kind = tag_kind(s, i);
        if (kind < 0) {
            s->scan = i; /* wait for more bytes */
            break;
        }
        if (kind == 1) {
            if (s->state == S_RECORD)
                cut_short(s, i, "a new <Event> began before </Event>");
            if (s->state != S_SEEK)
                s->consumed = s->buf_off + i;
            s->state = S_RECORD;
            s->rec = i;
            s->scan = i + 6;
            continue;
        }
        if (kind == 2 && s->state != S_SEEK) {
            end = close_end(s, i);
            if (end == 0 && !(s->state == S_DISCARD && s->len - i > 4096)) {
                s->scan = i; /* "</Event  " cut: bounded by the record limit below */
                break;
            }
            if (end > 0) {
                int rc = on_close(s, (size_t)end);
                if (rc != 0)
                    return rc;
                continue;
            }
        }
        s->scan = h + 1;
    }
    if (s->state == S_RECORD && s->len - s->rec > EVTX_RECORD_MAX) {
        char msg[96];
        snprintf(msg, sizeof msg, "larger than the %d-byte limit (rest skipped up to </Event>)", EVTX_RECORD_MAX);
        skip(s, EVTX_SKIP_OVERSIZED, s->buf_off + s->rec, msg);
        s->state = S_DISCARD;
    }
    return 0;
}

/* Drops the bytes no longer needed from the front of buf. */
static void compact(evtx_xml_stream *s)
{
    size_t keep = s->state == S_RECORD ? s->rec : s->scan;
    if (keep == 0)
        return;
    memmove(s->buf, s->buf + keep, s->len - keep);
    s->len -= keep;
    s->buf_off += keep;
    s->scan -= keep;
    if (s->state == S_RECORD)
        s->rec -= keep;
}

int evtx_xml_feed(evtx_xml_stream *s, const char *data, size_t len)
{
    while (len > 0 && !s->stopped) {
        size_t piece = len < PIECE ? len : PIECE;
        int rc;

        if (s->cap - s->len < piece) {
            size_t ncap = s->cap ? s->cap : 4096;
            char *nb;
            while (ncap - s->len < piece)
                ncap *= 2;
            nb = realloc(s->buf, ncap);
            if (!nb)
                return -1;
            s->buf = nb;
            s->cap = ncap;
        }
        memcpy(s->buf + s->len, data, piece);
        s->len += piece;
        data += piece;
        len -= piece;
        rc = split(s);
        compact(s);
        if (rc != 0)
            return rc;
    }
    return s->stopped;
}

int evtx_xml_finish(evtx_xml_stream *s)
{
    if (s->stopped)
        return s->stopped;
    if (s->state == S_RECORD)
        cut_short(s, s->len, "input ended before </Event>");
    s->buf_off += s->len;
    s->len = 0;
    s->scan = 0;
    s->rec = 0;
    s->state = S_SEEK;
    return 0;
}

static int xml_piece(void *ctx, const char *data, size_t n)
{
    return data ? evtx_xml_feed(ctx, data, n) : evtx_xml_finish(ctx);
}

int evtx_xml_read_file(const char *path, const evtx_xml_opts *opts, evtx_stream_stats *stats, char *err,
                       size_t errlen)
{
    evtx_xml_stream *s = evtx_xml_new(opts);
    int rc;

    if (!s) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    rc = evtx_read_pieces(path, xml_piece, s, err, errlen);
    if (rc != 0 && err && errlen && !err[0])
        snprintf(err, errlen, "%s: %s at offset %llu", path, s->stopped ? "stopped" : "out of memory",
                 (unsigned long long)s->consumed);
    if (stats)
        *stats = s->st;
    evtx_xml_free(s);
    return rc;
}
