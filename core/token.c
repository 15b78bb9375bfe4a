/*
** token.c — the tokeniser (pure C: no Lua calls, no mutable statics, so the
** index builder may run it in several threads) and its Lua binding,
** parley.tokenizer.
**
** A token is a byte span of the text with a kind and flags (parley.h).
** Rules, for English archival text:
**  - WORD: a run of letters, digits and marks (M*, which also join the
**    preceding letter), joined across one apostrophe (' or U+2019) or hyphen
**    (-, U+2010, U+2011) that sits between two such runs: Castro's, don’t,
**    Soviet-American.  Format characters (Cf: soft hyphen, ZWJ) join inside
**    a word and are skipped elsewhere.  Letters and digits mixed make a word:
**    ordinals such as 24th, and M-16, are WORDs.
**  - NUMBER: digits only, with thousands groups (145,000), a decimal part
**    (3.5) and ranges joined by a hyphen or an en dash (10-15, 8–9).
**    Dates are one NUMBER with PL_TOKF_DATE: 2.XI.62 (day, Roman month,
**    2- or 4-digit year), 1.11.1962 (4-digit year), 1962-11-01, 1/11/62.
**  - ABBR (a WORD with PL_TOKF_ABBR, the dot included): a capital and a dot
**    (A. in A. I. Mikoyan), chains of single letters and dots (V.V., N.S.,
**    U.S.A., p.m.), and the words of the table `abbrevs` below (Mr., Yu.,
**    etc.), case-sensitive.  No., Nos. and p. are abbreviations only before
**    a number (so "No." answering a question ends a sentence).
**  - PUNCT: one token per character, except runs of '.', of '-' and of
**    U+2026 (..., --, …).  SYMBOL: S*, private-use and unassigned code
**    points, a combining mark with nothing to attach to, and every byte of
**    an invalid UTF-8 sequence (one token each).  Marks following a
**    punctuation or symbol character stay in its token.
**  - A URL (http://, https://, www.) is one WORD, trailing punctuation
**    excluded.
**  - White space (Z*, ASCII controls, NUL included) separates tokens and is
**    never part of one.
** Flags:
**  - PL_TOKF_PARA (with PL_TOKF_SENT) on the first token and on the first
**    token after a blank line (two line breaks with only white space between:
**    "\n \n"; U+2029 counts as a blank line, U+2028 and U+0085 as a break).
**  - PL_TOKF_SENT on the first token of a sentence: after '.', '?', '!', an
**    ellipsis (and closing quotes or brackets attached to it) when the next
**    token starts with a capital, a caseless letter, a digit, or an opening
**    quote or bracket.  An abbreviation does not end a sentence (N. S.
**    Khrushchev, U.S. representative), except etc. and al. before a capital.
**    A dot after a sentence-initial number of up to three digits is an
**    enumerator ("4. We raised"), not a sentence end.  A colon never ends one.
**
** Each call starts afresh: the first token of s[0..len) opens a paragraph.
** pl_tokenize takes at most UINT32_MAX bytes (offsets are 32-bit): a caller
** with more text must split it (at a paragraph break), since a longer text
** makes it return -1, as on out of memory.  On -1 out keeps the tokens it
** held before the call and nothing else.  Speed: ASCII words are scanned
** eight bytes at a time and utf8proc is consulted for non-ASCII only.
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "parley.h"

/* Character kinds; K_UPPER..K_MARK are the word characters. */
enum {
  K_SPACE,      /* Zs, ASCII white space and controls: skipped */
  K_NL,         /* a line break */
  K_PS,         /* U+2029: a paragraph break by itself */
  K_FORMAT,     /* Cf: joins inside a word, skipped elsewhere */
  K_UPPER,      /* Lu, Lt */
  K_LOWER,      /* Ll, Lm */
  K_CASELESS,   /* Lo */
  K_DIGIT,      /* Nd */
  K_NUMLET,     /* Nl, No: word characters that are not digits */
  K_MARK,       /* Mn, Mc, Me */
  K_PUNCT,      /* P* */
  K_SYMBOL,     /* S*, Co, Cs, Cn */
  K_INVALID,    /* a byte that starts no valid UTF-8 sequence */
  K_HIGH        /* table only: a byte >= 0x80, decode it */
};
#define K_MASK 15
#define F_DIG  16     /* table bit: ASCII digit */
#define F_LET  32     /* table bit: ASCII letter */

