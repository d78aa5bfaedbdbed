/* input.c - opens the configured event source of the right type, and the checkpoint helpers
 * shared by the file-based sources. */
#include "svc/input/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

svc_input *svc_input_open(const svc_input_conf *conf, const json_t *checkpoint, pipeline *pipe,
                          const svc_logger *lg, char *err, size_t errlen)
{
    svc_input *in = calloc(1, sizeof *in);
    int rc = -1;

    if (!in) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    in->conf = conf;
    in->pipe = pipe;
    in->lg = lg;
    switch (conf->type) {
    case SVC_INPUT_XML:
    case SVC_INPUT_JSON: rc = input_xml_open(in, checkpoint, err, errlen); break;
    case SVC_INPUT_SAMBA: rc = input_samba_open(in, checkpoint, err, errlen); break;
    case SVC_INPUT_EVENTLOG: rc = input_eventlog_open(in, checkpoint, err, errlen); break;
    }
    if (rc) {
        free(in);
        return NULL;
    }
    return in;
}

void svc_input_close(svc_input *in)
{
    if (!in)
        return;
    if (in->ops && in->ops->free)
        in->ops->free(in);
    free(in);
}

json_t *input_file_checkpoint(const char *identity, uint64_t offset)
{
    return json_pack("{s:s, s:I}", "file", identity ? identity : "", "offset", (json_int_t)offset);
}

/* Offset to resume at: the checkpoint's when it has one, else 0 or the end per start. */
static uint64_t input_file_resume(const json_t *cp, const char *path, svc_input_start start, const svc_logger *lg)
{
    json_t *off = cp ? json_object_get(cp, "offset") : NULL;

    if (json_is_integer(off) && json_integer_value(off) >= 0) {
        svc_log(lg, SVC_LOG_INFO, "%s: resuming at byte %lld", path, (long long)json_integer_value(off));
        return (uint64_t)json_integer_value(off);
    }
    return start == SVC_START_END ? EVTX_FOLLOW_END : 0;
}

evtx_follow *input_file_follow(const json_t *cp, const char *path, svc_input_start start,
                               const svc_logger *lg, char *err, size_t errlen)
{
    uint64_t off = input_file_resume(cp, path, start, lg);
    const char *want = cp ? json_string_value(json_object_get(cp, "file")) : NULL;
    evtx_follow *f = evtx_follow_open(path, off, err, errlen);

    if (f && want && *want && off && strcmp(want, evtx_follow_identity(f)) != 0) {
        svc_log(lg, SVC_LOG_WARN,
                "%s: the file was replaced since the checkpoint: reading the new file from its start", path);
        evtx_follow_close(f);
        f = evtx_follow_open(path, 0, err, errlen);
    }
    return f;
}
