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
 * Each table is sized once, before any insertion, for the keys it really holds, at a load <= 3/4
 * (any size: the home slot is the hash scaled to the table, not masked), about 11 bytes a key.
 *
 * The decoys are those of an adseed_inventory (its entries are what the by_* lookups return) or
 * of an adseed_pack (decoysvc: a decoy is unpacked into the caller's view when it is needed).
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

typedef decoy_key_kind key_kind;
#define K_NAME DECOY_KEY_NAME
#define K_SID DECOY_KEY_SID
#define K_GUID DECOY_KEY_GUID
#define K_SPN DECOY_KEY_SPN
#define K_DN DECOY_KEY_DN

typedef struct ix_slot {
    uint32_t tag; /* high 32 bits of the key's 64-bit hash; the low bits choose the home slot */
    uint32_t ref;
} ix_slot;

typedef struct ix_table {
    ix_slot *slots;
    size_t cap, n; /* n <= cap * 3 / 4, cap < 2^32 */
    key_kind kind;
} ix_table;

struct decoy_index {
    const adseed_decoy *decoys; /* the inventory's array, or NULL */
    const adseed_pack *pack;    /* or the pack */
    size_t ndecoys;
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

static size_t norm_guid(char *out, const char *s, size_t len)
{
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
    if (!d)
        return 0;
    switch (kind) {
    case K_NAME:
        n = d->name ? norm_name(out, d->name, strlen(d->name)) : 0;
        return form == FORM_NAME_NO_DOLLAR ? strip_dollar(out, n) : n;
    case K_SID: return d->sid ? norm_copy(out, d->sid, strlen(d->sid), 1) : 0;
    case K_GUID: return d->guid ? norm_guid(out, d->guid, strlen(d->guid)) : 0;
    case K_SPN:
        return form < d->nspns && d->spns[form] ? norm_spn(out, d->spns[form], strlen(d->spns[form])) : 0;
    case K_DN:
    default: return d->dn ? norm_copy(out, d->dn, strlen(d->dn), 0) : 0;
    }
}

/* ---- table ------------------------------------------------------------------------------- */
/* Room for n keys at a load <= 3/4 (no table at all for none). */
static int table_init(ix_table *t, key_kind kind, size_t n)
{
    size_t cap = n / 3 * 4 + n % 3 * 2 + 2; /* >= n * 4 / 3 + 1 */
    memset(t, 0, sizeof *t);
    t->kind = kind;
    if (n == 0)
        return 0;
    if (n > (size_t)UINT32_MAX / 2)
        return -1;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    return t->slots ? 0 : -1;
}

static void table_free(ix_table *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

const adseed_decoy *decoy_index_decoy(const decoy_index *ix, size_t pos, adseed_decoy_view *view)
{
    if (!ix || pos >= ix->ndecoys)
        return NULL;
    if (ix->pack)
        return view ? adseed_pack_decoy(ix->pack, pos, view) : NULL;
    return &ix->decoys[pos];
}

static size_t slot_pos(uint32_t ref) { return (ref >> FORM_BITS) - 1; }

/* Does the slot's key equal key? The key is rebuilt from the decoy it refers to. */
static int slot_matches(const decoy_index *ix, const ix_table *t, uint32_t ref, const char *key, size_t len)
{
    char k[KEY_MAX];
    adseed_decoy_view v;
    const adseed_decoy *d = decoy_index_decoy(ix, slot_pos(ref), &v);
    return decoy_key(k, d, t->kind, ref & FORM_MASK) == len && memcmp(k, key, len) == 0;
}

static size_t home(const ix_table *t, uint64_t h) { return (size_t)(((h & 0xffffffffu) * t->cap) >> 32); }

static size_t table_get(const decoy_index *ix, const ix_table *t, const char *key, size_t len)
{
    uint64_t h;
    uint32_t tag;
    size_t i;
    if (!len || !t->cap)
        return DECOY_INDEX_NONE;
    h = hash_fnv1a(key, len);
    tag = (uint32_t)(h >> 32);
    for (i = home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        const ix_slot *s = &t->slots[i];
        if (!s->ref)
            return DECOY_INDEX_NONE;
        if (s->tag == tag && slot_matches(ix, t, s->ref, key, len))
            return slot_pos(s->ref);
    }
}

/* Adds key -> (decoy at pos, form) unless the key is present (first decoy wins). The table was
 * sized for every key, so it always has room; -1 only if it was not. */
static int table_put(decoy_index *ix, ix_table *t, const char *key, size_t len, size_t pos, unsigned form)
{
    uint64_t h;
    size_t i;
    if (!len || table_get(ix, t, key, len) != DECOY_INDEX_NONE)
        return 0;
    if ((t->n + 1) * 4 > t->cap * 3)
        return -1;
    h = hash_fnv1a(key, len);
    for (i = home(t, h); t->slots[i].ref; i = i + 1 == t->cap ? 0 : i + 1)
        ;
    t->slots[i].tag = (uint32_t)(h >> 32);
    t->slots[i].ref = (uint32_t)((pos + 1) << FORM_BITS) | form;
    t->n++;
    return 0;
}

static int indexed(const adseed_decoy *d) { return d && !d->retired && d->name; }

/* Keys each table will hold at most (duplicates are counted, then skipped by table_put). */
static void count_keys(const decoy_index *ix, size_t n[5])
{
    char k[KEY_MAX];
    adseed_decoy_view v;
    memset(n, 0, 5 * sizeof n[0]);
    for (size_t i = 0; i < ix->ndecoys; i++) {
        const adseed_decoy *d = decoy_index_decoy(ix, i, &v);
        if (!indexed(d))
            continue;
        n[K_NAME] += 1 + (strip_dollar(k, norm_name(k, d->name, strlen(d->name))) ? 1 : 0);
        n[K_SID] += d->sid ? 1 : 0;
        n[K_GUID] += d->guid ? 1 : 0;
        n[K_SPN] += d->nspns;
        n[K_DN] += d->dn ? 1 : 0;
    }
}

/* Indexes the decoy at pos; 1 when it was (not retired), -1 when a table was too small. */
static int index_decoy(decoy_index *ix, size_t pos)
{
    adseed_decoy_view v;
    const adseed_decoy *d = decoy_index_decoy(ix, pos, &v);
    char k[KEY_MAX];
    size_t n;
    int rc = 0;

    if (!indexed(d))
        return 0;
    n = norm_name(k, d->name, strlen(d->name));
    rc |= table_put(ix, &ix->name, k, n, pos, 0);
    n = strip_dollar(k, n);
    rc |= table_put(ix, &ix->name, k, n, pos, FORM_NAME_NO_DOLLAR);
    rc |= table_put(ix, &ix->sid, k, decoy_key(k, d, K_SID, 0), pos, 0);
    rc |= table_put(ix, &ix->guid, k, decoy_key(k, d, K_GUID, 0), pos, 0);
    rc |= table_put(ix, &ix->dn, k, decoy_key(k, d, K_DN, 0), pos, 0);
    for (size_t i = 0; i < d->nspns && i < ADSEED_MAX_SPNS; i++)
        rc |= table_put(ix, &ix->spn, k, decoy_key(k, d, K_SPN, (unsigned)i), pos, (unsigned)i);
    return rc ? -1 : 1;
}

static decoy_index *build(const adseed_decoy *decoys, const adseed_pack *pack, size_t ndecoys, char *err,
                          size_t errlen)
{
    decoy_index *ix = NULL;
    size_t nkeys[5];

    if (ndecoys > REF_MAX_DECOYS) {
        snprintf(err, errlen, "decoy index: %zu decoys, at most %zu supported", ndecoys, REF_MAX_DECOYS);
        return NULL;
    }
    ix = calloc(1, sizeof *ix);
    if (!ix)
        goto oom;
    ix->decoys = decoys;
    ix->pack = pack;
    ix->ndecoys = ndecoys;
    count_keys(ix, nkeys);
    if (table_init(&ix->name, K_NAME, nkeys[K_NAME]) || table_init(&ix->sid, K_SID, nkeys[K_SID]) ||
        table_init(&ix->guid, K_GUID, nkeys[K_GUID]) || table_init(&ix->spn, K_SPN, nkeys[K_SPN]) ||
        table_init(&ix->dn, K_DN, nkeys[K_DN]))
        goto oom;
    for (size_t i = 0; i < ndecoys; i++) {
        int rc = index_decoy(ix, i);
        if (rc < 0)
            goto oom;
        ix->count += (size_t)rc;
    }
    return ix;
oom:
    snprintf(err, errlen, "decoy index: out of memory (%zu decoys)", ndecoys);
    decoy_index_free(ix);
    return NULL;
}

decoy_index *decoy_index_build(const adseed_inventory *inv, char *err, size_t errlen)
{
    return build(inv->decoys, NULL, inv->ndecoys, err, errlen);
}

decoy_index *decoy_index_build_pack(const adseed_pack *pack, char *err, size_t errlen)
{
    return build(NULL, pack, adseed_pack_count(pack), err, errlen);
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

size_t decoy_index_find(const decoy_index *ix, decoy_key_kind kind, const char *v, size_t len)
{
    char k[KEY_MAX];
    size_t n, pos;

    if (!ix || !v)
        return DECOY_INDEX_NONE;
    switch (kind) {
    case DECOY_KEY_NAME:
        n = norm_name(k, v, len);
        pos = table_get(ix, &ix->name, k, n);
        if (pos == DECOY_INDEX_NONE && (n = strip_dollar(k, n)) != 0)
            pos = table_get(ix, &ix->name, k, n);
        return pos;
    case DECOY_KEY_SID: return table_get(ix, &ix->sid, k, norm_copy(k, v, len, 1));
    case DECOY_KEY_GUID: return table_get(ix, &ix->guid, k, norm_guid(k, v, len));
    case DECOY_KEY_SPN: return table_get(ix, &ix->spn, k, norm_spn(k, v, len));
    case DECOY_KEY_DN:
    default: return table_get(ix, &ix->dn, k, norm_copy(k, v, len, 0));
    }
}

/* The by_* forms: the inventory's entry (an index over a pack has none to point to: NULL). */
static const adseed_decoy *by(const decoy_index *ix, decoy_key_kind kind, const char *v, size_t len)
{
    return v ? decoy_index_decoy(ix, decoy_index_find(ix, kind, v, len), NULL) : NULL;
}

const adseed_decoy *decoy_index_by_name(const decoy_index *ix, const char *name)
{
    return name ? by(ix, DECOY_KEY_NAME, name, strlen(name)) : NULL;
}

const adseed_decoy *decoy_index_by_name_n(const decoy_index *ix, const char *name, size_t len)
{
    return by(ix, DECOY_KEY_NAME, name, len);
}

const adseed_decoy *decoy_index_by_sid(const decoy_index *ix, const char *sid)
{
    return sid ? by(ix, DECOY_KEY_SID, sid, strlen(sid)) : NULL;
}

const adseed_decoy *decoy_index_by_sid_n(const decoy_index *ix, const char *sid, size_t len)
{
    return by(ix, DECOY_KEY_SID, sid, len);
}

const adseed_decoy *decoy_index_by_guid(const decoy_index *ix, const char *guid)
{
    return guid ? by(ix, DECOY_KEY_GUID, guid, strlen(guid)) : NULL;
}

const adseed_decoy *decoy_index_by_spn(const decoy_index *ix, const char *spn)
{
    return spn ? by(ix, DECOY_KEY_SPN, spn, strlen(spn)) : NULL;
}

const adseed_decoy *decoy_index_by_spn_n(const decoy_index *ix, const char *spn, size_t len)
{
    return by(ix, DECOY_KEY_SPN, spn, len);
}

const adseed_decoy *decoy_index_by_dn(const decoy_index *ix, const char *dn)
{
    return dn ? by(ix, DECOY_KEY_DN, dn, strlen(dn)) : NULL;
}
