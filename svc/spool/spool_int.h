/* spool_int.h - the spool's private state, shared by spool.c (append/read/ack) and
 * spool_recover.c (segment scanning, crash recovery and quarantine). */
#ifndef ADDECOY_SVC_SPOOL_INT_H
#define ADDECOY_SVC_SPOOL_INT_H

#include "svc/base/thread.h"
#include "svc/sink/escape.h"
#include "svc/spool/spool.h"

#define SPOOL_HDR 10u /* magic(2) + length(4) + crc(4) */
#define SPOOL_FRAME(len) ((uint64_t)SPOOL_HDR + (len) + 1u)

typedef struct spool_seg {
    uint32_t id;
    uint64_t size;
} spool_seg;

typedef struct spool_rec {
    uint32_t seg;
    uint32_t len;
    uint64_t off;
} spool_rec;

typedef struct spool_cursor {
    char *name;
    size_t idx;      /* index in recs of the next record to deliver */
    int unsaved;     /* idx is ahead of the cursor file (saving it failed): spool_save_cursors() retries */
    char error[512]; /* this sink's last read or cursor error, for spool_sink_error() */
    svc_mutex *save; /* one writer of the cursor file at a time; taken before mu */
} spool_cursor;

/* Thread safety: every public function takes mu (the detector thread appends and commits while the
 * sinks' delivery threads read and acknowledge); the functions below expect it held, or run before
 * any other thread exists (spool_open). An acknowledgment writes and fsyncs its cursor file with only
 * that cursor's save mutex held (order: save, then mu). The cursor table (names, save mutexes) is
 * fixed once the sinks are registered, before any thread uses the spool, so finding a cursor needs
 * no lock. */
struct spool {
    svc_mutex *mu;
    char *dir;
    uint64_t max_bytes, seg_max;
    const svc_logger *lg;
    spool_seg *segs;
    size_t nseg, capseg;
    spool_rec *recs;
    size_t nrec, caprec;
    spool_cursor *cur;
    size_t ncur;
    uint32_t next_seg; /* id of the next segment to create */
    int wfd;           /* open append descriptor of the last segment, or -1 */
    strbuf pending;    /* framed, uncommitted records */
    uint32_t *pending_lens;
    size_t npending, cappending;
    int failed;        /* an append or commit lost buffered records: see spool_failed() */
    int torn_tail;     /* a failed write could not be taken back yet */
    char failure[512]; /* why failed is set */
    char error[512];   /* the last read or cursor error, for spool_error() */
};

/* dir/NNNNNN.log into buf. */
void spool_seg_path(const spool *sp, uint32_t id, char *buf, size_t len);
int spool_add_seg(spool *sp, uint32_t id, uint64_t size);
int spool_add_rec(spool *sp, uint32_t seg, uint64_t off, uint32_t len);
/* Room for n more records in recs, so that indexing a commit cannot fail after the write. */
int spool_reserve_recs(spool *sp, size_t n);
/* The cursor of a registered sink, or NULL. */
spool_cursor *spool_find_cursor(spool *sp, const char *sink);
/* Index in recs of the first record at or after p. */
size_t spool_index_of(const spool *sp, spool_pos p);
/* Frame checks: a complete, valid record starts at p in buf (size bytes)? Returns its payload
 * length, or -1. */
int64_t spool_valid_at(const unsigned char *buf, uint64_t size, uint64_t p);
/* Deletes the segments that every registered sink has passed (not while appends are pending). */
void spool_collect(spool *sp);
/* spool_ack_n with mu held (spool_read steps over quarantined records with it). */
int spool_ack_n_locked(spool *sp, const char *sink, const spool_batch *b, size_t count);
/* Lists and scans every segment in sp->dir, filling segs and recs; recovers torn tails and
 * quarantines corrupt records. 0 or -1 with err. */
int spool_recover(spool *sp, char *err, size_t errlen);
/* Writes bytes to dir/quarantine/<tag>.bad and the reason to <tag>.txt. 0 or -1. */
int spool_quarantine_bytes(spool *sp, const char *tag, const void *data, size_t len, const char *reason);

#endif
