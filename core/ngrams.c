/*
** ngrams.c — `index:ngrams(n, opts)`: every sequence of n words with its
** count, commonest first (ties in alphabetical order).  One pass over the
** token stream fills an open-addressing table of fixed-size keys (n type
** ids); the kept rows are sorted by LSD radix sort on 16-bit digits (the
** folded ids are in alphabetical order, so sorting ids sorts words).
** Every long loop tests the interruption flag (parley.h), so Ctrl-C stops
** a count over a large corpus.
*/
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "report.h"

#define MAX_N 8

#define AHEAD 16                     /* keys hashed and prefetched before they are added */

#define PARLEY_NGRAM_BLOCK "parley.NgramBlock"

/*
** A block of words from the Lua allocator, owned by a userdata whose __gc
** frees it: unlike a userdata's own memory it can shrink in place once the
** table has become the sorted rows (a 200 MB corpus's bigram table is
** 200 MB, its rows 100 MB), and be freed before the output is copied into
** a Lua string.  Freeing is idempotent.
*/
typedef struct gblock {
  uint32_t *p;
  size_t words;
  lua_Alloc alloc;
  void *ud;
} gblock;

static void gblock_free(gblock *b) {
  uint32_t *p = b->p;
  b->p = NULL;
  if (p) b->alloc(b->ud, p, b->words * sizeof *p, 0);
  b->words = 0;
}

static int gblock_gc(lua_State *L) {
  gblock_free(luaL_checkudata(L, 1, PARLEY_NGRAM_BLOCK));
  return 0;
}

