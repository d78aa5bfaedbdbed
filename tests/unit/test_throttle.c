/* test_throttle.c - folding per (decoy, action, source): first alert at once, one follow-up per
 * window with the folded count (the counts always add up to the detections), idle keys forgotten,
 * the allowlist (IPv4/IPv6 CIDRs) marking alerts suppressed, the key cap, emit refusals, and the
 * saved/loaded state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/detect/throttle.h"
#include "testutil.h"

#define MAXA 4096

typedef struct sink {
    alert *a;
    size_t n;
    int refuse; /* refuse this many emits first */
} sink;

static int collect(void *ctx, const alert *a)
{
    sink *s = ctx;
    if (s->refuse > 0) {
        s->refuse--;
        return 7;
    }
    assert_true(s->n < MAXA);
    s->a[s->n++] = *a;
    return 0;
}

static void det(detection *d, const char *decoy, detect_action act, const char *ip, int64_t t, uint64_t rec)
{
    memset(d, 0, sizeof *d);
    d->action = act;
    snprintf(d->decoy_name, sizeof d->decoy_name, "%s", decoy);
    snprintf(d->source_ip, sizeof d->source_ip, "%s", ip);
    snprintf(d->host, sizeof d->host, "dc01");
    snprintf(d->channel, sizeof d->channel, "Security");
    d->time_ms = t;
    d->record_id = rec;
    d->pre_auth_type = d->logon_type = -1;
}

/* Feeds one detection the way the pipeline does: flush, then observe. */
static void feed(throttle *t, sink *s, const detection *d, int64_t now)
{
    alert a;
    assert_int_equal(throttle_flush(t, now, 0, collect, s), 0);
    if (throttle_observe(t, d, now, &a))
        assert_int_equal(collect(s, &a), 0);
}

static sink *sink_new(void)
{
    sink *s = calloc(1, sizeof *s);
    s->a = calloc(MAXA, sizeof *s->a);
    return s;
}

static void sink_free(sink *s)
{
    free(s->a);
    free(s);
}

static uint64_t total(const sink *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->a[i].count;
    return n;
}

static void test_fold(void **state)
{
    (void)state;
    throttle *t = throttle_new(60000);
    sink *s = sink_new();
    detection d;
    alert a;

    det(&d, "svc", DETECT_PASSWORD_GUESS, "10.0.0.1", 1000, 1);
    assert_int_equal(throttle_observe(t, &d, 1000, &a), 1);
    assert_int_equal(a.count, 1);
    assert_int_equal(a.followup, 0);
    assert_int_equal(a.seq, 0);
    assert_int_equal(a.suppressed, 0);
    assert_int_equal(a.first_seen_ms, 1000);
    for (int i = 0; i < 9; i++) {
        det(&d, "svc", DETECT_PASSWORD_GUESS, "10.0.0.1", 2000 + i, 2 + (uint64_t)i);
        assert_int_equal(throttle_observe(t, &d, 2000 + i, &a), 0);
    }
    /* a different action, source or decoy is another key */
    det(&d, "svc", DETECT_DECOY_LOGON, "10.0.0.1", 3000, 20);
    assert_int_equal(throttle_observe(t, &d, 3000, &a), 1);
    det(&d, "svc", DETECT_PASSWORD_GUESS, "10.0.0.2", 3000, 21);
    assert_int_equal(throttle_observe(t, &d, 3000, &a), 1);
    det(&d, "other", DETECT_PASSWORD_GUESS, "10.0.0.1", 3000, 22);
    assert_int_equal(throttle_observe(t, &d, 3000, &a), 1);
    assert_int_equal(throttle_keys(t), 4);

    /* before the window ends: nothing */
    assert_int_equal(throttle_flush(t, 60999, 0, collect, s), 0);
    assert_int_equal(s->n, 0);
    assert_int_equal(throttle_flush(t, 61000, 0, collect, s), 0);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->a[0].count, 9);
    assert_int_equal(s->a[0].followup, 1);
    assert_int_equal(s->a[0].seq, 1);
    assert_int_equal(s->a[0].first_seen_ms, 2000);
    assert_int_equal(s->a[0].last_seen_ms, 2008);
    assert_int_equal(s->a[0].det.record_id, 10); /* the latest folded event */
    /* the key stays for a new window; the idle ones go after theirs */
    assert_int_equal(throttle_flush(t, 63000, 0, collect, s), 0);
    assert_int_equal(throttle_keys(t), 1);
    assert_int_equal(s->n, 1);
    /* nothing more arrives: the last key goes after a further idle window */
    assert_int_equal(throttle_flush(t, 121000, 0, collect, s), 0);
    assert_int_equal(throttle_keys(t), 0);
    /* and the next event of that key alerts at once again */
    det(&d, "svc", DETECT_PASSWORD_GUESS, "10.0.0.1", 200000, 50);
    assert_int_equal(throttle_observe(t, &d, 200000, &a), 1);
    throttle_free(t);
    sink_free(s);
}

