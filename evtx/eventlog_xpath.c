/* eventlog_xpath.c - the XPath query of an event log subscription, built from the wanted event IDs:
 *   *[System[(EventID=4768 or EventID=4769)]]
 * Portable so that it is unit-tested everywhere; used by eventlog_win.c. Windows rejects long
 * queries, so past EVTX_EVENTLOG_XPATH_IDS IDs the query is "*" and filtering happens in process
 * (the in-process match is the authority in any case). */
#include <stdio.h>
#include <string.h>

#include "evtx/eventlog.h"

int evtx_eventlog_xpath(const unsigned *ids, size_t nids, char *buf, size_t len)
{
    size_t used;
    int n;

    if (len < 2)
        return -1;
    if (!ids || nids == 0 || nids > EVTX_EVENTLOG_XPATH_IDS) {
        memcpy(buf, "*", 2);
        return 0;
    }
    n = snprintf(buf, len, "*[System[(");
    if (n < 0 || (size_t)n >= len)
        return -1;
    used = (size_t)n;
    for (size_t i = 0; i < nids; i++) {
        n = snprintf(buf + used, len - used, "%sEventID=%u", i ? " or " : "", ids[i]);
        if (n < 0 || (size_t)n >= len - used)
            return -1;
        used += (size_t)n;
    }
    n = snprintf(buf + used, len - used, ")]]");
    if (n < 0 || (size_t)n >= len - used)
        return -1;
    return 0;
}
