/* read_pieces.h - private: reads a whole file (or standard input) in pieces for the stream
 * parsers' *_read_file helpers (xml_stream.c, json_stream.c). Not part of the public API. */
#ifndef ADDECOY_EVTX_READ_PIECES_H
#define ADDECOY_EVTX_READ_PIECES_H

#include <stddef.h>

/* Calls piece(ctx, data, n) for each piece of path ("-" = standard input), then piece(ctx, NULL, 0)
 * at its end. Returns 0, the first non-zero value piece returned (err left empty), or -1 with err
 * naming the file when it cannot be opened or read. */
int evtx_read_pieces(const char *path, int (*piece)(void *ctx, const char *data, size_t n), void *ctx,
                     char *err, size_t errlen);

#endif
