/* test_pipeline.c - the detection core shared by `run` and `hunt` (svc/detect/pipeline.c): open
 * errors, event -> alert, folding and the forced flush, an emit that refuses (spool full), the room
 * check that leaves no trace in the throttle, and the live inventory reload (valid and invalid). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/detect/pipeline.h"
#include "testutil.h"

#define SID "S-1-5-21-1004336348-1177238915-682003330-"

static const char inv_one[] =
    "{\"version\":1,\"decoys\":[{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\",\"sid\":\"" SID "4105\","
    "\"spns\":[\"MSSQLSvc/db01.corp.example:1433\"]}]}";
static const char inv_two[] =
    "{\"version\":1,\"decoys\":[{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\",\"sid\":\"" SID "4105\"},"
    "{\"name\":\"svc_reports_old\",\"kind\":\"kerberoast\",\"sid\":\"" SID "4107\"}]}";

typedef struct fixture {
    pipeline pipe;
    char dir[2048], inventory[2100];
    size_t nalerts, nerrors;
    char last_json[8192];
    int refuse, no_room;
    svc_logger lg;
} fixture;

static void log_count(void *ctx, svc_log_level level, const char *msg)
{
    fixture *f = ctx;
    (void)msg;
    if (level == SVC_LOG_ERR)
        f->nerrors++;
}

static int emit(void *ctx, const alert *a, const char *json, size_t len)
{
    fixture *f = ctx;
    (void)a;
    if (f->refuse)
        return -1;
    f->nalerts++;
    snprintf(f->last_json, sizeof f->last_json, "%.*s", (int)len, json);
    return 0;
}

static int room(void *ctx) { return !((fixture *)ctx)->no_room; }

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    pipeline_opts o;
    char err[512];

    assert_non_null(f);
    testutil_tmpdir(f->dir, sizeof f->dir, "pipeline");
    snprintf(f->inventory, sizeof f->inventory, "%s/inventory.json", f->dir);
    write_text(f->inventory, inv_one);
    f->lg.write = log_count;
    f->lg.ctx = f;
    f->lg.min = SVC_LOG_DEBUG;
    memset(&o, 0, sizeof o);
    o.inventory_path = f->inventory;
    o.window_ms = 60000;
    o.emit = emit;
    o.emit_ctx = f;
    o.lg = &f->lg;
    o.room = room;
    if (pipeline_open(&f->pipe, &o, err, sizeof err))
        fail_msg("pipeline_open: %s", err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pipeline_close(&f->pipe);
    remove(f->inventory);
    free(f);
    return 0;
}

/* A 4769 for the service account 'svc' (RC4 when rc4) from 10.0.0.5, as Windows renders it. */
static void kerberoast_event(evtx_event *ev, const char *svc, const char *sid, int rc4)
{
    char xml[2048], err[256];
    snprintf(xml, sizeof xml,
             "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
             "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
             "<TimeCreated SystemTime='2026-11-20T08:02:13.5551234Z'/><EventRecordID>1003</EventRecordID>"
             "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"
             "<Data Name='TargetUserName'>jdoe@CORP.EXAMPLE</Data><Data Name='ServiceName'>%s</Data>"
             "<Data Name='ServiceSid'>%s</Data><Data Name='TicketOptions'>0x40810000</Data>"
             "<Data Name='TicketEncryptionType'>%s</Data><Data Name='IpAddress'>::ffff:10.0.0.5</Data>"
             "<Data Name='Status'>0x0</Data></EventData></Event>",
             svc, sid, rc4 ? "0x17" : "0x12");
    evtx_event_init(ev);
    if (evtx_parse_event_xml(xml, strlen(xml), ev, err, sizeof err))
        fail_msg("parse: %s", err);
}

