/* inventory_int.h - private to the inventory: appending an entry (inventory.c), validating one
 * entry of the file (inventory_entry.c) and its breadcrumbs (inventory_breadcrumb.c), shared with
 * the streaming loader (inventory_stream.c). */
#ifndef ADDECOY_ADSEED_INVENTORY_INT_H
#define ADDECOY_ADSEED_INVENTORY_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

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

/* The packed inventory (inventory_pack.c): appending a copy of a validated decoy (-1 when out of
 * memory or beyond 4 GB), the name of decoy i, and the end of building. */
adseed_pack *inventory_pack_new(void);
int inventory_pack_append(adseed_pack *p, const adseed_decoy *d);
const char *inventory_pack_name(const adseed_pack *p, size_t i);
void inventory_pack_done(adseed_pack *p);

/* The streaming parser (inventory_stream.c) over a buffer (f NULL) or a file read in blocks of
 * block bytes (0: 64 KiB), into inv or, when pack is not NULL, into *pack. Returns 0, -1 with err,
 * or -2 when a file must be parsed whole instead (a NUL byte, or not an object). */
int inventory_stream(adseed_inventory *inv, adseed_pack **pack, const char *json, size_t len, FILE *f,
                     size_t block, const char *origin, char *err, size_t errlen);

#endif
