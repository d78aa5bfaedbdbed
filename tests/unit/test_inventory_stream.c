/* test_inventory_stream.c - the inventory read from a file in blocks (inventory_stream.c) and
 * packed (inventory_pack.c): for valid and broken documents, whatever the block size (down to one
 * byte, so that every value and every error straddles a block's end), the file gives the verdict,
 * the error text (file, line, column, decoy, field) and the decoys that the whole-buffer parse
 * gives; the packed decoys read back equal to the loaded ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "adseed/inventory_int.h"
#include "testutil.h"

static const char *const docs[] = {
    "{\"version\":1,\"decoys\":[]}",
    " \n\t{\r\"decoys\" :\r\n\t[\r ]\r,\r\n \"version\" : 1 } \n",
    "{\"version\":1,\"comment\":\"unknown keys\",\"decoys\":[{\"name\":\"svc_backup_legacy\","
    "\"domain\":\"CORP\",\"sid\":\"s-1-5-21-1-2-3-1105\",\"guid\":\"{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}\","
    "\"dn\":\"CN=svc,DC=corp\",\"spns\":[\"MSSQLSvc/db01:1433\",\"HTTP/web\"],\"kind\":\"kerberoast\","
    "\"memo\":\"m\",\"location\":\"OU=x\",\"owner\":\"soc\",\"runbook\":\"https://rb\",\"created\":"
    "\"2026-11-22T10:00:00Z\",\"created_by\":\"admin\",\"retired\":\"2026-11-23T10:00:00Z\","
    "\"breadcrumbs\":[{\"id\":\"bc-3f9a1c2e0b7d\",\"kind\":\"gpp\",\"location\":\"\\\\\\\\dc\\\\sysvol\","
    "\"planted\":\"2026-11-22T10:00:00Z\",\"planted_by\":\"admin\",\"removed\":\"2026-11-23T10:00:00Z\"},"
    "{\"id\":\"bc-000000000001\",\"kind\":\"description\",\"location\":\"LDAP description\","
    "\"fingerprint\":\"sha256:00\"}]},"
    "{\"name\":\"admin-test\",\"kind\":\"asrep\",\"memo\":\"m\",\"x\":[1,2.5e3,true,null,\"\\u00e9\"]},"
    "{\"name\":\"plainone\",\"guid\":\"00000000-0000-4000-8000-00000000000a\"}],\"x-after\":-1}",
    "{\"version\":1,\"decoys\":[",
    "{\"version\":1,\"decoys\":[{\"name\":\"a\"}",
    "{\"version\":1,\"decoys\":[{\"name\":\"a\"}]} {}",
    "{\"version\":1,\"decoys\":[{\"name\":\"a\"}],\n",
    "{\"version\":1,\"decoys\":[{\"name\":\"a\"}]}\n,",
    "{\"decoys\":[]}",
    "{\"version\":2,\"decoys\":[]}",
    "{\"version\":1}",
    "{\"version\":12345678901234567890,\"decoys\":[]}",
    "{\"version\":1,\"decoys\":[{\"kind\":\"plain\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"a\"},{\"name\":\"b\",\"kind\":\"honey\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"sid\":\"S-1-5-21-abc\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"guid\":\"259162f1-58e4-4ee9-9b9c\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"spns\":[3]}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"Svc\"},{\"name\":\"svc\"}]}",
    "{\"version\":1,\"version\":1,\"decoys\":[]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\"}, 7]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"memo\":\"\xff\xfe\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"memo\":\"\\uZZZZ\"}]}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\",\"memo\":\"caf\xc3\xa9\"}],\"v\":tru}",
    "{\"decoys\":[{\"name\":\"a\"}],\"version\":1,\"decoys\":[]}",
    "{\"decoys\":[{\"name\":\"x\",\"kind\":\"honey\"},{\"name\":\"a\",\"name\":\"b\"}],\"version\":1}",
    "{\"version\":1,\"decoys\":null}",
    "{\"version\":1\n,\n\"decoys\"\n:\n[\n{\"name\":\"x\"}\n,\n{\"name\":\"y\",\"sid\":5}\n]\n}",
    "{\"version\":1,\"decoys\":[{\"name\":\"x\"}] ,\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    "{}",
    "[]",
    "\"decoys\"",
    "",
    "  ",
    "{\"version\":1,\"decoys\":[]}\n\0",
};

static FILE *file_with(const char *dir, const char *text, size_t len)
{
    char path[4200];
    FILE *f;
    snprintf(path, sizeof path, "%s/inv.json", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    return f;
}

static int same(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static void assert_same_decoy(const adseed_decoy *a, const adseed_decoy *b)
{
    assert_true(same(a->name, b->name) && same(a->domain, b->domain) && same(a->sid, b->sid));
    assert_true(same(a->guid, b->guid) && same(a->dn, b->dn) && same(a->memo, b->memo));
    assert_true(same(a->location, b->location) && same(a->owner, b->owner) && same(a->runbook, b->runbook));
    assert_true(same(a->created, b->created) && same(a->created_by, b->created_by));
    assert_true(same(a->retired, b->retired));
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->nspns, b->nspns);
    for (size_t i = 0; i < a->nspns; i++)
        assert_string_equal(a->spns[i], b->spns[i]);
    assert_int_equal(a->nbreadcrumbs, b->nbreadcrumbs);
    for (size_t i = 0; i < a->nbreadcrumbs; i++) {
        const adseed_breadcrumb *x = &a->breadcrumbs[i], *y = &b->breadcrumbs[i];
        assert_int_equal(x->kind, y->kind);
        assert_true(same(x->id, y->id) && same(x->location, y->location) && same(x->planted, y->planted));
        assert_true(same(x->planted_by, y->planted_by) && same(x->fingerprint, y->fingerprint));
        assert_true(same(x->removed, y->removed));
    }
}

/* One document: the buffer parse, then the file in blocks into an inventory and into a pack. */
static void check_doc(const char *dir, const char *text, size_t len)
{
    static const size_t blocks[] = {1, 2, 3, 7, 16, 61, 0};
    adseed_inventory want, got;
    adseed_decoy_view *v = malloc(sizeof *v);
    char werr[512] = "", gerr[512] = "";
    int wrc;

    assert_non_null(v);
    adseed_inventory_init(&want);
    wrc = adseed_inventory_parse(&want, text, len, "inv.json", werr, sizeof werr);
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        for (int packed = 0; packed < 2; packed++) {
            adseed_pack *pack = NULL;
            FILE *f = file_with(dir, text, len);
            int rc;
            adseed_inventory_init(&got);
            gerr[0] = '\0';
            rc = inventory_stream(packed ? NULL : &got, packed ? &pack : NULL, NULL, 0, f, blocks[b],
                                  "inv.json", gerr, sizeof gerr);
            fclose(f);
            if (rc == -2) { /* a NUL byte or not an object: adseed_inventory_load parses it whole */
                size_t ws = strspn(text, " \t\r\n");
                assert_true(memchr(text, '\0', len) || ws == len || text[ws] != '{');
                adseed_inventory_free(&got);
                continue;
            }
            if (rc != wrc || (rc && strcmp(gerr, werr) != 0))
                fail_msg("block %zu%s: %d '%s', the buffer gives %d '%s' for: %s", blocks[b],
                         packed ? " packed" : "", rc, gerr, wrc, werr, text);
            if (rc == 0 && packed) {
                assert_int_equal(adseed_pack_count(pack), want.ndecoys);
                for (size_t i = 0; i < want.ndecoys; i++)
                    assert_same_decoy(&want.decoys[i], adseed_pack_decoy(pack, i, v));
            } else if (rc == 0) {
                assert_int_equal(got.ndecoys, want.ndecoys);
                for (size_t i = 0; i < want.ndecoys; i++)
                    assert_same_decoy(&want.decoys[i], &got.decoys[i]);
            }
            adseed_pack_free(pack);
            adseed_inventory_free(&got);
        }
    }
    adseed_inventory_free(&want);
    free(v);
}