static void test_counts_add_up(void **state)
{
    (void)state;
    throttle *t = throttle_new(300000);
    sink *s = sink_new();
    detection d;
    uint64_t n = 0;
    /* a sustained attack over 30 minutes, 3 sources, one event every 7 s each */
    for (int64_t now = 0; now < 1800000; now += 7000) {
        for (int src = 0; src < 3; src++) {
            char ip[32];
            snprintf(ip, sizeof ip, "10.0.0.%d", src + 1);
            det(&d, "svc", DETECT_PASSWORD_GUESS, ip, now, (uint64_t)n);
            feed(t, s, &d, now);
            n++;
        }
    }
    assert_int_equal(throttle_flush(t, 1800000, 1, collect, s), 0);
    assert_int_equal(total(s), n);
    assert_int_equal(throttle_keys(t), 0);
    /* first alert + about one follow-up per 5-minute window per source, not one per event */
    assert_true(s->n >= 3 * 6 && s->n <= 3 * 8);
    /* ids unique */
    for (size_t i = 0; i < s->n; i++) {
        char a[33], b[33];
        alert_id(&s->a[i], a);
        for (size_t j = i + 1; j < s->n; j++) {
            alert_id(&s->a[j], b);
            assert_string_not_equal(a, b);
        }
    }
    throttle_free(t);
    sink_free(s);
}

static void test_window_zero(void **state)
{
    (void)state;
    throttle *t = throttle_new(0);
    detection d;
    alert a;
    det(&d, "svc", DETECT_RECON, "", 5, 1);
    for (int i = 0; i < 5; i++)
        assert_int_equal(throttle_observe(t, &d, 5, &a), 1);
    assert_int_equal(throttle_keys(t), 0);
    throttle_free(t);
}

