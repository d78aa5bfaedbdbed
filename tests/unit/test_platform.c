/* test_platform.c - the portability layer's portable answers: UTC broken-down time, absolute paths
 * and separators (Windows also takes '\' and drive letters), IP parsing (IPv4 as IPv4-mapped
 * IPv6), the socket layer's errors and a UDP send, the atomic write (replaces, leaves no temporary
 * file, reports a missing directory), argv passed through as UTF-8, and UTF-8 paths that no ANSI
 * code page holds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#define close_socket closesocket
typedef SOCKET test_socket;
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#define close_socket close
typedef int test_socket;
#endif
#include <stdatomic.h>

#include "svc/base/fs.h"
#include "svc/base/net.h"
#include "svc/base/platform.h"
#include "testutil.h"

static void test_gmtime(void **state)
{
    struct tm tm;
    (void)state;
    svc_gmtime((time_t)1795428000, &tm); /* 2026-11-23T10:00:00Z */
    assert_int_equal(tm.tm_year, 126);
    assert_int_equal(tm.tm_mon, 10);
    assert_int_equal(tm.tm_mday, 23);
    assert_int_equal(tm.tm_hour, 10);
    assert_int_equal(tm.tm_min, 0);
    assert_true(svc_pid() > 0);
}

static void test_paths(void **state)
{
    const char *p = "C:\\ProgramData\\ADDecoy/x\\decoysvc.json";
    (void)state;
    assert_true(svc_path_is_absolute("/etc/addecoy/decoysvc.json"));
    assert_false(svc_path_is_absolute("inventory.json"));
    assert_false(svc_path_is_absolute("./inventory.json"));
    assert_int_equal(svc_path_is_absolute("C:\\ProgramData"), svc_is_windows());
    assert_int_equal(svc_path_is_absolute("\\\\server\\share"), svc_is_windows());
    assert_null(svc_path_last_sep("decoysvc.json"));
    assert_string_equal(svc_path_last_sep("/a/b/c.json"), "/c.json");
    assert_string_equal(svc_path_last_sep(p), svc_is_windows() ? "\\decoysvc.json" : "/x\\decoysvc.json");
    assert_non_null(strstr(svc_default_inventory_path(), "inventory.json"));
    assert_true(svc_path_is_absolute(svc_default_inventory_path()));
}

static void test_parse_ip(void **state)
{
    uint8_t a[16];
    static const uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    (void)state;
    assert_int_equal(net_parse_ip("10.1.2.3", a), 4);
    assert_memory_equal(a, v4, 16);
    assert_int_equal(net_parse_ip("2001:db8::1", a), 6);
    assert_memory_equal(a, v6, 16);
    assert_int_equal(net_parse_ip("::ffff:10.1.2.3", a), 6);
    assert_memory_equal(a, v4, 16); /* the same address either way */
    assert_int_equal(net_parse_ip("10.1.2", a), 0);
    assert_int_equal(net_parse_ip("256.1.2.3", a), 0);
    assert_int_equal(net_parse_ip("dc01.corp.example", a), 0);
    assert_int_equal(net_parse_ip("", a), 0);
}

/* The socket layer's failures say where: a name that does not resolve, a port nobody listens on;
 * a UDP "connection" needs no peer and takes a datagram. */
static void test_net_connect(void **state)
{
    char err[256] = "";
    net_conn *c;
    (void)state;
    assert_null(net_connect("no-such-host.invalid", "514", 0, 2000, 2000, err, sizeof err));
    assert_non_null(strstr(err, "no-such-host.invalid:514: "));
    err[0] = '\0';
    assert_null(net_connect("127.0.0.1", "1", 0, 2000, 2000, err, sizeof err));
    assert_non_null(strstr(err, "127.0.0.1:1: cannot connect: "));
    c = net_connect("127.0.0.1", "9", 1, 2000, 2000, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(net_send(c, "<13>1 - - - - - - test", 22, err, sizeof err), 0);
    assert_int_equal(net_peer_closed(c), 0); /* never for UDP */
    net_close(c);
    net_close(NULL);
}

struct listing {
    int files, others;
    char name[64];
};

static int count_entry(void *ctx, const char *name, int kind)
{
    struct listing *l = ctx;
    if (kind == 0) {
        l->files++;
        snprintf(l->name, sizeof l->name, "%s", name);
    } else
        l->others++;
    return 0;
}

/* A TCP peer that takes the connection but never reads: a small send goes through; a send that
 * would have to wait for it gives up at once when the cancel flag is set (the service stops),
 * not after its send timeout. */
static void test_net_send_cancel(void **state)
{
    struct sockaddr_in a;
    int l = sizeof a, small = 4096;
    test_socket lfd;
    char port[16], err[256] = "";
    char *big = calloc(1, 64 << 20);
    atomic_int cancel = 1;
    net_conn *c;
    (void)state;
#ifdef _WIN32
    WSADATA wsa;
    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
#endif
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, (const char *)&small, sizeof small);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, (void *)&l), 0);
    assert_int_equal(listen(lfd, 1), 0); /* never accepted, never read */
    snprintf(port, sizeof port, "%u", (unsigned)ntohs(a.sin_port));
    c = net_connect("127.0.0.1", port, 0, 2000, 600000, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(
        net_send(c, "64 <13>1 - - - - - - a record of sixty-four bytes, give or take", 64, err, sizeof err), 0);
    net_set_cancel(c, &cancel);
    assert_non_null(big);
    assert_int_equal(net_send(c, big, 64 << 20, err, sizeof err), -1); /* would wait 600 s */
    assert_non_null(strstr(err, "cancelled"));
    net_close(c);
    close_socket(lfd);
    free(big);
#ifdef _WIN32
    WSACleanup();
#endif
}

