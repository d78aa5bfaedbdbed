/* test_detect_prefilter.c - the raw EventData view (evtx/xml_raw.c) and the detector's prefilter
 * (svc/detect/detect_prefilter.c): a record is only skipped when it surely names no decoy, any unusual
 * form is parsed fully, and over the corpus the prefilter changes no detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "testutil.h"

static const char inventory_json[] =
    "{\"version\": 1, \"decoys\": [{\"name\": \"svc_backup_legacy\", \"sid\": \"S-1-5-21-1-2-3-4105\","
    " \"spns\": [\"MSSQLSvc/db01.corp.example:1433\"]},"
    " {\"name\": \"Svc-SQL-DB01\", \"sid\": \"S-1-5-21-4230534742-2542757381-3142984815-1171\"},"
    " {\"name\": \"admin-test\"}, {\"name\": \"admin-hacker\"}, {\"name\": \"svc_nxlog\"},"
    " {\"name\": \"honey-pot1\", \"sid\": \"S-1-5-21-4230534742-2542757381-3142984815-1159\","
    "  \"guid\": \"259162f1-58e4-4ee9-9b9c-2baf2a03d376\"}]}";

typedef struct fixture {
    adseed_inventory inv;
    decoy_index *ix;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512];
    adseed_inventory_init(&f->inv);
    assert_int_equal(
        adseed_inventory_parse(&f->inv, inventory_json, strlen(inventory_json), "test", err, sizeof err), 0);
    f->ix = decoy_index_build(&f->inv, err, sizeof err);
    assert_non_null(f->ix);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    decoy_index_free(f->ix);
    adseed_inventory_free(&f->inv);
    free(f);
    return 0;
}

/* A 4624/4769 record with the given EventData body. */
static char *record(unsigned id, const char *data)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='x'/>"
             "<EventID>%u</EventID><Computer>dc1</Computer></System><EventData>%s</EventData></Event>",
             id, data);
    return buf;
}

static int pre(fixture *f, unsigned id, const char *data)
{
    const char *r = record(id, data);
    return detect_prefilter(f->ix, id, r, strlen(r));
}

