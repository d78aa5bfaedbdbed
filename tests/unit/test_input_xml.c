/* test_input_xml.c - the rendered-XML input of `decoysvc run` (svc/input/input_xml.c, opened through
 * svc_input_open): it feeds the pipeline, its checkpoint only covers what reached the pipeline's
 * emit, a rewind after a refused alert reads the refused events again (nothing skipped, nothing
 * before the checkpoint repeated), a restart resumes at the checkpoint, and a file replaced while
 * stopped is read from its start. */
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

/* A kerberoast event: record id, last octet of the source address. */
#define EVENT_XML                                                                                            \
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"                          \
    "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"                          \
    "<TimeCreated SystemTime='2026-11-20T08:02:13.5551234Z'/><EventRecordID>%u</EventRecordID>"              \
    "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"                   \
    "<Data Name='TargetUserName'>jdoe@CORP.EXAMPLE</Data>"                                                   \
    "<Data Name='ServiceName'>svc_backup_legacy</Data><Data Name='TicketOptions'>0x40810000</Data>"          \
    "<Data Name='TicketEncryptionType'>0x17</Data><Data Name='IpAddress'>10.0.1.%u</Data>"                   \
    "<Data Name='Status'>0x0</Data></EventData></Event>\n"

/* Appends n kerberoast events with record ids first..first+n-1, each from its own address so the
 * throttle alerts on every one; returns the bytes written. */
static size_t append_events(const char *path, unsigned first, unsigned n)
{
    FILE *fp = fopen(path, "ab");
    size_t total = 0;
    assert_non_null(fp);
    for (unsigned i = first; i < first + n; i++) {
        int len = fprintf(fp, EVENT_XML, i, i % 250 + 1);
        assert_true(len > 0);
        total += (size_t)len;
    }
    assert_int_equal(fclose(fp), 0);
    return total;
}

static json_int_t offset_of(const json_t *cp) { return json_integer_value(json_object_get(cp, "offset")); }

static int setup(void **state)
{
    input_harness *h = calloc(1, sizeof *h);

    assert_non_null(h);
    input_harness_open(h, "input-xml", "security.xml", record_id);
    h->conf.type = SVC_INPUT_XML;
    h->conf.name = "xml:test";
    h->conf.path = h->path;
    h->append = append_events;
    h->offset = offset_of;
    *state = h;
    return 0;
}

static void test_checkpoint_and_restart(void **state)
{
    input_harness *h = *state;
    svc_input *in;
    json_t *cp;

    append_events(h->path, 1, 3);
    in = input_harness_input(h, NULL);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 3);
    cp = in->ops->checkpoint(in);
    assert_true(offset_of(cp) > 0);
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_events(h->path, 4, 2);
    in = input_harness_input(h, cp);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 5);
    assert_int_equal(h->keys[3], 4);
    assert_int_equal(h->keys[4], 5);
    json_decref(cp);
    svc_input_close(in);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_and_restart, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_rewind, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_replaced, setup, input_harness_teardown),
    };
    return testutil_run(tests);
}