static void test_allowlist(void **state)
{
    (void)state;
    throttle *t = throttle_new(60000);
    char err[256];
    detection d;
    alert a;
    assert_int_equal(throttle_allow(t, "10.0.0.0/8", err, sizeof err), 0);
    assert_int_equal(throttle_allow(t, "192.168.1.7", err, sizeof err), 0);
    assert_int_equal(throttle_allow(t, "fd00::/8", err, sizeof err), 0);
    assert_int_equal(throttle_allow(t, "::1", err, sizeof err), 0);
    assert_int_equal(throttle_allow(t, "172.16.0.0/12", err, sizeof err), 0);
    assert_int_equal(throttle_allow(t, "10.0.0.0/33", err, sizeof err), -1);
    assert_non_null(strstr(err, "10.0.0.0/33"));
    assert_int_equal(throttle_allow(t, "nonsense", err, sizeof err), -1);
    assert_int_equal(throttle_allow(t, "10.0.0.0/", err, sizeof err), -1);
    assert_int_equal(throttle_allow(t, "", err, sizeof err), -1);
    assert_int_equal(throttle_allow(t, "fe80::/129", err, sizeof err), -1);
    assert_true(throttle_is_allowed(t, "10.200.3.4"));
    assert_true(throttle_is_allowed(t, "::ffff:10.200.3.4"));
    assert_true(throttle_is_allowed(t, "192.168.1.7"));
    assert_false(throttle_is_allowed(t, "192.168.1.8"));
    assert_true(throttle_is_allowed(t, "172.31.255.255"));
    assert_false(throttle_is_allowed(t, "172.32.0.0"));
    assert_true(throttle_is_allowed(t, "fd12:3456::1"));
    assert_false(throttle_is_allowed(t, "fe80::1"));
    assert_true(throttle_is_allowed(t, "::1"));
    assert_false(throttle_is_allowed(t, "11.0.0.1"));
    assert_false(throttle_is_allowed(t, ""));
    assert_false(throttle_is_allowed(t, "garbage"));

    det(&d, "svc", DETECT_KERBEROAST, "10.1.1.1", 1, 1);
    assert_int_equal(throttle_observe(t, &d, 1, &a), 1);
    assert_int_equal(a.suppressed, 1); /* still an alert (counted, logged), marked */
    det(&d, "svc", DETECT_KERBEROAST, "10.1.1.1", 2, 2);
    assert_int_equal(throttle_observe(t, &d, 2, &a), 0);
    sink *s = sink_new();
    assert_int_equal(throttle_flush(t, 3, 1, collect, s), 0);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->a[0].suppressed, 1);
    det(&d, "svc", DETECT_KERBEROAST, "11.1.1.1", 4, 3);
    assert_int_equal(throttle_observe(t, &d, 4, &a), 1);
    assert_int_equal(a.suppressed, 0);
    sink_free(s);
    throttle_free(t);
}

static void test_cap_and_refusal(void **state)
{
    (void)state;
    throttle *t = throttle_new(60000);
    sink *s = sink_new();
    detection d;
    alert a;
    uint64_t events = 0, direct = 0;
    throttle_set_max_keys(t, 4);
    for (int i = 0; i < 10; i++) { /* 10 sources, each twice: 4 keys fit */
        char ip[32];
        snprintf(ip, sizeof ip, "10.0.0.%d", i);
        for (int k = 0; k < 2; k++) {
            det(&d, "svc", DETECT_PASSWORD_GUESS, ip, i * 10 + k, events);
            events++;
            if (throttle_observe(t, &d, i * 10 + k, &a)) {
                direct++;
                collect(s, &a);
            }
        }
        assert_true(throttle_keys(t) <= 4);
    }
    assert_int_equal(direct, 4 + 2 * 6); /* the keys that did not fit were not folded */
    /* a refused follow-up stays pending and is retried */
    s->refuse = 1;
    assert_int_equal(throttle_flush(t, 1000000, 1, collect, s), 7);
    assert_int_equal(throttle_flush(t, 1000000, 1, collect, s), 0);
    assert_int_equal(total(s), events);
    assert_int_equal(throttle_keys(t), 0);
    sink_free(s);
    throttle_free(t);
}

/* Every alert: first_seen <= last_seen and its detections lie within one window of each other. */
static void check_spans(const sink *s, int64_t window)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->a[i].first_seen_ms > s->a[i].last_seen_ms)
            fail_msg("alert %u: first_seen %lld > last_seen %lld", (unsigned)i,
                     (long long)s->a[i].first_seen_ms, (long long)s->a[i].last_seen_ms);
        if (s->a[i].last_seen_ms - s->a[i].first_seen_ms >= window)
            fail_msg("alert %u folds detections %lld ms apart (window %lld)", (unsigned)i,
                     (long long)(s->a[i].last_seen_ms - s->a[i].first_seen_ms), (long long)window);
    }
}

