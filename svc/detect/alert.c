/*
 * alert.c - the alert document: a stable id, a one-sentence summary and the ECS-style JSON that
 * every sink carries (docs/alert-schema.md). All strings go through UTF-8 repair before jansson,
 * so hostile event values (quotes, newlines, invalid bytes) always give valid, escaped JSON.
 */
#include "svc/detect/alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svc/base/crypto.h"

void alert_from_detection(alert *a, const detection *d)
{
    memset(a, 0, sizeof *a);
    a->det = *d;
    a->count = 1;
    a->first_seen_ms = a->last_seen_ms = d->time_ms;
}

void alert_id(const alert *a, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    crypto_sha256_ctx c;
    uint8_t h[CRYPTO_SHA256_LEN];
    char num[64];
    const char *parts[5] = {a->det.host, a->det.channel, a->det.decoy_name, detect_action_name(a->det.action),
                            a->det.source_ip};

    crypto_sha256_init(&c);
    crypto_sha256_update(&c, "addecoy-alert-v1", 17);
    for (size_t i = 0; i < 5; i++)
        crypto_sha256_update(&c, parts[i], strlen(parts[i]) + 1);
    snprintf(num, sizeof num, "%llu/%lld/%lu", (unsigned long long)a->det.record_id,
             (long long)a->det.time_ms, (unsigned long)a->seq);
    crypto_sha256_update(&c, num, strlen(num));
    crypto_sha256_final(&c, h);
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[32] = '\0';
}

/* ---- summary -------------------------------------------------------------------------------- */
static void source_phrase(const detection *d, char *out, size_t len)
{
    if (d->source_ip[0])
        snprintf(out, len, "from %s", d->source_ip);
    else if (d->workstation[0])
        snprintf(out, len, "from workstation %.200s", d->workstation);
    else
        snprintf(out, len, "from an unknown source");
}

static void actor_phrase(const detection *d, char *out, size_t len)
{
    if (d->user_name[0] && d->user_domain[0])
        snprintf(out, len, "%.200s@%.200s", d->user_name, d->user_domain);
    else if (d->user_name[0])
        snprintf(out, len, "%.200s", d->user_name);
    else
        snprintf(out, len, "an unknown account");
}

/* Drops, in place, the bytes of characters that a %.Ns precision or the buffer's end cut in two,
 * so the summary stays valid UTF-8 (its parts are). */
static void drop_cut_utf8(char *s)
{
    size_t n = strlen(s), r = 0, w = 0;
    while (r < n) {
        size_t ok = evtx_utf8_valid_prefix(s + r, n - r);
        memmove(s + w, s + r, ok);
        w += ok;
        r += ok;
        if (r < n)
            r++; /* a byte of a cut character */
    }
    s[w] = '\0';
}

