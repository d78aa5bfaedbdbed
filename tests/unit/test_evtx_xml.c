/* Unit tests of the rendered-XML input (evtx/xml_stream.c, evtx/xml_record.c): fixtures of both
 * rendered forms, hostile values, malformed/truncated/oversized records, chunking, corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "evtx/xml_record.h"
#include "testutil.h"

/* ---- a transcript of everything a stream reports, to compare runs ----------------------- */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

#define MAX_EVENTS 64
typedef struct collect {
    text log;                  /* one line per event or skip */
    evtx_event ev[MAX_EVENTS]; /* copies of the first events */
    uint64_t end[MAX_EVENTS];
    size_t nev;
    int nskip;
    evtx_skip_reason why[MAX_EVENTS];
    uint64_t skip_off[MAX_EVENTS];
    char detail[MAX_EVENTS][512];
    size_t stop_at; /* return 7 on this event (1-based), 0 = never */
} collect;

static int on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    collect *c = ctx;
    text_add(&c->log, "E %llu id=%u v=%u rid=%llu t=%lld %s|%s|%s|%s|%lu|", (unsigned long long)end_offset,
             ev->event_id, ev->version, (unsigned long long)ev->record_id, (long long)ev->time_ms,
             ev->time_created, ev->channel, ev->provider, ev->computer, (unsigned long)ev->nfields);
    for (size_t i = 0; i < ev->nfields; i++)
        text_add(&c->log, "%s=%s;", ev->fields[i].name, ev->fields[i].value);
    text_add(&c->log, "\n");
    if (c->nev < MAX_EVENTS) {
        evtx_event_init(&c->ev[c->nev]);
        assert_int_equal(evtx_event_copy(&c->ev[c->nev], ev), 0);
        c->end[c->nev] = end_offset;
    }
    c->nev++;
    return c->stop_at && c->nev == c->stop_at ? 7 : 0;
}

static void on_skip(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail)
{
    collect *c = ctx;
    text_add(&c->log, "S %d %llu %s\n", (int)why, (unsigned long long)offset, detail);
    if (c->nskip < MAX_EVENTS) {
        c->why[c->nskip] = why;
        c->skip_off[c->nskip] = offset;
        snprintf(c->detail[c->nskip], sizeof c->detail[0], "%s", detail);
    }
    c->nskip++;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->nev && i < MAX_EVENTS; i++)
        evtx_event_free(&c->ev[i]);
    free(c->log.s);
    memset(c, 0, sizeof *c);
}

static evtx_xml_opts opts_for(collect *c, const uint8_t *want)
{
    evtx_xml_opts o;
    memset(&o, 0, sizeof o);
    o.on_event = on_event;
    o.on_skip = on_skip;
    o.ctx = c;
    o.want_ids = want;
    return o;
}

/* Feeds data in chunks of 'chunk' bytes (0 = at once); returns the stats. */
static evtx_stream_stats run(collect *c, const char *data, size_t len, size_t chunk, const uint8_t *want,
                             uint64_t *consumed)
{
    evtx_xml_opts o = opts_for(c, want);
    evtx_xml_stream *s = evtx_xml_new(&o);
    evtx_stream_stats st;
    assert_non_null(s);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk)
        assert_int_equal(evtx_xml_feed(s, data + off, len - off < chunk ? len - off : chunk), 0);
    assert_int_equal(evtx_xml_finish(s), 0);
    st = *evtx_xml_stats(s);
    if (consumed)
        *consumed = evtx_xml_consumed(s);
    text_add(&c->log, "consumed %llu\n", (unsigned long long)evtx_xml_consumed(s));
    evtx_xml_free(s);
    return st;
}

static char *fixture(const char *name, size_t *len)
{
    char path[4096], rel[256];
    char *data;
    snprintf(rel, sizeof rel, "xml/%s", name);
    data = testutil_slurp(testutil_fixture(path, sizeof path, rel), len);
    if (!data)
        fail_msg("cannot read fixture %s", path);
    return data;
}

/* Offset just past the n-th (0-based) "</Event>" in data. */
static uint64_t end_of(const char *data, int n)
{
    const char *p = data;
    for (int i = 0; i <= n; i++) {
        p = strstr(p, "</Event>");
        assert_non_null(p);
        p += 8;
    }
    return (uint64_t)(p - data);
}

static size_t count_event_tags(const char *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i + 7 <= len; i++)
        if (memcmp(data + i, "<Event ", 7) == 0)
            n++;
    return n;
}

