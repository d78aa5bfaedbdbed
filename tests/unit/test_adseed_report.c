/* test_adseed_report.c - the estate report: HTML escaping of hostile values (markup, quotes, CDATA
 * ends, invalid UTF-8, control characters), ISO 8601 times, the alert-file reader, and a whole page
 * rendered from a hostile inventory and alert file (no markup gets through, nothing external). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "adseed/html.h"
#include "adseed/report.h"
#include "testutil.h"

static char *escaped(const char *s, size_t max)
{
    strbuf b = {0};
    html_escape_max(&b, s, max);
    assert_false(b.failed);
    return b.data ? b.data : strdup("");
}

static void check_escape(const char *in, const char *want)
{
    char *got = escaped(in, SIZE_MAX);
    assert_string_equal(got, want);
    free(got);
}

static void test_escape_markup(void **state)
{
    (void)state;
    check_escape("<script>alert(\"x\")</script>", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    check_escape("' onmouseover='x", "&#39; onmouseover=&#39;x");
    check_escape("]]><!-- -->", "]]&gt;&lt;!-- --&gt;");
    check_escape("&amp; &#60;", "&amp;amp; &amp;#60;");
    check_escape("plain text, caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91",
                 "plain text, caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91");
    check_escape("", "");
    char *n = escaped(NULL, SIZE_MAX);
    assert_string_equal(n, "");
    free(n);
}

static void test_escape_bytes(void **state)
{
    (void)state;
    const char *fffd = "\xEF\xBF\xBD";
    char want[64];
    check_escape("a\tb\nc", "a\tb\nc");
    snprintf(want, sizeof want, "a%sb%sc", fffd, fffd);
    check_escape("a\x01"
                 "b\x7F"
                 "c",
                 want); /* C0 and DEL */
    snprintf(want, sizeof want, "x%s", fffd);
    check_escape("x\xC2\x85", want);     /* C1 (NEL) */
    check_escape("x\xFF", want);         /* invalid lead byte */
    check_escape("x\xE2\x82", want);     /* truncated at the end */
    check_escape("x\xEF\xBF\xBF", want); /* U+FFFF noncharacter */
    check_escape("x\xC0\xAF"
                 "<",
                 "x\xEF\xBF\xBD\xEF\xBF\xBD&lt;"); /* overlong '/' */
    snprintf(want, sizeof want, "%s%s%s", fffd, fffd, fffd);
    check_escape("\xED\xA0\x80", want); /* UTF-16 surrogate */
    check_escape("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* > U+10FFFF */
}

static void test_escape_max(void **state)
{
    (void)state;
    char *s = escaped("ab<d\xC3\xA9"
                      "f",
                      4);
    assert_string_equal(s, "ab&lt;d\xE2\x80\xA6");
    free(s);
    s = escaped("abc", 3);
    assert_string_equal(s, "abc");
    free(s);
}

