/*
** text.c — parley.text: strict UTF-8 validation, normalisation, case
** folding, code-point indexing, display width, general categories and
** grapheme clusters, over utf8proc.  parley_fold and parley_utf8_seq are
** shared with the tokeniser and the index builder (parley.h).
**
** Memory: utf8proc_map is never called.  Every transformation decomposes
** into a code-point scratch (on the C stack, or a Lua userdata when large)
** and re-encodes it in place, so nothing malloc'ed ever meets a Lua error
** (parley_decompose's sort scratch is freed before it returns).  Canonical
** ordering is parley_decompose's, linear in a run of marks, not utf8proc's
** quadratic one; parley_nfc_map gives the loaders (load.c, tei.c) NFC so.
** ASCII takes byte loops throughout; utf8proc sees only non-ASCII runs.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "parley.h"

/* Code points mapped in a C-stack scratch before falling back to a userdata. */
#define SCRATCH 256

#define FOLD_OPTS (UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_COMPAT | \
                   UTF8PROC_COMPOSE | UTF8PROC_STABLE)
#define CASEFOLD_OPTS (UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE)
#define NFC_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

#define IS_CONT(c) (((c) & 0xC0) == 0x80)

static inline unsigned char ascii_lower(unsigned char c) {
  return (unsigned char)((unsigned)(c - 'A') < 26u ? c | 0x20 : c);
}

static inline unsigned char ascii_upper(unsigned char c) {
  return (unsigned char)((unsigned)(c - 'a') < 26u ? c & ~0x20 : c);
}

/*
** Strict decoder: length (1..4) of the sequence at s and its code point in
** *cp, or 0 for a truncated sequence, a stray continuation byte, an
** overlong form, a surrogate or a value above U+10FFFF (*cp untouched).
*/
static inline int utf8_seq(const unsigned char *s, size_t len, int32_t *cp) {
  unsigned c;
  if (len == 0) return 0;
  c = s[0];
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c < 0xC2) return 0;  /* continuation byte, or overlong 2-byte lead */
  if (c < 0xE0) {
    if (len < 2 || !IS_CONT(s[1])) return 0;
    *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
    return 2;
  }
  if (c < 0xF0) {
    if (len < 3 || !IS_CONT(s[1]) || !IS_CONT(s[2])) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;   /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0;  /* surrogate */
    *cp = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
    return 3;
  }
  if (c < 0xF5) {
    if (len < 4 || !IS_CONT(s[1]) || !IS_CONT(s[2]) || !IS_CONT(s[3])) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;   /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0;  /* above U+10FFFF */
    *cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
                    ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
    return 4;
  }
  return 0;
}

int parley_utf8_seq(const unsigned char *s, size_t len, int32_t *cp) {
  return utf8_seq(s, len, cp);
}

/* Byte offset + 1 of the first invalid sequence in s[0..len), or 0. */
static size_t utf8_check(const unsigned char *s, size_t len) {
  size_t i = 0;
  int32_t cp;
  while (i < len) {
    int n;
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    n = utf8_seq(s + i, len - i, &cp);
    if (n == 0) return i + 1;
    i += (size_t)n;
  }
  return 0;
}

static int bad_utf8(lua_State *L, size_t bad) {
  return luaL_error(L, "invalid UTF-8 at byte %I", (lua_Integer)bad);
}

/* luaL_checklstring that also raises on invalid UTF-8. */
static const char *check_utf8(lua_State *L, int arg, size_t *len) {
  const char *s = luaL_checklstring(L, arg, len);
  size_t bad = utf8_check((const unsigned char *)s, *len);
  if (bad) bad_utf8(L, bad);
  return s;
}

/* ---------------------------------------------------------------- canonical ordering */

#define CCC(cp) (utf8proc_get_property(cp)->combining_class)

