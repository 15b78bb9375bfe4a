/*
** kwic.c — located rows: where each hit of a hit list lies (its document,
** its byte span in the document's text, line and column in the original
** file) and, for a concordance, the words around it.  One walk over the
** token stream serves a whole hit list (hits in corpus order walk on from
** the previous one instead of seeking), so locating a hit never costs a
** report of its own.  ix:locate(hits) returns the rows; ix:kwic(hits, opts)
** sorts them and writes them through the one output layer (writer.c).
*/
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

/* ---------------------------------------------------------------- context */

/*
** Byte classes: SP white space for the context's edges (space, tab, LF,
** CR), CONT a UTF-8 continuation byte, SQ white space that squeeze turns
** into one space (SP and FF, VT).  The loops below add up classes instead
** of branching on each byte: a branch on white space mispredicts at every
** word of a text.
*/
enum { SP = 1, CONT = 2, SQ = 4 };
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
static const unsigned char byte_class[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, SP | SQ, SP | SQ, SQ, SQ, SP | SQ, 0, 0,  /* \t \n \v \f \r */
  R16(0), SP | SQ, R4(0), R4(0), R4(0), 0, 0, 0, R16(0), R16(0), R16(0), R16(0), R16(0),
  R16(CONT), R16(CONT), R16(CONT), R16(CONT),
  R16(0), R16(0), R16(0), R16(0),
};
#undef R16
#undef R4

#define ONES8 0x0101010101010101ull
#define HIGH8 0x8080808080808080ull

/* The high bit of each byte of x that is zero (exact, no borrow between bytes). */
static inline uint64_t zero_bytes(uint64_t x) {
  return ~(((x & ~HIGH8) + ~HIGH8) | x) & HIGH8;
}

/* The byte loop of squeeze over s[i..n), run state *sp; returns the new k. */
static inline size_t squeeze_bytes(const char *s, size_t i, size_t n, char *dst, size_t k, unsigned *sp) {
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    unsigned isp = (unsigned)(byte_class[c] & SQ) >> 2;
    dst[k] = isp ? ' ' : (char)c;  /* written always, kept unless it extends a run */
    k += 1 - (isp & *sp);
    *sp = isp;
  }
  return k;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KW_WORDS 1  /* eight bytes at a time */
/* High bits of the bytes of x below 0x20: control characters, white space other than the space. */
static inline uint64_t control_bytes(uint64_t x) { return ~(((x & ~HIGH8) + ONES8 * 0x60) | x) & HIGH8; }
static inline uint64_t space_bytes(uint64_t x) { return zero_bytes(x ^ (ONES8 * ' ')); }
static inline uint64_t cont_bytes(uint64_t x) { return zero_bytes((x & (ONES8 * 0xC0)) ^ HIGH8); }
/* How many bytes a mask of high bits marks (no call to a population count without -mpopcnt). */
static inline size_t count_bytes(uint64_t m) { return (size_t)(((m >> 7) * ONES8) >> 56); }
#endif

/*
** Copy s[0..n) with every run of white space turned into one space; dst
** holds n bytes.  Eight bytes with no control character and no two spaces
** in a row (most of a text) are copied as they are.
*/
static size_t squeeze(const char *s, size_t n, char *dst) {
  size_t i = 0, k = 0;
  unsigned sp = 0;
#ifdef KW_WORDS
  for (; i + 8 <= n; i += 8) {
    uint64_t x, spaces;
    memcpy(&x, s + i, 8);
    spaces = space_bytes(x);
    if (control_bytes(x) || (spaces & (spaces << 8)) || (sp && (spaces & 0x80))) {
      k = squeeze_bytes(s, i, i + 8, dst, k, &sp);
      continue;
    }
    memcpy(dst + k, &x, 8);
    k += 8;
    sp = (unsigned)(spaces >> 63);
  }
#endif
  return squeeze_bytes(s, i, n, dst, k, &sp);
}

static int is_space(unsigned char c) { return byte_class[c] & SP; }

/*
** Start of the left context: w characters (a run of white space counts once)
** before at.  A character counts at its first byte, a run of white space at
** its first byte too, so the edge is where the w-th count falls.
*/
static size_t left_edge(const char *t, size_t at, size_t w) {
  const unsigned char *u = (const unsigned char *)t;
  size_t i = at, chars = 0;
  while (i > 0 && is_space(u[i - 1])) i--;  /* the space before the hit is free */
  if (w == 0) return i;
#ifdef KW_WORDS
  while (i >= 8) {  /* eight bytes without a control character whose counts do not reach w */
    uint64_t x, sp, prev, counts;
    memcpy(&x, t + i - 8, 8);
    if (control_bytes(x)) break;
    sp = space_bytes(x);
    prev = (sp << 8) | (i > 8 && is_space(u[i - 9]) ? 0x80 : 0);
    counts = (~sp & ~cont_bytes(x) & HIGH8) | (sp & ~prev);
    if (chars + count_bytes(counts) >= w) break;
    chars += count_bytes(counts);
    i -= 8;
  }
#endif
  while (i > 0) {
    unsigned c = byte_class[u[i - 1]], before = i > 1 ? byte_class[u[i - 2]] : 0;
    i--;
    chars += ((c & (SP | CONT)) == 0) | (c & ~before & SP);
    if (chars == w) break;
  }
  return i;
}

