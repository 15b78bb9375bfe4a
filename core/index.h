/*
** index.h — the Lua types over an index file: parley.Index (index.c, with its
** query methods in query.c and its reports in kwic.c, freq.c and ngrams.c) and parley.Hits (hits.c).
*/
#ifndef PARLEY_INDEX_H
#define PARLEY_INDEX_H

#include "ixfile.h"
#include "parley.h"

#define PARLEY_INDEX "parley.Index"
#define PARLEY_HITS  "parley.Hits"
#define PARLEY_KWIC_STATE "parley.KwicBatches"  /* kwic.c: a concordance made in two threads */

/* A document's text, mapped on first use. */
typedef struct pl_text { void *map; size_t len; int loaded; } pl_text;

typedef struct pl_corpus {
  ix_index ix;                 /* ix.base == NULL once closed */
  char *path;                  /* stored after the struct */
  char *root;                  /* the corpus folder its relative source paths are under (after path), or NULL */
  pl_text *texts;              /* per document; a Lua userdata (user value 1) */
  uint32_t ndocs_cached;
  int moved_aside;             /* a damaged file was renamed to PATH.damaged */
  char *rbuf;                  /* read buffer for corpus_text_once (user value 2) */
  size_t rbuf_cap;
  uint32_t rbuf_doc;           /* document it holds, + 1 (0: none) */
  ix_seg *segs;                /* an index of several segments: theirs (user value 5), */
  uint32_t nmapped;            /* ... those mapped so far */
} pl_corpus;

/* A list of token spans [start, end) sorted by start; user value 1 is its Index. */
typedef struct pl_hits {
  size_t n;
  uint32_t span[];             /* start0, end0, start1, end1, ... */
} pl_hits;

pl_corpus *check_corpus(lua_State *L, int i);
pl_corpus *to_corpus(lua_State *L, int i);
int corpus_damaged(lua_State *L, pl_corpus *c);
/* A string of the "strings" section, bounds- and checksum-checked (raises if damaged). */
const char *corpus_string(lua_State *L, pl_corpus *c, ix_str s);
const char *corpus_text(lua_State *L, pl_corpus *c, uint32_t d, size_t *len);
const char *corpus_text_once(lua_State *L, pl_corpus *c, int ci, uint32_t d, size_t *len);
/* corpus_text_once for another thread: read through ix into buf[0..cap); 0, or -1 on any failure. */
int corpus_read_text(ix_index *ix, const char *root, uint32_t d, char *buf, size_t cap,
                     const char **text, size_t *len);
/*
** The path of document d's source: the index stores it relative to the
** corpus folder (or absolute, for a source outside it), and this is root/path
** (path itself when absolute or root is NULL), in buf[0..PL_PATH_MAX).
** NULL if the stored path is damaged or the result too long.
*/
const char *corpus_source_path(ix_index *ix, const char *root, const ix_doc *d, char *buf);

pl_hits *check_hits(lua_State *L, int i);
/* Push a new hit list of n spans anchored to the Index at stack index ci. */
pl_hits *push_hits(lua_State *L, int ci, size_t n);
/* Region codes (a list at stack index t, one per region) read into an
** array left on the stack as a userdata, with their largest; and a list of
** n + 1 counts indexed from 0 pushed (hits.c). */
uint32_t *hits_read_codes(lua_State *L, int t, size_t n, uint32_t *max);
void hits_push_tally(lua_State *L, const uint64_t *v, uint32_t n);
/* The Index a hit list belongs to (pushes nothing). */
pl_corpus *hits_corpus(lua_State *L, int hi);

/* Region kinds (query.c): the kind named by the string at stack index arg
** (raises if there is none); the kind's records, checked (width in uint32
** words: start, end, then an ix_str offset and length per attribute); the
** 1-based number of the innermost region holding position pos (the one
** starting last), 0 if none. */
uint32_t corpus_kind(lua_State *L, pl_corpus *c, int arg);
const uint32_t *corpus_regions(lua_State *L, pl_corpus *c, uint32_t k, size_t *width, uint64_t *count);
uint64_t region_enclosing(const uint32_t *r, size_t width, uint64_t count, uint64_t pos);

void corpus_open_queries(lua_State *L);   /* query.c: adds methods to the table on top */
void corpus_open_reports(lua_State *L);   /* kwic.c: adds locate, kwic, positions, and freq, ngrams */

#endif
