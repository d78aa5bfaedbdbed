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

static const cli_opt list_options[] = {
    {"format", required_argument, O_FORMAT, "FORMAT", "table (default) or json"}, {0}};

static const cli_cmd list_cmd = {
    .name = "breadcrumb list",
    .usage = "Usage: adseed breadcrumb list [--format table|json] [--inventory FILE]\n"
             "Lists the breadcrumbs recorded in the inventory: id, kind, decoy, state, when planted\n"
             "and where. Reads only the inventory.\n",
    .groups = {{NULL, list_options, 20, 0}},
    .opt = cli_opt_string};

static const cli_opt remove_options[] = {{"keep-password", no_argument, O_KEEP_PASSWORD, NULL,
                                          "leave the password as it is (the lure keeps working but its\n"
                                          "alerts no longer name it)"},
                                         {0}};

static const cli_cmd remove_cmd = {
    .name = "breadcrumb remove",
    .usage = "Usage: adseed breadcrumb remove ID [--keep-password] [OPTIONS]\n"
             "Retires a breadcrumb: sets a new random password on its decoy (the planted password\n"
             "stops working), restores the default description of a description lure, and marks\n"
             "the breadcrumb \"removed\" in the inventory. Delete the artefact where it was placed\n"
             "(the location is printed).\n",
    .groups = {{NULL, remove_options, 20, 0}},
    .args = "breadcrumb ID",
    .ldap = 1,
    .opt = cli_opt_flag};

int cli_breadcrumb_list(int argc, char **argv)
{
    cli_ctx cli;
    const char *format = "table";
    int json, ret = cli_parse(&list_cmd, &format, &cli, argc, argv);
    json_t *arr;
    if (ret != CLI_PARSE_GO)
        return ret;
    json = !strcmp(format, "json");
    if (!json && strcmp(format, "table"))
        return cli_usage_error("breadcrumb list", "--format %s: expected table or json", format);
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
                                      adseed_lure_name(b->kind), "decoy", d->name, "state", state, "location",
                                      b->location, "planted", b->planted, "planted_by", b->planted_by,
                                      "removed", b->removed);
                if (o)
                    json_array_append_new(arr, o);
            } else {
                printf("%-16s %-11s %-20s %-8s %-20s %s\n", b->id, adseed_lure_name(b->kind), d->name, state,
                       b->planted ? b->planted : "-", b->location);
            }
        }
    }
    if (json)
        cli_print_json(arr);
    adseed_inventory_free(&inv);
    return CLI_EXIT_OK;
}

/* Rotates the decoy's password (and restores a description lure's description). */
static int retire_in_directory(cli_ctx *cli, const adseed_decoy *d, const adseed_breadcrumb *b, int keep_password)
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
        if (lure_set_password(&conn, dn, pw, b->kind == ADSEED_LURE_DESCRIPTION ? DEFAULT_DESCRIPTION : NULL,
                              err, sizeof err)) {
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
    cli_ctx cli;
    int keep = 0, ret = cli_parse(&remove_cmd, &keep, &cli, argc, argv);
    char now[32];
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    adseed_inventory inv;
    adseed_decoy *d = NULL;
    adseed_breadcrumb *b;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    b = adseed_inventory_find_breadcrumb(&inv, argv[optind], &d);
    if (!b) {
        fprintf(stderr,
                "adseed breadcrumb remove: %s: no such breadcrumb in %s (adseed breadcrumb "
                "list)\n",
                argv[optind], cli.inventory);
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
