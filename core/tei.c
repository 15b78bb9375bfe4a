/*
** tei.c — the "tei" reader (reader.h): TEI P5 documents out of a TEI file,
** streaming over expat (namespace-aware; no XML is parsed by hand).
**
** One document per <div type="document">, or, in a file without such divs,
** per outermost <text> (the file is then parsed a second time in that mode).
** The text is element text with the markup removed, whitespace squeezed,
** each block element starting a paragraph (a blank line between two), and
** footnotes out of line: a <note> leaves a zero-width noteref region where
** it stands, and its text is appended after the body, a paragraph per note.
**
** The map back to the source: an anchor wherever the text stops copying
** the source (after a tag, an entity or character reference, a squeezed
** whitespace run, at the start of each note's text), with the source's byte
** offset, line and column (in characters), found by one cursor moving
** forward over the buffer (events come in source order; a note's anchors
** are made while it streams, and shifted when it is appended).
**
** The volume's person register (every persName with an xml:id, with the
** rest of its list item as the role) is collected while the file streams;
** persName names, participants and speakers are resolved against it once
** the whole file has been read, so its place in the file does not matter.
**
** Safety: no external entity handler is set and parameter entities are not
** parsed, so nothing outside the file is ever loaded; expat (2.4 and later)
** refuses entity expansion bombs by its amplification limit.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <utf8proc.h>

#include "parley.h"
#include "reader.h"
#include "tei.h"

#define NSSEP '\x01'
#define NS_TEI  "http://www.tei-c.org/ns/1.0"
#define NS_XML  "http://www.w3.org/XML/1998/namespace"
#define NS_FRUS "http://history.state.gov/ns/1.0"
#define CHUNK ((size_t)1 << 20)   /* bytes handed to expat at a time (the interrupt is tested between) */

/* ---- what the reader declares ---- */

enum { A_VOLUME, A_NUMBER, A_DATE, A_DATE_TO, A_TITLE, A_GENRE };
static const char *const doc_attrs[] = { "volume", "number", "date", "date_to", "title", "genre", NULL };

enum { K_HEAD, K_DATELINE, K_LIST, K_NOTE, K_NOTEREF, K_PERSNAME, K_TURN, K_LABEL, K_PAGE, NKINDS };
static const pl_reader_kind kinds[NKINDS] = {
  {"head",     {NULL}},
  {"dateline", {NULL}},
  {"list",     {"type", NULL}},
  {"note",     {"n", "type", "id", "anchor", NULL}},
  {"noteref",  {"n", "id", NULL}},
  {"persname", {"ref", "name", NULL}},
  {"turn",     {"speaker", "who", NULL}},
  {"label",    {"speaker", NULL}},
  {"page",     {"n", NULL}},
};

/* ---- elements ---- */

enum {
  E_OTHER, E_AB, E_BACK, E_BODY, E_CELL, E_CLOSER, E_DATE, E_DATELINE, E_DIV, E_FRONT, E_HEAD,
  E_IDNO, E_ITEM, E_L, E_LB, E_LG, E_LIST, E_NOTE, E_OPENER, E_P, E_PB, E_PERSNAME, E_PLACENAME,
  E_POSTSCRIPT, E_QUOTE, E_ROW, E_SALUTE, E_SIGNED, E_SP, E_SPEAKER, E_TABLE, E_TEIHEADER, E_TEXT
};
static const struct { const char *name; int e, block; } elements[] = {   /* sorted by name */
  {"ab", E_AB, 1}, {"back", E_BACK, 1}, {"body", E_BODY, 1}, {"cell", E_CELL, 0},
  {"closer", E_CLOSER, 1}, {"date", E_DATE, 0}, {"dateline", E_DATELINE, 1}, {"div", E_DIV, 1},
  {"front", E_FRONT, 1}, {"head", E_HEAD, 1}, {"idno", E_IDNO, 0}, {"item", E_ITEM, 1},
  {"l", E_L, 1}, {"lb", E_LB, 0}, {"lg", E_LG, 1}, {"list", E_LIST, 1}, {"note", E_NOTE, 0},
  {"opener", E_OPENER, 1}, {"p", E_P, 1}, {"pb", E_PB, 0}, {"persName", E_PERSNAME, 0},
  {"placeName", E_PLACENAME, 0}, {"postscript", E_POSTSCRIPT, 1}, {"quote", E_QUOTE, 0},
  {"row", E_ROW, 1}, {"salute", E_SALUTE, 1}, {"signed", E_SIGNED, 1}, {"sp", E_SP, 1},
  {"speaker", E_SPEAKER, 0}, {"table", E_TABLE, 1}, {"teiHeader", E_TEIHEADER, 0},
  {"text", E_TEXT, 1},
};

/* ---- small buffers ---- */

typedef struct sbuf { char *b; size_t n, cap; } sbuf;

static int sb_add(sbuf *s, const char *p, size_t n) {
  if (s->n + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 64;
    char *nb;
    while (cap < s->n + n + 1) cap *= 2;
    nb = realloc(s->b, cap);
    if (nb == NULL) return -1;
    s->b = nb;
    s->cap = cap;
  }
  memcpy(s->b + s->n, p, n);
  s->n += n;
  s->b[s->n] = '\0';
  return 0;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Append s[0..n) to b with whitespace squeezed (a run becomes one space; none leading). */
static int sb_squeeze(sbuf *b, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    if (is_space((unsigned char)s[i])) {
      while (i < n && is_space((unsigned char)s[i])) i++;
      if (b->n > 0 && b->b[b->n - 1] != ' ' && sb_add(b, " ", 1)) return -1;
      continue;
    }
    while (i < n && !is_space((unsigned char)s[i])) i++;
    if (sb_add(b, s + j, i - j)) return -1;
  }
  return 0;
}

/* s[0..*n) without leading and trailing spaces, punctuation in strip too */
static const char *trim(const char *s, size_t *n, const char *strip) {
  while (*n > 0 && (is_space((unsigned char)*s) || strchr(strip, *s))) { s++; (*n)--; }
  while (*n > 0 && (is_space((unsigned char)s[*n - 1]) || strchr(strip, s[*n - 1]))) (*n)--;
  return s;
}

/* ---- where text goes: the body of a document, or one of its notes ---- */

#define MAX_LAZY 64
typedef struct sink {
  pl_rdoc *d;
  int para, brk, space;      /* the paragraph has text; a break / a space is pending */
  long long space_src;       /* the pending space copies the source byte there (-1: it does not) */
  long long expect;          /* source offset the text's end copies up to (-1: none) */
  size_t lazy[MAX_LAZY];     /* regions that start at the next text */
  int nlazy;
} sink;

typedef struct pnote {       /* a note being collected */
  pl_rdoc d;
  long ref;                  /* its noteref region in the body */
  char *target;              /* its target attribute without '#' (malloc'ed; NULL: none) */
  pl_rstr n, type, id, anchor;   /* in d.strs */
  int source;                /* type="source" */
} pnote;

typedef struct fixup { size_t doc, meta; char *ref; } fixup;   /* a participant to resolve */

typedef struct frame {       /* an open element */
  int e, block, doc;         /* element; starts a paragraph; opened a document */
  long region;               /* region it opened in the current sink (-1: none) */
  int note;                  /* opened a note sink */
  int person;                /* a register persName (its name is being captured) */
  int items;                 /* an item whose role is being captured */
  int participants;          /* a list of participants */
} frame;

enum { ENC_UTF8, ENC_LATIN1, ENC_UTF16LE, ENC_UTF16BE };

