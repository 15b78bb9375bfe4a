/*
** query.c — the query primitives of parley.Index: decoding postings into
** hit lists, phrases, and region tables filtered by attribute.  The query
** language that combines them is lua/parley/query.lua.
*/
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* Decode the postings of exact type e of view ix (the index or one of its segments) into out, at most limit, offset by base. */
static size_t decode_one(lua_State *L, pl_corpus *c, ix_index *ix, uint32_t e, uint32_t *out, uint64_t limit,
                         uint64_t base) {
  const ix_exact *x = &ix->exact[e];
  const unsigned char *p, *end;
  uint64_t v = 0, pos = 0, k;
  if (ix_touch(ix, x, sizeof *x) || x->post > ix->postings_size || x->post_len > ix->postings_size - x->post)
    corpus_damaged(L, c);
  p = ix->postings + x->post;
  end = p + x->post_len;
  if (ix_touch(ix, p, (size_t)x->post_len)) corpus_damaged(L, c);
  for (k = 0; k < x->freq && k < limit; k++) {
    if (!ix_get_varint(&p, end, &v)) corpus_damaged(L, c);
    pos = k ? pos + v : v;
    if (pos >= ix->ntokens) corpus_damaged(L, c);
    out[k] = (uint32_t)(base + pos);
  }
  return (size_t)k;
}

/* Segment s's own id of the index's exact type e (its types sorted by index id, searched); 0 if it has none. */
static int local_id(lua_State *L, pl_corpus *c, ix_seg *s, uint32_t e, uint32_t *l) {
  uint64_t lo = 0, hi = s->ix.nexact;
  while (lo < hi) {   /* each entry read is verified first: a look-up checks a few blocks, not the maps */
    uint64_t m = lo + (hi - lo) / 2;
    uint32_t b = 0, g;
    if (ix_touch(&c->ix, &s->byg[m], sizeof *s->byg) || (b = s->byg[m]) >= s->ix.nexact ||
        ix_touch(&c->ix, &s->l2g[b], sizeof *s->l2g))
      corpus_damaged(L, c);
    g = s->l2g[b];
    if (g == e) { *l = b; return 1; }
    if (g < e) lo = m + 1; else hi = m;
  }
  return 0;
}

/*
** Decode the postings of exact type e into out (room for min(frequency,
** limit)): in an index of several segments, each segment's in turn, whose
** positions follow the segments before it.
*/
static size_t decode_postings(lua_State *L, pl_corpus *c, uint32_t e, uint32_t *out, uint64_t limit) {
  const ix_exact *x = &c->ix.exact[e];
  uint64_t want, got = 0;
  uint32_t k, l;
  if (c->ix.nsegs == 0) return decode_one(L, c, &c->ix, e, out, limit, 0);
  if (ix_touch(&c->ix, x, sizeof *x)) corpus_damaged(L, c);
  want = x->freq < limit ? x->freq : limit;
  for (k = 0; k < c->ix.nsegs && got < want; k++) {
    ix_seg *s = &c->ix.segs[k];
    if (local_id(L, c, s, e, &l)) got += decode_one(L, c, &s->ix, l, out + got, want - got, s->tok0);
  }
  if (got != want) corpus_damaged(L, c);   /* the segments hold fewer than the list counts */
  return (size_t)got;
}

/* Merge sorted runs a[0..na) and b[0..nb) into out (duplicates kept once). */
static size_t merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out) {
  size_t i = 0, j = 0, n = 0;
  while (i < na && j < nb) {
    if (a[i] < b[j]) out[n++] = a[i++];
    else if (b[j] < a[i]) out[n++] = b[j++];
    else { out[n++] = a[i++]; j++; }
  }
  while (i < na) out[n++] = a[i++];
  while (j < nb) out[n++] = b[j++];
  return n;
}

