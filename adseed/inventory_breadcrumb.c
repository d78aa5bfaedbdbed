/*
 * inventory_breadcrumb.c - the "breadcrumbs" of an inventory entry: the lures (description, GPP
 * Groups.xml, script, cmdkey, unattend.xml) planted with the decoy's password, as
 * [{"id", "kind", "location", "planted", "planted_by", "fingerprint", "removed"}]. Validation is
 * as strict as the rest of the entry and names "breadcrumbs[i].field"; an entry without the array
 * (an inventory written before breadcrumbs existed) has none. Also the deep copy, the JSON form
 * and the lookups used by adseed and decoysvc.
 */
#include "adseed/inventory_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX_LEN 64
#define TEXT_MAX_LEN 4096

static const char *const lure_names[] = {"description", "gpp", "script", "cmdkey", "unattend"};

const char *adseed_lure_name(adseed_lure k)
{
    if ((unsigned)k < sizeof lure_names / sizeof lure_names[0])
        return lure_names[k];
    return "description";
}

int adseed_lure_parse(const char *s, adseed_lure *out)
{
    for (size_t i = 0; s && i < sizeof lure_names / sizeof lure_names[0]; i++) {
        if (strcmp(s, lure_names[i]) == 0) {
            *out = (adseed_lure)i;
            return 0;
        }
    }
    return -1;
}

static void breadcrumb_free(adseed_breadcrumb *b)
{
    free(b->id);
    free(b->location);
    free(b->planted);
    free(b->planted_by);
    free(b->fingerprint);
    free(b->removed);
    memset(b, 0, sizeof *b);
}

void inventory_breadcrumbs_free(adseed_decoy *d)
{
    for (size_t i = 0; i < d->nbreadcrumbs; i++)
        breadcrumb_free(&d->breadcrumbs[i]);
    free(d->breadcrumbs);
    d->breadcrumbs = NULL;
    d->nbreadcrumbs = 0;
}

const adseed_breadcrumb *adseed_decoy_active_breadcrumb(const adseed_decoy *d)
{
    for (size_t i = d->nbreadcrumbs; i > 0; i--)
        if (!d->breadcrumbs[i - 1].removed)
            return &d->breadcrumbs[i - 1];
    return NULL;
}

static int id_eq(const char *a, const char *b)
{
    for (; tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++)
        if (!*a)
            return 1;
    return 0;
}

adseed_breadcrumb *adseed_inventory_find_breadcrumb(adseed_inventory *inv, const char *id, adseed_decoy **owner)
{
    for (size_t i = 0; id && i < inv->ndecoys; i++) {
        adseed_decoy *d = &inv->decoys[i];
        for (size_t j = 0; j < d->nbreadcrumbs; j++) {
            if (id_eq(d->breadcrumbs[j].id, id)) {
                if (owner)
                    *owner = d;
                return &d->breadcrumbs[j];
            }
        }
    }
    return NULL;
}

static char *dup_opt(const char *s, int *bad)
{
    char *r;
    if (!s)
        return NULL;
    if (!(r = strdup(s)))
        *bad = 1;
    return r;
}

static int copy_one(adseed_breadcrumb *dst, const adseed_breadcrumb *src)
{
    int bad = 0;
    memset(dst, 0, sizeof *dst);
    dst->id = dup_opt(src->id, &bad);
    dst->kind = src->kind;
    dst->location = dup_opt(src->location, &bad);
    dst->planted = dup_opt(src->planted, &bad);
    dst->planted_by = dup_opt(src->planted_by, &bad);
    dst->fingerprint = dup_opt(src->fingerprint, &bad);
    dst->removed = dup_opt(src->removed, &bad);
    if (bad)
        breadcrumb_free(dst);
    return bad ? -1 : 0;
}

int adseed_decoy_add_breadcrumb(adseed_decoy *d, const adseed_breadcrumb *b, char *err, size_t errlen)
{
    adseed_breadcrumb *nb;
    if (!b->id || !b->location) {
        snprintf(err, errlen, "breadcrumb: 'id' and 'location' are required");
        return -1;
    }
    if (d->nbreadcrumbs >= ADSEED_MAX_BREADCRUMBS) {
        snprintf(err, errlen, "decoy %.64s: more than %d breadcrumbs", d->name, ADSEED_MAX_BREADCRUMBS);
        return -1;
    }
    nb = realloc(d->breadcrumbs, (d->nbreadcrumbs + 1) * sizeof *nb);
    if (!nb)
        goto oom;
    d->breadcrumbs = nb;
    if (copy_one(&nb[d->nbreadcrumbs], b) != 0)
        goto oom;
    d->nbreadcrumbs++;
    return 0;
oom:
    snprintf(err, errlen, "decoy %.64s: out of memory", d->name);
    return -1;
}

