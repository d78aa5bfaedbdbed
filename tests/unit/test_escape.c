/* test_escape.c - every escaper against hostile input: Slack <!channel> and emphasis, Teams
 * markdown links, defanged URLs, CEF pipes and newlines,
 * syslog SD brackets and quotes, HTML, invalid UTF-8, large values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc/sink/escape.h"
#include "testutil.h"

typedef void (*escaper)(strbuf *, const char *, size_t);

static char *esc(escaper f, const char *s, size_t len)
{
    strbuf b = {0};
    f(&b, s, len);
    strbuf_puts(&b, ""); /* ensure data exists for empty input */
    assert_false(b.failed);
    return b.data;
}

#define CHECK(f, in, want)                                                                                   \
    do {                                                                                                     \
        char *got_ = esc(f, in, sizeof(in) - 1);                                                             \
        assert_string_equal(got_, want);                                                                     \
        free(got_);                                                                                          \
    } while (0)

static void test_slack(void **state)
{
    (void)state;
    CHECK(escape_slack, "<!channel> & <@U123|x> *bold* `code`",
          "&lt;!channel&gt; &amp; &lt;@U123|x&gt; \uff0abold\uff0a \uff40code\uff40");
    CHECK(escape_slack, "", "");
    CHECK(escape_slack, "&amp;", "&amp;amp;");
    CHECK(escape_slack, "_it_ ~del~", "\uff3fit\uff3f \uff5edel\uff5e");
    CHECK(escape_slack, "<https://x|y>", "&lt;https[:]//x|y&gt;");
    CHECK(escape_slack, "[Verify your account](https://phish.example/)",
          "[Verify your account](https[:]//phish[.]example/)");
}

static void test_defang_links(void **state)
{
    (void)state;
    CHECK(escape_defang_links, "https://phish.example/a?b=c", "https[:]//phish[.]example/a?b=c");
    CHECK(escape_defang_links, "www.phish.example", "www[.]phish[.]example");
    CHECK(escape_defang_links, "ceo@corp.example", "ceo@corp[.]example");
    /* IP addresses, times, sentences and markup stay as they are */
    CHECK(escape_defang_links, "from 10.0.0.5 at 10:00. *x* <y>", "from 10.0.0.5 at 10:00. *x* <y>");
    CHECK(escape_defang_links, "a.", "a.");
    CHECK(escape_defang_links, "a:/", "a:/");
}

static void test_teams(void **state)
{
    (void)state;
    CHECK(escape_teams, "[Verify your account](https://phish.example/)",
          "\uff3bVerify your account\uff3d(https[:]//phish[.]example/)");
    CHECK(escape_teams, "**bold** _it_ ~~s~~ `c` \\[x] # h",
          "\uff0a\uff0abold\uff0a\uff0a \uff3fit\uff3f \uff5e\uff5es\uff5e\uff5e \uff40c\uff40 "
          "\uff3c\uff3bx\uff3d \uff03 h");
    CHECK(escape_teams, "<https://x|y> <!channel>", "\uff1chttps[:]//x|y\uff1e \uff1c!channel\uff1e");
}

static void test_html(void **state)
{
    (void)state;
    CHECK(escape_html, "<script>alert('x\")</script>&", "&lt;script&gt;alert(&#39;x&quot;)&lt;/script&gt;&amp;");
}

static void test_cef(void **state)
{
    (void)state;
    CHECK(escape_cef_header, "a|b\\c\nd\re=f", "a\\|b\\\\c d e=f");
    CHECK(escape_cef_ext, "a|b\\c\nd\re=f", "a|b\\\\c\\nd\\re\\=f");
    CHECK(escape_cef_ext, "x\tcs1=evil", "x cs1\\=evil");
}

static void test_sd_param(void **state)
{
    (void)state;
    CHECK(escape_sd_param, "a\"b\\c]d", "a\\\"b\\\\c\\]d");
    CHECK(escape_sd_param, "line1\nline2\r\x01", "line1\\x0Aline2\\x0D\\x01");
    CHECK(escape_sd_param, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* lone continuation, truncated sequence, overlong, surrogate, > U+10FFFF */
    CHECK(escape_utf8, "a\x80z", "a\xef\xbf\xbdz");
    CHECK(escape_slack, "<\xe2\x82", "&lt;\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(escape_sd_param, "\xc0\xafx", "\xef\xbf\xbd\xef\xbf\xbdx");
    CHECK(escape_cef_ext, "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(escape_cef_header, "\xf4\x90\x80\x80|", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\\|");
}

static void test_large_hostile(void **state)
{
    size_t n = 64 * 1024;
    char *in = malloc(n);
    char *out;
    (void)state;
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        in[i] = "]\"\\\n=|<&"[i % 8];
    out = esc(escape_sd_param, in, n);
    assert_null(strchr(out, '\n'));
    /* each ] " \ doubles, \n becomes 4 chars, the rest stay */
    assert_int_equal(strlen(out), n / 8 * (2 + 2 + 2 + 4 + 1 + 1 + 1 + 1));
    free(out);
    out = esc(escape_cef_ext, in, n);
    assert_null(strchr(out, '\n'));
    free(out);
    free(in);
}

static void test_utf8_prefix(void **state)
{
    const char *s = "ab\xe2\x82\xac"
                    "cd";
    (void)state;
    assert_int_equal(escape_utf8_prefix(s, 7, 3), 2);
    assert_int_equal(escape_utf8_prefix(s, 7, 5), 5);
    assert_int_equal(escape_utf8_prefix(s, 7, 100), 7);
}

static void test_buf_printf(void **state)
{
    strbuf b = {0};
    (void)state;
    strbuf_printf(&b, "%d-%s", 42, "x");
    strbuf_printf(&b, "%0300d", 7);
    assert_int_equal(b.len, 4 + 300);
    assert_memory_equal(b.data, "42-x000", 7);
    strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slack),        cmocka_unit_test(test_html),
        cmocka_unit_test(test_defang_links), cmocka_unit_test(test_teams),
        cmocka_unit_test(test_cef),          cmocka_unit_test(test_sd_param),
        cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_large_hostile),
        cmocka_unit_test(test_utf8_prefix),  cmocka_unit_test(test_buf_printf),
    };
    testutil_init();
    return testutil_run(tests);
}