/* Collect the exact ids of argument arg (a list of ids; folded unless exact). */
static size_t collect_ids(lua_State *L, pl_corpus *c, int arg, int exact, uint32_t **ids, uint64_t *total) {
  lua_Integer i, n;
  size_t m = 0, cap = 16;
  uint32_t *v;
  luaL_checktype(L, arg, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, arg);
  v = lua_newuserdatauv(L, cap * sizeof *v, 0);  /* grown below; stays on the stack */
  *total = 0;
  for (i = 1; i <= n; i++) {
    lua_Integer id;
    uint32_t k, first, count;
    lua_rawgeti(L, arg, i);
    id = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    if (exact) {
      luaL_argcheck(L, id >= 0 && (uint64_t)id < c->ix.nexact, arg, "type id out of range");
      first = (uint32_t)id;
      count = 1;
    } else {
      const ix_fold *f;
      luaL_argcheck(L, id >= 0 && (uint64_t)id < c->ix.nfold, arg, "type id out of range");
      f = &c->ix.fold[id];
      if (ix_touch(&c->ix, f, sizeof *f) || (uint64_t)f->map + f->nmap > c->ix.nexact ||
          ix_touch(&c->ix, c->ix.foldmap + f->map, f->nmap * sizeof(uint32_t)))
        corpus_damaged(L, c);
      first = f->map;
      count = f->nmap;
    }
    for (k = 0; k < count; k++) {
      uint32_t e = exact ? first : c->ix.foldmap[first + k];
      if (e >= c->ix.nexact) corpus_damaged(L, c);
      if (m == cap) {
        uint32_t *nv = lua_newuserdatauv(L, cap * 2 * sizeof *nv, 0);
        memcpy(nv, v, cap * sizeof *v);
        lua_replace(L, -2);
        v = nv;
        cap *= 2;
      }
      v[m++] = e;
      /* a frequency sizes the buffers below: each posting takes a byte at least, so one
         above its postings' length (or theirs above the section's) is damage, not room */
      if (ix_touch(&c->ix, &c->ix.exact[e], sizeof(ix_exact)) || c->ix.exact[e].freq > c->ix.exact[e].post_len ||
          c->ix.exact[e].post_len > c->ix.postings_size)
        corpus_damaged(L, c);
      *total += c->ix.exact[e].freq;
    }
  }
  *ids = v;
  return m;
}

/*
** Positions of the union of exact types ids[0..m): decode each list, then
** merge pairwise.  Pushes a userdata of uint32 positions; returns its count.
*/
static size_t union_positions(lua_State *L, pl_corpus *c, const uint32_t *ids, size_t m,
                              uint64_t total, uint32_t **out, uint64_t limit) {
  uint32_t *a, *b;
  size_t *len, *at, k, runs = m;
  const parley_flag *stop = parley_interrupt_flag(L);
  if (total >= IX_MAX_TOKENS) corpus_damaged(L, c);
  a = lua_newuserdatauv(L, (total + 1) * sizeof *a, 0);
  b = lua_newuserdatauv(L, (total + 1) * sizeof *b, 0);
  len = lua_newuserdatauv(L, (m + 1) * 2 * sizeof *len, 0);
  at = len + m + 1;
  {
    size_t off = 0;
    for (k = 0; k < m; k++) {
      if (parley_interrupted(stop)) parley_interrupt_raise(L);  /* Ctrl-C, between types */
      at[k] = off;
      len[k] = decode_postings(L, c, ids[k], a + off, limit);
      off += len[k];
    }
  }
  while (runs > 1) {  /* merge runs pairwise into b, then swap */
    size_t r = 0, off = 0;
    if (parley_interrupted(stop)) parley_interrupt_raise(L);
    for (k = 0; k < runs; k += 2) {
      size_t n = k + 1 < runs ? merge(a + at[k], len[k], a + at[k + 1], len[k + 1], b + off)
                              : (memcpy(b + off, a + at[k], len[k] * sizeof *b), len[k]);
      at[r] = off;
      len[r] = n;
      off += n;
      r++;
    }
    runs = r;
    { uint32_t *t = a; a = b; b = t; }
  }
  lua_pop(L, 1);  /* len */
  *out = a;
  if (!m) return 0;
  return len[0] < limit ? len[0] : (size_t)limit;  /* a and b stay on the stack: caller pops 2 */
}