typedef struct tei {
  const char *path, *data;
  size_t len;
  pl_rdocs *out;
  XML_Parser p;
  int text_mode;             /* documents are <text>s */
  int failed;                /* out of memory */
  int enc;
  size_t start;              /* after any byte order mark */
  size_t cur_pos;            /* the cursor: the character at cur_pos is at cur_line:cur_col */
  uint32_t cur_line, cur_col;
  long long last_src;

  frame *stack; size_t depth, scap;
  int header;                /* inside teiHeader */

  /* captures */
  int cap_idno, cap_name, cap_role;
  sbuf volume, name, role, pid;

  /* the document being read */
  long doc;                  /* index in out (-1: none) */
  size_t first_doc;          /* the first document of this file in out */
  size_t ndiv;               /* documents of this file so far */
  size_t doc_depth, doc_src;
  sink body, note, *sk;
  pnote *notes; size_t nnotes, ncap;
  int note_depth;            /* notes inside the current note */
  long title_head;           /* region of the document's own head (-1) */
  int dateline_seen, in_dateline, date_seen, in_date, place_seen, in_place;
  uint32_t dl_start, dl_end, date_start, date_end, place_start, place_end;
  sbuf date, date_to, div_date, div_date_to;
  int participants;          /* inside a list of participants */
  int item_pers;             /* the current participants' item has a persName */
  int item_loose;            /* and text of its own (not only a heading in <hi>) */
  uint32_t item_start;
  long pers_region;          /* the persName being read (its region in the current sink) */
  int pers_participant;
  sbuf pers_ref;
  long turn_region, label_region;
  sbuf xmlid, who;           /* the document's xml:id; the current turn's who */
  sbuf speaker;

  fixup *fix; size_t nfix, fcap;
  /* entities left out: external ones are never loaded; those an unread DTD declares are unknown */
  size_t nexternal, nskipped;
  char first_entity[80];
  unsigned long entity_line, entity_col;
} tei;

static void oom(tei *t) {
  if (!t->failed) {
    t->failed = 1;
    XML_StopParser(t->p, XML_FALSE);
  }
}

/* ---- the cursor: line and column of a source offset ---- */

static size_t unit_at(const tei *t, size_t k) {   /* a UTF-16 unit */
  const unsigned char *s = (const unsigned char *)t->data;
  if (k + 1 >= t->len) return 0;
  return t->enc == ENC_UTF16LE ? (size_t)s[k] | (size_t)s[k + 1] << 8 : (size_t)s[k] << 8 | s[k + 1];
}

static void cursor_to(tei *t, size_t pos) {
  const unsigned char *s = (const unsigned char *)t->data;
  size_t k;
  uint32_t line, col;
  if (pos > t->len) pos = t->len;
  if (pos < t->cur_pos) { t->cur_pos = t->start; t->cur_line = t->cur_col = 1; }
  k = t->cur_pos; line = t->cur_line; col = t->cur_col;
  if (t->enc == ENC_UTF8 || t->enc == ENC_LATIN1) {
    int utf8 = t->enc == ENC_UTF8;
    for (; k < pos; k++) {
      unsigned char c = s[k];
      if (c == '\n') { line++; col = 1; }
      else if (c == '\r') { if (k + 1 >= t->len || s[k + 1] != '\n') { line++; col = 1; } }
      else if (!utf8 || (c & 0xC0) != 0x80) col++;
    }
  } else {
    for (; k < pos; k += 2) {
      size_t u = unit_at(t, k);
      if (u == '\n') { line++; col = 1; }
      else if (u == '\r') { if (unit_at(t, k + 2) != '\n') { line++; col = 1; } }
      else if (u < 0xDC00 || u > 0xDFFF) col++;
    }
  }
  t->cur_pos = k; t->cur_line = line; t->cur_col = col;
}

/* The source offset n characters after pos (a run that copies the source). */
static size_t src_skip(const tei *t, size_t pos, size_t nchars) {
  const unsigned char *s = (const unsigned char *)t->data;
  if (t->enc == ENC_LATIN1) return pos + nchars;
  while (nchars > 0 && pos < t->len) {
    if (t->enc == ENC_UTF8) {
      pos++;
      while (pos < t->len && (s[pos] & 0xC0) == 0x80) pos++;
    } else {
      size_t u = unit_at(t, pos);
      pos += (u >= 0xD800 && u <= 0xDBFF) ? 4 : 2;
    }
    nchars--;
  }
  return pos;
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t i, c = 0;
  for (i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* ---- sinks ---- */

static void sink_reset(sink *k, pl_rdoc *d) {
  memset(k, 0, sizeof *k);
  k->d = d;
  k->expect = k->space_src = -1;
}

static void sink_block(sink *k) {
  if (k->para) { k->brk = 1; k->para = 0; }
  k->space = 0;
}

static void sink_space(sink *k, long long src, int exact) {
  if (!k->para) return;
  if (k->space) { k->space_src = -1; return; }
  k->space = 1;
  k->space_src = exact ? src : -1;
}

static int sink_anchor(tei *t, sink *k, size_t src) {
  cursor_to(t, src);
  return pl_rdoc_anchor(k->d, (uint32_t)src, t->cur_line, t->cur_col);
}

/* Whether s[0..n) (valid UTF-8) may not be NFC. */
static int maybe_not_nfc(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    if (c < 0xE0) { cp = (uint32_t)(c & 0x1F) << 6 | ((unsigned char)s[i + 1] & 0x3F); i += 2; }
    else if (c < 0xF0) {
      cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
           ((unsigned char)s[i + 2] & 0x3F);
      i += 3;
    } else { return 1; }
    if (!pl_nfc_inert(cp)) return 1;
  }
  return 0;
}

/*
** A run of non-space text s[0..n) at source offset src; copy says it
** copies the source character for character (its source span is bytes).
*/
static int sink_word(tei *t, sink *k, const char *s, size_t n, size_t src, int copy, size_t bytes) {
  pl_rdoc *d = k->d;
  int i;
  if (!k->brk && !k->space && k->para && d->len > 0 && (unsigned char)s[0] >= 0x80 && maybe_not_nfc(s, n)) {
    /* a combining mark (say a character reference) right after text: normalise it with the
       character before, which keeps that character's place in the map */
    size_t last = d->len - 1, r;
    utf8proc_uint8_t *nfc = NULL;
    char *both;
    utf8proc_ssize_t m;
    while (last > 0 && ((unsigned char)d->text[last] & 0xC0) == 0x80) last--;
    r = d->len - last;
    both = malloc(r + n);
    if (both == NULL) return -1;
    memcpy(both, d->text + last, r);
    memcpy(both + r, s, n);
    m = parley_nfc_map((const utf8proc_uint8_t *)both, (utf8proc_ssize_t)(r + n), &nfc);
    free(both);
    if (m < 0) return -1;
    for (i = 0; i < k->nlazy; i++) d->regions[k->lazy[i]].start = (uint32_t)last;
    k->nlazy = 0;
    while (d->nanchors > 0 && d->anchors[d->nanchors - 1].text > last) d->nanchors--;
    d->len = last;
    i = pl_rdoc_text(d, (const char *)nfc, (size_t)m);
    free(nfc);
    k->expect = -1;
    return i;
  }
  if (k->brk) {
    if (d->len > 0 && pl_rdoc_text(d, "\n\n", 2)) return -1;
    k->brk = k->space = 0;
    k->expect = -1;
  } else if (k->space) {
    if (pl_rdoc_text(d, " ", 1)) return -1;
    k->expect = (k->space_src >= 0 && k->expect == k->space_src) ? k->space_src + 1 : -1;
    k->space = 0;
  }
  for (i = 0; i < k->nlazy; i++) d->regions[k->lazy[i]].start = (uint32_t)d->len;
  k->nlazy = 0;
  if (!copy || k->expect != (long long)src) {
    if (sink_anchor(t, k, src)) return -1;
  }
  k->para = 1;
  if (maybe_not_nfc(s, n)) {
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t r = parley_nfc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nfc);
    if (r < 0) return -1;
    if ((size_t)r != n || memcmp(nfc, s, n) != 0) {
      int rc = pl_rdoc_text(d, (const char *)nfc, (size_t)r);
      free(nfc);
      k->expect = -1;
      return rc;
    }
    free(nfc);
  }
  if (pl_rdoc_text(d, s, n)) return -1;
  k->expect = copy ? (long long)(src + bytes) : -1;
  return 0;
}

