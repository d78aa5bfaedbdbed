/* report_svg.c - the estate report's charts as inline SVG (no script): horizontal bars and a trip
 * timeline. Every label and tooltip is escaped with html_escape. */
#include "adseed/html.h"
#include "adseed/report.h"

#include <string.h>
#include <time.h>

#define BAR_LABEL_W 190
#define BAR_AREA_W 220
#define BAR_ROW_H 24
#define TL_LABEL_W 190
#define TL_AREA_W 860
#define TL_ROW_H 26
#define TL_TOP 34

static const struct {
    const char *action, *colour;
} action_colours[] = {
    {"kerberoast", "#c0392b"},  {"asrep_roast", "#d35400"}, {"password_guess", "#8e44ad"},
    {"decoy_logon", "#b7950b"}, {"recon", "#2471a3"},       {"tampering", "#117a65"},
};

const char *report_action_colour(const char *action)
{
    for (size_t i = 0; i < sizeof action_colours / sizeof action_colours[0]; i++)
        if (action && !strcmp(action, action_colours[i].action))
            return action_colours[i].colour;
    return "#566573";
}

void report_svg_bars(strbuf *b, const char *title, const report_bar *bars, size_t n)
{
    long long max = 1;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    int h = (int)(n ? n : 1) * BAR_ROW_H + 8;
    strbuf_printf(b,
                  "<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" "
                  "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>",
                  BAR_LABEL_W + BAR_AREA_W + 60, h, BAR_LABEL_W + BAR_AREA_W + 60, h);
    html_escape(b, title);
    strbuf_printf(b, "</title>");
    if (n == 0)
        strbuf_printf(b, "<text x=\"0\" y=\"18\" class=\"muted\">none</text>");
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * BAR_ROW_H + 4;
        int w = (int)(bars[i].value * BAR_AREA_W / max);
        strbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"><title>", BAR_LABEL_W - 8, y + 15);
        html_escape(b, bars[i].label);
        strbuf_printf(b, "</title>");
        html_escape_max(b, bars[i].label, 22);
        strbuf_printf(b,
                      "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" "
                      "fill=\"#2e86c1\"/><text x=\"%d\" y=\"%d\">%lld</text>",
                      BAR_LABEL_W, y + 2, w > 1 ? w : 1, BAR_ROW_H - 6, BAR_LABEL_W + w + 6, y + 15,
                      bars[i].value);
    }
    strbuf_printf(b, "</svg>\n");
}

static int row_of(const char *const *rows, size_t nrows, const char *name)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcasecmp(rows[i], name))
            return (int)i;
    return -1;
}

void report_svg_timeline(strbuf *b, const report_alerts *a, const char *const *rows, size_t nrows)
{
    int64_t tmin = INT64_MAX, tmax = INT64_MIN;
    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i].t == INT64_MIN)
            continue;
        tmin = a->v[i].t < tmin ? a->v[i].t : tmin;
        tmax = a->v[i].t > tmax ? a->v[i].t : tmax;
    }
    if (tmin > tmax) {
        strbuf_printf(b, "<p class=\"muted\">No alert with a readable time.</p>\n");
        return;
    }
    if (tmax - tmin < 3600) { /* at least an hour wide, the marks centred */
        int64_t mid = tmin / 2 + tmax / 2;
        tmin = mid - 1800;
        tmax = mid + 1800;
    }
    int w = TL_LABEL_W + TL_AREA_W + 30, h = TL_TOP + (int)nrows * TL_ROW_H + 10;
    strbuf_printf(b,
                  "<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" "
                  "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>Trips per decoy over "
                  "time</title>",
                  w, h, w, h);
    for (int k = 0; k <= 4; k++) { /* axis: five ticks with UTC dates */
        char label[32];
        int x = TL_LABEL_W + k * TL_AREA_W / 4;
        decoy_time_format((time_t)(tmin + (tmax - tmin) * k / 4), "%Y-%m-%d %H:%M", label, sizeof label);
        strbuf_printf(b,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d5d8dc\"/>"
                      "<text x=\"%d\" y=\"14\" text-anchor=\"%s\" class=\"axis\">%s</text>",
                      x, TL_TOP - 10, x, h - 6, x,
                      k == 0   ? "start"
                      : k == 4 ? "end"
                               : "middle",
                      label);
    }
    for (size_t r = 0; r < nrows; r++) {
        int y = TL_TOP + (int)r * TL_ROW_H;
        strbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", TL_LABEL_W - 10, y + 5);
        html_escape_max(b, rows[r], 26);
        strbuf_printf(b, "</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eaeded\"/>",
                      TL_LABEL_W, y, TL_LABEL_W + TL_AREA_W, y);
    }
    for (size_t i = 0; i < a->n; i++) {
        const report_alert *x = &a->v[i];
        int r = row_of(rows, nrows, x->decoy);
        if (r < 0 || x->t == INT64_MIN)
            continue;
        int cx = TL_LABEL_W + (int)((x->t - tmin) * TL_AREA_W / (tmax - tmin));
        strbuf_printf(b,
                      "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" fill-opacity=\"0.8\">"
                      "<title>",
                      cx, TL_TOP + r * TL_ROW_H, x->count > 1 ? 8 : 6, report_action_colour(x->action));
        html_escape(b, x->timestamp);
        strbuf_printf(b, " ");
        html_escape(b, x->action);
        strbuf_printf(b, " from ");
        html_escape(b, x->source ? x->source : "?");
        strbuf_printf(b, " (%lld event%s)</title></circle>", x->count, x->count == 1 ? "" : "s");
    }
    strbuf_printf(b, "</svg>\n");
}