static void test_blocks_match_buffer(void **state)
{
    char dir[2048];
    (void)state;
    testutil_tmpdir(dir, sizeof dir, "inventory-stream");
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        check_doc(dir, docs[i], strlen(docs[i]) + (i + 1 == sizeof docs / sizeof docs[0] ? 2 : 0));
}

/* Many entries over several default (64 KiB) blocks, with errors near the end: line and column
 * count the dropped blocks; the loads by path (inventory, pack) agree with the buffer. */
static void test_big_file(void **state)
{
    enum { N = 1500 }; /* about 180 KB: three default blocks */
    char dir[2048], path[4096], err[512], werr[512];
    size_t cap = (size_t)N * 160 + 64, o = 0;
    char *json = malloc(cap);
    adseed_inventory inv;
    adseed_pack *pack = NULL;
    adseed_decoy_view v;
    (void)state;

    assert_non_null(json);
    testutil_tmpdir(dir, sizeof dir, "inventory-stream-big");
    o += (size_t)snprintf(json + o, cap - o, "{\n  \"version\": 1,\n  \"decoys\": [\n");
    for (int i = 0; i < N; i++)
        o += (size_t)snprintf(json + o, cap - o,
                              "    {\"name\": \"decoy_%05d\", \"memo\": \"same memo\", \"guid\": "
                              "\"%08x-0000-4000-8000-000000000000\", \"spns\": [\"HTTP/h%d\"]}%s\n",
                              i, i, i, i + 1 < N ? "," : "");
    o += (size_t)snprintf(json + o, cap - o, "  ]\n}\n");
    check_doc(dir, json, o);
    snprintf(path, sizeof path, "%s/inv.json", dir);
    fclose(file_with(dir, json, o));
    assert_int_equal(adseed_pack_load(&pack, path, err, sizeof err), 0);
    assert_int_equal(adseed_pack_count(pack), N);
    assert_string_equal(adseed_pack_decoy(pack, N - 1, &v)->name, "decoy_01499");
    assert_string_equal(v.decoy.guid, "000005db-0000-4000-8000-000000000000");
    assert_string_equal(v.decoy.memo, adseed_pack_decoy(pack, 0, &v)->memo);
    adseed_pack_free(pack);
    pack = NULL;

    memcpy(json + o - 2, "},", 2); /* a syntax error on the last line, after many blocks */
    check_doc(dir, json, o);
    fclose(file_with(dir, json, o));
    adseed_inventory_init(&inv);
    assert_int_equal(adseed_inventory_parse(&inv, json, o, path, werr, sizeof werr), -1);
    assert_int_equal(adseed_inventory_load(&inv, path, err, sizeof err), -1);
    assert_string_equal(err, werr);
    assert_int_equal(adseed_pack_load(&pack, path, err, sizeof err), -1);
    assert_string_equal(err, werr);
    assert_null(pack);
    free(json);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_match_buffer),
        cmocka_unit_test(test_big_file),
    };
    return testutil_run(tests);
}
