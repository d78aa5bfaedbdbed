/* sink_webhook_fmt.c - the request bodies of the webhook formats: Slack (text + blocks, hostile
 * values escaped for mrkdwn and shown in plain_text objects), Microsoft Teams Workflows (Adaptive
 * Card 1.4 message, values escaped for its markdown) and PagerDuty Events API v2 (trigger,
 * dedup_key = alert id). URLs in attacker text are defanged everywhere (escape.h). */
#include "svc/sink/sink_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void webhook_alert_text(const json_t *alert, const char *path, char *buf, size_t len)
{
    char key[64];
    const json_t *v = alert;
    const char *p = path;

    buf[0] = '\0';
    while (v && *p) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_object_get(v, key);
        p += n + (p[n] == '.');
    }
    if (json_is_string(v))
        snprintf(buf, len, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, len, "%g", json_real_value(v));
    if (len)
        buf[escape_utf8_prefix(buf, strlen(buf), len - 1)] = '\0'; /* never end inside a UTF-8 sequence */
}

typedef void (*escaper)(strbuf *b, const char *s, size_t len);

/* s escaped by esc, truncated to max bytes on a UTF-8 boundary, as a new JSON string (NULL when
 * out of memory, which makes the json_pack using it fail). */
static json_t *jesc(escaper esc, const char *s, size_t max)
{
    strbuf b = {0};
    json_t *j = NULL;

    esc(&b, s, strlen(s));
    strbuf_puts(&b, "");
    if (!b.failed)
        j = json_stringn_nocheck(b.data, escape_utf8_prefix(b.data, b.len, max));
    strbuf_free(&b);
    return j;
}

/* Slack plain_text: no markup, but Slack still turns URLs into links: defang them. */
static json_t *plain(const char *text, size_t max)
{
    return json_pack("{s:s,s:o,s:b}", "type", "plain_text", "text",
                     jesc(escape_defang_links, *text ? text : "-", max), "emoji", 0);
}

typedef struct fact {
    const char *label, *path;
} fact;

static const fact FACTS[] = {
    {"Decoy", "decoy.name"},
    {"Action", "action"},
    {"Severity", "severity"},
    {"Source IP", "source.ip"},
    {"Source port", "source.port"},
    {"User", "user.name"},
    {"Domain", "user.domain"},
    {"Logged by", "host.name"},
    {"Technique", "threat.technique.id"},
    {"Lure found at", "decoy.breadcrumb.location"},
    {"Alert id", "id"},
};
#define NFACTS (sizeof FACTS / sizeof FACTS[0])

static void title_of(const json_t *a, char *buf, size_t len)
{
    char action[128], decoy[300];
    webhook_alert_text(a, "action", action, sizeof action);
    webhook_alert_text(a, "decoy.name", decoy, sizeof decoy);
    if (!*decoy && json_object_get(a, "sensor")) { /* sensor_blind / sensor_restored: about an input */
        webhook_alert_text(a, "sensor.input", decoy, sizeof decoy);
        snprintf(buf, len, "ADDecoy: %s, input %s", *action ? action : "alert", *decoy ? decoy : "?");
        return;
    }
    snprintf(buf, len, "ADDecoy: %s on decoy %s", *action ? action : "alert", *decoy ? decoy : "?");
}

char *webhook_body_slack(const json_t *a)
{
    char title[512], summary[3000], v[2000], line[2100];
    json_t *body = NULL, *blocks, *fields;
    strbuf text = {0};
    char *out = NULL;

    title_of(a, title, sizeof title);
    webhook_alert_text(a, "summary", summary, sizeof summary);
    /* fallback text (notifications): mrkdwn, so every value is escaped */
    escape_slack(&text, title, strlen(title));
    strbuf_puts(&text, ": ");
    escape_slack(&text, summary, strlen(summary));
    if (text.failed)
        goto out;
    blocks = json_array();
    json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "header", "text", plain(title, 150)));
    json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "section", "text", plain(summary, 2900)));
    fields = json_array();
    for (size_t i = 0; i < NFACTS; i++) {
        webhook_alert_text(a, FACTS[i].path, v, sizeof v);
        if (!*v || json_array_size(fields) == 10)
            continue;
        snprintf(line, sizeof line, "%s: %s", FACTS[i].label, v);
        json_array_append_new(fields, plain(line, 1900));
    }
    json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "section", "fields", fields));
    body = json_pack("{s:s%,s:o}", "text", text.data, escape_utf8_prefix(text.data, text.len, 3000), "blocks",
                     blocks);
    if (body)
        out = json_dumps(body, JSON_COMPACT);
