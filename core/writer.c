/*
** writer.c — `parley.writer`: the one output layer.  Every table parley
** prints, from a C report (concordances, frequency lists, n-grams) or a Lua
** command (speakers, keyness …), goes through a parley.Writer: rows of
** named cells, written as
**   tty   columns aligned by display width (utf8proc's charwidth), numbers
**         rounded and right-aligned, control characters neutralised
**   tsv   tab-separated with a header line; tab, newline, CR and backslash
**         escaped as \t \n \r \\ (as PostgreSQL's COPY does)
**   csv   RFC 4180: CRLF line ends, fields holding , " CR or LF quoted
**   json  a list of objects, keys in column order; numbers at round-trip
**         precision, non-finite numbers and missing values as null
**   md    a Markdown table (aligned in its source too), numbers rounded
**   html  a table fragment, text escaped, numbers with their exact value
**         in a data-value attribute
** or, for the C reports, gathered as Lua row tables ("rows").  How one
** value is spelt in each format (sanitised, escaped, measured, numbers)
** is escape.c's; this file lays the values out in rows.  Rows stream:
** a tty or md table waits only for its first WR_SAMPLE rows, to size its
** columns; every format writes its output in blocks of WR_FLUSH bytes.
** Memory comes from the Lua allocator and is freed by the writer's __gc,
** so an error between two rows leaks nothing.
*/
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include "escape.h"
#include "writer.h"

#define WR_SAMPLE 1000          /* tty/md rows buffered to size the columns */
#define WR_FLUSH  (1u << 16)    /* output buffered before a write to the file */
#define WR_DEPTH  32            /* nesting of table values */

const char *const wr_format_names[] = {"rows", "tty", "tsv", "csv", "json", "md", "html", NULL};

/* A tty/md cell waiting in the sample: its text in the cell buffer, and its display width. */
typedef struct wr_cellref { uint32_t off, len, width, numeric; } wr_cellref;

typedef struct wr_col {
  wr_colspec spec;
  size_t name_len;
  int display, text;            /* Lua functions: keys in the anchor table (0: none) */
  int max_width;                /* tty: clip with an ellipsis beyond this */
  int seen_text, seen_num;      /* for automatic alignment */
  int right;                    /* the alignment decided */
  int width;                    /* the width decided (tty, md) */
  char *json_key;               /* "name": escaped, allocated */
  size_t json_key_len;
} wr_col;

struct pl_writer {
  int fmt, ncols, cur, closed, started, fixed;
  int records;                  /* tty: one record per row, a line per column (as psql's \x) */
  int term_width;               /* records: wrap values to this many columns */
  int first, last;              /* the first and last visible columns (-1: none) */
  int idx;                      /* stack index of this userdata while a C report writes rows */
  size_t rows;
  FILE *f;
  lua_Alloc alloc;
  void *aud;
  wbuf out;                     /* output, written to f in blocks */
  wbuf cell;                    /* tty/md: the cells of the sample */
  wbuf tmp;                     /* table values being encoded */
  wr_cellref *refs;
  size_t nrefs, refs_cap;
  char *caption;
  size_t caption_len;
  wr_col *cols;
};

/* ---------------------------------------------------------------- memory */

static void spaces(lua_State *L, pl_writer *w, int n) {
  static const char sp[] = "                                ";
  while (n > 0) {
    int k = n < 32 ? n : 32;
    wb_add(L, &w->out, sp, (size_t)k);
    n -= k;
  }
}

/* Raise the error of a failed write (errno says why), naming where it went. */
static void write_failed(lua_State *L, pl_writer *w) {
  int e = errno;
  char link[64], path[1024];
  ssize_t n = -1;
  if (w->f == stdout) parley_error(L, "cannot write to standard output: %s", strerror(e));
  if (fileno(w->f) >= 0) {
    snprintf(link, sizeof link, "/proc/self/fd/%d", fileno(w->f));
    n = readlink(link, path, sizeof path - 1);
  }
  if (n > 0) path[n] = '\0';
  parley_error(L, "cannot write to %s: %s", n > 0 ? path : "the output file", strerror(e));
}

/* Write the output to the file once there is a block of it (or everything, at the end). */
static void flush(lua_State *L, pl_writer *w, int all) {
  if (w->f == NULL || w->out.n == 0 || (!all && w->out.n < WR_FLUSH)) return;
  if (fwrite(w->out.p, 1, w->out.n, w->f) != w->out.n) write_failed(L, w);
  w->out.n = 0;
}

static void free_all(pl_writer *w) {
  int c;
  if (w->alloc == NULL) return;
  if (w->cols) {
    for (c = 0; c < w->ncols; c++)
      if (w->cols[c].json_key) w->alloc(w->aud, w->cols[c].json_key, w->cols[c].json_key_len, 0);
    w->alloc(w->aud, w->cols, (size_t)(w->ncols ? w->ncols : 1) * sizeof *w->cols, 0);
    w->cols = NULL;
  }
  wb_free(&w->out);
  wb_free(&w->cell);
  wb_free(&w->tmp);
  if (w->refs) w->alloc(w->aud, w->refs, w->refs_cap * sizeof *w->refs, 0);
  if (w->caption) w->alloc(w->aud, w->caption, w->caption_len, 0);
  w->refs = NULL;
  w->caption = NULL;
  w->ncols = 0;
}

static char *dup_bytes(lua_State *L, pl_writer *w, const char *s, size_t n) {
  char *p = w->alloc(w->aud, NULL, 0, n ? n : 1);
  if (p == NULL) luaL_error(L, "not enough memory");
  memcpy(p, s, n);
  return p;
}

/* A tty or md cell's text as it is shown, appended to the cell buffer; returns its display width. */
static uint32_t shown(lua_State *L, pl_writer *w, const char *s, size_t n) {
  return esc_shown(L, &w->cell, s, n, w->fmt == WR_MD ? ESC_MD : ESC_CELL);
}

/* ---------------------------------------------------------------- aligned tables (tty, md) */

