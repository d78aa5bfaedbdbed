/* test_delivery_thread.c - the sinks' delivery threads (svc/sink/delivery_thread.c): a sink whose
 * request never ends (tests/lib/hec_receiver.py answering after 10 minutes) holds up neither the
 * spool, which keeps accepting and committing, nor another sink, which receives every alert; a
 * stop cancels the blocked request and loses nothing (its alerts stay pending in the spool, and a
 * second run delivers them). Everything is counted (distinct alert ids), nothing is timed: the
 * waits for a condition are bounded only so that a broken build fails instead of hanging. */
#ifdef _WIN32
/* The receiver is started with fork/exec: POSIX only. */
#include <stdio.h>
int main(void)
{
    printf("SKIP: %s needs fork and the test receivers (POSIX)\n", __FILE__);
    return 0;
}
#else
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "svc/base/platform.h"
#include "svc/sink/delivery.h"
#include "receiver.h"
#include "testutil.h"

#define WAVE 40           /* alerts appended per wave */
#define PATIENCE_MS 60000 /* a bound on waiting for a condition, never an assertion on time */

static sink *sink_from(const char *fmt, const char *arg1, int arg2)
{
    char conf[1400], err[512];
    json_t *j;
    sink *s;

    snprintf(conf, sizeof conf, fmt, arg1, arg2);
    j = json_loads(conf, 0, NULL);
    assert_non_null(j);
    s = sink_new_from_json(j, "t", err, sizeof err);
    json_decref(j);
    if (!s)
        fail_msg("%s", err);
    return s;
}

/* Distinct "id"s among the JSON lines of path (NULL/missing file: 0). */
static size_t distinct_ids(const char *path, int first, int last)
{
    char *data = testutil_slurp(path, NULL);
    size_t n = 0;
    char needle[64];

    if (!data)
        return 0;
    for (int i = first; i <= last; i++) {
        snprintf(needle, sizeof needle, "\"id\":\"T-%d\"", i);
        n += strstr(data, needle) != NULL;
    }
    free(data);
    return n;
}

static void append_wave(spool *sp, delivery *d, int first)
{
    char doc[128], err[512];

    for (int i = first; i < first + WAVE; i++) {
        snprintf(doc, sizeof doc, "{\"id\":\"T-%d\",\"action\":\"kerberoast\"}", i);
        assert_int_equal(spool_append(sp, doc, strlen(doc), err, sizeof err), SPOOL_OK);
    }
    assert_int_equal(spool_commit(sp, err, sizeof err), SPOOL_OK);
    delivery_wake(d);
}

/* Waits (bounded) until the sink has acknowledged everything (it writes before it acknowledges). */
static int64_t wait_acknowledged(spool *sp, const char *sink)
{
    int64_t start = svc_now_ms(), n;

    while ((n = spool_pending(sp, sink)) != 0 && svc_now_ms() - start < PATIENCE_MS)
        svc_sleep_ms(20);
    return n;
}

/* Waits (bounded) until the file has every id in [first, last]. */
static size_t wait_for_ids(const char *path, int first, int last)
{
    int64_t start = svc_now_ms();
    size_t n;

    while ((n = distinct_ids(path, first, last)) < (size_t)(last - first + 1) && svc_now_ms() - start < PATIENCE_MS)
        svc_sleep_ms(20);
    return n;
}

