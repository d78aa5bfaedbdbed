/* test_adseed_decoy.c - adseed's pure helpers: SID/GUID binary <-> text, the --audit-reads SACL
 * descriptor, unicodePwd encoding, random passwords, name rules, default SPNs and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/decoy.h"
#include "testutil.h"

static void test_sid_text(void **state)
{
    (void)state;
    /* S-1-5-21-2357672156-3014486260-2163387430-1103 as stored in objectSid */
    const uint8_t bin[] = {1,    5,    0,    0,    0,    0,    0,    5,    0x15, 0,    0,    0,    0xdc, 0x38,
                           0x87, 0x8c, 0xf4, 0x68, 0xad, 0xb3, 0x26, 0xac, 0xf2, 0x80, 0x4f, 0x04, 0,    0};
    char out[128];
    uint8_t back[68];
    assert_int_equal(decoy_sid_to_text(bin, sizeof bin, out, sizeof out), 0);
    assert_string_equal(out, "S-1-5-21-2357672156-3014486260-2163387430-1103");
    assert_int_equal(decoy_sid_from_text(out, back, sizeof back), (int)sizeof bin);
    assert_memory_equal(back, bin, sizeof bin);
    assert_int_equal(decoy_sid_from_text("S-1-1-0", back, sizeof back), 12);
    assert_int_equal(decoy_sid_to_text(back, 12, out, sizeof out), 0);
    assert_string_equal(out, "S-1-1-0");
    /* malformed: wrong length, revision, garbage text, tiny output buffer */
    assert_int_equal(decoy_sid_to_text(bin, sizeof bin - 1, out, sizeof out), -1);
    uint8_t bad[sizeof bin];
    memcpy(bad, bin, sizeof bin);
    bad[0] = 2;
    assert_int_equal(decoy_sid_to_text(bad, sizeof bad, out, sizeof out), -1);
    assert_int_equal(decoy_sid_from_text("S-1-5-x", back, sizeof back), -1);
    assert_int_equal(decoy_sid_from_text("X-1-5", back, sizeof back), -1);
    assert_int_equal(decoy_sid_from_text("S-1-5-99999999999", back, sizeof back), -1);
    assert_int_equal(decoy_sid_to_text(bin, sizeof bin, out, 10), -1);
}

static void test_guid_text(void **state)
{
    (void)state;
    char out[64];
    uint8_t back[16];
    assert_int_equal(decoy_guid_to_text(decoy_x500uid_guid, 16, out, sizeof out), 0);
    assert_string_equal(out, "d07da11f-8a3d-42b6-b0aa-76c962be719a");
    assert_int_equal(decoy_guid_from_text(out, back), 0);
    assert_memory_equal(back, decoy_x500uid_guid, 16);
    assert_int_equal(decoy_guid_from_text("d07da11f-8a3d-42b6-b0aa-76c962be719", back), -1);
    assert_int_equal(decoy_guid_from_text("d07da11f+8a3d-42b6-b0aa-76c962be719a", back), -1);
    assert_int_equal(decoy_guid_from_text("g07da11f-8a3d-42b6-b0aa-76c962be719a", back), -1);
    assert_int_equal(decoy_guid_to_text(decoy_x500uid_guid, 15, out, sizeof out), -1);
}