/*
** Write shown cell s[0..n) of width cw in column c, padded to the column's
** width.  In tty a longer cell is clipped so that the columns stay aligned
** (numbers never are: they overflow).
*/
static void put_aligned(lua_State *L, pl_writer *w, int c, const char *s, size_t n, uint32_t cw, int numeric) {
  wr_col *col = &w->cols[c];
  size_t skip = 0, keep = n;
  int pad, ellipsis = 0;
  if (w->fmt == WR_TTY && !numeric && col->width > 0 && cw > (uint32_t)col->width) {
    /* a fixed width clips silently at the far side (KWIC context); a maximum, with an ellipsis */
    int fixed = col->spec.width > 0;
    ellipsis = !fixed;
    keep = esc_clip(s, n, &cw, (uint32_t)col->width - (uint32_t)ellipsis, fixed && col->right, &skip);
  }
  pad = col->width - (int)cw - ellipsis;
  if (w->fmt == WR_MD) wb_addz(L, &w->out, c == w->first ? "| " : " | ");
  else if (c != w->first) wb_addz(L, &w->out, "  ");
  if (col->right && pad > 0) spaces(L, w, pad);
  wb_add(L, &w->out, s + skip, keep);
  if (ellipsis) wb_addz(L, &w->out, "\xE2\x80\xA6");  /* … */
  if (!col->right && pad > 0 && (c != w->last || w->fmt == WR_MD)) spaces(L, w, pad);
  if (c == w->last) wb_addz(L, &w->out, w->fmt == WR_MD ? " |\n" : "\n");
}

/*
** The caption above a tty or md table, then end: text from a corpus (its
** name, a document's id) shown as tty shows text, or escaped as md cells are.
*/
static void put_caption(lua_State *L, pl_writer *w, const char *end) {
  if (w->fmt == WR_MD) esc_md_caption(L, &w->out, w->caption, w->caption_len);
  else esc_shown(L, &w->out, w->caption, w->caption_len, ESC_TEXT);
  wb_addz(L, &w->out, end);
}

/* The caption, the column titles and the rule below them, once the widths are known. */
static void aligned_header(lua_State *L, pl_writer *w) {
  int c, k;
  if (w->caption) put_caption(L, w, w->fmt == WR_MD ? "\n\n" : "\n");
  if (w->last < 0) return;
  for (c = w->first; c <= w->last; c++) {
    wr_col *col = &w->cols[c];
    const char *t = col->spec.title ? col->spec.title : col->spec.name;
    size_t at = w->cell.n;
    uint32_t tw;
    if (col->spec.hidden) continue;
    tw = shown(L, w, t, strlen(t));
    put_aligned(L, w, c, w->cell.p + at, w->cell.n - at, tw, 0);
    w->cell.n = at;
  }
  for (c = w->first; c <= w->last; c++) {
    wr_col *col = &w->cols[c];
    if (col->spec.hidden) continue;
    if (w->fmt == WR_MD) {
      wb_addz(L, &w->out, c == w->first ? "| " : " | ");
      for (k = 0; k < col->width - 1; k++) wb_addc(L, &w->out, '-');
      wb_addc(L, &w->out, col->right ? ':' : '-');
      if (c == w->last) wb_addz(L, &w->out, " |\n");
    } else {
      if (c != w->first) wb_addz(L, &w->out, "  ");
      for (k = 0; k < col->width; k++) wb_addz(L, &w->out, "\xE2\x94\x80");  /* ─ */
      if (c == w->last) wb_addc(L, &w->out, '\n');
    }
  }
}

/* Size and align the columns from the sample, then write the header and the sample. */
static void aligned_fix(lua_State *L, pl_writer *w) {
  int c;
  size_t k = 0, at;
  for (c = 0; c < w->ncols; c++) {
    wr_col *col = &w->cols[c];
    const char *t = col->spec.title ? col->spec.title : col->spec.name;
    if (col->spec.hidden) continue;
    col->right = col->spec.align == WR_RIGHT ||
                 (col->spec.align == WR_AUTO && col->seen_num && !col->seen_text);
    at = w->cell.n;
    col->width = (int)shown(L, w, t, strlen(t));            /* as the header shows it (md escapes) */
    w->cell.n = at;
    if (col->width < col->spec.min_width) col->width = col->spec.min_width;
    if (w->fmt == WR_MD && col->width < 3) col->width = 3;   /* the rule cell "--:" is three wide */
  }
  while (k < w->nrefs)
    for (c = 0; c < w->ncols && k < w->nrefs; c++) {
      if (w->cols[c].spec.hidden) continue;
      if ((int)w->refs[k].width > w->cols[c].width) w->cols[c].width = (int)w->refs[k].width;
      k++;
    }
  if (w->fmt == WR_TTY)
    for (c = 0; c < w->ncols; c++) {
      wr_col *col = &w->cols[c];
      if (col->spec.width > 0) col->width = col->spec.width;
      else if (col->max_width > 0 && col->width > col->max_width) col->width = col->max_width;
    }
  w->fixed = 1;
  aligned_header(L, w);
  k = 0;
  while (k < w->nrefs)
    for (c = 0; c < w->ncols && k < w->nrefs; c++) {
      const wr_cellref *r;
      if (w->cols[c].spec.hidden) continue;
      r = &w->refs[k++];
      put_aligned(L, w, c, w->cell.p + r->off, r->len, r->width, (int)r->numeric);
    }
  w->nrefs = 0;
  w->cell.n = 0;
  flush(L, w, 0);
}

/* ---------------------------------------------------------------- records (tty) */