/*
** End of the right context: w characters after at.  A unit is a run of
** white space, or a byte that is not one with the continuation bytes after
** it; the edge is where the (w + 1)-th unit starts.
*/
static size_t right_edge(const char *t, size_t len, size_t at, size_t w) {
  const unsigned char *u = (const unsigned char *)t;
  size_t i = at, chars = 1;
  unsigned prev;
  while (i < len && is_space(u[i])) i++;
  if (i >= len || w == 0) return i;
  prev = byte_class[u[i]];
  i++;
#ifdef KW_WORDS
  while (i + 8 <= len) {  /* eight bytes without a control character that do not end the context */
    uint64_t x, sp, before, starts;
    memcpy(&x, t + i, 8);
    if (control_bytes(x)) break;
    sp = space_bytes(x);
    before = (sp << 8) | (prev & SP ? 0x80 : 0);
    starts = (~sp & ~cont_bytes(x) & HIGH8) | (sp & ~before) | (cont_bytes(x) & before);
    if (chars + count_bytes(starts) > w) break;
    chars += count_bytes(starts);
    prev = byte_class[u[i + 7]];
    i += 8;
  }
#endif
  for (; i < len; i++) {
    unsigned c = byte_class[u[i]];
    chars += ((c & (SP | CONT)) == 0) | (c & ~prev & SP) | ((c >> 1) & prev & SP);
    if (chars > w) break;
    prev = c;
  }
  return i;
}

/* ---------------------------------------------------------------- order */

#define SORT_KEYS 3
typedef struct kw_key { uint32_t k[SORT_KEYS]; uint32_t idx; } kw_key;

static int cmp_key(const void *a, const void *b) {
  const kw_key *x = a, *y = b;
  int i;
  for (i = 0; i < SORT_KEYS; i++)
    if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Folded type of exact type e, + 1 (0 means "no token"). */
static uint32_t fold_key(lua_State *L, pl_corpus *c, uint32_t e) {
  if (ix_touch(&c->ix, &c->ix.exact[e], sizeof(ix_exact))) corpus_damaged(L, c);
  return c->ix.exact[e].fold + 1;
}

static const char *const sort_names[] = {"doc", "left", "right", "match", NULL};

/*
** The order in which to show hits: by document (as found), or by the words
** to the left (nearest first) or right of the match, or the match itself,
** alphabetically by folded form (folded ids are in alphabetical order).
** Pushes a userdata of hit numbers.
*/
static uint32_t *sort_hits(lua_State *L, pl_corpus *c, const pl_hits *h, int how) {
  uint32_t *order = lua_newuserdatauv(L, (h->n + 1) * sizeof *order, 0);
  const parley_flag *stop = parley_interrupt_flag(L);
  kw_key *keys;
  size_t i;
  int j;
  for (i = 0; i < h->n; i++) order[i] = (uint32_t)i;
  if (how == 0 || h->n < 2) return order;
  keys = lua_newuserdatauv(L, (h->n + 1) * sizeof *keys, 0);
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i], e = h->span[2 * i + 1], d;
    parley_check_interrupt(L, stop, i);
    uint64_t dfirst, dend;
    ix_cursor cur;
    memset(&keys[i], 0, sizeof keys[i]);
    keys[i].idx = (uint32_t)i;
    if (s >= c->ix.ntokens) continue;
    d = ix_doc_of(&c->ix, s);
    dfirst = c->ix.docs[d].first;
    dend = dfirst + c->ix.docs[d].ntok;
    if (how == 1) {
      for (j = 0; j < SORT_KEYS; j++) {
        if (s < (uint64_t)j + 1 || s - (uint64_t)j - 1 < dfirst) break;
        if (ix_seek(&c->ix, s - (uint64_t)j - 1, &cur)) corpus_damaged(L, c);
        keys[i].k[j] = fold_key(L, c, cur.id);
      }
    } else {
      uint64_t p = how == 2 ? e : s;
      if (p < dend) {
        if (ix_seek(&c->ix, p, &cur)) corpus_damaged(L, c);
        for (j = 0; j < SORT_KEYS && p + (uint64_t)j < dend; j++) {
          if (j > 0 && ix_next(&c->ix, &cur)) corpus_damaged(L, c);
          keys[i].k[j] = fold_key(L, c, cur.id);
        }
      }
    }
  }
  qsort(keys, h->n, sizeof *keys, cmp_key);
  for (i = 0; i < h->n; i++) order[i] = keys[i].idx;
  lua_pop(L, 1);
  return order;
}

/* ---------------------------------------------------------------- locating */

/* Where one hit lies. */
typedef struct located {
  uint32_t doc;                 /* 0-based */
  uint32_t bs, be;              /* byte span in the document's text, end exclusive */
  uint32_t line, col;           /* in the original file */
} located;

/* A walk over the token stream, reused from one hit to the next. */
typedef struct walk { ix_cursor cur; int have; } walk;

