/*
 * cli_create.c - `adseed create NAME` and `adseed create --from FILE.csv`: plants decoys and records
 * them in the inventory (saved after each one). Idempotent: a decoy already in the inventory whose
 * account still exists with the same objectGUID is left alone and reported.
 */
#include "adseed/cli.h"

#include <stdlib.h>
#include <string.h>

enum {
    O_KIND = OPT_CMD_BASE,
    O_SPN,
    O_OU,
    O_DESC,
    O_DISPLAY,
    O_MEMO,
    O_LOCATION,
    O_OWNER,
    O_RUNBOOK,
    O_WS,
    O_AUDIT,
    O_ALLOW_HOURS,
    O_ALLOW_WS,
    O_KEEP_USERS,
    O_SHOW_PW,
    O_FROM
};

static const cli_opt decoy_options[] = {
    {"kind", required_argument, O_KIND, "KIND",
     "kerberoast (default: SPN, RC4-attractive), asrep (no pre-auth),\n"
     "recon (read-audited object), plain"},
    {"spn", required_argument, O_SPN, "SPN",
     "service principal name (repeatable); kerberoast default\n"
     "MSSQLSvc/<host from name>.<domain>:1433"},
    {"ou", required_argument, O_OU, "DN", "container (default CN=Users,<domain>)"},
    {"description", required_argument, O_DESC, "TEXT", "default \"Legacy backup service (do not use)\""},
    {"display-name", required_argument, O_DISPLAY, "TEXT", "default NAME"},
    {NULL, 0, 0, "--memo/--location/--owner/--runbook TEXT", "stored in the inventory for the alert"},
    {"memo", required_argument, O_MEMO, "TEXT", NULL},
    {"location", required_argument, O_LOCATION, "TEXT", NULL},
    {"owner", required_argument, O_OWNER, "TEXT", NULL},
    {"runbook", required_argument, O_RUNBOOK, "TEXT", NULL},
    {"workstation", required_argument, O_WS, "HOST",
     "userWorkstations value (default: a host that does not exist)"},
    {"audit-reads", optional_argument, O_AUDIT, "[=all]",
     "SACL auditing ReadProperty by Everyone (4662 on Windows DCs); by\n"
     "default on x500uniqueIdentifier only (enumeration tools), =all: any read"},
    {"show-password", no_argument, O_SHOW_PW, NULL, "print the generated password"},
    {"from", required_argument, O_FROM, "FILE.csv",
     "bulk: header row with name (required), kind, spns (';'-separated),\n"
     "ou, description, memo, location, owner, runbook"},
    {0}};

static const cli_opt risk_options[] = {
    {"allow-logon-hours", no_argument, O_ALLOW_HOURS, NULL,
     "do not zero logonHours (the decoy can log on at any hour)"},
    {"allow-any-workstation", no_argument, O_ALLOW_WS, NULL, "do not restrict userWorkstations"},
    {"keep-domain-users", no_argument, O_KEEP_USERS, NULL,
     "keep Domain Users membership (the decoy gets users' rights)"},
    {0}};

typedef struct create_opts {
    decoy_spec s;
    const char *from;
} create_opts;

static int create_opt(void *st, int id, const char *arg)
{
    create_opts *o = st;
    decoy_spec *s = &o->s;
    switch (id) {
    case O_KIND:
        if (adseed_kind_parse(arg, &s->kind))
            return cli_usage_error("create", "--kind %s: expected kerberoast, asrep, recon or plain", arg);
        break;
    case O_SPN:
        if (s->nspns == ADSEED_MAX_SPNS)
            return cli_usage_error("create", "too many --spn (at most 16)%s", NULL);
        s->spns[s->nspns++] = arg;
        break;
    case O_OU: s->ou = arg; break;
    case O_DESC: s->description = arg; break;
    case O_DISPLAY: s->display_name = arg; break;
    case O_MEMO: s->memo = arg; break;
    case O_LOCATION: s->location = arg; break;
    case O_OWNER: s->owner = arg; break;
    case O_RUNBOOK: s->runbook = arg; break;
    case O_WS: s->workstation = arg; break;
    case O_AUDIT:
        if (arg && strcmp(arg, "all"))
            return cli_usage_error("create", "--audit-reads=%s: only =all is accepted", arg);
        s->audit_reads = arg ? 2 : 1;
        break;
    case O_ALLOW_HOURS: s->allow_logon_hours = 1; break;
    case O_ALLOW_WS: s->allow_any_workstation = 1; break;
    case O_KEEP_USERS: s->keep_domain_users = 1; break;
    case O_SHOW_PW: s->show_password = 1; break;
    case O_FROM: o->from = arg; break;
    default: return cli_usage_error("create", "invalid option%s", NULL);
    }
    return 0;
}

