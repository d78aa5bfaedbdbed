/* test_inventory.c - the decoy inventory: strict loading with precise errors, normalisation,
 * put/find, atomic save with mode 0644 and a load/save round trip; the file helpers. The streaming
 * parser (inventory_stream.c) must report what a whole-document jansson parse reports: syntax
 * errors with the file's line and column, and the same precedence between errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <jansson.h>

#include "adseed/adseed.h"
#include "testutil.h"

static int parse(adseed_inventory *inv, const char *json, char *err, size_t errlen)
{
    return adseed_inventory_parse(inv, json, strlen(json), "inv.json", err, errlen);
}

/* Parses json expecting an error that contains every given fragment. */
static void expect_error(const char *json, const char *frag1, const char *frag2)
{
    adseed_inventory inv;
    char err[512] = "";
    adseed_inventory_init(&inv);
    assert_int_equal(parse(&inv, json, err, sizeof err), -1);
    if (!strstr(err, frag1) || (frag2 && !strstr(err, frag2)))
        fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err, frag1, frag2 ? frag2 : "");
    assert_int_equal(inv.ndecoys, 0);
    adseed_inventory_free(&inv);
}

static void test_full_entry(void **state)
{
    (void)state;
    const char *json = "{\"version\":1,\"comment\":\"unknown keys are fine\",\"decoys\":[{"
                       "\"name\":\"svc_backup_legacy\",\"domain\":\"CORP.EXAMPLE\","
                       "\"sid\":\"s-1-5-21-1-2-3-1105\",\"guid\":\"{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}\","
                       "\"dn\":\"CN=svc_backup_legacy,OU=Service,DC=corp,DC=example\","
                       "\"spns\":[\"MSSQLSvc/db01.corp.example:1433\",\"MSSQLSvc/db01.corp.example\"],"
                       "\"kind\":\"kerberoast\",\"memo\":\"planted by SOC\",\"location\":\"OU=Service\","
                       "\"owner\":\"soc@corp.example\",\"runbook\":\"https://wiki/runbook\","
                       "\"created\":\"2026-11-22T10:00:00Z\",\"created_by\":\"alice\",\"x-extra\":{\"a\":1}},"
                       "{\"name\":\"admin-test\",\"kind\":\"asrep\"},{\"name\":\"plainone\"}]}";
    adseed_inventory inv;
    char err[256];
    adseed_inventory_init(&inv);
    assert_int_equal(parse(&inv, json, err, sizeof err), 0);
    assert_int_equal(inv.ndecoys, 3);
    adseed_decoy *d = &inv.decoys[0];
    assert_string_equal(d->name, "svc_backup_legacy");
    assert_string_equal(d->sid, "S-1-5-21-1-2-3-1105");
    assert_string_equal(d->guid, "259162f1-58e4-4ee9-9b9c-2baf2a03d376");
    assert_int_equal(d->nspns, 2);
    assert_string_equal(d->spns[0], "MSSQLSvc/db01.corp.example:1433");
    assert_int_equal(d->kind, ADSEED_KIND_KERBEROAST);
    assert_string_equal(d->created_by, "alice");
    assert_null(d->retired);
    assert_int_equal(inv.decoys[1].kind, ADSEED_KIND_ASREP);
    assert_int_equal(inv.decoys[2].kind, ADSEED_KIND_PLAIN);
    assert_null(inv.decoys[2].sid);
    assert_ptr_equal(adseed_inventory_find(&inv, "ADMIN-TEST"), &inv.decoys[1]);
    assert_null(adseed_inventory_find(&inv, "admin"));
    adseed_inventory_free(&inv);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"version\":1,\"decoys\":[", "inv.json:1:", "invalid JSON");
    expect_error("[1]", "inv.json", "object");
    expect_error("{\"decoys\":[]}", "inv.json", "'version'");
    expect_error("{\"version\":2,\"decoys\":[]}", "'version'", "must be 1");
    expect_error("{\"version\":\"1\",\"decoys\":[]}", "'version'", NULL);
    expect_error("{\"version\":1}", "'decoys'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"kind\":\"plain\"}]}", "decoys[0]", "'name'");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"\"}]}", "decoys[0]", "'name'");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"a\"},{\"name\":\"b\",\"kind\":\"honey\"}]}",
                 "inv.json: decoys[1] (b): field 'kind'", "kerberoast");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"sid\":\"S-1-5-21-abc\"}]}",
                 "decoys[0] (x): field 'sid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"sid\":\"S-1\"}]}", "'sid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"sid\":\"S-2-5-21\"}]}", "'sid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"sid\":\"S-1-5-\"}]}", "'sid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"guid\":\"259162f1-58e4-4ee9-9b9c\"}]}",
                 "(x): field 'guid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"guid\":\"259162f1x58e4-4ee9-9b9c-2baf2a03d376\"}]}",
                 "'guid'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"memo\":5}]}", "'memo'", "string");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"spns\":\"HTTP/a\"}]}", "'spns'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"spns\":[3]}]}", "'spns'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"created\":\"yesterday\"}]}", "'created'", NULL);
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"Svc\"},{\"name\":\"svc\"}]}",
                 "decoys[1] (svc): field 'name'", "duplicate");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"a\\\\b\"}]}", "'name'", NULL);
    expect_error("{\"version\":1,\"version\":1,\"decoys\":[]}", "inv.json", "duplicate");
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\"}, 7]}", "decoys[1]", "object");
    /* 17 SPNs */
    char big[2048] = "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"spns\":[";
    for (int i = 0; i < 17; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "%s\"HTTP/h%d\"", i ? "," : "", i);
    strcat(big, "]}]}");
    expect_error(big, "'spns'", "16");
}