/* postings(ids [, exact [, limit]]) -> hits: one-token spans of every (or the first limit) occurrence */
static int query_postings(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  int exact = lua_toboolean(L, 3);
  lua_Integer limit = luaL_optinteger(L, 4, -1);
  uint32_t *ids, *pos;
  uint64_t total;
  size_t m, n, i;
  pl_hits *h;
  lua_settop(L, 4);
  m = collect_ids(L, c, 2, exact, &ids, &total);
  n = union_positions(L, c, ids, m, total, &pos, limit < 0 ? UINT64_MAX : (uint64_t)limit);
  h = push_hits(L, 1, n);
  for (i = 0; i < n; i++) { h->span[2 * i] = pos[i]; h->span[2 * i + 1] = pos[i] + 1; }
  return 1;
}

/*
** phrase(elements) -> hits spanning every occurrence of the sequence.
** elements[i] = { ids = {...}, exact = bool } or false for any one token.
*/
static int query_phrase(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer ne, i;
  uint32_t *cur = NULL;
  size_t ncur = 0, k;
  int have = 0;
  pl_hits *h;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  ne = (lua_Integer)lua_rawlen(L, 2);
  luaL_argcheck(L, ne >= 1 && ne <= 64, 2, "a phrase has 1 to 64 elements");
  for (i = 1; i <= ne; i++) {
    int top = lua_gettop(L), exact;
    uint32_t *ids, *pos;
    uint64_t total;
    size_t m, n, a = 0, b = 0, out = 0;
    lua_rawgeti(L, 2, i);
    if (!lua_istable(L, -1)) { lua_settop(L, top); continue; }  /* wildcard */
    exact = (lua_getfield(L, -1, "exact"), lua_toboolean(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, -1, "ids");
    m = collect_ids(L, c, lua_gettop(L), exact, &ids, &total);
    n = union_positions(L, c, ids, m, total, &pos, UINT64_MAX);
    if (!have) {
      /* candidates: occurrences of element i, shifted to the phrase start */
      uint32_t *keep = lua_newuserdatauv(L, (n + 1) * sizeof *keep, 0);
      for (k = 0; k < n; k++)
        if (pos[k] >= (uint32_t)(i - 1)) keep[out++] = pos[k] - (uint32_t)(i - 1);
      lua_replace(L, top + 1);
      lua_settop(L, top + 1);
      cur = keep;
      ncur = out;
      have = 1;
      continue;
    }
    while (a < ncur && b < n) {  /* keep starts p with p + i - 1 in pos */
      uint64_t want = (uint64_t)cur[a] + (uint64_t)(i - 1);
      if (pos[b] < want) b++;
      else if (pos[b] > want) a++;
      else { cur[out++] = cur[a++]; b++; }
    }
    ncur = out;
    lua_settop(L, top);
  }
  if (!have) luaL_argerror(L, 2, "a phrase needs at least one word");
  /* drop matches running past the end of their document (matches are sorted: walk the documents) */
  h = push_hits(L, 1, ncur);
  {
    size_t n = 0;
    uint32_t d = ncur ? ix_doc_of(&c->ix, cur[0]) : 0;
    for (k = 0; k < ncur; k++) {
      uint64_t end = (uint64_t)cur[k] + (uint64_t)ne;
      while (d + 1 < c->ix.ndocs && c->ix.docs[d].first + c->ix.docs[d].ntok <= cur[k]) d++;
      if (end > c->ix.docs[d].first + c->ix.docs[d].ntok) continue;
      h->span[2 * n] = cur[k];
      h->span[2 * n + 1] = (uint32_t)end;
      n++;
    }
    h->n = n;
  }
  return 1;
}

uint32_t corpus_kind(lua_State *L, pl_corpus *c, int arg) {
  size_t len;
  const char *name = luaL_checklstring(L, arg, &len);
  uint32_t k;
  for (k = 0; k < c->ix.nkinds; k++) {
    const ix_rkind *rk = &c->ix.kinds[k];
    const char *s = corpus_string(L, c, rk->name);
    if (rk->name.len == len && memcmp(s, name, len) == 0) return k;
  }
  return (uint32_t)luaL_argerror(L, arg, lua_pushfstring(L, "no region kind '%s'", name));
}

/* Region records of kind k, checked: width in uint32 words, count. */
const uint32_t *corpus_regions(lua_State *L, pl_corpus *c, uint32_t k, size_t *width, uint64_t *count) {
  const uint32_t *r = c->ix.nsegs ? ix_join_regions(&c->ix, k) : c->ix.regions[k];
  if (r == NULL && !c->ix.corrupt) luaL_error(L, "not enough memory for the regions of kind %d", (int)k);
  if (r == NULL) corpus_damaged(L, c);   /* a segment's */
  *width = ix_region_width(&c->ix, k);
  *count = c->ix.kinds[k].count;
  if (ix_touch(&c->ix, r, (size_t)(*count * *width * 4))) corpus_damaged(L, c);
  return r;
}

uint64_t region_enclosing(const uint32_t *r, size_t width, uint64_t count, uint64_t pos) {
  uint64_t lo = 0, hi = count, j;
  while (lo < hi) {  /* first region starting after pos */
    uint64_t m = lo + (hi - lo) / 2;
    if (r[m * width] <= pos) lo = m + 1; else hi = m;
  }
  for (j = lo; j > 0; j--) {
    if (r[(j - 1) * width + 1] > pos) return j;
    if (j + 64 < lo) break;  /* regions of one kind rarely nest deeper */
  }
  return 0;
}

/* The number of kind k's attribute called name, or its number of attributes if none is. */
static uint32_t find_attr(lua_State *L, pl_corpus *c, uint32_t k, const char *name, size_t len) {
  const ix_rkind *rk = &c->ix.kinds[k];
  uint32_t a;
  for (a = 0; a < rk->nattrs; a++) {
    const char *s = corpus_string(L, c, rk->attrs[a]);
    if (rk->attrs[a].len == len && memcmp(s, name, len) == 0) break;
  }
  return a;
}

/* Does attribute value v (an ix_str) equal the Lua string/list at stack index f? */
static int attr_matches(lua_State *L, pl_corpus *c, const uint32_t *v, int f) {
  ix_str s;
  const char *p;
  s.off = v[0];
  s.len = v[1];
  p = corpus_string(L, c, s);
  if (lua_type(L, f) == LUA_TSTRING) {
    size_t len;
    const char *want = lua_tolstring(L, f, &len);
    return len == s.len && memcmp(want, p, len) == 0;
  } else {
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, f);
    for (i = 1; i <= n; i++) {
      size_t len;
      const char *want;
      int ok;
      lua_rawgeti(L, f, i);
      want = lua_tolstring(L, -1, &len);
      ok = want && len == s.len && memcmp(want, p, len) == 0;
      lua_pop(L, 1);
      if (ok) return 1;
    }
    return 0;
  }
}