/* Roles of a token in sentence splitting. */
enum {
  R_START = 1,  /* may start a sentence after a sentence end */
  R_TERM = 2,   /* ends a sentence */
  R_CLOSE = 4,  /* a closing quote or bracket: an end attached to it carries on */
  R_QUOTE = 8   /* ' or ": closing if attached to the previous token, else opening */
};

#define SP K_SPACE
#define NL K_NL
#define PU K_PUNCT
#define SY K_SYMBOL
#define DG (K_DIGIT | F_DIG)
#define UP (K_UPPER | F_LET)
#define LO (K_LOWER | F_LET)
#define HI K_HIGH
#define HI16 HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI

static const unsigned char ctab[256] = {
  SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, NL, SP, SP, SP, SP, SP,  /* 0x00 */
  SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,  /* 0x10 */
  SP, PU, PU, PU, SY, PU, PU, PU, PU, PU, PU, SY, PU, PU, PU, PU,  /*  !"#$%&'()*+,-./ */
  DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, PU, PU, SY, SY, SY, PU,  /* 0-9 :;<=>? */
  PU, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP,  /* @A-O */
  UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, PU, PU, PU, SY, PU,  /* P-Z [\]^_ */
  SY, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO,  /* `a-o */
  LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, PU, SY, PU, SY, SP,  /* p-z {|}~ DEL */
  HI16, HI16, HI16, HI16, HI16, HI16, HI16, HI16
};

#undef SP
#undef NL
#undef PU
#undef SY
#undef DG
#undef UP
#undef LO
#undef HI
#undef HI16

/* Abbreviations kept with their dot (case-sensitive), in byte order for a binary search. */
enum { AB_ANY = 0, AB_END = 1, AB_NUM = 2 };
#define AB(w, c) { w, sizeof(w) - 1, c }
static const struct abbrev {
  char w[8];
  unsigned char n;
  unsigned char cond;   /* AB_END: may end a sentence; AB_NUM: only before a number */
} abbrevs[] = {
  AB("Adm", AB_ANY),  AB("Amb", AB_ANY),  AB("Apr", AB_ANY),  AB("Aug", AB_ANY),
  AB("Capt", AB_ANY), AB("Cf", AB_ANY),   AB("Col", AB_ANY),  AB("Dec", AB_ANY),
  AB("Dr", AB_ANY),   AB("Feb", AB_ANY),  AB("Gen", AB_ANY),  AB("Gov", AB_ANY),
  AB("Hon", AB_ANY),  AB("Ibid", AB_ANY), AB("Jan", AB_ANY),  AB("Jr", AB_ANY),
  AB("Kh", AB_ANY),   AB("Lt", AB_ANY),   AB("Maj", AB_ANY),  AB("Messrs", AB_ANY),
  AB("Mme", AB_ANY),  AB("Mr", AB_ANY),   AB("Mrs", AB_ANY),  AB("Ms", AB_ANY),
  AB("No", AB_NUM),   AB("Nos", AB_NUM),  AB("Nov", AB_ANY),  AB("Oct", AB_ANY),
  AB("Prof", AB_ANY), AB("Rep", AB_ANY),  AB("Rev", AB_ANY),  AB("Sen", AB_ANY),
  AB("Sept", AB_ANY), AB("Sgt", AB_ANY),  AB("Sr", AB_ANY),   AB("St", AB_ANY),
  AB("Vol", AB_ANY),  AB("Ya", AB_ANY),   AB("Yu", AB_ANY),   AB("Zh", AB_ANY),
  AB("al", AB_END),   AB("approx", AB_ANY), AB("ca", AB_ANY),   AB("cf", AB_ANY),
  AB("cit", AB_ANY),  AB("ed", AB_ANY),   AB("eds", AB_ANY),  AB("etc", AB_END),
  AB("ibid", AB_ANY), AB("op", AB_ANY),   AB("p", AB_NUM),    AB("pp", AB_ANY),
  AB("trans", AB_ANY), AB("viz", AB_ANY),  AB("vol", AB_ANY),  AB("vols", AB_ANY),
  AB("vs", AB_ANY)
};
#undef AB

