/* spool.h - the durable queue between the detector and the sinks: an append-only log of segment
 * files (dir/000001.log, ...) holding framed records, one alert document each, and one cursor file
 * per sink (dir/cursors/<sink>). Delivery is at-least-once per sink.
 *
 * Record frame: magic 0xAD 0xDE, payload length (u32 LE), CRC-32 of the payload (u32 LE), payload,
 * '\n'. After a crash spool_open() truncates a torn tail and copies corrupt records to
 * dir/quarantine/, skipping them; neither is fatal.
 *
 * Full policy: when an append would take the spool over max_bytes, spool_append() returns
 * SPOOL_FULL and stores nothing; the caller stops reading input (back-pressure) until delivery
 * frees segments. Nothing accepted is ever dropped.
 *
 * Storage failures (ENOSPC, EIO, EDQUOT, EROFS, ENOMEM, EMFILE...): a failed append or commit
 * throws the buffered records away and makes the spool refuse every append and commit until the
 * caller, having rewound its input to before those records, calls spool_discard_pending(): so no
 * input position can be made durable past a record that was lost. A record that cannot be read now
 * stays at the head of its sink's queue; a cursor that cannot be saved is advanced in memory and
 * saved again later.
 *
 * Threads: every function may be called from any thread (an internal mutex serialises them, never
 * held across anything but local file I/O; a cursor file is written and fsynced outside it): the
 * detector appends and commits while each sink's delivery thread reads and acknowledges from its
 * own cursor. spool_open(), spool_register_sink() and spool_close() run with no other thread using
 * the spool. */
#ifndef ADDECOY_SVC_SPOOL_H
#define ADDECOY_SVC_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "svc/base/log.h"

enum { SPOOL_OK = 0, SPOOL_ERROR = -1, SPOOL_FULL = -2 };

#define SPOOL_MAX_RECORD (16u * 1024 * 1024) /* largest document accepted */

typedef struct spool spool;

/* Position of a record: segment number and byte offset in it. */
typedef struct spool_pos {
    uint32_t seg;
    uint64_t off;
} spool_pos;

/* Records returned by spool_read(); owned by the batch until spool_batch_free(). */
typedef struct spool_batch {
    size_t n;
    char **docs; /* NUL-terminated copies of the documents */
    size_t *lens;
    spool_pos *pos; /* position of each record */
    spool_pos end;  /* position after the last record */
} spool_batch;

/* Opens (creating with mode 0700) the spool in dir and recovers it. max_bytes bounds the total size
 * of the segment files (0 = 256 MiB). lg may be NULL. Returns NULL with a message in err. */
spool *spool_open(const char *dir, uint64_t max_bytes, const svc_logger *lg, char *err, size_t errlen);
void spool_close(spool *sp);

/* Buffers one document (not yet durable). Returns SPOOL_OK, SPOOL_FULL (nothing stored: stop
 * reading input and retry after delivery made room) or SPOOL_ERROR (len > SPOOL_MAX_RECORD, or a
 * storage failure: then spool_failed() is 1). */
int spool_append(spool *sp, const char *doc, size_t len, char *err, size_t errlen);
/* Writes the buffered documents and fsyncs. Only after SPOOL_OK may the caller advance its input
 * position. On SPOOL_ERROR the buffered documents are lost and spool_failed() is 1. */
int spool_commit(spool *sp, char *err, size_t errlen);
/* 1 after an append or commit lost buffered records: appends and commits are refused until
 * spool_discard_pending(). */
int spool_failed(const spool *sp);
/* Drops the buffered, uncommitted documents and ends the failed state: call it when the input has
 * gone back to a position before them (they will be appended again). */
void spool_discard_pending(spool *sp);

/* Declares a sink that reads from the spool; its cursor is loaded from dir/cursors (a new sink
 * starts at the oldest record). Only registered sinks hold segments. Register every sink before
 * a second thread uses the spool. */
int spool_register_sink(spool *sp, const char *sink, char *err, size_t errlen);

/* Reads up to max committed records after the sink's cursor. Returns the count (0 = nothing
 * pending) or -1 when the first one cannot be read now (spool_error() says why; retry later).
 * Records proven corrupt are copied to the quarantine, logged and skipped. */
int spool_read(spool *sp, const char *sink, size_t max, spool_batch *out);
void spool_batch_free(spool_batch *b);
/* Durably advances the sink's cursor past the first count records of the batch (count > b->n
 * means all), then deletes the segments every registered sink has passed. 0; 1 when the cursor
 * could not be saved (advanced in memory only: spool_error() says why, spool_save_cursors()
 * retries; a crash before that delivers those records again); -1 for an unknown sink. */
int spool_ack_n(spool *sp, const char *sink, const spool_batch *b, size_t count);
int spool_ack(spool *sp, const char *sink, const spool_batch *b);
/* Saves the cursors that could not be saved. 0, or -1 with the first failure in err. */
int spool_save_cursors(spool *sp, char *err, size_t errlen);
int spool_cursors_unsaved(const spool *sp);
/* The last read or cursor error of any sink: for single-threaded use (tests). */
const char *spool_error(const spool *sp);
/* A copy of the sink's own last read or cursor error (what a failed spool_read() or an
 * spool_ack_n() returning 1 means for that sink): safe while other threads use the spool. */
void spool_sink_error(spool *sp, const char *sink, char *buf, size_t len);
/* dir/<name><ext> with anything in name but [A-Za-z0-9_.-] (or a leading '.') as %XX: a file name
 * for a sink (cursor, quarantine file) that no sink name can turn into another path. */
void spool_file_name(const char *dir, const char *name, const char *ext, char *buf, size_t len);
/* The spool's directory. */
const char *spool_dir(const spool *sp);

/* Committed records the sink has not acknowledged yet (-1: unknown sink). */
int64_t spool_pending(spool *sp, const char *sink);
/* Bytes used by segment files. */
uint64_t spool_bytes(const spool *sp);
/* spool_bytes plus what was appended and not yet committed: what the full policy counts. */
uint64_t spool_used(const spool *sp);

#endif
