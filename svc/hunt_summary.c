/* hunt_summary.c - counters, progress line and closing summary of `decoysvc hunt` (see
 * hunt_summary.h). Everything goes to stderr (or the --summary-file), never to stdout, which
 * carries the alerts. */
#include "svc/hunt_summary.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svc/base/platform.h"

void hunt_summary_init(hunt_summary *s, uint64_t files_total, int progress, int64_t progress_after_ms)
{
    memset(s, 0, sizeof *s);
    s->files_total = files_total;
    s->progress = progress;
    s->progress_after_ms = progress_after_ms;
    s->start_ms = s->progress_last_ms = svc_now_ms();
}

const char *hunt_skip_reason_name(evtx_skip_reason why)
{
    switch (why) {
    case EVTX_SKIP_MALFORMED: return "malformed";
    case EVTX_SKIP_OVERSIZED: return "oversized";
    case EVTX_SKIP_TRUNCATED: return "truncated";
    default: return "other";
    }
}

uint64_t hunt_summary_skipped(const hunt_summary *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < HUNT_SKIP_REASONS; i++)
        n += s->skipped[i];
    return n;
}

static void draw(hunt_summary *s, int64_t now)
{
    double secs = (double)(now - s->start_ms) / 1000.0;
    uint64_t recs = s->records + s->live_records;
    char line[160];
    int n = snprintf(line, sizeof line,
                     "hunt: %" PRIu64 "/%" PRIu64 " files, %" PRIu64 " records (%.0f/s), %" PRIu64 " alerts",
                     s->files, s->files_total, recs, secs > 0 ? (double)recs / secs : 0.0, s->alerts);
    fprintf(stderr, "\r%s%*s", line, n < 79 ? 79 - n : 0, "");
    fflush(stderr);
    s->progress_shown = 1;
    s->progress_last_ms = now;
}

void hunt_summary_progress(hunt_summary *s, uint64_t live_records)
{
    int64_t now;
    s->live_records = live_records;
    if (!s->progress)
        return;
    now = svc_now_ms();
    if (now - s->start_ms >= s->progress_after_ms && now - s->progress_last_ms >= 250)
        draw(s, now);
}

void hunt_summary_file_done(hunt_summary *s, uint64_t records, uint64_t bad_chunks, int ok)
{
    int64_t now;
    s->files++;
    s->files_failed += !ok;
    s->records += records;
    s->bad_chunks += bad_chunks;
    s->live_records = 0;
    if (!s->progress)
        return;
    now = svc_now_ms();
    if (now - s->start_ms >= s->progress_after_ms)
        draw(s, now);
}

void hunt_summary_clear_progress(hunt_summary *s)
{
    if (!s->progress_shown)
        return;
    fprintf(stderr, "\r%79s\r", "");
    fflush(stderr);
    s->progress_shown = 0;
}

void hunt_summary_write_text(const hunt_summary *s, FILE *f)
{
    uint64_t skipped = hunt_summary_skipped(s);

    fprintf(f, "hunt summary:\n");
    fprintf(f, "  files read       %" PRIu64 " of %" PRIu64 " (%" PRIu64 " could not be read)\n",
            s->files - s->files_failed, s->files_total, s->files_failed);
    fprintf(f, "  records read     %" PRIu64 "\n", s->records);
    fprintf(f, "  records skipped  %" PRIu64, skipped);
    if (skipped) {
        const char *sep = " (";
        for (unsigned i = 1; i <= HUNT_SKIP_REASONS; i++) {
            unsigned r = i % HUNT_SKIP_REASONS; /* named reasons first, "other" last */
            if (s->skipped[r]) {
                fprintf(f, "%s%s %" PRIu64, sep, hunt_skip_reason_name((evtx_skip_reason)r), s->skipped[r]);
                sep = ", ";
            }
        }
        fputc(')', f);
    }
    fputc('\n', f);
    if (s->bad_chunks)
        fprintf(f, "  bad chunks       %" PRIu64 "\n", s->bad_chunks);
    fprintf(f, "  events examined  %" PRIu64 "\n", s->events);
    fprintf(f, "  decoy detections %" PRIu64 "\n", s->detections);
    fprintf(f, "  alerts           %" PRIu64 "\n", s->alerts);
    fprintf(f, "  time             %.1f s\n", (double)(svc_now_ms() - s->start_ms) / 1000.0);
    fflush(f);
}

int hunt_summary_write_json(const hunt_summary *s, FILE *f)
{
    json_t *reasons = json_object(), *o;
    char *text;
    int rc = -1;

    for (unsigned i = 1; i <= HUNT_SKIP_REASONS && reasons; i++) {
        unsigned r = i % HUNT_SKIP_REASONS;
        const char *name = hunt_skip_reason_name((evtx_skip_reason)r);
        if (r == 0 || strcmp(name, "other") != 0) /* every named reason, even at 0 */
            json_object_set_new(reasons, name, json_integer((json_int_t)s->skipped[r]));
    }
    o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:f}", "files", (json_int_t)s->files_total,
                  "files_read", (json_int_t)(s->files - s->files_failed), "files_failed",
                  (json_int_t)s->files_failed, "records_read", (json_int_t)s->records, "records_skipped",
                  (json_int_t)hunt_summary_skipped(s), "skipped_by_reason", reasons, "bad_chunks",
                  (json_int_t)s->bad_chunks, "events_examined", (json_int_t)s->events, "detections",
                  (json_int_t)s->detections, "alerts", (json_int_t)s->alerts, "seconds",
                  (double)(svc_now_ms() - s->start_ms) / 1000.0);
    if (o && (text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6))) != NULL) {
        fprintf(f, "%s\n", text);
        fflush(f);
        free(text);
        rc = 0;
    }
    json_decref(o);
    return rc;
}
