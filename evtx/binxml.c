/*
 * binxml.c - renders the Binary XML (BinXML) of one .evtx event record as the XML text that
 * Windows' EvtRender produces: fragment headers, elements, attributes, text, CDATA, character
 * and entity references, template instances (definitions inline or back-referenced by chunk
 * offset: the chunk is in memory, so a definition is read in place each time instead of being
 * copied into a cache) and their normal/optional substitutions, nested BinXML values.
 *
 * The input is attacker-controlled: every offset and length is checked against the chunk and
 * the enclosing item, nesting is bounded (BINXML_MAX_DEPTH), the work per record is bounded
 * (BINXML_MAX_STEPS) and so is the output (binxml_buf.limit), so a hostile template that refers
 * to itself or expands exponentially ends in an error, never a crash or a hang.
 * Element and attribute names are reduced to XML name characters so that a name can never
 * inject markup. Processing instructions are dropped (the event parser ignores them anyway).
 */
#include "evtx/binxml.h"
#include "evtx/evtx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_BINXML 0x21

/* ---- the renderer -------------------------------------------------------------------------- */

struct bx {
    const uint8_t *c; /* the chunk: all BinXML offsets are relative to it */
    size_t clen;
    binxml_buf *out;
    unsigned steps;
    char *err;
    size_t errlen;
};

/* A stretch of BinXML. Element start tags come in two forms: inside a template definition an
 * OpenStartElement token carries a 2-byte dependency identifier before its data size; the direct
 * elements of a record and of a nested BinXML value (type 0x21) omit it. */
struct cur {
    size_t pos, end; /* pos <= end <= clen always */
    int dep_id;      /* 1 = element start tags here carry the dependency identifier */
};

struct sub {
    size_t off;
    uint16_t size;
    uint8_t type;
};

struct subs {
    const struct sub *v;
    size_t n;
};

static int render_content(struct bx *b, struct cur *cu, const struct subs *s, int depth, int in_element);

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int fail(struct bx *b, size_t at, const char *what)
{
    snprintf(b->err, b->errlen, "%s at chunk offset %zu", what, at);
    return -1;
}

static int need(struct bx *b, const struct cur *cu, size_t n)
{
    if (cu->end - cu->pos < n)
        return fail(b, cu->pos, "BinXML truncated");
    return 0;
}

static const char *failure(const binxml_buf *out)
{
    return out->failed == 2   ? "rendered record too large"
           : out->failed == 3 ? "BinXML work budget spent"
                              : "out of memory";
}

static int step(struct bx *b, size_t at)
{
    if (++b->steps > BINXML_MAX_STEPS)
        return fail(b, at, "too many BinXML tokens");
    if (b->out->step_limit && b->out->steps + b->steps > b->out->step_limit) {
        b->out->failed = 3;
        return fail(b, at, "BinXML work budget spent");
    }
    if (b->out->failed)
        return fail(b, at, failure(b->out));
    return 0;
}

/* The name at 'off' as UTF-8 reduced to XML name characters (malloc'd, binxml_name.c); steps
 * over an inline name (one stored right where the cursor is). */
static char *take_name(struct bx *b, struct cur *cu, uint32_t off)
{
    size_t sz = binxml_name_size(b->c, b->clen, off);
    char *s;

    if (!sz) {
        fail(b, off, "name outside the chunk");
        return NULL;
    }
    if (off == cu->pos) {
        if (need(b, cu, sz) != 0)
            return NULL;
        cu->pos += sz;
    }
    if ((s = binxml_name_utf8(b->c, off, sz, NULL)) == NULL)
        fail(b, off, "out of memory");
    return s;
}

/* UTF-16LE text of n units at chunk offset 'off' (bounds already checked), escaped. */
static void put_utf16_at(struct bx *b, size_t off, size_t n)
{
    binxml_format_value(b->out, 0x01, b->c + off, 2 * n);
}

