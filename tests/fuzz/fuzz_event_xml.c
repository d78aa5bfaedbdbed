/* fuzz_event_xml.c - one rendered <Event> document (evtx_parse_event_xml): never a crash; on
 * success every name and value is valid UTF-8. */
#include "fuzz.h"

#include <string.h>

FUZZ_TARGET(event_xml)
{
    evtx_event ev;
    char err[256];

    evtx_event_init(&ev);
    if (evtx_parse_event_xml((const char *)data, size, &ev, err, sizeof err) == 0) {
        for (size_t i = 0; i < ev.nfields; i++) {
            const char *v = ev.fields[i].value;
            FUZZ_CHECK(evtx_utf8_valid_prefix(v, strlen(v)) == strlen(v));
        }
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    evtx_event_free(&ev);
    return 0;
}