const char *alert_summary(const alert *a, char *out, size_t len)
{
    const detection *d = &a->det;
    char src[300], who[420], extra[200] = "";
    const char *kind, *enc;

    source_phrase(d, src, sizeof src);
    actor_phrase(d, who, sizeof who);
    enc = d->has_ticket_enc && d->ticket_enc != 0xffffffffu ? d->ticket_enc_name : "";
    switch (d->action) {
    case DETECT_KERBEROAST:
        snprintf(out, len, "Kerberoasting: %s requested %s%s service ticket for decoy %s %s", who,
                 *enc ? "an " : "a", enc, d->decoy_name, src);
        break;
    case DETECT_ASREP_ROAST:
        snprintf(out, len,
                 "AS-REP roasting: a TGT without pre-authentication%s%s%s was issued for "
                 "decoy %s %s",
                 *enc ? " (" : "", enc, *enc ? ")" : "", d->decoy_name, src);
        break;
    case DETECT_PASSWORD_GUESS:
        kind = d->event_code == 4771   ? "failed Kerberos pre-authentication"
               : d->event_code == 4776 ? "failed NTLM validation"
               : d->event_code == 4768 ? "refused TGT request"
                                       : "failed logon";
        if (d->spray)
            snprintf(extra, sizeof extra, " (spraying: the source tried %u accounts within 60 s)",
                     d->spray_accounts);
        snprintf(out, len, "Password %s%s: %s as decoy %s %s%s%s", d->spray ? "spraying" : "guessing", extra,
                 kind, d->decoy_name, src,
                 d->password_correct ? "; the password was correct, the logon was refused only because "
                                       "of an account restriction: "
                                     : "",
                 d->password_correct ? (d->has_sub_status ? d->sub_status_meaning : d->status_meaning) : "");
        break;
    case DETECT_BREADCRUMB_USED:
        kind = d->event_code == 4771 || d->event_code == 4768 ? "Kerberos pre-authentication"
               : d->event_code == 4776                        ? "NTLM validation"
                                                              : "a logon";
        snprintf(out, len,
                 "Breadcrumb used: %s with the real password of decoy %s %s; the password "
                 "was planted as a %s lure at %.400s (breadcrumb %s). The DC refused it only because "
                 "of the decoy's restriction: %s",
                 kind, d->decoy_name, src, d->breadcrumb_kind, d->breadcrumb_location, d->breadcrumb_id,
                 d->has_sub_status ? d->sub_status_meaning : d->status_meaning);
        break;
    case DETECT_DECOY_LOGON:
        kind = d->event_code == 4768   ? "obtained a Kerberos TGT"
               : d->event_code == 4769 ? "requested a service ticket"
               : d->event_code == 4776 ? "passed NTLM validation"
                                       : "logged on";
        if (d->logon_type >= 0)
            snprintf(extra, sizeof extra, " (logon type %d)", d->logon_type);
        snprintf(out, len, "Decoy logon: someone who knows its password %s as decoy %s%s %s", kind,
                 d->decoy_name, extra, src);
        break;
    case DETECT_RECON:
        snprintf(out, len, "Reconnaissance: %s read decoy %s%s%s%s on %s", who, d->decoy_name,
                 d->access_mask[0] ? " (access mask " : "", d->access_mask, d->access_mask[0] ? ")" : "",
                 d->host[0] ? d->host : "an unknown host");
        break;
    case DETECT_TAMPERING:
        snprintf(out, len, "Tampering: %s modified decoy %s%s%.300s%s on %s", who, d->decoy_name,
                 d->properties[0] ? " (" : "", d->properties, d->properties[0] ? ")" : "",
                 d->host[0] ? d->host : "an unknown host");
        break;
    default:
        if (alert_summary_tamper(d, who, out, len) == 0)
            snprintf(out, len, "Decoy %s touched %s", d->decoy_name, src);
        break;
    }
    if (a->count > 1) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, " (%llu events)", (unsigned long long)a->count);
    }
    if (len)
        drop_cut_utf8(out);
    return out;
}

/* ---- JSON ----------------------------------------------------------------------------------- */
/* A jansson string from any bytes: invalid UTF-8 is repaired to U+FFFD first. */
static json_t *jstr(const char *s)
{
    size_t n = strlen(s);
    json_t *j;
    char *fixed;
    if (evtx_utf8_valid_prefix(s, n) == n)
        return json_stringn(s, n);
    fixed = malloc(3 * n + 1);
    if (!fixed)
        return NULL;
    evtx_utf8_repair(fixed, s, n);
    j = json_string(fixed);
    free(fixed);
    return j;
}

/* Sets key to s when s is non-empty; returns -1 on allocation failure. */
static int put_str(json_t *o, const char *key, const char *s)
{
    json_t *v;
    if (!s || !*s)
        return 0;
    v = jstr(s);
    return v ? json_object_set_new(o, key, v) : -1;
}

static int put_int(json_t *o, const char *key, json_int_t v)
{
    return json_object_set_new(o, key, json_integer(v));
}

static int put_obj(json_t *parent, const char *key, json_t *child)
{
    if (!child)
        return -1;
    if (json_object_size(child) == 0) {
        json_decref(child);
        return 0;
    }
    return json_object_set_new(parent, key, child);
}

