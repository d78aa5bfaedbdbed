/*
 * report.h - private to adseed: the estate report (`adseed report`): the inventory, optionally one
 * verify result per decoy and the alerts decoysvc delivered, rendered as one self-contained HTML
 * page (inline CSS and SVG; no script, font or network reference).
 */
#ifndef ADDECOY_ADSEED_REPORT_H
#define ADDECOY_ADSEED_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "adseed/adseed.h"
#include "adseed/decoy.h"

typedef enum report_verify_state {
    REPORT_VERIFY_NOT_RUN = 0, /* no --verify, or a retired decoy */
    REPORT_VERIFY_OK,
    REPORT_VERIFY_DRIFT,
    REPORT_VERIFY_ERROR,
} report_verify_state;

typedef struct report_verify {
    report_verify_state state;
    char *detail; /* findings (one per line) or the error; NULL when ok / not run */
} report_verify;

/* One alert of decoysvc (docs/alert-schema.md), reduced to what the report shows. */
typedef struct report_alert {
    char *decoy, *action, *severity, *source, *user, *timestamp;
    int64_t t;       /* @timestamp as seconds since the epoch; INT64_MIN when unparseable */
    long long count; /* events the alert stands for (>= 1) */
    int suppressed;
} report_alert;

typedef struct report_alerts {
    report_alert *v;
    size_t n, cap;
    size_t skipped;        /* lines that are not alert documents */
    size_t first_bad_line; /* 1-based line of the first skipped one, 0 when none */
    char first_bad_reason[160];
} report_alerts;

typedef struct report_data {
    const adseed_inventory *inv;
    const char *inventory_path;
    const report_verify *verify; /* inv->ndecoys entries, or NULL when verify was not run */
    const char *verify_uri;
    const report_alerts *alerts; /* NULL when no alert file was given */
    const char *alerts_path;
    const char *generated; /* ISO 8601 UTC */
} report_data;

/* Parses JSON lines of alert documents (or Splunk HEC envelopes {"event": {...}}); lines that are
 * not alerts are counted in skipped, not errors. -1 only on an unreadable file or no memory. */
int report_alerts_load(report_alerts *a, const char *path, char *err, size_t errlen);
int report_alerts_parse(report_alerts *a, const char *text, size_t len, char *err, size_t errlen);
void report_alerts_free(report_alerts *a);

/* "2026-11-22T10:00:00Z", with optional fraction and +hh:mm offset -> seconds since the epoch;
 * -1 when malformed. */
int report_parse_time(const char *s, int64_t *out);

/* The whole page. -1 when out of memory. */
int report_render_html(const report_data *r, strbuf *out, char *err, size_t errlen);

/* ---- inline SVG charts (report_svg.c) ---- */
typedef struct report_bar {
    const char *label;
    long long value;
} report_bar;
/* Horizontal bar chart with escaped labels; title is the chart's accessible name. */
void report_svg_bars(strbuf *b, const char *title, const report_bar *bars, size_t n);
/* Timeline: one row per decoy name (rows[]), a mark per alert at its time, coloured by action. */
void report_svg_timeline(strbuf *b, const report_alerts *a, const char *const *rows, size_t nrows);
/* The fill colour used for an alert action (also for the legend). */
const char *report_action_colour(const char *action);

#endif
