/*
 * binxml_value.c - formats BinXML substitution values (the typed values of an .evtx template
 * instance) as the text EvtRender shows: strings (UTF-16, invalid -> U+FFFD; ANSI), integers,
 * reals, booleans, binary as hex, GUIDs, FILETIME/SYSTEMTIME as ISO 8601 UTC, SIDs, hex
 * integers, and arrays of those (items joined by ", "). Output is XML-escaped.
 * Every read is bounded by the value's size; a value too short for its type renders as hex.
 */
#include "evtx/binxml.h"
#include "evtx/evtx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    V_NULL = 0x00,
    V_STRING = 0x01,
    V_ANSI = 0x02,
    V_I8 = 0x03,
    V_U8 = 0x04,
    V_I16 = 0x05,
    V_U16 = 0x06,
    V_I32 = 0x07,
    V_U32 = 0x08,
    V_I64 = 0x09,
    V_U64 = 0x0a,
    V_R32 = 0x0b,
    V_R64 = 0x0c,
    V_BOOL = 0x0d,
    V_BINARY = 0x0e,
    V_GUID = 0x0f,
    V_SIZET = 0x10,
    V_FILETIME = 0x11,
    V_SYSTIME = 0x12,
    V_SID = 0x13,
    V_HEX32 = 0x14,
    V_HEX64 = 0x15,
    V_BINXML = 0x21,
    V_ARRAY = 0x80,
};

static uint64_t rd_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    while (n-- > 0)
        v = (v << 8) | p[n];
    return v;
}

static void put_hex(binxml_buf *out, const uint8_t *v, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char tmp[128];
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        tmp[k++] = digits[v[i] >> 4];
        tmp[k++] = digits[v[i] & 15];
        if (k == sizeof tmp) {
            binxml_buf_put(out, tmp, k);
            k = 0;
        }
    }
    binxml_buf_put(out, tmp, k);
}

/* UTF-16LE text up to the first NUL unit, converted in place into the buffer (the value may be
 * unaligned: read byte-wise); a lone surrogate becomes U+FFFD, as evtx_utf16_to_utf8 does. */
