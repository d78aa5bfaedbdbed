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

#include "svc/input/input.h"
#include "testutil.h"

static const char inventory[] =
    "{\"version\":1,\"decoys\":[{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\"}]}";

typedef struct fixture {
    pipeline pipe;
    svc_input_conf conf;
    svc_logger lg;
    char dir[2048], inv_path[2100], xml_path[2100];
    unsigned long records[64]; /* record ids of the alerts emitted, in order */
    size_t nalerts;
    int refuse_at; /* refuse the alert for this record id once (0: never) */
} fixture;

static void log_quiet(void *ctx, svc_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
}

static int emit(void *ctx, const alert *a, const char *json, size_t len)
{
    fixture *f = ctx;
    (void)json;
    (void)len;
    if (f->refuse_at && a->det.record_id == (uint64_t)f->refuse_at) {
        f->refuse_at = 0;
        return -1;
    }
    assert_true(f->nalerts < 64);
    f->records[f->nalerts++] = (unsigned long)a->det.record_id;
    return 0;
}

/* Appends n kerberoast events with record ids first..first+n-1, each from its own address so the
 * throttle alerts on every one. */
static void append_events(const char *path, unsigned first, unsigned n)
{
    FILE *fp = fopen(path, "ab");
    assert_non_null(fp);
    for (unsigned i = first; i < first + n; i++)
        fprintf(fp,
                "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
                "<TimeCreated SystemTime='2026-11-20T08:02:13.5551234Z'/><EventRecordID>%u</EventRecordID>"
                "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"
                "<Data Name='TargetUserName'>jdoe@CORP.EXAMPLE</Data>"
                "<Data Name='ServiceName'>svc_backup_legacy</Data><Data Name='TicketOptions'>0x40810000</Data>"
                "<Data Name='TicketEncryptionType'>0x17</Data><Data Name='IpAddress'>10.0.1.%u</Data>"
                "<Data Name='Status'>0x0</Data></EventData></Event>\n",
                i, i % 250 + 1);
    fclose(fp);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    pipeline_opts o;
    char err[512];
    FILE *fp;

    assert_non_null(f);
    testutil_tmpdir(f->dir, sizeof f->dir, "input-xml");
    snprintf(f->inv_path, sizeof f->inv_path, "%s/inventory.json", f->dir);
    snprintf(f->xml_path, sizeof f->xml_path, "%s/security.xml", f->dir);
    fp = fopen(f->inv_path, "wb");
    assert_non_null(fp);
    fputs(inventory, fp);
    fclose(fp);
    f->lg.write = log_quiet;
    f->lg.min = SVC_LOG_DEBUG;
    memset(&o, 0, sizeof o);
    o.inventory_path = f->inv_path;
    o.window_ms = 300000;
    o.emit = emit;
    o.emit_ctx = f;
    o.lg = &f->lg;
    if (pipeline_open(&f->pipe, &o, err, sizeof err))
        fail_msg("pipeline_open: %s", err);
    f->conf.type = SVC_INPUT_XML;
    f->conf.name = "xml:test";
    f->conf.path = f->xml_path;
    f->conf.start = SVC_START_BEGINNING;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pipeline_close(&f->pipe);
    remove(f->xml_path);
    remove(f->inv_path);
    free(f);
    return 0;
}

static svc_input *open_input(fixture *f, const json_t *cp)
{
    char err[512];
    svc_input *in = svc_input_open(&f->conf, cp, &f->pipe, &f->lg, err, sizeof err);
    if (!in)
        fail_msg("svc_input_open: %s", err);
    return in;
}

static void poll_all(svc_input *in)
{
    for (int i = 0; i < 8 && in->ops->poll(in) > 0; i++)
        ;
}

static json_int_t offset_of(const json_t *cp)
{
    return json_integer_value(json_object_get(cp, "offset"));
}

static void test_checkpoint_and_restart(void **state)
{
    fixture *f = *state;
    svc_input *in;
    json_t *cp;

    append_events(f->xml_path, 1, 3);
    in = open_input(f, NULL);
    poll_all(in);
    assert_int_equal(f->nalerts, 3);
    cp = in->ops->checkpoint(in);
    assert_true(offset_of(cp) > 0);
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_events(f->xml_path, 4, 2);
    in = open_input(f, cp);
    poll_all(in);
    assert_int_equal(f->nalerts, 5);
    assert_int_equal(f->records[3], 4);
    assert_int_equal(f->records[4], 5);
    json_decref(cp);
    svc_input_close(in);
}

static void test_rewind_after_refusal(void **state)
{
    fixture *f = *state;
    svc_input *in;
    json_t *cp, *after;
    char *thr, err[256];

    append_events(f->xml_path, 1, 2);
    in = open_input(f, NULL);
    poll_all(in);
    cp = in->ops->checkpoint(in); /* the durable position: after records 1 and 2 */
    thr = throttle_save(f->pipe.thr);
    assert_non_null(thr);
    append_events(f->xml_path, 3, 4);
    f->refuse_at = 5; /* the spool refuses record 5 */
    poll_all(in);
    assert_true(f->pipe.emit_failed);
    /* the daemon rewinds every input to the last checkpoint, throttle with it */
    f->pipe.emit_failed = 0;
    in->ops->rewind(in, cp);
    if (throttle_load(f->pipe.thr, thr, err, sizeof err))
        fail_msg("throttle_load: %s", err);
    free(thr);
    poll_all(in);
    /* 1, 2 once; 3 and 4 before the refusal and again after the rewind; then 5 and 6: none lost */
    assert_int_equal(f->nalerts, 2 + 2 + 4);
    assert_int_equal(f->records[0], 1);
    assert_int_equal(f->records[1], 2);
    assert_int_equal(f->records[4], 3);
    assert_int_equal(f->records[6], 5);
    assert_int_equal(f->records[7], 6);
    after = in->ops->checkpoint(in);
    assert_true(offset_of(after) > offset_of(cp));
    json_decref(after);
    json_decref(cp);
    svc_input_close(in);
}

static void test_replaced_file_read_from_start(void **state)
{
    fixture *f = *state;
    svc_input *in;
    json_t *cp;

    append_events(f->xml_path, 1, 3);
    in = open_input(f, NULL);
    poll_all(in);
    cp = in->ops->checkpoint(in);
    svc_input_close(in);
    /* rotated while stopped: a new file of its own under the same name */
    assert_int_equal(remove(f->xml_path), 0);
    append_events(f->xml_path, 100, 1);
    in = open_input(f, cp);
    poll_all(in);
    assert_int_equal(f->nalerts, 4);
    assert_int_equal(f->records[3], 100);
    json_decref(cp);
    svc_input_close(in);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rewind_after_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_file_read_from_start, setup, teardown),
    };
    return testutil_run(tests);
}