/* Append region record rec to h (at *n) if its attributes match the filter's nf values; checked. */
static int keep_region(lua_State *L, pl_corpus *c, const uint32_t *rec, size_t nf, const uint32_t *fattr,
                       const int *fidx, pl_hits *h, size_t *n) {
  size_t f;
  for (f = 0; f < nf; f++)
    if (!attr_matches(L, c, rec + 2 + 2 * fattr[f], fidx[f])) return 0;
  if (rec[0] > rec[1] || rec[1] > c->ix.ntokens) corpus_damaged(L, c);
  h->span[2 * *n] = rec[0];
  h->span[2 * *n + 1] = rec[1];
  (*n)++;
  return 1;
}

/* Do the spans of g come in order without overlapping (each starts at or after the last's end)? */
static int spans_disjoint(const pl_hits *g) {
  size_t i;
  for (i = 0; i < g->n; i++) {
    if (g->span[2 * i] > g->span[2 * i + 1]) return 0;
    if (i > 0 && g->span[2 * i] < g->span[2 * i - 1]) return 0;
  }
  return 1;
}

/* The first of count records (width words each) starting at or after pos. */
static uint64_t region_from(const uint32_t *r, size_t width, uint64_t count, uint64_t pos) {
  uint64_t lo = 0, hi = count;
  while (lo < hi) {
    uint64_t m = lo + (hi - lo) / 2;
    if (r[m * width] < pos) lo = m + 1; else hi = m;
  }
  return lo;
}