out:
    json_decref(body);
    strbuf_free(&text);
    return out;
}

char *webhook_body_teams(const json_t *a)
{
    char title[512], summary[4000], v[2000];
    json_t *facts = json_array(), *card, *body;
    char *out;

    title_of(a, title, sizeof title);
    webhook_alert_text(a, "summary", summary, sizeof summary);
    /* TextBlock texts and FactSet values are markdown in Teams: every value escaped for it */
    for (size_t i = 0; i < NFACTS; i++) {
        webhook_alert_text(a, FACTS[i].path, v, sizeof v);
        if (*v)
            json_array_append_new(
                facts, json_pack("{s:s,s:o}", "title", FACTS[i].label, "value", jesc(escape_teams, v, 4000)));
    }
    card = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:o,s:b},{s:s,s:o,s:b},{s:s,s:o}]}", "$schema",
                     "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard", "version",
                     "1.4", "body", "type", "TextBlock", "size", "Large", "weight", "Bolder", "text",
                     jesc(escape_teams, title, 2000), "wrap", 1, "type", "TextBlock", "text",
                     jesc(escape_teams, summary, 12000), "wrap", 1, "type", "FactSet", "facts", facts);
    body = json_pack("{s:s,s:[{s:s,s:n,s:o}]}", "type", "message", "attachments", "contentType",
                     "application/vnd.microsoft.card.adaptive", "contentUrl", "content", card);
    out = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return out;
}

static const char *pd_severity(const json_t *a)
{
    char sev[32];
    webhook_alert_text(a, "severity", sev, sizeof sev);
    if (!strcmp(sev, "critical"))
        return "critical";
    if (!strcmp(sev, "high"))
        return "error";
    if (!strcmp(sev, "medium"))
        return "warning";
    if (!strcmp(sev, "low") || !strcmp(sev, "info"))
        return "info";
    return "critical"; /* a decoy was touched: unknown means page */
}

char *webhook_body_pagerduty(const json_t *a, const char *routing_key)
{
    char id[256], summary[1025], host[256], ts[64], decoy[256], action[64];
    json_t *payload, *body;
    char *out;

    webhook_alert_text(a, "id", id, sizeof id); /* dedup_key <= 255 */
    webhook_alert_text(a, "summary", summary, sizeof summary);
    if (!*summary)
        title_of(a, summary, sizeof summary);
    webhook_alert_text(a, "host.name", host, sizeof host);
    webhook_alert_text(a, "@timestamp", ts, sizeof ts);
    webhook_alert_text(a, "decoy.name", decoy, sizeof decoy);
    webhook_alert_text(a, "action", action, sizeof action);
    /* PagerDuty shows these as text and links URLs in them: defanged. custom_details keeps the
     * exact alert (shown as data) for the responder and for automation. */
    payload = json_pack("{s:o,s:o,s:s,s:O}", "summary", jesc(escape_defang_links, summary, 1024), "source",
                        jesc(escape_defang_links, *host ? host : "addecoy", 255), "severity", pd_severity(a),
                        "custom_details", a);
    if (!payload)
        return NULL;
    if (*ts)
        json_object_set_new(payload, "timestamp", json_string(ts));
    if (*decoy)
        json_object_set_new(payload, "component", jesc(escape_defang_links, decoy, 255));
    if (*action)
        json_object_set_new(payload, "class", jesc(escape_defang_links, action, 255));
    json_object_set_new(payload, "group", json_string("addecoy"));
    body = json_pack("{s:s,s:s,s:o}", "routing_key", routing_key, "event_action", "trigger", "payload", payload);
    if (body && *id)
        json_object_set_new(body, "dedup_key", json_string(id));
    out = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return out;
}
