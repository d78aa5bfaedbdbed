/*
 * decoy_index.c - hash tables (open addressing, linear probing, FNV-1a) from every identifier an
 * event may use for a decoy to the decoy: lower-cased account name (and the name without a
 * trailing '$'), upper-cased SID, lower-cased objectGUID without braces, lower-cased SPN (without
 * "@REALM") and lower-cased DN. Queries are normalised the same way into a stack buffer, so a
 * lookup costs one hash and a probe or two whatever the number of decoys, and never allocates.
 *
 * Memory: a slot is 8 bytes, {32-bit hash tag, reference}, and holds no copy of its key. The
 * reference names the decoy (its position in the inventory) and which of its values the key was
 * made from (the name or the name without '$'; which SPN). On a tag match the lookup normalises
 * that value of the decoy again and compares, so a slot matches exactly the queries its key does.
 * Each table is sized once, before any insertion, for the keys it really holds, at a load <= 3/4.
 */
#include "svc/detect/decoy_index.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/hash.h"

#define KEY_MAX 2048 /* longer queries cannot match: inventory values are shorter */

/* ref = (position in the inventory + 1) << FORM_BITS | form; 0 marks an empty slot. */
#define FORM_BITS 4
#define FORM_MASK ((1u << FORM_BITS) - 1)
#define REF_MAX_DECOYS ((size_t)(UINT32_MAX >> FORM_BITS) - 1)
#define FORM_NAME_NO_DOLLAR 1 /* name table: the name without its trailing '$' */

typedef enum { K_NAME, K_SID, K_GUID, K_SPN, K_DN } key_kind;

typedef struct ix_slot {
    uint32_t tag; /* high 32 bits of the key's 64-bit hash; the low bits choose the home slot */
    uint32_t ref;
} ix_slot;

typedef struct ix_table {
    ix_slot *slots;
    size_t cap, n; /* cap is 0 or a power of two, n <= cap * 3 / 4 */
    key_kind kind;
} ix_table;

struct decoy_index {
    const adseed_decoy *decoys; /* the inventory's array */
    ix_table name, sid, guid, spn, dn;
    size_t count;
};

#if ADSEED_MAX_SPNS > (1 << FORM_BITS)
#error "FORM_BITS too small for ADSEED_MAX_SPNS"
#endif

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }

/* ---- normalisation (shared by build and lookup); returns the length or 0 when unusable ---- */
static size_t norm_copy(char *out, const char *s, size_t len, int up)
{
    out[0] = '\0';
    if (len == 0 || len >= KEY_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        out[i] = up ? upper(s[i]) : lower(s[i]);
    out[len] = '\0';
    return len;
}

/* An account name as events write it -> the bare name: "DOMAIN\name", "name@REALM" and Heimdal's
 * escaped enterprise principal "name\@upn.suffix@REALM" (Samba's KDC log) all give "name". A
 * backslash before '@' is that escape, any other one ends a DOMAIN\ prefix. */
static size_t norm_name(char *out, const char *s, size_t len)
{
    size_t start = 0, end, i;
    for (i = 0; i < len; i++)
        if (s[i] == '\\' && !(i + 1 < len && s[i + 1] == '@'))
            start = i + 1;
    for (end = start; end < len && s[end] != '@'; end++)
        ;
    if (end < len && end > start && s[end - 1] == '\\')
        end--;
    return norm_copy(out, s + start, end - start, 0);
}

/* "svc$" -> "svc" in place; 0 when the name has no trailing '$' to drop. */
static size_t strip_dollar(char *k, size_t n)
{
    if (n > 1 && k[n - 1] == '$') {
        k[--n] = '\0';
        return n;
    }
    return 0;
}

static size_t norm_guid(char *out, const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '%' && s[1] == '{') {
        s++;
        len--;
    }
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
        s++;
        len -= 2;
    }
    out[0] = '\0';
    return len == 36 ? norm_copy(out, s, len, 0) : 0;
}

static size_t norm_spn(char *out, const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    return norm_copy(out, s, at ? (size_t)(at - s) : len, 0);
}

