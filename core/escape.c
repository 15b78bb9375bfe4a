/*
** escape.c — how the one output layer spells a value (escape.h).  Text for
** a reader: sanitised for a terminal (a tty cell, or a caption, summary or
** message), escaped for Markdown, measured in display columns and clipped;
** text for programs: escaped for tsv, csv, json and html; numbers in the
** human form of tables and summaries ("12 345", "0.0417") and the machine
** form of data (round-trip precision).  writer.c writes tables with these;
** the rest of the core reaches them through writer.h (wr_push_count,
** wr_clean_file, wr_human_number), so every summary and message that
** reaches a terminal is spelt by the same code as a table cell.
*/
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "escape.h"
#include "writer.h"

/* ---------------------------------------------------------------- buffers */

void wb_init(lua_State *L, wbuf *b) {
  memset(b, 0, sizeof *b);
  b->alloc = lua_getallocf(L, &b->ud);
}

void *wb_grow(lua_State *L, lua_Alloc alloc, void *ud, void *p, size_t *cap, size_t need, size_t elem) {
  size_t ncap = *cap ? *cap : 256;
  void *np;
  if (need <= *cap) return p;
  if (alloc == NULL) luaL_error(L, "writer: a fixed buffer overflowed");
  while (ncap < need) {
    if (ncap > ((size_t)-1) / 4 / elem) break;
    ncap *= 2;
  }
  np = ncap < need ? NULL : alloc(ud, p, *cap * elem, ncap * elem);
  if (np == NULL) {  /* the bare message, as Lua's own: fatal to parley_is_fatal, no position */
    lua_pushliteral(L, "not enough memory");
    lua_error(L);
  }
  *cap = ncap;
  return np;
}

void wb_free(wbuf *b) {
  if (b->p && b->alloc) b->alloc(b->ud, b->p, b->cap, 0);
  b->p = NULL;
  b->n = b->cap = 0;
}

/* ---------------------------------------------------------------- characters */

const char esc_fffd[] = "\xEF\xBF\xBD";

int esc_seq(const char *s, size_t n, int32_t *cp) {
  if ((unsigned char)s[0] < 0x80) { *cp = (unsigned char)s[0]; return 1; }
  return parley_utf8_seq((const unsigned char *)s, n, cp);
}

/* What a terminal must not receive raw: C0 and C1 controls, DEL, bidirectional overrides and isolates. */
static int unsafe(int32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

uint32_t esc_cp_width(int32_t cp) {
  int w = utf8proc_charwidth(cp);
  return w < 0 ? 1u : (uint32_t)w;
}

/* ---------------------------------------------------------------- numbers */

/* The locale's decimal point turned into '.', in buf[0..n). */
static void point_to_dot(char *buf, size_t n) {
  char point = localeconv()->decimal_point[0];
  size_t k;
  if (point == '.' || point == '\0') return;
  for (k = 0; k < n; k++) if (buf[k] == point) buf[k] = '.';
}

size_t esc_machine_number(char *buf, size_t size, lua_Number v) {
  int prec;
  size_t n = 0;
  for (prec = 15; prec <= 17; prec++) {
    n = (size_t)snprintf(buf, size, "%.*g", prec, (double)v);
    if (strtod(buf, NULL) == (double)v) break;
  }
  if (n >= size) n = size - 1;
  point_to_dot(buf, n);
  if (!strpbrk(buf, ".e") && n + 3 < size) { buf[n++] = '.'; buf[n++] = '0'; buf[n] = '\0'; }
  return n;
}

size_t esc_int_digits(char *buf, lua_Integer v) {
  char tmp[24];
  size_t n = 0, k = 0;
  lua_Unsigned u = v < 0 ? 0u - (lua_Unsigned)v : (lua_Unsigned)v;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) buf[k++] = '-';
  while (n) buf[k++] = tmp[--n];
  buf[k] = '\0';
  return k;
}

/* digits[0..n) ("-" and digits) in groups of three separated by spaces. */
static size_t group(const char *digits, size_t n, char *buf, size_t size) {
  size_t i = 0, k = 0, left;
  if (n > 0 && digits[0] == '-') { buf[k++] = '-'; i = 1; }
  left = n - i;
  for (; i < n && k + 2 < size; i++) {
    buf[k++] = digits[i];
    if (--left > 0 && left % 3 == 0) buf[k++] = ' ';
  }
  buf[k] = '\0';
  return k;
}

size_t esc_human_int(char *buf, size_t size, lua_Integer v, int plain) {
  char tmp[32];
  size_t n = esc_int_digits(tmp, v);
  if (plain || (v > -10000 && v < 10000)) { memcpy(buf, tmp, n + 1); return n; }
  return group(tmp, n, buf, size);
}