static void want_set(uint8_t *want, unsigned id) { want[id >> 3] |= (uint8_t)(1u << (id & 7)); }

/* ---- fixtures ---------------------------------------------------------------------------- */

static void test_evtrender_form(void **state)
{
    collect c = {0};
    size_t len;
    uint64_t consumed;
    char *data = fixture("evtrender.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, &consumed);
    (void)state;
    assert_int_equal(st.records, 2);
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.malformed + st.truncated + st.oversized, 0);
    assert_int_equal(c.nev, 2);
    evtx_event *e = &c.ev[0];
    assert_int_equal(e->event_id, 4769);
    assert_int_equal(e->record_id, 24476805);
    assert_int_equal(e->time_ms, 1596367986521);
    assert_string_equal(e->time_created, "2020-08-02T11:33:06.521Z");
    assert_string_equal(e->channel, "ForwardedEvents");
    assert_string_equal(e->provider, "Microsoft-Windows-Security-Auditing");
    assert_string_equal(e->computer, "DC01.offsec.lan");
    assert_int_equal(e->nfields, 11);
    assert_string_equal(evtx_event_get(e, "ServiceName"), "Svc-SQL-DB01");
    assert_string_equal(evtx_event_get(e, "TicketEncryptionType"), "0x17");
    assert_string_equal(evtx_event_get(e, "IpAddress"), "::ffff:10.23.23.9");
    assert_int_equal(c.end[0], end_of(data, 0));
    e = &c.ev[1];
    assert_int_equal(e->event_id, 7036); /* Qualifiers attribute ignored */
    assert_string_equal(e->time_created, "2021-01-05T09:00:00.000Z");
    assert_string_equal(e->channel, "System");
    assert_string_equal(evtx_event_get(e, "param2"), "running");
    assert_int_equal(c.end[1], len);
    assert_int_equal(consumed, len);
    collect_free(&c);
    free(data);
}

static void test_evtxexport_form(void **state)
{
    collect c = {0};
    size_t len;
    uint64_t consumed;
    char *data = fixture("evtxexport.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, &consumed);
    (void)state;
    assert_int_equal(st.records, 2);
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.malformed + st.truncated + st.oversized, 0);
    assert_int_equal(c.nskip, 0); /* declarations and garbage between records are not records */
    assert_int_equal(c.ev[0].event_id, 4624);
    assert_int_equal(c.ev[0].version, 2);
    assert_int_equal(c.ev[0].record_id, 1001);
    assert_string_equal(c.ev[0].time_created, "2019-03-19T23:34:38.521Z");
    assert_string_equal(evtx_event_get(&c.ev[0], "TargetUserName"), "honey-pot1");
    assert_string_equal(evtx_event_get(&c.ev[0], "ProcessName"), "");
    assert_int_equal(c.ev[0].nfields, 7);
    assert_int_equal(c.ev[1].event_id, 4625);
    assert_string_equal(c.ev[1].time_created, "2019-03-19T23:34:39.000Z");
    assert_string_equal(evtx_event_get(&c.ev[1], "Status"), "0xc000006d");
    /* "</Event >" closes the second record */
    const char *close = strstr(data, "</Event >");
    assert_non_null(close);
    assert_int_equal(c.end[1], (uint64_t)(close - data) + 9);
    assert_int_equal(consumed, c.end[1]);
    collect_free(&c);
    free(data);
}

