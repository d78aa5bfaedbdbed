/* test_detect_tamper.c - tampering seen in the log itself: rendered Windows events
 * (tests/fixtures/events/tamper.xml, written field by field from Microsoft's event documentation
 * and the corpus' real 4723/4724/4728/4732/4781/4907/1102) and the Samba directory audits captured
 * from the test DC (tests/fixtures/samba/dsdb-audit.json, auth-ntlm.json) through the real parsers
 * and the detector; the alert document of an alert that concerns no decoy; the event-ID table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adseed/adseed.h"
#include "evtx/eventlog.h"
#include "evtx/evtx.h"
#include "svc/detect/alert.h"
#include "svc/detect/audit_subcategories.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "svc/detect/event_ids.h"
#include "testutil.h"

static const char inv_json[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"svc_backup_legacy\",\"domain\":\"CORP.EXAMPLE\","
    "\"sid\":\"S-1-5-21-1004336348-1177238915-682003330-4105\","
    "\"dn\":\"CN=svc_backup_legacy,OU=Service Accounts,DC=corp,DC=example\","
    "\"spns\":[\"MSSQLSvc/db01.corp.example:1433\"],\"kind\":\"kerberoast\",\"memo\":\"bait\"},"
    "{\"name\":\"svc_tamper_decoy\",\"kind\":\"plain\",\"dn\":\"CN=svc_tamper_decoy,CN=Users,DC=decoy,DC=test\"},"
    "{\"name\":\"svc_tamper_decoy2\",\"kind\":\"plain\"}]}";

#define MAX_DET 64

typedef struct fx {
    adseed_inventory inv;
    decoy_index *ix;
    detector *det;
    detection d[MAX_DET];
    uint64_t rec[MAX_DET]; /* the record (or line number) each detection came from */
    size_t n;
    uint64_t line;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    char err[256];
    adseed_inventory_init(&f->inv);
    if (adseed_inventory_parse(&f->inv, inv_json, strlen(inv_json), "t", err, sizeof err) != 0)
        return -1;
    f->ix = decoy_index_build(&f->inv, err, sizeof err);
    f->det = detector_new(f->ix);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    detector_free(f->det);
    decoy_index_free(f->ix);
    adseed_inventory_free(&f->inv);
    free(f);
    return 0;
}

static int on_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    fx *f = ctx;
    (void)end;
    assert_true(f->n < MAX_DET);
    if (detector_examine(f->det, ev, &f->d[f->n]))
        f->rec[f->n++] = ev->record_id ? ev->record_id : f->line;
    return 0;
}

static const detection *by_record(fx *f, uint64_t rec)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->rec[i] == rec)
            return &f->d[i];
    return NULL;
}

static void read_windows(fx *f)
{
    char path[4096], err[256];
    evtx_xml_opts o = {on_event, NULL, f, NULL, 0, NULL, NULL, 0};
    evtx_stream_stats st;
    testutil_fixture(path, sizeof path, "events/tamper.xml");
    assert_int_equal(evtx_xml_read_file(path, &o, &st, err, sizeof err), 0);
    assert_int_equal(st.delivered, 16);
    assert_int_equal(st.malformed + st.truncated + st.oversized, 0);
}

static void test_log_cleared(void **state)
{
    fx *f = *state;
    const detection *d;
    read_windows(f);
    d = by_record(f, 2001);
    assert_non_null(d);
    assert_int_equal(d->action, DETECT_LOG_CLEARED);
    assert_string_equal(detect_action_name(d->action), "log_cleared");
    assert_string_equal(d->decoy_name, "");
    assert_string_equal(d->object, "Security");
    assert_string_equal(d->user_name, "mallory");
    assert_string_equal(d->user_domain, "CORP");
    assert_string_equal(d->user_sid, "S-1-5-21-1004336348-1177238915-682003330-1120");
    assert_string_equal(d->host, "dc01.corp.example");
    assert_string_equal(d->technique_id, "T1070.001");
    assert_string_equal(d->severity, "critical");
    d = by_record(f, 2002);
    assert_non_null(d);
    assert_int_equal(d->action, DETECT_LOG_CLEARED);
    assert_string_equal(d->object, "System");
    assert_string_equal(d->channel, "System");
    assert_string_equal(d->user_name, "mallory");
    assert_null(by_record(f, 2016)); /* a 104 of another provider */
}

