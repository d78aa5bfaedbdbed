/* evtx_build.c - the tests' .evtx/BinXML writer (see evtx_build.h). */
#include "evtx_build.h"

#include <string.h>

void p8(struct bld *b, unsigned v) { b->c[b->len++] = (uint8_t)v; }
void p16(struct bld *b, unsigned v)
{
    p8(b, v & 0xff);
    p8(b, (v >> 8) & 0xff);
}
void p32(struct bld *b, uint32_t v)
{
    p16(b, v & 0xffff);
    p16(b, v >> 16);
}
void p64(struct bld *b, uint64_t v)
{
    p32(b, (uint32_t)v);
    p32(b, (uint32_t)(v >> 32));
}
void pat32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
void pstr16(struct bld *b, const char *s)
{
    while (*s)
        p16(b, (unsigned char)*s++);
}

uint32_t evtx_build_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

void name(struct bld *b, const char *s)
{
    p32(b, 0);
    p16(b, 0);
    p16(b, (unsigned)strlen(s));
    pstr16(b, s);
    p16(b, 0);
}

static void open_el_dep(struct bld *b, const char *n, int attrs, int dep)
{
    p8(b, attrs ? 0x41 : 0x01);
    if (dep)
        p16(b, 0xffff);
    p32(b, 0);
    p32(b, (uint32_t)b->len + 4);
    name(b, n);
    if (attrs)
        p32(b, 0);
}

void open_el(struct bld *b, const char *n, int attrs) { open_el_dep(b, n, attrs, 1); }
void open_el_direct(struct bld *b, const char *n, int attrs) { open_el_dep(b, n, attrs, 0); }
void attr(struct bld *b, const char *n)
{
    p8(b, 0x06);
    p32(b, (uint32_t)b->len + 4);
    name(b, n);
}
void text(struct bld *b, const char *s)
{
    p8(b, 0x05);
    p8(b, 0x01);
    p16(b, (unsigned)strlen(s));
    pstr16(b, s);
}
void sub(struct bld *b, unsigned id, unsigned type, int opt)
{
    p8(b, opt ? 0x0e : 0x0d);
    p16(b, id);
    p8(b, type);
}

void leaf_sub(struct bld *b, const char *n, unsigned id, unsigned type)
{
    open_el(b, n, 0);
    p8(b, 0x02);
    sub(b, id, type, 0);
    p8(b, 0x04);
}

void data_el(struct bld *b, const char *field, int close_start)
{
    open_el(b, "Data", 1);
    attr(b, "Name");
    text(b, field);
    p8(b, close_start ? 0x02 : 0x03);
}

size_t template_def_begin(struct bld *b, size_t *def)
{
    size_t size_at;
    p8(b, 0x0c);
    p8(b, 1);
    p32(b, 0x1234);
    *def = b->len + 4;
    p32(b, (uint32_t)*def);
    p32(b, 0);
    for (int i = 0; i < 16; i++)
        p8(b, i);
    size_at = b->len;
    p32(b, 0);
    return size_at;
}

void template_def_end(struct bld *b, size_t size_at)
{
    pat32(b->c + size_at, (uint32_t)(b->len - size_at - 4));
}

size_t record_begin(struct bld *b, uint64_t no)
{
    size_t size_at;
    p32(b, 0x00002a2a);
    size_at = b->len;
    p32(b, 0);
    p64(b, no);
    p64(b, 0);
    return size_at;
}

void record_end(struct bld *b, size_t start, size_t size_at)
{
    while ((b->len - start + 4) % 8)
        p8(b, 0);
    p32(b, (uint32_t)(b->len - start + 4));
    pat32(b->c + size_at, (uint32_t)(b->len - start));
}

void chunk_finish(struct bld *b, uint64_t first, uint64_t last)
{
    uint8_t tmp[120 + 384];
    memcpy(b->c, "ElfChnk\0", 8);
    for (int i = 0; i < 8; i++) {
        b->c[8 + i] = b->c[24 + i] = (uint8_t)(first >> (8 * i));
        b->c[16 + i] = b->c[32 + i] = (uint8_t)(last >> (8 * i));
    }
    b->c[40] = 128;
    pat32(b->c + 48, (uint32_t)b->len);
    pat32(b->c + 52, evtx_build_crc32(b->c + 512, b->len - 512));
    memcpy(tmp, b->c, 120);
    memcpy(tmp + 120, b->c + 128, 384);
    pat32(b->c + 124, evtx_build_crc32(tmp, sizeof tmp));
}

size_t file_of_chunk(uint8_t *file, const struct bld *b)
{
    memset(file, 0, EVTX_BUILD_FHDR);
    memcpy(file, "ElfFile\0", 8);
    file[32] = 128;
    file[36] = 1;
    file[38] = 3;
    file[41] = 0x10;
    file[42] = 1;
    pat32(file + 124, evtx_build_crc32(file, 120));
    memcpy(file + EVTX_BUILD_FHDR, b->c, EVTX_BUILD_CHUNK);
    return EVTX_BUILD_FHDR + EVTX_BUILD_CHUNK;
}