/* Event time as the clock (hunt), detections newest first: they still fold, with first <= last. */
static void test_newest_first(void **state)
{
    throttle *t = throttle_new(60000);
    sink *s = sink_new();
    detection d;
    (void)state;
    for (int i = 5; i >= 1; i--) {
        det(&d, "svc", DETECT_KERBEROAST, "10.0.0.5", i * 10000, (uint64_t)i);
        feed(t, s, &d, d.time_ms);
    }
    assert_int_equal(throttle_flush(t, 50000, 1, collect, s), 0);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->a[0].count, 1);
    assert_int_equal(s->a[0].first_seen_ms, 50000);
    assert_int_equal(s->a[1].count, 4);
    assert_true(s->a[1].followup);
    assert_int_equal(s->a[1].first_seen_ms, 10000);
    assert_int_equal(s->a[1].last_seen_ms, 40000);
    check_spans(s, 60000);
    sink_free(s);
    throttle_free(t);
}

/* Two files a year apart given newest first: nothing folds across the year. */
static void test_files_out_of_order(void **state)
{
    const int64_t year = 365LL * 86400 * 1000, w = 300000;
    const int64_t times[] = {year, year + 1000, year + 2000, 0, 1000};
    throttle *t = throttle_new(w);
    sink *s = sink_new();
    detection d;
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        det(&d, "svc", DETECT_KERBEROAST, "10.0.0.5", times[i], i);
        feed(t, s, &d, d.time_ms);
    }
    assert_int_equal(throttle_flush(t, 1000, 1, collect, s), 0);
    assert_int_equal(total(s), 5);
    assert_int_equal(s->n, 4); /* year: alert + follow-up (2); then year 0: alert + follow-up (1) */
    assert_int_equal(s->a[1].count, 2);
    assert_int_equal(s->a[1].first_seen_ms, year + 1000);
    assert_int_equal(s->a[1].last_seen_ms, year + 2000);
    assert_int_equal(s->a[2].first_seen_ms, 0);
    assert_false(s->a[2].followup);
    check_spans(s, w);
    sink_free(s);
    throttle_free(t);
}

/* Any order: counts add up, first <= last, no alert spans a window (three keys, 2,000 detections
 * over ten days in a shuffled order with runs, as files of mixed periods would give). */
static void test_any_order(void **state)
{
    const int64_t w = 300000;
    enum { N = 2000 };
    int64_t *times = malloc(N * sizeof *times);
    uint32_t seed = 12345;
    throttle *t = throttle_new(w);
    sink *s = sink_new();
    detection d;
    (void)state;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        times[i] = (int64_t)(seed >> 8) % (10LL * 86400 * 1000);
    }
    for (int i = 0; i < N; i += 50) { /* runs sorted ascending or descending, runs shuffled */
        for (int a = i; a < i + 50; a++)
            for (int b = a + 1; b < i + 50; b++)
                if ((times[a] > times[b]) == ((i / 50) % 2 == 0)) {
                    int64_t x = times[a];
                    times[a] = times[b], times[b] = x;
                }
    }
    for (int i = 0; i < N; i++) {
        static const char *const ips[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
        det(&d, "svc", DETECT_PASSWORD_GUESS, ips[i % 3], times[i], (uint64_t)i);
        feed(t, s, &d, d.time_ms);
    }
    assert_int_equal(throttle_flush(t, 0, 1, collect, s), 0);
    assert_int_equal(total(s), N);
    check_spans(s, w);
    assert_true(s->n < N); /* it still folds */
    free(times);
    sink_free(s);
    throttle_free(t);
}