/*
** Locate token span [s, e) (e == s: the empty span before token s) through
** ix; 0, or -1 if the index is damaged there.  Hits in corpus order walk on
** from the previous one when it is near, instead of seeking through the
** skip table.  No Lua: a worker thread locates through a copy of ix.
*/
static int locate_at(ix_index *ix, walk *wk, uint32_t s, uint32_t e, located *out) {
  ix_cursor *cur = &wk->cur;
  if (s >= ix->ntokens) {  /* an empty span at the very end: after the last token */
    out->doc = ix->ndocs ? ix->ndocs - 1 : 0;
    out->bs = out->be = UINT32_MAX;  /* the caller takes the end of the text */
    return 0;
  }
  if (!wk->have || s < cur->pos || s - cur->pos > 4 + (s % IX_SKIP)) {
    wk->have = 0;
    if (ix_seek(ix, s, cur)) return -1;
    wk->have = 1;
  } else if (ix_walk(ix, cur, s)) {
    wk->have = 0;
    return -1;
  }
  out->doc = cur->doc;
  out->bs = cur->start;
  out->be = cur->start + cur->len;
  if (cur->pos + 1 < e) {
    if (ix_walk(ix, cur, (uint64_t)e - 1) || cur->doc != out->doc) { wk->have = 0; return -1; }
    out->be = cur->start + cur->len;
  }
  if (e == s) out->be = out->bs;
  return 0;
}

static void locate_span(lua_State *L, pl_corpus *c, walk *wk, uint32_t s, uint32_t e, located *out) {
  if (locate_at(&c->ix, wk, s, e, out)) corpus_damaged(L, c);
}

/* The text of document d: read once per document in corpus order, mapped otherwise. */
static const char *doc_text(lua_State *L, pl_corpus *c, uint32_t d, int in_order, size_t *len) {
  return in_order ? corpus_text_once(L, c, 1, d, len) : corpus_text(L, c, d, len);
}

/* Display width of document ids and digits of line numbers, so tty columns need not move. */
static void doc_widths(lua_State *L, pl_corpus *c, int *idw, int *linew) {
  uint32_t d, maxlines = 1;
  int w = 3, n = 1;
  for (d = 0; d < c->ix.ndocs; d++) {
    const ix_doc *doc = &c->ix.docs[d];
    if ((int)doc->id.len > w) w = (int)doc->id.len;
    if (doc->nlines > maxlines) maxlines = doc->nlines;
  }
  while (maxlines >= 10) { maxlines /= 10; n++; }
  *idw = w > 200 ? 200 : w;
  *linew = n;
  (void)L;
}

/* Scratch memory for squeezed text, owned by a userdata at stack index idx. */
typedef struct scratch { char *p; size_t cap; int idx; } scratch;

static char *scratch_get(lua_State *L, scratch *sc, size_t need) {
  if (need > sc->cap) {
    sc->cap = need + need / 2;
    sc->p = lua_newuserdatauv(L, sc->cap, 0);
    lua_replace(L, sc->idx);
  }
  return sc->p;
}

/*
** The three cells of a context into tmp (re - le + 3 bytes): the text of
** t[le..bs) (left, *ln bytes), t[bs..be) (match, *mn) and t[be..re) (right,
** *rn), one after the other, each run of white space one space, the left
** and right without white space at their outer ends, and (whole, 0) at
** their inner ends too.  whole: the three are a region's text, left ..
** match .. right is that text squeezed, so the space next to the match
** stays.
*/
static void context_cells(const char *t, size_t le, size_t bs, size_t be, size_t re, int whole,
                          char *tmp, size_t *lnp, size_t *mnp, size_t *rnp) {
  size_t ln, mn, rn, skip = 0;
  ln = squeeze(t + le, bs - le, tmp);
  if (!whole) while (ln > 0 && tmp[ln - 1] == ' ') ln--;
  if (ln > 0 && tmp[0] == ' ') { memmove(tmp, tmp + 1, ln - 1); ln--; }
  mn = squeeze(t + bs, be - bs, tmp + ln);
  rn = squeeze(t + be, re - be, tmp + ln + mn);
  if (!whole) while (skip < rn && tmp[ln + mn + skip] == ' ') skip++;
  memmove(tmp + ln + mn, tmp + ln + mn + skip, rn - skip);
  rn -= skip;
  while (rn > 0 && tmp[ln + mn + rn - 1] == ' ') rn--;
  *lnp = ln;
  *mnp = mn;
  *rnp = rn;
}

/* Write the three cells of a context (context_cells). */
static void put_context(lua_State *L, pl_writer *w, scratch *sc, const char *t,
                        size_t le, size_t bs, size_t be, size_t re, int whole) {
  char *tmp = scratch_get(L, sc, re - le + 3);
  size_t ln, mn, rn;
  context_cells(t, le, bs, be, re, whole, tmp, &ln, &mn, &rn);
  wr_str(L, w, tmp, ln);
  wr_str(L, w, tmp + ln, mn);
  wr_str(L, w, tmp + ln + mn, rn);
}

/*
** What the rows show around a hit: nothing (locate), width characters each
** side, or the whole region of a kind that holds the hit (kwic's context =
** KIND), labelled with one of the region's attributes.
*/
typedef struct kw_show {
  size_t width;                 /* characters each side; 0: no context */
  int regions;                  /* whole regions of kind as context */
  uint32_t kind;
  const uint32_t *r;            /* the kind's records */
  size_t rw;                    /* their width in words */
  uint64_t count;
  int attr;                     /* the label's attribute, -1: none */
  int hidden;                   /* write the fields for programs too */
  int match;                    /* without context: write the match (locate) */
  uint64_t last;                /* the region located last (1-based; 0: none) */
  uint32_t last_bs, last_be;    /* its byte span in its document's text */
  walk wk;                      /* a walk of its own over region edges */
} kw_show;

