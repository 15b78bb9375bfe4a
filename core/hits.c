/*
** hits.c — `parley.Hits`: a sorted list of token spans in one index (the
** result of a query, or the regions of a kind), with the set operations
** queries are made of.  A hit list keeps its Index alive (user value 1).
*/
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "writer.h"

pl_hits *check_hits(lua_State *L, int i) {
  return luaL_checkudata(L, i, PARLEY_HITS);
}

pl_hits *push_hits(lua_State *L, int ci, size_t n) {
  pl_hits *h;
  ci = lua_absindex(L, ci);
  if (n > (SIZE_MAX - sizeof *h) / (2 * sizeof(uint32_t))) luaL_error(L, "too many hits");
  h = lua_newuserdatauv(L, sizeof *h + 2 * n * sizeof(uint32_t), 1);
  h->n = n;
  luaL_setmetatable(L, PARLEY_HITS);
  lua_pushvalue(L, ci);
  lua_setiuservalue(L, -2, 1);
  return h;
}

pl_corpus *hits_corpus(lua_State *L, int hi) {
  pl_corpus *c;
  lua_getiuservalue(L, hi, 1);
  c = to_corpus(L, -1);
  lua_pop(L, 1);
  return c;
}

/* Shrink a hit list to its first n spans (the unused tail stays allocated). */
static void set_count(pl_hits *h, size_t n) { h->n = n; }

static int hits_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_hits(L, 1)->n);
  return 1;
}

static int hits_tostring(lua_State *L) {
  pl_hits *h = check_hits(L, 1);
  lua_pushfstring(L, "hits (%s)", wr_push_count(L, (lua_Integer)h->n, "span"));
  return 1;
}

/* span(i) -> start, end: 0-based corpus positions, end exclusive */
static int hits_span(lua_State *L) {
  pl_hits *h = check_hits(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  luaL_argcheck(L, i >= 1 && (size_t)i <= h->n, 2, "hit number out of range");
  lua_pushinteger(L, h->span[2 * (i - 1)]);
  lua_pushinteger(L, h->span[2 * (i - 1) + 1]);
  return 2;
}

/* sub(i, j) -> a new list of hits i..j (1-based, inclusive, clamped) */
static int hits_sub(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *r;
  lua_Integer i = luaL_optinteger(L, 2, 1), j = luaL_optinteger(L, 3, (lua_Integer)h->n);
  if (i < 1) i = 1;
  if (j > (lua_Integer)h->n) j = (lua_Integer)h->n;
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, j >= i ? (size_t)(j - i + 1) : 0);
  if (r->n) memcpy(r->span, h->span + 2 * (i - 1), r->n * 2 * sizeof(uint32_t));
  return 1;
}

/*
** inside(regions) -> the hits that lie wholly inside some region.
** Regions are sorted by start; a running maximum of their ends makes
** nested or overlapping regions work too.
*/
static int hits_inside(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *g = check_hits(L, 2), *r;
  size_t i, k = 0, n = 0;
  uint32_t maxend = 0;
  const parley_flag *stop = parley_interrupt_flag(L);
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, h->n);
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i], e = h->span[2 * i + 1];
    parley_check_interrupt(L, stop, i);
    while (k < g->n && g->span[2 * k] <= s) {
      if (g->span[2 * k + 1] > maxend) maxend = g->span[2 * k + 1];
      k++;
    }
    if (maxend >= e && k > 0) {
      r->span[2 * n] = s;
      r->span[2 * n + 1] = e;
      n++;
    }
  }
  set_count(r, n);
  return 1;
}

/* union(other) -> spans of both, sorted by start then end, duplicates removed */
static int hits_union(lua_State *L) {
  pl_hits *a = check_hits(L, 1), *b = check_hits(L, 2), *r;
  size_t i = 0, j = 0, n = 0;
  const parley_flag *stop = parley_interrupt_flag(L);
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, a->n + b->n);
  while (i < a->n || j < b->n) {
    const uint32_t *x;
    parley_check_interrupt(L, stop, i + j);
    if (j >= b->n) x = a->span + 2 * i++;
    else if (i >= a->n) x = b->span + 2 * j++;
    else if (a->span[2 * i] < b->span[2 * j] ||
             (a->span[2 * i] == b->span[2 * j] && a->span[2 * i + 1] <= b->span[2 * j + 1]))
      x = a->span + 2 * i++;
    else x = b->span + 2 * j++;
    if (n > 0 && r->span[2 * n - 2] == x[0] && r->span[2 * n - 1] == x[1]) continue;
    r->span[2 * n] = x[0];
    r->span[2 * n + 1] = x[1];
    n++;
  }
  set_count(r, n);
  return 1;
}