static const char *const roman_months[12] = {
  "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
};

static const char *const kind_names[] = { "", "word", "number", "punct", "symbol" };

const char *pl_token_kind_name(int kind) {
  return kind >= PL_TOK_WORD && kind <= PL_TOK_SYMBOL ? kind_names[kind] : kind_names[0];
}

#define IS_CONT(c) (((c) & 0xC0) == 0x80)

static inline int isd(unsigned c) {
  return c - '0' < 10u;
}

/*
** Strict UTF-8 decoder over s[0..len), len >= 1: the sequence length (1..4)
** with its code point in *cp, or 0 for an invalid or truncated sequence.
*/
static inline size_t utf8_decode(const unsigned char *s, size_t len, int32_t *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    if (len < 2 || !IS_CONT(s[1])) return 0;
    *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
    return 2;
  }
  if (c < 0xF0) {
    if (len < 3 || !IS_CONT(s[1]) || !IS_CONT(s[2])) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)) return 0;
    *cp = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
    return 3;
  }
  if (c < 0xF5) {
    if (len < 4 || !IS_CONT(s[1]) || !IS_CONT(s[2]) || !IS_CONT(s[3])) return 0;
    if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)) return 0;
    *cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
                    ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
    return 4;
  }
  return 0;
}

/* Kind of a non-ASCII code point. */
static int cp_kind(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return K_UPPER;
    case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM: return K_LOWER;
    case UTF8PROC_CATEGORY_LO: return K_CASELESS;
    case UTF8PROC_CATEGORY_ND: return K_DIGIT;
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: return K_NUMLET;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return K_MARK;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: return K_PUNCT;
    case UTF8PROC_CATEGORY_ZS: return K_SPACE;
    case UTF8PROC_CATEGORY_ZL: return K_NL;
    case UTF8PROC_CATEGORY_ZP: return K_PS;
    case UTF8PROC_CATEGORY_CC: return cp == 0x85 ? K_NL : K_SPACE;
    case UTF8PROC_CATEGORY_CF:  /* zero-width space and BOM separate words */
      return (cp == 0x200B || cp == 0xFEFF) ? K_SPACE : K_FORMAT;
    default: return K_SYMBOL;
  }
}

/* Kind and length (*n) of the character at s[i], i < len. */
static inline int kind_at(const unsigned char *s, size_t len, size_t i,
                          size_t *n, int32_t *cp) {
  unsigned c = s[i];
  if (c < 0x80) {
    *n = 1;
    *cp = (int32_t)c;
    return ctab[c] & K_MASK;
  }
  if ((*n = utf8_decode(s + i, len - i, cp)) == 0) {
    *n = 1;
    return K_INVALID;
  }
  return cp_kind(*cp);
}

/* End of the combining marks starting at s[j]. */
static size_t skip_marks(const unsigned char *s, size_t len, size_t j) {
  while (j < len && s[j] >= 0x80) {
    int32_t cp;
    size_t n;
    if (kind_at(s, len, j, &n, &cp) != K_MARK) break;
    j += n;
  }
  return j;
}

/* Whether a letter or digit (a word start) is at s[p]. */
static int alnum_at(const unsigned char *s, size_t len, size_t p) {
  int32_t cp;
  size_t n;
  int k;
  if (p >= len) return 0;
  if (s[p] < 0x80) return (ctab[s[p]] & (F_DIG | F_LET)) != 0;
  k = kind_at(s, len, p, &n, &cp);
  return k >= K_UPPER && k <= K_NUMLET;
}

/* Whether a letter is at s[p]: its length, or 0. */
static size_t letter_at(const unsigned char *s, size_t len, size_t p) {
  int32_t cp;
  size_t n;
  int k;
  if (p >= len) return 0;
  k = kind_at(s, len, p, &n, &cp);
  return (k >= K_UPPER && k <= K_CASELESS) ? n : 0;
}

/* Number of ASCII digits at s[i..], counting at most max + 1. */
static size_t digits(const unsigned char *s, size_t len, size_t i, size_t max) {
  size_t j = i;
  while (j < len && j - i <= max && isd(s[j])) j++;
  return j - i;
}

