/*
 * binxml_template.c - compiles one template definition of an .evtx chunk for the direct path
 * (binxml_direct.h): walks the definition as the renderer (binxml.c) would, counting the same
 * tokens, and notes in document order what the XML parser (xml_record.c) would take from the
 * rendered text: System's EventID, Version, EventRecordID, Channel, Computer, Provider/@Name,
 * TimeCreated/@SystemTime and EventData's <Data Name="..."> fields, each from the template's own
 * text or from one substitution.
 *
 * Only the plain form Windows writes qualifies: one <Event> root, exactly one EventID, ASCII
 * names without ':' that need no repair, no duplicate attribute, no UserData, no CDATA,
 * character or entity reference, processing instruction or nested template, and captured
 * elements holding at most one text or substitution and no child element. Anything else makes
 * the template "not ok" and its records go through the XML path, which stays the reference.
 */
#include "evtx/binxml_direct.h"
#include "evtx/xml_record.h"

#include <stdlib.h>
#include <string.h>

enum { SEC_NONE, SEC_SYSTEM, SEC_EVENTDATA, SEC_OTHER };
#define MAX_ATTRS 32 /* attributes per element of the plain form */

/* One attribute value or leaf element content: at most one part is kept. */
struct part {
    unsigned n;  /* parts seen */
    uint8_t src; /* dx_src of the first part */
    uint16_t sub;
    size_t text, text_len;
};

struct cw {
    const uint8_t *c;
    size_t clen;
    binxml_tpl *t;
    binxml_buf tmp, tmp2;
    uint64_t steps, room;
    int sect;
    int nid;
    int oom;
    int base;
    struct part *leaf; /* content of the captured leaf element being walked, or NULL */
};

