/* input_eventlog_posix.c - the Windows event log input does not exist elsewhere: say so clearly. */
#include <stdio.h>

#include "svc/input/input.h"

int input_eventlog_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen)
{
    (void)checkpoint;
    snprintf(err, errlen,
             "input '%s': the \"eventlog\" input reads Windows event log channels and is only "
             "available in decoysvc.exe on Windows; here use \"xml\" (rendered events) or \"samba\"",
             in->conf->name);
    return -1;
}