static unsigned num(const unsigned char *s, size_t i, size_t n) {
  unsigned v = 0;
  while (n--) v = v * 10 + (unsigned)(s[i++] - '0');
  return v;
}

/* e if a date may end at s[e] (no letter, digit or number part follows), else 0. */
static size_t date_end(const unsigned char *s, size_t len, size_t e) {
  unsigned c;
  if (e >= len) return e;
  c = s[e];
  if (c < 0x80) {
    if (ctab[c] & (F_DIG | F_LET)) return 0;
    if ((c == '.' || c == ',' || c == '-' || c == '/') && e + 1 < len && isd(s[e + 1]))
      return 0;
    return e;
  }
  return (alnum_at(s, len, e) || skip_marks(s, len, e) != e) ? 0 : e;
}

/*
** A date starting with the digit at s[i]: its end, or 0.  Accepted:
** 1962-11-01, 2.XI.62 and 2.XI.1962, 1.11.1962, 1/11/62 and 11/1/1962.
*/
static size_t match_date(const unsigned char *s, size_t len, size_t i) {
  size_t a = digits(s, len, i, 4), b, y, j;
  unsigned day, mon;
  if (a == 4) {
    if (i + 10 > len || s[i + 4] != '-' || s[i + 7] != '-' ||
        digits(s, len, i + 5, 2) != 2 || digits(s, len, i + 8, 2) != 2) return 0;
    mon = num(s, i + 5, 2);
    day = num(s, i + 8, 2);
    if (mon < 1 || mon > 12 || day < 1 || day > 31) return 0;
    return date_end(s, len, i + 10);
  }
  if (a < 1 || a > 2) return 0;
  day = num(s, i, a);
  j = i + a;
  if (j + 1 >= len || day < 1) return 0;
  if (s[j] == '.') {
    j++;
    if (s[j] == 'I' || s[j] == 'V' || s[j] == 'X') {
      size_t r = 0, m;
      while (j + r < len && r < 5 && (s[j + r] == 'I' || s[j + r] == 'V' || s[j + r] == 'X')) r++;
      for (m = 0; m < 12; m++)
        if (strlen(roman_months[m]) == r && memcmp(roman_months[m], s + j, r) == 0) break;
      if (m == 12 || j + r >= len || s[j + r] != '.') return 0;
      j += r + 1;
      y = digits(s, len, j, 4);
      if ((y != 2 && y != 4) || day > 31) return 0;
      return date_end(s, len, j + y);
    }
    b = digits(s, len, j, 2);
    if (b < 1 || b > 2 || j + b >= len || s[j + b] != '.') return 0;
    mon = num(s, j, b);
    j += b + 1;
    if (mon < 1 || mon > 12 || day > 31 || digits(s, len, j, 4) != 4) return 0;
    return date_end(s, len, j + 4);
  }
  if (s[j] == '/') {
    j++;
    b = digits(s, len, j, 2);
    if (b < 1 || b > 2 || j + b >= len || s[j + b] != '/') return 0;
    mon = num(s, j, b);
    j += b + 1;
    y = digits(s, len, j, 4);
    if (y != 2 && y != 4) return 0;
    if (mon < 1 || !((day <= 12 && mon <= 31) || (day <= 31 && mon <= 12))) return 0;
    return date_end(s, len, j + y);
  }
  return 0;
}

static int url_byte(unsigned c) {
  return c > 0x20 && c < 0x7F && !strchr("<>\"`{}|\\^", (int)c);
}

/* A URL starting at s[i] (http://, https://, www.): its end, or 0. */
static size_t match_url(const unsigned char *s, size_t len, size_t i) {
  size_t p, e, rest = len - i;
  int open = 0;
  if (rest > 8 && memcmp(s + i, "https://", 8) == 0) p = i + 8;
  else if (rest > 7 && memcmp(s + i, "http://", 7) == 0) p = i + 7;
  else if (rest > 4 && memcmp(s + i, "www.", 4) == 0) p = i + 4;
  else return 0;
  if (!(ctab[s[p]] & (F_DIG | F_LET))) return 0;
  for (e = p; e < len && url_byte(s[e]); e++)
    if (s[e] == '(') open = 1;
  while (e > p && (strchr(".,;:!?'*", s[e - 1]) || (!open && (s[e - 1] == ')' || s[e - 1] == ']'))))
    e--;
  return e;
}