size_t wr_human_number(char *buf, size_t size, lua_Number v, int is_int, int plain) {
  char tmp[64];
  size_t n, ip;
  const char *dot;
  if (is_int && fabs((double)v) < 9007199254740992.0) return esc_human_int(buf, size, (lua_Integer)v, plain);
  if (isnan(v)) return (size_t)snprintf(buf, size, "nan");
  if (isinf(v)) return (size_t)snprintf(buf, size, v > 0 ? "inf" : "-inf");
  if (fabs((double)v) >= 1e15 || (v != 0 && fabs((double)v) < 1e-4)) {
    n = (size_t)snprintf(buf, size, "%.4g", (double)v);
    point_to_dot(buf, n);
    return n;
  }
  n = (size_t)snprintf(tmp, sizeof tmp, "%.4f", v == 0 ? 0.0 : (double)v);  /* no "-0.0000" */
  point_to_dot(tmp, n);
  dot = strchr(tmp, '.');
  ip = dot ? (size_t)(dot - tmp) : n;
  if (plain || fabs((double)v) < 10000) { memcpy(buf, tmp, n + 1); return n; }
  {
    size_t m = group(tmp, ip, buf, size);
    if (m + (n - ip) + 1 > size) { memcpy(buf, tmp, n + 1); return n; }
    memcpy(buf + m, tmp + ip, n - ip + 1);
    return m + (n - ip);
  }
}

const char *wr_push_count(lua_State *L, lua_Integer n, const char *noun) {
  char num[32];
  esc_human_int(num, sizeof num, n, 0);
  return lua_pushfstring(L, "%s %s%s", num, noun, n == 1 ? "" : "s");
}

/* ---------------------------------------------------------------- escaping for programs */

/*
** Word-at-a-time tests on 8 bytes (as load.c's): any byte below n (n <=
** 128), any byte equal to c, any byte of 0x80 or above.  Text that needs no
** escape is skipped eight bytes at a time.
*/
#define ONES  ((uint64_t)0x0101010101010101u)
#define HIGHS ((uint64_t)0x8080808080808080u)
#define BELOW(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)
#define HAS(x, c) BELOW((x) ^ (ONES * (unsigned char)(c)), 1)

static inline uint64_t word_at(const char *s) {
  uint64_t x;
  memcpy(&x, s, 8);
  return x;
}

/*
** Skip whole words of bytes that are printable ASCII and none of special:
** the first 8-byte word at or after i that holds a byte below 0x20, 0x7F or
** above, or a special one (the rest is left to a byte-by-byte look).
*/
static size_t skip_plain(const char *s, size_t i, size_t n, const char *special) {
  while (i + 8 <= n) {
    uint64_t x = word_at(s + i), hit = (x & HIGHS) | BELOW(x, 0x20) | HAS(x, 0x7F);
    const char *sp;
    for (sp = special; *sp && !hit; sp++) hit |= HAS(x, *sp);
    if (hit) break;
    i += 8;
  }
  return i;
}

void esc_tsv(lua_State *L, wbuf *b, const char *s, size_t n) {
  size_t i, from = 0;
  for (i = 0; i < n; i++) {
    const char *e;
    while (i + 8 <= n) {                                      /* no tab, line end or backslash: skip */
      uint64_t x = word_at(s + i);
      if (BELOW(x, '\r' + 1) | HAS(x, '\\')) break;
      i += 8;
    }
    if (i >= n) break;
    if ((unsigned char)s[i] > '\r' && s[i] != '\\') continue;     /* the common case */
    e = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r" : s[i] == '\\' ? "\\\\" : NULL;
    if (!e) continue;
    wb_add(L, b, s + from, i - from);
    wb_add(L, b, e, 2);
    from = i + 1;
  }
  wb_add(L, b, s + from, n - from);
}

void esc_csv(lua_State *L, wbuf *b, const char *s, size_t n) {
  size_t i, from = 0;
  int quote = 0;
  for (i = 0; i < n && !quote; i++) quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (!quote) { wb_add(L, b, s, n); return; }
  wb_addc(L, b, '"');
  for (i = 0; i < n; i++) {
    if (s[i] != '"') continue;
    wb_add(L, b, s + from, i + 1 - from);
    wb_addc(L, b, '"');
    from = i + 1;
  }
  wb_add(L, b, s + from, n - from);
  wb_addc(L, b, '"');
}

/*
** Copy s[0..n) into b, each character that rule replaces by its
** replacement.  rule(c, cp, valid, tmp) sees the first byte, the code point
** and whether it is valid UTF-8 (a byte that is not counts as one), and
** returns the replacement (it may write it into tmp) or NULL to keep it.
*/
typedef const char *escape_rule(unsigned char c, int32_t cp, int valid, char tmp[8]);

