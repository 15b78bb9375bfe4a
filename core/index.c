/*
** index.c — `parley.Index`: an opened index file (memory-mapped) and the
** query primitives over it: lexicon look-ups, postings, phrases, regions,
** documents' text, token streams.  The query language, sub-corpora and
** formatting live in lua/parley/corpus.lua; concordances and counts over
** hit lists are in hits.c, kwic.c, freq.c and ngrams.c.
*/
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "writer.h"

/* ---------------------------------------------------------------- accessors */

pl_corpus *check_corpus(lua_State *L, int i) {
  return luaL_checkudata(L, i, PARLEY_INDEX);
}

pl_corpus *to_corpus(lua_State *L, int i) {
  pl_corpus *c = check_corpus(L, i);
  if (c->ix.base == NULL) parley_error_caller(L, "attempt to use a closed corpus");
  return c;
}

/*
** Move the index file aside (to PATH.damaged, or PATH.stale) so that the
** next open rebuilds it; once.
*/
static void segments_aside(pl_corpus *c, const char *suffix, uint32_t only);

static void move_aside(pl_corpus *c, const char *suffix) {
  if (!c->moved_aside) {
    char aside[4096];
    segments_aside(c, suffix, UINT32_MAX);
    if ((size_t)snprintf(aside, sizeof aside, "%s.%s", c->path, suffix) < sizeof aside)
      rename(c->path, aside);
    c->moved_aside = 1;
  }
}

/* The file of segment k of an index of several, PATH.seg/NAME, in buf[0..PL_PATH_MAX); NULL if too long. */
static const char *seg_path(const pl_corpus *c, uint32_t k, char *buf) {
  const ix_seg *s = &c->segs[k];
  int n = snprintf(buf, PL_PATH_MAX, "%s.seg/%.*s", c->path, (int)s->name_len, s->name);
  return n > 0 && n < PL_PATH_MAX ? buf : NULL;
}

/*
** Move the segments of an index of several aside too (NAME.damaged), so that
** no rebuild takes them again: all of them, since a segment whose blocks
** match their checksums may still hold what the reader refused; or, for a
** source changed under the same size and time (NAME.stale), only segment
** `only`, the one that holds it: the others are sound.
*/
static void segments_aside(pl_corpus *c, const char *suffix, uint32_t only) {
  uint32_t k;
  for (k = 0; k < c->nmapped; k++) {
    char from[PL_PATH_MAX], to[PL_PATH_MAX + 16];
    if (only != UINT32_MAX && k != only) continue;
    if (seg_path(c, k, from) && (size_t)snprintf(to, sizeof to, "%s.%s", from, suffix) < sizeof to) rename(from, to);
  }
}

/* Raise the standard message for a damaged index, after moving the file aside. */
int corpus_damaged(lua_State *L, pl_corpus *c) {
  move_aside(c, "damaged");
  return parley_error_damaged(L, c->path, "%s: index is damaged (checksum mismatch); it was moved aside and "
                               "will be rebuilt when the corpus is opened again", c->path);
}

/* Release the mapping and the cached document texts; safe to call twice. */
static void corpus_release(pl_corpus *c) {
  uint32_t i;
  const unsigned char *base = c->ix.base;
  c->ix.base = NULL;  /* closed first, then released */
  if (c->texts) {
    for (i = 0; i < c->ndocs_cached; i++)
      if (c->texts[i].map) munmap(c->texts[i].map, c->texts[i].len ? c->texts[i].len : 1);
    c->texts = NULL;
  }
  if (base) munmap((void *)base, c->ix.size);
  ix_unjoin(&c->ix);
  for (i = 0; i < c->nmapped; i++) {
    if (c->segs[i].ix.base) munmap((void *)c->segs[i].ix.base, c->segs[i].ix.size);
    free(c->segs[i].ix.verified);
  }
  c->nmapped = 0;
  c->segs = NULL;
}

/* Is name[0..len) a plain file name, as a segment's must be (no folder, no . or ..)? */
static int plain_name(const char *name, size_t len) {
  return len > 0 && len < 256 && !memchr(name, '/', len) && !memchr(name, '\0', len) &&
         !(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.');
}

/*
** Open the segments of the index of several at c (its list mapped and
** checked): each mapped, checked and joined.  0, or -1 with a message.
*/
static int open_segments(lua_State *L, pl_corpus *c, int ci, char *err, size_t errlen) {
  uint32_t n = c->ix.nsegrecs, k;
  {   /* PATH.seg must be a folder of the index's own: nothing is read through a link */
    char dir[PL_PATH_MAX];
    struct stat st;
    if ((size_t)snprintf(dir, sizeof dir, "%s.seg", c->path) >= sizeof dir) { snprintf(err, errlen, "too long a path"); return -1; }
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "%.300s: %s", dir, lstat(dir, &st) != 0 ? strerror(errno) : "not a folder (a link, or a file)");
      return -1;
    }
  }
  c->segs = lua_newuserdatauv(L, n * sizeof *c->segs, 0);
  memset(c->segs, 0, n * sizeof *c->segs);
  lua_setiuservalue(L, ci, 5);
  for (k = 0; k < n; k++) {
    const ix_segrec *r = &c->ix.segrecs[k];
    ix_seg *s = &c->segs[k];
    const char *name = ix_blob(c->ix.strings, c->ix.strings_size, r->name);
    char path[PL_PATH_MAX], e2[400];
    const unsigned char *base;
    size_t size;
    unsigned char *bits;
    if (name == NULL || !plain_name(name, r->name.len)) {
      snprintf(err, errlen, "bad name of segment %u", (unsigned)k + 1);
      return -1;
    }
    s->name = name;
    s->name_len = r->name.len;
    if (seg_path(c, k, path) == NULL) { snprintf(err, errlen, "too long a path for segment %u", (unsigned)k + 1); return -1; }
    if (ix_map(path, &base, &size, e2, sizeof e2) != 0) { snprintf(err, errlen, "segment %u: %.400s", (unsigned)k + 1, e2); return -1; }
    if ((bits = calloc(1, ix_bitmap_size(size))) == NULL) {
      munmap((void *)base, size);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    s->ix.base = base;
    s->ix.size = size;
    s->ix.verified = bits;
    c->nmapped = k + 1;
    if (ix_init(&s->ix, base, size, bits, e2, sizeof e2) != 0) {
      s->ix.base = base;   /* ix_init may have stopped before keeping them */
      s->ix.size = size;
      s->ix.verified = bits;
      snprintf(err, errlen, "%.200s: %.300s", path, e2);
      return -1;
    }
  }
  return ix_join(&c->ix, c->segs, n, err, errlen);
}

