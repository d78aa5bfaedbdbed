/* test_detector.c - every event type against the decoy index: the field that names the decoy,
 * the classification, the enrichment (actor, source, Kerberos/NTLM decoding, technique,
 * severity), the name/IP/hex normalisations, spraying detection, and events that must not match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "testutil.h"

static const char inv_json[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"svc_backup_legacy\",\"domain\":\"CORP.EXAMPLE\",\"sid\":\"S-1-5-21-1-2-3-1105\","
    "\"spns\":[\"MSSQLSvc/db01.corp.example:1433\"],\"kind\":\"kerberoast\",\"memo\":\"bait\","
    "\"location\":\"OU=Svc\",\"owner\":\"soc\",\"runbook\":\"call soc\"},"
    "{\"name\":\"adm_helpdesk_old\",\"kind\":\"asrep\",\"sid\":\"S-1-5-21-1-2-3-1106\"},"
    "{\"name\":\"backup-admin-2019\",\"kind\":\"recon\",\"guid\":\"259162f1-58e4-4ee9-9b9c-2baf2a03d376\","
    "\"dn\":\"CN=backup-admin-2019,OU=Admins,DC=corp,DC=example\"}]}";

typedef struct fx {
    adseed_inventory inv;
    decoy_index *ix;
    detector *det;
    evtx_event ev;
    detection d;
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
    evtx_event_init(&f->ev);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    evtx_event_free(&f->ev);
    detector_free(f->det);
    decoy_index_free(f->ix);
    adseed_inventory_free(&f->inv);
    free(f);
    return 0;
}

/* Builds an event: id, record, time, then name/value pairs up to NULL; returns examine's result. */
static int examine(fx *f, unsigned id, uint64_t record, const char *time, ...)
{
    va_list ap;
    const char *n, *v;
    evtx_event_reset(&f->ev);
    f->ev.event_id = id;
    f->ev.record_id = record;
    assert_int_equal(evtx_event_set_time(&f->ev, time), 0);
    assert_int_equal(evtx_event_set_channel(&f->ev, "Security", (size_t)-1), 0);
    assert_int_equal(evtx_event_set_computer(&f->ev, "dc01.corp.example", (size_t)-1), 0);
    va_start(ap, time);
    while ((n = va_arg(ap, const char *))) {
        v = va_arg(ap, const char *);
        assert_int_equal(evtx_event_add_field(&f->ev, n, v, (size_t)-1), 0);
    }
    va_end(ap);
    memset(&f->d, 0x5a, sizeof f->d);
    return detector_examine(f->det, &f->ev, &f->d);
}

#define T0 "2026-11-23T10:00:00.000Z"

