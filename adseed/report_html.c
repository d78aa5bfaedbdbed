/* report_html.c - the estate report page (`adseed report --html`): one self-contained HTML document
 * (inline CSS and SVG, a Content-Security-Policy that forbids scripts and network loads) with the
 * decoys by kind and location, each decoy's verify result, who planted it when, and, from decoysvc's
 * alerts, the trips per decoy over time and the top sources. Every value is escaped (html.c). */
#include "adseed/html.h"
#include "adseed/report.h"
#include "adseed/report_tally.h"

#include <stdlib.h>
#include <string.h>

#define TOP_LOCATIONS 12
#define TOP_SOURCES 10

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:0;color:#1b2631;background:#f4f6f7}"
    "header{background:#1b2631;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}"
    "header p{margin:4px 0 0;color:#d5d8dc}main{padding:12px 28px 28px}"
    "section{background:#fff;border-radius:6px;padding:14px 18px;margin:14px 0;"
    "box-shadow:0 1px 2px rgba(0,0,0,.08)}h2{font-size:17px;margin:0 0 10px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 150px;background:#fff;border-radius:6px;"
    "padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}.card b{display:block;font-size:26px}"
    ".row{display:flex;flex-wrap:wrap;gap:14px}.row section{flex:1 1 420px;margin:0}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;"
    "border-bottom:1px solid #eaeded;vertical-align:top}th{background:#f8f9f9;font-weight:600}"
    ".scroll{overflow-x:auto}td{font-size:13px}td.num{text-align:right}.muted{color:#7f8c8d}.mono{font-family:monospace;font-size:12px;overflow-wrap:anywhere}"
    ".ok{color:#1e8449;font-weight:600}.drift{color:#c0392b;font-weight:600}"
    ".err{color:#b9770e;font-weight:600}pre{white-space:pre-wrap;margin:2px 0;font-size:12px}"
    ".chart text{font-size:12px;fill:#1b2631}.chart .axis{fill:#7f8c8d}"
    ".legend span{display:inline-block;margin-right:14px}.legend b{font-size:15px}"
    "footer{padding:0 28px 20px;color:#7f8c8d;font-size:12px}";

static void text(strbuf *b, const char *s) { html_escape(b, s); }

static void cell(strbuf *b, const char *cls, const char *s)
{
    strbuf_printf(b, cls ? "<td class=\"%s\">" : "<td>", cls);
    if (s && *s)
        text(b, s);
    else
        strbuf_printf(b, "<span class=\"muted\">&#8212;</span>");
    strbuf_printf(b, "</td>");
}

static void card(strbuf *b, const char *label, long long value, const char *note)
{
    strbuf_printf(b, "<div class=\"card\"><b>%lld</b>", value);
    text(b, label);
    if (note) {
        strbuf_printf(b, "<br><span class=\"muted\">");
        text(b, note);
        strbuf_printf(b, "</span>");
    }
    strbuf_printf(b, "</div>");
}

static void bars_from_tally(strbuf *b, const char *title, tally *t, size_t top)
{
    report_bar bars[TOP_LOCATIONS + 4];
    size_t n = 0;
    tally_sort(t);
    for (size_t i = 0; i < t->n && n < top && n < sizeof bars / sizeof bars[0]; i++)
        bars[n++] = (report_bar){t->v[i].key, t->v[i].count};
    report_svg_bars(b, title, bars, n);
    if (t->n > n)
        strbuf_printf(b, "<p class=\"muted\">%zu more not shown.</p>", t->n - n);
}

/* Cards and the kind / location charts. */
static void render_overview(const report_data *r, strbuf *b, tally *trips)
{
    tally kinds = {0}, locations = {0};
    long long active = 0, retired = 0, ok = 0, drift = 0, errors = 0;
    for (size_t i = 0; i < r->inv->ndecoys; i++) {
        const adseed_decoy *d = &r->inv->decoys[i];
        if (d->retired) {
            retired++;
            continue;
        }
        active++;
        tally_event(&kinds, adseed_kind_name(d->kind), 1, INT64_MIN, NULL);
        tally_event(&locations, d->location && *d->location ? d->location : "(none)", 1, INT64_MIN, NULL);
        if (r->verify) {
            ok += r->verify[i].state == REPORT_VERIFY_OK;
            drift += r->verify[i].state == REPORT_VERIFY_DRIFT;
            errors += r->verify[i].state == REPORT_VERIFY_ERROR;
        }
    }
    strbuf_printf(b, "<div class=\"cards\">");
    card(b, "active decoys", active, NULL);
    card(b, "retired", retired, NULL);
    if (r->verify) {
        card(b, "verified clean", ok, NULL);
        card(b, "drifted", drift, NULL);
        if (errors)
            card(b, "could not be checked", errors, NULL);
    }
    if (r->alerts) {
        long long events = 0;
        for (size_t i = 0; i < r->alerts->n; i++)
            events += r->alerts->v[i].count;
        card(b, "alerts (trips)", (long long)r->alerts->n, NULL);
        card(b, "events behind them", events, NULL);
        card(b, "distinct decoys tripped", (long long)trips->n, NULL);
    }
    strbuf_printf(b, "</div>\n<div class=\"row\" style=\"margin-top:14px\">"
                     "<section><h2>Active decoys by kind</h2>");
    bars_from_tally(b, "Active decoys by kind", &kinds, 4);
    strbuf_printf(b, "</section><section><h2>Active decoys by location</h2>");
    bars_from_tally(b, "Active decoys by location", &locations, TOP_LOCATIONS);
    strbuf_printf(b, "</section></div>\n");
    tally_free(&kinds);
    tally_free(&locations);
}

