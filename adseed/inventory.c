/*
 * inventory.c - the decoy inventory: a versioned JSON file shared by adseed (which writes it) and
 * decoysvc (which reads it and reloads it when it changes). Loading is strict: every error names
 * the file, the entry (decoys[i] (name)) and the field. Unknown keys are allowed (forward
 * compatibility). Saving is atomic (adseed_write_file_atomic, mode 0644).
 */
#include "adseed/adseed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define NAME_MAX_LEN 256
#define TEXT_MAX_LEN (64 * 1024)

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
    memset(d, 0, sizeof *d);
}

void adseed_inventory_free(adseed_inventory *inv)
{
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

/* ---- syntax checks --------------------------------------------------------------------------- */
/* S-1-<authority>-<sub>... with 1..15 sub-authorities; normalised to upper-case "S-". */
static int sid_valid(const char *s)
{
    int parts = 0;
    if ((s[0] != 'S' && s[0] != 's') || s[1] != '-' || s[2] != '1' || s[3] != '-')
        return 0;
    s += 4;
    for (;;) {
        size_t n = 0;
        while (isdigit((unsigned char)s[n]))
            n++;
        if (n == 0 || n > 20)
            return 0;
        parts++;
        s += n;
        if (*s == '\0')
            break;
        if (*s != '-')
            return 0;
        s++;
    }
    return parts >= 2 && parts <= 16; /* authority + 1..15 sub-authorities */
}

/* Accepts 8-4-4-4-12 hex, optionally in braces; writes the lower-case form without braces. */
static int guid_normalise(const char *s, char out[37])
{
    size_t len = strlen(s);
    if (len == 38 && s[0] == '{' && s[37] == '}') {
        s++;
        len = 36;
    }
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
            out[i] = '-';
        } else if (isxdigit((unsigned char)s[i])) {
            out[i] = (char)tolower((unsigned char)s[i]);
        } else {
            return 0;
        }
    }
    out[36] = '\0';
    return 1;
}

/* YYYY-MM-DDTHH:MM:SS[.fraction]Z */
static int iso8601_valid(const char *s)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    size_t i;
    for (i = 0; pat[i]; i++) {
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
            return 0;
    }
    s += i;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return s[0] == 'Z' && s[1] == '\0';
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* ---- loading --------------------------------------------------------------------------------- */
typedef struct ctx {
    const char *origin;
    size_t index;
    const char *name; /* NULL until known */
    char *err;
    size_t errlen;
} ctx;

static int field_error(const ctx *c, const char *field, const char *msg)
{
    if (c->name)
        snprintf(c->err, c->errlen, "%s: decoys[%zu] (%.64s): field '%s': %s", c->origin, c->index,
                 c->name, field, msg);
    else
        snprintf(c->err, c->errlen, "%s: decoys[%zu]: field '%s': %s", c->origin, c->index, field, msg);
    return -1;
}

/* Optional string field: absent or null leaves *out NULL. */
static int get_string(const ctx *c, json_t *obj, const char *field, size_t maxlen, char **out)
{
    json_t *v = json_object_get(obj, field);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return field_error(c, field, "must be a string");
    if (json_string_length(v) > maxlen)
        return field_error(c, field, "too long");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return field_error(c, field, "contains a NUL character");
    *out = strdup(json_string_value(v));
    if (!*out)
        return field_error(c, field, "out of memory");
    return 0;
}

static int parse_spns(const ctx *c, json_t *obj, adseed_decoy *d)
{
    json_t *arr = json_object_get(obj, "spns"), *v;
    size_t i;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return field_error(c, "spns", "must be an array of strings");
    if (json_array_size(arr) > ADSEED_MAX_SPNS)
        return field_error(c, "spns", "more than 16 SPNs");
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (!s || !*s || json_string_length(v) > NAME_MAX_LEN || has_control(s) || !strchr(s, '/'))
            return field_error(c, "spns", "each SPN must be a string such as \"MSSQLSvc/host:1433\"");
        d->spns[d->nspns] = strdup(s);
        if (!d->spns[d->nspns])
            return field_error(c, "spns", "out of memory");
        d->nspns++;
    }
    return 0;
}

