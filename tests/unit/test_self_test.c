/* test_self_test.c - the self-trip state machine with a fake clock and a fake ticket requester:
 * schedule, pass (own 4769 seen in time), the two failure steps, one page per run of failures,
 * and that only the own 4769 for the canary is recognised (nothing broader). Also the spawn helper
 * that runs kinit/kvno on POSIX. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "svc/health/self_test.h"
#ifndef _WIN32
#include "svc/base/spawn.h"
#endif
#include "testutil.h"

typedef struct fake {
    int calls;
    int fail; /* the next requests fail */
    char who[64];
} fake;

static int fake_request(void *ctx, const char *canary, char *spn, size_t spnlen, char *who, size_t wholen,
                        char *err, size_t errlen)
{
    fake *f = ctx;

    f->calls++;
    assert_string_equal(canary, "svc_canary");
    snprintf(spn, spnlen, "MSSQLSvc/canary.decoy.test:1433");
    snprintf(who, wholen, "%s", f->who);
    if (f->fail) {
        snprintf(err, errlen, "kinit failed: Keytab contains no suitable keys");
        return -1;
    }
    return 0;
}

static self_test *make(fake *f, int64_t now)
{
    self_test_conf c = {3600 * 1000, 120 * 1000, "svc_canary", "dc1.decoy.test"};
    memset(f, 0, sizeof *f);
    snprintf(f->who, sizeof f->who, "addecoy-selftest@DECOY.TEST");
    return self_test_new(&c, fake_request, f, now);
}

static detection own_4769(void)
{
    detection d;
    memset(&d, 0, sizeof d);
    d.action = DETECT_KERBEROAST;
    d.event_code = 4769;
    snprintf(d.decoy_name, sizeof d.decoy_name, "svc_canary");
    snprintf(d.user_name, sizeof d.user_name, "ADDECOY-SELFTEST");
    snprintf(d.user_domain, sizeof d.user_domain, "DECOY.TEST");
    return d;
}

static void test_schedule_and_pass(void **state)
{
    fake f;
    self_test *st = make(&f, 0);
    detection d = own_4769();
    (void)state;

    assert_non_null(st);
    assert_int_equal(self_test_next_ms(st), SELF_TEST_FIRST_MAX_MS); /* first trip soon after start */
    assert_int_equal(self_test_tick(st, SELF_TEST_FIRST_MAX_MS - 1), SELF_TEST_NOTHING);
    assert_int_equal(f.calls, 0);
    assert_true(json_is_null(self_test_result_json(st)));
    assert_int_equal(self_test_tick(st, SELF_TEST_FIRST_MAX_MS), SELF_TEST_NOTHING);
    assert_int_equal(f.calls, 1);
    assert_int_equal(self_test_next_ms(st), SELF_TEST_FIRST_MAX_MS + 120 * 1000); /* the wait's end */
    assert_int_equal(self_test_observe(st, &d, SELF_TEST_FIRST_MAX_MS + 1500), 1);
    assert_true(self_test_last(st)->done && self_test_last(st)->ok);
    assert_int_equal(self_test_last(st)->latency_ms, 1500);
    assert_null(self_test_alert_json(st, 0)); /* nothing to page */
    /* the wait is over: nothing more happens until the next interval */
    assert_int_equal(self_test_tick(st, SELF_TEST_FIRST_MAX_MS + 200 * 1000), SELF_TEST_NOTHING);
    assert_int_equal(self_test_next_ms(st), SELF_TEST_FIRST_MAX_MS + 3600 * 1000);
    {
        json_t *r = self_test_result_json(st);
        assert_true(json_is_true(json_object_get(r, "ok")));
        assert_int_equal(json_integer_value(json_object_get(r, "latency_ms")), 1500);
        assert_string_equal(json_string_value(json_object_get(r, "requester")), "addecoy-selftest@DECOY.TEST");
        json_decref(r);
    }
    self_test_free(st);
}

static void test_no_event_fails_once(void **state)
{
    fake f;
    self_test *st = make(&f, 0);
    int64_t t = SELF_TEST_FIRST_MAX_MS;
    char *doc;
    json_t *a;
    (void)state;

    assert_int_equal(self_test_tick(st, t), SELF_TEST_NOTHING);
    assert_int_equal(self_test_tick(st, t + 119999), SELF_TEST_NOTHING);
    assert_int_equal(self_test_tick(st, t + 120000), SELF_TEST_FAILED);
    assert_false(self_test_last(st)->ok);
    assert_string_equal(self_test_last(st)->step, "event");
    assert_non_null(strstr(self_test_last(st)->error, "Kerberos Service Ticket Operations"));
    doc = self_test_alert_json(st, t + 120000);
    assert_non_null(doc);
    a = json_loads(doc, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(a, "action")), "self_test_failed");
    assert_string_equal(json_string_value(json_object_get(a, "severity")), "high");
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "self_test"), "step")), "event");
    assert_non_null(strstr(json_string_value(json_object_get(a, "summary")), "within 120 s"));
    json_decref(a);
    free(doc);
    /* still failing at the next interval: recorded, not paged again */
    t += 3600 * 1000;
    assert_int_equal(self_test_tick(st, t), SELF_TEST_NOTHING);
    assert_int_equal(self_test_tick(st, t + 120000), SELF_TEST_FAILED_AGAIN);
    /* it passes again, then fails again: that is a new page */
    t += 3600 * 1000;
    assert_int_equal(self_test_tick(st, t), SELF_TEST_NOTHING);
    {
        detection d = own_4769();
        assert_int_equal(self_test_observe(st, &d, t + 10), 1);
    }
    assert_true(self_test_last(st)->ok);
    t += 3600 * 1000;
    assert_int_equal(self_test_tick(st, t), SELF_TEST_NOTHING);
    assert_int_equal(self_test_tick(st, t + 120000), SELF_TEST_FAILED);
    assert_int_equal(f.calls, 4);
    self_test_free(st);
}

