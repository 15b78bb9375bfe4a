/*
** report.c — the reports of parley.Index that run over many tokens and so
** must be C: concordances (KWIC) with sorting and output in tty, TSV, CSV
** and JSON; frequency lists; n-gram lists.  Every result is built in
** Lua-owned memory (userdata, luaL_Buffer), so an error leaks nothing.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lualib.h"
#include "index.h"
#include "report.h"

static const char *const format_names[] = {"rows", "tty", "tsv", "csv", "json", NULL};

/* ---------------------------------------------------------------- output */

void out_init(lua_State *L, out *o, FILE *f) {
  o->L = L;
  o->f = f;
  luaL_buffinit(L, &o->b);
}

void out_flush(out *o, int final) {
  if (o->f == NULL) {
    if (final) luaL_pushresult(&o->b);
    return;
  }
  luaL_pushresult(&o->b);
  {
    size_t len;
    const char *s = lua_tolstring(o->L, -1, &len);
    if (len && fwrite(s, 1, len, o->f) != len) luaL_error(o->L, "cannot write output");
  }
  lua_pop(o->L, 1);
  if (final) lua_pushboolean(o->L, 1);
  else luaL_buffinit(o->L, &o->b);
}

void out_row_done(out *o) {
  if (o->f && luaL_bufflen(&o->b) > 1 << 16) out_flush(o, 0);
}

static void out_s(out *o, const char *s, size_t n) { luaL_addlstring(&o->b, s, n); }
static void out_z(out *o, const char *s) { luaL_addstring(&o->b, s); }

static void out_u(out *o, uint64_t v) {
  char tmp[24];
  size_t n = sizeof tmp;
  do { tmp[--n] = (char)('0' + v % 10); v /= 10; } while (v);
  out_s(o, tmp + n, sizeof tmp - n);
}

/* A field of format fmt: JSON and CSV strings are escaped and quoted. */
void out_field(out *o, int fmt, const char *s, size_t n) {
  size_t i;
  if (fmt == FMT_JSON) {
    luaL_addchar(&o->b, '"');
    for (i = 0; i < n; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c == '"' || c == '\\') { luaL_addchar(&o->b, '\\'); luaL_addchar(&o->b, (char)c); }
      else if (c < 0x20) {
        char tmp[8];
        snprintf(tmp, sizeof tmp, "\\u%04x", c);
        out_z(o, tmp);
      } else luaL_addchar(&o->b, (char)c);
    }
    luaL_addchar(&o->b, '"');
  } else if (fmt == FMT_CSV && (memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n))) {
    luaL_addchar(&o->b, '"');
    for (i = 0; i < n; i++) {
      if (s[i] == '"') luaL_addchar(&o->b, '"');
      luaL_addchar(&o->b, s[i]);
    }
    luaL_addchar(&o->b, '"');
  } else {
    out_s(o, s, n);
  }
}

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
  f = luaL_checkoption(L, -1, "rows", format_names);
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

/* ---------------------------------------------------------------- KWIC */

/* Copy s[0..n) with every run of white space turned into one space. */
static size_t squeeze(const char *s, size_t n, char *dst) {
  size_t i, k = 0;
  int sp = 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      if (!sp) dst[k++] = ' ';
      sp = 1;
    } else {
      dst[k++] = (char)c;
      sp = 0;
    }
  }
  return k;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

/* Start of the left context: w characters (a run of white space counts once) before at. */
static size_t left_edge(const char *t, size_t at, size_t w) {
  size_t i = at, chars = 0;
  while (i > 0 && is_space((unsigned char)t[i - 1])) i--;  /* the space before the hit is free */
  while (i > 0 && chars < w) {
    i--;
    if (is_space((unsigned char)t[i])) {
      while (i > 0 && is_space((unsigned char)t[i - 1])) i--;
      chars++;
    } else if (((unsigned char)t[i] & 0xC0) != 0x80) {
      chars++;
    }
  }
  return i;
}