/* A region of kind starting at the sink's next text. */
static long sink_region(tei *t, sink *k, int kind, int lazy) {
  pl_rregion *r = pl_rdoc_region(k->d, (uint32_t)kind, (uint32_t)k->d->len, (uint32_t)k->d->len);
  if (r == NULL) { oom(t); return -1; }
  if (lazy) {
    if (k->nlazy < MAX_LAZY) k->lazy[k->nlazy++] = k->d->nregions - 1;
  }
  return (long)k->d->nregions - 1;
}

static void sink_close_region(sink *k, long r) {
  int i;
  if (r < 0) return;
  for (i = 0; i < k->nlazy; i++)
    if (k->lazy[i] == (size_t)r) {
      k->d->regions[r].start = (uint32_t)k->d->len;
      memmove(k->lazy + i, k->lazy + i + 1, (size_t)(k->nlazy - i - 1) * sizeof k->lazy[0]);
      k->nlazy--;
      break;
    }
  k->d->regions[r].end = (uint32_t)k->d->len;
}

static int set_attr(pl_rdoc *d, long r, int a, const char *s, size_t n) {
  return pl_rdoc_str(d, s, n, &d->regions[r].attrs[a]);
}

/* ---- attributes ---- */

static const char *attr(const XML_Char **atts, const char *ns, const char *local) {
  size_t nl = ns ? strlen(ns) : 0;
  int i;
  for (i = 0; atts[i]; i += 2) {
    const char *a = atts[i], *sep = strchr(a, NSSEP);
    if (ns == NULL) {
      if (sep == NULL && strcmp(a, local) == 0) return atts[i + 1];
    } else if (sep && (size_t)(sep - a) == nl && memcmp(a, ns, nl) == 0 && strcmp(sep + 1, local) == 0) {
      return atts[i + 1];
    }
  }
  return NULL;
}

