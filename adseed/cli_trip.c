/*
 * cli_trip.c - `adseed trip NAME`: requests a Kerberos service ticket for the decoy's SPN with the
 * caller's credentials (kinit first) to prove the alert pipeline end to end, and prints the ticket
 * encryption the KDC chose (RC4 is what roasting tools get).
 */
#include "adseed/cli.h"

#include <string.h>

enum { O_SPN = OPT_CMD_BASE };

static const cli_opt trip_options[] = {
    {"spn", required_argument, O_SPN, "SPN", "the SPN to ask a ticket for (default: the decoy's first)"}, {0}};

static const cli_cmd trip_cmd = {
    .name = "trip",
    .usage = "Usage: adseed trip NAME [--spn SPN] [--inventory FILE]\n"
             "Requests a service ticket for the decoy's first SPN (or --spn) with your Kerberos\n"
             "credentials (run kinit first; KRB5CCNAME and KRB5_CONFIG are honoured), exactly as a\n"
             "Kerberoasting tool would: the DC logs 4769 and decoysvc must page. Prints the ticket\n"
             "encryption the KDC chose. Windows equivalent: klist get SPN, then klist.\n",
    .groups = {{NULL, trip_options, 20, 0}},
    .args = "decoy NAME",
    .opt = cli_opt_string};

static const char *etype_note(const char *e)
{
    if (strstr(e, "arcfour") || strstr(e, "rc4"))
        return "etype 23, RC4-HMAC: what Kerberoasting tools request; the decoy is roastable bait";
    if (strstr(e, "aes256"))
        return "etype 18, AES256: msDS-SupportedEncryptionTypes prefers AES, less attractive bait";
    if (strstr(e, "aes128"))
        return "etype 17, AES128";
    if (strstr(e, "des"))
        return "DES: weak and unusual";
    return "unknown encryption type";
}

int cli_trip(int argc, char **argv)
{
    cli_ctx cli;
    const char *spn = NULL;
    int ret = cli_parse(&trip_cmd, &spn, &cli, argc, argv);
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    const char *name = argv[optind];
    adseed_inventory inv;
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    adseed_decoy *d = adseed_inventory_find(&inv, name);
    char err[1024], etype[128];
    if (!d) {
        fprintf(stderr, "adseed trip: %s: not in the inventory %s\n", name, cli.inventory);
        goto out;
    }
    if (d->retired)
        fprintf(stderr, "adseed trip: warning: %s was retired on %s\n", d->name, d->retired);
    if (!spn && d->nspns)
        spn = d->spns[0];
    if (!spn) {
        fprintf(stderr,
                "adseed trip: %s (%s) has no SPN: a service ticket needs one (use --spn, or "
                "trip an asrep decoy with `kinit %s` and any password)\n",
                d->name, adseed_kind_name(d->kind), d->name);
        goto out;
    }
    if (decoy_trip_spn(spn, etype, sizeof etype, err, sizeof err)) {
        fprintf(stderr, "adseed trip: %s\n", err);
        goto out;
    }
    printf("%s: service ticket for %s issued; ticket encryption %s (%s)\n", d->name, spn, etype,
           etype_note(etype));
    printf("The DC logged event 4769 (Samba: TGS-REQ in the KDC log); decoysvc should alert now.\n");
    ret = CLI_EXIT_OK;
out:
    adseed_inventory_free(&inv);
    return ret;
}
