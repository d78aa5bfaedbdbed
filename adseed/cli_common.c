/* cli_common.c - what the adseed subcommands share: the connection, inventory and help options
 * (declared once here), connecting, loading and saving the inventory, usage errors. */
#include "adseed/cli.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_URI = 1000,
    OPT_STARTTLS,
    OPT_BIND,
    OPT_USER,
    OPT_CA_FILE,
    OPT_PASSWORD_FILE,
    OPT_TIMEOUT,
    OPT_INVENTORY,
    OPT_HELP
};

/* No --password: a password on the command line is visible to every local user (ps, /proc). */
const cli_opt cli_conn_options[] = {
    {"uri", required_argument, OPT_URI, "URI", "ldaps://dc.example:636 or ldap://dc.example (env ADSEED_URI)"},
    {"starttls", no_argument, OPT_STARTTLS, NULL, "upgrade ldap:// with StartTLS"},
    {"bind", required_argument, OPT_BIND, "MECH", "simple (default), gssapi or spnego (Kerberos: kinit first)"},
    {"user", required_argument, OPT_USER, "USER", "simple bind identity, UPN or DN (env ADSEED_USER)"},
    {"ca-file", required_argument, OPT_CA_FILE, "FILE",
     "CA certificate(s) to verify the DC (verification is always on)"},
    {"password-file", required_argument, OPT_PASSWORD_FILE, "FILE",
     "bind password from a file; else env ADSEED_BIND_PASSWORD;\n"
     "else an interactive prompt (never on the command line)"},
    {"timeout", required_argument, OPT_TIMEOUT, "SECONDS", "network timeout (default 10)"},
    {0}};

const cli_opt cli_base_options[] = {{"inventory", required_argument, OPT_INVENTORY, "FILE",
                                     "decoy inventory (env ADSEED_INVENTORY; default " SVC_DEFAULT_INVENTORY ")"},
                                    {"help", no_argument, OPT_HELP, NULL, "this help"},
                                    {0}};

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

int cli_common_opt(cli_ctx *c, int id, const char *arg)
{
    switch (id) {
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
    adseed_inventory_init(inv);
    if (missing_ok && svc_path_kind(c->inventory) < 0 && errno == ENOENT)
        return 0;
    if (adseed_inventory_load(inv, c->inventory, err, sizeof err)) {
        fprintf(stderr, "adseed: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_open(cli_ctx *c, adseed_inventory *inv, int missing_ok, adseed_conn *conn)
{
    if (cli_inventory_load(c, inv, missing_ok))
        return -1;
    if (cli_connect(c, conn)) {
        adseed_inventory_free(inv);
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
    char err[1024], *dn = NULL;
    int found = decoy_account_dn(conn, d, &dn, err, sizeof err);
    if (found == 0)
        fprintf(stderr,
                "adseed %s: the decoy's account is not in the directory (adseed verify; "
                "adseed create to re-create it)\n",
                cmd);
    else if (found < 0)
        fprintf(stderr, "adseed %s: %s%s\n", cmd, err, found == DECOY_NOT_OURS ? ", left alone" : "");
    return found > 0 ? dn : NULL;
}

void cli_print_json(json_t *arr)
{
    char *s = json_dumps(arr, JSON_INDENT(2));
    if (s)
        puts(s);
    free(s);
    json_decref(arr);
}