static void test_ticket_failure(void **state)
{
    fake f;
    self_test *st = make(&f, 0);
    (void)state;

    f.fail = 1;
    assert_int_equal(self_test_tick(st, SELF_TEST_FIRST_MAX_MS), SELF_TEST_FAILED);
    assert_string_equal(self_test_last(st)->step, "ticket");
    assert_non_null(strstr(self_test_last(st)->error, "Keytab contains no suitable keys"));
    assert_non_null(strstr(self_test_last(st)->error, "svc_canary"));
    /* no wait after a failed request: the next trip is a full interval later */
    assert_int_equal(self_test_next_ms(st), SELF_TEST_FIRST_MAX_MS + 3600 * 1000);
    self_test_free(st);
}

/* Only the own 4769 for the canary is recognised; everything else pages as usual. */
static void test_recognises_nothing_broader(void **state)
{
    fake f;
    self_test *st = make(&f, 0);
    detection d;
    (void)state;

    d = own_4769();
    assert_int_equal(self_test_observe(st, &d, 0), 0); /* no trip made yet: the requester is unknown */
    assert_int_equal(self_test_tick(st, SELF_TEST_FIRST_MAX_MS), SELF_TEST_NOTHING);
    d = own_4769();
    snprintf(d.user_name, sizeof d.user_name, "alice");
    assert_int_equal(self_test_observe(st, &d, 1), 0); /* someone else roasting the canary */
    d = own_4769();
    snprintf(d.decoy_name, sizeof d.decoy_name, "svc_other");
    assert_int_equal(self_test_observe(st, &d, 1), 0); /* the own account roasting another decoy */
    d = own_4769();
    d.action = DETECT_PASSWORD_GUESS;
    d.event_code = 4771;
    assert_int_equal(self_test_observe(st, &d, 1), 0); /* other event types on the canary */
    d = own_4769();
    snprintf(d.user_name, sizeof d.user_name, "addecoy-selftest2");
    assert_int_equal(self_test_observe(st, &d, 1), 0); /* a prefix is not the account */
    assert_false(self_test_last(st)->done);
    d = own_4769(); /* DOMAIN\account and account@REALM spellings, any case */
    snprintf(d.user_name, sizeof d.user_name, "DECOY\\Addecoy-SelfTest");
    snprintf(d.decoy_name, sizeof d.decoy_name, "SVC_CANARY");
    assert_int_equal(self_test_observe(st, &d, 2), 1);
    assert_true(self_test_last(st)->ok);
    d = own_4769(); /* a late duplicate of the own event: still not a page */
    assert_int_equal(self_test_observe(st, &d, 3), 1);
    self_test_free(st);
}

static void test_new_rejects_bad_conf(void **state)
{
    fake f;
    self_test_conf c = {0, 1000, "svc_canary", "h"};
    (void)state;
    assert_null(self_test_new(&c, fake_request, &f, 0));
    c.interval_ms = 1000, c.canary = "";
    assert_null(self_test_new(&c, fake_request, &f, 0));
    assert_null(self_test_new(NULL, fake_request, &f, 0));
}

#ifndef _WIN32
static void test_spawn_capture(void **state)
{
    char out[256];
    char *sh[] = {"sh", "-c", "echo \"cc=$KRB5CCNAME\"; exit 3", NULL};
    char *env[] = {"KRB5CCNAME=FILE:/tmp/x", NULL};
    char *missing[] = {"addecoy-no-such-program", NULL};
    char *slow[] = {"sleep", "5", NULL};
    (void)state;

    assert_int_equal(svc_spawn_capture(sh, env, 5000, out, sizeof out), 3);
    assert_string_equal(out, "cc=FILE:/tmp/x\n");
    assert_int_equal(svc_spawn_capture(missing, NULL, 5000, out, sizeof out), SVC_SPAWN_NOT_FOUND);
    assert_int_equal(svc_spawn_capture(slow, NULL, 200, out, sizeof out), SVC_SPAWN_TIMEOUT);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_and_pass),    cmocka_unit_test(test_no_event_fails_once),
        cmocka_unit_test(test_ticket_failure),       cmocka_unit_test(test_recognises_nothing_broader),
        cmocka_unit_test(test_new_rejects_bad_conf),
#ifndef _WIN32
        cmocka_unit_test(test_spawn_capture),
#endif
    };
    testutil_init();
    return testutil_run(tests);
}
