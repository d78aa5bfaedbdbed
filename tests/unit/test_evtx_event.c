/* Unit tests of the normalised event (evtx/event.c) and the UTF helpers (evtx/utf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "testutil.h"

static void test_init_reset_free(void **state)
{
    evtx_event ev;
    (void)state;
    evtx_event_init(&ev);
    assert_int_equal(ev.nfields, 0);
    assert_int_equal(ev.time_ms, -1);
    assert_string_equal(ev.time_created, "");
    assert_string_equal(ev.channel, "");
    assert_string_equal(ev.provider, "");
    assert_string_equal(ev.computer, "");
    assert_null(ev.buf);
    assert_int_equal(evtx_event_set_channel(&ev, "Security", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&ev, "A", "1", 1), 0);
    ev.event_id = 4624;
    char *storage = ev.buf;
    evtx_event_reset(&ev);
    assert_int_equal(ev.event_id, 0);
    assert_int_equal(ev.nfields, 0);
    assert_string_equal(ev.channel, "");
    assert_ptr_equal(ev.buf, storage); /* storage kept for reuse */
    assert_null(evtx_event_get(&ev, "A"));
    evtx_event_free(&ev);
    assert_null(ev.buf);
    evtx_event_free(&ev); /* twice is harmless */
}

static void test_builders_and_get(void **state)
{
    evtx_event ev;
    (void)state;
    evtx_event_init(&ev);
    assert_int_equal(evtx_event_set_channel(&ev, "ForwardedEvents-and-more", 15), 0);
    assert_int_equal(evtx_event_set_provider(&ev, "Microsoft-Windows-Security-Auditing", (size_t)-1), 0);
    assert_int_equal(evtx_event_set_computer(&ev, "DC01.corp.example", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&ev, "TargetUserName", "svc_backup_legacy", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&ev, "ServiceName", "svc_backup_legacyXXX", 17), 0);
    assert_int_equal(evtx_event_add_field(&ev, "Empty", NULL, 0), 0);
    assert_string_equal(ev.channel, "ForwardedEvents");
    assert_string_equal(ev.provider, "Microsoft-Windows-Security-Auditing");
    assert_string_equal(ev.computer, "DC01.corp.example");
    assert_string_equal(evtx_event_get(&ev, "TargetUserName"), "svc_backup_legacy");
    assert_string_equal(evtx_event_get(&ev, "ServiceName"), "svc_backup_legacy");
    assert_int_equal(ev.fields[1].len, 17);
    assert_string_equal(evtx_event_get(&ev, "Empty"), "");
    assert_null(evtx_event_get(&ev, "targetusername")); /* case-sensitive */
    assert_null(evtx_event_get(&ev, "Missing"));
    assert_int_equal(ev.truncated, 0);
    evtx_event_free(&ev);
}

/* Many fields force the storage to grow several times: every earlier pointer must follow. */
static void test_growth_keeps_pointers(void **state)
{
    evtx_event ev;
    char name[32], value[600];
    (void)state;
    evtx_event_init(&ev);
    assert_int_equal(evtx_event_set_channel(&ev, "Security", (size_t)-1), 0);
    evtx_event_set_time_ms(&ev, 1596367986521);
    for (int i = 0; i < EVTX_MAX_FIELDS; i++) {
        snprintf(name, sizeof name, "F%d", i);
        memset(value, 'a' + i % 26, sizeof value - 1);
        value[sizeof value - 1] = '\0';
        assert_int_equal(evtx_event_add_field(&ev, name, value, (size_t)-1), 0);
    }
    assert_true(ev.buf_cap > 4096);
    assert_string_equal(ev.channel, "Security");
    assert_string_equal(ev.time_created, "2020-08-02T11:33:06.521Z");
    for (int i = 0; i < EVTX_MAX_FIELDS; i++) {
        snprintf(name, sizeof name, "F%d", i);
        const char *v = evtx_event_get(&ev, name);
        assert_non_null(v);
        assert_int_equal(strlen(v), sizeof value - 1);
        assert_int_equal(v[0], 'a' + i % 26);
    }
    /* one more is dropped and counted */
    assert_int_equal(evtx_event_add_field(&ev, "Extra", "x", 1), 0);
    assert_int_equal(ev.nfields, EVTX_MAX_FIELDS);
    assert_null(evtx_event_get(&ev, "Extra"));
    assert_int_equal(ev.truncated, 1);
    evtx_event_free(&ev);
}

