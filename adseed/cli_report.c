/*
 * cli_report.c - `adseed report --html OUT.html`: the estate report, one self-contained HTML page
 * from the inventory, optionally a live verify of each active decoy (--verify, with the usual
 * connection options) and decoysvc's alerts (--alerts FILE, JSON lines). Exit 0 written, 1 failure,
 * 2 usage; the page is written even when verify finds drift (the page shows it).
 */
#include "adseed/cli.h"
#include "adseed/report.h"
#include "svc/base/analyzer.h"

#include <stdlib.h>
#include <string.h>

enum { O_HTML = OPT_CMD_BASE, O_ALERTS, O_VERIFY };

static void help(void)
{
    puts("Usage: adseed report --html OUT.html [--alerts ALERTS.jsonl] [--verify [CONNECTION]]\n"
         "Writes the estate report: one self-contained HTML page (no script, font or network\n"
         "reference) with the decoys by kind and location, who planted each and when, and:\n"
         "  --alerts FILE            decoysvc alerts (JSON lines from the file sink, or Splunk HEC\n"
         "                           envelopes): trips per decoy over time and the top sources\n"
         "  --verify                 check each active decoy against the directory (as\n"
         "                           'adseed verify'; needs --uri and a bind) and show the result\n"
         "  --audit-reads, --allow-logon-hours, --allow-any-workstation, --keep-domain-users\n"
         "                           as for 'adseed verify'\n"
         "  --html FILE              where to write the page (mode 0600: it names the decoys)");
    cli_common_help(stdout, 1);
}

/* Runs verify on every active decoy; fills v[] (inv->ndecoys entries).
 * -fanalyzer (MinGW): v[i].detail = strdup(...) in the loop is reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int run_verify(cli_ctx *cli, const adseed_inventory *inv, const decoy_verify_opts *vo,
                      report_verify *v)
{
    adseed_conn conn;
    if (cli_connect(cli, &conn))
        return -1;
    for (size_t i = 0; i < inv->ndecoys; i++) {
        const adseed_decoy *d = &inv->decoys[i];
        char err[1024];
        if (d->retired)
            continue;
        FILE *tmp = tmpfile(); /* the findings, one per line */
        int n = decoy_verify_one(&conn, d, vo, tmp ? tmp : stderr, err, sizeof err);
        if (n < 0) {
            v[i].state = REPORT_VERIFY_ERROR;
            v[i].detail = strdup(err);
        } else if (n == 0) {
            v[i].state = REPORT_VERIFY_OK;
        } else {
            v[i].state = REPORT_VERIFY_DRIFT;
            long len = tmp && fseek(tmp, 0, SEEK_END) == 0 ? ftell(tmp) : -1;
            if (len > 0 && fseek(tmp, 0, SEEK_SET) == 0 && (v[i].detail = calloc(1, (size_t)len + 1)))
                len = (long)fread(v[i].detail, 1, (size_t)len, tmp);
            if (!v[i].detail)
                v[i].detail = strdup("drift (details on stderr)");
        }
        if (tmp)
            fclose(tmp);
        fprintf(stderr, "adseed report: verify %s: %s\n", d->name,
                n < 0 ? err : n ? "drift" : "ok");
    }
    adseed_conn_close(&conn);
    return 0;
}
ANALYZER_LEAK_CHECK_ON

int cli_report(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"html", required_argument, 0, O_HTML},
        {"alerts", required_argument, 0, O_ALERTS},
        {"verify", no_argument, 0, O_VERIFY},
        CLI_VERIFY_OPTIONS,
        {0, 0, 0, 0}};
    cli_ctx cli;
    decoy_verify_opts vo = {0};
    const char *html = NULL, *alerts_path = NULL;
    int opt, verify = 0, ret = CLI_EXIT_FAIL;
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (c || cli_verify_opt(&vo, opt))
            continue;
        switch (opt) {
        case O_HTML: html = optarg; break;
        case O_ALERTS: alerts_path = optarg; break;
        case O_VERIFY: verify = 1; break;
        default: return cli_usage_error("report", "invalid option%s", NULL);
        }
    }
    if (cli.help) {
        help();
        return CLI_EXIT_OK;
    }
    if (optind != argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    if (!html)
        return cli_usage_error("report", "--html FILE is required%s", NULL);

    adseed_inventory inv;
    report_alerts alerts = {0};
    report_verify *v = NULL;
    decoy_buf page = {0};
    char err[1024], now[32];
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    if (alerts_path) {
        if (report_alerts_load(&alerts, alerts_path, err, sizeof err)) {
            fprintf(stderr, "adseed report: --alerts: %s\n", err);
            goto out;
        }
        if (alerts.skipped)
            fprintf(stderr, "adseed report: %s: %zu line(s) skipped, first at line %zu: %s\n",
                    alerts_path, alerts.skipped, alerts.first_bad_line, alerts.first_bad_reason);
    }
    if (verify) {
        if (!(v = calloc(inv.ndecoys ? inv.ndecoys : 1, sizeof *v))) {
            fprintf(stderr, "adseed report: out of memory\n");
            goto out;
        }
        if (run_verify(&cli, &inv, &vo, v))
            goto out;
    }
    decoy_now_iso(now, sizeof now);
    report_data r = {.inv = &inv, .inventory_path = cli.inventory, .verify = v,
                     .verify_uri = cli.conn.uri, .alerts = alerts_path ? &alerts : NULL,
                     .alerts_path = alerts_path, .generated = now};
    if (report_render_html(&r, &page, err, sizeof err) ||
        adseed_write_file_atomic(html, page.s, page.len, 0600, err, sizeof err)) {
        fprintf(stderr, "adseed report: %s\n", err);
        goto out;
    }
    fprintf(stderr, "adseed report: wrote %s (%zu decoys, %zu alerts)\n", html, inv.ndecoys, alerts.n);
    ret = CLI_EXIT_OK;
out:
    for (size_t i = 0; v && i < inv.ndecoys; i++)
        free(v[i].detail);
    free(v);
    decoy_buf_free(&page);
    report_alerts_free(&alerts);
    adseed_inventory_free(&inv);
    return ret;
}
