/* report_tally.c - counting for the estate report: values (kinds, locations, sources, decoys) with
 * how many alerts/events/decoys fall under each, sorted for the charts and tables. */
#include "adseed/report_tally.h"

#include <stdlib.h>
#include <string.h>

void tally_free(tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].extra);
    free(t->v);
    memset(t, 0, sizeof *t);
}

tally_entry *tally_find(const tally *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcasecmp(t->v[i].key, key))
            return &t->v[i];
    return NULL;
}

tally_entry *tally_get(tally *t, const char *key)
{
    tally_entry *found = tally_find(t, key);
    if (found)
        return found;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        tally_entry *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            t->oom = 1;
            return NULL;
        }
        t->v = v;
        t->cap = cap;
    }
    tally_entry *e = &t->v[t->n++];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->last = INT64_MIN;
    return e;
}

/* Adds word to the entry's comma-separated list of distinct words (up to a few). */
void tally_note(tally *t, tally_entry *e, const char *word)
{
    size_t wl = strlen(word), have = e->extra ? strlen(e->extra) : 0;
    if (!wl || e->nextra >= TALLY_MAX_NOTES)
        return;
    for (const char *p = e->extra; p && *p;) {
        const char *c = strchr(p, '\n');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == wl && !memcmp(p, word, wl))
            return;
        p = c ? c + 1 : p + l;
    }
    char *s = realloc(e->extra, have + wl + 2);
    if (!s) {
        t->oom = 1;
        return;
    }
    if (have)
        s[have++] = '\n';
    memcpy(s + have, word, wl + 1);
    e->extra = s;
    e->nextra++;
}

static int by_events_desc(const void *a, const void *b)
{
    const tally_entry *x = a, *y = b;
    if (x->events != y->events)
        return x->events < y->events ? 1 : -1;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

tally_entry *tally_event(tally *t, const char *key, long long events, int64_t when, const char *when_text)
{
    tally_entry *e = tally_get(t, key);
    if (!e)
        return NULL;
    e->count++;
    e->events += events;
    if (when != INT64_MIN && when >= e->last) {
        e->last = when;
        e->last_text = when_text;
    }
    return e;
}

void tally_sort(tally *t)
{
    if (t->n > 1)
        qsort(t->v, t->n, sizeof *t->v, by_events_desc);
}
