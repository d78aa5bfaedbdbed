/* input.h - a configured event source inside decoysvc: reads what is new, feeds the pipeline,
 * and reports the position (checkpoint) up to which everything it read has been handled.
 * Implementations: input_xml.c (XML or JSON lines, file or stdin), input_samba.c (Samba logs),
 * input_eventlog_win.c (Windows channels). */
#ifndef ADDECOY_SVC_INPUT_H
#define ADDECOY_SVC_INPUT_H

#include <jansson.h>

#include "svc/config.h"
#include "svc/detect/pipeline.h"

typedef struct svc_input svc_input;

typedef struct svc_input_ops {
    /* Reads what is available (bounded work), feeds the pipeline. Returns bytes/events consumed
     * (0 = nothing new), -1 on an error it has logged (the daemon retries later). */
    long (*poll)(svc_input *in);
    /* The position to persist now: everything before it has reached the pipeline's emit. */
    json_t *(*checkpoint)(svc_input *in);
    /* Go back to the last checkpoint (after the spool refused an alert). */
    void (*rewind)(svc_input *in, const json_t *checkpoint);
    /* 1 when the source has ended for good (standard input closed). */
    int (*finished)(svc_input *in);
    void (*free)(svc_input *in);
} svc_input_ops;

struct svc_input {
    const svc_input_ops *ops;
    const svc_input_conf *conf;
    pipeline *pipe;
    const svc_logger *lg;
    void *impl;
    char lost[512]; /* why the source is unreadable (file, subscription), "" while it is fine */
};

/* Opens the input described by conf, resuming at 'checkpoint' (NULL: start per conf->start). */
svc_input *svc_input_open(const svc_input_conf *conf, const json_t *checkpoint, pipeline *pipe,
                          const svc_logger *lg, char *err, size_t errlen);
void svc_input_close(svc_input *in);

/* Implementation constructors (fill in->ops and in->impl). */
int input_xml_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen);
int input_samba_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen);
int input_eventlog_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen);

/* Shared by the file-based inputs: the checkpoint of one followed file. */
json_t *input_file_checkpoint(const char *identity, uint64_t offset);
/* Follows path from the checkpoint cp (NULL: from the start or the end per start); a checkpoint
 * of another file (rotated while decoysvc was stopped) starts the new file from its beginning. */
evtx_follow *input_file_follow(const json_t *cp, const char *path, svc_input_start start,
                               const svc_logger *lg, char *err, size_t errlen);

#endif
