/*
 * inventory.c - the decoy inventory: a versioned JSON file shared by adseed (which writes it) and
 * decoysvc (which reads it and reloads it when it changes). Loading is strict: every error names
 * the file, the entry (decoys[i] (name)) and the field; the parser, which streams the "decoys"
 * array, is in inventory_stream.c. Unknown keys are allowed (forward compatibility). Saving is
 * atomic (adseed_write_file_atomic, mode 0644).
 */
#include "adseed/inventory_int.h"
#include "svc/base/fs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define READ_MAX_BYTES (1024L * 1024 * 1024) /* beyond: adseed_read_file, which reads in chunks */

static const char *const kind_names[] = {"plain", "kerberoast", "asrep", "recon"};

const char *adseed_kind_name(adseed_kind k)
{
    if ((unsigned)k < sizeof kind_names / sizeof kind_names[0])
        return kind_names[k];
    return "plain";
}

int adseed_kind_parse(const char *s, adseed_kind *out)
{
    for (size_t i = 0; s && i < sizeof kind_names / sizeof kind_names[0]; i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (adseed_kind)i;
            return 0;
        }
    }
    return -1;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

void adseed_inventory_init(adseed_inventory *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->version = 1;
}

void adseed_decoy_free(adseed_decoy *d)
{
    if (!d)
        return;
    free(d->name);
    free(d->domain);
    free(d->sid);
    free(d->guid);
    free(d->dn);
    for (size_t i = 0; i < d->nspns; i++)
        free(d->spns[i]);
    free(d->memo);
    free(d->location);
    free(d->owner);
    free(d->runbook);
    free(d->created);
    free(d->created_by);
    free(d->retired);
    inventory_breadcrumbs_free(d);
    memset(d, 0, sizeof *d);
}

void adseed_inventory_free(adseed_inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->ndecoys; i++)
        adseed_decoy_free(&inv->decoys[i]);
    free(inv->decoys);
    adseed_inventory_init(inv);
}

adseed_decoy *adseed_inventory_find(adseed_inventory *inv, const char *name)
{
    for (size_t i = 0; name && i < inv->ndecoys; i++)
        if (ascii_casecmp(inv->decoys[i].name, name) == 0)
            return &inv->decoys[i];
    return NULL;
}

/* ---- loading (parsing is in inventory_stream.c) ------------------------------------------------ */
/* A regular file is read with one allocation of its size; anything else (a pipe, a file that grows
 * while it is read, a file that cannot be opened) goes through adseed_read_file, whose errors name
 * the file. */
static char *read_inventory(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fs_fopen(path, "rb");
    long size = -1;
    char *buf = NULL, *ret = NULL;
    size_t n;

    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size <= 0 || size > READ_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0)
        goto fallback;
    buf = malloc((size_t)size + 1);
    if (!buf)
        goto fallback;
    n = fread(buf, 1, (size_t)size + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        goto out;
    }
    if (n > (size_t)size)
        goto fallback;
    buf[n] = '\0';
    *len = n;
    ret = buf;
    buf = NULL;
    goto out;
fallback:
    ret = adseed_read_file(path, len, err, errlen);
out:
    free(buf);
    if (f)
        fclose(f);
    return ret;
}

/* The file read in blocks by the streaming parser; parsed whole when it cannot be streamed (a NUL
 * byte, not an object) and read with read_inventory when it cannot be opened (for its error). */
static int load(adseed_inventory *inv, adseed_pack **pack, const char *path, char *err, size_t errlen)
{
    FILE *f = fs_fopen(path, "rb");
    size_t len = 0;
    char *buf;
    int rc;

    if (f) {
        rc = inventory_stream(inv, pack, NULL, 0, f, 0, path, err, errlen);
        fclose(f);
        if (rc != -2)
            return rc;
    }
    if (!(buf = read_inventory(path, &len, err, errlen)))
        return -1;
    rc = inventory_stream(inv, pack, buf, len, NULL, 0, path, err, errlen);
    free(buf);
    return rc == -2 ? -1 : rc;
}

int adseed_inventory_load(adseed_inventory *inv, const char *path, char *err, size_t errlen)
{
    return load(inv, NULL, path, err, errlen);
}

int adseed_pack_load(adseed_pack **out, const char *path, char *err, size_t errlen)
{
    return load(NULL, out, path, err, errlen);
}

/* ---- saving and editing ---------------------------------------------------------------------- */
int inventory_append(adseed_inventory *inv, adseed_decoy *d)
{
    if (inv->ndecoys == inv->cap) {
        size_t ncap = inv->cap ? inv->cap * 2 : 16;
        adseed_decoy *nd = realloc(inv->decoys, ncap * sizeof *nd);
        if (!nd)
            return -1;
        inv->decoys = nd;
        inv->cap = ncap;
    }
    inv->decoys[inv->ndecoys++] = *d;
    memset(d, 0, sizeof *d);
    return 0;
}