/* The normalised key of one value of a decoy: kind and form say which value. 0 when none. */
static size_t decoy_key(char *out, const adseed_decoy *d, key_kind kind, unsigned form)
{
    size_t n;
    out[0] = '\0';
    switch (kind) {
    case K_NAME:
        n = d->name ? norm_name(out, d->name, strlen(d->name)) : 0;
        return form == FORM_NAME_NO_DOLLAR ? strip_dollar(out, n) : n;
    case K_SID:
        return d->sid ? norm_copy(out, d->sid, strlen(d->sid), 1) : 0;
    case K_GUID:
        return d->guid ? norm_guid(out, d->guid) : 0;
    case K_SPN:
        return form < d->nspns && d->spns[form] ? norm_spn(out, d->spns[form], strlen(d->spns[form])) : 0;
    case K_DN:
    default:
        return d->dn ? norm_copy(out, d->dn, strlen(d->dn), 0) : 0;
    }
}

/* ---- table ------------------------------------------------------------------------------- */
/* Room for n keys at a load <= 3/4 (no table at all for none). */
static int table_init(ix_table *t, key_kind kind, size_t n)
{
    size_t cap = 8;
    memset(t, 0, sizeof *t);
    t->kind = kind;
    if (n == 0)
        return 0;
    while (cap / 4 * 3 < n)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    return t->slots ? 0 : -1;
}