static gblock *gblock_push(lua_State *L) {
  gblock *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  b->alloc = lua_getallocf(L, &b->ud);
  if (luaL_newmetatable(L, PARLEY_NGRAM_BLOCK)) {
    lua_pushcfunction(L, gblock_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

/* Lua's own memory error: the bare message, which the command line and
** parley.error's pcall know as fatal (parley_is_fatal), with no position. */
static void no_memory(lua_State *L) {
  lua_pushliteral(L, "not enough memory");
  lua_error(L);
}

/*
** Resize to words (contents kept up to the smaller size).  When the
** allocator refuses, garbage is collected and the request made once more,
** as Lua does for its own objects; then it raises the memory error.
*/
static uint32_t *gblock_resize(lua_State *L, gblock *b, size_t words) {
  uint32_t *np;
  size_t osize;
  if (words == 0) words = 1;
  if (words > ((size_t)-1) / 2 / sizeof *np) no_memory(L);
  osize = b->p ? b->words * sizeof *np : 0;
  np = b->alloc(b->ud, b->p, osize, words * sizeof *np);
  if (np == NULL) {
    lua_gc(L, LUA_GCCOLLECT, 0);
    np = b->alloc(b->ud, b->p, osize, words * sizeof *np);
  }
  if (np == NULL) no_memory(L);
  b->p = np;
  b->words = words;
  return np;
}

/*
** The counting table: cap records of width = 1 + n words, count then key;
** a count of 0 marks an empty slot.  No hash is stored (it is recomputed
** when the table grows), so a bigram takes 12 bytes, not 16.
*/
typedef struct grams {
  uint32_t *slots;
  gblock *blk;                       /* owns slots */
  size_t cap, used, width;
  int n, idx;                        /* n; stack index of blk's userdata */
  uint32_t pend[AHEAD][MAX_N + 1];   /* keys waiting, with their hashes */
  size_t npend;
} grams;

static uint32_t key_hash(const uint32_t *k, int n) {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  int i;
  for (i = 0; i < n; i++) { h = (h ^ k[i]) * 0xff51afd7ed558ccdull; h ^= h >> 29; }
  return (uint32_t)(h ^ (h >> 32));
}

/* Push a new, empty block of cap records (the caller sets g->idx). */
static void grams_alloc(lua_State *L, grams *g, size_t cap) {
  size_t bytes;
  if (cap > ((size_t)-1) / 4 / g->width / sizeof(uint32_t)) no_memory(L);
  bytes = cap * g->width * sizeof(uint32_t);
  g->blk = gblock_push(L);
  g->slots = gblock_resize(L, g->blk, cap * g->width);
  if (bytes >= (8u << 20)) {  /* a large table is probed at random: ask for huge pages (fewer TLB misses) */
    uintptr_t a = ((uintptr_t)g->slots + 4095) & ~(uintptr_t)4095;
    uintptr_t e = ((uintptr_t)g->slots + bytes) & ~(uintptr_t)4095;
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
  }
  memset(g->slots, 0, bytes);
  g->cap = cap;
}

/* Double the table; the old block is freed at once. */
static void grams_grow(lua_State *L, grams *g) {
  uint32_t *old = g->slots;
  gblock *oblk = g->blk;
  size_t ocap = g->cap, i;
  grams_alloc(L, g, ocap * 2);
  for (i = 0; i < ocap; i++) {
    const uint32_t *r = old + i * g->width;
    size_t j;
    if (!r[0]) continue;
    j = key_hash(r + 1, g->n) & (g->cap - 1);
    while (g->slots[j * g->width]) j = (j + 1) & (g->cap - 1);
    memcpy(g->slots + j * g->width, r, g->width * sizeof(uint32_t));
  }
  lua_replace(L, g->idx);
  gblock_free(oblk);
}

static void grams_add(lua_State *L, grams *g, const uint32_t *k, uint32_t h) {
  size_t j = h & (g->cap - 1);
  for (;;) {
    uint32_t *r = g->slots + j * g->width;
    int i = 0;
    if (!r[0]) break;
    while (i < g->n && r[1 + i] == k[i]) i++;
    if (i == g->n) { r[0]++; return; }
    j = (j + 1) & (g->cap - 1);
  }
  {
    uint32_t *r = g->slots + j * g->width;
    r[0] = 1;
    memcpy(r + 1, k, (size_t)g->n * sizeof *k);
  }
  if (++g->used * 10 > g->cap * 7) grams_grow(L, g);
}

/*
** Queue a key: its slot is prefetched now and the key added AHEAD keys
** later, so the table's cache misses overlap instead of adding up.
*/
static void grams_push(lua_State *L, grams *g, const uint32_t *k) {
  uint32_t h = key_hash(k, g->n), *e;
  if (g->npend == AHEAD) {
    size_t i;
    for (i = 0; i < AHEAD; i++) grams_add(L, g, g->pend[i] + 1, g->pend[i][0]);
    g->npend = 0;
  }
  e = g->pend[g->npend++];
  e[0] = h;
  memcpy(e + 1, k, (size_t)g->n * sizeof *k);
  __builtin_prefetch(g->slots + (h & (g->cap - 1)) * g->width);
}

static void grams_drain(lua_State *L, grams *g) {
  size_t i;
  for (i = 0; i < g->npend; i++) grams_add(L, g, g->pend[i] + 1, g->pend[i][0]);
  g->npend = 0;
}

/*
** Sort rows (width words: count, key[n]) by count descending, then key
** ascending: stable LSD radix passes over 16-bit digits, last key word
** first, the count (inverted) last.  Passes whose digit never varies are
** skipped.  Returns the sorted array (a or b).  Interruptible between passes.
*/
static uint32_t *radix_sort(lua_State *L, const parley_flag *stop, uint32_t *a, uint32_t *b,
                            size_t n, size_t width, uint32_t *hist) {
  int word, half;
  for (word = (int)width - 1; word >= 0; word--) {
    for (half = 0; half < 2; half++) {
      size_t i, sum = 0;
      int shift = half * 16, varies = 0;
      uint32_t first;
      parley_check_interrupt(L, stop, 0);
      memset(hist, 0, 65536 * sizeof *hist);
      for (i = 0; i < n; i++) {
        uint32_t v = a[i * width + (size_t)word];
        if (word == 0) v = ~v;  /* the count: descending */
        hist[(v >> shift) & 0xffff]++;
      }
      first = n ? (((word == 0 ? ~a[(size_t)word] : a[(size_t)word]) >> shift) & 0xffff) : 0;
      varies = n && hist[first] != n;
      if (!varies) continue;
      for (i = 0; i < 65536; i++) { size_t c = hist[i]; hist[i] = (uint32_t)sum; sum += c; }
      for (i = 0; i < n; i++) {
        uint32_t v = a[i * width + (size_t)word];
        if (word == 0) v = ~v;
        memcpy(b + (size_t)hist[(v >> shift) & 0xffff]++ * width, a + i * width, width * sizeof *a);
      }
      { uint32_t *t = a; a = b; b = t; }
    }
  }
  return a;
}

/*
** ngrams(n, opts) -> rows | string | true: sequences of n words, commonest
** first.  An n-gram never spans a document boundary or (unless opts.punct)
** a punctuation token.  opts: fold (true), min (1), limit, punct, within,
** format (rows, tty, tsv, csv, json, md, html), file.  rows: { ngram=, count= }.
*/
static int report_ngrams(lua_State *L) {
  static const wr_colspec cols[] = {
    {"ngram", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
    {"count", NULL, WR_RIGHT, 0, 0, 0, 0, NULL, NULL},
  };
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2), min, limit;
  int fold, punct;
  pl_hits *spans;
  grams g;
  size_t i, kept = 0, width, steps = 0;
  const parley_flag *stop = parley_interrupt_flag(L);
  uint32_t win[MAX_N];
  uint32_t *rows, *tmp, *sorted, *idmap;
  const type_str *names;
  char *scratch;
  count_opts co;
  pl_writer *w;
  luaL_argcheck(L, n >= 1 && n <= MAX_N, 2, "n must be between 1 and 8");
  read_count_opts(L, 3, &co);
  fold = co.fold; punct = co.punct; min = co.min; limit = co.limit;
  names = type_strings(L, c, fold);          /* 4 */
  {  /* per exact type: the id to count (folded, or the exact type's alphabetical place), or
        UINT32_MAX when not counted */
    uint32_t e;
    const uint32_t *rank = NULL;
    idmap = lua_newuserdatauv(L, (c->ix.nexact + 1) * sizeof *idmap, 0);   /* 5 */
    if (!fold) names = exact_order(L, c, names, &rank);  /* 6, 7: exact ids are in no fixed order */
    if (ix_touch(&c->ix, c->ix.exact, (size_t)c->ix.nexact * sizeof(ix_exact))) corpus_damaged(L, c);
    for (e = 0; e < c->ix.nexact; e++) {
      const ix_exact *x = &c->ix.exact[e];
      int ok = punct || pl_token_is_word(x->kind);
      if (fold && x->fold >= c->ix.nfold) corpus_damaged(L, c);
      idmap[e] = !ok ? UINT32_MAX : fold ? x->fold : rank[e];
    }
    if (!fold) {
      lua_pop(L, 1);                         /* rank */
      lua_replace(L, 4);                     /* the types in alphabetical order, by place */
    }
  }
  memset(&g, 0, sizeof g);
  g.n = (int)n;
  g.width = 1 + (size_t)n;
  {  /* sized for the tokens to scan, so that it rarely grows (distinct n-grams <= tokens / 4 here) */
    size_t cap = 1u << 16, want;
    lua_getfield(L, 3, "within");
    want = lua_isnil(L, -1) ? (size_t)c->ix.ntokens / 4 : 0;
    lua_pop(L, 1);
    while (cap < want && cap < (1u << 26)) cap *= 2;
    grams_alloc(L, &g, cap);                 /* 6 */
  }
  g.idx = lua_gettop(L);
  spans = scan_spans(L, c, 3, 1);            /* 7 */
  for (i = 0; i < spans->n; i++) {
    uint32_t s = spans->span[2 * i], e = spans->span[2 * i + 1], doc;
    int have = 0;
    ix_cursor cur;
    if (s >= e) continue;
    if (e > c->ix.ntokens || ix_seek(&c->ix, s, &cur)) corpus_damaged(L, c);
    doc = cur.doc;
    for (;;) {
      parley_check_interrupt(L, stop, ++steps);
      if (cur.doc != doc) { have = 0; doc = cur.doc; }
      if (idmap[cur.id] == UINT32_MAX) have = 0;
      else {
        if (have == n) { memmove(win, win + 1, (size_t)(n - 1) * sizeof *win); have--; }
        win[have++] = idmap[cur.id];
        if (have == n) grams_push(L, &g, win);
      }
      if (cur.pos + 1 >= e) break;
      if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
    }
  }
  grams_drain(L, &g);
  lua_pop(L, 1);  /* spans */
  /* The stream has been read once and is not needed again here: its pages
     (80 MB of a 200 MB corpus) leave the resident set before the output is made. */
  ix_release(&c->ix, c->ix.stream, (size_t)c->ix.stream_size);
  for (i = 0; i < c->ix.nsegs; i++) ix_release(&c->ix.segs[i].ix, c->ix.segs[i].ix.stream, (size_t)c->ix.segs[i].ix.stream_size);
  /* The kept rows (count, key[n]: the table's own records) move to the front
     of the table, in place; the sort's second buffer follows them. */
  width = g.width;
  {
    uint64_t minc = (uint64_t)(min > 0 ? min : 1);
    for (i = 0; i < g.cap; i++) {
      const uint32_t *r = g.slots + i * width;
      parley_check_interrupt(L, stop, i + 1);
      if (!r[0] || r[0] < minc) continue;
      if (kept != i) memcpy(g.slots + kept * width, r, width * sizeof *r);
      kept++;
    }
  }
  if (2 * kept * width > g.blk->words) g.slots = gblock_resize(L, g.blk, 2 * kept * width);
  rows = g.slots;
  tmp = g.slots + kept * width;
  sorted = radix_sort(L, stop, rows, tmp, kept, width,
                      lua_newuserdatauv(L, 65536 * sizeof(uint32_t), 0));
  lua_pop(L, 1);
  if (sorted != rows) memcpy(rows, sorted, kept * width * sizeof *rows);
  sorted = g.slots = gblock_resize(L, g.blk, kept * width);  /* shrinks: the rest is given back */
  if (limit >= 0 && (size_t)limit < kept) kept = (size_t)limit;
  {
    size_t maxlen = 1;
    for (i = 0; i < kept; i++) {
      size_t total = 0;
      int k;
      for (k = 0; k < n; k++) total += names[sorted[i * width + 1 + (size_t)k]].len + 1;
      if (total > maxlen) maxlen = total;
    }
    scratch = lua_newuserdatauv(L, maxlen + 1, 0);
  }
  w = wr_push(L, co.fmt, co.file, cols, 2, NULL);
  for (i = 0; i < kept; i++) {
    size_t wl = 0;
    int k;
    parley_check_interrupt(L, stop, i + 1);
    for (k = 0; k < n; k++) {
      const type_str *t = &names[sorted[i * width + 1 + (size_t)k]];
      if (k) scratch[wl++] = ' ';
      memcpy(scratch + wl, t->s, t->len);
      wl += t->len;
    }
    wr_str(L, w, scratch, wl);
    wr_int(L, w, (lua_Integer)sorted[i * width]);
    wr_end_row(L, w);
  }
  gblock_free(g.blk);  /* before the text (if any) is copied into a string */
  return wr_finish(L, w);
}

static const luaL_Reg ngrams_methods[] = {
  {"ngrams", report_ngrams},
  {NULL, NULL}
};

void ngrams_open(lua_State *L) {
  luaL_setfuncs(L, ngrams_methods, 0);
}
