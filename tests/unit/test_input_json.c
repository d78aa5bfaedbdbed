/* test_input_json.c - the JSON-lines input of `decoysvc run` (type "json" of svc/input/input_xml.c,
 * NXLog's im_msvistalog shape here): its checkpoint covers only whole lines that reached the
 * pipeline's emit (a line cut by a read waits for its end), a rewind after a refused alert reads
 * the refused lines again, and a file replaced while stopped is read from its start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_harness.h"
#include "testutil.h"

static unsigned long record_id(const alert *a) { return (unsigned long)a->det.record_id; }

/* A kerberoast event as NXLog writes it: record number, last octet of the source address. */
#define EVENT_JSON                                                                                             \
    "{\"EventTime\":\"2026-11-20T08:02:13.555123+00:00\",\"Hostname\":\"dc1.corp.example\","                   \
    "\"EventID\":4769,\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"RecordNumber\":%u,"             \
    "\"Channel\":\"Security\",\"TargetUserName\":\"jdoe@CORP.EXAMPLE\",\"ServiceName\":\"svc_backup_legacy\"," \
    "\"TicketOptions\":\"0x40810000\",\"TicketEncryptionType\":\"0x17\",\"IpAddress\":\"10.0.1.%u\","          \
    "\"Status\":\"0x0\"}\n"

/* Appends lines with record numbers first..first+n-1, each from its own address so the throttle
 * alerts on every one; returns the bytes written. */
static size_t append_lines(const char *path, unsigned first, unsigned n)
{
    char line[1024];
    size_t total = 0;
    for (unsigned i = first; i < first + n; i++) {
        int len = snprintf(line, sizeof line, EVENT_JSON, i, i % 250 + 1);
        assert_true(len > 0 && (size_t)len < sizeof line);
        input_harness_append_text(path, line, (size_t)len);
        total += (size_t)len;
    }
    return total;
}

static json_int_t offset_of(const json_t *cp)
{
    assert_true(json_is_integer(json_object_get(cp, "offset")));
    return json_integer_value(json_object_get(cp, "offset"));
}

static int setup(void **state)
{
    input_harness *h = calloc(1, sizeof *h);

    assert_non_null(h);
    input_harness_open(h, "input-json", "security.jsonl", record_id);
    h->conf.type = SVC_INPUT_JSON;
    h->conf.name = "json:test";
    h->conf.path = h->path;
    h->append = append_lines;
    h->offset = offset_of;
    *state = h;
    return 0;
}

static void test_checkpoint_whole_lines(void **state)
{
    input_harness *h = *state;
    char line[1024];
    size_t first = append_lines(h->path, 1, 2), half;
    int len = snprintf(line, sizeof line, EVENT_JSON, 3u, 4u); /* as append_lines(3) */
    svc_input *in;
    json_t *cp;

    assert_true(len > 0 && (size_t)len < sizeof line);
    half = (size_t)len / 2;
    input_harness_append_text(h->path, line, half); /* a write the forwarder has not finished */
    in = input_harness_input(h, NULL);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 2);
    cp = in->ops->checkpoint(in);
    assert_int_equal(offset_of(cp), first); /* not into the unfinished line */
    json_decref(cp);
    input_harness_append_text(h->path, line + half, (size_t)len - half);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 3);
    assert_int_equal(h->keys[2], 3);
    cp = in->ops->checkpoint(in);
    assert_int_equal(offset_of(cp), first + (size_t)len);
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_lines(h->path, 4, 1);
    in = input_harness_input(h, cp);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 4);
    assert_int_equal(h->keys[3], 4);
    json_decref(cp);
    svc_input_close(in);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_whole_lines, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_rewind, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_replaced, setup, input_harness_teardown),
    };
    return testutil_run(tests);
}