static void test_open_missing_inventory(void **state)
{
    pipeline p;
    pipeline_opts o;
    char err[512] = "";
    (void)state;
    memset(&o, 0, sizeof o);
    o.inventory_path = "/nonexistent/addecoy/inventory.json";
    o.window_ms = 1000;
    o.emit = emit;
    assert_int_equal(pipeline_open(&p, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/addecoy/inventory.json"));
}

static void test_event_ids(void **state)
{
    fixture *f = *state;
    unsigned ids[64];
    size_t n = pipeline_event_ids("ForwardedEvents", ids, 64);
    int has4769 = 0;
    for (size_t i = 0; i < n; i++) {
        has4769 |= ids[i] == 4769;
        assert_true(f->pipe.want_ids[ids[i] / 8] & (1u << (ids[i] % 8)));
    }
    assert_true(has4769);
    assert_false(f->pipe.want_ids[4688 / 8] & (1u << (4688 % 8))); /* process creation: not ours */
}

static void test_alert_fold_flush(void **state)
{
    fixture *f = *state;
    evtx_event ev;

    kerberoast_event(&ev, "svc_backup_legacy", SID "4105", 1);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 1000), 0);
    assert_int_equal(f->nalerts, 1);
    assert_non_null(strstr(f->last_json, "\"kerberoast\""));
    assert_non_null(strstr(f->last_json, "svc_backup_legacy"));
    /* the same key within the window folds; the forced flush sends the follow-up with its count */
    assert_int_equal(pipeline_event(&f->pipe, &ev, 2000), 0);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 3000), 0);
    assert_int_equal(f->nalerts, 1);
    assert_int_equal(pipeline_flush(&f->pipe, 3000, 1), 0);
    assert_int_equal(f->nalerts, 2);
    assert_int_equal(f->pipe.stats.detections, 3);
    /* a non-decoy event: examined, no detection */
    evtx_event_free(&ev);
    kerberoast_event(&ev, "SQL01$", SID "1201", 0);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 4000), 0);
    assert_int_equal(f->pipe.stats.events, 4);
    assert_int_equal(f->pipe.stats.detections, 3);
    evtx_event_free(&ev);
}

static void test_emit_refused(void **state)
{
    fixture *f = *state;
    evtx_event ev;

    kerberoast_event(&ev, "svc_backup_legacy", SID "4105", 1);
    f->refuse = 1;
    assert_int_equal(pipeline_event(&f->pipe, &ev, 1000), -1);
    assert_true(f->pipe.emit_failed);
    assert_int_equal(f->pipe.stats.emit_failures, 1);
    assert_int_equal(f->nalerts, 0);
    evtx_event_free(&ev);
}

static void test_no_room_leaves_no_trace(void **state)
{
    fixture *f = *state;
    evtx_event ev;

    kerberoast_event(&ev, "svc_backup_legacy", SID "4105", 1);
    f->no_room = 1;
    assert_int_equal(pipeline_event(&f->pipe, &ev, 1000), -1);
    assert_int_equal(f->pipe.stats.detections, 0);
    /* room again: the same event is a first detection and alerts at once (the throttle saw nothing) */
    f->no_room = 0;
    f->pipe.emit_failed = 0;
    assert_int_equal(pipeline_event(&f->pipe, &ev, 1000), 0);
    assert_int_equal(f->nalerts, 1);
    evtx_event_free(&ev);
}

static void test_reload(void **state)
{
    fixture *f = *state;
    evtx_event ev;

    kerberoast_event(&ev, "svc_reports_old", SID "4107", 1);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 1000), 0);
    assert_int_equal(f->nalerts, 0);
    assert_int_equal(pipeline_reload_if_changed(&f->pipe), 0); /* unchanged */
    /* rewritten (a new size, so the change is seen whatever the clock's resolution) */
    write_text(f->inventory, inv_two);
    assert_int_equal(pipeline_reload_if_changed(&f->pipe), 1);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 2000), 0);
    assert_int_equal(f->nalerts, 1);
    /* an invalid new inventory is refused and logged; the old one keeps detecting */
    write_text(f->inventory, "{\"version\":1,\"decoys\":[{\"kind\":\"kerberoast\"}]}");
    assert_int_equal(pipeline_reload_if_changed(&f->pipe), 0);
    assert_true(f->nerrors >= 1);
    assert_int_equal(pipeline_event(&f->pipe, &ev, 120000), 0);
    assert_int_equal(f->nalerts, 2); /* past the window: a new first alert */
    evtx_event_free(&ev);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing_inventory),
        cmocka_unit_test_setup_teardown(test_event_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_fold_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_room_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
    };
    return testutil_run(tests);
}
