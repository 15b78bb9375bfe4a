/*
** lexicon.c — the index writer's lexicon: every distinct exact form of a
** token gets an id, in order of first appearance in the corpus (build.h:
** provisional ids, then index ids in source order).  Worker threads intern
** forms through a cache of their own, so the shared table (and its lock) is
** touched once per form per thread, not once per token.  At the end the
** distinct forms (never every token) are folded, grouped by folded form,
** the folded forms sorted, and the lexicon sections written.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

/* ---------------------------------------------------------------- arena */

/* The forms live in chunks of 1 MiB (or one form, if it is longer). */
struct lex_chunk { struct lex_chunk *next; size_t used, cap; char data[]; };

static const char *arena_dup(lex_chunk **head, const char *s, size_t len) {
  lex_chunk *c = *head;
  if (c == NULL || c->cap - c->used < len + 1) {
    size_t cap = len + 1 > (1u << 20) ? len + 1 : (1u << 20);
    c = malloc(sizeof *c + cap);
    if (c == NULL) return NULL;
    c->used = 0;
    c->cap = cap;
    c->next = *head;
    *head = c;
  }
  char *p = c->data + c->used;
  memcpy(p, s, len);
  p[len] = '\0';
  c->used += len + 1;
  return p;
}

static void arena_free(lex_chunk **head) {
  while (*head) { lex_chunk *n = (*head)->next; free(*head); *head = n; }
}

/* ---------------------------------------------------------------- string table */

/* The slot holding s, or the empty slot where it belongs. */
static inline lex_slot *table_find(const lex_table *t, const char *s, uint32_t len, uint64_t h,
                                   uint64_t pre) {
  size_t mask = t->cap - 1, i = (size_t)h & mask;
  for (;;) {
    lex_slot *e = &t->v[i];
    if (e->hash == 0) return e;
    if (e->hash == h && e->len == len && e->pre == pre &&
        (len <= 8 || memcmp(e->s + 8, s + 8, len - 8) == 0))
      return e;
    i = (i + 1) & mask;
  }
}

static int table_grow(lex_table *t) {
  size_t cap = t->cap ? t->cap * 2 : 1024, i;
  lex_slot *old = t->v, *nv = calloc(cap, sizeof *nv);
  if (nv == NULL) return -1;
  lex_table nt = { nv, cap, t->n };
  for (i = 0; i < t->cap; i++)
    if (old[i].hash) *table_find(&nt, old[i].s, old[i].len, old[i].hash, old[i].pre) = old[i];
  free(old);
  *t = nt;
  return 0;
}

/* Make room for one more entry (load factor 1/2). */
static int table_room(lex_table *t) {
  return (t->n + 1) * 2 > t->cap ? table_grow(t) : 0;
}

/* ---------------------------------------------------------------- interning */

void lex_init(lua_State *L, lexicon *lx) {
  if (pthread_mutex_init(&lx->mu, NULL) != 0) luaL_error(L, "cannot create a mutex");
  lx->mu_init = 1;
  if (table_grow(&lx->forms) != 0) luaL_error(L, "not enough memory");
}

