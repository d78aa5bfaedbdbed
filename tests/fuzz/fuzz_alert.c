/* fuzz_alert.c - detector + alert over attacker-shaped events (fuzz_event): the alert is always
 * valid JSON, its summary valid UTF-8. */
#include "fuzz.h"

#include <string.h>

#include "svc/detect/alert.h"
#include "svc/detect/detector.h"

FUZZ_TARGET(alert)
{
    evtx_event ev;
    detector *det = detector_new(fuzz_index());
    detection d;
    alert a;
    char sum[1024], *json;

    if (!det)
        abort();
    evtx_event_init(&ev);
    if (fuzz_event(data, size, "svc_backup_legacy", &ev) == 0 && detector_examine(det, &ev, &d)) {
        alert_from_detection(&a, &d);
        a.count = size;
        json = alert_to_json(&a);
        FUZZ_CHECK(json != NULL);
        FUZZ_CHECK(fuzz_json_ok(json, strlen(json)));
        free(json);
        alert_summary(&a, sum, sizeof sum);
        FUZZ_CHECK(evtx_utf8_valid_prefix(sum, strlen(sum)) == strlen(sum));
    }
    evtx_event_free(&ev);
    detector_free(det);
    return 0;
}
