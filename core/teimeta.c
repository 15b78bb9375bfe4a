/*
** teimeta.c — what the TEI reader (tei.c) infers from text: dates in ISO
** 8601 at the precision given, and a document's genre from its head.
** Pure functions of their arguments.
*/
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tei.h"

/*
** genre, from the lower-cased head: the first "anywhere" phrase it holds
** (a memorandum of a telephone conversation is a telephone record), else
** the earliest of the other phrases (at one place, the first listed).
** Phrases match whole words (a plural 's' allowed).
*/
static const struct { const char *phrase, *genre; int anywhere; } genres[] = {
  {"editorial note",          "editorial",  1},
  {"transcript of telephone", "telephone",  1},
  {"telephone conversation",  "telephone",  1},
  {"telephone call",          "telephone",  1},
  {"memorandum",              "memorandum", 0},
  {"telegram",                "telegram",   0},
  {"cable",                   "telegram",   0},
  {"airgram",                 "telegram",   0},
  {"minutes",                 "minutes",    0},
  {"summary record",          "minutes",    0},
  {"summary notes",           "minutes",    0},
  {"notes of",                "minutes",    0},
  {"letter",                  "letter",     0},
  {"note",                    "note",       0},
};

static int digits(const char *s, int n) {
  int i;
  for (i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* Is YYYY[-MM[-DD]] (n = 4, 7 or 10 characters of s) a date of the calendar: a year from 1, a month
** 1-12, a day of that month?  (The manifest's dates are checked the same way: lua/parley/manifest.lua.) */
static int calendar_date(const char *s, size_t n) {
  static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'), m, d;
  if (y < 1) return 0;
  if (n < 7) return 1;
  m = (s[5] - '0') * 10 + (s[6] - '0');
  if (m < 1 || m > 12) return 0;
  if (n < 10) return 1;
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m == 2 && d == 29) return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return d >= 1 && d <= days[m - 1];
}

/* An ISO date (YYYY, YYYY-MM or YYYY-MM-DD, a time after it dropped); a value that is not a date of
** the calendar (1962-13, 1962-02-30) gives none: the document is undated, not dated otherwise. */
size_t pl_tei_iso_date(const char *v, char out[PL_TEI_DATE]) {
  size_t n = 0;
  if (v == NULL) return 0;
  while (*v == ' ') v++;
  if (!digits(v, 4)) return 0;
  n = 4;
  if (v[4] == '-' && digits(v + 5, 2)) {
    n = 7;
    if (v[7] == '-' && digits(v + 8, 2)) n = 10;
  }
  if (v[n] != '\0' && v[n] != 'T' && v[n] != ' ' && v[n] != '-' && v[n] != '+' && v[n] != 'Z') return 0;
  if (!calendar_date(v, n)) return 0;
  memcpy(out, v, n);
  out[n] = '\0';
  return n;
}

static const struct { const char *name; int month; } months[] = {
  {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
  {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
  {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7}, {"aug", 8},
  {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
};

typedef struct dtok { int kind; long v; } dtok;   /* kind: 1 month, 2 number (v: value * 10 + digits), 3 other */

size_t pl_tei_text_date(const char *s, size_t n, char out[PL_TEI_DATE]) {
  dtok tk[64];
  int nt = 0, i, year = -1;
  size_t k = 0;
  char buf[64];
  while (k < n && nt < 64) {
    unsigned char c = (unsigned char)s[k];
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      char w[12];
      size_t j = 0, m;
      tk[nt].kind = 3; tk[nt].v = 0;
      while (k < n && (((unsigned char)s[k] | 0x20) >= 'a' && ((unsigned char)s[k] | 0x20) <= 'z')) {
        if (j < sizeof w - 1) w[j++] = (char)(s[k] | 0x20);
        k++;
      }
      w[j] = '\0';
      for (m = 0; m < sizeof months / sizeof months[0]; m++)
        if (strcmp(w, months[m].name) == 0) { tk[nt].kind = 1; tk[nt].v = months[m].month; }
      if (tk[nt].kind == 1 && k < n && s[k] == '.') k++;
      nt++;
    } else if (c >= '0' && c <= '9') {
      long v = 0;
      int nd = 0;
      while (k < n && s[k] >= '0' && s[k] <= '9') { if (nd < 6) v = v * 10 + (s[k] - '0'); nd++; k++; }
      tk[nt].kind = 2;
      tk[nt].v = nd <= 4 ? v * 10 + nd : 0;   /* value and digit count together */
      nt++;
      if (k < n && (s[k] == ',' )) k++;
    } else if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') || c == ',') {
      k++;
    } else {
      tk[nt].kind = 3; tk[nt].v = 0; nt++;
      k++;
      while (k < n && (((unsigned char)s[k]) & 0xC0) == 0x80) k++;
    }
  }
#define NUMV(x) (tk[x].kind == 2 ? tk[x].v / 10 : -1)
#define NUMD(x) (tk[x].kind == 2 ? tk[x].v % 10 : 0)
#define ISYEAR(x) ((x) < nt && NUMD(x) == 4 && NUMV(x) >= 1000)
#define ISDAY(x) ((x) < nt && NUMD(x) >= 1 && NUMD(x) <= 2 && NUMV(x) >= 1 && NUMV(x) <= 31)
  for (i = 0; i < nt; i++) {
    if (tk[i].kind == 1 && ISDAY(i + 1) && ISYEAR(i + 2)) {
      snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", NUMV(i + 2), tk[i].v, NUMV(i + 1));
      break;
    }
    if (ISDAY(i) && i + 1 < nt && tk[i + 1].kind == 1 && ISYEAR(i + 2)) {
      snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", NUMV(i + 2), tk[i + 1].v, NUMV(i));
      break;
    }
    if (tk[i].kind == 1 && ISYEAR(i + 1)) {
      snprintf(buf, sizeof buf, "%04ld-%02ld", NUMV(i + 1), tk[i].v);
      break;
    }
    if (year < 0 && ISYEAR(i)) year = i;
  }
  if (i == nt) {
    if (year < 0) return 0;
    snprintf(buf, sizeof buf, "%04ld", NUMV(year));
  }
#undef NUMV
#undef NUMD
#undef ISYEAR
#undef ISDAY
  k = strlen(buf);
  if (k >= PL_TEI_DATE || (k != 4 && k != 7 && k != 10) || !calendar_date(buf, k)) return 0;
  memcpy(out, buf, k + 1);
  return k;
}

const char *pl_tei_genre(const char *title, size_t n) {
  char low[512];
  size_t i, g, best = SIZE_MAX;
  const char *genre = "other";
  if (n >= sizeof low) n = sizeof low - 1;
  for (i = 0; i < n; i++) low[i] = (char)((title[i] >= 'A' && title[i] <= 'Z') ? title[i] | 0x20 : title[i]);
  low[n] = '\0';
  for (g = 0; g < sizeof genres / sizeof genres[0]; g++) {
    const char *at = low;
    while ((at = strstr(at, genres[g].phrase)) != NULL) {
      size_t pos = (size_t)(at - low);
      const char *end = at + strlen(genres[g].phrase);
      if (*end == 's') end++;
      if ((pos == 0 || !(low[pos - 1] >= 'a' && low[pos - 1] <= 'z')) && !(*end >= 'a' && *end <= 'z')) {
        if (genres[g].anywhere) return genres[g].genre;
        if (pos < best) { best = pos; genre = genres[g].genre; }
        break;
      }
      at++;
    }
  }
  return genre;
}