static void test_write_atomic(void **state)
{
    char dir[512], path[600], bad[700], err[512];
    struct listing l = {0};
    char *got;
    (void)state;
    testutil_tmpdir(dir, sizeof dir, "platform");
    snprintf(path, sizeof path, "%s/inventory.json", dir);
    assert_int_equal(fs_write_atomic(path, "first", 5, 0600, err, sizeof err), 0);
    assert_int_equal(fs_write_atomic(path, "second\n", 7, 0600, err, sizeof err), 0);
    got = testutil_slurp(path, NULL);
    assert_string_equal(got, "second\n");
    free(got);
    /* one regular file and nothing else: no temporary file left behind */
    assert_int_equal(svc_dir_list(dir, count_entry, &l, err, sizeof err), 0);
    assert_int_equal(l.files, 1);
    assert_int_equal(l.others, 0);
    assert_string_equal(l.name, "inventory.json");
    /* a directory that does not exist: an error naming the file, nothing created */
    snprintf(bad, sizeof bad, "%s/missing/inventory.json", dir);
    err[0] = '\0';
    assert_int_equal(fs_write_atomic(bad, "x", 1, 0600, err, sizeof err), -1);
    assert_non_null(strstr(err, "inventory.json"));
    assert_int_equal(svc_path_kind(bad), -1);
}

/* Paths are UTF-8 on every platform: a directory and files whose names are not in any ANSI code
 * page (Latin, Cyrillic, Japanese) are created, opened, listed, probed, replaced and removed by
 * those names (on Windows through the UTF-16 calls: the CRT's fopen would read the bytes in the
 * ANSI code page and not find them). */
static void test_non_ascii_paths(void **state)
{
    static const char sub[] = "J\xc3\xbcrgen-\xd0\x96-\xe6\x97\xa5\xe6\x9c\xac", leaf[] = "S\xc3\xa9"
                                                                                          "curit\xc3\xa9.evtx";
    char dir[512], d[600], path[700], moved[700], err[512];
    struct listing l = {0};
    FILE *f;
    char *got;
    (void)state;
    testutil_tmpdir(dir, sizeof dir, "platform-utf8");
    snprintf(d, sizeof d, "%s/%s/sub", dir, sub);
    assert_int_equal(svc_mkdir_p(d, err, sizeof err), 0);
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    assert_int_equal(svc_path_kind(d), 1);
    snprintf(path, sizeof path, "%s/%s", d, leaf);
    assert_non_null(f = fs_fopen(path, "wb"));
    assert_int_equal(fputs("data", f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(svc_path_kind(path), 0);
    assert_true(svc_file_stamp(path) != 0);
    assert_non_null(f = fs_fopen(path, "rb"));
    assert_int_equal(fgetc(f), 'd');
    fclose(f);
    assert_int_equal(svc_dir_list(d, count_entry, &l, err, sizeof err), 0);
    assert_int_equal(l.files, 1);
    assert_int_equal(l.others, 1); /* sub/ */
    assert_string_equal(l.name, leaf);
    assert_int_equal(fs_write_atomic(path, "new", 3, 0600, err, sizeof err), 0);
    snprintf(moved, sizeof moved, "%s/%s.1", d, leaf);
    assert_int_equal(fs_replace(path, moved), 0);
    assert_int_equal(svc_path_kind(path), -1);
    got = testutil_slurp(moved, NULL); /* the test's own reader takes the same route */
    assert_non_null(got);
    assert_string_equal(got, "new");
    free(got);
    assert_int_equal(fs_remove(moved), 0);
    assert_int_equal(svc_path_kind(moved), -1);
    /* not UTF-8: refused, not guessed */
    snprintf(path, sizeof path, "%s/bad\xff.txt", d);
    if (svc_is_windows())
        assert_null(fs_fopen(path, "wb"));
}

static void test_utf8_argv(void **state)
{
    char a0[] = "decoysvc", a1[] = "--config",
         a2[] = "d\xc3\xa9"
                "coy.json";
    char *argv[] = {a0, a1, a2, NULL};
    char **u;
    (void)state;
    u = svc_utf8_argv(3, argv);
    assert_non_null(u);
    assert_string_equal(u[1], "--config");
    if (!svc_is_windows())
        assert_ptr_equal(u, argv); /* already UTF-8 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gmtime),          cmocka_unit_test(test_paths),
        cmocka_unit_test(test_parse_ip),        cmocka_unit_test(test_net_connect),
        cmocka_unit_test(test_write_atomic),    cmocka_unit_test(test_utf8_argv),
        cmocka_unit_test(test_non_ascii_paths), cmocka_unit_test(test_net_send_cancel),
    };
    testutil_init();
    return testutil_run(tests);
}