static int corpus_close(lua_State *L) {
  corpus_release(check_corpus(L, 1));
  return 0;
}

static int corpus_tostring(lua_State *L) {
  pl_corpus *c = check_corpus(L, 1);
  if (c->ix.base == NULL) lua_pushfstring(L, "index %s (closed)", c->path);
  else {
    const char *docs = wr_push_count(L, (lua_Integer)c->ix.ndocs, "document");
    lua_pushfstring(L, "index %s (%s, %s)", c->path, docs, wr_push_count(L, (lua_Integer)c->ix.ntokens, "token"));
  }
  return 1;
}

/*
** open(path [, root]) -> index | nil, message, reason
** reason is "missing", "damaged" or "version", so the caller can rebuild.
** root is the corpus folder: the sources' paths the index stores relative to
** it are read there (without it, relative to the working folder).
*/
static int corpus_open(lua_State *L) {
  size_t plen, rlen = 0, bits;
  const char *path = luaL_checklstring(L, 1, &plen);
  const char *root = luaL_optlstring(L, 2, NULL, &rlen);
  const unsigned char *base;
  size_t size;
  char err[512];
  int rc;
  pl_corpus *c;
  if (ix_map(path, &base, &size, err, sizeof err) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    lua_pushstring(L, errno == ENOENT ? "missing" : "damaged");
    return 3;
  }
  bits = ix_bitmap_size(size);
  /* create first (closed), acquire second: a raise here must not leak the mapping.
     User values: 1 the text cache, 2 the read buffer, 3 and 4 the lexicon string
     and its offsets (lexicon_string) */
  if (root && (rlen == 0 || rlen >= PL_PATH_MAX / 2 || memchr(root, '\0', rlen))) {
    munmap((void *)base, size);
    return luaL_argerror(L, 2, "a folder's path expected");
  }
  c = lua_newuserdatauv(L, sizeof *c + plen + 1 + rlen + 1 + bits, 5);
  memset(c, 0, sizeof *c + plen + 1 + rlen + 1 + bits);
  luaL_setmetatable(L, PARLEY_INDEX);
  c->path = (char *)(c + 1);
  memcpy(c->path, path, plen + 1);
  if (root) {
    c->root = c->path + plen + 1;
    memcpy(c->root, root, rlen + 1);
  }
  if ((rc = ix_init(&c->ix, base, size, (unsigned char *)c->path + plen + 1 + rlen + 1, err, sizeof err)) != 0) {
    munmap((void *)base, size);
    c->ix.base = NULL;
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, err);
    lua_pushstring(L, rc == IX_EVERSION ? "version" : "damaged");
    return 3;
  }
  if (c->ix.segrecs && open_segments(L, c, lua_absindex(L, -1), err, sizeof err) != 0) {
    corpus_release(c);
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, err);
    lua_pushstring(L, "damaged");
    return 3;
  }
  /* the text cache: one slot per document, owned by Lua */
  c->texts = lua_newuserdatauv(L, (c->ix.ndocs + 1) * sizeof *c->texts, 0);
  memset(c->texts, 0, (c->ix.ndocs + 1) * sizeof *c->texts);
  c->ndocs_cached = c->ix.ndocs;
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* ---------------------------------------------------------------- documents */

/* The source path of a document as stored, checked (bounds, checksum, NUL); NULL if damaged. */
static const char *stored_path(ix_index *ix, const ix_doc *d) {
  uint64_t avail = 0;
  const char *p = ix_string(ix, d->path, &avail);
  if (p == NULL || (uint64_t)d->path.len >= avail ||
      ix_touch(ix, p, d->path.len + 1) || p[d->path.len] != '\0')
    return NULL;
  return p;
}

/* A stored path p[0..len) (checked) under root, in buf[0..PL_PATH_MAX); NULL if too long. */
static const char *join_root(const char *root, const char *p, size_t len, char *buf) {
  size_t rlen;
  if (root == NULL || p[0] == '/') return p;
  rlen = strlen(root);
  if (rlen + 1 + len >= PL_PATH_MAX) return NULL;
  memcpy(buf, root, rlen);
  buf[rlen] = '/';
  memcpy(buf + rlen + 1, p, len + 1);
  return buf;
}

const char *corpus_source_path(ix_index *ix, const char *root, const ix_doc *d, char *buf) {
  const char *p = stored_path(ix, d);
  return p ? join_root(root, p, d->path.len, buf) : NULL;
}

/* The source path of a document of c (raises if damaged or too long). */
static const char *doc_path(lua_State *L, pl_corpus *c, const ix_doc *d, char *buf) {
  const char *p = stored_path(&c->ix, d);
  if (p == NULL) corpus_damaged(L, c);
  if ((p = join_root(c->root, p, d->path.len, buf)) == NULL)
    parley_error(L, "%s/%s: path too long", c->root, ix_string(&c->ix, d->path, NULL));
  return p;
}

