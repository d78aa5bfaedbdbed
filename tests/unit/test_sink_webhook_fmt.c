/* test_sink_webhook_fmt.c - the Slack, Teams and PagerDuty bodies with a phishing link, emphasis,
 * <!channel> and a Slack <url|text> link in every alert field (issue 10 finding 3): no markup, no
 * link and no mention survives in anything a person reads; the exact values stay in PagerDuty's
 * custom_details. Calls the formatters directly (no receiver). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc/sink/sink_int.h"
#include "testutil.h"

static const char *const PAYLOADS[] = {
    "[Verify your account](https://phish.example/)",
    "*bold* _it_ ~del~ `code`",
    "<!channel>",
    "<https://x.example|y>",
};
#define NPAYLOADS (sizeof PAYLOADS / sizeof PAYLOADS[0])

/* An alert whose every text field holds payload p (as the fields an attacker shapes would). */
static json_t *hostile_alert(const char *p)
{
    json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s},s:{s:{s:s}}}", "id",
                          p, "@timestamp", "2026-11-23T10:00:00Z", "action", p, "severity", p, "summary", p,
                          "decoy", "name", p, "source", "ip", p, "port", p, "user", "name", p, "domain", p,
                          "host", "name", p, "threat", "technique", "id", p);
    assert_non_null(a);
    return a;
}

/* No markup, link or mention in text a renderer will show. markup: the characters that are
 * markup for this renderer ("" for plain text); md_links: the renderer knows [text](url) links (the
 * defanging's own "[:]" and "[.]" are never followed by '('). */
static void check_text(const char *where, const char *t, const char *markup, int md_links)
{
    if (!t)
        fail_msg("%s: missing", where);
    if (strstr(t, "://") || strstr(t, "phish.example") || strstr(t, "x.example"))
        fail_msg("%s: a link survives: %s", where, t);
    if (*markup && (strstr(t, "<!") || strstr(t, "<https"))) /* plain text has no mentions */
        fail_msg("%s: a mention or a <link> survives: %s", where, t);
    if (md_links && strstr(t, "]("))
        fail_msg("%s: a markdown [text](url) link survives: %s", where, t);
    if (strpbrk(t, markup))
        fail_msg("%s: markup character '%c' survives: %s", where, *strpbrk(t, markup), t);
}

static void test_slack(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPAYLOADS; i++) {
        json_t *a = hostile_alert(PAYLOADS[i]), *b, *blocks, *x;
        char *body = webhook_body_slack(a);
        size_t k;
        assert_non_null(body);
        b = json_loads(body, 0, NULL);
        assert_non_null(b);
        /* the notification text is mrkdwn */
        check_text("slack text", json_string_value(json_object_get(b, "text")), "*_~`<>", 0);
        /* blocks: plain_text only (no markup), but Slack links URLs there too */
        blocks = json_object_get(b, "blocks");
        assert_int_equal(json_array_size(blocks), 3);
        check_text("slack header",
                   json_string_value(json_object_get(json_object_get(json_array_get(blocks, 0), "text"), "text")),
                   "", 0);
        check_text("slack summary",
                   json_string_value(json_object_get(json_object_get(json_array_get(blocks, 1), "text"), "text")),
                   "", 0);
        json_array_foreach(json_object_get(json_array_get(blocks, 2), "fields"), k, x)
        {
            assert_string_equal(json_string_value(json_object_get(x, "type")), "plain_text");
            check_text("slack field", json_string_value(json_object_get(x, "text")), "", 0);
        }
        assert_true(json_array_size(json_object_get(json_array_get(blocks, 2), "fields")) >= 9);
        json_decref(b);
        free(body);
        json_decref(a);
    }
}

static void test_teams(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPAYLOADS; i++) {
        json_t *a = hostile_alert(PAYLOADS[i]), *b, *card, *cb, *x;
        char *body = webhook_body_teams(a);
        size_t k;
        assert_non_null(body);
        b = json_loads(body, 0, NULL);
        assert_non_null(b);
        card = json_object_get(json_array_get(json_object_get(b, "attachments"), 0), "content");
        cb = json_object_get(card, "body");
        assert_int_equal(json_array_size(cb), 3);
        check_text("teams title", json_string_value(json_object_get(json_array_get(cb, 0), "text")),
                   "*_~`<>\\", 1);
        check_text("teams summary", json_string_value(json_object_get(json_array_get(cb, 1), "text")),
                   "*_~`<>\\", 1);
        json_array_foreach(json_object_get(json_array_get(cb, 2), "facts"), k, x)
            check_text("teams fact", json_string_value(json_object_get(x, "value")), "*_~`<>\\", 1);
        assert_true(json_array_size(json_object_get(json_array_get(cb, 2), "facts")) >= 10);
        json_decref(b);
        free(body);
        json_decref(a);
    }
}

static void test_pagerduty(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPAYLOADS; i++) {
        json_t *a = hostile_alert(PAYLOADS[i]), *b, *p;
        char *body = webhook_body_pagerduty(a, "R0UTINGKEY");
        assert_non_null(body);
        b = json_loads(body, 0, NULL);
        assert_non_null(b);
        p = json_object_get(b, "payload");
        /* PagerDuty renders no markdown: only links matter in what it shows */
        check_text("pagerduty summary", json_string_value(json_object_get(p, "summary")), "", 0);
        check_text("pagerduty source", json_string_value(json_object_get(p, "source")), "", 0);
        check_text("pagerduty component", json_string_value(json_object_get(p, "component")), "", 0);
        check_text("pagerduty class", json_string_value(json_object_get(p, "class")), "", 0);
        /* the exact alert is kept as data for the responder */
        assert_string_equal(json_string_value(json_object_get(json_object_get(p, "custom_details"), "summary")),
                            PAYLOADS[i]);
        json_decref(b);
        free(body);
        json_decref(a);
    }
}

/* The notification is still readable: the defanged link and the look-alike characters. */
static void test_readable(void **state)
{
    json_t *a = hostile_alert(PAYLOADS[0]);
    char *body = webhook_body_slack(a);
    (void)state;
    assert_non_null(strstr(body, "https[:]//phish[.]example/"));
    free(body);
    body = webhook_body_teams(a);
    assert_non_null(strstr(body, "\xef\xbc\xbbVerify your account\xef\xbc\xbd(https[:]//phish[.]example/)"));
    free(body);
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slack),
        cmocka_unit_test(test_teams),
        cmocka_unit_test(test_pagerduty),
        cmocka_unit_test(test_readable),
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
