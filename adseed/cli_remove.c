/*
 * cli_remove.c - `adseed remove NAME`: deletes the decoy account (decoy_remove: only if its
 * objectGUID still matches the inventory) and keeps the inventory record with its retirement time.
 */
#include "adseed/cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_cmd remove_cmd = {
    .name = "remove",
    .usage = "Usage: adseed remove NAME [OPTIONS]\n"
             "Deletes the decoy account from the directory and marks it \"retired\" in the inventory\n"
             "(the record stays, so alerts about the old SID/GUID remain explainable). Refuses to delete\n"
             "an account whose objectGUID differs from the inventory (not the account adseed created).",
    .args = "decoy NAME",
    .ldap = 1};

int cli_remove(int argc, char **argv)
{
    cli_ctx cli;
    int ret = cli_parse(&remove_cmd, NULL, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    const char *name = argv[optind];
    adseed_inventory inv;
    adseed_conn conn;
    char err[1024], now[32], *dn = NULL;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    adseed_decoy *d = adseed_inventory_find(&inv, name);
    if (!d) {
        fprintf(stderr,
                "adseed remove: %s: not in the inventory %s (adseed only removes its own "
                "decoys)\n",
                name, cli.inventory);
        adseed_inventory_free(&inv);
        return CLI_EXIT_FAIL;
    }
    if (cli_connect(&cli, &conn)) {
        adseed_inventory_free(&inv);
        return CLI_EXIT_FAIL;
    }
    int found = decoy_remove(&conn, d, &dn, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "adseed remove: %s%s\n", err, found == DECOY_NOT_OURS ? ", refusing to delete it" : "");
        goto out;
    }
    if (found)
        printf("%s: deleted %s\n", d->name, dn);
    else
        printf("%s: no longer in the directory\n", d->name);
    decoy_now_iso(now, sizeof now);
    if (!d->retired) {
        d->retired = strdup(now);
        if (!d->retired)
            goto out;
    }
    if (cli_inventory_save(&cli, &inv))
        goto out;
    printf("%s: marked retired (%s) in %s\n", d->name, d->retired, cli.inventory);
    ret = CLI_EXIT_OK;
out:
    free(dn);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return ret;
}