static const char *event_category(detect_action a)
{
    switch (a) {
    case DETECT_KERBEROAST:
    case DETECT_ASREP_ROAST:
    case DETECT_PASSWORD_GUESS:
    case DETECT_DECOY_LOGON: return "authentication";
    case DETECT_LOG_CLEARED:
    case DETECT_AUDIT_POLICY_CHANGED:
    case DETECT_AUDIT_GAP:
    case DETECT_AUDIT_RESTORED: return "configuration";
    default: return "iam";
    }
}

static json_t *kerberos_json(const detection *d)
{
    json_t *k = json_object(), *o;
    char code[16];
    int bad = 0;
    if (!k)
        return NULL;
    if (d->has_ticket_enc) {
        o = json_object();
        snprintf(code, sizeof code, "0x%x", (unsigned)d->ticket_enc);
        bad |= put_str(o, "code", code) | put_str(o, "name", d->ticket_enc_name);
        bad |= json_object_set_new(o, "rc4", json_boolean(d->rc4));
        bad |= put_obj(k, "ticket_encryption", o);
    }
    bad |= put_str(k, "ticket_options", d->ticket_options);
    if (d->has_status) {
        o = json_object();
        snprintf(code, sizeof code, "0x%x", (unsigned)d->status);
        bad |= put_str(o, "code", code) | put_str(o, "meaning", d->status_meaning);
        bad |= put_obj(k, "status", o);
    }
    if (d->pre_auth_type >= 0)
        bad |= put_int(k, "pre_auth_type", d->pre_auth_type);
    if (bad) {
        json_decref(k);
        return NULL;
    }
    return k;
}

static json_t *logon_json(const detection *d)
{
    json_t *l = json_object(), *o;
    char code[16];
    int bad = 0;
    if (!l)
        return NULL;
    if (d->has_status) {
        o = json_object();
        snprintf(code, sizeof code, "0x%08x", (unsigned)d->status);
        bad |= put_str(o, "code", code) | put_str(o, "meaning", d->status_meaning);
        bad |= put_obj(l, "status", o);
    }
    if (d->has_sub_status) {
        o = json_object();
        snprintf(code, sizeof code, "0x%08x", (unsigned)d->sub_status);
        bad |= put_str(o, "code", code) | put_str(o, "meaning", d->sub_status_meaning);
        bad |= put_obj(l, "sub_status", o);
    }
    if (d->logon_type >= 0)
        bad |= put_int(l, "type", d->logon_type);
    bad |= json_object_set_new(l, "password_correct", json_boolean(d->password_correct));
    bad |= put_str(l, "process", d->process_name);
    if (bad) {
        json_decref(l);
        return NULL;
    }
    return l;
}

