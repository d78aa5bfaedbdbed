/* hunt_files.c - expands `decoysvc hunt` PATH arguments into files (see hunt_files.h). */
#include "svc/hunt_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/analyzer.h"
#include "svc/base/platform.h"

#define HUNT_MAX_DEPTH 32

/* Input formats `hunt` reads from a directory. Add an extension here when a reader for it exists
 * (hunt.c picks the reader by content: .evtx signature, else the XML stream). */
static const char *const HUNT_EXTENSIONS[] = {".evtx", ".xml", ".json", ".jsonl", ".ndjson", NULL};

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m)
        return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

int hunt_files_wanted(const char *name)
{
    for (size_t i = 0; HUNT_EXTENSIONS[i]; i++)
        if (ends_with_ci(name, HUNT_EXTENSIONS[i]))
            return 1;
    return 0;
}

/* -fanalyzer: add_dir calls push in a loop; f->paths[f->n++] = copy is reported leaked (analyzer.h) */
ANALYZER_LEAK_CHECK_OFF
static int push(hunt_files *f, const char *path)
{
    char *copy;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        char **p = realloc(f->paths, cap * sizeof *p);
        if (!p)
            return -1;
        f->paths = p;
        f->cap = cap;
    }
    if (!(copy = strdup(path)))
        return -1;
    f->paths[f->n++] = copy;
    return 0;
}
ANALYZER_LEAK_CHECK_ON

/* A directory's wanted entries, each as "kind+name" ('d' directory, 'f' file) so that sorting by
 * name keeps each one's kind. */
typedef struct dir_entries {
    char **names;
    size_t n, cap;
    int oom;
} dir_entries;

static int collect(void *ctx, const char *name, int kind)
{
    dir_entries *d = ctx;
    size_t len = strlen(name);
    char *k;

    if (kind < 0 || (kind == 0 && !hunt_files_wanted(name)))
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        char **nn = realloc(d->names, cap * sizeof *nn);
        if (!nn) {
            d->oom = 1;
            return 1;
        }
        d->names = nn;
        d->cap = cap;
    }
    if (!(k = malloc(len + 2))) {
        d->oom = 1;
        return 1;
    }
    k[0] = kind ? 'd' : 'f';
    memcpy(k + 1, name, len + 1);
    d->names[d->n++] = k;
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int add_dir(hunt_files *f, const char *dir, int depth, char *err, size_t errlen)
{
    dir_entries d = {0};
    int rc = -1;

    if (depth > HUNT_MAX_DEPTH) {
        snprintf(err, errlen, "%s: directories nested deeper than %d", dir, HUNT_MAX_DEPTH);
        return -1;
    }
    if (svc_dir_list(dir, collect, &d, err, errlen) < 0)
        goto out;
    if (d.oom) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (d.n > 1)
        qsort(d.names, d.n, sizeof *d.names, by_name); /* files ('f') after directories ('d') */
    for (size_t i = 0; i < d.n; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, d.names[i] + 1) >= sizeof path)
            continue;
        if (d.names[i][0] == 'd' ? add_dir(f, path, depth + 1, err, errlen) < 0 : push(f, path) < 0) {
            if (d.names[i][0] == 'f')
                snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < d.n; i++)
        free(d.names[i]);
    free(d.names);
    return rc;
}

int hunt_files_add(hunt_files *f, const char *path, char *err, size_t errlen)
{
    int kind = strcmp(path, "-") == 0 ? 0 : svc_path_kind(path);

    if (kind < 0) {
        snprintf(err, errlen, "%s: no such file or directory", path);
        return -1;
    }
    if (kind == 1) {
        char dir[4096];
        size_t n = strlen(path);
        while (n > 1 && (path[n - 1] == '/' || path[n - 1] == '\\'))
            n--;
        snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        return add_dir(f, dir, 0, err, errlen);
    }
    if (push(f, path) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void hunt_files_free(hunt_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->paths[i]);
    free(f->paths);
    memset(f, 0, sizeof *f);
}
