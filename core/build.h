/*
** build.h — the parts of the index writer (`parley.indexer.build`), shared
** by its files and by no one else (none of them is a Lua-visible type):
**
**   build.c    the job: the spec, batches, worker threads, encoding documents
**   ixwrite.c  the index file: checksummed blocks, sections, header, finishing
**
** Each part has its own struct, which the job holds by value, and its own
** free function, which job_gc calls: a free function is idempotent and
** releases whatever was acquired, so a Lua error at any point leaks nothing.
** Functions taking a lua_State raise on failure; the others return an error
** (-1, or a message) and may run in worker threads.
*/
#ifndef PARLEY_BUILD_H
#define PARLEY_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ixfile.h"
#include "parley.h"

/* ---------------------------------------------------------------- growable byte buffers */

typedef struct buf { unsigned char *p; size_t n, cap; } buf;

static inline int buf_reserve(buf *b, size_t extra) {
  size_t need, cap;
  if (extra > SIZE_MAX - b->n) return -1;
  need = b->n + extra;
  if (need <= b->cap) return 0;
  cap = b->cap ? b->cap : 4096;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) return -1;
    cap *= 2;
  }
  unsigned char *p = realloc(b->p, cap);
  if (p == NULL) return -1;
  b->p = p;
  b->cap = cap;
  return 0;
}

static inline int buf_add(buf *b, const void *p, size_t n) {
  if (buf_reserve(b, n) != 0) return -1;
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
  return 0;
}

static inline int buf_u32(buf *b, uint32_t v) { return buf_add(b, &v, sizeof v); }

static inline void buf_free(buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }

/* ---------------------------------------------------------------- ixwrite.c: the index file */

/*
** The file is created as PATH.tmp.PID, a zero header first; every byte after
** the header goes through a 64 KiB block whose checksum is taken when it is
** full.  ixw_finish writes the checksum table and the header, syncs, and
** renames the file to PATH; until then ixw_free removes it.
*/
typedef struct ixwriter {
  char *path, *tmp_path;           /* PATH and PATH.tmp.PID */
  int fd;                          /* -1 when closed */
  int done;                        /* renamed into place */
  uint64_t off;                    /* bytes written to fd so far */
  unsigned char *block;            /* the current checksum block */
  size_t block_used;
  buf sums;                        /* uint64 checksum per block */
  ix_header h;                     /* filled in as sections are written */
} ixwriter;

/* Name the file after path and create it; raises on failure. */
void ixw_open(lua_State *L, ixwriter *w, const char *path);
/* Append bytes; 0, or -1 with errno set. */
int ixw_write(ixwriter *w, const void *data, size_t n);
/* Pad with zeros to a multiple of 8; 0 or -1. */
int ixw_align(ixwriter *w);

/* The file offset the next byte will have. */
static inline uint64_t ixw_pos(const ixwriter *w) { return w->off + w->block_used; }

/* ixw_write for a few bytes: the common case needs no call. */
static inline int ixw_put(ixwriter *w, const unsigned char *p, size_t n) {
  if (IX_BLOCK_SIZE - w->block_used > n) {
    memcpy(w->block + w->block_used, p, n);
    w->block_used += n;
    return 0;
  }
  return ixw_write(w, p, n);
}

/* A section: begin (aligned to 8), write, end; or all three at once.  Raise on failure. */
void ixw_begin_section(lua_State *L, ixwriter *w, const char *name);
void ixw_end_section(ixwriter *w);
void ixw_section(lua_State *L, ixwriter *w, const char *name, const void *p, size_t n);
/* Write the checksum table and the header with these counts, sync, rename into place. */
void ixw_finish(lua_State *L, ixwriter *w, uint64_t ntokens, uint32_t ndocs, uint64_t nexact,
                uint64_t nfold);
void ixw_free(ixwriter *w);

#endif
