/*
 * report_tally.h - private to the estate report: a small counter keyed by string (the keys are
 * borrowed, not copied), with per-key alert/event counts, the latest time and a few distinct notes.
 */
#ifndef ADDECOY_ADSEED_REPORT_TALLY_H
#define ADDECOY_ADSEED_REPORT_TALLY_H

#include <stddef.h>
#include <stdint.h>

#define TALLY_MAX_NOTES 6

typedef struct tally_entry {
    const char *key;
    long long count, events;
    int64_t last;          /* latest time, INT64_MIN when none */
    const char *last_text; /* its ISO 8601 text (borrowed) */
    char *extra;           /* distinct notes separated by '\n' (owned), up to TALLY_MAX_NOTES */
    size_t nextra;
} tally_entry;

typedef struct tally {
    tally_entry *v;
    size_t n, cap;
    int oom;
} tally;

/* Keys compare case-insensitively (ASCII), as AD names do. */
tally_entry *tally_find(const tally *t, const char *key); /* NULL when absent */
/* The entry for key (created with zero counts); NULL when out of memory (t->oom set). */
tally_entry *tally_get(tally *t, const char *key);
/* Counts one occurrence of key standing for events events at when (INT64_MIN: unknown). */
tally_entry *tally_event(tally *t, const char *key, long long events, int64_t when, const char *when_text);
void tally_note(tally *t, tally_entry *e, const char *word);
/* Sorts by events, then count, descending, then key. */
void tally_sort(tally *t);
void tally_free(tally *t);

#endif
