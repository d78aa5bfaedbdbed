/* hunt.h - `decoysvc hunt`: offline scan of exported logs with the daemon's detector. */
#ifndef ADDECOY_SVC_HUNT_H
#define ADDECOY_SVC_HUNT_H

#include <stddef.h>
#include <stdint.h>

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
    char *const *paths;
    size_t npaths;
    hunt_input input;   /* --input-format */
} hunt_opts;

/* Returns 0 (no decoy touched), 1 (at least one alert) or 2 (error). */
int svc_hunt(const hunt_opts *o, const svc_logger *lg);

#endif
