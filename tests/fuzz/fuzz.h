/* fuzz.h - shared by the fuzz targets (tests/fuzz/fuzz_*.c). Each target is written once as
 * FUZZ_TARGET(name) { ... }: built by tests/fuzz/run.sh with clang and libFuzzer it is
 * LLVMFuzzerTestOneInput; built into the cmocka replay test (tests/unit/test_fuzz_replay.c) it is
 * fuzz_<name>(), run over tests/fixtures/fuzz/<name>/ so that ctest keeps checking every input a
 * fuzzer once found, without clang. FUZZ_CHECK aborts on a broken property (a finding). */
#ifndef ADDECOY_FUZZ_H
#define ADDECOY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "evtx/evtx.h"

#ifdef ADDECOY_LIBFUZZER
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#endif

#define FUZZ_CHECK(cond)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond);                      \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* Writes data to a per-process temp file (in /dev/shm when present); returns its path (static). */
const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size);

/* An attacker-shaped event: event id, decoy-naming field and the other fields all from data
 * (NUL- or newline-separated pieces). 'decoy' is put in the matching field so that the detector
 * finds it and every other value is attacker text. Returns 0, -1 when data is too short. */
int fuzz_event(const uint8_t *data, size_t size, const char *decoy, evtx_event *ev);

/* A small inventory index shared by the targets that match (decoy "svc_backup_legacy"). */
struct decoy_index;
const struct decoy_index *fuzz_index(void);

/* 1 when s[0..n) is one valid JSON value (jansson). */
int fuzz_json_ok(const char *s, size_t n);

#endif
