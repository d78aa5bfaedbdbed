/*
 * cli_remove.c - `adseed remove NAME`: deletes the decoy account (only if its objectGUID still
 * matches the inventory) and keeps the inventory record with its retirement time.
 */
#include "adseed/cli.h"

#include <stdlib.h>
#include <string.h>

static void help(void)
{
    puts("Usage: adseed remove NAME [OPTIONS]\n"
         "Deletes the decoy account from the directory and marks it \"retired\" in the inventory\n"
         "(the record stays, so alerts about the old SID/GUID remain explainable). Refuses to delete\n"
         "an account whose objectGUID differs from the inventory (not the account adseed created).");
    cli_common_help(stdout, 1);
}

int cli_remove(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
    cli_ctx cli;
    int opt, ret = CLI_EXIT_FAIL;
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (!c)
            return cli_usage_error("remove", "invalid option%s", NULL);
    }
    if (cli.help) {
        help();
        return CLI_EXIT_OK;
    }
    if (optind != argc - 1)
        return cli_usage_error("remove", "expected exactly one decoy NAME%s", NULL);
    const char *name = argv[optind];
    adseed_inventory inv;
    adseed_conn conn;
    LDAPMessage *res = NULL, *e = NULL;
    char err[1024], guid[64] = "", now[32], *dn = NULL;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    adseed_decoy *d = adseed_inventory_find(&inv, name);
    if (!d) {
        fprintf(stderr, "adseed remove: %s: not in the inventory %s (adseed only removes its own "
                "decoys)\n", name, cli.inventory);
        adseed_inventory_free(&inv);
        return CLI_EXIT_FAIL;
    }
    if (cli_connect(&cli, &conn)) {
        adseed_inventory_free(&inv);
        return CLI_EXIT_FAIL;
    }
    char *attrs[] = {"objectGUID", NULL};
    int found = adseed_find_account(&conn, d->name, attrs, &res, &e, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "adseed remove: %s\n", err);
        goto out;
    }
    if (found) {
        struct berval **g = ldap_get_values_len(conn.ld, e, "objectGUID");
        if (g)
            decoy_guid_to_text((uint8_t *)g[0]->bv_val, g[0]->bv_len, guid, sizeof guid);
        ldap_value_free_len(g);
        if (d->guid && strcasecmp(guid, d->guid)) {
            fprintf(stderr, "adseed remove: %s: objectGUID %s differs from the inventory's %s: not "
                    "the account adseed created, refusing to delete it\n", d->name, guid, d->guid);
            goto out;
        }
        dn = ldap_get_dn(conn.ld, e);
        int rc = ldap_delete_ext_s(conn.ld, dn, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            char what[600];
            snprintf(what, sizeof what, "deleting %s", dn);
            adseed_ldap_fail(&conn, err, sizeof err, what, rc);
            fprintf(stderr, "adseed remove: %s\n", err);
            goto out;
        }
        printf("%s: deleted %s\n", d->name, dn);
    } else {
        printf("%s: no longer in the directory\n", d->name);
    }
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
    ldap_memfree(dn);
    ldap_msgfree(res);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return ret;
}