static const cli_cmd create_cmd = {
    .name = "create",
    .usage = "Usage: adseed create NAME [OPTIONS]\n"
             "       adseed create --from FILE.csv [OPTIONS]\n"
             "Creates an enabled decoy user with a random 32+ character password (never shown unless\n"
             "--show-password) and records it, with its objectSid and objectGUID, in the inventory.",
    .groups = {{"Decoy:", decoy_options, 20, 0},
               {"Relaxing the safe defaults (each one is a risk, see docs/adseed.md):", risk_options, 24, 0}},
    .args = CLI_ARGS_ANY,
    .ldap = 1,
    .opt = create_opt};

typedef struct create_run {
    cli_ctx *cli;
    adseed_conn *conn;
    adseed_inventory *inv;
    int show_password;
} create_run;

/* 0 created, 1 already there (unchanged), -1 failed. Prints one line. */
static int create_one(create_run *r, decoy_spec *s, const char *tag)
{
    char err[1536], pw[48], spn[300];
    adseed_decoy rec;
    adseed_decoy *have = adseed_inventory_find(r->inv, s->name);
    if (have && !have->retired) {
        char guid[64];
        int found = decoy_account_guid(r->conn, s->name, guid, sizeof guid, NULL, err, sizeof err);
        if (found > 0 && have->guid && !strcasecmp(guid, have->guid)) {
            printf("%s%s: already a decoy (objectGUID %s), left unchanged\n", tag, s->name, guid);
            return 1;
        }
        if (found < 0) {
            fprintf(stderr, "%sadseed create: %s\n", tag, err);
            return -1;
        }
        if (found > 0) {
            fprintf(stderr,
                    "%sadseed create: %s: an account with this name exists but its objectGUID "
                    "%s differs from the inventory's %s: left alone\n",
                    tag, s->name, guid, have->guid ? have->guid : "(none)");
            return -1;
        }
        /* in the inventory but gone from the directory: re-create below */
    }
    if (!s->nspns && s->kind == ADSEED_KIND_KERBEROAST) {
        decoy_default_spn(s->name, r->conn->dns_domain, spn, sizeof spn);
        s->spns[s->nspns++] = spn;
    }
    if (decoy_create(r->conn, s, &rec, pw, sizeof pw, err, sizeof err)) {
        fprintf(stderr, "%sadseed create: %s\n", tag, err);
        return -1;
    }
    int rc = adseed_inventory_put(r->inv, &rec, err, sizeof err);
    if (rc)
        fprintf(stderr, "adseed create: inventory: %s\n", err);
    else
        rc = cli_inventory_save(r->cli, r->inv);
    printf("%s%s: created %s decoy %s\n%s  objectSid %s  objectGUID %s\n", tag, rec.name,
           adseed_kind_name(rec.kind), rec.dn, tag[0] ? "  " : "", rec.sid, rec.guid);
    for (size_t i = 0; i < rec.nspns; i++)
        printf("  SPN %s\n", rec.spns[i]);
    if (r->show_password)
        printf("  password %s\n", pw);
    memset(pw, 0, sizeof pw);
    adseed_decoy_free(&rec);
    return rc ? -1 : 0;
}

static const char *const columns[] = {"name", "kind",     "spns",  "ou",      "description",
                                      "memo", "location", "owner", "runbook", NULL};

static int col_index(const char *h)
{
    for (int i = 0; columns[i]; i++)
        if (!strcasecmp(h, columns[i]))
            return i;
    return -1;
}

