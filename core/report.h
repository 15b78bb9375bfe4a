/*
** report.h — output helpers shared by the reports of parley.Index
** (report.c: KWIC and frequency lists; ngrams.c: n-gram lists).
*/
#ifndef PARLEY_REPORT_H
#define PARLEY_REPORT_H

#include <stdio.h>

#include "index.h"

enum { FMT_ROWS, FMT_TTY, FMT_TSV, FMT_CSV, FMT_JSON };

/* An output: a luaL_Buffer, flushed to a FILE* when one is given. */
typedef struct out {
  lua_State *L;
  luaL_Buffer b;
  FILE *f;
} out;

void out_init(lua_State *L, out *o, FILE *f);
void out_flush(out *o, int final);
void out_row_done(out *o);
void out_field(out *o, int fmt, const char *s, size_t n);
void out_header(out *o, int fmt, const char *a, const char *b);
/* One (word, count) row; in FMT_ROWS into the table at stack index t. */
void emit_row(lua_State *L, out *o, int fmt, int t, size_t i, const char *w, size_t wn,
              uint64_t count, const char *wkey);
int finish_table(out *o, int fmt, size_t n);

/* The options of the counted reports (freq, ngrams), from the table at
** stack index i (made empty if it is nil; the stack is cut to i). */
typedef struct count_opts {
  int fold, punct, fmt;
  lua_Integer min, limit;
  FILE *file;
} count_opts;
void read_count_opts(lua_State *L, int i, count_opts *o);

FILE *opt_file(lua_State *L, int opts);
lua_Integer opt_int(lua_State *L, int opts, const char *k, lua_Integer def);
int opt_bool(lua_State *L, int opts, const char *k, int def);
int opt_format(lua_State *L, int opts);
/* opts.within (a hit list, left on the stack) or one span over the whole corpus (pushed). */
pl_hits *scan_spans(lua_State *L, pl_corpus *c, int opts, int ci);

/* The strings of every folded (or exact) type, verified once: a pushed userdata. */
typedef struct type_str { const char *s; uint32_t len, pad; } type_str;
const type_str *type_strings(lua_State *L, pl_corpus *c, int fold);

void ngrams_open(lua_State *L);  /* ngrams.c: adds ngrams to the table on top */

#endif