static int classify(const char *name, int *block) {
  const char *sep = strchr(name, NSSEP), *local = name;
  size_t lo = 0, hi = sizeof elements / sizeof elements[0];
  *block = 0;
  if (sep) {
    if ((size_t)(sep - name) != sizeof NS_TEI - 1 || memcmp(name, NS_TEI, sizeof NS_TEI - 1) != 0) return E_OTHER;
    local = sep + 1;
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(local, elements[mid].name);
    if (c == 0) { *block = elements[mid].block; return elements[mid].e; }
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  return E_OTHER;
}

/* The id a corresp or who points to: the first of its references, without '#'. */
static const char *ref_id(const char *v, size_t *n) {
  while (*v == ' ') v++;
  if (*v == '#') v++;
  *n = 0;
  while (v[*n] && v[*n] != ' ') (*n)++;
  return v;
}

/* ---- dates and genres (teimeta.c) ---- */

static int iso_date(const char *v, sbuf *out) {
  char b[PL_TEI_DATE];
  size_t n = pl_tei_iso_date(v, b);
  out->n = 0;
  return n > 0 && sb_add(out, b, n) == 0;
}

static int text_date(const char *s, size_t n, sbuf *out) {
  char b[PL_TEI_DATE];
  size_t k = pl_tei_text_date(s, n, b);
  out->n = 0;
  return k > 0 && sb_add(out, b, k) == 0;
}

/* ---- documents ---- */

static pl_rdoc *cur_doc(tei *t) { return &t->out->v[t->doc]; }

static void doc_open(tei *t, const XML_Char **atts) {
  pl_rdoc *d = pl_rdocs_add(t->out);
  pl_rstr empty;
  const char *id = attr(atts, NS_XML, "id"), *n = attr(atts, NULL, "n");
  if (d == NULL || pl_rdoc_str(d, "", 0, &empty)) { oom(t); return; }
  t->doc = (long)(t->out->n - 1);
  t->ndiv++;
  t->doc_depth = t->depth;
  t->doc_src = (size_t)(t->last_src >= 0 ? t->last_src : 0);
  sink_reset(&t->body, d);
  t->sk = &t->body;
  t->nnotes = 0;
  t->note_depth = 0;
  t->title_head = -1;
  t->dateline_seen = t->in_dateline = t->date_seen = t->in_date = t->place_seen = t->in_place = 0;
  t->date.n = t->date_to.n = t->div_date.n = t->div_date_to.n = 0;
  t->participants = 0;
  t->pers_region = t->turn_region = t->label_region = -1;
  t->xmlid.n = 0;
  if (id && sb_add(&t->xmlid, id, strlen(id))) oom(t);
  if (n && pl_rdoc_str(d, n, strlen(n), &d->attrs[A_NUMBER])) oom(t);
  if (!iso_date(attr(atts, NS_FRUS, "doc-dateTime-min"), &t->div_date)) t->div_date.n = 0;
  if (!iso_date(attr(atts, NS_FRUS, "doc-dateTime-max"), &t->div_date_to)) t->div_date_to.n = 0;
  /* the id is made once the volume is known; the xml:id waits in strs */
  if (pl_rdoc_str(d, t->xmlid.b ? t->xmlid.b : "", t->xmlid.n, &d->id)) oom(t);
}

/* Append note k to the document: a paragraph of its own, its region, its regions and anchors shifted. */
static int append_note(pl_rdoc *d, pnote *nt) {
  uint32_t base;
  size_t i;
  int a;
  pl_rregion *r;
  if (d->len > 0 && nt->d.len > 0 && pl_rdoc_text(d, "\n\n", 2)) return -1;   /* an empty note: no paragraph */
  base = (uint32_t)d->len;
  {  /* the text up to each anchor, then the anchor (pl_rdoc_anchor marks the text's end) */
    uint32_t at = 0;
    for (i = 0; i < nt->d.nanchors; i++) {
      pl_anchor an = nt->d.anchors[i];
      if (pl_rdoc_text(d, nt->d.text + at, an.text - at)) return -1;
      at = an.text;
      if (pl_rdoc_anchor(d, an.src, an.line, an.col)) return -1;
    }
    if (pl_rdoc_text(d, nt->d.text ? nt->d.text + at : "", nt->d.len - at)) return -1;
  }
  r = pl_rdoc_region(d, K_NOTE, base, (uint32_t)d->len);
  if (r == NULL) return -1;
  {
    pl_rstr v[4] = { nt->n, nt->type, nt->id, nt->anchor };
    size_t ri = d->nregions - 1;
    for (a = 0; a < 4; a++)
      if (pl_rdoc_str(d, pl_rstr_ptr(&nt->d, v[a]), v[a].len, &d->regions[ri].attrs[a])) return -1;
  }
  for (i = 0; i < nt->d.nregions; i++) {
    pl_rregion src = nt->d.regions[i];
    pl_rregion *g = pl_rdoc_region(d, src.kind, base + src.start, base + src.end);
    size_t gi;
    if (g == NULL) return -1;
    gi = d->nregions - 1;
    for (a = 0; a < PL_READER_MAX_ATTRS; a++)
      if (pl_rdoc_str(d, pl_rstr_ptr(&nt->d, src.attrs[a]), src.attrs[a].len, &d->regions[gi].attrs[a])) return -1;
  }
  return 0;
}

static void free_rdoc(pl_rdoc *d) {
  free(d->text); free(d->anchors); free(d->strs); free(d->meta); free(d->regions);
  memset(d, 0, sizeof *d);
}

typedef struct rsort { pl_rregion r; size_t i; } rsort;

static int rsort_cmp(const void *a, const void *b) {
  const rsort *x = a, *y = b;
  if (x->r.start != y->r.start) return x->r.start < y->r.start ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/*
** Regions in document order (by start; at one start, in the order they were
** opened, the enclosing one first).  They are made in that order but for a
** zero-width region met before the paragraph break of a region opened
** earlier, so a sort is rarely needed.
*/
static int sort_regions(pl_rdoc *d) {
  size_t i;
  rsort *v;
  for (i = 1; i < d->nregions; i++) if (d->regions[i].start < d->regions[i - 1].start) break;
  if (i >= d->nregions) return 0;
  v = malloc(d->nregions * sizeof *v);
  if (v == NULL) return -1;
  for (i = 0; i < d->nregions; i++) { v[i].r = d->regions[i]; v[i].i = i; }
  qsort(v, d->nregions, sizeof *v, rsort_cmp);
  for (i = 0; i < d->nregions; i++) d->regions[i] = v[i].r;
  free(v);
  return 0;
}

static int doc_close(tei *t) {
  pl_rdoc *d = cur_doc(t);
  size_t i;
  const char *date = NULL, *date_to = NULL;
  size_t date_n = 0, date_to_n = 0;
  sbuf td = {0};
  const char *genre = "other";
  int rc = 0;
  /* title and genre from the document's own head */
  if (t->title_head >= 0) {
    pl_rregion *h = &d->regions[t->title_head];
    size_t n = h->end - h->start;
    const char *s = trim(d->text + h->start, &n, "");
    char *flat = malloc(n + 1);
    size_t j, m = 0;
    if (flat == NULL) return -1;
    for (j = 0; j < n; j++) {          /* a head of several paragraphs is one line */
      char c = s[j] == '\n' ? ' ' : s[j];
      if (c == ' ' && m > 0 && flat[m - 1] == ' ') continue;
      flat[m++] = c;
    }
    rc = pl_rdoc_str(d, flat, m, &d->attrs[A_TITLE]);
    genre = pl_tei_genre(flat, m);
    free(flat);
  }
  if (rc) return -1;
  /* metadata of the dateline */
  if (t->dateline_seen) {
    size_t n = t->dl_end - t->dl_start;
    const char *s = trim(d->text + t->dl_start, &n, "");
    if (pl_rdoc_meta(d, "dateline", s, n)) return -1;
    if (t->date_seen) {
      n = t->date_end - t->date_start;
      s = trim(d->text + t->date_start, &n, "");
      if (pl_rdoc_meta(d, "date_text", s, n)) return -1;
    }
    if (t->place_seen) {
      n = t->place_end - t->place_start;
      s = trim(d->text + t->place_start, &n, "");
      if (pl_rdoc_meta(d, "place", s, n)) return -1;
    }
  }
  /* the date: the dateline's date element, the div's attribute, the dateline's text */
  if (t->date.n) { date = t->date.b; date_n = t->date.n; date_to = t->date_to.b; date_to_n = t->date_to.n; }
  else if (t->div_date.n) { date = t->div_date.b; date_n = t->div_date.n; date_to = t->div_date_to.b; date_to_n = t->div_date_to.n; }
  else if (t->dateline_seen && text_date(d->text + t->dl_start, t->dl_end - t->dl_start, &td)) { date = td.b; date_n = td.n; }
  rc = pl_rdoc_str(d, date ? date : "", date_n, &d->attrs[A_DATE]);
  if (rc == 0) rc = pl_rdoc_str(d, date_to ? date_to : "", date_to_n, &d->attrs[A_DATE_TO]);
  free(td.b);
  if (rc) return -1;
  /* the notes, out of line */
  for (i = 0; i < t->nnotes && rc == 0; i++) {
    pnote *nt = &t->notes[i];
    if (nt->source) {
      size_t n = nt->d.len;
      const char *s = trim(nt->d.text ? nt->d.text : "", &n, "");
      rc = pl_rdoc_meta(d, "source", s, n);
      /* older volumes give the kind of document after the file number: "691.119/6–1948: Telegram" */
      if (rc == 0 && strcmp(genre, "other") == 0) {
        const char *colon = memchr(s, ':', n);
        while (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s))) colon = memchr(colon + 1, ':', n - (size_t)(colon + 1 - s));
        if (colon && n - (size_t)(colon - s) < 40) genre = pl_tei_genre(colon + 1, n - (size_t)(colon + 1 - s));
      }
    }
    if (rc == 0) rc = append_note(d, nt);
  }
  for (i = 0; i < t->nnotes; i++) { free_rdoc(&t->notes[i].d); free(t->notes[i].target); }
  t->nnotes = 0;
  if (rc || pl_rdoc_str(d, genre, strlen(genre), &d->attrs[A_GENRE])) return -1;
  if (sort_regions(d)) return -1;
  /* text always begins at an anchor (its first word's); an empty document gets its start tag's */
  if (d->nanchors == 0) {
    cursor_to(t, t->doc_src);
    if (pl_rdoc_anchor(d, (uint32_t)t->doc_src, t->cur_line, t->cur_col)) return -1;
  }
  t->doc = -1;
  t->sk = NULL;
  return 0;
}

/* ---- expat handlers ---- */

static frame *push(tei *t) {
  frame *f;
  if (t->depth == t->scap) {
    size_t cap = t->scap ? t->scap * 2 : 64;
    frame *ns = realloc(t->stack, cap * sizeof *ns);
    if (ns == NULL) { oom(t); return NULL; }
    t->stack = ns;
    t->scap = cap;
  }
  f = &t->stack[t->depth++];
  memset(f, 0, sizeof *f);
  f->region = -1;
  return f;
}

static void note_open(tei *t, const XML_Char **atts) {
  const char *n = attr(atts, NULL, "n"), *type = attr(atts, NULL, "type"), *id = attr(atts, NS_XML, "id");
  const char *anchor = id ? id : n ? n : "";
  pnote *nt;
  pl_rstr empty;
  long r = sink_region(t, &t->body, K_NOTEREF, 0);
  pl_rdoc *d = cur_doc(t);
  if (r < 0) return;
  if (set_attr(d, r, 0, n ? n : "", n ? strlen(n) : 0) || set_attr(d, r, 1, anchor, strlen(anchor))) { oom(t); return; }
  if (t->nnotes == t->ncap) {
    size_t cap = t->ncap ? t->ncap * 2 : 16;
    pnote *nn = realloc(t->notes, cap * sizeof *nn);
    if (nn == NULL) { oom(t); return; }
    t->notes = nn;
    t->ncap = cap;
  }
  nt = &t->notes[t->nnotes++];
  memset(nt, 0, sizeof *nt);
  nt->ref = r;
  if (attr(atts, NULL, "target")) {
    size_t tn;
    const char *tid = ref_id(attr(atts, NULL, "target"), &tn);
    nt->target = malloc(tn + 1);
    if (nt->target == NULL) { oom(t); return; }
    memcpy(nt->target, tid, tn);
    nt->target[tn] = '\0';
  }
  if (pl_rdoc_str(&nt->d, "", 0, &empty) ||
      pl_rdoc_str(&nt->d, n ? n : "", n ? strlen(n) : 0, &nt->n) ||
      pl_rdoc_str(&nt->d, type ? type : "", type ? strlen(type) : 0, &nt->type) ||
      pl_rdoc_str(&nt->d, id ? id : "", id ? strlen(id) : 0, &nt->id) ||
      pl_rdoc_str(&nt->d, anchor, strlen(anchor), &nt->anchor)) { oom(t); return; }
  nt->source = type && strcmp(type, "source") == 0;
  sink_reset(&t->note, &nt->d);
  t->sk = &t->note;
}

