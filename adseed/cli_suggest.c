/*
 * cli_suggest.c - `adseed suggest [--count N]`: proposes believable decoy names and SPNs from the
 * naming patterns of the domain's existing service accounts, never an existing name.
 */
#include "adseed/cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_COUNT = OPT_CMD_BASE };

static const cli_opt suggest_options[] = {
    {"count", required_argument, O_COUNT, "N", "how many names to propose, 1..50 (default 5)"}, {0}};

static int suggest_opt(void *st, int id, const char *arg)
{
    int *count = st;
    (void)id; /* O_COUNT */
    if ((*count = atoi(arg)) > 0 && *count <= 50)
        return 0;
    return cli_usage_error("suggest", "--count %s: expected 1..50", arg);
}

static const cli_cmd suggest_cmd = {
    .name = "suggest",
    .usage = "Usage: adseed suggest [--count N] [OPTIONS]\n"
             "Reads the sAMAccountNames of the domain's user accounts, finds the prefixes used for\n"
             "service accounts (svc_, svc-, sql-, sa_ ...) and proposes decoy names and SPNs in the\n"
             "same style that do not exist yet. Default count 5.\n",
    .groups = {{NULL, suggest_options, 20, 0}},
    .args = CLI_ARGS_ANY,
    .ldap = 1,
    .opt = suggest_opt};

int cli_suggest(int argc, char **argv)
{
    cli_ctx cli;
    int count = 5;
    int ret = cli_parse(&suggest_cmd, &count, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    adseed_conn conn;
    if (cli_connect(&cli, &conn))
        return CLI_EXIT_FAIL;
    char *attrs[] = {"sAMAccountName", NULL}, *out[50] = {0};
    const char **names = NULL;
    size_t n = 0, nout = 0;
    LDAPMessage *res = NULL;
    int rc = ldap_search_ext_s(conn.ld, conn.base_dn, LDAP_SCOPE_SUBTREE,
                               "(&(objectCategory=person)(objectClass=user))", attrs, 0, NULL, NULL, NULL, 0,
                               &res);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        char err[1024];
        adseed_ldap_fail(&conn, err, sizeof err, "listing user accounts", rc);
        fprintf(stderr, "adseed suggest: %s\n", err);
        goto out;
    }
    int total = ldap_count_entries(conn.ld, res);
    names = calloc(total > 0 ? (size_t)total : 1, sizeof *names);
    if (!names)
        goto out;
    for (LDAPMessage *e = ldap_first_entry(conn.ld, res); e; e = ldap_next_entry(conn.ld, e)) {
        char *s = adseed_entry_str(conn.ld, e, "sAMAccountName");
        if (s)
            names[n++] = s;
    }
    nout = decoy_suggest_names(names, n, out, (size_t)count);
    for (size_t i = 0; i < nout; i++) {
        char spn[300];
        decoy_default_spn(out[i], conn.dns_domain, spn, sizeof spn);
        printf("%-20s --spn %s\n", out[i], spn);
    }
    ret = nout ? CLI_EXIT_OK : CLI_EXIT_FAIL;
out:
    for (size_t i = 0; i < n; i++)
        free((char *)names[i]);
    for (size_t i = 0; i < nout; i++)
        free(out[i]);
    free(names);
    ldap_msgfree(res);
    adseed_conn_close(&conn);
    return ret;
}