static int render_text(struct bx *b, struct cur *cu)
{
    size_t n;
    if (need(b, cu, 4) != 0)
        return -1;
    if (b->c[cu->pos + 1] != 0x01)
        return fail(b, cu->pos, "value text of a type other than string");
    n = rd16(b->c + cu->pos + 2);
    cu->pos += 4;
    if (need(b, cu, 2 * n) != 0)
        return -1;
    put_utf16_at(b, cu->pos, n);
    cu->pos += 2 * n;
    return 0;
}

static int render_cdata(struct bx *b, struct cur *cu)
{
    size_t n;
    if (need(b, cu, 3) != 0)
        return -1;
    n = rd16(b->c + cu->pos + 1);
    cu->pos += 3;
    if (need(b, cu, 2 * n) != 0)
        return -1;
    put_utf16_at(b, cu->pos, n); /* as escaped text: same meaning, no "]]>" pitfalls */
    cu->pos += 2 * n;
    return 0;
}

static int render_charref(struct bx *b, struct cur *cu)
{
    unsigned v;
    char tmp[16];
    if (need(b, cu, 3) != 0)
        return -1;
    v = rd16(b->c + cu->pos + 1);
    cu->pos += 3;
    if (v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)) {
        snprintf(tmp, sizeof tmp, "&#%u;", v);
        binxml_buf_puts(b->out, tmp);
    } else {
        binxml_buf_puts(b->out, "\xEF\xBF\xBD"); /* not an XML character */
    }
    return 0;
}

static int render_entityref(struct bx *b, struct cur *cu)
{
    static const char *const known[] = {"lt", "gt", "amp", "apos", "quot"};
    char *name;
    size_t i;

    if (need(b, cu, 5) != 0)
        return -1;
    cu->pos += 5;
    if ((name = take_name(b, cu, rd32(b->c + cu->pos - 4))) == NULL)
        return -1;
    for (i = 0; i < sizeof known / sizeof known[0] && strcmp(name, known[i]) != 0; i++)
        ;
    binxml_buf_puts(b->out, i < sizeof known / sizeof known[0] ? "&" : "&amp;");
    binxml_buf_puts(b->out, name);
    binxml_buf_puts(b->out, ";");
    free(name);
    return 0;
}

static int skip_pi(struct bx *b, struct cur *cu, int target)
{
    char *name;
    if (target) {
        if (need(b, cu, 5) != 0)
            return -1;
        cu->pos += 5;
        if ((name = take_name(b, cu, rd32(b->c + cu->pos - 4))) == NULL)
            return -1;
        free(name);
        return 0;
    }
    if (need(b, cu, 3) != 0)
        return -1;
    cu->pos += 3;
    if (need(b, cu, 2 * (size_t)rd16(b->c + cu->pos - 2)) != 0)
        return -1;
    cu->pos += 2 * (size_t)rd16(b->c + cu->pos - 2);
    return 0;
}

/* Normal or optional substitution. *omitted = 1 when an optional one has no value. */
static int render_sub(struct bx *b, struct cur *cu, const struct subs *s, int depth, int *omitted)
{
    unsigned tok, id;
    const struct sub *v;
    struct cur inner;

    if (need(b, cu, 4) != 0)
        return -1;
    tok = b->c[cu->pos];
    id = rd16(b->c + cu->pos + 1);
    cu->pos += 4;
    *omitted = 0;
    if (id >= s->n || s->v[id].type == 0x00 || (tok == TOK_OPTSUB && s->v[id].size == 0)) {
        *omitted = tok == TOK_OPTSUB;
        return 0;
    }
    v = &s->v[id];
    if (v->type == TYPE_BINXML) {
        inner.pos = v->off;
        inner.end = v->off + v->size;
        inner.dep_id = 0;
        return render_content(b, &inner, NULL, depth + 1, 0);
    }
    binxml_format_value(b->out, v->type, b->c + v->off, v->size);
    return 0;
}

