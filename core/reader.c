/*
** reader.c — the readers of the build's reader stage (reader.h): the
** helpers that build their documents, the table of readers by name, and
** `parley.reader`, the Lua view of a reader for specs and the REPL:
**
**   parley.reader.info(name)        -> { name, doc_attrs, kinds = { {name, attrs} } } or nil
**   parley.reader.read(path, name)  -> documents, register   or nil, message
**
** read() reads the file itself into memory Lua owns, runs the C reader on
** it and turns its documents into tables (regions with 1-based inclusive
** spans, as string.sub takes them; anchors with 1-based text offsets).  The
** reader's malloc'ed output lives in a userdata whose __gc frees it, so an
** error while the tables are made leaks nothing.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parley.h"
#include "reader.h"

#define PARLEY_RDOCS "parley.ReaderDocs"

/* Sources are addressed with 32-bit offsets. */
#define MAX_SOURCE ((size_t)UINT32_MAX - 1)

/* Grow *v (of *cap elements of size sz) to hold need elements. */
static int grow(void **v, size_t *cap, size_t need, size_t sz) {
  size_t ncap;
  void *nv;
  if (need <= *cap) return 0;
  ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / sz) return -1;
    ncap *= 2;
  }
  nv = realloc(*v, ncap * sz);
  if (nv == NULL) return -1;
  *v = nv;
  *cap = ncap;
  return 0;
}

pl_rdoc *pl_rdocs_add(pl_rdocs *ds) {
  if (grow((void **)&ds->v, &ds->cap, ds->n + 1, sizeof *ds->v)) return NULL;
  memset(&ds->v[ds->n], 0, sizeof ds->v[ds->n]);
  return &ds->v[ds->n++];
}

int pl_rdoc_text(pl_rdoc *d, const char *s, size_t n) {
  if (n > MAX_SOURCE - d->len) return -1;
  if (grow((void **)&d->text, &d->cap, d->len + n + 1, 1)) return -1;
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = '\0';
  return 0;
}

/* An anchor at the text's end; one at the same text offset as the last replaces it. */
int pl_rdoc_anchor(pl_rdoc *d, uint32_t src, uint32_t line, uint32_t col) {
  pl_anchor *a;
  if (d->nanchors > 0 && d->anchors[d->nanchors - 1].text == d->len) {
    a = &d->anchors[d->nanchors - 1];
  } else {
    if (grow((void **)&d->anchors, &d->acap, d->nanchors + 1, sizeof *d->anchors)) return -1;
    a = &d->anchors[d->nanchors++];
  }
  a->text = (uint32_t)d->len;
  a->src = src;
  a->line = line;
  a->col = col;
  return 0;
}

/* Append s[0..n) and a NUL to a blob of strings (*strs, *len bytes of *cap) as *out. */
static int blob_add(char **strs, size_t *len, size_t *cap, const char *s, size_t n, pl_rstr *out) {
  if (n > MAX_SOURCE - *len) return -1;
  if (grow((void **)strs, cap, *len + n + 1, 1)) return -1;
  if (n) memcpy(*strs + *len, s, n);
  (*strs)[*len + n] = '\0';
  out->off = (uint32_t)*len;
  out->len = (uint32_t)n;
  *len += n + 1;
  return 0;
}

int pl_rdoc_str(pl_rdoc *d, const char *s, size_t n, pl_rstr *out) {
  return blob_add(&d->strs, &d->nstrs, &d->scap, s, n, out);
}

int pl_rdoc_meta(pl_rdoc *d, const char *key, const char *v, size_t n) {
  pl_rmeta m;
  if (pl_rdoc_str(d, key, strlen(key), &m.key) || pl_rdoc_str(d, v, n, &m.value)) return -1;
  if (grow((void **)&d->meta, &d->mcap, d->nmeta + 1, sizeof *d->meta)) return -1;
  d->meta[d->nmeta++] = m;
  return 0;
}

pl_rregion *pl_rdoc_region(pl_rdoc *d, uint32_t kind, uint32_t start, uint32_t end) {
  pl_rregion *r;
  if (grow((void **)&d->regions, &d->rcap, d->nregions + 1, sizeof *d->regions)) return NULL;
  r = &d->regions[d->nregions++];
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->start = start;
  r->end = end;
  return r;
}

