/* decoy_index.h - constant-time lookup of decoys by account name, SID, objectGUID and SPN, built
 * from an inventory or a packed inventory (decoysvc). The index points into it: keep it alive (and
 * unchanged) while the index is used; rebuild the index after a reload. Retired decoys are not
 * indexed. */
#ifndef ADDECOY_SVC_DECOY_INDEX_H
#define ADDECOY_SVC_DECOY_INDEX_H

#include <stddef.h>

#include "adseed/adseed.h"

typedef struct decoy_index decoy_index;

/* NULL on allocation failure (err says so). Duplicate keys: the first decoy wins. */
decoy_index *decoy_index_build(const adseed_inventory *inv, char *err, size_t errlen);
decoy_index *decoy_index_build_pack(const adseed_pack *pack, char *err, size_t errlen);
void decoy_index_free(decoy_index *ix);
/* Number of decoys indexed (retired ones excluded). */
size_t decoy_index_count(const decoy_index *ix);

/* Lookup for either kind of index: the position of the decoy (in the inventory or pack) a value
 * names, or DECOY_INDEX_NONE; then decoy_index_decoy gives the decoy (an inventory's entry, or
 * unpacked into *view, which must then be given). The values are normalised as the by_* forms
 * below say; len is the value's length (a value seen in place in a raw record). */
#define DECOY_INDEX_NONE ((size_t)-1)
typedef enum decoy_key_kind {
    DECOY_KEY_NAME,
    DECOY_KEY_SID,
    DECOY_KEY_GUID,
    DECOY_KEY_SPN,
    DECOY_KEY_DN
} decoy_key_kind;
size_t decoy_index_find(const decoy_index *ix, decoy_key_kind kind, const char *value, size_t len);
const adseed_decoy *decoy_index_decoy(const decoy_index *ix, size_t pos, adseed_decoy_view *view);

/* The by_* forms return the inventory's entry; for an index over a pack they return NULL (use
 * decoy_index_find). Account name as events write it: case-insensitive; "DOMAIN\name", "name@REALM", Heimdal's
 * escaped "name\@upn.suffix@REALM" and a trailing "$" are accepted ("svc$" also finds a decoy
 * named "svc" and vice versa). NULL when no decoy. The _n forms take a length instead of a NUL
 * (a value seen in place in a raw record); both normalise the same way, whatever the length. */
const adseed_decoy *decoy_index_by_name(const decoy_index *ix, const char *name);
const adseed_decoy *decoy_index_by_name_n(const decoy_index *ix, const char *name, size_t len);
/* "S-1-5-21-..." in any case. */
const adseed_decoy *decoy_index_by_sid(const decoy_index *ix, const char *sid);
const adseed_decoy *decoy_index_by_sid_n(const decoy_index *ix, const char *sid, size_t len);
/* GUID in any case, with or without braces, also the "%{guid}" form of 4662 ObjectName. */
const adseed_decoy *decoy_index_by_guid(const decoy_index *ix, const char *guid);
/* SPN, case-insensitive exact match; a "@REALM" suffix is ignored on both sides. */
const adseed_decoy *decoy_index_by_spn(const decoy_index *ix, const char *spn);
const adseed_decoy *decoy_index_by_spn_n(const decoy_index *ix, const char *spn, size_t len);
/* distinguishedName, case-insensitive exact match (as 5136 ObjectDN or 4662 ObjectName give it). */
const adseed_decoy *decoy_index_by_dn(const decoy_index *ix, const char *dn);

#endif