static void test_audit_policy(void **state)
{
    fx *f = *state;
    const detection *d;
    read_windows(f);
    d = by_record(f, 2003);
    assert_non_null(d);
    assert_int_equal(d->action, DETECT_AUDIT_POLICY_CHANGED);
    assert_string_equal(d->object, "Kerberos Service Ticket Operations");
    assert_string_equal(d->object_id, "{0CCE9240-69AE-11D9-BED3-505054503030}");
    assert_non_null(strstr(d->properties, "success and failure removed"));
    assert_non_null(strstr(d->properties, "Kerberoasting"));
    assert_string_equal(d->remedy, "auditpol /set /subcategory:\"{0CCE9240-69AE-11D9-BED3-505054503030}\" "
                                   "/success:enable /failure:enable");
    assert_string_equal(d->technique_id, "T1562.002");
    assert_string_equal(d->severity, "critical");
    assert_null(by_record(f, 2004)); /* success added */
    assert_null(by_record(f, 2005)); /* File System: not one the detections need */
}

static void expect_decoy(fx *f, uint64_t rec, detect_action a, const char *by, const char *field)
{
    const detection *d = by_record(f, rec);
    if (!d)
        fail_msg("record %llu: no detection", (unsigned long long)rec);
    if (d->action != a)
        fail_msg("record %llu: %s, want %s", (unsigned long long)rec, detect_action_name(d->action),
                 detect_action_name(a));
    assert_string_equal(d->decoy_name, "svc_backup_legacy");
    assert_string_equal(d->matched_by, by);
    assert_string_equal(d->matched_field, field);
}

static void test_decoy_changes(void **state)
{
    fx *f = *state;
    const detection *d;
    read_windows(f);
    expect_decoy(f, 2006, DETECT_DECOY_DISABLED, "sid", "TargetSid");
    expect_decoy(f, 2007, DETECT_DECOY_DELETED, "sid", "TargetSid");
    expect_decoy(f, 2008, DETECT_DECOY_PASSWORD_RESET, "sid", "TargetSid");
    expect_decoy(f, 2009, DETECT_DECOY_PASSWORD_CHANGED, "sid", "TargetSid");
    expect_decoy(f, 2010, DETECT_DECOY_RENAMED, "sid", "TargetSid");
    expect_decoy(f, 2011, DETECT_DECOY_GROUP_ADDED, "sid", "MemberSid");
    expect_decoy(f, 2013, DETECT_DECOY_GROUP_ADDED, "dn", "MemberName");
    expect_decoy(f, 2014, DETECT_DECOY_SACL_CHANGED, "dn", "ObjectName");
    assert_null(by_record(f, 2012)); /* someone else added to a group */
    assert_null(by_record(f, 2015)); /* someone else disabled */
    assert_int_equal(f->n, 11);

    d = by_record(f, 2006);
    assert_string_equal(d->user_name, "mallory");
    assert_string_equal(d->technique_id, "T1531");
    assert_string_equal(d->severity, "high");
    d = by_record(f, 2009);
    assert_string_equal(d->user_name, "svc_backup_legacy"); /* the decoy itself: its password is known */
    assert_string_equal(d->severity, "critical");
    d = by_record(f, 2010);
    assert_string_equal(d->object, "svc_backup_old");
    assert_string_equal(d->properties, "svc_backup_legacy -> svc_backup_old");
    d = by_record(f, 2011);
    assert_string_equal(d->object, "Domain Admins");
    assert_string_equal(d->object_id, "S-1-5-21-1004336348-1177238915-682003330-512");
    assert_string_equal(d->technique_id, "T1098.007");
    d = by_record(f, 2014);
    assert_non_null(strstr(d->properties, "audit ACEs 2 -> 1 (tripwire auditing removed)"));
    assert_string_equal(d->severity, "high");
    assert_string_equal(d->technique_id, "T1562.002");
}

