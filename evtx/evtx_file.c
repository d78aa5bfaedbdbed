/*
 * evtx_file.c - reads binary Windows .evtx files ("ElfFile"): the 4 KiB file header, then every
 * 64 KiB "ElfChnk" chunk present in the file, then each "**" event record in a chunk. A record
 * that instantiates a template of the plain form Windows writes is read directly from its values
 * (binxml_direct.c: EventID and the prefilter's fields first, the event only for a record that may
 * matter); any other is rendered to EvtRender's XML text (binxml.c) and parsed by the same parser
 * as rendered XML (xml_record.c). Either way a record read here equals the one read from
 * `wevtutil qe /f:xml`. Both paths spend the same work bounds (a direct record is charged the
 * renderer's steps and an upper bound of its XML; one that would pass a bound takes the XML path).
 *
 * Damage policy (files are attacker-controllable; Windows leaves dirty files behind on a crash):
 * - the header's chunk count and dirty flag are not trusted: all chunks in the file are read;
 * - a chunk without the "ElfChnk" signature is skipped (an all-zero one silently: preallocated);
 * - a bad CRC32 of the file header, a chunk header or a chunk's records is reported through
 *   on_skip, and the records are still read, each one validated on its own;
 * - a record with a bad header (signature, size, trailing size copy) is skipped and the chunk is
 *   searched for the next valid record header; one whose BinXML or XML is bad is skipped;
 * - records past the chunk's free-space offset are taken only while they continue the record
 *   number sequence (records Windows wrote but did not account for before a crash);
 * - a file cut inside a chunk: the partial chunk is reported and its complete records are read.
 */
#include "evtx/binxml.h"
#include "evtx/binxml_direct.h"
#include "evtx/evtx.h"
#include "evtx/xml_record.h"
#include "svc/base/crypto.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_HEADER_SIZE 4096
#define CHUNK_SIZE 65536
#define CHUNK_HEADER_SIZE 512
#define RECORD_HEADER_SIZE 24
#define RECORD_MIN_SIZE (RECORD_HEADER_SIZE + 4)

struct reader {
    const char *path;
    evtx_xml_opts o;
    evtx_file_stats st;
    xml_record_parser *parser;
    evtx_event ev;
    binxml_buf xml;
    binxml_direct *dx; /* the direct path (NULL with opts.xml_only) */
    uint8_t *chunk;
    uint64_t chunk_no;    /* index of the chunk in the file */
    uint64_t chunk_off;   /* its file offset */
    int stopped;          /* non-zero value on_event stopped us with */
    uint64_t chunk_xml;   /* XML rendered from this chunk */
    uint64_t file_budget; /* XML the file may render so far */
    const char *spent;    /* NULL, or which work bound this chunk's records ran out of */
    uint64_t chunk_over;  /* records of this chunk skipped for it */
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

/* CRC32 (IEEE 802.3) from zlib: the checksums are most of the work of a chunk read directly. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) { return crypto_crc32(crc, p, n); }

static void report(struct reader *r, evtx_skip_reason why, uint64_t off, const char *fmt, ...)
{
    char msg[400], detail[600];
    va_list ap;

    if (!r->o.on_skip)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->chunk_off == 0) /* the file header */
        snprintf(detail, sizeof detail, "%s: %s", r->path, msg);
    else
        snprintf(detail, sizeof detail, "%s: chunk %llu (file offset %llu): %s", r->path,
                 (unsigned long long)r->chunk_no, (unsigned long long)r->chunk_off, msg);
    r->o.on_skip(r->o.ctx, why, off, detail);
}

static int wanted(const struct reader *r, unsigned id)
{
    if (!r->o.want_ids)
        return 1;
    return id <= 0xFFFF && (r->o.want_ids[id >> 3] & (1u << (id & 7)));
}

/* A record header at chunk offset 'off' that is self-consistent; its size in *size. The copy of
 * the size that ends the record may still be 0: Windows writes it last, so a log copied while a
 * record was being written (a live or shadow copy) ends with such a record; its BinXML is then
 * checked like any other's. Not so for a record that ends past the bytes the file really has
 * ('avail'): there the zeros are ours. */
