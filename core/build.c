/*
** build.c — `parley.indexer.build(spec)`: the index writer's job.
**
** Documents are processed in batches.  Within a batch, worker threads load
** (load.c), tokenise (token.c) and intern each token's exact form in the
** lexicon (lexicon.c, through a per-thread cache, so the lock is rarely
** taken), and encode the document's stream records.  The main thread then
** appends the batch, in document order, to the token stream of the output
** file (ixwrite.c) and spills the batch's postings as a sorted run to a
** temporary file (postings.c); memory stays bounded by the batch size.  At
** the end the runs are merged into the postings, the lexicon's distinct
** types are folded (never every token), and the small sections and the
** header are written.  The file is written under a temporary name and
** renamed into place, so a failed build never leaves a broken index.
**
** All build state hangs off one userdata whose __gc frees it (each part
** with its own free function), so a Lua error at any point (out of memory,
** a bad argument) leaks nothing; the worker threads never call Lua.
*/
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "escape.h"
#include "reader.h"

#define BUILD_JOB "parley.BuildJob"
#define MAX_ATTRS IX_MAX_ATTRS
#define MAX_KINDS IX_MAX_KINDS
#define MAX_GENRES 16

/* ---------------------------------------------------------------- the job */

/* A reader's document the manifest gives a grammar of its own: its id, and the grammar (job number, -1: none). */
typedef struct doc_choice { ix_str id; int grammar; } doc_choice;

/* A source of the spec: a file the text reader (NULL reader) or a reader of reader.h reads. */
typedef struct src_in {
  uint32_t path, path_len;         /* in job->strings (NUL-terminated there) */
  ix_str id, meta;
  ix_str attrs[MAX_ATTRS];
  uint64_t size;
  int64_t mtime;
  uint32_t mtime_ns;
  int map;                         /* its reader: job->maps[map]; -1 for the text reader */
  int grammar;                     /* its grammar (all its documents): job->grammars[grammar]; -1 for none */
  uint32_t ngenres;                /* a reader's source: the grammar of each genre of document */
  ix_str genre[MAX_GENRES];
  int genre_grammar[MAX_GENRES];
  doc_choice *chosen;              /* ... and of documents the manifest names by id (first) */
  size_t nchosen;
  uint32_t ndocs;                  /* documents it gave */
  lua_Integer number;              /* its number among the documents the grammars were prepared with (spec: number) */
  int skipped;                     /* malformed and skipped (skip_bad): why, in job->skip_text */
  size_t skip_off, skip_len;
} src_in;

/* How a reader's declarations land in the index: its kinds and document attributes by job number. */
typedef struct reader_map {
  const pl_reader *reader;
  uint32_t kind[MAX_KINDS];                  /* reader kind -> job kind */
  int8_t attr[MAX_KINDS][PL_READER_MAX_ATTRS];   /* reader kind's attribute -> the job kind's, or -1 */
  int doc_attr[MAX_ATTRS];                   /* job document attribute -> reader's, or -1 */
} reader_map;

#define MAX_READERS 4
#define MAX_GRAMMARS 16

/* A grammar the workers run: a sandbox per worker thread (core/sandbox.c), and its name for messages. */
typedef struct grammar_in {
  pl_sandbox *sb[MAX_THREADS];
  int nsb;
  ix_str name;
  ix_str used;                     /* what a document's metadata says of it (grammar_used, JSON) */
} grammar_in;

/*
** What a worker makes of one document (a text source is one document, a
** reader's source as many as the reader found): its token ids, its stream
** records already encoded, one byte per record giving its length (to place
** skip entries), its line starts, and the tokens that start sentences (bit
** 31 set: also a paragraph).  Tokens and text are kept only when the main
** thread still needs them (regions to map; an embedded text).
*/
typedef struct doc_work {
  pl_loaded text;
  pl_tokens toks;
  doc_ids ids;
  buf stream, reclen, lines, marks;
  size_t repaired;
  uint64_t hash;
  int embedded;
  const pl_rdoc *rdoc;             /* a reader's document (regions, attributes, metadata), or NULL */
  size_t text_len;                 /* the text's length (the text itself may be freed before encoding) */
  uint32_t nwords;                 /* tokens that are words or numbers */
  char *gpack;                     /* what its grammar found, packed (lua/parley/grammar/pack.lua), or NULL */
  int grammar;                     /* which grammar that was (job number) */
  size_t gpack_len;
} doc_work;

static void work_free(doc_work *w) {
  pl_loaded_free(&w->text);
  pl_tokens_free(&w->toks);
  free(w->ids.v);
  w->ids.v = NULL;
  free(w->gpack);
  w->gpack = NULL;
  buf_free(&w->stream); buf_free(&w->reclen); buf_free(&w->lines); buf_free(&w->marks);
}

/* What a worker makes of one source: its documents. */
typedef struct src_work {
  doc_work *docs;
  size_t ndocs;
  pl_rdocs rd;                     /* a reader's output, which docs[k].rdoc point into */
  int failed;
  char err[600];
  size_t ngrammar_failed;          /* with --skip-bad: documents indexed without their grammar's regions */
  char grammar_err[600];           /* the first of them, and why */
} src_work;

static void src_work_free(src_work *sw) {
  size_t k;
  for (k = 0; k < sw->ndocs; k++) work_free(&sw->docs[k]);
  free(sw->docs);
  sw->docs = NULL;
  sw->ndocs = 0;
  pl_rdocs_free(&sw->rd);
}

typedef struct kind_out {
  ix_str name;
  uint32_t nattrs;
  ix_str attr_names[MAX_ATTRS];
  buf recs;                        /* uint32 start, end, then ix_str attrs */
  uint64_t count;
} kind_out;

typedef struct job {
  /* input */
  buf strings;                     /* the "strings" section (grows while the main thread encodes) */
  ix_str *interned;                /* open addressing over the short strings in it (add_str) */
  size_t ninterned, interned_cap;
  char *spec_strings;              /* a copy of what the spec put there, for the workers: never moves */
  char *root;                      /* the corpus folder the sources' relative paths are under (spec.root), or NULL */
  src_in *srcs;
  size_t nsrcs;
  uint32_t ndoc_attrs;
  kind_out kinds[MAX_KINDS];       /* 0 document, 1 paragraph, 2 sentence, then grammar and reader kinds */
  uint32_t nkinds;
  reader_map maps[MAX_READERS];
  int nmaps;
  grammar_in grammars[MAX_GRAMMARS];
  int ngrammars;
  int repair, progress, nthreads, skip_bad;
  size_t batch_bytes;
  /* the parts, each with its own free function */
  lexicon lex;                     /* the exact types (lexicon.c) */
  postings post;                   /* the postings runs (postings.c) */
  ixwriter out;                    /* the index file (ixwrite.c) */
  /* batch */
  src_work *work;
  atomic_size_t next;              /* the next source a worker takes */
  pthread_mutex_t mu;              /* guards limit, done and quit; cv signals a change of them */
  pthread_cond_t cv;
  size_t limit;                    /* workers read sources below it (the batch after the one encoded) */
  unsigned char *done;             /* per source: its work is finished */
  int quit;                        /* the encoder stopped (an error, Ctrl-C): workers take no more */
  int synced;                      /* mu and cv are initialised */
  /* output, kept until its sections are written */
  buf stream_skips;                /* ix_skip */
  buf canon_stream;                /* one document's stream records with index ids (encode_doc) */
  buf lines, docs_out;
  spill texts, srcmap;             /* the embedded texts; ix_anchor, each document's map back to its source */
  uint64_t ntokens, stream_start;
  uint32_t ndocs;                  /* documents written so far */
  wbuf meta;                       /* a reader document's metadata, as JSON, while it is made */
  buf warn_text;
  buf skip_text;                   /* why each skipped source was skipped (src_in.skip_off) */
  uint32_t nskipped;
  double t_parallel, t_encode;
  const parley_flag *stop;         /* Ctrl-C (parley.h): workers stop taking sources */
} job;

static job *check_job(lua_State *L, int i) { return luaL_checkudata(L, i, BUILD_JOB); }

/* Free everything the job holds; remove unfinished temporary files. */
static int job_gc(lua_State *L) {
  job *j = check_job(L, 1);
  size_t i;
  if (j->work) {
    for (i = 0; i < j->nsrcs; i++) src_work_free(&j->work[i]);
    free(j->work);
    j->work = NULL;
  }
  if (j->srcs) {
    for (i = 0; i < j->nsrcs; i++) free(j->srcs[i].chosen);
    free(j->srcs);
    j->srcs = NULL;
  }
  for (i = 0; i < MAX_KINDS; i++) buf_free(&j->kinds[i].recs);
  ixw_free(&j->out);
  postings_free(&j->post);
  lex_free(&j->lex);
  buf_free(&j->strings); buf_free(&j->stream_skips); buf_free(&j->canon_stream);
  free(j->done);
  j->done = NULL;
  if (j->synced) {
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    j->synced = 0;
  }
  free(j->interned);
  j->interned = NULL;
  free(j->spec_strings);
  j->spec_strings = NULL;
  free(j->root);
  j->root = NULL;
  buf_free(&j->lines); buf_free(&j->docs_out);
  spill_free(&j->texts); spill_free(&j->srcmap);
  buf_free(&j->warn_text); buf_free(&j->skip_text);
  wb_free(&j->meta);
  return 0;
}

