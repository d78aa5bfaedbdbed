/*
 * utf.c - UTF-8 validation and repair, UTF-16LE to UTF-8 conversion.
 *
 * Every string the event library hands out is valid UTF-8: attacker-controlled bytes that are
 * not (overlong forms, surrogates, truncated sequences, stray continuation bytes) are replaced
 * by U+FFFD, one replacement per maximal invalid subpart (as Unicode recommends).
 */
#include "evtx/evtx.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence starting at s[0..len), or 0 when it is invalid or cut. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* <= U+10FFFF */
    } else
        return 0;
    if (len < need)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need;
}

/* Bytes forming the maximal invalid subpart at s (at least 1): a valid prefix of a sequence. */
static size_t utf8_invalid_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 1;
    if (len < 2 || s[1] < lo || s[1] > hi)
        return 1;
    for (i = 2; i < need && i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            break;
    return i;
}

size_t evtx_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n;
        if (p[i] < 0x80) {
            uint64_t w;
            i++;
            /* ASCII fast path, 8 bytes at a time */
            while (len - i >= 8) {
                memcpy(&w, p + i, 8);
                if (w & UINT64_C(0x8080808080808080))
                    break;
                i += 8;
            }
            continue;
        }
        n = utf8_seq_len(p + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

size_t evtx_utf8_repair(char *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;

    while (i < len) {
        size_t ok = evtx_utf8_valid_prefix((const char *)p + i, len - i);
        memcpy(out + o, p + i, ok);
        o += ok;
        i += ok;
        if (i < len) {
            i += utf8_invalid_len(p + i, len - i);
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    out[o] = '\0';
    return o;
}

static size_t utf8_put(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *evtx_utf16_to_utf8(const uint16_t *s, size_t nunits)
{
    char *out;
    size_t o = 0;

    if (nunits > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(nunits * 3 + 1); /* a unit never yields more than 3 bytes; a pair yields 4 */
    if (!out)
        return NULL;
    for (size_t i = 0; i < nunits; i++) {
        unsigned long cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < nunits && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        o += utf8_put(out + o, cp);
    }
    out[o] = '\0';
    return out;
}