/*
** Abbreviation ending with the dot at s[j] for the one-run word s[i..j)
** whose first character has kind k0: the end past the dot (or past a chain
** of letters and dots), or 0.  *term is set for one that may end a sentence.
*/
static size_t match_abbrev(const unsigned char *s, size_t len, size_t i, size_t j,
                           int k0, int *term) {
  size_t n0 = s[i] < 0x80 ? 1 : letter_at(s, len, i);
  if (k0 <= K_CASELESS && n0 && skip_marks(s, len, i + n0) == j) {  /* a single letter */
    size_t e = 0, p = j + 1, n;
    while ((n = letter_at(s, len, p)) != 0) {  /* U.S.A., N.S., p.m. */
      size_t q = skip_marks(s, len, p + n);
      if (q >= len || s[q] != '.' || (q + 1 < len && s[q + 1] == '.')) break;
      p = e = q + 1;
    }
    if (e) return e;
    if (k0 == K_UPPER) return j + 1;
  }
  if (j - i <= 7) {  /* the table (p. is there) */
    size_t lo = 0, hi = sizeof abbrevs / sizeof abbrevs[0];
    while (lo < hi) {
      const struct abbrev *a = &abbrevs[(lo + hi) / 2];
      size_t n = j - i < a->n ? j - i : a->n;
      int c = memcmp(s + i, a->w, n);
      if (c == 0) c = (j - i > a->n) - (j - i < a->n);
      if (c < 0) {
        hi = (lo + hi) / 2;
      } else if (c > 0) {
        lo = (lo + hi) / 2 + 1;
      } else {
        if (a->cond == AB_NUM) {
          size_t p = j + 1;
          while (p < len && p - j < 4 && (s[p] == ' ' || s[p] == '\t')) p++;
          if (p >= len || !isd(s[p])) return 0;
        }
        *term = a->cond == AB_END;
        return j + 1;
      }
    }
  }
  return 0;
}

/*
** End of the run of ASCII letters and digits starting at s[j]; *acc gains
** F_DIG and F_LET for the digits and letters seen.  On little-endian GCC and
** Clang targets it tests eight bytes at a time (SWAR), so that the end of an
** ordinary word costs one branch instead of one per byte.
*/
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)
/* High bit of each byte of x (all bytes < 0x80) that lies in [lo, hi]. */
#define IN_RANGE(x, lo, hi) (((x) + (0x80 - (lo)) * ONES) & ~((x) + (0x7F - (hi)) * ONES) & HIGH)

static inline size_t ascii_run(const unsigned char *s, size_t len, size_t j, unsigned *acc) {
  while (j + 8 <= len) {
    uint64_t w, x, let, dig, bad, keep;
    size_t n;
    memcpy(&w, s + j, 8);
    x = w & ~HIGH;
    let = IN_RANGE(x | 0x20 * ONES, 'a', 'z') & ~w;
    dig = IN_RANGE(x, '0', '9') & ~w;
    bad = ~(let | dig) & HIGH;
    if (!bad) {
      *acc |= (let ? F_LET : 0) | (dig ? F_DIG : 0);
      j += 8;
      continue;
    }
    n = (size_t)__builtin_ctzll(bad) >> 3;
    keep = (UINT64_C(1) << (n * 8)) - 1;  /* n < 8 */
    *acc |= ((let & keep) ? F_LET : 0) | ((dig & keep) ? F_DIG : 0);
    return j + n;
  }
  while (j < len && (ctab[s[j]] & (F_DIG | F_LET))) *acc |= ctab[s[j++]];
  return j;
}
#undef IN_RANGE
#undef HIGH
#undef ONES
#else
static inline size_t ascii_run(const unsigned char *s, size_t len, size_t j, unsigned *acc) {
  while (j < len && (ctab[s[j]] & (F_DIG | F_LET))) *acc |= ctab[s[j++]];
  return j;
}
#endif

