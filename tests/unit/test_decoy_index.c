/* test_decoy_index.c - decoy lookups by name (with DOMAIN\, @REALM, trailing $ and any case), SID,
 * GUID (braces, %{...}), SPN (with and without @REALM) and DN; retired decoys; 10,000 decoys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/decoy_index.h"
#include "testutil.h"

static const char inv_json[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"svc_backup_legacy\",\"sid\":\"S-1-5-21-1-2-3-1105\",\"guid\":\"259162f1-58e4-4ee9-9b9c-2baf2a03d376\","
    "\"dn\":\"CN=svc_backup_legacy,OU=Svc,DC=corp,DC=example\","
    "\"spns\":[\"MSSQLSvc/db01.corp.example:1433\",\"HTTP/web01@CORP.EXAMPLE\"],\"kind\":\"kerberoast\"},"
    "{\"name\":\"HONEYPC$\"},"
    "{\"name\":\"old_one\",\"retired\":\"2026-01-01T00:00:00Z\"}]}";

typedef struct fixture {
    adseed_inventory inv;
    decoy_index *ix;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[256];
    adseed_inventory_init(&f->inv);
    if (adseed_inventory_parse(&f->inv, inv_json, strlen(inv_json), "t", err, sizeof err) != 0)
        return -1;
    f->ix = decoy_index_build(&f->inv, err, sizeof err);
    *state = f;
    return f->ix ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    decoy_index_free(f->ix);
    adseed_inventory_free(&f->inv);
    free(f);
    return 0;
}

static void test_by_name(void **state)
{
    fixture *f = *state;
    const adseed_decoy *svc = &f->inv.decoys[0], *pc = &f->inv.decoys[1];
    assert_int_equal(decoy_index_count(f->ix), 2);
    assert_ptr_equal(decoy_index_by_name(f->ix, "svc_backup_legacy"), svc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "SVC_Backup_Legacy"), svc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "CORP\\svc_backup_legacy"), svc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "svc_backup_legacy@CORP.EXAMPLE"), svc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "svc_backup_legacy$"), svc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "honeypc$"), pc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "HONEYPC"), pc);
    assert_ptr_equal(decoy_index_by_name(f->ix, "corp\\HoneyPC$"), pc);
    assert_null(decoy_index_by_name(f->ix, "svc_backup"));
    assert_null(decoy_index_by_name(f->ix, "svc_backup_legacy2"));
    assert_null(decoy_index_by_name(f->ix, "old_one"));  /* retired */
    assert_null(decoy_index_by_name(f->ix, ""));
    assert_null(decoy_index_by_name(f->ix, "-"));
    assert_null(decoy_index_by_name(f->ix, "$"));
    assert_null(decoy_index_by_name(f->ix, "CORP\\"));
    assert_null(decoy_index_by_name(f->ix, NULL));
}