/*
** A records cell: the column's title padded to the longest title, then the
** value, wrapped at spaces to the terminal's width with a hanging indent
** (a word longer than a line is broken where it must be).
*/
static void record_cell(lua_State *L, pl_writer *w, int c, const char *s, size_t n) {
  int tw = 0, k, indent, room, used = 0;
  size_t i = 0, at;
  const char *t = w->cols[c].spec.title ? w->cols[c].spec.title : w->cols[c].spec.name;
  for (k = 0; k < w->ncols; k++) {
    const char *kt = w->cols[k].spec.title ? w->cols[k].spec.title : w->cols[k].spec.name;
    int kw = (int)esc_width(kt, strlen(kt));
    if (!w->cols[k].spec.hidden && kw > tw) tw = kw;
  }
  at = w->cell.n;
  shown(L, w, t, strlen(t));
  wb_add(L, &w->out, w->cell.p + at, w->cell.n - at);
  w->cell.n = at;
  indent = tw + 2;
  room = w->term_width - indent > 20 ? w->term_width - indent : 20;
  shown(L, w, s, n);
  s = w->cell.p + at;
  n = w->cell.n - at;
  while (n > 0 && s[n - 1] == ' ') n--;
  if (n > 0) spaces(L, w, tw - (int)esc_width(t, strlen(t)) + 2);
  while (i < n) {
    size_t j = i, end, best = 0;
    int width = 0, best_width = 0;
    while (j < n && s[j] == ' ') j++;             /* no spaces at the start of a line */
    if (j >= n) break;
    i = j;
    end = i;
    while (end < n) {
      int32_t cp;
      int len = esc_seq(s + end, n - end, &cp);
      int cw;
      if (len == 0) { len = 1; cp = 0xFFFD; }
      cw = (int)esc_cp_width(cp);
      if (width + cw > room) break;
      if (s[end] == ' ') { best = end; best_width = width; }
      width += cw;
      end += (size_t)len;
    }
    if (end < n && best > i) { end = best; width = best_width; }  /* break at the last space */
    if (used++) { wb_addc(L, &w->out, '\n'); spaces(L, w, indent); }
    {
      size_t stop = end;
      while (stop > i && s[stop - 1] == ' ') stop--;
      wb_add(L, &w->out, s + i, stop - i);
    }
    i = end;
  }
  wb_addc(L, &w->out, '\n');
  w->cell.n = at;
}

/* ---------------------------------------------------------------- cells */

enum { V_NIL, V_STR, V_INT, V_NUM, V_BOOL, V_JSON };

typedef struct value {
  int type;
  const char *s;                /* V_STR, V_JSON (encoded already) */
  size_t len;
  lua_Integer i;                /* V_INT, V_BOOL */
  lua_Number d;                 /* V_NUM */
  const char *shown;            /* html: a number as its column's display function shows it */
  size_t shown_len;
} value;

/* A tty/md cell: kept in the sample while the columns are sized, then written aligned. */
static void aligned_cell(lua_State *L, pl_writer *w, int c, const value *v) {
  wr_col *col = &w->cols[c];
  char num[64];
  const char *s = "";
  size_t n = 0, at = w->cell.n;
  uint32_t width = 0;
  if (v->type == V_STR || v->type == V_JSON) { s = v->s; n = v->len; if (n) col->seen_text = 1; }
  else if (v->type == V_BOOL) { s = v->i ? "true" : "false"; n = strlen(s); col->seen_text = 1; }
  else if (v->type == V_INT) { n = esc_human_int(num, sizeof num, v->i, col->spec.plain); s = num; col->seen_num = 1; }
  else if (v->type == V_NUM) { n = wr_human_number(num, sizeof num, v->d, 0, col->spec.plain); s = num; col->seen_num = 1; }
  if (w->records) {
    if (c == w->first && w->rows > 0) wb_addc(L, &w->out, '\n');
    record_cell(L, w, c, s, n);
    return;
  }
  if (w->fmt == WR_TTY && col->spec.pre) width += shown(L, w, col->spec.pre, strlen(col->spec.pre));
  width += shown(L, w, s, n);
  if (w->fmt == WR_TTY && col->spec.post) width += shown(L, w, col->spec.post, strlen(col->spec.post));
  if (w->fixed) {
    put_aligned(L, w, c, w->cell.p + at, w->cell.n - at, width, v->type == V_INT || v->type == V_NUM);
    w->cell.n = at;
    return;
  }
  if (w->cell.n > UINT32_MAX) luaL_error(L, "writer: cells too large to align");
  if (w->nrefs + 1 > w->refs_cap) w->refs = wb_grow(L, w->alloc, w->aud, w->refs, &w->refs_cap, w->nrefs + 1, sizeof *w->refs);
  w->refs[w->nrefs].off = (uint32_t)at;
  w->refs[w->nrefs].len = (uint32_t)(w->cell.n - at);
  w->refs[w->nrefs].width = width;
  w->refs[w->nrefs].numeric = v->type == V_INT || v->type == V_NUM;
  w->nrefs++;
}

/* The rows format: set the cell in the current row table (anchor.row). */
static void rows_cell(lua_State *L, pl_writer *w, const wr_col *col, const value *v) {
  if (v->type == V_NIL) return;
  lua_getiuservalue(L, w->idx, 1);
  if (lua_getfield(L, -1, "row") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, w->ncols);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "row");
  }
  switch (v->type) {
    case V_STR: lua_pushlstring(L, v->s, v->len); break;
    case V_INT: lua_pushinteger(L, v->i); break;
    case V_NUM: lua_pushnumber(L, v->d); break;
    default: lua_pushboolean(L, (int)v->i); break;
  }
  lua_setfield(L, -2, col->spec.name);
  lua_pop(L, 2);
}

