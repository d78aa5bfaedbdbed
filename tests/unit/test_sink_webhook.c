/* test_sink_webhook.c - the webhook sink against tests/lib/webhook_receiver.py: Standard Webhooks
 * signature accepted, a wrong secret rejected (401 -> CONFIG_ERROR); the Slack, Teams and PagerDuty
 * bodies with hostile values. */
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

#include "svc/sink/sink.h"
#include "receiver.h"
#include "testutil.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static void receiver_start(receiver *r, const char *tag, const char *const *flags)
{
    receiver_start_script(r, "webhook_receiver.py", "bodies.jsonl", tag, NULL, flags);
}

static sink *webhook(const receiver *r, const char *extra)
{
    char conf[1024], err[512];
    json_t *j;
    sink *s;

    snprintf(conf, sizeof conf, "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:%d/hook\"%s}", r->port, extra);
    j = json_loads(conf, 0, NULL);
    assert_non_null(j);
    s = sink_new_from_json(j, "test.json: sinks[1]", err, sizeof err);
    json_decref(j);
    if (!s)
        fail_msg("sink_new_from_json: %s", err);
    return s;
}

static const char *HOSTILE =
    "{\"id\":\"ALERT-42\",\"@timestamp\":\"2026-11-23T10:00:00Z\",\"action\":\"password_guess\",\"severity\":\"high\","
    "\"summary\":\"<!channel> *pwned* & <@U0001|boss> \\\"quoted\\\"\\nsecond line\","
    "\"decoy\":{\"name\":\"svc_backup_legacy\"},\"source\":{\"ip\":\"10.0.0.5\",\"port\":49152},"
    "\"user\":{\"name\":\"<!here>\",\"domain\":\"CORP\"},\"host\":{\"name\":\"DC01\"}}";

static json_t *body_line(const char *path, size_t idx, const char **hook_id)
{
    char *d = testutil_slurp(path, NULL), *p;
    json_t *j, *b;
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
    if (hook_id)
        *hook_id = json_string_value(json_object_get(j, "webhook-id"));
    b = json_incref(json_object_get(j, "body"));
    json_decref(j);
    return b;
}

static size_t count_lines(const char *path)
{
    char *d = testutil_slurp(path, NULL);
    size_t n = 0;
    for (char *p = d; p && *p; p++)
        n += *p == '\n';
    free(d);
    return n;
}

static void test_standard_signed(void **state)
{
    const char *flags[] = {"--secret", SECRET, NULL};
    const char *docs[] = {"{\"id\":\"A-1\",\"action\":\"kerberoast\"}", HOSTILE};
    size_t lens[] = {strlen(docs[0]), strlen(docs[1])};
    receiver r;
    sink_result res;
    sink *s;
    json_t *b;
    (void)state;
    receiver_start(&r, "wh-ok", flags);
    s = webhook(&r, ",\"secret\":\"" SECRET "\"");
    assert_int_equal(sink_max_batch(s), 1);
    assert_int_equal(sink_send(s, docs, lens, 2, &res), SINK_OK);
    assert_int_equal(res.http_status, 204);
    assert_int_equal(count_lines(r.out), 2);
    {
        char *raw = testutil_slurp(r.out, NULL);
        assert_non_null(strstr(raw, "\"webhook-id\":\"A-1\""));
        assert_non_null(strstr(raw, "\"webhook-id\":\"ALERT-42\""));
        free(raw);
    }
    b = body_line(r.out, 1, NULL);
    assert_string_equal(json_string_value(json_object_get(b, "summary")),
                        "<!channel> *pwned* & <@U0001|boss> \"quoted\"\nsecond line");
    json_decref(b);
    sink_free(s);
    receiver_stop(&r);
}

static void test_wrong_secret_rejected(void **state)
{
    const char *flags[] = {"--secret", SECRET, NULL};
    const char *docs[] = {"{\"id\":\"A-1\"}"};
    size_t lens[] = {strlen(docs[0])};
    receiver r;
    sink_result res;
    sink *s;
    (void)state;
    receiver_start(&r, "wh-bad", flags);
    s = webhook(&r, ",\"secret\":\"whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"");
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_CONFIG_ERROR);
    assert_int_equal(res.http_status, 401);
    assert_non_null(strstr(res.message, "no matching signature"));
    sink_free(s);
    s = webhook(&r, ""); /* unsigned */
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_CONFIG_ERROR);
    assert_non_null(strstr(res.message, "missing webhook headers"));
    sink_free(s);
    assert_int_equal(count_lines(r.out), 0);
    receiver_stop(&r);
}

/* Every object with a "text" member inside blocks is plain_text (or holds plain_text objects). */
static void check_slack_blocks(json_t *v)
{
    size_t i;
    const char *k;
    json_t *x;
    if (json_is_array(v))
        json_array_foreach(v, i, x) check_slack_blocks(x);
    else if (json_is_object(v)) {
        json_t *t = json_object_get(v, "text");
        if (json_is_string(t))
            assert_string_equal(json_string_value(json_object_get(v, "type")), "plain_text");
        json_object_foreach(v, k, x) check_slack_blocks(x);
    }
}

