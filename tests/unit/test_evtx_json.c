/* Unit tests of the JSON event input (evtx/json_event.c, json_line.c, json_stream.c): the same
 * corpus events as XML, Winlogbeat 7/8 and NXLog JSON give the same normalised events; layout
 * details; bad lines skipped with their line number while the stream goes on; hostile input
 * (several-MB and oversized lines, deep nesting, invalid UTF-8, duplicate keys); chunking;
 * stop and resume at the consumed offset and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "testutil.h"

#define MAX_EVENTS 64

typedef struct collect {
    evtx_event ev[MAX_EVENTS];
    uint64_t end[MAX_EVENTS];
    size_t nev;
    size_t nskip;
    evtx_skip_reason why[MAX_EVENTS];
    char detail[MAX_EVENTS][512];
    size_t stop_at; /* return 7 on this event (1-based), 0 = never */
} collect;

static int on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    collect *c = ctx;
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
    (void)offset;
    if (c->nskip < MAX_EVENTS) {
        c->why[c->nskip] = why;
        snprintf(c->detail[c->nskip], sizeof c->detail[0], "%s", detail);
    }
    c->nskip++;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->nev && i < MAX_EVENTS; i++)
        evtx_event_free(&c->ev[i]);
    memset(c, 0, sizeof *c);
}

static evtx_json_opts jopts(collect *c, evtx_json_format fmt)
{
    evtx_json_opts o;
    memset(&o, 0, sizeof o);
    o.base.on_event = on_event;
    o.base.on_skip = on_skip;
    o.base.ctx = c;
    o.format = fmt;
    return o;
}

/* Feeds data in chunks of 'chunk' bytes (0 = at once), then finishes; returns the stats. */
static evtx_stream_stats feed(collect *c, const char *data, size_t len, size_t chunk)
{
    evtx_json_opts o = jopts(c, EVTX_JSON_AUTO);
    evtx_json_stream *s = evtx_json_new(&o);
    evtx_stream_stats st;

    assert_non_null(s);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk)
        assert_int_equal(evtx_json_feed(s, data + off, len - off < chunk ? len - off : chunk), 0);
    assert_int_equal(evtx_json_finish(s), 0);
    assert_int_equal(evtx_json_consumed(s), len);
    st = *evtx_json_stats(s);
    evtx_json_free(s);
    return st;
}

static void assert_same_event(const evtx_event *a, const evtx_event *b)
{
    assert_int_equal(a->event_id, b->event_id);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->record_id, b->record_id);
    assert_int_equal(a->time_ms, b->time_ms);
    assert_string_equal(a->time_created, b->time_created);
    assert_string_equal(a->channel, b->channel);
    assert_string_equal(a->provider, b->provider);
    assert_string_equal(a->computer, b->computer);
    assert_int_equal(a->nfields, b->nfields);
    for (size_t i = 0; i < a->nfields; i++) {
        assert_string_equal(a->fields[i].name, b->fields[i].name);
        assert_string_equal(a->fields[i].value, b->fields[i].value);
        assert_int_equal(a->fields[i].len, b->fields[i].len);
    }
}

/* The corpus events as rendered XML and as each shipper writes them: the same events. */
static void test_layouts_give_the_xml_event(void **state)
{
    static const char *const layouts[] = {"winlogbeat8", "winlogbeat7", "nxlog"};
    char path[4096], rel[128], err[512];
    collect x, j;
    evtx_xml_opts xo;
    evtx_stream_stats st;

    (void)state;
    memset(&x, 0, sizeof x);
    memset(&xo, 0, sizeof xo);
    xo.on_event = on_event;
    xo.on_skip = on_skip;
    xo.ctx = &x;
    assert_int_equal(evtx_xml_read_file(testutil_fixture(path, sizeof path, "json/corpus-events.xml"), &xo,
                                        &st, err, sizeof err),
                     0);
    assert_int_equal(x.nev, 17);
    for (size_t l = 0; l < 3; l++) {
        evtx_json_opts jo;
        memset(&j, 0, sizeof j);
        jo = jopts(&j, EVTX_JSON_AUTO);
        snprintf(rel, sizeof rel, "json/corpus-events.%s.jsonl", layouts[l]);
        assert_int_equal(
            evtx_json_read_file(testutil_fixture(path, sizeof path, rel), &jo, &st, err, sizeof err), 0);
        assert_int_equal(j.nskip, 0);
        assert_int_equal(j.nev, x.nev);
        assert_int_equal(st.records, 17);
        for (size_t i = 0; i < x.nev; i++)
            assert_same_event(&x.ev[i], &j.ev[i]);
        collect_free(&j);
    }
    collect_free(&x);
}