/* The byte span of region n (1-based) of kind, through the show's own walk. */
static void region_bytes(lua_State *L, pl_corpus *c, kw_show *sh, uint64_t n, uint32_t doc) {
  const uint32_t *rec = sh->r + (n - 1) * sh->rw;
  located a, b;
  if (sh->last == n) return;
  if (rec[1] <= rec[0]) corpus_damaged(L, c);  /* a hit lies in it, so it holds a token */
  locate_span(L, c, &sh->wk, rec[0], rec[0] + 1, &a);
  locate_span(L, c, &sh->wk, rec[1] - 1, rec[1], &b);
  if (a.doc != doc || b.doc != doc || b.be < a.bs) corpus_damaged(L, c);
  sh->last = n;
  sh->last_bs = a.bs;
  sh->last_be = b.be;
}

/* The label of region n: its attribute sh->attr, or nil when it has none or it is empty. */
static void put_label(lua_State *L, pl_corpus *c, pl_writer *w, const kw_show *sh, uint64_t n) {
  const uint32_t *rec;
  const char *s;
  ix_str v;
  if (!n) { wr_nil(L, w); return; }
  rec = sh->r + (n - 1) * sh->rw;
  v.off = rec[2 + 2 * sh->attr];
  v.len = rec[3 + 2 * sh->attr];
  s = corpus_string(L, c, v);
  if (v.len == 0) wr_nil(L, w); else wr_str(L, w, s, v.len);
}

/* The fields for programs that every row has: docno, pos, stop_pos, len, start, stop. */
static void put_fields(lua_State *L, pl_writer *w, const located *loc, uint32_t s, uint32_t e) {
  wr_int(L, w, (lua_Integer)loc->doc + 1);
  wr_int(L, w, s);
  wr_int(L, w, e > s ? (lua_Integer)e - 1 : (lua_Integer)s - 1);
  wr_int(L, w, (lua_Integer)e - s);
  wr_int(L, w, (lua_Integer)loc->bs + 1);
  wr_int(L, w, (lua_Integer)loc->be);
}

/*
** Write the rows of hits h (in the order given, n of them) to writer w:
** doc, line, col, [label (regions with sh->attr),] [left, match, right | match
** (sh->match)], then (sh->hidden) the
** docno, pos, stop_pos, len, start, stop [, region_start, region_stop].
*/
static void located_rows(lua_State *L, pl_corpus *c, const pl_hits *h, const uint32_t *order,
                         size_t n, int in_order, kw_show *sh, pl_writer *w, int scratch_idx) {
  walk wk;
  size_t i;
  scratch sc = { NULL, 0, scratch_idx };
  const parley_flag *stop = parley_interrupt_flag(L);
  memset(&wk, 0, sizeof wk);
  for (i = 0; i < n; i++) {
    uint32_t k = order[i], s = h->span[2 * k], e = h->span[2 * k + 1];
    uint64_t region = 0;
    located loc;
    size_t tlen;
    const char *text, *id;
    ix_str idref;
    parley_check_interrupt(L, stop, i);
    locate_span(L, c, &wk, s, e, &loc);
    text = doc_text(L, c, loc.doc, in_order, &tlen);
    if (loc.bs == UINT32_MAX) loc.bs = loc.be = (uint32_t)tlen;
    if (loc.be > tlen || loc.bs > loc.be) corpus_damaged(L, c);
    if (ix_line_col(&c->ix, loc.doc, text, loc.bs, &loc.line, &loc.col)) corpus_damaged(L, c);
    idref = c->ix.docs[loc.doc].id;
    id = corpus_string(L, c, idref);
    wr_str(L, w, id, idref.len);
    wr_int(L, w, loc.line);
    wr_int(L, w, loc.col);
    if (sh->regions) {
      region = region_enclosing(sh->r, sh->rw, sh->count, s);
      if (region) {
        region_bytes(L, c, sh, region, loc.doc);
        if (sh->last_be > tlen || sh->last_bs > loc.bs) corpus_damaged(L, c);
      }
      if (sh->attr >= 0) put_label(L, c, w, sh, region);
    }
    if (region) {
      put_context(L, w, &sc, text, sh->last_bs, loc.bs, loc.be, sh->last_be > loc.be ? sh->last_be : loc.be, 1);
    } else if (sh->width > 0) {
      put_context(L, w, &sc, text, left_edge(text, loc.bs, sh->width), loc.bs, loc.be,
                  right_edge(text, tlen, loc.be, sh->width), 0);
    } else if (sh->match) {
      char *tmp = scratch_get(L, &sc, loc.be - loc.bs + 1);
      wr_str(L, w, tmp, squeeze(text + loc.bs, loc.be - loc.bs, tmp));
    }
    if (sh->hidden) {
      put_fields(L, w, &loc, s, e);
      if (sh->regions) {
        if (region) wr_int(L, w, (lua_Integer)sh->last_bs + 1); else wr_nil(L, w);
        if (region) wr_int(L, w, (lua_Integer)sh->last_be); else wr_nil(L, w);
      }
    }
    wr_end_row(L, w);
  }
}

/* ---------------------------------------------------------------- concordances in two threads */