/* Write one cell of the current row. */
static void put(lua_State *L, pl_writer *w, const value *v) {
  int c = w->cur;
  wr_col *col;
  char num[64];
  size_t n;
  if (w->closed) luaL_error(L, "attempt to use a closed writer");
  if (c >= w->ncols) luaL_error(L, "writer: more cells than columns in a row");
  col = &w->cols[c];
  w->cur++;
  if (w->fmt == WR_ROWS) { rows_cell(L, w, col, v); return; }
  if (col->spec.hidden) return;
  switch (w->fmt) {
    case WR_TTY: case WR_MD:
      aligned_cell(L, w, c, v);
      break;
    case WR_TSV: case WR_CSV:
      if (c != w->first) wb_addc(L, &w->out, w->fmt == WR_TSV ? '\t' : ',');
      if (v->type == V_STR || v->type == V_JSON) {
        if (w->fmt == WR_TSV) esc_tsv(L, &w->out, v->s, v->len);
        else esc_csv(L, &w->out, v->s, v->len);
      } else if (v->type == V_BOOL) wb_addz(L, &w->out, v->i ? "true" : "false");
      else if (v->type == V_INT) {
        n = esc_int_digits(num, v->i);
        wb_add(L, &w->out, num, n);
      } else if (v->type == V_NUM) {
        if (isnan(v->d)) wb_addz(L, &w->out, "nan");
        else if (isinf(v->d)) wb_addz(L, &w->out, v->d > 0 ? "inf" : "-inf");
        else wb_add(L, &w->out, num, esc_machine_number(num, sizeof num, v->d));
      }
      break;
    case WR_JSON:
      if (c == w->first) wb_addz(L, &w->out, w->rows ? ",\n{" : "\n{");
      else wb_addc(L, &w->out, ',');
      wb_add(L, &w->out, col->json_key, col->json_key_len);
      if (v->type == V_STR) esc_json(L, &w->out, v->s, v->len);
      else if (v->type == V_JSON) wb_add(L, &w->out, v->s, v->len);
      else if (v->type == V_BOOL) wb_addz(L, &w->out, v->i ? "true" : "false");
      else if (v->type == V_INT) {
        n = esc_int_digits(num, v->i);
        wb_add(L, &w->out, num, n);
      } else if (v->type == V_NUM && isfinite(v->d)) wb_add(L, &w->out, num, esc_machine_number(num, sizeof num, v->d));
      else wb_addz(L, &w->out, "null");
      if (c == w->last) wb_addc(L, &w->out, '}');
      break;
    case WR_HTML:
      if (c == w->first) wb_addz(L, &w->out, "<tr>");
      if (v->type == V_INT || v->type == V_NUM) {
        wb_addz(L, &w->out, "<td class=\"num\" data-value=\"");
        if (v->type == V_INT) n = esc_int_digits(num, v->i);
        else if (isfinite(v->d)) n = esc_machine_number(num, sizeof num, v->d);
        else n = (size_t)snprintf(num, sizeof num, "%s", isnan(v->d) ? "nan" : v->d > 0 ? "inf" : "-inf");
        wb_add(L, &w->out, num, n);
        wb_addz(L, &w->out, "\">");
        if (v->shown) esc_html(L, &w->out, v->shown, v->shown_len);
        else {
          if (v->type == V_INT) n = esc_human_int(num, sizeof num, v->i, col->spec.plain);
          else n = wr_human_number(num, sizeof num, v->d, 0, col->spec.plain);
          wb_add(L, &w->out, num, n);
        }
      } else {
        wb_addz(L, &w->out, "<td>");
        if (v->type == V_STR || v->type == V_JSON) esc_html(L, &w->out, v->s, v->len);
        else if (v->type == V_BOOL) wb_addz(L, &w->out, v->i ? "true" : "false");
      }
      wb_addz(L, &w->out, "</td>");
      if (c == w->last) wb_addz(L, &w->out, "</tr>\n");
      break;
  }
}

/* What precedes the first row: headers, the opening bracket or tags. */
static void start(lua_State *L, pl_writer *w) {
  int c;
  if (w->started) return;
  w->started = 1;
  switch (w->fmt) {
    case WR_TSV: case WR_CSV:
      for (c = 0; c < w->ncols; c++) {
        if (w->cols[c].spec.hidden) continue;
        if (c != w->first) wb_addc(L, &w->out, w->fmt == WR_TSV ? '\t' : ',');
        if (w->fmt == WR_TSV) esc_tsv(L, &w->out, w->cols[c].spec.name, w->cols[c].name_len);
        else esc_csv(L, &w->out, w->cols[c].spec.name, w->cols[c].name_len);
      }
      wb_addz(L, &w->out, w->fmt == WR_TSV ? "\n" : "\r\n");
      break;
    case WR_JSON:
      wb_addc(L, &w->out, '[');
      break;
    case WR_TTY:
      if (w->records && w->caption) put_caption(L, w, "\n\n");
      break;
    case WR_HTML:
      wb_addz(L, &w->out, "<table class=\"parley\">\n");
      if (w->caption) {
        wb_addz(L, &w->out, "<caption>");
        esc_html(L, &w->out, w->caption, w->caption_len);
        wb_addz(L, &w->out, "</caption>\n");
      }
      wb_addz(L, &w->out, "<thead><tr>");
      for (c = 0; c < w->ncols; c++) {
        const wr_colspec *s = &w->cols[c].spec;
        const char *t = s->title ? s->title : s->name;
        if (s->hidden) continue;
        wb_addz(L, &w->out, s->align == WR_RIGHT ? "<th class=\"num\">" : "<th>");
        esc_html(L, &w->out, t, strlen(t));
        wb_addz(L, &w->out, "</th>");
      }
      wb_addz(L, &w->out, "</tr></thead>\n<tbody>\n");
      break;
  }
}

static void cell(lua_State *L, pl_writer *w, const value *v) {
  if (!w->started) start(L, w);
  if (w->fmt != WR_ROWS && w->cur < w->ncols && w->cols[w->cur].spec.hidden && !w->closed) {
    w->cur++;                           /* a field for programs, not for print */
    return;
  }
  put(L, w, v);
}

void wr_str(lua_State *L, pl_writer *w, const char *s, size_t len) {
  value v = { V_STR, s, len, 0, 0, NULL, 0 };
  cell(L, w, &v);
}

void wr_int(lua_State *L, pl_writer *w, lua_Integer i) {
  value v = { V_INT, NULL, 0, i, 0, NULL, 0 };
  cell(L, w, &v);
}

void wr_num(lua_State *L, pl_writer *w, lua_Number d) {
  value v = { V_NUM, NULL, 0, 0, d, NULL, 0 };
  cell(L, w, &v);
}

