/* html.c - HTML escaping for adseed's reports (see html.h): a small UTF-8 validator that writes
 * character references for the markup characters and U+FFFD for anything a browser would not take
 * as text. */
#include "adseed/html.h"

#include <stdint.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"

/* Length of the valid UTF-8 sequence at s (1..4) with its code point, or 0 when invalid; *skip is
 * then how many bytes one U+FFFD stands for (a lead byte and the continuation bytes that followed
 * it before the sequence broke off, as browsers count). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp, size_t *skip)
{
    *skip = 1;
    uint32_t c = s[0];
    size_t n, i;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *skip = i; /* truncated: also stops at the terminating NUL */
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

static int is_text_char(uint32_t cp)
{
    if (cp == '\t' || cp == '\n')
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 0;
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
        return 0; /* noncharacters */
    return 1;
}

/* Appends the plain run [run, end) verbatim. */
static void flush_run(strbuf *b, const unsigned char *run, const unsigned char *end)
{
    if (end > run)
        strbuf_printf(b, "%.*s", (int)(end - run), (const char *)run);
}

void html_escape_max(strbuf *b, const char *s, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *run = p;
    const char *rep;
    size_t chars = 0, skip;
    while (*p) {
        uint32_t cp = 0;
        size_t n = utf8_decode(p, &cp, &skip);
        if (chars++ == max_chars) {
            flush_run(b, run, p);
            strbuf_printf(b, "\xE2\x80\xA6"); /* … */
            return;
        }
        switch (n ? cp : 0xFFFD) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: rep = n && is_text_char(cp) ? NULL : REPLACEMENT;
        }
        if (rep) {
            flush_run(b, run, p);
            strbuf_printf(b, "%s", rep);
            p += n ? n : skip;
            run = p;
        } else {
            p += n;
        }
    }
    flush_run(b, run, p);
}

void html_escape(strbuf *b, const char *s) { html_escape_max(b, s, SIZE_MAX); }
