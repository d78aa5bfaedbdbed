/* test_evtx_direct.c - the direct .evtx path (evtx/binxml_direct.c, binxml_template.c) against the
 * reference, render-to-XML + parse (evtx_xml_opts.xml_only): for every record of crafted chunks
 * (odd values, wrong value types and sizes, truncated substitution arrays, nested BinXML 0x21
 * values, more than EVTX_MAX_FIELDS fields) and of the corpus (../shared/corpus, skipped when
 * absent) and ADDECOY_EVTX_SAMPLES (when set), both yield the same events and the same counts;
 * and the values a prefilter sees (evtx_values_get) are exactly those of the built event. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "evtx_build.h"
#include "testutil.h"

static char tmpdir[512];

struct run {
    evtx_event *ev;
    size_t n, cap;
    unsigned skips;
    unsigned view_checked; /* fields compared between evtx_values_get and the built event */
    evtx_event pending;    /* the values the prefilter saw, as fields */
    int have_pending;
};

static int keep(void *ctx, const evtx_event *ev, uint64_t end)
{
    struct run *r = ctx;
    (void)end;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        assert_non_null(r->ev = realloc(r->ev, r->cap * sizeof *r->ev));
    }
    evtx_event_init(&r->ev[r->n]);
    assert_int_equal(evtx_event_copy(&r->ev[r->n++], ev), 0);
    if (r->have_pending) { /* every value the prefilter was shown is the event's own */
        for (size_t i = 0; i < r->pending.nfields; i++) {
            const char *v = evtx_event_get(ev, r->pending.fields[i].name);
            if (!v || strcmp(v, r->pending.fields[i].value) != 0)
                fail_msg("record %llu: %s: prefilter saw '%s', event holds '%s'",
                         (unsigned long long)ev->record_id, r->pending.fields[i].name,
                         r->pending.fields[i].value, v ? v : "(absent)");
            r->view_checked++;
        }
        r->have_pending = 0;
    }
    return 0;
}

static void count_skip(void *ctx, evtx_skip_reason why, uint64_t off, const char *detail)
{
    (void)why;
    (void)off;
    (void)detail;
    ((struct run *)ctx)->skips++;
}

/* Asks for every field the detector reads and keeps the answers for keep() to check. */
static int look(void *ctx, unsigned id, const evtx_values *v)
{
    struct run *r = ctx;
    (void)id;
    evtx_event_reset(&r->pending);
    for (size_t i = 0; i < evtx_security_nfields; i++) {
        const char *val;
        size_t n;
        int rc = evtx_values_get(v, evtx_security_fields[i], &val, &n);
        assert_true(rc >= -1 && rc <= 1);
        if (rc == 1) {
            assert_int_equal(strlen(val), n);
            assert_int_equal(evtx_event_add_field(&r->pending, evtx_security_fields[i], val, n), 0);
        }
    }
    r->have_pending = 1;
    return 1;
}

static void run_free(struct run *r)
{
    for (size_t i = 0; i < r->n; i++)
        evtx_event_free(&r->ev[i]);
    free(r->ev);
    evtx_event_free(&r->pending);
}