static void test_eventdata_any_order(void **state)
{
    collect c = {0};
    size_t len;
    char *data = fixture("eventdata-order.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, NULL);
    (void)state;
    assert_int_equal(st.delivered, 2);
    evtx_event *e = &c.ev[0];
    assert_int_equal(e->nfields, 10); /* <Binary> is not a field */
    assert_string_equal(evtx_event_get(e, "TargetUserName"), "admin-test");
    assert_string_equal(evtx_event_get(e, "PreAuthType"), "0");
    assert_string_equal(evtx_event_get(e, "ExtraFieldFromTheFuture"), "yes");
    assert_string_equal(evtx_event_get(e, "CertIssuerName"), "");
    assert_string_equal(evtx_event_get(e, "Data"), "unnamed value");
    assert_string_equal(evtx_event_get(e, "Spaces"), "  two spaces  ");
    assert_string_equal(evtx_event_get(e, "TicketEncryptionType"), "0x17");
    e = &c.ev[1]; /* System children in another order */
    assert_int_equal(e->event_id, 4768);
    assert_int_equal(e->record_id, 6);
    assert_string_equal(e->computer, "DC01");
    assert_string_equal(e->provider, "Microsoft-Windows-Security-Auditing");
    assert_string_equal(evtx_event_get(e, "IpAddress"), "10.23.23.10");
    collect_free(&c);
    free(data);
}

static void test_userdata(void **state)
{
    collect c = {0};
    size_t len;
    char *data = fixture("userdata.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, NULL);
    (void)state;
    assert_int_equal(st.delivered, 1);
    assert_int_equal(c.ev[0].event_id, 1102);
    assert_int_equal(c.ev[0].nfields, 5);
    assert_string_equal(evtx_event_get(&c.ev[0], "SubjectUserName"), "a-jbrown");
    assert_string_equal(evtx_event_get(&c.ev[0], "SubjectLogonId"), "0x000000000003a17a");
    assert_string_equal(evtx_event_get(&c.ev[0], "Empty"), "");
    assert_null(evtx_event_get(&c.ev[0], "LogFileCleared"));
    collect_free(&c);
    free(data);
}

static void test_truncated_file(void **state)
{
    collect c = {0};
    size_t len;
    uint64_t consumed;
    char *data = fixture("truncated.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, &consumed);
    (void)state;
    assert_int_equal(st.records, 1);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.truncated, 1);
    assert_int_equal(c.nskip, 1);
    assert_int_equal(c.why[0], EVTX_SKIP_TRUNCATED);
    assert_int_equal(c.skip_off[0], (uint64_t)(strstr(data + 1, "<Event ") - data));
    assert_non_null(strstr(c.detail[0], "offset"));
    assert_int_equal(consumed, end_of(data, 0)); /* resume before the cut record */
    collect_free(&c);
    free(data);
}

static void test_interrupted_record(void **state)
{
    collect c = {0};
    size_t len;
    uint64_t consumed;
    char *data = fixture("interrupted.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, &consumed);
    (void)state;
    assert_int_equal(st.truncated, 1);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(c.why[0], EVTX_SKIP_TRUNCATED);
    assert_int_equal(c.skip_off[0], 0);
    assert_int_equal(c.ev[0].record_id, 2);
    assert_string_equal(evtx_event_get(&c.ev[0], "ServiceName"), "whole");
    assert_int_equal(c.end[0], end_of(data, 0));
    assert_int_equal(consumed, c.end[0]);
    collect_free(&c);
    free(data);
}

/* Runs fn with stderr sent to a file; asserts that nothing was written there. */
static void assert_stderr_silent(void (*fn)(void *), void *arg)
{
    size_t len = 1;
    char *out = testutil_capture(2, fn, arg, &len);

    assert_non_null(out);
    if (len != 0)
        fail_msg("libxml2 wrote to stderr: %s", out);
    free(out);
}

struct malformed_run {
    collect c;
    evtx_stream_stats st;
    const char *data;
    size_t len;
};

static void run_malformed(void *arg)
{
    struct malformed_run *r = arg;
    r->st = run(&r->c, r->data, r->len, 0, NULL, NULL);
}

static void test_malformed_records(void **state)
{
    struct malformed_run r;
    static const char *reasons[] = {"not well-formed", "no System/EventID",       "not well-formed",
                                    "not well-formed", "EventID is not a number", "not well-formed"};
    (void)state;
    memset(&r, 0, sizeof r);
    r.data = fixture("malformed.xml", &r.len);
    assert_stderr_silent(run_malformed, &r);
    assert_int_equal(r.st.records, 8);
    assert_int_equal(r.st.delivered, 2);
    assert_int_equal(r.st.malformed, 6);
    assert_int_equal(r.c.ev[0].record_id, 1);
    assert_int_equal(r.c.ev[1].record_id, 8);
    assert_int_equal(r.c.nskip, 6);
    for (int i = 0; i < 6; i++) {
        char off[64];
        assert_int_equal(r.c.why[i], EVTX_SKIP_MALFORMED);
        snprintf(off, sizeof off, "offset %llu", (unsigned long long)r.c.skip_off[i]);
        assert_non_null(strstr(r.c.detail[i], off));
        if (!strstr(r.c.detail[i], reasons[i]))
            fail_msg("skip %d: '%s' lacks '%s'", i, r.c.detail[i], reasons[i]);
        assert_int_equal(memcmp(r.data + r.c.skip_off[i], "<Event", 6), 0);
    }
    assert_non_null(strstr(r.c.detail[0], "line 1"));
    collect_free(&r.c);
    free((char *)r.data);
}

static void test_hostile_values(void **state)
{
    collect c = {0};
    size_t len;
    char *data = fixture("hostile.xml", &len);
    evtx_stream_stats st = run(&c, data, len, 0, NULL, NULL);
    const char *v;
    (void)state;
    assert_int_equal(st.records, 4);
    assert_int_equal(st.delivered, 4);
    assert_int_equal(st.malformed, 0);
    /* every string handed out is valid UTF-8 */
    for (size_t i = 0; i < c.nev; i++)
        for (size_t f = 0; f < c.ev[i].nfields; f++) {
            v = c.ev[i].fields[f].value;
            assert_int_equal(evtx_utf8_valid_prefix(v, strlen(v)), strlen(v));
            assert_int_equal(strlen(v), c.ev[i].fields[f].len);
        }
    evtx_event *e = &c.ev[0];
    assert_string_equal(evtx_event_get(e, "TargetUserName"), "a\"b'c\"d'e");
    assert_string_equal(evtx_event_get(e, "WorkstationName"), "line1\nline2\r\nline3");
    assert_string_equal(evtx_event_get(e, "SubjectUserName"), "<!channel> <@here> *bold* `code` &amp;");
    assert_string_equal(evtx_event_get(e, "IpAddress"), "10.0.0.5");
    assert_string_equal(evtx_event_get(e, "Tab"), "a\tb");
    e = &c.ev[1];
    v = evtx_event_get(e, "TargetUserName");
    assert_int_equal(strlen(v), EVTX_FIELD_MAX); /* 2-byte characters: cut on a boundary */
    assert_int_equal(e->truncated, 1);
    assert_int_equal(strlen(evtx_event_get(e, "Exact")), EVTX_FIELD_MAX);
    e = &c.ev[2];
    assert_string_equal(evtx_event_get(e, "TargetUserName"),
                        "adm\xEF\xBF\xBDin\xEF\xBF\xBD\xEF\xBF\xBD-\xEF\xBF\xBD");
    assert_string_equal(evtx_event_get(e, "WorkstationName"), "ws\xEF\xBF\xBD\xEF\xBF\xBD[31mred");
    assert_string_equal(evtx_event_get(e, "IpAddress"), "10.0.0.7");
    assert_int_equal(e->record_id, 3);
    e = &c.ev[3];
    assert_string_equal(e->computer, "DC\xEF\xBF\xBD"
                                     "01");
    assert_string_equal(e->fields[0].name, "Bad\xEF\xBF\xBDName");
    collect_free(&c);
    free(data);
}

/* ---- offsets, chunking, limits ----------------------------------------------------------- */

static void check_chunking(const char *name, const char *data, size_t len, const size_t *chunks, size_t nchunks)
{
    collect whole = {0};
    run(&whole, data, len, 0, NULL, NULL);
    for (size_t i = 0; i < nchunks; i++) {
        collect part = {0};
        run(&part, data, len, chunks[i], NULL, NULL);
        if (part.log.len != whole.log.len || memcmp(part.log.s, whole.log.s, whole.log.len) != 0)
            fail_msg("%s: feeding %lu-byte chunks differs from feeding it whole", name, (unsigned long)chunks[i]);
        collect_free(&part);
    }
    collect_free(&whole);
}

static void test_chunking_fixtures(void **state)
{
    static const char *names[] = {"evtrender.xml", "evtxexport.xml",  "eventdata-order.xml", "userdata.xml",
                                  "truncated.xml", "interrupted.xml", "malformed.xml",       "hostile.xml"};
    static const size_t chunks[] = {1, 7, 4096};
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        char *data = fixture(names[i], &len);
        check_chunking(names[i], data, len, chunks, 3);
        free(data);
    }
}

static void test_chunking_corpus(void **state)
{
    static const char *names[] = {"kerberoast-4769-rc4.xml", "spn-set-4738-5136.xml",
                                  "kerberos-spray-4771.xml", "baseline-security-2.xml"};
    static const size_t chunks[] = {1, 7, 4096};
    const char *corpus = testutil_corpus();
    (void)state;
    if (!corpus)
        skip();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        size_t len;
        char *data;
        snprintf(path, sizeof path, "%s/xml/%s", corpus, names[i]);
        data = testutil_slurp(path, &len);
        assert_non_null(data);
        check_chunking(names[i], data, len, chunks, 3);
        {
            collect whole = {0};
            run(&whole, data, len, 0, NULL, NULL);
            assert_int_equal(whole.nskip, 0); /* a real log: every record read */
            collect_free(&whole);
        }
        free(data);
    }
}

static char *big_record(size_t value_len, int close, size_t *len)
{
    static const char head[] = "<Event><System><EventID>4625</EventID></System><EventData>"
                               "<Data Name='TargetUserName'>";
    static const char tail[] = "</Data></EventData></Event>\n";
    char *r = malloc(sizeof head + value_len + sizeof tail);
    assert_non_null(r);
    memcpy(r, head, sizeof head - 1);
    memset(r + sizeof head - 1, 'A', value_len);
    *len = sizeof head - 1 + value_len;
    if (close) {
        memcpy(r + *len, tail, sizeof tail - 1);
        *len += sizeof tail - 1;
    }
    return r;
}

static void test_oversized(void **state)
{
    static const char good[] = "<Event><System><EventID>4624</EventID><EventRecordID>9</EventRecordID>"
                               "</System></Event>";
    static const size_t chunks[] = {0, 65536, 4096};
    (void)state;
    for (int closed = 0; closed <= 1; closed++)
        for (size_t k = 0; k < 3; k++) {
            collect c = {0};
            size_t blen, len;
            char *big = big_record(EVTX_RECORD_MAX + 1000, closed, &blen);
            char *data = malloc(blen + sizeof good);
            assert_non_null(data);
            memcpy(data, big, blen);
            memcpy(data + blen, good, sizeof good);
            len = blen + sizeof good - 1;
            evtx_stream_stats st = run(&c, data, len, chunks[k], NULL, NULL);
            assert_int_equal(st.oversized, 1);
            assert_int_equal(st.truncated, 0);
            assert_int_equal(st.delivered, 1);
            assert_int_equal(c.why[0], EVTX_SKIP_OVERSIZED);
            assert_int_equal(c.skip_off[0], 0);
            assert_int_equal(c.ev[0].record_id, 9);
            assert_int_equal(c.end[0], len);
            collect_free(&c);
            free(data);
            free(big);
        }
    /* just under the limit is parsed, and the long value truncated */
    collect c = {0};
    size_t len;
    char *data = big_record(EVTX_RECORD_MAX - 200, 1, &len);
    evtx_stream_stats st = run(&c, data, len, 4096, NULL, NULL);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(c.ev[0].truncated, 1);
    assert_int_equal(strlen(evtx_event_get(&c.ev[0], "TargetUserName")), EVTX_FIELD_MAX);
    collect_free(&c);
    free(data);
}

static void test_want_ids(void **state)
{
    static uint8_t want[65536 / 8];
    static const char hidden[] =
        "<Event><System><!-- <EventID>1</EventID> --><EventID>4769</EventID></System></Event>"
        "<Event><System><EventID Qualifiers='0'>1</EventID></System></Event>";
    collect c = {0};
    size_t len;
    uint64_t consumed;
    char *data = fixture("evtrender.xml", &len);
    unsigned id = 0;
    (void)state;
    memset(want, 0, sizeof want);
    want_set(want, 4769);
    evtx_stream_stats st = run(&c, data, len, 0, want, &consumed);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.filtered, 1);
    assert_int_equal(c.ev[0].event_id, 4769);
    assert_int_equal(consumed, len); /* a filtered record is consumed too */
    collect_free(&c);
    /* a comment cannot hide a wanted EventID from the cheap scan */
    st = run(&c, hidden, sizeof hidden - 1, 0, want, NULL);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.filtered, 1);
    assert_int_equal(c.ev[0].event_id, 4769);
    collect_free(&c);
    assert_int_equal(xml_record_peek_id(data, len, &id), 1);
    assert_int_equal(id, 4769);
    assert_int_equal(xml_record_peek_id(hidden, sizeof hidden - 1, &id), 0);
    assert_int_equal(xml_record_peek_id("<Event><EventID> 42 </EventID>", 30, &id), 1);
    assert_int_equal(id, 42);
    assert_int_equal(xml_record_peek_id("<Event><EventID>4x</EventID>", 28, &id), 0);
    assert_int_equal(xml_record_peek_id("<Event><EventIDs>4</EventIDs>", 29, &id), 0);
    free(data);
}

