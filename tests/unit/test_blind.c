/* test_blind.c - the blind-sensor state machine on a fake clock: one sensor_blind after the limit,
 * no repeat while blind, one sensor_restored when events flow, a lost alert (spool commit failed)
 * due again, the state across a restart (no re-page, still restorable), off means off; and the
 * per-input statistics (rate, lost) and the sensor alert document built from them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc/health/blind.h"
#include "svc/health/sensor_alert.h"
#include "svc/health/stats.h"
#include "testutil.h"

#define MIN (60 * 1000LL)
#define T0 1800000000000LL /* a fixed epoch ms: 2027-01-15 */

static void test_one_page_then_restored(void **state)
{
    blind_sensor b;
    (void)state;
    blind_init(&b, 60 * MIN, T0);
    assert_int_equal(blind_check(&b, T0 + 59 * MIN), BLIND_NONE);
    blind_event(&b, T0 + 30 * MIN); /* events flow: the window restarts */
    assert_int_equal(blind_check(&b, T0 + 89 * MIN), BLIND_NONE);
    assert_int_equal(blind_check(&b, T0 + 90 * MIN), BLIND_RAISE);
    blind_apply(&b, BLIND_RAISE);
    blind_commit(&b, 1);
    assert_int_equal(b.blind_since_ms, T0 + 30 * MIN);
    for (int64_t t = 91; t < 2000; t += 7) /* hours of silence: never a second page */
        assert_int_equal(blind_check(&b, T0 + t * MIN), BLIND_NONE);
    blind_event(&b, T0 + 2000 * MIN);
    assert_int_equal(blind_check(&b, T0 + 2000 * MIN), BLIND_RESTORE);
    blind_apply(&b, BLIND_RESTORE);
    blind_commit(&b, 1);
    assert_int_equal(blind_check(&b, T0 + 2001 * MIN), BLIND_NONE);
    assert_int_equal(blind_check(&b, T0 + 2060 * MIN), BLIND_RAISE); /* a new silence pages again */
}

static void test_lost_commit_is_due_again(void **state)
{
    blind_sensor b;
    (void)state;
    blind_init(&b, 10 * MIN, T0);
    assert_int_equal(blind_check(&b, T0 + 10 * MIN), BLIND_RAISE);
    blind_apply(&b, BLIND_RAISE);
    blind_commit(&b, 0); /* the spool commit failed: the alert is gone */
    assert_int_equal(b.alerted, 0);
    assert_int_equal(blind_check(&b, T0 + 11 * MIN), BLIND_RAISE);
}

static void test_restart_keeps_state(void **state)
{
    blind_sensor b, r;
    json_t *saved;
    (void)state;
    blind_init(&b, 60 * MIN, T0);
    blind_apply(&b, blind_check(&b, T0 + 60 * MIN));
    blind_commit(&b, 1);
    saved = blind_save(&b);
    /* restart an hour later: still blind, no new page, restored by the first event */
    blind_init(&r, 60 * MIN, T0 + 120 * MIN);
    blind_load(&r, saved, T0 + 120 * MIN);
    assert_int_equal(r.alerted, 1);
    assert_int_equal(blind_check(&r, T0 + 500 * MIN), BLIND_NONE);
    blind_event(&r, T0 + 501 * MIN);
    assert_int_equal(blind_check(&r, T0 + 501 * MIN), BLIND_RESTORE);
    json_decref(saved);
    /* not blind when stopped: a fresh window from the restart, not from the last event */
    blind_init(&b, 60 * MIN, T0);
    saved = blind_save(&b);
    blind_init(&r, 60 * MIN, T0 + 600 * MIN);
    blind_load(&r, saved, T0 + 600 * MIN);
    assert_int_equal(blind_check(&r, T0 + 601 * MIN), BLIND_NONE);
    assert_int_equal(blind_check(&r, T0 + 660 * MIN), BLIND_RAISE);
    json_decref(saved);
    /* garbage is ignored */
    saved = json_pack("{s:s}", "alerted", "yes");
    blind_load(&r, saved, T0);
    json_decref(saved);
}

