/* xml_raw.c - a raw view of a rendered record's EventData for cheap prefilters: only records in
 * the canonical form Windows writes qualify, so that what is found here is exactly what the full
 * libxml2 parse would deliver, and anything unusual falls back to the full parse. */
#include <string.h>

#include "evtx/evtx.h"

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    while (p && (size_t)(end - p) >= n) {
        p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
        p++;
    }
    return NULL;
}

static int starts(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

int evtx_raw_view_open(evtx_raw_view *v, const char *rec, size_t len)
{
    const char *end = rec + len, *body, *close, *p;

    /* no reference, comment, CDATA or declaration anywhere */
    if (memchr(rec, '&', len) || find(rec, end, "<!") || find(rec, end, "<?"))
        return 0;
    body = find(rec, end, "<EventData>");
    if (!body || find(body + 1, end, "<EventData") || find(rec, end, "UserData"))
        return 0;
    body += strlen("<EventData>");
    close = find(body, end, "</EventData>");
    if (!close)
        return 0;
    /* inside: only <Data Name="..."> / <Data Name='...'> elements and their end tags */
    for (p = body; (p = memchr(p, '<', (size_t)(close - p))) != NULL; p++)
        if (!starts(p, close, "<Data Name=\"") && !starts(p, close, "<Data Name='") &&
            !starts(p, close, "</Data>"))
            return 0;
    v->data = body;
    v->len = (size_t)(close - body);
    return 1;
}

/* Value of the element whose start tag ends at q ('>' or "/>"). */
static int value_at(const char *q, const char *end, const char **val, size_t *vlen)
{
    const char *lt;
    if (q < end && *q == '/') {
        *val = q;
        *vlen = 0;
        return 1;
    }
    if (q >= end || *q != '>')
        return 0;
    q++;
    lt = memchr(q, '<', (size_t)(end - q));
    if (!lt || !starts(lt, end, "</Data>"))
        return 0;
    *val = q;
    *vlen = (size_t)(lt - q);
    return 1;
}

int evtx_raw_view_get(const evtx_raw_view *v, const char *name, const char **val, size_t *vlen)
{
    const char *end = v->data + v->len, *p = v->data;
    size_t n = strlen(name);

    while ((p = find(p, end, "<Data Name=")) != NULL) {
        char quote;
        p += strlen("<Data Name=");
        quote = *p++;
        if ((size_t)(end - p) > n && memcmp(p, name, n) == 0 && p[n] == quote)
            return value_at(p + n + 1, end, val, vlen) ? 1 : -1;
    }
    return 0;
}