/*
** near(other, k) -> the hits with a hit of other at most k tokens before
** their start or after their end, in the same document.
*/
static int hits_near(lua_State *L) {
  pl_hits *a = check_hits(L, 1), *b = check_hits(L, 2), *r;
  lua_Integer k = luaL_checkinteger(L, 3);
  pl_corpus *c = hits_corpus(L, 1);
  size_t i, lo = 0, n = 0, steps = 0;
  const parley_flag *stop = parley_interrupt_flag(L);
  luaL_argcheck(L, k >= 0, 3, "distance must not be negative");
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, a->n);
  for (i = 0; i < a->n; i++) {
    uint64_t s = a->span[2 * i], e = a->span[2 * i + 1];
    uint64_t from = s > (uint64_t)k ? s - (uint64_t)k : 0, to = e + (uint64_t)k;  /* b.start in [from, to) */
    size_t j;
    uint32_t d = ix_doc_of(&c->ix, s);
    while (lo < b->n && b->span[2 * lo] < from) lo++;
    for (j = lo; j < b->n && b->span[2 * j] < to; j++) {
      uint32_t bs = b->span[2 * j], be = b->span[2 * j + 1];
      parley_check_interrupt(L, stop, ++steps);   /* up to 2k + 1 of b per hit of a */
      if (bs == s && be == e) continue;  /* itself, when both sides match the same word */
      if (ix_doc_of(&c->ix, bs) != d) continue;
      r->span[2 * n] = (uint32_t)s;
      r->span[2 * n + 1] = (uint32_t)e;
      n++;
      break;
    }
  }
  set_count(r, n);
  return 1;
}

/* ---------------------------------------------------------------- span algebra */

typedef struct span { uint32_t s, e; } span;

static int cmp_span(const void *a, const void *b) {
  const span *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  return x->e < y->e ? -1 : x->e > y->e;
}

/*
** The union of h's non-empty spans as disjoint spans sorted by start
** (overlapping and touching spans merged), in a pushed userdata; returns
** their number.  h's spans are sorted by start.
*/
static size_t merge_spans(lua_State *L, const pl_hits *h, span **out) {
  span *m = lua_newuserdatauv(L, (h->n + 1) * sizeof *m, 0);
  size_t i, n = 0;
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i], e = h->span[2 * i + 1];
    if (e <= s) continue;
    if (n > 0 && s <= m[n - 1].e) { if (e > m[n - 1].e) m[n - 1].e = e; }
    else { m[n].s = s; m[n].e = e; n++; }
  }
  *out = m;
  return n;
}

/* The first of the disjoint sorted spans m[0..n) that ends after pos. */
static size_t first_ending_after(const span *m, size_t n, uint32_t pos) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m[mid].e <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* Append span [s, e) to r (room was made for it). */
static void put_span(pl_hits *r, size_t *n, uint32_t s, uint32_t e) {
  r->span[2 * *n] = s;
  r->span[2 * *n + 1] = e;
  (*n)++;
}

