/*
 * binxml.h - private interface of the Binary XML (BinXML) renderer used by the .evtx file reader
 * (evtx_file.c): turns one event record's BinXML into the XML text EvtRender produces.
 * Not part of the public API.
 */
#ifndef ADDECOY_EVTX_BINXML_H
#define ADDECOY_EVTX_BINXML_H

#include <stddef.h>
#include <stdint.h>

#include "svc/base/strbuf.h"

#define BINXML_MAX_DEPTH 48          /* nested elements + template instances + BinXML values */
#define BINXML_MAX_STEPS (1u << 18)  /* tokens and substitutions rendered per record */

/* The output text, and the work it took. text.max bounds the text (0 = unlimited); text.failed
 * is STRBUF_NOMEM, STRBUF_TOO_LONG past text.max, or BINXML_OVER_STEPS. 'steps' accumulates the
 * tokens rendered by every binxml_render call into this buffer; when 'step_limit' is set, a render
 * that would take it past the limit fails (BINXML_OVER_STEPS): the caller's work budget over many
 * records (a chunk), on top of BINXML_MAX_STEPS per record. */
#define BINXML_OVER_STEPS 3
typedef struct binxml_buf {
    strbuf text;
    uint64_t steps;      /* tokens rendered so far (the caller resets it) */
    uint64_t step_limit; /* maximum steps (0 = unlimited) */
} binxml_buf;

/* Appends s[0..n) with & < > ' " escaped. */
void binxml_buf_put_escaped(binxml_buf *b, const char *s, size_t n);

/*
 * Renders the BinXML at chunk[off..end) (one record's payload) as XML text appended to out
 * (NUL-terminated). All offsets inside BinXML are relative to the chunk start, so the whole
 * chunk (chunk_len bytes) must be given. Every read is bounds-checked against chunk_len and end.
 * Returns 0, or -1 with err naming the problem and its chunk offset.
 */
int binxml_render(const uint8_t *chunk, size_t chunk_len, size_t off, size_t end, binxml_buf *out,
                  char *err, size_t errlen);

/* Formats one substitution value of BinXML value type 'type' (bytes v[0..n)) as escaped XML text.
 * Returns 0, or -1 when the type is not a plain value (BinXML 0x21 is rendered by the caller). */
int binxml_format_value(binxml_buf *out, unsigned type, const uint8_t *v, size_t n);

#endif