static void test_kerberoast_4769(void **state)
{
    fx *f = *state;
    assert_int_equal(examine(f, 4769, 77, "2026-11-23T10:00:00.1234567Z", "TargetUserName",
                             "admmig@CORP.EXAMPLE", "TargetDomainName", "CORP.EXAMPLE", "ServiceName",
                             "svc_backup_legacy", "ServiceSid", "S-1-5-21-1-2-3-1105", "TicketOptions",
                             "0x40810000", "TicketEncryptionType", "0x00000017", "IpAddress",
                             "::ffff:10.0.0.5", "IpPort", "50123", "Status", "0x00000000", NULL),
                     1);
    detection *d = &f->d;
    assert_int_equal(d->action, DETECT_KERBEROAST);
    assert_string_equal(detect_action_name(d->action), "kerberoast");
    assert_string_equal(d->decoy_name, "svc_backup_legacy");
    assert_string_equal(d->decoy_kind, "kerberoast");
    assert_string_equal(d->decoy_memo, "bait");
    assert_string_equal(d->decoy_runbook, "call soc");
    assert_string_equal(d->matched_by, "name");
    assert_string_equal(d->user_name, "admmig");
    assert_string_equal(d->user_domain, "CORP.EXAMPLE");
    assert_string_equal(d->source_ip, "10.0.0.5");
    assert_int_equal(d->source_port, 50123);
    assert_int_equal(d->ticket_enc, 0x17);
    assert_string_equal(d->ticket_enc_name, "RC4-HMAC");
    assert_int_equal(d->rc4, 1);
    assert_string_equal(d->ticket_options, "0x40810000");
    assert_int_equal(d->has_status, 1);
    assert_int_equal(d->status, 0);
    assert_string_equal(d->technique_id, "T1558.003");
    assert_string_equal(d->technique_name, "Kerberoasting");
    assert_string_equal(d->severity, "critical");
    assert_int_equal(d->event_code, 4769);
    assert_int_equal(d->record_id, 77);
    assert_string_equal(d->channel, "Security");
    assert_string_equal(d->host, "dc01.corp.example");
    assert_string_equal(d->time, "2026-11-23T10:00:00.123Z");
    assert_int_equal(d->pre_auth_type, -1);

    /* by SID only, short hex form, AES */
    assert_int_equal(examine(f, 4769, 78, T0, "TargetUserName", "bob@CORP.EXAMPLE", "ServiceName", "renamed",
                             "ServiceSid", "S-1-5-21-1-2-3-1105", "TicketEncryptionType", "0x12", "Status",
                             "0x0", "IpAddress", "::1", NULL),
                     1);
    assert_string_equal(f->d.matched_by, "sid");
    assert_string_equal(f->d.ticket_enc_name, "AES256-CTS-HMAC-SHA1-96");
    assert_int_equal(f->d.rc4, 0);
    assert_string_equal(f->d.source_ip, "::1");
    /* by SPN */
    assert_int_equal(
        examine(f, 4769, 79, T0, "ServiceName", "MSSQLSvc/DB01.corp.example:1433", "Status", "0x0", NULL), 1);
    assert_string_equal(f->d.matched_by, "spn");
    /* 0xE: the decoy lacks the RC4 the tool asked for: still an attempt */
    assert_int_equal(examine(f, 4769, 80, T0, "ServiceName", "svc_backup_legacy", "Status", "0xe", NULL), 1);
    assert_string_equal(f->d.status_meaning, "encryption type not supported by the account");
    /* failures without a ticket are noise */
    assert_int_equal(examine(f, 4769, 81, T0, "ServiceName", "svc_backup_legacy", "Status", "0x20", NULL), 0);
    assert_int_equal(examine(f, 4769, 82, T0, "ServiceName", "svc_backup_legacy", "Status", "0x00000025", NULL),
                     0);
    /* other services */
    assert_int_equal(examine(f, 4769, 83, T0, "TargetUserName", "bob@CORP", "ServiceName", "krbtgt",
                             "ServiceSid", "S-1-5-21-1-2-3-502", "Status", "0x0", NULL),
                     0);
    assert_int_equal(examine(f, 4769, 84, T0, "ServiceName", "DC01$", "Status", "0x0", NULL), 0);
    assert_int_equal(
        examine(f, 4769, 85, T0, "ServiceName", "", "ServiceSid", "S-1-0-0", "Status", "0x0", NULL), 0);
    /* the decoy itself asks for a service ticket: someone holds its TGT */
    assert_int_equal(examine(f, 4769, 86, T0, "TargetUserName", "adm_helpdesk_old@CORP.EXAMPLE",
                             "ServiceName", "cifs", "Status", "0x0", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_DECOY_LOGON);
}

static void test_4768(void **state)
{
    fx *f = *state;
    assert_int_equal(examine(f, 4768, 1, T0, "TargetUserName", "ADM_HELPDESK_OLD", "TargetSid",
                             "S-1-5-21-1-2-3-1106", "ServiceName", "krbtgt", "Status", "0x0", "PreAuthType",
                             "0", "TicketEncryptionType", "0x17", "IpAddress", "::ffff:10.1.2.3", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_ASREP_ROAST);
    assert_string_equal(f->d.technique_id, "T1558.004");
    assert_int_equal(f->d.pre_auth_type, 0);
    assert_int_equal(f->d.rc4, 1);
    assert_string_equal(f->d.source_ip, "10.1.2.3");
    assert_int_equal(examine(f, 4768, 2, T0, "TargetUserName", "adm_helpdesk_old", "Status", "0x00000000",
                             "PreAuthType", "2", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_DECOY_LOGON);
    assert_string_equal(f->d.technique_id, "T1078");
    assert_string_equal(f->d.user_name, "adm_helpdesk_old");
    /* by SID when the name was renamed */
    assert_int_equal(examine(f, 4768, 3, T0, "TargetUserName", "x", "TargetSid", "S-1-5-21-1-2-3-1106",
                             "Status", "0x0", "PreAuthType", "0", NULL),
                     1);
    assert_string_equal(f->d.matched_by, "sid");
    /* a refused TGT for the decoy (revoked / restricted) */
    assert_int_equal(examine(f, 4768, 4, T0, "TargetUserName", "svc_backup_legacy", "Status", "0x12",
                             "PreAuthType", "-", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_PASSWORD_GUESS);
    assert_int_equal(f->d.pre_auth_type, -1);
    assert_non_null(strstr(f->d.status_meaning, "revoked"));
    /* AS-REQ roasting of a decoy SPN through a no-preauth account */
    assert_int_equal(examine(f, 4768, 5, T0, "TargetUserName", "nopreauth_user", "ServiceName",
                             "MSSQLSvc/db01.corp.example:1433", "Status", "0x0", "PreAuthType", "0", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_KERBEROAST);
    assert_string_equal(f->d.user_name, "nopreauth_user");
    /* negatives */
    assert_int_equal(examine(f, 4768, 6, T0, "TargetUserName", "bob", "ServiceName", "krbtgt", "Status",
                             "0x0", "PreAuthType", "0", NULL),
                     0);
    assert_int_equal(examine(f, 4768, 7, T0, "TargetUserName", "adm_helpdesk", "Status", "0x6", NULL), 0);
}

static void test_password_guess(void **state)
{
    fx *f = *state;
    assert_int_equal(examine(f, 4771, 1, T0, "TargetUserName", "svc_backup_legacy", "TargetSid",
                             "S-1-5-21-1-2-3-1105", "ServiceName", "krbtgt/CORP.EXAMPLE", "Status", "0x18",
                             "PreAuthType", "2", "IpAddress", "::ffff:10.9.9.9", "IpPort", "0", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_PASSWORD_GUESS);
    assert_string_equal(f->d.technique_id, "T1110");
    assert_string_equal(f->d.status_meaning, "pre-authentication failed (bad password)");
    assert_string_equal(f->d.user_name, ""); /* the actor is unknown */
    assert_int_equal(f->d.source_port, 0);
    assert_string_equal(f->d.severity, "high");

    assert_int_equal(examine(f, 4776, 2, T0, "TargetUserName", "SVC_BACKUP_LEGACY", "Workstation", "KALI",
                             "Status", "0xc000006a", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_PASSWORD_GUESS);
    assert_string_equal(f->d.workstation, "KALI");
    assert_string_equal(f->d.status_meaning, "bad password");
    assert_int_equal(examine(f, 4776, 3, T0, "TargetUserName", "svc_backup_legacy", "Workstation", "KALI",
                             "Status", "0x0", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_DECOY_LOGON);

    /* 4625 from OpenSSH: UPN form; logon-hours restriction = the password was right */
    assert_int_equal(examine(f, 4625, 4, T0, "TargetUserName", "svc_backup_legacy@corp.example", "Status",
                             "0xc000006e", "SubStatus", "0xC000006F", "LogonType", "10", "IpAddress",
                             "10.0.0.7", "IpPort", "22", "WorkstationName", "-", "ProcessName",
                             "C:\\Windows\\System32\\sshd.exe", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_PASSWORD_GUESS);
    assert_int_equal(f->d.password_correct, 1);
    assert_string_equal(f->d.severity, "critical");
    assert_int_equal(f->d.sub_status, 0xc000006f);
    assert_int_equal(f->d.logon_type, 10);
    assert_string_equal(f->d.workstation, "");
    assert_string_equal(f->d.process_name, "C:\\Windows\\System32\\sshd.exe");
    assert_int_equal(examine(f, 4625, 5, T0, "TargetUserName", "CORP\\svc_backup_legacy", "Status",
                             "0xc000006d", "SubStatus", "0xc000006a", NULL),
                     1);
    assert_int_equal(f->d.password_correct, 0);
    assert_int_equal(examine(f, 4625, 6, T0, "TargetUserName", "-", "Status", "0xc000006e", NULL), 0);
    assert_int_equal(examine(f, 4771, 7, T0, "TargetUserName", "svc_backup_legac", "Status", "0x18", NULL), 0);
}

static void test_logon_recon_tampering(void **state)
{
    fx *f = *state;
    assert_int_equal(examine(f, 4624, 1, T0, "TargetUserName", "svc_backup_legacy", "TargetDomainName",
                             "CORP", "LogonType", "3", "IpAddress", "fe80::1", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_DECOY_LOGON);
    assert_int_equal(f->d.logon_type, 3);
    assert_string_equal(f->d.source_ip, "fe80::1");
    assert_string_equal(f->d.user_domain, "CORP");
    assert_int_equal(examine(f, 4624, 2, T0, "TargetUserName", "bob", "TargetSid", "S-1-5-21-1-2-3-1000", NULL),
                     0);

    assert_int_equal(examine(f, 4662, 3, T0, "SubjectUserName", "lambda-user", "SubjectDomainName", "CORP",
                             "ObjectName", "%{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}", "AccessMask", "0x00000010",
                             "Properties", "%%7684\n\t\t{bf967a68-0de6-11d0-a285-00aa003049e2}\n", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_RECON);
    assert_string_equal(f->d.user_name, "lambda-user");
    assert_string_equal(f->d.access_mask, "0x10");
    assert_string_equal(f->d.properties, "%%7684 {bf967a68-0de6-11d0-a285-00aa003049e2}");
    assert_string_equal(f->d.technique_id, "T1087.002");
    assert_string_equal(f->d.severity, "medium");
    assert_int_equal(examine(f, 4662, 4, T0, "SubjectUserName", "x", "ObjectName",
                             "CN=backup-admin-2019,OU=Admins,DC=corp,DC=example", NULL),
                     1);
    assert_string_equal(f->d.matched_by, "dn");
    assert_int_equal(examine(f, 4662, 5, T0, "ObjectName", "%{259162f1-58e4-4ee9-9b9c-2baf2a03d377}", NULL), 0);

    assert_int_equal(examine(f, 4738, 6, T0, "TargetUserName", "svc_backup_legacy", "SubjectUserName", "eve",
                             "SubjectDomainName", "CORP", "UserAccountControl", "%%2087", NULL),
                     1);
    assert_int_equal(f->d.action, DETECT_TAMPERING);
    assert_string_equal(f->d.user_name, "eve");
    assert_string_equal(f->d.properties, "UserAccountControl=%%2087");
    assert_string_equal(f->d.technique_id, "T1098");
    assert_int_equal(examine(f, 5136, 7, T0, "ObjectGUID", "{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}", "ObjectDN",
                             "x", "SubjectUserName", "eve", "AttributeLDAPDisplayName", "servicePrincipalName",
                             "AttributeValue", "HTTP/evil", "OperationType", "%%14674", NULL),
                     1);
    assert_string_equal(f->d.properties, "servicePrincipalName=HTTP/evil");
    assert_string_equal(f->d.operation, "value added");
    assert_int_equal(examine(f, 5136, 8, T0, "ObjectGUID", "{00000000-0000-0000-0000-000000000000}",
                             "ObjectDN", "cn=BACKUP-ADMIN-2019,ou=admins,dc=corp,dc=example", NULL),
                     1);
    assert_string_equal(f->d.matched_by, "dn");
    /* events the detector does not handle */
    assert_int_equal(examine(f, 4672, 9, T0, "SubjectUserName", "svc_backup_legacy", NULL), 0);
}

static void test_spray(void **state)
{
    fx *f = *state;
    char user[32], when[40];
    for (int i = 0; i < 25; i++) {
        snprintf(user, sizeof user, "user%02d", i);
        snprintf(when, sizeof when, "2026-11-23T10:00:%02d.000Z", i);
        assert_int_equal(examine(f, 4771, (uint64_t)i, when, "TargetUserName", user, "Status", "0x18",
                                 "IpAddress", "::ffff:10.6.6.6", NULL),
                         0);
    }
    assert_int_equal(examine(f, 4771, 100, "2026-11-23T10:00:30.000Z", "TargetUserName", "svc_backup_legacy",
                             "Status", "0x18", "IpAddress", "10.6.6.6", NULL),
                     1);
    assert_int_equal(f->d.spray, 1);
    assert_true(f->d.spray_accounts >= 20);
    assert_string_equal(f->d.technique_id, "T1110.003");
    assert_string_equal(f->d.technique_name, "Password Spraying");
    /* another source: not spraying */
    assert_int_equal(examine(f, 4771, 101, "2026-11-23T10:00:31.000Z", "TargetUserName", "svc_backup_legacy",
                             "Status", "0x18", "IpAddress", "10.7.7.7", NULL),
                     1);
    assert_int_equal(f->d.spray, 0);
    /* same source, after the 60 s window: the old accounts are forgotten */
    assert_int_equal(examine(f, 4771, 102, "2026-11-23T10:05:00.000Z", "TargetUserName", "svc_backup_legacy",
                             "Status", "0x18", "IpAddress", "10.6.6.6", NULL),
                     1);
    assert_int_equal(f->d.spray, 0);
    assert_string_equal(f->d.technique_id, "T1110");
    /* many sources do not grow memory without bound (the tracker evicts) */
    for (int i = 0; i < 2000; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "10.8.%d.%d", i / 250, i % 250);
        examine(f, 4771, 200 + (uint64_t)i, "2026-11-23T10:06:00.000Z", "TargetUserName", "x", "Status",
                "0x18", "IpAddress", ip, NULL);
    }
}

static void test_decoders(void **state)
{
    (void)state;
    uint32_t v;
    char ip[48];
    assert_int_equal(detect_parse_hex("0x00000017", &v), 0);
    assert_int_equal(v, 0x17);
    assert_int_equal(detect_parse_hex("0X17", &v), 0);
    assert_int_equal(v, 0x17);
    assert_int_equal(detect_parse_hex("23", &v), 0);
    assert_int_equal(v, 23);
    assert_int_equal(detect_parse_hex("0xffffffff", &v), 0);
    assert_int_equal(v, 0xffffffffu);
    assert_int_equal(detect_parse_hex("0x100000000", &v), -1);
    assert_int_equal(detect_parse_hex("0x", &v), -1);
    assert_int_equal(detect_parse_hex("-", &v), -1);
    assert_int_equal(detect_parse_hex("0x17z", &v), -1);
    assert_int_equal(detect_parse_hex(NULL, &v), -1);
    assert_string_equal(detect_ticket_enc_name(0x11), "AES128-CTS-HMAC-SHA1-96");
    assert_string_equal(detect_ticket_enc_name(0x3), "DES-CBC-MD5");
    assert_string_equal(detect_ticket_enc_name(0xffffffffu), "none (request failed)");
    assert_string_equal(detect_ticket_enc_name(0x99), "unknown");
    assert_string_equal(detect_kerberos_status_meaning(0x25), "clock skew too great");
    assert_string_equal(detect_ntstatus_meaning(0xc0000064u), "no such user");
    assert_string_equal(detect_normalise_ip("::ffff:10.0.0.5", ip, sizeof ip), "10.0.0.5");
    assert_string_equal(detect_normalise_ip("::FFFF:10.0.0.5", ip, sizeof ip), "10.0.0.5");
    assert_string_equal(detect_normalise_ip("10.0.0.5", ip, sizeof ip), "10.0.0.5");
    assert_string_equal(detect_normalise_ip("::1", ip, sizeof ip), "::1");
    assert_string_equal(detect_normalise_ip("FE80::1CAE:5aa4%12", ip, sizeof ip), "fe80::1cae:5aa4%12");
    assert_string_equal(detect_normalise_ip("[2001:db8::1]", ip, sizeof ip), "2001:db8::1");
    assert_string_equal(detect_normalise_ip("-", ip, sizeof ip), "");
    assert_string_equal(detect_normalise_ip("", ip, sizeof ip), "");
    assert_string_equal(detect_normalise_ip(NULL, ip, sizeof ip), "");
    assert_string_equal(detect_normalise_ip("10.0.0.5\"; rm", ip, sizeof ip), "");
}

static void test_hostile_values(void **state)
{
    fx *f = *state;
    char *big = malloc(70000);
    memset(big, 'A', 69999);
    big[69999] = '\0';
    memcpy(big, "\xc3\xa9", 2); /* a multi-byte character at the start */
    assert_int_equal(examine(f, 4769, 1, T0, "TargetUserName", big, "ServiceName", "svc_backup_legacy",
                             "Status", "0x0", "TicketOptions", big, "IpAddress", big, "IpPort", "99999", NULL),
                     1);
    assert_true(strlen(f->d.user_name) < DET_NAME);
    assert_int_equal(f->d.source_ip[0], '\0');
    assert_int_equal(f->d.source_port, 0);
    assert_string_equal(f->d.ticket_options, "");
    /* a name cut in the middle of a two-byte character is cut before it */
    memset(big, 'a', 69999);
    for (int i = 250; i < 270; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    big[257] = '\xc3';
    assert_int_equal(examine(f, 4662, 2, T0, "SubjectUserName", big + 1, "ObjectName",
                             "%{259162f1-58e4-4ee9-9b9c-2baf2a03d376}", NULL),
                     1);
    size_t n = strlen(f->d.user_name);
    assert_int_equal(evtx_utf8_valid_prefix(f->d.user_name, n), n);
    free(big);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kerberoast_4769, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4768, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_guess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logon_recon_tampering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spray, setup, teardown),
        cmocka_unit_test(test_decoders),
        cmocka_unit_test_setup_teardown(test_hostile_values, setup, teardown),
    };
    return testutil_run(tests);
}
