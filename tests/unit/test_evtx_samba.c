/* Tests of the Samba AD DC log parser (evtx/samba*.c) over logs captured from a real Samba 4.17
 * AD DC (tests/fixtures/samba/, see its README.md), plus pairing, orphan and hostile lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "evtx/evtx.h"
#include "adseed/adseed.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "testutil.h"

#define MAX_EVENTS 64

typedef struct collected {
    evtx_event ev[MAX_EVENTS];
    size_t n;
    size_t errors;
    char last_err[256];
} collected;

static const char *resolve(void *ctx, const char *spn)
{
    int *calls = ctx;
    if (calls)
        (*calls)++;
    return strcmp(spn, "MSSQLSvc/decoy.decoy.test:1433") == 0 ? "svc_backup_legacy" : NULL;
}

static int feed(evtx_samba *p, collected *c, const char *line, size_t len)
{
    evtx_event ev;
    char err[256] = "";
    int rc;

    evtx_event_init(&ev);
    rc = evtx_samba_line(p, line, len, &ev, err, sizeof err);
    if (rc == 1) {
        assert_true(c->n < MAX_EVENTS);
        evtx_event_init(&c->ev[c->n]);
        assert_int_equal(evtx_event_copy(&c->ev[c->n], &ev), 0);
        c->n++;
    } else if (rc < 0) {
        assert_true(err[0] != '\0'); /* an error always says why */
        snprintf(c->last_err, sizeof c->last_err, "%s", err);
        c->errors++;
    } else
        assert_int_equal(rc, 0);
    evtx_event_free(&ev);
    return rc;
}

static int feed_str(evtx_samba *p, collected *c, const char *line) { return feed(p, c, line, strlen(line)); }

static void feed_fixture(evtx_samba *p, collected *c, const char *name)
{
    char path[4096];
    size_t len;
    char *data = testutil_slurp(testutil_fixture(path, sizeof path, name), &len), *s, *nl;

    assert_non_null(data);
    for (s = data; s < data + len; s = nl + 1) {
        nl = memchr(s, '\n', (size_t)(data + len - s));
        if (!nl)
            nl = data + len;
        feed(p, c, s, (size_t)(nl - s));
    }
    free(data);
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        evtx_event_free(&c->ev[i]);
    c->n = 0;
}

static void assert_field(const evtx_event *ev, const char *name, const char *want)
{
    const char *v = evtx_event_get(ev, name);
    if (!v || strcmp(v, want) != 0)
        fail_msg("event %u field %s: got '%s', want '%s'", ev->event_id, name, v ? v : "(absent)", want);
}

/* Samba's debug header is local time: the expected value is computed the same way. */
static int64_t local_ms(int y, int mo, int d, int h, int mi, int s, int ms)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000 + ms;
}

/* kvno of the decoy SPN, of another SPN, and of unknown SPNs, with hires header timestamps. */
static void test_kdc_log_tgs(void **state)
{
    collected c = {0};
    int calls = 0;
    evtx_samba *p = evtx_samba_new("dc1.decoy.test", resolve, &calls);
    (void)state;

    feed_fixture(p, &c, "samba/kdc.log");
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 6); /* 6 TGS results; AS-REQ lines are the JSON audit's job */
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(c.ev[i].event_id, 4769);
        assert_string_equal(c.ev[i].channel, "samba");
        assert_string_equal(c.ev[i].provider, "Samba");
        assert_string_equal(c.ev[i].computer, "dc1.decoy.test");
        assert_field(&c.ev[i], "TargetUserName", "alice@DECOY.TEST");
        assert_field(&c.ev[i], "TargetDomainName", "DECOY.TEST");
        assert_field(&c.ev[i], "IpAddress", "127.0.0.1");
    }
    /* the Kerberoast of the decoy: RC4 ticket, resolved to the decoy account */
    assert_field(&c.ev[0], "ServiceName", "svc_backup_legacy");
    assert_field(&c.ev[0], "ServicePrincipal", "MSSQLSvc/decoy.decoy.test:1433");
    assert_field(&c.ev[0], "IpPort", "36242");
    assert_field(&c.ev[0], "TicketEncryptionType", "0x17");
    assert_field(&c.ev[0], "SessionKeyEncryptionType", "0x12");
    assert_field(&c.ev[0], "Status", "0x0");
    assert_field(&c.ev[0], "TicketOptions", "0x810000"); /* canonicalize, renewable */
    assert_int_equal(c.ev[0].time_ms, local_ms(2026, 11, 23, 16, 49, 20, 920));
    /* an SPN the inventory does not know keeps its text */
    assert_field(&c.ev[1], "ServiceName", "HTTP/web.decoy.test");
    assert_field(&c.ev[1], "Status", "0x0");
    /* failures: unknown service principal, paired with their request lines' flags */
    for (size_t i = 2; i < 6; i++) {
        assert_field(&c.ev[i], "Status", "0x7");
        assert_field(&c.ev[i], "FailureReason", "ERR_S_PRINCIPAL_UNKNOWN");
        assert_null(evtx_event_get(&c.ev[i], "TicketEncryptionType"));
    }
    assert_field(&c.ev[2], "TicketOptions", "0x810000");
    assert_field(&c.ev[3], "TicketOptions", "0x800000"); /* the retry without canonicalize */
    assert_field(&c.ev[4], "ServiceName", "ldap/127.0.0.1");
    assert_int_equal(calls, 6);
    collected_free(&c);
    evtx_samba_free(p);
}

