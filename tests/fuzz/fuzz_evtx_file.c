/* fuzz_evtx_file.c - a binary .evtx file (evtx/evtx_file.c, binxml.c, binxml_direct.c): never a
 * crash, a hang or unbounded work; the counts stay consistent; and when no work bound was reached,
 * the direct path and the reference path (every record rendered to XML and parsed: xml_only)
 * deliver the same events. */
#include <string.h>

#include "fuzz.h"

#define KEEP 64 /* events compared per run */

struct seen {
    uint64_t n;
    uint64_t id[KEEP], rec[KEEP], nfields[KEEP];
    uint32_t hash[KEEP]; /* of every string of the event */
};

static uint32_t mix(uint32_t h, const char *s)
{
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return (h ^ 0xff) * 16777619u;
}

static int count_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct seen *s = ctx;
    (void)end;
    if (s->n < KEEP) {
        uint32_t h = mix(mix(mix(mix(2166136261u, ev->channel), ev->provider), ev->computer), ev->time_created);
        for (size_t i = 0; i < ev->nfields; i++)
            h = mix(mix(h, ev->fields[i].name), ev->fields[i].value);
        s->id[s->n] = ev->event_id;
        s->rec[s->n] = ev->record_id;
        s->nfields[s->n] = ev->nfields + ((uint64_t)ev->truncated << 32);
        s->hash[s->n] = h;
    }
    s->n++;
    return 0;
}

/* The direct path's view of a record: only asks (the answers are checked by test_evtx_direct). */
static int look(void *ctx, unsigned id, const evtx_values *v)
{
    const char *val;
    size_t n;
    (void)ctx;
    (void)id;
    FUZZ_CHECK(evtx_values_get(v, "TargetUserName", &val, &n) != 1 || strlen(val) == n);
    return 1;
}

FUZZ_TARGET(evtx_file)
{
    evtx_xml_opts o = {0};
    evtx_file_stats st, sx;
    static struct seen d, x;
    char err[512];
    const char *path = fuzz_temp_file("evtx", data, size);

    memset(&d, 0, sizeof d);
    memset(&x, 0, sizeof x);
    o.on_event = count_event;
    o.ctx = &d;
    o.value_prefilter = look;
    if (evtx_file_read(path, &o, &st, err, sizeof err) != 0)
        return 0;
    FUZZ_CHECK(d.n == st.delivered);
    FUZZ_CHECK(st.delivered + st.filtered <= st.records);
    FUZZ_CHECK(st.direct <= st.records);
    FUZZ_CHECK(st.xml_bytes <= EVTX_CHUNK_XML_MAX + (uint64_t)EVTX_FILE_XML_RATIO * size);
    o.ctx = &x;
    o.value_prefilter = NULL;
    o.xml_only = 1;
    FUZZ_CHECK(evtx_file_read(path, &o, &sx, err, sizeof err) == 0);
    if (st.over_budget == 0 && sx.over_budget == 0) { /* no bound reached: the same events */
        FUZZ_CHECK(sx.delivered == st.delivered && sx.bad_records == st.bad_records);
        for (uint64_t i = 0; i < d.n && i < KEEP; i++)
            FUZZ_CHECK(d.id[i] == x.id[i] && d.rec[i] == x.rec[i] && d.nfields[i] == x.nfields[i] &&
                       d.hash[i] == x.hash[i]);
    }
    return 0;
}
