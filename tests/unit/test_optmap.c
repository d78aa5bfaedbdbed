/* test_optmap.c - the option map parser (svc/optmap.c): defaults, every kind of bad value with an
 * error naming the entry and the key, unknown keys with the nearest known one, key scopes, secrets
 * from a value, a file or the environment that never appear in a message, and the --list-keys dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svc/optmap.h"
#include "testutil.h"

#define SECRET "s3cr3t-T0KEN-value"

typedef struct demo {
    char *url, *name, *token, *path;
    long long batch;
    double ratio;
    int verify, mode;
} demo;

static const opt_def DEMO_OPTS[] = {
    OPT_S(demo, url, "url", OPT_REQUIRED | OPT_HTTP_URL, NULL, "where"),
    OPT_S(demo, name, "name", OPT_NONEMPTY, "dflt", "a name"),
    OPT_SECRET_KEY(demo, token, "token", OPT_REQUIRED | OPT_HTTP_URL, "a secret URL"),
    OPT_I(demo, batch, "batch", 100, 1, 10000, "per request"),
    OPT_N(demo, ratio, "ratio", 0.5, 0, 1, "a fraction"),
    OPT_B(demo, verify, "verify", 1, "check it"),
    OPT_E(demo, mode, "mode", "fast|slow|auto", 2, "how"),
    {"path", OPT_STR, 0, offsetof(demo, path), NULL, 0, 0, 0, NULL, 1u << 1, "only for variant b"},
    OPT_END,
};
static const opt_map DEMO = {"demo", ": ", "a|b", DEMO_OPTS};
static const opt_map *const MAPS[] = {&DEMO};

#define OK_BASE "\"url\": \"https://h\", \"token\": \"https://hooks/" SECRET "\""

/* Parses text (a JSON object) as variant; returns the rc, err filled. */
static int parse(const char *text, int variant, demo *d, char *err, size_t errlen)
{
    json_t *j = json_loads(text, 0, NULL);
    int rc;

    assert_non_null(j);
    memset(d, 0, sizeof *d);
    err[0] = '\0';
    rc = opt_check_known(j, MAPS, 1, 1, "c.json: sinks[2]", err, errlen);
    if (rc == 0)
        rc = opt_parse(&DEMO, j, variant, d, "c.json: sinks[2]", err, errlen);
    json_decref(j);
    return rc;
}

/* Expects text to be refused with an error holding frag (and the entry's name), never the secret. */
static void refused(const char *text, int variant, const char *frag)
{
    demo d;
    char err[512];

    if (parse(text, variant, &d, err, sizeof err) == 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err, "c.json: sinks[2]") || !strstr(err, frag))
        fail_msg("error '%s' lacks '%s' (input %s)", err, frag, text);
    assert_null(strstr(err, SECRET));
    opt_free(&DEMO, &d);
}

static void test_defaults_and_values(void **state)
{
    demo d;
    char err[512];
    (void)state;

    assert_int_equal(parse("{" OK_BASE "}", -1, &d, err, sizeof err), 0);
    assert_string_equal(d.url, "https://h");
    assert_string_equal(d.name, "dflt");
    assert_string_equal(d.token, "https://hooks/" SECRET);
    assert_int_equal(d.batch, 100);
    assert_true(d.ratio == 0.5);
    assert_int_equal(d.verify, 1);
    assert_int_equal(d.mode, 2);
    assert_null(d.path);
    opt_free(&DEMO, &d);
    assert_null(d.token); /* freed (and wiped) and zeroed */

    assert_int_equal(parse("{" OK_BASE ", \"name\": \"n\", \"batch\": 10000, \"ratio\": 1, \"verify\": false,"
                           " \"mode\": \"slow\", \"path\": \"/p\", \"_note\": 1, \"comment\": \"x\"}",
                           1, &d, err, sizeof err),
                     0);
    assert_string_equal(d.name, "n");
    assert_int_equal(d.batch, 10000);
    assert_true(d.ratio == 1.0);
    assert_int_equal(d.verify, 0);
    assert_int_equal(d.mode, 1);
    assert_string_equal(d.path, "/p");
    opt_free(&DEMO, &d);
}

static void test_unknown_key_names_the_nearest(void **state)
{
    demo d;
    char err[512];
    (void)state;

    assert_int_equal(parse("{" OK_BASE ", \"bacth\": 5}", -1, &d, err, sizeof err), -1);
    assert_string_equal(err, "c.json: sinks[2]: unknown key 'bacth' (did you mean 'batch'?)");
    assert_int_equal(parse("{" OK_BASE ", \"zzzzzzzz\": 5}", -1, &d, err, sizeof err), -1);
    assert_string_equal(err, "c.json: sinks[2]: unknown key 'zzzzzzzz'");
    /* a secret's _file and _env forms are known keys; other suffixes are not */
    refused("{" OK_BASE ", \"token_path\": \"x\"}", -1, "unknown key 'token_path'");
    assert_string_equal(opt_nearest(MAPS, 1, "tokn"), "token");
    assert_null(opt_nearest(MAPS, 1, "completely-different"));
}