/* The same TGS-REQ as written with 'debug hires timestamp = no', 'debug prefix timestamp = yes'
 * and 'debug syslog format = yes'. */
static void test_kdc_log_formats(void **state)
{
    static const struct {
        const char *file;
        const char *port;
    } cases[] = {
        {"samba/kdc-nohires.log", "42904"},
        {"samba/kdc-prefix.log", "60070"},
        {"samba/kdc-syslog.log", "60088"},
    };
    int64_t want[3];
    (void)state;

    want[0] = local_ms(2026, 11, 23, 16, 49, 31, 0);
    want[1] = local_ms(2026, 11, 23, 16, 49, 42, 585);
    want[2] = 1795452587327; /* 2026-11-23T16:49:47.327860+00:00 */
    for (size_t k = 0; k < 3; k++) {
        collected c = {0};
        evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
        feed_fixture(p, &c, cases[k].file);
        assert_int_equal(c.errors, 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.ev[0].event_id, 4769);
        assert_field(&c.ev[0], "ServiceName", "svc_backup_legacy");
        assert_field(&c.ev[0], "TicketEncryptionType", "0x17");
        assert_field(&c.ev[0], "IpPort", cases[k].port);
        assert_int_equal(c.ev[0].time_ms, want[k]);
        collected_free(&c);
        evtx_samba_free(p);
    }
}

/* JSON audit: TGTs, a wrong password on the decoy, an unknown user, a disabled account, LDAP
 * simple binds, and the AS-REP roast (a TGT without pre-authentication). */
