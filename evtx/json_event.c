/*
 * json_event.c - one JSON line -> the normalised event, for the two layouts Windows event
 * shippers write (field names from the products' documentation):
 *
 *   Winlogbeat 7.x/8.x, Elastic Agent (ECS): winlog.event_id (8.x string, 7.x number; event.code
 *     as a fallback), winlog.record_id (number or string), winlog.computer_name (host.name as a
 *     fallback), winlog.channel, winlog.provider_name (event.provider), winlog.version,
 *     @timestamp, and every winlog.event_data.<Name>; winlog.user_data's leaves for UserData
 *     events. ECS fields Elastic Agent parses (user.name, source.ip, ...) are not read: the raw
 *     event_data values are always there and are what the XML holds.
 *   NXLog im_msvistalog + to_json(): EventID, RecordNumber, Hostname, Channel, SourceName,
 *     Version, @timestamp (preferred, UTC, when Logstash added it) or EventTime, and the
 *     EventData fields at the top level: every key that is not one of NXLog's own (or Logstash's).
 *
 * Values: strings as they are (a NUL from "\u0000" becomes U+FFFD, as XML has no NUL), numbers as
 * decimal text, true/false, null as "", objects and arrays as compact JSON text.
 */
#include "evtx/evtx.h"
#include "evtx/json_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NXLog's own fields (im_msvistalog, core) and what Logstash adds: not EventData. */
static const char *const nxlog_system_keys[] = {"EventTime",
                                                "EventReceivedTime",
                                                "EventTimeWritten",
                                                "SourceModuleName",
                                                "SourceModuleType",
                                                "Hostname",
                                                "Keywords",
                                                "EventType",
                                                "SeverityValue",
                                                "Severity",
                                                "EventID",
                                                "SourceName",
                                                "ProviderGuid",
                                                "Version",
                                                "Task",
                                                "OpcodeValue",
                                                "Opcode",
                                                "RecordNumber",
                                                "ActivityID",
                                                "RelatedActivityID",
                                                "ExecutionProcessID",
                                                "ExecutionThreadID",
                                                "Channel",
                                                "Message",
                                                "Category",
                                                "Domain",
                                                "AccountName",
                                                "UserID",
                                                "AccountType",
                                                "EventXML",
                                                "MessageSourceAddress",
                                                "@timestamp",
                                                "@version",
                                                "host",
                                                "port",
                                                "tags",
                                                "type",
                                                "event",
                                                "log",
                                                "agent",
                                                "ecs",
                                                NULL};

static int is_nxlog_system_key(const char *k)
{
    for (size_t i = 0; nxlog_system_keys[i]; i++)
        if (strcmp(k, nxlog_system_keys[i]) == 0)
            return 1;
    return 0;
}

/* Text of a value: *out and *len point into v or into tmp (cap bytes); *heap is set when malloc'd. */
static int value_text(const json_t *v, char *tmp, size_t cap, const char **out, size_t *len, char **heap)
{
    *heap = NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v);
        *len = json_string_length(v);
        return 0;
    case JSON_INTEGER: snprintf(tmp, cap, "%lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: snprintf(tmp, cap, "%.17g", json_real_value(v)); break;
    case JSON_TRUE: snprintf(tmp, cap, "true"); break;
    case JSON_FALSE: snprintf(tmp, cap, "false"); break;
    case JSON_NULL: tmp[0] = '\0'; break;
    default:
        *heap = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (!*heap)
            return -1;
        *out = *heap;
        *len = strlen(*heap);
        return 0;
    }
    *out = tmp;
    *len = strlen(tmp);
    return 0;
}

/* Adds a field; NUL characters in the value become U+FFFD. */
static int add_field(evtx_event *ev, const char *name, const json_t *v)
{
    char tmp[64], *heap = NULL, *clean = NULL;
    const char *s;
    size_t len;
    int rc;

    if (value_text(v, tmp, sizeof tmp, &s, &len, &heap) != 0)
        return -1;
    if (memchr(s, '\0', len)) {
        size_t o = 0;
        clean = malloc(3 * len + 1);
        if (!clean) {
            free(heap);
            return -1;
        }
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\0') {
                memcpy(clean + o, "\xEF\xBF\xBD", 3);
                o += 3;
            } else
                clean[o++] = s[i];
        }
        s = clean;
        len = o;
    }
    rc = evtx_event_add_field(ev, name, s, len);
    free(clean);
    free(heap);
    return rc;
}

/* Event ID from a number or a string of digits (0..65535). */
static int event_id_of(const json_t *v, unsigned *id)
{
    const char *s;
    unsigned long n = 0;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > 0xFFFF)
            return -1;
        *id = (unsigned)i;
        return 0;
    }
    s = json_string_value(v);
    if (!s || !*s || json_string_length(v) > 5)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (unsigned long)(*s - '0');
    }
    if (n > 0xFFFF)
        return -1;
    *id = (unsigned)n;
    return 0;
}

/* Unsigned number from a number or a string of digits; 0 when absent or not one. */
static uint64_t u64_of(const json_t *v)
{
    const char *s;
    uint64_t n = 0;

    if (json_is_integer(v))
        return json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
    s = json_string_value(v);
    if (!s || !*s || json_string_length(v) > 20)
        return 0;
    for (; *s; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (*s < '0' || *s > '9' || n > (UINT64_MAX - d) / 10)
            return 0;
        n = n * 10 + d;
    }
    return n;
}

typedef int (*setter)(evtx_event *, const char *, size_t);