/* The alert document of an alert about the DC itself: no decoy, no D3FEND decoy credential; the
 * host, the actor with SID, the object and the fix. */
static void test_non_decoy_alert_json(void **state)
{
    fx *f = *state;
    alert a;
    char *js;
    json_t *r;
    json_error_t e;
    read_windows(f);
    alert_from_detection(&a, by_record(f, 2003));
    js = alert_to_json(&a);
    assert_non_null(js);
    r = json_loads(js, 0, &e);
    assert_non_null(r);
    assert_null(json_object_get(r, "decoy"));
    assert_null(json_object_get(r, "d3fend"));
    assert_string_equal(json_string_value(json_object_get(r, "action")), "audit_policy_changed");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "host"), "name")),
                        "dc01.corp.example");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "user"), "name")), "mallory");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "user"), "id")),
                        "S-1-5-21-1004336348-1177238915-682003330-1120");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "object"), "name")),
                        "Kerberos Service Ticket Operations");
    assert_non_null(strstr(json_string_value(json_object_get(r, "remedy")), "auditpol /set"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "event"), "category")),
                        "configuration");
    assert_non_null(strstr(json_string_value(json_object_get(r, "summary")), "Restore it: auditpol /set"));
    json_decref(r);
    free(js);

    alert_from_detection(&a, by_record(f, 2011)); /* a decoy alert keeps its decoy and D3FEND */
    js = alert_to_json(&a);
    r = json_loads(js, 0, &e);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "decoy"), "name")),
                        "svc_backup_legacy");
    assert_non_null(json_object_get(r, "d3fend"));
    assert_non_null(strstr(json_string_value(json_object_get(r, "summary")), "to Domain Admins"));
    json_decref(r);
    free(js);
}

/* Feeds a captured Samba log through the Samba parser and the detector, line by line. */
static void read_samba(fx *f, const char *name)
{
    char path[4096], err[256];
    size_t len;
    char *text, *line, *next;
    evtx_samba *p = evtx_samba_new("dc1.decoy.test", NULL, NULL);
    evtx_event ev;
    testutil_fixture(path, sizeof path, name);
    text = testutil_slurp(path, &len);
    assert_non_null(text);
    evtx_event_init(&ev);
    f->line = 0;
    for (line = text; *line; line = next) {
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        f->line++;
        int rc = evtx_samba_line(p, line, (size_t)(next - line - (next[-1] == '\n')), &ev, err, sizeof err);
        if (rc < 0)
            fail_msg("%s:%llu: %s", name, (unsigned long long)f->line, err);
        if (rc == 1)
            on_event(f, &ev, 0);
    }
    evtx_event_free(&ev);
    evtx_samba_free(p);
    free(text);
}

static void expect_line(fx *f, uint64_t line, detect_action a, unsigned code)
{
    const detection *d = by_record(f, line);
    if (!d)
        fail_msg("line %llu: no detection", (unsigned long long)line);
    if (d->action != a || d->event_code != code)
        fail_msg("line %llu: %s (%u), want %s (%u)", (unsigned long long)line, detect_action_name(d->action),
                 d->event_code, detect_action_name(a), code);
    assert_string_equal(d->decoy_name, "svc_tamper_decoy");
    assert_string_equal(d->user_sid, "S-1-5-21-2480836505-548621531-1963422260-500");
    assert_string_equal(d->host, "dc1.decoy.test");
}

/* dsdb-audit.json: the decoy created (lines 3-7), enabled (8), its description changed (9), password
 * reset (10-11), added to Backup Operators (12-13), disabled (14), SACL replaced (15), renamed (16),
 * removed from the group and deleted under its new name (17-18). */
