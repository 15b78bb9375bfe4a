/*
** build.h — the parts of the index writer (`parley.indexer.build`), shared
** by its files and by no one else (none of them is a Lua-visible type):
**
**   build.c    the job: the spec, batches, worker threads, encoding documents
**   lexicon.c  the exact types: interning, folding, the lexicon sections
**   postings.c the postings: sorted runs per batch, merged at the end
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

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "ixfile.h"
#include "parley.h"

#define MAX_THREADS 8                /* worker threads of a build, at most */

/* ---------------------------------------------------------------- growable byte buffers */

typedef struct buf { unsigned char *p; size_t n, cap; } buf;

static inline int buf_reserve(buf *b, size_t extra) {
  size_t need, cap;
  if (extra > SIZE_MAX - b->n) return -1;
  need = b->n + extra;
  if (need <= b->cap) return 0;
  cap = b->cap ? b->cap : (need < 256 ? 256 : need);   /* small documents stay small */
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
** the header goes through a write buffer of IXW_BUFFER bytes, each checksum
** block of it (IX_BLOCK_SIZE) checksummed when it is full.  ixw_finish
** writes the checksum table and the header, syncs, and renames the file to
** PATH; until then ixw_free removes it.
*/
#define IXW_BUFFER ((size_t)256 << 10)   /* a multiple of IX_BLOCK_SIZE */
typedef struct ixwriter {
  char *path, *tmp_path;           /* PATH and PATH.tmp.PID */
  int fd;                          /* -1 when closed */
  int created;                     /* tmp_path was created by this build */
  int done;                        /* renamed into place */
  uint64_t off;                    /* bytes written to fd so far */
  unsigned char *block;            /* the write buffer (IXW_BUFFER bytes) */
  size_t block_used;               /* bytes in it */
  size_t block_summed;             /* of which checksummed: whole blocks */
  buf sums;                        /* uint64 checksum per block */
  ix_header h;                     /* filled in as sections are written */
} ixwriter;

/* Create a new file at path with these open flags and mode, never over an
** existing file or through a link; returns the descriptor, raises on failure. */
int ixw_create(lua_State *L, const char *path, int flags, mode_t mode);
/* Name the file after path and create it (mode 0644); raises on failure. */
void ixw_open(lua_State *L, ixwriter *w, const char *path);
/* Append bytes; 0, or -1 with errno set. */
int ixw_write(ixwriter *w, const void *data, size_t n);
/* Pad with zeros to a multiple of 8; 0 or -1. */
int ixw_align(ixwriter *w);

/* The file offset the next byte will have. */
static inline uint64_t ixw_pos(const ixwriter *w) { return w->off + w->block_used; }

/* A section: begin (aligned to 8), write, end; or all three at once.  Raise on failure. */
void ixw_begin_section(lua_State *L, ixwriter *w, const char *name);
void ixw_end_section(ixwriter *w);
void ixw_section(lua_State *L, ixwriter *w, const char *name, const void *p, size_t n);
/* Write the checksum table and the header with these counts, sync, rename into place. */
void ixw_finish(lua_State *L, ixwriter *w, uint64_t ntokens, uint32_t ndocs, uint64_t nexact,
                uint64_t nfold);
void ixw_free(ixwriter *w);
/* Raise the error of a failed write (errno says why), naming the index. */
void ixw_failed(lua_State *L, ixwriter *w);
/* Raise "no room for the index PATH" (errno e: ENOSPC or EDQUOT), an error
** object with fields nospace, path, bytes (at least what it needs), reason. */
void ixw_no_room(lua_State *L, const char *path, int e, uint64_t bytes);

/*
** A section that grows with the archive (the embedded texts, the source
** maps) is spilled as it grows: bytes gather in memory and go, a few MiB at a
** time, to a temporary file in the index's folder that is unlinked as soon as
** it is open (nothing is left behind, whatever happens); ixw_section_spill
** copies it into the index at the end.  So a build's memory does not grow
** with the archive for these sections.
*/
typedef struct spill {
  buf mem;
  int fd;                          /* -1 until opened */
  uint64_t flushed;                /* bytes already in the file */
} spill;

/* A file without a name (O_TMPFILE) in the folder of path; -1 where none can be made. */
int ixw_unnamed(const char *path);
/* Open the spill file: without a name, else PATH.spill-WHAT.PID created, then unlinked at once; raises on failure. */
void spill_open(lua_State *L, spill *s, const char *path, const char *what);
/* Append bytes; 0, or -1 with errno set. */
int spill_add(spill *s, const void *p, size_t n);
/* The bytes appended so far (where the next byte will be in the section). */
static inline uint64_t spill_size(const spill *s) { return s->flushed + s->mem.n; }
/* The section `name` of w: the spilled bytes.  Raises on failure. */
void ixw_section_spill(lua_State *L, ixwriter *w, const char *name, spill *s);
void spill_free(spill *s);

/* ---------------------------------------------------------------- lexicon.c: the lexicon */

/* A string table slot: the first 8 bytes are kept inline, so most words compare without a pointer chase. */
/* The first (up to) 8 bytes of s as a zero-padded word. */
static inline uint64_t lex_prefix8(const char *s, size_t len) {
  uint64_t w = 0;
  memcpy(&w, s, len < 8 ? len : 8);
  return w;
}

/* A fast hash for short strings (tokens); never 0, which marks an empty slot. */
static inline uint64_t lex_hash(const char *s, size_t len) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull), w;
  while (len >= 8) {
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 31;
    s += 8;
    len -= 8;
  }
  if (len) {
    w = lex_prefix8(s, len);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
  }
  h ^= h >> 29;
  h *= 0xff51afd7ed558ccdull;
  return (h ^ (h >> 32)) | 1;
}

