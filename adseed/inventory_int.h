/* inventory_int.h - private to the inventory: appending an entry (inventory.c), validating one
 * entry of the file (inventory_entry.c) and its breadcrumbs (inventory_breadcrumb.c), shared with
 * the streaming loader (inventory_stream.c). */
#ifndef ADDECOY_ADSEED_INVENTORY_INT_H
#define ADDECOY_ADSEED_INVENTORY_INT_H

#include <jansson.h>
#include <stddef.h>

#include "adseed/adseed.h"

/* Where an entry is, for error messages. */
typedef struct inventory_entry_ctx {
    const char *origin;
    size_t index;
    const char *name; /* NULL until known */
    char *err;
    size_t errlen;
} inventory_entry_ctx;

/* Validates obj into *d (owned by the caller, freed with adseed_decoy_free on error). */
int inventory_entry_parse(inventory_entry_ctx *c, json_t *obj, adseed_decoy *d);
/* Writes "origin: decoys[i] (name): field 'f': msg" into c->err; returns -1. */
int inventory_entry_error(const inventory_entry_ctx *c, const char *field, const char *msg);
/* Syntax checks shared by the entry and its breadcrumbs. */
int inventory_iso8601_valid(const char *s); /* YYYY-MM-DDTHH:MM:SS[.frac]Z */
int inventory_has_control(const char *s);

/* The "breadcrumbs" array of an entry (inventory_breadcrumb.c): validated into d->breadcrumbs;
 * absent or null is an empty list (inventories written before breadcrumbs existed). */
int inventory_breadcrumbs_parse(const inventory_entry_ctx *c, json_t *obj, adseed_decoy *d);
/* Sets "breadcrumbs" on o when d has any; -1 when out of memory. */
int inventory_breadcrumbs_to_json(json_t *o, const adseed_decoy *d);
/* Deep copy of src's breadcrumbs into dst (which has none); -1 when out of memory. */
int inventory_breadcrumbs_copy(adseed_decoy *dst, const adseed_decoy *src);
void inventory_breadcrumbs_free(adseed_decoy *d);

/* Moves *d to the end of inv (d is zeroed); -1 on allocation failure. */
int inventory_append(adseed_inventory *inv, adseed_decoy *d);

#endif
