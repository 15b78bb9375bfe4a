/*
** reader.h — the reader stage of the build: one source's bytes in, the
** documents it holds out (pure C, thread-safe, no Lua calls: a build's
** worker threads run readers).
**
**   reader(source bytes) -> documents, each with
**     text      valid UTF-8, NFC; paragraphs separated by a blank line (the
**               tokeniser's paragraph marks come from them)
**     anchors   the map from the text back to the source (pl_anchor,
**               parley.h): at each anchor the text copies the source from
**               that source offset, line and column (in code points) on;
**               sorted by text offset, the first at text offset 0
**     id        the document's id, unique within its source
**     attrs     one value per name of the reader's doc_attrs (may be "")
**     meta      extra metadata as key/value pairs (strings; a key may repeat,
**               which makes it a list: every persName, say)
**     regions   byte spans of the text with a kind of the reader's kinds and
**               one value per attribute of that kind, in document order
**
** A reader declares its document attributes and region kinds up front (the
** index's tables are declared before any document is read); the build maps
** them onto its own kind numbers by name.
*/
#ifndef PARLEY_READER_H
#define PARLEY_READER_H

#include <stddef.h>
#include <stdint.h>

#include "parley.h"

#define PL_READER_MAX_ATTRS 8        /* attributes of one region kind, at most (<= IX_MAX_ATTRS) */
#define PL_READER_MAX_DOC_ATTRS 8    /* document attributes a reader declares, at most */

typedef struct pl_reader_kind {
  const char *name;
  const char *attrs[PL_READER_MAX_ATTRS + 1];   /* NULL-terminated */
} pl_reader_kind;

/* A string of a document: offset and length in its strs blob. */
typedef struct pl_rstr { uint32_t off, len; } pl_rstr;

typedef struct pl_rregion {
  uint32_t kind;                 /* index into the reader's kinds */
  uint32_t start, end;           /* byte span of the text, end exclusive */
  pl_rstr attrs[PL_READER_MAX_ATTRS];
} pl_rregion;

typedef struct pl_rmeta { pl_rstr key, value; } pl_rmeta;

typedef struct pl_rdoc {
  char *text; size_t len, cap;
  pl_anchor *anchors; size_t nanchors, acap;
  char *strs; size_t nstrs, scap;          /* every string below lives here */
  pl_rstr id;
  pl_rstr attrs[PL_READER_MAX_DOC_ATTRS];  /* per name of doc_attrs */
  pl_rmeta *meta; size_t nmeta, mcap;
  pl_rregion *regions; size_t nregions, rcap;
} pl_rdoc;

/*
** The source's person register (a TEI volume's list of persons: every
** persName with an xml:id): id, name, and role (what the entry says about
** the person after the name), strings in strs.
*/
typedef struct pl_rperson { pl_rstr id, name, role; } pl_rperson;
typedef struct pl_rpeople {
  pl_rperson *v; size_t n, cap;
  char *strs; size_t nstrs, scap;
} pl_rpeople;

/*
** What a reader fills: the documents, the source's person register, and
** stop, an optional interruption flag set by the caller (NULL: never
** interrupted); a reader tests it between pieces of a large source and
** fails with "interrupted"; warning, a line the build shows, says what of
** the source the documents do not hold (entities not loaded).  A zeroed
** pl_rdocs is empty and ready.
*/
typedef struct pl_rdocs {
  pl_rdoc *v; size_t n, cap;
  pl_rpeople people;
  const parley_flag *stop;
  char warning[400];                       /* what the reader left out of the source, if anything */
} pl_rdocs;

typedef struct pl_reader {
  const char *name;                        /* "tei" */
  const char *const *doc_attrs;            /* NULL-terminated names */
  const pl_reader_kind *kinds;
  size_t nkinds;
  /*
  ** Read the source (path names it in messages; data[0..len) is the whole
  ** file) into out (appending documents).  0, or -1 with a message naming
  ** path, line and column in err; on failure out may hold partial
  ** documents, which pl_rdocs_free releases.
  */
  int (*read)(const char *path, const char *data, size_t len, pl_rdocs *out, char *err, size_t errlen);
  /*
  ** Optional: the register's name for a speaker as a grammar wrote it in
  ** document d of the source ("The Secretary", "Secretary Rusk", "Rusk" ->
  ** "Dean Rusk"), into out[0..cap), its length; 0 when the register knows
  ** no one person so (the grammar's name stands).
  */
  size_t (*canonical)(const pl_rpeople *people, const pl_rdoc *d, const char *s, size_t n, char *out, size_t cap);
} pl_reader;

/* The reader of that name ("tei"), or NULL. */
const pl_reader *pl_reader_find(const char *name);

/* Building documents (each returns 0, or -1 when out of memory). */
pl_rdoc *pl_rdocs_add(pl_rdocs *ds);                       /* a new, empty document (NULL: no memory) */
int pl_rdoc_text(pl_rdoc *d, const char *s, size_t n);      /* append to the text */
int pl_rdoc_anchor(pl_rdoc *d, uint32_t src, uint32_t line, uint32_t col);  /* at the text's end */
int pl_rdoc_str(pl_rdoc *d, const char *s, size_t n, pl_rstr *out);
int pl_rdoc_meta(pl_rdoc *d, const char *key, const char *v, size_t n);
/* A region of kind over [start, end) with no attributes set yet (NULL: no memory). */
pl_rregion *pl_rdoc_region(pl_rdoc *d, uint32_t kind, uint32_t start, uint32_t end);
void pl_rdocs_free(pl_rdocs *ds);                           /* documents and register; stop is kept */
/* A person of the register (0, or -1 when out of memory). */
int pl_rpeople_add(pl_rpeople *p, const char *id, size_t idn, const char *name, size_t namen,
                   const char *role, size_t rolen);

static inline const char *pl_rstr_ptr(const pl_rdoc *d, pl_rstr s) { return d->strs + s.off; }
static inline const char *pl_rperson_ptr(const pl_rpeople *p, pl_rstr s) { return p->strs + s.off; }

/* tei.c: the "tei" reader (TEI P5 over expat). */
extern const pl_reader pl_reader_tei;

#endif
