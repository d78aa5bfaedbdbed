/* spool.c - the durable alert queue (see spool.h): buffered appends made durable by
 * spool_commit(), per-sink cursors persisted atomically, reading and acknowledging batches, and
 * deleting segments once every registered sink has passed them. Recovery: spool_recover.c. */
#include "svc/spool/spool_int.h"
#include "svc/base/crypto.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPOOL_DEFAULT_MAX (256ull * 1024 * 1024)

spool *spool_open(const char *dir, uint64_t max_bytes, const svc_logger *lg, char *err, size_t errlen)
{
    spool *sp = calloc(1, sizeof *sp);
    char path[4096];

    if (!sp || !(sp->dir = strdup(dir))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    sp->wfd = -1;
    sp->lg = lg;
    if (!(sp->mu = svc_mutex_new())) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    sp->max_bytes = max_bytes ? max_bytes : SPOOL_DEFAULT_MAX;
    sp->seg_max = sp->max_bytes / 8;
    if (sp->seg_max < 64 * 1024)
        sp->seg_max = 64 * 1024;
    if (sp->seg_max > 16 * 1024 * 1024)
        sp->seg_max = 16 * 1024 * 1024;
    snprintf(path, sizeof path, "%s/cursors", dir);
    if (fs_mkdir(dir) < 0 || fs_mkdir(path) < 0) {
        snprintf(err, errlen, "%s: cannot create spool directory: %s", dir, strerror(errno));
        goto fail;
    }
    if (spool_recover(sp, err, errlen) < 0)
        goto fail;
    svc_log(lg, SVC_LOG_INFO, "spool %s: %llu records in %llu segments (%" PRIu64 " bytes, limit %" PRIu64 ")",
            dir, (unsigned long long)sp->nrec, (unsigned long long)sp->nseg, spool_bytes(sp), sp->max_bytes);
    return sp;
fail:
    spool_close(sp);
    return NULL;
}

void spool_close(spool *sp)
{
    if (!sp)
        return;
    if (sp->wfd >= 0)
        fs_close(sp->wfd);
    for (size_t i = 0; i < sp->ncur; i++) {
        free(sp->cur[i].name);
        svc_mutex_free(sp->cur[i].save);
    }
    free(sp->cur);
    free(sp->segs);
    free(sp->recs);
    free(sp->pending_lens);
    strbuf_free(&sp->pending);
    free(sp->dir);
    svc_mutex_free(sp->mu);
    free(sp);
}

static uint64_t bytes_locked(const spool *sp)
{
    uint64_t n = 0;
    for (size_t i = 0; i < sp->nseg; i++)
        n += sp->segs[i].size;
    return n;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

static uint64_t used_locked(const spool *sp) { return bytes_locked(sp) + sp->pending.len; }

/* Segment bytes, plus the pending ones when with_pending, read under the spool's mutex. */
static uint64_t size_of(const spool *sp, int with_pending)
{
    uint64_t n;
    svc_mutex_lock(sp->mu);
    n = with_pending ? used_locked(sp) : bytes_locked(sp);
    svc_mutex_unlock(sp->mu);
    return n;
}

uint64_t spool_bytes(const spool *sp) { return size_of(sp, 0); }

uint64_t spool_used(const spool *sp) { return size_of(sp, 1); }

/* A failure that cost buffered records: sticky until spool_discard_pending(), so that nothing can be
 * committed (and no input position checkpointed) past the records that were thrown away. */
static int fail_sticky(spool *sp, char *err, size_t errlen, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, sp->dir, what);
    snprintf(sp->failure, sizeof sp->failure, "%s", err);
    sp->failed = 1;
    sp->pending.len = 0;
    sp->npending = 0;
    return SPOOL_ERROR;
}

static int refuse_while_failed(spool *sp, char *err, size_t errlen)
{
    snprintf(err, errlen, "spool %s: an earlier write failed (%s): rewind to the checkpoint first", sp->dir,
             sp->failure);
    return SPOOL_ERROR;
}

static int append_locked(spool *sp, const char *doc, size_t len, char *err, size_t errlen)
{
    unsigned char hdr[SPOOL_HDR] = {0xAD, 0xDE};

    if (sp->failed)
        return refuse_while_failed(sp, err, errlen);
    if (len > SPOOL_MAX_RECORD || SPOOL_FRAME(len) > sp->max_bytes) {
        snprintf(err, errlen, "document of %zu bytes is larger than the spool accepts", len);
        return SPOOL_ERROR;
    }
    if (used_locked(sp) + SPOOL_FRAME(len) > sp->max_bytes) {
        snprintf(err, errlen, "spool %s is full (%" PRIu64 " bytes): waiting for delivery", sp->dir,
                 sp->max_bytes);
        return SPOOL_FULL;
    }
    if (sp->npending == sp->cappending) {
        size_t cap = sp->cappending ? sp->cappending * 2 : 64;
        uint32_t *p = realloc(sp->pending_lens, cap * sizeof *p);
        if (!p)
            return fail_sticky(sp, err, errlen, "spool %s: %s", "out of memory buffering a record");
        sp->pending_lens = p, sp->cappending = cap;
    }
    put_u32(hdr + 2, (uint32_t)len);
    put_u32(hdr + 6, crypto_crc32(0, doc, len));
    strbuf_append(&sp->pending, (const char *)hdr, sizeof hdr);
    strbuf_append(&sp->pending, doc, len);
    strbuf_append(&sp->pending, "\n", 1);
    if (sp->pending.failed) {
        strbuf_free(&sp->pending);
        return fail_sticky(sp, err, errlen, "spool %s: %s", "out of memory buffering a record");
    }
    sp->pending_lens[sp->npending++] = (uint32_t)len;
    return SPOOL_OK;
}

int spool_append(spool *sp, const char *doc, size_t len, char *err, size_t errlen)
{
    int rc;
    svc_mutex_lock(sp->mu);
    rc = append_locked(sp, doc, len, err, errlen);
    svc_mutex_unlock(sp->mu);
    return rc;
}

int spool_failed(const spool *sp)
{
    int failed;
    svc_mutex_lock(sp->mu);
    failed = sp->failed;
    svc_mutex_unlock(sp->mu);
    return failed;
}

void spool_discard_pending(spool *sp)
{
    svc_mutex_lock(sp->mu);
    sp->pending.len = 0;
    sp->npending = 0;
    sp->failed = 0;
    sp->failure[0] = '\0';
    spool_collect(sp);
    svc_mutex_unlock(sp->mu);
}

/* Takes back the tail a failed write left in the last segment (the truncate right after the
 * failure failed too), before anything else is written. */
static int take_back_torn_tail(spool *sp, char *err, size_t errlen)
{
    spool_seg *last = &sp->segs[sp->nseg - 1];
    char path[4096];

    spool_seg_path(sp, last->id, path, sizeof path);
    if (sp->wfd < 0 && (sp->wfd = fs_open_append(path, 0)) < 0) {
        snprintf(err, errlen, "%.400s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fs_truncate(sp->wfd, last->size) < 0 || fs_fsync(sp->wfd) < 0) {
        snprintf(err, errlen, "%.400s: cannot take back a failed write: %s", path, strerror(errno));
        return -1;
    }
    sp->torn_tail = 0;
    return 0;
}

/* Makes sure the last segment is open for appending, starting a new one when it is full. */
static int open_active(spool *sp, char *err, size_t errlen)
{
    char path[4096];
    spool_seg *last = sp->nseg ? &sp->segs[sp->nseg - 1] : NULL;

    if (sp->torn_tail && last && take_back_torn_tail(sp, err, errlen) < 0)
        return -1;
    if (last && last->size < sp->seg_max && last->id == sp->next_seg - 1) {
        spool_seg_path(sp, last->id, path, sizeof path);
        if (sp->wfd < 0 && (sp->wfd = fs_open_append(path, 0)) < 0) {
            snprintf(err, errlen, "%.400s: cannot open: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (sp->wfd >= 0)
        fs_close(sp->wfd);
    sp->wfd = -1;
    spool_seg_path(sp, sp->next_seg, path, sizeof path);
    if ((sp->wfd = fs_open_append(path, 1)) < 0 || fs_fsync_dir(sp->dir) < 0 ||
        spool_add_seg(sp, sp->next_seg, 0) < 0) {
        snprintf(err, errlen, "%.400s: cannot create spool segment: %s", path, strerror(errno));
        if (sp->wfd >= 0)
            fs_close(sp->wfd);
        sp->wfd = -1; /* never keep a descriptor the index does not describe */
        return -1;
    }
    sp->next_seg++;
    return 0;
}

static int commit_locked(spool *sp, char *err, size_t errlen)
{
    spool_seg *seg;
    uint64_t off;
    char msg[512];

    if (sp->failed)
        return refuse_while_failed(sp, err, errlen);
    if (sp->npending == 0)
        return SPOOL_OK;
    if (spool_reserve_recs(sp, sp->npending) < 0)
        return fail_sticky(sp, err, errlen, "spool %s: %s", "out of memory indexing the spool");
    if (open_active(sp, msg, sizeof msg) < 0)
        return fail_sticky(sp, err, errlen, "spool %s: %s", msg);
    seg = &sp->segs[sp->nseg - 1];
    if (fs_write_all(sp->wfd, sp->pending.data, sp->pending.len) < 0 || fs_fsync(sp->wfd) < 0) {
        snprintf(msg, sizeof msg, "write failed: %s", strerror(errno));
        /* take back the partial write so that the segment stays well-formed; if that fails too, the
         * next commit takes it back before writing anything */
        if (fs_truncate(sp->wfd, seg->size) < 0)
            sp->torn_tail = 1;
        return fail_sticky(sp, err, errlen, "spool %s: %s", msg);
    }
    off = seg->size;
    for (size_t i = 0; i < sp->npending; i++) {
        spool_add_rec(sp, seg->id, off, sp->pending_lens[i]); /* cannot fail: reserved above */
        off += SPOOL_FRAME(sp->pending_lens[i]);
    }
    seg->size = off;
    sp->pending.len = 0;
    sp->npending = 0;
    return SPOOL_OK;
}

int spool_commit(spool *sp, char *err, size_t errlen)
{
    int rc;
    svc_mutex_lock(sp->mu);
    rc = commit_locked(sp, err, errlen);
    if (rc == SPOOL_OK)
        spool_collect(sp); /* the sinks may have passed segments while appends were pending */
    svc_mutex_unlock(sp->mu);
    return rc;
}

const char *spool_dir(const spool *sp) { return sp->dir; }
