/* cli_common.c - options shared by the adseed subcommands: connection, inventory, help. */
#include "adseed/cli.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_ctx_init(cli_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->conn.uri = getenv("ADSEED_URI");
    c->conn.user = getenv("ADSEED_USER");
    c->conn.bind = ADSEED_BIND_SIMPLE;
    c->conn.timeout_s = 10;
    c->inventory = getenv("ADSEED_INVENTORY");
    if (!c->inventory || !*c->inventory)
        c->inventory = svc_default_inventory_path();
}

int cli_common_opt(cli_ctx *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_URI: c->conn.uri = arg; return 1;
    case OPT_STARTTLS: c->conn.starttls = 1; return 1;
    case OPT_USER: c->conn.user = arg; return 1;
    case OPT_CA_FILE: c->conn.ca_file = arg; return 1;
    case OPT_PASSWORD_FILE: c->conn.password_file = arg; return 1;
    case OPT_INVENTORY: c->inventory = arg; return 1;
    case OPT_HELP: c->help = 1; return 1;
    case OPT_TIMEOUT:
        c->conn.timeout_s = atoi(arg);
        if (c->conn.timeout_s <= 0) {
            fprintf(stderr, "adseed: --timeout %s: expected a number of seconds > 0\n", arg);
            return -1;
        }
        return 1;
    case OPT_BIND:
        if (adseed_bind_mech_parse(arg, &c->conn.bind)) {
            fprintf(stderr, "adseed: --bind %s: expected simple, gssapi or spnego\n", arg);
            return -1;
        }
        return 1;
    default: return 0;
    }
}

void cli_common_help(FILE *f, int with_ldap)
{
    if (with_ldap)
        fputs("Connection:\n"
              "  --uri URI            ldaps://dc.example:636 or ldap://dc.example (env ADSEED_URI)\n"
              "  --starttls           upgrade ldap:// with StartTLS\n"
              "  --bind MECH          simple (default), gssapi or spnego (Kerberos: kinit first)\n"
              "  --user USER          simple bind identity, UPN or DN (env ADSEED_USER)\n"
              "  --ca-file FILE       CA certificate(s) to verify the DC (verification is always on)\n"
              "  --password-file FILE bind password from a file; else env ADSEED_BIND_PASSWORD;\n"
              "                       else an interactive prompt (never on the command line)\n"
              "  --timeout SECONDS    network timeout (default 10)\n", f);
    fprintf(f, "  --inventory FILE     decoy inventory (env ADSEED_INVENTORY; default %s)\n"
               "  --help               this help\n", svc_default_inventory_path());
}

int cli_connect(cli_ctx *c, adseed_conn *conn)
{
    char err[1024];
    if (!c->conn.uri) {
        fprintf(stderr, "adseed: --uri is required (or set ADSEED_URI), e.g. ldaps://dc1.corp.example\n");
        return -1;
    }
    if (adseed_conn_open(conn, &c->conn, err, sizeof err)) {
        fprintf(stderr, "adseed: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_inventory_load(const cli_ctx *c, adseed_inventory *inv, int missing_ok)
{
    char err[1024];
    struct stat st;
    adseed_inventory_init(inv);
    if (missing_ok && stat(c->inventory, &st) != 0 && errno == ENOENT)
        return 0;
    if (adseed_inventory_load(inv, c->inventory, err, sizeof err)) {
        fprintf(stderr, "adseed: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_inventory_save(const cli_ctx *c, const adseed_inventory *inv)
{
    char err[1024];
    if (adseed_inventory_save(inv, c->inventory, err, sizeof err)) {
        fprintf(stderr, "adseed: saving the inventory: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "adseed %s: ", cmd);
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, "\nTry 'adseed %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

char *cli_decoy_dn(adseed_conn *conn, const adseed_decoy *d, const char *cmd)
{
    char *attrs[] = {"objectGUID", NULL}, err[1024], guid[64] = "", *dn = NULL, *ldn;
    LDAPMessage *res = NULL, *e = NULL;
    int found = adseed_find_account(conn, d->name, attrs, &res, &e, err, sizeof err);
    if (found <= 0) {
        fprintf(stderr, "adseed %s: %s\n", cmd, found < 0 ? err : "the decoy's account is not in the "
                "directory (adseed verify; adseed create to re-create it)");
        goto out;
    }
    struct berval **g = ldap_get_values_len(conn->ld, e, "objectGUID");
    if (g)
        decoy_guid_to_text((uint8_t *)g[0]->bv_val, g[0]->bv_len, guid, sizeof guid);
    ldap_value_free_len(g);
    if (d->guid && strcasecmp(guid, d->guid)) {
        fprintf(stderr, "adseed %s: %s: objectGUID %s differs from the inventory's %s: not the "
                "account adseed created, left alone\n", cmd, d->name, guid, d->guid);
        goto out;
    }
    if ((ldn = ldap_get_dn(conn->ld, e)) != NULL) {
        dn = strdup(ldn);
        ldap_memfree(ldn);
    }
    if (!dn)
        fprintf(stderr, "adseed %s: %s: cannot read its DN\n", cmd, d->name);
out:
    ldap_msgfree(res);
    return dn;
}

void cli_print_json(json_t *arr)
{
    char *s = json_dumps(arr, JSON_INDENT(2));
    if (s)
        puts(s);
    free(s);
    json_decref(arr);
}