/*
** Each span of a against the union of b's spans: the parts outside it
** (covered = 0: minus) or inside it (covered = 1: intersect), pushed as a
** new hit list of the index at ci.  Empty spans are kept by minus and
** dropped by intersect.
*/
static pl_hits *cut(lua_State *L, const pl_hits *a, const pl_hits *b, int covered, int ci) {
  pl_hits *r;
  span *m;
  size_t nm, i, n = 0, cap;
  const parley_flag *stop = parley_interrupt_flag(L);
  ci = lua_absindex(L, ci);
  nm = merge_spans(L, b, &m);                         /* pushed; the result goes above it */
  cap = a->n + nm + 1;                                /* a span cut k times gives k + 1 pieces */
  r = push_hits(L, ci, cap);
  for (i = 0; i < a->n; i++) {
    uint32_t s = a->span[2 * i], e = a->span[2 * i + 1];
    size_t k;
    parley_check_interrupt(L, stop, i);
    if (e <= s) { if (!covered && n < cap) put_span(r, &n, s, e); continue; }
    for (k = first_ending_after(m, nm, s); k < nm && m[k].s < e && s < e; k++) {
      uint32_t from = m[k].s > s ? m[k].s : s, to = m[k].e < e ? m[k].e : e;
      if (n == cap) luaL_error(L, "too many spans");
      if (covered) put_span(r, &n, from, to);
      else if (from > s) put_span(r, &n, s, from);
      if (!covered) s = to;
    }
    if (!covered && s < e) {
      if (n == cap) luaL_error(L, "too many spans");
      put_span(r, &n, s, e);
    }
  }
  set_count(r, n);
  return r;
}

static int cut_spans(lua_State *L, int covered) {
  pl_hits *a = check_hits(L, 1), *b = check_hits(L, 2);
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);                         /* 3: the index */
  cut(L, a, b, covered, 3);
  return 1;
}

/*
** minus(other) -> the parts of each span that no span of other covers: a
** turn minus its speaker's label is what the speaker said.
*/
static int hits_minus(lua_State *L) { return cut_spans(L, 0); }

/* intersect(other) -> the parts of each span that other's spans cover (a window clipped to a sub-corpus). */
static int hits_intersect(lua_State *L) { return cut_spans(L, 1); }

/* merged() -> the union of the spans, disjoint and sorted (for sizes that count each token once). */
static int hits_merged(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *r;
  span *m;
  size_t nm, i;
  lua_settop(L, 1);
  nm = merge_spans(L, h, &m);                         /* 2 */
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, nm);
  for (i = 0; i < nm; i++) { r->span[2 * i] = m[i].s; r->span[2 * i + 1] = m[i].e; }
  return 1;
}

/*
** windows(left, right) -> the collocation windows of the hits as surface
** co-occurrence counts them (Evert 2008): the union of `left` tokens before
** and `right` tokens after each hit, clipped to the hit's document, without
** the hits' own tokens, as disjoint spans.  A token two windows cover is
** in it once.
*/
static int hits_windows(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *win;
  lua_Integer left = luaL_checkinteger(L, 2), right = luaL_checkinteger(L, 3);
  pl_corpus *c = hits_corpus(L, 1);
  span *v, *m;
  size_t i, n = 0, nm;
  const parley_flag *stop = parley_interrupt_flag(L);
  luaL_argcheck(L, left >= 0 && left <= 1000, 2, "window must be 0 to 1000 tokens");
  luaL_argcheck(L, right >= 0 && right <= 1000, 3, "window must be 0 to 1000 tokens");
  lua_settop(L, 3);
  v = lua_newuserdatauv(L, (2 * h->n + 1) * sizeof *v, 0);      /* 4 */
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i], e = h->span[2 * i + 1], d;
    uint64_t first, end, ls, re;
    parley_check_interrupt(L, stop, i);
    if (s >= c->ix.ntokens) continue;
    d = ix_doc_of(&c->ix, s);
    first = c->ix.docs[d].first;
    end = first + c->ix.docs[d].ntok;
    ls = s >= first + (uint64_t)left ? s - (uint64_t)left : first;
    re = e + (uint64_t)right < end ? e + (uint64_t)right : end;
    if (ls < s) { v[n].s = (uint32_t)ls; v[n].e = s; n++; }
    if (re > e) { v[n].s = e; v[n].e = (uint32_t)re; n++; }
  }
  qsort(v, n, sizeof *v, cmp_span);
  lua_getiuservalue(L, 1, 1);                                   /* 5 */
  win = push_hits(L, -1, n);                                    /* 6 */
  for (i = 0; i < n; i++) { win->span[2 * i] = v[i].s; win->span[2 * i + 1] = v[i].e; }
  nm = merge_spans(L, win, &m);                                 /* 7: the windows' union */
  win = push_hits(L, 5, nm);                                    /* 8 */
  for (i = 0; i < nm; i++) { win->span[2 * i] = m[i].s; win->span[2 * i + 1] = m[i].e; }
  cut(L, win, h, 0, 5);                                         /* without the hits' own tokens */
  return 1;
}

