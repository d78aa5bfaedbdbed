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

#include "svc/input/input.h"
#include "testutil.h"

static const char inventory[] =
    "{\"version\":1,\"decoys\":[{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\"}]}";

typedef struct fixture {
    pipeline pipe;
    svc_input_conf conf;
    svc_logger lg;
    char dir[2048], inv_path[2100], auth_path[2100];
    unsigned sources[64]; /* last octet of the source address of each alert emitted, in order */
    size_t nalerts;
    unsigned refuse_at; /* refuse the alert from this source once (0: never) */
} fixture;

static void log_quiet(void *ctx, svc_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
}

static int emit(void *ctx, const alert *a, const char *json, size_t len)
{
    fixture *f = ctx;
    const char *dot = strrchr(a->det.source_ip, '.');
    unsigned src;

    (void)json;
    (void)len;
    assert_non_null(dot);
    src = (unsigned)strtoul(dot + 1, NULL, 10);
    if (f->refuse_at && src == f->refuse_at) {
        f->refuse_at = 0;
        return -1;
    }
    assert_true(f->nalerts < 64);
    f->sources[f->nalerts++] = src;
    return 0;
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

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    pipeline_opts o;
    char err[512];

    assert_non_null(f);
    testutil_tmpdir(f->dir, sizeof f->dir, "input-samba");
    snprintf(f->inv_path, sizeof f->inv_path, "%s/inventory.json", f->dir);
    snprintf(f->auth_path, sizeof f->auth_path, "%s/auth.json", f->dir);
    append_text(f->inv_path, inventory, strlen(inventory));
    f->lg.write = log_quiet;
    f->lg.min = SVC_LOG_DEBUG;
    memset(&o, 0, sizeof o);
    o.inventory_path = f->inv_path;
    o.window_ms = 300000;
    o.emit = emit;
    o.emit_ctx = f;
    o.lg = &f->lg;
    if (pipeline_open(&f->pipe, &o, err, sizeof err))
        fail_msg("pipeline_open: %s", err);
    f->conf.type = SVC_INPUT_SAMBA;
    f->conf.name = "samba:dc1";
    f->conf.computer = "dc1.decoy.test";
    f->conf.auth_log = f->auth_path;
    f->conf.start = SVC_START_BEGINNING;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pipeline_close(&f->pipe);
    remove(f->auth_path);
    remove(f->inv_path);
    free(f);
    return 0;
}

static svc_input *open_input(fixture *f, const json_t *cp)
{
    char err[512];
    svc_input *in = svc_input_open(&f->conf, cp, &f->pipe, &f->lg, err, sizeof err);
    if (!in)
        fail_msg("svc_input_open: %s", err);
    return in;
}

static void poll_all(svc_input *in)
{
    for (int i = 0; i < 8 && in->ops->poll(in) > 0; i++)
        ;
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
    svc_input *in = open_input(f, NULL);
    json_t *cp;

    poll_all(in);
    assert_int_equal(f->nalerts, 3);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), written); /* every line handled */
    assert_null(json_object_get(cp, "kdc_log")); /* only the configured logs */
    svc_input_close(in);
    /* restart from the checkpoint: only what was appended since */
    append_lines(f->auth_path, 4, 2);
    in = open_input(f, cp);
    poll_all(in);
    assert_int_equal(f->nalerts, 5);
    assert_int_equal(f->sources[3], 4);
    assert_int_equal(f->sources[4], 5);
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
    in = open_input(f, NULL);
    poll_all(in);
    assert_int_equal(f->nalerts, 1);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first); /* not into the unfinished line */
    json_decref(cp);
    append_text(f->auth_path, line + half, (size_t)len - half);
    poll_all(in);
    assert_int_equal(f->nalerts, 2);
    assert_int_equal(f->sources[1], 2);
    cp = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(cp), first + (size_t)len);
    json_decref(cp);
    svc_input_close(in);
}

static void test_rewind_after_refusal(void **state)
{
    fixture *f = *state;
    size_t written = append_lines(f->auth_path, 1, 2);
    svc_input *in = open_input(f, NULL);
    json_t *cp, *after;
    char *thr, err[256];

    poll_all(in);
    cp = in->ops->checkpoint(in); /* the durable position: after sources 1 and 2 */
    assert_int_equal(auth_offset(cp), written);
    thr = throttle_save(f->pipe.thr);
    assert_non_null(thr);
    written += append_lines(f->auth_path, 3, 4);
    f->refuse_at = 5; /* the spool refuses the alert from source 5 */
    poll_all(in);
    assert_true(f->pipe.emit_failed);
    /* the daemon rewinds every input to the last checkpoint, throttle with it */
    f->pipe.emit_failed = 0;
    in->ops->rewind(in, cp);
    if (throttle_load(f->pipe.thr, thr, err, sizeof err))
        fail_msg("throttle_load: %s", err);
    free(thr);
    poll_all(in);
    /* 1, 2 once; 3 and 4 before the refusal and again after the rewind; then 5 and 6: none lost */
    assert_int_equal(f->nalerts, 2 + 2 + 4);
    assert_int_equal(f->sources[0], 1);
    assert_int_equal(f->sources[1], 2);
    assert_int_equal(f->sources[2], 3);
    assert_int_equal(f->sources[3], 4);
    assert_int_equal(f->sources[4], 3);
    assert_int_equal(f->sources[5], 4);
    assert_int_equal(f->sources[6], 5);
    assert_int_equal(f->sources[7], 6);
    after = in->ops->checkpoint(in);
    assert_int_equal(auth_offset(after), written);
    json_decref(after);
    json_decref(cp);
    svc_input_close(in);
}

static void test_replaced_log_read_from_start(void **state)
{
    fixture *f = *state;
    svc_input *in;
    json_t *cp;

    append_lines(f->auth_path, 1, 3);
    in = open_input(f, NULL);
    poll_all(in);
    cp = in->ops->checkpoint(in);
    svc_input_close(in);
    /* rotated while stopped: a new file of its own under the same name */
    assert_int_equal(remove(f->auth_path), 0);
    append_lines(f->auth_path, 100, 1);
    in = open_input(f, cp);
    poll_all(in);
    assert_int_equal(f->nalerts, 4);
    assert_int_equal(f->sources[3], 100);
    json_decref(cp);
    svc_input_close(in);
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
