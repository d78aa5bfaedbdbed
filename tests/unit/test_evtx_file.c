/* test_evtx_file.c - the binary .evtx reader (evtx_file.c, binxml.c, binxml_value.c): a file built
 * here byte by byte (every BinXML token and value type, template back-references, optional
 * substitutions), every corpus file against its libevtx XML rendering, damaged files (bad
 * signatures and checksums, dirty chunks, truncation at many points) and a deterministic fuzz. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <cmocka.h>

#include "evtx/binxml.h"
#include "evtx/evtx.h"
#include "evtx_build.h"
#include "testutil.h"

#define CHUNK EVTX_BUILD_CHUNK
#define FHDR EVTX_BUILD_FHDR

/* ---- the synthetic file (writer in tests/lib/evtx_build.c) ------------------------------ */

/* Template body: an Event with System and EventData, 17 substitutions. */
static void template_body(struct bld *b)
{
    static const char *const fields[] = {"TargetUserName", "Status", "LogonGuid", "TargetSid", "Flag",
                                         "Blob",           "List",   "Nested",    "Int",       "When"};
    static const unsigned types[] = {0x01, 0x14, 0x0f, 0x13, 0x0d, 0x0e, 0x81, 0x21, 0x07, 0x12};
    p8(b, 0x0f);
    p8(b, 1);
    p8(b, 1);
    p8(b, 0);
    open_el(b, "Event", 1);
    attr(b, "xmlns");
    text(b, "http://schemas.microsoft.com/win/2004/08/events/event");
    p8(b, 0x02);
    open_el(b, "System", 0);
    p8(b, 0x02);
    open_el(b, "Provider", 1);
    attr(b, "Name");
    sub(b, 0, 0x01, 0);
    p8(b, 0x03);
    leaf_sub(b, "EventID", 1, 0x06);
    open_el(b, "TimeCreated", 1);
    attr(b, "SystemTime");
    sub(b, 2, 0x11, 0);
    p8(b, 0x03);
    leaf_sub(b, "EventRecordID", 3, 0x0a);
    open_el(b, "Correlation", 1);
    attr(b, "ActivityID");
    sub(b, 4, 0x0f, 1);
    p8(b, 0x03);
    leaf_sub(b, "Channel", 5, 0x01);
    leaf_sub(b, "Computer", 6, 0x01);
    p8(b, 0x04);
    open_el(b, "EventData", 0);
    p8(b, 0x02);
    for (unsigned i = 0; i < 10; i++) {
        data_el(b, fields[i], 1);
        sub(b, 7 + i, types[i], 0);
        p8(b, 0x04);
    }
    data_el(b, "Lit", 1);
    text(b, "a");
    p8(b, 0x08);
    p16(b, 'A'); /* charref */
    p8(b, 0x09);
    p32(b, (uint32_t)b->len + 4);
    name(b, "amp"); /* entity ref */
    p8(b, 0x07);
    p16(b, 3);
    pstr16(b, "<x>");
    p8(b, 0x04); /* CDATA */
    data_el(b, "Empty", 0);
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
}

struct val {
    unsigned type;
    const uint8_t *p;
    size_t n;
};

/* Appends one record; the template is defined inline when *tmpl == 0, else referenced. */
static void record(struct bld *b, uint64_t no, size_t *tmpl, const struct val *v, unsigned nv)
{
    size_t start = b->len, size_at = record_begin(b, no);
    p8(b, 0x0f);
    p8(b, 1);
    p8(b, 1);
    p8(b, 0);
    p8(b, 0x0c);
    p8(b, 1);
    p32(b, 0x1234);
    if (!*tmpl) {
        size_t dsize_at, body;
        *tmpl = b->len + 4;
        p32(b, (uint32_t)*tmpl);
        p32(b, 0);
        for (int i = 0; i < 16; i++)
            p8(b, i);
        dsize_at = b->len;
        p32(b, 0);
        body = b->len;
        template_body(b);
        pat32(b->c + dsize_at, (uint32_t)(b->len - body));
    } else {
        p32(b, (uint32_t)*tmpl);
    }
    p32(b, nv);
    for (unsigned i = 0; i < nv; i++) {
        p16(b, (unsigned)v[i].n);
        p8(b, v[i].type);
        p8(b, 0);
    }
    for (unsigned i = 0; i < nv; i++)
        if (v[i].n) {
            memcpy(b->c + b->len, v[i].p, v[i].n);
            b->len += v[i].n;
        }
    record_end(b, start, size_at);
}

