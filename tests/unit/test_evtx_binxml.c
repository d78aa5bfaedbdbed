/* test_evtx_binxml.c - BinXML shapes real logs use beyond the plain template instance (evtx/binxml.c):
 * records made of direct elements and nested BinXML values (substitution type 0x21), whose element
 * start tags carry no dependency identifier, unlike those of template definitions; and the bound
 * on rendered XML per chunk and per file (evtx/evtx_file.c) against a chunk of tiny records that
 * each expand a big template. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evtx/binxml.h"
#include "evtx/evtx.h"
#include "evtx_build.h"
#include "testutil.h"

static char tmpdir[512];

struct got {
    evtx_event ev[4];
    unsigned n, skips;
    char last_skip[700];
};

static int keep(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct got *g = ctx;
    (void)end;
    if (g->n < 4)
        assert_int_equal(evtx_event_copy(&g->ev[g->n], ev), 0);
    g->n++;
    return 0;
}

static void note_skip(void *ctx, evtx_skip_reason why, uint64_t off, const char *detail)
{
    struct got *g = ctx;
    (void)why;
    (void)off;
    snprintf(g->last_skip, sizeof g->last_skip, "%s", detail);
    g->skips++;
}

static void read_chunk_file(const struct bld *b, struct got *g, evtx_file_stats *st)
{
    static uint8_t file[EVTX_BUILD_FHDR + EVTX_BUILD_CHUNK];
    char path[700], err[512];
    evtx_xml_opts o = {0};
    size_t n = file_of_chunk(file, b);
    FILE *f;

    snprintf(path, sizeof path, "%s/built.evtx", tmpdir);
    assert_non_null(f = fopen(path, "wb"));
    assert_int_equal(fwrite(file, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    memset(g, 0, sizeof *g);
    for (unsigned i = 0; i < 4; i++)
        evtx_event_init(&g->ev[i]);
    o.on_event = keep;
    o.on_skip = note_skip;
    o.ctx = g;
    if (evtx_file_read(path, &o, st, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static void got_free(struct got *g)
{
    for (unsigned i = 0; i < 4; i++)
        evtx_event_free(&g->ev[i]);
}

static void fragment_header(struct bld *b)
{
    p8(b, 0x0f);
    p8(b, 1);
    p8(b, 1);
    p8(b, 0);
}

/* <Name>text</Name> written as a record's direct element (no dependency identifier). */
static void direct_leaf(struct bld *b, const char *n, const char *t)
{
    open_el_direct(b, n, 0);
    p8(b, 0x02);
    text(b, t);
    p8(b, 0x04);
}

/* Record 1: no template at all, every element direct (as MSExchange Management and some WEC
 * forwarded records are written). */
static void direct_record(struct bld *b, uint64_t no)
{
    size_t start = b->len, size_at = record_begin(b, no);
    fragment_header(b);
    open_el_direct(b, "Event", 0);
    p8(b, 0x02);
    open_el_direct(b, "System", 0);
    p8(b, 0x02);
    open_el_direct(b, "Provider", 1);
    attr(b, "Name");
    text(b, "MSExchange CmdletLogs");
    p8(b, 0x03);
    direct_leaf(b, "EventID", "1");
    open_el_direct(b, "TimeCreated", 1);
    attr(b, "SystemTime");
    text(b, "2021-03-04T05:06:07.089Z");
    p8(b, 0x03);
    direct_leaf(b, "EventRecordID", "7");
    direct_leaf(b, "Channel", "MSExchange Management");
    direct_leaf(b, "Computer", "ex01.corp");
    p8(b, 0x04);
    open_el_direct(b, "EventData", 0);
    p8(b, 0x02);
    open_el_direct(b, "Data", 1);
    attr(b, "Name");
    text(b, "TargetUserName");
    p8(b, 0x02);
    text(b, "svc_direct");
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
    record_end(b, start, size_at);
}

/* Record 2: a template (elements with dependency identifiers) whose UserData is substitution %1
 * of type 0x21, a BinXML fragment of direct elements (as CAPI2 and many Operational channels). */
