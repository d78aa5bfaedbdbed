/*
 * samba.c - Samba AD DC log lines -> normalised events: the parser object and the line
 * dispatcher. It strips Samba's debug prefixes (the "[date time,  level] file:line(func)" header
 * line that precedes each message, the one-line "debug prefix timestamp" form, and the
 * "debug syslog format" form), remembers the header time, and hands the message to the KDC text
 * log mapping (samba_kdc.c) or the JSON authentication audit mapping (samba_json.c).
 */
#include "evtx/samba_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

evtx_samba *evtx_samba_new(const char *computer, evtx_spn_resolver resolve_spn, void *ctx)
{
    evtx_samba *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->computer = strdup(computer ? computer : "");
    if (!p->computer) {
        free(p);
        return NULL;
    }
    p->resolve_spn = resolve_spn;
    p->resolve_ctx = ctx;
    p->header_ms = -1;
    return p;
}

void evtx_samba_free(evtx_samba *p)
{
    if (!p)
        return;
    free(p->computer);
    free(p);
}

/* ---- helpers shared with samba_kdc.c and samba_json.c ----------------------------------------- */

int samba_event_begin(evtx_samba *p, evtx_event *ev, unsigned event_id, int64_t time_ms)
{
    evtx_event_reset(ev);
    ev->event_id = event_id;
    evtx_event_set_time_ms(ev, time_ms);
    if (evtx_event_set_channel(ev, "samba", (size_t)-1) != 0 ||
        evtx_event_set_provider(ev, "Samba", (size_t)-1) != 0 ||
        evtx_event_set_computer(ev, p->computer, (size_t)-1) != 0)
        return -1;
    return 0;
}

int samba_add(evtx_event *ev, const char *name, const char *s, size_t len)
{
    return evtx_event_add_field(ev, name, s ? s : "", s ? len : 0);
}

int samba_add_hex(evtx_event *ev, const char *name, uint32_t v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "0x%x", (unsigned)v);
    return samba_add(ev, name, buf, (size_t)-1);
}

int samba_add_address(evtx_event *ev, const char *addr, size_t len)
{
    const char *host, *port = NULL, *end = addr + len, *c;
    size_t hlen;

    if (len > 5 && (memcmp(addr, "ipv4:", 5) == 0 || memcmp(addr, "ipv6:", 5) == 0)) {
        host = addr + 5;
        for (c = end; c > host; c--)
            if (c[-1] == ':') {
                port = c;
                break;
            }
        if (port) {
            for (c = port; c < end && isdigit((unsigned char)*c); c++)
                ;
            if (c != end || port == end)
                port = NULL; /* not a port after all */
        }
        hlen = port ? (size_t)(port - 1 - host) : (size_t)(end - host);
        if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
            host++;
            hlen -= 2;
        }
        if (samba_add(ev, "IpAddress", host, hlen) != 0)
            return -1;
        return port ? samba_add(ev, "IpPort", port, (size_t)(end - port)) : 0;
    }
    return samba_add(ev, "IpAddress", len ? addr : "-", len ? len : 1);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t samba_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Reads exactly n digits. */
static int samba_digits(const char *s, size_t len, size_t *i, int n, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || !isdigit((unsigned char)s[*i]))
            return -1;
        v = v * 10 + (unsigned)(s[*i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY?MM?DD?HH:MM:SS[.frac]" with the given date and date/time separators; fills fields and
 * the milliseconds; *i is left after the fraction. */
static int samba_parse_civil(const char *s, size_t len, size_t *i, char dsep, char tsep, unsigned f[6],
                             unsigned *ms)
{
    static const char *seps = "??  ::";
    static const int widths[6] = {4, 2, 2, 2, 2, 2};
    unsigned frac = 0, scale = 100;

    memset(f, 0, 6 * sizeof *f); /* filled below; -fanalyzer cannot follow the six iterations */
    for (int k = 0; k < 6; k++) {
        if (k > 0) {
            char want = k < 3 ? dsep : (k == 3 ? tsep : seps[k]);
            if (*i >= len || s[*i] != want)
                return -1;
            (*i)++;
        }
        if (samba_digits(s, len, i, widths[k], &f[k]) != 0)
            return -1;
    }
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return -1;
    if (*i < len && s[*i] == '.') {
        (*i)++;
        if (*i >= len || !isdigit((unsigned char)s[*i]))
            return -1;
        for (; *i < len && isdigit((unsigned char)s[*i]); (*i)++) {
            frac += (unsigned)(s[*i] - '0') * scale;
            scale /= 10;
        }
    }
    *ms = frac;
    return 0;
}

int64_t samba_parse_iso_time(const char *s, size_t len)
{
    unsigned f[6], ms, oh, om;
    size_t i = 0;
    int64_t t, off = 0;

    if (samba_parse_civil(s, len, &i, '-', 'T', f, &ms) != 0)
        return -1;
    if (i < len && (s[i] == 'Z' || s[i] == 'z'))
        i++;
    else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int neg = s[i++] == '-';
        if (samba_digits(s, len, &i, 2, &oh) != 0)
            return -1;
        if (i < len && s[i] == ':')
            i++;
        if (samba_digits(s, len, &i, 2, &om) != 0)
            return -1;
        off = (int64_t)(oh * 60 + om) * 60 * (neg ? -1 : 1);
    } else
        return -1;
    if (i != len)
        return -1;
    t = samba_days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5] - off;
    return t * 1000 + ms;
}

