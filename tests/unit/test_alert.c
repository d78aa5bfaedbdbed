/* test_alert.c - the alert document: schema fields present and typed, summary sentences, the
 * stable id, and hostile values (quotes, newlines, "<!channel>", a 64 KB value, invalid UTF-8)
 * that must come out as valid JSON that jansson parses back to the (repaired) text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svc/detect/alert.h"
#include "testutil.h"

static void kerberoast(alert *a)
{
    detection d;
    memset(&d, 0, sizeof d);
    d.action = DETECT_KERBEROAST;
    strcpy(d.severity, "critical");
    d.severity_score = 90;
    strcpy(d.technique_id, "T1558.003");
    strcpy(d.technique_name, "Kerberoasting");
    strcpy(d.decoy_name, "Svc-SQL-DB01");
    strcpy(d.decoy_kind, "kerberoast");
    strcpy(d.decoy_memo, "bait");
    strcpy(d.decoy_runbook, "https://wiki/runbook");
    strcpy(d.user_name, "admmig");
    strcpy(d.user_domain, "OFFSEC.LAN");
    strcpy(d.source_ip, "10.23.23.9");
    d.source_port = 55180;
    d.has_ticket_enc = 1;
    d.ticket_enc = 0x17;
    strcpy(d.ticket_enc_name, "RC4-HMAC");
    d.rc4 = 1;
    strcpy(d.ticket_options, "0x40810000");
    d.has_status = 1;
    strcpy(d.status_meaning, "success");
    d.pre_auth_type = d.logon_type = -1;
    d.event_code = 4769;
    d.record_id = 24476805;
    d.time_ms = 1596367986523;
    strcpy(d.time, "2020-08-02T11:33:06.523Z");
    strcpy(d.channel, "Security");
    strcpy(d.host, "rootdc1.offsec.lan");
    alert_from_detection(a, &d);
}

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("invalid JSON: %s: %.200s", e.text, s);
    return j;
}

static const char *sget(json_t *root, const char *path)
{
    char buf[256], *save = NULL, *tok;
    json_t *j = root;
    snprintf(buf, sizeof buf, "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save))
        j = json_object_get(j, tok);
    return json_string_value(j);
}

static void test_schema(void **state)
{
    (void)state;
    alert *a = calloc(1, sizeof *a);
    kerberoast(a);
    char *s = alert_to_json(a);
    assert_non_null(s);
    assert_null(strchr(s, '\n')); /* compact: one line */
    json_t *j = parse(s);
    assert_int_equal(strlen(sget(j, "id")), 32);
    assert_string_equal(sget(j, "@timestamp"), "2020-08-02T11:33:06.523Z");
    assert_string_equal(sget(j, "action"), "kerberoast");
    assert_string_equal(sget(j, "summary"), "Kerberoasting: admmig@OFFSEC.LAN requested an RC4-HMAC service ticket "
                                            "for decoy Svc-SQL-DB01 from 10.23.23.9");
    assert_string_equal(sget(j, "severity"), "critical");
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 1);
    assert_string_equal(sget(j, "first_seen"), "2020-08-02T11:33:06.523Z");
    assert_string_equal(sget(j, "decoy.name"), "Svc-SQL-DB01");
    assert_string_equal(sget(j, "decoy.kind"), "kerberoast");
    assert_string_equal(sget(j, "decoy.runbook"), "https://wiki/runbook");
    assert_string_equal(sget(j, "source.ip"), "10.23.23.9");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "source"), "port")), 55180);
    assert_string_equal(sget(j, "user.name"), "admmig");
    assert_string_equal(sget(j, "user.domain"), "OFFSEC.LAN");
    assert_string_equal(sget(j, "host.name"), "rootdc1.offsec.lan");
    assert_string_equal(sget(j, "event.code"), "4769");
    assert_string_equal(sget(j, "event.kind"), "alert");
    assert_string_equal(sget(j, "event.dataset"), "addecoy.alert");
    assert_string_equal(sget(j, "event.channel"), "Security");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "event"), "record_id")), 24476805);
    assert_string_equal(sget(j, "kerberos.ticket_encryption.name"), "RC4-HMAC");
    assert_string_equal(sget(j, "kerberos.ticket_encryption.code"), "0x17");
    assert_true(json_is_true(
        json_object_get(json_object_get(json_object_get(j, "kerberos"), "ticket_encryption"), "rc4")));
    assert_string_equal(sget(j, "kerberos.ticket_options"), "0x40810000");
    assert_string_equal(sget(j, "kerberos.status.code"), "0x0");
    assert_null(json_object_get(json_object_get(j, "kerberos"), "pre_auth_type"));
    assert_string_equal(sget(j, "threat.framework"), "MITRE ATT&CK");
    assert_string_equal(sget(j, "threat.technique.id"), "T1558.003");
    assert_string_equal(sget(j, "d3fend.id"), "D3-DUC");
    assert_string_equal(sget(j, "observer.product"), "ADDecoy");
    assert_null(json_object_get(j, "logon"));
    json_decref(j);
    free(s);
    free(a);
}

static void test_id_stable_and_distinct(void **state)
{
    (void)state;
    alert *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char x[33], y[33];
    kerberoast(a);
    kerberoast(b);
    alert_id(a, x);
    alert_id(b, y);
    assert_string_equal(x, y);
    b->seq = 1;
    alert_id(b, y);
    assert_string_not_equal(x, y);
    b->seq = 0;
    b->det.record_id++;
    alert_id(b, y);
    assert_string_not_equal(x, y);
    kerberoast(b);
    strcpy(b->det.host, "rootdc2.offsec.lan");
    alert_id(b, y);
    assert_string_not_equal(x, y);
    kerberoast(b);
    b->det.action = DETECT_PASSWORD_GUESS;
    alert_id(b, y);
    assert_string_not_equal(x, y);
    free(a);
    free(b);
}

