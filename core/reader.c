/* reader.c — interim: the pl_rdoc helpers of reader.h (the TEI reader lands separately). */
#include <stdlib.h>
#include <string.h>

#include "reader.h"

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  size_t c = *cap ? *cap : 16;
  void *np;
  if (need <= *cap) return 0;
  while (c < need) { if (c > SIZE_MAX / 2 / elem) return -1; c *= 2; }
  if ((np = realloc(*p, c * elem)) == NULL) return -1;
  *p = np;
  *cap = c;
  return 0;
}

pl_rdoc *pl_rdocs_add(pl_rdocs *ds) {
  if (grow((void **)&ds->v, &ds->cap, ds->n + 1, sizeof *ds->v)) return NULL;
  memset(&ds->v[ds->n], 0, sizeof ds->v[ds->n]);
  return &ds->v[ds->n++];
}

int pl_rdoc_text(pl_rdoc *d, const char *s, size_t n) {
  if (n > UINT32_MAX - d->len) return -1;
  if (grow((void **)&d->text, &d->cap, d->len + n + 1, 1)) return -1;
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = '\0';
  return 0;
}

int pl_rdoc_anchor(pl_rdoc *d, uint32_t src, uint32_t line, uint32_t col) {
  pl_anchor *a;
  if (grow((void **)&d->anchors, &d->acap, d->nanchors + 1, sizeof *d->anchors)) return -1;
  a = &d->anchors[d->nanchors++];
  a->text = (uint32_t)d->len; a->src = src; a->line = line; a->col = col;
  return 0;
}

int pl_rdoc_str(pl_rdoc *d, const char *s, size_t n, pl_rstr *out) {
  if (n > UINT32_MAX - d->nstrs - 1) return -1;
  if (grow((void **)&d->strs, &d->scap, d->nstrs + n + 1, 1)) return -1;
  memcpy(d->strs + d->nstrs, s, n);
  d->strs[d->nstrs + n] = '\0';
  out->off = (uint32_t)d->nstrs;
  out->len = (uint32_t)n;
  d->nstrs += n + 1;
  return 0;
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
  r->kind = kind; r->start = start; r->end = end;
  return r;
}

void pl_rdocs_free(pl_rdocs *ds) {
  size_t i;
  for (i = 0; i < ds->n; i++) {
    pl_rdoc *d = &ds->v[i];
    free(d->text); free(d->anchors); free(d->strs); free(d->meta); free(d->regions);
  }
  free(ds->v);
  ds->v = NULL;
  ds->n = ds->cap = 0;
}

const pl_reader *pl_reader_find(const char *name) { (void)name; return NULL; }
