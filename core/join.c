/*
** join.c — `parley.seglist.join(spec)`: the segment list of an index of
** several segments.  The segments are index files of their own (build.c
** writes each), in PATH.seg/; the list, at PATH, names them in document
** order and holds the index lexicon: every exact type of every segment once,
** numbered in order of first appearance (segment by segment, each in its own
** order of first appearance, which is the order of first appearance in the
** whole corpus), folded and sorted by the same code as a single file's
** (lexicon.c), with per segment its ids' index ids ("l2g") and its ids
** sorted by index id ("byg").  Linear in the segments' types, never in their
** tokens.  Written under a temporary name and renamed into place (ixwrite.c).
*/
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "build.h"

#define JOIN_JOB "parley.JoinJob"
#define JOIN_BATCH 32

typedef struct jseg {
  const unsigned char *base;
  size_t size;
  unsigned char *bits;
  ix_index ix;
} jseg;

/* A type of the index lexicon, found by its exact form (its string is lx.str[id]): its first 8 bytes are
** in the slot, so that a form of up to 8 bytes (most words) is told without reading the segment it is
** in; the look-ups of a batch of forms are prefetched, one miss each at most. */
typedef struct jslot { uint64_t hash, pre; uint32_t id, len; } jslot;

typedef struct join_job {
  jseg *segs;
  size_t nsegs;
  jslot *tab;                      /* open addressing, cap a power of 2 */
  size_t cap;
  lexicon lx;                      /* the index lexicon as lex_write reads it (no lock, no arena) */
  buf names, recs, l2g, byg;       /* the list's sections, as they are made */
  ixwriter out;
} join_job;

static int job_gc(lua_State *L) {
  join_job *j = luaL_checkudata(L, 1, JOIN_JOB);
  size_t k;
  for (k = 0; k < j->nsegs; k++) {
    if (j->segs[k].base) munmap((void *)j->segs[k].base, j->segs[k].size);
    free(j->segs[k].bits);
  }
  free(j->segs); j->segs = NULL; j->nsegs = 0;
  free(j->tab); j->tab = NULL;
  free(j->lx.str); free(j->lx.len); free(j->lx.kind); free(j->lx.freq); free(j->lx.prov_of);
  free(j->lx.fold_str); free(j->lx.fold_len);
  j->lx.str = NULL; j->lx.len = NULL; j->lx.kind = NULL; j->lx.freq = NULL; j->lx.prov_of = NULL;
  j->lx.fold_str = NULL; j->lx.fold_len = NULL;
  buf_free(&j->lx.lexstr);
  buf_free(&j->names); buf_free(&j->recs); buf_free(&j->l2g); buf_free(&j->byg);
  ixw_free(&j->out);
  return 0;
}

/* Map and check segment k at path. */
static void open_seg(lua_State *L, join_job *j, size_t k, const char *path) {
  jseg *s = &j->segs[k];
  char err[512];
  if (ix_map(path, &s->base, &s->size, err, sizeof err) != 0) parley_error(L, "%s", err);
  if ((s->bits = calloc(1, ix_bitmap_size(s->size))) == NULL) luaL_error(L, "not enough memory");
  if (ix_init(&s->ix, s->base, s->size, s->bits, err, sizeof err) != 0) parley_error(L, "%s: %s", path, err);
  if (s->ix.segrecs != NULL) parley_error(L, "%s: a segment list, not a segment", path);
  if (ix_touch(&s->ix, s->ix.exact, (size_t)s->ix.nexact * sizeof(ix_exact)) ||
      ix_touch(&s->ix, s->ix.fold, (size_t)s->ix.nfold * sizeof(ix_fold)) ||
      ix_touch(&s->ix, s->ix.lexstr, (size_t)s->ix.lexstr_size))
    parley_error(L, "%s: index is damaged (checksum mismatch)", path);
}

