/* spool_recover.c - spool crash recovery: lists the segment files, validates every frame, truncates
 * a torn tail (a record cut by a crash before its commit returned) and copies corrupt records to
 * dir/quarantine/ so that delivery skips them. Never fatal for bad data; only I/O errors fail. */
#include "svc/spool/spool_int.h"
#include "svc/base/analyzer.h"
#include "svc/base/crypto.h"
#include "svc/base/fs.h"
#include "svc/base/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void spool_seg_path(const spool *sp, uint32_t id, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%06lu.log", sp->dir, (unsigned long)id);
}

int spool_add_seg(spool *sp, uint32_t id, uint64_t size)
{
    if (sp->nseg == sp->capseg) {
        size_t cap = sp->capseg ? sp->capseg * 2 : 16;
        spool_seg *p = realloc(sp->segs, cap * sizeof *p);
        if (!p)
            return -1;
        sp->segs = p, sp->capseg = cap;
    }
    sp->segs[sp->nseg].id = id;
    sp->segs[sp->nseg].size = size;
    sp->nseg++;
    return 0;
}

/* -fanalyzer: scan_segment calls this in a loop; gcc 12 follows "realloc succeeds, moving the
 * buffer" into the `!p` branch and reports p leaked (analyzer.h) */
ANALYZER_LEAK_CHECK_OFF
int spool_reserve_recs(spool *sp, size_t n)
{
    size_t cap = sp->caprec ? sp->caprec : 256;
    spool_rec *p;

    if (sp->caprec - sp->nrec >= n)
        return 0;
    while (cap - sp->nrec < n)
        cap *= 2;
    if (!(p = realloc(sp->recs, cap * sizeof *p)))
        return -1;
    sp->recs = p, sp->caprec = cap;
    return 0;
}
ANALYZER_LEAK_CHECK_ON

