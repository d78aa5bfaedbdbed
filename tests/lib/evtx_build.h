/* evtx_build.h - a tiny byte-by-byte writer of .evtx chunks and BinXML for the reader's tests:
 * primitives, name structures, element/attribute/text/substitution tokens, chunk and file headers
 * with their checksums. Offsets are chunk-relative, as in BinXML. */
#ifndef ADDECOY_TEST_EVTX_BUILD_H
#define ADDECOY_TEST_EVTX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define EVTX_BUILD_CHUNK 65536
#define EVTX_BUILD_FHDR 4096

struct bld {
    uint8_t c[EVTX_BUILD_CHUNK]; /* the chunk being built */
    size_t len;
};

void p8(struct bld *b, unsigned v);
void p16(struct bld *b, unsigned v);
void p32(struct bld *b, uint32_t v);
void p64(struct bld *b, uint64_t v);
void pat32(uint8_t *p, uint32_t v);
void pstr16(struct bld *b, const char *s);
uint32_t evtx_build_crc32(const uint8_t *p, size_t n);

void name(struct bld *b, const char *s); /* inline name structure */
/* OpenStartElement as a template definition writes it (with the 2-byte dependency identifier). */
void open_el(struct bld *b, const char *n, int attrs);
/* OpenStartElement as a record's direct elements and nested BinXML values write it (without). */
void open_el_direct(struct bld *b, const char *n, int attrs);
void attr(struct bld *b, const char *n);
void text(struct bld *b, const char *s);
void sub(struct bld *b, unsigned id, unsigned type, int opt);
void leaf_sub(struct bld *b, const char *n, unsigned id, unsigned type);
void data_el(struct bld *b, const char *field, int close_start);

/* Template instance token with an inline definition (the first use in a chunk): writes the token,
 * the definition header; *def receives the definition's chunk offset. Write the body (starting
 * with a fragment header), then call template_def_end with the value returned. */
size_t template_def_begin(struct bld *b, size_t *def);
void template_def_end(struct bld *b, size_t size_at);

/* Record header "**", size (patched by record_end), number, time; returns the size field's offset. */
size_t record_begin(struct bld *b, uint64_t no);
/* Pads the record, writes the trailing size copy and patches the size. */
void record_end(struct bld *b, size_t start, size_t size_at);
/* Chunk header (first/last record numbers, free space offset, checksums) for b->c[0..b->len). */
void chunk_finish(struct bld *b, uint64_t first, uint64_t last);
/* A file header for one chunk, then the chunk: writes EVTX_BUILD_FHDR + CHUNK bytes to file. */
size_t file_of_chunk(uint8_t *file, const struct bld *b);

#endif
