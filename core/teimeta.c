/*
** teimeta.c — what the TEI reader (tei.c) infers from text: dates in ISO
** 8601 at the precision given, and a document's genre from its head.
** Pure functions of their arguments.
*/
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include "reader.h"
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

/* ---------------------------------------------------------------- offices */

static const struct { const char *title, *office; } OFFICES[] = {
  {"The Secretary", "Secretary of State"}, {"The Secretary of State", "Secretary of State"},
  {"The President", "President of the United States"}, {"The Vice President", "Vice President of the United States"},
  {"The Under Secretary", "Under Secretary of State"}, {"The Secretary of Defense", "Secretary of Defense"},
  {"The Attorney General", "Attorney General"}, {"The Secretary of the Treasury", "Secretary of the Treasury"},
  {NULL, NULL}
};

const char *pl_tei_office(const char *s, size_t n) {
  int i;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '.')) n--;
  for (i = 0; OFFICES[i].title; i++)
    if (strlen(OFFICES[i].title) == n && memcmp(OFFICES[i].title, s, n) == 0) return OFFICES[i].office;
  return NULL;
}

/* The first four-digit year in s[0..n), or 0. */
static int first_year(const char *s, size_t n) {
  size_t i;
  for (i = 0; i + 4 <= n; i++)
    if (isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
        isdigit((unsigned char)s[i + 3]) && (i + 4 == n || !isdigit((unsigned char)s[i + 4])) &&
        (i == 0 || !isdigit((unsigned char)s[i - 1])))
      return (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
  return 0;
}

/* Does the part p[0..n) of a role begin with office and say it was held in year? */
static int part_held(const char *p, size_t n, const char *office, int year) {
  size_t on = strlen(office), i;
  const char *rest;
  size_t rn;
  if (n < on || memcmp(p, office, on) != 0) return 0;
  rest = p + on;
  rn = n - on;
  if (rn == 0 || rest[0] == ',' || rest[0] == ';') return 1;
  if (rest[0] != ' ') return 0;
  if (year == 0) return 1;
  /* the span, right after the office: "to September 1966", "until his death on November 22, 1963",
  ** "from October 1966", "since 1965", "1964–1967" */
  if ((rn >= 4 && memcmp(rest, " to ", 4) == 0) || (rn >= 7 && memcmp(rest, " until ", 7) == 0)) {
    int y = first_year(rest, rn);
    return y == 0 || year <= y;
  }
  if ((rn >= 6 && memcmp(rest, " from ", 6) == 0) || (rn >= 7 && memcmp(rest, " since ", 7) == 0)) {
    int y = first_year(rest, rn);
    return y == 0 || year >= y;
  }
  if (rn >= 5 && isdigit((unsigned char)rest[1])) {
    int y0 = first_year(rest, rn), y1 = 0;
    for (i = 5; i < rn && !y1; i++) if (isdigit((unsigned char)rest[i]) && !isdigit((unsigned char)rest[i - 1])) y1 = first_year(rest + i, rn - i);
    if (y0 && y1) return year >= y0 && year <= y1;
    if (y0) return year == y0;
  }
  return 0;   /* "Under Secretary of State for Political Affairs": another office */
}

int pl_tei_held(const char *role, size_t n, const char *office, int year) {
  size_t at = 0;
  while (at < n) {
    size_t end = at;
    while (end < n && role[end] != ';') end++;
    if (part_held(role + at, end - at, office, year)) return 1;
    at = end + 1;
    while (at < n && role[at] == ' ') at++;
  }
  return 0;
}

/* ---------------------------------------------------------------- speakers */

long pl_tei_person(const pl_rpeople *p, const char *s, size_t n, int year) {
  char titled[96];
  const char *office, *sur;
  size_t i, sn, found = 0;
  long hit = -1;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.' || s[n - 1] == ',')) n--;
  if (n == 0 || n > 80) return -1;
  /* an office, with or without its article */
  office = pl_tei_office(s, n);
  if (!office && (n < 4 || memcmp(s, "The ", 4) != 0)) {
    snprintf(titled, sizeof titled, "The %.*s", (int)n, s);
    office = pl_tei_office(titled, strlen(titled));
  }
  if (office) {
    for (i = 0; i < p->n && found < 2; i++)
      if (pl_tei_held(pl_rperson_ptr(p, p->v[i].role), p->v[i].role.len, office, year)) { hit = (long)i; found++; }
    return found == 1 ? hit : -1;
  }
  /* a surname: the last word, capitalised, that begins one entry alone ("Rusk, Dean") */
  sur = s + n;
  while (sur > s && sur[-1] != ' ') sur--;
  sn = (size_t)(s + n - sur);
  if (sn < 2 || !isupper((unsigned char)sur[0])) return -1;
  for (i = 0; i < p->n && found < 2; i++) {
    const char *name = pl_rperson_ptr(p, p->v[i].name);
    if (p->v[i].name.len > sn && memcmp(name, sur, sn) == 0 && name[sn] == ',') { hit = (long)i; found++; }
  }
  if (found != 1) return -1;
  if (sur > s) {   /* words before the surname: a title ("Secretary Rusk"), or the given name ("Dean Rusk") */
    static const char *const titles[] = { "Secretary", "Mr.", "Mrs.", "Mr", "Mrs", "Ambassador", "Amb.",
      "President", "Senator", "General", "Gen.", "Minister", "Chairman", "Governor", "Dr.", "Sir", "Admiral", NULL };
    const char *given = pl_rperson_ptr(p, p->v[hit].name) + sn + 1;
    size_t gn = p->v[hit].name.len - sn - 1, w = 0;
    int k, ok = 0;
    while (gn > 0 && *given == ' ') { given++; gn--; }
    while (w < (size_t)(sur - s) && s[w] != ' ') w++;              /* the first word */
    for (k = 0; titles[k]; k++) if (strlen(titles[k]) == w && memcmp(titles[k], s, w) == 0) ok = 1;
    if (!ok && w <= gn && memcmp(s, given, w) == 0) ok = 1;        /* "Dean" of "Rusk, Dean" */
    if (!ok && w == 2 && s[1] == '.' && gn > 0 && given[0] == s[0]) ok = 1;   /* an initial: "D. Rusk" */
    if (!ok) return -1;
  }
  return hit;
}

size_t pl_tei_display(const char *name, size_t n, char *out, size_t cap) {
  const char *comma = memchr(name, ',', n);
  size_t sn, gn, k, m;
  const char *given;
  char plain[256];
  /* a parenthesis of the register's ("Brandt, Willy (Herbert Frahm)") is no part of the name shown */
  for (k = 0, m = 0; k < n && m + 1 < sizeof plain; k++) {
    if (name[k] == '(') {
      const char *close = memchr(name + k, ')', n - k);
      if (close) {
        k = (size_t)(close - name);
        while (m > 0 && plain[m - 1] == ' ') m--;
        continue;
      }
    }
    plain[m++] = name[k];
  }
  if (k == n && m < n) { name = plain; n = m; comma = memchr(name, ',', n); }   /* (not if cut short) */
  if (comma == NULL) {
    if (n + 1 > cap) return 0;
    memcpy(out, name, n);
    return n;
  }
  sn = (size_t)(comma - name);
  given = comma + 1;
  gn = n - sn - 1;
  while (gn > 0 && *given == ' ') { given++; gn--; }
  if (gn == 0) { if (sn + 1 > cap) return 0; memcpy(out, name, sn); return sn; }
  if (gn + 1 + sn + 1 > cap) return 0;
  memcpy(out, given, gn);
  out[gn] = ' ';
  memcpy(out + gn + 1, name, sn);
  return gn + 1 + sn;
}