/*
** Put the run v[0..n) of non-starters in canonical order: a stable sort by
** combining class (insertion for a short run, counting for a long one, in
** tmp, room for n).  utf8proc's own exchange sort does the same in time
** quadratic in the run's length, which hostile text makes as long as it
** likes (a base and 40 000 alternating marks: 6 s; a megabyte of them: hours).
*/
static void order_run(utf8proc_int32_t *v, size_t n, utf8proc_int32_t *tmp) {
  size_t i, pos[256], count[256];
  if (n <= 32 || tmp == NULL) {
    for (i = 1; i < n; i++) {
      utf8proc_int32_t c = v[i];
      int k = CCC(c);
      size_t j = i;
      while (j > 0 && CCC(v[j - 1]) > k) { v[j] = v[j - 1]; j--; }
      v[j] = c;
    }
    return;
  }
  memset(count, 0, sizeof count);
  for (i = 0; i < n; i++) count[CCC(v[i])]++;
  pos[0] = 0;
  for (i = 1; i < 256; i++) pos[i] = pos[i - 1] + count[i - 1];
  for (i = 0; i < n; i++) tmp[pos[CCC(v[i])]++] = v[i];
  memcpy(v, tmp, n * sizeof *v);
}

utf8proc_ssize_t parley_decompose(const utf8proc_uint8_t *s, utf8proc_ssize_t len, utf8proc_int32_t *buf,
                                  utf8proc_ssize_t bufsize, utf8proc_option_t opts) {
  utf8proc_ssize_t i = 0, w = 0, a, longest = 0;
  int bound = 0;
  utf8proc_int32_t *tmp = NULL;
  while (i < len) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(s + i, len - i, &cp), d;
    if (k < 0) return k;
    i += k;
    d = utf8proc_decompose_char(cp, w < bufsize ? buf + w : NULL, w < bufsize ? bufsize - w : 0, opts, &bound);
    if (d < 0) return d;
    if (d > PTRDIFF_MAX - w) return UTF8PROC_ERROR_OVERFLOW;
    w += d;
  }
  if (w > bufsize || !(opts & (UTF8PROC_COMPOSE | UTF8PROC_DECOMPOSE))) return w;
  for (a = 0; a < w;) {                 /* the longest run of non-starters sizes the scratch */
    utf8proc_ssize_t b = a;
    while (b < w && CCC(buf[b]) > 0) b++;
    if (b - a > longest) longest = b - a;
    a = b > a ? b : a + 1;
  }
  if (longest > 32 && (tmp = malloc((size_t)longest * sizeof *tmp)) == NULL) return UTF8PROC_ERROR_NOMEM;
  for (a = 0; a < w;) {
    utf8proc_ssize_t b = a;
    while (b < w && CCC(buf[b]) > 0) b++;
    if (b - a > 1) order_run(buf + a, (size_t)(b - a), tmp);
    a = b > a ? b : a + 1;
  }
  free(tmp);
  return w;
}

utf8proc_ssize_t parley_nfc_map(const utf8proc_uint8_t *s, utf8proc_ssize_t len, utf8proc_uint8_t **dst) {
  utf8proc_ssize_t cap = len + 16, n, m;
  utf8proc_int32_t *buf;
  *dst = NULL;
  if (len < 0 || len > PTRDIFF_MAX / 4 - 16) return UTF8PROC_ERROR_OVERFLOW;
  for (;;) {
    /* reencode writes one NUL past the text: keep a spare code point */
    if ((buf = malloc(((size_t)cap + 1) * sizeof *buf)) == NULL) return UTF8PROC_ERROR_NOMEM;
    n = parley_decompose(s, len, buf, cap, NFC_OPTS);
    if (n < 0 || n <= cap) break;
    free(buf);
    if (n > PTRDIFF_MAX / 4 - 1) return UTF8PROC_ERROR_OVERFLOW;
    cap = n;
  }
  if (n < 0) { free(buf); return n; }
  m = utf8proc_reencode(buf, n, NFC_OPTS);
  if (m < 0) { free(buf); return m; }
  *dst = (utf8proc_uint8_t *)buf;
  return m;
}