static int render_attribute(struct bx *b, struct cur *cu, const struct subs *s, int depth)
{
    size_t mark = b->out->len;
    unsigned emitted = 0, omitted = 0;
    int om;
    char *name;

    if (need(b, cu, 5) != 0)
        return -1;
    cu->pos += 5;
    if ((name = take_name(b, cu, rd32(b->c + cu->pos - 4))) == NULL)
        return -1;
    binxml_buf_puts(b->out, " ");
    binxml_buf_puts(b->out, name);
    binxml_buf_puts(b->out, "='");
    free(name);
    while (cu->pos < cu->end) {
        unsigned t = b->c[cu->pos] & ~TOK_MORE;
        int rc;
        if (step(b, cu->pos) != 0)
            return -1;
        if (t == TOK_VALUE)
            rc = render_text(b, cu);
        else if (b->c[cu->pos] == TOK_SUB || b->c[cu->pos] == TOK_OPTSUB) {
            rc = render_sub(b, cu, s, depth, &om);
            omitted += om;
            emitted += !om;
        } else if (t == TOK_CHARREF)
            rc = render_charref(b, cu);
        else if (t == TOK_ENTITYREF)
            rc = render_entityref(b, cu);
        else
            break;
        if (rc != 0)
            return -1;
        emitted += t == TOK_VALUE || t == TOK_CHARREF || t == TOK_ENTITYREF;
    }
    if (!emitted && omitted) { /* only absent optional values: Windows leaves the attribute out */
        if (!b->out->failed && b->out->data) {
            b->out->len = mark;
            b->out->data[mark] = '\0';
        }
        return 0;
    }
    binxml_buf_puts(b->out, "'");
    return 0;
}

static int render_element(struct bx *b, struct cur *cu, const struct subs *s, int depth)
{
    unsigned tok;
    uint32_t name_off;
    size_t hdr;
    char *name = NULL;
    int rc = -1;

    hdr = cu->dep_id ? 11 : 9; /* token, [dependency id (2)], data size (4), name offset (4) */
    if (need(b, cu, hdr) != 0)
        return -1;
    tok = b->c[cu->pos];
    name_off = rd32(b->c + cu->pos + hdr - 4);
    cu->pos += hdr;
    if ((name = take_name(b, cu, name_off)) == NULL)
        goto out;
    if (tok & TOK_MORE) { /* attribute list size */
        if (need(b, cu, 4) != 0)
            goto out;
        cu->pos += 4;
    }
    binxml_buf_puts(b->out, "<");
    binxml_buf_puts(b->out, name);
    while (cu->pos < cu->end && (b->c[cu->pos] & ~TOK_MORE) == TOK_ATTR) {
        if (step(b, cu->pos) != 0 || render_attribute(b, cu, s, depth) != 0)
            goto out;
    }
    if (need(b, cu, 1) != 0)
        goto out;
    tok = b->c[cu->pos++];
    if (tok == TOK_CLOSE_EMPTY) {
        binxml_buf_puts(b->out, "/>");
        rc = 0;
        goto out;
    }
    if (tok != TOK_CLOSE_START) {
        rc = fail(b, cu->pos - 1, "start tag not closed");
        goto out;
    }
    binxml_buf_puts(b->out, ">");
    if (render_content(b, cu, s, depth + 1, 1) != 0)
        goto out;
    binxml_buf_puts(b->out, "</");
    binxml_buf_puts(b->out, name);
    binxml_buf_puts(b->out, ">");
    rc = 0;
out:
    free(name);
    return rc;
}

/* Template instance: definition (inline the first time it is used in a chunk, else referenced
 * by chunk offset), then the substitution values: count, descriptors (size, type), data. */
