/* hunt_read.h - reads one `decoysvc hunt` input file (binary .evtx, rendered XML or JSON lines)
 * into a hunt_trace: parsing, the prefilter and decoy matching, the CPU work that `hunt -j` runs
 * on several threads at once. Touches nothing shared but read-only state (the decoy index), so
 * any number of readers may run at once, each with its own detector. */
#ifndef ADDECOY_SVC_HUNT_READ_H
#define ADDECOY_SVC_HUNT_READ_H

#include <stdint.h>

#include "svc/detect/pipeline.h"
#include "svc/hunt.h"
#include "svc/hunt_trace.h"

typedef struct hunt_reader {
    const hunt_opts *o;
    const pipeline *pipe;  /* its index and wanted event IDs, read only */
    detector *det;         /* this reader's own (matching only) */
    svc_log_level log_min; /* warnings above this level are not kept */
    /* optional: called with the records seen since the last call, every 1,024 records */
    void (*progress)(void *ctx, uint64_t records);
    void *progress_ctx;
} hunt_reader;

/* Reads path into t (initialised by the caller). A file that cannot be read is not an error
 * here: t->read_ok is 0 and the reason is its last ERR step. */
void hunt_read_file(const hunt_reader *r, const char *path, hunt_trace *t);

#endif
