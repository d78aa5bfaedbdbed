/*
 * cli_breadcrumb.c - `adseed breadcrumb create|list|remove`: plants a lure (an artefact holding the
 * decoy's real password) and records it on its decoy in the inventory. create sets a new random
 * password on the decoy over an encrypted connection, writes the artefact (mode 0600) or, for a
 * description lure, sets the decoy's description, then records the breadcrumb. The password is
 * never on argv, never logged, and printed only into the artefact. list and remove are in
 * cli_breadcrumb_list.c.
 */
#include "adseed/cli.h"
#include "adseed/lure.h"
#include "svc/base/crypto.h"
#include "svc/base/fs.h"

#include <stdlib.h>
#include <string.h>

enum { O_KIND = OPT_CMD_BASE, O_DECOY, O_LOCATION, O_OUT, O_TARGET, O_CREATE, O_OU };

static const cli_opt create_options[] = {
    {"kind", required_argument, O_KIND, "KIND",
     "description  the decoy's LDAP description (no --out)\n"
     "gpp          a Group Policy Preferences Groups.xml with a cpassword\n"
     "script       an admin script (.ps1 when FILE ends in .ps1, else batch)\n"
     "cmdkey       the cmdkey command that stores the credential on a host\n"
     "unattend     an unattend.xml with an AutoLogon password"},
    {"decoy", required_argument, O_DECOY, "NAME", "the decoy (in the inventory; see --create)"},
    {"location", required_argument, O_LOCATION, "TEXT",
     "where the lure is placed, as the SOC should read it in the alert\n"
     "(e.g. \"SYSVOL: GPO 'Legacy Drive Maps' Groups.xml\")"},
    {"out", required_argument, O_OUT, "FILE", "where to write the artefact (mode 0600; '-' for standard output)"},
    {"target", required_argument, O_TARGET, "TEXT",
     "script: the UNC share it maps; cmdkey: the host the credential is for\n"
     "(default \\\\fs-backup01.<domain>\\Exports$ / fs-backup01.<domain>)"},
    {"create", no_argument, O_CREATE, NULL,
     "create the decoy (a plain decoy with the safe defaults) when it is not\n"
     "in the inventory"},
    {"ou", required_argument, O_OU, "DN", "with --create: its container (default CN=Users,<domain>)"},
    {0}};

typedef struct bc_opts {
    adseed_lure kind;
    int have_kind, create;
    const char *decoy, *location, *out, *target, *ou;
} bc_opts;

static int create_opt(void *st, int id, const char *arg)
{
    bc_opts *o = st;
    switch (id) {
    case O_KIND:
        if (adseed_lure_parse(arg, &o->kind))
            return cli_usage_error("breadcrumb create",
                                   "--kind %s: expected description, gpp, "
                                   "script, cmdkey or unattend",
                                   arg);
        o->have_kind = 1;
        break;
    case O_DECOY: o->decoy = arg; break;
    case O_LOCATION: o->location = arg; break;
    case O_OUT: o->out = arg; break;
    case O_TARGET: o->target = arg; break;
    case O_CREATE: o->create = 1; break;
    case O_OU: o->ou = arg; break;
    default: return cli_usage_error("breadcrumb create", "invalid option%s", NULL);
    }
    return 0;
}

static const cli_cmd create_cmd = {
    .name = "breadcrumb create",
    .usage = "Usage: adseed breadcrumb create --kind KIND --decoy NAME --location TEXT [--out FILE] [OPTIONS]\n"
             "Plants a lure that leads attackers to a decoy: sets a new random password on the decoy\n"
             "(over LDAPS / StartTLS / a sealed bind) and puts that password into the lure, then\n"
             "records the breadcrumb on the decoy in the inventory. A use of the password fails only\n"
             "on the decoy's restrictions (no logon hours, a non-existent workstation) and raises a\n"
             "breadcrumb_used alert naming the kind and location. Give each lure its own decoy.\n",
    .groups = {{NULL, create_options, 17, 0}},
    .footer = "See docs/adseed.md for where to place each lure, its risk, and how to retire it.",
    .ldap = 1,
    .opt = create_opt};

/* NetBIOS domain guessed from the realm's first label (CORP.EXAMPLE -> CORP). */
static void netbios_from_realm(const char *realm, char *out, size_t outlen)
{
    size_t n = strcspn(realm ? realm : "", ".");
    if (n >= outlen)
        n = outlen - 1;
    if (n > 15)
        n = 15;
    memcpy(out, realm ? realm : "", n);
    out[n] = '\0';
}

/* A believable past date: GPP passwords could only be set before MS14-025 (May 2014), the other
 * lures a few years back. */
