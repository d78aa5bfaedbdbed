/* spool.c - the durable alert queue (see spool.h): buffered appends made durable by
 * spool_commit(), per-sink cursors persisted atomically, reading and acknowledging batches, and
 * deleting segments once every registered sink has passed them. Recovery: spool_recover.c. */
#include "svc/spool/spool_int.h"
#include "svc/base/crypto.h"
#include "svc/spool/spool_fs.h"

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
    sp->max_bytes = max_bytes ? max_bytes : SPOOL_DEFAULT_MAX;
    sp->seg_max = sp->max_bytes / 8;
    if (sp->seg_max < 64 * 1024)
        sp->seg_max = 64 * 1024;
    if (sp->seg_max > 16 * 1024 * 1024)
        sp->seg_max = 16 * 1024 * 1024;
    snprintf(path, sizeof path, "%s/cursors", dir);
    if (spool_fs_mkdir(dir) < 0 || spool_fs_mkdir(path) < 0) {
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
        spool_fs_close(sp->wfd);
    for (size_t i = 0; i < sp->ncur; i++)
        free(sp->cur[i].name);
    free(sp->cur);
    free(sp->segs);
    free(sp->recs);
    free(sp->pending_lens);
    esc_buf_free(&sp->pending);
    free(sp->dir);
    free(sp);
}

uint64_t spool_bytes(const spool *sp)
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

uint64_t spool_used(const spool *sp)
{
    return spool_bytes(sp) + sp->pending.len;
}

int spool_append(spool *sp, const char *doc, size_t len, char *err, size_t errlen)
{
    unsigned char hdr[SPOOL_HDR] = {0xAD, 0xDE};

    if (len > SPOOL_MAX_RECORD || SPOOL_FRAME(len) > sp->max_bytes) {
        snprintf(err, errlen, "document of %zu bytes is larger than the spool accepts", len);
        return SPOOL_ERROR;
    }
    if (spool_used(sp) + SPOOL_FRAME(len) > sp->max_bytes) {
        snprintf(err, errlen, "spool %s is full (%" PRIu64 " bytes): waiting for delivery", sp->dir,
                 sp->max_bytes);
        return SPOOL_FULL;
    }
    if (sp->npending == sp->cappending) {
        size_t cap = sp->cappending ? sp->cappending * 2 : 64;
        uint32_t *p = realloc(sp->pending_lens, cap * sizeof *p);
        if (!p)
            goto oom;
        sp->pending_lens = p, sp->cappending = cap;
    }
    put_u32(hdr + 2, (uint32_t)len);
    put_u32(hdr + 6, crypto_crc32(0, doc, len));
    esc_buf_append(&sp->pending, (const char *)hdr, sizeof hdr);
    esc_buf_append(&sp->pending, doc, len);
    esc_buf_append(&sp->pending, "\n", 1);
    if (sp->pending.oom)
        goto oom;
    sp->pending_lens[sp->npending++] = (uint32_t)len;
    return SPOOL_OK;
oom:
    snprintf(err, errlen, "out of memory buffering a spool record");
    esc_buf_free(&sp->pending);
    sp->npending = 0;
    return SPOOL_ERROR;
}

/* Makes sure the last segment is open for appending, starting a new one when it is full. */
static int open_active(spool *sp, char *err, size_t errlen)
{
    char path[4096];
    spool_seg *last = sp->nseg ? &sp->segs[sp->nseg - 1] : NULL;

    if (last && last->size < sp->seg_max && last->id == sp->next_seg - 1) {
        if (sp->wfd >= 0)
            return 0;
        spool_seg_path(sp, last->id, path, sizeof path);
        if ((sp->wfd = spool_fs_open_append(path, 0)) >= 0)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (sp->wfd >= 0)
        spool_fs_close(sp->wfd);
    spool_seg_path(sp, sp->next_seg, path, sizeof path);
    sp->wfd = spool_fs_open_append(path, 1);
    if (sp->wfd < 0 || spool_fs_fsync_dir(sp->dir) < 0 || spool_add_seg(sp, sp->next_seg, 0) < 0) {
        snprintf(err, errlen, "%s: cannot create spool segment: %s", path, strerror(errno));
        return -1;
    }
    sp->next_seg++;
    return 0;
}

int spool_commit(spool *sp, char *err, size_t errlen)
{
    spool_seg *seg;
    uint64_t off;
    int rc = SPOOL_ERROR;

    if (sp->npending == 0)
        return SPOOL_OK;
    if (open_active(sp, err, errlen) < 0)
        goto out;
    seg = &sp->segs[sp->nseg - 1];
    if (spool_fs_write_all(sp->wfd, sp->pending.data, sp->pending.len) < 0 || spool_fs_fsync(sp->wfd) < 0) {
        snprintf(err, errlen, "spool %s: write failed: %s", sp->dir, strerror(errno));
        /* take back the partial write so that the segment stays well-formed */
        if (spool_fs_truncate(sp->wfd, seg->size) < 0)
            svc_log(sp->lg, SVC_LOG_ERR, "spool %s: cannot truncate after failed write", sp->dir);
        goto out;
    }
    off = seg->size;
    for (size_t i = 0; i < sp->npending; i++) {
        if (spool_add_rec(sp, seg->id, off, sp->pending_lens[i]) < 0) {
            snprintf(err, errlen, "out of memory indexing the spool");
            goto out; /* durable anyway; found again on the next open */
        }
        off += SPOOL_FRAME(sp->pending_lens[i]);
    }
    seg->size = off;
    rc = SPOOL_OK;
out:
    sp->pending.len = 0;
    sp->npending = 0;
    return rc;
}

/* Cursor file name: the sink name with anything but [A-Za-z0-9_.-] as %XX. */
static void cursor_path(const spool *sp, const char *sink, const char *ext, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "%s/cursors/", sp->dir);
    for (const unsigned char *p = (const unsigned char *)sink; *p && o + 8 < len; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '_' || *p == '-' || (*p == '.' && p != (const unsigned char *)sink))
            buf[o++] = (char)*p;
        else
            o += (size_t)snprintf(buf + o, len - o, "%%%02X", *p);
    }
    snprintf(buf + o, len - o, "%s", ext);
}