static int record_ok(const uint8_t *c, size_t avail, size_t off, uint32_t *size)
{
    uint32_t n, copy;
    if (off > CHUNK_SIZE - RECORD_MIN_SIZE || memcmp(c + off, "\x2a\x2a\x00\x00", 4) != 0)
        return 0;
    n = rd32(c + off + 4);
    if (n < RECORD_MIN_SIZE || n > CHUNK_SIZE - off)
        return 0;
    copy = rd32(c + off + n - 4);
    if (copy != n && (copy != 0 || off >= avail || n > avail - off))
        return 0;
    *size = n;
    return 1;
}

/* Reads the record at chunk offset 'off' directly when it is of the plain form and within the
 * bounds the XML path would apply (room: XML the chunk and file may still render). 1 when done,
 * 0 when the XML path must read it. */
static int read_direct(struct reader *r, size_t off, uint32_t size, uint64_t room, uint64_t end_off)
{
    uint64_t steps, bound;
    unsigned id;
    char err[64];

    if (!r->dx || binxml_direct_open(r->dx, off + RECORD_HEADER_SIZE, off + size - 4, &id, &steps, &bound) != 1)
        return 0;
    if (steps > BINXML_MAX_STEPS || r->xml.steps + steps > r->xml.step_limit || bound > room ||
        bound > EVTX_RECORD_MAX)
        return 0; /* near a bound: the XML path decides exactly as before */
    r->xml.steps += steps;
    r->chunk_xml += bound;
    r->st.xml_bytes += bound;
    r->st.direct++;
    if (!wanted(r, id) ||
        (r->o.value_prefilter && !r->o.value_prefilter(r->o.ctx, id, binxml_direct_values(r->dx)))) {
        r->st.filtered++;
        return 1;
    }
    if (binxml_direct_build(r->dx, &r->ev) != 0) {
        r->st.bad_records++;
        snprintf(err, sizeof err, "out of memory");
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off + off, "record %llu at file offset %llu: %s: skipped",
               (unsigned long long)rd64(r->chunk + off + 8), (unsigned long long)(r->chunk_off + off), err);
        return 1;
    }
    r->st.delivered++;
    if (r->o.on_event)
        r->stopped = r->o.on_event(r->o.ctx, &r->ev, end_off);
    return 1;
}

/* Reads (directly, or rendered and parsed), filters and delivers one record at chunk offset 'off'. */
static void read_record(struct reader *r, size_t off, uint32_t size)
{
    uint64_t file_off = r->chunk_off + off, end_off = file_off + size;
    uint64_t rec_no = rd64(r->chunk + off + 8), room;
    const char *bound;
    char err[320];
    unsigned id;

    r->st.records++;
    if (end_off <= r->o.start_offset)
        return;
    if (!r->spent && r->chunk_xml >= EVTX_CHUNK_XML_MAX)
        r->spent = "the chunk's XML bound";
    if (!r->spent && r->st.xml_bytes >= r->file_budget)
        r->spent = "the file's XML bound";
    if (r->spent) {
        r->chunk_over++;
        return;
    }
    room = EVTX_CHUNK_XML_MAX - r->chunk_xml;
    bound = "the chunk's XML bound";
    if (r->file_budget - r->st.xml_bytes < room) {
        room = r->file_budget - r->st.xml_bytes;
        bound = "the file's XML bound";
    }
    if (read_direct(r, off, size, room < EVTX_RECORD_MAX ? room : EVTX_RECORD_MAX, end_off))
        return;
    r->xml.len = 0;
    r->xml.failed = 0;
    r->xml.limit = room < EVTX_RECORD_MAX ? (size_t)room : EVTX_RECORD_MAX;
    if (binxml_render(r->chunk, CHUNK_SIZE, off + RECORD_HEADER_SIZE, off + size - 4, &r->xml, err,
                      sizeof err) != 0) {
        if (r->xml.failed == 3 || (r->xml.failed == 2 && room < EVTX_RECORD_MAX)) {
            r->spent = r->xml.failed == 3 ? "the chunk's BinXML work bound" : bound;
            r->chunk_over++;
            return;
        }
        r->st.bad_records++;
        report(r, EVTX_SKIP_MALFORMED, file_off, "record %llu at file offset %llu: %s: skipped",
               (unsigned long long)rec_no, (unsigned long long)file_off, err);
        return;
    }
    r->chunk_xml += r->xml.len;
    r->st.xml_bytes += r->xml.len;
    if (r->o.want_ids && xml_record_peek_id(r->xml.data, r->xml.len, &id) && !wanted(r, id)) {
        r->st.filtered++;
        return;
    }
    if (xml_record_parse(r->parser, r->xml.data, r->xml.len, &r->ev, err, sizeof err) != 0) {
        r->st.bad_records++;
        report(r, EVTX_SKIP_MALFORMED, file_off, "record %llu at file offset %llu: %s: skipped",
               (unsigned long long)rec_no, (unsigned long long)file_off, err);
        return;
    }
    if (!wanted(r, r->ev.event_id)) {
        r->st.filtered++;
        return;
    }
    r->st.delivered++;
    if (r->o.on_event)
        r->stopped = r->o.on_event(r->o.ctx, &r->ev, end_off);
}