static void person_done(tei *t);

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  tei *t = (tei *)ud;
  int block, e = classify(name, &block);
  frame *f, *parent;
  sink *k;
  XML_Index at = XML_GetCurrentByteIndex(t->p);
  if (t->failed) return;
  if (at >= 0) t->last_src = at;
  parent = t->depth ? &t->stack[t->depth - 1] : NULL;
  f = push(t);
  if (f == NULL) return;
  f->e = e;
  if (e == E_QUOTE && parent && (parent->e == E_DIV || parent->e == E_BODY || parent->e == E_SP ||
                                 parent->e == E_FRONT || parent->e == E_BACK || parent->e == E_NOTE))
    block = 1;
  f->block = block;
  if (e == E_TEIHEADER) { t->header++; }
  if (t->header) {
    const char *type = attr(atts, NULL, "type");
    if (e == E_IDNO && type && strcmp(type, "frus") == 0 && t->volume.n == 0) t->cap_idno = 1;
    return;
  }
  /* the register: a persName with an xml:id, anywhere */
  if (e == E_PERSNAME && attr(atts, NS_XML, "id") && !t->cap_name) {
    const char *id = attr(atts, NS_XML, "id");
    if (t->cap_role) person_done(t);     /* a second entry in the same item */
    t->pid.n = t->name.n = t->role.n = 0;
    if (sb_add(&t->pid, id, strlen(id))) { oom(t); return; }
    t->cap_name = 1;
    f->person = 1;
  }
  if (t->doc < 0) {
    if (t->text_mode ? e == E_TEXT : (e == E_DIV && attr(atts, NULL, "type") &&
                                      strcmp(attr(atts, NULL, "type"), "document") == 0)) {
      doc_open(t, atts);
      f->doc = 1;
    }
    return;
  }
  k = t->sk;
  if (e == E_NOTE) {
    if (t->sk == &t->body) { note_open(t, atts); f->note = 1; return; }
    t->note_depth++;
    return;
  }
  if (block) sink_block(k);
  switch (e) {
  case E_LB: case E_CELL:
    sink_space(k, -1, 0);
    break;
  case E_PB: {
    const char *n = attr(atts, NULL, "n");
    long r = sink_region(t, k, K_PAGE, 0);
    if (r >= 0 && n && set_attr(k->d, r, 0, n, strlen(n))) oom(t);
    break;
  }
  case E_HEAD:
    f->region = sink_region(t, k, K_HEAD, 1);
    if (k == &t->body && t->title_head < 0 && (t->text_mode || t->depth == t->doc_depth + 1))
      t->title_head = f->region;
    break;
  case E_DATELINE:
    f->region = sink_region(t, k, K_DATELINE, 1);
    if (k == &t->body && !t->dateline_seen) { t->in_dateline = 1; t->dl_start = (uint32_t)k->d->len; }
    break;
  case E_DATE:
    if (t->in_dateline && !t->date_seen) {
      const char *to = attr(atts, NULL, "to");
      t->in_date = 1;
      t->date_start = (uint32_t)k->d->len;
      if (!iso_date(attr(atts, NULL, "when"), &t->date) && !iso_date(attr(atts, NULL, "when-iso"), &t->date) &&
          !iso_date(attr(atts, NULL, "from"), &t->date) && !iso_date(attr(atts, NULL, "notBefore"), &t->date) &&
          !iso_date(attr(atts, NS_FRUS, "doc-dateTime-min"), &t->date)) t->date.n = 0;
      if (!iso_date(to, &t->date_to) && !iso_date(attr(atts, NULL, "notAfter"), &t->date_to) &&
          !iso_date(attr(atts, NS_FRUS, "doc-dateTime-max"), &t->date_to)) t->date_to.n = 0;
      if (t->date.n == 0) t->date_to.n = 0;
    }
    break;
  case E_PLACENAME:
    if (t->in_dateline && !t->place_seen) { t->in_place = 1; t->place_start = (uint32_t)k->d->len; }
    break;
  case E_LIST: {
    const char *type = attr(atts, NULL, "type");
    f->region = sink_region(t, k, K_LIST, 1);
    if (f->region >= 0 && type && set_attr(k->d, f->region, 0, type, strlen(type))) oom(t);
    if (type && strcmp(type, "participants") == 0 && k == &t->body && !t->participants) {
      t->participants = 1;
      f->participants = 1;
    }
    break;
  }
  case E_ITEM:
    if (t->participants) { t->item_pers = t->item_loose = 0; t->item_start = (uint32_t)k->d->len; }
    break;
  case E_PERSNAME: {
    const char *c = attr(atts, NULL, "corresp");
    if (c == NULL) c = attr(atts, NULL, "ref");
    if (t->pers_region >= 0) break;     /* a persName inside another counts as its text */
    f->region = t->pers_region = sink_region(t, k, K_PERSNAME, 1);
    t->pers_ref.n = 0;
    if (c) {
      size_t n;
      const char *id = ref_id(c, &n);
      if (sb_add(&t->pers_ref, id, n) || set_attr(k->d, f->region, 0, id, n)) oom(t);
    }
    t->pers_participant = t->participants;
    if (t->participants) t->item_pers = 1;
    break;
  }
  case E_SP: {
    const char *who = attr(atts, NULL, "who");
    f->region = t->turn_region = sink_region(t, k, K_TURN, 1);
    t->who.n = t->speaker.n = 0;
    if (who) {
      size_t n;
      const char *id = ref_id(who, &n);
      if (sb_add(&t->who, id, n) || set_attr(k->d, f->region, 1, id, n)) oom(t);
    }
    break;
  }
  case E_SPEAKER:
    if (t->turn_region >= 0 && t->label_region < 0) f->region = t->label_region = sink_region(t, k, K_LABEL, 1);
    break;
  default:
    break;
  }
}

/* The squeezed text of the current sink from start to its end. */
static const char *sink_text(sink *k, uint32_t start, size_t *n) {
  *n = k->d->len - start;
  return trim(k->d->text + start, n, "");
}

static int add_fixup(tei *t, size_t meta, const char *ref, size_t n) {
  fixup *x;
  if (t->nfix == t->fcap) {
    size_t cap = t->fcap ? t->fcap * 2 : 64;
    fixup *nf = realloc(t->fix, cap * sizeof *nf);
    if (nf == NULL) return -1;
    t->fix = nf;
    t->fcap = cap;
  }
  x = &t->fix[t->nfix];
  x->ref = malloc(n + 1);
  if (x->ref == NULL) return -1;
  memcpy(x->ref, ref, n);
  x->ref[n] = '\0';
  x->doc = (size_t)t->doc;
  x->meta = meta;
  t->nfix++;
  return 0;
}

static void persname_close(tei *t, frame *f) {
  sink *k = t->sk;
  pl_rdoc *d = cur_doc(t);
  size_t n, i;
  const char *s;
  sink_close_region(k, f->region);
  t->pers_region = -1;
  s = sink_text(k, k->d->regions[f->region].start, &n);
  if (n == 0) return;
  if (t->pers_participant) {
    if (pl_rdoc_meta(d, "participant", s, n)) { oom(t); return; }
    if (t->pers_ref.n && add_fixup(t, d->nmeta - 1, t->pers_ref.b, t->pers_ref.n)) { oom(t); return; }
    s = sink_text(k, k->d->regions[f->region].start, &n);
  }
  for (i = 0; i < d->nmeta; i++) {
    pl_rmeta *m = &d->meta[i];
    if (m->value.len == n && strcmp(pl_rstr_ptr(d, m->key), "persname") == 0 &&
        memcmp(pl_rstr_ptr(d, m->value), s, n) == 0) return;
  }
  if (pl_rdoc_meta(d, "persname", s, n)) oom(t);
}

