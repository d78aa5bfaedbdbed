/* test_input_samba.c - the Samba AD DC input of `decoysvc run` (svc/input/input_samba.c, opened
 * through svc_input_open) on its JSON authentication audit log: it feeds the pipeline, its
 * checkpoint (one position per log) only covers whole lines that reached the pipeline's emit, a line
 * cut in the middle by a read is handled once it is complete, a rewind after a refused alert reads
 * the refused lines again (nothing skipped, nothing before the checkpoint repeated), a restart
 * resumes at the checkpoint, and a log replaced while stopped is read from its start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_harness.h"
#include "testutil.h"

/* The last octet of the alert's source address. */
static unsigned long source(const alert *a)
{
    const char *dot = strrchr(a->det.source_ip, '.');
    return dot ? strtoul(dot + 1, NULL, 10) : 0;
}

/* One line of Samba's auth_json_audit log (captured: tests/fixtures/samba/auth.json, line 7): a
 * wrong password for the decoy over LDAP, from 10.0.1.<src>, so that the throttle alerts on each. */
static int auth_line(char *buf, size_t len, unsigned src)
{
    return snprintf(buf, len,
                    "{\"timestamp\": \"2026-11-23T16:49:23.218834+0000\", \"type\": \"Authentication\", "
                    "\"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4625, "
                    "\"logonId\": \"0\", \"logonType\": 8, \"status\": \"NT_STATUS_WRONG_PASSWORD\", "
                    "\"localAddress\": \"ipv4:127.0.0.1:636\", \"remoteAddress\": \"ipv4:10.0.1.%u:39920\", "
                    "\"serviceDescription\": \"LDAP\", \"authDescription\": \"simple bind/TLS\", "
                    "\"clientDomain\": \"DECOY\", \"clientAccount\": \"svc_backup_legacy@DECOY.TEST\", "
                    "\"workstation\": \"DC1\", \"becameAccount\": null, \"becameDomain\": null, "
                    "\"becameSid\": null, \"mappedAccount\": \"svc_backup_legacy\", \"mappedDomain\": "
                    "\"DECOY\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, "
                    "\"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, "
                    "\"netlogonTrustAccountSid\": null, \"passwordType\": \"Plaintext\", \"duration\": 3488}}\n",
                    src);
}

/* Appends n lines from sources first..first+n-1; returns the bytes written. */
static size_t append_lines(const char *path, unsigned first, unsigned n)
{
    char line[2048];
    size_t total = 0;
    for (unsigned i = first; i < first + n; i++) {
        int len = auth_line(line, sizeof line, i);
        assert_true(len > 0 && (size_t)len < sizeof line);
        input_harness_append_text(path, line, (size_t)len);
        total += (size_t)len;
    }
    return total;
}

/* The auth log's offset in a checkpoint of the Samba input. */
static json_int_t auth_offset(const json_t *cp)
{
    const json_t *log = json_object_get(cp, "auth_log");
    assert_true(json_is_object(log));
    assert_true(json_is_integer(json_object_get(log, "offset")));
    return json_integer_value(json_object_get(log, "offset"));
}

static int setup(void **state)
{
    input_harness *h = calloc(1, sizeof *h);

    assert_non_null(h);
    input_harness_open(h, "input-samba", "auth.json", source);
    h->conf.type = SVC_INPUT_SAMBA;
    h->conf.name = "samba:dc1";
    h->conf.computer = "dc1.decoy.test";
    h->conf.auth_log = h->path;
    h->append = append_lines;
    h->offset = auth_offset;
    *state = h;
    return 0;
}

static void test_checkpoint_and_restart(void **state)
{
    input_harness *h = *state;
    size_t written = append_lines(h->path, 1, 3);
    svc_input *in = input_harness_input(h, NULL);
    json_t *cp;

    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 3);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), written);  /* every line handled */
    assert_null(json_object_get(cp, "kdc_log")); /* only the configured logs */
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_lines(h->path, 4, 2);
    in = input_harness_input(h, cp);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 5);
    assert_int_equal(h->keys[3], 4);
    assert_int_equal(h->keys[4], 5);
    json_decref(cp);
    svc_input_close(in);
}

static void test_partial_line_waits(void **state)
{
    input_harness *h = *state;
    char line[2048];
    size_t first = append_lines(h->path, 1, 1), half;
    int len = auth_line(line, sizeof line, 2);
    svc_input *in;
    json_t *cp;

    assert_true(len > 0 && (size_t)len < sizeof line);
    half = (size_t)len / 2;
    input_harness_append_text(h->path, line, half); /* a write the DC has not finished */
    in = input_harness_input(h, NULL);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 1);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first); /* not into the unfinished line */
    json_decref(cp);
    input_harness_append_text(h->path, line + half, (size_t)len - half);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 2);
    assert_int_equal(h->keys[1], 2);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first + (size_t)len);
    json_decref(cp);
    svc_input_close(in);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_and_restart, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(test_partial_line_waits, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_rewind, setup, input_harness_teardown),
        cmocka_unit_test_setup_teardown(input_harness_test_replaced, setup, input_harness_teardown),
    };
    return testutil_run(tests);
}