static void test_auth_json(void **state)
{
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    (void)state;

    feed_fixture(p, &c, "samba/auth.json");
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 9);
    assert_int_equal(c.ev[0].event_id, 4768);
    assert_field(&c.ev[0], "TargetUserName", "alice");
    assert_field(&c.ev[0], "TargetDomainName", "DECOY.TEST");
    assert_field(&c.ev[0], "TargetSid", "S-1-5-21-2615389941-533184838-2571533609-1102");
    assert_field(&c.ev[0], "PreAuthType", "0x2");
    assert_field(&c.ev[0], "Status", "0x0");
    assert_field(&c.ev[0], "IpAddress", "127.0.0.1");
    assert_field(&c.ev[0], "IpPort", "36323");
    assert_int_equal(c.ev[1].event_id, 4768);

    assert_int_equal(c.ev[2].event_id, 4771); /* kinit as the decoy, wrong password */
    assert_field(&c.ev[2], "TargetUserName", "svc_backup_legacy");
    assert_field(&c.ev[2], "Status", "0x18");
    assert_field(&c.ev[2], "TargetSid", "S-1-5-21-2615389941-533184838-2571533609-1103");
    assert_int_equal(c.ev[2].time_ms, 1795452561881);
    assert_string_equal(c.ev[2].time_created, "2026-11-23T16:49:21.881Z");

    assert_int_equal(c.ev[3].event_id, 4771);
    assert_field(&c.ev[3], "TargetUserName", "nosuchuser");
    assert_field(&c.ev[3], "Status", "0x6");
    assert_null(evtx_event_get(&c.ev[3], "TargetSid"));
    assert_int_equal(c.ev[4].event_id, 4771);
    assert_field(&c.ev[4], "Status", "0x12"); /* disabled */

    assert_int_equal(c.ev[5].event_id, 4624); /* LDAPS simple bind */
    assert_field(&c.ev[5], "TargetUserName", "alice");
    assert_field(&c.ev[5], "LogonType", "8");
    assert_field(&c.ev[5], "IpPort", "39918");
    assert_field(&c.ev[5], "LogonProcessName", "LDAP");
    assert_int_equal(c.ev[6].event_id, 4625);
    assert_field(&c.ev[6], "TargetUserName", "svc_backup_legacy");
    assert_field(&c.ev[6], "SubStatus", "0xc000006a");
    assert_int_equal(c.ev[7].event_id, 4625); /* bound by DN: the mapped account name */
    assert_field(&c.ev[7], "TargetUserName", "svc_backup_legacy");

    assert_int_equal(c.ev[8].event_id, 4768); /* AS-REP roast */
    assert_field(&c.ev[8], "TargetUserName", "svc_asrep_legacy");
    assert_field(&c.ev[8], "PreAuthType", "0x0");
    assert_field(&c.ev[8], "Status", "0x0");
    assert_int_equal(c.ev[8].time_ms, 1795452597987); /* 2026-11-23T16:49:57.987493+0000 */
    collected_free(&c);
    evtx_samba_free(p);
}

/* The roast's KDC log adds nothing: one roast, one event (from the JSON audit). */
static void test_asrep_once(void **state)
{
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    (void)state;
    feed_fixture(p, &c, "samba/kdc-asrep.log");
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 0);
    evtx_samba_free(p);
}

static const char *REQ = "  Kerberos: TGS-REQ alice@DECOY.TEST from ipv4:127.0.0.1:%u for "
                         "MSSQLSvc/decoy.decoy.test:1433@DECOY.TEST [forwardable, renewable, canonicalize]";
static const char *RES = "  Kerberos: TGS-REQ ERR_ETYPE_NOSUPP ipv4:127.0.0.1:%u alice@DECOY.TEST "
                         "MSSQLSvc/decoy.decoy.test:1433@DECOY.TEST elapsed=0.001";

static void test_pairing(void **state)
{
    collected c = {0};
    char line[512];
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    (void)state;

    /* request, an unrelated request, then the result: the flags come from the request */
    snprintf(line, sizeof line, REQ, 1000u);
    assert_int_equal(feed_str(p, &c, line), 0);
    assert_int_equal(feed_str(p, &c,
                              "  Kerberos: TGS-REQ bob@DECOY.TEST from ipv4:127.0.0.1:2000 for "
                              "HTTP/x@DECOY.TEST [renewable]"),
                     0);
    snprintf(line, sizeof line, RES, 1000u);
    assert_int_equal(feed_str(p, &c, line), 1);
    assert_field(&c.ev[0], "TicketOptions", "0x40810000"); /* what Rubeus asks for */
    assert_field(&c.ev[0], "Status", "0xe");
    assert_int_equal(c.ev[0].time_ms, -1); /* no header line seen */
    /* the entry is consumed: a second result from that port is an orphan */
    assert_int_equal(feed_str(p, &c, line), 1);
    assert_null(evtx_event_get(&c.ev[1], "TicketOptions"));
    assert_field(&c.ev[1], "ServiceName", "svc_backup_legacy");

    /* the table is bounded: 200 unanswered requests evict the oldest */
    for (unsigned port = 3000; port < 3200; port++) {
        snprintf(line, sizeof line, REQ, port);
        feed_str(p, &c, line);
    }
    snprintf(line, sizeof line, RES, 3000u);
    assert_int_equal(feed_str(p, &c, line), 1);
    assert_null(evtx_event_get(&c.ev[2], "TicketOptions"));
    snprintf(line, sizeof line, RES, 3199u);
    assert_int_equal(feed_str(p, &c, line), 1);
    assert_field(&c.ev[3], "TicketOptions", "0x40810000");
    assert_int_equal(c.errors, 0);
    collected_free(&c);
    evtx_samba_free(p);
}