/*
** regions(kind [, filter [, within]]) -> hits: the spans of the regions of
** kind whose attributes equal the filter's values ({ speaker = "McCloy" },
** or a list of accepted values), and, given a hit list within, only those
** inside one of its spans whole (as regions(kind, filter):inside(within),
** but a sub-corpus of one document reads only that document's records).
** Raises for an unknown kind or attribute.
*/
static int query_regions(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k = corpus_kind(L, c, 2);
  const ix_rkind *rk = &c->ix.kinds[k];
  size_t width, i, n = 0, nf = 0;
  uint64_t count;
  const uint32_t *r = corpus_regions(L, c, k, &width, &count);
  int fidx[IX_MAX_ATTRS];
  uint32_t fattr[IX_MAX_ATTRS];
  pl_hits *h;
  lua_settop(L, 4);
  if (!lua_isnil(L, 3)) {
    uint32_t a;
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 3)) {  /* every key must name an attribute */
      size_t len;
      const char *name;
      if (lua_type(L, -2) != LUA_TSTRING) luaL_argerror(L, 3, "attribute names must be strings");
      if (!lua_isstring(L, -1) && !lua_istable(L, -1))
        luaL_argerror(L, 3, "attribute values must be strings or lists of strings");
      name = lua_tolstring(L, -2, &len);
      a = find_attr(L, c, k, name, len);
      if (a == rk->nattrs) {
        lua_pushfstring(L, "regions of kind '%s' have no attribute '%s'", lua_tostring(L, 2), name);
        return luaL_argerror(L, 3, lua_tostring(L, -1));
      }
      lua_pop(L, 1);
    }
    for (a = 0; a < rk->nattrs; a++) {  /* push the wanted values, in attribute order */
      lua_pushlstring(L, corpus_string(L, c, rk->attrs[a]), rk->attrs[a].len);
      if (lua_rawget(L, 3) == LUA_TNIL) { lua_pop(L, 1); continue; }
      fattr[nf] = a;
      fidx[nf] = lua_gettop(L);
      nf++;
    }
  }
  if (!lua_isnoneornil(L, 4)) {
    const pl_hits *g = check_hits(L, 4);
    if (hits_corpus(L, 4) != c) luaL_argerror(L, 4, "a hit list of this index expected");
    if (spans_disjoint(g)) {  /* each span's records by binary search */
      uint64_t next = 0, total = 0, j;
      for (j = 0; j < g->n; j++) {  /* an upper bound of the count first */
        uint64_t a = region_from(r, width, count, g->span[2 * j]);
        uint64_t b = region_from(r, width, count, (uint64_t)g->span[2 * j + 1] + 1);
        total += b - a;
      }
      h = push_hits(L, 1, (size_t)(total < count ? total : count));
      for (j = 0; j < g->n; j++) {
        uint32_t ws = g->span[2 * j], we = g->span[2 * j + 1];
        uint64_t a = region_from(r, width, count, ws);
        if (a < next) a = next;
        for (i = a; i < count && r[i * width] <= we; i++) {
          const uint32_t *rec = r + i * width;
          if (rec[1] <= we && keep_region(L, c, rec, nf, fattr, fidx, h, &n)) next = i + 1;
        }
      }
      h->n = n;
      return 1;
    }
  }
  h = push_hits(L, 1, (size_t)count);
  {
    const pl_hits *g = lua_isnoneornil(L, 4) ? NULL : check_hits(L, 4);
    size_t gi = 0;
    uint32_t maxend = 0;
    for (i = 0; i < count; i++) {
      const uint32_t *rec = r + i * width;
      if (g) {  /* inside a span of g that starts at or before it (overlapping spans: any) */
        while (gi < g->n && g->span[2 * gi] <= rec[0]) {
          if (g->span[2 * gi + 1] > maxend) maxend = g->span[2 * gi + 1];
          gi++;
        }
        if (gi == 0 || maxend < rec[1]) continue;
      }
      keep_region(L, c, rec, nf, fattr, fidx, h, &n);
    }
  }
  h->n = n;
  return 1;
}

