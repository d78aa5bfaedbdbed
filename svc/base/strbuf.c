/* strbuf.c - the growable text buffer (see strbuf.h): doubling growth from 64 bytes, sticky
 * failure, an optional length limit. */
#include "svc/base/strbuf.h"

#include "svc/base/crypto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(strbuf *b, int why)
{
    if (!b->failed)
        b->failed = why;
    return -1;
}

int strbuf_reserve(strbuf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len - 1)
        return fail(b, STRBUF_NOMEM);
    if (b->max && b->len + extra > b->max)
        return fail(b, STRBUF_TOO_LONG);
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return fail(b, STRBUF_NOMEM);
    b->data = p;
    b->cap = cap;
    return 0;
}

void strbuf_append(strbuf *b, const void *s, size_t len)
{
    if (strbuf_reserve(b, len) < 0)
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_append(b, s, strlen(s)); }

void strbuf_putc(strbuf *b, char c) { strbuf_append(b, &c, 1); }

void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    int n;

    if (b->failed)
        return;
    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0)
        fail(b, STRBUF_NOMEM);
    else if (strbuf_reserve(b, (size_t)n) == 0) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    b->failed = STRBUF_OK;
    if (b->data)
        b->data[0] = '\0';
}

char *strbuf_detach(strbuf *b, size_t *len)
{
    char *s = NULL;
    size_t n = b->len;

    if (!b->failed)
        s = b->data ? b->data : calloc(1, 1);
    if (!s)
        free(b->data);
    b->data = NULL;
    strbuf_free(b);
    if (len)
        *len = s ? n : 0;
    return s;
}

void strbuf_free(strbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void strbuf_wipe_free(strbuf *b)
{
    crypto_wipe(b->data, b->cap);
    strbuf_free(b);
}
