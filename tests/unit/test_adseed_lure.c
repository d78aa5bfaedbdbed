/* test_adseed_lure.c - the breadcrumb artefacts: the GPP cpassword against the published
 * MS14-025 example and a round trip, each kind's text (the password, the account, escaping), the
 * lure-safe passwords, refusal of unsafe targets, and the description fingerprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/lure.h"
#include "testutil.h"

static void test_gpp_known_vector(void **state)
{
    (void)state;
    char out[256], err[256];
    /* the example every write-up of MS14-025 decrypts (Get-GPPPassword, gpp-decrypt) */
    assert_int_equal(lure_gpp_cpassword("Local*P4ssword!", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "j1Uyj3Vx8TY9LtLZil2uAuZkFQA/4latT76ZwgdHdhw");
    assert_int_equal(lure_gpp_decrypt(out, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "Local*P4ssword!");
}

static void test_gpp_round_trip_and_errors(void **state)
{
    (void)state;
    char pw[LURE_PASSWORD_LEN + 1], c[256], back[256], err[256];
    for (int i = 0; i < 50; i++) {
        assert_int_equal(decoy_password_generate_lure(pw, LURE_PASSWORD_LEN), 0);
        assert_int_equal(lure_gpp_cpassword(pw, c, sizeof c, err, sizeof err), 0);
        assert_null(strchr(c, '='));
        assert_int_equal(lure_gpp_decrypt(c, back, sizeof back, err, sizeof err), 0);
        assert_string_equal(back, pw);
    }
    assert_int_equal(lure_gpp_cpassword("", c, sizeof c, err, sizeof err), -1);
    assert_int_equal(lure_gpp_cpassword("p\xc3\xa4ss", c, sizeof c, err, sizeof err), -1);
    assert_int_equal(lure_gpp_cpassword("password", c, 8, err, sizeof err), -1);
    assert_int_equal(lure_gpp_decrypt("!!!!", back, sizeof back, err, sizeof err), -1);
    assert_int_equal(lure_gpp_decrypt("AAAAAAAAAAAAAAAAAAAAAA", back, sizeof back, err, sizeof err), -1);
    assert_int_equal(lure_gpp_decrypt("", back, sizeof back, err, sizeof err), -1);
}

static void test_lure_password(void **state)
{
    (void)state;
    char pw[LURE_PASSWORD_LEN + 1];
    for (int i = 0; i < 200; i++) {
        int up = 0, lo = 0, dig = 0, sym = 0;
        assert_int_equal(decoy_password_generate_lure(pw, LURE_PASSWORD_LEN), 0);
        assert_int_equal(strlen(pw), LURE_PASSWORD_LEN);
        for (const char *p = pw; *p; p++) {
            up |= *p >= 'A' && *p <= 'Z';
            lo |= *p >= 'a' && *p <= 'z';
            dig |= *p >= '0' && *p <= '9';
            sym |= strchr("#+-.:=?@_~", *p) != NULL;
            assert_null(strchr("%^!&|<>\"'`$\\ ", *p));
        }
        assert_true(up && lo && dig && sym);
    }
    assert_int_equal(decoy_password_generate_lure(pw, 8), -1);
}

static char *render(adseed_lure kind, const char *name, const char *target, int ps)
{
    lure_params p = {.kind = kind,
                     .name = name,
                     .netbios = "DECOY",
                     .dns_domain = "decoy.test",
                     .password = "Ab3#cdEF-gh.ij@kl_mn",
                     .target = target,
                     .powershell = ps,
                     .when = "2013-05-02 08:09:10",
                     .uid = {0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 1, 2, 3, 4, 5, 6, 7, 8}};
    strbuf b = {0};
    char err[256];
    if (lure_render(&p, &b, err, sizeof err) != 0) {
        strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

static void test_render_kinds(void **state)
{
    (void)state;
    char *s, err[256], out[256];
    s = render(ADSEED_LURE_DESCRIPTION, "svc_a", NULL, 0);
    assert_non_null(strstr(s, "temporary password Ab3#cdEF-gh.ij@kl_mn (set 2013-05-02"));
    assert_true(strlen(s) < 1024);
    free(s);

    s = render(ADSEED_LURE_GPP, "svc_a&b", NULL, 0);
    assert_non_null(strstr(s, "<Groups clsid=\"{3125E937-EB16-4b4c-9934-544FC6D24D26}\">"));
    assert_non_null(strstr(s, "name=\"svc_a&amp;b\" image=\"2\" changed=\"2013-05-02 08:09:10\" "
                              "uid=\"{12345678-9ABC-DEF0-0102-030405060708}\""));
    assert_non_null(strstr(s, "userName=\"DECOY\\svc_a&amp;b\""));
    assert_null(strstr(s, "Ab3#cdEF")); /* only the cpassword */
    {
        const char *c = strstr(s, "cpassword=\"") + 11;
        size_t n = strcspn(c, "\"");
        char cp[128];
        memcpy(cp, c, n);
        cp[n] = '\0';
        assert_int_equal(lure_gpp_decrypt(cp, out, sizeof out, err, sizeof err), 0);
        assert_string_equal(out, "Ab3#cdEF-gh.ij@kl_mn");
    }
    free(s);

    s = render(ADSEED_LURE_SCRIPT, "svc_100%", "\\\\fs1\\share%x$", 0);
    assert_non_null(strstr(s, "net use Z: \"\\\\fs1\\share%%x$\" /user:DECOY\\svc_100%% "
                              "\"Ab3#cdEF-gh.ij@kl_mn\" /persistent:no\r\n"));
    free(s);
    s = render(ADSEED_LURE_SCRIPT, "o'neil", NULL, 1);
    assert_non_null(strstr(s, "$user = 'DECOY\\o''neil'\r\n"));
    assert_non_null(strstr(s, "ConvertTo-SecureString 'Ab3#cdEF-gh.ij@kl_mn' -AsPlainText"));
    assert_non_null(strstr(s, "-Root '\\\\fs-backup01.decoy.test\\Exports$'"));
    free(s);

    s = render(ADSEED_LURE_CMDKEY, "svc_a", NULL, 0);
    assert_non_null(
        strstr(s, "cmdkey /add:fs-backup01.decoy.test /user:DECOY\\svc_a /pass:Ab3#cdEF-gh.ij@kl_mn\r\n"));
    free(s);
    assert_null(render(ADSEED_LURE_CMDKEY, "svc_a", "host & calc", 0));
    assert_null(render(ADSEED_LURE_SCRIPT, "svc_a", "\\\\a\"b", 0));
    assert_null(render(ADSEED_LURE_SCRIPT, "svc_a", "\\\\a\r\nb", 0));

    s = render(ADSEED_LURE_UNATTEND, "svc_<u>", NULL, 0);
    assert_non_null(strstr(s, "<Value>Ab3#cdEF-gh.ij@kl_mn</Value>\r\n          <PlainText>true</PlainText>"));
    assert_non_null(strstr(s, "<Username>svc_&lt;u&gt;</Username>"));
    assert_non_null(strstr(s, "<Domain>DECOY</Domain>"));
    free(s);
}

static void test_fingerprint(void **state)
{
    (void)state;
    char fp[72];
    assert_int_equal(lure_fingerprint("abc", fp), 0);
    assert_string_equal(fp, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpp_known_vector), cmocka_unit_test(test_gpp_round_trip_and_errors),
        cmocka_unit_test(test_lure_password),    cmocka_unit_test(test_render_kinds),
        cmocka_unit_test(test_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
