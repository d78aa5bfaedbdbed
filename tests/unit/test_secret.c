/* test_secret.c - DPAPI-protected secrets (svc/base/secret.h) and their use by the sink config helper:
 * natively, plain values pass through and "dpapi:" values are refused with a message naming the
 * field; cross-built and run under Wine, protect/unprotect round trips, a damaged blob is a clear
 * error, and no message ever contains the secret. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "svc/base/crypto.h"
#include "svc/base/secret.h"
#include "svc/sink/sink.h"
#include "testutil.h"

#define SECRET "hec-token-7f3a9c1e-5b2d"

/* Builds a HEC sink whose token comes from the given JSON fragment; returns it or NULL with err. */
static sink *hec_with(const char *token_json, char *err, size_t errlen)
{
    char text[8192];
    json_error_t jerr;
    json_t *conf;
    sink *s;

    snprintf(text, sizeof text, "{\"type\":\"hec\",\"url\":\"http://127.0.0.1:9/\",%s}", token_json);
    conf = json_loads(text, 0, &jerr);
    assert_non_null(conf);
    s = sink_new_from_json(conf, "sinks[0]", err, errlen);
    json_decref(conf);
    return s;
}

static void test_plain_passthrough(void **state)
{
    char err[256] = "", *out = NULL;
    const char *in = "https://hooks.example/T0/B0/xyz";
    (void)state;
    assert_int_equal(secret_unprotect(in, &out, err, sizeof err), 0);
    assert_non_null(out);
    assert_ptr_not_equal(out, in);
    assert_string_equal(out, in);
    free(out);
    /* "dpapi" without the colon, or not at the start, is an ordinary value */
    assert_int_equal(secret_unprotect("xdpapi:abc", &out, err, sizeof err), 0);
    assert_string_equal(out, "xdpapi:abc");
    free(out);
}

static void test_plain_token_in_sink(void **state)
{
    char err[256] = "";
    sink *s;
    (void)state;
    s = hec_with("\"token\":\"" SECRET "\"", err, sizeof err);
    assert_non_null(s);
    sink_free(s);
}

#ifndef _WIN32
static void test_dpapi_refused_on_posix(void **state)
{
    char err[256] = "", *out = (char *)1;
    (void)state;
    assert_int_equal(secret_unprotect("dpapi:AQAAANCMnd8BFdERjHoAwE/Cl+s=", &out, err, sizeof err), -1);
    assert_null(out);
    assert_non_null(strstr(err, "DPAPI-protected secrets can only be read on Windows"));
    assert_null(strstr(err, "AQAAANCM"));
    assert_null(strstr(err, "token")); /* the field is named by the caller */
    out = (char *)1;
    assert_int_equal(secret_protect(SECRET, strlen(SECRET), &out, err, sizeof err), -1);
    assert_null(out);
    assert_non_null(strstr(err, "only on Windows"));
    assert_null(strstr(err, SECRET));
}

static void test_dpapi_in_sink_names_field(void **state)
{
    char err[512] = "";
    sink *s;
    (void)state;
    s = hec_with("\"token\":\"dpapi:AQAAANCMnd8BFdERjHoAwE/Cl+s=\"", err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "sinks[0]: token: DPAPI-protected secrets can only be read on Windows"));
    assert_null(strstr(err, "AQAAANCM"));

    setenv("ADDECOY_TEST_SECRET", "dpapi:AQAAANCMnd8BFdERjHoAwE/Cl+s=", 1);
    s = hec_with("\"token_env\":\"ADDECOY_TEST_SECRET\"", err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "sinks[0]: token_env: DPAPI-protected"));
    unsetenv("ADDECOY_TEST_SECRET");
}
#else
static char *protect_ok(const char *plain)
{
    char err[256] = "", *out = NULL;
    assert_int_equal(secret_protect(plain, strlen(plain), &out, err, sizeof err), 0);
    assert_non_null(out);
    assert_memory_equal(out, "dpapi:", 6);
    assert_null(strstr(out, plain));
    return out;
}

static void test_round_trip(void **state)
{
    char err[256] = "", *blob, *plain = NULL;
    (void)state;
    blob = protect_ok(SECRET);
    assert_int_equal(secret_unprotect(blob, &plain, err, sizeof err), 0);
    assert_string_equal(plain, SECRET);
    free(plain);
    free(blob);
    /* a long, non-ASCII webhook URL */
    blob = protect_ok("https://hooks.example/services/T000/B000/\xc3\xa9t\xc3\xa9-0123456789abcdef0123456789");
    assert_int_equal(secret_unprotect(blob, &plain, err, sizeof err), 0);
    assert_string_equal(
        plain, "https://hooks.example/services/T000/B000/\xc3\xa9t\xc3\xa9-0123456789abcdef0123456789");
    free(plain);
    free(blob);
}

static void test_corrupt_blob(void **state)
{
    char err[256] = "", *blob, *plain = (char *)1, bad[4096];
    uint8_t raw[2048];
    size_t n = 0;
    (void)state;
    blob = protect_ok(SECRET);
    assert_int_equal(crypto_base64_decode(blob + 6, strlen(blob + 6), raw, sizeof raw, &n), 0);
    raw[n - 8] ^= 0x5a; /* inside the ciphertext / MAC */
    memcpy(bad, "dpapi:", 6);
    assert_true(crypto_base64_encode(raw, n, bad + 6, sizeof bad - 6) > 0);
    assert_int_equal(secret_unprotect(bad, &plain, err, sizeof err), -1);
    assert_null(plain);
    assert_non_null(strstr(err, "cannot unprotect"));
    assert_null(strstr(err, SECRET));
    assert_null(strstr(err, bad + 6));

    /* truncated blob, not base64, empty */
    bad[6 + 40] = '\0';
    assert_int_equal(secret_unprotect(bad, &plain, err, sizeof err), -1);
    assert_null(strstr(err, SECRET));
    assert_int_equal(secret_unprotect("dpapi:not*base64!", &plain, err, sizeof err), -1);
    assert_non_null(strstr(err, "not valid base64"));
    assert_int_equal(secret_unprotect("dpapi:", &plain, err, sizeof err), -1);
    free(blob);
}

static void test_sink_uses_protected_token(void **state)
{
    char err[512] = "", frag[4096], *blob;
    sink *s;
    (void)state;
    blob = protect_ok(SECRET);
    snprintf(frag, sizeof frag, "\"token\":\"%s\"", blob);
    s = hec_with(frag, err, sizeof err);
    assert_non_null(s);
    sink_free(s);
    /* a damaged one names the field and shows neither the secret nor the blob */
    blob[strlen(blob) - 6] = blob[strlen(blob) - 6] == 'A' ? 'B' : 'A';
    snprintf(frag, sizeof frag, "\"token\":\"%s\"", blob);
    s = hec_with(frag, err, sizeof err);
    assert_null(s);
    assert_non_null(strstr(err, "sinks[0]: token: "));
    assert_null(strstr(err, SECRET));
    assert_null(strstr(err, blob + 6));
    free(blob);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_passthrough),
        cmocka_unit_test(test_plain_token_in_sink),
#ifndef _WIN32
        cmocka_unit_test(test_dpapi_refused_on_posix),
        cmocka_unit_test(test_dpapi_in_sink_names_field),
#else
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_corrupt_blob),
        cmocka_unit_test(test_sink_uses_protected_token),
#endif
    };
    testutil_init();
    return testutil_run(tests);
}
