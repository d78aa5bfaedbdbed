/* test_audit_watch.c - the audit gap decision logic with fake audit policy readings: one audit_gap
 * per subcategory that lost a needed result, not again while unchanged, audit_restored when fixed,
 * retried when the alert could not be spooled; errors and "not applicable" logged once, never
 * alerted. Also the GUID parser the Windows query uses, and the POSIX stub. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/audit_policy.h"
#include "svc/detect/alert.h"
#include "svc/detect/audit_subcategories.h"
#include "svc/detect/audit_watch.h"
#include "testutil.h"

#ifdef _WIN32
#include <windows.h>
#endif

#define HOUR (3600 * 1000LL)

typedef struct fake {
    unsigned bits[AUDIT_WATCH_MAX]; /* the "policy" */
    int rc;                         /* what the query returns */
    int queries;
    int refuse; /* the raise callback refuses (spool full) */
    detection raised[32];
    size_t nraised;
    char log[4096];
} fake;

static int fake_query(void *ctx, const char *const *guids, size_t n, unsigned *bits, char *err, size_t errlen)
{
    fake *f = ctx;
    size_t m;
    const audit_subcategory *s = audit_subcategories(&m);
    f->queries++;
    assert_int_equal(n, m);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(guids[i], s[i].guid);
        bits[i] = f->bits[i];
    }
    if (f->rc)
        snprintf(err, errlen, f->rc == AUDIT_POLICY_NA ? "not applicable here" : "access denied");
    return f->rc;
}

static int fake_raise(void *ctx, const detection *d)
{
    fake *f = ctx;
    if (f->refuse)
        return -1;
    assert_true(f->nraised < 32);
    f->raised[f->nraised++] = *d;
    return 0;
}

static void fake_log(void *ctx, svc_log_level level, const char *msg)
{
    fake *f = ctx;
    size_t n = strlen(f->log);
    (void)level;
    snprintf(f->log + n, sizeof f->log - n, "%s\n", msg);
}

static void all_on(fake *f)
{
    for (size_t i = 0; i < AUDIT_WATCH_MAX; i++)
        f->bits[i] = AUDIT_SUCCESS | AUDIT_FAILURE;
}

static size_t index_of(const char *name)
{
    size_t n;
    const audit_subcategory *s = audit_subcategories(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, name) == 0)
            return i;
    fail_msg("no subcategory %s", name);
    return 0;
}

static svc_logger logger_for(fake *f)
{
    svc_logger lg;
    memset(&lg, 0, sizeof lg);
    lg.min = SVC_LOG_DEBUG;
    lg.write = fake_log;
    lg.ctx = f;
    return lg;
}

/* A fresh fake policy with everything audited, and a watch reading it. */
static void begin(fake *f, audit_watch *w, svc_logger *lg, const char *host)
{
    memset(f, 0, sizeof *f);
    *lg = logger_for(f);
    all_on(f);
    audit_watch_init(w, fake_query, f, host);
}

static void test_gap_once_then_restored(void **state)
{
    fake f;
    audit_watch w;
    svc_logger lg;
    size_t ksto = index_of("Kerberos Service Ticket Operations"),
           kas = index_of("Kerberos Authentication Service");
    int64_t t = 1000000;
    (void)state;
    begin(&f, &w, &lg, "dc01.corp.example");

    /* start: everything audited -> no alert, one line saying so */
    assert_int_equal(audit_watch_tick(&w, t, &lg, fake_raise, &f), HOUR);
    assert_int_equal(f.nraised, 0);
    assert_non_null(strstr(f.log, "subcategories the detections need are audited"));
    /* not due yet: no query */
    assert_int_equal(audit_watch_tick(&w, t + 1000, &lg, fake_raise, &f), HOUR - 1000);
    assert_int_equal(f.queries, 1);

    /* an hour later Kerberos Service Ticket Operations has no success auditing: one audit_gap */
    f.bits[ksto] = AUDIT_FAILURE;
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 1);
    assert_int_equal(f.raised[0].action, DETECT_AUDIT_GAP);
    assert_string_equal(f.raised[0].object, "Kerberos Service Ticket Operations");
    assert_string_equal(f.raised[0].object_id, "{0CCE9240-69AE-11D9-BED3-505054503030}");
    assert_string_equal(f.raised[0].host, "dc01.corp.example");
    assert_non_null(strstr(f.raised[0].properties, "success auditing off; blinds 4769: Kerberoasting"));
    assert_string_equal(f.raised[0].remedy, "auditpol /set /subcategory:\"{0CCE9240-69AE-11D9-BED3-505054503030}\" "
                                            "/success:enable /failure:enable");
    assert_string_equal(f.raised[0].technique_id, "T1562.002");
    assert_string_equal(f.raised[0].severity, "high");
    {
        alert a;
        char summary[2048];
        alert_from_detection(&a, &f.raised[0]);
        alert_summary(&a, summary, sizeof summary);
        assert_non_null(strstr(summary, "Audit gap: Kerberos Service Ticket Operations auditing is off on "
                                        "dc01.corp.example"));
        assert_non_null(strstr(summary, "until you run: auditpol /set"));
    }

    /* still missing an hour later: no second page */
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 1);

    /* Kerberos Authentication Service loses failure auditing (4771 needs it): a second gap; the
       first one is still not repeated */
    f.bits[kas] = AUDIT_SUCCESS;
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 2);
    assert_string_equal(f.raised[1].object, "Kerberos Authentication Service");
    assert_non_null(strstr(f.raised[1].properties, "failure auditing off"));

    /* both fixed: two audit_restored, then silence */
    all_on(&f);
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 4);
    assert_int_equal(f.raised[2].action, DETECT_AUDIT_RESTORED);
    assert_int_equal(f.raised[3].action, DETECT_AUDIT_RESTORED);
    assert_string_equal(f.raised[2].severity, "low");
    assert_non_null(strstr(f.log, "audit gap fixed: Kerberos Service Ticket Operations is audited again"));
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 4);

    /* the same gap again after the fix: raised again */
    f.bits[ksto] = 0;
    t += HOUR;
    audit_watch_tick(&w, t, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 5);
    assert_non_null(strstr(f.raised[4].properties, "success auditing off"));
}