static int render_template(struct bx *b, struct cur *cu, int depth)
{
    size_t def_off, body, dsize, n, i, off;
    struct sub *v = NULL;
    struct subs s;
    struct cur tc;
    int rc = -1;

    if (need(b, cu, 10) != 0)
        return -1;
    def_off = rd32(b->c + cu->pos + 6);
    cu->pos += 10;
    if (def_off == cu->pos) { /* inline: next offset (4), GUID (16), data size (4), body */
        if (need(b, cu, 24) != 0)
            return -1;
        dsize = rd32(b->c + cu->pos + 20);
        body = cu->pos + 24;
        if (cu->end - body < dsize)
            return fail(b, cu->pos, "template definition beyond its record");
        cu->pos = body + dsize;
    } else {
        if (def_off > b->clen || b->clen - def_off < 24)
            return fail(b, cu->pos - 4, "template offset outside the chunk");
        dsize = rd32(b->c + def_off + 20);
        body = def_off + 24;
        if (b->clen - body < dsize)
            return fail(b, def_off, "template definition beyond the chunk");
    }
    if (need(b, cu, 4) != 0)
        return -1;
    n = rd32(b->c + cu->pos);
    cu->pos += 4;
    if (n > (cu->end - cu->pos) / 4)
        return fail(b, cu->pos - 4, "too many substitution values");
    v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return fail(b, cu->pos, "out of memory");
    off = cu->pos + 4 * n;
    for (i = 0; i < n; i++) {
        v[i].size = rd16(b->c + cu->pos + 4 * i);
        v[i].type = b->c[cu->pos + 4 * i + 2];
        v[i].off = off;
        if (cu->end - off < v[i].size) {
            rc = fail(b, cu->pos + 4 * i, "substitution value beyond its record");
            goto out;
        }
        off += v[i].size;
    }
    cu->pos = off;
    s.v = v;
    s.n = n;
    tc.pos = body;
    tc.end = body + dsize;
    tc.dep_id = 1;
    rc = render_content(b, &tc, &s, depth + 1, 0);
out:
    free(v);
    return rc;
}

static int render_content(struct bx *b, struct cur *cu, const struct subs *s, int depth, int in_element)
{
    static const struct subs none = {NULL, 0};
    int om;

    if (!s)
        s = &none;
    if (depth > BINXML_MAX_DEPTH)
        return fail(b, cu->pos, "BinXML nested too deeply");
    for (;;) {
        unsigned tok;
        int rc;

        if (cu->pos >= cu->end)
            return in_element ? fail(b, cu->pos, "element not closed") : 0;
        if (step(b, cu->pos) != 0)
            return -1;
        tok = b->c[cu->pos];
        switch (tok & ~TOK_MORE) {
        case TOK_EOF:
            cu->pos++;
            return in_element ? fail(b, cu->pos - 1, "end of fragment inside an element") : 0;
        case TOK_END:
            if (!in_element)
                return fail(b, cu->pos, "end tag outside an element");
            cu->pos++;
            return 0;
        case TOK_OPEN: rc = render_element(b, cu, s, depth); break;
        case TOK_VALUE: rc = render_text(b, cu); break;
        case TOK_CDATA: rc = render_cdata(b, cu); break;
        case TOK_CHARREF: rc = render_charref(b, cu); break;
        case TOK_ENTITYREF: rc = render_entityref(b, cu); break;
        case TOK_PI_TARGET:
        case TOK_PI_DATA: rc = skip_pi(b, cu, tok == TOK_PI_TARGET); break;
        case TOK_TEMPLATE: rc = render_template(b, cu, depth); break;
        case TOK_SUB:
        case TOK_OPTSUB:
            rc = tok & TOK_MORE ? fail(b, cu->pos, "bad substitution token") : render_sub(b, cu, s, depth, &om);
            break;
        case TOK_FRAGMENT:
            rc = need(b, cu, 4);
            cu->pos += rc == 0 ? 4 : 0;
            break;
        default: {
            char what[48];
            snprintf(what, sizeof what, "unexpected BinXML token 0x%02x", tok);
            rc = fail(b, cu->pos, what);
            break;
        }
        }
        if (rc != 0)
            return -1;
    }
}

int binxml_render(const uint8_t *chunk, size_t chunk_len, size_t off, size_t end, binxml_buf *out, char *err,
                  size_t errlen)
{
    struct bx b = {chunk, chunk_len, out, 0, err, errlen};
    struct cur cu = {off, end, 0};
    size_t start = out->len;
    int rc = -1;

    if (end > chunk_len || off > end)
        return fail(&b, off, "record outside the chunk");
    if (render_content(&b, &cu, NULL, 0, 0) != 0)
        goto out;
    if (out->failed) {
        fail(&b, off, failure(out));
        goto out;
    }
    if (out->len == start) {
        fail(&b, off, "record renders to nothing");
        goto out;
    }
    rc = 0;
out:
    out->steps += b.steps;
    return rc;
}