void wr_nil(lua_State *L, pl_writer *w) {
  value v = { V_NIL, NULL, 0, 0, 0, NULL, 0 };
  cell(L, w, &v);
}

void wr_end_row(lua_State *L, pl_writer *w) {
  if (!w->started) start(L, w);
  while (w->cur < w->ncols) wr_nil(L, w);  /* missing cells are empty */
  w->cur = 0;
  w->rows++;
  switch (w->fmt) {
    case WR_ROWS:
      lua_getiuservalue(L, w->idx, 1);
      lua_getfield(L, -1, "rows");
      if (lua_getfield(L, -2, "row") != LUA_TTABLE) { lua_pop(L, 1); lua_newtable(L); }
      lua_rawseti(L, -2, (lua_Integer)w->rows);
      lua_pushnil(L);
      lua_setfield(L, -3, "row");
      lua_pop(L, 2);
      break;
    case WR_TSV: wb_addc(L, &w->out, '\n'); break;
    case WR_CSV: wb_addz(L, &w->out, "\r\n"); break;
    case WR_TTY: case WR_MD:
      if (!w->fixed && !w->records && w->rows >= WR_SAMPLE) aligned_fix(L, w);
      break;
  }
  flush(L, w, 0);
}

/* Finish the output and push the result: the rows, the text (no file), or true. */
static int finish(lua_State *L, pl_writer *w) {
  if (w->closed) luaL_error(L, "attempt to use a closed writer");
  if (w->cur != 0) wr_end_row(L, w);
  if (!w->started) start(L, w);
  switch (w->fmt) {
    case WR_JSON: wb_addz(L, &w->out, w->rows ? "\n]\n" : "]\n"); break;
    case WR_HTML: wb_addz(L, &w->out, "</tbody>\n</table>\n"); break;
    case WR_TTY: case WR_MD:
      if (!w->records && !w->fixed) aligned_fix(L, w);
      break;
  }
  if (w->fmt == WR_ROWS) {
    lua_getiuservalue(L, w->idx, 1);
    lua_getfield(L, -1, "rows");
    lua_remove(L, -2);
  } else if (w->f) {
    flush(L, w, 1);
    if (fflush(w->f) != 0) write_failed(L, w);
    lua_pushboolean(L, 1);
  } else {
    lua_pushlstring(L, w->out.p ? w->out.p : "", w->out.n);
  }
  w->closed = 1;
  free_all(w);
  return 1;
}

int wr_finish(lua_State *L, pl_writer *w) { return finish(L, w); }

/* ---------------------------------------------------------------- creation */

int wr_format(const char *s) {
  int i;
  for (i = 0; wr_format_names[i]; i++)
    if (strcmp(s, wr_format_names[i]) == 0) return i;
  return -1;
}

static int writer_gc(lua_State *L) {
  pl_writer *w = luaL_checkudata(L, 1, PARLEY_WRITER);
  w->closed = 1;
  free_all(w);
  return 0;
}

/* The columns are read: find the visible ones and escape the json keys. */
static void ready(lua_State *L, pl_writer *w) {
  int c;
  w->first = w->last = -1;
  for (c = 0; c < w->ncols; c++) {
    wr_col *col = &w->cols[c];
    if (!col->spec.hidden) {
      if (w->first < 0) w->first = c;
      w->last = c;
    }
    w->tmp.n = 0;
    esc_json(L, &w->tmp, col->spec.name, col->name_len);
    wb_addc(L, &w->tmp, ':');
    col->json_key = dup_bytes(L, w, w->tmp.p, w->tmp.n);
    col->json_key_len = w->tmp.n;
  }
  w->tmp.n = 0;
  w->closed = 0;
}

/* Push a closed writer (user value 1: a table anchoring what it refers to) with n columns. */
static pl_writer *new_writer(lua_State *L, int fmt, FILE *f, int n, const char *caption, size_t caption_len) {
  pl_writer *w;
  if (n < 0 || n > 4096) luaL_error(L, "writer: bad number of columns");
  w = lua_newuserdatauv(L, sizeof *w, 1);
  memset(w, 0, sizeof *w);
  w->closed = 1;
  luaL_setmetatable(L, PARLEY_WRITER);
  lua_createtable(L, 0, 2);
  if (fmt == WR_ROWS) {
    lua_newtable(L);
    lua_setfield(L, -2, "rows");
  }
  lua_setiuservalue(L, -2, 1);
  w->idx = lua_gettop(L);
  w->alloc = lua_getallocf(L, &w->aud);
  wb_init(L, &w->out);
  wb_init(L, &w->cell);
  wb_init(L, &w->tmp);
  w->fmt = fmt;
  w->f = f;
  w->cols = w->alloc(w->aud, NULL, 0, (size_t)(n ? n : 1) * sizeof *w->cols);
  if (w->cols == NULL) luaL_error(L, "not enough memory");
  memset(w->cols, 0, (size_t)(n ? n : 1) * sizeof *w->cols);
  w->ncols = n;
  if (caption && caption_len) {
    w->caption = dup_bytes(L, w, caption, caption_len);
    w->caption_len = caption_len;
  }
  return w;
}

pl_writer *wr_push(lua_State *L, int fmt, FILE *f, const wr_colspec *cols, int n, const char *caption) {
  pl_writer *w = new_writer(L, fmt, f, n, caption, caption ? strlen(caption) : 0);
  int c;
  for (c = 0; c < n; c++) {
    w->cols[c].spec = cols[c];
    w->cols[c].name_len = strlen(cols[c].name);
  }
  ready(L, w);
  return w;
}

/* ---------------------------------------------------------------- the Lua binding */

static pl_writer *to_writer(lua_State *L) {
  pl_writer *w = luaL_checkudata(L, 1, PARLEY_WRITER);
  if (w->closed) luaL_error(L, "attempt to use a closed writer");
  return w;
}

