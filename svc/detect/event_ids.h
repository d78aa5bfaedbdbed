/* event_ids.h - the one table of the event IDs the detector examines: for each, its name, what it
 * detects, the channel Windows logs it in and which part of the detector classifies it. The
 * detector's dispatch, the pipeline's event-ID prefilter and the EvtSubscribe XPath are all built
 * from it (event_ids.c), so adding an event ID is one line there. */
#ifndef ADDECOY_SVC_EVENT_IDS_H
#define ADDECOY_SVC_EVENT_IDS_H

#include <stddef.h>

typedef enum detect_family {
    DETECT_FAMILY_DECOY = 1, /* an authentication or directory access that names a decoy (detector.c) */
    DETECT_FAMILY_TAMPER     /* tampering with the log, the audit policy or a decoy (detect_tamper.c) */
} detect_family;

typedef struct detect_event_id {
    unsigned id;
    const char *name;    /* "Kerberos service ticket requested" */
    const char *detects; /* "Kerberoasting" */
    const char *channel; /* "Security" or "System": where Windows logs it */
    detect_family family;
} detect_event_id;

/* The whole table, in ascending ID order. */
const detect_event_id *detect_event_ids(size_t *n);
/* The entry of 'id', NULL when the detector does not examine it. */
const detect_event_id *detect_event_id_find(unsigned id);
/* The IDs to subscribe to on 'channel' (Security: the Security ones, System: the System ones, any
 * other channel, e.g. ForwardedEvents: all). Writes at most cap; returns how many it wrote. */
size_t detect_event_ids_for_channel(const char *channel, unsigned *out, size_t cap);

#endif
