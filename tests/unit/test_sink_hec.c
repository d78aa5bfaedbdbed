/* test_sink_hec.c - the Splunk HEC sink against tests/lib/hec_receiver.py (strict reply table):
 * 200 OK and the envelope, 401/403 -> CONFIG_ERROR never retried, 503 code 9 -> RETRY with
 * Retry-After, 400 code 6 -> REJECTED with the index and quarantine, indexer acknowledgment. */
#ifdef _WIN32
/* The receivers are started with fork/exec (and rsyslog): POSIX only. */
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
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "svc/sink/delivery.h"
#include "svc/sink/sink.h"
#include "receiver.h"
#include "testutil.h"

/* The strict HEC receiver (tests/lib/hec_receiver.py) accepting the token "good-token". */
static void receiver_start(receiver *r, const char *tag, const char *const *flags)
{
    static const char *const args[] = {"--token", "good-token", NULL};
    receiver_start_script(r, "hec_receiver.py", "events.jsonl", tag, args, flags);
}

static sink *hec_sink(const receiver *r, const char *token, const char *extra)
{
    char conf[1024], err[512];
    json_t *j;
    sink *s;

    snprintf(conf, sizeof conf, "{\"type\":\"hec\",\"url\":\"http://127.0.0.1:%d/\",\"token\":\"%s\"%s}",
             r->port, token, extra ? extra : "");
    j = json_loads(conf, 0, NULL);
    assert_non_null(j);
    s = sink_new_from_json(j, "test.json: sinks[0]", err, sizeof err);
    json_decref(j);
    if (!s)
        fail_msg("sink_new_from_json: %s", err);
    return s;
}

static const char *DOCS[] = {
    "{\"id\":\"A-1\",\"@timestamp\":\"2026-11-23T10:00:00.123Z\",\"action\":\"kerberoast\",\"severity\":\"high\","
    "\"decoy\":{\"name\":\"svc_backup_legacy\"},\"host\":{\"name\":\"DC01.corp.example\"}}",
    "{\"id\":\"A-2\",\"@timestamp\":\"2026-11-23T10:00:01Z\",\"action\":\"recon\",\"summary\":\"EVIL \\\"x\\\"\\n<!channel>\"}",
    "{\"id\":\"A-3\",\"action\":\"decoy_logon\",\"user\":{\"name\":\"a|b=c\"}}",
};
static const size_t LENS_N = 3;

static size_t lens[3];

static size_t count_lines(const char *path)
{
    char *d = testutil_slurp(path, NULL);
    size_t n = 0;
    if (!d)
        return 0;
    for (char *p = d; *p; p++)
        n += *p == '\n';
    free(d);
    return n;
}

static json_t *line_json(const char *path, size_t idx)
{
    char *d = testutil_slurp(path, NULL), *p;
    json_t *j;
    assert_non_null(d);
    p = d;
    for (size_t i = 0; i < idx; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    j = json_loadb(p, strcspn(p, "\n"), 0, NULL);
    free(d);
    assert_non_null(j);
    return j;
}

static void test_ok_envelope(void **state)
{
    receiver r;
    sink_result res;
    sink *s;
    json_t *e;
    (void)state;
    receiver_start(&r, "hec-ok", NULL);
    s = hec_sink(&r, "good-token", ",\"index\":\"main\",\"name\":\"splunk\"");
    assert_string_equal(sink_name(s), "splunk");
    assert_int_equal(sink_send(s, DOCS, lens, LENS_N, &res), SINK_OK);
    assert_int_equal(res.http_status, 200);
    assert_int_equal(count_lines(r.out), 3);
    e = line_json(r.out, 0);
    assert_true(json_is_real(json_object_get(e, "time")));
    assert_int_equal((long long)(json_real_value(json_object_get(e, "time")) * 1000 + 0.5),
                     1795428000123LL /* 2026-11-23T10:00:00.123Z */);
    assert_string_equal(json_string_value(json_object_get(e, "host")), "DC01.corp.example");
    assert_string_equal(json_string_value(json_object_get(e, "source")), "addecoy");
    assert_string_equal(json_string_value(json_object_get(e, "sourcetype")), "addecoy:alert");
    assert_string_equal(json_string_value(json_object_get(e, "index")), "main");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "fields"), "action")), "kerberoast");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "fields"), "decoy")),
                        "svc_backup_legacy");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "event"), "id")), "A-1");
    json_decref(e);
    e = line_json(r.out, 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "event"), "summary")),
                        "EVIL \"x\"\n<!channel>");
    json_decref(e);
    sink_free(s);
    receiver_stop(&r);
}