/*
** from(index, spans) -> a hit list of the spans {s1, e1, s2, e2, …} (0-based
** positions, end exclusive), sorted by start then end; positions are
** checked against the index.
*/
static int hits_from(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer i, n;
  pl_hits *h;
  span *v;
  const parley_flag *stop = parley_interrupt_flag(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, 2);
  luaL_argcheck(L, n % 2 == 0, 2, "a list of start, end pairs expected");
  v = lua_newuserdatauv(L, (size_t)(n / 2 + 1) * sizeof *v, 0);
  for (i = 0; i < n / 2; i++) {
    lua_Integer s, e;
    parley_check_interrupt(L, stop, (size_t)i);
    lua_rawgeti(L, 2, 2 * i + 1);
    lua_rawgeti(L, 2, 2 * i + 2);
    s = luaL_checkinteger(L, -2);
    e = luaL_checkinteger(L, -1);
    lua_pop(L, 2);
    luaL_argcheck(L, s >= 0 && e >= s && (uint64_t)e <= c->ix.ntokens, 2, "span out of range");
    v[i].s = (uint32_t)s;
    v[i].e = (uint32_t)e;
  }
  qsort(v, (size_t)(n / 2), sizeof *v, cmp_span);
  h = push_hits(L, 1, (size_t)(n / 2));
  for (i = 0; i < n / 2; i++) { h->span[2 * i] = v[i].s; h->span[2 * i + 1] = v[i].e; }
  return 1;
}