static int parse_decoy(ctx *c, json_t *obj, adseed_decoy *d)
{
    static const char *const texts[] = {"domain", "dn", "memo", "location", "owner", "runbook",
                                        "created_by"};
    char **text_dst[] = {&d->domain, &d->dn, &d->memo, &d->location, &d->owner, &d->runbook,
                         &d->created_by};
    char *kind = NULL;
    int rc = -1;

    if (!json_is_object(obj))
        return field_error(c, "(entry)", "must be an object");
    if (get_string(c, obj, "name", NAME_MAX_LEN, &d->name) != 0)
        goto out;
    if (!d->name || !d->name[0])
        return field_error(c, "name", "required, a non-empty sAMAccountName");
    if (has_control(d->name) || strpbrk(d->name, "\"/\\[]:;|=,+*?<>@"))
        return field_error(c, "name", "not a valid sAMAccountName");
    c->name = d->name;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (get_string(c, obj, texts[i], TEXT_MAX_LEN, text_dst[i]) != 0)
            goto out;
    if (get_string(c, obj, "sid", 200, &d->sid) != 0)
        goto out;
    if (d->sid) {
        if (!sid_valid(d->sid))
            return field_error(c, "sid", "not a SID of the form S-1-5-21-...");
        d->sid[0] = 'S';
    }
    if (get_string(c, obj, "guid", 64, &d->guid) != 0)
        goto out;
    if (d->guid) {
        char g[37];
        if (!guid_normalise(d->guid, g))
            return field_error(c, "guid", "not a GUID of the form 8-4-4-4-12 hex digits");
        memcpy(d->guid, g, 37); /* the input was at least 36 bytes long */
    }
    if (get_string(c, obj, "created", 64, &d->created) != 0 ||
        get_string(c, obj, "retired", 64, &d->retired) != 0)
        goto out;
    if (d->created && !iso8601_valid(d->created))
        return field_error(c, "created", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
    if (d->retired && !iso8601_valid(d->retired))
        return field_error(c, "retired", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
    if (parse_spns(c, obj, d) != 0)
        goto out;
    if (get_string(c, obj, "kind", 32, &kind) != 0)
        goto out;
    d->kind = ADSEED_KIND_PLAIN;
    if (kind && adseed_kind_parse(kind, &d->kind) != 0) {
        field_error(c, "kind", "must be one of kerberoast, asrep, recon, plain");
        goto out;
    }
    rc = 0;
out:
    free(kind);
    return rc;
}

static int inventory_append(adseed_inventory *inv, adseed_decoy *d)
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

/* Duplicate-name check in constant time: a set of indexes+1 into inv->decoys (0 = empty),
 * hashed by lower-cased name. Returns -1 when the name is already present, else records the index
 * the name will get (inv->ndecoys). */
static int seen_insert(size_t *slots, size_t nslots, const adseed_inventory *inv, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (const char *p = name; *p; p++) {
        h ^= (unsigned char)tolower((unsigned char)*p);
        h *= 0x100000001b3ULL;
    }
    for (i = (size_t)h & (nslots - 1); slots[i]; i = (i + 1) & (nslots - 1))
        if (ascii_casecmp(inv->decoys[slots[i] - 1].name, name) == 0)
            return -1;
    slots[i] = inv->ndecoys + 1;
    return 0;
}

int adseed_inventory_parse(adseed_inventory *inv, const char *json, size_t len, const char *origin,
                           char *err, size_t errlen)
{
    adseed_inventory tmp;
    json_error_t jerr;
    json_t *root = NULL, *ver, *arr, *obj;
    adseed_decoy d;
    size_t i, nslots = 0, *seen = NULL;
    int rc = -1;

    adseed_inventory_init(&tmp);
    memset(&d, 0, sizeof d);
    if (!origin)
        origin = "inventory";
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", origin, jerr.line, jerr.column, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: the inventory must be a JSON object", origin);
        goto out;
    }
    ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
        snprintf(err, errlen, "%s: field 'version': must be 1 (the only inventory version)", origin);
        goto out;
    }
    arr = json_object_get(root, "decoys");
    if (!json_is_array(arr)) {
        snprintf(err, errlen, "%s: field 'decoys': required, an array", origin);
        goto out;
    }
    nslots = 16;
    while (nslots < json_array_size(arr) * 2)
        nslots *= 2;
    seen = calloc(nslots, sizeof *seen);
    if (!seen) {
        snprintf(err, errlen, "%s: out of memory", origin);
        goto out;
    }
    json_array_foreach(arr, i, obj) {
        ctx c = {origin, i, NULL, err, errlen};
        if (parse_decoy(&c, obj, &d) != 0)
            goto out;
        if (seen_insert(seen, nslots, &tmp, d.name) != 0) {
            field_error(&c, "name", "duplicate name (names are case-insensitive)");
            goto out;
        }
        if (inventory_append(&tmp, &d) != 0) {
            snprintf(err, errlen, "%s: out of memory", origin);
            goto out;
        }
    }
    adseed_inventory_free(inv);
    *inv = tmp;
    adseed_inventory_init(&tmp);
    rc = 0;
out:
    free(seen);
    adseed_decoy_free(&d);
    adseed_inventory_free(&tmp);
    json_decref(root);
    return rc;
}

int adseed_inventory_load(adseed_inventory *inv, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *buf = adseed_read_file(path, &len, err, errlen);
    int rc;
    if (!buf)
        return -1;
    rc = adseed_inventory_parse(inv, buf, len, path, err, errlen);
    free(buf);
    return rc;
}

/* ---- saving and editing ---------------------------------------------------------------------- */
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
