/*
 * cli.h - private to the adseed program: the options every subcommand shares (connection,
 * inventory), and the subcommand entry points. Exit codes: 0 success, 1 failure (verify: drift),
 * 2 usage error, 3 verify could not check.
 */
#ifndef ADDECOY_ADSEED_CLI_H
#define ADDECOY_ADSEED_CLI_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "adseed/adseed.h"
#include "adseed/decoy.h"
#include "adseed/ldap_conn.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_ERROR 3

enum {
    OPT_URI = 1000, OPT_STARTTLS, OPT_BIND, OPT_USER, OPT_CA_FILE, OPT_PASSWORD_FILE, OPT_INVENTORY,
    OPT_TIMEOUT, OPT_HELP, OPT_CMD_BASE = 1100
};

#define CLI_COMMON_OPTIONS                                                                          \
    {"uri", required_argument, 0, OPT_URI}, {"starttls", no_argument, 0, OPT_STARTTLS},             \
        {"bind", required_argument, 0, OPT_BIND}, {"user", required_argument, 0, OPT_USER},         \
        {"ca-file", required_argument, 0, OPT_CA_FILE},                                             \
        {"password-file", required_argument, 0, OPT_PASSWORD_FILE},                                 \
        {"inventory", required_argument, 0, OPT_INVENTORY},                                         \
        {"timeout", required_argument, 0, OPT_TIMEOUT}, {"help", no_argument, 0, OPT_HELP}

/* The options of verify's checks, shared by `verify` and `report --verify`. */
enum { OPT_VERIFY_ALLOW_HOURS = 1050, OPT_VERIFY_ALLOW_WS, OPT_VERIFY_KEEP_USERS, OPT_VERIFY_AUDIT };
#define CLI_VERIFY_OPTIONS                                                                          \
    {"allow-logon-hours", no_argument, 0, OPT_VERIFY_ALLOW_HOURS},                                  \
        {"allow-any-workstation", no_argument, 0, OPT_VERIFY_ALLOW_WS},                             \
        {"keep-domain-users", no_argument, 0, OPT_VERIFY_KEEP_USERS},                               \
        {"audit-reads", no_argument, 0, OPT_VERIFY_AUDIT}
/* 1 when opt was one of CLI_VERIFY_OPTIONS (recorded in vo), 0 when not. */
int cli_verify_opt(decoy_verify_opts *vo, int opt);

typedef struct cli_ctx {
    adseed_conn_opts conn;
    const char *inventory;
    int help;
} cli_ctx;

/* Defaults from the environment (ADSEED_URI, ADSEED_USER, ADSEED_INVENTORY). */
void cli_ctx_init(cli_ctx *c);
/* 1 when opt was a common option, 0 when not, -1 on a bad value (message printed). */
int cli_common_opt(cli_ctx *c, int opt, const char *arg);
void cli_common_help(FILE *f, int with_ldap);
/* Prints the error and returns nonzero on failure. */
int cli_connect(cli_ctx *c, adseed_conn *conn);
/* Loads the inventory; a missing file gives an empty one when missing_ok. */
int cli_inventory_load(const cli_ctx *c, adseed_inventory *inv, int missing_ok);
int cli_inventory_save(const cli_ctx *c, const adseed_inventory *inv);
/* Unknown option / missing argument message + hint; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

int cli_create(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_trip(int argc, char **argv);
int cli_remove(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_suggest(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_breadcrumb(int argc, char **argv);
int cli_breadcrumb_list(int argc, char **argv);
int cli_breadcrumb_remove(int argc, char **argv);
/* Prints arr indented on stdout and releases it (the --format json of list commands). */
void cli_print_json(json_t *arr);
/* "bc-" and 12 random hex digits. */
int cli_breadcrumb_new_id(char *out, size_t outlen);
/* The DN (malloc'd) of decoy d in the directory, after checking that its objectGUID is the
 * inventory's; NULL with a message (prefixed "adseed cmd: ") when absent or not the same account. */
char *cli_decoy_dn(adseed_conn *conn, const adseed_decoy *d, const char *cmd);

#endif