/* Intern an exact form: the caller holds no lock; returns UINT32_MAX on OOM. */
static uint32_t intern(lexicon *lx, lex_table *cache, const char *s, uint32_t len, uint8_t kind,
                       uint64_t h, const char **kept) {
  uint64_t pre = lex_prefix8(s, len);
  lex_slot *e;
  uint32_t id;
  if (cache->cap == 0 && table_grow(cache) != 0) return UINT32_MAX;
  e = table_find(cache, s, len, h, pre);
  if (e->hash) { *kept = e->s; return e->id; }
  pthread_mutex_lock(&lx->mu);
  lex_slot *g = table_find(&lx->forms, s, len, h, pre);
  const char *str;
  if (g->hash) {
    id = g->id;
    str = g->s;
  } else {
    const char *copy;
    if (lx->n >= UINT32_MAX - 1 || table_room(&lx->forms) != 0) goto oom;
    g = table_find(&lx->forms, s, len, h, pre);
    if (lx->n == lx->cap) {
      size_t cap = lx->cap ? lx->cap * 2 : 4096;
      const char **ns = realloc(lx->str, cap * sizeof *ns);
      if (ns) lx->str = ns;
      uint32_t *nl = realloc(lx->len, cap * sizeof *nl);
      if (nl) lx->len = nl;
      uint8_t *nk = realloc(lx->kind, cap);
      if (nk) lx->kind = nk;
      if (!ns || !nl || !nk) goto oom;
      lx->cap = cap;
    }
    copy = arena_dup(&lx->strings, s, len);
    if (copy == NULL) goto oom;
    id = (uint32_t)lx->n++;
    lx->str[id] = copy;
    lx->len[id] = len;
    lx->kind[id] = kind;
    g->hash = h; g->pre = pre; g->s = copy; g->len = len; g->id = id;
    lx->forms.n++;
    str = copy;
  }
  pthread_mutex_unlock(&lx->mu);
  if (table_room(cache) != 0) return UINT32_MAX;
  e = table_find(cache, s, len, h, pre);
  e->hash = h; e->pre = pre; e->s = str; e->len = len; e->id = id;
  cache->n++;
  *kept = str;
  return id;
oom:
  pthread_mutex_unlock(&lx->mu);
  return UINT32_MAX;
}

/*
** In front of a thread's cache, a small direct-mapped table of the forms it
** met last (LEX_HOT slots of 32 bytes: 128 KiB, which stays in the core's
** own cache).  Words are Zipf-distributed, so most tokens are found there
** without touching the cache, whose size grows with the vocabulary and
** whose look-ups miss the processor's caches.
*/
#define LEX_HOT 4096u

int lex_intern(lexicon *lx, unsigned thread, const char *text, const pl_token *toks, size_t n,
               uint32_t *ids) {
  lex_table *cache = &lx->caches[thread];
  lex_slot *hot = lx->hot[thread];
  size_t k;
  if (hot == NULL && (hot = lx->hot[thread] = calloc(LEX_HOT, sizeof *hot)) == NULL) return -1;
  /* hash a few tokens ahead and prefetch their slots: the look-ups are bound by memory latency */
  enum { AHEAD = 8 };
  uint64_t hs[AHEAD];
  for (k = 0; k < n && k < AHEAD; k++) hs[k] = lex_hash(text + toks[k].start, toks[k].len);
  for (k = 0; k < n; k++) {
    const pl_token *t = &toks[k];
    uint64_t h = hs[k % AHEAD];
    uint32_t id;
    if (k + AHEAD < n) {
      const pl_token *a = &toks[k + AHEAD];
      uint64_t ha = lex_hash(text + a->start, a->len);
      hs[k % AHEAD] = ha;
      if (cache->cap) __builtin_prefetch(&cache->v[ha & (cache->cap - 1)]);
    }
    {
      const char *s = text + t->start;
      uint64_t pre = lex_prefix8(s, t->len);
      lex_slot *hot_slot = &hot[h & (LEX_HOT - 1)];
      if (hot_slot->hash == h && hot_slot->len == t->len && hot_slot->pre == pre &&
          (t->len <= 8 || memcmp(hot_slot->s + 8, s + 8, t->len - 8) == 0)) {
        ids[k] = hot_slot->id;
        continue;
      }
      const char *kept;
      id = intern(lx, cache, s, t->len, t->kind, h, &kept);
      if (id == UINT32_MAX) return -1;
      hot_slot->hash = h; hot_slot->pre = pre; hot_slot->len = t->len; hot_slot->id = id; hot_slot->s = kept;
      ids[k] = id;
    }
  }
  return 0;
}

