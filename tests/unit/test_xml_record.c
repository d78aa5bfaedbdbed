/* Unit tests of one rendered event record (evtx/xml_record.c, evtx_parse_event_xml): the root and
 * well-formedness checks, and values read exactly as written wherever they fall in the reader's
 * input buffers (a whitespace-only value is a value, not formatting). */
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

static void test_parse_event_xml(void **state)
{
    evtx_event ev;
    char err[256], path[4096];
    size_t len;
    char *data = testutil_slurp(testutil_fixture(path, sizeof path, "xml/userdata.xml"), &len);
    (void)state;
    assert_non_null(data);
    evtx_event_init(&ev);
    assert_int_equal(evtx_parse_event_xml(data, len, &ev, err, sizeof err), 0);
    assert_int_equal(ev.event_id, 1102);
    assert_string_equal(ev.computer, "DC01.3b.local");
    assert_int_equal(evtx_parse_event_xml("<Foo><EventID>1</EventID></Foo>", 31, &ev, err, sizeof err), -1);
    assert_non_null(strstr(err, "root element is <Foo>"));
    assert_int_equal(ev.nfields, 0);
    assert_int_equal(evtx_parse_event_xml("<Event><System>", 15, &ev, err, sizeof err), -1);
    assert_non_null(strstr(err, "not well-formed"));
    assert_int_equal(evtx_parse_event_xml("", 0, &ev, NULL, 0), -1);
    evtx_event_free(&ev);
    free(data);
}

/* Found by fuzz_evtx_file (tests/fixtures/fuzz/evtx_file/direct-vs-xml-whitespace): libxml2's
 * XML_PARSE_NOBLANKS guesses whether whitespace is formatting from what follows it in the reader's
 * current input buffer, so a value of two spaces came out as "" at some offsets and as "  " at
 * others. A value is what the record holds, at every offset. */
static void test_whitespace_values(void **state)
{
    static const char *const ws[] = {"  ", " ", "\t", " \n ", ""};
    evtx_event ev;
    char err[256], pad[1100], xml[4096];
    (void)state;
    evtx_event_init(&ev);
    memset(pad, 'x', sizeof pad);
    for (int n = 0; n < (int)sizeof pad; n++) { /* the values cross every 512-byte boundary */
        int len = snprintf(xml, sizeof xml,
                           "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
                           "<System><EventID>4624</EventID><Computer>%.*s</Computer></System><EventData>"
                           "<Data Name='A'>%s</Data><Data Name='B'>%s</Data><Data Name='C'>%s</Data>"
                           "<Data Name='D'>%s</Data><Data Name='E'>%s</Data><Data Name='F'>f</Data>"
                           "</EventData></Event>",
                           n, pad, ws[0], ws[1], ws[2], ws[3], ws[4]);
        if (evtx_parse_event_xml(xml, (size_t)len, &ev, err, sizeof err) != 0)
            fail_msg("pad %d: %s", n, err);
        assert_int_equal(ev.nfields, 6);
        for (int i = 0; i < 5; i++)
            if (strcmp(ev.fields[i].value, ws[i]) != 0 || ev.fields[i].len != strlen(ws[i]))
                fail_msg("pad %d: field %s is '%s', the record holds '%s'", n, ev.fields[i].name,
                         ev.fields[i].value, ws[i]);
        assert_string_equal(ev.fields[5].value, "f");
    }
    evtx_event_free(&ev);
}

/* Formatting whitespace between elements (wevtutil /f:xml with indentation, pretty-printed exports)
 * is not a value and adds no field. */
static void test_indented_record(void **state)
{
    static const char xml[] =
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n"
        "  <System>\n    <EventID>4769</EventID>\n    <Computer>DC01</Computer>\n"
        "  </System>\n  <EventData>\n    <Data Name='ServiceName'>svc_backup_legacy</Data>\n"
        "    <Data Name='TicketEncryptionType'>0x17</Data>\n  </EventData>\n"
        "  <UserData>\n    <X>\n      <Y>y</Y>\n    </X>\n  </UserData>\n</Event>\n";
    evtx_event ev;
    char err[256];
    (void)state;
    evtx_event_init(&ev);
    assert_int_equal(evtx_parse_event_xml(xml, sizeof xml - 1, &ev, err, sizeof err), 0);
    assert_int_equal(ev.event_id, 4769);
    assert_string_equal(ev.computer, "DC01");
    assert_int_equal(ev.nfields, 3);
    assert_string_equal(evtx_event_get(&ev, "ServiceName"), "svc_backup_legacy");
    assert_string_equal(evtx_event_get(&ev, "TicketEncryptionType"), "0x17");
    assert_string_equal(evtx_event_get(&ev, "Y"), "y");
    evtx_event_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_event_xml),
        cmocka_unit_test(test_whitespace_values),
        cmocka_unit_test(test_indented_record),
    };
    testutil_init();
    return testutil_run(tests);
}