static void test_samba_dsdb(void **state)
{
    fx *f = *state;
    const detection *d;
    read_samba(f, "samba/dsdb-audit.json");
    expect_line(f, 7, DETECT_DECOY_PASSWORD_RESET, 4724); /* the reset at creation */
    expect_line(f, 8, DETECT_TAMPERING, 5136);            /* userAccountControl 546 -> 512: enabled */
    expect_line(f, 9, DETECT_TAMPERING, 5136);
    expect_line(f, 11, DETECT_DECOY_PASSWORD_RESET, 4724);
    expect_line(f, 12, DETECT_DECOY_GROUP_ADDED, 4732);
    expect_line(f, 14, DETECT_DECOY_DISABLED, 4725);
    expect_line(f, 15, DETECT_DECOY_SACL_CHANGED, 4907);
    expect_line(f, 16, DETECT_DECOY_RENAMED, 4781);
    /* nothing else: the Administrator's logon bookkeeping (1-2), the creation lines (3-6), the
       dsdbChange of the password (10) and of the group's member attribute (13), the removal (17) */
    /* deleted under its new name: the DN is not the inventory's, the RDN value names the decoy */
    d = by_record(f, 18);
    assert_non_null(d);
    assert_int_equal(d->action, DETECT_DECOY_DELETED);
    assert_string_equal(d->decoy_name, "svc_tamper_decoy2");
    assert_string_equal(d->matched_by, "name");
    assert_int_equal(f->n, 9);
    d = by_record(f, 9);
    assert_string_equal(d->properties, "description=changed by the intruder");
    assert_string_equal(d->source_ip, "127.0.0.1");
    assert_string_equal(d->matched_by, "dn");
    d = by_record(f, 12);
    assert_string_equal(d->object, "Backup Operators");
    d = by_record(f, 16);
    assert_string_equal(d->object, "svc_tamper_decoy2");
    d = by_record(f, 15);
    assert_string_equal(d->properties, "security descriptor replaced (the log does not say which part)");
}

/* auth-ntlm.json: samba-tool's NTLMSSP binds are 4776 (the DC validating NTLM credentials); the
 * wrong password for svc_tamper_decoy2 is a password guess, the Kerberos and simple binds unchanged. */
static void test_samba_ntlm(void **state)
{
    fx *f = *state;
    const detection *d;
    read_samba(f, "samba/auth-ntlm.json");
    assert_int_equal(f->n, 1);
    d = by_record(f, 10);
    assert_non_null(d);
    assert_int_equal(d->action, DETECT_PASSWORD_GUESS);
    assert_int_equal(d->event_code, 4776);
    assert_string_equal(d->decoy_name, "svc_tamper_decoy2");
    assert_string_equal(d->workstation, "VM");
    assert_int_equal(d->status, 0xC000006A);
    assert_string_equal(d->technique_id, "T1110");
}

/* Hostile or odd directory audit lines: an error or nothing, never a crash (run under ASan). */
static void test_samba_dsdb_hostile(void **state)
{
    static const char *const lines[] = {
        "{\"type\":\"dsdbChange\",\"dsdbChange\":5}",
        "{\"type\":\"dsdbChange\",\"dsdbChange\":{\"statusCode\":0,\"operation\":\"Modify\",\"dn\":\"CN=a\","
        "\"attributes\":[1,2]}}",
        "{\"type\":\"dsdbChange\",\"dsdbChange\":{\"statusCode\":0,\"operation\":\"Modify\",\"dn\":\"CN=a\","
        "\"attributes\":{\"userAccountControl\":{\"actions\":[{\"action\":\"replace\",\"values\":[{\"value\":7}]}]},"
        "\"description\":{\"actions\":\"x\"}}}}",
        "{\"type\":\"dsdbChange\",\"dsdbChange\":{\"statusCode\":0,\"operation\":\"Modify\",\"dn\":\"CN=a\","
        "\"attributes\":{\"sAMAccountName\":{\"actions\":[{\"action\":\"replace\",\"values\":[]}]}}}}",
        "{\"type\":\"dsdbChange\",\"dsdbChange\":{\"statusCode\":0,\"operation\":\"Delete\",\"dn\":\"CN=\\\\\"}}",
        "{\"type\":\"dsdbChange\",\"dsdbChange\":{\"statusCode\":0,\"operation\":\"Delete\",\"dn\":\"no equals\","
        "\"remoteAddress\":\"ipv6:[::1\",\"userSid\":7}}",
        "{\"type\":\"groupChange\",\"groupChange\":{\"statusCode\":0,\"action\":\"Added\",\"group\":\"CN=g\\\\\","
        "\"user\":\"CN=svc_tamper_decoy,CN=Users,DC=decoy,DC=test\",\"eventId\":99999999999}}",
        "{\"type\":\"passwordChange\",\"passwordChange\":{\"statusCode\":0,\"action\":\"Reset\"}}",
        "{\"type\":\"passwordChange\",\"passwordChange\":{\"statusCode\":5,\"action\":\"Reset\",\"dn\":\"CN=a\"}}",
        "{\"type\":\"passwordChange\",\"passwordChange\":{\"statusCode\":0,\"action\":\"Bogus\",\"dn\":\"CN=a\"}}",
    };
    fx *f = *state;
    evtx_samba *p = evtx_samba_new("dc", NULL, NULL);
    evtx_event ev;
    char err[256];
    int mapped = 0;
    evtx_event_init(&ev);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        int rc = evtx_samba_line(p, lines[i], strlen(lines[i]), &ev, err, sizeof err);
        assert_true(rc >= -1 && rc <= 1);
        if (rc == 1) {
            mapped++;
            detector_examine(f->det, &ev, &f->d[0]);
        }
    }
    /* the disable (7 has bit 2), the rename without a value, the two deletes, the group add */
    assert_int_equal(mapped, 5);
    evtx_event_free(&ev);
    evtx_samba_free(p);
}

