/* test_crypto.c - SHA-256 (FIPS 180-2 examples), HMAC-SHA256 (RFC 4231), base64 (RFC 4648 §10),
 * CRC-32 check value, random bytes, wiping: the vectors that proved the in-tree code now prove
 * the libcrypto/zlib wrappers equivalent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>

#include "svc/base/crypto.h"
#include "testutil.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_sha(const char *msg, size_t len, const char *want)
{
    uint8_t md[32];
    char h[65];
    crypto_sha256(msg, len, md);
    hex(md, 32, h);
    assert_string_equal(h, want);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_million_a(void **state)
{
    crypto_sha256_ctx c;
    char block[1000];
    uint8_t md[32];
    char h[65];
    (void)state;
    memset(block, 'a', sizeof block);
    crypto_sha256_init(&c);
    for (size_t done = 0, n = 1; done < 1000000; done += n, n = n % 997 + 1) /* odd chunk sizes */
        crypto_sha256_update(&c, block, n < 1000000 - done ? n : 1000000 - done);
    crypto_sha256_final(&c, md);
    hex(md, 32, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void check_hmac(const uint8_t *key, size_t klen, const char *data, size_t dlen, const char *want)
{
    uint8_t md[32];
    char h[65];
    crypto_hmac_sha256(key, klen, data, dlen, md);
    hex(md, 32, h);
    assert_string_equal(h, want);
}

static void test_hmac_rfc4231(void **state)
{
    uint8_t k1[20], k3[20], k6[131];
    char d3[50];
    (void)state;
    memset(k1, 0x0b, sizeof k1);
    check_hmac(k1, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    check_hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(k3, 0xaa, sizeof k3);
    memset(d3, 0xdd, sizeof d3);
    check_hmac(k3, 20, d3, 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    memset(k6, 0xaa, sizeof k6);
    check_hmac(k6, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_hmac_parts_equal_whole(void **state)
{
    const void *parts[3] = {"msg_1", ".", "1700000000.{}"};
    size_t lens[3] = {5, 1, 13};
    uint8_t a[32], b[32];
    (void)state;
    crypto_hmac_sha256_parts("k", 1, parts, lens, 3, a);
    crypto_hmac_sha256("k", 1, "msg_1.1700000000.{}", 19, b);
    assert_memory_equal(a, b, 32);
}

static void test_base64(void **state)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char out[16];
    uint8_t dec[16];
    size_t n;
    (void)state;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(crypto_base64_encode(plain[i], strlen(plain[i]), out, sizeof out), strlen(enc[i]));
        assert_string_equal(out, enc[i]);
        assert_int_equal(crypto_base64_decode(enc[i], strlen(enc[i]), dec, sizeof dec, &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(dec, plain[i], n);
    }
    assert_int_equal(crypto_base64_encode("foobar", 6, out, 8), 0); /* too small */
    assert_int_equal(crypto_base64_decode("Zm9*", 4, dec, sizeof dec, &n), -1);
    assert_int_equal(crypto_base64_decode("Z", 1, dec, sizeof dec, &n), -1);
    assert_int_equal(crypto_base64_decode("Zm9vYmFy", 8, dec, 5, &n), -1); /* too small */
    /* strict: libcrypto's decoder would skip blanks, ours refuses them; padding stays optional */
    assert_int_equal(crypto_base64_decode("Zm9v Yg==", 9, dec, sizeof dec, &n), -1);
    assert_int_equal(crypto_base64_decode("Zm9vYg==\n", 9, dec, sizeof dec, &n), -1);
    assert_int_equal(crypto_base64_decode("Zm9vYg", 6, dec, sizeof dec, &n), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(dec, "foob", 4);
}

static void test_wipe(void **state)
{
    char buf[16];
    (void)state;
    memcpy(buf, "S3CRET-T0KEN-123", 16);
    crypto_wipe(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
    crypto_wipe(NULL, 5); /* tolerated */
}

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(crypto_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(crypto_crc32(crypto_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void test_random(void **state)
{
    uint8_t a[32] = {0}, b[32] = {0};
    (void)state;
    assert_int_equal(crypto_random(a, sizeof a), 0);
    assert_int_equal(crypto_random(b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_hmac_rfc4231),   cmocka_unit_test(test_hmac_parts_equal_whole),
        cmocka_unit_test(test_base64),         cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_random),         cmocka_unit_test(test_wipe),
    };
    testutil_init();
    return testutil_run(tests);
}