static void person_done(tei *t) {
  size_t n = t->role.n;
  const char *role = trim(t->role.b ? t->role.b : "", &n, ",;:.");
  size_t nn = t->name.n;
  const char *name = trim(t->name.b ? t->name.b : "", &nn, "");
  if (pl_rpeople_add(&t->out->people, t->pid.b, t->pid.n, name, nn, role, n)) oom(t);
  t->cap_role = 0;
}

static void on_end(void *ud, const XML_Char *name) {
  tei *t = (tei *)ud;
  frame *f;
  sink *k;
  XML_Index at = XML_GetCurrentByteIndex(t->p);
  (void)name;
  if (t->failed || t->depth == 0) return;
  if (at >= 0) t->last_src = at;
  f = &t->stack[t->depth - 1];
  if (f->person) {
    size_t i;
    t->cap_name = 0;
    for (i = t->depth - 1; i-- > 0;)
      if (t->stack[i].e == E_ITEM) { t->stack[i].items = 1; t->cap_role = 1; break; }
    if (!t->cap_role) person_done(t);
  }
  if (f->items && t->cap_role) person_done(t);
  if (f->e == E_TEIHEADER) { t->header--; t->cap_idno = 0; }
  if (f->e == E_IDNO) t->cap_idno = 0;
  if (t->doc < 0 || t->header) { t->depth--; return; }
  k = t->sk;
  if (f->doc) {
    sink_block(k);
    if (doc_close(t)) oom(t);
    t->depth--;
    return;
  }
  if (f->note) {
    pnote *nt = &t->notes[t->nnotes - 1];
    t->sk = &t->body;
    if (nt->d.len == 0 && nt->target) {
      /* an empty note pointing at another (<note target="#d49fn3"/>): a second reference to it */
      pl_rdoc *d = cur_doc(t);
      if (set_attr(d, nt->ref, 1, nt->target, strlen(nt->target))) oom(t);
      free(nt->target);
      free_rdoc(&nt->d);
      t->nnotes--;
    }
    t->depth--;
    return;
  }
  if (f->e == E_NOTE) { t->note_depth--; t->depth--; return; }
  switch (f->e) {
  case E_DATELINE:
    if (t->in_dateline && k == &t->body) { t->in_dateline = 0; t->dateline_seen = 1; t->dl_end = (uint32_t)k->d->len; }
    break;
  case E_DATE:
    if (t->in_date) { t->in_date = 0; t->date_seen = 1; t->date_end = (uint32_t)k->d->len; }
    break;
  case E_PLACENAME:
    if (t->in_place) { t->in_place = 0; t->place_seen = 1; t->place_end = (uint32_t)k->d->len; }
    break;
  case E_PERSNAME:
    if (f->region >= 0) { persname_close(t, f); f->region = -1; }
    break;
  case E_ITEM:
    if (t->participants && !t->item_pers && t->item_loose && k == &t->body) {
      size_t n;
      const char *s = sink_text(k, t->item_start, &n);
      while (n > 0 && (s[0] == '\n' || s[0] == ' ')) { s++; n--; }
      if (n > 0 && s[n - 1] != ':' && pl_rdoc_meta(cur_doc(t), "participant", s, n)) oom(t);
    }
    break;
  case E_LIST:
    if (f->participants) t->participants = 0;
    break;
  case E_SPEAKER:
    if (f->region >= 0) {
      size_t n;
      const char *s;
      sink_close_region(k, f->region);
      s = sink_text(k, k->d->regions[f->region].start, &n);
      s = trim(s, &n, ":.");
      t->speaker.n = 0;
      if (sb_add(&t->speaker, s, n)) oom(t);
      sink_space(k, -1, 0);
      f->region = -1;
    }
    break;
  case E_SP:
    if (f->region >= 0) {
      const char *who = t->speaker.n ? t->speaker.b : t->who.b ? t->who.b : "";
      size_t n = t->speaker.n ? t->speaker.n : t->who.n;
      if (set_attr(k->d, f->region, 0, who, n)) oom(t);
      if (t->label_region >= 0 && set_attr(k->d, t->label_region, 0, who, n)) oom(t);
      t->turn_region = t->label_region = -1;
    }
    break;
  default:
    break;
  }
  if (f->region >= 0) sink_close_region(k, f->region);
  if (f->block) sink_block(k);
  t->depth--;
}

static void on_text(void *ud, const XML_Char *s, int len) {
  tei *t = (tei *)ud;
  XML_Index at;
  int count, copy;
  size_t n = (size_t)len, i = 0, src, pos;
  sink *k;
  if (t->failed || len <= 0) return;
  if (t->cap_idno && sb_squeeze(&t->volume, s, n)) { oom(t); return; }
  if (t->cap_name && sb_squeeze(&t->name, s, n)) { oom(t); return; }
  if (t->cap_role && !t->cap_name && sb_squeeze(&t->role, s, n)) { oom(t); return; }
  if (t->doc < 0 || t->header || t->sk == NULL) return;
  k = t->sk;
  if (t->participants && t->stack[t->depth - 1].e == E_ITEM && !t->item_loose) {
    while (i < n && is_space((unsigned char)s[i])) i++;
    t->item_loose = i < n;
    i = 0;
  }
  at = XML_GetCurrentByteIndex(t->p);
  count = XML_GetCurrentByteCount(t->p);
  src = at >= 0 ? (size_t)at : (size_t)(t->last_src >= 0 ? t->last_src : 0);
  if (at >= 0) t->last_src = at;
  if (count <= 0 || at < 0) copy = 0;
  else if (t->enc == ENC_UTF8) copy = (size_t)count == n;
  else copy = src_skip(t, src, utf8_chars(s, n)) == src + (size_t)count;
  pos = src;
  while (i < n) {
    size_t j = i, next;
    if (is_space((unsigned char)s[i])) {
      while (i < n && is_space((unsigned char)s[i])) i++;
      next = copy ? (t->enc == ENC_UTF8 ? src + i : src_skip(t, pos, i - j)) : src;
      sink_space(k, copy ? (long long)pos : -1, copy && i - j == 1 && s[j] == ' ');
      pos = next;
      continue;
    }
    while (i < n && !is_space((unsigned char)s[i])) i++;
    next = copy ? (t->enc == ENC_UTF8 ? src + i : src_skip(t, pos, utf8_chars(s + j, i - j))) : src;
    if (sink_word(t, k, s + j, i - j, pos, copy, next - pos)) { oom(t); return; }
    pos = next;
  }
}

static void on_decl(void *ud, const XML_Char *version, const XML_Char *encoding, int standalone) {
  tei *t = (tei *)ud;
  (void)version; (void)standalone;
  if (encoding && t->enc == ENC_UTF8) {
    char low[16];
    size_t i;
    for (i = 0; encoding[i] && i < sizeof low - 1; i++) low[i] = (char)(encoding[i] | 0x20);
    low[i] = '\0';
    if (strcmp(low, "iso-8859-1") == 0 || strcmp(low, "latin1") == 0) t->enc = ENC_LATIN1;
  }
}

/* ---- the whole file ---- */

typedef struct person_ix { const char *id; size_t n, i; } person_ix;

