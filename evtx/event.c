/*
 * event.c - the normalised event: storage, builders, field lookup, deep copy and the
 * conversion of Windows' SystemTime text to and from milliseconds since the epoch.
 *
 * All strings of an event live in one growable buffer owned by the event (ev->buf) and reused
 * across records, so building an event does not allocate per field. When the buffer has to
 * grow, every string pointer of the event is moved to the new buffer (ev_reserve).
 */
#include "evtx/evtx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ev_empty[] = "";

void evtx_event_init(evtx_event *ev)
{
    memset(ev, 0, sizeof *ev);
    evtx_event_reset(ev);
}

void evtx_event_reset(evtx_event *ev)
{
    ev->event_id = 0;
    ev->version = 0;
    ev->record_id = 0;
    ev->time_ms = -1;
    ev->time_created = ev_empty;
    ev->channel = ev_empty;
    ev->provider = ev_empty;
    ev->computer = ev_empty;
    ev->nfields = 0;
    ev->truncated = 0;
    ev->buf_len = 0;
}

void evtx_event_free(evtx_event *ev)
{
    free(ev->buf);
    ev->buf = NULL;
    ev->buf_cap = 0;
    evtx_event_reset(ev);
}

const char *evtx_event_get(const evtx_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->nfields; i++)
        if (strcmp(ev->fields[i].name, name) == 0)
            return ev->fields[i].value;
    return NULL;
}

/* Moves p from the old buffer to the new one when it points into the old one. */
static const char *ev_rebase(const char *p, const char *old, size_t old_len, char *new_buf)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)old;
    if (old && a >= lo && a <= lo + old_len)
        return new_buf + (a - lo);
    return p;
}

/* Ensures room for 'need' more bytes in ev->buf, moving all string pointers if it grows. */
static int ev_reserve(evtx_event *ev, size_t need)
{
    size_t cap;
    char *nb;

    if (ev->buf_cap - ev->buf_len >= need)
        return 0;
    if (need > SIZE_MAX / 2 - ev->buf_len)
        return -1;
    cap = ev->buf_cap ? ev->buf_cap * 2 : 4096;
    while (cap < ev->buf_len + need)
        cap *= 2;
    nb = malloc(cap);
    if (!nb)
        return -1;
    if (ev->buf_len)
        memcpy(nb, ev->buf, ev->buf_len);
    ev->time_created = ev_rebase(ev->time_created, ev->buf, ev->buf_len, nb);
    ev->channel = ev_rebase(ev->channel, ev->buf, ev->buf_len, nb);
    ev->provider = ev_rebase(ev->provider, ev->buf, ev->buf_len, nb);
    ev->computer = ev_rebase(ev->computer, ev->buf, ev->buf_len, nb);
    for (size_t i = 0; i < ev->nfields; i++) {
        ev->fields[i].name = ev_rebase(ev->fields[i].name, ev->buf, ev->buf_len, nb);
        ev->fields[i].value = ev_rebase(ev->fields[i].value, ev->buf, ev->buf_len, nb);
    }
    free(ev->buf);
    ev->buf = nb;
    ev->buf_cap = cap;
    return 0;
}

/*
 * Appends a NUL-terminated, valid UTF-8 copy of s[0..len) to ev->buf, truncated to
 * EVTX_FIELD_MAX bytes at a character boundary. Returns its offset in ev->buf (pointers are
 * taken only after all appends, since a later append may move the buffer), or -1.
 */