typedef struct lex_slot { uint64_t hash, pre; const char *s; uint32_t len, id; } lex_slot;
typedef struct lex_table { lex_slot *v; size_t cap, n; } lex_table;
typedef struct lex_chunk lex_chunk;

/*
** The exact types.  Workers intern (each through caches[its thread]) and
** get a provisional id, in the order threads happen to meet the forms; mu
** guards forms, strings, str, len, kind, n and cap.  The main thread, which
** encodes the documents in source order, gives each type its id in the
** index on its first occurrence there (lex_canon): ids in order of first
** appearance in the corpus, the same bytes whatever the number of threads.
** Only it touches len_main, freq (by index id), canon and prov_of.
*/
typedef struct lexicon {
  pthread_mutex_t mu;
  int mu_init;
  lex_table forms;                 /* every exact form, to its id */
  lex_table caches[MAX_THREADS];   /* per worker thread: the forms it has met */
  lex_slot *hot[MAX_THREADS];      /* per worker thread: LEX_HOT slots, the forms met last (direct-mapped) */
  lex_chunk *strings;              /* arena holding the forms */
  const char **str;                /* per id: the form, */
  uint32_t *len;                   /* ... its length in bytes, */
  uint8_t *kind;                   /* ... its token kind (PL_TOK_*) */
  size_t n, cap;                   /* types, and room in str, len and kind */
  uint32_t *len_main;              /* the main thread's copy of len[0 .. len_main_cap) */
  size_t len_main_cap;
  uint64_t *freq;                  /* per index id: occurrences (the postings count them) */
  size_t freq_cap;
  uint32_t *canon;                 /* per provisional id: its index id, or UINT32_MAX */
  uint32_t *prov_of;               /* per index id: its provisional id */
  size_t canon_cap, ncanon;        /* room in both; index ids given so far */
  buf lexstr;                      /* the "lexstr" section, while it is written */
  uint64_t nfold;                  /* folded types, once written */
  const char **fold_str;           /* per id: its folded form, when known already (join.c), */
  uint32_t *fold_len;              /* ... and its length; else lex_write folds */
} lexicon;

/* Create the lock and the table; raises on failure. */
void lex_init(lua_State *L, lexicon *lx);
/* Intern the n tokens of text as worker thread `thread`: ids[k] is token k's
** exact id.  No Lua; 0, or -1 if out of memory. */
int lex_intern(lexicon *lx, unsigned thread, const char *text, const pl_token *toks, size_t n,
               uint32_t *ids);
/* For the main thread, while workers may intern: bring len_main, freq, canon
** and prov_of up to the current types, whose number goes to *nexact.  NULL
** or a message. */
const char *lex_sync(lexicon *lx, size_t *nexact);
/* The index id of the type with provisional id prov (below lex_sync's
** count), given now if this is its first occurrence in source order. */
static inline uint32_t lex_canon(lexicon *lx, uint32_t prov) {
  uint32_t c = lx->canon[prov];
  if (c == UINT32_MAX) {
    c = (uint32_t)lx->ncanon++;
    lx->canon[prov] = c;
    lx->prov_of[c] = prov;
  }
  return c;
}
/* Fold and sort the types and write the sections "exact" (filling in ex[], whose
** postings ranges are already set), "lens", "fold", "lexstr", "foldmap" and "freqorder":
** the ncanon types that occur in the documents encoded, by index id. */
void lex_write(lua_State *L, lexicon *lx, ixwriter *w, ix_exact *ex);
void lex_free(lexicon *lx);

/* ---------------------------------------------------------------- postings.c: the postings */

/* The exact id of each token of one document: what the postings are made of. */
typedef struct doc_ids { uint32_t *v; size_t n; } doc_ids;

typedef struct postings {
  char *path;                      /* the runs file's name in messages, PATH.runs.PID (it has none on disk) */
  FILE *runs;
  uint64_t runs_off;               /* bytes written to it */
  uint32_t nruns;                  /* runs spilled (one per batch) */
  buf segs;                        /* per run, per id in it: where its deltas are */
  uint32_t *count;                 /* per exact id, during a spill */
  size_t count_cap;
} postings;

/* Name the runs file after the index path and create it (mode 0600); raises on failure. */
void postings_open(lua_State *L, postings *p, const char *path);
/* Spill the postings of a batch of documents, whose first token is at position
** first, as one run, and add their counts to freq[0 .. nexact).  NULL or a message. */
const char *postings_spill(postings *p, const doc_ids *docs, size_t ndocs, uint64_t first,
                           size_t nexact, uint64_t *freq);
/* Merge the runs into the "postings" section, setting ex[id].post and .post_len. */
void postings_write(lua_State *L, postings *p, ixwriter *w, ix_exact *ex, size_t nexact);
void postings_free(postings *p);

#endif