static void test_slack_escaped(void **state)
{
    const char *flags[] = {"--no-verify", "--status", "200", NULL};
    const char *docs[] = {HOSTILE};
    size_t lens[] = {strlen(HOSTILE)};
    receiver r;
    sink_result res;
    sink *s;
    json_t *b;
    const char *text;
    (void)state;
    receiver_start(&r, "wh-slack", flags);
    s = webhook(&r, ",\"format\":\"slack\"");
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_OK);
    b = body_line(r.out, 0, NULL);
    text = json_string_value(json_object_get(b, "text"));
    assert_non_null(text);
    assert_null(strstr(text, "<!channel>"));
    assert_null(strchr(text, '<'));
    assert_non_null(strstr(text, "&lt;!channel&gt; \uff0apwned\uff0a &amp; &lt;@U0001|boss&gt;"));
    assert_true(json_array_size(json_object_get(b, "blocks")) >= 3);
    check_slack_blocks(json_object_get(b, "blocks"));
    json_decref(b);
    sink_free(s);
    receiver_stop(&r);
}

static void test_teams_card(void **state)
{
    const char *flags[] = {"--no-verify", "--status", "202", NULL};
    const char *docs[] = {HOSTILE};
    size_t lens[] = {strlen(HOSTILE)};
    receiver r;
    sink_result res;
    sink *s;
    json_t *b, *att, *card;
    (void)state;
    receiver_start(&r, "wh-teams", flags);
    s = webhook(&r, ",\"format\":\"teams\"");
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_OK);
    b = body_line(r.out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(b, "type")), "message");
    att = json_array_get(json_object_get(b, "attachments"), 0);
    assert_string_equal(json_string_value(json_object_get(att, "contentType")),
                        "application/vnd.microsoft.card.adaptive");
    card = json_object_get(att, "content");
    assert_string_equal(json_string_value(json_object_get(card, "type")), "AdaptiveCard");
    assert_string_equal(json_string_value(json_object_get(card, "version")), "1.4");
    assert_int_equal(json_array_size(json_object_get(card, "body")), 3);
    json_decref(b);
    sink_free(s);
    receiver_stop(&r);
}

static void test_pagerduty_event(void **state)
{
    const char *flags[] = {"--no-verify", "--status", "202", NULL};
    char *big = malloc(6000);
    const char *docs[2];
    size_t lens[2];
    receiver r;
    sink_result res;
    sink *s;
    json_t *b, *p;
    (void)state;
    snprintf(big, 6000, "{\"id\":\"ALERT-9\",\"severity\":\"critical\",\"summary\":\"%04000d\u00e9\"}", 7);
    docs[0] = HOSTILE, docs[1] = big;
    lens[0] = strlen(HOSTILE), lens[1] = strlen(big);
    receiver_start(&r, "wh-pd", flags);
    s = webhook(&r, ",\"format\":\"pagerduty\",\"routing_key\":\"R0UTINGKEY\"");
    assert_int_equal(sink_send(s, docs, lens, 2, &res), SINK_OK);
    b = body_line(r.out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(b, "routing_key")), "R0UTINGKEY");
    assert_string_equal(json_string_value(json_object_get(b, "event_action")), "trigger");
    assert_string_equal(json_string_value(json_object_get(b, "dedup_key")), "ALERT-42");
    p = json_object_get(b, "payload");
    assert_string_equal(json_string_value(json_object_get(p, "severity")), "error");
    assert_string_equal(json_string_value(json_object_get(p, "source")), "DC01");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "custom_details"), "id")),
                        "ALERT-42");
    json_decref(b);
    b = body_line(r.out, 1, NULL);
    p = json_object_get(b, "payload");
    assert_string_equal(json_string_value(json_object_get(p, "severity")), "critical");
    assert_true(strlen(json_string_value(json_object_get(p, "summary"))) <= 1024);
    json_decref(b);
    sink_free(s);
    receiver_stop(&r);
    free(big);
}

static void test_config_errors(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"webhook\"}",
        "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:1/\",\"secret\":\"whsec_!!!\"}",
        "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:1/\",\"secret\":\"whsec_c2hvcnQ=\"}",
        "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:1/\",\"format\":\"irc\"}",
        "{\"type\":\"webhook\",\"format\":\"pagerduty\"}",
        "{\"type\":\"webhook\",\"url_env\":\"ADDECOY_TEST_UNSET_URL\"}",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        sink *s = sink_new_from_json(j, "c.json: sinks[0]", err, sizeof err);
        json_decref(j);
        if (s)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err, "c.json: sinks[0]"));
        assert_null(strstr(err, "!!!"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_signed), cmocka_unit_test(test_wrong_secret_rejected),
        cmocka_unit_test(test_slack_escaped),   cmocka_unit_test(test_teams_card),
        cmocka_unit_test(test_pagerduty_event), cmocka_unit_test(test_config_errors),
    };
    testutil_init();
    atexit(receiver_stop_all);
    return testutil_run(tests);
}
#endif