static void test_winlogbeat_details(void **state)
{
    /* Elastic Agent through Elasticsearch: a hit with _source; event.code and host.name as the
     * fallbacks; UserData leaves; numbers and booleans as text */
    static const char line[] =
        "{\"_index\":\"logs\",\"_source\":{\"@timestamp\":\"2024-03-01T10:00:00.123Z\",\"event\":{\"code\":\"1102\","
        "\"provider\":\"Microsoft-Windows-Eventlog\"},\"host\":{\"name\":\"DC2\"},\"winlog\":{\"channel\":\"Security\","
        "\"record_id\":\"18446744073709551615\",\"user_data\":{\"xml_name\":\"LogFileCleared\",\"SubjectUserName\":"
        "\"mallory\",\"Inner\":{\"Deep\":7,\"Flag\":true}},\"event_data\":{\"N\":null,\"A\":[1,\"x\"]}}}}";
    evtx_event ev;
    char err[256];
    int dup = -1;

    (void)state;
    evtx_event_init(&ev);
    assert_int_equal(evtx_json_parse_line(line, strlen(line), EVTX_JSON_AUTO, &ev, &dup, err, sizeof err), 0);
    assert_int_equal(dup, 0);
    assert_int_equal(ev.event_id, 1102);
    assert_int_equal(ev.record_id, UINT64_MAX);
    assert_string_equal(ev.time_created, "2024-03-01T10:00:00.123Z");
    assert_string_equal(ev.computer, "DC2");
    assert_string_equal(ev.provider, "Microsoft-Windows-Eventlog");
    assert_string_equal(evtx_event_get(&ev, "N"), "");
    assert_string_equal(evtx_event_get(&ev, "A"), "[1,\"x\"]");
    assert_string_equal(evtx_event_get(&ev, "SubjectUserName"), "mallory");
    assert_string_equal(evtx_event_get(&ev, "Deep"), "7");
    assert_string_equal(evtx_event_get(&ev, "Flag"), "true");
    assert_null(evtx_event_get(&ev, "xml_name"));
    /* forced layouts: a Winlogbeat line read as NXLog has no EventID, and the reverse */
    assert_int_equal(evtx_json_parse_line(line, strlen(line), EVTX_JSON_NXLOG, &ev, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "no EventID"));
    assert_int_equal(
        evtx_json_parse_line("{\"EventID\":4624}", 16, EVTX_JSON_WINLOGBEAT, &ev, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "winlog.event_id is missing"));
    evtx_event_free(&ev);
}

static void test_nxlog_time_and_fields(void **state)
{
    static const struct {
        const char *line;
        const char *want;
    } cases[] = {
        /* NXLog CE default: local time without a zone, read as UTC */
        {"{\"EventID\":\"4625\",\"EventTime\":\"2020-08-02 11:33:06\"}", "2020-08-02T11:33:06.000Z"},
        /* NXLog Agent default DateFormat: local time with its offset */
        {"{\"EventID\":4625,\"EventTime\":\"2020-08-02T13:33:06.521159+02:00\"}", "2020-08-02T11:33:06.521Z"},
        /* Logstash's @timestamp wins over EventTime */
        {"{\"EventID\":4625,\"EventTime\":\"2020-08-02 13:33:06\",\"@timestamp\":\"2020-08-02T11:00:00.5Z\"}",
         "2020-08-02T11:00:00.500Z"},
        {"{\"EventID\":4625,\"EventTime\":\"yesterday\"}", ""},
    };
    evtx_event ev;
    char err[256];

    (void)state;
    evtx_event_init(&ev);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(evtx_json_parse_line(cases[i].line, strlen(cases[i].line), EVTX_JSON_AUTO, &ev, NULL,
                                              err, sizeof err),
                         0);
        assert_string_equal(ev.time_created, cases[i].want);
    }
    {
        static const char l[] =
            "{\"EventID\":4624,\"Hostname\":\"DC1\",\"Message\":\"m\",\"Severity\":\"INFO\","
            "\"LogonType\":3,\"TargetUserName\":\"bob\",\"host\":\"10.0.0.9\",\"tags\":[\"x\"]}";
        assert_int_equal(evtx_json_parse_line(l, strlen(l), EVTX_JSON_AUTO, &ev, NULL, err, sizeof err), 0);
        assert_string_equal(ev.computer, "DC1");
        assert_int_equal(ev.nfields, 2); /* NXLog's and Logstash's own fields are not EventData */
        assert_string_equal(evtx_event_get(&ev, "LogonType"), "3");
        assert_string_equal(evtx_event_get(&ev, "TargetUserName"), "bob");
    }
    for (size_t i = 0; i < 3; i++) {
        static const char *const bad_ids[] = {"{\"EventID\":70000}", "{\"EventID\":\"47a\"}", "{\"EventID\":-1}"};
        assert_int_equal(
            evtx_json_parse_line(bad_ids[i], strlen(bad_ids[i]), EVTX_JSON_AUTO, &ev, NULL, err, sizeof err), -1);
        assert_non_null(strstr(err, "not a number from 0 to 65535"));
    }
    evtx_event_free(&ev);
}

