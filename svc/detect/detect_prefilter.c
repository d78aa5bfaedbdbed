/* detect_prefilter.c - the detector's cheap look at a raw rendered record before full parsing:
 * for the events that dominate a DC's log and almost never concern a decoy (4624 logons, 4769
 * service tickets), read the few fields the detector matches on straight from the canonical XML
 * and skip the record when none names a decoy. Anything not in canonical form is parsed fully. */
#include <string.h>

#include "svc/detect/detector.h"

typedef enum { BY_NAME, BY_SID, BY_SERVICE } key_kind;

typedef struct prefilter_field {
    const char *name;
    key_kind kind;
} prefilter_field;

/* The fields classify() in detector.c reads for these events. */
static const prefilter_field fields_4624[] = {
    {"TargetUserName", BY_NAME}, {"TargetSid", BY_SID}, {"TargetUserSid", BY_SID}, {NULL, BY_NAME}};
static const prefilter_field fields_4769[] = {
    {"ServiceName", BY_SERVICE}, {"ServiceSid", BY_SID}, {"TargetUserName", BY_NAME}, {NULL, BY_NAME}};

/* 1 when the value could name a decoy (or cannot be judged), 0 when it surely does not. */
static int may_be_decoy(const decoy_index *ix, key_kind kind, const char *v, size_t n)
{
    char buf[1024];

    if (n >= sizeof buf) /* longer than any name, SID or SPN the index holds */
        return 0;
    memcpy(buf, v, n);
    buf[n] = '\0';
    switch (kind) {
    case BY_SID:
        return decoy_index_by_sid(ix, buf) != NULL;
    case BY_SERVICE:
        if (strchr(buf, '/'))
            return decoy_index_by_spn(ix, buf) != NULL;
        return decoy_index_by_name(ix, buf) != NULL;
    case BY_NAME:
    default:
        return decoy_index_by_name(ix, buf) != NULL;
    }
}

int detect_prefilter(const decoy_index *ix, unsigned event_id, const char *rec, size_t len)
{
    const prefilter_field *f = event_id == 4624 ? fields_4624 : event_id == 4769 ? fields_4769 : NULL;
    evtx_raw_view v;

    if (!f || !evtx_raw_view_open(&v, rec, len))
        return 1;
    for (; f->name; f++) {
        const char *val;
        size_t n;
        int rc = evtx_raw_view_get(&v, f->name, &val, &n);
        if (rc < 0 || (rc == 1 && may_be_decoy(ix, f->kind, val, n)))
            return 1;
    }
    return 0;
}