/* ---------------------------------------------------------------- input */

/* Strings up to this long are stored once however often they recur (names, dates, kinds). */
#define INTERN_MAX 256

/* The slot of the interned string s in table t (of cap slots, a power of 2): its own or an empty one. */
static size_t intern_slot(const job *j, const ix_str *t, size_t cap, const char *s, size_t len) {
  size_t h = (size_t)ix_hash(s, len, 0) & (cap - 1);
  while (t[h].off != UINT32_MAX &&
         (t[h].len != len || memcmp((const char *)j->strings.p + t[h].off, s, len) != 0))
    h = (h + 1) & (cap - 1);
  return h;
}

/*
** Append a string (NUL-terminated) to the strings blob as *r; NULL or why
** not.  A short string already there is not stored again: the attribute
** values of an archive's regions (speakers, names, dates) recur by the
** thousand.  Strings are added in document order, so the blob is the same
** whatever the thread count.
*/
static const char *add_str(job *j, const char *s, size_t len, ix_str *r) {
  size_t h = 0;
  if (len <= INTERN_MAX) {
    if (2 * (j->ninterned + 1) > j->interned_cap) {   /* grow at half full */
      size_t cap = j->interned_cap ? 2 * j->interned_cap : 1024, i;
      ix_str *t = malloc(cap * sizeof *t);
      if (t == NULL) return "not enough memory";
      for (i = 0; i < cap; i++) t[i].off = UINT32_MAX;
      for (i = 0; i < j->interned_cap; i++)
        if (j->interned[i].off != UINT32_MAX) {
          const ix_str *e = &j->interned[i];
          t[intern_slot(j, t, cap, (const char *)j->strings.p + e->off, e->len)] = *e;
        }
      free(j->interned);
      j->interned = t;
      j->interned_cap = cap;
    }
    h = intern_slot(j, j->interned, j->interned_cap, s, len);
    if (j->interned[h].off != UINT32_MAX) {
      *r = j->interned[h];
      return NULL;
    }
  }
  if (len > UINT32_MAX || j->strings.n + len + 1 > UINT32_MAX) return "too much metadata (over 4 GiB)";
  r->off = (uint32_t)j->strings.n;
  r->len = (uint32_t)len;
  if (buf_add(&j->strings, s, len) != 0 || buf_add(&j->strings, "", 1) != 0) return "not enough memory";
  if (len <= INTERN_MAX) {
    j->interned[h] = *r;
    j->ninterned++;
  }
  return NULL;
}

/* The same, raising on failure; returns the ref. */
static ix_str add_string(lua_State *L, job *j, const char *s, size_t len) {
  ix_str r = { 0, 0 };
  const char *err = add_str(j, s, len, &r);
  if (err) luaL_error(L, "%s", err);
  return r;
}

static ix_str field_string(lua_State *L, job *j, int t, const char *k, int required) {
  size_t len = 0;
  const char *s;
  lua_getfield(L, t, k);
  s = lua_tolstring(L, -1, &len);
  if (s == NULL) {
    if (required) luaL_error(L, "bad build spec: field '%s' must be a string", k);
    s = "";
  }
  ix_str r = add_string(L, j, s, len);
  lua_pop(L, 1);
  return r;
}

