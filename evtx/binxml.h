/*
 * binxml.h - private interface of the Binary XML (BinXML) renderer used by the .evtx file reader
 * (evtx_file.c): turns one event record's BinXML into the XML text EvtRender produces.
 * Not part of the public API.
 */
#ifndef ADDECOY_EVTX_BINXML_H
#define ADDECOY_EVTX_BINXML_H

#include <stddef.h>
#include <stdint.h>

/* BinXML tokens (the low 6 bits of a token byte; TOK_MORE flags "has attributes"/"more"). */
enum {
    TOK_EOF = 0x00,
    TOK_OPEN = 0x01,
    TOK_CLOSE_START = 0x02,
    TOK_CLOSE_EMPTY = 0x03,
    TOK_END = 0x04,
    TOK_VALUE = 0x05,
    TOK_ATTR = 0x06,
    TOK_CDATA = 0x07,
    TOK_CHARREF = 0x08,
    TOK_ENTITYREF = 0x09,
    TOK_PI_TARGET = 0x0a,
    TOK_PI_DATA = 0x0b,
    TOK_TEMPLATE = 0x0c,
    TOK_SUB = 0x0d,
    TOK_OPTSUB = 0x0e,
    TOK_FRAGMENT = 0x0f,
    TOK_MORE = 0x40,
};

#define BINXML_MAX_DEPTH 48         /* nested elements + template instances + BinXML values */
#define BINXML_MAX_STEPS (1u << 18) /* tokens and substitutions rendered per record */

/* Growable output text. 'failed' is set on allocation failure or when 'limit' is exceeded.
 * 'steps' accumulates the tokens rendered by every binxml_render call into this buffer; when
 * 'step_limit' is set, a render that would take it past the limit fails (failed = 3): the caller's
 * work budget over many records (a chunk), on top of BINXML_MAX_STEPS per record. */
typedef struct binxml_buf {
    char *data;
    size_t len, cap;
    size_t limit;        /* maximum len (0 = unlimited) */
    int failed;          /* 1 = out of memory, 2 = over limit, 3 = over step_limit */
    uint64_t steps;      /* tokens rendered so far (the caller resets it) */
    uint64_t step_limit; /* maximum steps (0 = unlimited) */
    int raw;             /* 1 = values are written as plain text, not XML-escaped (direct path) */
} binxml_buf;

/* binxml_buf.c */
int binxml_buf_reserve(binxml_buf *b, size_t n); /* room for n more bytes and a NUL; -1 = failed */
void binxml_buf_free(binxml_buf *b);
void binxml_buf_put(binxml_buf *b, const char *s, size_t n);
void binxml_buf_puts(binxml_buf *b, const char *s);
/* Appends s[0..n) with & < > ' " escaped (as is in raw mode). */
void binxml_buf_put_escaped(binxml_buf *b, const char *s, size_t n);

/*
 * Renders the BinXML at chunk[off..end) (one record's payload) as XML text appended to out
 * (NUL-terminated). All offsets inside BinXML are relative to the chunk start, so the whole
 * chunk (chunk_len bytes) must be given. Every read is bounds-checked against chunk_len and end.
 * Returns 0, or -1 with err naming the problem and its chunk offset.
 */
int binxml_render(const uint8_t *chunk, size_t chunk_len, size_t off, size_t end, binxml_buf *out, char *err,
                  size_t errlen);

/* Formats one substitution value of BinXML value type 'type' (bytes v[0..n)) as escaped XML text.
 * Returns 0, or -1 when the type is not a plain value (BinXML 0x21 is rendered by the caller). */
int binxml_format_value(binxml_buf *out, unsigned type, const uint8_t *v, size_t n);

/* binxml_name.c: the size in bytes of the name structure at chunk offset 'off' (0 when it does
 * not fit in the chunk), and its text reduced to XML name characters (malloc'd; NULL = no memory).
 * *changed (may be NULL) is set to 1 when the text is not a plain ASCII name without ':' as is. */
size_t binxml_name_size(const uint8_t *c, size_t clen, size_t off);
char *binxml_name_utf8(const uint8_t *c, size_t off, size_t sz, int *changed);

#endif
