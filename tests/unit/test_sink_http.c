/* test_sink_http.c - the HTTP sinks' transport rules (issue 10 finding 4): http:// is refused for
 * HEC and webhook URLs unless the host is a loopback address or the sink sets
 * "allow_insecure_http": true, which logs a SECURITY WARNING; the refusal never shows the URL. */
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

static void test_loopback(void **state)
{
    static const char *const yes[] = {
        "http://127.0.0.1:8088/", "http://127.5.6.7/x",         "http://localhost:8088",
        "http://LOCALHOST/",      "http://[::1]:8088/services", "http://user:pw@127.0.0.1/",
        "http://localhost?x=1",
    };
    static const char *const no[] = {
        "http://splunk.corp.example:8088",
        "http://128.0.0.1/",
        "http://[::2]/",
        "http://127.0.0.1.evil.example/",
        "http://localhost.evil.example/",
        "http://evil.example/?h=127.0.0.1",
        "http://127.0.0.1@evil.example/",
        "http://[::1",
        "http://",
        "127.0.0.1",
        "http://10.0.0.1/",
    };
    (void)state;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!sink_url_is_loopback(yes[i]))
            fail_msg("not seen as loopback: %s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (sink_url_is_loopback(no[i]))
            fail_msg("seen as loopback: %s", no[i]);
}

typedef struct captured {
    char text[4096];
} captured;

static void capture(void *ctx, svc_log_level level, const char *msg)
{
    captured *c = ctx;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%s: %s\n", svc_log_level_name(level), msg);
}

static sink *make(const char *conf, char *err, size_t errlen)
{
    json_t *j = json_loads(conf, 0, NULL);
    sink *s;
    assert_non_null(j);
    s = sink_new_from_json(j, "c.json: sinks[0]", err, errlen);
    json_decref(j);
    return s;
}

static void test_remote_http_refused(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"hec\",\"url\":\"http://splunk.corp.example:8088\",\"token\":\"T0KEN-SECRET\"}",
        "{\"type\":\"webhook\",\"url\":\"http://hooks.example/T000/B000/SECRETPATH\"}",
        "{\"type\":\"webhook\",\"format\":\"slack\",\"url\":\"http://hooks.example/SECRETPATH\","
        "\"allow_insecure_http\":false}",
        "{\"type\":\"hec\",\"url\":\"http://splunk.corp.example\",\"token\":\"T\",\"allow_insecure_http\":1}",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sink *s = make(bad[i], err, sizeof err);
        if (s)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err, "c.json: sinks[0]"));
        assert_null(strstr(err, "SECRET"));
        assert_null(strstr(err, "example"));
        if (i < 3)
            assert_non_null(strstr(err, "allow_insecure_http"));
    }
}

static void test_loopback_and_https_accepted(void **state)
{
    static const char *const good[] = {
        "{\"type\":\"hec\",\"url\":\"http://127.0.0.1:8088\",\"token\":\"T\"}",
        "{\"type\":\"webhook\",\"url\":\"http://[::1]:9000/hook\"}",
        "{\"type\":\"webhook\",\"url\":\"http://localhost:9000/hook\"}",
        "{\"type\":\"hec\",\"url\":\"https://splunk.corp.example:8088\",\"token\":\"T\"}",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        captured c = {""};
        svc_logger lg = {capture, &c, SVC_LOG_DEBUG};
        sink *s = make(good[i], err, sizeof err);
        if (!s)
            fail_msg("refused: %s: %s", good[i], err);
        sink_set_logger(s, &lg);
        assert_null(strstr(c.text, "SECURITY WARNING")); /* nothing insecure here */
        sink_free(s);
    }
}

static void test_insecure_allowed_with_warning(void **state)
{
    static const char *const conf[] = {
        "{\"type\":\"hec\",\"name\":\"lab\",\"url\":\"http://splunk.corp.example:8088\",\"token\":\"T0KEN\","
        "\"allow_insecure_http\":true}",
        "{\"type\":\"webhook\",\"name\":\"lab\",\"url\":\"http://hooks.example/SECRETPATH\","
        "\"allow_insecure_http\":true}",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof conf / sizeof *conf; i++) {
        captured c = {""};
        svc_logger lg = {capture, &c, SVC_LOG_DEBUG};
        sink *s = make(conf[i], err, sizeof err);
        if (!s)
            fail_msg("refused: %s: %s", conf[i], err);
        sink_set_logger(s, &lg);
        assert_non_null(strstr(c.text, "warning: SECURITY WARNING"));
        assert_non_null(strstr(c.text, "SECURITY WARNING: sink lab: allow_insecure_http is true"));
        assert_null(strstr(c.text, "SECRET"));
        assert_null(strstr(c.text, "T0KEN"));
        sink_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_remote_http_refused),
        cmocka_unit_test(test_loopback_and_https_accepted),
        cmocka_unit_test(test_insecure_allowed_with_warning),
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
