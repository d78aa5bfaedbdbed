/* sink_syslog.c - placeholder while the syslog sink is written. */
#include "svc/sink_int.h"
#include <stdio.h>
int sink_syslog_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    (void)s, (void)conf;
    snprintf(err, errlen, "%s: the syslog sink is not available yet", where);
    return -1;
}
