/* test_inventory_breadcrumb.c - the "breadcrumbs" array of an inventory entry: an old inventory
 * without it still loads, every field is validated with an error naming breadcrumbs[i].field,
 * save/load keeps every field, put deep-copies, lookups by id and the active breadcrumb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "testutil.h"

#define ENTRY(bc) "{\"version\":1,\"decoys\":[{\"name\":\"svc_gpp\",\"breadcrumbs\":[" bc "]}]}"
#define GOOD                                                                                                 \
    "{\"id\":\"bc-0123456789ab\",\"kind\":\"gpp\",\"location\":\"SYSVOL Groups.xml\","                       \
    "\"planted\":\"2026-11-29T10:00:00Z\",\"planted_by\":\"u:DECOY\\\\admin\"}"

static int parse(adseed_inventory *inv, const char *json, char *err, size_t errlen)
{
    adseed_inventory_init(inv);
    return adseed_inventory_parse(inv, json, strlen(json), "inv.json", err, errlen);
}

static void expect_error(const char *json, const char *frag)
{
    adseed_inventory inv;
    char err[512] = "";
    assert_int_equal(parse(&inv, json, err, sizeof err), -1);
    if (!strstr(err, frag) || !strstr(err, "inv.json: decoys[0] (svc_gpp)"))
        fail_msg("error \"%s\" lacks \"%s\"", err, frag);
    adseed_inventory_free(&inv);
}

static void test_old_inventory_loads(void **state)
{
    (void)state;
    adseed_inventory inv;
    char err[256];
    assert_int_equal(parse(&inv,
                           "{\"version\":1,\"decoys\":[{\"name\":\"a\"},{\"name\":\"b\","
                           "\"breadcrumbs\":null},{\"name\":\"c\",\"breadcrumbs\":[]}]}",
                           err, sizeof err),
                     0);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(inv.decoys[i].nbreadcrumbs, 0);
        assert_null(adseed_decoy_active_breadcrumb(&inv.decoys[i]));
    }
    adseed_inventory_free(&inv);
}

static void test_valid_breadcrumbs(void **state)
{
    (void)state;
    adseed_inventory inv;
    adseed_decoy *owner = NULL;
    char err[256];
    const char *json = ENTRY(GOOD ",{\"id\":\"bc-2\",\"kind\":\"description\",\"location\":\"LDAP\","
                                  "\"fingerprint\":\"sha256:"
                                  "0123456789abcdef0123456789abcdef"
                                  "0123456789abcdef0123456789abcdef\",\"removed\":\"2026-11-30T00:00:00Z\","
                                  "\"x-future\":1}");
    assert_int_equal(parse(&inv, json, err, sizeof err), 0);
    adseed_decoy *d = &inv.decoys[0];
    assert_int_equal(d->nbreadcrumbs, 2);
    assert_string_equal(d->breadcrumbs[0].id, "bc-0123456789ab");
    assert_int_equal(d->breadcrumbs[0].kind, ADSEED_LURE_GPP);
    assert_string_equal(d->breadcrumbs[0].location, "SYSVOL Groups.xml");
    assert_string_equal(d->breadcrumbs[0].planted_by, "u:DECOY\\admin");
    assert_int_equal(d->breadcrumbs[1].kind, ADSEED_LURE_DESCRIPTION);
    /* the second is removed: the active one is the first */
    assert_ptr_equal(adseed_decoy_active_breadcrumb(d), &d->breadcrumbs[0]);
    assert_ptr_equal(adseed_inventory_find_breadcrumb(&inv, "BC-2", &owner), &d->breadcrumbs[1]);
    assert_ptr_equal(owner, d);
    assert_null(adseed_inventory_find_breadcrumb(&inv, "bc-3", NULL));
    adseed_inventory_free(&inv);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"svc_gpp\",\"breadcrumbs\":{}}]}",
                 "field 'breadcrumbs': must be an array");
    expect_error(ENTRY("1"), "field 'breadcrumbs[0]': must be an object");
    expect_error(ENTRY("{\"kind\":\"gpp\",\"location\":\"x\"}"), "'breadcrumbs[0].id': required");
    expect_error(ENTRY("{\"id\":\"a b\",\"kind\":\"gpp\",\"location\":\"x\"}"), "'breadcrumbs[0].id'");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"ntds\",\"location\":\"x\"}"),
                 "'breadcrumbs[0].kind': required: one of description, gpp");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\"}"), "'breadcrumbs[0].location': required");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\",\"location\":5}"),
                 "'breadcrumbs[0].location': must be a string");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\",\"location\":\"a\\nb\"}"),
                 "'breadcrumbs[0].location': contains a control character");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\",\"location\":\"x\",\"planted\":\"yesterday\"}"),
                 "'breadcrumbs[0].planted': not an ISO 8601");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\",\"location\":\"x\",\"removed\":\"2026\"}"),
                 "'breadcrumbs[0].removed'");
    expect_error(ENTRY("{\"id\":\"a\",\"kind\":\"gpp\",\"location\":\"x\",\"fingerprint\":\"md5:00\"}"),
                 "'breadcrumbs[0].fingerprint'");
    expect_error(ENTRY(GOOD "," GOOD), "'breadcrumbs[1].id': duplicate breadcrumb id");
}