const char *lex_sync(lexicon *lx, size_t *nexact) {
  size_t n;
  pthread_mutex_lock(&lx->mu);
  n = lx->n;
  if (lx->len_main_cap < n) {  /* a stable copy of the lengths: workers may grow the lexicon */
    uint32_t *l = realloc(lx->len_main, n * sizeof *l);
    if (l) {
      memcpy(l + lx->len_main_cap, lx->len + lx->len_main_cap, (n - lx->len_main_cap) * sizeof *l);
      lx->len_main = l;
      lx->len_main_cap = n;
    }
  }
  pthread_mutex_unlock(&lx->mu);
  if (lx->len_main_cap < n) return "not enough memory";
  if (lx->freq_cap < n) {
    uint64_t *f = realloc(lx->freq, n * sizeof *f);
    if (f == NULL) return "not enough memory";
    memset(f + lx->freq_cap, 0, (n - lx->freq_cap) * sizeof *f);
    lx->freq = f;
    lx->freq_cap = n;
  }
  if (lx->canon_cap < n) {
    uint32_t *c = realloc(lx->canon, n * sizeof *c);
    if (c) lx->canon = c;
    uint32_t *po = realloc(lx->prov_of, n * sizeof *po);
    if (po) lx->prov_of = po;
    if (!c || !po) return "not enough memory";
    memset(c + lx->canon_cap, 0xff, (n - lx->canon_cap) * sizeof *c);   /* UINT32_MAX: none yet */
    lx->canon_cap = n;
  }
  *nexact = n;
  return NULL;
}

/* ---------------------------------------------------------------- writing */

typedef struct fold_key { const char *s; uint32_t len, tid; } fold_key;