static void read_as(const char *path, int xml_only, struct run *r, evtx_file_stats *st)
{
    evtx_xml_opts o;
    char err[512];

    memset(&o, 0, sizeof o);
    memset(r, 0, sizeof *r);
    evtx_event_init(&r->pending);
    o.on_event = keep;
    o.on_skip = count_skip;
    o.ctx = r;
    o.xml_only = xml_only;
    o.value_prefilter = xml_only ? NULL : look;
    if (evtx_file_read(path, &o, st, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static void same_event(const evtx_event *a, const evtx_event *b, const char *path, size_t i)
{
    char where[700];
    snprintf(where, sizeof where, "%s: event %zu (record %llu)", path, i, (unsigned long long)a->record_id);
#define SAME_NUM(f)                                                                                          \
    do {                                                                                                     \
        if (a->f != b->f)                                                                                    \
            fail_msg("%s: " #f " %lld (XML) != %lld (direct)", where, (long long)a->f, (long long)b->f);     \
    } while (0)
#define SAME_STR(f)                                                                                          \
    do {                                                                                                     \
        if (strcmp(a->f, b->f) != 0)                                                                         \
            fail_msg("%s: " #f " '%s' (XML) != '%s' (direct)", where, a->f, b->f);                           \
    } while (0)
    SAME_NUM(event_id);
    SAME_NUM(version);
    SAME_NUM(record_id);
    SAME_NUM(time_ms);
    SAME_NUM(nfields);
    SAME_NUM(truncated);
    SAME_STR(time_created);
    SAME_STR(channel);
    SAME_STR(provider);
    SAME_STR(computer);
    for (size_t k = 0; k < a->nfields; k++) {
        if (strcmp(a->fields[k].name, b->fields[k].name) != 0 || a->fields[k].len != b->fields[k].len ||
            memcmp(a->fields[k].value, b->fields[k].value, a->fields[k].len) != 0)
            fail_msg("%s: field %zu: %s='%.200s' (XML) != %s='%.200s' (direct)", where, k, a->fields[k].name,
                     a->fields[k].value, b->fields[k].name, b->fields[k].value);
    }
}

/* Reads path both ways; the events and counts must be the same. Returns the direct count. */
static uint64_t check_file(const char *path, uint64_t *records)
{
    struct run x, d;
    evtx_file_stats sx, sd;

    read_as(path, 1, &x, &sx);
    read_as(path, 0, &d, &sd);
    assert_int_equal(sx.direct, 0);
    if (sx.records != sd.records || sx.delivered != sd.delivered || sx.bad_records != sd.bad_records ||
        sx.filtered != sd.filtered || sx.over_budget != sd.over_budget || sx.bad_chunks != sd.bad_chunks ||
        x.skips != d.skips)
        fail_msg("%s: counts differ: records %llu/%llu delivered %llu/%llu bad %llu/%llu over %llu/%llu skips %u/%u",
                 path, (unsigned long long)sx.records, (unsigned long long)sd.records,
                 (unsigned long long)sx.delivered, (unsigned long long)sd.delivered,
                 (unsigned long long)sx.bad_records, (unsigned long long)sd.bad_records,
                 (unsigned long long)sx.over_budget, (unsigned long long)sd.over_budget, x.skips, d.skips);
    assert_int_equal(x.n, d.n);
    for (size_t i = 0; i < x.n; i++)
        same_event(&x.ev[i], &d.ev[i], path, i);
    *records = sd.records;
    run_free(&x);
    run_free(&d);
    return sd.direct;
}

/* ---- crafted records ------------------------------------------------------------------------ */

struct val {
    unsigned type;
    const void *p;
    size_t n;
};

static void fragment_header(struct bld *b)
{
    p8(b, 0x0f);
    p8(b, 1);
    p8(b, 1);
    p8(b, 0);
}

/* A Security-style template: Provider/@Name (optional %10), EventID %0, Version %1,
 * TimeCreated/@SystemTime %2, EventRecordID %3, Channel (text), Computer %4, and EventData:
 * TargetUserName %5, TargetUserSid %6, IpAddress (optional %7), Blob %8, a Data without Name %9,
 * TargetUserName again (text). */
static void plain_template(struct bld *b)
{
    fragment_header(b);
    open_el(b, "Event", 1);
    attr(b, "xmlns");
    text(b, "http://schemas.microsoft.com/win/2004/08/events/event");
    p8(b, 0x02);
    open_el(b, "System", 0);
    p8(b, 0x02);
    open_el(b, "Provider", 1);
    attr(b, "Name");
    sub(b, 10, 0x01, 1);
    attr(b, "Guid");
    text(b, "{54849625}");
    p8(b, 0x03);
    leaf_sub(b, "EventID", 0, 0x06);
    leaf_sub(b, "Version", 1, 0x04);
    open_el(b, "TimeCreated", 1);
    attr(b, "SystemTime");
    sub(b, 2, 0x11, 0);
    p8(b, 0x03);
    leaf_sub(b, "EventRecordID", 3, 0x0a);
    open_el(b, "Channel", 0);
    p8(b, 0x02);
    text(b, "Security");
    p8(b, 0x04);
    leaf_sub(b, "Computer", 4, 0x01);
    p8(b, 0x04);
    open_el(b, "EventData", 0);
    p8(b, 0x02);
    data_el(b, "TargetUserName", 1);
    sub(b, 5, 0x01, 0);
    p8(b, 0x04);
    data_el(b, "TargetUserSid", 1);
    sub(b, 6, 0x13, 0);
    p8(b, 0x04);
    data_el(b, "IpAddress", 1);
    sub(b, 7, 0x01, 1);
    p8(b, 0x04);
    data_el(b, "Blob", 1);
    sub(b, 8, 0x0e, 0);
    p8(b, 0x04);
    open_el(b, "Data", 0);
    p8(b, 0x02);
    sub(b, 9, 0x01, 0);
    p8(b, 0x04);
    data_el(b, "TargetUserName", 1);
    text(b, "second");
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
}

/* 140 Data fields, each substitution %0 (EventID too): more fields than the event keeps. */
static void wide_template(struct bld *b)
{
    char n[16];
    fragment_header(b);
    open_el(b, "Event", 0);
    p8(b, 0x02);
    open_el(b, "System", 0);
    p8(b, 0x02);
    leaf_sub(b, "EventID", 0, 0x06);
    p8(b, 0x04);
    open_el(b, "EventData", 0);
    p8(b, 0x02);
    for (int i = 0; i < 140; i++) {
        snprintf(n, sizeof n, "F%d", i);
        data_el(b, n, 1);
        sub(b, i % 2, 0x01, 0);
        p8(b, 0x04);
    }
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
}

/* A record instantiating the template at *def (defined inline by 'body' when *def is 0) with
 * the values v[0..n); 'claim' > n claims more values than are written (a truncated array). */
static void record(struct bld *b, uint64_t no, size_t *def, void (*body)(struct bld *), const struct val *v,
                   size_t n, size_t claim)
{
    size_t start = b->len, size_at = record_begin(b, no);
    fragment_header(b);
    if (!*def) {
        size_t dsize_at = template_def_begin(b, def);
        body(b);
        template_def_end(b, dsize_at);
    } else {
        p8(b, 0x0c);
        p8(b, 1);
        p32(b, 0x1234);
        p32(b, (uint32_t)*def);
    }
    p32(b, (uint32_t)(claim > n ? claim : n));
    for (size_t i = 0; i < n; i++) {
        p16(b, (unsigned)v[i].n);
        p8(b, v[i].type);
        p8(b, 0);
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].n)
            memcpy(b->c + b->len, v[i].p, v[i].n);
        b->len += v[i].n;
    }
    p8(b, 0x00);
    record_end(b, start, size_at);
}

/* UTF-16LE of an ASCII string with \uXXXX-free escapes: bytes >= 0x80 are taken as code units. */
static size_t u16(uint8_t *out, const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        out[n++] = (uint8_t)*s;
        out[n++] = 0;
    }
    return n;
}

static void write_chunk_file(const struct bld *b, const char *name, char *path, size_t len)
{
    static uint8_t file[EVTX_BUILD_FHDR + EVTX_BUILD_CHUNK];
    size_t n = file_of_chunk(file, b);
    FILE *f;
    snprintf(path, len, "%s/%s", tmpdir, name);
    assert_non_null(f = fopen(path, "wb"));
    assert_int_equal(fwrite(file, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void test_crafted_records(void **state)
{
    static struct bld b;
    static uint8_t user[256], odd[256], comp[64], prov[128], ws[16], longv[60000], nested[256];
    static const uint8_t sid[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0x39, 0x30, 0, 0, 0xe8, 3, 0, 0};
    static const uint8_t blob[] = {0xde, 0xad, 0xbe, 0xef},
                         ft[] = {0x00, 0x5c, 0x1c, 0x3b, 0x4e, 0x6a, 0xd6, 0x01};
    uint16_t id4624 = 4624, id_big[4] = {0xffff, 0xffff, 0xffff, 0x7fff};
    uint8_t ver = 2, rid[8] = {7, 0, 0, 0, 0, 0, 0, 0}, rid32[4] = {9, 0, 0, 0};
    size_t def = 0, def2 = 0, nu, no, nc, np, nw, nn = 0, k;
    uint64_t records, direct;
    char path[700];
    (void)state;

    memset(&b, 0, sizeof b);
    b.len = 512;
    nu = u16(user, "a&b<c>\"d'e");
    nc = u16(comp, "dc\r\n01\r");
    np = u16(prov, "Microsoft-Windows-Security-Auditing");
    nw = u16(ws, " \n ");
    no = u16(odd, "x\x01y\tz");
    odd[no++] = 0xfe;
    odd[no++] = 0xff; /* U+FFFE */
    odd[no++] = 0x00;
    odd[no++] = 0xd8; /* a lone high surrogate */
    odd[no++] = 0x41;
    odd[no++] = 0x00;
    for (k = 0; k + 1 < sizeof longv; k += 2) { /* U+20AC: 3 bytes each, past EVTX_FIELD_MAX */
        longv[k] = 0xac;
        longv[k + 1] = 0x20;
    }
    /* a nested BinXML value: <X>nested</X> */
    {
        struct bld *n = calloc(1, sizeof *n);
        assert_non_null(n);
        fragment_header(n);
        open_el_direct(n, "X", 0);
        p8(n, 0x02);
        text(n, "nested");
        p8(n, 0x04);
        p8(n, 0x00);
        memcpy(nested, n->c, n->len);
        nn = n->len;
        free(n);
    }
    {
        const struct val plain[] = {{0x06, &id4624, 2},      {0x04, &ver, 1},  {0x11, ft, 8},
                                    {0x0a, rid, 8},          {0x01, comp, nc}, {0x01, user, nu},
                                    {0x13, sid, sizeof sid}, {0x01, ws, nw},   {0x0e, blob, 4},
                                    {0x01, odd, no},         {0x01, prov, np}};
        /* wrong types and sizes: EventID as text, Version as text, time as text, record id as
         * UInt32, user as UInt32, a short SID, IpAddress absent, Blob a 5-byte "GUID", no Provider */
        const struct val wrong[] = {{0x01, u16(user + 128, " 4769 ") ? user + 128 : NULL, 12},
                                    {0x01, ws, nw},
                                    {0x01, longv, 48},
                                    {0x08, rid32, 4},
                                    {0x01, comp, 0},
                                    {0x08, rid32, 4},
                                    {0x13, sid, 3},
                                    {0x01, ws, 0},
                                    {0x0f, blob, 4},
                                    {0x00, NULL, 0},
                                    {0x01, prov, 0}};
        const struct val bad_id[] = {{0x01, user, nu}};
        const struct val big_id[] = {{0x0a, id_big, 8}};
        const struct val few[] = {{0x06, &id4624, 2}, {0x04, &ver, 1}, {0x11, ft, 8}};
        const struct val nest[] = {{0x06, &id4624, 2},      {0x04, &ver, 1},  {0x11, ft, 8},
                                   {0x0a, rid, 8},          {0x01, comp, nc}, {0x01, user, nu},
                                   {0x13, sid, sizeof sid}, {0x01, ws, nw},   {0x21, nested, nn}};
        const struct val longrec[] = {{0x06, &id4624, 2}, {0x04, &ver, 1},  {0x11, ft, 8},
                                      {0x0a, rid, 8},     {0x01, comp, nc}, {0x01, longv, sizeof longv}};
        const struct val wide[] = {{0x06, &id4624, 2}, {0x01, user, nu}};
        record(&b, 1, &def, plain_template, plain, 11, 0);
        record(&b, 2, &def, plain_template, wrong, 11, 0);
        record(&b, 3, &def, plain_template, bad_id, 1, 0); /* EventID not a number: malformed */
        record(&b, 4, &def, plain_template, big_id, 1, 0); /* EventID > UINT_MAX: malformed */
        record(&b, 5, &def, plain_template, few, 3, 0);    /* values missing: empty */
        record(&b, 6, &def, plain_template, few, 3, 40);   /* array claims 40: truncated */
        record(&b, 7, &def, plain_template, nest, 9, 0);   /* a nested BinXML value */
        record(&b, 8, &def2, wide_template, wide, 2, 0);   /* 140 fields */
        record(&b, 9, &def2, wide_template, wide, 2, 0);
        chunk_finish(&b, 1, 9);
        write_chunk_file(&b, "crafted.evtx", path, sizeof path);
        direct = check_file(path, &records);
        assert_int_equal(records, 9);
        printf("crafted: %llu of %llu records read directly\n", (unsigned long long)direct,
               (unsigned long long)records);
        assert_int_equal(direct, 5); /* 1, 2, 5, 8, 9; the malformed, truncated and nested ones via XML */
        memset(&b, 0, sizeof b);
        b.len = 512;
        def = 0;
        record(&b, 1, &def, plain_template, longrec, 6, 0);
        chunk_finish(&b, 1, 1);
        write_chunk_file(&b, "long.evtx", path, sizeof path);
        assert_int_equal(check_file(path, &records), 1);
    }
}

/* The form Windows writes most Security logs in: the record's template holds System and, inside
 * <Event>, substitution %2: a BinXML value that instantiates the event's own template (EventData). */
static void system_template(struct bld *b)
{
    fragment_header(b);
    open_el(b, "Event", 0);
    p8(b, 0x02);
    open_el(b, "System", 0);
    p8(b, 0x02);
    leaf_sub(b, "EventID", 0, 0x06);
    leaf_sub(b, "Computer", 1, 0x01);
    p8(b, 0x04);
    sub(b, 2, 0x21, 1);
    p8(b, 0x04);
    p8(b, 0x00);
}

static void eventdata_template(struct bld *b)
{
    fragment_header(b);
    open_el(b, "EventData", 0);
    p8(b, 0x02);
    data_el(b, "TargetUserName", 1);
    sub(b, 0, 0x01, 0);
    p8(b, 0x04);
    data_el(b, "ServiceName", 1);
    sub(b, 1, 0x01, 0);
    p8(b, 0x04);
    p8(b, 0x04);
    p8(b, 0x00);
}

enum nest_kind { NEST_OK, NEST_SHORT_ARRAY, NEST_INNER_BINXML, NEST_TRAILING, NEST_TEXT };

static void nested_record(struct bld *b, uint64_t no, size_t *def, size_t *idef, enum nest_kind k)
{
    size_t start = b->len, size_at = record_begin(b, no), nv_at, v_at, dsize_at;
    uint16_t id = 4769;
    uint8_t name[32], svc[32];
    size_t nn = u16(name, "alice"), ns = u16(svc, "MSSQLSvc/db01");

    fragment_header(b);
    if (!*def) {
        dsize_at = template_def_begin(b, def);
        system_template(b);
        template_def_end(b, dsize_at);
    } else {
        p8(b, 0x0c);
        p8(b, 1);
        p32(b, 0x1234);
        p32(b, (uint32_t)*def);
    }
    p32(b, 3);
    p16(b, 2);
    p8(b, 0x06);
    p8(b, 0);
    p16(b, 8);
    p8(b, 0x01);
    p8(b, 0);
    nv_at = b->len;
    p16(b, 0);
    p8(b, k == NEST_TEXT ? 0x01 : 0x21);
    p8(b, 0);
    p16(b, id);
    pstr16(b, "dc01");
    v_at = b->len;
    if (k == NEST_TEXT)
        pstr16(b, "text");
    else {
        fragment_header(b);
        if (!*idef) {
            dsize_at = template_def_begin(b, idef);
            eventdata_template(b);
            template_def_end(b, dsize_at);
        } else {
            p8(b, 0x0c);
            p8(b, 1);
            p32(b, 0x1234);
            p32(b, (uint32_t)*idef);
        }
        p32(b, k == NEST_SHORT_ARRAY ? 9 : 2);
        p16(b, (unsigned)nn);
        p8(b, k == NEST_INNER_BINXML ? 0x21 : 0x01);
        p8(b, 0);
        p16(b, (unsigned)ns);
        p8(b, 0x01);
        p8(b, 0);
        memcpy(b->c + b->len, name, nn);
        b->len += nn;
        memcpy(b->c + b->len, svc, ns);
        b->len += ns;
        p8(b, k == NEST_TRAILING ? 0x05 : 0x00);
    }
    b->c[nv_at] = (uint8_t)(b->len - v_at);
    b->c[nv_at + 1] = (uint8_t)((b->len - v_at) >> 8);
    p8(b, 0x00);
    record_end(b, start, size_at);
}

static void test_crafted_nested(void **state)
{
    static struct bld b;
    static const enum nest_kind kinds[] = {NEST_OK,       NEST_OK,   NEST_SHORT_ARRAY, NEST_INNER_BINXML,
                                           NEST_TRAILING, NEST_TEXT, NEST_OK};
    size_t def = 0, idef = 0;
    uint64_t records, direct;
    char path[700];
    (void)state;

    memset(&b, 0, sizeof b);
    b.len = 512;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        nested_record(&b, i + 1, &def, &idef, kinds[i]);
    chunk_finish(&b, 1, sizeof kinds / sizeof kinds[0]);
    write_chunk_file(&b, "nested.evtx", path, sizeof path);
    direct = check_file(path, &records);
    assert_int_equal(records, 7);
    assert_int_equal(direct, 4); /* the three NEST_OK and NEST_TEXT; the damaged ones via XML */
}

/* ---- real logs ------------------------------------------------------------------------------ */

static uint64_t check_dir(const char *dir, uint64_t *records, unsigned *files)
{
    struct dirent *e;
    uint64_t direct = 0, n;
    DIR *d = opendir(dir);
    char path[1024];

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".evtx") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!evtx_file_is_evtx(path))
            continue;
        direct += check_file(path, &n);
        *records += n;
        ++*files;
    }
    closedir(d);
    return direct;
}

static void test_corpus_same_events(void **state)
{
    const char *corpus = testutil_corpus(), *samples = getenv("ADDECOY_EVTX_SAMPLES");
    char dir[700];
    uint64_t records = 0, direct = 0;
    unsigned files = 0;
    (void)state;

    if (samples && *samples)
        direct += check_dir(samples, &records, &files);
    if (!corpus) {
        printf("SKIP: no corpus: only ADDECOY_EVTX_SAMPLES (%u files) compared\n", files);
        return;
    }
    snprintf(dir, sizeof dir, "%s/evtx", corpus);
    direct += check_dir(dir, &records, &files);
    printf("%u files, %llu records, %llu read directly, each the same event as through XML\n", files,
           (unsigned long long)records, (unsigned long long)direct);
    assert_true(files > 0);
    assert_true(direct * 10 >= records * 6); /* most Security records are of the plain form */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crafted_records),
        cmocka_unit_test(test_crafted_nested),
        cmocka_unit_test(test_corpus_same_events),
    };
    testutil_init();
    testutil_tmpdir(tmpdir, sizeof tmpdir, "evtxdirect");
    return testutil_run(tests);
}
