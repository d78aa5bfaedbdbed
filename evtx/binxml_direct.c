/*
 * binxml_direct.c - the direct .evtx path per record (binxml_direct.h): a record that is one
 * instance of a compiled plain template has its substitution values located, its EventID read and
 * its cost in the XML path's units worked out (renderer steps exactly, rendered XML as an upper
 * bound) for a few comparisons; the prefilter's values (evtx_values_get) and the event are then
 * built from the values on demand, each formatted as the renderer formats it (binxml_value.c,
 * unescaped) and read as the XML parser reads it (binxml_text_as_parsed).
 *
 * A record the direct path does not take (another shape, a BinXML value of type 0x21, a number it
 * cannot read, a template not compiled) is left to the XML path, unchanged.
 */
#include "evtx/binxml_direct.h"
#include "evtx/xml_record.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEMPLATES 256 /* compiled per chunk; records of further templates take the XML path */
#define FILETIME_YEAR_10000 UINT64_C(2650467744000000000) /* 10000-01-01 as FILETIME */

struct dsub {
    uint32_t off;
    uint16_t size;
    uint8_t type;
};

struct evtx_values {
    binxml_direct *d;
};

/* A template instance of the opened record: its template and values. */
struct inst {
    binxml_tpl *t;
    struct dsub *sub;
    size_t nsub, sub_cap;
};

struct binxml_direct {
    const uint8_t *c;
    size_t clen;
    binxml_tpl *tpl;
    size_t ntpl;
    uint64_t compile_steps;   /* spent on this chunk's templates */
    binxml_tpl *cur;          /* the opened record's template (NULL: none opened) */
    struct inst outer, inner; /* the record's instance; the nested one (inner.t NULL: none) */
    unsigned event_id;
    evtx_event scratch; /* evtx_values_time_ms */
    binxml_buf val, norm;
    evtx_values view;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

binxml_direct *binxml_direct_new(void)
{
    binxml_direct *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->tpl = calloc(MAX_TEMPLATES, sizeof *d->tpl);
    if (!d->tpl) {
        free(d);
        return NULL;
    }
    d->val.raw = d->norm.raw = 1;
    evtx_event_init(&d->scratch);
    d->view.d = d;
    return d;
}

void binxml_direct_chunk(binxml_direct *d, const uint8_t *c, size_t clen)
{
    for (size_t i = 0; i < d->ntpl; i++)
        binxml_tpl_free(&d->tpl[i]);
    d->ntpl = 0;
    d->compile_steps = 0;
    d->cur = NULL;
    d->c = c;
    d->clen = clen;
}

void binxml_direct_free(binxml_direct *d)
{
    if (!d)
        return;
    binxml_direct_chunk(d, NULL, 0);
    free(d->tpl);
    free(d->outer.sub);
    free(d->inner.sub);
    binxml_buf_free(&d->val);
    binxml_buf_free(&d->norm);
    evtx_event_free(&d->scratch);
    free(d);
}

const char *binxml_text_as_parsed(const char *s, size_t n, int attr, binxml_buf *out, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i;

    for (i = 0; i < n && p[i] >= 0x20 && p[i] != 0xEF; i++)
        ;
    *len = n;
    if (i == n)
        return s;
    out->len = 0;
    out->failed = 0;
    if (binxml_buf_reserve(out, 3 * n) != 0)
        return NULL;
    for (i = 0; i < n; i++) {
        unsigned char ch = p[i];
        char *o = out->data + out->len;
        if (ch == '\r') { /* "\r\n" and "\r" are one line end */
            if (i + 1 < n && p[i + 1] == '\n')
                continue;
            *o = attr ? ' ' : '\n';
            out->len++;
        } else if ((ch == '\n' || ch == '\t') && attr) {
            *o = ' ';
            out->len++;
        } else if ((ch < 0x20 && ch != '\n' && ch != '\t') ||
                   (ch == 0xEF && n - i >= 3 && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF))) {
            memcpy(o, "\xEF\xBF\xBD", 3); /* not an XML character */
            out->len += 3;
            i += ch == 0xEF ? 2 : 0;
        } else {
            *o = (char)ch;
            out->len++;
        }
    }
    out->data[out->len] = '\0';
    *len = out->len;
    return out->data;
}