/* Sets a string slot from the first of values that is a non-empty string. */
static int set_first(evtx_event *ev, setter set, const json_t *a, const json_t *b)
{
    const json_t *v = json_is_string(a) && json_string_length(a) ? a : b;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return 0;
    return set(ev, json_string_value(v), json_string_length(v));
}

static void set_time(evtx_event *ev, const json_t *a, const json_t *b)
{
    const char *t = json_string_value(a);
    if (!t || !*t)
        t = json_string_value(b);
    if (t)
        evtx_event_set_time(ev, t);
}

static json_t *path2(const json_t *root, const char *a, const char *b)
{
    return json_object_get(json_object_get(root, a), b);
}

/* UserData's leaves by their own names (as the XML parser reads them); depth is bounded by the
 * loader. */
static int add_leaves(evtx_event *ev, const json_t *obj)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v)
    {
        if (json_is_object(v)) {
            if (add_leaves(ev, v) != 0)
                return -1;
        } else if (strcmp(k, "xml_name") != 0 && add_field(ev, k, v) != 0)
            return -1;
    }
    return 0;
}

static int from_winlogbeat(const json_t *root, evtx_event *ev, char *err, size_t errlen)
{
    const json_t *w = json_object_get(root, "winlog"), *data, *id;
    const char *k;
    json_t *v;

    id = json_object_get(w, "event_id");
    if (!id)
        id = path2(root, "event", "code");
    if (!id || event_id_of(id, &ev->event_id) != 0) {
        snprintf(err, errlen, "no EventID: winlog.event_id %s",
                 id ? "is not a number from 0 to 65535" : "is missing");
        return -1;
    }
    ev->record_id = u64_of(json_object_get(w, "record_id"));
    ev->version = (unsigned)(u64_of(json_object_get(w, "version")) & 0xFFFF);
    set_time(ev, json_object_get(root, "@timestamp"), NULL);
    if (set_first(ev, evtx_event_set_channel, json_object_get(w, "channel"), NULL) != 0 ||
        set_first(ev, evtx_event_set_provider, json_object_get(w, "provider_name"),
                  path2(root, "event", "provider")) != 0 ||
        set_first(ev, evtx_event_set_computer, json_object_get(w, "computer_name"),
                  path2(root, "host", "name")) != 0)
        return -1;
    data = json_object_get(w, "event_data");
    json_object_foreach((json_t *)data, k, v) if (add_field(ev, k, v) != 0) return -1;
    data = json_object_get(w, "user_data");
    if (json_is_object(data) && add_leaves(ev, data) != 0)
        return -1;
    return 0;
}

static int from_nxlog(const json_t *root, evtx_event *ev, char *err, size_t errlen)
{
    const json_t *id = json_object_get(root, "EventID");
    const char *k;
    json_t *v;

    if (!id || event_id_of(id, &ev->event_id) != 0) {
        snprintf(err, errlen, "no EventID: %s",
                 id ? "EventID is not a number from 0 to 65535"
                    : "neither winlog.event_id (Winlogbeat) nor EventID (NXLog)");
        return -1;
    }
    ev->record_id = u64_of(json_object_get(root, "RecordNumber"));
    ev->version = (unsigned)(u64_of(json_object_get(root, "Version")) & 0xFFFF);
    set_time(ev, json_object_get(root, "@timestamp"), json_object_get(root, "EventTime"));
    if (set_first(ev, evtx_event_set_channel, json_object_get(root, "Channel"), NULL) != 0 ||
        set_first(ev, evtx_event_set_provider, json_object_get(root, "SourceName"), NULL) != 0 ||
        set_first(ev, evtx_event_set_computer, json_object_get(root, "Hostname"),
                  json_object_get(root, "host")) != 0)
        return -1;
    json_object_foreach((json_t *)root, k, v) if (!is_nxlog_system_key(k) && add_field(ev, k, v) != 0) return -1;
    return 0;
}

int evtx_json_format_parse(const char *name, evtx_json_format *out)
{
    if (!name || strcmp(name, "auto") == 0)
        *out = EVTX_JSON_AUTO;
    else if (strcmp(name, "winlogbeat") == 0 || strcmp(name, "elastic-agent") == 0)
        *out = EVTX_JSON_WINLOGBEAT;
    else if (strcmp(name, "nxlog") == 0)
        *out = EVTX_JSON_NXLOG;
    else
        return -1;
    return 0;
}

int evtx_json_parse_line(const char *line, size_t len, evtx_json_format fmt, evtx_event *ev, int *dup_keys,
                         char *err, size_t errlen)
{
    char dummy[1];
    json_t *root, *src;
    int rc;

    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    evtx_event_reset(ev);
    root = json_line_load(line, len, dup_keys, err, errlen);
    if (!root)
        return -1;
    src = json_object_get(root, "_source"); /* an Elasticsearch hit */
    if (!json_is_object(src))
        src = root;
    if (fmt == EVTX_JSON_AUTO)
        fmt = json_is_object(json_object_get(src, "winlog")) ? EVTX_JSON_WINLOGBEAT : EVTX_JSON_NXLOG;
    rc = fmt == EVTX_JSON_WINLOGBEAT ? from_winlogbeat(src, ev, err, errlen) : from_nxlog(src, ev, err, errlen);
    if (rc != 0) {
        if (ev->event_id || ev->nfields)
            snprintf(err, errlen, "out of memory");
        evtx_event_reset(ev);
    }
    json_decref(root);
    return rc;
}