/*
** A concordance in corpus order with width characters of context is made
** in batches of KW_ROWS hits: locating each hit, reading its document's
** text (and checking its hash), its line and column, the edges and the
** squeezed text of its context.  None of that needs Lua, so a worker
** thread makes batches while the Lua thread makes others and writes the
** made ones, in order, through the writer.  The worker reads the index
** through a copy of it with a bitmap of its own, so the two threads never
** write the same memory but a batch (handed over under the mutex); the
** worker's verified blocks are merged into the corpus' bitmap when it is
** joined.  A batch stops at the first hit that cannot be made there
** (damage, a changed or unreadable source, a text or context too large,
** Ctrl-C): the Lua thread makes the rest of that batch itself, as the rows
** of one thread are made, and so raises whatever there is to raise, with
** its usual message.  The worker is joined before anything is raised or
** returned: the state is a to-be-closed value, closed on an error too.
*/
#define KW_ROWS    2048            /* hits per batch */
#define KW_SLOTS   4               /* batches made ahead of the one being written */
#define KW_BYTES   (1u << 20)      /* context bytes per batch */
#define KW_TEXT    (64u << 20)     /* the largest text a batch reads */

typedef struct kw_row { located loc; uint32_t ctx, ln, mn, rn; } kw_row;

typedef struct kw_batch {
  kw_row *rows;                 /* KW_ROWS */
  char *bytes;                  /* KW_BYTES: the rows' left, match and right cells */
  size_t done;                  /* the rows made, from the first */
  int state;                    /* KW_FREE, KW_MAKING, KW_MADE */
} kw_batch;

enum { KW_FREE, KW_MAKING, KW_MADE };

/* One thread's means to make batches: the index it reads through, its text. */
typedef struct kw_maker {
  ix_index *ix;
  char *buf;                    /* read buffer, cap bytes */
  size_t cap;
  const char *text;             /* the text of document tdoc - 1 (0: none) */
  size_t tlen;
  uint32_t tdoc;
} kw_maker;

typedef struct kw_par {
  const pl_hits *h;
  size_t n, nbatches, width;
  size_t next;                  /* the next batch to make */
  size_t written;               /* batches written */
  atomic_int quit;
  int threaded, joined;
  const parley_flag *stop;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  ix_index wix;                 /* the worker's index: the corpus' with a bitmap of its own */
  ix_index *cix;                /* the corpus' */
  const char *root;             /* its folder (pl_corpus.root) */
  kw_maker mk[2];               /* the Lua thread's, the worker's */
  kw_batch slot[KW_SLOTS];
} kw_par;
_Static_assert(_Alignof(kw_par) >= _Alignof(kw_row), "the rows follow kw_par in one block");

/* Make batch b (hits b * KW_ROWS ...) into bt with maker m, as far as it can. */
static void make_batch(kw_par *p, kw_maker *m, kw_batch *bt, size_t b) {
  size_t i, first = b * KW_ROWS, last = first + KW_ROWS < p->n ? first + KW_ROWS : p->n, used = 0;
  walk wk;
  memset(&wk, 0, sizeof wk);
  for (i = first; i < last; i++) {
    kw_row *r = &bt->rows[i - first];
    uint32_t s = p->h->span[2 * i], e = p->h->span[2 * i + 1];
    size_t le, re, ln, mn, rn;
    if ((i & 255) == 0 && (atomic_load(&p->quit) || parley_interrupted(p->stop))) break;
    if (locate_at(m->ix, &wk, s, e, &r->loc)) break;
    if (m->tdoc != r->loc.doc + 1) {
      m->tdoc = 0;
      if (corpus_read_text(m->ix, p->root, r->loc.doc, m->buf, m->cap, &m->text, &m->tlen)) break;
      m->tdoc = r->loc.doc + 1;
    }
    if (r->loc.bs == UINT32_MAX) r->loc.bs = r->loc.be = (uint32_t)m->tlen;
    if (r->loc.be > m->tlen || r->loc.bs > r->loc.be) break;
    if (ix_line_col(m->ix, r->loc.doc, m->text, r->loc.bs, &r->loc.line, &r->loc.col)) break;
    le = left_edge(m->text, r->loc.bs, p->width);
    re = right_edge(m->text, m->tlen, r->loc.be, p->width);
    if (re - le + 3 > KW_BYTES - used) break;
    context_cells(m->text, le, r->loc.bs, r->loc.be, re, 0, bt->bytes + used, &ln, &mn, &rn);
    r->ctx = (uint32_t)used;
    r->ln = (uint32_t)ln;
    r->mn = (uint32_t)mn;
    r->rn = (uint32_t)rn;
    used += ln + mn + rn;
  }
  bt->done = i - first;
}

/* Is there a batch to make (the mutex held)? */
static int can_make(const kw_par *p) {
  return p->next < p->nbatches && p->next < p->written + KW_SLOTS;
}

