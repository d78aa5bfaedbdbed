/*
 * binxml_buf.c - the growable text buffer the BinXML renderer (binxml.c), the value formatter
 * (binxml_value.c) and the direct path (binxml_direct.c) write into: bounded by a size limit,
 * failing sticky on allocation failure, XML-escaping values unless the buffer is in raw mode.
 */
#include "evtx/binxml.h"

#include <stdlib.h>
#include <string.h>

int binxml_buf_reserve(binxml_buf *b, size_t n)
{
    size_t need, ncap;
    char *nd;

    if (b->failed)
        return -1;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    need = b->len + n + 1;
    if (b->limit && need > b->limit + 1) {
        b->failed = 2;
        return -1;
    }
    if (need <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 1024;
    while (ncap < need)
        ncap *= 2;
    nd = realloc(b->data, ncap);
    if (!nd) {
        b->failed = 1;
        return -1;
    }
    b->data = nd;
    b->cap = ncap;
    return 0;
}

void binxml_buf_free(binxml_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void binxml_buf_put(binxml_buf *b, const char *s, size_t n)
{
    if (binxml_buf_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void binxml_buf_puts(binxml_buf *b, const char *s) { binxml_buf_put(b, s, strlen(s)); }

void binxml_buf_put_escaped(binxml_buf *b, const char *s, size_t n)
{
    size_t i, run = 0;

    if (b->raw) {
        binxml_buf_put(b, s, n);
        return;
    }
    for (i = 0; i < n; i++) {
        const char *ent = s[i] == '&'    ? "&amp;"
                          : s[i] == '<'  ? "&lt;"
                          : s[i] == '>'  ? "&gt;"
                          : s[i] == '\'' ? "&apos;"
                          : s[i] == '"'  ? "&quot;"
                                         : NULL;
        if (!ent)
            continue;
        binxml_buf_put(b, s + run, i - run);
        binxml_buf_puts(b, ent);
        run = i + 1;
    }
    binxml_buf_put(b, s + run, n - run);
}