static void test_stop_and_start_offset(void **state)
{
    collect c = {0};
    size_t len;
    char *data = fixture("evtrender.xml", &len);
    evtx_xml_opts o = opts_for(&c, NULL);
    evtx_xml_stream *s;
    (void)state;
    c.stop_at = 1;
    o.start_offset = 1000;
    s = evtx_xml_new(&o);
    assert_non_null(s);
    assert_int_equal(evtx_xml_feed(s, data, len), 7);
    assert_int_equal(c.nev, 1);
    assert_int_equal(c.end[0], 1000 + end_of(data, 0));
    /* the stopping record was not consumed: resuming at consumed() delivers it again */
    assert_int_equal(evtx_xml_consumed(s), 1000);
    assert_int_equal(evtx_xml_feed(s, data, len), 7);
    assert_int_equal(evtx_xml_finish(s), 7);
    assert_int_equal(c.nev, 1);
    evtx_xml_free(s);
    collect_free(&c);
    free(data);
}

static void test_read_file(void **state)
{
    collect c = {0};
    evtx_xml_opts o = opts_for(&c, NULL);
    evtx_stream_stats st;
    char err[512], path[4096];
    (void)state;
    assert_int_equal(evtx_xml_read_file("/nonexistent/x.xml", &o, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.xml"));
    testutil_fixture(path, sizeof path, "xml/truncated.xml");
    assert_int_equal(evtx_xml_read_file(path, &o, &st, err, sizeof err), 0);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.truncated, 1);
    collect_free(&c);
    c.stop_at = 1;
    o = opts_for(&c, NULL);
    testutil_fixture(path, sizeof path, "xml/evtrender.xml");
    assert_int_equal(evtx_xml_read_file(path, &o, &st, err, sizeof err), 7);
    assert_non_null(strstr(err, "stopped"));
    assert_int_equal(st.delivered, 1);
    collect_free(&c);
}

static void test_corpus_counts(void **state)
{
    static const char *names[] = {"asrep-roast-4768.xml",
                                  "baseline-security-2.xml",
                                  "baseline-security.xml",
                                  "decoy-property-read-4662.xml",
                                  "group-enum-4662.xml",
                                  "kerberoast-4769-rc4.xml",
                                  "kerberos-bruteforce-4771.xml",
                                  "kerberos-spray-4771.xml",
                                  "kerberos-spray-unknown-users-4768-4771.xml",
                                  "kerbrute-enum-4768-4771.xml",
                                  "logon-restriction-4625.xml",
                                  "negative-bloodhound-tgs-4769.xml",
                                  "negative-golden-ticket-4769.xml",
                                  "preauth-disabled-4738.xml",
                                  "spn-set-4738-5136.xml",
                                  "ssh-bruteforce-4625.xml",
                                  "ssh-bruteforce-unknown-4625-4776.xml"};
    const char *corpus = testutil_corpus();
    (void)state;
    if (!corpus)
        skip();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        collect c = {0};
        evtx_xml_opts o = opts_for(&c, NULL);
        evtx_stream_stats st;
        char path[4096], err[512];
        size_t len;
        char *data;
        snprintf(path, sizeof path, "%s/xml/%s", corpus, names[i]);
        data = testutil_slurp(path, &len);
        assert_non_null(data);
        size_t expect = count_event_tags(data, len);
        assert_true(expect > 0);
        if (evtx_xml_read_file(path, &o, &st, err, sizeof err) != 0)
            fail_msg("%s", err);
        if (st.records != expect || st.delivered != expect || st.malformed || st.truncated || st.oversized)
            fail_msg("%s: %lu <Event> tags, records=%llu delivered=%llu malformed=%llu", names[i],
                     (unsigned long)expect, (unsigned long long)st.records, (unsigned long long)st.delivered,
                     (unsigned long long)st.malformed);
        for (size_t k = 0; k < c.nev && k < MAX_EVENTS; k++) {
            assert_true(c.ev[k].event_id > 0);
            assert_true(c.ev[k].record_id > 0);
            assert_true(c.ev[k].time_ms > 0);
            assert_string_equal(c.ev[k].channel, "Security");
        }
        collect_free(&c);
        free(data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evtrender_form),
        cmocka_unit_test(test_evtxexport_form),
        cmocka_unit_test(test_eventdata_any_order),
        cmocka_unit_test(test_userdata),
        cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_interrupted_record),
        cmocka_unit_test(test_malformed_records),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_chunking_fixtures),
        cmocka_unit_test(test_chunking_corpus),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_want_ids),
        cmocka_unit_test(test_stop_and_start_offset),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_corpus_counts),
    };
    testutil_init();
    return testutil_run(tests);
}