static int ev_store(evtx_event *ev, const char *s, size_t len, size_t *off, size_t *out_len)
{
    size_t valid, n, cut = 0;
    char *dst;

    if (len == (size_t)-1)
        len = strlen(s);
    if (len > EVTX_FIELD_MAX + 4) { /* repair never shortens, so the rest is cut anyway */
        cut = 1;
        len = EVTX_FIELD_MAX + 4;
    }
    valid = evtx_utf8_valid_prefix(s, len);
    if (ev_reserve(ev, valid == len ? len + 1 : 3 * len + 1) != 0)
        return -1;
    dst = ev->buf + ev->buf_len;
    if (valid == len) {
        memcpy(dst, s, len);
        n = len;
    } else
        n = evtx_utf8_repair(dst, s, len);
    if (n > EVTX_FIELD_MAX) {
        n = EVTX_FIELD_MAX;
        while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    dst[n] = '\0';
    if (cut)
        ev->truncated++;
    *off = ev->buf_len;
    if (out_len)
        *out_len = n;
    ev->buf_len += n + 1;
    return 0;
}

static int ev_set_string(evtx_event *ev, const char **slot, const char *s, size_t len)
{
    size_t off;
    if (ev_store(ev, s ? s : "", s ? len : 0, &off, NULL) != 0)
        return -1;
    *slot = ev->buf + off;
    return 0;
}

int evtx_event_set_channel(evtx_event *ev, const char *s, size_t len)
{
    return ev_set_string(ev, &ev->channel, s, len);
}

int evtx_event_set_provider(evtx_event *ev, const char *s, size_t len)
{
    return ev_set_string(ev, &ev->provider, s, len);
}

int evtx_event_set_computer(evtx_event *ev, const char *s, size_t len)
{
    return ev_set_string(ev, &ev->computer, s, len);
}

int evtx_event_add_field(evtx_event *ev, const char *name, const char *value, size_t len)
{
    size_t name_off, value_off, value_len;
    evtx_field *f;

    if (ev->nfields >= EVTX_MAX_FIELDS) {
        ev->truncated++;
        return 0;
    }
    if (ev_store(ev, name ? name : "", (size_t)-1, &name_off, NULL) != 0 ||
        ev_store(ev, value ? value : "", value ? len : 0, &value_off, &value_len) != 0)
        return -1;
    f = &ev->fields[ev->nfields++];
    f->name = ev->buf + name_off;
    f->value = ev->buf + value_off;
    f->len = value_len;
    return 0;
}

/* ---- time ------------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at *p. */
static int read_digits(const char **p, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int expect_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" -> ms since the epoch (UTC). */
static int parse_iso8601(const char *s, int64_t *ms)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    unsigned y, mo, d, h, mi, sec, frac = 0, oh, om;
    int64_t t;

    while (*p == ' ' || *p == '\t')
        p++;
    if (read_digits(&p, 4, &y) || expect_char(&p, '-') || read_digits(&p, 2, &mo) || expect_char(&p, '-') ||
        read_digits(&p, 2, &d))
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (read_digits(&p, 2, &h) || expect_char(&p, ':') || read_digits(&p, 2, &mi) || expect_char(&p, ':') ||
        read_digits(&p, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
        return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    if (*p == '.' || *p == ',') {
        int n = 0;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 3)
                frac = frac * 10 + (unsigned)(*p - '0');
        for (; n < 3; n++)
            frac *= 10;
    }
    t = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + frac;
    if (*p == 'Z' || *p == 'z')
        p++;
    else if (*p == '+' || *p == '-') {
        int sign = *p == '+' ? 1 : -1;
        p++;
        if (read_digits(&p, 2, &oh) || (*p == ':' && (p++, 0)) || read_digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        t -= sign * (int64_t)(oh * 3600 + om * 60) * 1000;
    }
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p != '\0')
        return -1;
    *ms = t;
    return 0;
}

static char *put_num(char *o, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

void evtx_format_time(int64_t ms, char *buf, size_t len)
{
    int64_t days, rem, y;
    unsigned m, d;
    char tmp[32], *o = tmp;

    if (!buf || len == 0)
        return;
    days = ms / 86400000;
    rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* not a Windows time: still say what it is */
        snprintf(buf, len, "%lldms", (long long)ms);
        return;
    }
    /* by hand: this runs for every event */
    o = put_num(o, (unsigned)y, 4);
    *o++ = '-';
    o = put_num(o, m, 2);
    *o++ = '-';
    o = put_num(o, d, 2);
    *o++ = 'T';
    o = put_num(o, (unsigned)(rem / 3600000), 2);
    *o++ = ':';
    o = put_num(o, (unsigned)(rem / 60000 % 60), 2);
    *o++ = ':';
    o = put_num(o, (unsigned)(rem / 1000 % 60), 2);
    *o++ = '.';
    o = put_num(o, (unsigned)(rem % 1000), 3);
    *o++ = 'Z';
    *o = '\0';
    snprintf(buf, len, "%s", tmp);
}

void evtx_event_set_time_ms(evtx_event *ev, int64_t ms)
{
    char text[32];
    size_t off;

    ev->time_ms = ms;
    ev->time_created = ev_empty;
    if (ms == -1)
        return;
    evtx_format_time(ms, text, sizeof text);
    if (ev_store(ev, text, strlen(text), &off, NULL) == 0)
        ev->time_created = ev->buf + off;
}

int evtx_event_set_time(evtx_event *ev, const char *iso8601)
{
    int64_t ms;

    if (!iso8601 || parse_iso8601(iso8601, &ms) != 0) {
        ev->time_ms = -1;
        ev->time_created = ev_empty;
        return 0;
    }
    evtx_event_set_time_ms(ev, ms);
    return ev->time_created[0] ? 0 : -1;
}

/* ---- copy ------------------------------------------------------------------------------------ */

static int copy_string(evtx_event *dst, const evtx_event *src, const char **slot, const char *s)
{
    uintptr_t a = (uintptr_t)s, lo = (uintptr_t)src->buf;
    if (src->buf && a >= lo && a < lo + src->buf_len) {
        *slot = dst->buf + (a - lo);
        return 0;
    }
    return ev_set_string(dst, slot, s, (size_t)-1);
}

int evtx_event_copy(evtx_event *dst, const evtx_event *src)
{
    if (dst == src)
        return 0;
    evtx_event_reset(dst);
    if (ev_reserve(dst, src->buf_len + 1) != 0)
        return -1;
    if (src->buf_len)
        memcpy(dst->buf, src->buf, src->buf_len);
    dst->buf_len = src->buf_len;
    dst->event_id = src->event_id;
    dst->version = src->version;
    dst->record_id = src->record_id;
    dst->time_ms = src->time_ms;
    dst->truncated = src->truncated;
    /* strings outside src's buffer (set by hand) are stored; the rest is rebased */
    if (copy_string(dst, src, &dst->time_created, src->time_created) != 0 ||
        copy_string(dst, src, &dst->channel, src->channel) != 0 ||
        copy_string(dst, src, &dst->provider, src->provider) != 0 ||
        copy_string(dst, src, &dst->computer, src->computer) != 0)
        return -1;
    for (size_t i = 0; i < src->nfields && i < EVTX_MAX_FIELDS; i++) {
        evtx_field *f = &dst->fields[i];
        dst->nfields = i + 1;
        f->name = ev_empty;
        f->value = ev_empty;
        f->len = src->fields[i].len;
        if (copy_string(dst, src, &f->name, src->fields[i].name) != 0 ||
            copy_string(dst, src, &f->value, src->fields[i].value) != 0)
            return -1;
    }
    return 0;
}