/* Samba's debug header time "2026/11/23 10:00:00[.123456]" is the DC's local time. */
static int64_t samba_parse_header_time(const char *s, size_t len, size_t *i)
{
    unsigned f[6], ms;
    struct tm tm;
    time_t t;

    if (samba_parse_civil(s, len, i, '/', ' ', f, &ms) != 0)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = (int)f[0] - 1900;
    tm.tm_mon = (int)f[1] - 1;
    tm.tm_mday = (int)f[2];
    tm.tm_hour = (int)f[3];
    tm.tm_min = (int)f[4];
    tm.tm_sec = (int)f[5];
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    return (int64_t)t * 1000 + ms;
}

/* ---- the line dispatcher ----------------------------------------------------------------------- */

static int samba_is_message(const char *s) { return strncmp(s, "Kerberos:", 9) == 0 || s[0] == '{'; }

/*
 * Strips a debug prefix. Returns the message start, or NULL for a header-only line (its time is
 * remembered). *time_ms gets the line's own time, else the last header's.
 */
static const char *samba_strip_prefix(evtx_samba *p, const char *s, size_t len, int64_t *time_ms)
{
    size_t i = 0;
    const char *rest;

    *time_ms = p->header_ms;
    if (len > 0 && s[0] == '[') { /* "[2026/11/23 16:47:02.806338,  3] ..." */
        int64_t t;
        i = 1;
        t = samba_parse_header_time(s, len, &i);
        if (t >= 0 && i < len && s[i] == ',') {
            const char *close = memchr(s + i, ']', len - i);
            if (close) {
                p->header_ms = *time_ms = t;
                rest = close + 1;
                while (*rest == ' ' || *rest == '\t')
                    rest++;
                return samba_is_message(rest) ? rest : NULL; /* else "file.c:90(func)" */
            }
        }
        return s;
    }
    if (len > 20 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[10] == 'T') {
        /* "debug syslog format": "2026-11-23T16:49:47.315133+00:00 host log.samba[1]:   msg" */
        const char *sp = memchr(s, ' ', len), *colon;
        int64_t t = sp ? samba_parse_iso_time(s, (size_t)(sp - s)) : -1;
        if (t >= 0 && (colon = strstr(sp, "]: ")) != NULL) {
            *time_ms = t;
            rest = colon + 3;
            while (*rest == ' ')
                rest++;
            return rest;
        }
    }
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int evtx_samba_line(evtx_samba *p, const char *line, size_t len, evtx_event *ev, char *err, size_t errlen)
{
    char *copy = NULL;
    const char *msg;
    int64_t time_ms;
    int rc = 0;

    if (!p || !ev || (!line && len)) {
        snprintf(err, errlen, "invalid argument");
        return -1;
    }
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len == 0)
        return 0;
    if (len > SAMBA_LINE_MAX) {
        snprintf(err, errlen, "line of %zu bytes exceeds %d", len, SAMBA_LINE_MAX);
        return -1;
    }
    if (memchr(line, '\0', len)) {
        snprintf(err, errlen, "NUL byte in line");
        return -1;
    }
    /* a NUL-terminated copy with invalid UTF-8 replaced (jansson rejects it outright) */
    if (evtx_utf8_valid_prefix(line, len) == len) {
        copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, line, len);
            copy[len] = '\0';
        }
    } else {
        copy = malloc(3 * len + 1);
        if (copy)
            len = evtx_utf8_repair(copy, line, len);
    }
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    msg = samba_strip_prefix(p, copy, len, &time_ms);
    if (!msg)
        goto out;
    if (strncmp(msg, "Kerberos: ", 10) == 0)
        rc = samba_kdc_message(p, msg + 10, time_ms, ev, err, errlen);
    else if (msg[0] == '{')
        rc = samba_json_message(p, msg, strlen(msg), ev, err, errlen);
out:
    free(copy);
    return rc;
}