static void test_blocked_sink_holds_up_nothing(void **state)
{
    static const char *const flags[] = {"--delay-ms", "600000", NULL};
    char dir[512], spdir[600], fast[600], err[512], url[64];
    receiver r;
    sink *sinks[2];
    spool *sp;
    delivery *d;
    (void)state;

    receiver_start_script(&r, "hec_receiver.py", "events.jsonl", "dthread",
                          (const char *const[]){"--token", "tok", NULL}, flags);
    testutil_tmpdir(dir, sizeof dir, "delivery-thread");
    snprintf(spdir, sizeof spdir, "%s/spool", dir);
    snprintf(fast, sizeof fast, "%s/fast.jsonl", dir);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", r.port);
    sp = spool_open(spdir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    /* the blocked sink first: a single thread would never reach the second one */
    sinks[0] = sink_from("{\"type\":\"hec\",\"name\":\"blocked\",\"url\":\"%s\",\"token\":\"tok\",\"batch\":%d,"
                         "\"timeout_ms\":600000}",
                         url, 5);
    sinks[1] = sink_from("{\"type\":\"file\",\"name\":\"fast\",\"path\":\"%s\",\"batch\":%d}", fast, 7);
    d = delivery_new(sp, sinks, 2, NULL);
    assert_non_null(d);
    assert_int_equal(delivery_start(d, err, sizeof err), 0);

    /* first wave: the blocked sink takes its first batch and hangs in the request */
    append_wave(sp, d, 0);
    assert_int_equal(wait_for_ids(fast, 0, WAVE - 1), WAVE);
    /* the spool keeps growing while that request hangs, and the other sink gets every alert */
    append_wave(sp, d, WAVE);
    append_wave(sp, d, 2 * WAVE);
    assert_int_equal(wait_for_ids(fast, 0, 3 * WAVE - 1), 3 * WAVE);
    assert_int_equal(wait_acknowledged(sp, "fast"), 0);
    assert_int_equal(spool_pending(sp, "blocked"), 3 * WAVE); /* nothing acknowledged: nothing lost */
    assert_int_equal(distinct_ids(r.out, 0, 3 * WAVE - 1), 0);

    /* a stop cancels the hanging request instead of waiting for its 10-minute timeout */
    delivery_stop(d, 0);
    assert_int_equal(spool_pending(sp, "blocked"), 3 * WAVE);
    assert_true(spool_bytes(sp) > 0); /* the blocked sink still holds every segment */
    delivery_free(d);
    sink_free(sinks[0]);
    sink_free(sinks[1]);
    spool_close(sp);
    receiver_stop(&r);

    /* the next run, with the receiver answering at once, delivers all of them: nothing was lost */
    receiver_start_script(&r, "hec_receiver.py", "events.jsonl", "dthread2",
                          (const char *const[]){"--token", "tok", NULL}, NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", r.port);
    sp = spool_open(spdir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    sinks[0] = sink_from(
        "{\"type\":\"hec\",\"name\":\"blocked\",\"url\":\"%s\",\"token\":\"tok\",\"batch\":%d}", url, 5);
    sinks[1] = sink_from("{\"type\":\"file\",\"name\":\"fast\",\"path\":\"%s\",\"batch\":%d}", fast, 7);
    d = delivery_new(sp, sinks, 2, NULL);
    assert_non_null(d);
    assert_int_equal(delivery_start(d, err, sizeof err), 0);
    assert_int_equal(delivery_drain(d, PATIENCE_MS, NULL), 0);
    assert_int_equal(distinct_ids(r.out, 0, 3 * WAVE - 1), 3 * WAVE);
    delivery_stop(d, 0);
    assert_int_equal(spool_bytes(sp), 0); /* both sinks have their copy: segments deleted */
    delivery_free(d);
    sink_free(sinks[0]);
    sink_free(sinks[1]);
    spool_close(sp);
    receiver_stop(&r);
}

/* The heartbeat goes through the sinks' threads: offered once, received once by the sink that
 * takes heartbeats (file: default on), and not by a webhook paging format (default off). */
static void test_heartbeat_offered_to_threads(void **state)
{
    char dir[512], spdir[600], path[600], err[512], *data;
    const char *hb = "{\"id\":\"HB-1\",\"event\":{\"kind\":\"state\"}}";
    sink *sinks[1];
    spool *sp;
    delivery *d;
    int64_t start;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "delivery-hb");
    snprintf(spdir, sizeof spdir, "%s/spool", dir);
    snprintf(path, sizeof path, "%s/hb.jsonl", dir);
    sp = spool_open(spdir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    sinks[0] = sink_from("{\"type\":\"file\",\"name\":\"f\",\"path\":\"%s\",\"batch\":%d}", path, 1);
    d = delivery_new(sp, sinks, 1, NULL);
    assert_non_null(d);
    assert_int_equal(delivery_start(d, err, sizeof err), 0);
    delivery_offer_heartbeat(d, hb, strlen(hb));
    start = svc_now_ms();
    while (!(data = testutil_slurp(path, NULL)) && svc_now_ms() - start < PATIENCE_MS)
        svc_sleep_ms(10);
    delivery_stop(d, 0);
    assert_non_null(data);
    assert_string_equal(data, "{\"id\":\"HB-1\",\"event\":{\"kind\":\"state\"}}\n"); /* once */
    free(data);
    delivery_free(d);
    sink_free(sinks[0]);
    spool_close(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_sink_holds_up_nothing),
        cmocka_unit_test(test_heartbeat_offered_to_threads),
    };
    testutil_init();
    atexit(receiver_stop_all);
    return testutil_run(tests);
}
#endif