static void nested_record(struct bld *b, uint64_t no)
{
    size_t start = b->len, size_at = record_begin(b, no), def, dsize_at, frag_at, nv_at;
    uint8_t id[2] = {0x34, 0x12};

    fragment_header(b);
    dsize_at = template_def_begin(b, &def);
    fragment_header(b);
    open_el(b, "Event", 0);
    p8(b, 0x02);
    open_el(b, "System", 0);
    p8(b, 0x02);
    open_el(b, "Provider", 1);
    attr(b, "Name");
    text(b, "Microsoft-Windows-CAPI2");
    p8(b, 0x03);
    leaf_sub(b, "EventID", 0, 0x06);
    p8(b, 0x04);
    open_el(b, "UserData", 0);
    p8(b, 0x02);
    sub(b, 1, 0x21, 0);
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
    template_def_end(b, dsize_at);
    p32(b, 2);
    p16(b, 2);
    p8(b, 0x06);
    p8(b, 0);
    nv_at = b->len;
    p16(b, 0);
    p8(b, 0x21);
    p8(b, 0);
    memcpy(b->c + b->len, id, 2);
    b->len += 2;
    frag_at = b->len;
    fragment_header(b);
    open_el_direct(b, "CertGetCertificateChain", 1);
    attr(b, "xmlns");
    text(b, "http://x.example/e");
    p8(b, 0x02);
    direct_leaf(b, "TargetUserName", "svc_nested");
    open_el_direct(b, "Certificate", 1);
    attr(b, "fileRef");
    text(b, "A1.cer");
    p8(b, 0x03);
    p8(b, 0x04);
    p8(b, 0x00);
    b->c[nv_at] = (uint8_t)(b->len - frag_at);
    b->c[nv_at + 1] = (uint8_t)((b->len - frag_at) >> 8);
    record_end(b, start, size_at);
}

static void test_nested_and_direct_elements(void **state)
{
    static struct bld b;
    evtx_file_stats st;
    struct got g;
    (void)state;

    memset(&b, 0, sizeof b);
    b.len = 512;
    direct_record(&b, 1);
    nested_record(&b, 2);
    chunk_finish(&b, 1, 2);
    read_chunk_file(&b, &g, &st);
    if (g.skips)
        fail_msg("skipped: %s", g.last_skip);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.bad_records, 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ev[0].event_id, 1);
    assert_string_equal(g.ev[0].channel, "MSExchange Management");
    assert_string_equal(g.ev[0].computer, "ex01.corp");
    assert_string_equal(evtx_event_get(&g.ev[0], "TargetUserName"), "svc_direct");
    assert_int_equal(g.ev[1].event_id, 0x1234);
    assert_string_equal(g.ev[1].provider, "Microsoft-Windows-CAPI2");
    assert_string_equal(evtx_event_get(&g.ev[1], "TargetUserName"), "svc_nested");
    got_free(&g);
}

/* A chunk of tiny records, each instantiating one template whose body repeats a 64-character
 * value 8,000 times (512 KiB of XML per ~200-byte record, ~80 MiB for the chunk unbounded). */
static unsigned expanding_chunk(struct bld *b)
{
    size_t def = 0;
    uint64_t no = 1;
    char v[65];

    memset(b, 0, sizeof *b);
    memset(v, 'x', 64);
    v[64] = '\0';
    b->len = 512;
    while (b->len + 400 < EVTX_BUILD_CHUNK) {
        size_t start = b->len, size_at = record_begin(b, no);
        fragment_header(b);
        if (!def) {
            size_t dsize_at = template_def_begin(b, &def);
            fragment_header(b);
            open_el(b, "Event", 0);
            p8(b, 0x02);
            open_el(b, "System", 0);
            p8(b, 0x02);
            leaf_sub(b, "EventID", 0, 0x06);
            p8(b, 0x04);
            open_el(b, "EventData", 0);
            p8(b, 0x02);
            data_el(b, "Blob", 1);
            for (int i = 0; i < 8000; i++)
                sub(b, 1, 0x01, 0);
            p8(b, 0x04);
            p8(b, 0x04);
            p8(b, 0x04);
            p8(b, 0x00);
            template_def_end(b, dsize_at);
        } else {
            p8(b, 0x0c);
            p8(b, 1);
            p32(b, 0x1234);
            p32(b, (uint32_t)def);
        }
        p32(b, 2);
        p16(b, 2);
        p8(b, 0x06);
        p8(b, 0);
        p16(b, 128);
        p8(b, 0x01);
        p8(b, 0);
        p16(b, 4624);
        pstr16(b, v);
        record_end(b, start, size_at);
        no++;
    }
    chunk_finish(b, 1, no - 1);
    return (unsigned)(no - 1);
}