static void test_off(void **state)
{
    blind_sensor b;
    json_t *saved = json_pack("{s:b, s:I, s:I}", "alerted", 1, "blind_since_ms", (json_int_t)T0,
                              "last_event_ms", (json_int_t)T0);
    (void)state;
    blind_init(&b, 0, T0);
    assert_int_equal(blind_check(&b, T0 + 100000 * MIN), BLIND_NONE);
    blind_load(&b, saved, T0 + MIN); /* was blind, now turned off: forgotten, nothing sent */
    assert_int_equal(b.alerted, 0);
    assert_int_equal(blind_check(&b, T0 + 100000 * MIN), BLIND_NONE);
    json_decref(saved);
}

static void test_stats_rate_and_lost(void **state)
{
    health_input hi;
    json_t *j;
    (void)state;
    health_input_init(&hi, "samba:dc1", "samba", 60 * MIN, T0);
    for (int64_t t = 0; t < 10 * MIN; t += 2000) /* one event every 2 s: 30 a minute, for ten minutes */
        health_input_record(&hi, 1, "", T0 + t);
    assert_true(health_input_rate(&hi, T0, T0 + 10 * MIN) > 25.0);
    assert_true(health_input_rate(&hi, T0, T0 + 10 * MIN) < 35.0);
    assert_true(health_input_rate(&hi, T0, T0 + 30 * MIN) == 0.0); /* old buckets expire */
    assert_int_equal(hi.events, 300);
    assert_string_equal(health_input_state(&hi, T0 + 10 * MIN), "ok");
    health_input_record(&hi, 0, "/var/log/samba/auth.json: No such file or directory", T0 + 11 * MIN);
    assert_string_equal(health_input_state(&hi, T0 + 11 * MIN), "lost");
    j = health_input_json(&hi, NULL, T0, T0 + 11 * MIN);
    assert_string_equal(json_string_value(json_object_get(j, "reason")),
                        "/var/log/samba/auth.json: No such file or directory");
    assert_int_equal(json_integer_value(json_object_get(j, "events")), 300);
    json_decref(j);
    health_input_record(&hi, 0, "", T0 + 12 * MIN);
    assert_string_equal(health_input_state(&hi, T0 + 40 * MIN), "silent"); /* half the limit */
}

static void test_sensor_alert_document(void **state)
{
    health_input hi;
    char *a, *r;
    json_t *ja, *jr;
    (void)state;
    health_input_init(&hi, "samba:dc1.decoy.test", "samba", 60 * MIN, T0);
    assert_int_equal(blind_check(&hi.blind, T0 + 61 * MIN), BLIND_RAISE);
    blind_apply(&hi.blind, BLIND_RAISE);
    a = sensor_alert_json(&hi, BLIND_RAISE, "dc1", T0 + 61 * MIN);
    assert_non_null(a);
    ja = json_loads(a, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(ja, "action")), "sensor_blind");
    assert_string_equal(json_string_value(json_object_get(ja, "severity")), "high");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ja, "event"), "kind")), "alert");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ja, "sensor"), "input")),
                        "samba:dc1.decoy.test");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(ja, "sensor"), "silent_seconds")),
                     61 * 60);
    assert_non_null(strstr(json_string_value(json_object_get(ja, "summary")), "no event for 61 min"));
    assert_int_equal(strlen(json_string_value(json_object_get(ja, "id"))), 32);
    /* the same alert rebuilt after a crash has the same id */
    free(a);
    a = sensor_alert_json(&hi, BLIND_RAISE, "dc1", T0 + 62 * MIN);
    jr = json_loads(a, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(jr, "id")),
                        json_string_value(json_object_get(ja, "id")));
    json_decref(jr);
    blind_event(&hi.blind, T0 + 70 * MIN);
    r = sensor_alert_json(&hi, BLIND_RESTORE, "dc1", T0 + 70 * MIN);
    jr = json_loads(r, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(jr, "action")), "sensor_restored");
    assert_string_not_equal(json_string_value(json_object_get(jr, "id")),
                            json_string_value(json_object_get(ja, "id")));
    assert_null(sensor_alert_json(&hi, BLIND_NONE, "dc1", T0));
    json_decref(ja);
    json_decref(jr);
    free(a);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_page_then_restored), cmocka_unit_test(test_lost_commit_is_due_again),
        cmocka_unit_test(test_restart_keeps_state),    cmocka_unit_test(test_off),
        cmocka_unit_test(test_stats_rate_and_lost),    cmocka_unit_test(test_sensor_alert_document),
    };
    testutil_init();
    return testutil_run(tests);
}
