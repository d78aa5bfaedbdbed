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

static const cli_opt report_options[] = {
    {"alerts", required_argument, O_ALERTS, "FILE",
     "decoysvc alerts (JSON lines from the file sink, or Splunk HEC\n"
     "envelopes): trips per decoy over time and the top sources"},
    {"verify", no_argument, O_VERIFY, NULL,
     "check each active decoy against the directory (as\n"
     "'adseed verify'; needs --uri and a bind) and show the result"},
    {NULL, 0, 0, "--audit-reads, --allow-logon-hours, --allow-any-workstation, --keep-domain-users",
     "as for 'adseed verify'"},
    {"html", required_argument, O_HTML, "FILE", "where to write the page (mode 0600: it names the decoys)"},
    {0}};

typedef struct report_opts {
    decoy_verify_opts vo;
    const char *html, *alerts;
    int verify;
} report_opts;

static int report_opt(void *st, int id, const char *arg)
{
    report_opts *o = st;
    if (cli_verify_opt(&o->vo, id))
        return 0;
    switch (id) {
    case O_HTML: o->html = arg; break;
    case O_ALERTS: o->alerts = arg; break;
    case O_VERIFY: o->verify = 1; break;
    default: return cli_usage_error("report", "invalid option%s", NULL);
    }
    return 0;
}

static const cli_cmd report_cmd = {
    .name = "report",
    .usage = "Usage: adseed report --html OUT.html [--alerts ALERTS.jsonl] [--verify [CONNECTION]]\n"
             "Writes the estate report: one self-contained HTML page (no script, font or network\n"
             "reference) with the decoys by kind and location, who planted each and when, and:",
    .groups = {{NULL, report_options, 24, 0}, {NULL, cli_verify_options, 24, 1}},
    .ldap = 1,
    .opt = report_opt};

/* Runs verify on every active decoy; fills v[] (inv->ndecoys entries).
 * -fanalyzer (MinGW): v[i].detail = strdup(...) in the loop is reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int run_verify(cli_ctx *cli, const adseed_inventory *inv, const decoy_verify_opts *vo, report_verify *v)
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
        fprintf(stderr, "adseed report: verify %s: %s\n", d->name, n < 0 ? err : n ? "drift" : "ok");
    }
    adseed_conn_close(&conn);
    return 0;
}
ANALYZER_LEAK_CHECK_ON

int cli_report(int argc, char **argv)
{
    cli_ctx cli;
    report_opts o = {0};
    int ret = cli_parse(&report_cmd, &o, &cli, argc, argv);
    const char *html = o.html, *alerts_path = o.alerts;
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    if (!html)
        return cli_usage_error("report", "--html FILE is required%s", NULL);

    adseed_inventory inv;
    report_alerts alerts = {0};
    report_verify *v = NULL;
    strbuf page = {0};
    char err[1024], now[32];
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    if (alerts_path) {
        if (report_alerts_load(&alerts, alerts_path, err, sizeof err)) {
            fprintf(stderr, "adseed report: --alerts: %s\n", err);
            goto out;
        }
        if (alerts.skipped)
            fprintf(stderr, "adseed report: %s: %zu line(s) skipped, first at line %zu: %s\n", alerts_path,
                    alerts.skipped, alerts.first_bad_line, alerts.first_bad_reason);
    }
    if (o.verify) {
        if (!(v = calloc(inv.ndecoys ? inv.ndecoys : 1, sizeof *v))) {
            fprintf(stderr, "adseed report: out of memory\n");
            goto out;
        }
        if (run_verify(&cli, &inv, &o.vo, v))
            goto out;
    }
    decoy_now_iso(now, sizeof now);
    report_data r = {.inv = &inv,
                     .inventory_path = cli.inventory,
                     .verify = v,
                     .verify_uri = cli.conn.uri,
                     .alerts = alerts_path ? &alerts : NULL,
                     .alerts_path = alerts_path,
                     .generated = now};
    if (report_render_html(&r, &page, err, sizeof err) ||
        adseed_write_file_atomic(html, page.data, page.len, 0600, err, sizeof err)) {
        fprintf(stderr, "adseed report: %s\n", err);
        goto out;
    }
    fprintf(stderr, "adseed report: wrote %s (%zu decoys, %zu alerts)\n", html, inv.ndecoys, alerts.n);
    ret = CLI_EXIT_OK;
out:
    for (size_t i = 0; v && i < inv.ndecoys; i++)
        free(v[i].detail);
    free(v);
    strbuf_free(&page);
    report_alerts_free(&alerts);
    adseed_inventory_free(&inv);
    return ret;
}