static void test_summaries(void **state)
{
    (void)state;
    alert *a = calloc(1, sizeof *a);
    char s[2048];
    kerberoast(a);
    a->det.action = DETECT_PASSWORD_GUESS;
    a->det.event_code = 4625;
    a->det.password_correct = 1;
    a->det.has_sub_status = 1;
    strcpy(a->det.sub_status_meaning, "outside the allowed logon hours (the password was correct)");
    a->count = 5;
    alert_summary(a, s, sizeof s);
    assert_non_null(strstr(s, "Password guessing: failed logon as decoy Svc-SQL-DB01 from 10.23.23.9"));
    assert_non_null(strstr(s, "the password was correct"));
    assert_non_null(strstr(s, "(5 events)"));
    a->det.spray = 1;
    a->det.spray_accounts = 25;
    alert_summary(a, s, sizeof s);
    assert_non_null(strstr(s, "Password spraying (spraying: the source tried 25 accounts within 60 s)"));
    a->det.action = DETECT_RECON;
    strcpy(a->det.access_mask, "0x10");
    a->count = 1;
    alert_summary(a, s, sizeof s);
    assert_string_equal(s, "Reconnaissance: admmig@OFFSEC.LAN read decoy Svc-SQL-DB01 (access mask 0x10) on "
                           "rootdc1.offsec.lan");
    a->det.source_ip[0] = '\0';
    a->det.action = DETECT_DECOY_LOGON;
    a->det.event_code = 4624;
    a->det.logon_type = 3;
    alert_summary(a, s, sizeof s);
    assert_string_equal(s, "Decoy logon: someone who knows its password logged on as decoy Svc-SQL-DB01 "
                           "(logon type 3) from an unknown source");
    /* tiny buffers are still terminated */
    alert_summary(a, s, 8);
    assert_int_equal(strlen(s), 7);
    free(a);
}

static void test_hostile(void **state)
{
    (void)state;
    alert *a = calloc(1, sizeof *a);
    char *big = malloc(64 * 1024 + 1), *s;
    json_t *j;
    kerberoast(a);
    strcpy(a->det.user_name, "evil\"\n\r\t\\ <!channel> <@U123> `rm -rf` \x01\x7f");
    strcpy(a->det.decoy_memo, "bad \xff\xfe utf8 \xc3 end \xed\xa0\x80 surrogate");
    strcpy(a->det.user_domain, "\xe2\x82"); /* truncated sequence */
    memset(big, 'x', 64 * 1024);
    big[64 * 1024] = '\0';
    snprintf(a->det.decoy_runbook, sizeof a->det.decoy_runbook, "%s", big); /* truncated to the field */
    s = alert_to_json(a);
    assert_non_null(s);
    assert_null(strchr(s, '\n'));
    assert_null(strchr(s, '\r'));
    j = parse(s);
    assert_string_equal(sget(j, "user.name"), "evil\"\n\r\t\\ <!channel> <@U123> `rm -rf` \x01\x7f");
    assert_string_equal(
        sget(j, "decoy.memo"),
        "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
    assert_string_equal(sget(j, "user.domain"), "\xef\xbf\xbd");
    assert_int_equal(strlen(sget(j, "decoy.runbook")), DET_TEXT - 1);
    assert_non_null(strstr(sget(j, "summary"), "evil\"\n"));
    json_decref(j);
    free(s);
    /* a 64 KB value straight through the summary path (properties are bounded too) */
    memset(a->det.properties, 'p', sizeof a->det.properties - 1);
    a->det.properties[sizeof a->det.properties - 1] = '\0';
    a->det.action = DETECT_TAMPERING;
    a->det.event_code = 5136;
    s = alert_to_json(a);
    assert_non_null(s);
    j = parse(s);
    assert_string_equal(sget(j, "action"), "tampering");
    assert_int_equal(strlen(sget(j, "directory.properties")), sizeof a->det.properties - 1);
    json_decref(j);
    free(s);
    free(big);
    free(a);
}

static void test_followup_fields(void **state)
{
    (void)state;
    alert *a = calloc(1, sizeof *a);
    kerberoast(a);
    a->count = 53;
    a->followup = 1;
    a->seq = 2;
    a->first_seen_ms = 1596367986000;
    a->last_seen_ms = 1596368086000;
    a->suppressed = 1;
    char *s = alert_to_json(a);
    json_t *j = parse(s);
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 53);
    assert_true(json_is_true(json_object_get(j, "followup")));
    assert_true(json_is_true(json_object_get(j, "suppressed")));
    assert_int_equal(json_integer_value(json_object_get(j, "sequence")), 2);
    assert_string_equal(sget(j, "first_seen"), "2020-08-02T11:33:06.000Z");
    assert_string_equal(sget(j, "last_seen"), "2020-08-02T11:34:46.000Z");
    assert_string_equal(sget(j, "@timestamp"), "2020-08-02T11:34:46.000Z");
    json_decref(j);
    free(s);
    free(a);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),          cmocka_unit_test(test_id_stable_and_distinct),
        cmocka_unit_test(test_summaries),       cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_followup_fields),
    };
    return testutil_run(tests);
}