static size_t u16s(uint8_t *out, const char *s) /* ASCII to UTF-16LE, no NUL */
{
    size_t n = 0;
    for (; *s; s++) {
        out[n++] = (uint8_t)*s;
        out[n++] = 0;
    }
    return n;
}

/* Writes a one-chunk file with two records (the second reuses the first's template). */
static size_t build_file(uint8_t *file)
{
    static struct bld b;
    uint8_t prov[128], chan[32], comp[64], user[32], list[16], nested[64];
    static const uint8_t guid[16] = {0x10, 0x81, 0x64, 0xED, 0xF3, 0xAC, 0x43, 0x7F,
                                     0x0C, 0xCB, 0x25, 0x6E, 0xF1, 0x83, 0x15, 0x6D};
    static const uint8_t sid[24] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    static const uint8_t st[16] = {0xE5, 0x07, 3, 0, 4, 0, 4, 0, 5, 0, 6, 0, 7, 0, 89, 0};
    uint8_t id[2] = {0xD1, 0x12}, no[8], ft[8], status[4] = {0x6D, 0x00, 0x00, 0xC0};
    uint8_t one[4] = {1, 0, 0, 0}, blob[4] = {0xDE, 0xAD, 0xBE, 0xEF}, neg[4] = {0xFB, 0xFF, 0xFF, 0xFF};
    uint64_t t = UINT64_C(1596367986521) * 10000 + UINT64_C(116444736000000000) + 596;
    size_t n_user = u16s(user, "a&<>'\"");
    size_t tmpl = 0, nn = 0;

    user[n_user++] = 0x00;
    user[n_user++] = 0xD8; /* a lone surrogate */
    n_user += u16s(user + n_user, "z");
    memcpy(list, "x\0\0\0y\0\0\0", 8);
    nested[nn++] = 0x0f;
    nested[nn++] = 1;
    nested[nn++] = 1;
    nested[nn++] = 0;
    nested[nn++] = 0x05;
    nested[nn++] = 0x01;
    nested[nn++] = 5;
    nested[nn++] = 0;
    nn += u16s(nested + nn, "inner");
    nested[nn++] = 0x00;
    for (int i = 0; i < 8; i++) {
        ft[i] = (uint8_t)(t >> (8 * i));
        no[i] = 0;
    }
    memset(&b, 0, sizeof b);
    b.len = 512;
    for (unsigned r = 0; r < 2; r++) {
        struct val v[17] = {{0x01, prov, u16s(prov, "Microsoft-Windows-Security-Auditing")},
                            {0x06, id, 2},
                            {0x11, ft, 8},
                            {0x0a, no, 8},
                            {0x00, NULL, 0},
                            {0x01, chan, u16s(chan, "Security")},
                            {0x01, comp, u16s(comp, r ? "dc2.corp" : "dc1.corp")},
                            {0x01, user, n_user},
                            {0x14, status, 4},
                            {0x0f, guid, 16},
                            {0x13, sid, 24},
                            {0x0d, one, 4},
                            {0x0e, blob, 4},
                            {0x81, list, 8},
                            {0x21, nested, nn},
                            {0x07, neg, 4},
                            {0x12, st, 16}};
        no[0] = (uint8_t)(100 + r);
        record(&b, 100 + r, &tmpl, v, 17);
    }
    chunk_finish(&b, 100, 101);
    return file_of_chunk(file, &b);
}

/* ---- helpers ------------------------------------------------------------------------------ */

struct got {
    evtx_event ev[4];
    uint64_t end[64];
    unsigned n, skips;
    char last_skip[700];
};

static int keep(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct got *g = ctx;
    if (g->n < 4)
        assert_int_equal(evtx_event_copy(&g->ev[g->n], ev), 0);
    if (g->n < 64)
        g->end[g->n] = end;
    g->n++;
    return 0;
}

static void note_skip(void *ctx, evtx_skip_reason why, uint64_t off, const char *detail)
{
    struct got *g = ctx;
    (void)why;
    (void)off;
    assert_non_null(strstr(detail, ".evtx"));
    snprintf(g->last_skip, sizeof g->last_skip, "%s", detail);
    g->skips++;
}

