/*
 * json_line.c - loads one JSON line with jansson, hardened against what a hostile or broken
 * pipeline can put in it:
 *   - nesting: refused past EVTX_JSON_DEPTH_MAX by a scan before jansson recurses (its own limit,
 *     2048 levels, is deeper than a small service thread's stack should be trusted with);
 *   - invalid UTF-8, raw control characters inside strings, lone surrogate escapes ("\uD800"):
 *     jansson rejects the whole line; we replace each by U+FFFD and parse again, so one bad byte
 *     in an attacker-chosen user name cannot hide the event (as the XML path does);
 *   - duplicate keys: parsed with the last value winning (Logstash's reading), never dropped:
 *     rejecting the line would let whoever can add a key hide the event; the caller counts them.
 */
#include "evtx/evtx.h"
#include "evtx/json_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the structure nests at most 'max' levels (strings skipped, escapes honoured). */
static int depth_ok(const char *s, size_t n, int max)
{
    int depth = 0, in_str = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Value of the 4 hex digits of a "\uXXXX" escape at s (s[0] == '\\'), or -1. */
static long escape_u(const char *s, size_t left)
{
    long v = 0;
    if (left < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    for (int k = 2; k < 6; k++) {
        int h = hexval(s[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static const char fffd[] = "\xEF\xBF\xBD";

/*
 * Copy of s[0..n) with invalid UTF-8 (anywhere), raw control characters inside strings (but tab
 * and CR, which become their escapes) and lone surrogate escapes replaced by U+FFFD. Non-ASCII bytes never take part in JSON's structure, so
 * each run of them is repaired on its own. *changed says whether anything was replaced.
 */
static char *repair(const char *s, size_t n, size_t *out_n, int *changed)
{
    char *out = malloc(3 * n + 1), *o = out;
    int in_str = 0;
    size_t i = 0;

    *changed = 0;
    if (!out)
        return NULL;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t j = i;
            while (j < n && (unsigned char)s[j] >= 0x80)
                j++;
            if (evtx_utf8_valid_prefix(s + i, j - i) != j - i)
                *changed = 1;
            o += evtx_utf8_repair(o, s + i, j - i);
            i = j;
        } else if (!in_str) {
            in_str = c == '"';
            *o++ = (char)c;
            i++;
        } else if (c < 0x20) { /* tab and CR keep their meaning (XML allows them too) */
            if (c == '\t' || c == '\r') {
                *o++ = '\\';
                *o++ = c == '\t' ? 't' : 'r';
            } else {
                memcpy(o, fffd, 3);
                o += 3;
            }
            *changed = 1;
            i++;
        } else if (c == '"') {
            in_str = 0;
            *o++ = '"';
            i++;
        } else if (c != '\\' || i + 1 >= n) {
            *o++ = (char)c;
            i++;
        } else if (s[i + 1] != 'u') {
            *o++ = '\\';
            *o++ = s[i + 1];
            i += 2;
        } else {
            long u = escape_u(s + i, n - i), lo;
            size_t take = 6;
            if (u >= 0xD800 && u <= 0xDBFF && (lo = escape_u(s + i + 6, n - i - 6)) >= 0xDC00 && lo <= 0xDFFF)
                take = 12; /* a proper pair */
            else if (u >= 0xD800 && u <= 0xDFFF) {
                memcpy(o, "\\uFFFD", 6);
                o += 6;
                *changed = 1;
                i += 6;
                continue;
            } else if (u < 0)
                take = 2; /* bad escape: left for jansson to report */
            memcpy(o, s + i, take);
            o += take;
            i += take;
        }
    }
    *o = '\0';
    *out_n = (size_t)(o - out);
    return out;
}

static const char *trim(const char *s, size_t *n)
{
    if (*n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, *n -= 3;
    while (*n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, (*n)--;
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r' || s[*n - 1] == '\n'))
        (*n)--;
    return s;
}

json_t *json_line_load(const char *line, size_t len, int *dup_keys, char *err, size_t errlen)
{
    size_t flags = JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES;
    const char *text = trim(line, &len);
    char *fixed = NULL;
    json_error_t jerr;
    json_t *root = NULL;

    if (dup_keys)
        *dup_keys = 0;
    if (len == 0) {
        snprintf(err, errlen, "empty line");
        return NULL;
    }
    if (!depth_ok(text, len, EVTX_JSON_DEPTH_MAX)) {
        snprintf(err, errlen, "not an event: nested deeper than %d levels", EVTX_JSON_DEPTH_MAX);
        return NULL;
    }
    for (;;) {
        root = json_loadb(text, len, flags, &jerr);
        if (root)
            break;
        if (json_error_code(&jerr) == json_error_duplicate_key && (flags & JSON_REJECT_DUPLICATES)) {
            flags &= ~(size_t)JSON_REJECT_DUPLICATES;
            if (dup_keys)
                *dup_keys = 1;
            continue;
        }
        if (!fixed && json_error_code(&jerr) != json_error_out_of_memory) {
            int changed;
            size_t n2;
            fixed = repair(text, len, &n2, &changed);
            if (fixed && changed) {
                text = fixed;
                len = n2;
                continue;
            }
        }
        snprintf(err, errlen, "not JSON: %s (column %d)", jerr.text, jerr.column);
        goto out;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "not an event: the line is a JSON %s, not an object",
                 json_is_array(root) ? "array" : "value");
        json_decref(root);
        root = NULL;
    }
out:
    free(fixed);
    return root;
}