/* The width of the terminal f writes to ($COLUMNS, then the terminal's own), or 80. */
static int terminal_width(FILE *f) {
  const char *env = getenv("COLUMNS");
  struct winsize ws;
  if (env && atoi(env) > 0) return atoi(env);
  if (f && isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

/* Anchor the value on top in the anchor table at a (so strings stay alive); pops it, returns its key. */
static int anchor(lua_State *L, int a) {
  int key = (int)lua_rawlen(L, a) + 1;
  lua_rawseti(L, a, key);
  return key;
}

/* Field k of column table t as an anchored string, or NULL. */
static const char *col_string(lua_State *L, int t, int a, const char *k, size_t *len) {
  const char *s;
  if (lua_getfield(L, t, k) == LUA_TNIL) { lua_pop(L, 1); return NULL; }
  if (lua_type(L, -1) != LUA_TSTRING)
    luaL_error(L, "bad argument #1 to 'new' (column field '%s' must be a string)", k);
  s = lua_tolstring(L, -1, len);
  anchor(L, a);
  return s;
}

static int col_int(lua_State *L, int t, const char *k) {
  lua_Integer v = 0;
  if (lua_getfield(L, t, k) != LUA_TNIL) {
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 100000)
      luaL_error(L, "bad argument #1 to 'new' (column field '%s' must be a whole number)", k);
    v = lua_tointeger(L, -1);
  }
  lua_pop(L, 1);
  return (int)v;
}

static int col_function(lua_State *L, int t, int a, const char *k) {
  int ty = lua_getfield(L, t, k);
  if (ty == LUA_TNIL) { lua_pop(L, 1); return 0; }
  if (ty != LUA_TFUNCTION) luaL_error(L, "bad argument #1 to 'new' (column field '%s' must be a function)", k);
  return anchor(L, a);
}

/* Column t (a name, or a table) into col; strings and functions anchored at a. */
static void read_column(lua_State *L, wr_col *col, int t, int a) {
  size_t len;
  const char *s;
  if (lua_type(L, t) == LUA_TSTRING) {
    col->spec.name = lua_tolstring(L, t, &col->name_len);
    lua_pushvalue(L, t);
    anchor(L, a);
    return;
  }
  if (lua_type(L, t) != LUA_TTABLE) luaL_error(L, "bad argument #1 to 'new' (a column is a name or a table)");
  col->spec.name = col_string(L, t, a, "name", &col->name_len);
  if (col->spec.name == NULL) luaL_error(L, "bad argument #1 to 'new' (a column needs a name)");
  col->spec.title = col_string(L, t, a, "title", &len);
  if ((s = col_string(L, t, a, "align", &len)) != NULL) {
    if (strcmp(s, "left") == 0) col->spec.align = WR_LEFT;
    else if (strcmp(s, "right") == 0) col->spec.align = WR_RIGHT;
    else luaL_error(L, "bad argument #1 to 'new' (align must be \"left\" or \"right\", got \"%s\")", s);
  }
  col->spec.width = col_int(L, t, "width");
  col->spec.min_width = col_int(L, t, "min_width");
  col->max_width = col_int(L, t, "max_width");
  lua_getfield(L, t, "plain");
  col->spec.plain = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, t, "wrap") == LUA_TTABLE) {
    int wt = lua_gettop(L);
    lua_rawgeti(L, wt, 1);
    if (lua_type(L, -1) == LUA_TSTRING) { col->spec.pre = lua_tostring(L, -1); anchor(L, a); } else lua_pop(L, 1);
    lua_rawgeti(L, wt, 2);
    if (lua_type(L, -1) == LUA_TSTRING) { col->spec.post = lua_tostring(L, -1); anchor(L, a); } else lua_pop(L, 1);
  }
  lua_pop(L, 1);
  col->display = col_function(L, t, a, "display");
  col->text = col_function(L, t, a, "text");
}

/*
** new{ format = "tty"|"tsv"|"csv"|"json"|"md"|"html", columns = { name, or
** { name, title, align = "left"|"right", width, min_width, max_width, plain,
** wrap = { pre, post }, display = fn(value, row), text = fn(value, row) } … },
** file = FILE (default: gather the text), caption = s, layout = "table" or
** "records" (tty: a line per column, for long values), term_width = n } -> writer
*/
static int writer_new(lua_State *L) {
  const char *fmtname, *caption = NULL;
  size_t caption_len = 0;
  int fmt, n, c;
  FILE *f = NULL;
  pl_writer *w;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_getfield(L, 1, "format");                                 /* 2 */
  fmtname = luaL_optstring(L, 2, "tty");
  fmt = wr_format(fmtname);
  if (fmt <= WR_ROWS)
    return luaL_error(L, "bad argument #1 to 'new' (format must be tty, tsv, csv, json, md or html, got '%s')", fmtname);
  lua_getfield(L, 1, "file");                                   /* 3 */
  if (!lua_isnil(L, 3)) {
    luaL_Stream *s = luaL_checkudata(L, 3, LUA_FILEHANDLE);
    if (s->closef == NULL) return luaL_error(L, "attempt to use a closed file");
    f = s->f;
  }
  lua_getfield(L, 1, "caption");                                /* 4 */
  if (!lua_isnil(L, 4)) caption = luaL_checklstring(L, 4, &caption_len);
  lua_getfield(L, 1, "columns");                                /* 5 */
  luaL_checktype(L, 5, LUA_TTABLE);
  n = (int)lua_rawlen(L, 5);
  w = new_writer(L, fmt, f, n, caption, caption_len);           /* 6 */
  lua_getfield(L, 1, "layout");
  if (!lua_isnil(L, -1)) {
    const char *layout = luaL_checkstring(L, -1);
    if (strcmp(layout, "records") == 0) w->records = fmt == WR_TTY;
    else if (strcmp(layout, "table") != 0)
      return luaL_error(L, "bad argument #1 to 'new' (layout must be \"table\" or \"records\", got '%s')", layout);
  }
  lua_pop(L, 1);
  w->term_width = (int)lua_tointeger(L, (lua_getfield(L, 1, "term_width"), -1));
  lua_pop(L, 1);
  if (w->term_width <= 0) w->term_width = terminal_width(f);
  lua_getiuservalue(L, 6, 1);                                   /* 7: anchor */
  lua_pushvalue(L, 3);
  lua_setfield(L, 7, "file");                                   /* the file handle stays alive */
  for (c = 0; c < n; c++) {
    lua_rawgeti(L, 5, c + 1);
    read_column(L, &w->cols[c], lua_gettop(L), 7);
    lua_pop(L, 1);
  }
  ready(L, w);
  lua_settop(L, 6);
  return 1;
}