static void test_invalid_utf8_rejected(void **state)
{
    (void)state;
    expect_error("{\"version\":1,\"decoys\":[{\"name\":\"x\",\"memo\":\"\xff\xfe\"}]}", "inv.json", NULL);
}

static void test_missing_file(void **state)
{
    (void)state;
    adseed_inventory inv;
    char err[512];
    adseed_inventory_init(&inv);
    assert_int_equal(adseed_inventory_load(&inv, "/nonexistent/dir/inv.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/dir/inv.json"));
    assert_non_null(strstr(err, "ENOENT"));
    adseed_inventory_free(&inv);
}

static void test_kind_names(void **state)
{
    (void)state;
    adseed_kind k;
    const char *names[] = {"plain", "kerberoast", "asrep", "recon"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(adseed_kind_parse(names[i], &k), 0);
        assert_int_equal(k, i);
        assert_string_equal(adseed_kind_name(k), names[i]);
    }
    assert_int_equal(adseed_kind_parse("Kerberoast", &k), -1);
    assert_int_equal(adseed_kind_parse(NULL, &k), -1);
}

static void test_put_save_load(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    adseed_inventory inv, back;
    adseed_decoy d;
    struct stat st;

    testutil_tmpdir(dir, sizeof dir, "inventory");
    snprintf(path, sizeof path, "%s/inv.json", dir);
    adseed_inventory_init(&inv);
    adseed_inventory_init(&back);
    memset(&d, 0, sizeof d);
    d.name = "svc_backup_legacy";
    d.kind = ADSEED_KIND_KERBEROAST;
    d.spns[0] = "MSSQLSvc/db01.corp.example:1433";
    d.nspns = 1;
    d.memo = "quote \" newline \n tab \t done";
    d.sid = "S-1-5-21-1-2-3-1105";
    assert_int_equal(adseed_inventory_put(&inv, &d, err, sizeof err), 0);
    d.name = "admin-test";
    d.kind = ADSEED_KIND_ASREP;
    d.nspns = 0;
    d.sid = NULL;
    d.memo = "first";
    assert_int_equal(adseed_inventory_put(&inv, &d, err, sizeof err), 0);
    d.name = "ADMIN-TEST"; /* replaces, case-insensitively */
    d.memo = "second";
    assert_int_equal(adseed_inventory_put(&inv, &d, err, sizeof err), 0);
    assert_int_equal(inv.ndecoys, 2);
    assert_string_equal(inv.decoys[1].memo, "second");

    assert_int_equal(adseed_inventory_save(&inv, path, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
#ifndef _WIN32 /* POSIX modes only */
    assert_int_equal(st.st_mode & 0777, 0644);
#endif
    assert_int_equal(adseed_inventory_load(&back, path, err, sizeof err), 0);
    assert_int_equal(back.ndecoys, 2);
    assert_string_equal(back.decoys[0].memo, "quote \" newline \n tab \t done");
    assert_string_equal(back.decoys[0].spns[0], "MSSQLSvc/db01.corp.example:1433");
    assert_int_equal(back.decoys[0].kind, ADSEED_KIND_KERBEROAST);
    assert_string_equal(back.decoys[1].name, "ADMIN-TEST");
    assert_int_equal(back.decoys[1].kind, ADSEED_KIND_ASREP);

    /* no temp files left behind */
    DIR *dh = opendir(dir);
    struct dirent *de;
    int files = 0;
    assert_non_null(dh);
    while ((de = readdir(dh)))
        if (de->d_name[0] != '.')
            files++;
    closedir(dh);
    assert_int_equal(files, 1);

    /* a failed parse leaves the old contents */
    assert_int_equal(parse(&back, "{\"version\":1,\"decoys\":[{}]}", err, sizeof err), -1);
    assert_int_equal(back.ndecoys, 2);
    adseed_inventory_free(&back);
    adseed_inventory_free(&inv);
    remove(path);
}

static void test_write_atomic_and_read(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    size_t len = 0;
    char *buf;

    testutil_tmpdir(dir, sizeof dir, "fileutil");
    snprintf(path, sizeof path, "%s/state", dir);
    assert_int_equal(adseed_write_file_atomic(path, "hello", 5, 0600, err, sizeof err), 0);
    assert_int_equal(adseed_write_file_atomic(path, "bye\0x", 5, 0600, err, sizeof err), 0);
    buf = adseed_read_file(path, &len, err, sizeof err);
    assert_non_null(buf);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "bye\0x", 5);
    free(buf);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
#ifndef _WIN32
    assert_int_equal(st.st_mode & 0777, 0600);
#endif
    snprintf(path, sizeof path, "%s/no/such/dir/file", dir);
    assert_int_equal(adseed_write_file_atomic(path, "x", 1, 0644, err, sizeof err), -1);
    assert_non_null(strstr(err, "no/such/dir"));
    assert_null(adseed_read_file(path, &len, err, sizeof err));
    assert_non_null(strstr(err, "no/such/dir"));
}

static void test_example_inventory(void **state)
{
    (void)state;
    const char *src = getenv("ADDECOY_SRC");
    char path[1024], err[512];
    adseed_inventory inv;
    if (!src) {
        printf("SKIP: ADDECOY_SRC not set: example inventory not checked\n");
        return;
    }
    snprintf(path, sizeof path, "%s/conf/inventory.example.json", src);
    adseed_inventory_init(&inv);
    if (adseed_inventory_load(&inv, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    adseed_decoy *d = adseed_inventory_find(&inv, "svc_backup_legacy");
    assert_non_null(d);
    assert_int_equal(d->kind, ADSEED_KIND_KERBEROAST);
    assert_string_equal(d->spns[0], "MSSQLSvc/db01.corp.example:1433");
    assert_true(inv.ndecoys >= 3);
    adseed_inventory_free(&inv);
}

/* ---- the streaming parser ---------------------------------------------------------------------- */
#define BIG_N 5000

/* An inventory of n decoys, one per line: entry i is on line 4 + i. Memos hold multi-byte UTF-8
 * (columns count characters, as jansson counts them) and brackets inside strings. */
static char *big_inventory(size_t n)
{
    size_t cap = 200 + n * 160, o = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    o += (size_t)snprintf(s + o, cap - o, "{\n  \"version\": 1,\n  \"decoys\": [\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o,
                              "    {\"memo\": \"caf\xc3\xa9 \xe2\x98\x95 ]}\\\" %zu\", \"name\": \"decoy_%05zu\", "
                              "\"spns\": [\"HTTP/h%zu.corp.example\"]}%s\n",
                              i, i, i, i + 1 < n ? "," : "");
    snprintf(s + o, cap - o, "  ]\n}\n");
    return s;
}

/* Replaces the first occurrence of from (which must exist) by to, in place. */
static void patch(char *s, const char *from, const char *to)
{
    char *p = strstr(s, from);
    size_t lf = strlen(from), lt = strlen(to);
    assert_non_null(p);
    memmove(p + lt, p + lf, strlen(p + lf) + 1);
    memcpy(p, to, lt);
}

/* The error a whole-document jansson parse reports for json (what the loader did before it
 * streamed), or "" when jansson accepts it. */
static void whole_document_error(const char *json, char *out, size_t outlen)
{
    json_error_t e;
    json_t *root = json_loadb(json, strlen(json), JSON_REJECT_DUPLICATES, &e);
    out[0] = '\0';
    if (!root)
        snprintf(out, outlen, "inv.json:%d:%d: invalid JSON: %s", e.line, e.column, e.text);
    json_decref(root);
}

/* json must fail with exactly want, and a whole-document parse must report the same. */
static void expect_exact(const char *json, const char *want)
{
    adseed_inventory inv;
    char err[512] = "", whole[512];
    adseed_inventory_init(&inv);
    assert_int_equal(parse(&inv, json, err, sizeof err), -1);
    assert_string_equal(err, want);
    whole_document_error(json, whole, sizeof whole);
    if (whole[0])
        assert_string_equal(err, whole);
    assert_int_equal(inv.ndecoys, 0);
    adseed_inventory_free(&inv);
}

static void test_large_file_loads(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    char *json = big_inventory(BIG_N);
    adseed_inventory inv;
    testutil_tmpdir(dir, sizeof dir, "inventory-big");
    snprintf(path, sizeof path, "%s/inv.json", dir);
    assert_int_equal(adseed_write_file_atomic(path, json, strlen(json), 0644, err, sizeof err), 0);
    adseed_inventory_init(&inv);
    if (adseed_inventory_load(&inv, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(inv.ndecoys, BIG_N);
    assert_string_equal(inv.decoys[BIG_N - 1].name, "decoy_04999");
    assert_string_equal(inv.decoys[BIG_N - 1].memo, "caf\xc3\xa9 \xe2\x98\x95 ]}\" 4999");
    assert_string_equal(inv.decoys[17].spns[0], "HTTP/h17.corp.example");
    assert_ptr_equal(adseed_inventory_find(&inv, "DECOY_03333"), &inv.decoys[3333]);
    adseed_inventory_free(&inv);

    /* an empty file is a JSON error, not a read error */
    assert_int_equal(adseed_write_file_atomic(path, "", 0, 0644, err, sizeof err), 0);
    assert_int_equal(adseed_inventory_load(&inv, path, err, sizeof err), -1);
    assert_string_equal(strstr(err, "inv.json:"),
                        "inv.json:1:0: invalid JSON: '[' or '{' expected near end of file");
    remove(path);
    free(json);
}

static void test_large_file_error_positions(void **state)
{
    (void)state;
    char *json;

    /* inside an entry: entry 4000 is on line 4004; '"name" "decoy_04000"' lacks its ':' */
    json = big_inventory(BIG_N);
    patch(json, "\"name\": \"decoy_04000\"", "\"name\" \"decoy_04000\"");
    expect_exact(json, "inv.json:4004:53: invalid JSON: ':' expected near '\"decoy_04000\"'");
    free(json);

    /* between entries: a missing ',' after entry 4321 */
    json = big_inventory(BIG_N);
    patch(json, "[\"HTTP/h4321.corp.example\"]},", "[\"HTTP/h4321.corp.example\"]}");
    expect_exact(json, "inv.json:4326:5: invalid JSON: ']' expected near '{'");
    free(json);

    /* a lexical error after multi-byte characters: the column counts characters, not bytes */
    json = big_inventory(BIG_N);
    patch(json, "\xe2\x98\x95 ]}\\\" 4998", "\xe2\x98\x95 ]}\\q 4998");
    expect_exact(json, "inv.json:5002:25: invalid JSON: invalid escape near '\"caf\xc3\xa9 \xe2\x98\x95 ]}\\q'");
    free(json);

    /* invalid UTF-8 late in the file */
    json = big_inventory(BIG_N);
    patch(json, "decoy_04990",
          "decoy_\xff"
          "4990");
    expect_exact(json, "inv.json:4994:48: invalid JSON: unable to decode byte 0xff near '\"decoy_'");
    free(json);

    /* after the array and after the object */
    json = big_inventory(BIG_N);
    patch(json, "  ]\n}\n", "  ]\n  \"tail\": 1\n}\n");
    expect_exact(json, "inv.json:5005:8: invalid JSON: '}' expected near '\"tail\"'");
    free(json);
    json = big_inventory(BIG_N);
    patch(json, "  ]\n}\n", "  ]\n} {}\n");
    expect_exact(json, "inv.json:5005:3: invalid JSON: end of file expected near '{'");
    free(json);
    json = big_inventory(BIG_N);
    patch(json, "  ]\n}\n", "  ],\n");
    expect_exact(json, "inv.json:5005:0: invalid JSON: string or '}' expected near end of file");
    free(json);
}

static void test_duplicate_name_late(void **state)
{
    (void)state;
    char *json = big_inventory(BIG_N);
    patch(json, "decoy_04998", "DECOY_00003");
    expect_exact(json, "inv.json: decoys[4998] (DECOY_00003): field 'name': duplicate name "
                       "(names are case-insensitive)");
    free(json);
}

/* A whole-document load reported a syntax error anywhere before any field error, then 'version',
 * then 'decoys', then the first invalid entry; streaming keeps that order. */
static void test_error_precedence(void **state)
{
    (void)state;
    char *json = big_inventory(BIG_N);
    patch(json, "decoy_00010", "bad/name");
    patch(json, "  ]\n}\n", "  ]\n}\n,");
    expect_exact(json, "inv.json:5006:1: invalid JSON: end of file expected near ','");
    free(json);

    expect_exact("{\"decoys\":[{\"name\":\"\"}],\"version\":2}",
                 "inv.json: field 'version': must be 1 (the only inventory version)");
    expect_exact("{\"decoys\":[{\"name\":\"a\"}],\"version\":1,\"decoys\":[]}",
                 "inv.json:1:45: invalid JSON: duplicate object key near '\"decoys\"'");
    expect_exact("{\"decoys\":[{\"name\":\"x\",\"kind\":\"honey\"},{\"name\":\"a\",\"name\":\"b\"}],\"version\":1}",
                 "inv.json:1:57: invalid JSON: duplicate object key near '\"name\"'");
    expect_exact("{\"decoys\":[{\"name\":\"x\",\"kind\":\"honey\"},{\"name\":\"X\"}],\"version\":1}",
                 "inv.json: decoys[0] (x): field 'kind': must be one of kerberoast, asrep, recon, plain");
}

static void test_unknown_top_level_keys(void **state)
{
    (void)state;
    const char *json =
        "{\"x-before\": {\"a\": [1, {\"b\": \"]}\\\"[{\"}], \"c\": {\"d\": {}}},\n"
        " \"version\": 1, \"list\": [[], [[{}]], \"decoys\"],\n"
        " \"decoys\": [{\"name\": \"one\", \"x-entry\": {\"deep\": [[[{\"decoys\": []}]]]}},\n"
        "             {\"name\": \"two\", \"kind\": \"recon\", \"x\": [\"]\", \"}\"]}],\n"
        " \"x-after\": [{\"decoys\": [{\"name\": \"not-an-entry\"}]}, null, true, -1.5e3, \"\\u00e9\"]}";
    adseed_inventory inv;
    char err[512] = "";
    adseed_inventory_init(&inv);
    if (parse(&inv, json, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(inv.ndecoys, 2);
    assert_string_equal(inv.decoys[0].name, "one");
    assert_string_equal(inv.decoys[1].name, "two");
    assert_int_equal(inv.decoys[1].kind, ADSEED_KIND_RECON);
    assert_null(adseed_inventory_find(&inv, "not-an-entry"));
    adseed_inventory_free(&inv);

    /* an empty inventory, keys in any order, whitespace everywhere */
    assert_int_equal(
        parse(&inv, " \n\t{\r\"decoys\" :\r\n\t[\r ]\r,\r\n \"version\" : 1 } \n", err, sizeof err), 0);
    assert_int_equal(inv.ndecoys, 0);
    adseed_inventory_free(&inv);
}

static void test_decoys_absent_or_not_array(void **state)
{
    (void)state;
    const char *want = "inv.json: field 'decoys': required, an array";
    expect_exact("{\"version\":1,\"x\":{\"decoys\":[]},\"y\":[{\"decoys\":[]}]}", want);
    expect_exact("{\"version\":1,\"decoys\":null}", want);
    expect_exact("{\"decoys\":{\"name\":\"x\"},\"version\":1}", want);
    expect_exact("{\"version\":1,\"Decoys\":[]}", want);
    expect_exact("{}", "inv.json: field 'version': must be 1 (the only inventory version)");
    expect_exact("[]", "inv.json: the inventory must be a JSON object");
    expect_exact("\"decoys\"", "inv.json:1:8: invalid JSON: '[' or '{' expected near '\"decoys\"'");
}

/* jansson limits nesting to JSON_PARSER_MAX_DEPTH levels counted from the document's root; an
 * entry parsed on its own must hit the limit where the whole document did. */
static void test_nesting_limit(void **state)
{
    (void)state;
    for (int levels = JSON_PARSER_MAX_DEPTH - 4; levels <= JSON_PARSER_MAX_DEPTH + 1; levels++) {
        for (int in_entry = 0; in_entry < 2; in_entry++) {
            size_t cap = (size_t)levels * 2 + 128, o = 0;
            char *json = malloc(cap), want[512], err[512] = "";
            adseed_inventory inv;
            assert_non_null(json);
            o += (size_t)snprintf(json, cap,
                                  in_entry ? "{\"version\":1,\"decoys\":[{\"name\":\"a\",\"x\":"
                                           : "{\"version\":1,\"x\":");
            memset(json + o, '[', (size_t)levels);
            memset(json + o + levels, ']', (size_t)levels);
            o += 2 * (size_t)levels;
            snprintf(json + o, cap - o, in_entry ? "}]}" : ",\"decoys\":[]}");
            whole_document_error(json, want, sizeof want);
            adseed_inventory_init(&inv);
            assert_int_equal(parse(&inv, json, err, sizeof err), want[0] ? -1 : 0);
            if (want[0])
                assert_string_equal(err, want);
            adseed_inventory_free(&inv);
            free(json);
        }
    }
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_entry),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_invalid_utf8_rejected),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_put_save_load),
        cmocka_unit_test(test_write_atomic_and_read),
        cmocka_unit_test(test_example_inventory),
        cmocka_unit_test(test_large_file_loads),
        cmocka_unit_test(test_large_file_error_positions),
        cmocka_unit_test(test_duplicate_name_late),
        cmocka_unit_test(test_error_precedence),
        cmocka_unit_test(test_unknown_top_level_keys),
        cmocka_unit_test(test_decoys_absent_or_not_array),
        cmocka_unit_test(test_nesting_limit),
    };
    return testutil_run(tests);
}