static int person_cmp(const void *a, const void *b) {
  const person_ix *x = a, *y = b;
  size_t n = x->n < y->n ? x->n : y->n;
  int c = memcmp(x->id, y->id, n);
  if (c) return c;
  if (x->n != y->n) return x->n < y->n ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static const pl_rperson *lookup(const pl_rpeople *p, const person_ix *ix, const char *id, size_t n) {
  size_t lo = 0, hi = p->n;
  person_ix key;
  key.id = id; key.n = n; key.i = 0;
  while (lo < hi) {                   /* the first entry with that id */
    size_t mid = lo + (hi - lo) / 2;
    if (person_cmp(&ix[mid], &key) < 0) lo = mid + 1; else hi = mid;
  }
  if (lo < p->n && ix[lo].n == n && memcmp(ix[lo].id, id, n) == 0) return &p->v[ix[lo].i];
  return NULL;
}

/* Names from the register for persNames, participants and turns; ids and volumes for the documents. */
static int finish(tei *t, size_t people0) {
  pl_rpeople *p = &t->out->people;
  size_t np = p->n - people0, i, j;
  person_ix *ix = malloc((np ? np : 1) * sizeof *ix);
  const char *vol = t->volume.b;
  size_t nvol = t->volume.n;
  char **seen = NULL, **bases = NULL;    /* the ids given; the xml:ids met, with their next suffix */
  size_t *bnext = NULL;
  size_t ndocs = t->out->n - t->first_doc, hcap = 16;
  int rc = 0;
  if (ix == NULL) return -1;
  for (i = 0; i < np; i++) {
    ix[i].id = pl_rperson_ptr(p, p->v[people0 + i].id);
    ix[i].n = p->v[people0 + i].id.len;
    ix[i].i = people0 + i;
  }
  qsort(ix, np, sizeof *ix, person_cmp);
  {
    pl_rpeople view = *p;
    view.n = np;
    for (j = 0; j < t->nfix && rc == 0; j++) {
      pl_rdoc *d = &t->out->v[t->fix[j].doc];
      const pl_rperson *e = lookup(&view, ix, t->fix[j].ref, strlen(t->fix[j].ref));
      if (e) rc = pl_rdoc_str(d, pl_rperson_ptr(p, e->name), e->name.len, &d->meta[t->fix[j].meta].value);
    }
    for (i = t->first_doc; i < t->out->n && rc == 0; i++) {   /* "The Secretary": who held the office then */
      pl_rdoc *d = &t->out->v[i];
      const char *date = pl_rstr_ptr(d, d->attrs[A_DATE]);
      int year = d->attrs[A_DATE].len >= 4 ? atoi(date) : 0;
      for (j = 0; j < d->nmeta && rc == 0; j++) {
        const char *office, *v = pl_rstr_ptr(d, d->meta[j].value);
        size_t k, found = 0, hit = 0;
        if (d->meta[j].key.len != 11 || memcmp(pl_rstr_ptr(d, d->meta[j].key), "participant", 11) != 0) continue;
        if ((office = pl_tei_office(v, d->meta[j].value.len)) == NULL) continue;
        for (k = people0; k < p->n && found < 2; k++)
          if (pl_tei_held(pl_rperson_ptr(p, p->v[k].role), p->v[k].role.len, office, year)) { hit = k; found++; }
        if (found == 1) rc = pl_rdoc_str(d, pl_rperson_ptr(p, p->v[hit].name), p->v[hit].name.len, &d->meta[j].value);
      }
    }
    for (i = t->first_doc; i < t->out->n && rc == 0; i++) {
      pl_rdoc *d = &t->out->v[i];
      for (j = 0; j < d->nregions && rc == 0; j++) {
        pl_rregion *g = &d->regions[j];
        pl_rstr ref;
        const pl_rperson *e;
        int a;
        if (g->kind == K_PERSNAME) { ref = g->attrs[0]; a = 1; }
        else if (g->kind == K_TURN) { ref = g->attrs[1]; a = 0; }
        else continue;
        if (ref.len == 0 || (e = lookup(&view, ix, pl_rstr_ptr(d, ref), ref.len)) == NULL) continue;
        rc = pl_rdoc_str(d, pl_rperson_ptr(p, e->name), e->name.len, &d->regions[j].attrs[a]);
        if (rc == 0 && g->kind == K_TURN) {   /* its label names the same speaker */
          size_t l;
          for (l = j + 1; l < d->nregions && d->regions[l].start < d->regions[j].end; l++)
            if (d->regions[l].kind == K_LABEL) { d->regions[l].attrs[0] = d->regions[j].attrs[0]; break; }
        }
      }
    }
  }
  free(ix);
  if (rc) return -1;
  /* the volume: the header's idno, else the file's base name without .xml */
  if (nvol == 0) {
    const char *b = strrchr(t->path, '/');
    vol = b ? b + 1 : t->path;
    nvol = strlen(vol);
    if (nvol > 4 && strcmp(vol + nvol - 4, ".xml") == 0) nvol -= 4;
  }
  while (hcap < 2 * ndocs) hcap *= 2;
  seen = calloc(hcap, sizeof *seen);
  bases = calloc(hcap, sizeof *bases);
  bnext = calloc(hcap, sizeof *bnext);
  if (seen == NULL || bases == NULL || bnext == NULL) { free(seen); free(bases); free(bnext); return -1; }
  for (i = t->first_doc; i < t->out->n && rc == 0; i++) {
    pl_rdoc *d = &t->out->v[i];
    const char *xid = pl_rstr_ptr(d, d->id);
    size_t nx = d->id.len, k = 1, bslot;
    char num[32];
    sbuf id = {0};
    int stored = 0;
    /* the suffix to try first: one past the last this id was given (ids that repeat stay linear) */
    {
      uint32_t h = 2166136261u;
      size_t q;
      for (q = 0; q < nx; q++) h = (h ^ (unsigned char)xid[q]) * 16777619u;
      for (bslot = h & (hcap - 1); bases[bslot] &&
           !(strlen(bases[bslot]) == nx && memcmp(bases[bslot], xid, nx) == 0); bslot = (bslot + 1) & (hcap - 1)) {}
      if (nx && bases[bslot]) k = bnext[bslot];
    }
    for (;;) {
      uint32_t h = 2166136261u;
      size_t q, slot;
      id.n = 0;
      if (sb_add(&id, vol, nvol) || sb_add(&id, "/", 1)) { rc = -1; break; }
      if (nx) { if (sb_add(&id, xid, nx)) { rc = -1; break; } }
      else { snprintf(num, sizeof num, "%zu", i - t->first_doc + 1); if (sb_add(&id, num, strlen(num))) { rc = -1; break; } }
      if (k > 1) { snprintf(num, sizeof num, "-%zu", k); if (sb_add(&id, num, strlen(num))) { rc = -1; break; } }
      for (q = 0; q < id.n; q++) h = (h ^ (unsigned char)id.b[q]) * 16777619u;
      for (slot = h & (hcap - 1); seen[slot] && strcmp(seen[slot], id.b) != 0; slot = (slot + 1) & (hcap - 1)) {}
      if (seen[slot] == NULL) { seen[slot] = id.b; stored = 1; break; }
      k++;
    }
    if (rc == 0 && nx) {
      if (bases[bslot] == NULL) {
        if ((bases[bslot] = malloc(nx + 1)) == NULL) rc = -1;
        else { memcpy(bases[bslot], xid, nx); bases[bslot][nx] = '\0'; }
      }
      bnext[bslot] = k + 1;
    }
    if (rc == 0 && (pl_rdoc_str(d, id.b, id.n, &d->id) || pl_rdoc_str(d, vol, nvol, &d->attrs[A_VOLUME]))) rc = -1;
    if (!stored) free(id.b);
  }
  for (i = 0; i < hcap; i++) { free(seen[i]); free(bases[i]); }
  free(seen);
  free(bases);
  free(bnext);
  return rc;
}

static void tei_free(tei *t) {
  size_t i;
  if (t->p) XML_ParserFree(t->p);
  for (i = 0; i < t->nnotes; i++) { free_rdoc(&t->notes[i].d); free(t->notes[i].target); }
  for (i = 0; i < t->nfix; i++) free(t->fix[i].ref);
  free(t->notes); free(t->fix); free(t->stack);
  free(t->volume.b); free(t->name.b); free(t->role.b); free(t->pid.b);
  free(t->date.b); free(t->date_to.b); free(t->div_date.b); free(t->div_date_to.b);
  free(t->pers_ref.b); free(t->xmlid.b); free(t->who.b); free(t->speaker.b);
}

/* An entity left out of the text: counted, the first one named with its place. */
static void left_out(tei *t, const XML_Char *name, int external) {
  if (t->nexternal + t->nskipped == 0) {
    snprintf(t->first_entity, sizeof t->first_entity, "%s", name ? name : "?");
    t->entity_line = (unsigned long)XML_GetCurrentLineNumber(t->p);
    t->entity_col = (unsigned long)XML_GetCurrentColumnNumber(t->p) + 1;
  }
  if (external) t->nexternal++; else t->nskipped++;
}

/* An external entity: never loaded (a corpus is not read outside its files), but said. */
static int on_external(XML_Parser p, const XML_Char *context, const XML_Char *base, const XML_Char *system,
                       const XML_Char *public_id) {
  tei *t = XML_GetUserData(p);
  const char *name = context ? strrchr(context, '\f') : NULL;   /* the context ends with the entity's name */
  (void)base; (void)system; (void)public_id;
  left_out(t, name ? name + 1 : context, 1);
  return XML_STATUS_OK;
}

/* An entity whose declaration is in a DTD that is not read (&mdash; with a DOCTYPE's SYSTEM DTD). */
static void on_skipped(void *ud, const XML_Char *name, int is_parameter) {
  tei *t = ud;
  if (!is_parameter) left_out(t, name, 0);
}

/* One pass over the file in one mode; 0, or -1 with a message. */
static int parse(tei *t, char *err, size_t errlen) {
  const unsigned char *s = (const unsigned char *)t->data;
  size_t off = 0;
  t->p = XML_ParserCreateNS(NULL, NSSEP);
  if (t->p == NULL) { snprintf(err, errlen, "%s: out of memory", t->path); return -1; }
  XML_SetUserData(t->p, t);
  XML_SetElementHandler(t->p, on_start, on_end);
  XML_SetCharacterDataHandler(t->p, on_text);
  XML_SetXmlDeclHandler(t->p, on_decl);
  XML_SetParamEntityParsing(t->p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetExternalEntityRefHandler(t->p, on_external);
  XML_SetSkippedEntityHandler(t->p, on_skipped);
  t->enc = ENC_UTF8;
  t->start = 0;
  if (t->len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == '<' && s[1] == 0))) t->enc = ENC_UTF16LE;
  if (t->len >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0 && s[1] == '<'))) t->enc = ENC_UTF16BE;
  if (t->len >= 2 && (s[0] == 0xFF || s[0] == 0xFE)) t->start = 2;
  if (t->len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) t->start = 3;
  t->cur_pos = t->start;
  t->cur_line = t->cur_col = 1;
  t->doc = -1;
  t->last_src = -1;
  do {
    size_t n = t->len - off < CHUNK ? t->len - off : CHUNK;
    int final = off + n == t->len;
    if (t->out->stop && parley_interrupted(t->out->stop)) {
      snprintf(err, errlen, "%s: interrupted", t->path);
      return -1;
    }
    if (XML_Parse(t->p, t->data + off, (int)n, final) != XML_STATUS_OK) {
      if (t->failed) snprintf(err, errlen, "%s: out of memory", t->path);
      else {
        unsigned long line = (unsigned long)XML_GetCurrentLineNumber(t->p);
        unsigned long col = (unsigned long)XML_GetCurrentColumnNumber(t->p) + 1;
        XML_Index at = XML_GetCurrentByteIndex(t->p);
        int32_t cp;
        /* expat's "invalid token" at a byte that is not UTF-8 or at a NUL: say which */
        if (XML_GetErrorCode(t->p) == XML_ERROR_INVALID_TOKEN && t->enc == ENC_UTF8 && at >= 0 &&
            (size_t)at < t->len && (s[at] == 0 || (s[at] >= 0x80 && parley_utf8_seq(s + at, t->len - (size_t)at, &cp) == 0)))
        {
          if (s[at] == 0)
            snprintf(err, errlen, "%s:%lu:%lu: binary file (NUL byte; XML allows none)", t->path, line, col);
          else
            snprintf(err, errlen, "%s:%lu:%lu: invalid UTF-8 sequence (byte 0x%02X; the file is read as UTF-8, "
                     "as it declares or XML assumes)", t->path, line, col, (unsigned)s[at]);
        }
        else
          snprintf(err, errlen, "%s:%lu:%lu: %s", t->path, line, col, XML_ErrorString(XML_GetErrorCode(t->p)));
      }
      return -1;
    }
    off += n;
  } while (off < t->len);
  if (t->failed) { snprintf(err, errlen, "%s: out of memory", t->path); return -1; }
  return 0;
}

