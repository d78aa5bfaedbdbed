/* fuzz_evtx_file.c - a binary .evtx file (evtx/evtx_file.c, binxml.c): never a crash, a hang or
 * unbounded work; the counts stay consistent. */
#include "fuzz.h"

static int count_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    (void)end;
    (void)ev;
    ++*(uint64_t *)ctx;
    return 0;
}

FUZZ_TARGET(evtx_file)
{
    evtx_xml_opts o = {0};
    evtx_file_stats st;
    uint64_t n = 0;
    char err[512];
    const char *path = fuzz_temp_file("evtx", data, size);

    o.on_event = count_event;
    o.ctx = &n;
    if (evtx_file_read(path, &o, &st, err, sizeof err) == 0) {
        FUZZ_CHECK(n == st.delivered);
        FUZZ_CHECK(st.delivered + st.filtered <= st.records);
        FUZZ_CHECK(st.xml_bytes <= EVTX_CHUNK_XML_MAX + (uint64_t)EVTX_FILE_XML_RATIO * size);
    }
    return 0;
}
