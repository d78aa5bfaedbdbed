/* hunt_pool.h - `decoysvc hunt -j N`: reads the files on N threads (hunt_read.c) and hands their
 * traces back strictly in file order, so that the caller replays them into the one throttle and
 * prints exactly what a sequential hunt prints, whatever the threads' timing. Workers stay at most
 * 2N files ahead of the caller: memory is bounded by what that many files yield, not by the hunt. */
#ifndef ADDECOY_SVC_HUNT_POOL_H
#define ADDECOY_SVC_HUNT_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "svc/hunt_files.h"
#include "svc/hunt_read.h"

typedef struct hunt_pool hunt_pool;
/* Called while the caller waits (about 4 times a second, and every 1,024 records when reading
 * on the caller's thread) with the records seen so far in files not taken yet. */
typedef void (*hunt_pool_idle_fn)(void *ctx, uint64_t live_records);

/* jobs <= 1 starts no thread (hunt_pool_take reads the file itself). Each worker gets its own
 * detector over r->pipe's index. NULL with a message when out of memory; when fewer threads
 * start than asked, *started says how many (the rest of the work is done by those, or inline). */
hunt_pool *hunt_pool_start(const hunt_files *files, const hunt_reader *r, int jobs, int *started, char *err,
                           size_t errlen);
/* The trace of file i, to be called for i = 0, 1, ... in order; waits for it. The caller owns it
 * (hunt_trace_free, then free). NULL when out of memory. */
hunt_trace *hunt_pool_take(hunt_pool *p, size_t i, hunt_pool_idle_fn idle, void *ctx);
/* Stops the workers (files not taken yet are abandoned), joins them and frees everything. */
void hunt_pool_stop(hunt_pool *p);

#endif
