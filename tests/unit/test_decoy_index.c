/* test_decoy_index.c - decoy lookups by name (with DOMAIN\, @REALM, trailing $ and any case), SID,
 * GUID (braces, %{...}), SPN (with and without @REALM) and DN; retired decoys; 10,000 decoys;
 * first decoy wins on duplicate keys; keys whose hash tags and home slots collide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "svc/base/hash.h"
#include "svc/detect/decoy_index.h"
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
    assert_null(decoy_index_by_name(f->ix, "old_one")); /* retired */
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
        len += (size_t)snprintf(
            json + len, cap - len,
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

/* ---- hand-built inventories: values the JSON loader would reject (duplicates, braces) ------ */
static void put_decoy(adseed_inventory *inv, char *name, char *sid, char *guid, char *dn, char **spns,
                      size_t nspns, char *retired)
{
    adseed_decoy *d = &inv->decoys[inv->ndecoys++];
    memset(d, 0, sizeof *d);
    d->name = name;
    d->sid = sid;
    d->guid = guid;
    d->dn = dn;
    d->retired = retired;
    for (size_t i = 0; i < nspns; i++)
        d->spns[i] = spns[i];
    d->nspns = nspns;
}

static void test_key_forms(void **state)
{
    (void)state;
    adseed_decoy arr[6];
    adseed_inventory inv = {.version = 1, .decoys = arr, .cap = 6};
    char spnbuf[ADSEED_MAX_SPNS][64], q[96], err[128];
    char *spns[ADSEED_MAX_SPNS], *dup_spn[] = {"http/web01", "cifs/fs01@CORP"}, *old_spn[] = {"ldap/dc9"};
    decoy_index *ix;

    for (int i = 0; i < ADSEED_MAX_SPNS; i++) {
        snprintf(spnbuf[i], sizeof spnbuf[i],
                 i % 2 ? "Svc%02d/Host.Corp:%d@CORP.EXAMPLE" : "Svc%02d/Host.Corp:%d", i, 1000 + i);
        spns[i] = spnbuf[i];
    }
    put_decoy(&inv, "WS01$", "s-1-5-21-7-7-7-500", "{AAAAAAAA-0000-4000-8000-00000000000A}",
              "CN=WS01,OU=PCs,DC=corp,DC=example", spns, ADSEED_MAX_SPNS, NULL);
    put_decoy(&inv, "ws01", "S-1-5-21-7-7-7-500", "aaaaaaaa-0000-4000-8000-00000000000a",
              "cn=ws01,ou=pcs,dc=corp,dc=example", dup_spn, 2, NULL); /* every key taken: unreachable */
    put_decoy(&inv, "gone", "S-1-5-21-7-7-7-9", NULL, NULL, old_spn, 1, "2026-01-01T00:00:00Z");
    put_decoy(&inv, "CORP\\kept@corp.example", "S-1-5-21-7-7-7-9", NULL, NULL, old_spn, 1, NULL);
    put_decoy(&inv, "$", NULL, "not-a-guid", "", NULL, 0, NULL);
    ix = decoy_index_build(&inv, err, sizeof err);
    assert_non_null(ix);
    assert_int_equal(decoy_index_count(ix), 4);

    /* name: the inventory's "WS01$" answers "ws01$" and "ws01"; the later "ws01" loses both */
    assert_ptr_equal(decoy_index_by_name(ix, "ws01"), &arr[0]);
    assert_ptr_equal(decoy_index_by_name(ix, "CORP\\WS01$"), &arr[0]);
    assert_ptr_equal(decoy_index_by_name(ix, "ws01$@corp.example"), &arr[0]);
    assert_null(decoy_index_by_name(ix, "ws0"));
    assert_ptr_equal(decoy_index_by_name(ix, "ws01$$"), &arr[0]); /* one '$' dropped: "ws01$" */
    assert_null(decoy_index_by_name(ix, "ws01x"));
    /* an inventory name is normalised like a query: DOMAIN\ and @REALM dropped */
    assert_ptr_equal(decoy_index_by_name(ix, "KEPT"), &arr[3]);
    assert_ptr_equal(decoy_index_by_name(ix, "kept$"), &arr[3]);
    assert_null(decoy_index_by_name(ix, "gone"));
    assert_ptr_equal(decoy_index_by_name(ix, "$"), &arr[4]); /* a lone "$" keeps its '$' */
    assert_null(decoy_index_by_name(ix, ""));
    /* SID: upper-cased on both sides; the retired decoy does not shadow the later one */
    assert_ptr_equal(decoy_index_by_sid(ix, "S-1-5-21-7-7-7-500"), &arr[0]);
    assert_ptr_equal(decoy_index_by_sid(ix, "s-1-5-21-7-7-7-9"), &arr[3]);
    /* GUID: braces in the inventory too; a malformed inventory GUID is not a key */
    assert_ptr_equal(decoy_index_by_guid(ix, "aaaaaaaa-0000-4000-8000-00000000000a"), &arr[0]);
    assert_ptr_equal(decoy_index_by_guid(ix, "%{AAAAAAAA-0000-4000-8000-00000000000A}"), &arr[0]);
    assert_null(decoy_index_by_guid(ix, "not-a-guid"));
    /* DN: case-insensitive, first wins; an empty DN is not a key */
    assert_ptr_equal(decoy_index_by_dn(ix, "cn=ws01,ou=pcs,dc=corp,dc=example"), &arr[0]);
    assert_null(decoy_index_by_dn(ix, ""));
    /* SPN: every one of the 16, with and without @REALM on either side, any case */
    for (int i = 0; i < ADSEED_MAX_SPNS; i++) {
        snprintf(q, sizeof q, "svc%02d/host.corp:%d", i, 1000 + i);
        assert_ptr_equal(decoy_index_by_spn(ix, q), &arr[0]);
        snprintf(q, sizeof q, "SVC%02d/HOST.CORP:%d@OTHER.REALM", i, 1000 + i);
        assert_ptr_equal(decoy_index_by_spn(ix, q), &arr[0]);
        snprintf(q, sizeof q, "svc%02d/host.corp:%d", i, 2000 + i);
        assert_null(decoy_index_by_spn(ix, q));
    }
    assert_ptr_equal(decoy_index_by_spn(ix, "HTTP/WEB01@X"), &arr[1]);
    assert_ptr_equal(decoy_index_by_spn(ix, "cifs/fs01"), &arr[1]);
    assert_ptr_equal(decoy_index_by_spn(ix, "ldap/dc9"), &arr[3]);
    decoy_index_free(ix);
}

/* The index keeps a 32-bit tag of each key's 64-bit FNV-1a hash and probes from hash & (cap - 1).
 * These two keys (found by brute force) have the same tag and the same low 5 bits, so in a small
 * table one sits on the other's home slot with an equal tag and only the key comparison tells
 * them apart. All digits and dashes, so they are the same key in every table (SIDs upper-cased). */
static const char collide_a[] = "00098613-0000-0000-0000-000000000000";
static const char collide_b[] = "00514827-0000-0000-0000-000000000000";

static void assert_all_keys(const decoy_index *ix, const char *key, const adseed_decoy *want)
{
    char q[64];
    assert_ptr_equal(decoy_index_by_name(ix, key), want);
    assert_ptr_equal(decoy_index_by_sid(ix, key), want);
    assert_ptr_equal(decoy_index_by_guid(ix, key), want);
    assert_ptr_equal(decoy_index_by_dn(ix, key), want);
    assert_ptr_equal(decoy_index_by_spn(ix, key), want);
    snprintf(q, sizeof q, "{%s}", key);
    assert_ptr_equal(decoy_index_by_guid(ix, q), want);
}

static void test_collisions(void **state)
{
    (void)state;
    enum { NSIMILAR = 3000 };
    adseed_decoy *arr = calloc(NSIMILAR + 2, sizeof *arr);
    char(*keys)[40] = calloc(NSIMILAR, sizeof *keys), a[40], b[40], err[128];
    adseed_inventory inv = {.version = 1, .decoys = arr, .cap = NSIMILAR + 2};
    char *spn_a[1], *spn_b[1];
    decoy_index *ix;
    uint64_t ha = hash_fnv1a(collide_a, strlen(collide_a)), hb = hash_fnv1a(collide_b, strlen(collide_b));

    assert_non_null(arr);
    assert_non_null(keys);
    assert_true(ha != hb && (ha >> 32) == (hb >> 32) && ((ha ^ hb) & 31) == 0); /* the precondition */
    memcpy(a, collide_a, sizeof collide_a);
    memcpy(b, collide_b, sizeof collide_b);
    spn_a[0] = a;
    spn_b[0] = b;

    /* only a indexed: b probes onto a's slot, equal tag, and must not match */
    put_decoy(&inv, a, a, a, a, spn_a, 1, NULL);
    ix = decoy_index_build(&inv, err, sizeof err);
    assert_non_null(ix);
    assert_all_keys(ix, collide_a, &arr[0]);
    assert_all_keys(ix, collide_b, NULL);
    decoy_index_free(ix);

    /* both, in either order: each finds its own decoy past the other */
    for (int order = 0; order < 2; order++) {
        inv.ndecoys = 0;
        put_decoy(&inv, order ? b : a, order ? b : a, order ? b : a, order ? b : a, order ? spn_b : spn_a, 1,
                  NULL);
        put_decoy(&inv, order ? a : b, order ? a : b, order ? a : b, order ? a : b, order ? spn_a : spn_b, 1,
                  NULL);
        ix = decoy_index_build(&inv, err, sizeof err);
        assert_non_null(ix);
        assert_all_keys(ix, collide_a, &arr[order ? 1 : 0]);
        assert_all_keys(ix, collide_b, &arr[order ? 0 : 1]);
        decoy_index_free(ix);
    }

    /* many similar keys (one digit apart) around the pair, in a table at its full load */
    for (int i = 0; i < NSIMILAR; i++) {
        snprintf(keys[i], sizeof keys[i], "%08d-0000-0000-0000-000000000000", 98000 + 2 * i);
        put_decoy(&inv, keys[i], keys[i], keys[i], keys[i], NULL, 0, NULL);
    }
    ix = decoy_index_build(&inv, err, sizeof err);
    assert_non_null(ix);
    assert_int_equal(decoy_index_count(ix), NSIMILAR + 2);
    assert_all_keys(ix, collide_b, &arr[0]);
    assert_all_keys(ix, collide_a, &arr[1]);
    for (int i = 0; i < NSIMILAR; i++) {
        char q[40];
        assert_ptr_equal(decoy_index_by_name(ix, keys[i]), &arr[2 + i]);
        assert_ptr_equal(decoy_index_by_sid(ix, keys[i]), &arr[2 + i]);
        assert_ptr_equal(decoy_index_by_guid(ix, keys[i]), &arr[2 + i]);
        assert_ptr_equal(decoy_index_by_dn(ix, keys[i]), &arr[2 + i]);
        snprintf(q, sizeof q, "%08d-0000-0000-0000-000000000000", 98000 + 2 * i + 1);
        if (strcmp(q, collide_a) != 0)
            assert_null(decoy_index_by_name(ix, q));
    }
    decoy_index_free(ix);
    free(keys);
    free(arr);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_and_empty, setup, teardown),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_key_forms),
        cmocka_unit_test(test_collisions),
    };
    return testutil_run(tests);
}