static binxml_tpl *find_template(binxml_direct *d, uint32_t def_off, int base)
{
    binxml_tpl *t;
    uint64_t spent;
    size_t i;

    for (i = 0; i < d->ntpl; i++)
        if (d->tpl[i].def_off == def_off && d->tpl[i].base == base)
            return &d->tpl[i];
    if (d->ntpl == MAX_TEMPLATES || d->compile_steps >= EVTX_CHUNK_STEPS_MAX)
        return NULL;
    t = &d->tpl[d->ntpl];
    if (binxml_tpl_compile(t, d->c, d->clen, def_off, base, EVTX_CHUNK_STEPS_MAX - d->compile_steps, &spent) !=
        0) {
        binxml_tpl_free(t);
        return NULL;
    }
    d->compile_steps += spent;
    d->ntpl++;
    return t;
}

/* Upper bound of the XML text the renderer writes for one value (escaped). */
static uint64_t value_bound(unsigned type, uint64_t n)
{
    if (type == 0x00)
        return 0;
    if (type & 0x80)
        return 6 * n + 40; /* arrays: items joined by ", " */
    switch (type) {
    case 0x01: return 3 * n; /* UTF-16: up to 3 bytes per unit, "&quot;" per 2 bytes */
    case 0x02: return 6 * n; /* ANSI: U+FFFD or an entity per byte */
    case 0x13: return 6 * n + 40;
    default: return 2 * n + 40; /* hex, or one number, GUID or time */
    }
}

/* Locates the values of the template instance at pos..end (the renderer's checks); a BinXML
 * value (0x21) only where 'nested' says. 1, 0 (the XML path reads it) or -1 (no memory). */
static int read_values(binxml_direct *d, struct inst *in, size_t pos, size_t end, int nested, size_t *after)
{
    size_t n, i, off;

    if (end - pos < 4)
        return 0;
    n = rd32(d->c + pos);
    pos += 4;
    if (n > (end - pos) / 4)
        return 0;
    if (n > in->sub_cap) {
        struct dsub *ns = realloc(in->sub, n * sizeof *ns);
        if (!ns)
            return -1;
        in->sub = ns;
        in->sub_cap = n;
    }
    off = pos + 4 * n;
    for (i = 0; i < n; i++) {
        struct dsub *s = &in->sub[i];
        s->size = rd16(d->c + pos + 4 * i);
        s->type = d->c[pos + 4 * i + 2];
        s->off = (uint32_t)off;
        if (end - off < s->size || (s->type == 0x21 && (int)i != nested))
            return 0; /* the renderer's error, or a BinXML value elsewhere: the XML path reads it */
        off += s->size;
    }
    in->nsub = n;
    *after = off;
    return 1;
}

/* A template instance at off..end: [fragment header], instance, values, [end of fragment], nothing
 * else. 1 with *in set and *steps the renderer's tokens, 0 or -1 as read_values. */
static int open_instance(binxml_direct *d, struct inst *in, size_t off, size_t end, int base, uint64_t *steps)
{
    const uint8_t *c = d->c;
    size_t pos = off, after;
    uint32_t def_off;
    int rc, frag;

    in->t = NULL;
    frag = end - pos >= 4 && c[pos] == 0x0f; /* a fragment header (a nested value may go without) */
    pos += frag ? 4 : 0;
    if (end - pos < 10 || c[pos] != 0x0c)
        return 0;
    def_off = rd32(c + pos + 6);
    pos += 10;
    if (def_off == pos) { /* the definition inline: skip it */
        size_t dsize;
        if (end - pos < 24)
            return 0;
        dsize = rd32(c + pos + 20);
        if (end - pos - 24 < dsize)
            return 0;
        pos += 24 + dsize;
    }
    if ((in->t = find_template(d, def_off, base)) == NULL || !in->t->ok)
        return 0;
    if ((rc = read_values(d, in, pos, end, base ? -1 : in->t->nested_sub, &after)) != 1)
        return rc;
    if (after < end && c[after] != 0x00)
        return 0;
    *steps = (uint64_t)frag + 1 + in->t->steps + (after < end); /* [fragment header], instance, [end] */
    return 1;
}

static uint64_t instance_bound(const struct inst *in)
{
    uint64_t bound = in->t->static_len;
    for (size_t i = 0; i < in->t->nref; i++) {
        const struct dsub *s = in->t->ref[i].sub < in->nsub ? &in->sub[in->t->ref[i].sub] : NULL;
        if (s && s->type != 0x21) /* a nested instance is counted on its own */
            bound += in->t->ref[i].count * value_bound(s->type, s->size);
    }
    return bound;
}

/* The text of action a for the opened record, as the parser reads it. *omitted = 1 for an
 * attribute whose only value is an absent optional substitution (the renderer leaves it out). */
