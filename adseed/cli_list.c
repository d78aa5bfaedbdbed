/*
 * cli_list.c - `adseed list [--format table|json]`: the inventory joined with the live directory
 * state of each decoy (exists, enabled, SPNs, last logon) and its active breadcrumbs.
 */
#include "adseed/cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { O_FORMAT = OPT_CMD_BASE };

static const cli_opt list_options[] = {
    {"format", required_argument, O_FORMAT, "FORMAT", "table (default) or json"}, {0}};

static const cli_cmd list_cmd = {
    .name = "list",
    .usage = "Usage: adseed list [--format table|json] [OPTIONS]\n"
             "Lists the decoys of the inventory with their live state in the directory: exists,\n"
             "enabled, SPNs, last logon (lastLogonTimestamp; a decoy should never have one) and the\n"
             "breadcrumbs (lures) that lead to it ('adseed breadcrumb list' for their locations).\n",
    .groups = {{NULL, list_options, 20, 0}},
    .ldap = 1,
    .opt = cli_opt_string};

/* "gpp:bc-0123456789ab,..." of the active breadcrumbs, "-" when none. */
static void lures(const adseed_decoy *d, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->nbreadcrumbs && n < outlen; i++)
        if (!d->breadcrumbs[i].removed)
            n += (size_t)snprintf(out + n, outlen - n, "%s%s:%s", n ? "," : "",
                                  adseed_lure_name(d->breadcrumbs[i].kind), d->breadcrumbs[i].id);
    if (!out[0])
        snprintf(out, outlen, "-");
}

typedef struct live {
    int exists, enabled;
    char spns[512];
    char last_logon[32];
} live;

/* FILETIME (100 ns since 1601) -> ISO 8601 UTC; "never" for 0. */
static void filetime_iso(const char *s, char *out, size_t outlen)
{
    unsigned long long ft = s ? strtoull(s, NULL, 10) : 0;
    if (!ft || ft == 0x7fffffffffffffffULL) {
        snprintf(out, outlen, "never");
        return;
    }
    decoy_time_format((time_t)(ft / 10000000ULL - 11644473600ULL), "%Y-%m-%dT%H:%M:%SZ", out, outlen);
}

static int probe(adseed_conn *c, const adseed_decoy *d, live *l, char *err, size_t errlen)
{
    char *attrs[] = {"userAccountControl", "servicePrincipalName", "lastLogonTimestamp", NULL};
    LDAPMessage *res = NULL, *e = NULL;
    memset(l, 0, sizeof *l);
    snprintf(l->last_logon, sizeof l->last_logon, "-");
    int found = adseed_find_account(c, d->name, attrs, &res, &e, err, errlen);
    if (found < 0)
        return -1;
    if (found) {
        char *uac = adseed_entry_str(c->ld, e, "userAccountControl");
        char *ll = adseed_entry_str(c->ld, e, "lastLogonTimestamp");
        struct berval **s = ldap_get_values_len(c->ld, e, "servicePrincipalName");
        l->exists = 1;
        l->enabled = uac && !(strtoul(uac, NULL, 10) & 2);
        filetime_iso(ll, l->last_logon, sizeof l->last_logon);
        size_t n = 0;
        for (size_t i = 0; s && s[i] && n < sizeof l->spns; i++)
            n += (size_t)snprintf(l->spns + n, sizeof l->spns - n, "%s%.*s", i ? "," : "", (int)s[i]->bv_len,
                                  s[i]->bv_val);
        ldap_value_free_len(s);
        free(uac);
        free(ll);
    }
    ldap_msgfree(res);
    return 0;
}

int cli_list(int argc, char **argv)
{
    cli_ctx cli;
    const char *format = "table";
    int ret = cli_parse(&list_cmd, &format, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_OK;
    int json = !strcmp(format, "json");
    if (!json && strcmp(format, "table"))
        return cli_usage_error("list", "--format %s: expected table or json", format);
    adseed_inventory inv;
    adseed_conn conn;
    if (cli_open(&cli, &inv, 0, &conn))
        return CLI_EXIT_FAIL;
    json_t *arr = json ? json_array() : NULL;
    if (!json)
        printf("%-20s %-10s %-8s %-7s %-20s %-30s %s\n", "NAME", "KIND", "STATE", "ENABLED", "LAST_LOGON",
               "BREADCRUMBS", "SPNS");
    for (size_t i = 0; i < inv.ndecoys; i++) {
        const adseed_decoy *d = &inv.decoys[i];
        live l;
        char err[1024], lu[512];
        lures(d, lu, sizeof lu);
        if (probe(&conn, d, &l, err, sizeof err)) {
            fprintf(stderr, "adseed list: %s: %s\n", d->name, err);
            ret = CLI_EXIT_FAIL;
            continue;
        }
        const char *state =
            d->retired ? (l.exists ? "retired!" : "retired") : (l.exists ? "present" : "MISSING");
        if (json) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:s?, s:s?, s:s}", "name", d->name,
                                  "kind", adseed_kind_name(d->kind), "state", state, "exists", l.exists,
                                  "enabled", l.enabled, "spns", l.spns, "last_logon", l.last_logon, "sid",
                                  d->sid, "retired", d->retired, "breadcrumbs", lu);
            if (o)
                json_array_append_new(arr, o);
        } else {
            printf("%-20s %-10s %-8s %-7s %-20s %-30s %s\n", d->name, adseed_kind_name(d->kind), state,
                   l.exists ? (l.enabled ? "yes" : "NO") : "-", l.last_logon, lu, l.spns[0] ? l.spns : "-");
        }
    }
    if (json)
        cli_print_json(arr);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return ret;
}
