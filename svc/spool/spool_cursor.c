/* spool_cursor.c - the spool's per-sink cursors (see spool.h): registering a sink, persisting its
 * cursor atomically (tmp file, fsync, rename, directory fsync), acknowledging batches and deleting
 * the segments every registered sink has passed. A cursor that cannot be saved is still advanced in
 * memory (delivery goes on and frees space; a crash would only deliver those records again) and
 * its save is retried by spool_save_cursors(). */
#include "svc/spool/spool_int.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void spool_file_name(const char *dir, const char *name, const char *ext, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "%s/", dir);
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 8 < len; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
            *p == '-' || (*p == '.' && p != (const unsigned char *)name))
            buf[o++] = (char)*p;
        else
            o += (size_t)snprintf(buf + o, len - o, "%%%02X", *p);
    }
    snprintf(buf + o, len - o, "%s", ext);
}

static void cursor_path(const spool *sp, const char *sink, const char *ext, char *buf, size_t len)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/cursors", sp->dir);
    spool_file_name(dir, sink, ext, buf, len);
}

spool_cursor *spool_find_cursor(spool *sp, const char *sink)
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

size_t spool_index_of(const spool *sp, spool_pos p)
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

static int register_locked(spool *sp, const char *sink, char *err, size_t errlen)
{
    char path[4096];
    spool_cursor *c;
    unsigned long seg = 0;
    unsigned long long off = 0;
    FILE *f;

    if (spool_find_cursor(sp, sink))
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
    c->unsaved = 0;
    c->error[0] = '\0';
    if (!(c->save = svc_mutex_new())) {
        free(c->name);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cursor_path(sp, sink, ".cur", path, sizeof path);
    if ((f = fs_fopen(path, "rb")) != NULL) {
        if (fscanf(f, "%lu %llu", &seg, &off) == 2 && seg < UINT32_MAX) {
            spool_pos p = {(uint32_t)seg, off};
            c->idx = spool_index_of(sp, p);
            /* every segment up to the cursor may have been delivered and deleted: new segments must
             * be numbered after it, or the cursor would sit past records it never saw */
            if (p.seg >= sp->next_seg && sp->npending == 0)
                sp->next_seg = p.seg + 1;
        } else {
            svc_log(sp->lg, SVC_LOG_WARN,
                    "spool: cursor of sink %s unreadable: starting at the oldest record", sink);
        }
        fclose(f);
    }
    sp->ncur++;
    return 0;
}

int spool_register_sink(spool *sp, const char *sink, char *err, size_t errlen)
{
    int rc;
    svc_mutex_lock(sp->mu);
    rc = register_locked(sp, sink, err, errlen);
    svc_mutex_unlock(sp->mu);
    return rc;
}

int64_t spool_pending(spool *sp, const char *sink)
{
    spool_cursor *c;
    int64_t n;

    svc_mutex_lock(sp->mu);
    c = spool_find_cursor(sp, sink);
    n = c ? (int64_t)(sp->nrec - c->idx) : -1;
    svc_mutex_unlock(sp->mu);
    return n;
}

/* The position a cursor index stands for: the record it points at, or the end of the last one. */
static spool_pos pos_of_index(const spool *sp, size_t idx)
{
    spool_pos p = {0, 0};

    if (idx < sp->nrec) {
        p.seg = sp->recs[idx].seg, p.off = sp->recs[idx].off;
    } else if (sp->nrec) {
        const spool_rec *r = &sp->recs[sp->nrec - 1];
        p.seg = r->seg, p.off = r->off + SPOOL_FRAME(r->len);
    } else {
        p.seg = sp->next_seg > 1 ? sp->next_seg - 1 : 0; /* everything delivered and deleted */
        p.off = UINT64_MAX >> 1;
    }
    return p;
}

/* Writes the sink's cursor file; the caller holds the cursor's save mutex (one writer per file). */
static int save_cursor(const spool *sp, const char *sink, spool_pos p, char *err, size_t errlen)
{
    char tmp[4096], path[4096], dir[4096], text[64];
    int fd, n, ok;

    cursor_path(sp, sink, ".tmp", tmp, sizeof tmp);
    cursor_path(sp, sink, ".cur", path, sizeof path);
    snprintf(dir, sizeof dir, "%s/cursors", sp->dir);
    n = snprintf(text, sizeof text, "%lu %llu\n", (unsigned long)p.seg, (unsigned long long)p.off);
    if ((fd = fs_create(tmp)) < 0) {
        snprintf(err, errlen, "%.400s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    ok = fs_write_all(fd, text, (size_t)n) == 0 && fs_fsync(fd) == 0;
    if (!ok)
        snprintf(err, errlen, "%.400s: cannot write: %s", tmp, strerror(errno));
    if (fs_close(fd) < 0 && ok) {
        snprintf(err, errlen, "%.400s: cannot close: %s", tmp, strerror(errno));
        ok = 0;
    }
    if (!ok)
        return -1;
    if (fs_replace(tmp, path) < 0 || fs_fsync_dir(dir) < 0) {
        snprintf(err, errlen, "%.400s: cannot replace: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void spool_collect(spool *sp)
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
            fs_close(sp->wfd);
            sp->wfd = -1;
            sp->torn_tail = 0; /* the file goes, and its tail with it */
        }
        if (fs_remove(path) < 0) {
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
    fs_fsync_dir(sp->dir);
}

int spool_ack_n_locked(spool *sp, const char *sink, const spool_batch *b, size_t count)
{
    spool_cursor *c = spool_find_cursor(sp, sink);
    spool_pos p;
    size_t idx;
    int rc = 0;

    if (!c)
        return -1;
    p = count < b->n ? b->pos[count] : b->end;
    if (p.seg == 0)
        return 0; /* empty batch */
    idx = spool_index_of(sp, p);
    if (idx <= c->idx)
        return 0;
    if (save_cursor(sp, sink, p, sp->error, sizeof sp->error) < 0) {
        snprintf(c->error, sizeof c->error, "%s", sp->error);
        c->unsaved = 1;
        rc = 1;
    } else {
        c->unsaved = 0;
    }
    c->idx = idx;
    spool_collect(sp);
    return rc;
}

/* The cursor file is written with only the cursor's save mutex held, not the spool's: the
 * detector's appends and commits and the other sinks never wait for this sink's fsync. */
int spool_ack_n(spool *sp, const char *sink, const spool_batch *b, size_t count)
{
    spool_cursor *c = spool_find_cursor(sp, sink); /* the cursor table is fixed once threads run */
    spool_pos p = count < b->n ? b->pos[count] : b->end;
    char err[512];
    int saved, rc = 0;

    if (!c)
        return -1;
    if (p.seg == 0)
        return 0; /* empty batch */
    svc_mutex_lock(c->save);
    svc_mutex_lock(sp->mu);
    saved = spool_index_of(sp, p) > c->idx; /* (saved: here, "to be saved") */
    svc_mutex_unlock(sp->mu);
    if (!saved) {
        svc_mutex_unlock(c->save);
        return 0;
    }
    saved = save_cursor(sp, sink, p, err, sizeof err) == 0;
    svc_mutex_lock(sp->mu);
    if (!saved) {
        snprintf(sp->error, sizeof sp->error, "%s", err);
        snprintf(c->error, sizeof c->error, "%s", err);
        rc = 1;
    }
    c->unsaved = !saved;
    /* indexes may have moved while unlocked (another sink's ack deleted segments): find p again;
     * it cannot have been deleted, this cursor was still before it */
    if (spool_index_of(sp, p) > c->idx)
        c->idx = spool_index_of(sp, p);
    spool_collect(sp);
    svc_mutex_unlock(sp->mu);
    svc_mutex_unlock(c->save);
    return rc;
}

int spool_ack(spool *sp, const char *sink, const spool_batch *b)
{
    return spool_ack_n(sp, sink, b, SIZE_MAX);
}

int spool_save_cursors(spool *sp, char *err, size_t errlen)
{
    int rc = 0;

    for (size_t i = 0; i < sp->ncur; i++) { /* a retry after a failure: rare, all under mu */
        spool_cursor *c = &sp->cur[i];
        svc_mutex_lock(c->save);
        svc_mutex_lock(sp->mu);
        if (c->unsaved && save_cursor(sp, c->name, pos_of_index(sp, c->idx), c->error, sizeof c->error) < 0) {
            if (rc == 0)
                snprintf(err, errlen, "%s", c->error);
            rc = -1;
        } else {
            c->unsaved = 0;
        }
        svc_mutex_unlock(sp->mu);
        svc_mutex_unlock(c->save);
    }
    return rc;
}

int spool_cursors_unsaved(const spool *sp)
{
    int unsaved = 0;

    svc_mutex_lock(sp->mu);
    for (size_t i = 0; i < sp->ncur && !unsaved; i++)
        unsaved = sp->cur[i].unsaved;
    svc_mutex_unlock(sp->mu);
    return unsaved;
}

const char *spool_error(const spool *sp) { return sp->error; }

void spool_sink_error(spool *sp, const char *sink, char *buf, size_t len)
{
    spool_cursor *c;

    svc_mutex_lock(sp->mu);
    c = spool_find_cursor(sp, sink);
    snprintf(buf, len, "%s", c ? c->error : "not a registered sink");
    svc_mutex_unlock(sp->mu);
}
