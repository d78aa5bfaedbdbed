/* sensor_alert.c - builds the sensor_blind / sensor_restored alerts (see sensor_alert.h). The id is
 * deterministic (host, input, action, the time the input went silent) so a re-sent alert after a
 * crash carries the same id and a SIEM shows it once. */
#include "svc/health/sensor_alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evtx/evtx.h"
#include "svc/base/crypto.h"

void health_doc_id(const char *const *parts, size_t n, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    crypto_sha256_ctx c;
    uint8_t h[CRYPTO_SHA256_LEN];

    crypto_sha256_init(&c);
    crypto_sha256_update(&c, "addecoy-health-v1", 18);
    for (size_t i = 0; i < n; i++)
        crypto_sha256_update(&c, parts[i], strlen(parts[i]) + 1);
    crypto_sha256_final(&c, h);
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[32] = '\0';
}

static void summary(const health_input *hi, int raise, const char *host, int64_t now_ms, char *out, size_t len)
{
    char silent[32], limit[32];

    health_duration(now_ms - hi->blind.blind_since_ms, silent, sizeof silent);
    health_duration(hi->blind.after_ms, limit, sizeof limit);
    if (!raise)
        snprintf(out, len, "Sensor restored: input %s on %s delivers events again after %s without any",
                 hi->name, host, silent);
    else if (hi->lost[0])
        snprintf(out, len,
                 "Sensor blind: input %s on %s is lost (%s) and has delivered no event for %s "
                 "(limit %s): a decoy touched now would not page",
                 hi->name, host, hi->lost, silent, limit);
    else
        snprintf(out, len,
                 "Sensor blind: input %s on %s has delivered no event for %s (limit %s): the log "
                 "may have stopped or its auditing been turned off; a decoy touched now would not page",
                 hi->name, host, silent, limit);
}

static json_t *sensor_object(const health_input *hi, int raise, int64_t now_ms)
{
    json_t *o = json_object();

    json_object_set_new(o, "input", json_string(hi->name));
    json_object_set_new(o, "type", json_string(hi->type));
    json_object_set_new(o, "state", json_string(raise ? "blind" : "restored"));
    if (raise)
        json_object_set_new(o, "reason", json_string(hi->lost[0] ? hi->lost : "no event"));
    json_object_set_new(o, "silent_since", health_time_json(hi->blind.blind_since_ms));
    json_object_set_new(o, "silent_seconds", json_integer((now_ms - hi->blind.blind_since_ms) / 1000));
    json_object_set_new(o, "blind_after_seconds", json_integer(hi->blind.after_ms / 1000));
    return o;
}

char *sensor_alert_json(const health_input *hi, blind_transition t, const char *host, int64_t now_ms)
{
    const char *action = t == BLIND_RAISE ? "sensor_blind" : "sensor_restored";
    int raise = t == BLIND_RAISE;
    char id[33], text[1024], now[40];
    json_t *r = json_object(), *ev, *obs;
    char *out = NULL;

    if (!r || (t != BLIND_RAISE && t != BLIND_RESTORE))
        goto out;
    {
        char since[32];
        const char *parts[4] = {host, hi->name, action, since};
        snprintf(since, sizeof since, "%lld", (long long)hi->blind.blind_since_ms);
        health_doc_id(parts, 4, id);
    }
    evtx_format_time(now_ms, now, sizeof now);
    summary(hi, raise, host, now_ms, text, sizeof text);
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "@timestamp", json_string(now));
    json_object_set_new(r, "action", json_string(action));
    json_object_set_new(r, "summary", json_string(text));
    json_object_set_new(r, "severity", json_string(raise ? "high" : "medium"));
    json_object_set_new(r, "count", json_integer(1));
    json_object_set_new(r, "first_seen", json_string(now));
    json_object_set_new(r, "last_seen", json_string(now));
    json_object_set_new(r, "followup", json_false());
    json_object_set_new(r, "sequence", json_integer(0));
    json_object_set_new(r, "suppressed", json_false());
    json_object_set_new(r, "sensor", sensor_object(hi, raise, now_ms));
    json_object_set_new(r, "host", json_pack("{s:s}", "name", host));
    ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "created", now, "action", action, "kind", "alert",
                   "category", "host", "dataset", "addecoy.alert", "severity", raise ? 70 : 40);
    json_object_set_new(r, "event", ev);
    if (raise)
        json_object_set_new(r, "threat",
                            json_pack("{s:{s:s, s:s}, s:s}", "technique", "id", "T1562", "name",
                                      "Impair Defenses", "framework", "MITRE ATT&CK"));
    obs = json_pack("{s:s, s:s, s:s}", "product", "ADDecoy", "vendor", "ADDecoy", "version", ADDECOY_VERSION);
    json_object_set_new(r, "observer", obs);
    out = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
    json_decref(r);
    return out;
}
