/* test_inventory.c - the decoy inventory: strict loading with precise errors, normalisation,
 * put/find, atomic save with mode 0644 and a load/save round trip; the file helpers. */
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
    const char *json =
        "{\"version\":1,\"comment\":\"unknown keys are fine\",\"decoys\":[{"
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
