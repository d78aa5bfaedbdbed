/* quarantine.h - alerts a sink refused for good (a poison alert), kept per sink in
 * <dir>/<sink>.jsonl: one JSON line each with the time, the sink, the number of attempts, the
 * sink's reply and the alert itself, so that an operator can inspect and replay them. */
#ifndef ADDECOY_SVC_QUARANTINE_H
#define ADDECOY_SVC_QUARANTINE_H

#include <stddef.h>

/* Path of the sink's quarantine file (the sink name with anything but [A-Za-z0-9_.-] as %XX). */
void quarantine_path(const char *dir, const char *sink, char *buf, size_t len);
/* Appends the alert doc with the reply and fsyncs (creating dir as needed). 0, or -1 with err. */
int quarantine_append(const char *dir, const char *sink, const char *doc, size_t len, unsigned attempts,
                      const char *reply, char *err, size_t errlen);

#endif
