/*
** load.c — reading a source document into normalised text (parley.h):
** BOM stripped, CRLF and lone CR turned into LF, UTF-8 validated strictly
** (or repaired with U+FFFD), NUL refused, NFC.  pl_load_file and
** pl_load_buffer are pure C with no global state, so the index builder may
** call them from several threads; `parley.loader` wraps them for Lua.
**
** One pass over the input.  ASCII is copied eight bytes at a time until a
** byte that needs attention (>= 0x80, CR or NUL).  Each maximal run of
** non-ASCII characters is validated while it is copied; unless the quick
** check (nfc_inert) shows it is NFC already, it is then handed to utf8proc
** with the ASCII character before it (a combining mark may follow an ASCII
** base).  Nothing composes or reorders across an ASCII character, so
** utf8proc never sees the rest.  Line and column of an error
** are worked out from the input only when an error is reported.
*/
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utf8proc.h>

#include "parley.h"

/* Token offsets are 32-bit, so no source or text may be longer than this. */
#if SIZE_MAX > UINT32_MAX
#define MAX_TEXT ((size_t)UINT32_MAX)
#else
#define MAX_TEXT (SIZE_MAX - 1)
#endif


/* Room for a message naming a long path. */
#define ERRLEN 4352
/* What an invalid UTF-8 message suggests: the option that exists for it. */
#define REPAIR_HINT "--repair (repair = true in parley.open) replaces invalid UTF-8 with U+FFFD"

/* Word-at-a-time tests: any byte with its high bit set, any zero byte. */
#define ONES  ((uint64_t)0x0101010101010101u)
#define HIGHS ((uint64_t)0x8080808080808080u)
#define HAS_ZERO(x) (((x) - ONES) & ~(x) & HIGHS)

enum { LOAD_OK, LOAD_BADUTF8, LOAD_NUL, LOAD_TOOLONG, LOAD_NOMEM };

