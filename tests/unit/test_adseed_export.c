/* test_adseed_export.c - adseed's CSV reader (create --from) and the catalogue export: json, csv
 * (RFC 4180 quoting) and Sigma rules with hostile names safely quoted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/decoy.h"
#include "testutil.h"

static void test_csv_basic(void **state)
{
    (void)state;
    const char *text = "name,kind,spns,memo\r\n"
                       "svc_a,kerberoast,MSSQLSvc/a:1433;MSSQLSvc/a,\"memo, with comma\"\r\n"
                       "\n"
                       "# a comment\n"
                       "svc_b,asrep,,\"multi\nline \"\"quoted\"\"\"\n"
                       "svc_c";
    decoy_csv_row *rows = NULL;
    size_t n = 0;
    char err[256];
    assert_int_equal(decoy_csv_parse(text, strlen(text), "d.csv", &rows, &n, err, sizeof err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(rows[0].nfields, 4);
    assert_string_equal(rows[0].fields[3], "memo");
    assert_string_equal(rows[1].fields[2], "MSSQLSvc/a:1433;MSSQLSvc/a");
    assert_string_equal(rows[1].fields[3], "memo, with comma");
    assert_int_equal(rows[1].line, 2);
    assert_string_equal(rows[2].fields[0], "svc_b");
    assert_string_equal(rows[2].fields[2], "");
    assert_string_equal(rows[2].fields[3], "multi\nline \"quoted\"");
    assert_int_equal(rows[2].line, 5);
    assert_int_equal(rows[3].nfields, 1);
    assert_string_equal(rows[3].fields[0], "svc_c");
    assert_int_equal(rows[3].line, 7);
    decoy_csv_free(rows, n);
}

static void test_csv_errors(void **state)
{
    (void)state;
    const char *text = "name\nsvc_a\n\"svc_b\n";
    decoy_csv_row *rows = NULL;
    size_t n = 7;
    char err[256];
    assert_int_equal(decoy_csv_parse(text, strlen(text), "d.csv", &rows, &n, err, sizeof err), -1);
    assert_string_equal(err, "d.csv:3: unterminated quoted field");
    assert_null(rows);
    assert_int_equal(n, 0);
    /* empty input: no rows, no error */
    assert_int_equal(decoy_csv_parse("", 0, "e.csv", &rows, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);
    decoy_csv_free(rows, n);
}

static void put(adseed_inventory *inv, const char *name, adseed_kind kind, const char *guid, const char *spn,
                const char *memo, const char *retired)
{
    adseed_decoy d = {0};
    char err[256];
    d.name = (char *)name;
    d.kind = kind;
    d.guid = (char *)guid;
    d.memo = (char *)memo;
    d.retired = (char *)retired;
    if (spn) {
        d.spns[0] = (char *)spn;
        d.nspns = 1;
    }
    assert_int_equal(adseed_inventory_put(inv, &d, err, sizeof err), 0);
}

static void fill(adseed_inventory *inv)
{
    adseed_inventory_init(inv);
    put(inv, "svc_backup_legacy", ADSEED_KIND_KERBEROAST, "259162f1-58e4-4ee9-9b9c-2baf2a03d376",
        "MSSQLSvc/backup-legacy.corp.example:1433", "memo \"quoted\", comma", NULL);
    put(inv, "svc_o'brien", ADSEED_KIND_ASREP, NULL, NULL, NULL, NULL);
    put(inv, "svc_gone", ADSEED_KIND_KERBEROAST, "11111111-2222-3333-4444-555555555555", "MSSQLSvc/gone:1433",
        NULL, "2026-01-01T00:00:00Z");
}

static void test_export_sigma(void **state)
{
    (void)state;
    adseed_inventory inv;
    strbuf out = {0};
    char err[256];
    fill(&inv);
    assert_int_equal(decoy_export(&inv, "sigma", &out, err, sizeof err), 0);
    /* three rules */
    int rules = 0;
    for (const char *p = out.data; (p = strstr(p, "---\ntitle:")); p++)
        rules++;
    assert_int_equal(rules, 3);
    assert_non_null(strstr(out.data, "            - 4769\n        ServiceName:\n"
                                     "            - 'svc_backup_legacy'\n    condition"));
    /* YAML single quotes doubled, retired decoys left out */
    assert_non_null(strstr(out.data, "- 'svc_o''brien'"));
    assert_null(strstr(out.data, "svc_gone"));
    assert_non_null(strstr(out.data, "ObjectName:\n            - '%{259162f1-58e4-4ee9-9b9c-2baf2a03d376}'"));
    assert_non_null(strstr(out.data, "attack.t1558.003"));
    assert_non_null(strstr(out.data, "level: critical"));
    strbuf_free(&out);
    adseed_inventory_free(&inv);
}

static void test_export_csv_json(void **state)
{
    (void)state;
    adseed_inventory inv;
    strbuf out = {0};
    char err[256];
    fill(&inv);
    assert_int_equal(decoy_export(&inv, "csv", &out, err, sizeof err), 0);
    assert_non_null(strstr(out.data, "\"memo \"\"quoted\"\", comma\""));
    assert_non_null(strstr(out.data, "\"2026-01-01T00:00:00Z\",\"T1558.003\",\"D3-DUC\"\r\n"));
    /* the CSV reads back with our own parser: 1 header + 3 rows of 16 fields */
    decoy_csv_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(decoy_csv_parse(out.data, out.len, "x", &rows, &n, err, sizeof err), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rows[i].nfields, 16);
    assert_string_equal(rows[1].fields[7], "memo \"quoted\", comma");
    decoy_csv_free(rows, n);
    strbuf_free(&out);

    assert_int_equal(decoy_export(&inv, "json", &out, err, sizeof err), 0);
    json_error_t je;
    json_t *root = json_loads(out.data, 0, &je);
    assert_non_null(root);
    json_t *arr = json_object_get(root, "decoys");
    assert_int_equal(json_array_size(arr), 3);
    json_t *d1 = json_array_get(arr, 1);
    assert_string_equal(json_string_value(json_object_get(d1, "attack")), "T1558.004");
    assert_string_equal(json_string_value(json_object_get(d1, "kind")), "asrep");
    json_decref(root);
    strbuf_free(&out);

    assert_int_equal(decoy_export(&inv, "yaml", &out, err, sizeof err), -1);
    assert_string_equal(err, "--format yaml: expected json, csv or sigma");
    strbuf_free(&out);
    adseed_inventory_free(&inv);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_basic),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_export_sigma),
        cmocka_unit_test(test_export_csv_json),
    };
    return testutil_run(tests);
}