static const char *action_text(binxml_direct *d, const struct inst *in, const dx_action *a, size_t *len,
                               int *omitted)
{
    const struct dsub *s;
    *omitted = 0;
    *len = 0;
    switch (a->src) {
    case DX_TEXT: *len = a->text_len; return in->t->str + a->text;
    case DX_SUB:
    case DX_OPTSUB: break;
    default: return "";
    }
    s = a->sub < in->nsub ? &in->sub[a->sub] : NULL;
    if (!s || s->type == 0x00 || (a->src == DX_OPTSUB && s->size == 0)) {
        *omitted = a->attr && a->src == DX_OPTSUB;
        return "";
    }
    d->val.len = 0;
    d->val.failed = 0;
    binxml_format_value(&d->val, s->type, d->c + s->off, s->size);
    if (d->val.failed)
        return NULL;
    if (!d->val.data)
        return "";
    return binxml_text_as_parsed(d->val.data, d->val.len, a->attr, &d->norm, len);
}

/* A number as the parser reads it (the common binary types without formatting). -1 = not one. */
static int action_number(binxml_direct *d, const struct inst *in, const dx_action *a, uint64_t max, uint64_t *v)
{
    const struct dsub *s = a->src == DX_SUB && a->sub < in->nsub ? &in->sub[a->sub] : NULL;
    const char *t;
    size_t n;
    int om;

    if (s && ((s->type == 0x04 && s->size == 1) || (s->type == 0x06 && s->size == 2) ||
              (s->type == 0x08 && s->size == 4) || (s->type == 0x0a && s->size == 8))) {
        *v = s->size == 1   ? d->c[s->off]
             : s->size == 2 ? rd16(d->c + s->off)
             : s->size == 4 ? rd32(d->c + s->off)
                            : rd64(d->c + s->off);
        return *v <= max ? 0 : -1;
    }
    if ((t = action_text(d, in, a, &n, &om)) == NULL)
        return -1;
    return xml_record_parse_u64(t, n, max, v);
}

int binxml_direct_open(binxml_direct *d, size_t off, size_t end, unsigned *event_id, uint64_t *steps,
                       uint64_t *xml_bound)
{
    uint64_t id, st, nst = 0, bound;
    binxml_tpl *t;
    int rc;

    d->cur = NULL;
    d->inner.t = NULL;
    if (end > d->clen || off > end)
        return 0;
    if ((rc = open_instance(d, &d->outer, off, end, 0, &st)) != 1)
        return rc;
    t = d->outer.t;
    bound = instance_bound(&d->outer);
    if (t->nested_sub >= 0 && (size_t)t->nested_sub < d->outer.nsub && d->outer.sub[t->nested_sub].type == 0x21) {
        const struct dsub *v = &d->outer.sub[t->nested_sub];
        if ((rc = open_instance(d, &d->inner, v->off, (size_t)v->off + v->size, 1, &nst)) != 1) {
            d->inner.t = NULL;
            return rc;
        }
        bound += instance_bound(&d->inner);
    }
    if (action_number(d, &d->outer, &t->act[t->id_act], UINT_MAX, &id) != 0) {
        d->inner.t = NULL;
        return 0; /* "System/EventID is not a number": the XML path says so */
    }
    d->cur = t;
    d->event_id = (unsigned)id;
    *event_id = (unsigned)id;
    *steps = st + nst;
    *xml_bound = bound;
    return 1;
}

const evtx_values *binxml_direct_values(binxml_direct *d) { return &d->view; }

/* The first field named 'name' among those the event keeps: its instance and action; 0 none,
 * -1 unsure (past EVTX_MAX_FIELDS). Fields come in document order: the record's template's, with
 * the nested instance's at its place. */
static int find_field(binxml_direct *d, const char *name, const struct inst **in, const dx_action **act)
{
    const struct inst *ins[2] = {&d->outer, &d->inner};
    size_t k = 0;

    for (size_t i = 0; i < d->outer.t->nact; i++) {
        const dx_action *a = &d->outer.t->act[i];
        const struct inst *src = ins[0];
        size_t j, nj = 1;
        if (a->kind == DX_NESTED) {
            if (!d->inner.t)
                continue;
            src = ins[1];
            nj = d->inner.t->nact;
        }
        for (j = 0; j < nj; j++) {
            const dx_action *f = a->kind == DX_NESTED ? &d->inner.t->act[j] : a;
            if (f->kind != DX_FIELD)
                continue;
            if (strcmp(src->t->str + f->name, name) == 0) {
                *in = src;
                *act = f;
                return k < EVTX_MAX_FIELDS ? 1 : -1;
            }
            k++;
        }
    }
    return 0;
}

