/*
 * inventory_entry.c - validation of one decoy entry of the inventory: types, lengths, SID and
 * GUID syntax, timestamps, kinds (breadcrumbs: inventory_breadcrumb.c); every error names the file, the entry (decoys[i] (name)) and
 * the field. Used by the streaming loader (inventory_stream.c).
 */
#include "adseed/inventory_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 256
#define TEXT_MAX_LEN (64 * 1024)

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
int inventory_iso8601_valid(const char *s)
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

int inventory_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* ---- validating one entry ---------------------------------------------------------------------- */

int inventory_entry_error(const inventory_entry_ctx *c, const char *field, const char *msg)
{
    if (c->name)
        snprintf(c->err, c->errlen, "%s: decoys[%zu] (%.64s): field '%s': %s", c->origin, c->index, c->name,
                 field, msg);
    else
        snprintf(c->err, c->errlen, "%s: decoys[%zu]: field '%s': %s", c->origin, c->index, field, msg);
    return -1;
}

/* Optional string field: absent or null leaves *out NULL. */
static int get_string(const inventory_entry_ctx *c, json_t *obj, const char *field, size_t maxlen, char **out)
{
    json_t *v = json_object_get(obj, field);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return inventory_entry_error(c, field, "must be a string");
    if (json_string_length(v) > maxlen)
        return inventory_entry_error(c, field, "too long");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return inventory_entry_error(c, field, "contains a NUL character");
    *out = strdup(json_string_value(v));
    if (!*out)
        return inventory_entry_error(c, field, "out of memory");
    return 0;
}

static int parse_spns(const inventory_entry_ctx *c, json_t *obj, adseed_decoy *d)
{
    json_t *arr = json_object_get(obj, "spns"), *v;
    size_t i;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return inventory_entry_error(c, "spns", "must be an array of strings");
    if (json_array_size(arr) > ADSEED_MAX_SPNS)
        return inventory_entry_error(c, "spns", "more than 16 SPNs");
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || json_string_length(v) > NAME_MAX_LEN || inventory_has_control(s) || !strchr(s, '/'))
            return inventory_entry_error(c, "spns", "each SPN must be a string such as \"MSSQLSvc/host:1433\"");
        d->spns[d->nspns] = strdup(s);
        if (!d->spns[d->nspns])
            return inventory_entry_error(c, "spns", "out of memory");
        d->nspns++;
    }
    return 0;
}

int inventory_entry_parse(inventory_entry_ctx *c, json_t *obj, adseed_decoy *d)
{
    char *kind = NULL;
    int rc = -1;

    if (!json_is_object(obj))
        return inventory_entry_error(c, "(entry)", "must be an object");
    if (get_string(c, obj, "name", NAME_MAX_LEN, &d->name) != 0)
        goto out;
    if (!d->name || !d->name[0])
        return inventory_entry_error(c, "name", "required, a non-empty sAMAccountName");
    if (inventory_has_control(d->name) || strpbrk(d->name, "\"/\\[]:;|=,+*?<>@"))
        return inventory_entry_error(c, "name", "not a valid sAMAccountName");
    c->name = d->name;
    /* one call per field, not a loop over a table of field pointers: gcc 12's -fanalyzer loses
     * track of a string stored through a pointer picked from an array and reports a leak */
    if (get_string(c, obj, "domain", TEXT_MAX_LEN, &d->domain) != 0 ||
        get_string(c, obj, "dn", TEXT_MAX_LEN, &d->dn) != 0 ||
        get_string(c, obj, "memo", TEXT_MAX_LEN, &d->memo) != 0 ||
        get_string(c, obj, "location", TEXT_MAX_LEN, &d->location) != 0 ||
        get_string(c, obj, "owner", TEXT_MAX_LEN, &d->owner) != 0 ||
        get_string(c, obj, "runbook", TEXT_MAX_LEN, &d->runbook) != 0 ||
        get_string(c, obj, "created_by", TEXT_MAX_LEN, &d->created_by) != 0)
        goto out;
    if (get_string(c, obj, "sid", 200, &d->sid) != 0)
        goto out;
    if (d->sid) {
        if (!sid_valid(d->sid))
            return inventory_entry_error(c, "sid", "not a SID of the form S-1-5-21-...");
        d->sid[0] = 'S';
    }
    if (get_string(c, obj, "guid", 64, &d->guid) != 0)
        goto out;
    if (d->guid) {
        char g[37];
        if (!guid_normalise(d->guid, g))
            return inventory_entry_error(c, "guid", "not a GUID of the form 8-4-4-4-12 hex digits");
        memcpy(d->guid, g, 37); /* the input was at least 36 bytes long */
    }
    if (get_string(c, obj, "created", 64, &d->created) != 0 || get_string(c, obj, "retired", 64, &d->retired) != 0)
        goto out;
    if (d->created && !inventory_iso8601_valid(d->created))
        return inventory_entry_error(c, "created", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
    if (d->retired && !inventory_iso8601_valid(d->retired))
        return inventory_entry_error(c, "retired", "not an ISO 8601 UTC time such as 2026-11-22T10:00:00Z");
    if (parse_spns(c, obj, d) != 0)
        goto out;
    if (inventory_breadcrumbs_parse(c, obj, d) != 0)
        goto out;
    if (get_string(c, obj, "kind", 32, &kind) != 0)
        goto out;
    d->kind = ADSEED_KIND_PLAIN;
    if (kind && adseed_kind_parse(kind, &d->kind) != 0) {
        inventory_entry_error(c, "kind", "must be one of kerberoast, asrep, recon, plain");
        goto out;
    }
    rc = 0;
out:
    free(kind);
    return rc;
}