/* Checks the chunk's checksums; reports mismatches. Returns 1 when the chunk is damaged. */
static int check_chunk(struct reader *r, size_t data_end, uint32_t free_off)
{
    const uint8_t *c = r->chunk;
    uint32_t crc = crc32_update(0, c, 120);
    int bad = 0;

    crc = crc32_update(crc, c + 128, CHUNK_HEADER_SIZE - 128);
    if (crc != rd32(c + 124)) {
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off,
               "chunk header checksum mismatch: records still read, each checked on its own");
        bad = 1;
    }
    if (free_off < CHUNK_HEADER_SIZE || free_off > CHUNK_SIZE) {
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off, "free space offset %lu out of range: records still read",
               (unsigned long)free_off);
        bad = 1;
    } else if (crc32_update(0, c + CHUNK_HEADER_SIZE, data_end - CHUNK_HEADER_SIZE) != rd32(c + 52)) {
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off,
               "records checksum mismatch: records still read, each checked on its own");
        bad = 1;
    }
    return bad;
}

static int all_zero(const uint8_t *p, size_t n)
{
    while (n && !*p) {
        p++;
        n--;
    }
    return n == 0;
}

/* Next offset after 'off' where a valid record header starts, or CHUNK_SIZE. */
static size_t resync(const uint8_t *c, size_t avail, size_t off)
{
    uint32_t size;
    for (off++; off <= CHUNK_SIZE - RECORD_MIN_SIZE; off++)
        if (c[off] == 0x2a && record_ok(c, avail, off, &size))
            return off;
    return CHUNK_SIZE;
}

static void read_chunk(struct reader *r, size_t avail)
{
    const uint8_t *c = r->chunk;
    uint32_t free_off = rd32(c + 48), size;
    size_t off = CHUNK_HEADER_SIZE, data_end, i;
    uint64_t last_no = 0;
    int have_last = 0, bad = 0;

    if (memcmp(c, "ElfChnk\0", 8) != 0) {
        for (i = 0; i < avail && c[i] == 0; i++)
            ;
        if (i == avail)
            return; /* never used (preallocated space) */
        r->st.bad_chunks++;
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off, "no ElfChnk signature: chunk skipped");
        return;
    }
    r->st.chunks++;
    if (r->dx)
        binxml_direct_chunk(r->dx, c, CHUNK_SIZE);
    r->chunk_xml = 0;
    r->xml.steps = 0;
    r->spent = NULL;
    r->chunk_over = 0;
    r->file_budget = EVTX_CHUNK_XML_MAX + (uint64_t)EVTX_FILE_XML_RATIO * (r->chunk_off + avail);
    if (avail < CHUNK_SIZE) {
        report(r, EVTX_SKIP_TRUNCATED, r->chunk_off,
               "file ends after %zu of %d bytes: complete records still read", avail, CHUNK_SIZE);
        bad = 1;
    }
    data_end = free_off < CHUNK_HEADER_SIZE ? CHUNK_HEADER_SIZE
               : free_off > CHUNK_SIZE      ? CHUNK_SIZE
                                            : free_off;
    bad |= check_chunk(r, data_end, free_off);
    r->st.bad_chunks += bad;
    while (off <= CHUNK_SIZE - RECORD_MIN_SIZE && !r->stopped) {
        if (record_ok(c, avail, off, &size)) {
            uint64_t no = rd64(c + off + 8);
            if (off >= data_end && !(have_last && no == last_no + 1))
                break; /* past the data and not a continuation: stale or empty space */
            read_record(r, off, size);
            last_no = no;
            have_last = 1;
            off += size;
            continue;
        }
        if (off >= data_end || all_zero(c + off, data_end - off))
            break; /* zeros up to the free space offset: space reserved for a record never written */
        r->st.bad_records++;
        report(r, EVTX_SKIP_MALFORMED, r->chunk_off + off,
               "bad record header at file offset %llu: skipped to the next valid record",
               (unsigned long long)(r->chunk_off + off));
        off = resync(c, avail, off);
    }
    if (r->chunk_xml > r->st.max_chunk_xml)
        r->st.max_chunk_xml = r->chunk_xml;
    if (r->chunk_over) {
        r->st.over_budget += r->chunk_over;
        report(r, EVTX_SKIP_OVERSIZED, r->chunk_off,
               "%llu records skipped: %s was spent (%llu bytes of XML and %llu BinXML tokens rendered from this chunk)",
               (unsigned long long)r->chunk_over, r->spent, (unsigned long long)r->chunk_xml,
               (unsigned long long)r->xml.steps);
    }
}