/* A heartbeat (event.kind "state") goes with its own sourcetype; hec takes heartbeats by default. */
static void test_heartbeat_sourcetype(void **state)
{
    static const char hb[] =
        "{\"id\":\"H-1\",\"@timestamp\":\"2026-11-23T10:00:00.000Z\",\"action\":\"heartbeat\","
        "\"event\":{\"kind\":\"state\"},\"host\":{\"name\":\"dc1\"}}";
    const char *docs[1] = {hb};
    size_t len = sizeof hb - 1;
    receiver r;
    sink_result res;
    sink *s;
    json_t *e;
    (void)state;
    receiver_start(&r, "hec-hb", NULL);
    s = hec_sink(&r, "good-token", "");
    assert_true(sink_wants_heartbeat(s));
    assert_int_equal(sink_send(s, docs, &len, 1, &res), SINK_OK);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_OK);
    e = line_json(r.out, 0);
    assert_string_equal(json_string_value(json_object_get(e, "sourcetype")), "addecoy:heartbeat");
    assert_string_equal(json_string_value(json_object_get(e, "host")), "dc1");
    json_decref(e);
    e = line_json(r.out, 1);
    assert_string_equal(json_string_value(json_object_get(e, "sourcetype")), "addecoy:alert");
    json_decref(e);
    sink_free(s);
    s = hec_sink(&r, "good-token", ",\"heartbeat\":false,\"heartbeat_sourcetype\":\"x:hb\"");
    assert_false(sink_wants_heartbeat(s));
    sink_free(s);
    receiver_stop(&r);
}

static void test_invalid_token_config_error(void **state)
{
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "hec-401", NULL);
    s = hec_sink(&r, "wrong-token", NULL);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_CONFIG_ERROR);
    assert_int_equal(res.http_status, 403);
    assert_non_null(strstr(res.message, "code 4"));
    assert_non_null(strstr(res.message, "Invalid token"));
    assert_null(strstr(res.message, "wrong-token"));
    assert_int_equal(count_lines(r.out), 0);
    sink_free(s);
    receiver_stop(&r);
}

static void test_busy_retry_after(void **state)
{
    const char *flags[] = {"--fail-next", "1", "--retry-after", "7", NULL};
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "hec-503", flags);
    s = hec_sink(&r, "good-token", NULL);
    assert_int_equal(sink_send(s, DOCS, lens, 2, &res), SINK_RETRY);
    assert_int_equal(res.http_status, 503);
    assert_int_equal(res.retry_after_ms, 7000);
    assert_non_null(strstr(res.message, "code 9"));
    assert_int_equal(count_lines(r.out), 0);
    assert_int_equal(sink_send(s, DOCS, lens, 2, &res), SINK_OK);
    assert_int_equal(count_lines(r.out), 2);
    sink_free(s);
    receiver_stop(&r);
}

static void test_network_error_retry(void **state)
{
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "hec-down", NULL);
    receiver_stop(&r); /* nobody listens on the port any more */
    s = hec_sink(&r, "good-token", NULL);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_RETRY);
    assert_int_equal(res.http_status, 0);
    sink_free(s);
}

static void test_invalid_event_rejected(void **state)
{
    const char *flags[] = {"--invalid-marker", "EVIL", NULL};
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "hec-400", flags);
    s = hec_sink(&r, "good-token", NULL);
    assert_int_equal(sink_send(s, DOCS, lens, 3, &res), SINK_REJECTED);
    assert_int_equal(res.http_status, 400);
    assert_int_equal(res.rejected_index, 1);
    assert_non_null(strstr(res.message, "code 6"));
    assert_int_equal(count_lines(r.out), 1); /* the one before the invalid event */
    sink_free(s);
    receiver_stop(&r);
}

