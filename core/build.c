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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"

#define BUILD_JOB "parley.BuildJob"
#define MAX_ATTRS IX_MAX_ATTRS
#define MAX_KINDS IX_MAX_KINDS

/* ---------------------------------------------------------------- the job */

typedef struct doc_in {
  uint32_t path, path_len;         /* in job->strings (NUL-terminated there) */
  ix_str id, meta;
  ix_str attrs[MAX_ATTRS];
  uint64_t size;
  int64_t mtime;
  uint32_t mtime_ns;
  buf regions;                     /* uint32: kind, start byte, end byte, then attrs as off,len */
} doc_in;

/*
** What a worker makes of one document (besides its token ids, in job->ids): its
** stream records already encoded, one byte per record giving its length (to
** place skip entries), its line starts, and the tokens that start sentences
** (bit 31 set: also a paragraph).  Tokens and text are kept only when the
** main thread still needs them (grammar regions; an embedded text).
*/
typedef struct doc_work {
  pl_loaded text;
  pl_tokens toks;
  buf stream, reclen, lines, marks;
  size_t repaired;
  uint64_t hash;
  int embedded;
  int failed;
  char err[600];
} doc_work;

static void work_free(doc_work *w) {
  pl_loaded_free(&w->text);
  pl_tokens_free(&w->toks);
  buf_free(&w->stream); buf_free(&w->reclen); buf_free(&w->lines); buf_free(&w->marks);
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
  buf strings;                     /* the "strings" section */
  doc_in *docs;
  size_t ndocs;
  uint32_t ndoc_attrs;
  kind_out kinds[MAX_KINDS];       /* 0 document, 1 paragraph, 2 sentence, then grammar kinds */
  uint32_t nkinds;
  int repair, progress, nthreads;
  size_t batch_bytes;
  /* the parts, each with its own free function */
  lexicon lex;                     /* the exact types (lexicon.c) */
  postings post;                   /* the postings runs (postings.c) */
  ixwriter out;                    /* the index file (ixwrite.c) */
  /* batch */
  doc_work *work;
  doc_ids *ids;                    /* per document: its tokens' exact ids, until spilled */
  size_t b1;                       /* the batch being tokenised ends here */
  atomic_size_t next;
  /* output, kept until its sections are written */
  buf stream_skips;                /* ix_skip */
  buf lines, texts, srcmap, docs_out;  /* srcmap: ix_anchor, each document's map back to its source */
  uint64_t ntokens, stream_start;
  buf warn_text;
  double t_parallel, t_encode;
  const parley_flag *stop;         /* Ctrl-C (parley.h): workers stop taking documents */
} job;

static job *check_job(lua_State *L, int i) { return luaL_checkudata(L, i, BUILD_JOB); }

/* Free everything the job holds; remove unfinished temporary files. */
static int job_gc(lua_State *L) {
  job *j = check_job(L, 1);
  size_t i;
  if (j->work) {
    for (i = 0; i < j->ndocs; i++) work_free(&j->work[i]);
    free(j->work);
    j->work = NULL;
  }
  if (j->docs) {
    for (i = 0; i < j->ndocs; i++) buf_free(&j->docs[i].regions);
    free(j->docs);
    j->docs = NULL;
  }
  for (i = 0; i < MAX_KINDS; i++) buf_free(&j->kinds[i].recs);
  if (j->ids) {
    for (i = 0; i < j->ndocs; i++) free(j->ids[i].v);
    free(j->ids);
    j->ids = NULL;
  }
  ixw_free(&j->out);
  postings_free(&j->post);
  lex_free(&j->lex);
  buf_free(&j->strings); buf_free(&j->stream_skips);
  buf_free(&j->lines); buf_free(&j->texts); buf_free(&j->srcmap); buf_free(&j->docs_out);
  buf_free(&j->warn_text);
  return 0;
}

/* ---------------------------------------------------------------- input */