static int tei_read(const char *path, const char *data, size_t len, pl_rdocs *out, char *err, size_t errlen) {
  tei t;
  size_t people0 = out->people.n;
  int rc;
  memset(&t, 0, sizeof t);
  t.path = path; t.data = data; t.len = len; t.out = out;
  t.first_doc = out->n;
  rc = parse(&t, err, errlen);
  if (rc == 0 && t.ndiv == 0) {          /* no <div type="document">: a document per <text> */
    tei_free(&t);
    out->people.n = people0;
    memset(&t, 0, sizeof t);
    t.path = path; t.data = data; t.len = len; t.out = out;
    t.first_doc = out->n;
    t.text_mode = 1;
    rc = parse(&t, err, errlen);
  }
  if (rc == 0 && finish(&t, people0)) {
    snprintf(err, errlen, "%s: out of memory", path);
    rc = -1;
  }
  if (rc == 0 && t.nexternal + t.nskipped > 0)
    snprintf(out->warning, sizeof out->warning,
             "%s:%lu:%lu: entity '%s' left out of the text%s (%zu external entit%s not loaded: a corpus is never "
             "read outside its files; %zu declared in a DTD that is not read)",
             path, t.entity_line, t.entity_col, t.first_entity, t.nexternal + t.nskipped > 1 ? ", and others" : "",
             t.nexternal, t.nexternal == 1 ? "y" : "ies", t.nskipped);
  tei_free(&t);
  return rc;
}

/*
** A speaker as a grammar named it, as the volume's register names that
** person: offices by who held them at the document's date, surnames that
** one entry alone has; "Given Surname".
*/
static size_t tei_canonical(const pl_rpeople *p, const pl_rdoc *d, const char *s, size_t n, char *out, size_t cap) {
  int year = d->attrs[A_DATE].len >= 4 ? atoi(pl_rstr_ptr(d, d->attrs[A_DATE])) : 0;
  long hit = pl_tei_person(p, s, n, year);
  return hit < 0 ? 0 : pl_tei_display(pl_rperson_ptr(p, p->v[hit].name), p->v[hit].name.len, out, cap);
}

const pl_reader pl_reader_tei = {
  "tei", doc_attrs, kinds, NKINDS, tei_read, tei_canonical
};
