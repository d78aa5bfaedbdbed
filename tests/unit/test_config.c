/* test_config.c - decoysvc's configuration loader: valid files, and precise errors for broken ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svc/config.h"
#include "testutil.h"

static char dir[512];

static const char *write_cfg(const char *name, const char *text)
{
    static char path[600];
    return testutil_write(path, sizeof path, dir, name, text);
}

/* Loads text and expects an error containing every fragment. */
static void expect_error(const char *text, const char *frag1, const char *frag2)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg("bad.json", text);

    assert_int_equal(svc_config_load(&cfg, path, err, sizeof err), -1);
    if (!strstr(err, frag1) || (frag2 && !strstr(err, frag2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err, frag1, frag2 ? frag2 : "");
}

#define MINIMAL_INPUTS "\"inputs\": [{\"type\": \"xml\", \"path\": \"events.xml\"}]"
#define MINIMAL_SINKS "\"sinks\": [{\"type\": \"file\", \"path\": \"-\"}]"

static void test_valid_full(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg(
        "ok.json",
        "{\"_comment\": \"x\", \"inventory\": \"inv.json\", \"state_dir\": \"/var/lib/x\", \"log_level\": \"debug\","
        " \"throttle\": {\"window_seconds\": 60, \"allowlist\": [\"10.0.0.0/8\", \"::1\"]},"
        " \"spool\": {\"max_mb\": 2}, \"poll_ms\": 50,"
        " \"inputs\": [{\"type\": \"xml\", \"path\": \"events.xml\", \"start\": \"end\"},"
        "              {\"type\": \"samba\", \"kdc_log\": \"/var/log/kdc.log\", \"computer\": \"dc1\"},"
        "              {\"type\": \"eventlog\", \"channels\": [\"Security\", \"ForwardedEvents\"], \"render\": \"values\"}],"
        " \"sinks\": [{\"type\": \"hec\", \"url\": \"https://h:8088\", \"token_file\": \"tok\"}]}");
    (void)state;
    if (svc_config_load(&cfg, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(cfg.ninputs, 3);
    assert_int_equal(cfg.inputs[0].type, SVC_INPUT_XML);
    assert_int_equal(cfg.inputs[0].start, SVC_START_END);
    assert_non_null(strstr(cfg.inputs[0].path, dir)); /* relative to the config file */
    assert_string_equal(cfg.inputs[1].name, "samba:dc1");
    assert_int_equal(cfg.inputs[2].nchannels, 2);
    assert_int_equal(cfg.inputs[2].render_values, 1);
    assert_int_equal(cfg.throttle_window_ms, 60000);
    assert_int_equal(cfg.nallow, 2);
    assert_int_equal(cfg.spool_max_bytes, 2u * 1024 * 1024);
    assert_int_equal(cfg.log_level, SVC_LOG_DEBUG);
    assert_non_null(strstr(cfg.inventory, dir));
    /* sink file paths are resolved relative to the config too */
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(cfg.sinks, 0), "token_file")), dir));
    svc_config_free(&cfg);
}

static void test_defaults(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg("min.json", "{\"inventory\": \"i\", \"state_dir\": \"s\", " MINIMAL_INPUTS
                                             ", " MINIMAL_SINKS "}");
    (void)state;
    assert_int_equal(svc_config_load(&cfg, path, err, sizeof err), 0);
    assert_int_equal(cfg.throttle_window_ms, 300000);
    assert_int_equal(cfg.spool_max_bytes, 256u * 1024 * 1024);
    assert_int_equal(cfg.log_level, SVC_LOG_INFO);
    assert_int_equal(cfg.inputs[0].start, SVC_START_BEGINNING);
    assert_int_equal(cfg.heartbeat_ms, 300000);
    assert_int_equal(cfg.inputs[0].blind_after_ms, 0); /* off for a plain XML file */
    svc_config_free(&cfg);
}

/* Heartbeat interval; blind_after per input: 60 min by default for samba and eventlog, minutes or
 * (for tests) seconds, 0 = off. */
static void test_heartbeat_and_blind_after(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg(
        "hb.json",
        "{\"inventory\": \"i\", \"state_dir\": \"s\", \"heartbeat\": {\"interval_seconds\": 0},"
        " \"inputs\": [{\"type\": \"samba\", \"kdc_log\": \"k\"},"
        "              {\"type\": \"eventlog\", \"blind_after_minutes\": 15},"
        "              {\"type\": \"xml\", \"path\": \"a\", \"blind_after_seconds\": 8},"
        "              {\"type\": \"samba\", \"kdc_log\": \"k\", \"computer\": \"dc2\", \"blind_after_minutes\": 0}], " MINIMAL_SINKS
        "}");
    (void)state;
    if (svc_config_load(&cfg, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(cfg.heartbeat_ms, 0);
    assert_int_equal(cfg.inputs[0].blind_after_ms, 60 * 60000);
    assert_int_equal(cfg.inputs[1].blind_after_ms, 15 * 60000);
    assert_int_equal(cfg.inputs[2].blind_after_ms, 8000);
    assert_int_equal(cfg.inputs[3].blind_after_ms, 0);
    svc_config_free(&cfg);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"heartbeat\": {\"interval\": 5}, " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "heartbeat", "unknown key 'interval'");
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"heartbeat\": 300, " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "heartbeat", "interval_seconds");
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\", \"path\": \"a\","
                 " \"blind_after_minutes\": -1}], " MINIMAL_SINKS "}",
                 "inputs[0].blind_after_minutes", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\", \"path\": \"a\","
                 " \"blind_after_minutes\": 1, \"blind_after_seconds\": 1}], " MINIMAL_SINKS "}",
                 "inputs[0]", "not both");
}