static void got_free(struct got *g)
{
    for (unsigned i = 0; i < 4; i++)
        evtx_event_free(&g->ev[i]);
}

static int write_file(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(d, 1, n, f) == n;
    return (f && fclose(f) != 0) || !ok ? -1 : 0;
}

static int read_opts(const char *path, struct got *g, evtx_file_stats *st, char *err, size_t errlen,
                     const uint8_t *want_ids, uint64_t start_offset)
{
    evtx_xml_opts o = {0};
    o.want_ids = want_ids;
    o.start_offset = start_offset;
    for (unsigned i = 0; i < 4; i++)
        evtx_event_init(&g->ev[i]);
    g->n = g->skips = 0;
    g->last_skip[0] = '\0';
    o.on_event = keep;
    o.on_skip = note_skip;
    o.ctx = g;
    return evtx_file_read(path, &o, st, err, errlen);
}

static int read_into(const char *path, struct got *g, evtx_file_stats *st, char *err, size_t errlen)
{
    return read_opts(path, g, st, err, errlen, NULL, 0);
}

static char tmpdir[512];

static const char *tmp_path(const char *leaf)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/%s", tmpdir, leaf);
    return p;
}

/* ---- the synthetic file ------------------------------------------------------------------- */

static void test_synthetic_values(void **state)
{
    static uint8_t file[FHDR + CHUNK];
    size_t n = build_file(file);
    const char *path = tmp_path("synthetic.evtx");
    evtx_file_stats st;
    struct got g;
    char err[512];
    (void)state;

    assert_int_equal(write_file(path, file, n), 0);
    assert_int_equal(evtx_file_is_evtx(path), 1);
    assert_int_equal(read_into(path, &g, &st, err, sizeof err), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.skips, 0);
    assert_int_equal(st.chunks, 1);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.bad_chunks + st.bad_records, 0);
    for (unsigned r = 0; r < 2; r++) {
        const evtx_event *ev = &g.ev[r];
        assert_int_equal(ev->event_id, 4817);
        assert_int_equal(ev->record_id, 100 + r);
        assert_int_equal(ev->time_ms, INT64_C(1596367986521));
        assert_string_equal(ev->channel, "Security");
        assert_string_equal(ev->provider, "Microsoft-Windows-Security-Auditing");
        assert_string_equal(ev->computer, r ? "dc2.corp" : "dc1.corp");
        assert_string_equal(evtx_event_get(ev, "TargetUserName"), "a&<>'\"\xEF\xBF\xBDz");
        assert_string_equal(evtx_event_get(ev, "Status"), "0xc000006d");
        assert_string_equal(evtx_event_get(ev, "LogonGuid"), "{ED648110-ACF3-7F43-0CCB-256EF183156D}");
        assert_string_equal(evtx_event_get(ev, "TargetSid"), "S-1-5-21-1-2-3");
        assert_string_equal(evtx_event_get(ev, "Flag"), "true");
        assert_string_equal(evtx_event_get(ev, "Blob"), "DEADBEEF");
        assert_string_equal(evtx_event_get(ev, "List"), "x, y");
        assert_string_equal(evtx_event_get(ev, "Nested"), "inner");
        assert_string_equal(evtx_event_get(ev, "Int"), "-5");
        assert_string_equal(evtx_event_get(ev, "When"), "2021-03-04T05:06:07.089000000Z");
        assert_string_equal(evtx_event_get(ev, "Lit"), "aA&<x>");
        assert_string_equal(evtx_event_get(ev, "Empty"), "");
    }
    assert_true(g.end[0] > FHDR + 512 && g.end[1] > g.end[0] && g.end[1] <= FHDR + CHUNK);
    got_free(&g);
}

