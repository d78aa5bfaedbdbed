/* input_harness.h - what the tests of decoysvc's inputs (test_input_*.c) share: a pipeline over a
 * one-decoy inventory (svc_backup_legacy, kerberoast) whose emit records one number per alert (the
 * test says which: a record id, a source address) and can refuse one alert the way a full spool
 * does, and the daemon's moves around an input (open at a checkpoint, poll, rewind). */
#ifndef ADDECOY_INPUT_HARNESS_H
#define ADDECOY_INPUT_HARNESS_H

#include "svc/input/input.h"

typedef unsigned long (*input_harness_key)(const alert *a);
/* Appends the events with keys first..first+n-1 to the file at path; returns the bytes written. */
typedef size_t (*input_harness_append)(const char *path, unsigned first, unsigned n);
/* The offset of the input's file in one of its checkpoints. */
typedef json_int_t (*input_harness_offset)(const json_t *cp);

typedef struct input_harness {
    pipeline pipe;
    svc_input_conf conf; /* the test fills in type, name and its paths */
    svc_logger lg;
    char dir[2048], inv_path[2100];
    char path[2100]; /* dir/<the file name given to input_harness_open>: the input's file */
    input_harness_key key;
    input_harness_append append; /* for the scenarios below, set by the test */
    input_harness_offset offset;
    unsigned long keys[64]; /* the key of each alert emitted, in order */
    size_t nalerts;
    unsigned long refuse_at; /* refuse the alert with this key once (0: never) */
} input_harness;

/* Fresh temp directory (tag), inventory and pipeline, h->path for the input's file (file, not
 * created); conf.start is SVC_START_BEGINNING. */
void input_harness_open(input_harness *h, const char *tag, const char *file, input_harness_key key);
/* A cmocka teardown for a harness allocated in setup: closes the pipeline, removes the files. */
int input_harness_teardown(void **state);
/* svc_input_open of h->conf at checkpoint cp (NULL: none); fails the test when it cannot. */
svc_input *input_harness_input(input_harness *h, const json_t *cp);
/* Polls until nothing is new (at most 8 rounds). */
void input_harness_poll_all(svc_input *in);
/* What the daemon does after the spool refused an alert: clears the failure, rewinds the input to
 * the checkpoint cp and the throttle to its state thr (throttle_save) saved with cp. */
void input_harness_rewind(input_harness *h, svc_input *in, const json_t *cp, const char *thr);
/* Appends len bytes of text to the file at path. */
void input_harness_append_text(const char *path, const char *text, size_t len);

/* Scenarios, as cmocka tests over the harness in *state (h->append and h->offset set):
 * - a file replaced while decoysvc was stopped (rotated: a new file under the same name, shorter
 *   than the checkpoint's offset) is read from its start, nothing of it skipped;
 * - an alert the spool refuses: 1 and 2 are checkpointed, 3..6 are read and 5 is refused; after
 *   the daemon's rewind 3..6 come again: none lost, none before the checkpoint repeated, and the
 *   checkpoint moves on past 6. */
void input_harness_test_replaced(void **state);
void input_harness_test_rewind(void **state);

#endif
