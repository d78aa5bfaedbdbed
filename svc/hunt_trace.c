/* hunt_trace.c - the compact record of what one file yielded to `decoysvc hunt` (see
 * hunt_trace.h). Layout: a byte stream of steps, each a kind byte and its payload. Numbers are
 * LEB128 varints; a clock move is the zigzag-coded difference from the previous one (events come
 * a few milliseconds apart: 1-3 bytes); a detection, a fixed-size struct that is mostly the zero
 * padding of its strings, is stored as runs of zero bytes and literal bytes (~0.5 KiB, not 10). */
#include "svc/hunt_trace.h"

#include <stdlib.h>
#include <string.h>

void hunt_trace_init(hunt_trace *t)
{
    memset(t, 0, sizeof *t);
    t->read_ok = 1;
}

void hunt_trace_free(hunt_trace *t)
{
    free(t->buf);
    hunt_trace_init(t);
}

static int reserve(hunt_trace *t, size_t more)
{
    size_t cap;
    unsigned char *nb;

    if (t->oom)
        return -1;
    if (t->cap - t->len >= more)
        return 0;
    cap = t->cap ? t->cap : 4096;
    while (cap - t->len < more)
        cap *= 2;
    if (!(nb = realloc(t->buf, cap))) {
        t->oom = 1;
        return -1;
    }
    t->buf = nb;
    t->cap = cap;
    return 0;
}

static void put_byte(hunt_trace *t, unsigned char b)
{
    t->buf[t->len++] = b; /* room reserved by the caller */
}

static void put_varint(hunt_trace *t, uint64_t v)
{
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        put_byte(t, (unsigned char)(b | (v ? 0x80 : 0)));
    } while (v);
}

static int get_varint(const hunt_trace *t, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && *pos < t->len; shift += 7) {
        unsigned char b = t->buf[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

void hunt_trace_clock(hunt_trace *t, int64_t ms)
{
    uint64_t d;

    if (t->has_clock && ms == t->last_clock)
        return;
    d = (uint64_t)ms - (uint64_t)t->last_clock; /* wraps: two's complement difference */
    if (reserve(t, 11))
        return;
    put_byte(t, HUNT_STEP_CLOCK);
    put_varint(t, (d << 1) ^ (uint64_t) - (int64_t)(d >> 63)); /* zigzag */
    t->last_clock = ms;
    t->has_clock = 1;
}

void hunt_trace_spray(hunt_trace *t, const detect_spray *in)
{
    if (reserve(t, 1 + 2 * sizeof in->source))
        return;
    put_byte(t, HUNT_STEP_SPRAY);
    memcpy(t->buf + t->len, &in->source, sizeof in->source);
    memcpy(t->buf + t->len + sizeof in->source, &in->account, sizeof in->account);
    t->len += 2 * sizeof in->source;
}

void hunt_trace_detect(hunt_trace *t, const detection *d, int spray_applies)
{
    const unsigned char *p = (const unsigned char *)d;
    size_t n = sizeof *d, i = 0;

    /* worst case: every byte a literal run of 1 preceded by two 1-byte varints */
    if (reserve(t, 2 + 3 * n))
        return;
    put_byte(t, HUNT_STEP_DETECT);
    put_byte(t, (unsigned char)(spray_applies != 0));
    while (i < n) { /* pairs (zero run, literal run) */
        size_t z = i, lit, end;
        while (z < n && p[z] == 0)
            z++;
        for (end = z; end < n; end++) /* a literal run stops at 4 zero bytes in a row */
            if (p[end] == 0 && end + 3 < n && !p[end + 1] && !p[end + 2] && !p[end + 3])
                break;
        lit = end - z;
        put_varint(t, z - i);
        put_varint(t, lit);
        memcpy(t->buf + t->len, p + z, lit);
        t->len += lit;
        i = end;
    }
}

void hunt_trace_log(hunt_trace *t, svc_log_level level, const char *text)
{
    size_t n = strlen(text);

    if (t->log_bytes + n > HUNT_TRACE_LOG_MAX) {
        t->logs_dropped++;
        return;
    }
    if (reserve(t, 2 + n + 1))
        return;
    put_byte(t, HUNT_STEP_LOG);
    put_byte(t, (unsigned char)level);
    memcpy(t->buf + t->len, text, n + 1);
    t->len += n + 1;
    t->log_bytes += n;
}

static int read_detection(const hunt_trace *t, size_t *pos, detection *d)
{
    unsigned char *p = (unsigned char *)d;
    size_t n = sizeof *d, i = 0;

    while (i < n) {
        uint64_t z, lit;
        if (get_varint(t, pos, &z) || get_varint(t, pos, &lit) || z > n - i || lit > n - i - z ||
            lit > t->len - *pos)
            return -1;
        memset(p + i, 0, (size_t)z);
        memcpy(p + i + z, t->buf + *pos, (size_t)lit);
        *pos += (size_t)lit;
        i += (size_t)(z + lit);
    }
    return 0;
}

hunt_step_kind hunt_trace_next(const hunt_trace *t, hunt_trace_cursor *c, hunt_step *out)
{
    uint64_t v;
    unsigned char kind;

    if (c->pos >= t->len)
        return out->kind = HUNT_STEP_END;
    kind = t->buf[c->pos++];
    switch (kind) {
    case HUNT_STEP_CLOCK:
        if (get_varint(t, &c->pos, &v))
            break;
        c->clock = (int64_t)((uint64_t)c->clock + ((v >> 1) ^ (uint64_t) - (int64_t)(v & 1)));
        out->clock = c->clock;
        return out->kind = HUNT_STEP_CLOCK;
    case HUNT_STEP_SPRAY:
        if (t->len - c->pos < 2 * sizeof out->spray.source)
            break;
        memcpy(&out->spray.source, t->buf + c->pos, sizeof out->spray.source);
        memcpy(&out->spray.account, t->buf + c->pos + sizeof out->spray.source, sizeof out->spray.account);
        out->spray.time_ms = c->clock;
        c->pos += 2 * sizeof out->spray.source;
        return out->kind = HUNT_STEP_SPRAY;
    case HUNT_STEP_DETECT:
        if (c->pos >= t->len)
            break;
        out->spray_applies = t->buf[c->pos++];
        if (read_detection(t, &c->pos, &out->det))
            break;
        return out->kind = HUNT_STEP_DETECT;
    case HUNT_STEP_LOG:
        if (c->pos >= t->len)
            break;
        out->level = (svc_log_level)t->buf[c->pos++];
        out->text = (const char *)t->buf + c->pos;
        c->pos += strlen(out->text) + 1; /* stored with its NUL */
        return out->kind = HUNT_STEP_LOG;
    default: break;
    }
    c->pos = t->len; /* a damaged trace (cannot happen: written above): stop */
    return out->kind = HUNT_STEP_END;
}
