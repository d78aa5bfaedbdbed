/*
 * throttle_state.c - the throttle's key table as JSON, so the daemon can persist it atomically
 * with its input checkpoint and a restart neither re-pages for a window still open nor loses the
 * counts folded but not yet reported. A detection is written field by field from a table, so the
 * format names every field and tolerates fields added later (missing ones stay empty).
 */
#include "svc/detect/throttle_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

enum ftype { F_STR, F_INT, F_U32, F_U64, F_I64 };

typedef struct dfield {
    const char *name;
    enum ftype type;
    size_t off, size;
} dfield;

#define S(f)                                                                                                 \
    {                                                                                                        \
#f, F_STR, offsetof(detection, f), sizeof(((detection *)0)->f)                                       \
    }
#define I(f)                                                                                                 \
    {                                                                                                        \
#f, F_INT, offsetof(detection, f), sizeof(int)                                                       \
    }
#define U(f)                                                                                                 \
    {                                                                                                        \
#f, F_U32, offsetof(detection, f), sizeof(uint32_t)                                                  \
    }

static const dfield fields[] = {
    I(action),
    S(severity),
    I(severity_score),
    S(technique_id),
    S(technique_name),
    I(spray),
    {"spray_accounts", F_U32, offsetof(detection, spray_accounts), sizeof(unsigned)},
    S(decoy_name),
    S(decoy_kind),
    S(decoy_domain),
    S(decoy_sid),
    S(decoy_guid),
    S(decoy_dn),
    S(decoy_memo),
    S(decoy_location),
    S(decoy_owner),
    S(decoy_runbook),
    S(breadcrumb_id),
    S(breadcrumb_kind),
    S(breadcrumb_location),
    S(matched_by),
    S(matched_field),
    S(user_name),
    S(user_domain),
    S(workstation),
    S(source_ip),
    {"source_port", F_U32, offsetof(detection, source_port), sizeof(unsigned)},
    S(process_name),
    S(service_name),
    I(has_ticket_enc),
    I(has_status),
    I(has_sub_status),
    U(ticket_enc),
    U(status),
    U(sub_status),
    S(ticket_enc_name),
    I(rc4),
    S(ticket_options),
    S(status_meaning),
    S(sub_status_meaning),
    I(password_correct),
    I(pre_auth_type),
    I(logon_type),
    S(access_mask),
    S(properties),
    S(operation),
    {"event_code", F_U32, offsetof(detection, event_code), sizeof(unsigned)},
    {"record_id", F_U64, offsetof(detection, record_id), sizeof(uint64_t)},
    {"time_ms", F_I64, offsetof(detection, time_ms), sizeof(int64_t)},
    S(time),
    S(channel),
    S(host),
    S(user_sid),
    S(object),
    S(object_id),
    S(remedy),
};