static int cmp_fold_key(const void *a, const void *b) {
  const fold_key *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

typedef struct freq_key { uint64_t freq; uint32_t id; } freq_key;

static int cmp_freq_key(const void *a, const void *b) {
  const freq_key *x = a, *y = b;
  if (x->freq != y->freq) return x->freq > y->freq ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static ix_str add_lexstr(lua_State *L, buf *lexstr, const char *s, size_t len) {
  ix_str r;
  if (lexstr->n + len > UINT32_MAX) luaL_error(L, "lexicon too large");
  r.off = (uint32_t)lexstr->n;
  r.len = (uint32_t)len;
  if (buf_add(lexstr, s, len)) luaL_error(L, "not enough memory");
  return r;
}

/*
** Fold every distinct exact type (not every token), group the exact types
** by folded form, sort the folded forms, and write the lexicon sections.
** Temporary arrays are Lua userdata, so an error frees them.
*/
void lex_write(lua_State *L, lexicon *lx, ixwriter *w, ix_exact *ex) {
  size_t n = lx->ncanon, nf = 0, i, cap = 16;
  int strs, top = lua_gettop(L);
  buf *lexstr = &lx->lexstr;
  uint32_t *tid_of, *new_id, *fill, *lens;
  fold_key *keys;
  ix_fold *folds;
  freq_key *fk;
  lex_slot *tab;
  const parley_flag *stop = parley_interrupt_flag(L);
  while (cap < 2 * n + 2) cap *= 2;
  lua_newtable(L);
  strs = lua_gettop(L);
  tab = lua_newuserdatauv(L, cap * sizeof *tab, 0);
  memset(tab, 0, cap * sizeof *tab);
  tid_of = lua_newuserdatauv(L, (n + 1) * sizeof *tid_of, 0);
  keys = lua_newuserdatauv(L, (n + 1) * sizeof *keys, 0);
  lens = lua_newuserdatauv(L, (n + 1) * sizeof *lens, 0);
  for (i = 0; i < n; i++) {
    luaL_Buffer b;
    size_t flen;
    const char *f;
    uint64_t h;
    lex_table t = { tab, cap, nf };
    lex_slot *e;
    uint32_t p = lx->prov_of[i];
    parley_check_interrupt(L, stop, i);
    lens[i] = lx->len[p];
    if (lx->fold_str) {           /* folded already (the segments' own) */
      f = lx->fold_str[p];
      flen = lx->fold_len[p];
    } else {
      luaL_buffinit(L, &b);
      if (parley_fold(&b, lx->str[p], lx->len[p]) != 0) {
        luaL_pushresult(&b);
        lua_pop(L, 1);
        lua_pushlstring(L, lx->str[p], lx->len[p]);
      } else {
        luaL_pushresult(&b);
      }
      f = lua_tolstring(L, -1, &flen);
    }
    h = lex_hash(f, flen);
    e = table_find(&t, f, (uint32_t)flen, h, lex_prefix8(f, flen));
    if (e->hash == 0) {
      if (!lx->fold_str) lua_rawseti(L, strs, (lua_Integer)nf + 1);  /* anchor the folded string */
      e->hash = h; e->pre = lex_prefix8(f, flen); e->s = f; e->len = (uint32_t)flen; e->id = (uint32_t)nf;
      keys[nf].s = f; keys[nf].len = (uint32_t)flen; keys[nf].tid = (uint32_t)nf;
      nf++;
    } else if (!lx->fold_str) {
      lua_pop(L, 1);
    }
    tid_of[i] = e->id;
  }
  qsort(keys, nf, sizeof *keys, cmp_fold_key);
  new_id = lua_newuserdatauv(L, (nf + 1) * sizeof *new_id, 0);
  folds = lua_newuserdatauv(L, (nf + 1) * sizeof *folds, 0);
  fill = lua_newuserdatauv(L, (nf + 1) * sizeof *fill, 0);
  memset(folds, 0, (nf + 1) * sizeof *folds);
  for (i = 0; i < nf; i++) new_id[keys[i].tid] = (uint32_t)i;
  /* exact strings first, then folded strings, in one blob */
  for (i = 0; i < n; i++) {
    uint32_t f = new_id[tid_of[i]], p = lx->prov_of[i];
    ex[i].str = add_lexstr(L, lexstr, lx->str[p], lx->len[p]);
    ex[i].fold = f;
    ex[i].kind = lx->kind[p];
    ex[i].freq = lx->freq[i];
    folds[f].freq += ex[i].freq;
    folds[f].nmap++;
    if (folds[f].kind == 0 || ex[i].kind == PL_TOK_WORD) folds[f].kind = ex[i].kind;
  }
  {
    uint32_t sum = 0;
    for (i = 0; i < nf; i++) {
      folds[i].str = add_lexstr(L, lexstr, keys[i].s, keys[i].len);
      folds[i].map = sum;
      fill[i] = sum;
      sum += folds[i].nmap;
    }
  }
  ixw_section(L, w, IX_SEC_EXACT, ex, n * sizeof *ex);
  ixw_section(L, w, IX_SEC_LENS, lens, n * sizeof *lens);
  ixw_section(L, w, IX_SEC_FOLD, folds, nf * sizeof *folds);
  ixw_section(L, w, IX_SEC_LEXSTR, lexstr->p, lexstr->n);
  {
    uint32_t *map = lua_newuserdatauv(L, (n + 1) * sizeof *map, 0);
    for (i = 0; i < n; i++) map[fill[ex[i].fold]++] = (uint32_t)i;
    ixw_section(L, w, IX_SEC_FOLDMAP, map, n * sizeof *map);
    lua_pop(L, 1);
  }
  fk = lua_newuserdatauv(L, (nf + 1) * sizeof *fk, 0);
  for (i = 0; i < nf; i++) { fk[i].freq = folds[i].freq; fk[i].id = (uint32_t)i; }
  qsort(fk, nf, sizeof *fk, cmp_freq_key);
  for (i = 0; i < nf; i++) fill[i] = fk[i].id;
  ixw_section(L, w, IX_SEC_FREQ, fill, nf * sizeof *fill);
  lx->nfold = nf;
  buf_free(lexstr);
  lua_settop(L, top);
}

void lex_free(lexicon *lx) {
  size_t i;
  for (i = 0; i < MAX_THREADS; i++) {
    free(lx->caches[i].v); lx->caches[i].v = NULL;
    free(lx->hot[i]); lx->hot[i] = NULL;
  }
  if (lx->mu_init) { pthread_mutex_destroy(&lx->mu); lx->mu_init = 0; }
  free(lx->forms.v); lx->forms.v = NULL;
  arena_free(&lx->strings);
  free(lx->str); free(lx->len); free(lx->kind); free(lx->len_main); free(lx->freq);
  free(lx->canon); free(lx->prov_of);
  lx->str = NULL; lx->len = NULL; lx->kind = NULL; lx->len_main = NULL; lx->freq = NULL;
  lx->canon = NULL; lx->prov_of = NULL;
  buf_free(&lx->lexstr);
}
