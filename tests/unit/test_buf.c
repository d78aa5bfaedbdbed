/* test_buf.c - the shared growable buffer (svc/base/strbuf.h): appends of every kind, growth past
 * many doublings, the sticky failure (limit, size overflow), detach, reset, wipe; and the shared
 * FNV-1a hash (svc/base/hash.h) against the published test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svc/base/hash.h"
#include "svc/base/strbuf.h"
#include "testutil.h"

static void test_appends(void **state)
{
    strbuf b = {0};
    (void)state;
    assert_null(b.data);
    strbuf_puts(&b, "abc");
    strbuf_putc(&b, '-');
    strbuf_append(&b, "xyz\0tail", 8); /* bytes, an embedded NUL kept */
    strbuf_printf(&b, "|%zu|%s|%lld|%05.1f", (size_t)42, "s", -7LL, 2.5);
    assert_int_equal(b.failed, STRBUF_OK);
    assert_int_equal(b.len, 3 + 1 + 8 + strlen("|42|s|-7|002.5"));
    assert_memory_equal(b.data, "abc-xyz\0tail|42|s|-7|002.5", b.len + 1);
    assert_true(b.cap > b.len);
    strbuf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_growth(void **state)
{
    strbuf b = {0};
    (void)state;
    for (int i = 0; i < 100000; i++)
        strbuf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.failed, STRBUF_OK);
    assert_int_equal(b.len, 200000);
    for (size_t i = 0; i < b.len; i += 2)
        assert_int_equal(b.data[i], '0' + (int)(i / 2 % 10));
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strbuf_reserve(&b, 1u << 20), 0);
    assert_true(b.cap >= b.len + (1u << 20) + 1);
    strbuf_free(&b);
}

static void test_limit_is_sticky(void **state)
{
    strbuf b = {.max = 10};
    (void)state;
    strbuf_puts(&b, "0123456789"); /* exactly max */
    assert_int_equal(b.failed, STRBUF_OK);
    assert_string_equal(b.data, "0123456789");
    strbuf_putc(&b, 'x');
    assert_int_equal(b.failed, STRBUF_TOO_LONG);
    strbuf_reset(&b); /* reset clears the failure, keeps the limit */
    assert_int_equal(b.failed, STRBUF_OK);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    strbuf_printf(&b, "%s", "01234567890"); /* 11 > 10 */
    assert_int_equal(b.failed, STRBUF_TOO_LONG);
    strbuf_puts(&b, "a"); /* ignored after the failure, even though it would fit */
    assert_int_equal(b.len, 0);
    assert_int_equal(b.failed, STRBUF_TOO_LONG);
    assert_null(strbuf_detach(&b, NULL)); /* a failed text is not handed over */
    assert_null(b.data);
    strbuf_free(&b);
}

static void test_overflow_is_sticky(void **state)
{
    strbuf b = {0};
    (void)state;
    strbuf_puts(&b, "abc");
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX - 2), -1);
    assert_int_equal(b.failed, STRBUF_NOMEM);
    assert_int_equal(strbuf_reserve(&b, 1), -1);
    strbuf_printf(&b, "%d", 1);
    assert_string_equal(b.data, "abc"); /* the text before the failure is intact */
    strbuf_free(&b);
}

static void test_detach(void **state)
{
    strbuf b = {0};
    size_t len = 99;
    char *s;
    (void)state;
    s = strbuf_detach(&b, &len); /* empty: "" rather than NULL */
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    strbuf_printf(&b, "%s=%d", "k", 5);
    s = strbuf_detach(&b, &len);
    assert_string_equal(s, "k=5");
    assert_int_equal(len, 3);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    strbuf_puts(&b, "secret");
    strbuf_wipe_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
}

static void test_fnv1a_vectors(void **state)
{
    (void)state;
    /* from the FNV reference test suite (isthe.com/chongo/tech/comp/fnv) */
    assert_true(hash_fnv1a("", 0) == 0xcbf29ce484222325ULL);
    assert_true(hash_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(hash_fnv1a("foobar", 6) == 0x85944171f73967e8ULL);
    assert_true(hash_fnv1a("foobarXYZ", 6) == 0x85944171f73967e8ULL); /* only len bytes */
    assert_true(hash_fnv1a_lower("FooBar", 6) == 0x85944171f73967e8ULL);
    assert_true(hash_fnv1a_lower("SVC_Backup", 10) == hash_fnv1a("svc_backup", 10));
    assert_true(hash_fnv1a_lower("\xc3\x89", 2) == hash_fnv1a("\xc3\x89", 2)); /* ASCII only */
    assert_true(hash_fnv1a("A", 1) != hash_fnv1a("a", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appends),         cmocka_unit_test(test_growth),
        cmocka_unit_test(test_limit_is_sticky), cmocka_unit_test(test_overflow_is_sticky),
        cmocka_unit_test(test_detach),          cmocka_unit_test(test_fnv1a_vectors),
    };
    testutil_init();
    return testutil_run(tests);
}
