/* inventory_int.h - private to the inventory: appending an entry (inventory.c) and validating one
 * entry of the file (inventory_entry.c), shared with the streaming loader (inventory_stream.c). */
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
/* Moves *d to the end of inv (d is zeroed); -1 on allocation failure. */
int inventory_append(adseed_inventory *inv, adseed_decoy *d);

#endif
