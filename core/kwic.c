/*
** kwic.c — located rows: where each hit of a hit list lies (its document,
** its byte span in the document's text, line and column in the original
** file) and, for a concordance, the words around it.  One walk over the
** token stream serves a whole hit list (hits in corpus order walk on from
** the previous one instead of seeking), so locating a hit never costs a
** report of its own.  ix:locate(hits) returns the rows; ix:kwic(hits, opts)
** sorts them and writes them through the one output layer (writer.c).
*/
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---------------------------------------------------------------- context */

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
** Locate token span [s, e) (e == s: the empty span before token s).  Hits in
** corpus order walk on from the previous one when it is near, instead of
** seeking through the skip table.
*/
static void locate_span(lua_State *L, pl_corpus *c, walk *wk, uint32_t s, uint32_t e, located *out) {
  ix_cursor *cur = &wk->cur;
  if (s >= c->ix.ntokens) {  /* an empty span at the very end: after the last token */
    uint32_t d = c->ix.ndocs ? c->ix.ndocs - 1 : 0;
    out->doc = d;
    out->bs = out->be = UINT32_MAX;  /* the caller takes the end of the text */
    return;
  }
  if (!wk->have || s < cur->pos || s - cur->pos > IX_SKIP / 2 + (s % IX_SKIP)) {
    if (ix_seek(&c->ix, s, cur)) corpus_damaged(L, c);
    wk->have = 1;
  } else {
    while (cur->pos < s)
      if (ix_next(&c->ix, cur)) corpus_damaged(L, c);
  }
  out->doc = cur->doc;
  out->bs = cur->start;
  out->be = cur->start + cur->len;
  while (cur->pos + 1 < e) {
    if (ix_next(&c->ix, cur) || cur->doc != out->doc) corpus_damaged(L, c);
    out->be = cur->start + cur->len;
  }
  if (e == s) out->be = out->bs;
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

enum { COL_DOC, COL_LINE, COL_COL, COL_LEFT, COL_MATCH, COL_RIGHT };

/*
** Write the rows of hits h (in the order given, n of them) to writer w:
** doc, line, col, [left, match, right,] then the hidden docno, pos,
** stop_pos, len, start, stop.  width 0: no context.
*/
static void located_rows(lua_State *L, pl_corpus *c, const pl_hits *h, const uint32_t *order,
                         size_t n, int in_order, size_t width, pl_writer *w, int scratch) {
  walk wk;
  size_t i, cap = 0;
  char *tmp = NULL;
  const parley_flag *stop = parley_interrupt_flag(L);
  memset(&wk, 0, sizeof wk);
  for (i = 0; i < n; i++) {
    uint32_t k = order[i], s = h->span[2 * k], e = h->span[2 * k + 1];
    located loc;
    parley_check_interrupt(L, stop, i);
    size_t tlen;
    const char *text, *id;
    ix_str idref;
    locate_span(L, c, &wk, s, e, &loc);
    text = doc_text(L, c, loc.doc, in_order, &tlen);
    if (loc.bs == UINT32_MAX) loc.bs = loc.be = (uint32_t)tlen;
    if (loc.be > tlen || loc.bs > loc.be) corpus_damaged(L, c);
    if (ix_line_col(&c->ix, loc.doc, text, loc.bs, &loc.line, &loc.col)) corpus_damaged(L, c);
    idref = c->ix.docs[loc.doc].id;
    id = ix_blob(c->ix.strings, c->ix.strings_size, idref);
    if (id == NULL) corpus_damaged(L, c);
    wr_str(L, w, id, idref.len);
    wr_int(L, w, loc.line);
    wr_int(L, w, loc.col);
    if (width > 0) {
      size_t le = left_edge(text, loc.bs, width), re = right_edge(text, tlen, loc.be, width);
      size_t need = re - le + 3, ln, mn, rn, skip = 0;
      if (need > cap) {  /* scratch for squeezed text, Lua-owned */
        cap = need * 2;
        tmp = lua_newuserdatauv(L, cap, 0);
        lua_replace(L, scratch);
      }
      ln = squeeze(text + le, loc.bs - le, tmp);
      while (ln > 0 && tmp[ln - 1] == ' ') ln--;
      if (ln > 0 && tmp[0] == ' ') { memmove(tmp, tmp + 1, ln - 1); ln--; }
      mn = squeeze(text + loc.bs, loc.be - loc.bs, tmp + ln);
      rn = squeeze(text + loc.be, re - loc.be, tmp + ln + mn);
      while (skip < rn && tmp[ln + mn + skip] == ' ') skip++;
      memmove(tmp + ln + mn, tmp + ln + mn + skip, rn - skip);
      rn -= skip;
      while (rn > 0 && tmp[ln + mn + rn - 1] == ' ') rn--;
      wr_str(L, w, tmp, ln);
      wr_str(L, w, tmp + ln, mn);
      wr_str(L, w, tmp + ln + mn, rn);
    }
    wr_int(L, w, (lua_Integer)loc.doc + 1);
    wr_int(L, w, s);
    wr_int(L, w, e > s ? (lua_Integer)e - 1 : (lua_Integer)s - 1);
    wr_int(L, w, (lua_Integer)e - s);
    wr_int(L, w, (lua_Integer)loc.bs + 1);
    wr_int(L, w, (lua_Integer)loc.be);
    wr_end_row(L, w);
  }
}

#define HIDDEN(name) {name, NULL, WR_RIGHT, 0, 0, 1, 1, NULL, NULL}

/*
** locate(hits) -> rows { doc, docno, line, col, pos, stop_pos, len, start,
** stop } for every hit, in the list's order: the document (id and 1-based
** number), line and column in the original file (the column counts
** characters), the token positions (0-based, stop_pos inclusive) and the
** byte span in the document's text (1-based, inclusive).
*/
static int report_locate(lua_State *L) {
  wr_colspec cols[] = {
    {"doc", NULL, WR_LEFT, 0, 0, 0, 0, NULL, NULL},
    {"line", NULL, WR_RIGHT, 0, 0, 1, 0, NULL, NULL},
    {"col", NULL, WR_RIGHT, 0, 0, 1, 0, NULL, NULL},
    HIDDEN("docno"), HIDDEN("pos"), HIDDEN("stop_pos"), HIDDEN("len"), HIDDEN("start"), HIDDEN("stop"),
  };
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = check_hits(L, 2);
  uint32_t *order;
  pl_writer *w;
  lua_settop(L, 2);
  order = sort_hits(L, c, h, 0);                        /* 3 */
  lua_pushnil(L);                                       /* 4: scratch */
  w = wr_push(L, WR_ROWS, NULL, cols, (int)(sizeof cols / sizeof cols[0]), NULL);  /* 5 */
  located_rows(L, c, h, order, h->n, 1, 0, w, 4);
  return wr_finish(L, w);
}

/*
** kwic(hits, opts) -> rows | text | true: a concordance.
** opts: width (characters each side, 40), sort ("doc"|"left"|"right"|"match"),
** limit, format (rows, tty, tsv, csv, json, md, html), file (write there).
** Rows: { doc, line, col, left, match, right, docno, pos, stop_pos, len, start, stop }.
*/
static int report_kwic(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  pl_hits *h = check_hits(L, 2);
  lua_Integer width, limit;
  int fmt, how, idw, linew;
  uint32_t *order;
  size_t n;
  FILE *f;
  pl_writer *w;
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
  n = (size_t)limit < h->n ? (size_t)limit : h->n;
  doc_widths(L, c, &idw, &linew);
  {
    wr_colspec cols[] = {
      {"doc", NULL, WR_LEFT, 0, idw, 0, 0, NULL, NULL},
      {"line", NULL, WR_RIGHT, 0, linew, 1, 0, NULL, NULL},
      {"col", NULL, WR_RIGHT, 0, 3, 1, 0, NULL, NULL},
      {"left", NULL, WR_RIGHT, (int)width, 0, 0, 0, NULL, NULL},
      {"match", NULL, WR_LEFT, 0, 0, 0, 0, "[", "]"},
      {"right", NULL, WR_LEFT, (int)width, 0, 0, 0, NULL, NULL},
      HIDDEN("docno"), HIDDEN("pos"), HIDDEN("stop_pos"), HIDDEN("len"), HIDDEN("start"), HIDDEN("stop"),
    };
    order = sort_hits(L, c, h, how);                    /* 4 */
    lua_pushnil(L);                                     /* 5: scratch */
    w = wr_push(L, fmt, f, cols, (int)(sizeof cols / sizeof cols[0]), NULL);  /* 6 */
    located_rows(L, c, h, order, n, how == 0, (size_t)width, w, 5);
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