static void *kw_worker(void *arg) {
  kw_par *p = arg;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    size_t b;
    while (!atomic_load(&p->quit) && !can_make(p)) pthread_cond_wait(&p->cv, &p->mu);
    if (atomic_load(&p->quit)) break;
    b = p->next++;
    p->slot[b % KW_SLOTS].state = KW_MAKING;
    pthread_mutex_unlock(&p->mu);
    make_batch(p, &p->mk[1], &p->slot[b % KW_SLOTS], b);
    pthread_mutex_lock(&p->mu);
    p->slot[b % KW_SLOTS].state = KW_MADE;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Stop and join the worker, and keep what it verified (__close, __gc; once). */
static int par_close(lua_State *L) {
  kw_par *p = lua_touserdata(L, 1);
  if (p && p->threaded && !p->joined) {
    size_t k, nbytes = ix_bitmap_size(p->cix->size);
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    p->joined = 1;
    for (k = 0; k < nbytes; k++) p->cix->verified[k] |= p->wix.verified[k];
  }
  if (p && !p->joined) p->joined = 1;
  if (p && p->threaded) {
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    p->threaded = 0;
  }
  return 0;
}

/* Wait for the worker a while (the mutex held), so that Ctrl-C is seen. */
static void par_wait(kw_par *p) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

/*
** The text a maker may read: the largest text of a document that is read
** from its source (embedded ones are read in place), at most KW_TEXT.
*/
static size_t text_cap(const pl_corpus *c) {
  uint64_t most = 0;
  uint32_t d;
  for (d = 0; d < c->ix.ndocs; d++)
    if (!(c->ix.docs[d].flags & IX_DOC_EMBEDDED) && c->ix.docs[d].size > most) most = c->ix.docs[d].size;
  return most + 1 > KW_TEXT ? KW_TEXT : (size_t)most + 1;
}

/*
** Write the rows of hits [0, n) of h in corpus order with width characters
** of context (kw_show without regions) to w, in batches, a worker thread
** making some of them.  Pushes its state (a to-be-closed value).
*/
static void par_rows(lua_State *L, pl_corpus *c, const pl_hits *h, const uint32_t *order, size_t n,
                     kw_show *sh, pl_writer *w, int scratch_idx) {
  size_t cap = text_cap(c), bits = ix_bitmap_size(c->ix.size), segbits = 0, k;
  size_t size;
  for (k = 0; k < c->ix.nsegs; k++) segbits += ix_bitmap_size(c->ix.segs[k].ix.size);
  /* the worker's views: the index's and, for an index of several, its segments', each with a bitmap of its own */
  size = sizeof(kw_par) + c->ix.nsegs * sizeof(ix_seg) + bits + segbits + 2 * cap +
         KW_SLOTS * (KW_ROWS * sizeof(kw_row) + KW_BYTES);
  kw_par *p = lua_newuserdatauv(L, size, 0);
  char *mem = (char *)(p + 1);
  int pi = lua_gettop(L);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  memset(p, 0, sizeof *p);
  if (luaL_newmetatable(L, PARLEY_KWIC_STATE)) {
    lua_pushcfunction(L, par_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, par_close);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, pi);
  lua_toclose(L, pi);
  p->h = h;
  p->n = n;
  p->nbatches = (n + KW_ROWS - 1) / KW_ROWS;
  p->width = sh->width;
  p->stop = parley_interrupt_flag(L);
  p->cix = &c->ix;
  p->root = c->root;
  for (k = 0; k < KW_SLOTS; k++) {   /* the rows first, aligned as kw_par is; byte buffers after */
    p->slot[k].rows = (kw_row *)(void *)mem;
    mem += KW_ROWS * sizeof(kw_row);
  }
  p->wix = c->ix;
  if (c->ix.nsegs) {
    ix_seg *ws = (ix_seg *)(void *)mem;
    mem += c->ix.nsegs * sizeof(ix_seg);
    for (k = 0; k < c->ix.nsegs; k++) {
      size_t sb = ix_bitmap_size(c->ix.segs[k].ix.size);
      ws[k] = c->ix.segs[k];
      ws[k].ix.verified = (unsigned char *)mem;
      memcpy(ws[k].ix.verified, c->ix.segs[k].ix.verified, sb);
      mem += sb;
    }
    p->wix.segs = ws;
  }
  p->wix.verified = (unsigned char *)mem;
  memcpy(p->wix.verified, c->ix.verified, bits);
  mem += bits;
  for (k = 0; k < 2; k++) {
    p->mk[k].ix = k == 0 ? &c->ix : &p->wix;
    p->mk[k].buf = mem;
    p->mk[k].cap = cap;
    mem += cap;
  }
  for (k = 0; k < KW_SLOTS; k++) {
    p->slot[k].bytes = mem;
    mem += KW_BYTES;
  }
  if (cpus > 1 && p->nbatches > 1 && pthread_mutex_init(&p->mu, NULL) == 0) {
    sigset_t block, old;
    if (pthread_cond_init(&p->cv, NULL) != 0) {
      pthread_mutex_destroy(&p->mu);
    } else {
      sigemptyset(&block);
      sigaddset(&block, SIGINT);
      pthread_sigmask(SIG_BLOCK, &block, &old);  /* Ctrl-C stays with the Lua thread */
      p->threaded = pthread_create(&p->th, NULL, kw_worker, p) == 0;
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      if (!p->threaded) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
      }
    }
  }
  while (p->written < p->nbatches) {
    size_t b = p->written, first = b * KW_ROWS, count = first + KW_ROWS < n ? KW_ROWS : n - first, j;
    kw_batch *bt = &p->slot[b % KW_SLOTS];
    size_t mine = SIZE_MAX;
    int stopped = 0;
    if (p->threaded) {
      pthread_mutex_lock(&p->mu);
      while (bt->state != KW_MADE || p->next <= b) {
        if (can_make(p)) { mine = p->next++; p->slot[mine % KW_SLOTS].state = KW_MAKING; break; }
        if (parley_interrupted(p->stop)) { stopped = 1; break; }
        par_wait(p);
      }
      pthread_mutex_unlock(&p->mu);
      if (stopped) parley_interrupt_raise(L);
    } else if (p->next <= b) {
      mine = p->next++;
    }
    if (mine != SIZE_MAX) {
      kw_batch *mb = &p->slot[mine % KW_SLOTS];
      make_batch(p, &p->mk[0], mb, mine);
      if (p->threaded) {
        pthread_mutex_lock(&p->mu);
        mb->state = KW_MADE;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
      } else {
        mb->state = KW_MADE;
      }
      continue;
    }
    for (j = 0; j < bt->done; j++) {
      const kw_row *r = &bt->rows[j];
      uint32_t s = h->span[2 * (first + j)], e = h->span[2 * (first + j) + 1];
      ix_str idref = c->ix.docs[r->loc.doc].id;
      parley_check_interrupt(L, p->stop, j);
      wr_str(L, w, corpus_string(L, c, idref), idref.len);
      wr_int(L, w, r->loc.line);
      wr_int(L, w, r->loc.col);
      wr_str(L, w, bt->bytes + r->ctx, r->ln);
      wr_str(L, w, bt->bytes + r->ctx + r->ln, r->mn);
      wr_str(L, w, bt->bytes + r->ctx + r->ln + r->mn, r->rn);
      if (sh->hidden) put_fields(L, w, &r->loc, s, e);
      wr_end_row(L, w);
    }
    if (bt->done < count)  /* what the batch could not make: here, raising what there is to raise */
      located_rows(L, c, h, order + first + bt->done, count - bt->done, 1, sh, w, scratch_idx);
    if (p->threaded) pthread_mutex_lock(&p->mu);
    bt->state = KW_FREE;
    p->written++;
    if (p->threaded) {
      pthread_cond_broadcast(&p->cv);
      pthread_mutex_unlock(&p->mu);
    }
  }
  lua_closeslot(L, pi);
}