/* Push the attributes of region record rec of kind k as a table. */
static void push_attrs(lua_State *L, pl_corpus *c, uint32_t k, const uint32_t *rec) {
  const ix_rkind *rk = &c->ix.kinds[k];
  uint32_t a;
  lua_createtable(L, 0, (int)rk->nattrs + 2);
  for (a = 0; a < rk->nattrs; a++) {
    ix_str name = rk->attrs[a], val;
    const char *ns = corpus_string(L, c, name), *vs;
    val.off = rec[2 + 2 * a];
    val.len = rec[3 + 2 * a];
    vs = corpus_string(L, c, val);
    lua_pushlstring(L, ns, name.len);
    lua_pushlstring(L, vs, val.len);
    lua_rawset(L, -3);
  }
}

/*
** region_at(kind, pos) -> index, start, end, attrs of the innermost region of
** kind that holds position pos (the one starting last), or nil.
*/
static int query_region_at(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k = corpus_kind(L, c, 2);
  lua_Integer pos = luaL_checkinteger(L, 3);
  size_t width;
  uint64_t count, i;
  const uint32_t *r = corpus_regions(L, c, k, &width, &count), *rec;
  i = pos < 0 ? 0 : region_enclosing(r, width, count, (uint64_t)pos);
  if (i == 0) {
    luaL_pushfail(L);
    return 1;
  }
  rec = r + (i - 1) * width;
  lua_pushinteger(L, (lua_Integer)i);
  lua_pushinteger(L, rec[0]);
  lua_pushinteger(L, rec[1]);
  push_attrs(L, c, k, rec);
  return 4;
}

