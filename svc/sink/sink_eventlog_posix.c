/* sink_eventlog_posix.c - the "eventlog" sink (the Windows Application log, sink_eventlog_win.c)
 * does not exist on POSIX: its constructor says so. */
#include "svc/sink/sink_int.h"

#include <stdio.h>

/* No keys on this platform (defs NULL): sink.c calls the constructor below for its message. */
const opt_map SINK_EVENTLOG_MAP = {"eventlog", ": ", NULL, NULL};

int sink_eventlog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    (void)s, (void)conf;
    snprintf(err, errlen, "%s: type: the eventlog sink exists only on Windows", where);
    return -1;
}