/* The index id of the form s[0..len) (hash h) of kind `kind`, given now if it is new, with its folded form:
** fold `fold` of segment seg (k), looked up only then (a random read in the segment). */
static uint32_t intern(lua_State *L, join_job *j, const char *s, uint32_t len, uint64_t h, uint8_t kind,
                       const ix_index *seg, uint32_t fold, int segno) {
  size_t i;
  lexicon *lx = &j->lx;
  uint64_t pre = lex_prefix8(s, len);
  if (2 * (lx->ncanon + 1) > j->cap) {   /* grow at half full */
    size_t cap = j->cap ? 2 * j->cap : 1 << 16, k;
    jslot *t = calloc(cap, sizeof *t);
    if (t == NULL) luaL_error(L, "not enough memory");
    for (k = 0; k < j->cap; k++)
      if (j->tab[k].hash) {
        size_t at = j->tab[k].hash & (cap - 1);
        while (t[at].hash) at = (at + 1) & (cap - 1);
        t[at] = j->tab[k];
      }
    free(j->tab);
    j->tab = t;
    j->cap = cap;
  }
  for (i = h & (j->cap - 1); j->tab[i].hash; i = (i + 1) & (j->cap - 1))
    if (j->tab[i].hash == h && j->tab[i].len == len && j->tab[i].pre == pre &&
        (len <= 8 || memcmp(lx->str[j->tab[i].id] + 8, s + 8, len - 8) == 0))
      return j->tab[i].id;
  if (lx->ncanon >= UINT32_MAX - 1) luaL_error(L, "too many types");
  if (lx->ncanon == lx->cap) {
    size_t cap = lx->cap ? 2 * lx->cap : 4096;
    const char **str = realloc(lx->str, cap * sizeof *str);
    if (str) lx->str = str;
    uint32_t *ln = realloc(lx->len, cap * sizeof *ln);
    if (ln) lx->len = ln;
    uint8_t *kd = realloc(lx->kind, cap * sizeof *kd);
    if (kd) lx->kind = kd;
    uint64_t *fq = realloc(lx->freq, cap * sizeof *fq);
    if (fq) lx->freq = fq;
    uint32_t *po = realloc(lx->prov_of, cap * sizeof *po);
    if (po) lx->prov_of = po;
    const char **fs = realloc(lx->fold_str, cap * sizeof *fs);
    if (fs) lx->fold_str = fs;
    uint32_t *fl = realloc(lx->fold_len, cap * sizeof *fl);
    if (fl) lx->fold_len = fl;
    if (!str || !ln || !kd || !fq || !po || !fs || !fl) luaL_error(L, "not enough memory");
    lx->cap = cap;
  }
  {
    uint32_t id = (uint32_t)lx->ncanon++;
    const char *f = fold < seg->nfold ? ix_blob(seg->lexstr, seg->lexstr_size, seg->fold[fold].str) : NULL;
    if (f == NULL) parley_error(L, "segment %d: index is damaged", segno + 1);
    lx->str[id] = s; lx->len[id] = len; lx->kind[id] = kind; lx->freq[id] = 0; lx->prov_of[id] = id;
    lx->fold_str[id] = f; lx->fold_len[id] = seg->fold[fold].str.len;
    j->tab[i].len = len; j->tab[i].id = id; j->tab[i].hash = h; j->tab[i].pre = pre;
    return id;
  }
}

typedef struct by_index { uint32_t g, l; } by_index;

/* Sort a[0..n) by index id (distinct), through tmp[0..n): two passes of 16 bits, counts in cnt[65536]. */
static void sort_by_index(by_index *a, by_index *tmp, size_t n, uint32_t *cnt) {
  int pass;
  for (pass = 0; pass < 2; pass++) {
    unsigned shift = pass ? 16 : 0;
    size_t i, sum = 0;
    by_index *from = pass ? tmp : a, *to = pass ? a : tmp;
    memset(cnt, 0, 65536 * sizeof *cnt);
    for (i = 0; i < n; i++) cnt[(from[i].g >> shift) & 0xffff]++;
    for (i = 0; i < 65536; i++) { uint32_t c = cnt[i]; cnt[i] = (uint32_t)sum; sum += c; }
    for (i = 0; i < n; i++) to[cnt[(from[i].g >> shift) & 0xffff]++] = from[i];
  }
}

