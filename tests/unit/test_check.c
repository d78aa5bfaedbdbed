/* test_check.c - `decoysvc check` (svc/check.c): a valid configuration passes with each sink named,
 * the test alert reaches a sink and a failed delivery fails the check, an invalid configuration fails
 * with the same message `run` gives and never shows a secret, and --list-keys dumps every map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "svc/check.h"
#include "testutil.h"

#define SECRET "T0KEN-never-shown-5e1f"

static char dir[512];

static const char *write_file(const char *name, const char *text)
{
    static char path[600];
    return testutil_write(path, sizeof path, dir, name, text);
}

/* A config with the inventory and an xml input in dir, and the given sinks array. */
static const char *config_with(const char *sinks)
{
    char text[4096];

    write_file("inventory.json", "{\"version\": 1, \"decoys\": []}");
    snprintf(text, sizeof text,
             "{\"inventory\": \"inventory.json\", \"state_dir\": \"state\","
             " \"inputs\": [{\"type\": \"xml\", \"path\": \"events.xml\"}], \"sinks\": %s}",
             sinks);
    return write_file("decoysvc.json", text);
}

struct check_run {
    const char *config;
    int send, rc;
};

static void check_run_fn(void *arg)
{
    struct check_run *r = arg;
    r->rc = svc_check(r->config, r->send);
}

/* Runs svc_check with stdout captured; returns its exit code, *out the malloc'd output. */
static int run_check(const char *config, int send, char **out)
{
    struct check_run r = {config, send, -1};

    *out = testutil_capture(1, check_run_fn, &r, NULL);
    assert_non_null(*out);
    return r.rc;
}

static void expect(const char *out, const char *frag)
{
    if (!strstr(out, frag))
        fail_msg("check output lacks '%s':\n%s", frag, out);
}

static void test_valid_no_send(void **state)
{
    char *out, sinks[1024];
    (void)state;

    snprintf(sinks, sizeof sinks,
             "[{\"type\": \"file\", \"name\": \"archive\", \"path\": \"alerts.jsonl\"},"
             " {\"type\": \"syslog\", \"host\": \"127.0.0.1\", \"port\": 9}]");
    assert_int_equal(run_check(config_with(sinks), 0, &out), 0);
    expect(out, "decoysvc.json: valid");
    expect(out, "valid, 0 decoys");
    expect(out, "events.xml  (does not exist yet");
    expect(out, "sink  archive");
    expect(out, "configuration valid (not sent)");
    expect(out, "sink  syslog ");
    expect(out, "check passed");
    free(out);
}