struct cur {
    size_t pos, end;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int need(const struct cur *cu, size_t n) { return cu->end - cu->pos < n ? -1 : 0; }

static int step(struct cw *w) { return ++w->steps > w->room || w->steps > BINXML_MAX_STEPS ? -1 : 0; }

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    size_t ncap;
    void *np;
    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    if ((np = realloc(*p, ncap * size)) == NULL)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

/* Copies s[0..n) and a NUL to t->str; its offset in *off. */
static int keep_str(struct cw *w, const char *s, size_t n, size_t *off)
{
    binxml_tpl *t = w->t;
    while (t->str_cap - t->str_len < n + 1) {
        size_t ncap = t->str_cap ? t->str_cap * 2 : 256;
        char *ns = realloc(t->str, ncap);
        if (!ns) {
            w->oom = 1;
            return -1;
        }
        t->str = ns;
        t->str_cap = ncap;
    }
    memcpy(t->str + t->str_len, s, n);
    t->str[t->str_len + n] = '\0';
    *off = t->str_len;
    t->str_len += n + 1;
    return 0;
}

static int add_ref(struct cw *w, unsigned sub)
{
    binxml_tpl *t = w->t;
    if (grow((void **)&t->ref, &t->ref_cap, t->nref, sizeof *t->ref) != 0) {
        w->oom = 1;
        return -1;
    }
    t->ref[t->nref].sub = sub;
    t->ref[t->nref++].count = 1;
    return 0;
}

static int add_action(struct cw *w, unsigned kind, const struct part *p, int attr, size_t name)
{
    binxml_tpl *t = w->t;
    dx_action *a;
    if (grow((void **)&t->act, &t->act_cap, t->nact, sizeof *t->act) != 0) {
        w->oom = 1;
        return -1;
    }
    a = &t->act[t->nact++];
    memset(a, 0, sizeof *a);
    a->kind = (uint8_t)kind;
    a->attr = (uint8_t)attr;
    a->name = name;
    if (p && p->n) {
        a->src = p->src;
        a->sub = p->sub;
        a->text = p->text;
        a->text_len = p->text_len;
    } else
        a->src = DX_EMPTY;
    if (kind == DX_EVENTID) {
        t->id_act = (int)(t->nact - 1);
        w->nid++;
    }
    return 0;
}

/* Static UTF-16 text (a VALUE token): counted as the renderer escapes it; kept as the parser
 * reads it when the text is captured (p != NULL). */
static int static_text(struct cw *w, struct cur *cu, struct part *p, int attr)
{
    size_t n;
    if (need(cu, 4) != 0 || w->c[cu->pos + 1] != 0x01)
        return -1;
    n = rd16(w->c + cu->pos + 2);
    cu->pos += 4;
    if (need(cu, 2 * n) != 0)
        return -1;
    w->tmp.len = 0;
    w->tmp.raw = 0;
    binxml_format_value(&w->tmp, 0x01, w->c + cu->pos, 2 * n);
    w->t->static_len += w->tmp.len;
    if (p && p->n++ == 0) {
        const char *s;
        size_t sl;
        w->tmp.len = 0;
        w->tmp.raw = 1;
        binxml_format_value(&w->tmp, 0x01, w->c + cu->pos, 2 * n);
        if (w->tmp.failed)
            return -1;
        s = binxml_text_as_parsed(w->tmp.data, w->tmp.len, attr, &w->tmp2, &sl);
        if (!s || keep_str(w, s, sl, &p->text) != 0)
            return -1;
        p->src = DX_TEXT;
        p->text_len = sl;
    }
    cu->pos += 2 * n;
    return w->tmp.failed ? -1 : 0;
}

static int sub_token(struct cw *w, struct cur *cu, struct part *p)
{
    unsigned tok = w->c[cu->pos], id;
    if (need(cu, 4) != 0)
        return -1;
    id = rd16(w->c + cu->pos + 1);
    cu->pos += 4;
    if (p && p->n++ == 0) {
        p->src = tok == TOK_OPTSUB ? DX_OPTSUB : DX_SUB;
        p->sub = (uint16_t)id;
    }
    return add_ref(w, id);
}

/* A name at chunk offset 'off' (stepped over when inline), as a plain name only. */
static char *plain_name(struct cw *w, struct cur *cu, uint32_t off)
{
    size_t sz = binxml_name_size(w->c, w->clen, off);
    int changed = 1;
    char *s;

    if (!sz)
        return NULL;
    if (off == cu->pos) {
        if (need(cu, sz) != 0)
            return NULL;
        cu->pos += sz;
    }
    s = binxml_name_utf8(w->c, off, sz, &changed);
    if (!s)
        w->oom = 1;
    else if (changed) {
        free(s);
        s = NULL;
    }
    return s;
}

/* One attribute: name, then text/substitution parts until another token (counted as a step, as
 * the renderer does). *name_out receives the name (malloc'd). */
static int walk_attribute(struct cw *w, struct cur *cu, char **name_out, struct part *p, int attr)
{
    char *name;
    if (need(cu, 5) != 0)
        return -1;
    cu->pos += 5;
    if ((name = plain_name(w, cu, rd32(w->c + cu->pos - 4))) == NULL)
        return -1;
    *name_out = name;
    w->t->static_len += strlen(name) + 4; /* " name=''" */
    memset(p, 0, sizeof *p);
    while (cu->pos < cu->end) {
        unsigned t = w->c[cu->pos] & ~TOK_MORE;
        if (step(w) != 0)
            return -1;
        if (t == TOK_VALUE) {
            if (static_text(w, cu, p, attr) != 0)
                return -1;
        } else if (w->c[cu->pos] == TOK_SUB || w->c[cu->pos] == TOK_OPTSUB) {
            if (sub_token(w, cu, p) != 0)
                return -1;
        } else if (t == TOK_CHARREF || t == TOK_ENTITYREF)
            return -1;
        else
            break;
    }
    return 0;
}

static int walk_content(struct cw *w, struct cur *cu, int xdepth, int in_el, unsigned *roots);

/* What the parser captures from an element at XML depth 'xdepth' named 'name'. */
static int leaf_kind(const struct cw *w, int xdepth, const char *name)
{
    static const struct {
        const char *name;
        int kind;
    } sys[] = {
        {"EventID", DX_EVENTID}, {"Version", DX_VERSION},   {"EventRecordID", DX_RECORDID},
        {"Channel", DX_CHANNEL}, {"Computer", DX_COMPUTER},
    };
    if (xdepth == 2 && w->sect == SEC_SYSTEM) {
        for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
            if (strcmp(name, sys[i].name) == 0)
                return sys[i].kind;
    }
    if (xdepth == 2 && w->sect == SEC_EVENTDATA && strcmp(name, "Data") == 0)
        return DX_FIELD;
    return -1;
}

static int walk_element(struct cw *w, struct cur *cu, int xdepth)
{
    char *name = NULL, *anames[MAX_ATTRS];
    const char *want_attr = NULL;
    struct part ap, got_attr, leaf;
    size_t nattr = 0, field = 0, i;
    int kind, attr_kind = -1, have_attr = 0, rc = -1;
    unsigned tok;

    if (need(cu, 11) != 0)
        return -1;
    tok = w->c[cu->pos];
    cu->pos += 11;
    if ((name = plain_name(w, cu, rd32(w->c + cu->pos - 4))) == NULL)
        return -1;
    if ((tok & TOK_MORE) && (need(cu, 4) != 0 || (cu->pos += 4, 0)))
        goto out;
    w->t->static_len += 2 * strlen(name) + 5; /* "<name" ">" "</name>" (or "/>") */
    if (xdepth == 0 && strcmp(name, "Event") != 0)
        goto out;
    if (xdepth == 1) {
        if (strcmp(name, "UserData") == 0)
            goto out;
        w->sect = strcmp(name, "System") == 0      ? SEC_SYSTEM
                  : strcmp(name, "EventData") == 0 ? SEC_EVENTDATA
                                                   : SEC_OTHER;
    }
    kind = leaf_kind(w, xdepth, name);
    if (kind == DX_FIELD)
        want_attr = "Name";
    else if (xdepth == 2 && w->sect == SEC_SYSTEM && strcmp(name, "Provider") == 0) {
        want_attr = "Name";
        attr_kind = DX_PROVIDER;
    } else if (xdepth == 2 && w->sect == SEC_SYSTEM && strcmp(name, "TimeCreated") == 0) {
        want_attr = "SystemTime";
        attr_kind = DX_TIME;
    }
    while (cu->pos < cu->end && (w->c[cu->pos] & ~TOK_MORE) == TOK_ATTR) {
        if (nattr == MAX_ATTRS)
            goto out_attrs;
        anames[nattr] = NULL;
        if (step(w) != 0 || walk_attribute(w, cu, &anames[nattr], &ap, 1) != 0) {
            nattr++; /* free a name the failed walk may have allocated */
            goto out_attrs;
        }
        for (i = 0; i < nattr; i++)
            if (strcmp(anames[i], anames[nattr]) == 0) { /* libxml2 refuses the record */
                nattr++;
                goto out_attrs;
            }
        if (want_attr && strcmp(anames[nattr], want_attr) == 0) {
            got_attr = ap;
            have_attr = 1;
        }
        nattr++;
    }
    if (have_attr && (got_attr.n > 1 || (kind == DX_FIELD && got_attr.n && got_attr.src != DX_TEXT)))
        goto out_attrs;
    if (kind == DX_FIELD) { /* the field's name: <Data Name="X">, "" for Name="", "Data" without */
        if (have_attr && got_attr.n)
            field = got_attr.text;
        else if (keep_str(w, have_attr ? "" : "Data", have_attr ? 0 : 4, &field) != 0)
            goto out_attrs;
    }
    if (attr_kind >= 0 && have_attr && add_action(w, (unsigned)attr_kind, &got_attr, 1, 0) != 0)
        goto out_attrs;
    if (need(cu, 1) != 0)
        goto out_attrs;
    tok = w->c[cu->pos++];
    memset(&leaf, 0, sizeof leaf);
    if (tok == TOK_CLOSE_START) {
        w->leaf = kind >= 0 ? &leaf : NULL;
        if (walk_content(w, cu, xdepth + 1, 1, NULL) != 0)
            goto out_attrs;
        w->leaf = NULL;
    } else if (tok != TOK_CLOSE_EMPTY)
        goto out_attrs;
    if (kind >= 0 && (leaf.n > 1 || add_action(w, (unsigned)kind, &leaf, 0, field) != 0))
        goto out_attrs;
    rc = 0;
out_attrs:
    w->leaf = NULL;
    for (i = 0; i < nattr; i++)
        free(anames[i]);
out:
    free(name);
    return rc;
}

/* The renderer's render_content, one step per token. */
static int walk_content(struct cw *w, struct cur *cu, int xdepth, int in_el, unsigned *roots)
{
    if (xdepth + 1 + 2 * w->base > BINXML_MAX_DEPTH) /* the renderer's depth */
        return -1;
    for (;;) {
        unsigned tok;
        struct part *leaf = w->leaf;

        if (cu->pos >= cu->end)
            return in_el ? -1 : 0;
        if (step(w) != 0)
            return -1;
        tok = w->c[cu->pos];
        switch (tok & ~TOK_MORE) {
        case TOK_EOF:
            if (in_el)
                return -1;
            cu->pos++;
            return 0;
        case TOK_END:
            if (!in_el)
                return -1;
            cu->pos++;
            return 0;
        case TOK_OPEN:
            if (leaf)
                return -1; /* markup inside a captured value */
            if (walk_element(w, cu, xdepth) != 0)
                return -1;
            w->leaf = leaf;
            if (roots)
                ++*roots;
            break;
        case TOK_VALUE:
            if (!in_el || static_text(w, cu, leaf, 0) != 0)
                return -1;
            break;
        case TOK_SUB:
        case TOK_OPTSUB:
            if ((tok & TOK_MORE) || !in_el)
                return -1;
            if (!leaf && xdepth == 1 && w->base == 0) { /* in <Event>: maybe the sections' value */
                struct part p;
                memset(&p, 0, sizeof p);
                if (w->t->nested_sub >= 0 || sub_token(w, cu, &p) != 0 || add_action(w, DX_NESTED, &p, 0, 0) != 0)
                    return -1;
                w->t->nested_sub = p.sub;
                break;
            }
            if (sub_token(w, cu, leaf) != 0)
                return -1;
            break;
        case TOK_FRAGMENT:
            if (need(cu, 4) != 0)
                return -1;
            cu->pos += 4;
            break;
        default: return -1;
        }
    }
}

static int cmp_ref(const void *a, const void *b)
{
    const dx_ref *x = a, *y = b;
    return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* Sorts the references and counts each substitution once. */
static void merge_refs(binxml_tpl *t)
{
    size_t i, o = 0;
    if (t->nref)
        qsort(t->ref, t->nref, sizeof *t->ref, cmp_ref);
    for (i = 0; i < t->nref; i++) {
        if (o && t->ref[o - 1].sub == t->ref[i].sub)
            t->ref[o - 1].count++;
        else
            t->ref[o++] = t->ref[i];
    }
    t->nref = o;
}

/* 1 when the nested value's substitution is rendered nowhere else. */
static int nested_alone(const binxml_tpl *t)
{
    for (size_t i = 0; i < t->nref; i++)
        if (t->ref[i].sub == (uint32_t)t->nested_sub)
            return t->ref[i].count == 1;
    return 0;
}

int binxml_tpl_compile(binxml_tpl *t, const uint8_t *c, size_t clen, uint32_t def_off, int base,
                       uint64_t step_room, uint64_t *spent)
{
    struct cw w;
    struct cur cu;
    unsigned roots = 0;
    size_t dsize;

    memset(t, 0, sizeof *t);
    memset(&w, 0, sizeof w);
    t->def_off = def_off;
    t->base = base;
    t->nested_sub = -1;
    t->id_act = -1;
    w.base = base;
    w.c = c;
    w.clen = clen;
    w.t = t;
    w.room = step_room;
    *spent = 0;
    if (def_off > clen || clen - def_off < 24)
        return 0;
    dsize = rd32(c + def_off + 20);
    if (clen - def_off - 24 < dsize)
        return 0;
    cu.pos = def_off + 24;
    cu.end = cu.pos + dsize;
    if (walk_content(&w, &cu, base, 0, &roots) == 0 && !w.tmp.failed &&
        (base ? roots >= 1 && w.nid == 0 : roots == 1 && w.nid == 1)) {
        merge_refs(t);
        t->steps = w.steps;
        t->ok = t->nested_sub < 0 || nested_alone(t);
    }
    *spent = w.steps;
    binxml_buf_free(&w.tmp);
    binxml_buf_free(&w.tmp2);
    return w.oom ? -1 : 0;
}

void binxml_tpl_free(binxml_tpl *t)
{
    free(t->act);
    free(t->ref);
    free(t->str);
    memset(t, 0, sizeof *t);
}