static int create_from_csv(create_run *r, const decoy_spec *base, const char *file)
{
    char err[1024];
    size_t len, nrows = 0, ok = 0, same = 0, failed = 0;
    decoy_csv_row *rows = NULL;
    char *text = adseed_read_file(file, &len, err, sizeof err);
    int map[16], ret = CLI_EXIT_FAIL;
    if (!text || decoy_csv_parse(text, len, file, &rows, &nrows, err, sizeof err)) {
        fprintf(stderr, "adseed create: %s\n", err);
        goto out;
    }
    if (nrows == 0) {
        fprintf(stderr, "adseed create: %s: empty file (expected a header row: name,kind,spns,...)\n", file);
        goto out;
    }
    for (size_t i = 0; i < rows[0].nfields && i < 16; i++) {
        if ((map[i] = col_index(rows[0].fields[i])) < 0) {
            fprintf(stderr,
                    "adseed create: %s:%zu: unknown column '%s' (known: name, kind, spns, ou, "
                    "description, memo, location, owner, runbook)\n",
                    file, rows[0].line, rows[0].fields[i]);
            goto out;
        }
    }
    for (size_t n = 1; n < nrows; n++) {
        decoy_spec s = *base;
        char tag[64], *spncopy = NULL;
        const char *f[9] = {0};
        snprintf(tag, sizeof tag, "[%zu/%zu] ", n, nrows - 1);
        for (size_t i = 0; i < rows[n].nfields && i < rows[0].nfields && i < 16; i++)
            if (rows[n].fields[i][0])
                f[map[i]] = rows[n].fields[i];
        s.name = f[0];
        if (!s.name) {
            fprintf(stderr, "%sadseed create: %s:%zu: missing name\n", tag, file, rows[n].line);
            failed++;
            continue;
        }
        if (f[1] && adseed_kind_parse(f[1], &s.kind)) {
            fprintf(stderr, "%sadseed create: %s:%zu: unknown kind '%s'\n", tag, file, rows[n].line, f[1]);
            failed++;
            continue;
        }
        s.nspns = 0;
        if (f[2] && (spncopy = strdup(f[2]))) {
            /* SPNs separated by ';' or spaces */
            for (char *t = spncopy; *t && s.nspns < ADSEED_MAX_SPNS;) {
                size_t len = strcspn(t, "; ");
                if (len)
                    s.spns[s.nspns++] = t;
                t += len;
                if (*t)
                    *t++ = '\0';
            }
        }
        if (f[3])
            s.ou = f[3];
        if (f[4])
            s.description = f[4];
        if (f[5])
            s.memo = f[5];
        if (f[6])
            s.location = f[6];
        if (f[7])
            s.owner = f[7];
        if (f[8])
            s.runbook = f[8];
        int rc = create_one(r, &s, tag);
        free(spncopy);
        rc == 0 ? ok++ : rc == 1 ? same++ : failed++;
        fprintf(stderr, "\rprogress: %zu/%zu rows (%zu created, %zu unchanged, %zu failed)\n", n, nrows - 1,
                ok, same, failed);
    }
    printf("%s: %zu created, %zu already present, %zu failed\n", file, ok, same, failed);
    ret = failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
    free(text);
    decoy_csv_free(rows, nrows);
    return ret;
}

int cli_create(int argc, char **argv)
{
    cli_ctx cli;
    create_opts o = {.s = {.kind = ADSEED_KIND_KERBEROAST}};
    decoy_spec *s = &o.s;
    const char *from;
    int ret = cli_parse(&create_cmd, &o, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    from = o.from;
    if (!from && optind != argc - 1)
        return cli_usage_error("create", "expected exactly one NAME (or --from FILE.csv)%s", NULL);
    if (from && optind != argc)
        return cli_usage_error("create", "NAME and --from are exclusive%s", NULL);
    if (!from) {
        char err[256];
        s->name = argv[optind];
        if (decoy_name_valid(s->name, err, sizeof err))
            return cli_usage_error("create", "%s", err);
    }
    adseed_inventory inv;
    adseed_conn conn;
    if (cli_open(&cli, &inv, 1, &conn))
        return CLI_EXIT_FAIL;
    create_run r = {.cli = &cli, .conn = &conn, .inv = &inv, .show_password = s->show_password};
    if (from)
        ret = create_from_csv(&r, s, from);
    else
        ret = create_one(&r, s, "") < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return ret;
}
