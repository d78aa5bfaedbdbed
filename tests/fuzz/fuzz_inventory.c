/* fuzz_inventory.c - the decoy inventory (adseed_inventory_parse) and the index built from it;
 * and, differentially, the same bytes read from a file in small blocks into the packed form
 * decoysvc keeps: the same verdict, the same error text, the same decoys, the same lookups. */
#include "fuzz.h"

#include <string.h>

#include "adseed/adseed.h"
#include "adseed/inventory_int.h"
#include "svc/detect/decoy_index.h"

static int same_text(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static int same_decoy(const adseed_decoy *a, const adseed_decoy *b)
{
    const char *const sa[] = {a->name,     a->domain, a->sid,     a->guid,    a->dn,         a->memo,
                              a->location, a->owner,  a->runbook, a->created, a->created_by, a->retired};
    const char *const sb[] = {b->name,     b->domain, b->sid,     b->guid,    b->dn,         b->memo,
                              b->location, b->owner,  b->runbook, b->created, b->created_by, b->retired};
    if (a->kind != b->kind || a->nspns != b->nspns || a->nbreadcrumbs != b->nbreadcrumbs)
        return 0;
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        if (!same_text(sa[i], sb[i]))
            return 0;
    for (size_t i = 0; i < a->nspns; i++)
        if (!same_text(a->spns[i], b->spns[i]))
            return 0;
    for (size_t i = 0; i < a->nbreadcrumbs; i++) {
        const adseed_breadcrumb *x = &a->breadcrumbs[i], *y = &b->breadcrumbs[i];
        if (x->kind != y->kind || !same_text(x->id, y->id) || !same_text(x->location, y->location) ||
            !same_text(x->planted, y->planted) || !same_text(x->planted_by, y->planted_by) ||
            !same_text(x->fingerprint, y->fingerprint) || !same_text(x->removed, y->removed))
            return 0;
    }
    return 1;
}

/* The inventory read as decoysvc reads it, compared with the whole-buffer parse (rc, err, inv). */
static void check_packed(const uint8_t *data, size_t size, int rc, const char *err, const adseed_inventory *inv)
{
    const char *path = fuzz_temp_file("inventory", data, size);
    adseed_pack *pack = NULL;
    adseed_decoy_view *v = malloc(sizeof *v);
    char err2[512] = "";
    FILE *f = path ? fopen(path, "rb") : NULL;
    int rc2;

    if (!f || !v)
        goto out;
    rc2 = inventory_stream(NULL, &pack, NULL, 0, f, 1 + size % 61, "fuzz", err2, sizeof err2);
    if (rc2 == -2) /* a NUL byte or not an object: parsed whole, as above */
        goto out;
    FUZZ_CHECK(rc2 == rc);
    if (rc != 0) {
        FUZZ_CHECK(strcmp(err, err2) == 0);
        goto out;
    }
    FUZZ_CHECK(adseed_pack_count(pack) == inv->ndecoys);
    for (size_t i = 0; i < inv->ndecoys; i++)
        FUZZ_CHECK(same_decoy(&inv->decoys[i], adseed_pack_decoy(pack, i, v)));
    {
        decoy_index *a = decoy_index_build(inv, err2, sizeof err2);
        decoy_index *b = decoy_index_build_pack(pack, err2, sizeof err2);
        if (a && b) {
            FUZZ_CHECK(decoy_index_count(a) == decoy_index_count(b));
            for (size_t i = 0; i < inv->ndecoys; i++) {
                const adseed_decoy *d = &inv->decoys[i];
                FUZZ_CHECK(decoy_index_find(a, DECOY_KEY_NAME, d->name, strlen(d->name)) ==
                           decoy_index_find(b, DECOY_KEY_NAME, d->name, strlen(d->name)));
                if (d->nspns)
                    FUZZ_CHECK(decoy_index_find(a, DECOY_KEY_SPN, d->spns[0], strlen(d->spns[0])) ==
                               decoy_index_find(b, DECOY_KEY_SPN, d->spns[0], strlen(d->spns[0])));
                if (d->guid)
                    FUZZ_CHECK(decoy_index_find(a, DECOY_KEY_GUID, d->guid, strlen(d->guid)) ==
                               decoy_index_find(b, DECOY_KEY_GUID, d->guid, strlen(d->guid)));
            }
        }
        decoy_index_free(a);
        decoy_index_free(b);
    }
out:
    if (f)
        fclose(f);
    adseed_pack_free(pack);
    free(v);
}

FUZZ_TARGET(inventory)
{
    adseed_inventory inv;
    char err[512] = "";
    int rc;

    adseed_inventory_init(&inv);
    rc = adseed_inventory_parse(&inv, (const char *)data, size, "fuzz", err, sizeof err);
    if (rc == 0) {
        decoy_index *ix = decoy_index_build(&inv, err, sizeof err);
        if (ix) {
            for (size_t i = 0; i < inv.ndecoys; i++)
                if (inv.decoys[i].name && !inv.decoys[i].retired)
                    (void)decoy_index_by_name(ix, inv.decoys[i].name);
            decoy_index_free(ix);
        }
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    check_packed(data, size, rc, err, &inv);
    adseed_inventory_free(&inv);
    return 0;
}
