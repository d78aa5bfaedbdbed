/* sink_webhook_fmt.c - the request bodies of the webhook formats: Slack (text + blocks, hostile
 * values escaped for mrkdwn and shown in plain_text objects), Microsoft Teams Workflows (Adaptive
 * Card 1.4 message) and PagerDuty Events API v2 (trigger, dedup_key = alert id). */
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

/* A value truncated to max bytes on a UTF-8 boundary, as a new JSON string. */
static json_t *jstr_max(const char *s, size_t max)
{
    size_t n = escape_utf8_prefix(s, strlen(s), max);
    return json_stringn_nocheck(s, n);
}

static json_t *plain(const char *text, size_t max)
{
    return json_pack("{s:s,s:o,s:b}", "type", "plain_text", "text", jstr_max(*text ? text : "-", max), "emoji", 0);
}

typedef struct fact {
    const char *label, *path;
} fact;

static const fact FACTS[] = {
    {"Decoy", "decoy.name"},       {"Action", "action"},          {"Severity", "severity"},
    {"Source IP", "source.ip"},    {"Source port", "source.port"}, {"User", "user.name"},
    {"Domain", "user.domain"},     {"Logged by", "host.name"},    {"Technique", "threat.technique.id"},
    {"Lure found at", "decoy.breadcrumb.location"}, {"Alert id", "id"},
};
#define NFACTS (sizeof FACTS / sizeof FACTS[0])

static void title_of(const json_t *a, char *buf, size_t len)
{
    char action[128], decoy[300];
    webhook_alert_text(a, "action", action, sizeof action);
    webhook_alert_text(a, "decoy.name", decoy, sizeof decoy);
    snprintf(buf, len, "ADDecoy: %s on decoy %s", *action ? action : "alert", *decoy ? decoy : "?");
}

char *webhook_body_slack(const json_t *a)
{
    char title[512], summary[3000], v[2000], line[2100];
    json_t *body = NULL, *blocks, *fields;
    esc_buf text = {0};
    char *out = NULL;

    title_of(a, title, sizeof title);
    webhook_alert_text(a, "summary", summary, sizeof summary);
    /* fallback text (notifications): mrkdwn, so every value is escaped */
    escape_slack(&text, title, strlen(title));
    esc_buf_puts(&text, ": ");
    escape_slack(&text, summary, strlen(summary));
    if (text.oom)
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
    body = json_pack("{s:o,s:o}", "text", jstr_max(text.data, 3000), "blocks", blocks);
    if (body)
        out = json_dumps(body, JSON_COMPACT);
out:
    json_decref(body);
    esc_buf_free(&text);
    return out;
}

char *webhook_body_teams(const json_t *a)
{
    char title[512], summary[4000], v[2000];
    json_t *facts = json_array(), *card, *body;
    char *out;

    title_of(a, title, sizeof title);
    webhook_alert_text(a, "summary", summary, sizeof summary);
    for (size_t i = 0; i < NFACTS; i++) {
        webhook_alert_text(a, FACTS[i].path, v, sizeof v);
        if (*v)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", FACTS[i].label, "value", v));
    }
    card = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s,s:b},{s:s,s:s,s:b},{s:s,s:o}]}",
                     "$schema", "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard",
                     "version", "1.4", "body",
                     "type", "TextBlock", "size", "Large", "weight", "Bolder", "text", title, "wrap", 1,
                     "type", "TextBlock", "text", summary, "wrap", 1,
                     "type", "FactSet", "facts", facts);
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
    payload = json_pack("{s:s,s:s,s:s,s:O}", "summary", summary, "source", *host ? host : "addecoy", "severity",
                        pd_severity(a), "custom_details", a);
    if (!payload)
        return NULL;
    if (*ts)
        json_object_set_new(payload, "timestamp", json_string(ts));
    if (*decoy)
        json_object_set_new(payload, "component", json_string(decoy));
    if (*action)
        json_object_set_new(payload, "class", json_string(action));
    json_object_set_new(payload, "group", json_string("addecoy"));
    body = json_pack("{s:s,s:s,s:o}", "routing_key", routing_key, "event_action", "trigger", "payload", payload);
    if (body && *id)
        json_object_set_new(body, "dedup_key", json_string(id));
    out = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return out;
}
