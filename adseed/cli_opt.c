/*
 * cli_opt.c - the table-driven option parser of the adseed subcommands: one getopt_long loop for
 * every command over its own option tables and the shared ones (cli_common.c), and --help
 * generated from the same tables, so that an option is declared, parsed and documented in one
 * place.
 */
#include "adseed/cli.h"

#include <string.h>

#define MAX_OPTS 64 /* long options of one command, shared ones included */

static const cli_opt *next_table(const cli_cmd *cmd, size_t *i)
{
    for (; *i < 2 + CLI_MAX_GROUPS; (*i)++) {
        const cli_opt *t = *i == 0 ? cli_conn_options : *i == 1 ? cli_base_options : cmd->groups[*i - 2].opts;
        if (t) {
            (*i)++;
            return t;
        }
    }
    return NULL;
}

/* The getopt_long table of cmd; -1 when it does not fit (a programming error). */
static int long_options(const cli_cmd *cmd, struct option *lo, size_t max)
{
    size_t n = 0, it = 0;
    const cli_opt *t;
    while ((t = next_table(cmd, &it)) != NULL)
        for (; t->name || t->meta; t++) {
            if (!t->name)
                continue;
            if (n + 1 >= max)
                return -1;
            lo[n++] = (struct option){t->name, t->arg, NULL, t->id};
        }
    memset(&lo[n], 0, sizeof lo[n]);
    return 0;
}

int cli_parse(const cli_cmd *cmd, void *st, cli_ctx *c, int argc, char **argv)
{
    struct option lo[MAX_OPTS];
    int opt;

    cli_ctx_init(c);
    if (long_options(cmd, lo, MAX_OPTS)) {
        fprintf(stderr, "adseed %s: too many options (raise MAX_OPTS in cli_opt.c)\n", cmd->name);
        return CLI_EXIT_FAIL;
    }
    while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg);
        if (r < 0)
            return CLI_EXIT_USAGE;
        if (r)
            continue;
        if (opt == '?' || !cmd->opt)
            return cli_usage_error(cmd->name, "invalid option%s", NULL);
        if ((r = cmd->opt(st, opt, optarg)) != 0)
            return r;
    }
    if (c->help) {
        cli_help(cmd, stdout);
        return CLI_EXIT_OK;
    }
    if (!cmd->args && optind != argc)
        return cli_usage_error(cmd->name, "unexpected argument '%s'", argv[optind]);
    if (cmd->args && strcmp(cmd->args, CLI_ARGS_ANY) && optind != argc - 1)
        return cli_usage_error(cmd->name, "expected exactly one %s", cmd->args);
    return CLI_PARSE_GO;
}

int cli_opt_string(void *st, int id, const char *arg)
{
    (void)id;
    *(const char **)st = arg;
    return 0;
}

int cli_opt_flag(void *st, int id, const char *arg)
{
    (void)id, (void)arg;
    *(int *)st = 1;
    return 0;
}

/* "  --name META   text", the synopsis padded to width; a longer one has its text on the next
 * line; each further line of the text is indented to the same column. */
static void help_opt(FILE *f, const cli_opt *o, int width)
{
    char syn[128];
    const char *p = o->help;
    if (!o->name)
        snprintf(syn, sizeof syn, "%s", o->meta);
    else
        snprintf(syn, sizeof syn, "--%s%s%s", o->name, o->meta && o->arg != optional_argument ? " " : "",
                 o->meta ? o->meta : "");
    if ((int)strlen(syn) > width)
        fprintf(f, "  %s\n%*s", syn, width + 3, "");
    else
        fprintf(f, "  %-*s ", width, syn);
    for (;;) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%.*s\n", (int)n, p);
        if (!p[n])
            break;
        p += n + 1;
        fprintf(f, "%*s", width + 3, "");
    }
}

static void help_group(FILE *f, const cli_group *g)
{
    if (g->title)
        fprintf(f, "\n%s\n", g->title);
    for (const cli_opt *o = g->opts; o->name || o->meta; o++)
        if (o->help)
            help_opt(f, o, g->width);
}

void cli_help(const cli_cmd *cmd, FILE *f)
{
    static const cli_group conn = {"Connection:", cli_conn_options, 20, 0};
    static const cli_group base = {NULL, cli_base_options, 20, 0};
    fprintf(f, "%s\n", cmd->usage);
    for (size_t i = 0; i < CLI_MAX_GROUPS; i++)
        if (cmd->groups[i].opts && !cmd->groups[i].hidden)
            help_group(f, &cmd->groups[i]);
    if (cmd->footer)
        fprintf(f, "\n%s\n", cmd->footer);
    if (cmd->ldap)
        help_group(f, &conn);
    help_group(f, &base);
}
