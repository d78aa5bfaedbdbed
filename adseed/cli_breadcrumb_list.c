/*
 * cli_breadcrumb_list.c - `adseed breadcrumb list` (the inventory's breadcrumbs, no directory
 * access) and `adseed breadcrumb remove ID`: retires a lure by rotating its decoy's password (the
 * planted one is then worthless, a later use is an ordinary password_guess), restoring a
 * description lure's description, and marking the breadcrumb "removed" in the inventory (the
 * record stays so that old alerts remain explainable).
 */
#include "adseed/cli.h"
#include "adseed/lure.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { O_FORMAT = OPT_CMD_BASE, O_KEEP_PASSWORD };

#define DEFAULT_DESCRIPTION "Legacy backup service (do not use)"

int cli_breadcrumb_list(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {"format", required_argument, 0, O_FORMAT},
                                         {0, 0, 0, 0}};
    cli_ctx cli;
    const char *format = "table";
    int opt, json;
    json_t *arr;
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (c)
            continue;
        if (opt != O_FORMAT)
            return cli_usage_error("breadcrumb list", "invalid option%s", NULL);
        format = optarg;
    }
    if (cli.help) {
        puts("Usage: adseed breadcrumb list [--format table|json] [--inventory FILE]\n"
             "Lists the breadcrumbs recorded in the inventory: id, kind, decoy, state, when planted\n"
             "and where. Reads only the inventory.");
        return CLI_EXIT_OK;
    }
    json = !strcmp(format, "json");
    if (!json && strcmp(format, "table"))
        return cli_usage_error("breadcrumb list", "--format %s: expected table or json", format);
    if (optind != argc)
        return cli_usage_error("breadcrumb list", "unexpected argument '%s'", argv[optind]);
    adseed_inventory inv;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    arr = json ? json_array() : NULL;
    if (!json)
        printf("%-16s %-11s %-20s %-8s %-20s %s\n", "ID", "KIND", "DECOY", "STATE", "PLANTED", "LOCATION");
    for (size_t i = 0; i < inv.ndecoys; i++) {
        const adseed_decoy *d = &inv.decoys[i];
        for (size_t j = 0; j < d->nbreadcrumbs; j++) {
            const adseed_breadcrumb *b = &d->breadcrumbs[j];
            const char *state = b->removed ? "removed" : d->retired ? "retired" : "active";
            if (json) {
                json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "id", b->id, "kind",
                                      adseed_lure_name(b->kind), "decoy", d->name, "state", state,
                                      "location", b->location, "planted", b->planted, "planted_by",
                                      b->planted_by, "removed", b->removed);
                if (o)
                    json_array_append_new(arr, o);
            } else {
                printf("%-16s %-11s %-20s %-8s %-20s %s\n", b->id, adseed_lure_name(b->kind), d->name,
                       state, b->planted ? b->planted : "-", b->location);
            }
        }
    }
    if (json)
        cli_print_json(arr);
    adseed_inventory_free(&inv);
    return CLI_EXIT_OK;
}

/* Rotates the decoy's password (and restores a description lure's description). */
static int retire_in_directory(cli_ctx *cli, const adseed_decoy *d, const adseed_breadcrumb *b,
                               int keep_password)
{
    adseed_conn conn;
    char pw[48], err[1536], *dn = NULL;
    int ret = -1;
    if (keep_password && b->kind != ADSEED_LURE_DESCRIPTION)
        return 0;
    if (cli_connect(cli, &conn))
        return -1;
    if (!(dn = cli_decoy_dn(&conn, d, "breadcrumb remove")))
        goto out;
    if (keep_password) { /* only the description */
        char *vals[] = {DEFAULT_DESCRIPTION, NULL};
        LDAPMod m = {.mod_op = LDAP_MOD_REPLACE, .mod_type = "description", .mod_values = vals};
        LDAPMod *mods[] = {&m, NULL};
        int rc = ldap_modify_ext_s(conn.ld, dn, mods, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            adseed_ldap_fail(&conn, err, sizeof err, "restoring the description", rc);
            fprintf(stderr, "adseed breadcrumb remove: %s: %s\n", d->name, err);
            goto out;
        }
    } else {
        if (decoy_password_generate(pw, 40)) {
            fprintf(stderr, "adseed breadcrumb remove: no random numbers from the system\n");
            goto out;
        }
        if (lure_set_password(&conn, dn, pw,
                              b->kind == ADSEED_LURE_DESCRIPTION ? DEFAULT_DESCRIPTION : NULL, err,
                              sizeof err)) {
            fprintf(stderr, "adseed breadcrumb remove: %s: %s\n", d->name, err);
            goto out;
        }
        printf("%s: password of decoy %s rotated: the planted one no longer works\n", b->id, d->name);
    }
    if (b->kind == ADSEED_LURE_DESCRIPTION)
        printf("%s: description of decoy %s restored to \"%s\"\n", b->id, d->name, DEFAULT_DESCRIPTION);
    ret = 0;
out:
    memset(pw, 0, sizeof pw);
    free(dn);
    adseed_conn_close(&conn);
    return ret;
}

int cli_breadcrumb_remove(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"keep-password", no_argument, 0, O_KEEP_PASSWORD},
                                         {0, 0, 0, 0}};
    cli_ctx cli;
    int opt, keep = 0, ret = CLI_EXIT_FAIL;
    char now[32];
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (c)
            continue;
        if (opt != O_KEEP_PASSWORD)
            return cli_usage_error("breadcrumb remove", "invalid option%s", NULL);
        keep = 1;
    }
    if (cli.help) {
        puts("Usage: adseed breadcrumb remove ID [--keep-password] [OPTIONS]\n"
             "Retires a breadcrumb: sets a new random password on its decoy (the planted password\n"
             "stops working), restores the default description of a description lure, and marks\n"
             "the breadcrumb \"removed\" in the inventory. Delete the artefact where it was placed\n"
             "(the location is printed). --keep-password leaves the password as it is (the lure\n"
             "keeps working but its alerts no longer name it).");
        cli_common_help(stdout, 1);
        return CLI_EXIT_OK;
    }
    if (optind != argc - 1)
        return cli_usage_error("breadcrumb remove", "expected exactly one breadcrumb ID%s", NULL);
    adseed_inventory inv;
    adseed_decoy *d = NULL;
    adseed_breadcrumb *b;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    b = adseed_inventory_find_breadcrumb(&inv, argv[optind], &d);
    if (!b) {
        fprintf(stderr, "adseed breadcrumb remove: %s: no such breadcrumb in %s (adseed breadcrumb "
                "list)\n", argv[optind], cli.inventory);
        goto out;
    }
    if (b->removed) {
        printf("%s: already removed on %s\n", b->id, b->removed);
        ret = CLI_EXIT_OK;
        goto out;
    }
    if (!d->retired && retire_in_directory(&cli, d, b, keep))
        goto out;
    decoy_now_iso(now, sizeof now);
    if (!(b->removed = strdup(now)) || cli_inventory_save(&cli, &inv))
        goto out;
    printf("%s: marked removed (%s); now delete the %s artefact at: %s\n", b->id, b->removed,
           adseed_lure_name(b->kind), b->location);
    ret = CLI_EXIT_OK;
out:
    adseed_inventory_free(&inv);
    return ret;
}
