/*
 * cli_verify.c - `adseed verify [NAME...]`: checks every active decoy of the inventory against the
 * directory; one line per finding; exit 1 on any drift, 3 when a decoy could not be checked.
 */
#include "adseed/cli.h"

#include <string.h>

static void help(void)
{
    puts("Usage: adseed verify [NAME...] [OPTIONS]\n"
         "Checks each decoy of the inventory (or only the NAMEs): the account exists and is enabled,\n"
         "objectSid/objectGUID still match the inventory, SPNs present, logonHours all zero,\n"
         "userWorkstations set, no privileged group (direct or nested, via tokenGroups), not in\n"
         "Domain Users, no delegation. One line per finding; exit 0 clean, 1 drift, 3 error.\n\n"
         "  --audit-reads            also require the read-audit SACL\n"
         "  --allow-logon-hours      decoys were created with --allow-logon-hours\n"
         "  --allow-any-workstation  decoys were created with --allow-any-workstation\n"
         "  --keep-domain-users      decoys were created with --keep-domain-users");
    cli_common_help(stdout, 1);
}

static int selected(char **names, int n, const char *name)
{
    if (n == 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (!strcasecmp(names[i], name))
            return 1;
    return 0;
}

int cli_verify_opt(decoy_verify_opts *vo, int opt)
{
    switch (opt) {
    case OPT_VERIFY_ALLOW_HOURS: vo->allow_logon_hours = 1; return 1;
    case OPT_VERIFY_ALLOW_WS: vo->allow_any_workstation = 1; return 1;
    case OPT_VERIFY_KEEP_USERS: vo->keep_domain_users = 1; return 1;
    case OPT_VERIFY_AUDIT: vo->audit_reads = 1; return 1;
    default: return 0;
    }
}

int cli_verify(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, CLI_VERIFY_OPTIONS, {0, 0, 0, 0}};
    cli_ctx cli;
    decoy_verify_opts vo = {0};
    int opt;
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (c || cli_verify_opt(&vo, opt))
            continue;
        return cli_usage_error("verify", "invalid option%s", NULL);
    }
    if (cli.help) {
        help();
        return CLI_EXIT_OK;
    }
    adseed_inventory inv;
    adseed_conn conn;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_ERROR;
    if (cli_connect(&cli, &conn)) {
        adseed_inventory_free(&inv);
        return CLI_EXIT_ERROR;
    }
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
    fprintf(stderr, "verify: %d decoy(s) checked, %d finding(s), %d error(s)\n", checked, findings,
            errors);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return errors ? CLI_EXIT_ERROR : findings ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
