/*
** writer.h — the one output layer (writer.c): rows of named cells written
** as tty, tsv, csv, json, md or html, or gathered as Lua row tables.  The
** C reports (kwic.c, freq.c, ngrams.c) feed it cell by cell; Lua feeds it
** batches of row tables through `parley.writer`.  Rows stream: only a tty
** table's first rows wait, to size its columns.
*/
#ifndef PARLEY_WRITER_H
#define PARLEY_WRITER_H

#include <stdio.h>

#include "parley.h"

#define PARLEY_WRITER "parley.Writer"

enum { WR_ROWS, WR_TTY, WR_TSV, WR_CSV, WR_JSON, WR_MD, WR_HTML };
enum { WR_AUTO, WR_LEFT, WR_RIGHT };

/* A column as a C report declares it. */
typedef struct wr_colspec {
  const char *name;             /* machine name: rows, tsv/csv headers, json keys */
  const char *title;            /* human header (tty, md, html); NULL: the name */
  int align;                    /* WR_AUTO, WR_LEFT, WR_RIGHT */
  int width;                    /* tty: fixed display width (padded, clipped), 0: none */
  int min_width;                /* tty: at least this wide */
  int plain;                    /* integers without digit groups (line, col, year) */
  int hidden;                   /* only in rows (fields for programs, not for print) */
  const char *pre, *post;       /* tty: around the cell, such as "[" and "]" */
} wr_colspec;

typedef struct pl_writer pl_writer;

/* The format named s ("tty", …, "html", or "rows"), or -1. */
int wr_format(const char *s);
extern const char *const wr_format_names[];  /* NULL-terminated, rows first */

/*
** Push a new writer for format fmt over columns cols[0..n), writing to f
** (NULL: gather the text and return it from wr_finish).  caption: shown
** above a tty or md table, as an html caption; may be NULL.
*/
pl_writer *wr_push(lua_State *L, int fmt, FILE *f, const wr_colspec *cols, int n,
                   const char *caption);

/* Cells of the row being written, in column order; wr_end_row closes it. */
void wr_str(lua_State *L, pl_writer *w, const char *s, size_t len);
void wr_int(lua_State *L, pl_writer *w, lua_Integer v);
void wr_num(lua_State *L, pl_writer *w, lua_Number v);
void wr_nil(lua_State *L, pl_writer *w);
void wr_end_row(lua_State *L, pl_writer *w);

/* Finish: push the rows (WR_ROWS), the text (no file), or true. */
int wr_finish(lua_State *L, pl_writer *w);

/* Human form of a number (tty, md, html): integers "7892", "12 345"; other numbers
** with four decimals ("0.0417", "15 000.0000"), "1.234e-05" when very small or
** large, "inf", "nan".  plain: no digit groups.  (escape.c, as the two below.) */
size_t wr_human_number(char *buf, size_t size, lua_Number v, int is_int, int plain);

/* Push (and return) a count with its noun as every summary writes it: "1 document",
** "14 000 tokens" (the plural: noun + "s"), as lua/parley/output.lua's count does. */
const char *wr_push_count(lua_State *L, lua_Integer n, const char *noun);

/* Write the text s[0..n) (a message, a note) to f as a terminal may show it: newlines
** and tabs kept, other controls, bidirectional overrides and bytes that are not
** UTF-8 as U+FFFD.  Allocates nothing, so it can report running out of memory. */
void wr_clean_file(lua_State *L, FILE *f, const char *s, size_t n);

#endif