/*
** Map the valid UTF-8 s[0..len) through utf8proc with opts and append the
** result to b.  A large result decomposes into a userdata that is pushed
** and removed between buffer operations (balanced stack use, Lua-owned).
** Returns 0 or a negative utf8proc error code.
*/
static utf8proc_ssize_t map_add(luaL_Buffer *b, const char *s, size_t len,
                                utf8proc_option_t opts) {
  utf8proc_int32_t stack[SCRATCH], *buf;
  utf8proc_ssize_t n, m;
  lua_State *L = b->L;
  if (len > (size_t)PTRDIFF_MAX) return UTF8PROC_ERROR_OVERFLOW;
  /* reencode writes one NUL past the text: keep a spare code point */
  n = parley_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                       stack, SCRATCH - 1, opts);
  if (n < 0) return n;
  if (n < SCRATCH) {
    m = utf8proc_reencode(stack, n, opts);
    if (m < 0) return m;
    luaL_addlstring(b, (const char *)stack, (size_t)m);
    return 0;
  }
  if ((size_t)n > (SIZE_MAX - 1) / sizeof *buf) return UTF8PROC_ERROR_OVERFLOW;
  buf = (utf8proc_int32_t *)lua_newuserdatauv(L, (size_t)n * sizeof *buf + 1, 0);
  m = parley_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, buf, n, opts);
  if (m == n) m = utf8proc_reencode(buf, n, opts);
  else if (m >= 0) m = UTF8PROC_ERROR_OVERFLOW;
  if (m < 0) {
    lua_pop(L, 1);
    return m;
  }
  lua_pushlstring(L, (const char *)buf, (size_t)m);
  lua_remove(L, -2);  /* drop the scratch, keep the string for addvalue */
  luaL_addvalue(b);
  return 0;
}

/*
** Fold s[0..len) into b as alternating runs.  An ASCII run is lowercased
** byte by byte.  A maximal run of non-ASCII sequences goes through utf8proc
** together with the ASCII byte before it (a mark may attach to that base);
** nothing composes across the run's end, as ASCII is never a combining
** character.
*/
size_t parley_fold(luaL_Buffer *b, const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    size_t j = i, k, e;
    utf8proc_ssize_t r;
    while (j < len && u[j] < 0x80) j++;
    k = (j < len && j > i) ? j - 1 : j;  /* the base byte joins the next run */
    if (k > i) {
      char *p = luaL_prepbuffsize(b, k - i);
      size_t t;
      for (t = i; t < k; t++) p[t - i] = (char)ascii_lower(u[t]);
      luaL_addsize(b, k - i);
    }
    if (j == len) break;
    for (e = j; e < len && u[e] >= 0x80;) {
      int32_t cp;
      int n = utf8_seq(u + e, len - e, &cp);
      if (n == 0) return e + 1;
      e += (size_t)n;
    }
    {
      size_t n0 = luaL_bufflen(b), n1, at, to;
      char *p;
      r = map_add(b, s + k, e - k, FOLD_OPTS);
      if (r < 0) luaL_error(b->L, "fold: %s", utf8proc_errmsg(r));
      /* typographic apostrophes fold to ' so that Castro’s finds Castro's */
      p = luaL_buffaddr(b);
      n1 = luaL_bufflen(b);
      for (at = to = n0; at < n1; ) {
        if (at + 2 < n1 && (unsigned char)p[at] == 0xE2 && (unsigned char)p[at + 1] == 0x80 &&
            ((unsigned char)p[at + 2] == 0x98 || (unsigned char)p[at + 2] == 0x99)) {
          p[to++] = '\'';
          at += 3;
        } else {
          p[to++] = p[at++];
        }
      }
      luaL_buffsub(b, n1 - to);
    }
    i = e;
  }
  return 0;
}

