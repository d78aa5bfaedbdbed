/* test_delivery.c - delivery from the spool to several sinks (file sinks): each sink at its own
 * pace, backoff after a failure, resumption, segments freed once every sink has its copy, duplicate
 * sink names refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "svc/sink/delivery.h"
#include "testutil.h"

static sink *file_sink(const char *name, const char *path)
{
    char err[512];
    json_t *j;
    sink *s;
    /* built with jansson, not text: a Windows temp path has backslashes */
    j = json_pack("{s:s, s:s, s:s, s:i}", "type", "file", "name", name, "path", path, "batch", 2);
    assert_non_null(j);
    s = sink_new_from_json(j, "t", err, sizeof err);
    json_decref(j);
    if (!s)
        fail_msg("%s", err);
    return s;
}

static void test_two_sinks_one_failing(void **state)
{
    char dir[512], spdir[600], pa[600], pb[600], bdir[600], err[512], doc[64], *data;
    sink *sinks[2];
    spool *sp;
    delivery *d;
    int64_t wait, now = 0;
    backoff_policy bp = {1000, 4000};
    (void)state;
    testutil_tmpdir(dir, sizeof dir, "delivery");
    snprintf(spdir, sizeof spdir, "%s/spool", dir);
    snprintf(pa, sizeof pa, "%s/a.jsonl", dir);
    snprintf(bdir, sizeof bdir, "%s/later", dir);
    snprintf(pb, sizeof pb, "%s/later/b.jsonl", dir); /* directory missing: writes fail */
    sp = spool_open(spdir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    sinks[0] = file_sink("a", pa);
    sinks[1] = file_sink("b", pb);
    d = delivery_new(sp, sinks, 2, NULL);
    assert_non_null(d);
    delivery_set_backoff(d, bp);
    assert_int_equal(delivery_step(d, now), -1); /* nothing pending */
    for (int i = 0; i < 5; i++) {
        snprintf(doc, sizeof doc, "{\"id\":\"D-%d\"}", i);
        assert_int_equal(spool_append(sp, doc, strlen(doc), err, sizeof err), SPOOL_OK);
    }
    assert_int_equal(spool_commit(sp, err, sizeof err), SPOOL_OK);
    assert_int_equal(delivery_pending(d), 10);
    wait = delivery_step(d, now);
    assert_int_equal(wait, 0); /* a has more to send at once; b waits */
    while ((wait = delivery_step(d, now)) == 0)
        ;
    assert_true(wait > 0 && wait <= 1000);
    assert_int_equal(spool_pending(sp, "a"), 0);
    assert_int_equal(spool_pending(sp, "b"), 5);
    data = testutil_slurp(pa, NULL);
    assert_string_equal(
        data, "{\"id\":\"D-0\"}\n{\"id\":\"D-1\"}\n{\"id\":\"D-2\"}\n{\"id\":\"D-3\"}\n{\"id\":\"D-4\"}\n");
    free(data);
    /* still failing: the wait grows but stays under the cap */
    now += wait;
    wait = delivery_step(d, now);
    assert_true(wait >= 0 && wait <= 2000);
    assert_true(spool_bytes(sp) > 0); /* b still holds the segment */
#ifdef _WIN32
    mkdir(bdir);
#else
    mkdir(bdir, 0700);
#endif
    now += 4000;
    while ((wait = delivery_step(d, now)) == 0)
        ;
    assert_int_equal(wait, -1);
    assert_int_equal(delivery_pending(d), 0);
    data = testutil_slurp(pb, NULL);
    assert_non_null(data);
    assert_non_null(strstr(data, "{\"id\":\"D-4\"}\n"));
    free(data);
    assert_int_equal(spool_bytes(sp), 0); /* every sink has its copy: segment deleted */
    delivery_free(d);
    sink_free(sinks[0]);
    sink_free(sinks[1]);
    spool_close(sp);
}

static void test_duplicate_names_refused(void **state)
{
    char dir[512], err[512];
    sink *sinks[2];
    spool *sp;
    (void)state;
    testutil_tmpdir(dir, sizeof dir, "delivery-dup");
    sp = spool_open(dir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    sinks[0] = file_sink("same", "/dev/null");
    sinks[1] = file_sink("same", "/dev/null");
    assert_null(delivery_new(sp, sinks, 2, NULL));
    sink_free(sinks[0]);
    sink_free(sinks[1]);
    spool_close(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_sinks_one_failing),
        cmocka_unit_test(test_duplicate_names_refused),
    };
    testutil_init();
    return testutil_run(tests);
}
