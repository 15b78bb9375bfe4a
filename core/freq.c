/*
** freq.c — `index:freq(opts)`: the frequency list of a corpus or of a set
** of spans, commonest first; `index:words(spans)`: the number of words in
** a set of spans; and what the counted reports share: their options, the
** spans they scan, the lexicon's strings verified once.  Output goes
** through the one output layer (writer.c).
*/
#include <stdlib.h>
#include <string.h>

#include "lualib.h"
#include "report.h"

/* ---------------------------------------------------------------- options */

FILE *opt_file(lua_State *L, int opts) {
  FILE *f = NULL;
  lua_getfield(L, opts, "file");
  if (!lua_isnil(L, -1)) {
    luaL_Stream *s = luaL_checkudata(L, -1, LUA_FILEHANDLE);
    if (s->closef == NULL) luaL_error(L, "attempt to use a closed file");
    f = s->f;
  }
  lua_pop(L, 1);
  return f;
}

lua_Integer opt_int(lua_State *L, int opts, const char *k, lua_Integer def) {
  lua_Integer v;
  lua_getfield(L, opts, k);
  v = lua_isnil(L, -1) ? def : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return v;
}

int opt_bool(lua_State *L, int opts, const char *k, int def) {
  int v;
  lua_getfield(L, opts, k);
  v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

int opt_format(lua_State *L, int opts) {
  int f;
  lua_getfield(L, opts, "format");
  f = luaL_checkoption(L, -1, "rows", wr_format_names);
  lua_pop(L, 1);
  return f;
}

void read_count_opts(lua_State *L, int i, count_opts *o) {
  if (lua_isnoneornil(L, i)) { lua_newtable(L); lua_replace(L, i); }
  luaL_checktype(L, i, LUA_TTABLE);
  lua_settop(L, i);
  o->fold = opt_bool(L, i, "fold", 1);
  o->punct = opt_bool(L, i, "punct", 0);
  o->min = opt_int(L, i, "min", 1);
  o->limit = opt_int(L, i, "limit", -1);
  o->fmt = opt_format(L, i);
  o->file = opt_file(L, i);
}

/* The spans to scan: opts.within (hits) or the whole corpus. */
pl_hits *scan_spans(lua_State *L, pl_corpus *c, int opts, int ci) {
  pl_hits *h;
  lua_getfield(L, opts, "within");
  if (!lua_isnil(L, -1)) return check_hits(L, -1);  /* left on the stack */
  lua_pop(L, 1);
  h = push_hits(L, ci, 1);
  h->span[0] = 0;
  h->span[1] = (uint32_t)c->ix.ntokens;
  if (c->ix.ntokens == 0) h->n = 0;
  return h;
}

/*
** The strings of every folded (fold) or exact type, after verifying the
** lexicon's sections once: a userdata pushed on the stack, so that long
** reports need no checks per row.
*/
const type_str *type_strings(lua_State *L, pl_corpus *c, int fold) {
  size_t n = (size_t)(fold ? c->ix.nfold : c->ix.nexact), i;
  type_str *t = lua_newuserdatauv(L, (n + 1) * sizeof *t, 0);
  if (ix_touch(&c->ix, c->ix.lexstr, (size_t)c->ix.lexstr_size) ||
      ix_touch(&c->ix, fold ? (const void *)c->ix.fold : (const void *)c->ix.exact,
               n * (fold ? sizeof(ix_fold) : sizeof(ix_exact))))
    corpus_damaged(L, c);
  for (i = 0; i < n; i++) {
    ix_str s = fold ? c->ix.fold[i].str : c->ix.exact[i].str;
    const char *p = ix_blob(c->ix.lexstr, c->ix.lexstr_size, s);
    if (p == NULL) corpus_damaged(L, c);
    t[i].s = p;
    t[i].len = s.len;
  }
  return t;
}

static int cmp_type_str(const void *a, const void *b) {
  const type_str *x = a, *y = b;
  int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
  return r ? r : (x->len < y->len ? -1 : x->len > y->len);
}

const type_str *exact_order(lua_State *L, pl_corpus *c, const type_str *names, const uint32_t **rank) {
  size_t n = (size_t)c->ix.nexact, i;
  type_str *sorted = lua_newuserdatauv(L, (n + 1) * sizeof *sorted, 0);
  uint32_t *r = lua_newuserdatauv(L, (n + 1) * sizeof *r, 0);
  for (i = 0; i < n; i++) {
    sorted[i] = names[i];
    sorted[i].pad = (uint32_t)i;
  }
  qsort(sorted, n, sizeof *sorted, cmp_type_str);
  for (i = 0; i < n; i++) r[sorted[i].pad] = (uint32_t)i;
  *rank = r;
  return sorted;
}

/* ---------------------------------------------------------------- the frequency list */

typedef struct count_row { uint64_t count; uint32_t id; } count_row;

static int cmp_count_row(const void *a, const void *b) {
  const count_row *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/*
** Call each(id, ud) for the type of every token of spans (folded with fold),
** in order; the ids are checked against the lexicon.
*/
static void each_token(lua_State *L, pl_corpus *c, const pl_hits *spans, int fold,
                       void (*each)(lua_State *L, pl_corpus *c, uint32_t id, void *ud), void *ud) {
  const parley_flag *stop = parley_interrupt_flag(L);
  uint64_t ntypes = fold ? c->ix.nfold : c->ix.nexact;
  size_t i, steps = 0;
  for (i = 0; i < spans->n; i++) {
    uint32_t s = spans->span[2 * i], e = spans->span[2 * i + 1];
    ix_cursor cur;
    if (s >= e) continue;
    if (e > c->ix.ntokens || ix_seek(&c->ix, s, &cur)) corpus_damaged(L, c);
    for (;;) {
      uint32_t id;
      parley_check_interrupt(L, stop, ++steps);
      if (cur.id >= c->ix.nexact) corpus_damaged(L, c);
      id = fold ? c->ix.exact[cur.id].fold : cur.id;
      if (id >= ntypes) corpus_damaged(L, c);
      each(L, c, id, ud);
      if (cur.pos + 1 >= e) break;
      if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
    }
  }
}

static void count_one(lua_State *L, pl_corpus *c, uint32_t id, void *ud) {
  (void)L; (void)c;
  ((count_row *)ud)[id].count++;
}

/* Count the types of the tokens in spans into rows[id].count. */
static void count_spans(lua_State *L, pl_corpus *c, const pl_hits *spans, count_row *rows, int fold) {
  each_token(L, c, spans, fold, count_one, rows);
}

/* The string of one folded (fold) or exact type (the lexicon's block checked on first use). */
static type_str type_string(lua_State *L, pl_corpus *c, int fold, uint32_t id) {
  ix_str s = fold ? c->ix.fold[id].str : c->ix.exact[id].str;
  type_str t;
  t.s = ix_blob(c->ix.lexstr, c->ix.lexstr_size, s);
  t.len = s.len;
  if (t.s == NULL || ix_touch(&c->ix, t.s, s.len)) corpus_damaged(L, c);
  return t;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct id_list { uint32_t *v; size_t n, cap; } id_list;

static void keep_id(lua_State *L, pl_corpus *c, uint32_t id, void *ud) {
  id_list *l = ud;
  if (l->n >= l->cap) corpus_damaged(L, c);   /* more tokens than the spans hold */
  l->v[l->n++] = id;
}

/*
** Count the types of the tokens in spans (about `tokens` of them) by sorting
** their ids: work and memory in the sub-corpus's size, not the lexicon's.
** Pushes the rows (a userdata) and returns them, *n of them.
*/

static count_row *count_sparse(lua_State *L, pl_corpus *c, const pl_hits *spans, size_t tokens, int fold,
                               size_t *n) {
  id_list list;
  uint32_t *ids = lua_newuserdatauv(L, (tokens + 1) * sizeof *ids, 0);
  count_row *rows;
  size_t i, k, nr = 0;
  list.v = ids; list.n = 0; list.cap = tokens;
  each_token(L, c, spans, fold, keep_id, &list);
  k = list.n;
  qsort(ids, k, sizeof *ids, cmp_u32);
  rows = lua_newuserdatauv(L, (k + 1) * sizeof *rows, 0);
  for (i = 0; i < k; i++) {
    if (nr > 0 && rows[nr - 1].id == ids[i]) { rows[nr - 1].count++; continue; }
    rows[nr].id = ids[i];
    rows[nr++].count = 1;
  }
  lua_remove(L, -2);   /* the ids */
  *n = nr;
  return rows;
}

/*
** freq(opts) -> rows | text | true: the frequency list, commonest first
** (ties in alphabetical order).  opts: fold (true), min (1), limit, punct
** (false), within (hits), format (rows, tty, tsv, csv, json, md, html),
** file.  Rows: { word=, count=, kind= } (kind, the tokeniser's class of
** the type — "word", "number", "punct" or "symbol" — only in rows).
*/
static int report_freq(lua_State *L) {
  static const wr_colspec cols[] = {
    {"word", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
    {"count", NULL, WR_RIGHT, 0, 0, 0, 0, NULL, NULL},
    {"kind", NULL, WR_LEFT, 0, 0, 0, 1, NULL, NULL},
  };
  pl_corpus *c = to_corpus(L, 1);
  int whole;
  count_row *rows;
  size_t nrows = 0, nr, i, ntypes;
  count_opts co;
  pl_writer *w;
  const parley_flag *stop;
  read_count_opts(L, 2, &co);
  lua_getfield(L, 2, "within");
  whole = lua_isnil(L, -1);
  lua_pop(L, 1);
  ntypes = (size_t)(co.fold ? c->ix.nfold : c->ix.nexact);
  if (ix_touch(&c->ix, c->ix.exact, (size_t)c->ix.nexact * sizeof(ix_exact)) ||
      ix_touch(&c->ix, c->ix.fold, (size_t)c->ix.nfold * sizeof(ix_fold)))
    corpus_damaged(L, c);
  if (whole && co.fold) {
    /* the index keeps the folded types in frequency order already */
    const uint32_t *order = c->ix.freqorder;
    rows = lua_newuserdatauv(L, (ntypes + 1) * sizeof *rows, 0);  /* 3 */
    if (ix_touch(&c->ix, order, ntypes * sizeof *order)) corpus_damaged(L, c);
    for (i = 0; i < ntypes; i++) {
      uint32_t id = order[i];
      if (id >= ntypes) corpus_damaged(L, c);
      rows[i].id = id;
      rows[i].count = c->ix.fold[id].freq;
    }
    nr = ntypes;
  } else if (whole) {
    rows = lua_newuserdatauv(L, (ntypes + 1) * sizeof *rows, 0);  /* 3 */
    for (i = 0; i < ntypes; i++) {
      rows[i].id = (uint32_t)i;
      rows[i].count = c->ix.exact[i].freq;
    }
    nr = ntypes;
  } else {
    const pl_hits *spans = scan_spans(L, c, 2, 1);                 /* 3 */
    uint64_t tokens = 0;
    for (i = 0; i < spans->n; i++)
      if (spans->span[2 * i + 1] > spans->span[2 * i]) tokens += spans->span[2 * i + 1] - spans->span[2 * i];
    if (tokens < ntypes / 4) {
      /* a small sub-corpus (a document of an archive): its types, not the lexicon's */
      rows = count_sparse(L, c, spans, (size_t)tokens, co.fold, &nr);   /* 4 */
    } else {
      rows = lua_newuserdatauv(L, (ntypes + 1) * sizeof *rows, 0);     /* 4 */
      memset(rows, 0, (ntypes + 1) * sizeof *rows);
      count_spans(L, c, spans, rows, co.fold);
      for (i = 0; i < ntypes; i++) rows[i].id = (uint32_t)i;
      nr = ntypes;
    }
    lua_remove(L, -2);
  }
  /* keep the counted types at or above min, commonest first */
  for (i = 0; i < nr; i++) {
    uint32_t id = rows[i].id, kind = co.fold ? c->ix.fold[id].kind : c->ix.exact[id].kind;
    if (rows[i].count < (uint64_t)(co.min > 0 ? co.min : 1)) continue;
    if (!co.punct && !pl_token_is_word((int)kind)) continue;
    rows[nrows++] = rows[i];
  }
  if (!co.fold) {  /* ties in alphabetical order: sort by the exact types' places in it */
    const uint32_t *rank;
    const type_str *sorted = exact_order(L, c, type_strings(L, c, 0), &rank);
    for (i = 0; i < nrows; i++) rows[i].id = rank[rows[i].id];
    qsort(rows, nrows, sizeof *rows, cmp_count_row);
    for (i = 0; i < nrows; i++) rows[i].id = sorted[rows[i].id].pad;
    lua_pop(L, 3);
  } else if (!whole) {
    qsort(rows, nrows, sizeof *rows, cmp_count_row);
  }
  if (co.limit >= 0 && (size_t)co.limit < nrows) nrows = (size_t)co.limit;
  w = wr_push(L, co.fmt, co.file, cols, 3, NULL);                /* 4 */
  stop = parley_interrupt_flag(L);
  for (i = 0; i < nrows; i++) {
    type_str t = type_string(L, c, co.fold, rows[i].id);
    const char *kind = pl_token_kind_name(co.fold ? c->ix.fold[rows[i].id].kind : c->ix.exact[rows[i].id].kind);
    parley_check_interrupt(L, stop, i + 1);
    wr_str(L, w, t.s, t.len);
    wr_int(L, w, (lua_Integer)rows[i].count);
    wr_str(L, w, kind, strlen(kind));
    wr_end_row(L, w);
  }
  return wr_finish(L, w);
}

/*
** The word tokens in positions [s, e) (pl_token_is_word: what frequency
** lists count): whole documents by the count the index keeps, the rest
** token by token (the type table checked the first time: *steps is 0).
** *steps counts the tokens walked, for interrupts.
*/
static uint64_t words_between(lua_State *L, pl_corpus *c, uint64_t s, uint64_t e, const parley_flag *stop,
                              size_t *steps) {
  uint64_t words = 0;
  if (e > c->ix.ntokens) corpus_damaged(L, c);
  while (s < e) {
    const ix_doc *d = &c->ix.docs[ix_doc_of(&c->ix, s)];
    uint64_t dend = d->first + d->ntok, stop_at = e < dend ? e : dend;
    ix_cursor cur;
    if (dend <= s) corpus_damaged(L, c);
    if (s == d->first && e >= dend) {
      words += d->nwords;
      s = dend;
      continue;
    }
    if (*steps == 0 && ix_touch(&c->ix, c->ix.exact, (size_t)c->ix.nexact * sizeof(ix_exact)))
      corpus_damaged(L, c);
    if (ix_seek(&c->ix, (uint32_t)s, &cur)) corpus_damaged(L, c);
    for (;;) {
      parley_check_interrupt(L, stop, ++*steps);
      if (cur.id >= c->ix.nexact) corpus_damaged(L, c);
      words += pl_token_is_word((int)c->ix.exact[cur.id].kind);
      if (cur.pos + 1 >= stop_at) break;
      if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
    }
    s = stop_at;
  }
  return words;
}

/* The hit list at stack index i, checked to be of the index at stack index 1. */
static pl_hits *spans_of_index(lua_State *L, int i) {
  pl_hits *h = check_hits(L, i);
  lua_getiuservalue(L, i, 1);
  luaL_argcheck(L, lua_rawequal(L, 1, -1), i, "spans of another index");
  lua_pop(L, 1);
  return h;
}

/* The words of spans h[i0..i1) clipped to [lo, hi), each token once (spans sorted by start). */
static uint64_t words_of_spans(lua_State *L, pl_corpus *c, const pl_hits *h, size_t i0, size_t i1,
                               uint64_t lo, uint64_t hi, const parley_flag *stop, size_t *steps) {
  uint64_t done = lo, words = 0;     /* positions before done are counted */
  size_t i;
  for (i = i0; i < i1; i++) {
    uint64_t s = h->span[2 * i], e = h->span[2 * i + 1];
    if (s < done) s = done;
    if (e > hi) e = hi;
    if (s < e) words += words_between(L, c, s, e, stop, steps);
    if (e > done) done = e;
  }
  return words;
}

/*
** words(spans) -> the number of word tokens in a hit list of spans of this
** index: the tokens whose kind the tokeniser made a word or a number (what
** frequency lists count, pl_token_is_word), each token once however many
** spans cover it.
*/
static int count_words(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = spans_of_index(L, 2);
  const parley_flag *stop = parley_interrupt_flag(L);
  size_t steps = 0;
  lua_pushinteger(L, (lua_Integer)words_of_spans(L, c, h, 0, h->n, 0, c->ix.ntokens, stop, &steps));
  return 1;
}

/*
** words_by(regions, codes [, within]) -> words, docs: the word tokens of
** each region (as words counts them) summed over the regions of each code (codes: a
** whole number per region, as Index:column gives), and the number of
** regions of each code (with within, of those that share a token with
** it); both lists indexed by code, from 0 (regions without a value).
*/
static int count_words_by(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *g = spans_of_index(L, 2), *w = lua_isnoneornil(L, 4) ? NULL : spans_of_index(L, 4);
  uint32_t max, *codes = hits_read_codes(L, 3, g->n, &max);
  uint64_t *words = lua_newuserdatauv(L, 2 * ((size_t)max + 1) * sizeof *words, 0), *docs = words + max + 1;
  const parley_flag *stop = parley_interrupt_flag(L);
  size_t k, i = 0, steps = 0;
  memset(words, 0, 2 * ((size_t)max + 1) * sizeof *words);
  for (k = 0; k < g->n; k++) {
    uint64_t s = g->span[2 * k], e = g->span[2 * k + 1];
    if (w == NULL) {
      words[codes[k]] += words_between(L, c, s, e, stop, &steps);
      docs[codes[k]]++;
    } else {
      size_t j;
      int shares = 0;
      while (i < w->n && w->span[2 * i + 1] <= s) i++;
      for (j = i; j < w->n && w->span[2 * j] < e; j++) shares = shares || w->span[2 * j + 1] > s;
      words[codes[k]] += words_of_spans(L, c, w, i, j, s, e, stop, &steps);
      docs[codes[k]] += shares;
    }
  }
  hits_push_tally(L, words, max);
  hits_push_tally(L, docs, max);
  return 2;
}

static const luaL_Reg freq_methods[] = {
  {"freq",  report_freq},
  {"words", count_words},
  {"words_by", count_words_by},
  {NULL, NULL}
};

void freq_open(lua_State *L) {
  luaL_setfuncs(L, freq_methods, 0);
}