static void test_errors_name_the_field(void **state)
{
    (void)state;
    expect_error("{\"inventory\": \"i\",\n \"state_dir\": \"s\",\n oops}", "bad.json:3:", NULL);
    expect_error("[1]", "must be a JSON object", NULL);
    expect_error("{\"state_dir\": \"s\", " MINIMAL_INPUTS ", " MINIMAL_SINKS "}", "inventory: missing", NULL);
    expect_error("{\"inventory\": \"i\", " MINIMAL_INPUTS ", " MINIMAL_SINKS "}", "state_dir: missing", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inptus\": [], " MINIMAL_SINKS "}",
                 "unknown key 'inptus'", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [], " MINIMAL_SINKS "}",
                 "inputs: must be a non-empty", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"tcp\"}], " MINIMAL_SINKS
                 "}",
                 "inputs[0].type", "unknown input type 'tcp'");
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\"}], " MINIMAL_SINKS
                 "}",
                 "inputs[0].path: missing", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"samba\"}], " MINIMAL_SINKS
                 "}",
                 "inputs[0]", "auth_log");
    expect_error(
        "{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\", \"path\": \"a\", \"start\": \"now\"}], " MINIMAL_SINKS
        "}",
        "inputs[0].start", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\", \"path\": \"a\"},"
                 " {\"type\": \"xml\", \"path\": \"a\"}], " MINIMAL_SINKS "}",
                 "inputs[1]", "duplicate");
    expect_error(
        "{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"eventlog\", \"render\": \"fast\"}], " MINIMAL_SINKS
        "}",
        "inputs[0].render: must be \"xml\"", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", " MINIMAL_INPUTS "}",
                 "sinks: must be a non-empty", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"throttle\": {\"window_seconds\": -1}, " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "throttle.window_seconds", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"throttle\": {\"allowlist\": [5]}, " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "throttle.allowlist[0]", NULL);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"log_level\": \"loud\", " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "log_level", NULL);
    expect_error("{\"inventory\": \"i\", \"inventory\": \"j\", \"state_dir\": \"s\", " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "duplicate", NULL);
}

