/* fuzz_prefilter.c - the raw-record prefilter and the full parser + matcher agree: whenever the
 * parsed record names a decoy, the prefilter let it through (svc/detect_prefilter.c). The input is
 * a field value (and a few control bytes) put into a canonical 4624 or 4769 record, or, with the
 * first byte odd, a whole record as is. */
#include "fuzz.h"

#include <string.h>

#include "svc/detect/detector.h"

static const char *const fields[] = {"TargetUserName", "TargetSid", "TargetUserSid", "ServiceName",
                                     "ServiceSid",     "Status",    "IpAddress"};

FUZZ_TARGET(prefilter)
{
    const struct decoy_index *ix = fuzz_index();
    char *rec;
    size_t len;
    unsigned id;
    evtx_event ev;
    char err[256];
    detector *det;
    detection out;

    if (size < 2)
        return 0;
    id = data[1] & 1 ? 4769 : 4624;
    if (!(rec = malloc(size + 512)))
        return 0;
    if (data[0] & 1) {
        memcpy(rec, data + 2, size - 2);
        len = size - 2;
    } else {
        const char *f = fields[(data[0] >> 1) % (sizeof fields / sizeof fields[0])];
        len = (size_t)sprintf(rec,
                              "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                              "<EventID>%u</EventID><Computer>dc1</Computer></System><EventData>"
                              "<Data Name='%s'>",
                              id, f);
        memcpy(rec + len, data + 2, size - 2);
        len += size - 2;
        len += (size_t)sprintf(rec + len, "</Data></EventData></Event>");
    }
    evtx_event_init(&ev);
    if (evtx_parse_event_xml(rec, len, &ev, err, sizeof err) == 0 &&
        (ev.event_id == 4624 || ev.event_id == 4769)) {
        det = detector_new(ix);
        if (!det)
            abort();
        if (detector_examine(det, &ev, &out))
            FUZZ_CHECK(detect_prefilter(ix, ev.event_id, rec, len) == 1);
        detector_free(det);
    }
    evtx_event_free(&ev);
    free(rec);
    return 0;
}