static void test_raw_view(void **state)
{
    evtx_raw_view v;
    const char *val;
    size_t n;
    const char *r = record(4624, "<Data Name=\"A\">one</Data><Data Name='B'/><Data Name=\"C\"></Data>");
    (void)state;
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 1);
    assert_int_equal(evtx_raw_view_get(&v, "A", &val, &n), 1);
    assert_int_equal(n, 3);
    assert_memory_equal(val, "one", 3);
    assert_int_equal(evtx_raw_view_get(&v, "B", &val, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(evtx_raw_view_get(&v, "C", &val, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(evtx_raw_view_get(&v, "Z", &val, &n), 0);
    /* not canonical: references, comments, CDATA, other elements, spaced or extra attributes */
    r = record(4624, "<Data Name=\"A\">a&amp;b</Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 0);
    r = record(4624, "<!-- x --><Data Name=\"A\">a</Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 0);
    r = record(4624, "<Data Name=\"A\"><![CDATA[a]]></Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 0);
    r = record(4624, "<e:Data Name=\"A\">a</e:Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 0);
    r = record(4624, "<Data Name = \"A\">a</Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 0);
    r = record(4624, "<Data Name=\"A\" X=\"1\">a</Data>");
    assert_int_equal(evtx_raw_view_open(&v, r, strlen(r)), 1);
    assert_int_equal(evtx_raw_view_get(&v, "A", &val, &n), -1);
}

static void test_prefilter_skips_only_sure_records(void **state)
{
    fixture *f = *state;
    /* an ordinary logon: skipped */
    assert_int_equal(pre(f, 4624,
                         "<Data Name=\"TargetUserSid\">S-1-5-21-9-9-9-1000</Data>"
                         "<Data Name=\"TargetUserName\">jdoe</Data><Data Name=\"LogonType\">3</Data>"),
                     0);
    /* a decoy by name, in any of the forms the detector normalises: parsed */
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\">svc_backup_legacy</Data>"), 1);
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\">CORP\\SVC_BACKUP_LEGACY</Data>"), 1);
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\">svc_backup_legacy@CORP.EXAMPLE</Data>"), 1);
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\">svc_backup_legacy$</Data>"), 1);
    /* by SID, in either SID field */
    assert_int_equal(
        pre(f, 4624,
            "<Data Name=\"TargetUserName\">x</Data><Data Name=\"TargetUserSid\">S-1-5-21-1-2-3-4105</Data>"),
        1);
    assert_int_equal(
        pre(f, 4624, "<Data Name=\"TargetUserName\">x</Data><Data Name=\"TargetSid\">S-1-5-21-1-2-3-4105</Data>"),
        1);
    /* a decoy hidden behind an entity or odd markup: parsed, never skipped */
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\">svc_backup&#95;legacy</Data>"), 1);
    assert_int_equal(pre(f, 4624, "<Data Name=\"Target&#85;serName\">svc_backup_legacy</Data>"), 1);
    assert_int_equal(pre(f, 4624, "<Data Name=\"TargetUserName\" >svc_backup_legacy</Data>"), 1);
    /* 4769: service by name, by SPN, by SID; the requester being the decoy */
    assert_int_equal(pre(f, 4769,
                         "<Data Name=\"TargetUserName\">jdoe@CORP</Data><Data Name=\"ServiceName\">SQL01$</Data>"
                         "<Data Name=\"ServiceSid\">S-1-5-21-9-9-9-1201</Data>"),
                     0);
    assert_int_equal(pre(f, 4769, "<Data Name=\"ServiceName\">svc_backup_legacy</Data>"), 1);
    assert_int_equal(pre(f, 4769, "<Data Name=\"ServiceName\">MSSQLSvc/db01.corp.example:1433</Data>"), 1);
    assert_int_equal(
        pre(f, 4769, "<Data Name=\"ServiceName\">x</Data><Data Name=\"ServiceSid\">S-1-5-21-1-2-3-4105</Data>"),
        1);
    assert_int_equal(pre(f, 4769, "<Data Name=\"TargetUserName\">svc_backup_legacy@CORP.EXAMPLE</Data>"), 1);
    /* other events are never prefiltered */
    assert_int_equal(pre(f, 4625, "<Data Name=\"TargetUserName\">jdoe</Data>"), 1);
    assert_int_equal(pre(f, 4771, "<Data Name=\"TargetUserName\">jdoe</Data>"), 1);
}

typedef struct count_ctx {
    detector *det;
    const decoy_index *ix;
    uint64_t events, detections;
} count_ctx;

static int count_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    count_ctx *c = ctx;
    detection *d = malloc(sizeof *d);
    (void)end;
    c->events++;
    c->detections += (uint64_t)detector_examine(c->det, ev, d);
    free(d);
    return 0;
}

static int count_prefilter(void *ctx, unsigned id, const char *rec, size_t len)
{
    count_ctx *c = ctx;
    return detect_prefilter(c->ix, id, rec, len);
}

