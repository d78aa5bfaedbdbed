/* detect_prefilter.c - the detector's cheap look at a raw rendered record before full parsing:
 * for the events that dominate a DC's log and almost never concern a decoy (4624 logons, 4769
 * service tickets), read the few fields the detector matches on straight from the canonical XML
 * and skip the record when none names a decoy (with the matcher's own lookup, detect_lookup, so
 * the two agree whatever the value). Anything not in canonical form is parsed fully. The same look
 * at a binary .evtx record's values (detect_prefilter_values), before its event is built. */
#include <string.h>

#include "svc/detect/detector.h"

typedef struct prefilter_field {
    const char *name;
    detect_key kind;
} prefilter_field;

/* The fields classify() in detector.c reads for these events, looked up as it does. */
static const prefilter_field fields_4624[] = {{"TargetUserName", DETECT_KEY_NAME},
                                              {"TargetSid", DETECT_KEY_SID},
                                              {"TargetUserSid", DETECT_KEY_SID},
                                              {NULL, DETECT_KEY_NAME}};
static const prefilter_field fields_4769[] = {{"ServiceName", DETECT_KEY_SERVICE},
                                              {"ServiceSid", DETECT_KEY_SID},
                                              {"TargetUserName", DETECT_KEY_NAME},
                                              {NULL, DETECT_KEY_NAME}};

typedef int (*field_getter)(const void *src, const char *name, const char **val, size_t *n);

/* The fields of event_id read through get (1 present, 0 absent, -1 unsure): 1 when one may name a
 * decoy or is unsure, 0 when none does. The one loop of both forms of record. */
static int may_name_decoy(const decoy_index *ix, const prefilter_field *f, field_getter get, const void *src)
{
    for (; f->name; f++) {
        const char *val;
        size_t n;
        int rc = get(src, f->name, &val, &n);
        if (rc < 0 || (rc == 1 && detect_lookup(ix, f->kind, val, n, NULL) != DECOY_INDEX_NONE))
            return 1;
    }
    return 0;
}

static const prefilter_field *fields_of(unsigned event_id)
{
    return event_id == 4624 ? fields_4624 : event_id == 4769 ? fields_4769 : NULL;
}

static int raw_get(const void *src, const char *name, const char **val, size_t *n)
{
    return evtx_raw_view_get(src, name, val, n);
}

static int values_get(const void *src, const char *name, const char **val, size_t *n)
{
    return evtx_values_get(src, name, val, n);
}

int detect_prefilter(const decoy_index *ix, unsigned event_id, const char *rec, size_t len)
{
    const prefilter_field *f = fields_of(event_id);
    evtx_raw_view v;

    if (!f || !evtx_raw_view_open(&v, rec, len))
        return 1;
    return may_name_decoy(ix, f, raw_get, &v);
}

int detect_prefilter_values(const decoy_index *ix, unsigned event_id, const evtx_values *v)
{
    const prefilter_field *f = fields_of(event_id);
    return f ? may_name_decoy(ix, f, values_get, v) : 1;
}