/* Bad lines are skipped, named by line number, and the stream goes on. */
static void test_bad_lines_skipped(void **state)
{
    static const char data[] = "{\"EventID\":4624,\"TargetUserName\":\"a\"}\n"
                               "this is not json\n"
                               "\n"
                               "   \r\n"
                               "{\"Hostname\":\"DC1\"}\n"
                               "[1,2]\n"
                               "{\"EventID\":4625,\"TargetUserName\":\"b\"}\r\n"
                               "{\"EventID\":4624,\"TargetUserName\":\"c\"";
    collect c;
    evtx_stream_stats st;

    (void)state;
    memset(&c, 0, sizeof c);
    st = feed(&c, data, strlen(data), 0);
    assert_int_equal(c.nev, 2);
    assert_string_equal(evtx_event_get(&c.ev[1], "TargetUserName"), "b");
    assert_int_equal(c.nskip, 4);
    assert_int_equal(c.why[0], EVTX_SKIP_MALFORMED);
    if (!strstr(c.detail[0], "line 2 (byte 38): not JSON"))
        fail_msg("%s", c.detail[0]);
    assert_non_null(strstr(c.detail[1], "line 5 "));
    assert_non_null(strstr(c.detail[1], "no EventID"));
    assert_non_null(strstr(c.detail[2], "line 6 "));
    assert_non_null(strstr(c.detail[2], "array"));
    assert_int_equal(c.why[3], EVTX_SKIP_TRUNCATED);
    assert_non_null(strstr(c.detail[3], "line 8 "));
    assert_int_equal(st.records, 6);
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.malformed, 3);
    assert_int_equal(st.truncated, 1);
    collect_free(&c);
}

/* Builds '{"EventID":4769,"TargetUserName":"admin-test","Payload":"xxx...(n)"}\n' + a short line. */
static char *long_line(size_t n, size_t *len)
{
    static const char head[] = "{\"EventID\":4769,\"TargetUserName\":\"admin-test\",\"Payload\":\"";
    static const char tail[] = "\"}\n{\"EventID\":4768,\"TargetUserName\":\"after\"}\n";
    char *s = malloc(sizeof head + n + sizeof tail);
    assert_non_null(s);
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'x', n);
    memcpy(s + sizeof head - 1 + n, tail, sizeof tail);
    *len = sizeof head - 1 + n + sizeof tail - 1;
    return s;
}

static void test_long_lines(void **state)
{
    collect c;
    size_t len;
    char *s;

    (void)state;
    /* several MB: parsed; the long value is cut to EVTX_FIELD_MAX and counted */
    memset(&c, 0, sizeof c);
    s = long_line(4 * 1024 * 1024, &len);
    feed(&c, s, len, 64 * 1024);
    assert_int_equal(c.nev, 2);
    assert_string_equal(evtx_event_get(&c.ev[0], "TargetUserName"), "admin-test");
    assert_int_equal(strlen(evtx_event_get(&c.ev[0], "Payload")), EVTX_FIELD_MAX);
    assert_true(c.ev[0].truncated >= 1);
    free(s);
    collect_free(&c);
    /* past EVTX_JSON_LINE_MAX: skipped as oversized, the next line is still read */
    memset(&c, 0, sizeof c);
    s = long_line(EVTX_JSON_LINE_MAX + 10, &len);
    feed(&c, s, len, 64 * 1024);
    assert_int_equal(c.nskip, 1);
    assert_int_equal(c.why[0], EVTX_SKIP_OVERSIZED);
    assert_non_null(strstr(c.detail[0], "line 1 "));
    assert_int_equal(c.nev, 1);
    assert_string_equal(evtx_event_get(&c.ev[0], "TargetUserName"), "after");
    assert_int_equal(c.end[0], len);
    free(s);
    collect_free(&c);
}