static json_t *detection_to_json(const detection *d)
{
    json_t *o = json_object();
    const char *base = (const char *)d;
    int bad = !o;
    for (size_t i = 0; !bad && i < sizeof fields / sizeof fields[0]; i++) {
        const dfield *f = &fields[i];
        const void *p = base + f->off;
        json_t *v = NULL;
        switch (f->type) {
        case F_STR: v = json_string(p); break; /* detection strings are valid UTF-8 */
        case F_INT: {
            int x;
            memcpy(&x, p, sizeof x);
            v = json_integer(x);
            break;
        }
        case F_U32: {
            uint32_t x;
            memcpy(&x, p, sizeof x);
            v = json_integer(x);
            break;
        }
        case F_U64: {
            uint64_t x;
            memcpy(&x, p, sizeof x);
            v = json_integer((json_int_t)x);
            break;
        }
        case F_I64: {
            int64_t x;
            memcpy(&x, p, sizeof x);
            v = json_integer(x);
            break;
        }
        }
        bad = !v || json_object_set_new(o, f->name, v) != 0;
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int detection_from_json(detection *d, json_t *o)
{
    char *base = (char *)d;
    memset(d, 0, sizeof *d);
    d->pre_auth_type = d->logon_type = -1;
    d->time_ms = -1;
    if (!json_is_object(o))
        return -1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const dfield *f = &fields[i];
        json_t *v = json_object_get(o, f->name);
        void *p = base + f->off;
        if (!v)
            continue;
        if (f->type == F_STR) {
            const char *s = json_string_value(v);
            size_t n;
            if (!s)
                return -1;
            n = evtx_utf8_valid_prefix(s, strnlen(s, f->size - 1));
            memcpy(p, s, n);
            ((char *)p)[n] = '\0';
        } else {
            json_int_t x;
            if (!json_is_integer(v))
                return -1;
            x = json_integer_value(v);
            if (f->type == F_INT) {
                int y = (int)x;
                memcpy(p, &y, sizeof y);
            } else if (f->type == F_U32) {
                uint32_t y = (uint32_t)x;
                memcpy(p, &y, sizeof y);
            } else if (f->type == F_U64) {
                uint64_t y = (uint64_t)x;
                memcpy(p, &y, sizeof y);
            } else {
                int64_t y = (int64_t)x;
                memcpy(p, &y, sizeof y);
            }
        }
    }
    if (d->action <= DETECT_NONE || d->action > DETECT_ACTION_LAST)
        return -1;
    return 0;
}

char *throttle_save(const throttle *t)
{
    json_t *root = json_object(), *arr = json_array();
    char *out = NULL;
    int bad = !root || !arr;

    for (size_t i = 0; !bad && i < t->nkeys; i++) {
        const throttle_key *k = &t->keys[i];
        json_t *o = json_object();
        bad |= !o;
        bad |= json_object_set_new(o, "action", json_string(detect_action_name(k->action)));
        bad |= json_object_set_new(o, "decoy", json_string(k->decoy));
        bad |= json_object_set_new(o, "source", json_string(k->source));
        bad |= json_object_set_new(o, "window_start", json_integer(k->window_start));
        bad |= json_object_set_new(o, "window_last", json_integer(k->window_last));
        bad |= json_object_set_new(o, "seq", json_integer(k->seq));
        bad |= json_object_set_new(o, "suppressed", json_boolean(k->suppressed));
        bad |= json_object_set_new(o, "pending", json_integer((json_int_t)k->pending));
        if (k->pending && k->latest) {
            bad |= json_object_set_new(o, "pending_first", json_integer(k->pending_first));
            bad |= json_object_set_new(o, "pending_last", json_integer(k->pending_last));
            bad |= json_object_set_new(o, "latest", detection_to_json(k->latest));
        }
        bad |= json_array_append_new(arr, o);
    }
    if (!bad)
        bad |= json_object_set_new(root, "version", json_integer(1)) | json_object_set(root, "keys", arr);
    if (!bad)
        out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    json_decref(root);
    return out;
}

static int action_parse(const char *s, detect_action *a)
{
    for (int i = DETECT_KERBEROAST; i <= DETECT_ACTION_LAST; i++) {
        if (s && strcmp(s, detect_action_name((detect_action)i)) == 0) {
            *a = (detect_action)i;
            return 0;
        }
    }
    return -1;
}

static int load_key(throttle_key *k, json_t *o)
{
    json_t *v;
    memset(k, 0, sizeof *k);
    if (!json_is_object(o) || action_parse(json_string_value(json_object_get(o, "action")), &k->action))
        return -1;
    if (!json_is_string(json_object_get(o, "decoy")) || !json_is_string(json_object_get(o, "source")) ||
        !json_is_integer(json_object_get(o, "window_start")) || !json_is_integer(json_object_get(o, "pending")))
        return -1;
    snprintf(k->decoy, sizeof k->decoy, "%s", json_string_value(json_object_get(o, "decoy")));
    snprintf(k->source, sizeof k->source, "%s", json_string_value(json_object_get(o, "source")));
    k->window_start = json_integer_value(json_object_get(o, "window_start"));
    v = json_object_get(o, "window_last"); /* absent in state saved by older versions */
    k->window_last = json_is_integer(v) && json_integer_value(v) > k->window_start ? json_integer_value(v)
                                                                                   : k->window_start;
    k->seq = (uint32_t)json_integer_value(json_object_get(o, "seq"));
    k->suppressed = json_is_true(json_object_get(o, "suppressed"));
    if (json_integer_value(json_object_get(o, "pending")) <= 0)
        return 0;
    k->pending = (uint64_t)json_integer_value(json_object_get(o, "pending"));
    k->pending_first = json_integer_value(json_object_get(o, "pending_first"));
    k->pending_last = json_integer_value(json_object_get(o, "pending_last"));
    v = json_object_get(o, "latest");
    k->latest = malloc(sizeof *k->latest);
    if (!k->latest || detection_from_json(k->latest, v) != 0) {
        throttle_key_clear(k);
        return -1;
    }
    return 0;
}

int throttle_load(throttle *t, const char *json, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr), *arr, *o;
    size_t i;
    int rc = -1;

    if (!root) {
        snprintf(err, errlen, "throttle state: invalid JSON at line %d: %s", jerr.line, jerr.text);
        return -1;
    }
    arr = json_object_get(root, "keys");
    if (json_integer_value(json_object_get(root, "version")) != 1 || !json_is_array(arr)) {
        snprintf(err, errlen, "throttle state: not a version 1 state document");
        goto out;
    }
    for (i = 0; i < t->nkeys; i++)
        throttle_key_clear(&t->keys[i]);
    t->nkeys = 0;
    json_array_foreach(arr, i, o)
    {
        throttle_key k, *slot;
        if (load_key(&k, o) != 0) {
            snprintf(err, errlen, "throttle state: keys[%zu] is invalid", i);
            goto out;
        }
        slot = throttle_new_key(t);
        if (!slot) { /* more keys than allowed now: the rest is dropped, said so */
            throttle_key_clear(&k);
            snprintf(err, errlen, "throttle state: more than %zu keys; keys[%zu] and later dropped",
                     t->max_keys, i);
            goto out;
        }
        *slot = k;
    }
    rc = 0;
out:
    throttle_recompute_deadline(t);
    json_decref(root);
    return rc;
}