/* ipv6 addresses, escaped spaces in principals and an attempt to smuggle key=value pairs. */
static void test_principals_and_addresses(void **state)
{
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    (void)state;

    assert_int_equal(feed_str(p, &c,
                              "  Kerberos: TGS-REQ SUCCESS ipv6:::1:5555 j\\ doe\\ etype=1/1@DECOY.TEST "
                              "MSSQLSvc/decoy.decoy.test:1433@DECOY.TEST etype=18/23 flags=renewable\r\n"),
                     1);
    assert_field(&c.ev[0], "IpAddress", "::1");
    assert_field(&c.ev[0], "IpPort", "5555");
    assert_field(&c.ev[0], "TargetUserName", "j doe etype=1/1@DECOY.TEST"); /* as Windows writes it */
    assert_field(&c.ev[0], "TicketEncryptionType", "0x17");
    assert_field(&c.ev[0], "TicketOptions", "0x800000");
    assert_int_equal(feed_str(p, &c, "  Kerberos: TGS-REQ SUCCESS ipv6:[fe80::1]:88 a@R krbtgt/R@R"), 1);
    assert_field(&c.ev[1], "IpAddress", "fe80::1");
    assert_field(&c.ev[1], "IpPort", "88");
    assert_field(&c.ev[1], "TargetDomainName", "R");
    collected_free(&c);
    evtx_samba_free(p);
}

/* The decoy svc_backup_legacy (SPN MSSQLSvc/decoy.decoy.test:1433), its index and a detector. */
typedef struct decoy_detector {
    adseed_inventory inv;
    decoy_index *ix;
    detector *det;
} decoy_detector;

static void decoy_detector_open(decoy_detector *dd)
{
    static const char inv_json[] =
        "{\"version\": 1, \"decoys\": [{\"name\": \"svc_backup_legacy\", \"spns\": [\"MSSQLSvc/decoy.decoy.test:1433\"]}]}";
    char err[256];
    adseed_inventory_init(&dd->inv);
    assert_int_equal(adseed_inventory_parse(&dd->inv, inv_json, strlen(inv_json), "test", err, sizeof err), 0);
    assert_non_null(dd->ix = decoy_index_build(&dd->inv, err, sizeof err));
    assert_non_null(dd->det = detector_new(dd->ix));
}

static void decoy_detector_close(decoy_detector *dd)
{
    detector_free(dd->det);
    decoy_index_free(dd->ix);
    adseed_inventory_free(&dd->inv);
}

/* Heimdal prints an enterprise principal (name type 10, "svc_backup_legacy@decoy.test" as one
 * component) with its '@' escaped: such a name, as client or as service of a TGS-REQ, must resolve
 * to the decoy. The lines are kdc.log's captured TGS-REQ pair (Samba 4.17.12) with the principal in
 * that form; test_enterprise_principal_captured reads a real `kinit -E` capture. */
