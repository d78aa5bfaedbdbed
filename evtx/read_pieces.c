/* read_pieces.c - reads a file or standard input in 64 KiB pieces and hands each to a stream
 * parser: the reading loop shared by evtx_xml_read_file and evtx_json_read_file. */
#include "evtx/read_pieces.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE (64 * 1024)

int evtx_read_pieces(const char *path, int (*piece)(void *ctx, const char *data, size_t n), void *ctx,
                     char *err, size_t errlen)
{
    int is_stdin = strcmp(path, "-") == 0, rc = -1;
    FILE *f = is_stdin ? stdin : fs_fopen(path, "rb");
    char *chunk = NULL;
    size_t n;

    if (err && errlen)
        err[0] = '\0';
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!(chunk = malloc(PIECE))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    while ((n = fread(chunk, 1, PIECE, f)) > 0)
        if ((rc = piece(ctx, chunk, n)) != 0)
            goto out;
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = -1;
        goto out;
    }
    rc = piece(ctx, NULL, 0);
out:
    if (!is_stdin)
        fclose(f);
    free(chunk);
    return rc;
}
