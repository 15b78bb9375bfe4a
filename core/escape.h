/*
** escape.h — how the writer spells one value (escape.c): text sanitised
** for a terminal, escaped for tsv, csv, json, md and html, measured in
** display columns and clipped; numbers in their human and machine forms.
** Shared by writer.c (tables) and, through writer.h, by every other piece
** of the core that puts text before a reader.  Output goes to a wbuf, a
** growable buffer in Lua-allocated memory that its owner frees.
*/
#ifndef PARLEY_ESCAPE_H
#define PARLEY_ESCAPE_H

#include <stdint.h>
#include <string.h>

#include "parley.h"

/* A growable byte buffer; alloc NULL: fixed memory of cap bytes that never grows. */
typedef struct wbuf {
  char *p;
  size_t n, cap;
  lua_Alloc alloc;
  void *ud;
} wbuf;

/* An empty buffer over the allocator of L (nothing is allocated until the first byte). */
void wb_init(lua_State *L, wbuf *b);
void wb_free(wbuf *b);

/* Grow the array p of *cap elements of elem bytes to hold need; raises on failure. */
void *wb_grow(lua_State *L, lua_Alloc alloc, void *ud, void *p, size_t *cap, size_t need, size_t elem);

static inline void wb_add(lua_State *L, wbuf *b, const char *s, size_t n) {
  if (b->n + n > b->cap) b->p = wb_grow(L, b->alloc, b->ud, b->p, &b->cap, b->n + n, 1);
  if (n == 1) b->p[b->n] = *s;
  else if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
}

static inline void wb_addz(lua_State *L, wbuf *b, const char *s) { wb_add(L, b, s, strlen(s)); }
static inline void wb_addc(lua_State *L, wbuf *b, char c) { wb_add(L, b, &c, 1); }

/* ---------------------------------------------------------------- characters */

extern const char esc_fffd[];   /* U+FFFD in UTF-8 */

/* The code point at s[0..n): its length, or 0 for a byte that is not UTF-8. */
int esc_seq(const char *s, size_t n, int32_t *cp);

/* Display columns of a code point (utf8proc's charwidth; 1 for the unknown). */
uint32_t esc_cp_width(int32_t cp);

/* ---------------------------------------------------------------- text for a reader */

/*
** How shown text treats what a terminal or Markdown must not see raw:
**   ESC_CELL  a tty cell: tab, CR, LF, U+2028 and U+2029 as one space each;
**             other controls (C0, DEL, C1), bidirectional overrides and
**             isolates, and bytes that are not UTF-8 as U+FFFD
**   ESC_TEXT  a caption, a summary or a message: as ESC_CELL, but newlines
**             and tabs kept (CR LF as a newline) and U+2028/9 as U+FFFD
**   ESC_MD    a Markdown cell or caption: controls as in ESC_CELL, the
**             characters Markdown reads (| \ * _ ` [ ]) backslash-escaped,
**             < > & as entities, newlines as <br>, tabs kept
*/
enum { ESC_CELL, ESC_TEXT, ESC_MD };

/* Append s[0..n) as mode shows it to b; returns its display width. */
uint32_t esc_shown(lua_State *L, wbuf *b, const char *s, size_t n, int mode);

/* A Markdown caption: ESC_MD, and a line start that would begin a block (# - + = ~ 1.) escaped. */
void esc_md_caption(lua_State *L, wbuf *b, const char *s, size_t n);

/* Display width of shown (so valid) text. */
uint32_t esc_width(const char *s, size_t n);

/*
** Clip shown text s[0..n) of display width *width to at most limit columns:
** keep its end (from_left) or its start; returns the bytes kept and sets
** *skip (bytes dropped at the start) and *width.
*/
size_t esc_clip(const char *s, size_t n, uint32_t *width, uint32_t limit, int from_left, size_t *skip);

/* ---------------------------------------------------------------- the machine formats */

void esc_tsv(lua_State *L, wbuf *b, const char *s, size_t n);    /* \t \n \r \\ */
void esc_csv(lua_State *L, wbuf *b, const char *s, size_t n);    /* RFC 4180 quoting */
void esc_json(lua_State *L, wbuf *b, const char *s, size_t n);   /* a quoted JSON string */
void esc_html(lua_State *L, wbuf *b, const char *s, size_t n);   /* element or attribute text */

/* ---------------------------------------------------------------- numbers */

/* The shortest decimal form that reads back as v (finite), always with a '.' or an exponent. */
size_t esc_machine_number(char *buf, size_t size, lua_Number v);

/* The decimal digits of v into buf (room for 21 bytes and a NUL); returns their length. */
size_t esc_int_digits(char *buf, lua_Integer v);

/* An integer as people read it: digit groups from 10 000 on, unless plain. */
size_t esc_human_int(char *buf, size_t size, lua_Integer v, int plain);

#endif