static void test_event_id_table(void **state)
{
    size_t n, k;
    const detect_event_id *t = detect_event_ids(&n);
    unsigned ids[64];
    char xpath[1024];
    (void)state;
    for (size_t i = 1; i < n; i++)
        assert_true(t[i - 1].id < t[i].id); /* ascending: detect_event_id_find bisects */
    for (size_t i = 0; i < n; i++)
        assert_ptr_equal(detect_event_id_find(t[i].id), &t[i]);
    assert_null(detect_event_id_find(4688));
    assert_int_equal(detect_event_id_find(4769)->family, DETECT_FAMILY_DECOY);
    assert_int_equal(detect_event_id_find(4725)->family, DETECT_FAMILY_TAMPER);
    k = detect_event_ids_for_channel("System", ids, 64);
    assert_int_equal(k, 1);
    assert_int_equal(ids[0], 104);
    assert_int_equal(evtx_eventlog_xpath(ids, k, xpath, sizeof xpath), 0);
    assert_string_equal(xpath, "*[System[(EventID=104)]]");
    k = detect_event_ids_for_channel("Security", ids, 64);
    assert_int_equal(k, n - 1);
    assert_true(k <= EVTX_EVENTLOG_XPATH_IDS); /* the Security XPath still names each ID */
    assert_int_equal(evtx_eventlog_xpath(ids, k, xpath, sizeof xpath), 0);
    assert_non_null(strstr(xpath, "EventID=1102 or "));
    assert_non_null(strstr(xpath, "EventID=4769"));
    assert_int_equal(detect_event_ids_for_channel("ForwardedEvents", ids, 64), n);
    assert_int_equal(detect_event_ids_for_channel("ForwardedEvents", ids, 3), 3);
}

static void test_subcategories(void **state)
{
    size_t n;
    const audit_subcategory *s = audit_subcategories(&n);
    (void)state;
    assert_int_equal(n, 9);
    assert_ptr_equal(audit_subcategory_find("0cce9240-69ae-11d9-bed3-505054503030"), &s[0]);
    assert_ptr_equal(audit_subcategory_find("{0CCE9240-69AE-11D9-BED3-505054503030}"), &s[0]);
    assert_null(audit_subcategory_find("{0CCE921D-69AE-11D9-BED3-505054503030}"));
    assert_null(audit_subcategory_find("{0CCE9240"));
    assert_null(audit_subcategory_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decoy_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_decoy_alert_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samba_dsdb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samba_ntlm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samba_dsdb_hostile, setup, teardown),
        cmocka_unit_test(test_event_id_table),
        cmocka_unit_test(test_subcategories),
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