static int people_str(pl_rpeople *p, const char *s, size_t n, pl_rstr *out) {
  return blob_add(&p->strs, &p->nstrs, &p->scap, s, n, out);
}

int pl_rpeople_add(pl_rpeople *p, const char *id, size_t idn, const char *name, size_t namen,
                   const char *role, size_t rolen) {
  pl_rperson e;
  if (people_str(p, id, idn, &e.id) || people_str(p, name, namen, &e.name) ||
      people_str(p, role, rolen, &e.role)) return -1;
  if (grow((void **)&p->v, &p->cap, p->n + 1, sizeof *p->v)) return -1;
  p->v[p->n++] = e;
  return 0;
}

void pl_rdocs_free(pl_rdocs *ds) {
  size_t i;
  for (i = 0; i < ds->n; i++) {
    pl_rdoc *d = &ds->v[i];
    free(d->text);
    free(d->anchors);
    free(d->strs);
    free(d->meta);
    free(d->regions);
  }
  free(ds->v);
  free(ds->people.v);
  free(ds->people.strs);
  ds->v = NULL;
  ds->n = ds->cap = 0;
  memset(&ds->people, 0, sizeof ds->people);
}

static const pl_reader *const readers[] = { &pl_reader_tei };

const pl_reader *pl_reader_find(const char *name) {
  size_t i;
  for (i = 0; i < sizeof readers / sizeof readers[0]; i++)
    if (strcmp(readers[i]->name, name) == 0) return readers[i];
  return NULL;
}

/* ---- Lua ---- */

static void push_rstr(lua_State *L, const pl_rdoc *d, pl_rstr s) {
  lua_pushlstring(L, pl_rstr_ptr(d, s), s.len);
}

