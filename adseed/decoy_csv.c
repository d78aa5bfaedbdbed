/*
 * decoy_csv.c - RFC 4180 CSV reader for `adseed create --from FILE.csv`: quoted fields with
 * embedded commas, quotes ("") and newlines, CRLF or LF line ends, blank lines and #-comments skipped.
 */
#include "adseed/decoy.h"

#include <stdlib.h>
#include <string.h>

static int fb_put(strbuf *f, char ch)
{
    strbuf_putc(f, ch);
    return f->failed ? -1 : 0;
}

/* Moves the field's text (or "") to the end of the row. */
static int row_add(decoy_csv_row *r, strbuf *f)
{
    char **fs = realloc(r->fields, (r->nfields + 1) * sizeof *fs);
    if (!fs)
        return -1;
    r->fields = fs;
    if (!(r->fields[r->nfields] = strbuf_detach(f, NULL)))
        return -1;
    r->nfields++;
    return 0;
}

static int row_blank(const decoy_csv_row *r)
{
    return r->nfields == 0 || (r->nfields == 1 && (!r->fields[0][0] || r->fields[0][0] == '#'));
}

void decoy_csv_free(decoy_csv_row *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        for (size_t j = 0; j < rows[i].nfields; j++)
            free(rows[i].fields[j]);
        free(rows[i].fields);
    }
    free(rows);
}

static int push_row(decoy_csv_row **rows, size_t *nrows, decoy_csv_row *r)
{
    if (row_blank(r) || (r->nfields && r->fields[0][0] == '#')) {
        for (size_t j = 0; j < r->nfields; j++)
            free(r->fields[j]);
        free(r->fields);
        memset(r, 0, sizeof *r);
        return 0;
    }
    decoy_csv_row *nr = realloc(*rows, (*nrows + 1) * sizeof *nr);
    if (!nr)
        return -1;
    *rows = nr;
    nr[(*nrows)++] = *r;
    memset(r, 0, sizeof *r);
    return 0;
}

int decoy_csv_parse(const char *text, size_t len, const char *origin, decoy_csv_row **rows, size_t *nrows,
                    char *err, size_t errlen)
{
    decoy_csv_row cur = {0};
    strbuf f = {0};
    size_t line = 1, qline = 0;
    int inq = 0, ret = -1;
    *rows = NULL;
    *nrows = 0;
    cur.line = 1;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (inq) {
            if (ch == '"' && i + 1 < len && text[i + 1] == '"') {
                if (fb_put(&f, '"'))
                    goto oom;
                i++;
            } else if (ch == '"') {
                inq = 0;
            } else {
                if (ch == '\n')
                    line++;
                if (fb_put(&f, ch))
                    goto oom;
            }
            continue;
        }
        if (ch == '"' && f.len == 0) {
            inq = 1;
            qline = line;
        } else if (ch == ',') {
            if (row_add(&cur, &f))
                goto oom;
        } else if (ch == '\r' && i + 1 < len && text[i + 1] == '\n') {
            continue;
        } else if (ch == '\n') {
            if (row_add(&cur, &f) || push_row(rows, nrows, &cur))
                goto oom;
            cur.line = ++line;
        } else if (fb_put(&f, ch)) {
            goto oom;
        }
    }
    if (inq) {
        snprintf(err, errlen, "%s:%zu: unterminated quoted field", origin, qline);
        goto out;
    }
    if (f.len || cur.nfields) {
        if (row_add(&cur, &f) || push_row(rows, nrows, &cur))
            goto oom;
    }
    ret = 0;
    goto out;
oom:
    snprintf(err, errlen, "%s:%zu: out of memory", origin, line);
out:
    strbuf_free(&f);
    for (size_t j = 0; j < cur.nfields; j++)
        free(cur.fields[j]);
    free(cur.fields);
    if (ret) {
        decoy_csv_free(*rows, *nrows);
        *rows = NULL;
        *nrows = 0;
    }
    return ret;
}
