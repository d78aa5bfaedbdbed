/*
 * binxml_direct.h - private interface of the direct .evtx path: a record that instantiates a
 * template of the plain form Windows writes is read straight into the normalised event, without
 * rendering XML text and parsing it again. Each chunk's templates are compiled once
 * (binxml_template.c) into the list of what the XML parser (xml_record.c) would take from them;
 * each record then only reads its substitution values (binxml_direct.c). Anything outside the
 * plain form is left to the XML path, which stays the reference: a record read here yields the
 * same event as its rendered XML parsed by xml_record_parse.
 */
#ifndef ADDECOY_EVTX_BINXML_DIRECT_H
#define ADDECOY_EVTX_BINXML_DIRECT_H

#include "evtx/binxml.h"
#include "evtx/evtx.h"

/* What the XML parser does with a piece of the template, in document order. */
enum dx_kind {
    DX_EVENTID,
    DX_VERSION,
    DX_RECORDID,
    DX_CHANNEL,
    DX_COMPUTER,
    DX_PROVIDER,
    DX_TIME,
    DX_FIELD,
    DX_NESTED /* the nested template instance (a BinXML value) holding the sections */
};
/* Where its text comes from: nothing, the template's own text, a (normal/optional) substitution. */
enum dx_src { DX_EMPTY, DX_TEXT, DX_SUB, DX_OPTSUB };

typedef struct dx_action {
    uint8_t kind, src;
    uint8_t attr;          /* an attribute value (whitespace normalised; left out when optional and absent) */
    uint16_t sub;          /* DX_SUB, DX_OPTSUB: the substitution's index */
    size_t name;           /* DX_FIELD: offset of the field name in binxml_tpl.str */
    size_t text, text_len; /* DX_TEXT: offset and length of the text (as parsed) in binxml_tpl.str */
} dx_action;

typedef struct dx_ref { /* a substitution rendered 'count' times by the template */
    uint32_t sub, count;
} dx_ref;

typedef struct binxml_tpl {
    uint32_t def_off; /* chunk offset of the definition: with 'base', the template's key in its chunk */
    int base;         /* 0: a record's template (<Event>); 1: one in a BinXML value inside <Event>
                         (System's template holding the EventData's, as Windows writes many logs) */
    int nested_sub;   /* base 0: the substitution in <Event>'s content that may hold such a value, -1 */
    int ok;           /* 1 = of the plain form: its records are read directly */
    dx_action *act;
    size_t nact, act_cap;
    dx_ref *ref;
    size_t nref, ref_cap;
    char *str;
    size_t str_len, str_cap;
    int id_act;          /* the DX_EVENTID action */
    uint64_t static_len; /* XML the template renders besides its substitution values (an upper bound) */
    uint64_t steps;      /* BinXML tokens the renderer counts for the template's body */
    struct {
        const char *name;
        int act;
    } memo[8]; /* evtx_values_get: field name -> action */
    size_t nmemo;
} binxml_tpl;

/* binxml_template.c: compiles the definition at chunk offset def_off, spending at most step_room
 * tokens (*spent receives those used). t->ok = 0 when the template is not of the plain form or
 * the room is spent. -1 only when out of memory. */
int binxml_tpl_compile(binxml_tpl *t, const uint8_t *c, size_t clen, uint32_t def_off, int base,
                       uint64_t step_room, uint64_t *spent);
void binxml_tpl_free(binxml_tpl *t);

/* binxml_direct.c */
/* Text s[0..n) (valid UTF-8, as binxml_format_value writes it unescaped) as the XML parser hands
 * it on once rendered: characters XML forbids become U+FFFD (as xml_record.c's repair does), line
 * ends are normalised, and in an attribute value (attr) tabs and line ends become spaces. Returns
 * s when nothing changes, else the text in out (out must not hold s); NULL when out of memory. */
const char *binxml_text_as_parsed(const char *s, size_t n, int attr, binxml_buf *out, size_t *len);
typedef struct binxml_direct binxml_direct;
binxml_direct *binxml_direct_new(void);
void binxml_direct_free(binxml_direct *d);
/* A new chunk (CHUNK bytes at c): forgets the previous chunk's templates. */
void binxml_direct_chunk(binxml_direct *d, const uint8_t *c, size_t clen);
/* 1 when the record's BinXML at chunk[off..end) is read directly: *event_id, the renderer steps
 * the XML path would spend on it and an upper bound of the XML it would render are set; 0 when the
 * XML path must read it (then nothing is set); -1 when out of memory. */
int binxml_direct_open(binxml_direct *d, size_t off, size_t end, unsigned *event_id, uint64_t *steps,
                       uint64_t *xml_bound);
/* The opened record's values, for a prefilter. */
const evtx_values *binxml_direct_values(binxml_direct *d);
/* Builds the opened record's event. 0, or -1 when out of memory. */
int binxml_direct_build(binxml_direct *d, evtx_event *ev);

#endif