static void test_gap_at_start_logged(void **state)
{
    fake f;
    audit_watch w;
    svc_logger lg;
    (void)state;
    begin(&f, &w, &lg, "dc01");
    f.bits[index_of("Directory Service Access")] = 0;
    f.bits[index_of("Logon")] = AUDIT_SUCCESS; /* failures (4625) not audited */
    audit_watch_tick(&w, 5, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 2);
    assert_non_null(strstr(f.log, "audit gap: Directory Service Access ({0CCE923B-69AE-11D9-BED3-505054503030}) "
                                  "lacks success auditing: blinds 4662"));
    assert_non_null(strstr(f.log, "audit gap: Logon"));
    assert_null(strstr(f.log, "are audited"));
    /* Failure-only subcategories do not need failure: success alone is enough there */
    assert_null(strstr(f.log, "Kerberos Service Ticket Operations"));
}

static void test_refused_then_retried(void **state)
{
    fake f;
    audit_watch w;
    svc_logger lg;
    (void)state;
    begin(&f, &w, &lg, "dc01");
    f.bits[index_of("User Account Management")] = 0;
    f.refuse = 1; /* spool full */
    assert_int_equal(audit_watch_tick(&w, 0, &lg, fake_raise, &f), AUDIT_WATCH_RETRY_MS);
    assert_int_equal(f.nraised, 0);
    f.refuse = 0;
    audit_watch_tick(&w, AUDIT_WATCH_RETRY_MS, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 1);
    assert_string_equal(f.raised[0].object, "User Account Management");
    audit_watch_tick(&w, AUDIT_WATCH_RETRY_MS + HOUR, &lg, fake_raise, &f);
    assert_int_equal(f.nraised, 1);
}

static void test_errors_logged_once(void **state)
{
    fake f;
    audit_watch w;
    svc_logger lg;
    (void)state;
    begin(&f, &w, &lg, "dc01");
    f.rc = -1;
    audit_watch_tick(&w, 0, &lg, fake_raise, &f);
    audit_watch_tick(&w, HOUR, &lg, fake_raise, &f);
    assert_int_equal(f.queries, 2);
    assert_int_equal(f.nraised, 0);
    assert_non_null(strstr(f.log, "audit policy check: access denied"));
    assert_null(strstr(strstr(f.log, "access denied") + 1, "access denied")); /* once */

    begin(&f, &w, &lg, "samba-dc");
    f.rc = AUDIT_POLICY_NA;
    audit_watch_tick(&w, 0, &lg, fake_raise, &f);
    audit_watch_tick(&w, 10 * HOUR, &lg, fake_raise, &f);
    assert_int_equal(f.queries, 1); /* not applicable: never asked again */
    assert_int_equal(f.nraised, 0);
    assert_non_null(strstr(f.log, "not applicable here"));
}

static void test_platform_query(void **state)
{
    unsigned char g[16];
    const char *guids[1] = {"{0CCE9240-69AE-11D9-BED3-505054503030}"};
    unsigned bits[1] = {7};
    char err[256] = "";
    int rc;
    static const unsigned char want[16] = {0x40, 0x92, 0xce, 0x0c, 0xae, 0x69, 0xd9, 0x11,
                                           0xbe, 0xd3, 0x50, 0x50, 0x54, 0x50, 0x30, 0x30};
    (void)state;
    assert_int_equal(audit_policy_parse_guid(guids[0], g), 0);
    assert_memory_equal(g, want, 16);
    assert_int_equal(audit_policy_parse_guid("0cce9240-69ae-11d9-bed3-505054503030", g), 0);
    assert_memory_equal(g, want, 16);
    assert_int_equal(audit_policy_parse_guid("{0CCE9240-69AE-11D9-BED3-50505450303}", g), -1);
    assert_int_equal(audit_policy_parse_guid("{0CCE9240-69AE-11D9-BED3-50505450303G}", g), -1);
    assert_int_equal(audit_policy_parse_guid("0CCE9240x69AE-11D9-BED3-505054503030", g), -1);
    assert_int_equal(audit_policy_parse_guid(NULL, g), -1);
    rc = audit_policy_query(guids, 1, bits, err, sizeof err);
#ifdef _WIN32
    printf("audit_policy_query: rc %d, bits %u, %s\n", rc, bits[0], err);
    if (GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version")) {
        /* Wine 8's AuditQuerySystemPolicy is a stub (FIXME, ERROR_CALL_NOT_IMPLEMENTED): the
           error path, which the daemon logs once and never alerts on */
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, "AuditQuerySystemPolicy failed: error 120"));
    } else if (rc == 0) {
        assert_true(bits[0] <= 3); /* Windows as LocalSystem: the real bits */
    } else {
        assert_non_null(strstr(err, "AuditQuerySystemPolicy failed")); /* e.g. not elevated */
    }
#else
    assert_int_equal(rc, AUDIT_POLICY_NA);
    assert_int_equal(bits[0], 0);
    assert_non_null(strstr(err, "not applicable"));
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gap_once_then_restored), cmocka_unit_test(test_gap_at_start_logged),
        cmocka_unit_test(test_refused_then_retried),   cmocka_unit_test(test_errors_logged_once),
        cmocka_unit_test(test_platform_query),
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