/* A concordance's rows: in batches and two threads where they can be (par_rows). */
static void concordance_rows(lua_State *L, pl_corpus *c, const pl_hits *h, const uint32_t *order,
                             size_t n, int in_order, kw_show *sh, pl_writer *w, int scratch_idx) {
  int top = lua_gettop(L);
  if (in_order && !sh->regions && sh->width > 0 && n >= 2 * KW_ROWS) {
    par_rows(L, c, h, order, n, sh, w, scratch_idx);
    lua_settop(L, top);
  } else {
    located_rows(L, c, h, order, n, in_order, sh, w, scratch_idx);
  }
}

#define HIDDEN(name) {name, NULL, WR_RIGHT, 0, 0, 1, 1, NULL, NULL}

/*
** locate(hits) -> rows { doc, docno, line, col, match, pos, stop_pos, len,
** start, stop } for every hit, in the list's order: the document (id and
** 1-based number), line and column in the original file (the column counts
** characters), the matched text (white space squeezed), the token
** positions (0-based, stop_pos inclusive) and the byte span in the
** document's text (1-based, inclusive).
*/
static int report_locate(lua_State *L) {
  const wr_colspec cols[] = {
    {"doc", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
    {"line", NULL, WR_RIGHT, 0, 0, 1, 0, NULL, NULL},
    {"col", NULL, WR_RIGHT, 0, 0, 1, 0, NULL, NULL},
    {"match", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
    HIDDEN("docno"), HIDDEN("pos"), HIDDEN("stop_pos"), HIDDEN("len"), HIDDEN("start"), HIDDEN("stop"),
  };
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = check_hits(L, 2);
  uint32_t *order;
  pl_writer *w;
  lua_settop(L, 2);
  kw_show sh;
  memset(&sh, 0, sizeof sh);
  sh.hidden = sh.match = 1;
  order = sort_hits(L, c, h, 0);                        /* 3 */
  lua_pushnil(L);                                       /* 4: scratch */
  w = wr_push(L, WR_ROWS, NULL, cols, (int)(sizeof cols / sizeof cols[0]), NULL);  /* 5 */
  located_rows(L, c, h, order, h->n, 1, &sh, w, 4);
  return wr_finish(L, w);
}

/* The region context of kwic's opts at stack index o: context = KIND, label = ATTR. */
static void read_show(lua_State *L, pl_corpus *c, int o, kw_show *sh) {
  lua_getfield(L, o, "context");
  if (!lua_isnil(L, -1)) {
    int top = lua_gettop(L);
    const ix_rkind *rk;
    sh->kind = corpus_kind(L, c, top);
    sh->r = corpus_regions(L, c, sh->kind, &sh->rw, &sh->count);
    sh->regions = 1;
    sh->attr = -1;
    rk = &c->ix.kinds[sh->kind];
    if (lua_getfield(L, o, "label") != LUA_TNIL) {
      size_t len;
      const char *want = luaL_checklstring(L, -1, &len);
      uint32_t a;
      for (a = 0; a < rk->nattrs; a++) {
        const char *name = corpus_string(L, c, rk->attrs[a]);
        if (rk->attrs[a].len == len && memcmp(name, want, len) == 0) sh->attr = (int)a;
      }
      if (sh->attr < 0) luaL_error(L, "bad argument #2 to 'kwic' (regions of kind '%s' have no attribute '%s')",
                                   lua_tostring(L, top), want);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/*
** kwic(hits, opts) -> rows | text | true: a concordance.
** opts: width (characters each side, 40), sort ("doc"|"left"|"right"|"match"),
** limit, format (rows, tty, tsv, csv, json, md, html), file (write there).
** Rows: { doc, line, col, left, match, right, docno, pos, stop_pos, len, start, stop }.
** context = KIND: the whole region of that kind around each hit is its
** context (a hit outside any keeps width characters each side), with the
** region's attribute label = ATTR as a column after col (none without
** label; empty for a hit outside any region); rows also have region_start and
** region_stop (its byte span).  writer = W (a parley.writer made by the
** caller, over exactly the shown columns doc, line, col, [ATTR,] left,
** match, right): the rows go to W, which the caller closes; returns W.
*/
static int report_kwic(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = check_hits(L, 2);
  lua_Integer width, limit;
  int fmt, how, idw, linew, ncols;
  uint32_t *order;
  size_t n;
  FILE *f;
  pl_writer *w = NULL;
  kw_show sh;
  if (lua_isnoneornil(L, 3)) { lua_newtable(L); lua_replace(L, 3); }
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  width = opt_int(L, 3, "width", 40);
  luaL_argcheck(L, width > 0 && width <= 100000, 3, "width must be positive");
  limit = opt_int(L, 3, "limit", (lua_Integer)h->n);
  luaL_argcheck(L, limit >= 0, 3, "limit must not be negative");
  fmt = opt_format(L, 3);
  f = opt_file(L, 3);
  lua_getfield(L, 3, "sort");
  how = luaL_checkoption(L, -1, "doc", sort_names);
  lua_pop(L, 1);
  memset(&sh, 0, sizeof sh);
  sh.width = (size_t)width;
  read_show(L, c, 3, &sh);
  n = (size_t)limit < h->n ? (size_t)limit : h->n;
  doc_widths(L, c, &idw, &linew);
  {
    wr_colspec cols[] = {
      {"doc", NULL, WR_LEFT, 0, idw, 0, 0, NULL, NULL},
      {"line", NULL, WR_RIGHT, 0, linew, 1, 0, NULL, NULL},
      {"col", NULL, WR_RIGHT, 0, 3, 1, 0, NULL, NULL},
      {"label", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
      {"left", NULL, WR_RIGHT, (int)width, 0, 0, 0, NULL, NULL},
      {"match", NULL, WR_LEFT, 0, 0, 0, 0, "[", "]"},
      {"right", NULL, WR_LEFT, (int)width, 0, 0, 0, NULL, NULL},
      HIDDEN("docno"), HIDDEN("pos"), HIDDEN("stop_pos"), HIDDEN("len"), HIDDEN("start"), HIDDEN("stop"),
      HIDDEN("region_start"), HIDDEN("region_stop"),
    };
    ncols = (int)(sizeof cols / sizeof cols[0]);
    cols[3].name = lua_tostring(L, (lua_getfield(L, 3, "label"), -1));
    if (sh.regions) cols[4].width = cols[6].width = 0;  /* whole regions are not clipped */
    else ncols -= 2;                                    /* no region_start, region_stop */
    if (!sh.regions || sh.attr < 0) {                   /* no label column */
      memmove(&cols[3], &cols[4], (size_t)(ncols - 4) * sizeof cols[0]);
      ncols--;
    }
    order = sort_hits(L, c, h, how);                    /* 4 or 5 */
    lua_pushnil(L);                                     /* scratch */
    if (lua_getfield(L, 3, "writer") != LUA_TNIL) {     /* the caller's writer */
      int wi = lua_gettop(L);
      w = luaL_checkudata(L, wi, PARLEY_WRITER);
      concordance_rows(L, c, h, order, n, how == 0, &sh, w, wi - 1);
      lua_settop(L, wi);
      return 1;
    }
    lua_pop(L, 1);
    sh.hidden = 1;
    w = wr_push(L, fmt, f, cols, ncols, NULL);
    concordance_rows(L, c, h, order, n, how == 0, &sh, w, lua_gettop(L) - 1);
  }
  return wr_finish(L, w);
}

/*
** positions(doc, offsets) -> lines, cols: the line and column in document
** doc's original file of each 1-based byte offset into its text (for what
** is found in the text rather than through tokens: scans, entities).
*/
static int report_positions(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer d = luaL_checkinteger(L, 2), i, n;
  size_t len;
  const char *text;
  luaL_argcheck(L, d >= 1 && d <= (lua_Integer)c->ix.ndocs, 2, "document number out of range");
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  text = corpus_text(L, c, (uint32_t)(d - 1), &len);
  n = (lua_Integer)lua_rawlen(L, 3);
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, (int)n, 0);
  for (i = 1; i <= n; i++) {
    lua_Integer off;
    uint32_t line, col;
    lua_rawgeti(L, 3, i);
    off = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    luaL_argcheck(L, off >= 1 && (size_t)off <= len + 1, 3, "offset out of range");
    if (ix_line_col(&c->ix, (uint32_t)(d - 1), text, (uint32_t)(off - 1), &line, &col)) corpus_damaged(L, c);
    lua_pushinteger(L, line);
    lua_rawseti(L, 4, i);
    lua_pushinteger(L, col);
    lua_rawseti(L, 5, i);
  }
  return 2;
}

static const luaL_Reg kwic_methods[] = {
  {"kwic",      report_kwic},
  {"locate",    report_locate},
  {"positions", report_positions},
  {NULL, NULL}
};

void corpus_open_reports(lua_State *L) {
  luaL_setfuncs(L, kwic_methods, 0);
  freq_open(L);
  ngrams_open(L);
}