/* want_ids filters by EventID; start_offset resumes after a checkpointed record. */
static void test_filter_and_resume(void **state)
{
    static uint8_t file[FHDR + CHUNK], want[8192];
    const char *path = tmp_path("filter.evtx");
    evtx_file_stats st;
    struct got g;
    char err[512];
    uint64_t first_end;
    (void)state;

    assert_int_equal(write_file(path, file, build_file(file)), 0);
    want[4624 >> 3] |= 1u << (4624 & 7);
    assert_int_equal(read_opts(path, &g, &st, err, sizeof err, want, 0), 0);
    assert_int_equal(g.n + st.delivered, 0);
    assert_int_equal(st.filtered, 2);
    want[4817 >> 3] |= 1u << (4817 & 7);
    assert_int_equal(read_opts(path, &g, &st, err, sizeof err, want, 0), 0);
    assert_int_equal(g.n, 2);
    first_end = g.end[0];
    got_free(&g);
    assert_int_equal(read_opts(path, &g, &st, err, sizeof err, NULL, first_end), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ev[0].record_id, 101);
    got_free(&g);
}

/* The rendered text itself: EvtRender's shape, escaping, an absent optional attribute omitted. */
static void test_synthetic_render(void **state)
{
    static uint8_t file[FHDR + CHUNK];
    binxml_buf out = {0};
    char err[256];
    const uint8_t *c = file + FHDR;
    (void)state;

    build_file(file);
    assert_int_equal(
        binxml_render(c, CHUNK, 512 + 24, 512 + (c[516] | (c[517] << 8)) - 4, &out, err, sizeof err), 0);
    assert_non_null(
        strstr(out.data, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"));
    assert_non_null(strstr(out.data, "<Correlation/>"));
    assert_non_null(strstr(out.data, "<TimeCreated SystemTime='2020-08-02T11:33:06.521059600Z'/>"));
    assert_non_null(
        strstr(out.data, "<Data Name='TargetUserName'>a&amp;&lt;&gt;&apos;&quot;\xEF\xBF\xBDz</Data>"));
    assert_non_null(strstr(out.data, "<Data Name='Empty'/></EventData></Event>"));
    binxml_buf_free(&out);
}

static void read_damaged(const uint8_t *bad, size_t n, struct got *g, evtx_file_stats *st)
{
    char err[512];
    assert_int_equal(write_file(tmp_path("damaged.evtx"), bad, n), 0);
    if (read_into(tmp_path("damaged.evtx"), g, st, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* Damage that must be reported but not lose the records, and damage that must skip them. */
static void test_damage(void **state)
{
    static uint8_t file[FHDR + CHUNK], bad[FHDR + CHUNK];
    size_t n = build_file(file), rec2;
    evtx_file_stats st;
    struct got g;
    (void)state;

    rec2 = 512 + (file[FHDR + 516] | (file[FHDR + 517] << 8));
    /* a flipped byte inside the second record's user name: records checksum reported, both read */
    memcpy(bad, file, n);
    bad[FHDR + rec2 + 0x40] ^= 0x01;
    read_damaged(bad, n, &g, &st);
    assert_int_equal(g.n, 2);
    assert_int_equal(st.bad_chunks, 1);
    assert_non_null(strstr(g.last_skip, "chunk 0 (file offset 4096): records checksum mismatch"));
    got_free(&g);
    /* a bad record signature: that record is skipped with its offset named, the next one read */
    memcpy(bad, file, n);
    bad[FHDR + 512] = 'X';
    read_damaged(bad, n, &g, &st);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ev[0].record_id, 101);
    assert_int_equal(st.bad_records, 1);
    assert_non_null(strstr(g.last_skip, "bad record header at file offset 4608"));
    got_free(&g);
    /* a bad chunk signature: the chunk is skipped */
    memcpy(bad, file, n);
    bad[FHDR] = 'X';
    read_damaged(bad, n, &g, &st);
    assert_int_equal(g.n, 0);
    assert_int_equal(st.bad_chunks, 1);
    assert_non_null(strstr(g.last_skip, "no ElfChnk signature"));
    got_free(&g);
    /* dirty file: header says 0 chunks, flags dirty; chunk's free space offset stale (only the
     * first record accounted for): Windows' behaviour is to read both */
    memcpy(bad, file, n);
    bad[42] = 0;
    bad[120] = 1;
    pat32(bad + 124, evtx_build_crc32(bad, 120));
    pat32(bad + FHDR + 48, (uint32_t)rec2);
    read_damaged(bad, n, &g, &st);
    assert_int_equal(g.n, 2);
    got_free(&g);
    /* a template reference pointing outside the chunk: that record is skipped, named */
    memcpy(bad, file, n);
    pat32(bad + FHDR + rec2 + 24 + 4 + 6, 0xFFFFFFF0u);
    read_damaged(bad, n, &g, &st);
    assert_int_equal(g.n, 1);
    assert_int_equal(st.bad_records, 1);
    assert_non_null(strstr(g.last_skip, "record 101 at file offset"));
    got_free(&g);
}

/* A template whose body instantiates itself, and one expanding a value 8 times per level: bounded. */
static void test_hostile_templates(void **state)
{
    static uint8_t c[CHUNK];
    static const uint8_t body[] = {0x0f, 1, 1, 0, 0x0c, 1, 0, 0, 0, 0, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0};
    binxml_buf out = {0};
    char err[256];
    (void)state;

    memset(c, 0, sizeof c);
    pat32(c + 1000 + 20, sizeof body); /* definition header at 1000, body at 1024 */
    memcpy(c + 1024, body, sizeof body);
    assert_int_equal(binxml_render(c, CHUNK, 1024, 1024 + sizeof body, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "nested too deeply"));
    /* element <a> with %0 eight times, where %0 is BinXML instantiating the same template with %0
     * again: 8^12 expansion within the depth bound, stopped by the work or output bound */
    {
        struct bld *b = calloc(1, sizeof *b);
        size_t def = 2000, start;
        assert_non_null(b);
        b->len = def + 24;
        p8(b, 0x0f);
        p8(b, 1);
        p8(b, 1);
        p8(b, 0);
        open_el(b, "a", 0);
        p8(b, 0x02);
        for (int i = 0; i < 8; i++)
            sub(b, 0, 0x21, 0);
        p8(b, 0x04);
        p8(b, 0);
        pat32(b->c + def + 20, (uint32_t)(b->len - def - 24));
        start = b->len; /* nested instances, each the value of the one before */
        for (int i = 0; i < 12; i++) {
            p8(b, 0x0c);
            p8(b, 1);
            p32(b, 0);
            p32(b, (uint32_t)def);
            p32(b, 1);
            p16(b, (unsigned)(12 - i - 1) * 18 + 1);
            p8(b, 0x21);
            p8(b, 0);
        }
        p8(b, 0);
        out.len = 0;
        out.limit = 1 << 20;
        assert_int_equal(binxml_render(b->c, CHUNK, start, b->len, &out, err, sizeof err), -1);
        if (!strstr(err, "too many BinXML tokens") && !strstr(err, "too large"))
            fail_msg("%s", err);
        free(b);
    }
    binxml_buf_free(&out);
}

static void test_not_evtx(void **state)
{
    const char *path = tmp_path("not.evtx");
    evtx_file_stats st;
    struct got g;
    char err[512];
    (void)state;

    assert_int_equal(write_file(path, (const uint8_t *)"<Event/>", 8), 0);
    assert_int_equal(evtx_file_is_evtx(path), 0);
    assert_int_equal(read_into(path, &g, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an .evtx file"));
    assert_int_equal(read_into(tmp_path("absent.evtx"), &g, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "absent.evtx"));
    assert_int_equal(evtx_file_is_evtx(tmp_path("absent.evtx")), 0);
}

/* ---- truncation and fuzzing ------------------------------------------------------------------ */

/* Cuts 'file' at many points: before the header ends -> a clear error; after -> exactly the
 * records that end before the cut, and the cut chunk reported. */
static void check_truncations(const uint8_t *file, size_t len, const char *leaf)
{
    const char *path = tmp_path(leaf);
    evtx_file_stats st;
    struct got full, g;
    char err[512];
    size_t cut;

    assert_int_equal(write_file(path, file, len), 0);
    assert_int_equal(read_into(path, &full, &st, err, sizeof err), 0);
    got_free(&full);
    assert_true(full.n > 0 && full.n <= 64);
    for (cut = 0; cut < len; cut += cut < FHDR + 600 ? 7 : 61) {
        unsigned want = 0;
        int rc;
        assert_int_equal(write_file(path, file, cut), 0);
        rc = read_into(path, &g, &st, err, sizeof err);
        got_free(&g);
        if (cut < FHDR) {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(err, cut < 8 ? "not an .evtx file" : "header truncated"));
            continue;
        }
        assert_int_equal(rc, 0);
        for (unsigned i = 0; i < full.n; i++)
            want += full.end[i] <= cut;
        if (g.n != want)
            fail_msg("cut at %zu: %u records, want %u", cut, g.n, want);
        if (cut > FHDR && cut < len)
            assert_true(g.skips > 0);
    }
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Deterministic mutations after the file header: flipped bits, bytes set to 0/0xFF/random and
 * fake chunk offsets. Each mutant must read without crash or hang (ASan/UBSan watch). */
static void fuzz(const uint8_t *file, size_t len, unsigned rounds, uint64_t seed, const char *leaf)
{
    uint8_t *m = malloc(len);
    const char *path = tmp_path(leaf);
    size_t data_end = FHDR + (file[FHDR + 48] | (file[FHDR + 49] << 8) | ((size_t)file[FHDR + 50] << 16));
    evtx_file_stats st;
    struct got g;
    char err[512];
    uint64_t total = 0, skipped = 0;

    assert_non_null(m);
    if (data_end <= FHDR + 512 || data_end > len)
        data_end = len;
    for (unsigned r = 0; r < rounds; r++) {
        unsigned k = 1 + (unsigned)(xorshift(&seed) % 4);
        memcpy(m, file, len);
        while (k--) {
            uint64_t x = xorshift(&seed);
            size_t at = x & 8 ? FHDR + (size_t)((x >> 8) % (len - FHDR))
                              : FHDR + 512 + (size_t)((x >> 8) % (data_end - FHDR - 512));
            switch ((x >> 4) % 4) {
            case 0: m[at] ^= (uint8_t)(1u << ((x >> 40) % 8)); break;
            case 1: m[at] = (x >> 40) & 1 ? 0xFF : 0x00; break;
            case 2: m[at] = (uint8_t)(x >> 48); break;
            default:
                if (at + 4 <= len)
                    pat32(m + at, (uint32_t)((x >> 32) % CHUNK));
                break;
            }
        }
        assert_int_equal(write_file(path, m, len), 0);
        assert_int_equal(read_into(path, &g, &st, err, sizeof err), 0);
        got_free(&g);
        assert_int_equal(g.n, st.delivered);
        assert_true(st.delivered + st.filtered <= st.records);
        total += st.delivered;
        skipped += g.skips;
    }
    printf("fuzz %s: %u mutants, %llu records delivered, %llu problems reported\n", leaf, rounds,
           (unsigned long long)total, (unsigned long long)skipped);
    assert_true(skipped > 0);
    free(m);
}

static void test_synthetic_truncated_and_fuzzed(void **state)
{
    static uint8_t file[FHDR + CHUNK];
    size_t n = build_file(file);
    (void)state;
    check_truncations(file, n, "cut.evtx");
    fuzz(file, n, 2000, UINT64_C(0x9E3779B97F4A7C15), "fuzz.evtx");
}

/* ---- the corpus --------------------------------------------------------------------------------- */

struct xml_events {
    evtx_event *v;
    size_t n, cap, at;
    const char *name;
    unsigned mismatches;
};

static int collect(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct xml_events *x = ctx;
    (void)end;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->v = realloc(x->v, x->cap * sizeof *x->v);
        assert_non_null(x->v);
    }
    evtx_event_init(&x->v[x->n]);
    assert_int_equal(evtx_event_copy(&x->v[x->n], ev), 0);
    x->n++;
    return 0;
}

/* An integer written as 0x-hex or decimal (libevtx prints win:Pointer in decimal, EvtRender in
 * hex); -1 when s is not one. */
static long long number(const char *s)
{
    char *e;
    unsigned long long v;
    int hex = strncasecmp(s, "0x", 2) == 0;
    if (!s[hex ? 2 : 0] ||
        strspn(s + (hex ? 2 : 0), hex ? "0123456789abcdefABCDEF" : "0123456789") != strlen(s + (hex ? 2 : 0)))
        return -1;
    v = strtoull(s, &e, hex ? 16 : 10);
    return *e || v > (unsigned long long)INT64_MAX ? -1 : (long long)v;
}

/* Equal after normalising what renderers format differently: hex width and case, pointers. */
static int same_value(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    if ((strncasecmp(a, "0x", 2) == 0 || strncasecmp(b, "0x", 2) == 0) && number(a) >= 0)
        return number(a) == number(b);
    return strcasecmp(a, b) == 0 && strspn(a, "0123456789abcdefABCDEF{}-") == strlen(a);
}

static int compare(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct xml_events *x = ctx;
    const evtx_event *w;
    (void)end;
    if (x->at >= x->n) {
        fail_msg("%s: more records than the XML rendering (%zu)", x->name, x->n);
        return 1;
    }
    w = &x->v[x->at++];
    assert_int_equal(ev->event_id, w->event_id);
    assert_int_equal(ev->record_id, w->record_id);
    assert_int_equal(ev->time_ms, w->time_ms);
    assert_string_equal(ev->computer, w->computer);
    assert_string_equal(ev->channel, w->channel);
    assert_string_equal(ev->provider, w->provider);
    assert_int_equal(ev->nfields, w->nfields);
    for (size_t i = 0; i < ev->nfields; i++) {
        assert_string_equal(ev->fields[i].name, w->fields[i].name);
        if (!same_value(ev->fields[i].value, w->fields[i].value)) {
            if (x->mismatches++ < 10)
                printf("%s record %llu %s: evtx '%s' xml '%s'\n", x->name, (unsigned long long)ev->record_id,
                       ev->fields[i].name, ev->fields[i].value, w->fields[i].value);
        }
    }
    return 0;
}

static void compare_corpus_file(const char *corpus, const char *base)
{
    char evtx_path[1024], xml_path[1024], err[512];
    struct xml_events x = {0};
    evtx_xml_opts o = {0};
    evtx_stream_stats xs;
    evtx_file_stats st;

    snprintf(evtx_path, sizeof evtx_path, "%s/evtx/%s.evtx", corpus, base);
    snprintf(xml_path, sizeof xml_path, "%s/xml/%s.xml", corpus, base);
    x.name = base;
    o.on_event = collect;
    o.ctx = &x;
    if (evtx_xml_read_file(xml_path, &o, &xs, err, sizeof err) != 0)
        fail_msg("%s", err);
    o.on_event = compare;
    if (evtx_file_read(evtx_path, &o, &st, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(x.at, x.n);
    assert_int_equal(st.delivered, x.n);
    assert_int_equal(st.bad_chunks + st.bad_records, 0);
    assert_int_equal(x.mismatches, 0);
    printf("%s: %zu records equal\n", base, x.n);
    for (size_t i = 0; i < x.n; i++)
        evtx_event_free(&x.v[i]);
    free(x.v);
}

static void test_corpus_equals_xml(void **state)
{
    const char *corpus = testutil_corpus();
    char dir[1024];
    DIR *d;
    struct dirent *e;
    unsigned files = 0;
    (void)state;

    if (!corpus)
        skip();
    snprintf(dir, sizeof dir, "%s/evtx", corpus);
    assert_non_null(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char base[256];
        if (n < 6 || n >= sizeof base || strcmp(e->d_name + n - 5, ".evtx") != 0)
            continue;
        memcpy(base, e->d_name, n - 5);
        base[n - 5] = '\0';
        compare_corpus_file(corpus, base);
        files++;
    }
    closedir(d);
    assert_true(files > 0);
}

static void test_corpus_truncated_and_fuzzed(void **state)
{
    const char *corpus = testutil_corpus();
    char path[1024];
    uint8_t *file;
    size_t len;
    (void)state;

    if (!corpus)
        skip();
    snprintf(path, sizeof path, "%s/evtx/kerberoast-4769-rc4.evtx", corpus);
    assert_non_null(file = (uint8_t *)testutil_slurp(path, &len));
    assert_true(len >= FHDR + CHUNK);
    check_truncations(file, len, "corpus-cut.evtx");
    fuzz(file, len, 3000, 42, "corpus-fuzz.evtx");
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_values),
        cmocka_unit_test(test_synthetic_render),
        cmocka_unit_test(test_filter_and_resume),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_hostile_templates),
        cmocka_unit_test(test_not_evtx),
        cmocka_unit_test(test_synthetic_truncated_and_fuzzed),
        cmocka_unit_test(test_corpus_equals_xml),
        cmocka_unit_test(test_corpus_truncated_and_fuzzed),
    };
    testutil_init();
    testutil_tmpdir(tmpdir, sizeof tmpdir, "evtxfile");
    return testutil_run(tests);
}