/* A new sequence of the keys of the table at idx, sorted by their string forms. */
typedef struct keyref { const char *s; size_t len; int i; } keyref;

static int cmp_keyref(const void *a, const void *b) {
  const keyref *x = a, *y = b;
  int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
  return r ? r : (x->len < y->len ? -1 : x->len > y->len);
}

static void sorted_keys(lua_State *L, int idx) {
  int n = 0, i, keys, strs;
  keyref *refs;
  lua_newtable(L);
  keys = lua_gettop(L);
  lua_newtable(L);
  strs = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++n);
    luaL_tolstring(L, -1, NULL);
    lua_rawseti(L, strs, n);
  }
  refs = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *refs, 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, strs, i + 1);
    refs[i].s = lua_tolstring(L, -1, &refs[i].len);  /* anchored in strs */
    refs[i].i = i + 1;
    lua_pop(L, 1);
  }
  qsort(refs, (size_t)n, sizeof *refs, cmp_keyref);
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, keys, refs[i].i);
    lua_rawseti(L, -2, i + 1);
  }
  lua_replace(L, keys);
  lua_settop(L, keys);
}

static int sequence_length(lua_State *L, int idx, lua_Integer *len) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
  }
  *len = n;
  return count == n;  /* an empty table is an empty list */
}

/* The number at idx into b: machine form, or (human) as tables show it. */
static void add_number(lua_State *L, wbuf *b, int idx, int human, int plain) {
  char num[64];
  size_t n;
  if (lua_isinteger(L, idx)) {
    if (human) n = esc_human_int(num, sizeof num, lua_tointeger(L, idx), plain);
    else n = esc_int_digits(num, lua_tointeger(L, idx));
  } else if (human || !isfinite(lua_tonumber(L, idx))) {
    n = wr_human_number(num, sizeof num, lua_tonumber(L, idx), 0, plain);
  } else {
    n = esc_machine_number(num, sizeof num, lua_tonumber(L, idx));
  }
  wb_add(L, b, num, n);
}

/*
** A table value into w->tmp: as JSON (sequences as arrays, other tables as
** objects with their keys sorted), or as text for the other formats
** (sequences joined by ", ", other tables as "k=v" pairs by key).
*/
static void encode(lua_State *L, pl_writer *w, int idx, int depth, int json, int human, int plain) {
  lua_Integer n, i;
  wbuf *b = &w->tmp;
  idx = lua_absindex(L, idx);
  if (depth > WR_DEPTH) luaL_error(L, "writer: a table value nested too deeply");
  switch (lua_type(L, idx)) {
    case LUA_TNIL: if (json) wb_addz(L, b, "null"); return;
    case LUA_TBOOLEAN: wb_addz(L, b, lua_toboolean(L, idx) ? "true" : "false"); return;
    case LUA_TNUMBER:
      if (json && !lua_isinteger(L, idx) && !isfinite(lua_tonumber(L, idx))) wb_addz(L, b, "null");
      else add_number(L, b, idx, human, plain);
      return;
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      if (json) esc_json(L, b, s, len); else wb_add(L, b, s, len);
      return;
    }
    case LUA_TTABLE: break;
    default: luaL_error(L, "writer: cannot write a %s", luaL_typename(L, idx));
  }
  if (sequence_length(L, idx, &n)) {
    if (json) wb_addc(L, b, '[');
    for (i = 1; i <= n; i++) {
      if (i > 1) wb_addz(L, b, json ? "," : ", ");
      lua_rawgeti(L, idx, i);
      encode(L, w, -1, depth + 1, json, human, plain);
      lua_pop(L, 1);
    }
    if (json) wb_addc(L, b, ']');
    return;
  }
  sorted_keys(L, idx);
  n = (lua_Integer)lua_rawlen(L, -1);
  if (json) wb_addc(L, b, '{');
  for (i = 1; i <= n; i++) {
    if (i > 1) wb_addz(L, b, json ? "," : ", ");
    lua_rawgeti(L, -1, i);
    if (json) {
      size_t len;
      const char *k = luaL_tolstring(L, -1, &len);
      esc_json(L, b, k, len);
      lua_pop(L, 1);
      wb_addc(L, b, ':');
    } else {
      encode(L, w, -1, depth + 1, 0, human, plain);
      wb_addc(L, b, '=');
    }
    lua_rawget(L, idx);
    encode(L, w, -1, depth + 1, json, human, plain);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (json) wb_addc(L, b, '}');
}