/*
** A word or number starting at s[i] (a letter or digit of kind k0): its end,
** with the token kind in *kind, PL_TOKF_ABBR in *flags for an abbreviation
** and *term for one that may end a sentence.
*/
static size_t scan_word(const unsigned char *s, size_t len, size_t i, int k0,
                        int *kind, int *flags, int *term) {
  size_t j = i;
  int numeric = 1, parts = 0;
  for (;;) {
    size_t ps = j, jl = 0;
    unsigned acc = 0;
    int apos = 0, en = 0;
    for (;;) {  /* one run of letters, digits, marks and format characters */
      j = ascii_run(s, len, j, &acc);
      if (j < len && s[j] >= 0x80) {
        int32_t cp;
        size_t n;
        int k = kind_at(s, len, j, &n, &cp);
        if (k == K_DIGIT) acc |= F_DIG;
        else if ((k >= K_UPPER && k <= K_MARK) || k == K_FORMAT) acc |= F_LET;
        else break;
        j += n;
        continue;
      }
      break;
    }
    parts++;
    if ((acc & (F_DIG | F_LET)) == F_DIG) {  /* thousands groups, decimal part */
      if (j - ps <= 3)
        while (j + 3 < len && s[j] == ',' && isd(s[j + 1]) && isd(s[j + 2]) && isd(s[j + 3]) &&
               (j + 4 >= len || !isd(s[j + 4])))
          j += 4;
      if (j + 1 < len && s[j] == '.' && isd(s[j + 1])) {
        j += 2;
        while (j < len && isd(s[j])) j++;
      }
    } else {
      numeric = 0;
    }
    if (j + 1 >= len) break;
    if (s[j] == '-') jl = 1;
    else if (s[j] == '\'') jl = 1, apos = 1;
    else if (s[j] == 0xE2 && j + 3 < len && s[j + 1] == 0x80) {
      switch (s[j + 2]) {
        case 0x90: case 0x91: jl = 3; break;           /* U+2010, U+2011 hyphens */
        case 0x99: jl = 3; apos = 1; break;            /* U+2019 apostrophe */
        case 0x93: jl = 3; en = 1; break;              /* U+2013 en dash */
        default: break;
      }
    }
    if (!jl || !alnum_at(s, len, j + jl)) break;
    if (en && (!numeric || !isd(s[j + jl]))) break;  /* an en dash joins numbers only */
    if (apos) numeric = 0;
    j += jl;
  }
  *kind = numeric ? PL_TOK_NUMBER : PL_TOK_WORD;
  *flags = 0;
  *term = 0;
  if (!numeric && parts == 1 && j < len && s[j] == '.' && !(j + 1 < len && s[j + 1] == '.')) {
    size_t e = match_abbrev(s, len, i, j, k0, term);
    if (e) {
      *flags = PL_TOKF_ABBR;
      j = e;
    }
  }
  return j;
}

/* Sentence terminators outside ASCII. */
static int is_terminal(int32_t cp) {
  return cp == 0x2026 || cp == 0x203C || cp == 0x203D || (cp >= 0x2047 && cp <= 0x2049) ||
         cp == 0x3002 || cp == 0xFF01 || cp == 0xFF0E || cp == 0xFF1F;
}

/* A punctuation token starting at s[i] (code point cp, n bytes): its end, role in *role. */
static size_t scan_punct(const unsigned char *s, size_t len, size_t i, size_t n, int32_t cp,
                         int *role) {
  size_t e = i + n;
  *role = 0;
  if (cp < 0x80) {
    switch (cp) {
      case '.':
        while (e < len && s[e] == '.') e++;
        *role = R_TERM;
        break;
      case '-':
        while (e < len && s[e] == '-') e++;
        break;
      case '?': case '!': *role = R_TERM; break;
      case '"': case '\'': *role = R_QUOTE; break;
      case '(': case '[': case '{': *role = R_START; break;
      case ')': case ']': case '}': *role = R_CLOSE; break;
      default: break;
    }
    return skip_marks(s, len, e);
  }
  if (cp == 0x2026)
    while (e + 2 < len && s[e] == 0xE2 && s[e + 1] == 0x80 && s[e + 2] == 0xA6) e += 3;
  if (is_terminal(cp)) *role = R_TERM;
  else switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PI: *role = R_START; break;
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PF: *role = R_CLOSE; break;
    default: break;
  }
  return skip_marks(s, len, e);
}