static void test_repair_and_truncate_values(void **state)
{
    evtx_event ev;
    char *big = malloc(EVTX_FIELD_MAX + 10);
    (void)state;
    assert_non_null(big);
    evtx_event_init(&ev);
    assert_int_equal(evtx_event_add_field(&ev, "U", "ad\xffmin\xc0\xaf", 8), 0);
    assert_string_equal(evtx_event_get(&ev, "U"), "ad\xEF\xBF\xBDmin\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(ev.fields[0].len, strlen(ev.fields[0].value));
    assert_int_equal(evtx_event_set_computer(&ev, "DC\xfe", 3), 0);
    assert_string_equal(ev.computer, "DC\xEF\xBF\xBD");

    /* exactly the limit: kept whole */
    memset(big, 'x', EVTX_FIELD_MAX);
    assert_int_equal(evtx_event_add_field(&ev, "Exact", big, EVTX_FIELD_MAX), 0);
    assert_int_equal(strlen(evtx_event_get(&ev, "Exact")), EVTX_FIELD_MAX);
    assert_int_equal(ev.truncated, 0);
    /* one 2-byte character straddling the limit: cut before it, never inside */
    memset(big, 'x', EVTX_FIELD_MAX - 1);
    memcpy(big + EVTX_FIELD_MAX - 1, "\xC3\xA9zz", 4);
    assert_int_equal(evtx_event_add_field(&ev, "Long", big, EVTX_FIELD_MAX + 3), 0);
    const char *v = evtx_event_get(&ev, "Long");
    assert_int_equal(strlen(v), EVTX_FIELD_MAX - 1);
    assert_int_equal(evtx_utf8_valid_prefix(v, strlen(v)), strlen(v));
    assert_int_equal(ev.truncated, 1);
    /* far over the limit, with invalid bytes */
    memset(big, '\xff', EVTX_FIELD_MAX + 10);
    assert_int_equal(evtx_event_add_field(&ev, "Bad", big, EVTX_FIELD_MAX + 10), 0);
    v = evtx_event_get(&ev, "Bad");
    assert_true(strlen(v) <= EVTX_FIELD_MAX);
    assert_int_equal(strlen(v) % 3, 0);
    assert_memory_equal(v, "\xEF\xBF\xBD", 3);
    assert_int_equal(ev.truncated, 2);
    free(big);
    evtx_event_free(&ev);
}

static void test_copy(void **state)
{
    evtx_event a, b;
    (void)state;
    evtx_event_init(&a);
    evtx_event_init(&b);
    a.event_id = 4769;
    a.version = 1;
    a.record_id = 24476805;
    assert_int_equal(evtx_event_set_time(&a, "2020-08-02T11:33:06.5211596Z"), 0);
    assert_int_equal(evtx_event_set_channel(&a, "Security", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&a, "ServiceName", "Svc-SQL-DB01", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&a, "TicketEncryptionType", "0x17", (size_t)-1), 0);
    assert_int_equal(evtx_event_add_field(&b, "Old", "value", (size_t)-1), 0);
    assert_int_equal(evtx_event_copy(&b, &a), 0);
    evtx_event_free(&a); /* b owns its own storage */
    assert_int_equal(b.event_id, 4769);
    assert_int_equal(b.version, 1);
    assert_int_equal(b.record_id, 24476805);
    assert_int_equal(b.time_ms, 1596367986521);
    assert_string_equal(b.time_created, "2020-08-02T11:33:06.521Z");
    assert_string_equal(b.channel, "Security");
    assert_string_equal(b.provider, "");
    assert_int_equal(b.nfields, 2);
    assert_null(evtx_event_get(&b, "Old"));
    assert_string_equal(evtx_event_get(&b, "ServiceName"), "Svc-SQL-DB01");
    assert_string_equal(evtx_event_get(&b, "TicketEncryptionType"), "0x17");
    /* copying an empty event and onto itself */
    assert_int_equal(evtx_event_copy(&b, &b), 0);
    assert_int_equal(b.nfields, 2);
    assert_int_equal(evtx_event_copy(&b, &a), 0);
    assert_int_equal(b.nfields, 0);
    assert_int_equal(b.time_ms, -1);
    evtx_event_free(&b);
}

static void test_time_parse(void **state)
{
    static const struct {
        const char *in;
        int64_t ms;
        const char *out;
    } cases[] = {
        {"2020-08-02T11:33:06.521159600Z", 1596367986521, "2020-08-02T11:33:06.521Z"},
        {"2020-08-02T11:33:06.5211596Z", 1596367986521, "2020-08-02T11:33:06.521Z"},
        {"2020-08-02T11:33:06Z", 1596367986000, "2020-08-02T11:33:06.000Z"},
        {"2020-08-02T11:33:06.5Z", 1596367986500, "2020-08-02T11:33:06.500Z"},
        {"2020-08-02T11:33:06", 1596367986000, "2020-08-02T11:33:06.000Z"},
        {"2020-08-02T13:33:06+02:00", 1596367986000, "2020-08-02T11:33:06.000Z"},
        {"1970-01-01T00:00:00.000Z", 0, "1970-01-01T00:00:00.000Z"},
        {"2024-02-29T23:59:59.999Z", 1709251199999, "2024-02-29T23:59:59.999Z"},
        {"1601-01-01T00:00:00Z", -11644473600000, "1601-01-01T00:00:00.000Z"},
    };
    static const char *bad[] = {"",
                                "garbage",
                                "2020-13-01T00:00:00Z",
                                "2023-02-29T00:00:00Z",
                                "2020-08-02T24:00:00Z",
                                "2020-08-02 11:33",
                                "2020-08-02T11:33:06.Z",
                                "2020-08-02T11:33:06Zjunk"};
    evtx_event ev;
    (void)state;
    evtx_event_init(&ev);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(evtx_event_set_time(&ev, cases[i].in), 0);
        assert_int_equal(ev.time_ms, cases[i].ms);
        assert_string_equal(ev.time_created, cases[i].out);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        evtx_event_set_time_ms(&ev, 5);
        assert_int_equal(evtx_event_set_time(&ev, bad[i]), 0);
        assert_int_equal(ev.time_ms, -1);
        assert_string_equal(ev.time_created, "");
    }
    assert_int_equal(evtx_event_set_time(&ev, NULL), 0);
    assert_int_equal(ev.time_ms, -1);
    evtx_event_set_time_ms(&ev, -1);
    assert_string_equal(ev.time_created, "");
    evtx_event_free(&ev);
}