int evtx_values_get(const evtx_values *v, const char *name, const char **val, size_t *vlen)
{
    binxml_direct *d = v ? v->d : NULL;
    const struct inst *in;
    const dx_action *a;
    const char *s;
    size_t n;
    int rc, om;

    if (!d || !d->cur)
        return -1;
    if ((rc = find_field(d, name, &in, &a)) != 1)
        return rc;
    if ((s = action_text(d, in, a, &n, &om)) == NULL || n > EVTX_FIELD_MAX)
        return -1; /* a value the event would hold truncated: the full path decides */
    *val = s;
    *vlen = n;
    return 1;
}

/* TimeCreated/@SystemTime: a FILETIME is converted without going through its text. */
static int build_time(binxml_direct *d, const struct inst *in, const dx_action *a, evtx_event *ev)
{
    const struct dsub *s =
        (a->src == DX_SUB || a->src == DX_OPTSUB) && a->sub < in->nsub ? &in->sub[a->sub] : NULL;
    const char *t;
    size_t n;
    int om;

    if (s && s->type == 0x11 && s->size == 8 && rd64(d->c + s->off) < FILETIME_YEAR_10000) {
        evtx_event_set_time_ms(ev, (int64_t)(rd64(d->c + s->off) / 10000) - INT64_C(11644473600000));
        return ev->time_created[0] ? 0 : -1;
    }
    if ((t = action_text(d, in, a, &n, &om)) == NULL)
        return -1;
    return om ? 0 : evtx_event_set_time(ev, t);
}

static int build_action(binxml_direct *d, const struct inst *in, const dx_action *a, evtx_event *ev)
{
    const char *t;
    uint64_t v;
    size_t n;
    int om;

    switch (a->kind) {
    case DX_EVENTID: ev->event_id = d->event_id; return 0;
    case DX_VERSION: ev->version = action_number(d, in, a, UINT_MAX, &v) == 0 ? (unsigned)v : 0; return 0;
    case DX_RECORDID: ev->record_id = action_number(d, in, a, UINT64_MAX, &v) == 0 ? v : 0; return 0;
    case DX_TIME: return build_time(d, in, a, ev);
    case DX_NESTED:
        if (d->inner.t)
            for (size_t i = 0; i < d->inner.t->nact; i++)
                if (build_action(d, &d->inner, &d->inner.t->act[i], ev) != 0)
                    return -1;
        return 0;
    case DX_FIELD:
        if (ev->nfields >= EVTX_MAX_FIELDS)
            return evtx_event_add_field(ev, "", "", 0); /* counted as dropped */
        break;
    default: break;
    }
    if ((t = action_text(d, in, a, &n, &om)) == NULL)
        return -1;
    switch (a->kind) {
    case DX_CHANNEL: return evtx_event_set_channel(ev, t, n);
    case DX_COMPUTER: return evtx_event_set_computer(ev, t, n);
    case DX_PROVIDER: return om ? 0 : evtx_event_set_provider(ev, t, n);
    default: return evtx_event_add_field(ev, in->t->str + a->name, t, n);
    }
}

int64_t evtx_values_time_ms(const evtx_values *v)
{
    binxml_direct *d = v ? v->d : NULL;
    const binxml_tpl *t = d ? d->cur : NULL;

    if (!t)
        return -1;
    evtx_event_reset(&d->scratch);
    for (size_t i = 0; i < t->nact; i++) { /* every TimeCreated, in order: the last one holds */
        if (t->act[i].kind == DX_TIME)
            build_time(d, &d->outer, &t->act[i], &d->scratch);
        else if (t->act[i].kind == DX_NESTED && d->inner.t)
            for (size_t j = 0; j < d->inner.t->nact; j++)
                if (d->inner.t->act[j].kind == DX_TIME)
                    build_time(d, &d->inner, &d->inner.t->act[j], &d->scratch);
    }
    return d->scratch.time_ms;
}

int binxml_direct_build(binxml_direct *d, evtx_event *ev)
{
    binxml_tpl *t = d->cur;

    evtx_event_reset(ev);
    if (!t)
        return -1;
    for (size_t i = 0; i < t->nact; i++)
        if (build_action(d, &d->outer, &t->act[i], ev) != 0) {
            evtx_event_reset(ev);
            return -1;
        }
    return 0;
}