static spool_cursor *find_cursor(spool *sp, const char *sink)
{
    for (size_t i = 0; i < sp->ncur; i++)
        if (strcmp(sp->cur[i].name, sink) == 0)
            return &sp->cur[i];
    return NULL;
}

static int pos_cmp(uint32_t seg, uint64_t off, spool_pos p)
{
    return seg != p.seg ? (seg < p.seg ? -1 : 1) : off != p.off ? (off < p.off ? -1 : 1) : 0;
}

/* Index of the first record at or after p. */
static size_t index_of(const spool *sp, spool_pos p)
{
    size_t lo = 0, hi = sp->nrec;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pos_cmp(sp->recs[mid].seg, sp->recs[mid].off, p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int spool_register_sink(spool *sp, const char *sink, char *err, size_t errlen)
{
    char path[4096];
    spool_cursor *c;
    unsigned long seg = 0;
    unsigned long long off = 0;
    FILE *f;

    if (find_cursor(sp, sink))
        return 0;
    c = realloc(sp->cur, (sp->ncur + 1) * sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sp->cur = c;
    c = &sp->cur[sp->ncur];
    if (!(c->name = strdup(sink))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->idx = 0;
    cursor_path(sp, sink, ".cur", path, sizeof path);
    if ((f = fopen(path, "rb")) != NULL) {
        if (fscanf(f, "%lu %llu", &seg, &off) == 2) {
            spool_pos p = {(uint32_t)seg, off};
            c->idx = index_of(sp, p);
        } else {
            svc_log(sp->lg, SVC_LOG_WARN, "spool: cursor of sink %s unreadable: starting at the oldest record", sink);
        }
        fclose(f);
    }
    sp->ncur++;
    return 0;
}

int64_t spool_pending(spool *sp, const char *sink)
{
    spool_cursor *c = find_cursor(sp, sink);
    return c ? (int64_t)(sp->nrec - c->idx) : -1;
}

static char *read_record(spool *sp, const spool_rec *r, int *fd, uint32_t *fdseg)
{
    char path[4096], tag[64];
    unsigned char *buf = NULL;

    if (*fd < 0 || *fdseg != r->seg) {
        if (*fd >= 0)
            spool_fs_close(*fd);
        spool_seg_path(sp, r->seg, path, sizeof path);
        *fdseg = r->seg;
        if ((*fd = spool_fs_open_read(path)) < 0)
            return NULL;
    }
    if (!(buf = malloc(SPOOL_FRAME(r->len))) || spool_fs_pread_all(*fd, buf, SPOOL_FRAME(r->len), r->off) < 0 ||
        spool_valid_at(buf, SPOOL_FRAME(r->len), 0) != (int64_t)r->len) {
        if (buf) {
            snprintf(tag, sizeof tag, "%06lu-%llu", (unsigned long)r->seg, (unsigned long long)r->off);
            spool_quarantine_bytes(sp, tag, buf, SPOOL_FRAME(r->len), "spool record unreadable or corrupted on disk");
            svc_log(sp->lg, SVC_LOG_ERR, "spool: record %s unreadable or corrupt: quarantined and skipped", tag);
        }
        free(buf);
        return NULL;
    }
    memmove(buf, buf + SPOOL_HDR, r->len);
    buf[r->len] = '\0';
    return (char *)buf;
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

int spool_read(spool *sp, const char *sink, size_t max, spool_batch *out)
{
    spool_cursor *c = find_cursor(sp, sink);
    size_t i, avail;
    int fd = -1;
    uint32_t fdseg = 0;

    memset(out, 0, sizeof *out);
    if (!c)
        return -1;
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
        return -1;
    }
    for (i = c->idx; i < c->idx + max; i++) {
        const spool_rec *r = &sp->recs[i];
        char *doc = read_record(sp, r, &fd, &fdseg);

        out->end.seg = r->seg;
        out->end.off = r->off + SPOOL_FRAME(r->len);
        if (!doc)
            continue; /* quarantined: acknowledged along with the batch */
        out->docs[out->n] = doc;
        out->lens[out->n] = r->len;
        out->pos[out->n].seg = r->seg;
        out->pos[out->n].off = r->off;
        out->n++;
    }
    if (fd >= 0)
        spool_fs_close(fd);
    if (out->n == 0) { /* only corrupt records: step over them */
        int rc = spool_ack(sp, sink, out);
        spool_batch_free(out);
        return rc < 0 ? -1 : spool_read(sp, sink, max, out);
    }
    return (int)out->n;
}

static int save_cursor(spool *sp, const char *sink, spool_pos p)
{
    char tmp[4096], path[4096], dir[4096];
    FILE *f;
    int ok;

    cursor_path(sp, sink, ".tmp", tmp, sizeof tmp);
    cursor_path(sp, sink, ".cur", path, sizeof path);
    snprintf(dir, sizeof dir, "%s/cursors", sp->dir);
    if (!(f = fopen(tmp, "wb")))
        return -1;
    ok = fprintf(f, "%lu %llu\n", (unsigned long)p.seg, (unsigned long long)p.off) > 0;
    ok = fflush(f) == 0 && ok;
#ifndef _WIN32
    ok = ok && spool_fs_fsync(fileno(f)) == 0;
#else
    ok = ok && spool_fs_fsync(_fileno(f)) == 0;
#endif
    ok = fclose(f) == 0 && ok;
    if (!ok || spool_fs_replace(tmp, path) < 0)
        return -1;
    return spool_fs_fsync_dir(dir);
}

/* Deletes the segments that every registered sink has passed. */
static void collect(spool *sp)
{
    size_t min = sp->nrec, drop = 0, nseg_drop = 0;
    char path[4096];

    if (sp->ncur == 0 || sp->npending)
        return;
    for (size_t i = 0; i < sp->ncur; i++)
        if (sp->cur[i].idx < min)
            min = sp->cur[i].idx;
    while (nseg_drop < sp->nseg) {
        uint32_t id = sp->segs[nseg_drop].id;
        if (min < sp->nrec && sp->recs[min].seg <= id)
            break;
        spool_seg_path(sp, id, path, sizeof path);
        if (sp->wfd >= 0 && id + 1 == sp->next_seg) {
            spool_fs_close(sp->wfd);
            sp->wfd = -1;
        }
        if (spool_fs_remove(path) < 0) {
            svc_log(sp->lg, SVC_LOG_WARN, "spool: cannot delete %s: %s", path, strerror(errno));
            break;
        }
        nseg_drop++;
    }
    if (!nseg_drop)
        return;
    while (drop < sp->nrec && sp->recs[drop].seg <= sp->segs[nseg_drop - 1].id)
        drop++;
    memmove(sp->recs, sp->recs + drop, (sp->nrec - drop) * sizeof *sp->recs);
    sp->nrec -= drop;
    memmove(sp->segs, sp->segs + nseg_drop, (sp->nseg - nseg_drop) * sizeof *sp->segs);
    sp->nseg -= nseg_drop;
    for (size_t i = 0; i < sp->ncur; i++)
        sp->cur[i].idx -= drop;
    spool_fs_fsync_dir(sp->dir);
}

int spool_ack_n(spool *sp, const char *sink, const spool_batch *b, size_t count)
{
    spool_cursor *c = find_cursor(sp, sink);
    spool_pos p;
    size_t idx;

    if (!c)
        return -1;
    p = count < b->n ? b->pos[count] : b->end;
    if (p.seg == 0)
        return 0; /* empty batch */
    idx = index_of(sp, p);
    if (idx <= c->idx)
        return 0;
    if (save_cursor(sp, sink, p) < 0) {
        svc_log(sp->lg, SVC_LOG_ERR, "spool: cannot save the cursor of sink %s: %s", sink, strerror(errno));
        return -1;
    }
    c->idx = idx;
    collect(sp);
    return 0;
}

int spool_ack(spool *sp, const char *sink, const spool_batch *b)
{
    return spool_ack_n(sp, sink, b, SIZE_MAX);
}

int spool_quarantine(spool *sp, const char *sink, const char *doc, size_t len, const char *reason)
{
    char tag[160], stamp[32];
    uint8_t rnd[6];

    if (crypto_random(rnd, sizeof rnd) < 0)
        memset(rnd, 0, sizeof rnd);
    snprintf(stamp, sizeof stamp, "%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
    snprintf(tag, sizeof tag, "rejected-%.60s-%s", sink, stamp);
    for (char *p = tag; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            *p = '_';
    return spool_quarantine_bytes(sp, tag, doc, len, reason);
}