/* The tokeniser's state between two tokens. */
typedef struct tk {
  pl_tokens *out;
  size_t prev_end;   /* end of the previous token (SIZE_MAX before the first) */
  int para;          /* a paragraph break comes before the next token */
  int nl;            /* line breaks since the previous token */
  int ended;         /* the previous token ended a sentence */
  int enumer;        /* the previous token is a sentence-initial "1" of "1." */
} tk;

static int grow(pl_tokens *o) {
  size_t cap = o->cap ? o->cap * 2 : 256;
  pl_token *v;
  if (cap <= o->cap || cap > SIZE_MAX / sizeof *v) return -1;
  v = (pl_token *)realloc(o->v, cap * sizeof *v);
  if (!v) return -1;
  o->v = v;
  o->cap = cap;
  return 0;
}

/* Append s[a..b) with its flags, deciding its sentence flags from role. */
static inline int emit(tk *t, const unsigned char *s, size_t a, size_t b,
                       int kind, int flags, int role) {
  pl_tokens *o = t->out;
  pl_token *tok;
  int adj = a == t->prev_end;
  if (o->n == o->cap && grow(o) != 0) return -1;
  if (role & R_QUOTE) role = adj ? R_CLOSE : R_START;
  if (t->para) flags |= PL_TOKF_PARA | PL_TOKF_SENT;
  else if (t->ended && (role & R_START)) flags |= PL_TOKF_SENT;
  if (role & R_TERM) t->ended = !(t->enumer && adj && s[a] == '.' && b - a == 1);
  else if (role & R_CLOSE) t->ended = t->ended && adj;
  else t->ended = 0;
  t->enumer = 0;
  if (kind == PL_TOK_NUMBER && (flags & PL_TOKF_SENT) && !(flags & PL_TOKF_DATE) && b - a <= 3) {
    size_t k = a;
    while (k < b && isd(s[k])) k++;
    t->enumer = k == b;
  }
  t->para = 0;
  t->nl = 0;
  t->prev_end = b;
  tok = &o->v[o->n++];
  tok->start = (uint32_t)a;
  tok->len = (uint32_t)(b - a);
  tok->kind = (uint8_t)kind;
  tok->flags = (uint8_t)flags;
  return 0;
}

int pl_tokenize(const char *str, size_t len, pl_tokens *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, base = out->n;
  tk t;
  if (len > UINT32_MAX) return -1;
  t.out = out;
  t.prev_end = SIZE_MAX;
  t.para = 1;
  t.nl = t.ended = t.enumer = 0;
  while (i < len) {
    unsigned c = s[i];
    int32_t cp = (int32_t)c;
    size_t n = 1, e;
    int k = c < 0x80 ? ctab[c] & K_MASK : kind_at(s, len, i, &n, &cp);
    int kind, flags = 0, role = 0, term;
    if (k <= K_FORMAT) {  /* white space */
      if (k == K_NL) {
        if (++t.nl >= 2) t.para = 1;
      } else if (k == K_PS) {
        t.para = 1;
      }
      i += n;
      continue;
    }
    switch (k) {
      case K_PUNCT:
        kind = PL_TOK_PUNCT;
        e = scan_punct(s, len, i, n, cp, &role);
        break;
      case K_MARK: case K_SYMBOL:  /* a mark with no letter before it is a symbol */
        kind = PL_TOK_SYMBOL;
        e = skip_marks(s, len, i + n);
        break;
      case K_INVALID:
        kind = PL_TOK_SYMBOL;
        e = i + 1;
        break;
      default:  /* a letter or a digit */
        if (k == K_UPPER || k == K_CASELESS || k == K_DIGIT) role = R_START;
        if (k == K_DIGIT && (e = match_date(s, len, i)) != 0) {
          kind = PL_TOK_NUMBER;
          flags = PL_TOKF_DATE;
        } else if (i + 1 < len && ((c == 'h' && s[i + 1] == 't') || (c == 'w' && s[i + 1] == 'w')) &&
                   (e = match_url(s, len, i)) != 0) {
          kind = PL_TOK_WORD;
        } else {
          e = scan_word(s, len, i, k, &kind, &flags, &term);
          if (term) role |= R_TERM;
        }
        break;
    }
    if (emit(&t, s, i, e, kind, flags, role) != 0) {
      out->n = base;
      return -1;
    }
    i = e;
    if (i < len && s[i] == ' ') i++;  /* the usual single space, off the dispatch */
  }
  return 0;
}