static void escape(lua_State *L, wbuf *b, const char *s, size_t n, escape_rule *rule, const char *special) {
  size_t i = 0, from = 0;
  uint64_t mark[2] = { 0, 0 };          /* the printable ASCII bytes rule may replace */
  const char *sp;
  for (sp = special; *sp; sp++) mark[(unsigned char)*sp >> 6] |= 1ull << ((unsigned char)*sp & 63);
  while (i < n) {
    unsigned char c;
    int32_t cp;
    int k;
    char tmp[8];
    const char *e;
    i = skip_plain(s, i, n, special);
    if (i >= n) break;
    c = (unsigned char)s[i];
    cp = c;
    if (c >= 0x20 && c < 0x7F && !(mark[c >> 6] & (1ull << (c & 63)))) { i++; continue; }  /* kept */
    k = esc_seq(s + i, n - i, &cp);
    e = rule(c, cp, k > 0, tmp);
    if (k == 0) k = 1;
    if (e) {
      wb_add(L, b, s + from, i - from);
      wb_addz(L, b, e);
      from = i + (size_t)k;
    }
    i += (size_t)k;
  }
  wb_add(L, b, s + from, n - from);
}

/* JSON: UTF-8 kept as is, controls and U+2028/9 as escapes, bytes that are not UTF-8 as U+FFFD. */
static const char *json_rule(unsigned char c, int32_t cp, int valid, char tmp[8]) {
  if (c == '"') return "\\\"";
  if (c == '\\') return "\\\\";
  if (c == '\n') return "\\n";
  if (c == '\r') return "\\r";
  if (c == '\t') return "\\t";
  if (c < 0x20 || (valid && (cp == 0x2028 || cp == 0x2029))) {
    snprintf(tmp, 8, "\\u%04x", (unsigned)cp);
    return tmp;
  }
  return valid ? NULL : esc_fffd;
}

void esc_json(lua_State *L, wbuf *b, const char *s, size_t n) {
  wb_addc(L, b, '"');
  escape(L, b, s, n, json_rule, "\"\\");
  wb_addc(L, b, '"');
}

/* html, in elements and attributes: newlines as <br>, bad bytes and controls as U+FFFD. */
static const char *html_rule(unsigned char c, int32_t cp, int valid, char tmp[8]) {
  (void)tmp;
  if (!valid || (cp < 0x20 && c != '\n' && c != '\r' && c != '\t') || cp == 0x7F) return esc_fffd;
  return c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" :
         c == '\'' ? "&#39;" : c == '\n' ? "<br>" : c == '\r' ? "" : NULL;
}

void esc_html(lua_State *L, wbuf *b, const char *s, size_t n) {
  escape(L, b, s, n, html_rule, "&<>\"'");
}

/* ---------------------------------------------------------------- text for a reader */

#define MD_SPECIAL "|\\*_`[]<>&"

/* A printable ASCII byte that mode shows as it is (one column). */
static int plain_byte(unsigned char c, int md) {
  if (c < 0x20 || c >= 0x7F) return 0;
  if (!md) return 1;
  switch (c) {
    case '|': case '\\': case '*': case '_': case '`': case '[': case ']': case '<': case '>': case '&':
      return 0;
    default: return 1;
  }
}

/* What mode shows for the white space or line separator c (code point cp) at s[0..n), or NULL: none of them. */
static const char *blank(int mode, unsigned char c, int32_t cp, const char *s, size_t n) {
  int line_sep = cp == 0x2028 || cp == 0x2029;
  if (c != '\t' && c != '\n' && c != '\r' && !line_sep) return NULL;
  switch (mode) {
    case ESC_CELL: return " ";
    case ESC_TEXT:
      if (c == '\n' || c == '\t') return c == '\n' ? "\n" : "\t";
      if (c == '\r' && n > 1 && s[1] == '\n') return "";       /* CR LF: the LF makes the newline */
      return esc_fffd;
    default:
      if (line_sep) return NULL;
      return c == '\t' ? "\t" : c == '\n' ? "<br>" : "";
  }
}