static void test_index_not_allowed(void **state)
{
    const char *flags[] = {"--indexes", "security", NULL};
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "hec-idx", flags);
    s = hec_sink(&r, "good-token", ",\"index\":\"main\"");
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_CONFIG_ERROR);
    assert_non_null(strstr(res.message, "code 7"));
    sink_free(s);
    receiver_stop(&r);
}

static void test_ack_flow(void **state)
{
    const char *flags[] = {"--ack", "--ack-polls", "2", NULL};
    receiver r;
    sink_result res;
    sink *s, *noack;
    (void)state;
    receiver_start(&r, "hec-ack", flags);
    s = hec_sink(&r, "good-token", ",\"ack\":true,\"ack_poll_ms\":20");
    assert_int_equal(sink_send(s, DOCS, lens, 3, &res), SINK_OK);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_OK);
    assert_int_equal(count_lines(r.out), 4);
    sink_free(s);
    /* an ack that never comes: bounded wait, then RETRY */
    s = hec_sink(&r, "good-token",
                 ",\"ack\":true,\"ack_poll_ms\":20,\"ack_timeout_ms\":0,"
                 "\"channel\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_RETRY);
    assert_non_null(strstr(res.message, "not confirmed"));
    sink_free(s);
    /* without a channel the server refuses (code 10): a configuration error */
    noack = hec_sink(&r, "good-token", NULL);
    assert_int_equal(sink_send(noack, DOCS, lens, 1, &res), SINK_CONFIG_ERROR);
    assert_non_null(strstr(res.message, "code 10"));
    sink_free(noack);
    receiver_stop(&r);
}

/* Through the spool and delivery: the config error is not retried, the rejected alert is
 * quarantined, the busy server is retried after its Retry-After. */
static void test_delivery_policies(void **state)
{
    const char *flags[] = {"--invalid-marker", "EVIL", "--fail-next", "1", "--retry-after", "3", NULL};
    char dir[512], err[512], qdir[600];
    int64_t t;
    receiver r;
    spool *sp;
    sink *bad, *good, *sinks[2];
    delivery *d;
    int64_t wait;
    (void)state;
    receiver_start(&r, "hec-dlv", flags);
    testutil_tmpdir(dir, sizeof dir, "hec-dlv-spool");
    sp = spool_open(dir, 0, NULL, err, sizeof err);
    assert_non_null(sp);
    bad = hec_sink(&r, "wrong-token", ",\"name\":\"bad\"");
    good = hec_sink(&r, "good-token", ",\"name\":\"good\",\"reject_retries\":1");
    sinks[0] = good, sinks[1] = bad;
    d = delivery_new(sp, sinks, 2, NULL);
    assert_non_null(d);
    for (size_t i = 0; i < LENS_N; i++)
        assert_int_equal(spool_append(sp, DOCS[i], lens[i], err, sizeof err), SPOOL_OK);
    assert_int_equal(spool_commit(sp, err, sizeof err), SPOOL_OK);
    assert_int_equal(delivery_pending(d), 6);

    wait = delivery_step(d, 1000); /* good: 503 + Retry-After 3 s; bad: 403 -> paused */
    assert_true(wait >= 3000);
    assert_int_equal(delivery_pending(d), 6);
    assert_int_equal(delivery_step(d, 2000), 2000); /* nobody is due yet */
    /* good: 400 code 6 on A-2 (A-1 before it indexed); A-2 sent once more, then quarantined */
    for (t = 4000; spool_pending(sp, "good") > 0 && t < 60000; t += 100)
        wait = delivery_step(d, t);
    assert_int_equal(spool_pending(sp, "good"), 0);
    assert_int_equal(spool_pending(sp, "bad"), 3); /* kept, not retried before the pause ends */
    wait = delivery_step(d, t);
    assert_int_equal(wait, 1000 + DELIVERY_CONFIG_PAUSE_MS - t);
    assert_int_equal(count_lines(r.out), 2);
    {
        json_t *e = line_json(r.out, 1);
        assert_string_equal(json_string_value(json_object_get(json_object_get(e, "event"), "id")), "A-3");
        json_decref(e);
    }
    snprintf(qdir, sizeof qdir, "%s/quarantine/good.jsonl", dir);
    {
        char *text = testutil_slurp(qdir, NULL);
        json_t *q;
        assert_non_null(text);
        assert_non_null(text);
        size_t nl = 0;
        for (const char *c = text; *c; c++)
            nl += *c == '\n';
        assert_int_equal(nl, 1); /* one quarantined alert, one line */
        q = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
        assert_non_null(q);
        assert_string_equal(json_string_value(json_object_get(json_object_get(q, "alert"), "id")), "A-2");
        assert_int_equal(json_integer_value(json_object_get(q, "attempts")), 2);
        assert_non_null(strstr(json_string_value(json_object_get(q, "reply")), "code 6"));
        json_decref(q);
        free(text);
    }
    delivery_free(d);
    sink_free(good);
    sink_free(bad);
    spool_close(sp);
    receiver_stop(&r);
}

