/* test_security_fields.c - evtx_security_fields (evtx/security_fields.c) holds every EventData field
 * the detector reads: each corpus XML file goes through two detectors over the scenario decoys, one
 * seeing the whole events and one seeing them cut down to the table (what the Windows source renders
 * as values); every decision and every detail of every detection must be the same. Cutting one field
 * the detector reads out of the table must change some decision (so the comparison can fail).
 * Reports SKIP to ctest without the corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "testutil.h"

static const char inventory_json[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"Svc-SQL-DB01\",\"kind\":\"kerberoast\",\"sid\":\"S-1-5-21-4230534742-2542757381-3142984815-1171\","
    "\"spns\":[\"MSSQLSvc/db01.offsec.lan:1433\"]},"
    "{\"name\":\"admin-test\",\"kind\":\"asrep\"},{\"name\":\"admin-hacker\",\"kind\":\"plain\"},"
    "{\"name\":\"svc_nxlog\",\"kind\":\"plain\"},"
    "{\"name\":\"honey-pot1\",\"kind\":\"recon\",\"sid\":\"S-1-5-21-4230534742-2542757381-3142984815-1159\","
    "\"guid\":\"259162f1-58e4-4ee9-9b9c-2baf2a03d376\"}]}";

typedef struct compare {
    detector *whole, *cut;
    const char *skip; /* a field left out of the cut events (NULL: none) */
    evtx_event small;
    size_t events, detections, differences;
} compare;

static int in_table(const char *name, const char *skip)
{
    if (skip && strcmp(name, skip) == 0)
        return 0;
    for (size_t i = 0; i < evtx_security_nfields; i++)
        if (strcmp(name, evtx_security_fields[i]) == 0)
            return 1;
    return 0;
}

/* ev's System values and only the fields of the table, as the values rendering builds them. */
static void cut_down(evtx_event *out, const evtx_event *ev, const char *skip)
{
    evtx_event_reset(out);
    out->event_id = ev->event_id;
    out->version = ev->version;
    out->record_id = ev->record_id;
    evtx_event_set_time_ms(out, ev->time_ms);
    assert_int_equal(evtx_event_set_channel(out, ev->channel, strlen(ev->channel)), 0);
    assert_int_equal(evtx_event_set_provider(out, ev->provider, strlen(ev->provider)), 0);
    assert_int_equal(evtx_event_set_computer(out, ev->computer, strlen(ev->computer)), 0);
    for (size_t i = 0; i < ev->nfields; i++)
        if (in_table(ev->fields[i].name, skip))
            assert_int_equal(
                evtx_event_add_field(out, ev->fields[i].name, ev->fields[i].value, ev->fields[i].len), 0);
}

static int on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    compare *c = ctx;
    detection *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    int ra, rb;
    (void)end_offset;
    assert_non_null(a);
    assert_non_null(b);
    cut_down(&c->small, ev, c->skip);
    ra = detector_examine(c->whole, ev, a);
    rb = detector_examine(c->cut, &c->small, b);
    c->events++;
    c->detections += ra != 0;
    if (ra != rb || (ra && memcmp(a, b, sizeof *a) != 0))
        c->differences++;
    free(a);
    free(b);
    return 0;
}

/* Runs every corpus XML file through both detectors; returns the number of differences. */
static size_t run_corpus(const char *corpus, const char *skip, size_t *events, size_t *detections)
{
    adseed_inventory inv;
    decoy_index *ix;
    compare c;
    evtx_xml_opts o;
    char dir[4096], path[4600], err[512];
    struct dirent *de;
    DIR *d;

    adseed_inventory_init(&inv);
    assert_int_equal(
        adseed_inventory_parse(&inv, inventory_json, strlen(inventory_json), "test", err, sizeof err), 0);
    ix = decoy_index_build(&inv, err, sizeof err);
    assert_non_null(ix);
    memset(&c, 0, sizeof c);
    c.whole = detector_new(ix);
    c.cut = detector_new(ix);
    c.skip = skip;
    evtx_event_init(&c.small);
    memset(&o, 0, sizeof o);
    o.on_event = on_event;
    o.ctx = &c;
    snprintf(dir, sizeof dir, "%s/xml", corpus);
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".xml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (evtx_xml_read_file(path, &o, NULL, err, sizeof err) != 0)
            fail_msg("%s: %s", path, err);
    }
    closedir(d);
    evtx_event_free(&c.small);
    detector_free(c.whole);
    detector_free(c.cut);
    decoy_index_free(ix);
    adseed_inventory_free(&inv);
    *events = c.events;
    *detections = c.detections;
    return c.differences;
}

static void test_table_covers_the_detector(void **state)
{
    const char *corpus = testutil_corpus();
    size_t events, detections;
    (void)state;
    if (!corpus)
        skip();
    assert_int_equal(run_corpus(corpus, NULL, &events, &detections), 0);
    assert_true(events > 3000);
    assert_true(detections > 50); /* the scenario files do name the decoys */
}

static void test_a_missing_field_is_noticed(void **state)
{
    const char *corpus = testutil_corpus();
    size_t events, detections;
    (void)state;
    if (!corpus)
        skip();
    assert_true(run_corpus(corpus, "TargetUserName", &events, &detections) > 0);
    assert_true(run_corpus(corpus, "IpAddress", &events, &detections) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_covers_the_detector),
        cmocka_unit_test(test_a_missing_field_is_noticed),
    };
    return testutil_run(tests);
}