/* valid(s): true, or false, byte offset, line, column of the first invalid sequence. */
static int text_valid(lua_State *L) {
  size_t len, bad, i;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer line = 1, col = 1;
  bad = utf8_check(s, len);
  if (bad == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  for (i = 0; i < bad - 1; i++) {
    if (s[i] == '\n') {
      line++;
      col = 1;
    } else if (!IS_CONT(s[i])) {
      col++;
    }
  }
  lua_pushboolean(L, 0);
  lua_pushinteger(L, (lua_Integer)bad);
  lua_pushinteger(L, line);
  lua_pushinteger(L, col);
  return 4;
}

static int push_mapped(lua_State *L, utf8proc_option_t opts) {
  size_t len;
  const char *s = check_utf8(L, 1, &len);
  luaL_Buffer b;
  utf8proc_ssize_t r;
  luaL_buffinit(L, &b);
  r = map_add(&b, s, len, opts);
  if (r < 0) return luaL_error(L, "%s", utf8proc_errmsg(r));
  luaL_pushresult(&b);
  return 1;
}

static int text_normalize(lua_State *L) {
  static const char *const forms[] = {"NFC", "NFD", "NFKC", "NFKD", NULL};
  static const utf8proc_option_t opts[] = {
    UTF8PROC_COMPOSE,
    UTF8PROC_DECOMPOSE,
    UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
  };
  int form = luaL_checkoption(L, 2, "NFC", forms);
  return push_mapped(L, opts[form] | UTF8PROC_STABLE);
}

static int text_casefold(lua_State *L) {
  return push_mapped(L, CASEFOLD_OPTS);
}

static int text_fold(lua_State *L) {
  size_t len, bad;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  bad = parley_fold(&b, s, len);
  if (bad) return bad_utf8(L, bad);
  luaL_pushresult(&b);
  return 1;
}

/* upper/lower: simple per-code-point case mapping, ASCII runs by byte loop. */
static int map_case(lua_State *L, int upper) {
  size_t len, i = 0;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (i < len) {
    size_t j = i;
    while (j < len && s[j] < 0x80) j++;
    if (j > i) {
      char *p = luaL_prepbuffsize(&b, j - i);
      size_t t;
      for (t = i; t < j; t++) p[t - i] = (char)(upper ? ascii_upper(s[t]) : ascii_lower(s[t]));
      luaL_addsize(&b, j - i);
    }
    for (i = j; i < len && s[i] >= 0x80;) {
      int32_t cp;
      int n = utf8_seq(s + i, len - i, &cp);
      utf8proc_uint8_t *p;
      if (n == 0) return bad_utf8(L, i + 1);
      cp = upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
      p = (utf8proc_uint8_t *)luaL_prepbuffsize(&b, 4);
      luaL_addsize(&b, (size_t)utf8proc_encode_char(cp, p));
      i += (size_t)n;
    }
  }
  luaL_pushresult(&b);
  return 1;
}

static int text_upper(lua_State *L) {
  return map_case(L, 1);
}

static int text_lower(lua_State *L) {
  return map_case(L, 0);
}

/* len(s): number of code points, or fail and the byte offset of the first invalid one. */
static int text_len(lua_State *L) {
  size_t len, i = 0;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer n = 0;
  while (i < len) {
    int32_t cp;
    int k = s[i] < 0x80 ? 1 : utf8_seq(s + i, len - i, &cp);
    if (k == 0) {
      luaL_pushfail(L);
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 2;
    }
    i += (size_t)k;
    n++;
  }
  lua_pushinteger(L, n);
  return 1;
}

/* Byte length of the code point at s[i] (i < len); raises on invalid UTF-8. */
static size_t step(lua_State *L, const unsigned char *s, size_t len, size_t i) {
  int32_t cp;
  int n = s[i] < 0x80 ? 1 : utf8_seq(s + i, len - i, &cp);
  if (n == 0) bad_utf8(L, i + 1);
  return (size_t)n;
}

/*
** sub(s, i, j): code points i..j with string.sub's index rules.  Negative
** indexes count the whole string; otherwise only the part up to j is
** walked (and checked).
*/
static int text_sub(lua_State *L) {
  size_t len, p = 0, start;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer j = luaL_optinteger(L, 3, -1);
  lua_Integer c = 1;
  if (i < 0 || j < 0) {
    lua_Integer n = 0;
    size_t q;
    for (q = 0; q < len; q += step(L, s, len, q)) n++;
    if (i < 0) i = n + i + 1;
    if (j < 0) j = n + j + 1;
  }
  if (i < 1) i = 1;
  if (j < i) {
    lua_pushliteral(L, "");
    return 1;
  }
  for (; c < i && p < len; c++) p += step(L, s, len, p);
  start = p;
  for (; c <= j && p < len; c++) p += step(L, s, len, p);
  lua_pushlstring(L, (const char *)s + start, p - start);
  return 1;
}

/* width(s): display columns, the sum of utf8proc_charwidth over code points. */
static int text_width(lua_State *L) {
  size_t len, i = 0;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer w = 0;
  while (i < len) {
    int32_t cp;
    int n = utf8_seq(s + i, len - i, &cp);
    if (n == 0) return bad_utf8(L, i + 1);
    w += utf8proc_charwidth(cp);
    i += (size_t)n;
  }
  lua_pushinteger(L, w);
  return 1;
}

/* category(c): general category ("Lu", "Mn", ...) of a code point or a one-character string. */
static int text_category(lua_State *L) {
  lua_Integer cp;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t len;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, 1, &len);
    int32_t c = 0;
    int n = utf8_seq(s, len, &c);
    luaL_argcheck(L, n > 0 && (size_t)n == len, 1, "expected a single UTF-8 character");
    cp = c;
  } else {
    cp = luaL_checkinteger(L, 1);
    luaL_argcheck(L, 0 <= cp && cp <= 0x10FFFF, 1, "code point out of range");
  }
  lua_pushstring(L, utf8proc_category_string((utf8proc_int32_t)cp));
  return 1;
}

