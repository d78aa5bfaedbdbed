/*
 * inventory_pack.c - the decoy inventory packed for reading (adseed_pack): what decoysvc keeps
 * in memory. Loading validates exactly as adseed_inventory_load does (same streaming parser, same
 * errors); each valid entry is then packed into one arena and its adseed_decoy freed, so only
 * one entry is ever unpacked while the file is read.
 *
 * Layout: decoy i is the record at arena + off[i]:
 *   u8 kind, u8 nspns, u8 nbreadcrumbs, u16 present (bit per optional field), name NUL,
 *   then the present fields in field order: strings that repeat across decoys (domain, memo,
 *   location, owner, runbook, created, created_by) as a 4-byte offset of one interned copy, the
 *   GUID as its 16 bytes (canonical text) or as text, the others as NUL-terminated text;
 *   then the SPNs; then each breadcrumb: u8 kind, u8 present, its strings the same way.
 * A record costs its text plus 5 bytes (and 4 for off[i]); a string shared by every decoy, such
 * as a memo, 4 bytes each. adseed_pack_decoy unpacks a record into a caller's view whose strings
 * point into the arena.
 */
#include "adseed/inventory_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MAX ((size_t)UINT32_MAX) /* offsets are 32-bit */

enum { /* "present" bits of a decoy record */
       P_DOMAIN = 1 << 0,
       P_SID = 1 << 1,
       P_GUID = 1 << 2,
       P_GUID_TEXT = 1 << 3,
       P_DN = 1 << 4,
       P_MEMO = 1 << 5,
       P_LOCATION = 1 << 6,
       P_OWNER = 1 << 7,
       P_RUNBOOK = 1 << 8,
       P_CREATED = 1 << 9,
       P_CREATED_BY = 1 << 10,
       P_RETIRED = 1 << 11,
};
enum { /* of a breadcrumb */
       B_ID = 1 << 0,
       B_LOCATION = 1 << 1,
       B_PLANTED = 1 << 2,
       B_PLANTED_BY = 1 << 3,
       B_FINGERPRINT = 1 << 4,
       B_REMOVED = 1 << 5,
};

struct adseed_pack {
    unsigned char *arena;
    size_t len, cap;
    uint32_t *off; /* record of decoy i */
    size_t n, ncap;
    uint32_t *intern; /* while building: offsets + 1 of the interned strings, open addressing */
    size_t nintern, intern_slots;
};

adseed_pack *inventory_pack_new(void) { return calloc(1, sizeof(adseed_pack)); }

void adseed_pack_free(adseed_pack *p)
{
    if (!p)
        return;
    free(p->arena);
    free(p->off);
    free(p->intern);
    free(p);
}

size_t adseed_pack_count(const adseed_pack *p) { return p ? p->n : 0; }

/* ---- building --------------------------------------------------------------------------------- */
static int reserve(adseed_pack *p, size_t more)
{
    size_t ncap = p->cap ? p->cap : 4096;
    unsigned char *a;
    if (more > ARENA_MAX - p->len)
        return -1;
    if (p->len + more <= p->cap)
        return 0;
    while (ncap < p->len + more)
        ncap *= 2;
    if (ncap > ARENA_MAX)
        ncap = ARENA_MAX;
    if (!(a = realloc(p->arena, ncap)))
        return -1;
    p->arena = a;
    p->cap = ncap;
    return 0;
}

static void put_bytes(adseed_pack *p, const void *b, size_t n)
{
    memcpy(p->arena + p->len, b, n);
    p->len += n;
}

static size_t str_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return (size_t)h;
}

static int intern_grow(adseed_pack *p)
{
    size_t n = p->intern_slots ? p->intern_slots * 2 : 256;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < p->intern_slots; i++) {
        size_t j;
        if (!p->intern[i])
            continue;
        for (j = str_hash((char *)p->arena + p->intern[i] - 1) & (n - 1); s[j]; j = (j + 1) & (n - 1))
            ;
        s[j] = p->intern[i];
    }
    free(p->intern);
    p->intern = s;
    p->intern_slots = n;
    return 0;
}

/* The arena offset of a copy of s, shared with every equal string interned before; -1 when full. */
static int intern(adseed_pack *p, const char *s, uint32_t *off)
{
    size_t i, n = strlen(s) + 1;
    if ((p->nintern + 1) * 2 > p->intern_slots && intern_grow(p) != 0)
        return -1;
    for (i = str_hash(s) & (p->intern_slots - 1); p->intern[i]; i = (i + 1) & (p->intern_slots - 1)) {
        if (strcmp((char *)p->arena + p->intern[i] - 1, s) == 0) {
            *off = p->intern[i] - 1;
            return 0;
        }
    }
    if (reserve(p, n) != 0 || p->len + 1 > ARENA_MAX)
        return -1;
    *off = (uint32_t)p->len;
    p->intern[i] = (uint32_t)p->len + 1;
    p->nintern++;
    put_bytes(p, s, n);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "259162f1-58e4-4ee9-9b9c-2baf2a03d376" (lower case) -> 16 bytes in text order; -1 otherwise. */
static int guid_pack(const char *g, unsigned char out[16])
{
    size_t k = 0;
    if (strlen(g) != 36)
        return -1;
    for (size_t i = 0; i < 36; i++) {
        int hi, lo;
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (g[i] != '-')
                return -1;
            continue;
        }
        if ((hi = hexval(g[i])) < 0 || (lo = hexval(g[i + 1])) < 0)
            return -1;
        out[k++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    return 0;
}

static void guid_unpack(const unsigned char *b, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10)
            out[o++] = '-';
        out[o++] = hex[b[k] >> 4];
        out[o++] = hex[b[k] & 15];
    }
    out[o] = '\0';
}