static void render_verify_cell(strbuf *b, const report_data *r, size_t i)
{
    const report_verify *v = r->verify ? &r->verify[i] : NULL;
    if (!v || v->state == REPORT_VERIFY_NOT_RUN) {
        strbuf_printf(b, "<td class=\"muted\">%s</td>", r->verify ? "not checked (retired)" : "not run");
        return;
    }
    static const char *const cls[] = {"", "ok", "drift", "err"};
    static const char *const word[] = {"", "ok", "drift", "error"};
    strbuf_printf(b, "<td><span class=\"%s\">%s</span>", cls[v->state], word[v->state]);
    if (v->detail && *v->detail) {
        strbuf_printf(b, "<pre>");
        text(b, v->detail);
        strbuf_printf(b, "</pre>");
    }
    strbuf_printf(b, "</td>");
}

static void render_decoys(const report_data *r, strbuf *b, tally *trips)
{
    strbuf_printf(b,
                  "<section><h2>Decoys</h2><div class=\"scroll\"><table><thead><tr>"
                  "<th>Name, domain, SPNs</th><th>Kind</th><th>Location</th><th>Owner</th>"
                  "<th>Planted (by)</th><th>Status</th><th>Verify</th>%s</tr></thead><tbody>\n",
                  r->alerts ? "<th>Trips</th><th>Last trip</th>" : "");
    for (size_t i = 0; i < r->inv->ndecoys; i++) {
        const adseed_decoy *d = &r->inv->decoys[i];
        strbuf_printf(b, "<tr><td><b>");
        text(b, d->name);
        strbuf_printf(b, "</b>");
        if (d->domain) {
            strbuf_printf(b, "<br><span class=\"muted\">");
            text(b, d->domain);
            strbuf_printf(b, "</span>");
        }
        for (size_t s = 0; s < d->nspns; s++) {
            strbuf_printf(b, "<br><span class=\"mono\">");
            text(b, d->spns[s]);
            strbuf_printf(b, "</span>");
        }
        strbuf_printf(b, "</td>");
        cell(b, NULL, adseed_kind_name(d->kind));
        cell(b, NULL, d->location);
        cell(b, NULL, d->owner);
        strbuf_printf(b, "<td>");
        text(b, d->created ? d->created : "unknown");
        if (d->created_by) {
            strbuf_printf(b, "<br><span class=\"muted\">by ");
            text(b, d->created_by);
            strbuf_printf(b, "</span>");
        }
        strbuf_printf(b, "</td>");
        if (d->retired) {
            strbuf_printf(b, "<td class=\"muted\">retired ");
            text(b, d->retired);
            strbuf_printf(b, "</td>");
        } else {
            strbuf_printf(b, "<td>active</td>");
        }
        render_verify_cell(b, r, i);
        if (r->alerts) {
            const tally_entry *e = tally_find(trips, d->name);
            strbuf_printf(b, "<td class=\"num\">%lld</td>", e ? e->count : 0);
            cell(b, NULL, e ? e->last_text : NULL);
        }
        strbuf_printf(b, "</tr>\n");
    }
    strbuf_printf(b, "</tbody></table></div>");
    if (r->inv->ndecoys == 0)
        strbuf_printf(b, "<p class=\"muted\">The inventory holds no decoy.</p>");
    strbuf_printf(b, "</section>\n");
}

static void render_legend(strbuf *b, const report_alerts *a)
{
    tally actions = {0};
    for (size_t i = 0; i < a->n; i++)
        (void)tally_get(&actions, a->v[i].action);
    strbuf_printf(b, "<p class=\"legend\">");
    for (size_t i = 0; i < actions.n; i++) {
        strbuf_printf(b, "<span><b style=\"color:%s\">&#9679;</b> ", report_action_colour(actions.v[i].key));
        text(b, actions.v[i].key);
        strbuf_printf(b, "</span>");
    }
    strbuf_printf(b, "</p>");
    tally_free(&actions);
}