/* Append a string (NUL-terminated) to the strings blob; returns its ref. */
static ix_str add_string(lua_State *L, job *j, const char *s, size_t len) {
  ix_str r;
  if (j->strings.n + len + 1 > UINT32_MAX) luaL_error(L, "too much metadata (over 4 GiB)");
  r.off = (uint32_t)j->strings.n;
  r.len = (uint32_t)len;
  if (buf_add(&j->strings, s, len) != 0 || buf_add(&j->strings, "", 1) != 0)
    luaL_error(L, "not enough memory");
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

/* Read docs[i].regions: { {kind=K, s=, e=, attrs={...}}, ... } (K 1-based over spec.kinds). */
static void read_regions(lua_State *L, job *j, doc_in *d, int t) {
  lua_Integer n, i;
  lua_getfield(L, t, "regions");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  luaL_checktype(L, -1, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, -1);
  for (i = 1; i <= n; i++) {
    lua_Integer kind, s, e;
    uint32_t a;
    int r;
    lua_rawgeti(L, -1, i);
    r = lua_gettop(L);
    luaL_checktype(L, r, LUA_TTABLE);
    kind = field_int(L, r, "kind", 0) + 2;  /* after document, paragraph, sentence */
    s = field_int(L, r, "s", -1);
    e = field_int(L, r, "e", -1);
    if (kind < 3 || kind >= (lua_Integer)j->nkinds || s < 0 || e < s || e > UINT32_MAX)
      luaL_error(L, "bad region #%d in document %d", (int)i, (int)(d - j->docs) + 1);
    if (buf_u32(&d->regions, (uint32_t)kind) || buf_u32(&d->regions, (uint32_t)s) ||
        buf_u32(&d->regions, (uint32_t)e))
      luaL_error(L, "not enough memory");
    lua_getfield(L, r, "attrs");
    for (a = 0; a < j->kinds[kind].nattrs; a++) {
      ix_str v = { 0, 0 };
      if (lua_istable(L, -1)) {
        size_t len;
        const char *sv;
        lua_rawgeti(L, -1, a + 1);
        sv = lua_tolstring(L, -1, &len);
        v = add_string(L, j, sv ? sv : "", sv ? len : 0);
        lua_pop(L, 1);
      }
      if (buf_add(&d->regions, &v, sizeof v)) luaL_error(L, "not enough memory");
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
}

static void read_spec(lua_State *L, job *j, int spec) {
  size_t i;
  lua_Integer nd;
  j->repair = (lua_getfield(L, spec, "repair"), lua_toboolean(L, -1));
  j->progress = (lua_getfield(L, spec, "progress"), lua_toboolean(L, -1));
  lua_pop(L, 2);
  j->nthreads = (int)field_int(L, spec, "threads", sysconf(_SC_NPROCESSORS_ONLN));
  if (j->nthreads < 1) j->nthreads = 1;
  if (j->nthreads > MAX_THREADS) j->nthreads = MAX_THREADS;
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
  /* documents */
  lua_getfield(L, spec, "docs");
  luaL_checktype(L, -1, LUA_TTABLE);
  nd = (lua_Integer)lua_rawlen(L, -1);
  if (nd >= UINT32_MAX) luaL_error(L, "too many documents");
  j->docs = calloc((size_t)nd + 1, sizeof *j->docs);
  j->work = calloc((size_t)nd + 1, sizeof *j->work);
  j->ids = calloc((size_t)nd + 1, sizeof *j->ids);
  if (!j->docs || !j->work || !j->ids) luaL_error(L, "not enough memory");
  j->ndocs = (size_t)nd;
  for (i = 0; i < j->ndocs; i++) {
    doc_in *d = &j->docs[i];
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
    read_regions(L, j, d, t);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* ---------------------------------------------------------------- workers */

/* Encode a tokenised document's stream records, line starts and sentence marks. */
static int encode_work(job *j, size_t i, doc_work *w) {
  const uint32_t *ids = j->ids[i].v;
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
  if (j->docs[i].regions.n == 0) pl_tokens_free(&w->toks);
  if (!w->embedded) pl_loaded_free(&w->text);
  return 0;
}

/* Load, tokenise, intern and encode document i, as worker thread `thread`. */
static void work_doc(job *j, unsigned thread, size_t i) {
  doc_work *w = &j->work[i];
  doc_ids *ids = &j->ids[i];
  const char *path = (const char *)j->strings.p + j->docs[i].path;
  if (pl_load_file(path, j->repair, &w->text, w->err, sizeof w->err) != 0) { w->failed = 1; return; }
  if (pl_tokenize(w->text.text, w->text.len, &w->toks) != 0 ||
      (w->toks.n && (ids->v = malloc(w->toks.n * sizeof *ids->v)) == NULL)) {
    snprintf(w->err, sizeof w->err, "%s: not enough memory to tokenise", path);
    w->failed = 1;
    return;
  }
  ids->n = w->toks.n;
  if (lex_intern(&j->lex, thread, w->text.text, w->toks.v, w->toks.n, ids->v) != 0) {
    snprintf(w->err, sizeof w->err, "%s: not enough memory for the lexicon", path);
    w->failed = 1;
    return;
  }
  if (encode_work(j, i, w) != 0) {
    snprintf(w->err, sizeof w->err, "%s: not enough memory to encode", path);
    w->failed = 1;
  }
}

typedef struct worker { job *j; unsigned thread; } worker;

/*
** A worker takes the batch's documents one at a time.  Ctrl-C is for the
** Lua thread (workers start with SIGINT blocked, see batch_start); a worker
** only sees the interruption flag and stops taking documents, and the Lua
** thread raises once the batch is joined.
*/
static void *worker_main(void *arg) {
  worker *wk = arg;
  job *j = wk->j;
  for (;;) {
    size_t i;
    if (parley_interrupted(j->stop)) break;
    i = atomic_fetch_add(&j->next, 1);
    if (i >= j->b1) break;
    work_doc(j, wk->thread, i);
  }
  return NULL;
}

/* ---------------------------------------------------------------- encoding a batch */

static void progress(job *j, size_t done_docs, double t0) {
  double now;
  struct timespec ts;
  if (!j->progress) return;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
  fprintf(stderr, "\rindexing %3d%%  %zu/%zu documents  %.1f M tokens  %.1f s ",
          (int)(100.0 * done_docs / (j->ndocs ? j->ndocs : 1)), done_docs, j->ndocs,
          (double)j->ntokens / 1e6, now - t0);
  fflush(stderr);
}

/*
** Append document i (already encoded by a worker) to the stream and its
** regions to the tables.  Returns NULL, or an error message.
*/
static const char *encode_doc(job *j, size_t i) {
  doc_work *w = &j->work[i];
  doc_in *d = &j->docs[i];
  size_t ntok = j->ids[i].n;
  ix_doc out;
  uint64_t first = j->ntokens, k;
  const uint32_t *marks = (const uint32_t *)w->marks.p;
  size_t nmarks = w->marks.n / 4, m;
  memset(&out, 0, sizeof out);
  if (j->ntokens + ntok >= IX_MAX_TOKENS) return "corpus too large: an index holds at most 4 294 967 294 tokens";
  out.first = first;
  out.ntok = (uint32_t)ntok;
  out.size = d->size;
  out.mtime = d->mtime;
  out.mtime_ns = d->mtime_ns;
  out.hash = w->hash;
  out.path.off = d->path; out.path.len = d->path_len;
  out.id = d->id;
  out.meta = d->meta;
  if (w->repaired) out.flags |= IX_DOC_REPAIRED;
  out.lines = j->lines.n / 4;
  out.nlines = (uint32_t)(w->lines.n / 4);
  if (buf_add(&j->lines, w->lines.p, w->lines.n)) return "not enough memory";
  if (w->embedded) {
    out.flags |= IX_DOC_EMBEDDED;
    out.text = j->texts.n;
    out.text_len = w->text.len;
    if (buf_add(&j->texts, w->text.text, w->text.len)) return "not enough memory";
  }
  if (w->text.nanchors > 0) {  /* where positions in the text leave the source's columns */
    out.anchors = j->srcmap.n / sizeof(ix_anchor);
    out.nanchors = (uint32_t)w->text.nanchors;
    if (buf_add(&j->srcmap, w->text.anchors, w->text.nanchors * sizeof(ix_anchor))) return "not enough memory";
  }
  /* skip entries for the positions that are multiples of IX_SKIP */
  {
    uint64_t stream_at = ixw_pos(&j->out) - j->stream_start, p = first;
    uint64_t next = (first + IX_SKIP - 1) / IX_SKIP * IX_SKIP;
    const unsigned char *len = w->reclen.p, *rec = w->stream.p;
    size_t at = 0;
    uint32_t prev_end = 0;
    for (k = 0; k < ntok; k++, p++) {
      uint64_t id = 0, gap = 0;
      const unsigned char *q = rec + at;
      if (p == next) {
        ix_skip sk;
        ix_get_token(&q, rec + w->stream.n, &id, &gap);
        sk.stream = stream_at + at;
        sk.start = prev_end + (uint32_t)gap;
        sk.doc = (uint32_t)i;
        if (buf_add(&j->stream_skips, &sk, sizeof sk)) return "not enough memory";
        next += IX_SKIP;
        prev_end = sk.start + j->lex.len_main[id];
      } else if (next < first + ntok) {
        ix_get_token(&q, rec + w->stream.n, &id, &gap);
        prev_end += (uint32_t)gap + j->lex.len_main[id];
      } else {
        break;  /* no more skips in this document */
      }
      at += len[k];
    }
  }
  if (ixw_write(&j->out, w->stream.p, w->stream.n)) return strerror(errno);
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
        buf_add(&j->kinds[0].recs, d->attrs, j->ndoc_attrs * sizeof(ix_str)))
      return "not enough memory";
    j->kinds[0].count++;
  }
  /* grammar regions: byte spans to token spans (tokens starting inside the span) */
  {
    const uint32_t *r = (const uint32_t *)d->regions.p;
    size_t at = 0, nw = d->regions.n / 4;
    while (at + 3 <= nw) {
      uint32_t kind = r[at], s = r[at + 1], e = r[at + 2];
      kind_out *ko = &j->kinds[kind];
      size_t lo = 0, hi = w->toks.n, lo2;
      uint32_t span[2];
      while (lo < hi) { size_t mm = (lo + hi) / 2; if (w->toks.v[mm].start < s) lo = mm + 1; else hi = mm; }
      lo2 = lo; hi = w->toks.n;
      while (lo2 < hi) { size_t mm = (lo2 + hi) / 2; if (w->toks.v[mm].start < e) lo2 = mm + 1; else hi = mm; }
      span[0] = (uint32_t)(first + lo);
      span[1] = (uint32_t)(first + lo2);
      if (buf_add(&ko->recs, span, sizeof span) ||
          buf_add(&ko->recs, r + at + 3, ko->nattrs * sizeof(ix_str)))
        return "not enough memory";
      ko->count++;
      at += 3 + 2 * (size_t)ko->nattrs;
    }
  }
  if (buf_add(&j->docs_out, &out, sizeof out)) return "not enough memory";
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
  while (i < j->ndocs && (bytes < j->batch_bytes || i == b0)) bytes += j->docs[i++].size;
  return i;
}

/* A batch being tokenised in the background. */
typedef struct batch { pthread_t th[MAX_THREADS]; int nth; } batch;

/* Start worker threads on documents [b0, b1); the main thread does not wait. */
static void batch_start(job *j, batch *b, size_t b0, size_t b1, worker *wk) {
  int t;
  sigset_t block, old;
  j->b1 = b1;
  atomic_store(&j->next, b0);
  b->nth = 0;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &old);  /* the workers inherit the mask: Ctrl-C stays ours */
  for (t = 0; t < j->nthreads && (size_t)t < b1 - b0; t++) {
    if (pthread_create(&b->th[t], NULL, worker_main, &wk[t]) != 0) break;
    b->nth++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (b->nth == 0) worker_main(&wk[0]);  /* no threads: do it here */
}

static void batch_join(batch *b) {
  int t;
  for (t = 0; t < b->nth; t++) pthread_join(b->th[t], NULL);
  b->nth = 0;
}

/* Encode documents [b0, b1), already tokenised; NULL or an error message. */
static const char *batch_encode(job *j, size_t b0, size_t b1) {
  size_t i, nexact;
  uint64_t first = j->ntokens;
  const char *err;
  for (i = b0; i < b1; i++)
    if (j->work[i].failed) return j->work[i].err;
  if ((err = lex_sync(&j->lex, &nexact)) != NULL) return err;
  for (i = b0; i < b1; i++) {
    doc_work *w = &j->work[i];
    if (w->repaired) {
      char msg[700];
      int len = snprintf(msg, sizeof msg, "%s: replaced %zu invalid UTF-8 sequence%s with U+FFFD\n",
                         (const char *)j->strings.p + j->docs[i].path, w->repaired,
                         w->repaired == 1 ? "" : "s");
      if (len > 0 && buf_add(&j->warn_text, msg, (size_t)len < sizeof msg ? (size_t)len : sizeof msg - 1))
        return "not enough memory";
    }
    if ((err = encode_doc(j, i)) != NULL) return err;
    pl_loaded_free(&w->text);
    pl_tokens_free(&w->toks);
    buf_free(&w->stream); buf_free(&w->reclen); buf_free(&w->lines); buf_free(&w->marks);
  }
  if ((err = postings_spill(&j->post, j->ids + b0, b1 - b0, first, nexact, j->lex.freq)) != NULL)
    return err;
  for (i = b0; i < b1; i++) { free(j->ids[i].v); j->ids[i].v = NULL; }
  return NULL;
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
  lex_init(L, &j->lex);
  ixw_open(L, &j->out, output);
  postings_open(L, &j->post, output);
  for (t = 0; t < MAX_THREADS; t++) { wk[t].j = j; wk[t].thread = (unsigned)t; }
  /* the stream comes first, written batch by batch */
  ixw_begin_section(L, &j->out, IX_SEC_STREAM);
  j->stream_start = ixw_pos(&j->out);
  /*
  ** Pipelined: while the workers tokenise batch k + 1, this thread encodes
  ** batch k.  Workers are always joined before an error is raised.
  */
  {
    batch bt;
    size_t cur0 = 0, cur1 = next_batch(j, 0), nx1;
    const char *err = NULL;
    double tb = now_s();
    memset(&bt, 0, sizeof bt);
    if (cur1 > cur0) { batch_start(j, &bt, cur0, cur1, wk); batch_join(&bt); }
    j->t_parallel += now_s() - tb;
    if (parley_interrupted(j->stop)) parley_interrupt_raise(L);
    while (cur1 > cur0) {
      nx1 = next_batch(j, cur1);
      if (nx1 > cur1) batch_start(j, &bt, cur1, nx1, wk);
      tb = now_s();
      err = batch_encode(j, cur0, cur1);
      j->t_encode += now_s() - tb;
      tb = now_s();
      batch_join(&bt);
      j->t_parallel += now_s() - tb;
      if (parley_interrupted(j->stop)) parley_interrupt_raise(L);  /* the joined batch may be partial */
      if (err) parley_error(L, "%s", err);
      progress(j, cur1, start);
      cur0 = cur1;
      cur1 = nx1;
    }
  }
  ixw_end_section(&j->out);
  if (j->progress) fputs("\n", stderr);
  {
    ix_exact *ex = lua_newuserdatauv(L, (j->lex.n + 1) * sizeof *ex, 0);
    memset(ex, 0, (j->lex.n + 1) * sizeof *ex);
    postings_write(L, &j->post, &j->out, ex, j->lex.n);
    lex_write(L, &j->lex, &j->out, ex);
    lua_pop(L, 1);
  }
  ixw_section(L, &j->out, IX_SEC_SKIPS, j->stream_skips.p, j->stream_skips.n);
  ixw_section(L, &j->out, IX_SEC_DOCS, j->docs_out.p, j->docs_out.n);
  ixw_section(L, &j->out, IX_SEC_LINES, j->lines.p, j->lines.n);
  ixw_section(L, &j->out, IX_SEC_TEXTS, j->texts.p, j->texts.n);
  ixw_section(L, &j->out, IX_SEC_SRCMAP, j->srcmap.p, j->srcmap.n);
  write_regions(L, j);
  ixw_section(L, &j->out, IX_SEC_STRINGS, j->strings.p, j->strings.n);
  ixw_section(L, &j->out, IX_SEC_META, meta, meta_len);
  ixw_finish(L, &j->out, j->ntokens, (uint32_t)j->ndocs, j->lex.n, j->lex.nfold);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  lua_createtable(L, 0, 8);
  parley_setint(L, "tokens", (lua_Integer)j->ntokens);
  parley_setint(L, "documents", (lua_Integer)j->ndocs);
  parley_setint(L, "types", (lua_Integer)j->lex.n);
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

static const luaL_Reg indexer_funcs[] = {
  {"build", indexer_build},
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