uint32_t esc_shown(lua_State *L, wbuf *b, const char *s, size_t n, int mode) {
  size_t i = 0;
  uint32_t width = 0;
  int md = mode == ESC_MD;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    int32_t cp = c;
    int k;
    const char *rep = NULL;
    if (plain_byte(c, md)) {            /* a run of plain ASCII: one copy */
      size_t j = skip_plain(s, i, n, md ? MD_SPECIAL : "");
      while (j < n && plain_byte((unsigned char)s[j], md)) j++;
      wb_add(L, b, s + i, j - i);
      width += (uint32_t)(j - i);
      i = j;
      continue;
    }
    k = esc_seq(s + i, n - i, &cp);
    if (k == 0) { rep = esc_fffd; k = 1; }
    else if ((rep = blank(mode, c, cp, s + i, n - i)) != NULL) {}
    else if (unsafe(cp)) rep = esc_fffd;
    else if (md && c == '<') rep = "&lt;";
    else if (md && c == '>') rep = "&gt;";
    else if (md && c == '&') rep = "&amp;";
    else if (md && c < 0x7F) {          /* | \ * _ ` [ ] */
      char e[3] = { '\\', (char)c, '\0' };
      wb_add(L, b, e, 2);
      width += 2;
      i++;
      continue;
    }
    if (rep) {
      wb_addz(L, b, rep);
      width += rep == esc_fffd ? 1u : rep[0] == '\n' ? 0u : (uint32_t)strlen(rep);
    } else {
      wb_add(L, b, s + i, (size_t)k);
      width += esc_cp_width(cp);
    }
    i += (size_t)k;
  }
  return width;
}

void esc_md_caption(lua_State *L, wbuf *b, const char *s, size_t n) {
  size_t at = b->n, i, d;
  esc_shown(L, b, s, n, ESC_MD);
  for (i = at; i < b->n && b->p[i] == ' '; i++) {}
  if (i >= b->n) return;
  for (d = i; d < b->n && d - i < 9 && b->p[d] >= '0' && b->p[d] <= '9'; d++) {}
  if (d > i && d < b->n && (b->p[d] == '.' || b->p[d] == ')')) i = d;   /* "1962. " would start a list */
  else if (!strchr("#-+=~", b->p[i])) return;                         /* a heading, a list, a rule */
  wb_addc(L, b, '\\');
  memmove(b->p + i + 1, b->p + i, b->n - 1 - i);
  b->p[i] = '\\';
}

uint32_t esc_width(const char *s, size_t n) {
  size_t i = 0;
  uint32_t width = 0;
  while (i < n) {
    int32_t cp;
    int k;
    if ((unsigned char)s[i] < 0x80) { width++; i++; continue; }
    k = esc_seq(s + i, n - i, &cp);
    if (k == 0) { k = 1; cp = 0xFFFD; }
    width += esc_cp_width(cp);
    i += (size_t)k;
  }
  return width;
}

size_t esc_clip(const char *s, size_t n, uint32_t *width, uint32_t limit, int from_left, size_t *skip) {
  size_t i = 0;
  *skip = 0;
  if (*width <= limit) return n;
  if (from_left) {
    uint32_t w = *width;
    while (i < n && w > limit) {
      int32_t cp;
      int k = esc_seq(s + i, n - i, &cp);
      if (k == 0) { k = 1; cp = 0xFFFD; }
      w -= esc_cp_width(cp);
      i += (size_t)k;
    }
    *skip = i;
    *width = w;
    return n - i;
  } else {
    uint32_t used = 0;
    while (i < n) {
      int32_t cp;
      int k = esc_seq(s + i, n - i, &cp);
      uint32_t cw;
      if (k == 0) { k = 1; cp = 0xFFFD; }
      cw = esc_cp_width(cp);
      if (used + cw > limit) break;
      used += cw;
      i += (size_t)k;
    }
    *width = used;
    return i;
  }
}

/*
** Write s[0..n) to f as ESC_TEXT shows it, without allocating (the report
** of an out-of-memory error comes through here): in pieces of at most
** PIECE bytes, each ending on a character boundary and never between a CR
** and its LF, shown into a fixed buffer of the largest size a piece can
** take (each byte at most one U+FFFD).
*/
#define PIECE 256

void wr_clean_file(lua_State *L, FILE *f, const char *s, size_t n) {
  char out[3 * (PIECE + 4)];
  size_t i = 0;
  while (i < n) {
    size_t end = n - i > PIECE ? i + PIECE : n, back = 0;
    wbuf b = { out, 0, sizeof out, NULL, NULL };
    while (end < n && back < 3 && ((unsigned char)s[end] & 0xC0) == 0x80) { end--; back++; }
    if (back == 3 && ((unsigned char)s[end] & 0xC0) == 0x80) end += 3;  /* not UTF-8 anyway */
    if (end < n && s[end - 1] == '\r' && s[end] == '\n') end++;
    esc_shown(L, &b, s + i, end - i, ESC_TEXT);
    fwrite(b.p, 1, b.n, f);
    i = end;
  }
}