/* The cell of column c from row table r (its value, or what its display/text function makes of it). */
static void lua_cell(lua_State *L, pl_writer *w, int c, int r, int a) {
  wr_col *col = &w->cols[c];
  int human = w->fmt == WR_TTY || w->fmt == WR_MD || w->fmt == WR_HTML;
  int fn = human && col->display ? col->display : w->fmt != WR_JSON && col->text ? col->text : 0;
  int top = lua_gettop(L);
  value v = { V_NIL, NULL, 0, 0, 0, NULL, 0 };
  lua_getfield(L, r, col->spec.name);
  if (fn && w->fmt == WR_HTML && lua_type(L, -1) == LUA_TNUMBER) {
    /* html keeps the number itself (data-value) and shows what the display function makes of it */
    lua_rawgeti(L, a, fn);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, r);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "writer: the display function of column '%s' must return a string", col->spec.name);
    v.shown = lua_tolstring(L, -1, &v.shown_len);
    if (v.shown == NULL) { v.shown = ""; v.shown_len = 0; }
    lua_insert(L, -2);  /* kept on the stack below the value, so the string stays alive */
    fn = 0;
  }
  if (fn) {
    lua_rawgeti(L, a, fn);
    lua_insert(L, -2);
    lua_pushvalue(L, r);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "writer: the %s function of column '%s' must return a string",
                 fn == col->display ? "display" : "text", col->spec.name);
  }
  switch (lua_type(L, -1)) {
    case LUA_TNIL: break;
    case LUA_TBOOLEAN: v.type = V_BOOL; v.i = lua_toboolean(L, -1); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) { v.type = V_INT; v.i = lua_tointeger(L, -1); }
      else { v.type = V_NUM; v.d = lua_tonumber(L, -1); }
      break;
    case LUA_TSTRING: v.type = V_STR; v.s = lua_tolstring(L, -1, &v.len); break;
    case LUA_TTABLE:
      w->tmp.n = 0;
      encode(L, w, top + 1, 0, w->fmt == WR_JSON, human, col->spec.plain);
      v.type = w->fmt == WR_JSON ? V_JSON : V_STR;
      v.s = w->tmp.p ? w->tmp.p : "";
      v.len = w->tmp.n;
      break;
    default:
      luaL_error(L, "writer: column '%s' holds a %s", col->spec.name, luaL_typename(L, -1));
  }
  cell(L, w, &v);
  lua_settop(L, top);
}

/* write(rows) -> rows written so far: a batch of rows (tables keyed by column name). */
static int writer_write(lua_State *L) {
  pl_writer *w = to_writer(L);
  lua_Integer i, n;
  int c;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);                  /* 3: anchor */
  n = (lua_Integer)lua_rawlen(L, 2);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i);                      /* 4: the row */
    if (!lua_istable(L, 4)) return luaL_error(L, "bad argument #1 to 'write' (row %d is not a table)", (int)i);
    for (c = 0; c < w->ncols; c++) lua_cell(L, w, c, 4, 3);
    wr_end_row(L, w);
    lua_pop(L, 1);
  }
  lua_pushinteger(L, (lua_Integer)w->rows);
  return 1;
}

/* close() -> the text (when no file was given) or true */
static int writer_close(lua_State *L) {
  return finish(L, to_writer(L));
}

/* count() -> the rows written so far */
static int writer_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)((pl_writer *)luaL_checkudata(L, 1, PARLEY_WRITER))->rows);
  return 1;
}

static int writer_tostring(lua_State *L) {
  pl_writer *w = luaL_checkudata(L, 1, PARLEY_WRITER);
  lua_pushfstring(L, "writer %s (%s%s)", wr_format_names[w->fmt], wr_push_count(L, (lua_Integer)w->rows, "row"),
                  w->closed ? ", closed" : "");
  return 1;
}

/*
** json(v) -> v as JSON, the same on every run: tables as arrays (sequences)
** or objects with their keys sorted, strings escaped as in the json format.
** For data parley writes itself (an index's metadata), so that the same
** input gives the same bytes.
*/
static int writer_json(lua_State *L) {
  pl_writer *w;
  lua_settop(L, 1);
  w = new_writer(L, WR_JSON, NULL, 0, NULL, 0);   /* 2: scratch memory, freed by __gc */
  encode(L, w, 1, 0, 1, 0, 1);
  lua_pushlstring(L, w->tmp.p ? w->tmp.p : "", w->tmp.n);
  free_all(w);
  return 1;
}

/* number(v [, plain]) -> v as tty and md tables show it ("12 345", "0.0417", "inf") */
static int writer_number(lua_State *L) {
  char buf[64];
  size_t n;
  luaL_checknumber(L, 1);
  if (lua_isinteger(L, 1)) n = esc_human_int(buf, sizeof buf, lua_tointeger(L, 1), lua_toboolean(L, 2));
  else n = wr_human_number(buf, sizeof buf, lua_tonumber(L, 1), 0, lua_toboolean(L, 2));
  lua_pushlstring(L, buf, n);
  return 1;
}

/*
** clean(s) -> s as a terminal may show it: newlines and tabs kept; other
** controls, bidirectional overrides and isolates, U+2028/9 and bytes that
** are not UTF-8 as U+FFFD (what tty tables do to their cells).  For the
** text around tables: summaries the REPL prints, notes and messages.
*/
static int writer_clean(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  luaL_Buffer B;
  wbuf b = { NULL, 0, 0, NULL, NULL };
  if (n > ((size_t)-1) / 4) return luaL_error(L, "not enough memory");
  b.cap = 3 * n + 1;                        /* each byte becomes at most one U+FFFD */
  b.p = luaL_buffinitsize(L, &B, b.cap);
  esc_shown(L, &b, s, n, ESC_TEXT);
  luaL_pushresultsize(&B, b.n);
  return 1;
}

static const luaL_Reg writer_meta[] = {
  {"__gc",       writer_gc},
  {"__close",    writer_gc},
  {"__tostring", writer_tostring},
  {"__index",    NULL},
  {NULL, NULL}
};

static const luaL_Reg writer_methods[] = {
  {"write", writer_write},
  {"close", writer_close},
  {"count", writer_count},
  {NULL, NULL}
};

static const luaL_Reg writer_funcs[] = {
  {"new",    writer_new},
  {"number", writer_number},
  {"json",   writer_json},
  {"clean",  writer_clean},
  {NULL, NULL}
};

int luaopen_parley_writer(lua_State *L) {
  int i;
  luaL_newmetatable(L, PARLEY_WRITER);
  luaL_setfuncs(L, writer_meta, 0);
  luaL_newlib(L, writer_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, writer_funcs);
  lua_createtable(L, 6, 0);
  for (i = 1; wr_format_names[i]; i++) {
    lua_pushstring(L, wr_format_names[i]);
    lua_rawseti(L, -2, i);
  }
  lua_setfield(L, -2, "formats");
  return 1;
}