int inventory_breadcrumbs_copy(adseed_decoy *dst, const adseed_decoy *src)
{
    if (!src->nbreadcrumbs)
        return 0;
    dst->breadcrumbs = calloc(src->nbreadcrumbs, sizeof *dst->breadcrumbs);
    if (!dst->breadcrumbs)
        return -1;
    for (size_t i = 0; i < src->nbreadcrumbs; i++) {
        if (copy_one(&dst->breadcrumbs[i], &src->breadcrumbs[i]) != 0)
            return -1; /* the caller frees dst, with the copies made so far */
        dst->nbreadcrumbs++;
    }
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */
static int set_opt(json_t *o, const char *key, const char *val)
{
    return val ? json_object_set_new(o, key, json_string(val)) : 0;
}

int inventory_breadcrumbs_to_json(json_t *o, const adseed_decoy *d)
{
    json_t *arr;
    int bad = 0;
    if (!d->nbreadcrumbs)
        return 0;
    if (!(arr = json_array()) || json_object_set_new(o, "breadcrumbs", arr) != 0)
        return -1;
    for (size_t i = 0; i < d->nbreadcrumbs && !bad; i++) {
        const adseed_breadcrumb *b = &d->breadcrumbs[i];
        json_t *e = json_object();
        if (!e || json_array_append_new(arr, e) != 0)
            return -1;
        bad |= set_opt(e, "id", b->id);
        bad |= set_opt(e, "kind", adseed_lure_name(b->kind));
        bad |= set_opt(e, "location", b->location);
        bad |= set_opt(e, "planted", b->planted);
        bad |= set_opt(e, "planted_by", b->planted_by);
        bad |= set_opt(e, "fingerprint", b->fingerprint);
        bad |= set_opt(e, "removed", b->removed);
    }
    return bad ? -1 : 0;
}

/* ---- validation ------------------------------------------------------------------------------ */
typedef struct bc_ctx {
    const inventory_entry_ctx *entry;
    size_t index;
} bc_ctx;

static int bc_error(const bc_ctx *c, const char *field, const char *msg)
{
    char f[96];
    snprintf(f, sizeof f, "breadcrumbs[%zu]%s%s", c->index, field ? "." : "", field ? field : "");
    return inventory_entry_error(c->entry, f, msg);
}

/* Optional string: absent or null leaves *out NULL; no control characters. */
static int bc_string(const bc_ctx *c, json_t *obj, const char *field, size_t maxlen, char **out)
{
    json_t *v = json_object_get(obj, field);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bc_error(c, field, "must be a string");
    if (json_string_length(v) > maxlen)
        return bc_error(c, field, "too long");
    if (strlen(json_string_value(v)) != json_string_length(v) || inventory_has_control(json_string_value(v)))
        return bc_error(c, field, "contains a control character");
    if (!(*out = strdup(json_string_value(v))))
        return bc_error(c, field, "out of memory");
    return 0;
}

static int id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ID_MAX_LEN)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

static int fingerprint_valid(const char *s)
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return 0;
    for (s += 7; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int parse_one(const bc_ctx *c, json_t *obj, adseed_breadcrumb *b)
{
    char *kind = NULL;
    int rc = -1;
    if (!json_is_object(obj))
        return bc_error(c, NULL, "must be an object");
    if (bc_string(c, obj, "id", ID_MAX_LEN, &b->id) != 0 ||
        bc_string(c, obj, "location", TEXT_MAX_LEN, &b->location) != 0 ||
        bc_string(c, obj, "planted", 64, &b->planted) != 0 ||
        bc_string(c, obj, "planted_by", TEXT_MAX_LEN, &b->planted_by) != 0 ||
        bc_string(c, obj, "fingerprint", 128, &b->fingerprint) != 0 ||
        bc_string(c, obj, "removed", 64, &b->removed) != 0 || bc_string(c, obj, "kind", 32, &kind) != 0)
        goto out;
    if (!b->id || !id_valid(b->id)) {
        bc_error(c, "id", "required: letters, digits, '-', '_' or '.' (at most 64)");
        goto out;
    }
    if (!kind || adseed_lure_parse(kind, &b->kind) != 0) {
        bc_error(c, "kind", "required: one of description, gpp, script, cmdkey, unattend");
        goto out;
    }
    if (!b->location || !b->location[0]) {
        bc_error(c, "location", "required: where the breadcrumb was planted");
        goto out;
    }
    if (b->planted && !inventory_iso8601_valid(b->planted)) {
        bc_error(c, "planted", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
        goto out;
    }
    if (b->removed && !inventory_iso8601_valid(b->removed)) {
        bc_error(c, "removed", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
        goto out;
    }
    if (b->fingerprint && !fingerprint_valid(b->fingerprint)) {
        bc_error(c, "fingerprint", "must be \"sha256:\" and 64 hex digits");
        goto out;
    }
    rc = 0;
out:
    free(kind);
    return rc;
}

int inventory_breadcrumbs_parse(const inventory_entry_ctx *c, json_t *obj, adseed_decoy *d)
{
    json_t *arr = json_object_get(obj, "breadcrumbs"), *v;
    size_t i;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return inventory_entry_error(c, "breadcrumbs", "must be an array of objects");
    if (json_array_size(arr) > ADSEED_MAX_BREADCRUMBS)
        return inventory_entry_error(c, "breadcrumbs", "more than 64 breadcrumbs");
    if (json_array_size(arr) == 0)
        return 0;
    d->breadcrumbs = calloc(json_array_size(arr), sizeof *d->breadcrumbs);
    if (!d->breadcrumbs)
        return inventory_entry_error(c, "breadcrumbs", "out of memory");
    json_array_foreach(arr, i, v)
    {
        bc_ctx bc = {c, i};
        adseed_breadcrumb b = {0}; /* parsed on the stack, then stored: gcc 12's -fanalyzer loses
                                      strings stored through &array[i] and reports leaks */
        int rc = parse_one(&bc, v, &b);
        d->breadcrumbs[d->nbreadcrumbs++] = b; /* freed with the entry, also on error */
        if (rc != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (id_eq(d->breadcrumbs[j].id, b.id))
                return bc_error(&bc, "id", "duplicate breadcrumb id");
    }
    return 0;
}