static lua_Integer field_int(lua_State *L, int t, const char *k, lua_Integer def) {
  lua_Integer v;
  lua_getfield(L, t, k);
  v = lua_isnil(L, -1) ? def : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Declare a region kind with its attribute names (a list of strings at t). */
static void add_kind(lua_State *L, job *j, const char *name, int attrs) {
  kind_out *k;
  uint32_t i, n;
  if (j->nkinds >= MAX_KINDS) luaL_error(L, "too many region kinds (at most %d)", MAX_KINDS);
  k = &j->kinds[j->nkinds++];
  k->name = add_string(L, j, name, strlen(name));
  n = attrs ? (uint32_t)lua_rawlen(L, attrs) : 0;
  if (n > MAX_ATTRS) luaL_error(L, "region kind '%s' has too many attributes (at most %d)", name, MAX_ATTRS);
  for (i = 0; i < n; i++) {
    size_t len;
    const char *s;
    lua_rawgeti(L, attrs, i + 1);
    s = lua_tolstring(L, -1, &len);
    if (!s) luaL_error(L, "region kind '%s': attribute names must be strings", name);
    k->attr_names[i] = add_string(L, j, s, len);
    lua_pop(L, 1);
  }
  k->nattrs = n;
}

/* The worker threads a build uses, given the value at i (nil: one per core). */
static int threads_for(lua_State *L, int i) {
  lua_Integer n = lua_isnoneornil(L, i) ? (lua_Integer)sysconf(_SC_NPROCESSORS_ONLN) : luaL_checkinteger(L, i);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* spec.grammars: { { sandboxes = { parley.Sandbox … }, name = } }; the workers are as many as the sandboxes. */
static void read_grammars(lua_State *L, job *j, int spec) {
  lua_Integer g, ng;
  lua_getfield(L, spec, "grammars");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  luaL_checktype(L, -1, LUA_TTABLE);
  ng = (lua_Integer)lua_rawlen(L, -1);
  if (ng > MAX_GRAMMARS) luaL_error(L, "too many grammars (at most %d)", MAX_GRAMMARS);
  for (g = 1; g <= ng; g++) {
    grammar_in *gi = &j->grammars[g - 1];
    int t, nsb;
    lua_rawgeti(L, -1, g);
    luaL_checktype(L, -1, LUA_TTABLE);
    gi->name = field_string(L, j, lua_gettop(L), "name", 1);
    gi->used = field_string(L, j, lua_gettop(L), "used", 0);
    lua_getfield(L, -1, "sandboxes");
    luaL_checktype(L, -1, LUA_TTABLE);
    nsb = (int)lua_rawlen(L, -1);
    if (nsb < 1) luaL_error(L, "bad build spec: a grammar needs a sandbox");
    if (nsb > MAX_THREADS) nsb = MAX_THREADS;
    for (t = 0; t < nsb; t++) {
      lua_rawgeti(L, -1, t + 1);
      gi->sb[t] = luaL_checkudata(L, -1, PARLEY_SANDBOX);
      lua_pop(L, 1);
    }
    gi->nsb = nsb;
    if (j->nthreads > nsb) j->nthreads = nsb;   /* each worker owns one sandbox per grammar */
    lua_pop(L, 2);
  }
  j->ngrammars = (int)ng;
  lua_pop(L, 1);
}

/*
** A list { { NAME, grammar number } … } at docs[i][field], each pair handed to
** add (number 1-based; 0 only where zero_ok: no grammar); the list's length
** first to size.  Raises on a bad list.
*/
static void read_pairs(lua_State *L, job *j, src_in *d, int t, const char *field, int zero_ok,
                       void (*size)(lua_State *L, src_in *d, lua_Integer n),
                       void (*add)(src_in *d, ix_str name, int grammar)) {
  lua_Integer k, n;
  lua_getfield(L, t, field);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  luaL_checktype(L, -1, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, -1);
  size(L, d, n);
  for (k = 1; k <= n; k++) {
    size_t len;
    const char *name;
    lua_Integer no;
    lua_rawgeti(L, -1, k);
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    name = luaL_checklstring(L, -2, &len);
    no = luaL_checkinteger(L, -1);
    if (no < (zero_ok ? 0 : 1) || no > j->ngrammars)
      luaL_error(L, "bad build spec: %s '%s' has no grammar %d", field, name, (int)no);
    add(d, add_string(L, j, name, len), (int)no - 1);
    lua_pop(L, 3);
  }
  lua_pop(L, 1);
}

/* docs[i].genres: which grammar reads a reader's document of each genre. */
static void genres_size(lua_State *L, src_in *d, lua_Integer n) {
  (void)d;
  if (n > MAX_GENRES) luaL_error(L, "bad build spec: too many genres");
}

static void genres_add(src_in *d, ix_str name, int grammar) {
  d->genre[d->ngenres] = name;
  d->genre_grammar[d->ngenres++] = grammar;
}

/* docs[i].chosen: the grammar (or none: 0) of a reader's document named by id. */
static void chosen_size(lua_State *L, src_in *d, lua_Integer n) {
  if (n > 0 && (d->chosen = calloc((size_t)n, sizeof *d->chosen)) == NULL) luaL_error(L, "not enough memory");
}

static void chosen_add(src_in *d, ix_str name, int grammar) {
  d->chosen[d->nchosen].id = name;
  d->chosen[d->nchosen++].grammar = grammar;
}

/* The job's number of a region kind or document attribute of that name (-1: none). */
static int kind_named(const job *j, const char *name) {
  uint32_t k;
  for (k = 0; k < j->nkinds; k++)
    if (strcmp((const char *)j->strings.p + j->kinds[k].name.off, name) == 0) return (int)k;
  return -1;
}

/*
** The map of the reader called name, made on first use: its region kinds and
** document attributes must have been declared in the spec (spec.kinds and
** spec.doc_attrs, which the host takes from parley.reader.info).
*/
static int reader_of(lua_State *L, job *j, const char *name) {
  const pl_reader *r = pl_reader_find(name);
  reader_map *m;
  size_t k;
  uint32_t a;
  int i;
  if (r == NULL) luaL_error(L, "bad build spec: no reader '%s'", name);
  for (i = 0; i < j->nmaps; i++) if (j->maps[i].reader == r) return i;
  if (j->nmaps >= MAX_READERS) luaL_error(L, "bad build spec: too many readers");
  m = &j->maps[j->nmaps];
  m->reader = r;
  for (k = 0; k < r->nkinds; k++) {
    int kn = kind_named(j, r->kinds[k].name);
    size_t ra;
    if (kn < 3 || k >= MAX_KINDS)
      luaL_error(L, "bad build spec: reader '%s' needs the region kind '%s'", name, r->kinds[k].name);
    m->kind[k] = (uint32_t)kn;
    for (ra = 0; ra < PL_READER_MAX_ATTRS; ra++) {
      const char *an = r->kinds[k].attrs[ra];
      m->attr[k][ra] = -1;
      if (an == NULL) break;
      for (a = 0; a < j->kinds[kn].nattrs; a++)
        if (strcmp((const char *)j->strings.p + j->kinds[kn].attr_names[a].off, an) == 0) m->attr[k][ra] = (int8_t)a;
      if (m->attr[k][ra] < 0)
        luaL_error(L, "bad build spec: region kind '%s' needs the attribute '%s' of reader '%s'",
                   r->kinds[k].name, an, name);
    }
    for (; ra < PL_READER_MAX_ATTRS; ra++) m->attr[k][ra] = -1;
  }
  for (a = 0; a < j->ndoc_attrs; a++) {
    const char *an = (const char *)j->strings.p + j->kinds[0].attr_names[a].off;
    m->doc_attr[a] = -1;
    for (i = 0; r->doc_attrs[i]; i++) if (strcmp(r->doc_attrs[i], an) == 0) m->doc_attr[a] = i;
  }
  return j->nmaps++;
}

static void read_spec(lua_State *L, job *j, int spec) {
  size_t i;
  lua_Integer nd;
  j->repair = (lua_getfield(L, spec, "repair"), lua_toboolean(L, -1));
  j->progress = (lua_getfield(L, spec, "progress"), lua_toboolean(L, -1));
  j->skip_bad = (lua_getfield(L, spec, "skip_bad"), lua_toboolean(L, -1));
  lua_pop(L, 3);
  lua_getfield(L, spec, "threads");
  j->nthreads = threads_for(L, -1);
  lua_pop(L, 1);
  j->batch_bytes = (size_t)field_int(L, spec, "batch_mb", 16) << 20;
  if (j->batch_bytes == 0) j->batch_bytes = 1;
  /* region kinds: document (with the document attributes), paragraph, sentence, then the grammar's */
  lua_getfield(L, spec, "doc_attrs");
  add_kind(L, j, "document", lua_istable(L, -1) ? lua_gettop(L) : 0);
  j->ndoc_attrs = j->kinds[0].nattrs;
  lua_pop(L, 1);
  add_kind(L, j, "paragraph", 0);
  add_kind(L, j, "sentence", 0);
  lua_getfield(L, spec, "kinds");
  if (lua_istable(L, -1)) {
    lua_Integer k, nk = (lua_Integer)lua_rawlen(L, -1);
    for (k = 1; k <= nk; k++) {
      int kt;
      lua_rawgeti(L, -1, k);
      kt = lua_gettop(L);
      luaL_checktype(L, kt, LUA_TTABLE);
      lua_getfield(L, kt, "name");
      lua_getfield(L, kt, "attrs");
      add_kind(L, j, luaL_checkstring(L, -2), lua_istable(L, -1) ? lua_gettop(L) : 0);
      lua_pop(L, 3);
    }
  }
  lua_pop(L, 1);
  read_grammars(L, j, spec);
  /* sources */
  lua_getfield(L, spec, "docs");
  luaL_checktype(L, -1, LUA_TTABLE);
  nd = (lua_Integer)lua_rawlen(L, -1);
  if (nd >= UINT32_MAX) luaL_error(L, "too many documents");
  j->srcs = calloc((size_t)nd + 1, sizeof *j->srcs);
  j->work = calloc((size_t)nd + 1, sizeof *j->work);
  if (!j->srcs || !j->work) luaL_error(L, "not enough memory");
  j->nsrcs = (size_t)nd;
  for (i = 0; i < j->nsrcs; i++) {
    src_in *d = &j->srcs[i];
    int t;
    uint32_t a;
    ix_str p;
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    p = field_string(L, j, t, "path", 1);
    d->path = p.off;
    d->path_len = p.len;
    d->id = field_string(L, j, t, "id", 1);
    d->meta = field_string(L, j, t, "meta", 0);
    d->size = (uint64_t)field_int(L, t, "size", 0);
    d->mtime = (int64_t)field_int(L, t, "mtime", 0);
    d->mtime_ns = (uint32_t)field_int(L, t, "mtime_ns", 0);
    d->number = field_int(L, t, "number", (lua_Integer)i + 1);   /* a segment's sources: their number in the corpus */
    lua_getfield(L, t, "attrs");
    for (a = 0; a < j->ndoc_attrs; a++) {
      size_t len = 0;
      const char *s = NULL;
      if (lua_istable(L, -1)) {
        lua_rawgeti(L, -1, a + 1);
        s = lua_tolstring(L, -1, &len);
        lua_pop(L, 1);
      }
      d->attrs[a] = add_string(L, j, s ? s : "", s ? len : 0);
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "reader");
    d->map = lua_isnil(L, -1) ? -1 : reader_of(L, j, luaL_checkstring(L, -1));
    lua_getfield(L, t, "grammar");
    d->grammar = (int)luaL_optinteger(L, -1, 0) - 1;
    if (d->grammar >= j->ngrammars) luaL_error(L, "bad build spec: document %d has no grammar %d", (int)i + 1, d->grammar + 1);
    lua_pop(L, 2);
    read_pairs(L, j, d, t, "genres", 0, genres_size, genres_add);
    read_pairs(L, j, d, t, "chosen", 1, chosen_size, chosen_add);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* ---------------------------------------------------------------- workers */

/* Encode a tokenised document's stream records, line starts and sentence marks. */
static int encode_work(int keep_toks, doc_work *w) {
  const uint32_t *ids = w->ids.v;
  const char *text = w->text.text, *p, *end = text + w->text.len;
  uint32_t prev_end = 0;
  size_t k;
  unsigned char *rec, *len;
  if (buf_reserve(&w->stream, w->toks.n * 3 + 16) || buf_reserve(&w->reclen, w->toks.n + 1)) return -1;
  rec = w->stream.p;
  len = w->reclen.p;
  for (k = 0; k < w->toks.n; k++) {
    const pl_token *t = &w->toks.v[k];
    unsigned char tmp[20];
    size_t n = ix_put_token(tmp, ids[k], t->start - prev_end);
    if (w->stream.n + n > w->stream.cap) {
      if (buf_reserve(&w->stream, n + w->toks.n - k + 16)) return -1;
      rec = w->stream.p;
    }
    memcpy(rec + w->stream.n, tmp, n);
    w->stream.n += n;
    len[k] = (unsigned char)n;
    w->nwords += pl_token_is_word(t->kind);
    prev_end = t->start + t->len;
    if (k == 0 || t->flags & (PL_TOKF_SENT | PL_TOKF_PARA)) {
      uint32_t m = (uint32_t)k | ((k == 0 || t->flags & PL_TOKF_PARA) ? 0x80000000u : 0);
      if (buf_u32(&w->marks, m)) return -1;
    }
  }
  w->reclen.n = w->toks.n;
  w->hash = ix_hash(text, w->text.len, 0);
  w->embedded = !w->text.identity;
  w->repaired = w->text.repaired;
  if (buf_u32(&w->lines, 0)) return -1;
  for (p = text; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; ) {
    p++;
    if (buf_u32(&w->lines, (uint32_t)(p - text))) return -1;
  }
  /* the main thread needs the tokens only to map grammar regions, the text only to embed it */
  if (!keep_toks) pl_tokens_free(&w->toks);
  if (!w->embedded) pl_loaded_free(&w->text);
  return 0;
}

/* Tokenise, intern and encode a document whose text is loaded; NULL or why not. */
static const char *process(job *j, unsigned thread, int keep_toks, doc_work *w) {
  w->text_len = w->text.len;
  if (pl_tokenize(w->text.text, w->text.len, &w->toks) != 0 ||
      (w->toks.n && (w->ids.v = malloc(w->toks.n * sizeof *w->ids.v)) == NULL))
    return "not enough memory to tokenise";
  w->ids.n = w->toks.n;
  if (lex_intern(&j->lex, thread, w->text.text, w->toks.v, w->toks.n, w->ids.v) != 0)
    return "not enough memory for the lexicon";
  if (encode_work(keep_toks, w) != 0) return "not enough memory to encode";
  return NULL;
}

/* Hand a reader's document to its doc_work: the text (NUL-terminated) and the anchors move over. */
static int take_rdoc(pl_rdoc *d, doc_work *w) {
  char *t = realloc(d->text, d->len + 1);
  if (t == NULL) return -1;
  t[d->len] = '\0';
  w->text.text = t;
  w->text.len = d->len;
  w->text.identity = 0;
  w->text.anchors = d->anchors;
  w->text.nanchors = d->nanchors;
  d->text = NULL;
  d->len = d->cap = 0;
  d->anchors = NULL;
  d->nanchors = d->acap = 0;
  w->rdoc = d;
  return 0;
}

/*
** The path source i is read from, in out[0..PL_PATH_MAX): its path as the
** index stores it (relative to the corpus folder, or absolute) under the
** spec's root.  Too long a path is left as stored, and fails to open.
*/
static const char *src_path(const job *j, size_t i, char *out) {
  const char *p = j->spec_strings + j->srcs[i].path;
  size_t rlen, len = j->srcs[i].path_len;
  if (j->root == NULL || p[0] == '/') return p;
  rlen = strlen(j->root);
  if (rlen + 1 + len >= PL_PATH_MAX) return p;
  memcpy(out, j->root, rlen);
  out[rlen] = '/';
  memcpy(out + rlen + 1, p, len + 1);
  return out;
}

/*
** Run grammar g over a document's text in this thread's sandbox, for source
** n of the spec (the sandbox was prepared with the corpus's documents, where
** it is document `number`); its packed result is kept in w.
** 0, or -1 with the source failed (its message naming file and grammar).
*/
static int run_grammar(job *j, unsigned thread, int g, lua_Integer n, doc_work *w, src_work *sw,
                       int (*push)(lua_State *S, void *ud), void *ud, const char *doc_id) {
  const grammar_in *gi = &j->grammars[g];
  pl_sandbox *sb = gi->sb[thread < (unsigned)gi->nsb ? thread : 0];
  char pbuf[PL_PATH_MAX];
  const char *packed, *path = src_path(j, (size_t)n - 1, pbuf);
  lua_Integer number = j->srcs[n - 1].number;
  size_t len;
  char err[500];
  if (pl_sandbox_index(sb, w->text.text, w->text.len, number, push, ud, &packed, &len, err, sizeof err) != PL_SANDBOX_OK) {
    if (doc_id)  /* a reader's document: which of the source's documents */
      snprintf(sw->err, sizeof sw->err, "%s: document %s: %s: %s", path, doc_id,
               j->spec_strings + gi->name.off, err);
    else
      snprintf(sw->err, sizeof sw->err, "%s: %s: %s", path, j->spec_strings + gi->name.off, err);
    sw->failed = 1;
    return -1;
  }
  w->grammar = g;
  if ((w->gpack = malloc(len ? len : 1)) != NULL) {
    memcpy(w->gpack, packed, len);
    w->gpack_len = len;
  }
  lua_settop(sb->L, 0);
  if (w->gpack == NULL) {
    snprintf(sw->err, sizeof sw->err, "%s: not enough memory for what the grammar found", path);
    sw->failed = 1;
    return -1;
  }
  return 0;
}

/* What a grammar is told of a reader's document: a table pushed into its sandbox. */
typedef struct rdoc_arg { const pl_reader *r; const pl_rdoc *d; const pl_rpeople *people; } rdoc_arg;

/* The role the source's person register gives the person of that name, or "". */
static void push_role(lua_State *S, const pl_rpeople *p, const char *name, size_t len) {
  size_t k;
  for (k = 0; p && k < p->n; k++) {
    const pl_rperson *e = &p->v[k];
    if (e->name.len == len && memcmp(pl_rperson_ptr(p, e->name), name, len) == 0) {
      lua_pushlstring(S, pl_rperson_ptr(p, e->role), e->role.len);
      return;
    }
  }
  lua_pushliteral(S, "");
}

static int push_rdoc(lua_State *S, void *ud) {
  const rdoc_arg *a = ud;
  const pl_rdoc *d = a->d;
  size_t k, n = 0;
  int i;
  lua_createtable(S, 0, 8);
  lua_pushlstring(S, pl_rstr_ptr(d, d->id), d->id.len);
  lua_setfield(S, -2, "id");
  for (i = 0; a->r->doc_attrs[i] && i < PL_READER_MAX_DOC_ATTRS; i++) {
    lua_pushlstring(S, pl_rstr_ptr(d, d->attrs[i]), d->attrs[i].len);
    lua_setfield(S, -2, a->r->doc_attrs[i]);
  }
  lua_newtable(S);   /* participants: the names the markup lists as present, */
  lua_newtable(S);   /* and the role the source's register gives each */
  for (k = 0; k < d->nmeta; k++) {
    const char *v = pl_rstr_ptr(d, d->meta[k].value);
    if (d->meta[k].key.len != 11 || memcmp(pl_rstr_ptr(d, d->meta[k].key), "participant", 11) != 0) continue;
    lua_pushlstring(S, v, d->meta[k].value.len);
    lua_rawseti(S, -3, (lua_Integer)++n);
    push_role(S, a->people, v, d->meta[k].value.len);
    lua_rawseti(S, -2, (lua_Integer)n);
  }
  lua_setfield(S, -3, "participant_roles");
  lua_setfield(S, -2, "participants");
  return 1;
}

/* The grammar (job number) that reads a reader's document: the one the manifest chose for it by id, else
** the source's, else its genre's; -1: none. */
static int grammar_of(const job *j, const src_in *s, const pl_reader *r, const pl_rdoc *d) {
  uint32_t k;
  int a;
  for (k = 0; k < s->nchosen; k++) {
    const ix_str *id = &s->chosen[k].id;
    if (id->len == d->id.len && memcmp(j->spec_strings + id->off, pl_rstr_ptr(d, d->id), id->len) == 0)
      return s->chosen[k].grammar;
  }
  if (s->grammar >= 0) return s->grammar;
  for (a = 0; r->doc_attrs[a] && a < PL_READER_MAX_DOC_ATTRS; a++) {
    if (strcmp(r->doc_attrs[a], "genre") != 0) continue;
    for (k = 0; k < s->ngenres; k++) {
      const ix_str *g = &s->genre[k];
      if (g->len == d->attrs[a].len && memcmp(j->spec_strings + g->off, pl_rstr_ptr(d, d->attrs[a]), g->len) == 0)
        return s->genre_grammar[k];
    }
  }
  return -1;
}

/* Read, tokenise, intern and encode source i, as worker thread `thread`. */
static void work_source(job *j, unsigned thread, size_t i) {
  src_work *sw = &j->work[i];
  const src_in *s = &j->srcs[i];
  char pbuf[PL_PATH_MAX];
  const char *path = src_path(j, i, pbuf), *err = NULL;
  size_t k;
  if (s->map < 0) {                       /* the text reader: the file is the document */
    if ((sw->docs = calloc(1, sizeof *sw->docs)) == NULL) { err = "not enough memory"; goto failed; }
    sw->ndocs = 1;
    if (pl_load_file(path, j->repair, &sw->docs[0].text, sw->err, sizeof sw->err) != 0) { sw->failed = 1; return; }
    if (s->grammar >= 0 && run_grammar(j, thread, s->grammar, i + 1, &sw->docs[0], sw, NULL, NULL, NULL) != 0) return;
    err = process(j, thread, sw->docs[0].gpack != NULL, &sw->docs[0]);
  } else {
    const pl_reader *r = j->maps[s->map].reader;
    char *data;
    size_t n;
    int rc;
    if (pl_read_file(path, &data, &n, sw->err, sizeof sw->err) != 0) { sw->failed = 1; return; }
    sw->rd.stop = j->stop;             /* Ctrl-C stops a large source between its pieces */
    rc = r->read(path, data, n, &sw->rd, sw->err, sizeof sw->err);
    free(data);
    if (rc != 0) { sw->failed = 1; return; }
    if (sw->rd.n && (sw->docs = calloc(sw->rd.n, sizeof *sw->docs)) == NULL) { err = "not enough memory"; goto failed; }
    sw->ndocs = sw->rd.n;
    for (k = 0; k < sw->ndocs && !err; k++) {
      int g;
      rdoc_arg arg;
      if (take_rdoc(&sw->rd.v[k], &sw->docs[k]) != 0) { err = "not enough memory"; break; }
      g = grammar_of(j, s, r, &sw->rd.v[k]);
      arg.r = r;
      arg.d = &sw->rd.v[k];
      arg.people = &sw->rd.people;
      if (g >= 0 && run_grammar(j, thread, g, i + 1, &sw->docs[k], sw, push_rdoc, &arg,
                                pl_rstr_ptr(&sw->rd.v[k], sw->rd.v[k].id)) != 0) {
        /* with --skip-bad one document's grammar failing costs that document its turns, not
        ** the source its other documents: it is indexed with what the reader found, and said */
        if (!j->skip_bad || sw->ndocs < 2) return;
        if (sw->ngrammar_failed++ == 0) memcpy(sw->grammar_err, sw->err, sizeof sw->err);
        sw->failed = 0;
        sw->err[0] = '\0';
      }
      err = process(j, thread, sw->rd.v[k].nregions > 0 || sw->docs[k].gpack != NULL, &sw->docs[k]);
    }
  }
  if (!err) return;
failed:
  snprintf(sw->err, sizeof sw->err, "%s: %s", path, err);
  sw->failed = 1;
}

typedef struct worker { job *j; unsigned thread; } worker;

/* Wait on the job's condition for at most a tenth of a second (so that Ctrl-C is seen). */
static void job_wait(job *j) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 100000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_timedwait(&j->cv, &j->mu, &ts);
}

/*
** A worker takes the sources one at a time, in order, as far as the limit
** the encoder sets (the end of the batch after the one it encodes): no
** barrier at a batch's end, so a worker that finds the batch taken goes on
** with the next while another finishes its last source.  Ctrl-C is for the
** Lua thread (workers start with SIGINT blocked, see start_workers); a
** worker only sees the interruption flag and stops taking sources, and the
** Lua thread raises once the workers are joined.
*/
static void *worker_main(void *arg) {
  worker *wk = arg;
  job *j = wk->j;
  for (;;) {
    size_t i;
    int go;
    if (parley_interrupted(j->stop)) break;
    i = atomic_fetch_add(&j->next, 1);
    if (i >= j->nsrcs) break;
    pthread_mutex_lock(&j->mu);
    while (i >= j->limit && !j->quit && !parley_interrupted(j->stop)) job_wait(j);
    go = !j->quit && !parley_interrupted(j->stop);
    pthread_mutex_unlock(&j->mu);
    if (!go) break;
    work_source(j, wk->thread, i);
    pthread_mutex_lock(&j->mu);
    j->done[i] = 1;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
  }
  return NULL;
}

/* ---------------------------------------------------------------- encoding a batch */

static void progress(job *j, size_t done_srcs, uint64_t done_bytes, uint64_t all_bytes, double t0) {
  double now;
  struct timespec ts;
  if (!j->progress) return;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
  fprintf(stderr, "\rindexing %3d%%  %zu/%zu files  %u documents  %.1f M tokens  %.1f s ",
          (int)(100.0 * (double)done_bytes / (double)(all_bytes ? all_bytes : 1)), done_srcs, j->nsrcs,
          (unsigned)j->ndocs, (double)j->ntokens / 1e6, now - t0);
  fflush(stderr);
}

/* A reader document's metadata as a JSON object, into j->meta (protected: raises when out of memory). */
typedef struct meta_job {
  job *j;
  const src_in *s;
  const pl_rdoc *d;                /* a reader's document, or NULL */
  const char *gmeta;               /* what its grammar found (a JSON object), or NULL */
  uint32_t gmeta_len;
  const char *used;                /* which grammar read it (JSON), or NULL */
  uint32_t used_len;
} meta_job;

/* Append the members of the JSON object s[0..len) (if it has any), after a comma if n; -> n + members. */
static size_t add_members(lua_State *L, wbuf *b, const char *s, size_t len, size_t n) {
  if (len <= 2 || s[0] != '{' || s[len - 1] != '}') return n;
  if (n) wb_addc(L, b, ',');
  wb_add(L, b, s + 1, len - 2);
  return n + 1;
}

static int meta_json(lua_State *L) {
  meta_job *mj = lua_touserdata(L, 1);
  const pl_rdoc *d = mj->d;
  const char *src = (const char *)mj->j->strings.p + mj->s->meta.off;
  size_t k, n = 0, srclen = mj->s->meta.len;
  wbuf *b = &mj->j->meta;
  b->n = 0;
  wb_addc(L, b, '{');
  /* the reader's pairs, a key once (several values make a list), in order of first appearance */
  for (k = 0; d && k < d->nmeta; k++) {
    pl_rstr key = d->meta[k].key;
    size_t m, count = 0;
    int seen = 0;
    for (m = 0; m < k && !seen; m++)
      seen = d->meta[m].key.len == key.len && memcmp(pl_rstr_ptr(d, d->meta[m].key), pl_rstr_ptr(d, key), key.len) == 0;
    if (seen) continue;
    for (m = k; m < d->nmeta; m++)
      count += d->meta[m].key.len == key.len && memcmp(pl_rstr_ptr(d, d->meta[m].key), pl_rstr_ptr(d, key), key.len) == 0;
    if (n++) wb_addc(L, b, ',');
    esc_json(L, b, pl_rstr_ptr(d, key), key.len);
    wb_addz(L, b, count > 1 ? ":[" : ":");
    for (m = k, count = 0; m < d->nmeta; m++) {
      if (d->meta[m].key.len != key.len || memcmp(pl_rstr_ptr(d, d->meta[m].key), pl_rstr_ptr(d, key), key.len) != 0) continue;
      if (count++) wb_addc(L, b, ',');
      esc_json(L, b, pl_rstr_ptr(d, d->meta[m].value), d->meta[m].value.len);
    }
    if (count > 1) wb_addc(L, b, ']');
  }
  /* then what its grammar found, then the source's own (the manifest's fields), which win where a key repeats */
  if (mj->used && mj->used_len > 0) {
    if (n++) wb_addc(L, b, ',');
    wb_addz(L, b, "\"grammar_used\":");
    wb_add(L, b, mj->used, mj->used_len);
  }
  if (mj->gmeta) n = add_members(L, b, mj->gmeta, mj->gmeta_len, n);
  add_members(L, b, src, srclen, n);
  wb_addc(L, b, '}');
  return 0;
}

/* The token span of the byte span [s, e) of a document: the tokens that start inside it. */
static void token_span(const doc_work *w, uint64_t first, uint32_t s, uint32_t e, uint32_t span[2]) {
  size_t lo = 0, hi = w->toks.n, lo2;
  while (lo < hi) { size_t mm = (lo + hi) / 2; if (w->toks.v[mm].start < s) lo = mm + 1; else hi = mm; }
  lo2 = lo; hi = w->toks.n;
  while (lo2 < hi) { size_t mm = (lo2 + hi) / 2; if (w->toks.v[mm].start < e) lo2 = mm + 1; else hi = mm; }
  span[0] = (uint32_t)(first + lo);
  span[1] = (uint32_t)(first + lo2);
}

/* A reader document's regions, mapped onto the job's kinds and attributes. */
static const char *reader_regions(job *j, const reader_map *m, const doc_work *w, uint64_t first) {
  const pl_rdoc *d = w->rdoc;
  size_t r;
  const char *err;
  for (r = 0; r < d->nregions; r++) {
    const pl_rregion *rg = &d->regions[r];
    kind_out *ko;
    ix_str vals[MAX_ATTRS];
    uint32_t span[2];
    size_t a;
    if (rg->kind >= m->reader->nkinds || rg->start > rg->end || rg->end > w->text_len) return "a reader made a bad region";
    ko = &j->kinds[m->kind[rg->kind]];
    memset(vals, 0, sizeof vals);
    for (a = 0; a < ko->nattrs; a++) if ((err = add_str(j, "", 0, &vals[a])) != NULL) return err;
    for (a = 0; a < PL_READER_MAX_ATTRS && m->attr[rg->kind][a] >= 0; a++)
      if ((err = add_str(j, pl_rstr_ptr(d, rg->attrs[a]), rg->attrs[a].len, &vals[m->attr[rg->kind][a]])) != NULL)
        return err;
    token_span(w, first, rg->start, rg->end, span);
    if (buf_add(&ko->recs, span, sizeof span) || buf_add(&ko->recs, vals, ko->nattrs * sizeof(ix_str)))
      return "not enough memory";
    ko->count++;
  }
  return NULL;
}

/* Read a u32 or an s4 string of a packed grammar result; -1 past its end. */
static int unpack_u32(const char *p, size_t n, size_t *at, uint32_t *v) {
  if (n - *at < 4) return -1;
  memcpy(v, p + *at, 4);
  *at += 4;
  return 0;
}

static int unpack_str(const char *p, size_t n, size_t *at, const char **s, uint32_t *len) {
  if (unpack_u32(p, n, at, len) != 0 || n - *at < *len) return -1;
  *s = p + *at;
  *at += *len;
  return 0;
}

/* The regions of a packed grammar result (lua/parley/grammar/pack.lua) into the tables. */
/* Is attribute a of kind ko the one that names a speaker? */
static int is_speaker_attr(const job *j, const kind_out *ko, uint32_t a) {
  const ix_str *name = &ko->attr_names[a];
  return name->len == 7 && memcmp((const char *)j->strings.p + name->off, "speaker", 7) == 0;
}

/*
** The regions a grammar found in document w, decoded into the tables.  A
** speaker a grammar named in a reader's document is named as the reader's
** register names that person (reader->canonical: "The Secretary" in 1964 is
** Dean Rusk), so that one person is one speaker across an archive.
*/
static const char *grammar_regions(job *j, const doc_work *w, uint64_t first, const pl_reader *reader,
                                   const pl_rpeople *people) {
  const char *p = w->gpack, *err, *meta;
  size_t n = w->gpack_len, at = 0;
  uint32_t nr, r, mlen;
  char named[256];
  if (unpack_str(p, n, &at, &meta, &mlen) != 0 || unpack_u32(p, n, &at, &nr) != 0)
    return "a grammar's result is damaged";
  for (r = 0; r < nr; r++) {
    uint32_t k = 0, s = 0, e = 0, a, span[2];
    kind_out *ko;
    if (unpack_u32(p, n, &at, &k) || unpack_u32(p, n, &at, &s) || unpack_u32(p, n, &at, &e) ||
        k >= j->nkinds - 3 || s > e || e > w->text_len)
      return "a grammar's result is damaged";
    ko = &j->kinds[k + 3];
    token_span(w, first, s, e, span);
    if (buf_add(&ko->recs, span, sizeof span)) return "not enough memory";
    for (a = 0; a < ko->nattrs; a++) {
      const char *v;
      uint32_t len;
      ix_str ref;
      if (unpack_str(p, n, &at, &v, &len) != 0) return "a grammar's result is damaged";
      if (len > 0 && reader && reader->canonical && people && w->rdoc && is_speaker_attr(j, ko, a)) {
        size_t m = reader->canonical(people, w->rdoc, v, len, named, sizeof named);
        if (m > 0) { v = named; len = (uint32_t)m; }
      }
      if ((err = add_str(j, v, len, &ref)) != NULL) return err;
      if (buf_add(&ko->recs, &ref, sizeof ref)) return "not enough memory";
    }
    ko->count++;
  }
  return NULL;
}

/* The metadata (a JSON object) at the head of a packed grammar result, or NULL. */
static const char *grammar_meta(const doc_work *w, uint32_t *len) {
  const char *s;
  size_t at = 0;
  return unpack_str(w->gpack, w->gpack_len, &at, &s, len) == 0 ? s : NULL;
}

/*
** Append a document of source i (already encoded by a worker) to the stream
** and its regions to the tables.  Returns NULL, or an error message.
*/
static const char *encode_doc(lua_State *L, job *j, size_t i, doc_work *w) {
  src_in *d = &j->srcs[i];
  const reader_map *map = d->map >= 0 ? &j->maps[d->map] : NULL;
  size_t ntok = w->ids.n;
  ix_doc out;
  ix_str attrs[MAX_ATTRS];
  uint64_t first = j->ntokens, k;
  const uint32_t *marks = (const uint32_t *)w->marks.p;
  size_t nmarks = w->marks.n / 4, m;
  const char *err;
  memset(&out, 0, sizeof out);
  if (j->ntokens + ntok >= IX_MAX_TOKENS) return "corpus too large: an index holds at most 4 294 967 294 tokens";
  if (j->ndocs >= UINT32_MAX - 1) return "too many documents";
  out.first = first;
  out.ntok = (uint32_t)ntok;
  out.size = d->size;
  out.mtime = d->mtime;
  out.mtime_ns = d->mtime_ns;
  out.hash = w->hash;
  out.source = (uint32_t)i;
  out.nwords = w->nwords;
  out.path.off = d->path; out.path.len = d->path_len;
  out.id = d->id;
  out.meta = d->meta;
  memcpy(attrs, d->attrs, sizeof attrs);
  if (map) {  /* a reader's document: its id, attributes and metadata before the source's */
    const pl_rdoc *rd = w->rdoc;
    uint32_t a;
    if ((err = add_str(j, pl_rstr_ptr(rd, rd->id), rd->id.len, &out.id)) != NULL) return err;
    attrs[0] = out.id;
    out.flags |= IX_DOC_READ;
    for (a = 1; a < j->ndoc_attrs; a++) {
      int ra = map->doc_attr[a];
      if (ra >= 0 && rd->attrs[ra].len > 0 &&
          (err = add_str(j, pl_rstr_ptr(rd, rd->attrs[ra]), rd->attrs[ra].len, &attrs[a])) != NULL)
        return err;
    }
  }
  if (map || w->gpack) {  /* metadata: the reader's, the grammar's, the source's */
    meta_job mj;
    memset(&mj, 0, sizeof mj);
    mj.j = j; mj.s = d; mj.d = map ? w->rdoc : NULL;
    if (w->gpack) mj.gmeta = grammar_meta(w, &mj.gmeta_len);
    if (w->gpack) {
      mj.used = (const char *)j->strings.p + j->grammars[w->grammar].used.off;
      mj.used_len = j->grammars[w->grammar].used.len;
    }
    lua_pushcfunction(L, meta_json);
    lua_pushlightuserdata(L, &mj);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {   /* Ctrl-C's hook may fire on that call: say which */
      int stopped = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), PARLEY_INTERRUPTED) == 0;
      lua_pop(L, 1);
      return stopped ? PARLEY_INTERRUPTED : "not enough memory";
    }
    if ((err = add_str(j, j->meta.p, j->meta.n, &out.meta)) != NULL) return err;
  }
  if (w->repaired) out.flags |= IX_DOC_REPAIRED;
  out.lines = j->lines.n / 4;
  out.nlines = (uint32_t)(w->lines.n / 4);
  if (buf_add(&j->lines, w->lines.p, w->lines.n)) return "not enough memory";
  if (w->embedded) {
    out.flags |= IX_DOC_EMBEDDED;
    out.text = spill_size(&j->texts);
    out.text_len = w->text.len;
    if (spill_add(&j->texts, w->text.text, w->text.len)) return strerror(errno);
  }
  if (w->text.nanchors > 0) {  /* where positions in the text leave the source's columns */
    out.anchors = spill_size(&j->srcmap) / sizeof(ix_anchor);
    out.nanchors = (uint32_t)w->text.nanchors;
    if (spill_add(&j->srcmap, w->text.anchors, w->text.nanchors * sizeof(ix_anchor))) return strerror(errno);
  }
  /*
  ** The stream records again, with index ids for the worker's provisional
  ** ones (lex_canon: given here, in source order), and skip entries for the
  ** positions that are multiples of IX_SKIP.
  */
  {
    uint64_t stream_at = ixw_pos(&j->out) - j->stream_start, p = first;
    uint64_t next = (first + IX_SKIP - 1) / IX_SKIP * IX_SKIP;
    const unsigned char *q = w->stream.p, *qend = w->stream.p + w->stream.n;
    uint32_t *ids = w->ids.v, prev_end = 0;
    buf *cs = &j->canon_stream;
    cs->n = 0;
    if (buf_reserve(cs, ntok * 10 + 16)) return "not enough memory";
    for (k = 0; k < ntok; k++, p++) {
      uint64_t id = 0, gap = 0;
      uint32_t prov, c;
      if (!ix_get_token(&q, qend, &id, &gap) || id != ids[k]) return "the stream of a document is corrupt";
      prov = (uint32_t)id;
      c = lex_canon(&j->lex, prov);
      ids[k] = c;
      if (p == next) {
        ix_skip sk;
        sk.stream = stream_at + cs->n;
        sk.start = prev_end + (uint32_t)gap;
        sk.doc = j->ndocs;
        if (buf_add(&j->stream_skips, &sk, sizeof sk)) return "not enough memory";
        next += IX_SKIP;
        prev_end = sk.start + j->lex.len_main[prov];
      } else {
        prev_end += (uint32_t)gap + j->lex.len_main[prov];
      }
      cs->n += ix_put_token(cs->p + cs->n, c, (uint32_t)gap);
    }
  }
  if (ixw_write(&j->out, j->canon_stream.p, j->canon_stream.n)) return strerror(errno);
  j->ntokens += ntok;
  /* paragraphs and sentences tile the document */
  for (m = 0; m < nmarks; m++) {
    uint32_t s = (uint32_t)(first + (marks[m] & 0x7fffffffu)), e;
    uint32_t r[2];
    e = m + 1 < nmarks ? (uint32_t)(first + (marks[m + 1] & 0x7fffffffu)) : (uint32_t)j->ntokens;
    r[0] = s; r[1] = e;
    if (buf_add(&j->kinds[2].recs, r, sizeof r)) return "not enough memory";
    j->kinds[2].count++;
    if (marks[m] & 0x80000000u) {
      size_t n2 = m + 1;
      while (n2 < nmarks && !(marks[n2] & 0x80000000u)) n2++;
      r[1] = n2 < nmarks ? (uint32_t)(first + (marks[n2] & 0x7fffffffu)) : (uint32_t)j->ntokens;
      if (buf_add(&j->kinds[1].recs, r, sizeof r)) return "not enough memory";
      j->kinds[1].count++;
    }
  }
  /* the document as a region, with its attributes */
  {
    uint32_t r[2] = { (uint32_t)first, (uint32_t)j->ntokens };
    if (buf_add(&j->kinds[0].recs, r, sizeof r) ||
        buf_add(&j->kinds[0].recs, attrs, j->ndoc_attrs * sizeof(ix_str)))
      return "not enough memory";
    j->kinds[0].count++;
  }
  /* what the grammar found: byte spans to token spans (tokens starting inside the span) */
  if (w->gpack && (err = grammar_regions(j, w, first, map ? map->reader : NULL, &j->work[i].rd.people)) != NULL)
    return err;
  if (map && (err = reader_regions(j, map, w, first)) != NULL) return err;
  if (buf_add(&j->docs_out, &out, sizeof out)) return "not enough memory";
  j->ndocs++;
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The end of the batch that starts at document b0: about batch_bytes of sources. */
static size_t next_batch(const job *j, size_t b0) {
  size_t i = b0, bytes = 0;
  while (i < j->nsrcs && (bytes < j->batch_bytes || i == b0)) bytes += j->srcs[i++].size;
  return i;
}

/* The worker threads of a build. */
typedef struct workers { pthread_t th[MAX_THREADS]; int nth; } workers;

/* Start the worker threads (none when there is one thread to use or creating them fails). */
static void start_workers(job *j, workers *w, worker *wk) {
  int t;
  sigset_t block, old;
  w->nth = 0;
  atomic_store(&j->next, 0);
  if (j->nthreads <= 1 || j->nsrcs <= 1) return;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);  /* the workers inherit the mask: Ctrl-C stays ours */
  for (t = 0; t < j->nthreads && (size_t)t < j->nsrcs; t++) {
    if (pthread_create(&w->th[t], NULL, worker_main, &wk[t]) != 0) break;
    w->nth++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Tell the workers to stop taking sources, and join them. */
static void stop_workers(job *j, workers *w) {
  int t;
  pthread_mutex_lock(&j->mu);
  j->quit = 1;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  for (t = 0; t < w->nth; t++) pthread_join(w->th[t], NULL);
  w->nth = 0;
}

/*
** Let the workers read sources below limit and wait until sources [b0, b1)
** are done (without workers, do them here); 0, or -1 on Ctrl-C.
*/
static int batch_ready(job *j, workers *w, size_t b0, size_t b1, size_t limit) {
  size_t i;
  pthread_mutex_lock(&j->mu);
  j->limit = limit;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  if (w->nth == 0) {
    for (i = b0; i < b1; i++) {
      if (parley_interrupted(j->stop)) return -1;
      work_source(j, 0, i);
      j->done[i] = 1;
    }
    return 0;
  }
  pthread_mutex_lock(&j->mu);
  for (i = b0; i < b1; i++) {
    while (!j->done[i] && !parley_interrupted(j->stop)) job_wait(j);
    if (!j->done[i]) break;
  }
  pthread_mutex_unlock(&j->mu);
  return i < b1 ? -1 : 0;
}

/* Add a line to the warnings the build returns; NULL or why not. */
static const char *warn(job *j, const char *fmt, ...) {
  char msg[800];
  va_list ap;
  int len;
  va_start(ap, fmt);
  len = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (len < 0) return NULL;
  if ((size_t)len >= sizeof msg) len = (int)sizeof msg - 1;
  if (buf_add(&j->warn_text, msg, (size_t)len) || buf_add(&j->warn_text, "\n", 1)) return "not enough memory";
  return NULL;
}

/*
** Encode the documents of sources [b0, b1), already read and tokenised, in
** source order; NULL or an error message.  A source that failed is the
** build's error, or with skip_bad a warning (and no documents).
*/
static const char *batch_encode(lua_State *L, job *j, size_t b0, size_t b1) {
  size_t i, k, nexact, nd = 0, at = 0;
  uint64_t first = j->ntokens;
  const char *err;
  char pbuf[PL_PATH_MAX];
  doc_ids *ids;
  for (i = b0; i < b1; i++) {
    src_work *sw = &j->work[i];
    if (sw->failed) {
      if (!j->skip_bad) return sw->err;
      if ((err = warn(j, "skipped %s", sw->err)) != NULL) return err;
      /* kept for the index's meta, so that every later open says so too */
      j->srcs[i].skipped = 1;
      j->srcs[i].skip_off = j->skip_text.n;
      j->srcs[i].skip_len = strlen(sw->err);
      if (buf_add(&j->skip_text, sw->err, j->srcs[i].skip_len) != 0) return "not enough memory";
      j->nskipped++;
      src_work_free(sw);
    }
    else if (sw->ndocs == 0 && j->srcs[i].map >= 0 &&
             (err = warn(j, "%s: no documents in it (the %s reader found none)", src_path(j, i, pbuf),
                         j->maps[j->srcs[i].map].reader->name)) != NULL)
      return err;
    if (!sw->failed && sw->rd.warning[0] && (err = warn(j, "%s", sw->rd.warning)) != NULL) return err;
    if (!sw->failed && sw->ngrammar_failed &&
        (err = warn(j, "%s; indexed without its grammar's regions (--skip-bad: %zu of the file's %zu documents so)",
                    sw->grammar_err, sw->ngrammar_failed, sw->ndocs)) != NULL)
      return err;
    nd += sw->ndocs;
  }
  if ((err = lex_sync(&j->lex, &nexact)) != NULL) return err;
  if ((ids = calloc(nd ? nd : 1, sizeof *ids)) == NULL) return "not enough memory";
  for (i = b0; i < b1 && !err; i++) {
    src_work *sw = &j->work[i];
    for (k = 0; k < sw->ndocs && !err; k++) {
      doc_work *w = &sw->docs[k];
      if (w->repaired)
        err = warn(j, "%s: replaced %zu invalid UTF-8 sequence%s with U+FFFD",
                   src_path(j, i, pbuf), w->repaired,
                   w->repaired == 1 ? "" : "s");
      if (!err && parley_interrupted(j->stop)) err = PARLEY_INTERRUPTED;   /* the caller raises it */
      if (!err) err = encode_doc(L, j, i, w);
      if (!err) j->srcs[i].ndocs++;
      ids[at++] = w->ids;
      pl_loaded_free(&w->text);
      pl_tokens_free(&w->toks);
      buf_free(&w->stream); buf_free(&w->reclen); buf_free(&w->lines); buf_free(&w->marks);
    }
  }
  if (!err && parley_interrupted(j->stop)) err = PARLEY_INTERRUPTED;
  if (!err) err = postings_spill(&j->post, ids, at, first, nexact, j->lex.freq);
  free(ids);
  for (i = b0; i < b1; i++) src_work_free(&j->work[i]);
  return err;
}

/*
** A batch that failed to write for want of room (its message is ENOSPC's
** or EDQUOT's) raises "no room for the index" naming it, with what the
** build needed so far: the index written, the texts and maps it spilled and
** the postings runs, all bound for the index's folder.
*/
static void no_room(lua_State *L, job *j, const char *err) {
  int e = strcmp(err, strerror(ENOSPC)) == 0 ? ENOSPC : strcmp(err, strerror(EDQUOT)) == 0 ? EDQUOT : 0;
  if (e)
    ixw_no_room(L, j->out.path, e, ixw_pos(&j->out) + spill_size(&j->texts) + spill_size(&j->srcmap)
                + j->post.runs_off);
}

/* ---------------------------------------------------------------- finishing */

static void write_regions(lua_State *L, job *j) {
  ix_rkind rk[MAX_KINDS];
  uint32_t k;
  memset(rk, 0, sizeof rk);
  for (k = 0; k < j->nkinds; k++) {
    kind_out *ko = &j->kinds[k];
    rk[k].name = ko->name;
    rk[k].nattrs = ko->nattrs;
    memcpy(rk[k].attrs, ko->attr_names, sizeof rk[k].attrs);
    rk[k].count = ko->count;
    snprintf(rk[k].section, sizeof rk[k].section, "r:%u", (unsigned)k);
    ixw_section(L, &j->out, rk[k].section, ko->recs.p, ko->recs.n);
    buf_free(&ko->recs);
  }
  ixw_section(L, &j->out, IX_SEC_REGIONS, rk, j->nkinds * sizeof *rk);
}

/*
** The "meta" section: the host's JSON object, and for the sources that gave
** no documents (skipped, or holding none) what the freshness check needs,
** as "empty_sources": [ { source = (1-based), path =, stamp = "size:mtime:ns",
** skipped = "PATH:LINE:COL: why" (a source --skip-bad skipped) } ].
*/
static void write_meta(lua_State *L, job *j, const char *meta, size_t len) {
  wbuf *b = &j->meta;
  size_t i, n = 0;
  b->n = 0;
  while (len > 0 && meta[len - 1] != '}') len--;
  if (len == 0 || meta[0] != '{') luaL_error(L, "bad build spec: meta must be a JSON object");
  wb_add(L, b, meta, len - 1);
  for (i = 0; i < j->nsrcs; i++) {
    const src_in *s = &j->srcs[i];
    char num[96];
    if (s->ndocs) continue;
    if (n++ == 0) wb_addz(L, b, len > 2 ? ",\"empty_sources\":[" : "\"empty_sources\":[");
    else wb_addc(L, b, ',');
    snprintf(num, sizeof num, "{\"source\":%zu,\"path\":", i + 1);
    wb_addz(L, b, num);
    esc_json(L, b, (const char *)j->strings.p + s->path, s->path_len);
    snprintf(num, sizeof num, ",\"stamp\":\"%llu:%lld:%u\"}", (unsigned long long)s->size,
             (long long)s->mtime, (unsigned)s->mtime_ns);
    wb_addz(L, b, num);
    if (s->skipped) {  /* why: every open of this index repeats the warning */
      b->n--;          /* the entry's closing brace */
      wb_addz(L, b, ",\"skipped\":");
      esc_json(L, b, (const char *)j->skip_text.p + s->skip_off, s->skip_len);
      wb_addc(L, b, '}');
    }
  }
  if (n) wb_addc(L, b, ']');
  wb_addc(L, b, '}');
  ixw_section(L, &j->out, IX_SEC_META, b->p, b->n);
}

/*
** build(spec) -> stats: index the documents of spec.docs into spec.output.
** Raises on bad input (the message names file:line:column) or I/O failure;
** nothing is left at spec.output unless the build succeeded.
*/
static int build_body(lua_State *L) {
  job *j = check_job(L, 2);
  worker wk[MAX_THREADS];
  int t;
  const char *meta, *output;
  size_t meta_len;
  struct timespec t0;
  double start;
  luaL_checktype(L, 1, LUA_TTABLE);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  start = (double)t0.tv_sec + t0.tv_nsec / 1e9;
  lua_getfield(L, 1, "meta");
  meta = luaL_optlstring(L, -1, "{}", &meta_len);
  lua_getfield(L, 1, "output");
  output = luaL_checkstring(L, -1);          /* stays on the stack */
  read_spec(L, j, 1);
  lua_getfield(L, 1, "root");
  if (!lua_isnil(L, -1)) {
    size_t rlen;
    const char *root = luaL_checklstring(L, -1, &rlen);
    if (rlen == 0 || rlen >= PL_PATH_MAX / 2 || memchr(root, '\0', rlen))
      luaL_error(L, "bad build spec: root must be a folder's path");
    if ((j->root = strdup(root)) == NULL) luaL_error(L, "not enough memory");
  }
  lua_pop(L, 1);
  /* the workers read the spec's strings (paths, genres, ids, grammar names) while this thread adds more */
  if ((j->spec_strings = malloc(j->strings.n + 1)) == NULL) luaL_error(L, "not enough memory");
  memcpy(j->spec_strings, j->strings.p, j->strings.n);
  j->spec_strings[j->strings.n] = '\0';
  wb_init(L, &j->meta);
  lex_init(L, &j->lex);
  ixw_open(L, &j->out, output);
  postings_open(L, &j->post, output);
  spill_open(L, &j->texts, output, "texts");
  spill_open(L, &j->srcmap, output, "srcmap");
  for (t = 0; t < MAX_THREADS; t++) { wk[t].j = j; wk[t].thread = (unsigned)t; }
  /* the stream comes first, written batch by batch */
  ixw_begin_section(L, &j->out, IX_SEC_STREAM);
  j->stream_start = ixw_pos(&j->out);
  /*
  ** Pipelined: while the workers read and tokenise the sources of batch k + 1
  ** (and, once those are all taken, go on into batch k + 2), this thread
  ** encodes batch k, in source order.  Workers are always joined before an
  ** error is raised.
  */
  {
    workers wt;
    size_t cur0 = 0, cur1 = next_batch(j, 0), nx1, done = 0;
    uint64_t done_bytes = 0, all_bytes = 0;
    const char *err = NULL;
    int rc;
    for (nx1 = 0; nx1 < j->nsrcs; nx1++) all_bytes += j->srcs[nx1].size;
    if ((j->done = calloc(j->nsrcs + 1, 1)) == NULL) luaL_error(L, "not enough memory");
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    j->synced = 1;
    j->limit = cur1;
    start_workers(j, &wt, wk);
    while (cur1 > cur0) {
      double tb = now_s();
      nx1 = next_batch(j, cur1);
      rc = batch_ready(j, &wt, cur0, cur1, nx1);
      j->t_parallel += now_s() - tb;
      if (rc != 0 || parley_interrupted(j->stop)) {
        stop_workers(j, &wt);
        parley_interrupt_raise(L);
      }
      tb = now_s();
      err = batch_encode(L, j, cur0, cur1);
      j->t_encode += now_s() - tb;
      if (err) {
        stop_workers(j, &wt);
        if (strcmp(err, PARLEY_INTERRUPTED) == 0) parley_interrupt_raise(L);
        no_room(L, j, err);
        parley_error(L, "%s", err);
      }
      for (; done < cur1; done++) done_bytes += j->srcs[done].size;
      progress(j, cur1, done_bytes, all_bytes, start);
      cur0 = cur1;
      cur1 = nx1;
    }
    stop_workers(j, &wt);
  }
  ixw_end_section(&j->out);
  if (j->progress) fputs("\n", stderr);
  if (parley_interrupted(j->stop)) parley_interrupt_raise(L);   /* between the steps of writing, too */
  {
    ix_exact *ex = lua_newuserdatauv(L, (j->lex.ncanon + 1) * sizeof *ex, 0);
    memset(ex, 0, (j->lex.ncanon + 1) * sizeof *ex);
    postings_write(L, &j->post, &j->out, ex, j->lex.ncanon);
    lex_write(L, &j->lex, &j->out, ex);
    lua_pop(L, 1);
  }
  if (parley_interrupted(j->stop)) parley_interrupt_raise(L);
  ixw_section(L, &j->out, IX_SEC_SKIPS, j->stream_skips.p, j->stream_skips.n);
  ixw_section(L, &j->out, IX_SEC_DOCS, j->docs_out.p, j->docs_out.n);
  ixw_section(L, &j->out, IX_SEC_LINES, j->lines.p, j->lines.n);
  if (parley_interrupted(j->stop)) parley_interrupt_raise(L);
  ixw_section_spill(L, &j->out, IX_SEC_TEXTS, &j->texts);
  ixw_section_spill(L, &j->out, IX_SEC_SRCMAP, &j->srcmap);
  if (parley_interrupted(j->stop)) parley_interrupt_raise(L);
  write_regions(L, j);
  ixw_section(L, &j->out, IX_SEC_STRINGS, j->strings.p, j->strings.n);
  write_meta(L, j, meta, meta_len);
  if (parley_interrupted(j->stop)) parley_interrupt_raise(L);
  ixw_finish(L, &j->out, j->ntokens, j->ndocs, j->lex.ncanon, j->lex.nfold);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  lua_createtable(L, 0, 8);
  parley_setint(L, "tokens", (lua_Integer)j->ntokens);
  parley_setint(L, "documents", (lua_Integer)j->ndocs);
  parley_setint(L, "skipped", (lua_Integer)j->nskipped);
  parley_setint(L, "types", (lua_Integer)j->lex.ncanon);
  parley_setint(L, "folded_types", (lua_Integer)j->lex.nfold);
  parley_setint(L, "bytes", (lua_Integer)j->out.h.file_size);
  lua_pushnumber(L, (double)t0.tv_sec + t0.tv_nsec / 1e9 - start);
  lua_setfield(L, -2, "seconds");
  lua_pushnumber(L, j->t_parallel);
  lua_setfield(L, -2, "seconds_tokenising");
  lua_pushnumber(L, j->t_encode);
  lua_setfield(L, -2, "seconds_encoding");
  lua_pushlstring(L, (const char *)j->warn_text.p, j->warn_text.n);
  lua_setfield(L, -2, "warnings");
  return 1;
}

/*
** build(spec) -> stats.  The build runs in protected mode so that, whatever
** happens, its temporary files are removed and its memory freed before the
** error (or the result) reaches the caller, not at some later collection.
*/
static int indexer_build(lua_State *L) {
  job *j;
  int status;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  j = lua_newuserdatauv(L, sizeof *j, 0);
  memset(j, 0, sizeof *j);
  j->out.fd = -1;
  j->texts.fd = j->srcmap.fd = -1;
  j->stop = parley_interrupt_flag(L);
  luaL_setmetatable(L, BUILD_JOB);
  lua_pushcfunction(L, build_body);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  status = lua_pcall(L, 2, 1, 0);
  lua_pushcfunction(L, job_gc);
  lua_pushvalue(L, 2);
  lua_call(L, 1, 0);
  if (status != LUA_OK) return lua_error(L);
  return 1;
}

/* threads([n]) -> the worker threads a build given threads = n uses (nil: one per core) */
static int indexer_threads(lua_State *L) {
  lua_pushinteger(L, threads_for(L, 1));
  return 1;
}

static const luaL_Reg indexer_funcs[] = {
  {"build", indexer_build},
  {"threads", indexer_threads},
  {NULL, NULL}
};

int luaopen_parley_indexer(lua_State *L) {
  if (luaL_newmetatable(L, BUILD_JOB)) {
    lua_pushcfunction(L, job_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, indexer_funcs);
  return 1;
}