/* The json input and an https:// fleet inventory. */
static void test_json_input_and_url_inventory(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg(
        "fleet.json",
        "{\"inventory\": \"https://inv.corp.example/inventory.json\", \"inventory_ca_file\": \"ca.pem\","
        " \"inventory_token_file\": \"/etc/addecoy/inv.token\", \"inventory_poll_seconds\": 60, \"state_dir\": \"s\","
        " \"inputs\": [{\"type\": \"json\", \"path\": \"wlb.ndjson\", \"format\": \"nxlog\"},"
        "              {\"type\": \"json\", \"path\": \"-\"}], " MINIMAL_SINKS "}");
    (void)state;
    if (svc_config_load(&cfg, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(cfg.inputs[0].type, SVC_INPUT_JSON);
    assert_int_equal(cfg.inputs[0].format, EVTX_JSON_NXLOG);
    assert_non_null(strstr(cfg.inputs[0].name, "json:"));
    assert_int_equal(cfg.inputs[1].format, EVTX_JSON_AUTO);
    assert_string_equal(cfg.inventory, "https://inv.corp.example/inventory.json"); /* not made relative */
    assert_non_null(strstr(cfg.inventory_ca_file, dir));
    assert_string_equal(cfg.inventory_token_file, "/etc/addecoy/inv.token");
    assert_int_equal(cfg.inventory_poll_ms, 60000);
    svc_config_free(&cfg);
    path = write_cfg("loop.json",
                     "{\"inventory\": \"http://127.0.0.1:8080/i.json\", \"state_dir\": \"s\", " MINIMAL_INPUTS
                     ", " MINIMAL_SINKS "}");
    if (svc_config_load(&cfg, path, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(cfg.inventory_poll_ms, 300000);
    svc_config_free(&cfg);
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"json\", \"path\": \"a\","
                 " \"format\": \"gelf\"}], " MINIMAL_SINKS "}",
                 "inputs[0].format", "nxlog");
    expect_error("{\"inventory\": \"i\", \"state_dir\": \"s\", \"inputs\": [{\"type\": \"xml\", \"path\": \"a\","
                 " \"format\": \"auto\"}], " MINIMAL_SINKS "}",
                 "inputs[0].format", "only for");
    expect_error("{\"inventory\": \"http://inv.corp.example/i.json\", \"state_dir\": \"s\", " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "inventory: must be an https:// URL", NULL);
    expect_error("{\"inventory\": \"https://u:pw@inv.corp.example/i.json\", \"state_dir\": \"s\", " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "no credentials in the URL", NULL);
    expect_error("{\"inventory\": \"i.json\", \"inventory_poll_seconds\": 5, \"state_dir\": \"s\", " MINIMAL_INPUTS
                 ", " MINIMAL_SINKS "}",
                 "only for an https:// inventory", NULL);
}

#define ST_BASE "{\"inventory\": \"i\", \"state_dir\": \"s\", " MINIMAL_INPUTS ", " MINIMAL_SINKS ", "

static void test_self_test(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    const char *path = write_cfg("st.json", ST_BASE "\"self_test\": {\"interval_hours\": 24, \"canary\": \"svc_c\", "
                                                    "\"keytab\": \"st.keytab\", \"principal\": \"st@R\"}}");
    (void)state;
    assert_int_equal(svc_config_load(&cfg, path, err, sizeof err), 0);
    assert_int_equal(cfg.self_test.interval_ms, 24LL * 3600 * 1000);
    assert_int_equal(cfg.self_test.expect_ms, 120000);
    assert_string_equal(cfg.self_test.canary, "svc_c");
    assert_non_null(strstr(cfg.self_test.keytab, "/st.keytab")); /* resolved like the other paths */
    svc_config_free(&cfg);
    path = write_cfg("st0.json", ST_BASE "\"log_level\": \"info\"}");
    assert_int_equal(svc_config_load(&cfg, path, err, sizeof err), 0);
    assert_int_equal(cfg.self_test.interval_ms, 0); /* off by default */
    svc_config_free(&cfg);
    expect_error(ST_BASE "\"self_test\": {\"interval_hours\": 1}}", "self_test.canary", "missing");
    expect_error(ST_BASE "\"self_test\": {\"interval_seconds\": 5, \"expect_within_seconds\": 10, "
                         "\"canary\": \"c\", \"keytab\": \"k\", \"principal\": \"p\"}}",
                 "self_test", "longer than");
    expect_error(ST_BASE "\"self_test\": {\"interval_hours\": 1, \"interval_seconds\": 5, \"canary\": \"c\"}}",
                 "self_test", "not both");
    expect_error(ST_BASE "\"self_test\": {\"interval_hours\": 1, \"canary\": \"c\", \"keytabs\": \"k\"}}",
                 "self_test", "unknown key 'keytabs'");
#ifndef _WIN32
    expect_error(ST_BASE "\"self_test\": {\"interval_hours\": 1, \"canary\": \"c\"}}", "self_test", "keytab");
#endif
}

/* A JSON syntax error right after a token: jansson's message quotes the text there; ours never. */
static void test_syntax_error_hides_secret(void **state)
{
    static const char *const bad[] = {
        "{\"sinks\": [{\"type\": \"hec\", \"token\": \"S3CRET-T0KEN\" x}]}",
        "{\"sinks\": [{\"type\": \"hec\", \"token\": \"S3CRET-T0KEN}]}",
        "{\"sinks\": [{\"type\": \"hec\", \"token\": S3CRET-T0KEN}]}",
        "{\"sinks\": [{\"type\": \"hec\", \"token\": \"S3CRET\x01T0KEN\"}]}",
        "{\"sinks\": [{\"type\": \"webhook\", \"url\": \"https://hooks.example/S3CRET\" \"x\"}]}",
        "{\"sinks\": [{\"type\": \"hec\", \"token\": \"S3CRET\xff\"}]}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        svc_config cfg;
        char err[1024] = "";
        const char *path = write_cfg("secret.json", bad[i]);
        assert_int_equal(svc_config_load(&cfg, path, err, sizeof err), -1);
        if (!strstr(err, "secret.json:1:") || strstr(err, "S3CRET") || strstr(err, "T0KEN"))
            fail_msg("config %u: error '%s' shows the secret or lacks the position", (unsigned)i, err);
    }
}

static void test_missing_file(void **state)
{
    svc_config cfg;
    char err[1024] = "";
    (void)state;
    assert_int_equal(svc_config_load(&cfg, "/nonexistent/decoysvc.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/decoysvc.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_full),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_heartbeat_and_blind_after),
        cmocka_unit_test(test_errors_name_the_field),
        cmocka_unit_test(test_json_input_and_url_inventory),
        cmocka_unit_test(test_self_test),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_syntax_error_hides_secret),
    };
    testutil_init();
    testutil_tmpdir(dir, sizeof dir, "config");
    return testutil_run(tests);
}