/* One value of a record, measured (size) or written (p != NULL after reserve). */
typedef struct field {
    const char *s;
    int interned;
    uint32_t off;
} field;

static size_t field_size(const field *f) { return f->interned ? 4 : strlen(f->s) + 1; }

static void field_put(adseed_pack *p, const field *f)
{
    if (f->interned)
        put_bytes(p, &f->off, 4);
    else
        put_bytes(p, f->s, strlen(f->s) + 1);
}

/* Appends the present values of vals to fs (interning the shared ones) and sets their bits in
 * *present; -1 when the arena is full or out of memory. */
static int collect(adseed_pack *p, const char *const *vals, const int *shared, const unsigned *bits,
                   size_t nvals, field *fs, size_t *nfs, unsigned *present)
{
    for (size_t i = 0; i < nvals; i++) {
        field f = {vals[i], shared[i], 0};
        if (!vals[i])
            continue;
        if (shared[i] && intern(p, vals[i], &f.off) != 0)
            return -1;
        fs[(*nfs)++] = f;
        *present |= bits[i];
    }
    return 0;
}

int inventory_pack_append(adseed_pack *p, const adseed_decoy *d)
{
    const char *const vals[] = {d->domain, d->sid,     d->dn,      d->memo,       d->location,
                                d->owner,  d->runbook, d->created, d->created_by, d->retired};
    static const int shared[] = {1, 0, 0, 1, 1, 1, 1, 1, 1, 0};
    static const unsigned bits[] = {P_DOMAIN, P_SID,     P_DN,      P_MEMO,       P_LOCATION,
                                    P_OWNER,  P_RUNBOOK, P_CREATED, P_CREATED_BY, P_RETIRED};
    field fs[16 + ADSEED_MAX_SPNS + ADSEED_MAX_BREADCRUMBS * 6];
    unsigned char bcmeta[ADSEED_MAX_BREADCRUMBS][2], guid[16], head[5];
    size_t nfs = 0, size = 5 + strlen(d->name) + 1, nbc = d->nbreadcrumbs, nf_decoy;
    unsigned present = 0;
    int guid_bin = 0;

    if (d->nspns > ADSEED_MAX_SPNS || nbc > ADSEED_MAX_BREADCRUMBS)
        return -1;
    if (collect(p, vals, shared, bits, sizeof vals / sizeof vals[0], fs, &nfs, &present) != 0)
        return -1;
    if (d->guid) {
        guid_bin = guid_pack(d->guid, guid) == 0;
        present |= guid_bin ? P_GUID : P_GUID_TEXT;
        size += guid_bin ? 16 : strlen(d->guid) + 1;
    }
    nf_decoy = nfs;
    for (size_t i = 0; i < d->nspns; i++)
        fs[nfs++] = (field){d->spns[i] ? d->spns[i] : "", 0, 0};
    for (size_t b = 0; b < nbc; b++) {
        const adseed_breadcrumb *bc = &d->breadcrumbs[b];
        const char *const bv[] = {bc->id,         bc->location,    bc->planted,
                                  bc->planted_by, bc->fingerprint, bc->removed};
        static const int bshared[] = {0, 1, 1, 1, 0, 1};
        static const unsigned bbits[] = {B_ID, B_LOCATION, B_PLANTED, B_PLANTED_BY, B_FINGERPRINT, B_REMOVED};
        unsigned bp = 0;
        if (collect(p, bv, bshared, bbits, 6, fs, &nfs, &bp) != 0)
            return -1;
        bcmeta[b][0] = (unsigned char)bc->kind;
        bcmeta[b][1] = (unsigned char)bp;
        size += 2;
    }
    for (size_t i = 0; i < nfs; i++)
        size += field_size(&fs[i]);
    if (p->n == p->ncap) {
        size_t nc = p->ncap ? p->ncap * 2 : 64;
        uint32_t *o = realloc(p->off, nc * sizeof *o);
        if (!o)
            return -1;
        p->off = o;
        p->ncap = nc;
    }
    if (reserve(p, size) != 0)
        return -1;
    p->off[p->n++] = (uint32_t)p->len;
    head[0] = (unsigned char)d->kind;
    head[1] = (unsigned char)d->nspns;
    head[2] = (unsigned char)nbc;
    head[3] = (unsigned char)(present & 0xff);
    head[4] = (unsigned char)(present >> 8);
    put_bytes(p, head, 5);
    put_bytes(p, d->name, strlen(d->name) + 1);
    /* decoy fields in the order of vals[], the GUID after the SID */
    for (size_t i = 0, f = 0; i < sizeof vals / sizeof vals[0]; i++) {
        if (vals[i])
            field_put(p, &fs[f++]);
        if (bits[i] == P_SID && guid_bin)
            put_bytes(p, guid, 16);
        else if (bits[i] == P_SID && d->guid)
            put_bytes(p, d->guid, strlen(d->guid) + 1);
    }
    for (size_t i = 0; i < d->nspns; i++)
        field_put(p, &fs[nf_decoy + i]);
    for (size_t b = 0, i = nf_decoy + d->nspns; b < nbc; b++) {
        put_bytes(p, bcmeta[b], 2);
        for (unsigned m = bcmeta[b][1]; m; m &= m - 1) /* one field per present bit */
            field_put(p, &fs[i++]);
    }
    return 0;
}

