/* spool_read.c - reading a sink's next records from the spool (see spool.h). A record that cannot
 * be read now (open or read fails: EMFILE, EACCES, ENOMEM, EIO...) stays at the head of the sink's
 * queue and the read fails, to be retried; only a record proven corrupt (bad magic, impossible
 * length, bad CRC, cut short by the end of its segment) is copied to the quarantine, with its
 * reason logged, and skipped. Nothing leaves the spool any other way. */
#include "svc/spool/spool_int.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { REC_OK, REC_RETRY, REC_CORRUPT } rec_status;

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Why a frame read from disk is not the record the index describes, or NULL when it is. */
static const char *frame_problem(const unsigned char *buf, uint32_t len)
{
    if (buf[0] != 0xAD || buf[1] != 0xDE)
        return "bad magic";
    if (get_u32(buf + 2) != len)
        return "impossible length (the length field does not match the indexed record)";
    if (buf[SPOOL_HDR + len] != '\n')
        return "missing record terminator";
    if (spool_valid_at(buf, SPOOL_FRAME(len), 0) != (int64_t)len)
        return "bad CRC";
    return NULL;
}

/* Copies a corrupt record to the quarantine. 0 when it is safely there (it may then be skipped). */
static int quarantine_corrupt(spool *sp, const spool_rec *r, const void *data, size_t len, const char *why)
{
    char tag[64], reason[256];

    snprintf(tag, sizeof tag, "%06lu-%llu", (unsigned long)r->seg, (unsigned long long)r->off);
    snprintf(reason, sizeof reason, "corrupt spool record: segment %06lu offset %llu: %s",
             (unsigned long)r->seg, (unsigned long long)r->off, why);
    if (spool_quarantine_bytes(sp, tag, data, len, reason) < 0) {
        snprintf(sp->error, sizeof sp->error, "%s; cannot copy it to the quarantine (%s): kept, retrying",
                 reason, strerror(errno));
        return -1;
    }
    svc_log(sp->lg, SVC_LOG_ERR, "spool: %s: copied to quarantine/%s.bad and skipped", reason, tag);
    return 0;
}

static rec_status read_record(spool *sp, const spool_rec *r, int *fd, uint32_t *fdseg, char **out)
{
    char path[4096];
    unsigned char *buf = NULL;
    const char *why;
    int rc;

    *out = NULL;
    spool_seg_path(sp, r->seg, path, sizeof path);
    if (*fd < 0 || *fdseg != r->seg) {
        if (*fd >= 0)
            fs_close(*fd);
        *fdseg = r->seg;
        if ((*fd = fs_open_read(path)) < 0) {
            snprintf(sp->error, sizeof sp->error, "%.400s: cannot open: %s", path, strerror(errno));
            return REC_RETRY;
        }
    }
    if (!(buf = malloc(SPOOL_FRAME(r->len)))) {
        snprintf(sp->error, sizeof sp->error, "out of memory reading %.400s", path);
        return REC_RETRY;
    }
    rc = fs_pread_all(*fd, buf, SPOOL_FRAME(r->len), r->off);
    if (rc == FS_SHORT) {
        free(buf);
        return quarantine_corrupt(sp, r, "", 0, "cut short by the end of the segment") < 0 ? REC_RETRY
                                                                                           : REC_CORRUPT;
    }
    if (rc < 0) {
        snprintf(sp->error, sizeof sp->error, "%.400s: cannot read offset %llu: %s", path,
                 (unsigned long long)r->off, strerror(errno));
        free(buf);
        return REC_RETRY;
    }
    if ((why = frame_problem(buf, r->len)) != NULL) {
        rc = quarantine_corrupt(sp, r, buf, SPOOL_FRAME(r->len), why);
        free(buf);
        return rc < 0 ? REC_RETRY : REC_CORRUPT;
    }
    memmove(buf, buf + SPOOL_HDR, r->len);
    buf[r->len] = '\0';
    *out = (char *)buf;
    return REC_OK;
}

void spool_batch_free(spool_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->docs[i]);
    free(b->docs);
    free(b->lens);
    free(b->pos);
    memset(b, 0, sizeof *b);
}

static int read_locked(spool *sp, const char *sink, size_t max, spool_batch *out)
{
    spool_cursor *c = spool_find_cursor(sp, sink);
    size_t i, avail;
    int fd = -1, stuck = 0;
    uint32_t fdseg = 0;

    memset(out, 0, sizeof *out);
    if (!c) {
        snprintf(sp->error, sizeof sp->error, "sink %s is not registered with the spool", sink);
        return -1;
    }
    avail = sp->nrec - c->idx;
    if (max > avail)
        max = avail;
    if (max == 0)
        return 0;
    out->docs = calloc(max, sizeof *out->docs);
    out->lens = calloc(max, sizeof *out->lens);
    out->pos = calloc(max, sizeof *out->pos);
    if (!out->docs || !out->lens || !out->pos) {
        spool_batch_free(out);
        snprintf(sp->error, sizeof sp->error, "out of memory reading the spool");
        return -1;
    }
    for (i = c->idx; i < c->idx + max; i++) {
        const spool_rec *r = &sp->recs[i];
        char *doc;
        rec_status st = read_record(sp, r, &fd, &fdseg, &doc);

        if (st == REC_RETRY) { /* this record and everything after it wait for the next read */
            stuck = 1;
            break;
        }
        out->end.seg = r->seg;
        out->end.off = r->off + SPOOL_FRAME(r->len);
        if (st == REC_CORRUPT)
            continue; /* quarantined: acknowledged along with the batch */
        out->docs[out->n] = doc;
        out->lens[out->n] = r->len;
        out->pos[out->n].seg = r->seg;
        out->pos[out->n].off = r->off;
        out->n++;
    }
    if (fd >= 0)
        fs_close(fd);
    if (out->n == 0) {
        int rc = out->end.seg ? spool_ack_n_locked(sp, sink, out, SIZE_MAX) : 0; /* step over the quarantined */
        spool_batch_free(out);
        if (stuck || rc < 0)
            return -1; /* the head record cannot be read now: sp->error says why */
        return read_locked(sp, sink, max, out);
    }
    return (int)out->n;
}

int spool_read(spool *sp, const char *sink, size_t max, spool_batch *out)
{
    spool_cursor *c = spool_find_cursor(sp, sink); /* the cursor table is fixed once threads run */
    int n;

    if (c) /* stepping over a quarantined record saves the cursor: one writer of its file at a time */
        svc_mutex_lock(c->save);
    svc_mutex_lock(sp->mu);
    n = read_locked(sp, sink, max, out);
    if (n < 0 && c)
        snprintf(c->error, sizeof c->error, "%s", sp->error);
    svc_mutex_unlock(sp->mu);
    if (c)
        svc_mutex_unlock(c->save);
    return n;
}