static void test_chunk_xml_bound(void **state)
{
    static struct bld b;
    unsigned n = expanding_chunk(&b);
    evtx_file_stats st;
    struct got g;
    (void)state;

    read_chunk_file(&b, &g, &st);
    printf("%u records; %llu delivered, %llu over the bound, %llu KiB of XML\n", n,
           (unsigned long long)st.delivered, (unsigned long long)st.over_budget,
           (unsigned long long)(st.xml_bytes >> 10));
    assert_true(n > 100);
    assert_int_equal(st.records, n);
    assert_true(st.delivered > 0);       /* records before the bound are read */
    assert_true(st.over_budget > n / 2); /* the rest skipped, counted */
    assert_int_equal(st.delivered + st.over_budget, n);
    assert_true(st.xml_bytes <= EVTX_CHUNK_XML_MAX);
    assert_int_equal(g.skips, 1); /* reported once, naming the chunk */
    assert_non_null(strstr(g.last_skip, "chunk 0 (file offset 4096)"));
    assert_non_null(strstr(g.last_skip, "XML bound"));
    got_free(&g);
}

/* The same chunk over and over: past the first chunks the file's bound, not the chunk's, applies. */
static void test_file_xml_bound(void **state)
{
    static struct bld b;
    const unsigned chunks = 6;
    uint8_t *file = malloc(EVTX_BUILD_FHDR + (size_t)chunks * EVTX_BUILD_CHUNK);
    char path[700], err[512];
    evtx_xml_opts o = {0};
    evtx_file_stats st;
    struct got g;
    size_t len;
    FILE *f;
    (void)state;

    assert_non_null(file);
    expanding_chunk(&b);
    len = file_of_chunk(file, &b);
    for (unsigned i = 1; i < chunks; i++, len += EVTX_BUILD_CHUNK)
        memcpy(file + len, b.c, EVTX_BUILD_CHUNK);
    snprintf(path, sizeof path, "%s/bound.evtx", tmpdir);
    assert_non_null(f = fopen(path, "wb"));
    assert_int_equal(fwrite(file, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    memset(&g, 0, sizeof g);
    for (unsigned i = 0; i < 4; i++)
        evtx_event_init(&g.ev[i]);
    o.on_event = keep;
    o.on_skip = note_skip;
    o.ctx = &g;
    if (evtx_file_read(path, &o, &st, err, sizeof err) != 0)
        fail_msg("%s", err);
    printf("%u chunks: %llu delivered, %llu over the bound, %llu KiB of XML\n", chunks,
           (unsigned long long)st.delivered, (unsigned long long)st.over_budget,
           (unsigned long long)(st.xml_bytes >> 10));
    assert_true(st.xml_bytes <= EVTX_CHUNK_XML_MAX + (uint64_t)EVTX_FILE_XML_RATIO * len);
    assert_true(st.xml_bytes < (uint64_t)chunks * EVTX_CHUNK_XML_MAX / 2);
    assert_int_equal(g.skips, chunks);
    assert_non_null(strstr(g.last_skip, "the file's XML bound"));
    got_free(&g);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_and_direct_elements),
        cmocka_unit_test(test_chunk_xml_bound),
        cmocka_unit_test(test_file_xml_bound),
    };
    testutil_init();
    testutil_tmpdir(tmpdir, sizeof tmpdir, "evtxbinxml");
    return testutil_run(tests);
}
