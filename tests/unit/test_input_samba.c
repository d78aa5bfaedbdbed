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

static void append_text(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "ab");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Appends n lines from sources first..first+n-1; returns the bytes written. */
static size_t append_lines(const char *path, unsigned first, unsigned n)
{
    char line[2048];
    size_t total = 0;
    for (unsigned i = first; i < first + n; i++) {
        int len = auth_line(line, sizeof line, i);
        assert_true(len > 0 && (size_t)len < sizeof line);
        append_text(path, line, (size_t)len);
        total += (size_t)len;
    }
    return total;
}

typedef struct fixture {
    input_harness h;
    char auth_path[2100];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    input_harness_open(&f->h, "input-samba", source);
    snprintf(f->auth_path, sizeof f->auth_path, "%s/auth.json", f->h.dir);
    f->h.conf.type = SVC_INPUT_SAMBA;
    f->h.conf.name = "samba:dc1";
    f->h.conf.computer = "dc1.decoy.test";
    f->h.conf.auth_log = f->auth_path;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    input_harness_close(&f->h);
    remove(f->auth_path);
    free(f);
    return 0;
}

/* The auth log's offset in a checkpoint of the Samba input. */
static json_int_t auth_offset(const json_t *cp)
{
    const json_t *log = json_object_get(cp, "auth_log");
    assert_true(json_is_object(log));
    assert_true(json_is_integer(json_object_get(log, "offset")));
    return json_integer_value(json_object_get(log, "offset"));
}

static void test_checkpoint_and_restart(void **state)
{
    fixture *f = *state;
    size_t written = append_lines(f->auth_path, 1, 3);
    svc_input *in = input_harness_input(&f->h, NULL);
    json_t *cp;

    input_harness_poll_all(in);
    assert_int_equal(f->h.nalerts, 3);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), written);  /* every line handled */
    assert_null(json_object_get(cp, "kdc_log")); /* only the configured logs */
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_lines(f->auth_path, 4, 2);
    in = input_harness_input(&f->h, cp);
    input_harness_poll_all(in);
    assert_int_equal(f->h.nalerts, 5);
    assert_int_equal(f->h.keys[3], 4);
    assert_int_equal(f->h.keys[4], 5);
    json_decref(cp);
    svc_input_close(in);
}

static void test_partial_line_waits(void **state)
{
    fixture *f = *state;
    char line[2048];
    size_t first = append_lines(f->auth_path, 1, 1), half;
    int len = auth_line(line, sizeof line, 2);
    svc_input *in;
    json_t *cp;

    assert_true(len > 0 && (size_t)len < sizeof line);
    half = (size_t)len / 2;
    append_text(f->auth_path, line, half); /* a write the DC has not finished */
    in = input_harness_input(&f->h, NULL);
    input_harness_poll_all(in);
    assert_int_equal(f->h.nalerts, 1);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first); /* not into the unfinished line */
    json_decref(cp);
    append_text(f->auth_path, line + half, (size_t)len - half);
    input_harness_poll_all(in);
    assert_int_equal(f->h.nalerts, 2);
    assert_int_equal(f->h.keys[1], 2);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first + (size_t)len);
    json_decref(cp);
    svc_input_close(in);
}

static void test_rewind_after_refusal(void **state)
{
    fixture *f = *state;
    size_t written = append_lines(f->auth_path, 1, 2);
    svc_input *in = input_harness_input(&f->h, NULL);
    json_t *cp, *after;
    char *thr;

    input_harness_poll_all(in);
    cp = in->ops->checkpoint(in); /* the durable position: after sources 1 and 2 */
    assert_int_equal(auth_offset(cp), written);
    thr = throttle_save(f->h.pipe.thr);
    assert_non_null(thr);
    written += append_lines(f->auth_path, 3, 4);
    f->h.refuse_at = 5; /* the spool refuses the alert from source 5 */
    input_harness_poll_all(in);
    /* the daemon rewinds every input to the last checkpoint, throttle with it */
    input_harness_rewind(&f->h, in, cp, thr);
    free(thr);
    input_harness_poll_all(in);
    /* 1, 2 once; 3 and 4 before the refusal and again after the rewind; then 5 and 6: none lost */
    assert_int_equal(f->h.nalerts, 2 + 2 + 4);
    assert_int_equal(f->h.keys[0], 1);
    assert_int_equal(f->h.keys[1], 2);
    assert_int_equal(f->h.keys[2], 3);
    assert_int_equal(f->h.keys[3], 4);
    assert_int_equal(f->h.keys[4], 3);
    assert_int_equal(f->h.keys[5], 4);
    assert_int_equal(f->h.keys[6], 5);
    assert_int_equal(f->h.keys[7], 6);
    after = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(after), written);
    json_decref(after);
    json_decref(cp);
    svc_input_close(in);
}

static void test_replaced_log_read_from_start(void **state)
{
    fixture *f = *state;
    input_harness_check_replaced(&f->h, f->auth_path, append_lines);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_line_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rewind_after_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_log_read_from_start, setup, teardown),
    };
    return testutil_run(tests);
}