static int lure_when(adseed_lure kind, char *out, size_t outlen)
{
    uint32_t r;
    time_t t;
    if (crypto_random(&r, sizeof r))
        return -1;
    if (kind == ADSEED_LURE_GPP)
        t = (time_t)1356998400 + (time_t)(r % (480u * 86400u)); /* 2013-01-01 + up to 480 days */
    else
        t = time(NULL) - (time_t)(400u * 86400u) - (time_t)(r % (1000u * 86400u));
    decoy_time_format(t, "%Y-%m-%d %H:%M:%S", out, outlen);
    return 0;
}

int cli_breadcrumb_new_id(char *out, size_t outlen)
{
    uint8_t b[6];
    if (crypto_random(b, sizeof b))
        return -1;
    snprintf(out, outlen, "bc-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return 0;
}

/* The decoy to carry the lure: from the inventory, or created with the safe defaults. */
static adseed_decoy *decoy_for_lure(cli_ctx *cli, adseed_conn *conn, adseed_inventory *inv, const bc_opts *o)
{
    adseed_decoy *d = adseed_inventory_find(inv, o->decoy), rec;
    const adseed_breadcrumb *old;
    char err[1536], pw[48];
    decoy_spec s = {.name = o->decoy, .kind = ADSEED_KIND_PLAIN, .ou = o->ou};

    if (d && d->retired) {
        fprintf(stderr, "adseed breadcrumb: %s: the decoy was retired on %s\n", d->name, d->retired);
        return NULL;
    }
    if (d && (old = adseed_decoy_active_breadcrumb(d)) != NULL) {
        fprintf(stderr,
                "adseed breadcrumb: %s already carries breadcrumb %s (%s at %s): give each "
                "lure its own decoy (--decoy NEW --create) so that an alert tells them apart, or "
                "'adseed breadcrumb remove %s' first\n",
                d->name, old->id, adseed_lure_name(old->kind), old->location, old->id);
        return NULL;
    }
    if (d)
        return d;
    if (!o->create) {
        fprintf(stderr,
                "adseed breadcrumb: %s: not in the inventory %s (add --create to create it "
                "with the safe defaults)\n",
                o->decoy, cli->inventory);
        return NULL;
    }
    if (decoy_create(conn, &s, &rec, pw, sizeof pw, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: %s\n", err);
        return NULL;
    }
    memset(pw, 0, sizeof pw); /* replaced by the lure's password below */
    printf("%s: created plain decoy %s (objectSid %s)\n", rec.name, rec.dn, rec.sid);
    if (adseed_inventory_put(inv, &rec, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: inventory: %s\n", err);
        adseed_decoy_free(&rec);
        return NULL;
    }
    if (cli_inventory_save(cli, inv)) { /* the error is printed */
        adseed_decoy_free(&rec);
        return NULL;
    }
    adseed_decoy_free(&rec);
    return adseed_inventory_find(inv, o->decoy);
}

/* Writes the artefact; "-" is standard output. */
static int write_artefact(const char *path, const strbuf *b)
{
    char err[1024];
    if (!strcmp(path, "-")) {
        fwrite(b->data, 1, b->len, stdout);
        return fflush(stdout) == 0 ? 0 : -1;
    }
    if (adseed_write_file_atomic(path, b->data, b->len, 0600, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: %s\n", err);
        return -1;
    }
    return 0;
}

static int plant(cli_ctx *cli, adseed_conn *conn, adseed_inventory *inv, const bc_opts *o)
{
    char pw[LURE_PASSWORD_LEN + 1], err[1536], netbios[16], when[32], now[32], fp[72];
    char id[32], *dn = NULL;
    strbuf art = {0};
    lure_params p = {.kind = o->kind, .target = o->target, .when = when, .password = pw};
    adseed_breadcrumb b = {.kind = o->kind, .location = (char *)o->location, .id = id, .planted = now};
    adseed_decoy *d = decoy_for_lure(cli, conn, inv, o);
    int ret = CLI_EXIT_FAIL, written = 0;

    if (!d || !(dn = cli_decoy_dn(conn, d, "breadcrumb")))
        goto out;
    netbios_from_realm(conn->realm, netbios, sizeof netbios);
    p.name = d->name;
    p.netbios = netbios;
    p.dns_domain = conn->dns_domain;
    p.powershell = o->out && strlen(o->out) > 4 && !strcasecmp(o->out + strlen(o->out) - 4, ".ps1");
    if (decoy_password_generate_lure(pw, LURE_PASSWORD_LEN) || lure_when(o->kind, when, sizeof when) ||
        crypto_random(p.uid, sizeof p.uid) || cli_breadcrumb_new_id(id, sizeof id)) {
        fprintf(stderr, "adseed breadcrumb: no random numbers from the system\n");
        goto out;
    }
    if (lure_render(&p, &art, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: %s\n", err);
        goto out;
    }
    /* a file first (a failure leaves the decoy's password unchanged), stdout only once it is set */
    if (o->out && strcmp(o->out, "-") != 0) {
        if (write_artefact(o->out, &art))
            goto out;
        written = 1;
    }
    if (lure_set_password(conn, dn, pw, o->kind == ADSEED_LURE_DESCRIPTION ? art.data : NULL, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: %s: %s\n", d->name, err);
        goto out;
    }
    if (o->out && !strcmp(o->out, "-") && write_artefact("-", &art))
        goto out;
    written = 0; /* the artefact now holds the decoy's real password: keep it */
    decoy_now_iso(now, sizeof now);
    b.planted_by = conn->whoami ? conn->whoami : "unknown";
    if (o->kind == ADSEED_LURE_DESCRIPTION) {
        if (lure_fingerprint(art.data, fp)) {
            fprintf(stderr, "adseed breadcrumb: SHA-256 failed\n");
            goto out;
        }
        b.fingerprint = fp;
    }
    if (adseed_decoy_add_breadcrumb(d, &b, err, sizeof err)) {
        fprintf(stderr, "adseed breadcrumb: %s\n", err);
        goto out;
    }
    if (cli_inventory_save(cli, inv))
        goto out;
    fprintf(o->out && !strcmp(o->out, "-") ? stderr : stdout,
            "%s: %s breadcrumb for decoy %s at \"%s\"%s%s%s\n", id, adseed_lure_name(o->kind), d->name,
            o->location, o->out && strcmp(o->out, "-") ? "; artefact written to " : "",
            o->out && strcmp(o->out, "-") ? o->out : "",
            o->out && strcmp(o->out, "-") ? " (mode 0600, it holds the decoy's password: place it, "
                                            "then delete this copy)"
                                          : "");
    ret = CLI_EXIT_OK;
out:
    if (written)
        fs_remove(o->out); /* its password was never set on the decoy */
    memset(pw, 0, sizeof pw);
    strbuf_wipe_free(&art);
    free(dn);
    return ret;
}

static int breadcrumb_create(int argc, char **argv)
{
    cli_ctx cli;
    bc_opts o = {0};
    int ret = cli_parse(&create_cmd, &o, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    if (!o.have_kind || !o.decoy || !o.location || !o.location[0])
        return cli_usage_error("breadcrumb create", "--kind, --decoy and --location are required%s", NULL);
    for (const char *s = o.location; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return cli_usage_error("breadcrumb create", "--location: no control characters%s", NULL);
    if (o.kind == ADSEED_LURE_DESCRIPTION && o.out)
        return cli_usage_error("breadcrumb create", "--out: a description lure has no artefact%s", NULL);
    if (o.kind != ADSEED_LURE_DESCRIPTION && !o.out)
        return cli_usage_error("breadcrumb create", "--out FILE is required for --kind %s",
                               adseed_lure_name(o.kind));
    {
        char err[256];
        if (decoy_name_valid(o.decoy, err, sizeof err))
            return cli_usage_error("breadcrumb create", "--decoy: %s", err);
    }
    adseed_inventory inv;
    adseed_conn conn;
    if (cli_open(&cli, &inv, o.create, &conn))
        return CLI_EXIT_FAIL;
    ret = plant(&cli, &conn, &inv, &o);
    adseed_conn_close(&conn);
    adseed_inventory_free(&inv);
    return ret;
}

static void help(FILE *f)
{
    fputs("Usage: adseed breadcrumb create|list|remove [OPTIONS]\n"
          "Lures that lead attackers to decoys and tell the SOC where they were found:\n"
          "  create   plant a lure (description, gpp, script, cmdkey, unattend) with a decoy's password\n"
          "  list     the breadcrumbs of the inventory\n"
          "  remove   retire a breadcrumb: rotate the decoy's password, restore its description\n"
          "Run 'adseed breadcrumb COMMAND --help' for the options; see docs/adseed.md.\n",
          f);
}

int cli_breadcrumb(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        help(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "create"))
        return breadcrumb_create(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list"))
        return cli_breadcrumb_list(argc - 1, argv + 1);
    if (!strcmp(argv[1], "remove"))
        return cli_breadcrumb_remove(argc - 1, argv + 1);
    fprintf(stderr, "adseed breadcrumb: unknown command '%s'\n\n", argv[1]);
    help(stderr);
    return CLI_EXIT_USAGE;
}