void pl_tokens_free(pl_tokens *t) {
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

/* ---- Lua binding ------------------------------------------------------- */

static int tokens_gc(lua_State *L) {
  pl_tokens_free((pl_tokens *)lua_touserdata(L, 1));
  return 0;
}

/*
** Tokenise the string argument 1 into a pl_tokens held by a new userdata
** (left on the stack) whose __gc frees the array: a Lua error raised while
** the caller builds its result cannot leak it.  Upvalue 1 is the metatable.
*/
static pl_tokens *check_tokens(lua_State *L, const char **s, size_t *len) {
  pl_tokens *t;
  *s = luaL_checklstring(L, 1, len);
  luaL_argcheck(L, *len <= UINT32_MAX, 1, "text longer than 4 GiB (split it)");
  t = (pl_tokens *)lua_newuserdatauv(L, sizeof *t, 0);
  memset(t, 0, sizeof *t);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setmetatable(L, -2);
  if (pl_tokenize(*s, *len, t) != 0) luaL_error(L, "not enough memory");
  return t;
}

static int narr(size_t n) {
  return n < INT_MAX ? (int)n : INT_MAX;
}

static void set_flag(lua_State *L, int flags, int flag, const char *name) {
  if (flags & flag) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, name);
  }
}

static int tokenizer_tokens(lua_State *L) {
  size_t len, k;
  const char *s;
  pl_tokens *t = check_tokens(L, &s, &len);
  lua_createtable(L, narr(t->n), 0);
  for (k = 0; k < t->n; k++) {
    const pl_token *tok = &t->v[k];
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)tok->start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)tok->start + tok->len);
    lua_setfield(L, -2, "stop");
    lua_pushlstring(L, s + tok->start, tok->len);
    lua_setfield(L, -2, "text");
    lua_pushstring(L, pl_token_kind_name(tok->kind));
    lua_setfield(L, -2, "kind");
    set_flag(L, tok->flags, PL_TOKF_SENT, "sentence");
    set_flag(L, tok->flags, PL_TOKF_PARA, "paragraph");
    set_flag(L, tok->flags, PL_TOKF_ABBR, "abbr");
    set_flag(L, tok->flags, PL_TOKF_DATE, "date");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  pl_tokens_free(t);
  return 1;
}

static int tokenizer_words(lua_State *L) {
  size_t len, k;
  const char *s;
  pl_tokens *t = check_tokens(L, &s, &len);
  lua_createtable(L, narr(t->n), 0);
  for (k = 0; k < t->n; k++) {
    lua_pushlstring(L, s + t->v[k].start, t->v[k].len);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  pl_tokens_free(t);
  return 1;
}

/* Each sentence runs from a PL_TOKF_SENT token to the end of the token before the next. */
static int tokenizer_sentences(lua_State *L) {
  size_t len, k, first = 0;
  lua_Integer n = 0;
  const char *s;
  pl_tokens *t = check_tokens(L, &s, &len);
  lua_newtable(L);
  for (k = 1; k <= t->n; k++) {
    if (k == t->n || (t->v[k].flags & PL_TOKF_SENT)) {
      const pl_token *last = &t->v[k - 1];
      size_t a = t->v[first].start;
      lua_pushlstring(L, s + a, last->start + last->len - a);
      lua_rawseti(L, -2, ++n);
      first = k;
    }
  }
  pl_tokens_free(t);
  return 1;
}

static const luaL_Reg tokenizer_funcs[] = {
  {"tokens",    tokenizer_tokens},
  {"words",     tokenizer_words},
  {"sentences", tokenizer_sentences},
  {NULL, NULL}
};

int luaopen_parley_tokenizer(lua_State *L) {
  luaL_newlibtable(L, tokenizer_funcs);
  lua_createtable(L, 0, 1);  /* metatable of the token arrays, shared as upvalue 1 */
  lua_pushcfunction(L, tokens_gc);
  lua_setfield(L, -2, "__gc");
  luaL_setfuncs(L, tokenizer_funcs, 1);
  return 1;
}
