/*
 * decoy_index.c - hash tables (open addressing, linear probing, FNV-1a) from every identifier an
 * event may use for a decoy to the decoy: lower-cased account name (and the name without a
 * trailing '$'), upper-cased SID, lower-cased objectGUID without braces, lower-cased SPN (without
 * "@REALM") and lower-cased DN. Queries are normalised the same way into a stack buffer, so a
 * lookup costs one hash and a probe or two whatever the number of decoys, and never allocates.
 */
#include "svc/decoy_index.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 2048 /* longer queries cannot match: inventory values are shorter */

typedef struct ix_entry {
    uint64_t hash;
    char *key; /* NULL = empty slot */
    const adseed_decoy *decoy;
} ix_entry;

typedef struct ix_table {
    ix_entry *slots;
    size_t cap, n; /* cap is a power of two, n <= cap / 2 */
} ix_table;

struct decoy_index {
    ix_table name, sid, guid, spn, dn;
    size_t count;
};

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

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

static size_t norm_name(char *out, const char *s)
{
    const char *bs = strrchr(s, '\\'), *at;
    if (bs)
        s = bs + 1;
    at = strchr(s, '@');
    return norm_copy(out, s, at ? (size_t)(at - s) : strlen(s), 0);
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

static size_t norm_spn(char *out, const char *s)
{
    const char *at = strchr(s, '@');
    return norm_copy(out, s, at ? (size_t)(at - s) : strlen(s), 0);
}

/* ---- table ------------------------------------------------------------------------------- */
static int table_init(ix_table *t, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 1)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = cap;
    t->n = 0;
    return t->slots ? 0 : -1;
}

static void table_free(ix_table *t)
{
    for (size_t i = 0; t->slots && i < t->cap; i++)
        free(t->slots[i].key);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static const adseed_decoy *table_get(const ix_table *t, const char *key, size_t len)
{
    uint64_t h;
    size_t i;
    if (!len || !t->cap)
        return NULL;
    h = fnv1a(key, len);
    for (i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        const ix_entry *e = &t->slots[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e->decoy;
    }
}

/* Adds key -> d unless the key is present (first decoy wins). -1 on allocation failure. */
static int table_put(ix_table *t, const char *key, size_t len, const adseed_decoy *d)
{
    uint64_t h;
    size_t i;
    if (!len || table_get(t, key, len))
        return 0;
    if ((t->n + 1) * 2 > t->cap) {
        ix_table bigger;
        if (table_init(&bigger, t->n + 1) != 0)
            return -1;
        for (size_t j = 0; j < t->cap; j++) {
            ix_entry *e = &t->slots[j];
            if (!e->key)
                continue;
            for (i = (size_t)e->hash & (bigger.cap - 1); bigger.slots[i].key; i = (i + 1) & (bigger.cap - 1))
                ;
            bigger.slots[i] = *e;
            bigger.n++;
        }
        free(t->slots);
        *t = bigger;
    }
    h = fnv1a(key, len);
    for (i = (size_t)h & (t->cap - 1); t->slots[i].key; i = (i + 1) & (t->cap - 1))
        ;
    t->slots[i].key = malloc(len + 1);
    if (!t->slots[i].key)
        return -1;
    memcpy(t->slots[i].key, key, len + 1);
    t->slots[i].hash = h;
    t->slots[i].decoy = d;
    t->n++;
    return 0;
}

static int index_decoy(decoy_index *ix, const adseed_decoy *d)
{
    char k[KEY_MAX];
    size_t n;
    int rc = 0;

    n = norm_name(k, d->name);
    rc |= table_put(&ix->name, k, n, d);
    if (n > 1 && k[n - 1] == '$') {
        k[--n] = '\0';
        rc |= table_put(&ix->name, k, n, d);
    }
    if (d->sid)
        rc |= table_put(&ix->sid, k, norm_copy(k, d->sid, strlen(d->sid), 1), d);
    if (d->guid)
        rc |= table_put(&ix->guid, k, norm_guid(k, d->guid), d);
    if (d->dn)
        rc |= table_put(&ix->dn, k, norm_copy(k, d->dn, strlen(d->dn), 0), d);
    for (size_t i = 0; i < d->nspns; i++)
        rc |= table_put(&ix->spn, k, norm_spn(k, d->spns[i]), d);
    return rc;
}

decoy_index *decoy_index_build(const adseed_inventory *inv, char *err, size_t errlen)
{
    decoy_index *ix = calloc(1, sizeof *ix);
    size_t n = inv->ndecoys;

    if (!ix || table_init(&ix->name, n * 2) || table_init(&ix->sid, n) || table_init(&ix->guid, n) ||
        table_init(&ix->spn, n) || table_init(&ix->dn, n))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        if (d->retired || !d->name)
            continue;
        if (index_decoy(ix, d) != 0)
            goto oom;
        ix->count++;
    }
    return ix;
oom:
    snprintf(err, errlen, "decoy index: out of memory (%zu decoys)", n);
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
    char k[KEY_MAX];
    size_t n;
    const adseed_decoy *d;
    if (!ix || !name)
        return NULL;
    n = norm_name(k, name);
    d = table_get(&ix->name, k, n);
    if (!d && n > 1 && k[n - 1] == '$') {
        k[--n] = '\0';
        d = table_get(&ix->name, k, n);
    }
    return d;
}

const adseed_decoy *decoy_index_by_sid(const decoy_index *ix, const char *sid)
{
    char k[KEY_MAX];
    if (!ix || !sid)
        return NULL;
    return table_get(&ix->sid, k, norm_copy(k, sid, strlen(sid), 1));
}

const adseed_decoy *decoy_index_by_guid(const decoy_index *ix, const char *guid)
{
    char k[KEY_MAX];
    if (!ix || !guid)
        return NULL;
    return table_get(&ix->guid, k, norm_guid(k, guid));
}

const adseed_decoy *decoy_index_by_spn(const decoy_index *ix, const char *spn)
{
    char k[KEY_MAX];
    if (!ix || !spn)
        return NULL;
    return table_get(&ix->spn, k, norm_spn(k, spn));
}

const adseed_decoy *decoy_index_by_dn(const decoy_index *ix, const char *dn)
{
    char k[KEY_MAX];
    if (!ix || !dn)
        return NULL;
    return table_get(&ix->dn, k, norm_copy(k, dn, strlen(dn), 0));
}
