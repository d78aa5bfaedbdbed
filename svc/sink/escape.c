/* escape.c - escaping of attacker-controlled values for each sink format (see escape.h); the
 * text is appended to the shared growable buffer (svc/base/strbuf.h). */
#include "svc/sink/escape.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there are invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    uint32_t cp;
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (n > len)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

size_t escape_utf8_prefix(const char *s, size_t len, size_t max)
{
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_seq((const unsigned char *)s + i, len - i);
        if (n == 0)
            n = 1;
        if (i + n > max)
            break;
        i += n;
    }
    return i;
}

/* Walks s; for each ASCII byte calls rule(), which returns the replacement or NULL to copy the byte;
 * multi-byte sequences are copied, invalid bytes become U+FFFD. */
typedef const char *(*esc_rule)(unsigned char c, char tmp[8]);

/* With defang, "://" becomes "[:]//" and a '.' before an ASCII letter "[.]" (before the rule), so
 * that no URL, domain name or e-mail address in the text is recognised as a link. */
static const char *defang_at(const unsigned char *p, size_t i, size_t len)
{
    if (p[i] == ':' && i + 2 < len && p[i + 1] == '/' && p[i + 2] == '/')
        return "[:]";
    if (p[i] == '.' && i + 1 < len && ((p[i + 1] | 0x20) >= 'a' && (p[i + 1] | 0x20) <= 'z'))
        return "[.]";
    return NULL;
}

static void escape_with_opts(strbuf *b, const char *s, size_t len, esc_rule rule, int defang)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* run: start of bytes to copy verbatim */

    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        const char *rep = NULL;
        char tmp[8];

        if (n == 1 && defang)
            rep = defang_at(p, i, len);
        if (n == 1 && rule && !rep)
            rep = rule(p[i], tmp);
        else if (n == 0)
            rep = "\xef\xbf\xbd", n = 1;
        if (rep) {
            strbuf_append(b, s + run, i - run);
            strbuf_puts(b, rep);
            run = i + n;
        }
        i += n;
    }
    strbuf_append(b, s + run, len - run);
}

static void escape_with(strbuf *b, const char *s, size_t len, esc_rule rule)
{
    escape_with_opts(b, s, len, rule, 0);
}

/* Markup characters that neither Slack mrkdwn nor Adaptive Card markdown can escape: their
 * full-width forms (U+FF0A, U+FF3F, U+FF5E, U+FF40) look alike and mean nothing to the renderer. */
static const char *fullwidth_emphasis(unsigned char c)
{
    switch (c) {
    case '*': return "\xef\xbc\x8a";
    case '_': return "\xef\xbc\xbf";
    case '~': return "\xef\xbd\x9e";
    case '`': return "\xef\xbd\x80";
    default: return NULL;
    }
}

static const char *rule_slack(unsigned char c, char tmp[8])
{
    (void)tmp;
    if (c == '&' || c == '<' || c == '>')
        return c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
    return fullwidth_emphasis(c);
}

static const char *rule_teams(unsigned char c, char tmp[8])
{
    (void)tmp;
    switch (c) {
    case '[': return "\xef\xbc\xbb"; /* U+FF3B: no [text](url) link */
    case ']': return "\xef\xbc\xbd";
    case '<': return "\xef\xbc\x9c"; /* U+FF1C: no <https://...> autolink */
    case '>': return "\xef\xbc\x9e";
    case '\\': return "\xef\xbc\xbc"; /* U+FF3C: no backslash escape of what follows */
    case '#': return "\xef\xbc\x83";  /* U+FF03 */
    default: return fullwidth_emphasis(c);
    }
}

static const char *rule_html(unsigned char c, char tmp[8])
{
    (void)tmp;
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

static int is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }

static const char *rule_cef_header(unsigned char c, char tmp[8])
{
    (void)tmp;
    if (c == '\\')
        return "\\\\";
    if (c == '|')
        return "\\|";
    return is_ctl(c) ? " " : NULL;
}

static const char *rule_cef_ext(unsigned char c, char tmp[8])
{
    (void)tmp;
    switch (c) {
    case '\\': return "\\\\";
    case '=': return "\\=";
    case '\n': return "\\n";
    case '\r': return "\\r";
    default: return is_ctl(c) ? " " : NULL;
    }
}

static const char *rule_sd_param(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case ']': return "\\]";
    default:
        if (!is_ctl(c))
            return NULL;
        snprintf(tmp, 8, "\\x%02X", c);
        return tmp;
    }
}

void escape_slack(strbuf *b, const char *s, size_t len) { escape_with_opts(b, s, len, rule_slack, 1); }
void escape_teams(strbuf *b, const char *s, size_t len) { escape_with_opts(b, s, len, rule_teams, 1); }
void escape_defang_links(strbuf *b, const char *s, size_t len) { escape_with_opts(b, s, len, NULL, 1); }
void escape_html(strbuf *b, const char *s, size_t len) { escape_with(b, s, len, rule_html); }
void escape_cef_header(strbuf *b, const char *s, size_t len) { escape_with(b, s, len, rule_cef_header); }
void escape_cef_ext(strbuf *b, const char *s, size_t len) { escape_with(b, s, len, rule_cef_ext); }
void escape_sd_param(strbuf *b, const char *s, size_t len) { escape_with(b, s, len, rule_sd_param); }
void escape_utf8(strbuf *b, const char *s, size_t len) { escape_with(b, s, len, NULL); }