/*
** A source whose bytes no longer hash to the text the index holds for its
** document (changed in place with its size and time kept, as `touch -r`
** does): the index is stale.  It is moved aside (PATH.stale), so that the
** next open rebuilds it, and the error raised is a damaged index's
** (parley.error.damaged), never an answer from the wrong text.
*/
static int corpus_stale_text(lua_State *L, pl_corpus *c, const char *path, uint32_t d) {
  if (!c->moved_aside && c->nmapped) {   /* the list, and the one segment that holds the source */
    char aside[4096];
    segments_aside(c, "stale", c->ix.docs[d].reserved);
    if ((size_t)snprintf(aside, sizeof aside, "%s.stale", c->path) < sizeof aside) rename(c->path, aside);
    c->moved_aside = 1;
  }
  move_aside(c, "stale");
  return parley_error_damaged(L, c->path, "%s: changed since the index was built (its text is not the one "
                              "indexed); the index %s was moved aside and will be rebuilt when the corpus is "
                              "opened again", path, c->path);
}

/*
** The normalised text of document d (mapped source or embedded copy).  A
** source is checked against the hash of the indexed text when it is first
** read (once per opened index; a source replaced later, by a new file, stays
** mapped as it was).
*/
const char *corpus_text(lua_State *L, pl_corpus *c, uint32_t d, size_t *len) {
  const ix_doc *doc = &c->ix.docs[d];
  pl_text *t = &c->texts[d];
  if (doc->flags & IX_DOC_EMBEDDED) {
    uint32_t ld;
    ix_index *part = ix_part(&c->ix, d, &ld);
    const char *p = part->texts + part->docs[ld].text;
    if (ix_touch(&c->ix, p, (size_t)doc->text_len)) corpus_damaged(L, c);
    *len = (size_t)doc->text_len;
    return p;
  }
  if (!t->loaded) {
    char buf[PL_PATH_MAX];
    const char *path = doc_path(L, c, doc, buf);
    struct stat st;
    int fd;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) parley_error(L, "%s: cannot read the source: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != doc->size) {
      close(fd);
      parley_error(L, "%s: changed since the index was built; reopen the corpus to rebuild it", path);
    }
    if (st.st_size > 0) {
      t->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (t->map == MAP_FAILED) {
        int e = errno;
        t->map = NULL;
        close(fd);
        parley_error(L, "%s: cannot read the source: %s", path, strerror(e));
      }
    }
    close(fd);
    if (ix_hash(t->map ? t->map : "", (size_t)st.st_size, 0) != doc->hash) {
      if (t->map) munmap(t->map, (size_t)st.st_size);
      t->map = NULL;
      corpus_stale_text(L, c, path, d);
    }
    t->len = (size_t)st.st_size;
    t->loaded = 1;
  }
  *len = t->len;
  return t->map ? t->map : "";
}

/*
** The text of document d for one pass in document order: read whole into
** the corpus' read buffer (its user value 2) instead of mapped, which costs
** fewer system calls when documents are visited once each.  Valid until the
** next call.  ci is the corpus' stack index.
*/
const char *corpus_text_once(lua_State *L, pl_corpus *c, int ci, uint32_t d, size_t *len) {
  const ix_doc *doc = &c->ix.docs[d];
  const char *path;
  char buf[PL_PATH_MAX];
  size_t got = 0;
  int fd;
  if ((doc->flags & IX_DOC_EMBEDDED) || c->texts[d].loaded) return corpus_text(L, c, d, len);
  if (c->rbuf_doc == d + 1) { *len = (size_t)doc->size; return c->rbuf; }
  path = doc_path(L, c, doc, buf);
  if (doc->size + 1 > c->rbuf_cap) {
    size_t cap = (size_t)doc->size + 1 > 2 * c->rbuf_cap ? (size_t)doc->size + 1 : 2 * c->rbuf_cap;
    c->rbuf = lua_newuserdatauv(L, cap, 0);
    lua_setiuservalue(L, ci, 2);
    c->rbuf_cap = cap;
  }
  c->rbuf_doc = 0;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) parley_error(L, "%s: cannot read the source: %s", path, strerror(errno));
  while (got <= doc->size) {  /* one byte more than expected: a grown file is noticed */
    ssize_t r = read(fd, c->rbuf + got, (size_t)doc->size + 1 - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got != doc->size)
    parley_error(L, "%s: changed since the index was built; reopen the corpus to rebuild it", path);
  if (ix_hash(c->rbuf, got, 0) != doc->hash) corpus_stale_text(L, c, path, d);
  c->rbuf_doc = d + 1;
  *len = got;
  return c->rbuf;
}