static void test_put_save_load(void **state)
{
    (void)state;
    adseed_inventory inv, back;
    adseed_decoy d = {0};
    adseed_breadcrumb b = {.id = "bc-aa",
                           .kind = ADSEED_LURE_UNATTEND,
                           .location = "\\\\wds\\\"x\"",
                           .planted = "2026-11-29T10:00:00Z",
                           .planted_by = "admin"};
    char err[512], dir[512], path[600];
    adseed_inventory_init(&inv);
    d.name = strdup("svc_lure");
    assert_int_equal(adseed_decoy_add_breadcrumb(&d, &b, err, sizeof err), 0);
    b.id = "bc-bb";
    b.kind = ADSEED_LURE_CMDKEY;
    assert_int_equal(adseed_decoy_add_breadcrumb(&d, &b, err, sizeof err), 0);
    assert_int_equal(adseed_inventory_put(&inv, &d, err, sizeof err), 0);
    adseed_decoy_free(&d); /* put made a deep copy */
    snprintf(path, sizeof path, "%s/inv.json", testutil_tmpdir(dir, sizeof dir, "bc"));
    assert_int_equal(adseed_inventory_save(&inv, path, err, sizeof err), 0);
    adseed_inventory_init(&back);
    assert_int_equal(adseed_inventory_load(&back, path, err, sizeof err), 0);
    assert_int_equal(back.decoys[0].nbreadcrumbs, 2);
    assert_string_equal(back.decoys[0].breadcrumbs[0].location, "\\\\wds\\\"x\"");
    assert_int_equal(back.decoys[0].breadcrumbs[0].kind, ADSEED_LURE_UNATTEND);
    assert_int_equal(back.decoys[0].breadcrumbs[1].kind, ADSEED_LURE_CMDKEY);
    assert_string_equal(back.decoys[0].breadcrumbs[1].planted, "2026-11-29T10:00:00Z");
    assert_null(back.decoys[0].breadcrumbs[1].removed);
    adseed_inventory_free(&back);
    adseed_inventory_free(&inv);
}

static void test_lure_names(void **state)
{
    (void)state;
    static const char *const names[] = {"description", "gpp", "script", "cmdkey", "unattend"};
    adseed_lure k;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(adseed_lure_parse(names[i], &k), 0);
        assert_string_equal(adseed_lure_name(k), names[i]);
    }
    assert_int_equal(adseed_lure_parse("GPP", &k), -1);
    assert_int_equal(adseed_lure_parse(NULL, &k), -1);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_inventory_loads),
        cmocka_unit_test(test_valid_breadcrumbs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_put_save_load),
        cmocka_unit_test(test_lure_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