static int set_opt(json_t *obj, const char *key, const char *val)
{
    if (!val)
        return 0;
    return json_object_set_new(obj, key, json_string(val));
}

static json_t *decoy_to_json(const adseed_decoy *d)
{
    json_t *o = json_object(), *spns = NULL;
    int bad = 0;
    if (!o)
        return NULL;
    bad |= set_opt(o, "name", d->name);
    bad |= set_opt(o, "domain", d->domain);
    bad |= set_opt(o, "sid", d->sid);
    bad |= set_opt(o, "guid", d->guid);
    bad |= set_opt(o, "dn", d->dn);
    if (d->nspns) {
        spns = json_array();
        for (size_t i = 0; spns && i < d->nspns; i++)
            bad |= json_array_append_new(spns, json_string(d->spns[i]));
        bad |= json_object_set_new(o, "spns", spns ? spns : json_null());
    }
    bad |= set_opt(o, "kind", adseed_kind_name(d->kind));
    bad |= set_opt(o, "memo", d->memo);
    bad |= set_opt(o, "location", d->location);
    bad |= set_opt(o, "owner", d->owner);
    bad |= set_opt(o, "runbook", d->runbook);
    bad |= set_opt(o, "created", d->created);
    bad |= set_opt(o, "created_by", d->created_by);
    bad |= set_opt(o, "retired", d->retired);
    bad |= inventory_breadcrumbs_to_json(o, d);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int adseed_inventory_save(const adseed_inventory *inv, const char *path, char *err, size_t errlen)
{
    json_t *root = json_object(), *arr = json_array();
    char *text = NULL;
    int rc = -1;

    if (!root || !arr)
        goto oom;
    if (json_object_set_new(root, "version", json_integer(1)) != 0)
        goto oom;
    for (size_t i = 0; i < inv->ndecoys; i++) {
        json_t *o = decoy_to_json(&inv->decoys[i]);
        if (!o || json_array_append_new(arr, o) != 0)
            goto oom;
    }
    if (json_object_set(root, "decoys", arr) != 0)
        goto oom;
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        goto oom;
    {
        size_t n = strlen(text);
        char *nl = realloc(text, n + 2);
        if (!nl)
            goto oom;
        text = nl;
        text[n] = '\n';
        text[n + 1] = '\0';
        rc = adseed_write_file_atomic(path, text, n + 1, 0644, err, errlen);
    }
    goto out;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
out:
    free(text);
    json_decref(arr);
    json_decref(root);
    return rc;
}

static char *dup_opt(const char *s, int *bad)
{
    char *r;
    if (!s)
        return NULL;
    r = strdup(s);
    if (!r)
        *bad = 1;
    return r;
}

int adseed_inventory_put(adseed_inventory *inv, const adseed_decoy *d, char *err, size_t errlen)
{
    adseed_decoy c;
    adseed_decoy *old;
    int bad = 0;

    if (!d->name || !d->name[0]) {
        snprintf(err, errlen, "decoy: field 'name': required");
        return -1;
    }
    if (d->nspns > ADSEED_MAX_SPNS) {
        snprintf(err, errlen, "decoy %.64s: field 'spns': more than 16 SPNs", d->name);
        return -1;
    }
    memset(&c, 0, sizeof c);
    c.name = dup_opt(d->name, &bad);
    c.domain = dup_opt(d->domain, &bad);
    c.sid = dup_opt(d->sid, &bad);
    c.guid = dup_opt(d->guid, &bad);
    c.dn = dup_opt(d->dn, &bad);
    for (size_t i = 0; i < d->nspns; i++)
        c.spns[c.nspns++] = dup_opt(d->spns[i], &bad);
    c.kind = d->kind;
    c.memo = dup_opt(d->memo, &bad);
    c.location = dup_opt(d->location, &bad);
    c.owner = dup_opt(d->owner, &bad);
    c.runbook = dup_opt(d->runbook, &bad);
    c.created = dup_opt(d->created, &bad);
    c.created_by = dup_opt(d->created_by, &bad);
    c.retired = dup_opt(d->retired, &bad);
    if (inventory_breadcrumbs_copy(&c, d) != 0)
        bad = 1;
    if (bad)
        goto oom;
    old = adseed_inventory_find(inv, d->name);
    if (old) {
        adseed_decoy_free(old);
        *old = c;
        return 0;
    }
    if (inventory_append(inv, &c) != 0)
        goto oom;
    return 0;
oom:
    adseed_decoy_free(&c);
    snprintf(err, errlen, "decoy %.64s: out of memory", d->name);
    return -1;
}