/* Building is over: the intern table goes, the arrays shrink to their size. */
void inventory_pack_done(adseed_pack *p)
{
    free(p->intern);
    p->intern = NULL;
    p->nintern = p->intern_slots = 0;
    if (p->len && p->len < p->cap) {
        unsigned char *a = realloc(p->arena, p->len);
        if (a) {
            p->arena = a;
            p->cap = p->len;
        }
    }
    if (p->n && p->n < p->ncap) {
        uint32_t *o = realloc(p->off, p->n * sizeof *o);
        if (o) {
            p->off = o;
            p->ncap = p->n;
        }
    }
}

/* ---- reading ---------------------------------------------------------------------------------- */
const char *inventory_pack_name(const adseed_pack *p, size_t i)
{
    return (const char *)p->arena + p->off[i] + 5;
}

typedef struct cursor {
    const adseed_pack *p;
    const unsigned char *c;
} cursor;

/* The arena is never written once built: the views' char * point into it but are handed out
 * as const adseed_decoy. */
static char *next_text(cursor *k)
{
    char *s = (char *)k->c;
    k->c += strlen(s) + 1;
    return s;
}

static char *next_shared(cursor *k)
{
    uint32_t off;
    memcpy(&off, k->c, 4);
    k->c += 4;
    return (char *)k->p->arena + off;
}

static char *next_opt(cursor *k, unsigned present, unsigned bit, int shared)
{
    if (!(present & bit))
        return NULL;
    return shared ? next_shared(k) : next_text(k);
}

const adseed_decoy *adseed_pack_decoy(const adseed_pack *p, size_t i, adseed_decoy_view *v)
{
    cursor k = {p, p->arena + p->off[i]};
    adseed_decoy *d = &v->decoy;
    unsigned present;

    memset(d, 0, sizeof *d);
    d->kind = (adseed_kind)k.c[0];
    d->nspns = k.c[1];
    d->nbreadcrumbs = k.c[2];
    present = (unsigned)k.c[3] | (unsigned)k.c[4] << 8;
    k.c += 5;
    d->name = next_text(&k);
    d->domain = next_opt(&k, present, P_DOMAIN, 1);
    d->sid = next_opt(&k, present, P_SID, 0);
    if (present & P_GUID) {
        guid_unpack(k.c, v->guid);
        d->guid = v->guid;
        k.c += 16;
    }
    d->guid = present & P_GUID_TEXT ? next_text(&k) : d->guid;
    d->dn = next_opt(&k, present, P_DN, 0);
    d->memo = next_opt(&k, present, P_MEMO, 1);
    d->location = next_opt(&k, present, P_LOCATION, 1);
    d->owner = next_opt(&k, present, P_OWNER, 1);
    d->runbook = next_opt(&k, present, P_RUNBOOK, 1);
    d->created = next_opt(&k, present, P_CREATED, 1);
    d->created_by = next_opt(&k, present, P_CREATED_BY, 1);
    d->retired = next_opt(&k, present, P_RETIRED, 0);
    for (size_t s = 0; s < d->nspns; s++)
        d->spns[s] = next_text(&k);
    d->breadcrumbs = d->nbreadcrumbs ? v->breadcrumbs : NULL;
    for (size_t b = 0; b < d->nbreadcrumbs; b++) {
        adseed_breadcrumb *bc = &v->breadcrumbs[b];
        unsigned bp = k.c[1];
        bc->kind = (adseed_lure)k.c[0];
        k.c += 2;
        bc->id = next_opt(&k, bp, B_ID, 0);
        bc->location = next_opt(&k, bp, B_LOCATION, 1);
        bc->planted = next_opt(&k, bp, B_PLANTED, 1);
        bc->planted_by = next_opt(&k, bp, B_PLANTED_BY, 1);
        bc->fingerprint = next_opt(&k, bp, B_FINGERPRINT, 0);
        bc->removed = next_opt(&k, bp, B_REMOVED, 1);
    }
    return d;
}