int spool_add_rec(spool *sp, uint32_t seg, uint64_t off, uint32_t len)
{
    if (spool_reserve_recs(sp, 1) < 0)
        return -1;
    sp->recs[sp->nrec].seg = seg;
    sp->recs[sp->nrec].off = off;
    sp->recs[sp->nrec].len = len;
    sp->nrec++;
    return 0;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int64_t spool_valid_at(const unsigned char *buf, uint64_t size, uint64_t p)
{
    uint32_t len;

    if (size < p || size - p < SPOOL_HDR + 1 || buf[p] != 0xAD || buf[p + 1] != 0xDE)
        return -1;
    len = get_u32(buf + p + 2);
    if (len > SPOOL_MAX_RECORD || SPOOL_FRAME(len) > size - p || buf[p + SPOOL_HDR + len] != '\n')
        return -1;
    if (crypto_crc32(0, buf + p + SPOOL_HDR, len) != get_u32(buf + p + 6))
        return -1;
    return len;
}

int spool_quarantine_bytes(spool *sp, const char *tag, const void *data, size_t len, const char *reason)
{
    char path[4096];
    FILE *f;
    int rc = -1;

    snprintf(path, sizeof path, "%s/quarantine", sp->dir);
    if (fs_mkdir(path) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/quarantine/%s.txt", sp->dir, tag);
    if (!(f = fs_fopen(path, "wb")))
        return -1;
    fprintf(f, "%s\n", reason);
    if (fclose(f) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/quarantine/%s.bad", sp->dir, tag);
    if (!(f = fs_fopen(path, "wb")))
        return -1;
    if (fwrite(data, 1, len, f) == len)
        rc = 0;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/* Next offset after p where a valid record starts, or size. */
static uint64_t next_valid(const unsigned char *buf, uint64_t size, uint64_t p)
{
    for (p++; p + SPOOL_HDR < size; p++)
        if (buf[p] == 0xAD && spool_valid_at(buf, size, p) >= 0)
            return p;
    return size;
}

static int read_whole(const char *path, unsigned char **out, uint64_t *size, int *fd_out)
{
    int fd = fs_open_append(path, 0);
    int64_t n;
    unsigned char *buf = NULL;

    if (fd < 0)
        return -1;
    n = fs_size(fd);
    /* calloc: -fanalyzer does not see that pread_all fills the n bytes and reports reads of
     * uninitialised bytes in spool_valid_at */
    if (n < 0 || (uint64_t)n > SIZE_MAX - 1 || !(buf = calloc((size_t)n + 1, 1)))
        goto fail;
    if (n > 0 && fs_pread_all(fd, buf, (size_t)n, 0) < 0)
        goto fail;
    *out = buf, *size = (uint64_t)n, *fd_out = fd;
    return 0;
fail:
    free(buf);
    fs_close(fd);
    return -1;
}

/* Scans one segment; truncates a torn tail, quarantines corrupt ranges. */
static int scan_segment(spool *sp, uint32_t id, int last, char *err, size_t errlen)
{
    char path[4096], tag[64], reason[160];
    unsigned char *buf = NULL;
    uint64_t size = 0, p = 0;
    int fd = -1, rc = -1;

    spool_seg_path(sp, id, path, sizeof path);
    if (read_whole(path, &buf, &size, &fd) < 0) {
        snprintf(err, errlen, "%s: cannot read spool segment: %s", path, strerror(errno));
        return -1;
    }
    while (p < size) {
        int64_t len = spool_valid_at(buf, size, p);
        uint64_t q;

        if (len >= 0) {
            if (spool_add_rec(sp, id, p, (uint32_t)len) < 0)
                goto oom;
            p += SPOOL_FRAME((uint64_t)len);
            continue;
        }
        q = next_valid(buf, size, p);
        if (q == size && last) {
            svc_log(sp->lg, SVC_LOG_WARN,
                    "spool %s: torn record at offset %llu (%llu bytes, never "
                    "committed) truncated",
                    path, (unsigned long long)p, (unsigned long long)(size - p));
        } else {
            snprintf(tag, sizeof tag, "%06lu-%llu", (unsigned long)id, (unsigned long long)p);
            snprintf(reason, sizeof reason, "corrupt spool record: segment %06lu offset %llu, %llu bytes",
                     (unsigned long)id, (unsigned long long)p, (unsigned long long)(q - p));
            if (spool_quarantine_bytes(sp, tag, buf + p, (size_t)(q - p), reason) < 0)
                svc_log(sp->lg, SVC_LOG_ERR, "spool: could not write quarantine/%s.bad", tag);
            svc_log(sp->lg, SVC_LOG_WARN, "spool: %s; copied to quarantine/%s.bad and skipped", reason, tag);
        }
        if (q == size) {
            if (fs_truncate(fd, p) < 0 || fs_fsync(fd) < 0) {
                snprintf(err, errlen, "%s: cannot truncate: %s", path, strerror(errno));
                goto out;
            }
            size = p;
        }
        p = q;
    }
    if (spool_add_seg(sp, id, size) < 0)
        goto oom;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory scanning %s", path);
out:
    free(buf);
    fs_close(fd);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The segment numbers found in the spool directory ("<n>.log"). */
struct seg_list {
    uint32_t *ids;
    size_t n, cap;
};

static int collect_segment(void *ctx, const char *name, int kind)
{
    struct seg_list *l = ctx;
    char *end;
    unsigned long id = strtoul(name, &end, 10);

    if (kind != 0 || end == name || strcmp(end, ".log") != 0 || id == 0 || id >= UINT32_MAX)
        return 0;
    if (l->n == l->cap) {
        uint32_t *p = realloc(l->ids, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof *p);
        if (!p)
            return ENOMEM;
        l->ids = p;
    }
    l->ids[l->n++] = (uint32_t)id;
    return 0;
}

int spool_recover(spool *sp, char *err, size_t errlen)
{
    struct seg_list l = {NULL, 0, 0};
    uint32_t *ids;
    size_t n, i;
    int rc = -1, listed;

    if ((listed = svc_dir_list(sp->dir, collect_segment, &l, err, errlen)) != 0) {
        if (listed == ENOMEM)
            snprintf(err, errlen, "out of memory listing %s", sp->dir);
        goto out;
    }
    ids = l.ids;
    n = l.n;
    if (n)
        qsort(ids, n, sizeof *ids, cmp_u32);
    for (i = 0; i < n; i++)
        if (scan_segment(sp, ids[i], i + 1 == n, err, errlen) < 0)
            goto out;
    sp->next_seg = n ? ids[n - 1] + 1 : 1;
    rc = 0;
out:
    free(l.ids);
    return rc;
}
