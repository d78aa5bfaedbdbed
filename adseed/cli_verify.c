/*
 * cli_verify.c - `adseed verify [NAME...]`: checks every active decoy of the inventory against the
 * directory; one line per finding; exit 1 on any drift, 3 when a decoy could not be checked.
 */
#include "adseed/cli.h"

#include <string.h>

static int verify_opt(void *st, int id, const char *arg)
{
    (void)arg;
    return cli_verify_opt(st, id) ? 0 : cli_usage_error("verify", "invalid option%s", NULL);
}

const cli_opt cli_verify_options[] = {
    {"audit-reads", no_argument, OPT_VERIFY_AUDIT, NULL, "also require the read-audit SACL"},
    {"allow-logon-hours", no_argument, OPT_VERIFY_ALLOW_HOURS, NULL,
     "decoys were created with --allow-logon-hours"},
    {"allow-any-workstation", no_argument, OPT_VERIFY_ALLOW_WS, NULL,
     "decoys were created with --allow-any-workstation"},
    {"keep-domain-users", no_argument, OPT_VERIFY_KEEP_USERS, NULL, "decoys were created with --keep-domain-users"},
    {0}};

static const cli_cmd verify_cmd = {
    .name = "verify",
    .usage = "Usage: adseed verify [NAME...] [OPTIONS]\n"
             "Checks each decoy of the inventory (or only the NAMEs): the account exists and is enabled,\n"
             "objectSid/objectGUID still match the inventory, SPNs present, logonHours all zero,\n"
             "userWorkstations set, no privileged group (direct or nested, via tokenGroups), not in\n"
             "Domain Users, no delegation. One line per finding; exit 0 clean, 1 drift, 3 error.\n",
    .groups = {{NULL, cli_verify_options, 24, 0}},
    .args = CLI_ARGS_ANY,
    .ldap = 1,
    .opt = verify_opt};

static int selected(char **names, int n, const char *name)
{
    if (n == 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (!strcasecmp(names[i], name))
            return 1;
    return 0;
}

int cli_verify_opt(decoy_verify_opts *vo, int id)
{
    switch (id) {
    case OPT_VERIFY_ALLOW_HOURS: vo->allow_logon_hours = 1; return 1;
    case OPT_VERIFY_ALLOW_WS: vo->allow_any_workstation = 1; return 1;
    case OPT_VERIFY_KEEP_USERS: vo->keep_domain_users = 1; return 1;
    case OPT_VERIFY_AUDIT: vo->audit_reads = 1; return 1;
    default: return 0;
    }
}

int cli_verify(int argc, char **argv)
{
    cli_ctx cli;
    decoy_verify_opts vo = {0};
    int ret = cli_parse(&verify_cmd, &vo, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    adseed_inventory inv;
    adseed_conn conn;
    if (cli_open(&cli, &inv, 0, &conn))
        return CLI_EXIT_ERROR;
    int findings = 0, errors = 0, checked = 0;
    char **names = argv + optind;
    int nnames = argc - optind;
    for (int i = 0; i < nnames; i++)
        if (!adseed_inventory_find(&inv, names[i])) {
            fprintf(stderr, "adseed verify: %s: not in the inventory %s\n", names[i], cli.inventory);
            errors++;
        }
    for (size_t i = 0; i < inv.ndecoys; i++) {
        const adseed_decoy *d = &inv.decoys[i];
        char err[1024];
        if (d->retired || !selected(names, nnames, d->name))
            continue;
        checked++;
        int n = decoy_verify_one(&conn, d, &vo, stdout, err, sizeof err);
        if (n < 0) {
            fprintf(stderr, "adseed verify: %s: %s\n", d->name, err);
            errors++;
        } else if (n == 0) {
            printf("%s: ok\n", d->name);
        }
        findings += n > 0 ? n : 0;
    }
    fflush(stdout);
    fprintf(stderr, "verify: %d decoy(s) checked, %d finding(s), %d error(s)\n", checked, findings, errors);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return errors ? CLI_EXIT_ERROR : findings ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
