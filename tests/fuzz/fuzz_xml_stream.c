/* fuzz_xml_stream.c - the rendered-XML stream (evtx/xml_stream.c) fed in two pieces at a split
 * chosen by the first two bytes: the records delivered do not depend on where the input was cut. */
#include "fuzz.h"

#include <string.h>

struct seen {
    uint64_t n, ids;
};

static int note(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct seen *s = ctx;
    (void)end;
    s->n++;
    s->ids = s->ids * 31 + ev->event_id + ev->nfields;
    return 0;
}

static void run(const char *d, size_t n, size_t split, struct seen *s, evtx_stream_stats *st)
{
    evtx_xml_opts o = {0};
    evtx_xml_stream *x;

    o.on_event = note;
    o.ctx = s;
    x = evtx_xml_new(&o);
    if (!x)
        abort();
    evtx_xml_feed(x, d, split);
    evtx_xml_feed(x, d + split, n - split);
    evtx_xml_finish(x);
    *st = *evtx_xml_stats(x);
    evtx_xml_free(x);
}

FUZZ_TARGET(xml_stream)
{
    struct seen one = {0, 0}, two = {0, 0};
    evtx_stream_stats a, b;
    size_t split;

    if (size < 2)
        return 0;
    split = ((size_t)data[0] << 8 | data[1]) % (size - 1);
    run((const char *)data + 2, size - 2, 0, &one, &a);
    run((const char *)data + 2, size - 2, split, &two, &b);
    FUZZ_CHECK(one.n == two.n && one.ids == two.ids);
    FUZZ_CHECK(a.records == b.records && a.malformed == b.malformed);
    FUZZ_CHECK(a.delivered == one.n);
    return 0;
}