typedef struct obuf {
  char *b;
  size_t n, cap;   /* bytes used; bytes allocated (always > n, for the NUL) */
} obuf;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (err != NULL && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* "name: strerror(e)", with the thread-safe (XSI) strerror_r. */
static int sys_fail(const char *name, int e, char *err, size_t errlen) {
  char msg[256];
  if (strerror_r(e, msg, sizeof msg) != 0) snprintf(msg, sizeof msg, "error %d", e);
  return fail(err, errlen, "%s: %s", name, msg);
}

static int too_large(const char *name, size_t n, char *err, size_t errlen) {
  return fail(err, errlen, "%s: file too large (%zu bytes; the limit is %zu)",
              name, n, MAX_TEXT);
}

/*
** The sequence at s[0..n), where s[0] >= 0x80: its length (2..4) if it is
** well-formed UTF-8 (no overlong form, surrogate or value above U+10FFFF);
** otherwise 0, with *bad set to the length of its maximal subpart (1..3),
** the bytes that one U+FFFD replaces.
*/
static int utf8_next(const unsigned char *s, size_t n, size_t *bad) {
  unsigned c = s[0], lo = 0x80, hi = 0xBF;
  size_t need, k;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;        /* overlong */
    else if (c == 0xED) hi = 0x9F;   /* surrogate */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;        /* overlong */
    else if (c == 0xF4) hi = 0x8F;   /* above U+10FFFF */
  } else {
    *bad = 1;
    return 0;
  }
  for (k = 1; k <= need; k++) {
    if (k >= n || s[k] < lo || s[k] > hi) {
      *bad = k;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return (int)need + 1;
}

/* The code point of the valid sequence s[0..n), n = 2..4. */
static uint32_t utf8_decode(const unsigned char *s, int n) {
  if (n == 2) return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
  if (n == 3) return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
  return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
         (s[3] & 0x3Fu);
}

/*
** Ranges of assigned characters that are NFC_QC=Yes with combining class 0
** (checked against the Unicode 14 data): in NFC they stay as they are,
** combine with nothing before them and never reorder.  By the quick check
** of UAX #15 a run made only of these, after an ASCII character, is already
** NFC, so utf8proc is not asked: Latin, Greek, Cyrillic, Armenian, Hebrew
** and Arabic letters, punctuation, CJK, kana and Hangul syllables pass
** without it.  Anything else goes through utf8proc.
*/
static const uint32_t inert[][2] = {
  {0x0080, 0x02FF}, {0x0386, 0x0386}, {0x0388, 0x038A}, {0x038C, 0x038C},
  {0x038E, 0x03A1}, {0x03A3, 0x0482}, {0x048A, 0x052F}, {0x0531, 0x0556},
  {0x0561, 0x0587}, {0x05D0, 0x05EA}, {0x0621, 0x064A}, {0x1E00, 0x1EFF},
  {0x2002, 0x2064}, {0x20A0, 0x20BF}, {0x2190, 0x2328}, {0x3041, 0x3096},
  {0x30A1, 0x30FA}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFF01, 0xFF60},
};

static int nfc_inert(uint32_t cp) {
  size_t lo = 0, hi = sizeof inert / sizeof inert[0];
  /* the busiest ranges first (Latin, Cyrillic, punctuation, CJK), without a search */
  if (cp <= 0x02FF || cp - 0x03A3u <= 0x0482u - 0x03A3u || cp - 0x2002u <= 0x2064u - 0x2002u ||
      cp - 0x4E00u <= 0x9FFFu - 0x4E00u) return 1;
  while (lo < hi) {  /* the first range ending at or after cp */
    size_t mid = lo + (hi - lo) / 2;
    if (inert[mid][1] < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < sizeof inert / sizeof inert[0] && inert[lo][0] <= cp;
}

int pl_nfc_inert(uint32_t cp) { return nfc_inert(cp); }

/*
** Line and column (1-based) of byte pos of s[0..len), counting from start
** (after any BOM).  LF, CRLF and CR end lines; columns count characters,
** an invalid subpart (repaired) counting as one.
*/
static void locate(const unsigned char *s, size_t len, size_t start, size_t pos,
                   size_t *line, size_t *col) {
  size_t ln = 1, ls = start, k, c = 0, bad;
  for (k = start; k < pos; k++) {
    if (s[k] == '\n' || s[k] == '\r') {
      if (s[k] == '\r' && k + 1 < pos && s[k + 1] == '\n') k++;
      ln++;
      ls = k + 1;
    }
  }
  for (k = ls; k < pos; c++) {
    int n = s[k] < 0x80 ? 1 : utf8_next(s + k, len - k, &bad);
    k += n ? (size_t)n : bad;
  }
  *line = ln;
  *col = c + 1;
}

/* Make room for extra more bytes and the terminating NUL. */
static int ob_reserve(obuf *o, size_t extra) {
  size_t need, cap;
  char *nb;
  if (extra > MAX_TEXT - o->n) return LOAD_TOOLONG;
  need = o->n + extra + 1;
  if (need <= o->cap) return LOAD_OK;
  cap = o->cap / 2 < MAX_TEXT + 1 - o->cap ? o->cap + o->cap / 2 : MAX_TEXT + 1;
  if (cap < need) cap = need;
  nb = realloc(o->b, cap);
  if (nb == NULL) return LOAD_NOMEM;
  o->b = nb;
  o->cap = cap;
  return LOAD_OK;
}

static int ob_add(obuf *o, const void *p, size_t n) {
  int rc = ob_reserve(o, n);
  if (rc != LOAD_OK) return rc;
  memcpy(o->b + o->n, p, n);
  o->n += n;
  return LOAD_OK;
}

/* The anchors being collected (text and source offsets; lines and columns come later). */
typedef struct abuf { pl_anchor *v; size_t n, cap; } abuf;

static int anchor_add(abuf *a, size_t text, size_t src) {
  if (a->n > 0 && a->v[a->n - 1].text == text) { a->v[a->n - 1].src = (uint32_t)src; return LOAD_OK; }
  if (a->n == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 16;
    pl_anchor *nv = realloc(a->v, cap * sizeof *nv);
    if (nv == NULL) return LOAD_NOMEM;
    a->v = nv;
    a->cap = cap;
  }
  a->v[a->n].text = (uint32_t)text;
  a->v[a->n].src = (uint32_t)src;
  a->v[a->n].line = a->v[a->n].col = 0;
  a->n++;
  return LOAD_OK;
}

/*
** Bring o->b[seg..o->n) (valid UTF-8, read from source offsets src0..src1)
** to NFC.  The result replaces the segment only when it differs, and then
** anchors mark where it starts and ends; utf8proc's buffer is freed at once.
*/
static int nfc_segment(obuf *o, size_t seg, size_t src0, size_t src1, pl_loaded *out, abuf *a) {
  utf8proc_uint8_t *dst = NULL;
  size_t n = o->n - seg;
  int rc = LOAD_OK;
  utf8proc_ssize_t r = parley_nfc_map((const utf8proc_uint8_t *)o->b + seg, (utf8proc_ssize_t)n, &dst);
  if (r < 0) return r == UTF8PROC_ERROR_OVERFLOW ? LOAD_TOOLONG : LOAD_NOMEM;
  if ((size_t)r != n || memcmp(dst, o->b + seg, n) != 0) {
    out->nfc = 1;
    o->n = seg;
    rc = ob_add(o, dst, (size_t)r);
    if (rc == LOAD_OK) rc = anchor_add(a, seg, src0);
    if (rc == LOAD_OK) rc = anchor_add(a, o->n, src1);
  }
  free(dst);
  return rc;
}

/*
** Fill in the line and column of each anchor from its source offset: one
** sweep over the source from start (after a BOM), counting lines as
** locate() does (LF, CRLF, CR) and columns in characters.
*/
static void anchor_lines(const unsigned char *s, size_t len, size_t start, abuf *a) {
  size_t k = start, ln = 1, col = 1, i, bad;
  for (i = 0; i < a->n; i++) {
    size_t to = a->v[i].src;
    while (k < to && k < len) {
      if (s[k] == '\n' || s[k] == '\r') {
        if (s[k] == '\r' && k + 1 < len && s[k + 1] == '\n') k++;
        ln++;
        col = 1;
        k++;
      } else {
        int n = s[k] < 0x80 ? 1 : utf8_next(s + k, len - k, &bad);
        k += n ? (size_t)n : bad;
        col++;
      }
    }
    a->v[i].line = (uint32_t)ln;
    a->v[i].col = (uint32_t)col;
  }
}

/*
** Normalise s[i..len) into o (sized for at least len - i bytes).  Returns
** LOAD_OK, or an error with *where the input offset it concerns.
*/
static int convert(const unsigned char *s, size_t len, size_t i, int repair,
                   obuf *o, pl_loaded *out, abuf *a, size_t *where) {
  static const unsigned char fffd[3] = { 0xEF, 0xBF, 0xBD };
  const uint64_t crs = ONES * '\r';
  int rc, quick;
  size_t src0;
  *where = i;
  for (;;) {
    const unsigned char *p;
    unsigned char *q;
    size_t k = 0, lim = len - i, seg, from;
    if (o->cap - 1 - o->n < lim && (rc = ob_reserve(o, lim)) != LOAD_OK) return rc;
    /* ASCII fast path: copy while no byte is >= 0x80, CR or NUL */
    p = s + i;
    q = (unsigned char *)o->b + o->n;
    while (k + 8 <= lim) {
      uint64_t x;
      memcpy(&x, p + k, 8);
      if ((x | HAS_ZERO(x) | HAS_ZERO(x ^ crs)) & HIGHS) break;
      memcpy(q + k, &x, 8);
      k += 8;
    }
    while (k < lim && p[k] < 0x80 && p[k] != '\r' && p[k] != '\0') {
      q[k] = p[k];
      k++;
    }
    i += k;
    o->n += k;
    if (i == len) return LOAD_OK;
    if (s[i] == '\r') {
      if (i + 1 < len && s[i + 1] == '\n') {
        out->crlf = 1;
        i += 2;
      } else {
        out->cr = 1;
        i++;
      }
      o->b[o->n++] = '\n';
      continue;
    }
    if (s[i] == '\0') {
      *where = i;
      return LOAD_NUL;
    }
    /* a maximal run of non-ASCII characters, with the ASCII byte before it */
    seg = (o->n > 0 && (unsigned char)o->b[o->n - 1] < 0x80) ? o->n - 1 : o->n;
    from = i;
    src0 = seg < o->n ? i - 1 : i;
    quick = 1;
    while (i < len && s[i] >= 0x80) {
      size_t bad;
      int n = utf8_next(s + i, len - i, &bad);
      if (n > 0) {
        if (quick) quick = nfc_inert(utf8_decode(s + i, n));
        i += (size_t)n;
        continue;
      }
      if (!repair) {
        *where = i;
        return LOAD_BADUTF8;
      }
      if ((rc = ob_add(o, s + from, i - from)) != LOAD_OK ||
          (rc = ob_add(o, fffd, sizeof fffd)) != LOAD_OK) return rc;
      out->repaired++;
      quick = 0;
      i += bad;
      from = i;
    }
    if ((rc = ob_add(o, s + from, i - from)) != LOAD_OK) return rc;
    if (!quick && (rc = nfc_segment(o, seg, src0, i, out, a)) != LOAD_OK) return rc;
  }
}

int pl_load_buffer(const char *name, const char *data, size_t len, int repair,
                   pl_loaded *out, char *err, size_t errlen) {
  const unsigned char *s = (const unsigned char *)data;
  size_t start = 0, where = 0, line, col;
  obuf o;
  abuf a = { NULL, 0, 0 };
  int rc;
  memset(out, 0, sizeof *out);
  if (err != NULL && errlen > 0) err[0] = '\0';
  if (name == NULL) name = "?";
  if (data == NULL && len > 0) return fail(err, errlen, "%s: no data", name);
  if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
    out->bom = 1;
    start = 3;
  }
  if (len - start > MAX_TEXT) return too_large(name, len, err, errlen);
  o.n = 0;
  o.cap = len - start + 1;
  o.b = malloc(o.cap);
  if (o.b == NULL) return fail(err, errlen, "%s: not enough memory", name);
  rc = len > start ? convert(s, len, start, repair, &o, out, &a, &where) : LOAD_OK;
  if (rc != LOAD_OK) {
    free(o.b);
    free(a.v);
    memset(out, 0, sizeof *out);
    switch (rc) {
      case LOAD_BADUTF8: {
        size_t bad, k;
        char bytes[24];
        locate(s, len, start, where, &line, &col);
        utf8_next(s + where, len - where, &bad);
        for (k = 0; k < bad; k++)
          snprintf(bytes + 5 * k, sizeof bytes - 5 * k, " 0x%02X", s[where + k]);
        return fail(err, errlen, "%s:%zu:%zu: invalid UTF-8 sequence (byte%s%s); " REPAIR_HINT,
                    name, line, col, bad > 1 ? "s" : "", bytes);
      }
      case LOAD_NUL:
        locate(s, len, start, where, &line, &col);
        return fail(err, errlen, "%s:%zu:%zu: binary file (NUL byte)", name, line, col);
      case LOAD_TOOLONG:
        return fail(err, errlen, "%s: normalised text too large (the limit is %zu bytes)",
                    name, MAX_TEXT);
      default:
        return fail(err, errlen, "%s: not enough memory", name);
    }
  }
  if (o.cap - o.n > o.n / 16 + 4096) {  /* CRLF files shrink: give back the slack */
    char *nb = realloc(o.b, o.n + 1);
    if (nb != NULL) o.b = nb;
  }
  o.b[o.n] = '\0';
  out->text = o.b;
  out->len = o.n;
  if (a.n > 0) anchor_lines(s, len, start, &a);
  out->anchors = a.v;
  out->nanchors = a.n;
  out->identity = !out->bom && !out->crlf && !out->cr && !out->nfc && out->repaired == 0;
  return 0;
}

/*
** Read the whole of path into a fresh malloc'ed *buf (*n bytes).  fstat
** sizes the buffer; the read loop still runs to end of file (the file may
** change, or not be a regular file).  Directories and sources longer than
** MAX_TEXT are refused.
*/
int pl_read_file(const char *path, char **buf, size_t *n, char *err, size_t errlen) {
  struct stat st;
  size_t cap, used = 0;
  char *b;
  int fd, e;
  *buf = NULL;
  *n = 0;
  do fd = open(path, O_RDONLY | O_CLOEXEC); while (fd < 0 && errno == EINTR);
  if (fd < 0) return sys_fail(path, errno, err, errlen);
  if (fstat(fd, &st) != 0) {
    e = errno;
    close(fd);
    return sys_fail(path, e, err, errlen);
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return sys_fail(path, EISDIR, err, errlen);
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size > MAX_TEXT) {
    close(fd);
    return fail(err, errlen, "%s: file too large (%jd bytes; the limit is %zu)",
                path, (intmax_t)st.st_size, MAX_TEXT);
  }
  /* one spare byte, so that end of file is seen without growing */
  cap = (S_ISREG(st.st_mode) && st.st_size > 0) ? (size_t)st.st_size + 1 : 65536;
  b = malloc(cap);
  if (b == NULL) {
    close(fd);
    return fail(err, errlen, "%s: not enough memory", path);
  }
  for (;;) {
    ssize_t r;
    if (used == cap) {
      char *nb;
      if (cap > MAX_TEXT) {  /* already read MAX_TEXT + 1 bytes */
        free(b);
        close(fd);
        return too_large(path, used, err, errlen);
      }
      cap = cap <= (MAX_TEXT + 1) / 2 ? cap * 2 : MAX_TEXT + 1;
      nb = realloc(b, cap);
      if (nb == NULL) {
        free(b);
        close(fd);
        return fail(err, errlen, "%s: not enough memory", path);
      }
      b = nb;
    }
    r = read(fd, b + used, cap - used);
    if (r < 0) {
      if (errno == EINTR) continue;
      e = errno;
      free(b);
      close(fd);
      return sys_fail(path, e, err, errlen);
    }
    if (r == 0) break;
    used += (size_t)r;
  }
  close(fd);
  *buf = b;
  *n = used;
  return 0;
}

int pl_load_file(const char *path, int repair, pl_loaded *out, char *err, size_t errlen) {
  char *buf;
  size_t n;
  int rc;
  memset(out, 0, sizeof *out);
  if (path == NULL) return fail(err, errlen, "?: no path");
  if (pl_read_file(path, &buf, &n, err, errlen) != 0) return -1;
  rc = pl_load_buffer(path, buf, n, repair, out, err, errlen);
  free(buf);
  return rc;
}

void pl_loaded_free(pl_loaded *l) {
  if (l == NULL) return;
  free(l->text);
  free(l->anchors);
  memset(l, 0, sizeof *l);
}


/* ---- Lua binding: parley.loader ---- */

/* opts.repair from the optional options table at arg. */
static int opt_repair(lua_State *L, int arg) {
  int repair;
  if (lua_isnoneornil(L, arg)) return 0;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_getfield(L, arg, "repair");
  repair = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return repair;
}

static int push_text(lua_State *L) {
  const pl_loaded *l = (const pl_loaded *)lua_touserdata(L, 1);
  lua_pushlstring(L, l->text, l->len);
  return 1;
}

void pl_push_anchors(lua_State *L, const pl_anchor *a, size_t n) {
  size_t i;
  lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
  for (i = 0; i < n; i++) {
    lua_createtable(L, 0, 4);
    parley_setint(L, "text", (lua_Integer)a[i].text + 1);
    parley_setint(L, "src", (lua_Integer)a[i].src + 1);
    parley_setint(L, "line", a[i].line);
    parley_setint(L, "col", a[i].col);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static int anchors_table(lua_State *L) {
  const pl_loaded *l = (const pl_loaded *)lua_touserdata(L, 1);
  pl_push_anchors(L, l->anchors, l->nanchors);
  return 1;
}

/* Push the anchors of l as a list of { text, src, line, col } (1-based offsets), in protected mode. */
static int push_anchors(lua_State *L, pl_loaded *l) {
  lua_pushcfunction(L, anchors_table);
  lua_pushlightuserdata(L, l);
  return lua_pcall(L, 1, 1, 0);
}

static void set_flag(lua_State *L, const char *key, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, key);
}

/*
** Return text, info (or nil, message when rc says the load failed).  The
** text is copied into Lua under lua_pcall and freed on the next line, so a
** memory error while copying leaks nothing; only then can anything raise.
** When the text is identical to the string at index src (if src != 0),
** that string is returned instead of a copy.
*/
static int push_loaded(lua_State *L, int rc, pl_loaded *l, const char *name,
                       size_t bytes, int src, const char *err) {
  pl_loaded info;
  int status = LUA_OK;
  if (rc != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  if (l->identity && src != 0) {
    lua_pushvalue(L, src);
  } else {
    lua_pushcfunction(L, push_text);
    lua_pushlightuserdata(L, l);
    status = lua_pcall(L, 1, 1, 0);  /* text (or the memory error) */
  }
  info = *l;
  l->anchors = NULL;        /* kept for info.anchors below, freed here once copied */
  pl_loaded_free(l);
  if (status != LUA_OK) { free(info.anchors); return lua_error(L); }
  status = push_anchors(L, &info);
  free(info.anchors);
  if (status != LUA_OK) return lua_error(L);  /* the anchors table (or the memory error) is on top */
  lua_createtable(L, 0, 9);
  lua_insert(L, -2);
  lua_setfield(L, -2, "anchors");
  set_flag(L, "identity", info.identity);
  set_flag(L, "bom", info.bom);
  set_flag(L, "crlf", info.crlf);
  set_flag(L, "cr", info.cr);
  set_flag(L, "nfc", info.nfc);
  lua_pushinteger(L, (lua_Integer)info.repaired);
  lua_setfield(L, -2, "repaired");
  lua_pushinteger(L, (lua_Integer)bytes);
  lua_setfield(L, -2, "bytes");
  if (info.repaired > 0) {
    lua_pushfstring(L, "%s: replaced %I invalid UTF-8 sequence%s with U+FFFD", name,
                    (lua_Integer)info.repaired, info.repaired == 1 ? "" : "s");
    lua_setfield(L, -2, "warning");
  }
  return 2;
}

/* read(path [, opts]) -> text, info | nil, message */
static int loader_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int repair = opt_repair(L, 2), rc;
  char err[ERRLEN];
  pl_loaded l;
  char *buf;
  size_t n;
  if (pl_read_file(path, &buf, &n, err, sizeof err) != 0) {
    memset(&l, 0, sizeof l);
    return push_loaded(L, -1, &l, path, 0, 0, err);
  }
  rc = pl_load_buffer(path, buf, n, repair, &l, err, sizeof err);
  free(buf);
  return push_loaded(L, rc, &l, path, n, 0, err);
}

/* normalize(name, data [, opts]) -> text, info | nil, message */
static int loader_normalize(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  int repair = opt_repair(L, 3), rc;
  char err[ERRLEN];
  pl_loaded l;
  rc = pl_load_buffer(name, data, len, repair, &l, err, sizeof err);
  return push_loaded(L, rc, &l, name, len, 2, err);
}

static const luaL_Reg loader_funcs[] = {
  {"read",      loader_read},
  {"normalize", loader_normalize},
  {NULL, NULL}
};

int luaopen_parley_loader(lua_State *L) {
  luaL_newlib(L, loader_funcs);
  return 1;
}