static void test_save_load(void **state)
{
    (void)state;
    throttle *t = throttle_new(60000), *u = throttle_new(60000);
    sink *s1 = sink_new(), *s2 = sink_new();
    detection d;
    alert a;
    char err[256], *json, *json2;

    det(&d, "svc \"quoted\"\n", DETECT_KERBEROAST, "10.0.0.1", 100, 1);
    snprintf(d.decoy_memo, sizeof d.decoy_memo, "memo \xc3\xa9 <!channel>");
    snprintf(d.ticket_enc_name, sizeof d.ticket_enc_name, "RC4-HMAC");
    d.ticket_enc = 0x17;
    d.has_ticket_enc = 1;
    d.rc4 = 1;
    assert_int_equal(throttle_observe(t, &d, 100, &a), 1);
    d.record_id = 2;
    d.time_ms = 200;
    assert_int_equal(throttle_observe(t, &d, 200, &a), 0);
    d.record_id = 3;
    d.time_ms = 300;
    assert_int_equal(throttle_observe(t, &d, 300, &a), 0);
    det(&d, "idle", DETECT_RECON, "", 400, 4);
    assert_int_equal(throttle_observe(t, &d, 400, &a), 1);
    det(&d, "", DETECT_AUDIT_POLICY_CHANGED, "", 450, 6); /* about the DC, no decoy; folded below */
    snprintf(d.object, sizeof d.object, "Logon");
    snprintf(d.remedy, sizeof d.remedy, "auditpol /set ...");
    snprintf(d.user_sid, sizeof d.user_sid, "S-1-5-18");
    assert_int_equal(throttle_observe(t, &d, 450, &a), 1);
    d.record_id = 7;
    assert_int_equal(throttle_observe(t, &d, 460, &a), 0);

    json = throttle_save(t);
    assert_non_null(json);
    assert_int_equal(throttle_load(u, json, err, sizeof err), 0);
    json2 = throttle_save(u);
    assert_string_equal(json, json2);
    /* an open window survives: the next event is folded, not re-alerted */
    det(&d, "idle", DETECT_RECON, "", 500, 5);
    assert_int_equal(throttle_observe(u, &d, 500, &a), 0);
    assert_int_equal(throttle_flush(t, 100000, 1, collect, s1), 0);
    assert_int_equal(throttle_flush(u, 100000, 1, collect, s2), 0);
    assert_int_equal(s1->n, 2);
    assert_int_equal(s2->n, 3);
    for (size_t i = 0; i < s2->n; i++)
        if (s2->a[i].det.action == DETECT_AUDIT_POLICY_CHANGED) {
            assert_string_equal(s2->a[i].det.object, "Logon");
            assert_string_equal(s2->a[i].det.remedy, "auditpol /set ...");
            assert_string_equal(s2->a[i].det.user_sid, "S-1-5-18");
        }
    const alert *x = s1->a[0].det.action == DETECT_KERBEROAST ? &s1->a[0] : NULL, *y = NULL;
    for (size_t i = 0; i < s2->n; i++)
        if (s2->a[i].det.action == DETECT_KERBEROAST)
            y = &s2->a[i];
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(x->count, 2);
    assert_int_equal(y->count, 2);
    assert_memory_equal(&x->det, &y->det, sizeof x->det);
    assert_int_equal(x->seq, y->seq);
    char ida[33], idb[33];
    alert_id(x, ida);
    alert_id(y, idb);
    assert_string_equal(ida, idb); /* a replay after restart gives the same id */

    assert_int_equal(throttle_load(u, "{", err, sizeof err), -1);
    assert_int_equal(throttle_load(u, "{\"version\":2,\"keys\":[]}", err, sizeof err), -1);
    assert_int_equal(throttle_load(u, "{\"version\":1,\"keys\":[{\"action\":\"bogus\"}]}", err, sizeof err), -1);
    assert_non_null(strstr(err, "keys[0]"));
    assert_int_equal(throttle_load(u, "{\"version\":1,\"keys\":[]}", err, sizeof err), 0);
    assert_int_equal(throttle_keys(u), 0);
    free(json);
    free(json2);
    sink_free(s1);
    sink_free(s2);
    throttle_free(t);
    throttle_free(u);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_counts_add_up),
        cmocka_unit_test(test_window_zero),
        cmocka_unit_test(test_allowlist),
        cmocka_unit_test(test_cap_and_refusal),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_newest_first),
        cmocka_unit_test(test_files_out_of_order),
        cmocka_unit_test(test_any_order),
    };
    return testutil_run(tests);
}
