/* test_status_eval.c - `decoysvc status`'s verdict: never ran / stopped = 2, running and fine = 0,
 * a failing or paused sink, old pending alerts, a blind or lost input, a stale status.json = 1,
 * an unreadable status.json = 2; the JSON report and the text name the problems. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc/health/status_eval.h"
#include "testutil.h"

#define NOW 1800000000000LL

static json_t *doc(int64_t written_ms)
{
    return json_pack("{s:I, s:b, s:i, s:{s:s}, s:{s:s, s:I}, s:{s:I}, s:[{s:s, s:s, s:s, s:n, s:I}], "
                     "s:[{s:s, s:s, s:s, s:I, s:n, s:b, s:i, s:n, s:i}]}",
                     "written_ms", (json_int_t)written_ms, "running", 1, "status_interval_seconds", 5, "host",
                     "name", "dc1", "service", "version", "0.1.0", "uptime_seconds", (json_int_t)3600,
                     "decoys", "count", (json_int_t)3, "inputs", "name", "samba:dc1", "type", "samba",
                     "state", "ok", "reason", "events", (json_int_t)42, "sinks", "name", "hec", "type", "hec",
                     "state", "ok", "pending", (json_int_t)0, "oldest_pending_age_seconds", "paused", 0,
                     "failed_attempts", 0, "last_error", "quarantined", 0);
}

static int verdict(status_input *in, json_t **problems)
{
    *problems = json_array();
    return status_evaluate(in, *problems);
}

static void test_not_running(void **state)
{
    status_input in = {0};
    json_t *p, *d = doc(NOW - 3600 * 1000);
    (void)state;
    in.now_ms = NOW, in.max_pending_age_s = 600;
    in.lock = 0, in.doc_missing = 1;
    assert_int_equal(verdict(&in, &p), STATUS_DOWN);
    assert_non_null(strstr(json_string_value(json_array_get(p, 0)), "never run"));
    json_decref(p);
    in.doc_missing = 0, in.doc = d; /* stopped: status.json from the last run */
    assert_int_equal(verdict(&in, &p), STATUS_DOWN);
    assert_non_null(strstr(json_string_value(json_array_get(p, 0)), "not running"));
    json_decref(p);
    /* no lock to ask: an old status.json does not make it running */
    in.lock = -1, in.lock_error = "unsupported";
    assert_int_equal(verdict(&in, &p), STATUS_DOWN);
    json_decref(p);
    in.doc = NULL, in.doc_missing = 1;
    assert_int_equal(verdict(&in, &p), STATUS_DOWN);
    json_decref(p);
    json_decref(d);
}

static void test_healthy_and_degraded(void **state)
{
    status_input in = {0};
    json_t *p, *d = doc(NOW - 2000), *sink, *input;
    (void)state;
    in.now_ms = NOW, in.max_pending_age_s = 600, in.lock = 1, in.pid = 123, in.doc = d;
    assert_int_equal(verdict(&in, &p), STATUS_HEALTHY);
    assert_int_equal(json_array_size(p), 0);
    json_decref(p);
    sink = json_array_get(json_object_get(d, "sinks"), 0);
    input = json_array_get(json_object_get(d, "inputs"), 0);
    /* failing sink */
    json_object_set_new(sink, "failed_attempts", json_integer(4));
    json_object_set_new(sink, "last_error", json_string("HEC: Couldn't connect to server"));
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    assert_non_null(strstr(json_string_value(json_array_get(p, 0)), "Couldn't connect"));
    json_decref(p);
    json_object_set_new(sink, "failed_attempts", json_integer(0));
    /* paused sink */
    json_object_set_new(sink, "paused", json_true());
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    json_decref(p);
    json_object_set_new(sink, "paused", json_false());
    /* pending alerts: young ones are fine, old ones are not */
    json_object_set_new(sink, "pending", json_integer(7));
    json_object_set_new(sink, "oldest_pending_age_seconds", json_integer(60));
    assert_int_equal(verdict(&in, &p), STATUS_HEALTHY);
    json_decref(p);
    json_object_set_new(sink, "oldest_pending_age_seconds", json_integer(601));
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    json_decref(p);
    json_object_set_new(sink, "oldest_pending_age_seconds", json_null());
    /* blind and lost inputs */
    json_object_set_new(input, "state", json_string("blind"));
    json_object_set_new(input, "reason", json_string("no event for 61 min (blind after 60 min)"));
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    assert_non_null(strstr(json_string_value(json_array_get(p, 0)), "samba:dc1 is blind"));
    json_decref(p);
    json_object_set_new(input, "state", json_string("lost"));
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    json_decref(p);
    json_object_set_new(input, "state", json_string("silent")); /* a warning sign, not a problem yet */
    assert_int_equal(verdict(&in, &p), STATUS_HEALTHY);
    json_decref(p);
    /* stale while the lock is held: hung */
    json_object_set_new(d, "written_ms", json_integer(NOW - 60 * 1000));
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    assert_non_null(strstr(json_string_value(json_array_get(p, 0)), "hung"));
    json_decref(p);
    json_decref(d);
}

static void test_unreadable_and_reports(void **state)
{
    status_input in = {0};
    json_t *p, *r, *d = doc(NOW - 1000);
    char buf[8192];
    FILE *f;
    (void)state;
    in.now_ms = NOW, in.max_pending_age_s = 600, in.lock = 1;
    in.doc_error = "status.json: '[' or '{' expected near 'x'";
    assert_int_equal(verdict(&in, &p), STATUS_DOWN);
    r = status_report_json(&in, STATUS_DOWN, p);
    assert_string_equal(json_string_value(json_object_get(r, "status")), "down");
    assert_int_equal(json_integer_value(json_object_get(r, "exit_code")), 2);
    assert_true(json_is_null(json_object_get(r, "service")));
    json_decref(r);
    json_decref(p);
    in.doc_error = NULL, in.doc_missing = 1; /* running, status not written yet */
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    json_decref(p);
    in.doc_missing = 0, in.doc = d, in.pid = 4242;
    json_object_set_new(json_array_get(json_object_get(d, "sinks"), 0), "paused", json_true());
    assert_int_equal(verdict(&in, &p), STATUS_DEGRADED);
    f = tmpfile();
    assert_non_null(f);
    status_print_text(f, &in, STATUS_DEGRADED, p);
    rewind(f);
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "DECOYSVC WARNING - degraded: sink hec is paused"));
    assert_non_null(strstr(buf, "running (pid 4242) on dc1"));
    assert_non_null(strstr(buf, "samba:dc1 (samba)"));
    r = status_report_json(&in, STATUS_DEGRADED, p);
    assert_int_equal(json_integer_value(json_object_get(r, "pid")), 4242);
    assert_true(json_is_true(json_object_get(r, "running")));
    json_decref(r);
    json_decref(p);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_running),
        cmocka_unit_test(test_healthy_and_degraded),
        cmocka_unit_test(test_unreadable_and_reports),
    };
    testutil_init();
    return testutil_run(tests);
}