/* Byte length of the grapheme cluster starting at s[pos] (pos < len); raises on invalid UTF-8. */
static size_t cluster_len(lua_State *L, const unsigned char *s, size_t len, size_t pos) {
  utf8proc_int32_t state = 0;
  int32_t c1, c2;
  size_t p = pos;
  int n = utf8_seq(s + p, len - p, &c1);
  if (n == 0) bad_utf8(L, p + 1);
  for (p += (size_t)n; p < len; p += (size_t)n) {
    n = utf8_seq(s + p, len - p, &c2);
    if (n == 0) bad_utf8(L, p + 1);
    /* two ASCII code points always break, except CR LF */
    if (c1 < 0x80 && c2 < 0x80) {
      if (c1 != '\r' || c2 != '\n') break;
    } else if (utf8proc_grapheme_break_stateful(c1, c2, &state)) {
      break;
    }
    c1 = c2;
  }
  return p - pos;
}

/*
** Stateless iterator: the control value is the byte start of the previous
** cluster (0 before the first); that cluster is re-measured to find the
** next start, so a step allocates only the returned string.
*/
static int graphemes_iter(lua_State *L) {
  size_t len, pos = 0, n;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer prev = luaL_checkinteger(L, 2);
  luaL_argcheck(L, prev >= 0, 2, "negative position");
  if (prev > 0) {
    if ((lua_Unsigned)prev > len) return 0;
    pos = (size_t)prev - 1;
    pos += cluster_len(L, s, len, pos);
  }
  if (pos >= len) return 0;
  n = cluster_len(L, s, len, pos);
  lua_pushinteger(L, (lua_Integer)pos + 1);
  lua_pushlstring(L, (const char *)s + pos, n);
  return 2;
}

/* graphemes(s): for start, g in graphemes(s) — byte start and cluster text. */
static int text_graphemes(lua_State *L) {
  luaL_checkstring(L, 1);
  lua_pushcfunction(L, graphemes_iter);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

static const luaL_Reg text_funcs[] = {
  {"valid",     text_valid},
  {"normalize", text_normalize},
  {"casefold",  text_casefold},
  {"fold",      text_fold},
  {"upper",     text_upper},
  {"lower",     text_lower},
  {"len",       text_len},
  {"sub",       text_sub},
  {"width",     text_width},
  {"category",  text_category},
  {"graphemes", text_graphemes},
  {NULL, NULL}
};

int luaopen_parley_text(lua_State *L) {
  luaL_newlib(L, text_funcs);
  lua_pushstring(L, utf8proc_unicode_version());
  lua_setfield(L, -2, "unicode");
  return 1;
}