static void test_send_reaches_the_sink(void **state)
{
    char *out, *alerts, path[600];
    json_t *doc;
    (void)state;

    assert_int_equal(
        run_check(config_with("[{\"type\": \"file\", \"name\": \"archive\", \"path\": \"sent.jsonl\"}]"), 1, &out),
        0);
    expect(out, "test alert accepted");
    expect(out, "check passed");
    free(out);
    snprintf(path, sizeof path, "%s/sent.jsonl", dir);
    alerts = testutil_slurp(path, NULL);
    assert_non_null(alerts);
    assert_non_null(strchr(alerts, '\n'));
    assert_ptr_equal(strchr(alerts, '\n') + 1, alerts + strlen(alerts)); /* one line */
    doc = json_loads(alerts, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(doc);
    assert_true(json_is_true(json_object_get(doc, "test")));
    assert_string_equal(json_string_value(json_object_get(doc, "action")), "test");
    json_decref(doc);
    free(alerts);
}

static void test_failed_delivery_fails_the_check(void **state)
{
    char *out;
    (void)state;

    /* the directory of the file does not exist: the sink is valid, the send fails */
    assert_int_equal(
        run_check(config_with("[{\"type\": \"file\", \"name\": \"lost\", \"path\": \"no/such/dir/a.jsonl\"}]"),
                  1, &out),
        2);
    expect(out, "sink  lost");
    expect(out, "FAILED");
    expect(out, "check FAILED");
    free(out);
}

/* A config whose sinks hold SECRET is refused (exit 2) with frag, and the secret is not shown. */
static void refused(const char *sinks_fmt, int send, const char *frag)
{
    char *out, sinks[1024];

    snprintf(sinks, sizeof sinks, sinks_fmt, SECRET);
    assert_int_equal(run_check(config_with(sinks), send, &out), 2);
    expect(out, frag);
    expect(out, "check FAILED");
    assert_null(strstr(out, SECRET));
    free(out);
}

static void test_invalid_config(void **state)
{
    char *out;
    (void)state;

    refused("[{\"type\": \"file\", \"path\": \"a\"}, {\"type\": \"file\", \"path\": \"%s\"}]", 0,
            "decoysvc.json: sinks[1]: name: \"file\" is also the name of sinks[0]");
    refused("[{\"type\": \"hec\", \"url\": \"https://h\", \"token\": \"%s\", \"tokn\": 1}]", 0,
            "sinks[0]: unknown key 'tokn' (did you mean 'token'?)");
    refused("[{\"type\": \"hec\", \"url\": \"http://splunk.example:8088\", \"token\": \"%s\"}]", 1,
            "sinks[0]: url: http:// would send the token");
    refused("[{\"type\": \"webhook\", \"url\": \"ftp://hooks.example/%s\"}]", 0,
            "sinks[0]: url: must start with https://");
    refused("[{\"type\": \"syslog\", \"host\": \"%s\", \"protocol\": \"tls\"}]", 0,
            "sinks[0]: protocol: must be \"tcp\" or \"udp\"");
    assert_int_equal(run_check(write_file("broken.json", "{\"inventory\": "), 0, &out), 2);
    expect(out, "broken.json");
    expect(out, "FAILED");
    free(out);
}

static void test_test_alert(void **state)
{
    char *text = check_test_alert();
    json_t *doc;
    const char *id;
    (void)state;

    assert_non_null(text);
    doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    id = json_string_value(json_object_get(doc, "id"));
    assert_non_null(id);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
    assert_true(json_is_true(json_object_get(doc, "test")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "event"), "kind")), "alert");
    assert_non_null(json_string_value(json_object_get(doc, "@timestamp")));
    json_decref(doc);
    free(text);
}

/* Every map is listed, each key once, with the forms of a secret. */
static void test_list_keys(void **state)
{
    char path[600], *text, *line, *save = NULL;
    FILE *f;
    json_t *seen = json_object();
    (void)state;

    snprintf(path, sizeof path, "%s/keys.txt", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    svc_check_list_keys(f);
    fclose(f);
    text = testutil_slurp(path, NULL);
    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char key[200];
        size_t n = strcspn(line, "\t"), k = strcspn(line + n + 1, "\t");
        snprintf(key, sizeof key, "%.*s.%.*s", (int)n, line, (int)k, line + n + 1);
        if (json_object_get(seen, key))
            fail_msg("%s listed twice", key);
        json_object_set_new(seen, key, json_true());
    }
    free(text);
    for (size_t i = 0; i < 9; i++) {
        static const char *const want[] = {
            "config.state_dir",         "input.path",      "input.blind_after_minutes",
            "sink.reject_retries",      "http.tls_verify", "hec.token_env",
            "webhook.routing_key_file", "file.path",       "syslog.timeout_ms"};
        if (!json_object_get(seen, want[i]))
            fail_msg("%s is not listed", want[i]);
    }
    json_decref(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_no_send),
        cmocka_unit_test(test_send_reaches_the_sink),
        cmocka_unit_test(test_failed_delivery_fails_the_check),
        cmocka_unit_test(test_invalid_config),
        cmocka_unit_test(test_test_alert),
        cmocka_unit_test(test_list_keys),
    };
    testutil_init();
    testutil_tmpdir(dir, sizeof dir, "check");
    return testutil_run(tests);
}
