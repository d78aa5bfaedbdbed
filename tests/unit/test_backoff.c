/* test_backoff.c - capped exponential backoff with full jitter, Retry-After parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "svc/base/backoff.h"
#include "testutil.h"

static void test_growth_and_cap(void **state)
{
    backoff_policy p = {500, 60000};
    (void)state;
    /* the largest random value reaches the ceiling of each attempt */
    assert_int_equal(backoff_delay_ms(&p, 1, 500, 0), 500);
    assert_int_equal(backoff_delay_ms(&p, 2, 1000, 0), 1000);
    assert_int_equal(backoff_delay_ms(&p, 3, 2000, 0), 2000);
    assert_int_equal(backoff_delay_ms(&p, 8, 60000, 0), 60000);
    assert_int_equal(backoff_delay_ms(&p, 40, 60000, 0), 60000);
    assert_int_equal(backoff_delay_ms(&p, 1000000, 60000, 0), 60000);
    /* full jitter: random value modulo (ceiling + 1) */
    assert_int_equal(backoff_delay_ms(&p, 1, 501, 0), 0);
    assert_int_equal(backoff_delay_ms(&p, 1, 0, 0), 0);
    for (uint32_t r = 0; r < 100000; r += 997) {
        int64_t d = backoff_delay_ms(&p, 30, r * 7919u, 0);
        assert_true(d >= 0 && d <= 60000);
    }
    assert_true(backoff_delay_ms(&p, 1, UINT32_MAX, 0) <= 500);
}

static void test_retry_after_honoured(void **state)
{
    backoff_policy p = backoff_default();
    (void)state;
    assert_int_equal(backoff_delay_ms(&p, 1, 0, 7000), 7000);
    assert_int_equal(backoff_delay_ms(&p, 1, 300, 100), 300); /* jitter larger than the ask */
    assert_int_equal(backoff_delay_ms(&p, 1, 0, 10LL * 3600 * 1000), 3600000); /* bounded */
}

static void test_parse_retry_after(void **state)
{
    (void)state;
    assert_int_equal(backoff_parse_retry_after("120", 0), 120000);
    assert_int_equal(backoff_parse_retry_after(" 3\r\n", 0), 3000);
    assert_int_equal(backoff_parse_retry_after("0", 0), 0);
    assert_int_equal(backoff_parse_retry_after("", 0), -1);
    assert_int_equal(backoff_parse_retry_after(NULL, 0), -1);
    assert_int_equal(backoff_parse_retry_after("12abc", 0), -1);
    assert_int_equal(backoff_parse_retry_after("-5", 0), -1);
    assert_int_equal(backoff_parse_retry_after("99999999999999999999", 0), -1);
    /* 1994-11-06T08:49:37Z = 784111777 */
    assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), 7000);
    assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800), 0);
    assert_int_equal(backoff_parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0), -1);
    assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 -8:49:37 GMT", 0), -1); /* no negative fields */
    assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:-1:37 GMT", 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_and_cap),
        cmocka_unit_test(test_retry_after_honoured),
        cmocka_unit_test(test_parse_retry_after),
    };
    testutil_init();
    return testutil_run(tests);
}
