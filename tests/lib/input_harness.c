/* input_harness.c - the pipeline and daemon moves the input tests share (see input_harness.h). */
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

static const char inventory[] =
    "{\"version\":1,\"decoys\":[{\"name\":\"svc_backup_legacy\",\"kind\":\"kerberoast\"}]}";

/* Quiet unless INPUT_HARNESS_LOG is set (to see what an input logged when a test fails). */
static void log_quiet(void *ctx, svc_log_level level, const char *msg)
{
    (void)ctx;
    if (getenv("INPUT_HARNESS_LOG"))
        fprintf(stderr, "log %d: %s\n", (int)level, msg);
}

static int emit(void *ctx, const alert *a, const char *json, size_t len)
{
    input_harness *h = ctx;
    unsigned long key = h->key(a);

    (void)json;
    (void)len;
    if (h->refuse_at && key == h->refuse_at) {
        h->refuse_at = 0;
        return -1;
    }
    assert_true(h->nalerts < sizeof h->keys / sizeof h->keys[0]);
    h->keys[h->nalerts++] = key;
    return 0;
}

void input_harness_open(input_harness *h, const char *tag, const char *file, input_harness_key key)
{
    pipeline_opts o;
    char err[512];
    FILE *fp;

    memset(h, 0, sizeof *h);
    h->key = key;
    testutil_tmpdir(h->dir, sizeof h->dir, tag);
    snprintf(h->inv_path, sizeof h->inv_path, "%s/inventory.json", h->dir);
    snprintf(h->path, sizeof h->path, "%s/%s", h->dir, file);
    fp = fopen(h->inv_path, "wb");
    assert_non_null(fp);
    fputs(inventory, fp);
    assert_int_equal(fclose(fp), 0);
    h->lg.write = log_quiet;
    h->lg.min = SVC_LOG_DEBUG;
    memset(&o, 0, sizeof o);
    o.inventory_path = h->inv_path;
    o.window_ms = 300000;
    o.emit = emit;
    o.emit_ctx = h;
    o.lg = &h->lg;
    if (pipeline_open(&h->pipe, &o, err, sizeof err))
        fail_msg("pipeline_open: %s", err);
    h->conf.start = SVC_START_BEGINNING;
}

int input_harness_teardown(void **state)
{
    input_harness *h = *state;
    pipeline_close(&h->pipe);
    remove(h->path);
    remove(h->inv_path);
    free(h);
    return 0;
}

void input_harness_append_text(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "ab");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

svc_input *input_harness_input(input_harness *h, const json_t *cp)
{
    char err[512];
    svc_input *in = svc_input_open(&h->conf, cp, &h->pipe, &h->lg, err, sizeof err);
    if (!in)
        fail_msg("svc_input_open: %s", err);
    return in;
}

void input_harness_poll_all(svc_input *in)
{
    for (int i = 0; i < 8 && in->ops->poll(in) > 0; i++)
        ;
}

void input_harness_rewind(input_harness *h, svc_input *in, const json_t *cp, const char *thr)
{
    char err[256];

    assert_true(h->pipe.emit_failed);
    h->pipe.emit_failed = 0;
    in->ops->rewind(in, cp);
    if (throttle_load(h->pipe.thr, thr, err, sizeof err))
        fail_msg("throttle_load: %s", err);
}

void input_harness_test_replaced(void **state)
{
    input_harness *h = *state;
    svc_input *in;
    json_t *cp;

    h->append(h->path, 1, 3);
    in = input_harness_input(h, NULL);
    input_harness_poll_all(in);
    cp = in->ops->checkpoint(in);
    svc_input_close(in);
    assert_int_equal(remove(h->path), 0);
    h->append(h->path, 100, 1);
    in = input_harness_input(h, cp);
    input_harness_poll_all(in);
    assert_int_equal(h->nalerts, 4);
    assert_int_equal(h->keys[3], 100);
    json_decref(cp);
    svc_input_close(in);
}

void input_harness_test_rewind(void **state)
{
    input_harness *h = *state;
    static const unsigned long want[] = {1, 2, 3, 4, 3, 4, 5, 6};
    svc_input *in;
    json_t *cp, *after;
    char *thr;

    h->append(h->path, 1, 2);
    in = input_harness_input(h, NULL);
    input_harness_poll_all(in);
    cp = in->ops->checkpoint(in); /* the durable position: after 1 and 2 */
    assert_true(h->offset(cp) > 0);
    thr = throttle_save(h->pipe.thr);
    assert_non_null(thr);
    h->append(h->path, 3, 4);
    h->refuse_at = 5; /* the spool refuses the alert for 5 */
    input_harness_poll_all(in);
    /* the daemon rewinds every input to the last checkpoint, throttle with it */
    input_harness_rewind(h, in, cp, thr);
    free(thr);
    input_harness_poll_all(in);
    /* 1, 2 once; 3 and 4 before the refusal and again after the rewind; then 5 and 6 */
    assert_int_equal(h->nalerts, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < h->nalerts; i++)
        assert_int_equal(h->keys[i], want[i]);
    after = in->ops->checkpoint(in);
    assert_true(h->offset(after) > h->offset(cp));
    json_decref(after);
    json_decref(cp);
    svc_input_close(in);
}