/*
** For each hit of the list at stack index 3, the number (1-based) that find
** gives among the region records of kind (stack index 2), or false where it
** gives 0: a list, in one call.
*/
typedef uint64_t (*record_finder)(const uint32_t *r, size_t width, uint64_t count, uint32_t s, uint32_t e);
static int per_hit(lua_State *L, record_finder find) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k = corpus_kind(L, c, 2);
  pl_hits *h = check_hits(L, 3);
  size_t width, i;
  uint64_t count;
  const uint32_t *r = corpus_regions(L, c, k, &width, &count);
  const parley_flag *stop = parley_interrupt_flag(L);
  lua_createtable(L, (int)h->n, 0);
  for (i = 0; i < h->n; i++) {
    uint64_t found = find(r, width, count, h->span[2 * i], h->span[2 * i + 1]);
    parley_check_interrupt(L, stop, i);
    if (found) lua_pushinteger(L, (lua_Integer)found); else lua_pushboolean(L, 0);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static uint64_t find_enclosing(const uint32_t *r, size_t width, uint64_t count, uint32_t s, uint32_t e) {
  (void)e;
  return region_enclosing(r, width, count, s);
}

/*
** enclosing(kind, hits) -> for each hit, the number (1-based) of the
** innermost region of kind that holds its first token, or false: the
** regions around a hit list in one call (KWIC with whole turns as context).
*/
static int query_enclosing(lua_State *L) { return per_hit(L, find_enclosing); }

/* region(kind, i) -> start, end, attrs of the i-th region of kind (1-based) */
static int query_region(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k = corpus_kind(L, c, 2);
  lua_Integer i = luaL_checkinteger(L, 3);
  size_t width;
  uint64_t count;
  const uint32_t *r = corpus_regions(L, c, k, &width, &count), *rec;
  luaL_argcheck(L, i >= 1 && (uint64_t)i <= count, 3, "region number out of range");
  rec = r + (uint64_t)(i - 1) * width;
  lua_pushinteger(L, rec[0]);
  lua_pushinteger(L, rec[1]);
  push_attrs(L, c, k, rec);
  return 3;
}

/* The number of attribute attr (a name at stack index arg) of kind k; raises if it has none. */
static uint32_t kind_attr(lua_State *L, pl_corpus *c, uint32_t k, int arg) {
  size_t len;
  const char *name = luaL_checklstring(L, arg, &len);
  uint32_t a = find_attr(L, c, k, name, len);
  if (a == c->ix.kinds[k].nattrs)
    luaL_argerror(L, arg, lua_pushfstring(L, "regions of kind '%s' have no attribute '%s'", lua_tostring(L, 2), name));
  return a;
}

/*
** column(kind, attr) -> codes, values: attribute attr of every region of
** kind in one call — values, its distinct non-empty values in order of
** first appearance, and codes, for each region (in order) the number of
** its value in values, 0 where it is empty.  What per-document figures
** (dates, types) are computed from without a table per region.
*/
static int query_column(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k = corpus_kind(L, c, 2), a = kind_attr(L, c, k, 3);
  size_t width, cap = 16, nvals = 0;
  uint64_t count, i;
  const uint32_t *r = corpus_regions(L, c, k, &width, &count);
  const parley_flag *stop = parley_interrupt_flag(L);
  ix_str *vals;                 /* distinct values; slots hold 1 + their number */
  uint32_t *slots;
  while (cap < 2 * count) cap *= 2;
  slots = lua_newuserdatauv(L, cap * sizeof *slots, 0);   /* freed with the stack */
  vals = lua_newuserdatauv(L, (count ? count : 1) * sizeof *vals, 0);
  memset(slots, 0, cap * sizeof *slots);
  lua_createtable(L, (int)count, 0);   /* codes */
  lua_createtable(L, 16, 0);           /* values */
  for (i = 0; i < count; i++) {
    ix_str v;
    const char *p;
    size_t h;
    lua_Integer code = 0;
    parley_check_interrupt(L, stop, i);
    v.off = r[i * width + 2 + 2 * a];
    v.len = r[i * width + 3 + 2 * a];
    p = corpus_string(L, c, v);
    if (v.len > 0) {
      h = (size_t)ix_hash(p, v.len, 0) & (cap - 1);
      for (;; h = (h + 1) & (cap - 1)) {
        if (slots[h] == 0) {
          vals[nvals++] = v;
          slots[h] = (uint32_t)nvals;
          lua_pushlstring(L, p, v.len);
          lua_rawseti(L, -2, (lua_Integer)nvals);
          break;
        }
        if (vals[slots[h] - 1].len == v.len &&
            memcmp(ix_string(&c->ix, vals[slots[h] - 1], NULL), p, v.len) == 0)
          break;
      }
      code = slots[h];
    }
    lua_pushinteger(L, code);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
  }
  return 2;
}

/* The first record with exactly the span s..e (records are sorted by start), 1-based; 0 if none. */
static uint64_t find_exact(const uint32_t *r, size_t width, uint64_t count, uint32_t s, uint32_t e) {
  uint64_t lo = 0, hi = count, j;
  while (lo < hi) {  /* the first record starting at or after s */
    uint64_t m = lo + (hi - lo) / 2;
    if (r[m * width] < s) lo = m + 1; else hi = m;
  }
  for (j = lo; j < count && r[j * width] == s; j++)
    if (r[j * width + 1] == e) return j + 1;
  return 0;
}

/*
** numbers(kind, hits) -> for each hit, the 1-based number of the first
** region record of kind with exactly its start and end, or false: where a
** sub-corpus's regions stand among all of an index's, found by binary
** search instead of a walk from the first.
*/
static int query_numbers(lua_State *L) { return per_hit(L, find_exact); }

/* doc_of(pos) -> the 1-based document holding corpus position pos */
static int query_doc_of(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer pos = luaL_checkinteger(L, 2);
  luaL_argcheck(L, pos >= 0 && (uint64_t)pos < c->ix.ntokens, 2, "position out of range");
  lua_pushinteger(L, (lua_Integer)ix_doc_of(&c->ix, (uint64_t)pos) + 1);
  return 1;
}

static const luaL_Reg query_methods[] = {
  {"postings",  query_postings},
  {"phrase",    query_phrase},
  {"regions",   query_regions},
  {"region",    query_region},
  {"column",    query_column},
  {"numbers",   query_numbers},
  {"region_at", query_region_at},
  {"enclosing", query_enclosing},
  {"doc_of",    query_doc_of},
  {NULL, NULL}
};

void corpus_open_queries(lua_State *L) {
  luaL_setfuncs(L, query_methods, 0);
  corpus_open_reports(L);
}
