/* fuzz_inventory.c - the decoy inventory (adseed_inventory_parse) and the index built from it. */
#include "fuzz.h"

#include "adseed/adseed.h"
#include "svc/detect/decoy_index.h"

FUZZ_TARGET(inventory)
{
    adseed_inventory inv;
    char err[512] = "";

    adseed_inventory_init(&inv);
    if (adseed_inventory_parse(&inv, (const char *)data, size, "fuzz", err, sizeof err) == 0) {
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
    adseed_inventory_free(&inv);
    return 0;
}