static void test_enterprise_principal(void **state)
{
    static const char *const lines[] = {
        "[2026/11/23 16:49:20.600109,  3] ../../source4/auth/kerberos/krb5_init_context.c:90(smb_krb5_debug_wrapper)",
        "  Kerberos: TGS-REQ alice@DECOY.TEST from ipv4:127.0.0.1:36250 for svc_backup_legacy\\@decoy.test@DECOY.TEST [canonicalize, renewable]",
        "[2026/11/23 16:49:20.607840,  3] ../../source4/auth/kerberos/krb5_init_context.c:90(smb_krb5_debug_wrapper)",
        "  Kerberos: TGS-REQ SUCCESS ipv4:127.0.0.1:36250 alice@DECOY.TEST svc_backup_legacy\\@decoy.test@DECOY.TEST etype=18/23 "
        "pac_attributes=2 canon_client_name=alice@DECOY.TEST end=1795488560 auth=1795452560 flags=canonicalize,renewable",
        "[2026/11/23 16:49:21.100001,  3] ../../source4/auth/kerberos/krb5_init_context.c:90(smb_krb5_debug_wrapper)",
        "  Kerberos: TGS-REQ SUCCESS ipv4:127.0.0.1:36252 svc_backup_legacy\\@decoy.test@DECOY.TEST HTTP/web.decoy.test@DECOY.TEST "
        "etype=18/18 flags=renewable",
    };
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    decoy_detector dd;
    decoy_index *ix;
    detector *det;
    detection out;
    (void)state;

    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        feed_str(p, &c, lines[i]);
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 2);
    assert_field(&c.ev[0], "ServiceName", "svc_backup_legacy@decoy.test");
    assert_field(&c.ev[0], "TargetUserName", "alice@DECOY.TEST");
    assert_field(&c.ev[1], "TargetUserName", "svc_backup_legacy@decoy.test@DECOY.TEST");
    assert_field(&c.ev[1], "TargetDomainName", "DECOY.TEST");
    decoy_detector_open(&dd);
    ix = dd.ix, det = dd.det;
    assert_int_equal(detector_examine(det, &c.ev[0], &out), 1); /* a ticket for the decoy: roasting */
    assert_int_equal(out.action, DETECT_KERBEROAST);
    assert_string_equal(out.decoy_name, "svc_backup_legacy");
    assert_int_equal(detector_examine(det, &c.ev[1], &out), 1); /* the decoy itself asked */
    assert_int_equal(out.action, DETECT_DECOY_LOGON);
    /* the matcher also reads the escaped form directly */
    assert_non_null(decoy_index_by_name(ix, "svc_backup_legacy\\@decoy.test@DECOY.TEST"));
    assert_null(decoy_index_by_name(ix, "other\\@decoy.test@DECOY.TEST"));
    decoy_detector_close(&dd);
    collected_free(&c);
    evtx_samba_free(p);
}

/* The same, captured (tests/fixtures/samba/capture_enterprise.sh, Samba 4.17.12, MIT kinit -E):
 * `kinit -E svc_backup_legacy@decoy.test` with a wrong then the right password, then alice asking
 * a ticket for the escaped name. The JSON audit names the client "svc_backup_legacy\@decoy.test@
 * DECOY.TEST"; the KDC log names the service that way. Every one resolves to the decoy. */
static void test_enterprise_principal_captured(void **state)
{
    static const struct {
        unsigned id;
        int action;
    } want[] = {
        {4771, DETECT_PASSWORD_GUESS}, /* wrong password */
        {4768, DETECT_DECOY_LOGON},    /* right password: KRB5KRB_ERR_RESPONSE_TOO_BIG, UDP retry */
        {4768, DETECT_DECOY_LOGON},    /* the TGT over TCP */
    };
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    decoy_detector dd;
    decoy_index *ix;
    detector *det;
    detection out;
    size_t i, alerts = 0;
    (void)state;

    decoy_detector_open(&dd);
    ix = dd.ix, det = dd.det;

    feed_fixture(p, &c, "samba/auth-enterprise.json");
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 5); /* 3 as the decoy, then alice's kinit (2) */
    for (i = 0; i < 3; i++) {
        assert_int_equal(c.ev[i].event_id, want[i].id);
        assert_int_equal(detector_examine(det, &c.ev[i], &out), 1);
        assert_int_equal(out.action, want[i].action);
        assert_string_equal(out.decoy_name, "svc_backup_legacy");
    }
    for (; i < c.n; i++)
        assert_int_equal(detector_examine(det, &c.ev[i], &out), 0);
    collected_free(&c);
    evtx_samba_free(p);

    p = evtx_samba_new("dc1", resolve, NULL);
    feed_fixture(p, &c, "samba/kdc-enterprise.log");
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.n, 2); /* two TGS-REQ for the escaped name, both ERR_S_PRINCIPAL_UNKNOWN */
    for (i = 0; i < c.n; i++) {
        assert_int_equal(c.ev[i].event_id, 4769);
        assert_field(&c.ev[i], "Status", "0x7");
        assert_field(&c.ev[i], "ServiceName", "svc_backup_legacy@decoy.test");
        /* the name resolves to the decoy; a failed 4769 other than 0xE is noise by design
         * (docs/detection.md): the KDC issued nothing */
        assert_non_null(decoy_index_by_name(ix, evtx_event_get(&c.ev[i], "ServiceName")));
        alerts += (size_t)detector_examine(det, &c.ev[i], &out);
    }
    assert_int_equal(alerts, 0);
    decoy_detector_close(&dd);
    collected_free(&c);
    evtx_samba_free(p);
}