static void test_parse_time(void **state)
{
    (void)state;
    int64_t t = -1;
    assert_int_equal(report_parse_time("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(report_parse_time("2020-08-02T11:33:06.523Z", &t), 0);
    assert_int_equal(t, 1596367986);
    assert_int_equal(report_parse_time("2020-08-02T13:33:06+02:00", &t), 0);
    assert_int_equal(t, 1596367986);
    assert_int_equal(report_parse_time("2024-02-29T00:00:00Z", &t), 0);
    assert_int_equal(t, 1709164800);
    assert_int_equal(report_parse_time("1969-12-31T23:59:59Z", &t), 0);
    assert_int_equal(t, -1);
    const char *bad[] = {"",
                         "2020-08-02",
                         "2020-08-02T11:33:06",
                         "2020-13-02T11:33:06Z",
                         "2020-08-02T11:33:06Zjunk",
                         "2020-08-02T25:00:00Z",
                         "20x0-08-02T11:33:06Z",
                         "2020-08-02T11:33:06+0200"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(report_parse_time(bad[i], &t), -1);
    assert_int_equal(report_parse_time(NULL, &t), -1);
}

static const char alert_lines[] =
    "{\"id\":\"1\",\"@timestamp\":\"2026-11-20T10:00:00.000Z\",\"action\":\"kerberoast\","
    "\"decoy\":{\"name\":\"svc_backup_legacy\"},\"source\":{\"ip\":\"10.0.0.5\"},\"count\":1}\n"
    "\n"
    "{\"event\":{\"@timestamp\":\"2026-11-21T10:00:00Z\",\"action\":\"<b>x</b>\",\"count\":3,"
    "\"decoy\":{\"name\":\"<svg onload=alert(1)>\"},\"source\":{\"ip\":\"'><script>alert(2)</script>\"}},"
    "\"sourcetype\":\"addecoy:alert\"}\r\n"
    "not json at all\n"
    "{\"action\":\"kerberoast\"}\n"
    "{\"@timestamp\":\"garbage\",\"action\":\"recon\",\"decoy\":{\"name\":\"svc_backup_legacy\"}}";

static void test_alerts_parse(void **state)
{
    (void)state;
    report_alerts a = {0};
    char err[256];
    assert_int_equal(report_alerts_parse(&a, alert_lines, strlen(alert_lines), err, sizeof err), 0);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.skipped, 2);
    assert_int_equal(a.first_bad_line, 4);
    assert_string_equal(a.v[0].source, "10.0.0.5");
    assert_int_equal(a.v[1].count, 3);
    assert_string_equal(a.v[1].decoy, "<svg onload=alert(1)>");
    assert_true(a.v[2].t == INT64_MIN);
    report_alerts_free(&a);
}

static const char hostile_inventory[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\",\"spns\":[\"MSSQLSvc/db<1>:1433\"],"
    "\"location\":\"<script>alert(1)</script>\",\"owner\":\"\\\"><img src=x onerror=alert(1)>\","
    "\"created\":\"2026-11-01T09:00:00Z\",\"created_by\":\"]]><!-- admin\",\"domain\":\"CORP\"},"
    "{\"name\":\"old_decoy\",\"kind\":\"asrep\",\"retired\":\"2026-11-02T00:00:00Z\","
    "\"location\":\"<style>body{display:none}</style>\"}]}";

static void test_render_hostile(void **state)
{
    (void)state;
    adseed_inventory inv;
    report_alerts a = {0};
    report_verify v[2] = {{REPORT_VERIFY_DRIFT, strdup("svc_backup_legacy: <script>alert(3)</script>")},
                          {REPORT_VERIFY_NOT_RUN, NULL}};
    strbuf page = {0};
    char err[512];
    adseed_inventory_init(&inv);
    assert_int_equal(
        adseed_inventory_parse(&inv, hostile_inventory, strlen(hostile_inventory), "t", err, sizeof err), 0);
    assert_int_equal(report_alerts_parse(&a, alert_lines, strlen(alert_lines), err, sizeof err), 0);
    report_data r = {.inv = &inv,
                     .inventory_path = "/tmp/<inv>.json",
                     .verify = v,
                     .verify_uri = "ldaps://dc\"1",
                     .alerts = &a,
                     .alerts_path = "a&b.jsonl",
                     .generated = "2026-11-29T00:00:00Z"};
    assert_int_equal(report_render_html(&r, &page, err, sizeof err), 0);
    const char *p = page.data;
    assert_non_null(p);
    /* no hostile markup got through as markup */
    const char *forbidden[] = {
        "<script", "<img",     "<svg onload", "<b>x",    "<!--",  "<style>body{display",
        " src=\"", " href=\"", "url(",        "@import", "<link", "<iframe"};
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
        if (strstr(p, forbidden[i]))
            fail_msg("the page contains '%s'", forbidden[i]);
    }
    /* ... and is shown as text */
    assert_non_null(strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(p, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(p, "]]&gt;&lt;!-- admin"));
    assert_non_null(strstr(p, "&lt;svg onload=alert(1)&gt;"));
    assert_non_null(strstr(p, "&#39;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert_non_null(strstr(p, "svc_backup_legacy: &lt;script&gt;alert(3)&lt;/script&gt;"));
    assert_non_null(strstr(p, "MSSQLSvc/db&lt;1&gt;:1433"));
    assert_non_null(strstr(p, "ldaps://dc&quot;1"));
    /* self-contained: a CSP forbids everything but inline style, and the charts are inline SVG */
    assert_non_null(strstr(p, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    size_t svgs = 0;
    for (const char *q = p; (q = strstr(q, "<svg class=\"chart\"")); q++)
        svgs++;
    assert_int_equal(svgs, 3); /* kinds, locations, timeline */
    assert_non_null(strstr(p, "retired 2026-11-02T00:00:00Z"));
    assert_non_null(strstr(p, "2 line(s) of the alert file were not alert documents"));
    assert_int_equal(strncmp(p, "<!DOCTYPE html>", 15), 0);
    assert_non_null(strstr(p, "</html>\n"));
    strbuf_free(&page);
    free(v[0].detail);
    report_alerts_free(&a);
    adseed_inventory_free(&inv);
}

static void test_render_minimal(void **state)
{
    (void)state;
    adseed_inventory inv;
    strbuf page = {0};
    char err[256];
    adseed_inventory_init(&inv);
    report_data r = {.inv = &inv, .inventory_path = "inv.json", .generated = "now"};
    assert_int_equal(report_render_html(&r, &page, err, sizeof err), 0);
    assert_non_null(strstr(page.data, "The inventory holds no decoy."));
    assert_non_null(strstr(page.data, "No alert file given"));
    assert_null(strstr(page.data, "Top sources"));
    strbuf_free(&page);
    adseed_inventory_free(&inv);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_markup),  cmocka_unit_test(test_escape_bytes),
        cmocka_unit_test(test_escape_max),     cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_alerts_parse),   cmocka_unit_test(test_render_hostile),
        cmocka_unit_test(test_render_minimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