/*
** The text of document d as corpus_text_once reads it, for a thread that
** holds no Lua state: through ix (the corpus' index, or a copy of it with a
** bitmap of its own), into buf[0..cap) unless the index embeds it.  0 and
** *text, *len; or -1 for any failure (damage, an unreadable or changed
** source, a text larger than cap), which the caller leaves to
** corpus_text_once on the Lua thread to raise, with its message.
*/
int corpus_read_text(ix_index *ix, const char *root, uint32_t d, char *buf, size_t cap,
                     const char **text, size_t *len) {
  const ix_doc *doc = &ix->docs[d];
  const char *path;
  char pbuf[PL_PATH_MAX];
  size_t got = 0;
  int fd;
  if (doc->flags & IX_DOC_EMBEDDED) {
    uint32_t ld;
    ix_index *part = ix_part(ix, d, &ld);
    const char *p = part->texts + part->docs[ld].text;
    if (ix_touch(ix, p, (size_t)doc->text_len)) return -1;
    *text = p;
    *len = (size_t)doc->text_len;
    return 0;
  }
  if (doc->size + 1 > cap || (path = corpus_source_path(ix, root, doc, pbuf)) == NULL) return -1;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  while (got <= doc->size) {  /* one byte more than expected: a grown file is noticed */
    ssize_t r = read(fd, buf + got, (size_t)doc->size + 1 - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got != doc->size || ix_hash(buf, got, 0) != doc->hash) return -1;
  *text = buf;
  *len = got;
  return 0;
}

static uint32_t check_doc(lua_State *L, pl_corpus *c, int arg) {
  lua_Integer d = luaL_checkinteger(L, arg);
  luaL_argcheck(L, d >= 1 && d <= (lua_Integer)c->ix.ndocs, arg, "document number out of range");
  return (uint32_t)(d - 1);
}

const char *corpus_string(lua_State *L, pl_corpus *c, ix_str s) {
  const char *p = ix_string(&c->ix, s, NULL);
  if (p == NULL || ix_touch(&c->ix, p, s.len)) corpus_damaged(L, c);
  return p;
}

static void push_blob(lua_State *L, pl_corpus *c, ix_str s) {
  lua_pushlstring(L, corpus_string(L, c, s), s.len);
}

/* doc(i) -> { id=, path=, meta= (JSON), first=, ntokens=, size=, mtime=, mtime_ns=, lines=, embedded= } */
static int corpus_doc(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t d = check_doc(L, c, 2);
  const ix_doc *doc = &c->ix.docs[d];
  lua_createtable(L, 0, 12);
  push_blob(L, c, doc->id);
  lua_setfield(L, -2, "id");
  {
    char buf[PL_PATH_MAX];
    lua_pushstring(L, doc_path(L, c, doc, buf));
    lua_setfield(L, -2, "path");
  }
  push_blob(L, c, doc->meta);
  lua_setfield(L, -2, "meta");
  parley_setint(L, "first", (lua_Integer)doc->first);
  parley_setint(L, "ntokens", (lua_Integer)doc->ntok);
  parley_setint(L, "size", (lua_Integer)doc->size);
  parley_setint(L, "mtime", (lua_Integer)doc->mtime);
  parley_setint(L, "mtime_ns", (lua_Integer)doc->mtime_ns);
  parley_setint(L, "lines", (lua_Integer)doc->nlines);
  lua_pushboolean(L, doc->flags & IX_DOC_EMBEDDED);
  lua_setfield(L, -2, "embedded");
  lua_pushboolean(L, doc->flags & IX_DOC_REPAIRED);
  lua_setfield(L, -2, "repaired");
  parley_setint(L, "source", (lua_Integer)doc->source + 1);
  return 1;
}


/* The folder of the previous path stays open: stat by base name is cheaper than by full path. */
typedef struct dir_cache { int fd; size_t len; char dir[1024]; } dir_cache;

static int stat_in_dir(const char *path, size_t len, dir_cache *dc, struct stat *st, int nofollow) {
  const char *slash = NULL;
  size_t dlen, k;
  for (k = len; k > 0; k--)
    if (path[k - 1] == '/') { slash = path + k - 1; break; }
  dlen = slash ? (size_t)(slash - path) : 0;
  if (slash == NULL || dlen == 0 || dlen >= sizeof dc->dir) return nofollow ? lstat(path, st) : stat(path, st);
  if (dc->fd < 0 || dc->len != dlen || memcmp(dc->dir, path, dlen) != 0) {
    if (dc->fd >= 0) close(dc->fd);
    memcpy(dc->dir, path, dlen);
    dc->dir[dlen] = '\0';
    dc->len = dlen;
    dc->fd = open(dc->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dc->fd < 0) return nofollow ? lstat(path, st) : stat(path, st);
  }
  return fstatat(dc->fd, slash + 1, st, nofollow ? AT_SYMLINK_NOFOLLOW : 0);
}

/* One thread's share of the freshness check: documents [from, to). */
typedef struct stale_job {
  const ix_index *ix;
  const char *root;
  uint32_t from, to;
  uint32_t bad;                /* first document found changed or missing, or UINT32_MAX */
  int missing;
  int nofollow;                /* the fast path: a source must be a regular file, not a link */
} stale_job;

static void *stale_run(void *arg) {
  stale_job *sj = arg;
  dir_cache dc;
  uint32_t i;
  dc.fd = -1;
  dc.len = 0;
  sj->bad = UINT32_MAX;
  for (i = sj->from; i < sj->to; i++) {
    const ix_doc *d = &sj->ix->docs[i];
    char buf[PL_PATH_MAX];
    const char *p;
    struct stat st;
    if (i > 0 && d->source == sj->ix->docs[i - 1].source) continue;  /* one stat per source, at its first */
    /* checked by stale() before the threads start, joined there without a fault */
    p = join_root(sj->root, ix_string(sj->ix, d->path, NULL), d->path.len, buf);
    if (stat_in_dir(p, strlen(p), &dc, &st, sj->nofollow) != 0) { sj->bad = i; sj->missing = 1; break; }
    if ((sj->nofollow && !S_ISREG(st.st_mode)) || (uint64_t)st.st_size != d->size ||
        (int64_t)st.st_mtim.tv_sec != d->mtime || (uint32_t)st.st_mtim.tv_nsec != d->mtime_ns) {
      sj->bad = i;
      break;
    }
  }
  if (dc.fd >= 0) close(dc.fd);
  return NULL;
}

/* Does path[0..len) lie under prefix without a "." or ".." component? */
static int inside(const char *path, size_t len, const char *prefix, size_t plen) {
  size_t i;
  if (len <= plen || memcmp(path, prefix, plen) != 0) return 0;
  for (i = plen; i < len; i++) {
    size_t j = i;
    while (j < len && path[j] != '/') j++;
    if ((j - i == 1 && path[i] == '.') || (j - i == 2 && path[i] == '.' && path[i + 1] == '.') || j == i)
      return 0;
    i = j;
  }
  return 1;
}

/*
** stale([paths, ids [, inside [, nempty]]]) -> nil if every source still has
** the size and modification time it was indexed with (and, given the paths
** and ids of the sources, if the index holds exactly those sources, but for
** nempty of them that gave no documents); otherwise a short reason.  The
** documents of a reader's source share its path; their ids are the reader's.  One
** stat per source, shared between two threads; no tables built.  With
** inside (the fast path, where the manifest is not read), the index is not
** taken at its word: every source it names must lie under that prefix and
** be a regular file there (not a link), or the answer is a reason to look
** closer.
*/
static int corpus_stale(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  int given = !lua_isnoneornil(L, 2), k;
  size_t nsrc = 0;
  size_t prefix_len = 0;
  const char *prefix = luaL_optlstring(L, 4, NULL, &prefix_len);
  uint32_t i, bad = UINT32_MAX;
  stale_job sj[2];
  pthread_t th;
  int threaded = 0;
  if (given) {
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
  }
  for (i = 0; i < c->ix.ndocs; i++) {
    /* the paths the threads read, a source's first document's, are checked
    ** (bounds, NUL) before they do; its other documents' are not read here */
    const ix_doc *d = &c->ix.docs[i];
    const char *ipath, *iid;
    char buf[PL_PATH_MAX];
    size_t pathlen;
    int first = i == 0 || d->source != c->ix.docs[i - 1].source;
    if (i > 0 && d->source < c->ix.docs[i - 1].source) {
      lua_pushliteral(L, "the index is damaged");
      return 1;
    }
    if (!first) continue;
    ipath = corpus_source_path(&c->ix, c->root, d, buf);
    iid = ix_string(&c->ix, d->id, NULL);
    if (!ipath || !iid || ix_touch(&c->ix, iid, d->id.len)) {
      lua_pushliteral(L, "the index is damaged");
      return 1;
    }
    pathlen = strlen(ipath);
    if (prefix && first && !inside(ipath, pathlen, prefix, prefix_len)) {
      lua_pushfstring(L, "%s lies outside %s", ipath, prefix);
      return 1;
    }
    if (given && first) {
      /* the sources, in order: a source's documents are consecutive and share its path */
      size_t plen, ilen;
      const char *path, *id;
      nsrc++;
      lua_rawgeti(L, 2, (lua_Integer)d->source + 1);
      lua_rawgeti(L, 3, (lua_Integer)d->source + 1);
      path = lua_tolstring(L, -2, &plen);
      id = lua_tolstring(L, -1, &ilen);
      if (!path || !id || plen != pathlen || memcmp(path, ipath, plen) != 0 ||
          (!(d->flags & IX_DOC_READ) && (ilen != d->id.len || memcmp(id, iid, ilen) != 0))) {
        lua_pushliteral(L, "the document list changed");
        return 1;
      }
      lua_pop(L, 2);
    }
  }
  if (given && nsrc + (size_t)luaL_optinteger(L, 5, 0) != lua_rawlen(L, 2)) {
    lua_pushliteral(L, "documents were added or removed");
    return 1;
  }
  for (k = 0; k < 2; k++) {
    sj[k].ix = &c->ix;
    sj[k].root = c->root;
    sj[k].from = k == 0 ? 0 : c->ix.ndocs / 2;
    sj[k].to = k == 0 ? c->ix.ndocs / 2 : c->ix.ndocs;
    sj[k].missing = 0;
    sj[k].nofollow = prefix != NULL;
  }
  if (c->ix.ndocs >= 64) {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);  /* Ctrl-C stays with the Lua thread */
    threaded = pthread_create(&th, NULL, stale_run, &sj[1]) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
  }
  stale_run(&sj[0]);
  if (threaded) pthread_join(th, NULL);
  else stale_run(&sj[1]);
  bad = sj[0].bad != UINT32_MAX ? sj[0].bad : sj[1].bad;
  if (bad != UINT32_MAX) {
    char buf[PL_PATH_MAX];
    const char *p = join_root(c->root, ix_string(&c->ix, c->ix.docs[bad].path, NULL), c->ix.docs[bad].path.len, buf);
    lua_pushfstring(L, "%s %s", p, (sj[0].bad != UINT32_MAX ? sj[0].missing : sj[1].missing)
                                     ? "is missing" : "changed");
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

/* text(i) -> the normalised text of document i */
static int corpus_doc_text(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t len;
  const char *s = corpus_text(L, c, check_doc(L, c, 2), &len);
  lua_pushlstring(L, s, len);
  return 1;
}

/* line_starts(i) -> list of 1-based byte offsets where the lines of document i start */
static int corpus_line_starts(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t d = check_doc(L, c, 2), k;
  uint32_t ld;
  ix_index *part = ix_part(&c->ix, d, &ld);
  const ix_doc *doc = &part->docs[ld];
  const uint32_t *ls = part->lines + doc->lines;
  if (ix_touch(&c->ix, ls, doc->nlines * sizeof *ls)) corpus_damaged(L, c);
  lua_createtable(L, (int)doc->nlines, 0);
  for (k = 0; k < doc->nlines; k++) {
    lua_pushinteger(L, (lua_Integer)ls[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/*
** tokens(first, last) -> list of { pos=, doc=, start=, stop=, text=, kind= }
** for positions first..last (0-based, inclusive); byte spans 1-based
** inclusive; kind the tokeniser's name for the token's class ("word" …).
*/
static int corpus_tokens(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer first = luaL_checkinteger(L, 2), last = luaL_checkinteger(L, 3), n = 0;
  ix_cursor cur;
  luaL_argcheck(L, first >= 0 && (uint64_t)first <= c->ix.ntokens, 2, "position out of range");
  luaL_argcheck(L, last < (lua_Integer)c->ix.ntokens, 3, "position out of range");
  lua_createtable(L, last >= first ? (int)(last - first + 1) : 0, 0);
  if (last < first) return 1;
  if (ix_seek(&c->ix, (uint64_t)first, &cur)) corpus_damaged(L, c);
  for (;;) {
    const ix_exact *e = &c->ix.exact[cur.id];
    const char *s;
    if (ix_touch(&c->ix, e, sizeof *e)) corpus_damaged(L, c);
    s = ix_blob(c->ix.lexstr, c->ix.lexstr_size, e->str);
    if (s == NULL || ix_touch(&c->ix, s, e->str.len)) corpus_damaged(L, c);
    lua_createtable(L, 0, 6);
    parley_setint(L, "pos", (lua_Integer)cur.pos);
    parley_setint(L, "doc", (lua_Integer)cur.doc + 1);
    parley_setint(L, "start", (lua_Integer)cur.start + 1);
    parley_setint(L, "stop", (lua_Integer)cur.start + cur.len);
    lua_pushlstring(L, s, e->str.len);
    lua_setfield(L, -2, "text");
    lua_pushstring(L, pl_token_kind_name((int)e->kind));
    lua_setfield(L, -2, "kind");
    lua_rawseti(L, -2, ++n);
    if ((lua_Integer)cur.pos >= last) break;
    if (ix_next(&c->ix, &cur)) corpus_damaged(L, c);
  }
  return 1;
}

/* ---------------------------------------------------------------- lexicon */

/* The string of folded type f / exact type e (bounds- and checksum-checked). */
static const char *corpus_fold_str(lua_State *L, pl_corpus *c, uint32_t f, uint32_t *len) {
  const ix_fold *r = &c->ix.fold[f];
  const char *s;
  if (ix_touch(&c->ix, r, sizeof *r)) corpus_damaged(L, c);
  s = ix_blob(c->ix.lexstr, c->ix.lexstr_size, r->str);
  if (s == NULL || ix_touch(&c->ix, s, r->str.len)) corpus_damaged(L, c);
  *len = r->str.len;
  return s;
}

static const char *corpus_exact_str(lua_State *L, pl_corpus *c, uint32_t e, uint32_t *len) {
  const ix_exact *r = &c->ix.exact[e];
  const char *s;
  if (ix_touch(&c->ix, r, sizeof *r)) corpus_damaged(L, c);
  s = ix_blob(c->ix.lexstr, c->ix.lexstr_size, r->str);
  if (s == NULL || ix_touch(&c->ix, s, r->str.len)) corpus_damaged(L, c);
  *len = r->str.len;
  return s;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
  int r = memcmp(a, b, an < bn ? an : bn);
  return r ? r : (an < bn ? -1 : an > bn);
}

/* First folded id whose string is >= (or, with prefix, starts at or after) key. */
static uint32_t lower_bound(lua_State *L, pl_corpus *c, const char *key, size_t klen) {
  uint32_t lo = 0, hi = (uint32_t)c->ix.nfold;
  while (lo < hi) {
    uint32_t m = lo + (hi - lo) / 2, len;
    const char *s = corpus_fold_str(L, c, m, &len);
    if (cmp_bytes(s, len, key, klen) < 0) lo = m + 1; else hi = m;
  }
  return lo;
}

/* lookup(folded) -> folded type id (0-based) | nil */
static int corpus_lookup(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t klen;
  const char *key = luaL_checklstring(L, 2, &klen);
  uint32_t f = lower_bound(L, c, key, klen), len;
  if (f < c->ix.nfold) {
    const char *s = corpus_fold_str(L, c, f, &len);
    if (cmp_bytes(s, len, key, klen) == 0) { lua_pushinteger(L, f); return 1; }
  }
  luaL_pushfail(L);
  return 1;
}

/* prefix(folded) -> first, last folded ids (0-based, inclusive) starting with it; last < first if none */
static int corpus_prefix(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t klen;
  const char *key = luaL_checklstring(L, 2, &klen);
  uint32_t first = lower_bound(L, c, key, klen), last = first, len;
  uint32_t lo = first, hi = (uint32_t)c->ix.nfold;
  while (lo < hi) {  /* first id past the prefix */
    uint32_t m = lo + (hi - lo) / 2;
    const char *s = corpus_fold_str(L, c, m, &len);
    if (len >= klen && memcmp(s, key, klen) == 0) lo = m + 1; else hi = m;
  }
  last = lo;
  lua_pushinteger(L, first);
  lua_pushinteger(L, (lua_Integer)last - 1);
  return 2;
}

static uint32_t check_fold(lua_State *L, pl_corpus *c, int arg) {
  lua_Integer f = luaL_checkinteger(L, arg);
  luaL_argcheck(L, f >= 0 && (uint64_t)f < c->ix.nfold, arg, "type id out of range");
  return (uint32_t)f;
}

/* fold_type(id) -> string, frequency, number of exact variants, kind */
static int corpus_fold_type(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t f = check_fold(L, c, 2), len;
  const char *s = corpus_fold_str(L, c, f, &len);
  lua_pushlstring(L, s, len);
  lua_pushinteger(L, (lua_Integer)c->ix.fold[f].freq);
  lua_pushinteger(L, (lua_Integer)c->ix.fold[f].nmap);
  lua_pushinteger(L, (lua_Integer)c->ix.fold[f].kind);
  return 4;
}

/* variants(id) -> list of { exact string, frequency } of folded type id, commonest first */
static int corpus_variants(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t f = check_fold(L, c, 2), k, len;
  const ix_fold *r = &c->ix.fold[f];
  const uint32_t *map = c->ix.foldmap + r->map;
  if ((uint64_t)r->map + r->nmap > c->ix.nexact || ix_touch(&c->ix, map, r->nmap * sizeof *map))
    corpus_damaged(L, c);
  lua_createtable(L, (int)r->nmap, 0);
  for (k = 0; k < r->nmap; k++) {
    const char *s;
    if (map[k] >= c->ix.nexact) corpus_damaged(L, c);
    s = corpus_exact_str(L, c, map[k], &len);
    lua_createtable(L, 2, 0);
    lua_pushlstring(L, s, len);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)c->ix.exact[map[k]].freq);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* exact_id(string) -> exact type id | nil (the exact form, case and accents kept) */
static int corpus_exact_id(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t klen;
  const char *key = luaL_checklstring(L, 2, &klen);
  luaL_Buffer b;
  size_t flen;
  const char *folded;
  uint32_t f, k, len;
  luaL_buffinit(L, &b);
  if (parley_fold(&b, key, klen) != 0) { luaL_pushresult(&b); luaL_pushfail(L); return 1; }
  luaL_pushresult(&b);
  folded = lua_tolstring(L, -1, &flen);
  f = lower_bound(L, c, folded, flen);
  if (f < c->ix.nfold) {
    const char *s = corpus_fold_str(L, c, f, &len);
    if (cmp_bytes(s, len, folded, flen) == 0) {
      const ix_fold *r = &c->ix.fold[f];
      const uint32_t *map = c->ix.foldmap + r->map;
      if ((uint64_t)r->map + r->nmap > c->ix.nexact || ix_touch(&c->ix, map, r->nmap * sizeof *map))
        corpus_damaged(L, c);
      for (k = 0; k < r->nmap; k++) {
        if (map[k] >= c->ix.nexact) corpus_damaged(L, c);
        s = corpus_exact_str(L, c, map[k], &len);
        if (cmp_bytes(s, len, key, klen) == 0) { lua_pushinteger(L, map[k]); return 1; }
      }
    }
  }
  luaL_pushfail(L);
  return 1;
}

/* fold_freq(ids) -> total frequency of a list of folded type ids (no postings read) */
static int corpus_fold_freq(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_Integer i, n;
  uint64_t sum = 0;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, 2);
  for (i = 1; i <= n; i++) {
    uint32_t f;
    lua_rawgeti(L, 2, i);
    f = check_fold(L, c, -1);
    lua_pop(L, 1);
    if (ix_touch(&c->ix, &c->ix.fold[f], sizeof(ix_fold))) corpus_damaged(L, c);
    sum += c->ix.fold[f].freq;
  }
  lua_pushinteger(L, (lua_Integer)sum);
  return 1;
}

/* ---------------------------------------------------------------- the lexicon as one string */

/*
** The folded lexicon as one string: every folded type in id order, each
** followed by "\n", for a pattern query to match in one pass (one LPeg
** match over the string, lua/parley/query/lexicon.lua); and offs[f], the
** byte offset where type f starts (offs[nfold] is the length).  Built on
** first use and kept in the Index's user values 3 (the string) and 4 (the
** offsets), which anchor them: the pointers stay valid while the Index
** lives.  ci is the Index's stack index; the stack is left as it was.  The
** tokeniser never keeps white space in a token, so a type holding a line
** break is damage.
*/
static const char *lexicon_string(lua_State *L, pl_corpus *c, int ci, size_t *len, const size_t **offs) {
  uint64_t f, n = c->ix.nfold;
  size_t total = 0, at = 0, *off;
  const char *s;
  char *out;
  luaL_Buffer b;
  int t3, t4;
  ci = lua_absindex(L, ci);
  t3 = lua_getiuservalue(L, ci, 3);
  t4 = lua_getiuservalue(L, ci, 4);
  if (t3 == LUA_TSTRING && t4 == LUA_TUSERDATA) {
    *offs = lua_touserdata(L, -1);
    s = lua_tolstring(L, -2, len);
    lua_pop(L, 2);
    return s;
  }
  lua_pop(L, 2);
  for (f = 0; f < n; f++) {
    uint32_t l;
    s = corpus_fold_str(L, c, (uint32_t)f, &l);
    if (memchr(s, '\n', l) != NULL) {
      move_aside(c, "damaged");
      parley_error_damaged(L, c->path, "%s: index is damaged (folded type %d holds a line break); it was "
                           "moved aside and will be rebuilt when the corpus is opened again", c->path, (int)f);
      return NULL;
    }
    total += (size_t)l + 1;
  }
  off = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *off, 0);
  luaL_buffinit(L, &b);
  out = luaL_prepbuffsize(&b, total);
  for (f = 0; f < n; f++) {
    uint32_t l;
    s = corpus_fold_str(L, c, (uint32_t)f, &l);
    off[f] = at;
    memcpy(out + at, s, l);
    out[at + l] = '\n';
    at += (size_t)l + 1;
  }
  off[n] = at;
  luaL_pushresultsize(&b, total);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, ci, 3);           /* the string */
  s = lua_tolstring(L, -1, len);
  lua_pop(L, 1);
  lua_setiuservalue(L, ci, 4);           /* the offsets */
  *offs = off;
  return s;
}

/* lexicon() -> the folded types in id order, each followed by "\n" (built once per opened index) */
static int corpus_lexicon(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t len;
  const size_t *offs;
  lexicon_string(L, c, 1, &len, &offs);
  lua_getiuservalue(L, 1, 3);
  return 1;
}

/*
** lexicon_ids(positions) -> list of the folded ids of the types starting at
** the given 1-based byte positions of lexicon() (what an LPeg scanner's
** position captures give); a position where no type starts is an error.
** Ascending positions (a scan's order) are found without searching afresh.
*/
static int corpus_lexicon_ids(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  size_t len, lo = 0, n = (size_t)c->ix.nfold;
  const size_t *offs;
  lua_Integer i, np;
  luaL_checktype(L, 2, LUA_TTABLE);
  lexicon_string(L, c, 1, &len, &offs);
  np = (lua_Integer)lua_rawlen(L, 2);
  lua_createtable(L, np > INT32_MAX ? INT32_MAX : (int)np, 0);
  for (i = 1; i <= np; i++) {
    lua_Integer p;
    size_t at, hi = n;
    lua_rawgeti(L, 2, i);
    p = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    if (p < 1 || (uint64_t)p > len) luaL_argerror(L, 2, "position out of range");
    at = (size_t)p - 1;
    if (lo >= n || offs[lo] > at) lo = 0;
    while (lo < hi) {  /* the last type starting at or before at */
      size_t m = lo + (hi - lo) / 2;
      if (offs[m] <= at) lo = m + 1; else hi = m;
    }
    lo--;  /* offs[0] = 0 <= at, so lo >= 1 here */
    if (offs[lo] != at) luaL_argerror(L, 2, lua_pushfstring(L, "no type starts at position %d", (int)p));
    lua_pushinteger(L, (lua_Integer)lo);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

/*
** fold_filter(f, x) -> list of the folded ids of the types s for which
** f(x, s) is not nil (f = lpeg.match and x a pattern: the types x matches),
** in id order.  The loop over the lexicon runs here, one call of f per type.
*/
static int corpus_fold_filter(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint64_t f;
  lua_Integer k = 0;
  const parley_flag *stop = parley_interrupt_flag(L);
  luaL_checkany(L, 2);
  lua_settop(L, 3);
  lua_newtable(L);  /* 4 */
  for (f = 0; f < c->ix.nfold; f++) {
    uint32_t l;
    const char *s;
    parley_check_interrupt(L, stop, (size_t)f);
    s = corpus_fold_str(L, c, (uint32_t)f, &l);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushlstring(L, s, l);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1)) {
      lua_pushinteger(L, (lua_Integer)f);
      lua_rawseti(L, 4, ++k);
    }
    lua_pop(L, 1);
  }
  return 1;
}

/* stats() -> { tokens=, documents=, types=, folded_types=, bytes=, meta= (JSON), path=, checksum= } */
static int corpus_stats(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  lua_createtable(L, 0, 6);
  parley_setint(L, "tokens", (lua_Integer)c->ix.ntokens);
  parley_setint(L, "documents", (lua_Integer)c->ix.ndocs);
  parley_setint(L, "types", (lua_Integer)c->ix.nexact);
  parley_setint(L, "folded_types", (lua_Integer)c->ix.nfold);
  {
    uint64_t bytes = c->ix.size;
    uint32_t k;
    for (k = 0; k < c->nmapped; k++) bytes += c->segs[k].ix.size;
    parley_setint(L, "bytes", (lua_Integer)bytes);
    parley_setint(L, "segments", c->nmapped ? (lua_Integer)c->nmapped : 1);
  }
  lua_pushlstring(L, c->ix.meta, (size_t)c->ix.meta_size);
  lua_setfield(L, -2, "meta");
  lua_pushstring(L, c->path);
  lua_setfield(L, -2, "path");
  {  /* the header's checksum covers every block's: it names the content */
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)c->ix.h->checksum);
    lua_pushlstring(L, hex, 16);
    lua_setfield(L, -2, "checksum");
  }
  return 1;
}

/* verify() -> true | nil, message: check every block's checksum now (a damaged file is moved aside) */
static int corpus_verify(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k;
  int bad = 0;
  memset(c->ix.verified, 0, ix_bitmap_size(c->ix.size));  /* check every block again */
  c->ix.lens_checked = 0;
  bad = ix_touch(&c->ix, c->ix.base + IX_HEADER_SIZE, (size_t)(c->ix.body_end - IX_HEADER_SIZE)) != 0;
  for (k = 0; k < c->nmapped && !bad; k++) {
    ix_index *s = &c->segs[k].ix;
    memset(s->verified, 0, ix_bitmap_size(s->size));
    s->lens_checked = 0;
    bad = ix_touch(s, s->base + IX_HEADER_SIZE, (size_t)(s->body_end - IX_HEADER_SIZE)) != 0;
  }
  if (bad) {
    move_aside(c, "damaged");
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: index is damaged (checksum mismatch)", c->path);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* kinds() -> list of { name=, attrs={...}, count= } region kinds */
static int corpus_kinds(lua_State *L) {
  pl_corpus *c = to_corpus(L, 1);
  uint32_t k, a;
  lua_createtable(L, (int)c->ix.nkinds, 0);
  for (k = 0; k < c->ix.nkinds; k++) {
    const ix_rkind *rk = &c->ix.kinds[k];
    lua_createtable(L, 0, 3);
    push_blob(L, c, rk->name);
    lua_setfield(L, -2, "name");
    lua_createtable(L, (int)rk->nattrs, 0);
    for (a = 0; a < rk->nattrs; a++) {
      push_blob(L, c, rk->attrs[a]);
      lua_rawseti(L, -2, (lua_Integer)a + 1);
    }
    lua_setfield(L, -2, "attrs");
    parley_setint(L, "count", (lua_Integer)rk->count);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static const luaL_Reg corpus_meta[] = {
  {"__gc",       corpus_close},
  {"__close",    corpus_close},
  {"__tostring", corpus_tostring},
  {"__index",    NULL},
  {NULL, NULL}
};

static const luaL_Reg corpus_methods[] = {
  {"close",        corpus_close},
  {"stats",        corpus_stats},
  {"verify",       corpus_verify},
  {"doc",          corpus_doc},
  {"text",         corpus_doc_text},
  {"line_starts",  corpus_line_starts},
  {"stale",        corpus_stale},
  {"tokens",       corpus_tokens},
  {"lookup",       corpus_lookup},
  {"prefix",       corpus_prefix},
  {"fold_type",    corpus_fold_type},
  {"fold_freq",    corpus_fold_freq},
  {"variants",     corpus_variants},
  {"exact_id",     corpus_exact_id},
  {"lexicon",      corpus_lexicon},
  {"lexicon_ids",  corpus_lexicon_ids},
  {"fold_filter",  corpus_fold_filter},
  {"kinds",        corpus_kinds},
  {NULL, NULL}
};

/* hash(s) -> the index's 64-bit checksum of s, as 16 hex digits (for fingerprints) */
static int corpus_hash(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)ix_hash(s, len, 0));
  lua_pushlstring(L, hex, 16);
  return 1;
}

static const luaL_Reg corpus_funcs[] = {
  {"open", corpus_open},
  {"hash", corpus_hash},
  {NULL, NULL}
};

int luaopen_parley_index(lua_State *L) {
  luaL_newmetatable(L, PARLEY_INDEX);
  luaL_setfuncs(L, corpus_meta, 0);
  luaL_newlib(L, corpus_methods);
  corpus_open_queries(L);  /* postings, phrases, regions: query.c */
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, corpus_funcs);
  return 1;
}