static void test_sd_object_ace(void **state)
{
    (void)state;
    uint8_t sd[128];
    int n = decoy_sd_build_read_audit(decoy_x500uid_guid, sd, sizeof sd);
    /* 20 header + 8 ACL + (8 + 4 + 16 + 12) ACE */
    assert_int_equal(n, 68);
    assert_int_equal(sd[0], 1);
    assert_int_equal(sd[2] | sd[3] << 8, 0x8010); /* self-relative, SACL present */
    assert_int_equal(sd[12], 20);                 /* SACL right after the header */
    assert_int_equal(sd[4] | sd[8] | sd[16], 0);  /* no owner, group, DACL */
    assert_int_equal(sd[20], 4);                  /* ACL_REVISION_DS */
    assert_int_equal(sd[22], 48);                 /* ACL size */
    assert_int_equal(sd[24], 1);                  /* one ACE */
    assert_int_equal(sd[28], 7);                  /* SYSTEM_AUDIT_OBJECT_ACE */
    assert_int_equal(sd[29], 0xC0);               /* success + failure */
    assert_int_equal(sd[32], 0x10);               /* ReadProperty */
    assert_int_equal(sd[36], 1);                  /* object type present */
    assert_memory_equal(sd + 40, decoy_x500uid_guid, 16);
    const uint8_t everyone[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    assert_memory_equal(sd + 56, everyone, 12);
    assert_int_equal(decoy_sd_has_read_audit(sd, (size_t)n), 1);
    assert_int_equal(decoy_sd_build_read_audit(decoy_x500uid_guid, sd, 60), -1);
}

static void test_sd_plain_ace_and_parse(void **state)
{
    (void)state;
    uint8_t sd[128];
    int n = decoy_sd_build_read_audit(NULL, sd, sizeof sd);
    assert_int_equal(n, 48);
    assert_int_equal(sd[28], 2); /* SYSTEM_AUDIT_ACE */
    assert_int_equal(decoy_sd_has_read_audit(sd, (size_t)n), 1);
    /* not Everyone: no match */
    uint8_t other[128];
    memcpy(other, sd, (size_t)n);
    other[n - 5] = 5;
    assert_int_equal(decoy_sd_has_read_audit(other, (size_t)n), 0);
    /* write-only mask: no match */
    memcpy(other, sd, (size_t)n);
    other[32] = 0x20;
    assert_int_equal(decoy_sd_has_read_audit(other, (size_t)n), 0);
    /* truncated / corrupted descriptors never read out of bounds */
    for (int len = 0; len < n; len++)
        assert_int_equal(decoy_sd_has_read_audit(sd, (size_t)len), 0);
    memcpy(other, sd, (size_t)n);
    other[30] = 0xff; /* ACE size beyond the ACL */
    assert_int_equal(decoy_sd_has_read_audit(other, (size_t)n), 0);
    memcpy(other, sd, (size_t)n);
    other[2] = 0; /* SACL not present */
    assert_int_equal(decoy_sd_has_read_audit(other, (size_t)n), 0);
}

static void test_unicodepwd(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *v = decoy_unicodepwd("Ab1!", &len);
    const uint8_t want[] = {'"', 0, 'A', 0, 'b', 0, '1', 0, '!', 0, '"', 0};
    assert_non_null(v);
    assert_int_equal(len, sizeof want);
    assert_memory_equal(v, want, sizeof want);
    free(v);
}

static void test_password_generate(void **state)
{
    (void)state;
    char a[41], b[41];
    assert_int_equal(decoy_password_generate(a, 40), 0);
    assert_int_equal(decoy_password_generate(b, 40), 0);
    assert_int_equal(strlen(a), 40);
    assert_string_not_equal(a, b);
    int up = 0, lo = 0, dig = 0, sym = 0;
    for (const char *p = a; *p; p++) {
        up |= isupper((unsigned char)*p) != 0;
        lo |= islower((unsigned char)*p) != 0;
        dig |= isdigit((unsigned char)*p) != 0;
        sym |= ispunct((unsigned char)*p) != 0;
        assert_null(strchr("\"\\' ,", *p));
    }
    assert_true(up && lo && dig && sym);
    assert_int_equal(decoy_password_generate(a, 31), -1);
}

static void test_names_and_spn(void **state)
{
    (void)state;
    char err[256], host[64], spn[256];
    assert_int_equal(decoy_name_valid("svc_backup_legacy", err, sizeof err), 0);
    assert_int_equal(decoy_name_valid("svc_backup_legacy_toolong", err, sizeof err), -1);
    assert_non_null(strstr(err, "1 to 20"));
    assert_int_equal(decoy_name_valid("bad/name", err, sizeof err), -1);
    assert_non_null(strstr(err, "'/'"));
    assert_int_equal(decoy_name_valid("dot.", err, sizeof err), -1);
    assert_int_equal(decoy_name_valid("", err, sizeof err), -1);
    decoy_host_from_name("svc_backup_legacy", host, sizeof host);
    assert_string_equal(host, "backup-legacy");
    decoy_host_from_name("SQL-Report__01", host, sizeof host);
    assert_string_equal(host, "report-01");
    decoy_host_from_name("svc_", host, sizeof host);
    assert_string_equal(host, "svc");
    decoy_host_from_name("__", host, sizeof host);
    assert_string_equal(host, "db01");
    decoy_default_spn("svc_backup_legacy", "corp.example", spn, sizeof spn);
    assert_string_equal(spn, "MSSQLSvc/backup-legacy.corp.example:1433");
}

static void test_suggest(void **state)
{
    (void)state;
    const char *existing[] = {"Administrator", "krbtgt",        "sql-prod", "sql-reporting",
                              "svc_web",       "sql-sqlreport", "alice",    NULL};
    char *out[8] = {0};
    size_t n = decoy_suggest_names(existing, 7, out, 8);
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(out[i]) <= 20);
        /* the majority prefix sql- with '-' separators, never an existing name */
        assert_int_equal(strncmp(out[i], "sql-", 4) == 0 || strncmp(out[i], "svc_", 4) == 0, 1);
        assert_null(strchr(out[i] + 4, out[i][3] == '-' ? '_' : '-'));
        for (size_t k = 0; existing[k]; k++)
            assert_true(strcasecmp(out[i], existing[k]) != 0);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(out[i], out[k]);
    }
    assert_string_equal(out[0], "sql-backup-legacy");
    /* sql-sqlreport exists: the sqlreport role falls back to the svc_ prefix */
    assert_string_equal(out[1], "svc_sqlreport");
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    /* no service accounts at all: the conventional svc_ prefix */
    const char *none[] = {"alice", "bob"};
    n = decoy_suggest_names(none, 2, out, 2);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "svc_backup_legacy");
    free(out[0]);
    free(out[1]);
}