static void test_deep_nesting(void **state)
{
    size_t n = 200000, len = 0;
    char *s = malloc(2 * n + 200);
    evtx_event ev;
    char err[256];

    (void)state;
    assert_non_null(s);
    len += (size_t)sprintf(s, "{\"EventID\":4769,\"X\":");
    memset(s + len, '[', n);
    len += n;
    memset(s + len, ']', n);
    len += n;
    s[len++] = '}';
    evtx_event_init(&ev);
    assert_int_equal(evtx_json_parse_line(s, len, EVTX_JSON_AUTO, &ev, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "nested deeper than"));
    /* brackets inside strings are text, not nesting */
    len = (size_t)sprintf(s, "{\"EventID\":4769,\"TargetUserName\":\"admin-test\",\"X\":\"");
    memset(s + len, '[', 1000);
    len += 1000;
    len += (size_t)sprintf(s + len, "\\\"{{\"}");
    assert_int_equal(evtx_json_parse_line(s, len, EVTX_JSON_AUTO, &ev, NULL, err, sizeof err), 0);
    assert_string_equal(evtx_event_get(&ev, "TargetUserName"), "admin-test");
    evtx_event_free(&ev);
    free(s);
}

/* One bad byte or escape in an attacker-chosen value does not hide the event. */
static void test_hostile_values(void **state)
{
    static const struct {
        const char *line;
        const char *user; /* TargetUserName after repair */
    } cases[] = {
        {"{\"EventID\":4769,\"TargetUserName\":\"admin-te\xffst\",\"IpAddress\":\"10.0.0.5\"}",
         "admin-te\xEF\xBF\xBDst"},
        {"{\"EventID\":4769,\"TargetUserName\":\"admin\xC3(test\",\"IpAddress\":\"10.0.0.5\"}",
         "admin\xEF\xBF\xBD(test"},
        {"{\"EventID\":4769,\"TargetUserName\":\"adm\\ud800in\",\"IpAddress\":\"10.0.0.5\"}", "adm\xEF\xBF\xBDin"},
        {"{\"EventID\":4769,\"TargetUserName\":\"adm\\udc00\\ud83d\\ude00in\",\"IpAddress\":\"10.0.0.5\"}",
         "adm\xEF\xBF\xBD\xF0\x9F\x98\x80in"},
        {"{\"EventID\":4769,\"TargetUserName\":\"adm\tin\x01\",\"IpAddress\":\"10.0.0.5\"}", "adm\tin\xEF\xBF\xBD"},
        {"{\"EventID\":4769,\"TargetUserName\":\"adm\\u0000in\",\"IpAddress\":\"10.0.0.5\"}", "adm\xEF\xBF\xBDin"},
        {"\xEF\xBB\xBF{\"EventID\":4769,\"TargetUserName\":\"\\\\ud800\",\"IpAddress\":\"10.0.0.5\"}", "\\ud800"},
    };
    evtx_event ev;
    char err[256];

    (void)state;
    evtx_event_init(&ev);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (evtx_json_parse_line(cases[i].line, strlen(cases[i].line), EVTX_JSON_AUTO, &ev, NULL, err, sizeof err))
            fail_msg("case %zu: %s", i, err);
        assert_string_equal(evtx_event_get(&ev, "TargetUserName"), cases[i].user);
        assert_string_equal(evtx_event_get(&ev, "IpAddress"), "10.0.0.5");
        assert_int_equal(evtx_utf8_valid_prefix(ev.fields[0].value, ev.fields[0].len), ev.fields[0].len);
    }
    /* a bad byte outside any string is still not JSON */
    assert_int_equal(
        evtx_json_parse_line("{\"EventID\":4769\xff}", 17, EVTX_JSON_AUTO, &ev, NULL, err, sizeof err), -1);
    evtx_event_free(&ev);
}

/* Duplicate keys: never dropped, the last value wins, counted. */
static void test_duplicate_keys(void **state)
{
    static const char data[] =
        "{\"EventID\":4769,\"TargetUserName\":\"x\",\"TargetUserName\":\"admin-test\"}\n"
        "{\"EventID\":4769,\"winlog\":{\"event_id\":\"4624\",\"event_id\":4769,"
        "\"event_data\":{\"TargetUserName\":\"y\xff\",\"TargetUserName\":\"admin-test\"}}}\n";
    collect c;
    evtx_stream_stats st;
    int dup = 0;
    evtx_event ev;
    char err[256];

    (void)state;
    memset(&c, 0, sizeof c);
    st = feed(&c, data, strlen(data), 0);
    assert_int_equal(c.nev, 2);
    assert_int_equal(st.duplicate_keys, 2);
    assert_string_equal(evtx_event_get(&c.ev[0], "TargetUserName"), "admin-test");
    assert_int_equal(c.ev[1].event_id, 4769);
    assert_string_equal(evtx_event_get(&c.ev[1], "TargetUserName"), "admin-test");
    evtx_event_init(&ev);
    assert_int_equal(evtx_json_parse_line(data, 30, EVTX_JSON_AUTO, &ev, &dup, err, sizeof err), -1);
    assert_int_equal(dup, 0);
    evtx_event_free(&ev);
    collect_free(&c);
}