static void test_hostile_lines(void **state)
{
    collected c = {0};
    evtx_samba *p = evtx_samba_new("dc1", resolve, NULL);
    size_t big = 300 * 1024, mid = 100 * 1024;
    char *line = malloc(big + 1);
    const char *v;
    (void)state;

    /* noise and garbage are not errors; malformed lines of a known kind are */
    assert_int_equal(feed_str(p, &c, "hello world"), 0);
    assert_int_equal(feed_str(p, &c, ""), 0);
    assert_int_equal(feed_str(p, &c, "[2026/99/23 16:47:02,  3] x"), 0);
    assert_int_equal(feed_str(p, &c, "  Kerberos: TGS-REQ"), 0);
    assert_int_equal(feed_str(p, &c, "  Kerberos: TGS-REQ SUCCESS ipv4:1.2.3.4:5"), -1);
    assert_int_equal(feed_str(p, &c, "  Kerberos: TGS-REQ SUCCESS ipv4:1.2.3.4:5 a b c"), -1);
    assert_int_equal(feed_str(p, &c, "  {\"type\": \"Authentication\", \"Authentication\": {"), -1);
    assert_int_equal(feed_str(p, &c, "{\"type\": \"Authentication\", \"Authentication\": 5}"), -1);
    assert_int_equal(feed_str(p, &c, "{\"type\": \"Authorization\", \"Authorization\": {}}"), 0);
    assert_int_equal(feed(p, &c, "{\"type\"\0:1}", 11), -1);
    assert_int_equal(c.n, 0);

    /* an over-long line is refused with a message */
    memset(line, 'A', big);
    memcpy(line, "  Kerberos: TGS-REQ SUCCESS ipv4:1.2.3.4:5 ", 43);
    assert_int_equal(feed(p, &c, line, big), -1);
    assert_non_null(strstr(c.last_err, "exceeds"));

    /* a 100 KiB client name is truncated to EVTX_FIELD_MAX, not fatal */
    memset(line, 'B', big);
    memcpy(line, "  Kerberos: TGS-REQ SUCCESS ipv4:1.2.3.4:5 ", 43);
    memcpy(line + mid, "@R HTTP/x@R etype=18/23", 23);
    assert_int_equal(feed(p, &c, line, mid + 23), 1);
    assert_true(c.ev[0].truncated > 0);
    assert_int_equal(strlen(evtx_event_get(&c.ev[0], "TargetUserName")), EVTX_FIELD_MAX);

    /* invalid UTF-8 in a KDC line and in a JSON line is repaired, quotes and newlines kept */
    assert_int_equal(feed_str(p, &c, "  Kerberos: TGS-REQ SUCCESS ipv4:1.2.3.4:5 ev\xff\xfeil@R HTTP/x@R"), 1);
    assert_field(&c.ev[1], "TargetUserName", "ev\xef\xbf\xbd\xef\xbf\xbdil@R");
    assert_int_equal(feed_str(p, &c,
                              "{\"type\": \"Authentication\", \"Authentication\": {\"status\": "
                              "\"NT_STATUS_WRONG_PASSWORD\", \"serviceDescription\": \"Kerberos KDC\", "
                              "\"clientAccount\": \"x\\\"y\\n\xc3(z@R\", \"remoteAddress\": null}}"),
                     1);
    assert_int_equal(c.ev[2].event_id, 4771);
    v = evtx_event_get(&c.ev[2], "TargetUserName");
    assert_string_equal(v, "x\"y\n\xef\xbf\xbd(z");
    assert_field(&c.ev[2], "IpAddress", "-");
    assert_int_equal(c.ev[2].time_ms, -1);
    assert_int_equal(c.errors, 6);
    free(line);
    collected_free(&c);
    evtx_samba_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kdc_log_tgs),
        cmocka_unit_test(test_kdc_log_formats),
        cmocka_unit_test(test_enterprise_principal_captured),
        cmocka_unit_test(test_auth_json),
        cmocka_unit_test(test_asrep_once),
        cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_principals_and_addresses),
        cmocka_unit_test(test_enterprise_principal),
        cmocka_unit_test(test_hostile_lines),
    };
    testutil_init();
    return testutil_run(tests);
}