static void test_explain(void **state)
{
    (void)state;
    char err[512];
    adseed_ldap_explain(err, sizeof err, "bind", LDAP_INVALID_CREDENTIALS,
                        "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1");
    assert_non_null(strstr(err, "bind: invalid credentials (account locked out)"));
    adseed_ldap_explain(err, sizeof err, "add", LDAP_CONSTRAINT_VIOLATION,
                        "0000052D: Constraint violation - check_password_restrictions: too short");
    assert_non_null(strstr(err, "password policy violation"));
    adseed_ldap_explain(err, sizeof err, "add", LDAP_INSUFFICIENT_ACCESS, NULL);
    assert_non_null(strstr(err, "insufficient rights"));
    adseed_ldap_explain(err, sizeof err, "add", LDAP_ALREADY_EXISTS, "");
    assert_string_equal(err, "add: entry already exists (LDAP 68)");
    adseed_ldap_explain(err, sizeof err, "add", LDAP_NO_SUCH_OBJECT, NULL);
    assert_non_null(strstr(err, "no such object"));
    adseed_ldap_explain(err, sizeof err, "bind", LDAP_SERVER_DOWN, NULL);
    assert_non_null(strstr(err, "server unreachable"));
    adseed_ldap_explain(err, sizeof err, "bind", LDAP_SERVER_DOWN, "TLS handshake failed");
    assert_non_null(strstr(err, "TLS failure"));
    adseed_ldap_explain(err, sizeof err, "bind", LDAP_STRONG_AUTH_REQUIRED, NULL);
    assert_non_null(strstr(err, "encrypted connection"));
}

static void test_filter_escape(void **state)
{
    (void)state;
    char *s = adseed_filter_escape("a*(b)\\c");
    assert_string_equal(s, "a\\2a\\28b\\29\\5cc");
    free(s);
    const uint8_t bin[] = {0x00, 0xff, 0x2a};
    s = adseed_filter_escape_bin(bin, sizeof bin);
    assert_string_equal(s, "\\00\\ff\\2a");
    free(s);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sid_text),      cmocka_unit_test(test_guid_text),
        cmocka_unit_test(test_sd_object_ace), cmocka_unit_test(test_sd_plain_ace_and_parse),
        cmocka_unit_test(test_unicodepwd),    cmocka_unit_test(test_password_generate),
        cmocka_unit_test(test_names_and_spn), cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_explain),       cmocka_unit_test(test_filter_escape),
    };
    return testutil_run(tests);
}
