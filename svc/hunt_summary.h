/* hunt_summary.h - what `decoysvc hunt` read, so that "0 alerts" can be told from "read nothing":
 * the counters, the closing summary on stderr (text, or one JSON object), and the progress line
 * shown on a terminal when a hunt takes longer than a second. */
#ifndef ADDECOY_SVC_HUNT_SUMMARY_H
#define ADDECOY_SVC_HUNT_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "evtx/evtx.h"

#define HUNT_SKIP_REASONS 8 /* evtx_skip_reason values below this are counted by name */

typedef struct hunt_summary {
    uint64_t files, files_total, files_failed;
    uint64_t records;                    /* records read (whole files) */
    uint64_t skipped[HUNT_SKIP_REASONS]; /* by evtx_skip_reason; [0]: any other reason */
    uint64_t bad_chunks;                 /* .evtx chunks with a bad header or checksum */
    uint64_t events, detections, alerts; /* examined by the detector; decoy detections; alerts */
    int64_t start_ms;
    /* progress line */
    int progress;              /* draw the progress line... */
    int64_t progress_after_ms; /* ...once the hunt has run this long */
    int progress_shown;
    int64_t progress_last_ms;
    uint64_t live_records; /* records seen in files not done yet */
} hunt_summary;

void hunt_summary_init(hunt_summary *s, uint64_t files_total, int progress, int64_t progress_after_ms);
const char *hunt_skip_reason_name(evtx_skip_reason why);
uint64_t hunt_summary_skipped(const hunt_summary *s);
/* A file is done: its records (and bad chunks) are added; ok = 0 when it could not be read. */
void hunt_summary_file_done(hunt_summary *s, uint64_t records, uint64_t bad_chunks, int ok);
/* live_records have been seen so far in files not done yet; redraws the progress line at most 4
 * times a second, once the hunt has run progress_after_ms. Called every 1,024 records or so. */
void hunt_summary_progress(hunt_summary *s, uint64_t live_records);
/* Erases the progress line (before a warning or the summary is written to stderr). */
void hunt_summary_clear_progress(hunt_summary *s);

/* The closing summary as text lines, or as one JSON object on one line. */
void hunt_summary_write_text(const hunt_summary *s, FILE *f);
int hunt_summary_write_json(const hunt_summary *s, FILE *f);

#endif