static void test_by_ids(void **state)
{
    fixture *f = *state;
    const adseed_decoy *svc = &f->inv.decoys[0];
    assert_ptr_equal(decoy_index_by_sid(f->ix, "S-1-5-21-1-2-3-1105"), svc);
    assert_ptr_equal(decoy_index_by_sid(f->ix, "s-1-5-21-1-2-3-1105"), svc);
    assert_null(decoy_index_by_sid(f->ix, "S-1-5-21-1-2-3-110"));
    assert_null(decoy_index_by_sid(f->ix, "S-1-0-0"));
    assert_ptr_equal(decoy_index_by_guid(f->ix, "259162f1-58e4-4ee9-9b9c-2baf2a03d376"), svc);
    assert_ptr_equal(decoy_index_by_guid(f->ix, "{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}"), svc);
    assert_ptr_equal(decoy_index_by_guid(f->ix, "%{259162f1-58e4-4ee9-9b9c-2baf2a03d376}"), svc);
    assert_null(decoy_index_by_guid(f->ix, "259162f1-58e4-4ee9-9b9c-2baf2a03d377"));
    assert_null(decoy_index_by_guid(f->ix, "{259162f1-58e4-4ee9-9b9c-2baf2a03d376"));
    assert_ptr_equal(decoy_index_by_spn(f->ix, "MSSQLSvc/db01.corp.example:1433"), svc);
    assert_ptr_equal(decoy_index_by_spn(f->ix, "mssqlsvc/DB01.corp.example:1433"), svc);
    assert_ptr_equal(decoy_index_by_spn(f->ix, "MSSQLSvc/db01.corp.example:1433@CORP.EXAMPLE"), svc);
    assert_ptr_equal(decoy_index_by_spn(f->ix, "http/web01"), svc);
    assert_ptr_equal(decoy_index_by_spn(f->ix, "HTTP/web01@corp.example"), svc);
    assert_null(decoy_index_by_spn(f->ix, "MSSQLSvc/db01.corp.example"));
    assert_ptr_equal(decoy_index_by_dn(f->ix, "cn=SVC_BACKUP_LEGACY,ou=svc,dc=corp,dc=example"), svc);
    assert_null(decoy_index_by_dn(f->ix, "CN=other,OU=Svc,DC=corp,DC=example"));
}

static void test_long_and_empty(void **state)
{
    fixture *f = *state;
    char *big = malloc(70000);
    memset(big, 'a', 69999);
    big[69999] = '\0';
    assert_null(decoy_index_by_name(f->ix, big));
    assert_null(decoy_index_by_spn(f->ix, big));
    assert_null(decoy_index_by_dn(f->ix, big));
    assert_null(decoy_index_by_sid(f->ix, big));
    assert_null(decoy_index_by_guid(f->ix, big));
    free(big);
    adseed_inventory empty;
    char err[64];
    adseed_inventory_init(&empty);
    decoy_index *ix = decoy_index_build(&empty, err, sizeof err);
    assert_non_null(ix);
    assert_null(decoy_index_by_name(ix, "anything"));
    assert_int_equal(decoy_index_count(ix), 0);
    decoy_index_free(ix);
    decoy_index_free(NULL);
}

static void test_many(void **state)
{
    (void)state;
    adseed_inventory inv;
    char name[64], sid[64], spn[64], err[256];
    size_t cap = 10000 * 160 + 64, len;
    char *json = malloc(cap);
    assert_non_null(json);
    len = (size_t)snprintf(json, cap, "{\"version\":1,\"decoys\":[");
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(json + len, cap - len,
                                "%s{\"name\":\"decoy%05d\",\"sid\":\"S-1-5-21-9-9-9-%d\",\"spns\":[\"HTTP/host%05d.corp\"]}",
                                i ? "," : "", i, 10000 + i, i);
    len += (size_t)snprintf(json + len, cap - len, "]}");
    adseed_inventory_init(&inv);
    if (adseed_inventory_parse(&inv, json, len, "many", err, sizeof err) != 0)
        fail_msg("%s", err);
    free(json);
    decoy_index *ix = decoy_index_build(&inv, err, sizeof err);
    assert_non_null(ix);
    assert_int_equal(decoy_index_count(ix), 10000);
    for (int i = 0; i < 10000; i += 7) {
        snprintf(name, sizeof name, "CORP\\DECOY%05d", i);
        snprintf(sid, sizeof sid, "S-1-5-21-9-9-9-%d", 10000 + i);
        snprintf(spn, sizeof spn, "http/HOST%05d.corp", i);
        const adseed_decoy *a = decoy_index_by_name(ix, name);
        assert_non_null(a);
        assert_ptr_equal(a, &inv.decoys[i]);
        assert_ptr_equal(decoy_index_by_sid(ix, sid), a);
        assert_ptr_equal(decoy_index_by_spn(ix, spn), a);
    }
    assert_null(decoy_index_by_name(ix, "decoy10000"));
    decoy_index_free(ix);
    adseed_inventory_free(&inv);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_and_empty, setup, teardown),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