/*
** count_in(regions) -> list of the number of hits starting inside each
** region (regions sorted by start and not overlapping, such as documents
** or speaker turns): the basis of dispersion measures.
*/
static int hits_count_in(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *g = check_hits(L, 2);
  size_t i = 0, k;
  lua_createtable(L, (int)g->n, 0);
  for (k = 0; k < g->n; k++) {
    lua_Integer n = 0;
    while (i < h->n && h->span[2 * i] < g->span[2 * k]) i++;
    while (i < h->n && h->span[2 * i] < g->span[2 * k + 1]) { n++; i++; }
    lua_pushinteger(L, n);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/*
** The codes of regions (a list at stack index t of a whole number >= 0 per
** region, as Index:column gives) read into a new array, and their largest.
** The array is a userdata left on the stack.
*/
uint32_t *hits_read_codes(lua_State *L, int t, size_t n, uint32_t *max) {
  uint32_t *codes;
  size_t i;
  luaL_checktype(L, t, LUA_TTABLE);
  luaL_argcheck(L, lua_rawlen(L, t) == n, t, "a code per region expected");
  codes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *codes, 0);
  *max = 0;
  for (i = 0; i < n; i++) {
    int ok;
    lua_Integer v;
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    v = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    /* a code per region and one spare at most: the tallies are indexed by code */
    luaL_argcheck(L, ok && v >= 0 && (uint64_t)v <= (uint64_t)n + 1, t, "codes must be whole numbers from 0 to #regions + 1");
    codes[i] = (uint32_t)v;
    if (codes[i] > *max) *max = codes[i];
  }
  return codes;
}

/* Push a list of n + 1 counts, indexed 0 … n (0: the regions without a code). */
void hits_push_tally(lua_State *L, const uint64_t *v, uint32_t n) {
  uint32_t i;
  lua_createtable(L, (int)n, 1);
  for (i = 0; i <= n; i++) {
    lua_pushinteger(L, (lua_Integer)v[i]);
    lua_rawseti(L, -2, (lua_Integer)i);
  }
}

/*
** count_by(regions, codes) -> counts, holding: the hits starting inside
** each region (as count_in) summed over the regions of each code (codes: a
** whole number per region, such as the value numbers of Index:column), and
** the number of regions of each code that hold at least one; both lists are
** indexed by code, from 0 (regions without a value).  Per-document figures
** grouped by a document attribute in one call.
*/
static int hits_count_by(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *g = check_hits(L, 2);
  uint32_t max, *codes = hits_read_codes(L, 3, g->n, &max);
  uint64_t *counts = lua_newuserdatauv(L, 2 * ((size_t)max + 1) * sizeof *counts, 0), *holding = counts + max + 1;
  size_t i = 0, k;
  memset(counts, 0, 2 * ((size_t)max + 1) * sizeof *counts);
  for (k = 0; k < g->n; k++) {
    uint64_t n = 0;
    while (i < h->n && h->span[2 * i] < g->span[2 * k]) i++;
    while (i < h->n && h->span[2 * i] < g->span[2 * k + 1]) { n++; i++; }
    counts[codes[k]] += n;
    holding[codes[k]] += n > 0;
  }
  hits_push_tally(L, counts, max);
  hits_push_tally(L, holding, max);
  return 2;
}

/* A list of the starts (end = 0) or the ends (end = 1) of the hits. */
static int push_bounds(lua_State *L, int end) {
  pl_hits *h = check_hits(L, 1);
  size_t i;
  lua_createtable(L, (int)h->n, 0);
  for (i = 0; i < h->n; i++) {
    lua_pushinteger(L, h->span[2 * i + end]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* starts() -> list of the 0-based start positions; ends() -> of the (exclusive) ends */
static int hits_starts(lua_State *L) { return push_bounds(L, 0); }
static int hits_ends(lua_State *L) { return push_bounds(L, 1); }

/*
** disjoint() -> the hits that do not overlap one another, read from the
** start: of the hits starting at one position the longest, and then none
** that starts before its end (so "aerial reconnaissance" is one mention,
** not also "reconnaissance"): how mentions of several queries count once.
*/
static int hits_disjoint(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *r;
  size_t i, n = 0;
  uint32_t last = 0;
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, h->n);
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i], e = h->span[2 * i + 1];
    while (i + 1 < h->n && h->span[2 * i + 2] == s) {  /* sorted by start, then end */
      i++;
      if (h->span[2 * i + 1] > e) e = h->span[2 * i + 1];
    }
    if (n > 0 && s < last) continue;
    r->span[2 * n] = s;
    r->span[2 * n + 1] = e;
    last = e;
    n++;
  }
  set_count(r, n);
  return 1;
}

/* heads() -> a one-token span at the start of each hit (a mark per mention) */
static int hits_heads(lua_State *L) {
  pl_hits *h = check_hits(L, 1), *r;
  size_t i, n = 0;
  lua_getiuservalue(L, 1, 1);
  r = push_hits(L, -1, h->n);
  for (i = 0; i < h->n; i++) {
    uint32_t s = h->span[2 * i];
    if (n > 0 && r->span[2 * n - 2] == s) continue;
    r->span[2 * n] = s;
    r->span[2 * n + 1] = s + 1;
    n++;
  }
  set_count(r, n);
  return 1;
}

/* width() -> number of tokens covered (sum of span lengths) */
static int hits_width(lua_State *L) {
  pl_hits *h = check_hits(L, 1);
  size_t i;
  lua_Integer w = 0;
  for (i = 0; i < h->n; i++) w += h->span[2 * i + 1] - h->span[2 * i];
  lua_pushinteger(L, w);
  return 1;
}

static const luaL_Reg hits_meta[] = {
  {"__len",      hits_len},
  {"__tostring", hits_tostring},
  {"__index",    NULL},
  {NULL, NULL}
};

static const luaL_Reg hits_methods[] = {
  {"span",      hits_span},
  {"sub",       hits_sub},
  {"inside",    hits_inside},
  {"union",     hits_union},
  {"near",      hits_near},
  {"starts",    hits_starts},
  {"ends",      hits_ends},
  {"windows",   hits_windows},
  {"minus",     hits_minus},
  {"intersect", hits_intersect},
  {"merged",    hits_merged},
  {"count_in",  hits_count_in},
  {"count_by",  hits_count_by},
  {"width",     hits_width},
  {"disjoint",  hits_disjoint},
  {"heads",     hits_heads},
  {NULL, NULL}
};

int luaopen_parley_hits(lua_State *L) {
  luaL_newmetatable(L, PARLEY_HITS);
  luaL_setfuncs(L, hits_meta, 0);
  luaL_newlib(L, hits_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, hits_from);
  lua_setfield(L, -2, "from");
  return 1;
}
