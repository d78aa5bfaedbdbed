/* hunt_trace.h - what reading one file yields to `decoysvc hunt`, kept compact so that `hunt -j`
 * can read files on worker threads and replay them on the main thread in file order: the moves
 * of the throttle's clock (event times), the spraying tracker's inputs, the detections (matched
 * with 0 spraying accounts; the replay sets the number) and the warnings, in the order they
 * happened, plus the file's counters. A record that concerns nothing costs at most a clock move
 * (1-3 bytes); only detections and failed logons (the spraying tracker's input) take more. */
#ifndef ADDECOY_SVC_HUNT_TRACE_H
#define ADDECOY_SVC_HUNT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "svc/base/log.h"
#include "svc/detect/detector.h"
#include "svc/hunt_summary.h"

#define HUNT_TRACE_LOG_MAX (1024 * 1024) /* warning text kept per file; past it they are counted */

typedef struct hunt_trace {
    unsigned char *buf;
    size_t len, cap;
    int64_t last_clock; /* the encoder's last clock move */
    int has_clock;      /* one was stored */
    int oom;            /* a step could not be stored: the file is reported as failed */
    size_t log_bytes;
    uint64_t logs_dropped; /* warnings past HUNT_TRACE_LOG_MAX */
    /* the file's counters */
    int read_ok;
    uint64_t records, bad_chunks, events, prefiltered, seen;
    uint64_t skipped[HUNT_SKIP_REASONS];
} hunt_trace;

typedef enum hunt_step_kind {
    HUNT_STEP_END = 0,
    HUNT_STEP_CLOCK,
    HUNT_STEP_SPRAY,
    HUNT_STEP_DETECT,
    HUNT_STEP_LOG
} hunt_step_kind;

typedef struct hunt_step {
    hunt_step_kind kind;
    int64_t clock;       /* CLOCK: the new clock */
    detect_spray spray;  /* SPRAY (its time_ms is the clock of its file at that point) */
    int spray_applies;   /* DETECT: the SPRAY just before came from the same event */
    detection det;       /* DETECT */
    svc_log_level level; /* LOG */
    const char *text;    /* LOG: points into the trace, NUL-terminated */
} hunt_step;

void hunt_trace_init(hunt_trace *t);
void hunt_trace_free(hunt_trace *t);
/* Appenders: the clock moves to ms (nothing stored when it does not move), a spraying input, a
 * detection, a warning (formatted by the caller; counted past HUNT_TRACE_LOG_MAX). */
void hunt_trace_clock(hunt_trace *t, int64_t ms);
void hunt_trace_spray(hunt_trace *t, const detect_spray *in);
void hunt_trace_detect(hunt_trace *t, const detection *d, int spray_applies);
void hunt_trace_log(hunt_trace *t, svc_log_level level, const char *text);

typedef struct hunt_trace_cursor {
    size_t pos;
    int64_t clock;
} hunt_trace_cursor; /* start at {0, 0} */

/* Reads the next step and advances c; HUNT_STEP_END at the end. */
hunt_step_kind hunt_trace_next(const hunt_trace *t, hunt_trace_cursor *c, hunt_step *out);

#endif