static void push_names(lua_State *L, const char *const *names) {
  int i;
  lua_newtable(L);
  for (i = 0; names[i]; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

static int reader_info(lua_State *L) {
  const pl_reader *r = pl_reader_find(luaL_checkstring(L, 1));
  size_t k;
  if (r == NULL) { lua_pushnil(L); return 1; }
  lua_newtable(L);
  lua_pushstring(L, r->name);
  lua_setfield(L, -2, "name");
  push_names(L, r->doc_attrs);
  lua_setfield(L, -2, "doc_attrs");
  lua_createtable(L, (int)r->nkinds, 0);
  for (k = 0; k < r->nkinds; k++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, r->kinds[k].name);
    lua_setfield(L, -2, "name");
    push_names(L, r->kinds[k].attrs);
    lua_setfield(L, -2, "attrs");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "kinds");
  return 1;
}

static int rdocs_gc(lua_State *L) {
  pl_rdocs *ds = (pl_rdocs *)luaL_checkudata(L, 1, PARLEY_RDOCS);
  pl_rdocs_free(ds);
  return 0;
}

static void push_doc(lua_State *L, const pl_reader *r, const pl_rdoc *d) {
  size_t i;
  int k;
  lua_createtable(L, 0, 6);
  push_rstr(L, d, d->id);
  lua_setfield(L, -2, "id");
  lua_pushlstring(L, d->text ? d->text : "", d->len);
  lua_setfield(L, -2, "text");
  lua_newtable(L);
  for (k = 0; r->doc_attrs[k] && k < PL_READER_MAX_DOC_ATTRS; k++) {
    push_rstr(L, d, d->attrs[k]);
    lua_setfield(L, -2, r->doc_attrs[k]);
  }
  lua_setfield(L, -2, "attrs");
  lua_createtable(L, (int)d->nmeta, 0);
  for (i = 0; i < d->nmeta; i++) {
    lua_createtable(L, 2, 0);
    push_rstr(L, d, d->meta[i].key);
    lua_rawseti(L, -2, 1);
    push_rstr(L, d, d->meta[i].value);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "meta");
  lua_createtable(L, (int)d->nregions, 0);
  for (i = 0; i < d->nregions; i++) {
    const pl_rregion *g = &d->regions[i];
    const pl_reader_kind *kind = &r->kinds[g->kind];
    lua_createtable(L, 0, 4);
    lua_pushstring(L, kind->name);
    lua_setfield(L, -2, "kind");
    parley_setint(L, "start", (lua_Integer)g->start + 1);
    parley_setint(L, "stop", (lua_Integer)g->end);
    lua_newtable(L);
    for (k = 0; kind->attrs[k] && k < PL_READER_MAX_ATTRS; k++) {
      push_rstr(L, d, g->attrs[k]);
      lua_setfield(L, -2, kind->attrs[k]);
    }
    lua_setfield(L, -2, "attrs");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "regions");
  pl_push_anchors(L, d->anchors, d->nanchors);
  lua_setfield(L, -2, "anchors");
}

/* Read path into a userdata buffer (pushed); NULL with a message pushed instead. */
static const char *read_source(lua_State *L, const char *path, size_t *len) {
  struct stat st;
  FILE *f = fopen(path, "rb");
  char *buf;
  size_t n;
  if (f == NULL) {
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return NULL;
  }
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    int dir = S_ISDIR(st.st_mode);
    fclose(f);
    lua_pushfstring(L, "%s: %s", path, dir ? "is a folder, not a file" : "not a regular file");
    return NULL;
  }
  if ((uint64_t)st.st_size > MAX_SOURCE) {
    fclose(f);
    lua_pushfstring(L, "%s: too large (a source may hold at most 4 GiB)", path);
    return NULL;
  }
  buf = (char *)lua_newuserdatauv(L, (size_t)st.st_size + 1, 0);
  n = fread(buf, 1, (size_t)st.st_size, f);
  if (ferror(f) || n != (size_t)st.st_size) {
    fclose(f);
    lua_pop(L, 1);
    lua_pushfstring(L, "%s: cannot read the file", path);
    return NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int reader_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *name = luaL_optstring(L, 2, "tei");
  const pl_reader *r = pl_reader_find(name);
  const char *data;
  size_t len = 0, i;
  pl_rdocs *ds;
  char err[512];
  if (r == NULL) return luaL_argerror(L, 2, lua_pushfstring(L, "no reader '%s'", name));
  data = read_source(L, path, &len);
  if (data == NULL) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  ds = (pl_rdocs *)lua_newuserdatauv(L, sizeof *ds, 0);
  memset(ds, 0, sizeof *ds);
  luaL_setmetatable(L, PARLEY_RDOCS);
  ds->stop = parley_interrupt_flag(L);
  if (r->read(path, data, len, ds, err, sizeof err) != 0) {
    pl_rdocs_free(ds);
    if (parley_interrupted(ds->stop)) return parley_interrupt_raise(L);
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_createtable(L, (int)ds->n, 0);
  for (i = 0; i < ds->n; i++) {
    push_doc(L, r, &ds->v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, (int)ds->people.n, 0);
  for (i = 0; i < ds->people.n; i++) {
    const pl_rpeople *p = &ds->people;
    lua_createtable(L, 0, 3);
    lua_pushlstring(L, pl_rperson_ptr(p, p->v[i].id), p->v[i].id.len);
    lua_setfield(L, -2, "id");
    lua_pushlstring(L, pl_rperson_ptr(p, p->v[i].name), p->v[i].name.len);
    lua_setfield(L, -2, "name");
    lua_pushlstring(L, pl_rperson_ptr(p, p->v[i].role), p->v[i].role.len);
    lua_setfield(L, -2, "role");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  if (ds->warning[0]) lua_pushstring(L, ds->warning); else lua_pushnil(L);
  pl_rdocs_free(ds);
  return 3;
}

static const luaL_Reg rdocs_meta[] = {
  {"__gc",    rdocs_gc},
  {NULL, NULL}
};

static const luaL_Reg reader_funcs[] = {
  {"info",    reader_info},
  {"read",    reader_read},
  {NULL, NULL}
};

int luaopen_parley_reader(lua_State *L) {
  if (luaL_newmetatable(L, PARLEY_RDOCS)) luaL_setfuncs(L, rdocs_meta, 0);
  lua_pop(L, 1);
  luaL_newlib(L, reader_funcs);
  return 1;
}
