/* hunt.h - `decoysvc hunt`: offline scan of exported logs with the daemon's detector. */
#ifndef ADDECOY_SVC_HUNT_H
#define ADDECOY_SVC_HUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "svc/base/log.h"

typedef enum hunt_format { HUNT_JSONL = 0, HUNT_TABLE } hunt_format;

typedef enum hunt_input {
    HUNT_INPUT_BY_NAME = 0, /* .json/.jsonl/.ndjson: JSON lines; .evtx content: binary; else XML */
    HUNT_INPUT_XML,
    HUNT_INPUT_EVTX,
    HUNT_INPUT_JSON
} hunt_input;

typedef struct hunt_opts {
    const char *inventory;
    hunt_format format;
    int64_t window_ms;
    char *const *paths; /* files, "-" (stdin) or directories (searched recursively) */
    size_t npaths;
    hunt_input input;         /* --input-format */
    int quiet;                /* no per-record warnings: they are only counted in the summary */
    int summary_json;         /* the closing summary as one JSON object instead of text */
    const char *summary_file; /* write the summary there instead of stderr (NULL: stderr) */
    int progress;             /* progress line: 0 when stderr is a terminal and after 1 s, 1 always
                                (from the start), -1 never */
    int jobs;                 /* files read at once, on that many threads (0: svc_cpu_count()); the
                                output is the same whatever the number */
    FILE *out;                /* alerts (NULL: stdout) */
} hunt_opts;

/* Returns 0 (no decoy touched), 1 (at least one alert) or 2 (error, or nothing to read). Alerts go
 * to stdout; warnings, the progress line and the summary to stderr. */
int svc_hunt(const hunt_opts *o, const svc_logger *lg);

#endif