static void test_format_time(void **state)
{
    char buf[32];
    (void)state;
    evtx_format_time(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
    evtx_format_time(1596367986521, buf, sizeof buf);
    assert_string_equal(buf, "2020-08-02T11:33:06.521Z");
    evtx_format_time(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
    evtx_format_time(951782400000, buf, sizeof buf); /* 2000-02-29 */
    assert_string_equal(buf, "2000-02-29T00:00:00.000Z");
    evtx_format_time(1596367986521, buf, 11); /* short buffer: truncated, terminated */
    assert_string_equal(buf, "2020-08-02");
}

static void test_utf8_valid_prefix(void **state)
{
    (void)state;
    assert_int_equal(evtx_utf8_valid_prefix("", 0), 0);
    assert_int_equal(evtx_utf8_valid_prefix("plain ascii text, long enough", 29), 29);
    assert_int_equal(evtx_utf8_valid_prefix("h\xC3\xA9llo", 6), 6);
    assert_int_equal(evtx_utf8_valid_prefix("h\xC3", 2), 1);          /* cut character */
    assert_int_equal(evtx_utf8_valid_prefix("ab\xE2\x82\xAC", 4), 2); /* cut euro sign */
    assert_int_equal(evtx_utf8_valid_prefix("ab\xE2\x82\xAC", 5), 5);
    assert_int_equal(evtx_utf8_valid_prefix("\xF0\x9F\x98\x80!", 5), 5); /* emoji */
    assert_int_equal(evtx_utf8_valid_prefix("a\xC0\xAF", 3), 1);         /* overlong */
    assert_int_equal(evtx_utf8_valid_prefix("a\xED\xA0\x80", 4), 1);     /* surrogate */
    assert_int_equal(evtx_utf8_valid_prefix("a\xF4\x90\x80\x80", 5), 1); /* > U+10FFFF */
    assert_int_equal(evtx_utf8_valid_prefix("abcdefghijklmnop\x80", 17), 16);
}

static void test_utf8_repair(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(evtx_utf8_repair(out, "ok", 2), 2);
    assert_string_equal(out, "ok");
    assert_int_equal(evtx_utf8_repair(out, "", 0), 0);
    assert_string_equal(out, "");
    evtx_utf8_repair(out,
                     "a\xff"
                     "b",
                     3);
    assert_string_equal(out, "a\xEF\xBF\xBD"
                             "b");
    /* a truncated 3-byte sequence is one maximal subpart: one U+FFFD */
    evtx_utf8_repair(out, "a\xE2\x82z", 4);
    assert_string_equal(out, "a\xEF\xBF\xBDz");
    /* overlong: each byte is its own subpart */
    evtx_utf8_repair(out, "\xC0\xAF", 2);
    assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
    /* a cut character at the very end */
    evtx_utf8_repair(out, "x\xF0\x9F\x98", 4);
    assert_string_equal(out, "x\xEF\xBF\xBD");
    /* the result is always valid */
    const char junk[] = "\x80\xBF\xFE\xFF\xC2\xE0\x80\xED\xBF\xBF\xF5";
    size_t n = evtx_utf8_repair(out, junk, sizeof junk - 1);
    assert_int_equal(evtx_utf8_valid_prefix(out, n), n);
    assert_int_equal(strlen(out), n);
}

static void test_utf16_to_utf8(void **state)
{
    static const uint16_t hello[] = {'h', 0xE9, 'l', 0x20AC};
    static const uint16_t pair[] = {0xD83D, 0xDE00, '!'};
    static const uint16_t lone[] = {'a', 0xD800, 'b', 0xDC00};
    static const uint16_t lone_end[] = {'a', 0xD83D};
    char *s;
    (void)state;
    s = evtx_utf16_to_utf8(hello, 4);
    assert_string_equal(s, "h\xC3\xA9l\xE2\x82\xAC");
    free(s);
    s = evtx_utf16_to_utf8(pair, 3);
    assert_string_equal(s, "\xF0\x9F\x98\x80!");
    free(s);
    s = evtx_utf16_to_utf8(lone, 4);
    assert_string_equal(s, "a\xEF\xBF\xBD"
                           "b\xEF\xBF\xBD");
    free(s);
    s = evtx_utf16_to_utf8(lone_end, 2);
    assert_string_equal(s, "a\xEF\xBF\xBD");
    free(s);
    s = evtx_utf16_to_utf8(hello, 0);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_reset_free),
        cmocka_unit_test(test_builders_and_get),
        cmocka_unit_test(test_growth_keeps_pointers),
        cmocka_unit_test(test_repair_and_truncate_values),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_utf8_valid_prefix),
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_utf16_to_utf8),
    };
    testutil_init();
    return testutil_run(tests);
}