static int build(json_t *r, const alert *a)
{
    const detection *d = &a->det;
    char id[33], first[32] = "", last[32] = "", summary[2048];
    json_t *o, *t;
    int bad = 0;

    alert_id(a, id);
    if (a->first_seen_ms >= 0)
        evtx_format_time(a->first_seen_ms, first, sizeof first);
    if (a->last_seen_ms >= 0)
        evtx_format_time(a->last_seen_ms, last, sizeof last);
    bad |= put_str(r, "id", id);
    bad |= put_str(r, "@timestamp", last[0] ? last : d->time);
    bad |= put_str(r, "action", detect_action_name(d->action));
    bad |= put_str(r, "summary", alert_summary(a, summary, sizeof summary));
    bad |= put_str(r, "severity", d->severity);
    bad |= put_int(r, "count", (json_int_t)a->count);
    bad |= put_str(r, "first_seen", first);
    bad |= put_str(r, "last_seen", last);
    bad |= json_object_set_new(r, "followup", json_boolean(a->followup));
    bad |= put_int(r, "sequence", a->seq);
    bad |= json_object_set_new(r, "suppressed", json_boolean(a->suppressed));

    o = json_object();
    bad |= put_str(o, "name", d->decoy_name) | put_str(o, "kind", d->decoy_kind);
    bad |= put_str(o, "domain", d->decoy_domain) | put_str(o, "sid", d->decoy_sid);
    bad |= put_str(o, "guid", d->decoy_guid) | put_str(o, "dn", d->decoy_dn);
    bad |= put_str(o, "memo", d->decoy_memo) | put_str(o, "location", d->decoy_location);
    bad |= put_str(o, "owner", d->decoy_owner) | put_str(o, "runbook", d->decoy_runbook);
    bad |= put_str(o, "matched_by", d->matched_by) | put_str(o, "matched_field", d->matched_field);
    if (o && d->breadcrumb_id[0]) {
        json_t *b = json_object();
        bad |= put_str(b, "id", d->breadcrumb_id) | put_str(b, "kind", d->breadcrumb_kind);
        bad |= put_str(b, "location", d->breadcrumb_location);
        bad |= put_obj(o, "breadcrumb", b);
    }
    bad |= put_obj(r, "decoy", o);

    o = json_object();
    bad |= put_str(o, "ip", d->source_ip);
    if (d->source_port)
        bad |= put_int(o, "port", d->source_port);
    bad |= put_str(o, "workstation", d->workstation);
    bad |= put_obj(r, "source", o);

    o = json_object();
    bad |= put_str(o, "name", d->user_name) | put_str(o, "domain", d->user_domain);
    bad |= put_str(o, "id", d->user_sid);
    bad |= put_obj(r, "user", o);

    o = json_object();
    bad |= put_str(o, "name", d->host);
    bad |= put_obj(r, "host", o);

    o = json_object();
    if (o) {
        char code[16];
        snprintf(code, sizeof code, "%u", d->event_code);
        bad |= put_str(o, "code", code);
        bad |= put_int(o, "record_id", (json_int_t)d->record_id);
        bad |= put_str(o, "channel", d->channel) | put_str(o, "created", d->time);
        bad |= put_str(o, "action", detect_action_name(d->action));
        bad |= put_str(o, "kind", "alert") | put_str(o, "category", event_category(d->action));
        bad |= put_str(o, "dataset", "addecoy.alert");
        bad |= put_int(o, "severity", d->severity_score);
        bad |= put_str(o, "outcome", d->has_status ? (d->status == 0 ? "success" : "failure") : "");
    }
    bad |= put_obj(r, "event", o);

    if (d->event_code == 4768 || d->event_code == 4769 || d->event_code == 4771)
        bad |= put_obj(r, "kerberos", kerberos_json(d));
    if (d->event_code == 4624 || d->event_code == 4625 || d->event_code == 4776)
        bad |= put_obj(r, "logon", logon_json(d));
    if (d->event_code == 4662 || d->event_code == 4738 || d->event_code == 5136 ||
        (d->action >= DETECT_LOG_CLEARED && d->properties[0])) {
        o = json_object();
        bad |= put_str(o, "access_mask", d->access_mask) | put_str(o, "properties", d->properties);
        bad |= put_str(o, "operation", d->operation);
        bad |= put_obj(r, "directory", o);
    }

    o = json_object();
    bad |= put_str(o, "name", d->object) | put_str(o, "id", d->object_id);
    bad |= put_obj(r, "object", o);
    bad |= put_str(r, "remedy", d->remedy);

    o = json_object();
    t = json_object();
    bad |= put_str(t, "id", d->technique_id) | put_str(t, "name", d->technique_name);
    bad |= put_obj(o, "technique", t);
    bad |= put_str(o, "framework", "MITRE ATT&CK");
    if (d->spray)
        bad |= put_int(o, "accounts_tried", d->spray_accounts);
    bad |= put_obj(r, "threat", o);

    if (d->decoy_name[0]) {
        o = json_object();
        bad |= put_str(o, "id", "D3-DUC") | put_str(o, "name", "Decoy User Credential");
        bad |= put_obj(r, "d3fend", o);
    }

    o = json_object();
    bad |= put_str(o, "product", "ADDecoy") | put_str(o, "vendor", "ADDecoy");
#ifdef ADDECOY_VERSION
    bad |= put_str(o, "version", ADDECOY_VERSION);
#endif
    bad |= put_obj(r, "observer", o);
    return bad ? -1 : 0;
}

char *alert_to_json(const alert *a)
{
    json_t *r = json_object();
    char *out = NULL;
    if (r && build(r, a) == 0)
        out = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(r);
    return out;
}