static void test_config_errors(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"hec\",\"token\":\"x\"}",
        "{\"type\":\"hec\",\"url\":\"ftp://h\",\"token\":\"x\"}",
        "{\"type\":\"hec\",\"url\":\"https://h\"}",
        "{\"type\":\"hec\",\"url\":\"https://h\",\"token\":\"x\",\"token_env\":\"Y\"}",
        "{\"type\":\"hec\",\"url\":\"https://h\",\"token\":\"x\",\"channel\":\"nope\"}",
        "{\"type\":\"hec\",\"url\":\"https://h\",\"token\":\"x\",\"batch\":0}",
        "{\"type\":\"hec\",\"url\":\"https://h\",\"token\":\"x\",\"tokn\":\"typo\"}",
        "{\"type\":\"hec\",\"url\":\"https://h\",\"token_env\":\"ADDECOY_TEST_UNSET_VAR\"}",
        "{\"type\":\"nope\"}",
        "[]",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        sink *s;
        assert_non_null(j);
        s = sink_new_from_json(j, "cfg.json: sinks[3]", err, sizeof err);
        json_decref(j);
        if (s)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err, "cfg.json: sinks[3]"));
    }
}

static void test_token_from_env_and_file(void **state)
{
    receiver r;
    sink_result res;
    sink *s;
    char conf[1024], path[700], err[512];
    FILE *f;
    json_t *j;
    (void)state;
    receiver_start(&r, "hec-secret", NULL);
    setenv("ADDECOY_TEST_HEC_TOKEN", "good-token", 1);
    snprintf(conf, sizeof conf,
             "{\"type\":\"hec\",\"url\":\"http://127.0.0.1:%d\",\"token_env\":\"ADDECOY_TEST_HEC_TOKEN\"}",
             r.port);
    j = json_loads(conf, 0, NULL);
    s = sink_new_from_json(j, "t", err, sizeof err);
    json_decref(j);
    assert_non_null(s);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_OK);
    sink_free(s);
    snprintf(path, sizeof path, "%s/token", r.dir);
    f = fopen(path, "w");
    fputs("good-token\n", f);
    fclose(f);
    snprintf(conf, sizeof conf, "{\"type\":\"hec\",\"url\":\"http://127.0.0.1:%d\",\"token_file\":\"%s\"}",
             r.port, path);
    j = json_loads(conf, 0, NULL);
    s = sink_new_from_json(j, "t", err, sizeof err);
    json_decref(j);
    assert_non_null(s);
    assert_int_equal(sink_send(s, DOCS, lens, 1, &res), SINK_OK);
    sink_free(s);
    assert_int_equal(count_lines(r.out), 2);
    receiver_stop(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_envelope),
        cmocka_unit_test(test_heartbeat_sourcetype),
        cmocka_unit_test(test_invalid_token_config_error),
        cmocka_unit_test(test_busy_retry_after),
        cmocka_unit_test(test_network_error_retry),
        cmocka_unit_test(test_invalid_event_rejected),
        cmocka_unit_test(test_index_not_allowed),
        cmocka_unit_test(test_ack_flow),
        cmocka_unit_test(test_delivery_policies),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_token_from_env_and_file),
    };
    testutil_init();
    atexit(receiver_stop_all);
    for (size_t i = 0; i < LENS_N; i++)
        lens[i] = strlen(DOCS[i]);
    return testutil_run(tests);
}
#endif
