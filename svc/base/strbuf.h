/* strbuf.h - the one growable text buffer of the tree: append bytes, strings and printf output,
 * reserve room, hand the text over (detach) or free it. Failure is sticky: after an allocation
 * failure, an overflow or going past 'max', 'failed' is set and every later append is ignored, so
 * a caller builds the whole text and checks once at the end. data is NUL-terminated once anything
 * was appended (it stays NULL for an empty buffer). A zeroed strbuf is empty and ready to use. */
#ifndef ADDECOY_BASE_STRBUF_H
#define ADDECOY_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "svc/base/log.h" /* SVC_PRINTF */

typedef enum strbuf_failure {
    STRBUF_OK = 0,
    STRBUF_NOMEM = 1,   /* allocation failed or the size would overflow */
    STRBUF_TOO_LONG = 2 /* len would pass max */
} strbuf_failure;

typedef struct strbuf {
    char *data;
    size_t len, cap;
    size_t max; /* the longest len allowed (0: no limit); set before appending */
    int failed; /* a strbuf_failure; sticky */
} strbuf;

/* Makes room for extra more bytes (and the NUL); 0, or -1 with failed set. */
int strbuf_reserve(strbuf *b, size_t extra);
void strbuf_append(strbuf *b, const void *s, size_t len);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_putc(strbuf *b, char c);
/* Appends formatted text (C99 printf rules, also with MinGW). */
void strbuf_printf(strbuf *b, const char *fmt, ...) SVC_PRINTF(2, 3);
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap) SVC_PRINTF(2, 0);
/* Empties the text, keeps the memory and the limit, clears failed. */
void strbuf_reset(strbuf *b);
/* The text (malloc'd, NUL-terminated, "" when empty; *len its length when len is not NULL), and
 * the buffer emptied; NULL when the buffer failed (the text is freed) or out of memory. */
char *strbuf_detach(strbuf *b, size_t *len);
/* Frees the text and zeroes the buffer. */
void strbuf_free(strbuf *b);
/* The same after overwriting the memory (a text that holds a secret). */
void strbuf_wipe_free(strbuf *b);

#endif
