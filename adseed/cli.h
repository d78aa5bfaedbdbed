/*
 * cli.h - private to the adseed program: the table-driven option parser of the subcommands (the
 * shared connection and inventory options declared once, each command's own in its file, --help
 * generated from the tables), and the subcommand entry points. Exit codes: 0 success, 1 failure (verify: drift),
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

/* One long option of a command line: its name, its argument, the id its handler receives, and
 * its line in --help ("  --name META   help"). */
typedef struct cli_opt {
    const char *name; /* without "--"; NULL: a help line that is no option (below); {0} ends */
    int arg;          /* no_argument, required_argument or optional_argument */
    int id;           /* unique over the command's tables: OPT_CMD_BASE + n for a command's own */
    const char *meta; /* help: "FILE" -> "--name FILE"; with optional_argument as is ("[=all]");
                         with name NULL the whole left column, e.g. "--memo/--owner TEXT" */
    const char *help; /* help text, '\n' between lines; NULL: not listed (a help line says it) */
} cli_opt;

/* A block of options in --help: an optional title line, the options, the column of their texts. */
typedef struct cli_group {
    const char *title; /* printed after a blank line; NULL: none */
    const cli_opt *opts;
    int width;  /* the "--name META" column is this wide (texts start at width + 3) */
    int hidden; /* accepted but not listed (another line describes them) */
} cli_group;

#define CLI_MAX_GROUPS 3

/* A subcommand: its help text and its own options. The shared options (connection, inventory,
 * --help: cli_conn_options, cli_base_options) are accepted by every command. */
typedef struct cli_cmd {
    const char *name;  /* "create", "breadcrumb create": for messages */
    const char *usage; /* --help text before the options (a newline is added) */
    cli_group groups[CLI_MAX_GROUPS];
    const char *footer; /* --help text after the command's own options, or NULL */
    const char *args;   /* its arguments: NULL none, CLI_ARGS_ANY the command checks them, else
                           exactly one, e.g. "decoy NAME" (named in the usage error) */
    int ldap;           /* the command talks to the directory: list the connection options */
    /* Records option id (its argument arg, NULL when none) in st; 0, or an exit code after a
     * message (cli_usage_error). */
    int (*opt)(void *st, int id, const char *arg);
} cli_cmd;

enum { OPT_CMD_BASE = 1100 };
#define CLI_PARSE_GO (-1)
#define CLI_ARGS_ANY "*"

typedef struct cli_ctx {
    adseed_conn_opts conn;
    const char *inventory;
    int help;
} cli_ctx;

/* The shared options, in cli_common.c: the connection (listed in --help by commands that talk to
 * the directory) and --inventory, --help. */
extern const cli_opt cli_conn_options[], cli_base_options[];
/* Defaults from the environment (ADSEED_URI, ADSEED_USER, ADSEED_INVENTORY). */
void cli_ctx_init(cli_ctx *c);
/* 1 when id was a shared option (recorded in c), 0 when not, -1 on a bad value (message printed). */
int cli_common_opt(cli_ctx *c, int id, const char *arg);

/* Parses argv (argv[0] is the command's name) with cmd's tables and the shared ones into c
 * (cli_ctx_init first) and st; prints --help. Returns CLI_PARSE_GO when the command should run (its arguments are argv[optind..]),
 * else the exit code: CLI_EXIT_OK after --help, CLI_EXIT_USAGE after a usage message. */
int cli_parse(const cli_cmd *cmd, void *st, cli_ctx *c, int argc, char **argv);
/* Handlers for a command whose only option takes a string (st: a const char *) or is a flag
 * (st: an int, set to 1). */
int cli_opt_string(void *st, int id, const char *arg);
int cli_opt_flag(void *st, int id, const char *arg);
/* The --help text of cmd. */
void cli_help(const cli_cmd *cmd, FILE *f);

/* The options of verify's checks, shared by `verify` and `report --verify`. */
enum { OPT_VERIFY_ALLOW_HOURS = 1050, OPT_VERIFY_ALLOW_WS, OPT_VERIFY_KEEP_USERS, OPT_VERIFY_AUDIT };
extern const cli_opt cli_verify_options[];
/* 1 when id was one of cli_verify_options (recorded in vo), 0 when not. */
int cli_verify_opt(decoy_verify_opts *vo, int id);

/* Prints the error and returns nonzero on failure. */
int cli_connect(cli_ctx *c, adseed_conn *conn);
/* Loads the inventory; a missing file gives an empty one when missing_ok. */
int cli_inventory_load(const cli_ctx *c, adseed_inventory *inv, int missing_ok);
/* cli_inventory_load, then cli_connect; on failure nothing is left open (message printed). */
int cli_open(cli_ctx *c, adseed_inventory *inv, int missing_ok, adseed_conn *conn);
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