/* End of the right context: w characters after at. */
static size_t right_edge(const char *t, size_t len, size_t at, size_t w) {
  size_t i = at, chars = 0;
  while (i < len && is_space((unsigned char)t[i])) i++;
  while (i < len && chars < w) {
    if (is_space((unsigned char)t[i])) {
      while (i < len && is_space((unsigned char)t[i])) i++;
      chars++;
      continue;
    }
    i++;
    while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80) i++;
    chars++;
  }
  return i;
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t i, c = 0;
  for (i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

#define SORT_KEYS 3
typedef struct kw_key { uint32_t k[SORT_KEYS]; uint32_t idx; } kw_key;

static int cmp_key(const void *a, const void *b) {
  const kw_key *x = a, *y = b;
  int i;
  for (i = 0; i < SORT_KEYS; i++)
    if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Folded type of exact type e, +1 (0 means "no token"). */
static uint32_t fold_key(lua_State *L, pl_corpus *c, uint32_t e) {
  if (ix_touch(&c->ix, &c->ix.exact[e], sizeof(ix_exact))) corpus_damaged(L, c);
  return c->ix.exact[e].fold + 1;
}

/*
** The order in which to show hits: by document (as found), or by the words
** to the left (nearest first) or right of the match, alphabetically by
** folded form (folded ids are in alphabetical order).
*/
static uint32_t *sort_hits(lua_State *L, pl_corpus *c, pl_hits *h, const char *how) {
  uint32_t *order = lua_newuserdatauv(L, (h->n + 1) * sizeof *order, 0);
  size_t i;
  int j;
  if (strcmp(how, "doc") == 0 || h->n < 2) {
    for (i = 0; i < h->n; i++) order[i] = (uint32_t)i;
    return order;
  }
  if (strcmp(how, "left") != 0 && strcmp(how, "right") != 0 && strcmp(how, "match") != 0)
    luaL_error(L, "bad option 'sort' (\"doc\", \"left\", \"right\" or \"match\" expected, got \"%s\")", how);
  {
    kw_key *keys = lua_newuserdatauv(L, (h->n + 1) * sizeof *keys, 0);
    for (i = 0; i < h->n; i++) {
      uint32_t s = h->span[2 * i], e = h->span[2 * i + 1], d = ix_doc_of(&c->ix, s);
      uint64_t dfirst = c->ix.docs[d].first, dend = dfirst + c->ix.docs[d].ntok;
      ix_cursor cur;
      memset(&keys[i], 0, sizeof keys[i]);
      keys[i].idx = (uint32_t)i;
      if (how[0] == 'l') {
        for (j = 0; j < SORT_KEYS; j++) {
          if (s < (uint64_t)j + 1 || s - (uint64_t)j - 1 < dfirst) break;
          if (ix_seek(&c->ix, s - (uint64_t)j - 1, &cur)) corpus_damaged(L, c);
          keys[i].k[j] = fold_key(L, c, cur.id);
        }
      } else {
        uint64_t p = how[0] == 'r' ? e : s;
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
  }
  return order;
}

/*
** kwic(hits, opts) -> rows | string | true
** opts: width (characters each side, 40), sort ("doc"|"left"|"right"|"match"),
** limit, format ("rows"|"tty"|"tsv"|"csv"|"json"), file (write there).
** rows: { doc=, docno=, pos=, line=, col=, left=, match=, right=, start=, stop= }.
*/
static int report_kwic(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = check_hits(L, 2);
  lua_Integer width, limit;
  int fmt, opts = 3;
  const char *how;
  uint32_t *order;
  FILE *f;
  size_t i, n;
  char *tmp;
  size_t tmpcap = 0;
  int have_cur = 0, in_order;
  ix_cursor cur;
  out o;
  if (lua_isnoneornil(L, 3)) { lua_newtable(L); lua_replace(L, 3); }
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  width = opt_int(L, opts, "width", 40);
  luaL_argcheck(L, width > 0 && width <= 100000, 3, "width must be positive");
  limit = opt_int(L, opts, "limit", (lua_Integer)h->n);
  luaL_argcheck(L, limit >= 0, 3, "limit must not be negative");
  fmt = opt_format(L, opts);
  f = opt_file(L, opts);
  lua_getfield(L, opts, "sort");
  how = luaL_optstring(L, -1, "doc");
  lua_pop(L, 1);
  n = (size_t)limit < h->n ? (size_t)limit : h->n;
  order = sort_hits(L, c, h, how);  /* stays on the stack (index 4) */
  in_order = strcmp(how, "doc") == 0;
  lua_pushnil(L);                    /* index 5: scratch for squeezed text */
  if (fmt == FMT_ROWS) lua_createtable(L, (int)n, 0);
  else {
    out_init(L, &o, f);
    if (fmt == FMT_TSV) out_z(&o, "doc\tline\tcol\tleft\tmatch\tright\n");
    else if (fmt == FMT_CSV) out_z(&o, "doc,line,col,left,match,right\n");
    else if (fmt == FMT_JSON) luaL_addchar(&o.b, '[');
  }
  tmp = NULL;
  for (i = 0; i < n; i++) {
    uint32_t k = order[i], s = h->span[2 * k], e = h->span[2 * k + 1], line, col;
    uint32_t d, bs, be;
    size_t tlen, le, re, ln, mn, rn, need;
    const char *text;
    ix_str idref;
    const char *id;
    /* hits in corpus order: walk on from the previous hit when it is near */
    if (!have_cur || s < cur.pos || s - cur.pos > IX_SKIP / 2 + (s % IX_SKIP)) {
      if (ix_seek(&c->ix, s, &cur)) corpus_damaged(L, c);
      have_cur = 1;
    } else {
      while (cur.pos < s)
        if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
    }
    d = cur.doc;
    bs = cur.start;
    be = cur.start + cur.len;
    while (cur.pos + 1 < e) {
      if (ix_next(&c->ix, &cur) || cur.doc != d) corpus_damaged(L, c);
      be = cur.start + cur.len;
    }
    if (e == s) be = bs;
    text = in_order ? corpus_text_once(L, c, 1, d, &tlen) : corpus_text(L, c, d, &tlen);
    if (be > tlen || bs > be) corpus_damaged(L, c);
    le = left_edge(text, bs, (size_t)width);
    re = right_edge(text, tlen, be, (size_t)width);
    need = re - le + 3;
    if (need > tmpcap) {  /* scratch for squeezed text, Lua-owned */
      tmpcap = need * 2;
      tmp = lua_newuserdatauv(L, tmpcap, 0);
      lua_replace(L, 5);
    }
    ln = squeeze(text + le, bs - le, tmp);
    while (ln > 0 && tmp[ln - 1] == ' ') ln--;
    if (ln > 0 && tmp[0] == ' ') { memmove(tmp, tmp + 1, ln - 1); ln--; }
    mn = squeeze(text + bs, be - bs, tmp + ln);
    rn = squeeze(text + be, re - be, tmp + ln + mn);
    {
      size_t skip = 0;
      while (skip < rn && tmp[ln + mn + skip] == ' ') skip++;
      memmove(tmp + ln + mn, tmp + ln + mn + skip, rn - skip);
      rn -= skip;
      while (rn > 0 && tmp[ln + mn + rn - 1] == ' ') rn--;
    }
    ix_line_col(&c->ix, d, text, bs, &line, &col);
    idref = c->ix.docs[d].id;
    id = ix_blob(c->ix.strings, c->ix.strings_size, idref);
    if (id == NULL) corpus_damaged(L, c);
    if (fmt == FMT_ROWS) {
      lua_createtable(L, 0, 10);
      lua_pushlstring(L, id, idref.len);
      lua_setfield(L, -2, "doc");
      parley_setint(L, "docno", (lua_Integer)d + 1);
      parley_setint(L, "pos", s);
      parley_setint(L, "len", e - s);
      parley_setint(L, "line", line);
      parley_setint(L, "col", col);
      parley_setint(L, "start", (lua_Integer)bs + 1);
      parley_setint(L, "stop", (lua_Integer)be);
      lua_pushlstring(L, tmp, ln);
      lua_setfield(L, -2, "left");
      lua_pushlstring(L, tmp + ln, mn);
      lua_setfield(L, -2, "match");
      lua_pushlstring(L, tmp + ln + mn, rn);
      lua_setfield(L, -2, "right");
      lua_rawseti(L, -2, (lua_Integer)i + 1);
      continue;
    }
    if (fmt == FMT_JSON) {
      out_z(&o, i ? ",\n{\"doc\":" : "\n{\"doc\":");
      out_field(&o, fmt, id, idref.len);
      out_z(&o, ",\"line\":"); out_u(&o, line);
      out_z(&o, ",\"col\":"); out_u(&o, col);
      out_z(&o, ",\"pos\":"); out_u(&o, s);
      out_z(&o, ",\"left\":"); out_field(&o, fmt, tmp, ln);
      out_z(&o, ",\"match\":"); out_field(&o, fmt, tmp + ln, mn);
      out_z(&o, ",\"right\":"); out_field(&o, fmt, tmp + ln + mn, rn);
      luaL_addchar(&o.b, '}');
    } else if (fmt == FMT_TTY) {
      size_t pad = utf8_chars(tmp, ln), p;
      out_s(&o, id, idref.len);
      luaL_addchar(&o.b, ':');
      out_u(&o, line);
      luaL_addchar(&o.b, '\t');
      for (p = pad; p < (size_t)width; p++) luaL_addchar(&o.b, ' ');
      out_s(&o, tmp, ln);
      out_z(&o, "  [");
      out_s(&o, tmp + ln, mn);
      out_z(&o, "]  ");
      out_s(&o, tmp + ln + mn, rn);
      luaL_addchar(&o.b, '\n');
    } else {
      char sep = fmt == FMT_CSV ? ',' : '\t';
      out_field(&o, fmt, id, idref.len);
      luaL_addchar(&o.b, sep); out_u(&o, line);
      luaL_addchar(&o.b, sep); out_u(&o, col);
      luaL_addchar(&o.b, sep); out_field(&o, fmt, tmp, ln);
      luaL_addchar(&o.b, sep); out_field(&o, fmt, tmp + ln, mn);
      luaL_addchar(&o.b, sep); out_field(&o, fmt, tmp + ln + mn, rn);
      luaL_addchar(&o.b, '\n');
    }
    out_row_done(&o);
  }
  if (fmt == FMT_ROWS) return 1;
  if (fmt == FMT_JSON) out_z(&o, n ? "\n]\n" : "]\n");
  out_flush(&o, 1);
  return 1;
}

/* ---------------------------------------------------------------- scanning */

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

typedef struct count_row { uint64_t count; uint32_t id; } count_row;

static int cmp_count_row(const void *a, const void *b) {
  const count_row *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

void out_header(out *o, int fmt, const char *a, const char *b) {
  if (fmt == FMT_TSV) { out_z(o, a); luaL_addchar(&o->b, '\t'); out_z(o, b); luaL_addchar(&o->b, '\n'); }
  else if (fmt == FMT_CSV) { out_z(o, a); luaL_addchar(&o->b, ','); out_z(o, b); luaL_addchar(&o->b, '\n'); }
  else if (fmt == FMT_JSON) luaL_addchar(&o->b, '[');
}

/* One row of a (word, count) table in format fmt; rows go into the table at stack index t. */
void emit_row(lua_State *L, out *o, int fmt, int t, size_t i, const char *w, size_t wn,
                     uint64_t count, const char *wkey) {
  if (fmt == FMT_ROWS) {
    lua_createtable(L, 0, 2);
    lua_pushlstring(L, w, wn);
    lua_setfield(L, -2, wkey);
    parley_setint(L, "count", (lua_Integer)count);
    lua_rawseti(L, t, (lua_Integer)i + 1);
    return;
  }
  if (fmt == FMT_JSON) {
    out_z(o, i ? ",\n{\"" : "\n{\"");
    out_z(o, wkey);
    out_z(o, "\":");
    out_field(o, fmt, w, wn);
    out_z(o, ",\"count\":");
    out_u(o, count);
    luaL_addchar(&o->b, '}');
  } else if (fmt == FMT_TTY) {
    size_t p, chars = utf8_chars(w, wn);
    out_s(o, w, wn);
    for (p = chars; p < 24; p++) luaL_addchar(&o->b, ' ');
    luaL_addchar(&o->b, ' ');
    out_u(o, count);
    luaL_addchar(&o->b, '\n');
  } else {
    out_field(o, fmt, w, wn);
    luaL_addchar(&o->b, fmt == FMT_CSV ? ',' : '\t');
    out_u(o, count);
    luaL_addchar(&o->b, '\n');
  }
  out_row_done(o);
}

int finish_table(out *o, int fmt, size_t n) {
  if (fmt == FMT_ROWS) return 1;
  if (fmt == FMT_JSON) out_z(o, n ? "\n]\n" : "]\n");
  out_flush(o, 1);
  return 1;
}

/*
** freq(opts) -> rows | string | true: the frequency list, commonest first.
** opts: fold (true), min (1), limit, punct (false), within (hits), format, file.
** rows: { word=, count= }.
*/
static int report_freq(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  int fold, punct, fmt, whole, t = 0;
  lua_Integer min, limit;
  FILE *f;
  count_row *rows;
  size_t nrows = 0, i, ntypes;
  pl_hits *spans;
  const type_str *names;
  count_opts co;
  out o;
  read_count_opts(L, 2, &co);
  fold = co.fold; punct = co.punct; min = co.min; limit = co.limit; fmt = co.fmt; f = co.file;
  lua_getfield(L, 2, "within");
  whole = lua_isnil(L, -1);
  lua_pop(L, 1);
  ntypes = (size_t)(fold ? c->ix.nfold : c->ix.nexact);
  rows = lua_newuserdatauv(L, (ntypes + 1) * sizeof *rows, 0);  /* index 3 */
  names = type_strings(L, c, fold);                              /* index 4 */
  if (whole && fold) {
    /* the index keeps the folded types in frequency order already */
    const uint32_t *order = c->ix.freqorder;
    if (ix_touch(&c->ix, order, ntypes * sizeof *order) ||
        ix_touch(&c->ix, c->ix.fold, ntypes * sizeof(ix_fold)))
      corpus_damaged(L, c);
    for (i = 0; i < ntypes; i++) {
      uint32_t id = order[i];
      if (id >= ntypes) corpus_damaged(L, c);
      rows[i].id = id;
      rows[i].count = c->ix.fold[id].freq;
    }
  } else if (whole) {
    for (i = 0; i < ntypes; i++) {
      rows[i].id = (uint32_t)i;
      if (fold) {
        if (ix_touch(&c->ix, &c->ix.fold[i], sizeof(ix_fold))) corpus_damaged(L, c);
        rows[i].count = c->ix.fold[i].freq;
      } else {
        if (ix_touch(&c->ix, &c->ix.exact[i], sizeof(ix_exact))) corpus_damaged(L, c);
        rows[i].count = c->ix.exact[i].freq;
      }
    }
  } else {
    memset(rows, 0, (ntypes + 1) * sizeof *rows);
    spans = scan_spans(L, c, 2, 1);
    for (i = 0; i < spans->n; i++) {
      uint32_t s = spans->span[2 * i], e = spans->span[2 * i + 1];
      ix_cursor cur;
      if (s >= e) continue;
      if (e > c->ix.ntokens || ix_seek(&c->ix, s, &cur)) corpus_damaged(L, c);
      for (;;) {
        uint32_t id = fold ? c->ix.exact[cur.id].fold : cur.id;
        if (id >= ntypes) corpus_damaged(L, c);
        rows[id].count++;
        if (cur.pos + 1 >= e) break;
        if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
      }
    }
    lua_pop(L, 1);
    for (i = 0; i < ntypes; i++) rows[i].id = (uint32_t)i;
  }
  /* keep the counted types at or above min, commonest first */
  for (i = 0; i < ntypes; i++) {
    uint32_t id = rows[i].id, kind = fold ? c->ix.fold[id].kind : c->ix.exact[id].kind;
    if (rows[i].count < (uint64_t)(min > 0 ? min : 1)) continue;
    if (!punct && kind != PL_TOK_WORD && kind != PL_TOK_NUMBER) continue;
    rows[nrows++] = rows[i];
  }
  if (!(fold && whole)) qsort(rows, nrows, sizeof *rows, cmp_count_row);
  if (limit >= 0 && (size_t)limit < nrows) nrows = (size_t)limit;
  if (fmt == FMT_ROWS) { lua_createtable(L, (int)nrows, 0); t = lua_gettop(L); }
  else { out_init(L, &o, f); out_header(&o, fmt, "word", "count"); }
  for (i = 0; i < nrows; i++) {
    const type_str *w = &names[rows[i].id];
    emit_row(L, &o, fmt, t, i, w->s, w->len, rows[i].count, "word");
  }
  return finish_table(&o, fmt, nrows);
}

static const luaL_Reg report_methods[] = {
  {"kwic",   report_kwic},
  {"freq",   report_freq},
  {NULL, NULL}
};

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

void corpus_open_reports(lua_State *L) {
  luaL_setfuncs(L, report_methods, 0);
  ngrams_open(L);
}