static void render_alerts(const report_data *r, strbuf *b, tally *trips)
{
    const report_alerts *a = r->alerts;
    tally sources = {0};
    strbuf_printf(b, "<section><h2>Trips over time</h2>");
    if (a->n == 0) {
        strbuf_printf(b, "<p>No alert in the alert file: no decoy was tripped.</p>");
    } else {
        const char **rows = calloc(trips->n, sizeof *rows);
        for (size_t i = 0; rows && i < trips->n; i++)
            rows[i] = trips->v[i].key;
        render_legend(b, a);
        if (rows)
            report_svg_timeline(b, a, rows, trips->n);
        free(rows);
        strbuf_printf(b, "<p class=\"muted\">One mark per alert (larger: a follow-up standing "
                         "for several events); times in UTC.</p>");
    }
    if (a->skipped) {
        strbuf_printf(b,
                      "<p class=\"err\">%zu line(s) of the alert file were not alert documents "
                      "(first: line %zu: ",
                      a->skipped, a->first_bad_line);
        text(b, a->first_bad_reason);
        strbuf_printf(b, ").</p>");
    }
    strbuf_printf(b, "</section>\n");
    for (size_t i = 0; i < a->n; i++) {
        const report_alert *x = &a->v[i];
        tally_entry *e =
            tally_event(&sources, x->source ? x->source : "(unknown)", x->count, x->t, x->timestamp);
        if (e)
            tally_note(&sources, e, x->decoy);
    }
    tally_sort(&sources);
    strbuf_printf(b, "<section><h2>Top sources</h2><table><thead><tr><th>Source</th>"
                     "<th>Alerts</th><th>Events</th><th>Decoys touched</th><th>Last seen</th>"
                     "</tr></thead><tbody>\n");
    for (size_t i = 0; i < sources.n && i < TOP_SOURCES; i++) {
        tally_entry *e = &sources.v[i];
        strbuf_printf(b, "<tr>");
        cell(b, "mono", e->key);
        strbuf_printf(b, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>", e->count, e->events);
        cell(b, NULL, e->extra);
        cell(b, NULL, e->last_text);
        strbuf_printf(b, "</tr>\n");
    }
    strbuf_printf(b, "</tbody></table>");
    if (sources.n > TOP_SOURCES)
        strbuf_printf(b, "<p class=\"muted\">%zu more sources not shown.</p>", sources.n - TOP_SOURCES);
    strbuf_printf(b, "</section>\n");
    if (sources.oom)
        b->failed = STRBUF_NOMEM;
    tally_free(&sources);
}

/* Alerts per decoy (count, events, latest). */
static void count_trips(const report_alerts *a, tally *trips)
{
    for (size_t i = 0; a && i < a->n; i++)
        tally_event(trips, a->v[i].decoy, a->v[i].count, a->v[i].t, a->v[i].timestamp);
    tally_sort(trips);
}

static void render_head(const report_data *r, strbuf *b)
{
    strbuf_printf(b,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<meta name=\"generator\" content=\"adseed %s\"><title>ADDecoy estate report "
                  "&#8212; ",
                  ADDECOY_VERSION);
    text(b, r->generated);
    strbuf_printf(b,
                  "</title><style>%s</style></head>\n<body><header><h1>ADDecoy estate report"
                  "</h1><p>Generated ",
                  style);
    text(b, r->generated);
    strbuf_printf(b, " from the inventory <span class=\"mono\">");
    text(b, r->inventory_path);
    strbuf_printf(b, "</span>");
    if (r->verify) {
        strbuf_printf(b, "; verified against <span class=\"mono\">");
        text(b, r->verify_uri);
        strbuf_printf(b, "</span>");
    }
    if (r->alerts) {
        strbuf_printf(b, "; alerts from <span class=\"mono\">");
        text(b, r->alerts_path);
        strbuf_printf(b, "</span>");
    }
    strbuf_printf(b, "</p></header>\n<main>\n");
}

int report_render_html(const report_data *r, strbuf *out, char *err, size_t errlen)
{
    tally trips = {0};
    count_trips(r->alerts, &trips);
    render_head(r, out);
    render_overview(r, out, &trips);
    render_decoys(r, out, &trips);
    if (r->alerts)
        render_alerts(r, out, &trips);
    else
        strbuf_printf(out, "<section><h2>Trips</h2><p class=\"muted\">No alert file given "
                           "(--alerts FILE): trips are not shown.</p></section>\n");
    strbuf_printf(out,
                  "</main>\n<footer>adseed %s &#183; a self-contained page: no script, font "
                  "or network reference.</footer>\n</body></html>\n",
                  ADDECOY_VERSION);
    int oom = out->failed || trips.oom;
    tally_free(&trips);
    if (oom) {
        snprintf(err, errlen, "out of memory rendering the report");
        return -1;
    }
    return 0;
}