static void test_wrong_type_and_range(void **state)
{
    (void)state;
    refused("{" OK_BASE ", \"batch\": 0}", -1, "sinks[2]: batch: must be an integer from 1 to 10000");
    refused("{" OK_BASE ", \"batch\": 10001}", -1, "batch: must be an integer from 1 to 10000");
    refused("{" OK_BASE ", \"batch\": 1.5}", -1, "batch: must be an integer");
    refused("{" OK_BASE ", \"batch\": \"7\"}", -1, "batch: must be an integer");
    refused("{" OK_BASE ", \"ratio\": 1.01}", -1, "ratio: must be a number from 0 to 1");
    refused("{" OK_BASE ", \"verify\": 1}", -1, "verify: must be true or false");
    refused("{" OK_BASE ", \"mode\": \"quick\"}", -1, "mode: must be \"fast\", \"slow\" or \"auto\"");
    refused("{" OK_BASE ", \"mode\": 1}", -1, "mode: must be");
    refused("{" OK_BASE ", \"name\": 5}", -1, "name: must be a string");
    refused("{" OK_BASE ", \"name\": \"\"}", -1, "name: must be a non-empty string");
    refused("{\"url\": \"ftp://h\", \"token\": \"https://t\"}", -1, "url: must start with https://");
}

static void test_missing_required_and_scope(void **state)
{
    (void)state;
    refused("{\"token\": \"https://t\"}", -1, "sinks[2]: url: is required");
    refused("{\"url\": \"https://h\"}", -1,
            "token: give exactly one of \"token\", \"token_file\" or \"token_env\"");
    refused("{" OK_BASE ", \"path\": \"/p\"}", 0, "sinks[2]: path: only for a \"b\" demo");
    refused("{" OK_BASE ", \"path\": \"/p\"}", -1, "path: only for");
}

/* Whatever is wrong with a secret, its value never shows: not in the value, the file or the env. */
static void test_secret_never_in_the_message(void **state)
{
    static char env_bad[] = "ADDECOY_TEST_OPTMAP_TOKEN=ftp://env-" SECRET;
    static char env_good[] = "ADDECOY_TEST_OPTMAP_TOKEN=https://env-" SECRET;
    char dir[512], path[600], text[1024];
    demo d;
    char err[512];
    FILE *f;
    (void)state;

    refused("{\"url\": \"https://h\", \"token\": \"ftp://" SECRET "\"}", -1, "token: must start with https://");
    refused("{\"url\": \"https://h\", \"token\": \"\"}", -1, "token: is empty");
    refused("{\"url\": \"https://h\", \"token\": \"https://" SECRET "\", \"token_env\": \"X\"}", -1,
            "give exactly one of");
    refused("{\"url\": \"https://h\", \"token\": 42}", -1, "token: must be a string");
    refused("{\"url\": \"https://h\", \"token_env\": \"ADDECOY_TEST_OPTMAP_UNSET\"}", -1,
            "token_env: environment variable ADDECOY_TEST_OPTMAP_UNSET is not set");
    refused("{\"url\": \"https://h\", \"token_file\": \"/nonexistent/addecoy/token\"}", -1,
            "token_file: cannot read /nonexistent/addecoy/token");
    refused("{\"url\": \"https://h\", \"token\": \"dpapi:" SECRET "\"}", -1, "sinks[2]: token: ");

    putenv(env_bad); /* putenv, not setenv: also in the Windows C runtime */
    refused("{\"url\": \"https://h\", \"token_env\": \"ADDECOY_TEST_OPTMAP_TOKEN\"}", -1,
            "must start with https://");
    putenv(env_good);
    assert_int_equal(parse("{\"url\": \"https://h\", \"token_env\": \"ADDECOY_TEST_OPTMAP_TOKEN\"}", -1, &d,
                           err, sizeof err),
                     0);
    assert_string_equal(d.token, "https://env-" SECRET);
    opt_free(&DEMO, &d);

    testutil_tmpdir(dir, sizeof dir, "optmap");
    snprintf(path, sizeof path, "%s/token", dir);
    for (char *c = path; *c; c++) /* the path goes into JSON text: no backslashes (Windows takes '/') */
        if (*c == '\\')
            *c = '/';
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("https://file-" SECRET "\r\nsecond line\n", f);
    fclose(f);
    snprintf(text, sizeof text, "{\"url\": \"https://h\", \"token_file\": \"%s\"}", path);
    assert_int_equal(parse(text, -1, &d, err, sizeof err), 0);
    assert_string_equal(d.token, "https://file-" SECRET); /* the first line only */
    opt_free(&DEMO, &d);
    remove(path);
}

static void test_list_keys(void **state)
{
    char dir[512], path[600], *text;
    FILE *f;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "optmap-list");
    snprintf(path, sizeof path, "%s/keys.txt", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    opt_list(f, &DEMO);
    fclose(f);
    text = testutil_slurp(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "demo\turl\tstring\trequired\t\twhere\n"));
    assert_non_null(strstr(text, "demo\ttoken\tsecret\trequired\t"));
    assert_non_null(strstr(text, "demo\ttoken_file\tsecret\t"));
    assert_non_null(strstr(text, "demo\ttoken_env\tsecret\t"));
    assert_non_null(strstr(text, "demo\tbatch\tinteger\toptional\t100 (1-10000)\t"));
    assert_non_null(strstr(text, "demo\tmode\tchoice\toptional\tauto (fast|slow|auto)\t"));
    assert_non_null(strstr(text, "demo\tverify\tboolean\toptional\ttrue\t"));
    free(text);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_values),
        cmocka_unit_test(test_unknown_key_names_the_nearest),
        cmocka_unit_test(test_wrong_type_and_range),
        cmocka_unit_test(test_missing_required_and_scope),
        cmocka_unit_test(test_secret_never_in_the_message),
        cmocka_unit_test(test_list_keys),
    };
    testutil_init();
    return testutil_run(tests);
}