/* Over every corpus file, the prefilter changes no detection. */
static void test_corpus_same_detections(void **state)
{
    fixture *f = *state;
    static const char *const files[] = {"baseline-security",           "baseline-security-2",
                                        "kerberoast-4769-rc4",         "negative-bloodhound-tgs-4769",
                                        "negative-golden-ticket-4769", "decoy-property-read-4662",
                                        "ssh-bruteforce-4625"};
    const char *corpus = testutil_corpus();
    if (!corpus)
        skip();
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096], err[512];
        evtx_stream_stats st;
        count_ctx with = {detector_new(f->ix), f->ix, 0, 0}, without = {detector_new(f->ix), f->ix, 0, 0};
        evtx_xml_opts o1 = {count_event, NULL, &without, NULL, 0, NULL, NULL, 0};
        evtx_xml_opts o2 = {count_event, NULL, &with, NULL, 0, count_prefilter, NULL, 0};
        snprintf(path, sizeof path, "%s/xml/%s.xml", corpus, files[i]);
        assert_int_equal(evtx_xml_read_file(path, &o1, &st, err, sizeof err), 0);
        assert_int_equal(st.malformed + st.truncated + st.oversized, 0); /* every record read */
        assert_int_equal(evtx_xml_read_file(path, &o2, &st, err, sizeof err), 0);
        assert_int_equal(st.malformed + st.truncated + st.oversized, 0);
        if (with.detections != without.detections)
            fail_msg("%s: %llu detections with the prefilter, %llu without", files[i],
                     (unsigned long long)with.detections, (unsigned long long)without.detections);
        assert_true(with.events <= without.events);
        detector_free(with.det);
        detector_free(without.det);
    }
}

/* Finding: a value of 1,024 bytes or more was "surely no decoy" for the prefilter while the
 * matcher strips DOMAIN\ and @REALM first. Over tricky values, whenever the full parse + matcher
 * finds a decoy the prefilter must have let the record through. */
static void test_prefilter_agrees_with_matcher(void **state)
{
    fixture *f = *state;
    static char longdom[1101], longrealm[1200];
    const char *values[] = {longdom,
                            longrealm,
                            "svc_backup_legacy",
                            "CORP\\svc_backup_legacy",
                            "svc_backup_legacy@CORP.EXAMPLE",
                            "svc_backup_legacy\\@corp.example@CORP.EXAMPLE",
                            "SVC_BACKUP_LEGACY$",
                            "MSSQLSvc/db01.corp.example:1433@CORP.EXAMPLE",
                            "krbtgt/CORP",
                            "-",
                            "",
                            "S-1-5-21-1-2-3-4105",
                            "nobody",
                            "a\\",
                            "@",
                            "\\@x"};
    static const struct {
        unsigned id;
        const char *field;
    } where[] = {{4624, "TargetUserName"},
                 {4624, "TargetUserSid"},
                 {4769, "ServiceName"},
                 {4769, "TargetUserName"},
                 {4769, "ServiceSid"}};
    detector *det = detector_new(f->ix);
    unsigned matched = 0;
    (void)state;

    memset(longdom, 'D', 1082);
    memcpy(longdom + 1082, "\\svc_backup_legacy", 18); /* 1,100 bytes */
    memcpy(longrealm, "svc_backup_legacy@", 18);
    memset(longrealm + 18, 'R', 1100);
    assert_non_null(det);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
            char data[1400], err[256];
            const char *r;
            evtx_event ev;
            detection out;
            int hit, pass;
            snprintf(data, sizeof data, "<Data Name='%s'>%s</Data><Data Name='Status'>0x0</Data>",
                     where[w].field, values[i]);
            r = record(where[w].id, data);
            pass = detect_prefilter(f->ix, where[w].id, r, strlen(r));
            evtx_event_init(&ev);
            assert_int_equal(evtx_parse_event_xml(r, strlen(r), &ev, err, sizeof err), 0);
            hit = detector_examine(det, &ev, &out);
            evtx_event_free(&ev);
            if (hit && !pass)
                fail_msg("%u %s='%.40s...' (%zu bytes): matched when parsed, skipped by the prefilter",
                         where[w].id, where[w].field, values[i], strlen(values[i]));
            matched += (unsigned)hit;
        }
    }
    /* the long DOMAIN\ and @REALM forms, the escaped enterprise name and the plain ones do match */
    assert_true(matched >= 10);
    detector_free(det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_view),
        cmocka_unit_test_setup_teardown(test_prefilter_skips_only_sure_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus_same_detections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefilter_agrees_with_matcher, setup, teardown),
    };
    testutil_init();
    return testutil_run(tests);
}
