/*
** report.h — what the reports of parley.Index share: kwic.c (located rows
** and concordances), freq.c (frequency lists) and ngrams.c (n-gram lists)
** read the same options and write through the one output layer (writer.h).
*/
#ifndef PARLEY_REPORT_H
#define PARLEY_REPORT_H

#include <stdio.h>

#include "index.h"
#include "writer.h"

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
/* opts.format: one of wr_format_names (default "rows"). */
int opt_format(lua_State *L, int opts);
/* opts.within (a hit list, left on the stack) or one span over the whole corpus (pushed). */
pl_hits *scan_spans(lua_State *L, pl_corpus *c, int opts, int ci);

/* The strings of every folded (or exact) type, verified once: a pushed userdata. */
typedef struct type_str { const char *s; uint32_t len, pad; } type_str;
const type_str *type_strings(lua_State *L, pl_corpus *c, int fold);
/*
** The exact types in alphabetical (byte) order, from their strings (as
** type_strings gives them): a pushed userdata of nexact type_str with the
** type's id in pad, and *rank (a second pushed userdata) each id's place in
** that order.  Exact ids follow the order in which the build's threads met
** the types, which may differ from one build to the next; ties of exact
** counts are broken by this order, so a rebuilt index lists them alike.
*/
const type_str *exact_order(lua_State *L, pl_corpus *c, const type_str *names, const uint32_t **rank);

void freq_open(lua_State *L);    /* freq.c: adds freq to the table on top */
void ngrams_open(lua_State *L);  /* ngrams.c: adds ngrams */

#endif