/*
** join{ output = PATH, segments = { NAME, … } (files in PATH.seg/, in
** document order), sources = { N, … } (the sources each was built from),
** meta = JSON } -> { types =, segments = }: write the segment list PATH.
*/
static int segments_join(lua_State *L) {
  join_job *j;
  size_t n, k, i, nmap = 0, plen;
  const char *output, *meta;
  size_t meta_len;
  uint64_t ntokens = 0, ndocs = 0;
  ix_exact *ex;
  const parley_flag *stop = parley_interrupt_flag(L);
  int ji;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "output");
  output = luaL_checklstring(L, -1, &plen);
  lua_getfield(L, 1, "meta");
  meta = luaL_optlstring(L, -1, "{}", &meta_len);
  lua_getfield(L, 1, "segments");
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_getfield(L, 1, "sources");
  luaL_checktype(L, -1, LUA_TTABLE);
  n = lua_rawlen(L, -2);
  if (n < 2 || n > IX_MAX_SEGMENTS || lua_rawlen(L, -1) != n)
    luaL_error(L, "bad join spec: from 2 to %d segments, and a source count for each", (int)IX_MAX_SEGMENTS);
  j = lua_newuserdatauv(L, sizeof *j, 0);
  memset(j, 0, sizeof *j);
  j->out.fd = -1;
  luaL_setmetatable(L, JOIN_JOB);
  lua_toclose(L, -1);
  ji = lua_gettop(L);
  if ((j->segs = calloc(n, sizeof *j->segs)) == NULL) luaL_error(L, "not enough memory");
  buf *names = &j->names, *recs = &j->recs, *l2g = &j->l2g, *byg = &j->byg;
  j->nsegs = n;
  for (k = 0; k < n; k++) {
    size_t len;
    const char *name;
    char path[PL_PATH_MAX];
    lua_rawgeti(L, ji - 2, (lua_Integer)k + 1);
    name = luaL_checklstring(L, -1, &len);
    if (len == 0 || len >= 256 || memchr(name, '/', len) || strlen(name) != len)
      luaL_error(L, "bad join spec: segment names are plain file names");
    if ((size_t)snprintf(path, sizeof path, "%s.seg/%s", output, name) >= sizeof path)
      luaL_error(L, "too long a path: %s.seg/%s", output, name);
    open_seg(L, j, k, path);
    {
      ix_segrec r;
      memset(&r, 0, sizeof r);
      if (names->n + len + 1 > UINT32_MAX) luaL_error(L, "too many segments");
      r.name.off = (uint32_t)names->n;
      r.name.len = (uint32_t)len;
      if (buf_add(names, name, len + 1)) luaL_error(L, "not enough memory");
      r.checksum = j->segs[k].ix.h->checksum;
      r.ntokens = j->segs[k].ix.ntokens;
      r.ndocs = j->segs[k].ix.ndocs;
      r.nexact = (uint32_t)j->segs[k].ix.nexact;
      r.map = nmap;
      lua_rawgeti(L, ji - 1, (lua_Integer)k + 1);
      r.nsources = (uint32_t)luaL_checkinteger(L, -1);
      lua_pop(L, 2);
      if (buf_add(recs, &r, sizeof r)) luaL_error(L, "not enough memory");
    }
    ntokens += j->segs[k].ix.ntokens;
    ndocs += j->segs[k].ix.ndocs;
    nmap += j->segs[k].ix.nexact;
  }
  if (ntokens >= IX_MAX_TOKENS || ndocs > UINT32_MAX) luaL_error(L, "too large an archive for one index");
  /* the index lexicon, and each segment's ids' index ids */
  for (k = 0; k < n; k++) {
    ix_index *s = &j->segs[k].ix;
    /* freed by Lua, whatever happens */
    by_index *pairs = lua_newuserdatauv(L, (size_t)(2 * s->nexact + 2) * sizeof *pairs + 65536 * sizeof(uint32_t), 0);
    uint64_t hs[JOIN_BATCH];
    for (i = 0; i < s->nexact; i++) {
      const ix_exact *x = &s->exact[i];
      const char *form = ix_blob(s->lexstr, s->lexstr_size, x->str);
      uint32_t g;
      parley_check_interrupt(L, stop, i);
      if (i % JOIN_BATCH == 0) {   /* the next batch's hashes, and their slots fetched ahead */
        uint64_t b;
        for (b = 0; b < JOIN_BATCH && i + b < s->nexact; b++) {
          const ix_exact *y = &s->exact[i + b];
          const char *p = ix_blob(s->lexstr, s->lexstr_size, y->str);
          hs[b] = p ? lex_hash(p, y->str.len) : 1;
          if (j->cap) __builtin_prefetch(&j->tab[hs[b] & (j->cap - 1)]);
        }
      }
      if (form == NULL) parley_error(L, "segment %d: index is damaged", (int)k + 1);
      g = intern(L, j, form, x->str.len, hs[i % JOIN_BATCH], (uint8_t)x->kind, s, x->fold, (int)k);
      j->lx.freq[g] += x->freq;
      pairs[i].g = g;
      pairs[i].l = (uint32_t)i;
      if (buf_u32(l2g, g)) luaL_error(L, "not enough memory");
    }
    sort_by_index(pairs, pairs + s->nexact + 1, (size_t)s->nexact, (uint32_t *)(void *)(pairs + 2 * s->nexact + 2));
    for (i = 0; i < s->nexact; i++)
      if (buf_u32(byg, pairs[i].l)) luaL_error(L, "not enough memory");
    lua_pop(L, 1);
  }
  /* postings ranges: none of its own; the segments' lengths add up (query.c checks a type's against them) */
  ex = lua_newuserdatauv(L, (j->lx.ncanon + 1) * sizeof *ex, 0);
  memset(ex, 0, (j->lx.ncanon + 1) * sizeof *ex);
  for (k = 0; k < n; k++) {
    const uint32_t *map = (const uint32_t *)(void *)l2g->p;
    ix_index *s = &j->segs[k].ix;
    size_t first = ((const ix_segrec *)(void *)recs->p)[k].map;
    for (i = 0; i < s->nexact; i++) ex[map[first + i]].post_len += s->exact[i].post_len;
  }
  ixw_open(L, &j->out, output);
  ixw_section(L, &j->out, IX_SEC_SEGMENTS, recs->p, recs->n);
  ixw_section(L, &j->out, IX_SEC_L2G, l2g->p, l2g->n);
  ixw_section(L, &j->out, IX_SEC_BYG, byg->p, byg->n);
  ixw_section(L, &j->out, IX_SEC_STRINGS, names->p, names->n);
  ixw_section(L, &j->out, IX_SEC_META, meta, meta_len);
  buf_free(recs); buf_free(l2g); buf_free(byg); buf_free(names);
  lex_write(L, &j->lx, &j->out, ex);
  ixw_finish(L, &j->out, ntokens, (uint32_t)ndocs, j->lx.ncanon, j->lx.nfold);
  lua_createtable(L, 0, 2);
  parley_setint(L, "types", (lua_Integer)j->lx.ncanon);
  parley_setint(L, "segments", (lua_Integer)n);
  return 1;
}

static const luaL_Reg segments_funcs[] = {
  {"join", segments_join},
  {NULL, NULL}
};

int luaopen_parley_seglist(lua_State *L) {
  if (luaL_newmetatable(L, JOIN_JOB)) {
    lua_pushcfunction(L, job_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, job_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  luaL_newlib(L, segments_funcs);
  return 1;
}