static void table_free(ix_table *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static const adseed_decoy *slot_decoy(const decoy_index *ix, uint32_t ref)
{
    return &ix->decoys[(ref >> FORM_BITS) - 1];
}

/* Does the slot's key equal key? The key is rebuilt from the decoy it refers to. */
static int slot_matches(const decoy_index *ix, const ix_table *t, uint32_t ref, const char *key, size_t len)
{
    char k[KEY_MAX];
    return decoy_key(k, slot_decoy(ix, ref), t->kind, ref & FORM_MASK) == len && memcmp(k, key, len) == 0;
}

static const adseed_decoy *table_get(const decoy_index *ix, const ix_table *t, const char *key, size_t len)
{
    uint64_t h;
    uint32_t tag;
    size_t i;
    if (!len || !t->cap)
        return NULL;
    h = hash_fnv1a(key, len);
    tag = (uint32_t)(h >> 32);
    for (i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        const ix_slot *s = &t->slots[i];
        if (!s->ref)
            return NULL;
        if (s->tag == tag && slot_matches(ix, t, s->ref, key, len))
            return slot_decoy(ix, s->ref);
    }
}

/* Adds key -> (decoy at pos, form) unless the key is present (first decoy wins). The table was
 * sized for every key, so it always has room; -1 only if it was not. */
static int table_put(decoy_index *ix, ix_table *t, const char *key, size_t len, size_t pos, unsigned form)
{
    uint64_t h;
    size_t i;
    if (!len || table_get(ix, t, key, len))
        return 0;
    if ((t->n + 1) * 4 > t->cap * 3)
        return -1;
    h = hash_fnv1a(key, len);
    for (i = (size_t)h & (t->cap - 1); t->slots[i].ref; i = (i + 1) & (t->cap - 1))
        ;
    t->slots[i].tag = (uint32_t)(h >> 32);
    t->slots[i].ref = (uint32_t)((pos + 1) << FORM_BITS) | form;
    t->n++;
    return 0;
}

static int indexed(const adseed_decoy *d) { return !d->retired && d->name; }

/* Keys each table will hold at most (duplicates are counted, then skipped by table_put). */
static void count_keys(const adseed_inventory *inv, size_t n[5])
{
    char k[KEY_MAX];
    memset(n, 0, 5 * sizeof n[0]);
    for (size_t i = 0; i < inv->ndecoys; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        if (!indexed(d))
            continue;
        n[K_NAME] += 1 + (strip_dollar(k, norm_name(k, d->name, strlen(d->name))) ? 1 : 0);
        n[K_SID] += d->sid ? 1 : 0;
        n[K_GUID] += d->guid ? 1 : 0;
        n[K_SPN] += d->nspns;
        n[K_DN] += d->dn ? 1 : 0;
    }
}

static int index_decoy(decoy_index *ix, size_t pos)
{
    const adseed_decoy *d = &ix->decoys[pos];
    char k[KEY_MAX];
    size_t n;
    int rc = 0;

    n = norm_name(k, d->name, strlen(d->name));
    rc |= table_put(ix, &ix->name, k, n, pos, 0);
    n = strip_dollar(k, n);
    rc |= table_put(ix, &ix->name, k, n, pos, FORM_NAME_NO_DOLLAR);
    rc |= table_put(ix, &ix->sid, k, decoy_key(k, d, K_SID, 0), pos, 0);
    rc |= table_put(ix, &ix->guid, k, decoy_key(k, d, K_GUID, 0), pos, 0);
    rc |= table_put(ix, &ix->dn, k, decoy_key(k, d, K_DN, 0), pos, 0);
    for (size_t i = 0; i < d->nspns && i < ADSEED_MAX_SPNS; i++)
        rc |= table_put(ix, &ix->spn, k, decoy_key(k, d, K_SPN, (unsigned)i), pos, (unsigned)i);
    return rc;
}

decoy_index *decoy_index_build(const adseed_inventory *inv, char *err, size_t errlen)
{
    decoy_index *ix = NULL;
    size_t nkeys[5];

    if (inv->ndecoys > REF_MAX_DECOYS) {
        snprintf(err, errlen, "decoy index: %zu decoys, at most %zu supported", inv->ndecoys,
                 REF_MAX_DECOYS);
        return NULL;
    }
    count_keys(inv, nkeys);
    ix = calloc(1, sizeof *ix);
    if (!ix || table_init(&ix->name, K_NAME, nkeys[K_NAME]) || table_init(&ix->sid, K_SID, nkeys[K_SID]) ||
        table_init(&ix->guid, K_GUID, nkeys[K_GUID]) || table_init(&ix->spn, K_SPN, nkeys[K_SPN]) ||
        table_init(&ix->dn, K_DN, nkeys[K_DN]))
        goto oom;
    ix->decoys = inv->decoys;
    for (size_t i = 0; i < inv->ndecoys; i++) {
        if (!indexed(&inv->decoys[i]))
            continue;
        if (index_decoy(ix, i) != 0)
            goto oom;
        ix->count++;
    }
    return ix;
oom:
    snprintf(err, errlen, "decoy index: out of memory (%zu decoys)", inv->ndecoys);
    decoy_index_free(ix);
    return NULL;
}

void decoy_index_free(decoy_index *ix)
{
    if (!ix)
        return;
    table_free(&ix->name);
    table_free(&ix->sid);
    table_free(&ix->guid);
    table_free(&ix->spn);
    table_free(&ix->dn);
    free(ix);
}

size_t decoy_index_count(const decoy_index *ix) { return ix ? ix->count : 0; }

const adseed_decoy *decoy_index_by_name(const decoy_index *ix, const char *name)
{
    return name ? decoy_index_by_name_n(ix, name, strlen(name)) : NULL;
}

const adseed_decoy *decoy_index_by_name_n(const decoy_index *ix, const char *name, size_t len)
{
    char k[KEY_MAX];
    size_t n;
    const adseed_decoy *d;
    if (!ix || !name)
        return NULL;
    n = norm_name(k, name, len);
    d = table_get(ix, &ix->name, k, n);
    if (!d && (n = strip_dollar(k, n)) != 0)
        d = table_get(ix, &ix->name, k, n);
    return d;
}

const adseed_decoy *decoy_index_by_sid(const decoy_index *ix, const char *sid)
{
    return sid ? decoy_index_by_sid_n(ix, sid, strlen(sid)) : NULL;
}

const adseed_decoy *decoy_index_by_sid_n(const decoy_index *ix, const char *sid, size_t len)
{
    char k[KEY_MAX];
    if (!ix || !sid)
        return NULL;
    return table_get(ix, &ix->sid, k, norm_copy(k, sid, len, 1));
}

const adseed_decoy *decoy_index_by_guid(const decoy_index *ix, const char *guid)
{
    char k[KEY_MAX];
    if (!ix || !guid)
        return NULL;
    return table_get(ix, &ix->guid, k, norm_guid(k, guid));
}

const adseed_decoy *decoy_index_by_spn(const decoy_index *ix, const char *spn)
{
    return spn ? decoy_index_by_spn_n(ix, spn, strlen(spn)) : NULL;
}

const adseed_decoy *decoy_index_by_spn_n(const decoy_index *ix, const char *spn, size_t len)
{
    char k[KEY_MAX];
    if (!ix || !spn)
        return NULL;
    return table_get(ix, &ix->spn, k, norm_spn(k, spn, len));
}

const adseed_decoy *decoy_index_by_dn(const decoy_index *ix, const char *dn)
{
    char k[KEY_MAX];
    if (!ix || !dn)
        return NULL;
    return table_get(ix, &ix->dn, k, norm_copy(k, dn, strlen(dn), 0));
}