static void put_utf16(binxml_buf *out, const uint8_t *v, size_t n)
{
    size_t units = n / 2, i, o = 0, limit = out->limit;
    int special = 0, rc;
    char *dst;

    out->limit = 0; /* the bound applies to what is written, not to this worst case */
    rc = binxml_buf_reserve(out, 3 * units);
    out->limit = limit;
    if (rc != 0)
        return;
    dst = out->data + out->len;
    for (i = 0; i < units; i++) {
        unsigned long cp = (unsigned long)(v[2 * i] | (v[2 * i + 1] << 8)), lo;
        if (cp == 0)
            break;
        if (cp < 0x80) {
            dst[o++] = (char)cp;
            special |= cp == '&' || cp == '<' || cp == '>' || cp == '\'' || cp == '"';
            continue;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units &&
            (lo = (unsigned long)(v[2 * i + 2] | (v[2 * i + 3] << 8))) >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i++;
            dst[o++] = (char)(0xF0 | (cp >> 18));
            dst[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            dst[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            dst[o++] = (char)(0x80 | (cp & 0x3F));
            continue;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        if (cp < 0x800) {
            dst[o++] = (char)(0xC0 | (cp >> 6));
        } else {
            dst[o++] = (char)(0xE0 | (cp >> 12));
            dst[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        }
        dst[o++] = (char)(0x80 | (cp & 0x3F));
    }
    if (special && !out->raw) { /* escape: move the text out of the way first */
        char *tmp = malloc(o);
        if (!tmp) {
            out->failed = 1;
            return;
        }
        memcpy(tmp, dst, o);
        out->data[out->len] = '\0';
        binxml_buf_put_escaped(out, tmp, o);
        free(tmp);
        return;
    }
    if (limit && o > limit - out->len) {
        out->data[out->len] = '\0';
        out->failed = 2;
        return;
    }
    out->len += o;
    out->data[out->len] = '\0';
}

static void put_ansi(binxml_buf *out, const uint8_t *v, size_t n)
{
    const uint8_t *nul = memchr(v, 0, n);
    char *s;

    if (nul)
        n = (size_t)(nul - v);
    if ((s = malloc(3 * n + 1)) == NULL) {
        out->failed = 1;
        return;
    }
    n = evtx_utf8_repair(s, (const char *)v, n);
    binxml_buf_put_escaped(out, s, n);
    free(s);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* FILETIME (100 ns since 1601) as "2020-08-02T11:33:06.521159600Z" (EvtRender, evtxexport). */
static void put_filetime(binxml_buf *out, uint64_t ft)
{
    char tmp[64];
    int64_t secs = (int64_t)(ft / 10000000u) - INT64_C(11644473600), days, y;
    int64_t rem;
    unsigned m, d;

    days = secs / 86400;
    rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u.%07u00Z", y, m, d, (unsigned)(rem / 3600),
             (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), (unsigned)(ft % 10000000u));
    binxml_buf_puts(out, tmp);
}

static void put_systemtime(binxml_buf *out, const uint8_t *v)
{
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04u-%02u-%02uT%02u:%02u:%02u.%03u000000Z", (unsigned)rd_le(v, 2) % 10000u,
             (unsigned)rd_le(v + 2, 2) % 100u, (unsigned)rd_le(v + 6, 2) % 100u,
             (unsigned)rd_le(v + 8, 2) % 100u, (unsigned)rd_le(v + 10, 2) % 100u,
             (unsigned)rd_le(v + 12, 2) % 100u, (unsigned)rd_le(v + 14, 2) % 1000u);
    binxml_buf_puts(out, tmp);
}

static void put_guid(binxml_buf *out, const uint8_t *v)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "{%08" PRIX32 "-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
             (uint32_t)rd_le(v, 4), (unsigned)rd_le(v + 4, 2), (unsigned)rd_le(v + 6, 2), v[8], v[9], v[10],
             v[11], v[12], v[13], v[14], v[15]);
    binxml_buf_puts(out, tmp);
}

/* SID: revision, sub-authority count, 48-bit big-endian authority, 32-bit sub-authorities.
 * Returns the bytes used, 0 when v is too short (then nothing is written). */
static size_t put_sid(binxml_buf *out, const uint8_t *v, size_t n)
{
    char tmp[32];
    uint64_t auth = 0;
    size_t i, cnt;

    if (n < 8 || (n - 8) / 4 < (size_t)v[1])
        return 0;
    cnt = v[1];
    for (i = 2; i < 8; i++)
        auth = (auth << 8) | v[i];
    snprintf(tmp, sizeof tmp, "S-%u-%" PRIu64, v[0], auth);
    binxml_buf_puts(out, tmp);
    for (i = 0; i < cnt; i++) {
        snprintf(tmp, sizeof tmp, "-%" PRIu32, (uint32_t)rd_le(v + 8 + 4 * i, 4));
        binxml_buf_puts(out, tmp);
    }
    return 8 + 4 * cnt;
}

/* Size of one item of a fixed-size type, 0 for variable-size types. */
static size_t fixed_size(unsigned type, size_t n)
{
    switch (type) {
    case V_I8:
    case V_U8: return 1;
    case V_I16:
    case V_U16: return 2;
    case V_I32:
    case V_U32:
    case V_R32:
    case V_BOOL:
    case V_HEX32: return 4;
    case V_I64:
    case V_U64:
    case V_R64:
    case V_FILETIME:
    case V_HEX64: return 8;
    case V_GUID:
    case V_SYSTIME: return 16;
    case V_SIZET: return n == 4 ? 4 : 8;
    default: return 0;
    }
}

/* One scalar of a fixed-size type; n == fixed_size(type). */
static void put_fixed(binxml_buf *out, unsigned type, const uint8_t *v, size_t n)
{
    char tmp[64];
    uint64_t u = rd_le(v, n < 8 ? n : 8);
    float f;
    double dbl;

    switch (type) {
    case V_I8: snprintf(tmp, sizeof tmp, "%d", (int)(int8_t)u); break;
    case V_I16: snprintf(tmp, sizeof tmp, "%d", (int)(int16_t)u); break;
    case V_I32: snprintf(tmp, sizeof tmp, "%" PRId32, (int32_t)(uint32_t)u); break;
    case V_I64: snprintf(tmp, sizeof tmp, "%" PRId64, (int64_t)u); break;
    case V_U8:
    case V_U16:
    case V_U32:
    case V_U64: snprintf(tmp, sizeof tmp, "%" PRIu64, u); break;
    case V_R32:
        memcpy(&f, v, 4);
        snprintf(tmp, sizeof tmp, "%.9g", (double)f);
        break;
    case V_R64:
        memcpy(&dbl, v, 8);
        snprintf(tmp, sizeof tmp, "%.17g", dbl);
        break;
    case V_BOOL: snprintf(tmp, sizeof tmp, "%s", u ? "true" : "false"); break;
    case V_HEX32:
    case V_HEX64:
    case V_SIZET: /* EvtRender: "0x3e4" (win:Pointer too) */
        snprintf(tmp, sizeof tmp, "0x%" PRIx64, u);
        break;
    case V_FILETIME: put_filetime(out, u); return;
    case V_SYSTIME: put_systemtime(out, v); return;
    case V_GUID: put_guid(out, v); return;
    default: put_hex(out, v, n); return;
    }
    binxml_buf_puts(out, tmp);
}

static void put_array(binxml_buf *out, unsigned type, const uint8_t *v, size_t n)
{
    size_t i = 0, sz = fixed_size(type, 8), used;
    int first = 1;

    while (i < n) {
        if (!first)
            binxml_buf_puts(out, ", ");
        first = 0;
        if (type == V_STRING) { /* NUL-separated UTF-16 strings */
            size_t j = i;
            while (j + 1 < n && (v[j] | v[j + 1]))
                j += 2;
            put_utf16(out, v + i, j - i);
            i = j + 2;
        } else if (type == V_ANSI) {
            const uint8_t *nul = memchr(v + i, 0, n - i);
            size_t j = nul ? (size_t)(nul - v) : n;
            put_ansi(out, v + i, j - i);
            i = j + 1;
        } else if (type == V_SID && (used = put_sid(out, v + i, n - i)) != 0) {
            i += used;
        } else if (sz && n - i >= sz) {
            put_fixed(out, type, v + i, sz);
            i += sz;
        } else { /* unknown or short: the rest as hex */
            put_hex(out, v + i, n - i);
            i = n;
        }
    }
}

int binxml_format_value(binxml_buf *out, unsigned type, const uint8_t *v, size_t n)
{
    size_t sz;

    if (type == V_BINXML)
        return -1;
    if (type & V_ARRAY) {
        put_array(out, type & ~(unsigned)V_ARRAY, v, n);
        return 0;
    }
    switch (type) {
    case V_NULL: return 0;
    case V_STRING: put_utf16(out, v, n); return 0;
    case V_ANSI: put_ansi(out, v, n); return 0;
    case V_SID:
        if (put_sid(out, v, n) == 0)
            put_hex(out, v, n);
        return 0;
    default: break;
    }
    sz = fixed_size(type, n);
    if (sz && n >= sz)
        put_fixed(out, type, v, sz);
    else if (sz && (type == V_HEX32 || type == V_HEX64 || type == V_U8 || type == V_U16 || type == V_U32 ||
                    type == V_U64 || type == V_BOOL))
        put_fixed(out, type, v, n); /* shorter than its type: still an integer */
    else
        put_hex(out, v, n);
    return 0;
}