static int read_chunks(struct reader *r, FILE *f, char *err, size_t errlen)
{
    size_t n;

    r->chunk_off = FILE_HEADER_SIZE;
    while (!r->stopped && (n = fread(r->chunk, 1, CHUNK_SIZE, f)) > 0) {
        if (n < CHUNK_SIZE)
            memset(r->chunk + n, 0, CHUNK_SIZE - n);
        read_chunk(r, n);
        r->chunk_no++;
        r->chunk_off += n;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
        return -1;
    }
    return r->stopped;
}

int evtx_file_read(const char *path, const evtx_xml_opts *opts, evtx_file_stats *stats, char *err, size_t errlen)
{
    struct reader r;
    uint8_t hdr[FILE_HEADER_SIZE];
    char dummy[1];
    FILE *f = NULL;
    size_t n;
    int rc = -1;

    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    memset(&r, 0, sizeof r);
    r.path = path;
    if (opts)
        r.o = *opts;
    evtx_event_init(&r.ev);
    r.xml.limit = EVTX_RECORD_MAX;
    r.xml.step_limit = EVTX_CHUNK_STEPS_MAX;
    if ((f = fs_fopen(path, "rb")) == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    n = fread(hdr, 1, sizeof hdr, f);
    if (n < 8 || memcmp(hdr, "ElfFile\0", 8) != 0) {
        snprintf(err, errlen, "%s: not an .evtx file (no ElfFile signature)", path);
        goto out;
    }
    if (n < sizeof hdr) {
        snprintf(err, errlen, "%s: .evtx file header truncated (%zu of %d bytes)", path, n, FILE_HEADER_SIZE);
        goto out;
    }
    if (crc32_update(0, hdr, 120) != rd32(hdr + 124))
        report(&r, EVTX_SKIP_MALFORMED, 0, "file header checksum mismatch: chunks still read");
    r.parser = xml_record_parser_new();
    r.chunk = malloc(CHUNK_SIZE);
    r.dx = r.o.xml_only ? NULL : binxml_direct_new();
    if (!r.parser || !r.chunk || (!r.o.xml_only && !r.dx)) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    rc = read_chunks(&r, f, err, errlen);
    if (rc > 0 || rc < -1 || (rc == -1 && !err[0]))
        snprintf(err, errlen, "%s: stopped by the event handler", path);
out:
    if (stats)
        *stats = r.st;
    if (f)
        fclose(f);
    free(r.chunk);
    binxml_buf_free(&r.xml);
    binxml_direct_free(r.dx);
    evtx_event_free(&r.ev);
    xml_record_parser_free(r.parser);
    return rc;
}

int evtx_file_is_evtx(const char *path)
{
    unsigned char sig[8];
    FILE *f = fs_fopen(path, "rb");
    int ok;

    if (!f)
        return 0;
    ok = fread(sig, 1, sizeof sig, f) == sizeof sig && memcmp(sig, "ElfFile\0", 8) == 0;
    fclose(f);
    return ok;
}