/* Any chunking gives the same events and offsets. */
static void test_chunking(void **state)
{
    char path[4096];
    size_t len;
    char *data = testutil_slurp(testutil_fixture(path, sizeof path, "json/corpus-events.nxlog.jsonl"), &len);
    static const size_t chunks[] = {1, 7, 100, 4096};
    collect whole, part;

    (void)state;
    assert_non_null(data);
    memset(&whole, 0, sizeof whole);
    feed(&whole, data, len, 0);
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
        memset(&part, 0, sizeof part);
        feed(&part, data, len, chunks[k]);
        assert_int_equal(part.nev, whole.nev);
        for (size_t i = 0; i < whole.nev; i++) {
            assert_same_event(&whole.ev[i], &part.ev[i]);
            assert_int_equal(whole.end[i], part.end[i]);
        }
        collect_free(&part);
    }
    collect_free(&whole);
    free(data);
}

/* A refused event is not consumed: a new stream from the consumed offset and line delivers it
 * again, and numbers later lines right; want_ids filters. */
static void test_stop_and_resume(void **state)
{
    static const char data[] =
        "{\"EventID\":4624}\n{\"EventID\":4625}\n{\"EventID\":1}\nnot json\n{\"EventID\":4625}\n";
    uint8_t want[65536 / 8];
    collect c;
    evtx_json_opts o;
    evtx_json_stream *s;
    uint64_t off, line;

    (void)state;
    memset(want, 0, sizeof want);
    want[4624 / 8] |= 1u << (4624 % 8);
    want[4625 / 8] |= 1u << (4625 % 8);
    memset(&c, 0, sizeof c);
    c.stop_at = 2;
    o = jopts(&c, EVTX_JSON_AUTO);
    o.base.want_ids = want;
    s = evtx_json_new(&o);
    assert_int_equal(evtx_json_feed(s, data, strlen(data)), 7);
    off = evtx_json_consumed(s);
    line = evtx_json_consumed_line(s);
    assert_int_equal(off, 17);
    assert_int_equal(line, 2);
    evtx_json_free(s);
    collect_free(&c);

    memset(&c, 0, sizeof c);
    o = jopts(&c, EVTX_JSON_AUTO);
    o.base.want_ids = want;
    o.base.start_offset = off;
    o.start_line = line;
    s = evtx_json_new(&o);
    assert_int_equal(evtx_json_feed(s, data + off, strlen(data) - off), 0);
    assert_int_equal(c.nev, 2);
    assert_int_equal(c.ev[0].event_id, 4625);
    assert_int_equal(c.end[1], strlen(data));
    assert_int_equal(evtx_json_stats(s)->filtered, 1);
    assert_int_equal(c.nskip, 1);
    assert_non_null(strstr(c.detail[0], "line 4 (byte 48)"));
    assert_int_equal(evtx_json_consumed_line(s), 6);
    evtx_json_free(s);
    collect_free(&c);
}

static void test_format_names(void **state)
{
    evtx_json_format f;
    (void)state;
    assert_int_equal(evtx_json_format_parse("auto", &f), 0);
    assert_int_equal(f, EVTX_JSON_AUTO);
    assert_int_equal(evtx_json_format_parse("winlogbeat", &f), 0);
    assert_int_equal(f, EVTX_JSON_WINLOGBEAT);
    assert_int_equal(evtx_json_format_parse("elastic-agent", &f), 0);
    assert_int_equal(f, EVTX_JSON_WINLOGBEAT);
    assert_int_equal(evtx_json_format_parse("nxlog", &f), 0);
    assert_int_equal(f, EVTX_JSON_NXLOG);
    assert_int_equal(evtx_json_format_parse("xml", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts_give_the_xml_event),
        cmocka_unit_test(test_winlogbeat_details),
        cmocka_unit_test(test_nxlog_time_and_fields),
        cmocka_unit_test(test_bad_lines_skipped),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_chunking),
        cmocka_unit_test(test_stop_and_resume),
        cmocka_unit_test(test_format_names),
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
