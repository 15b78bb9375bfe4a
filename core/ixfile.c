/*
** ixfile.c — reading the index file: map it, check the header and the
** section table, and verify 4 KiB blocks against their checksums the first
** time they are read.  An index file is untrusted input: every section is
** bounds-checked here, every record's offsets where they are used.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ixfile.h"

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t fmix(uint64_t h) {
  h ^= h >> 33; h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

uint64_t ix_hash(const void *data, size_t len, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t a = seed ^ 0x9e3779b97f4a7c15ull, b = seed + (uint64_t)len * 0x87c37b91114253d5ull;
  while (len >= 16) {
    uint64_t w1, w2;
    memcpy(&w1, p, 8);
    memcpy(&w2, p + 8, 8);
    a = rotl(a ^ (w1 * 0x87c37b91114253d5ull), 31) * 0x4cf5ad432745937full;
    b = rotl(b ^ (w2 * 0x4cf5ad432745937full), 33) * 0x87c37b91114253d5ull;
    p += 16;
    len -= 16;
  }
  if (len) {
    unsigned char tail[16] = {0};
    uint64_t w1, w2;
    memcpy(tail, p, len);
    memcpy(&w1, tail, 8);
    memcpy(&w2, tail + 8, 8);
    a = rotl(a ^ (w1 * 0x87c37b91114253d5ull), 31) * 0x4cf5ad432745937full;
    b = rotl(b ^ (w2 * 0x4cf5ad432745937full), 33) * 0x87c37b91114253d5ull;
  }
  return fmix(a ^ rotl(b, 17)) ^ fmix(b + a);
}

/*
** Map the index file at path.  It is opened without following a symbolic
** link (a link in its place is never read; a rebuild's rename replaces the
** link itself) and without blocking (a FIFO in its place is refused, not
** waited on); it must be a regular file at least a header long.  On failure
** errno tells why (ENOENT: there is none).
*/
int ix_map(const char *path, const unsigned char **base, size_t *size, char *err, size_t errlen) {
  struct stat st;
  void *m;
  int e, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    e = errno;
    if (e == ELOOP) snprintf(err, errlen, "%s: a symbolic link, not an index", path);
    else snprintf(err, errlen, "%s: %s", path, strerror(e));
    errno = e;
    return -1;
  }
  if (fstat(fd, &st) != 0) {
    e = errno;
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    close(fd);
    errno = e;
    return -1;
  }
  if (!S_ISREG(st.st_mode) || st.st_size < (off_t)IX_HEADER_SIZE) {
    snprintf(err, errlen, "%s: not an index (%s)", path, S_ISREG(st.st_mode) ? "too short" : "not a regular file");
    close(fd);
    errno = EINVAL;
    return -1;
  }
  m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  e = errno;
  close(fd);
  if (m == MAP_FAILED) {
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    errno = e;
    return -1;
  }
  *base = m;
  *size = (size_t)st.st_size;
  return 0;
}

/* The segment whose mapping holds p (an index of several), or NULL. */
static ix_seg *seg_holding(const ix_index *ix, const void *p) {
  uint32_t k;
  for (k = 0; k < ix->nsegs; k++) {
    const ix_index *s = &ix->segs[k].ix;
    if ((const unsigned char *)p >= s->base && (const unsigned char *)p < s->base + s->size) return &ix->segs[k];
  }
  return NULL;
}

void ix_release(ix_index *ix, const void *p, size_t len) {
  uintptr_t a, e, lo = (uintptr_t)ix->base, hi = (uintptr_t)ix->base + ix->size;
  if (ix->nsegs && ((uintptr_t)p < lo || (uintptr_t)p >= hi)) {
    ix_seg *s = seg_holding(ix, p);
    if (s) ix_release(&s->ix, p, len);
    return;
  }
  long ps = sysconf(_SC_PAGESIZE);
  uintptr_t mask = ps > 0 ? (uintptr_t)ps - 1 : 4095;
  if (len == 0 || (uintptr_t)p < lo || (uintptr_t)p > hi || len > hi - (uintptr_t)p) return;
  a = ((uintptr_t)p + mask) & ~mask;  /* whole pages inside the range only */
  e = ((uintptr_t)p + len) & ~mask;
  if (e > a) (void)madvise((void *)a, e - a, MADV_DONTNEED);
}

size_t ix_bitmap_size(size_t size) {
  size_t blocks = size / IX_BLOCK_SIZE + 1;
  return blocks / 8 + 1;
}

const char *ix_blob(const char *blob, uint64_t blob_size, ix_str s) {
  if ((uint64_t)s.off + s.len > blob_size) return NULL;
  return blob + s.off;
}

const char *ix_string(const ix_index *ix, ix_str s, uint64_t *avail) {
  const char *blob = ix->strings;
  uint64_t size = ix->strings_size, off = s.off;
  if (ix->nsegs) {   /* the last segment whose strings begin at or before it */
    uint32_t lo = 0, hi = ix->nsegs;
    while (hi - lo > 1) {
      uint32_t m = lo + (hi - lo) / 2;
      if (ix->segs[m].str0 <= off) lo = m; else hi = m;
    }
    blob = ix->segs[lo].ix.strings;
    size = ix->segs[lo].ix.strings_size;
    off -= ix->segs[lo].str0;
  }
  if (off + s.len > size) return NULL;
  if (avail) *avail = size - off;
  return blob + off;
}

size_t ix_region_width(const ix_index *ix, uint32_t k) {
  return 2 + 2 * (size_t)ix->kinds[k].nattrs;
}

int ix_touch(ix_index *ix, const void *ptr, size_t len) {
  const unsigned char *p = ptr;
  uint64_t from, to, b;
  if (len == 0) return 0;
  if (ix->nsegs && (p < ix->base || p >= ix->base + ix->size)) {
    /* an index of several: a segment's bytes are checked there; the tables
       ix_join made were copied from checked bytes */
    ix_seg *s = seg_holding(ix, p);
    if (s == NULL) return 0;
    if (ix_touch(&s->ix, p, len)) { ix->corrupt = 1; return -1; }
    return 0;
  }
  if (p < ix->base + IX_HEADER_SIZE || (uint64_t)(p - ix->base) + len > ix->body_end) {
    ix->corrupt = 1;
    return -1;
  }
  from = (uint64_t)(p - ix->base - IX_HEADER_SIZE) >> IX_BLOCK_SHIFT;
  to = ((uint64_t)(p - ix->base - IX_HEADER_SIZE) + len - 1) >> IX_BLOCK_SHIFT;
  for (b = from; b <= to; b++) {
    uint64_t start, n;
    if (ix->verified[b >> 3] & (1u << (b & 7))) continue;
    start = IX_HEADER_SIZE + (b << IX_BLOCK_SHIFT);
    n = ix->body_end - start < IX_BLOCK_SIZE ? ix->body_end - start : IX_BLOCK_SIZE;
    if (ix_hash(ix->base + start, (size_t)n, 0) != ix->sums[b]) {
      ix->corrupt = 1;
      return -1;
    }
    ix->verified[b >> 3] |= (unsigned char)(1u << (b & 7));
  }
  return 0;
}

static const ix_section *find(const ix_header *h, const char *name) {
  uint32_t i;
  for (i = 0; i < h->nsections; i++)
    if (strncmp(h->sections[i].name, name, IX_NAME_LEN) == 0) return &h->sections[i];
  return NULL;
}

/* Point *p at a section of the expected record size; 0, or -1 with a message. */
static int view(ix_index *ix, const char *name, size_t rec, uint64_t count,
                const void **p, uint64_t *size, char *err, size_t errlen) {
  const ix_section *s = find(ix->h, name);
  if (s == NULL) { snprintf(err, errlen, "section '%s' is missing", name); return -1; }
  if (s->offset < IX_HEADER_SIZE || s->offset > ix->body_end || s->size > ix->body_end - s->offset ||
      s->offset % 8 != 0) {
    snprintf(err, errlen, "section '%s' lies outside the file", name);
    return -1;
  }
  if (rec > 1 && (s->size % rec != 0 || (count != UINT64_MAX && s->size / rec != count))) {
    snprintf(err, errlen, "section '%s' has the wrong size", name);
    return -1;
  }
  *p = ix->base + s->offset;
  if (size) *size = s->size;
  return 0;
}

#define VIEW(name, rec, count, ptr, sz) \
  if (view(ix, name, rec, count, &p, sz, err, errlen) != 0) return -1; \
  ptr = (void *)p

/* The lexicon's sections and the metadata, which a segment list holds as an index file does. */
static int view_lexicon(ix_index *ix, char *err, size_t errlen) {
  const void *p;
  VIEW(IX_SEC_EXACT, sizeof(ix_exact), ix->nexact, ix->exact, NULL);
  VIEW(IX_SEC_FOLD, sizeof(ix_fold), ix->nfold, ix->fold, NULL);
  VIEW(IX_SEC_FOLDMAP, 4, ix->nexact, ix->foldmap, NULL);
  VIEW(IX_SEC_LENS, 4, ix->nexact, ix->lens, NULL);
  VIEW(IX_SEC_FREQ, 4, ix->nfold, ix->freqorder, NULL);
  VIEW(IX_SEC_LEXSTR, 1, UINT64_MAX, ix->lexstr, &ix->lexstr_size);
  VIEW(IX_SEC_META, 1, UINT64_MAX, ix->meta, &ix->meta_size);
  return 0;
}

/* The sections of a segment list (ix_init, once the header is checked). */
static int init_list(ix_index *ix, char *err, size_t errlen) {
  const void *p;
  uint64_t n;
  if (view_lexicon(ix, err, errlen) != 0) return -1;
  VIEW(IX_SEC_SEGMENTS, sizeof(ix_segrec), UINT64_MAX, ix->segrecs, &n);
  ix->nsegrecs = (uint32_t)(n / sizeof(ix_segrec));
  VIEW(IX_SEC_L2G, 4, UINT64_MAX, ix->l2g, &n);
  ix->nmap = n / 4;
  VIEW(IX_SEC_BYG, 4, ix->nmap, ix->byg, NULL);
  /* the list's own strings (segment names) are not the index's: ix_join makes those */
  if (view(ix, IX_SEC_STRINGS, 1, UINT64_MAX, &p, &n, err, errlen) != 0) return -1;
  ix->strings = p;
  ix->strings_size = n;
  if (ix->nsegrecs < 2 || ix->nsegrecs > IX_MAX_SEGMENTS) { snprintf(err, errlen, "bad segment list"); return -1; }
  if (ix_touch(ix, ix->segrecs, ix->nsegrecs * sizeof(ix_segrec)) || ix_touch(ix, ix->meta, (size_t)ix->meta_size) ||
      ix_touch(ix, ix->strings, (size_t)ix->strings_size)) {
    snprintf(err, errlen, "checksum mismatch in the segment list");
    return -1;
  }
  return 0;
}

int ix_init(ix_index *ix, const unsigned char *base, size_t size, unsigned char *bitmap,
            char *err, size_t errlen) {
  ix_header h;
  const ix_section *sums;
  const void *p;
  uint64_t n;
  uint32_t k;
  memset(ix, 0, sizeof *ix);
  ix->base = base;
  ix->size = size;
  ix->verified = bitmap;
  if (size < IX_HEADER_SIZE || memcmp(base, IX_MAGIC, 8) != 0) {
    snprintf(err, errlen, "not a parley index");
    return -1;
  }
  memcpy(&h, base, sizeof h);
  {
    /* another version only with a sound header (as this format lays it out): a
       flipped version byte is damage, not an index of another parley */
    uint64_t want = h.checksum;
    int sound;
    h.checksum = 0;
    sound = ix_hash(&h, sizeof h, 0) == want;
    h.checksum = want;
    if (h.version != IX_VERSION && sound) {
      snprintf(err, errlen, "index format version %u, this parley reads version %u",
               (unsigned)h.version, (unsigned)IX_VERSION);
      return IX_EVERSION;
    }
    if (!sound || h.version != IX_VERSION) { snprintf(err, errlen, "header checksum mismatch"); return -1; }
  }
  if (h.file_size != size) {
    snprintf(err, errlen, "truncated or extended (%zu bytes, header says %llu)", size,
             (unsigned long long)h.file_size);
    return -1;
  }
  if (h.nsections > IX_MAX_SECTIONS || h.header_size != IX_HEADER_SIZE) {
    snprintf(err, errlen, "bad section table");
    return -1;
  }
  ix->h = (const ix_header *)base;
  sums = find(ix->h, IX_SEC_CHECKSUMS);
  if (sums == NULL || sums->offset < IX_HEADER_SIZE || sums->offset > size ||
      sums->size != size - sums->offset || sums->size % 8 != 0 || sums->offset % 8 != 0) {
    snprintf(err, errlen, "bad checksum table");
    return -1;
  }
  ix->body_end = sums->offset;
  ix->sums = (const uint64_t *)(base + sums->offset);
  ix->nblocks = (size_t)(sums->size / 8);
  if (ix->nblocks != (ix->body_end - IX_HEADER_SIZE + IX_BLOCK_SIZE - 1) / IX_BLOCK_SIZE ||
      ix_hash(ix->sums, (size_t)sums->size, 0) != h.sums_checksum) {
    snprintf(err, errlen, "checksum table damaged");
    return -1;
  }
  ix->ntokens = h.ntokens;
  ix->nexact = h.nexact;
  ix->nfold = h.nfold;
  ix->ndocs = h.ndocs;
  if (h.ntokens >= IX_MAX_TOKENS || h.nexact >= UINT32_MAX || h.nfold > h.nexact) {
    snprintf(err, errlen, "bad counts in header");
    return -1;
  }
  if (find(ix->h, IX_SEC_SEGMENTS)) return init_list(ix, err, errlen);
  VIEW(IX_SEC_STREAM, 1, UINT64_MAX, ix->stream, &ix->stream_size);
  VIEW(IX_SEC_POSTINGS, 1, UINT64_MAX, ix->postings, &ix->postings_size);
  if (view_lexicon(ix, err, errlen) != 0) return -1;
  VIEW(IX_SEC_DOCS, sizeof(ix_doc), ix->ndocs, ix->docs, NULL);
  VIEW(IX_SEC_LINES, 4, UINT64_MAX, ix->lines, &n);
  ix->nlines = n / 4;
  VIEW(IX_SEC_TEXTS, 1, UINT64_MAX, ix->texts, &ix->texts_size);
  VIEW(IX_SEC_SRCMAP, sizeof(ix_anchor), UINT64_MAX, ix->anchors, &n);
  ix->nanchors = n / sizeof(ix_anchor);
  VIEW(IX_SEC_SKIPS, sizeof(ix_skip), (ix->ntokens + IX_SKIP - 1) / IX_SKIP, ix->skips, NULL);
  ix->nskips = (ix->ntokens + IX_SKIP - 1) / IX_SKIP;
  VIEW(IX_SEC_STRINGS, 1, UINT64_MAX, ix->strings, &ix->strings_size);
  VIEW(IX_SEC_REGIONS, sizeof(ix_rkind), UINT64_MAX, ix->kinds, &n);
  ix->nkinds = (uint32_t)(n / sizeof(ix_rkind));
  /* the small structural sections are verified now; the large ones when read */
  if (ix_touch(ix, ix->kinds, (size_t)n) || ix_touch(ix, ix->docs, ix->ndocs * sizeof(ix_doc)) ||
      ix_touch(ix, ix->meta, (size_t)ix->meta_size)) {
    snprintf(err, errlen, "checksum mismatch in the document or region tables");
    return -1;
  }
  if (ix->nkinds < 3 || ix->nkinds > IX_MAX_KINDS) { snprintf(err, errlen, "bad region table"); return -1; }
  for (k = 0; k < ix->nkinds; k++) {
    char name[IX_NAME_LEN + 1];
    const ix_rkind *rk = &ix->kinds[k];
    if (rk->nattrs > IX_MAX_ATTRS) { snprintf(err, errlen, "bad region kind %u", (unsigned)k); return -1; }
    memcpy(name, rk->section, IX_NAME_LEN);
    name[IX_NAME_LEN] = '\0';
    VIEW(name, 4 * ix_region_width(ix, k), rk->count, ix->regions[k], NULL);
  }
#undef VIEW
  for (k = 0; k < ix->ndocs; k++) {
    const ix_doc *d = &ix->docs[k];
    if (d->first + d->ntok > ix->ntokens || d->lines + d->nlines > ix->nlines ||
        d->anchors > ix->nanchors || d->nanchors > ix->nanchors - d->anchors ||
        (k > 0 && d->first != ix->docs[k - 1].first + ix->docs[k - 1].ntok) ||
        (k > 0 && d->source < ix->docs[k - 1].source) || d->nwords > d->ntok ||
        ((d->flags & IX_DOC_EMBEDDED) && (d->text > ix->texts_size || d->text_len > ix->texts_size - d->text))) {
      snprintf(err, errlen, "bad document record %u", (unsigned)k + 1);
      return -1;
    }
  }
  return 0;
}

uint32_t ix_doc_of(const ix_index *ix, uint64_t pos) {
  uint32_t lo = 0, hi = ix->ndocs;
  while (hi - lo > 1) {  /* last document whose first token is <= pos, skipping empty ones */
    uint32_t m = lo + (hi - lo) / 2;
    if (ix->docs[m].first <= pos) lo = m; else hi = m;
  }
  while (lo > 0 && ix->docs[lo].ntok == 0) lo--;
  return lo;
}

/* Decode one token record at c->p; start is its byte offset given the previous end. */
static int decode(ix_index *ix, ix_cursor *c, uint32_t prev_end, int absolute, uint32_t start) {
  const unsigned char *end = ix->stream + ix->stream_size;
  uint64_t id, gap;
  if (!ix_get_token(&c->p, end, &id, &gap) || id >= ix->nexact)
    return -1;
  c->id = (uint32_t)id;
  if (!ix->lens_checked) {  /* the first decode verifies the whole (small) length table */
    if (ix_touch(ix, ix->lens, (size_t)ix->nexact * sizeof(uint32_t))) return -1;
    ix->lens_checked = 1;
  }
  c->len = ix->lens[id];
  if (absolute) c->start = start;
  else if (gap > UINT32_MAX - prev_end) return -1;
  else c->start = prev_end + (uint32_t)gap;
  return 0;
}

static int one_walk(ix_index *ix, ix_cursor *c, uint64_t pos);

static int one_seek(ix_index *ix, uint64_t pos, ix_cursor *c) {
  uint64_t b = pos / IX_SKIP;
  const ix_skip *s;
  if (pos >= ix->ntokens || b >= ix->nskips) return -1;
  s = &ix->skips[b];
  if (ix_touch(ix, s, sizeof *s) || s->stream >= ix->stream_size || s->doc >= ix->ndocs) return -1;
  c->p = ix->stream + s->stream;
  c->pos = b * IX_SKIP;
  c->doc = s->doc;
  {
    const ix_doc *d = &ix->docs[c->doc];
    if (c->pos < d->first || c->pos >= d->first + d->ntok) return -1;
    c->doc_end = d->first + d->ntok;
  }
  /* the block's bytes: at most 64 tokens of two 5-byte varints each */
  {
    uint64_t avail = ix->stream_size - s->stream;
    if (ix_touch(ix, c->p, (size_t)(avail < IX_SKIP * 10 ? avail : IX_SKIP * 10))) return -1;
  }
  if (decode(ix, c, 0, 1, s->start)) return -1;
  return one_walk(ix, c, pos);
}

static int one_next(ix_index *ix, ix_cursor *c) {
  uint32_t prev_end = c->start + c->len;
  int fresh = 0;
  if (c->pos + 1 >= ix->ntokens) return -1;
  c->pos++;
  if ((c->pos & (IX_SKIP - 1)) == 0) {  /* entering a new block: verify its bytes */
    uint64_t off = (uint64_t)(c->p - ix->stream), avail = ix->stream_size - off;
    if (ix_touch(ix, c->p, (size_t)(avail < IX_SKIP * 10 ? avail : IX_SKIP * 10))) return -1;
  }
  while (c->pos >= c->doc_end) {  /* next non-empty document */
    if (++c->doc >= ix->ndocs) return -1;
    c->doc_end = ix->docs[c->doc].first + ix->docs[c->doc].ntok;
    fresh = 1;
  }
  return decode(ix, c, fresh ? 0 : prev_end, 0, 0);
}

/*
** Walk the cursor from its token to token stop (after it, in the same
** block and document): the records' bytes were verified when the cursor
** entered the block.  Where the block's 64 records (at most 10 bytes each)
** and 8 bytes more lie inside the stream, a record is read from one 8-byte
** word without a bounds test or a branch per byte (a branch per byte
** mispredicts on the stream's mix of one-, two- and three-byte records);
** elsewhere, and for a varint longer than 5 bytes, ix_get_token reads it.
** Every id is checked, and byte offsets add up in 64 bits, checked at the
** end (they only grow, so the last start bounds them all).
*/
static int walk_block(ix_index *ix, ix_cursor *c, uint64_t stop) {
  const unsigned char *p = c->p, *end = ix->stream + ix->stream_size;
  const uint32_t *lens = ix->lens;
  uint64_t nexact = ix->nexact, k, v, id = c->id, gap, at = (uint64_t)c->start + c->len, start = c->start;
  uint32_t len = c->len;
  int fast = (uint64_t)(end - p) >= 10 * IX_SKIP + 8;
  for (k = c->pos; k < stop; k++) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w, x, stops;
    unsigned n;
    if (fast) {
      memcpy(&w, p, 8);
      stops = (~w & 0x8080808080808080ull) | 0x8000000000000000ull;  /* a varint's last byte */
      n = ((unsigned)__builtin_ctzll(stops) >> 3) + 1;
      x = w & (~0ull >> (64 - 8 * n));
      v = (x & 0x7full) | ((x >> 1) & (0x7full << 7)) | ((x >> 2) & (0x7full << 14)) |
          ((x >> 3) & (0x7full << 21)) | ((x >> 4) & (0x7full << 28));
      if (n > 5) return -1;  /* an id of more than 32 bits */
      p += n;
      if ((v & 3) != 3) gap = (0x020001u >> (8 * (v & 3))) & 0xff;  /* code 0: 1 byte, 1: none, 2: two */
      else if (!ix_get_varint(&p, end, &gap)) return -1;
      id = v >> 2;
    } else
#endif
    if (!ix_get_token(&p, end, &id, &gap)) return -1;
    if (id >= nexact) return -1;
    start = at + gap;
    len = lens[id];
    at = start + len;
  }
  if (start > UINT32_MAX) return -1;
  c->p = p;
  c->pos = stop;
  c->id = (uint32_t)id;
  c->start = (uint32_t)start;
  c->len = len;
  return 0;
}

static int one_walk(ix_index *ix, ix_cursor *c, uint64_t pos) {
  while (c->pos < pos) {
    uint64_t stop = c->pos | (IX_SKIP - 1);  /* the last position of the block */
    if (stop > pos) stop = pos;
    if (stop >= c->doc_end) stop = c->doc_end - 1;
    if (stop > c->pos && ix->lens_checked && walk_block(ix, c, stop)) return -1;
    if (c->pos < pos && one_next(ix, c)) return -1;
  }
  return 0;
}

/*
** The cursor of an index of several segments moves in one segment at a time:
** in it, the cursor is the segment's own (positions, documents and ids its
** own); outside, it is the whole's (global positions and documents, index ids).
*/
static void to_local(const ix_seg *s, ix_cursor *c) {
  c->pos -= s->tok0; c->doc_end -= s->tok0; c->doc -= s->doc0; c->id = c->lid;
}

int ix_seg_l2g(ix_index *ix, ix_seg *s) {
  if (s->l2g_checked) return 0;
  if (ix_touch(ix, s->l2g, s->ix.nexact * sizeof *s->l2g)) return -1;
  s->l2g_checked = 1;
  return 0;
}

static int to_global(ix_index *ix, uint32_t k, ix_cursor *c) {
  ix_seg *s = &ix->segs[k];
  if (c->id >= s->ix.nexact || ix_seg_l2g(ix, s) || s->l2g[c->id] >= ix->nexact) return -1;
  c->seg = k;
  c->lid = c->id;
  c->id = s->l2g[c->id];
  c->pos += s->tok0; c->doc_end += s->tok0; c->doc += s->doc0;
  return 0;
}

/* The segment holding position pos (< ntokens): the last with tokens that starts at or before it. */
static uint32_t seg_of(const ix_index *ix, uint64_t pos) {
  uint32_t lo = 0, hi = ix->nsegs;
  while (hi - lo > 1) {
    uint32_t m = lo + (hi - lo) / 2;
    if (ix->segs[m].tok0 <= pos) lo = m; else hi = m;
  }
  while (lo + 1 < ix->nsegs && ix->segs[lo].ix.ntokens == 0) lo++;
  return lo;
}

int ix_seek(ix_index *ix, uint64_t pos, ix_cursor *c) {
  uint32_t k;
  if (ix->nsegs == 0) return one_seek(ix, pos, c);
  if (pos >= ix->ntokens) return -1;
  k = seg_of(ix, pos);
  if (one_seek(&ix->segs[k].ix, pos - ix->segs[k].tok0, c)) { ix->corrupt |= ix->segs[k].ix.corrupt; return -1; }
  return to_global(ix, k, c);
}

int ix_next(ix_index *ix, ix_cursor *c) {
  ix_seg *s;
  int r;
  if (ix->nsegs == 0) return one_next(ix, c);
  s = &ix->segs[c->seg];
  if (c->pos + 1 >= s->tok0 + s->ix.ntokens) {   /* on into the next segment with tokens */
    uint32_t k = c->seg;
    do if (++k >= ix->nsegs) return -1; while (ix->segs[k].ix.ntokens == 0);
    if (one_seek(&ix->segs[k].ix, 0, c)) { ix->corrupt |= ix->segs[k].ix.corrupt; return -1; }
    return to_global(ix, k, c);
  }
  to_local(s, c);
  r = one_next(&s->ix, c);
  if (r == 0) return to_global(ix, c->seg, c);
  ix->corrupt |= s->ix.corrupt;
  return -1;
}

int ix_walk(ix_index *ix, ix_cursor *c, uint64_t pos) {
  ix_seg *s;
  if (ix->nsegs == 0) return one_walk(ix, c, pos);
  if (pos <= c->pos) return 0;
  s = &ix->segs[c->seg];
  if (pos >= s->tok0 + s->ix.ntokens) return ix_seek(ix, pos, c);   /* in a later segment */
  to_local(s, c);
  if (one_walk(&s->ix, c, pos - s->tok0) == 0) return to_global(ix, c->seg, c);
  ix->corrupt |= s->ix.corrupt;
  return -1;
}

/* The last of the sorted offsets v[0..n) that is <= off (v[0] <= off). */
static uint32_t last_at_or_before(const uint32_t *v, size_t stride, uint32_t n, uint32_t off) {
  uint32_t lo = 0, hi = n;
  while (hi - lo > 1) {
    uint32_t m = lo + (hi - lo) / 2;
    if (v[(size_t)m * stride] <= off) lo = m; else hi = m;
  }
  return lo;
}

/* Characters in text[from..to): the bytes that are not UTF-8 continuation bytes, eight at a time. */
static uint32_t chars(const char *text, uint32_t from, uint32_t to) {
  uint32_t i = from, c = 0;
  for (; i < to && to - i >= 8; i += 8) {
    uint64_t x, t;
    memcpy(&x, text + i, 8);
    t = (x & 0xC0C0C0C0C0C0C0C0ull) ^ 0x8080808080808080ull;       /* zero: a continuation byte */
    t = ~(((t & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | t) & 0x8080808080808080ull;
    c += 8 - (uint32_t)((((t >> 7) * 0x0101010101010101ull) >> 56));
  }
  for (; i < to; i++) c += ((unsigned char)text[i] & 0xC0) != 0x80;
  return c;
}

int ix_line_col(ix_index *ix, uint32_t d, const char *text, uint32_t off, uint32_t *line, uint32_t *col) {
  const ix_doc *doc;
  if (ix->nsegs) {
    uint32_t ld;
    ix_index *s = ix_part(ix, d, &ld);
    return ix_line_col(s, ld, text, off, line, col);
  }
  doc = &ix->docs[d];
  const uint32_t *ls = ix->lines + doc->lines;
  uint32_t lo;
  *line = *col = 1;
  if (doc->nlines == 0) return 0;
  if (ix_touch(ix, ls, doc->nlines * sizeof *ls) || ls[0] != 0) return -1;
  lo = last_at_or_before(ls, 1, doc->nlines, off);
  *line = lo + 1;
  *col = chars(text, ls[lo], off) + 1;
  if (doc->nanchors > 0) {
    /* from the last anchor at or before off: the text copies its source from there */
    const ix_anchor *an = ix->anchors + doc->anchors;
    uint32_t k;
    if (ix_touch(ix, an, doc->nanchors * sizeof *an)) return -1;
    if (an[0].text > off) return 0;  /* before the first anchor the text is its source's */
    k = last_at_or_before(&an[0].text, sizeof *an / sizeof an[0].text, doc->nanchors, off);
    if (an[k].text >= ls[lo]) {
      *line = an[k].line;
      *col = an[k].col + chars(text, an[k].text, off);
    } else {
      *line = an[k].line + (lo - last_at_or_before(ls, 1, doc->nlines, an[k].text));
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- an index of several segments */

/* String s of index x's strings blob, checked; NULL if damaged. */
static const char *blob_str(ix_index *x, ix_str s) {
  const char *p = ix_blob(x->strings, x->strings_size, s);
  return p && ix_touch(x, p, s.len) == 0 ? p : NULL;
}

static int same_str(ix_index *a, ix_str x, ix_index *b, ix_str y) {
  const char *p = blob_str(a, x), *q = blob_str(b, y);
  return p && q && x.len == y.len && memcmp(p, q, x.len) == 0;
}

/* Do segments a and b have the same region kinds, named alike, with the same attributes? */
static int same_kinds(ix_index *a, ix_index *b) {
  uint32_t k, i;
  if (a->nkinds != b->nkinds) return 0;
  for (k = 0; k < a->nkinds; k++) {
    const ix_rkind *x = &a->kinds[k], *y = &b->kinds[k];
    if (x->nattrs != y->nattrs || !same_str(a, x->name, b, y->name)) return 0;
    for (i = 0; i < x->nattrs; i++)
      if (!same_str(a, x->attrs[i], b, y->attrs[i])) return 0;
  }
  return 1;
}

int ix_join(ix_index *ix, ix_seg *segs, uint32_t n, char *err, size_t errlen) {
  uint64_t tok = 0, docs = 0, str = 0, map = 0, post = 0, srcs = 0, i;
  uint32_t k;
  ix_doc *jd;
  ix_rkind *jk;
  if (ix->segrecs == NULL || n != ix->nsegrecs) { snprintf(err, errlen, "bad segment list"); return -1; }
  for (k = 0; k < n; k++) {
    const ix_segrec *r = &ix->segrecs[k];
    ix_seg *sg = &segs[k];
    ix_index *s = &sg->ix;
    const uint32_t *l2g, *byg;
    if (s->segrecs != NULL || s->h->checksum != r->checksum || s->ntokens != r->ntokens ||
        s->ndocs != r->ndocs || s->nexact != r->nexact || r->map != map || r->nexact > ix->nmap - map ||
        (s->ndocs && s->docs[s->ndocs - 1].source >= r->nsources) || !same_kinds(&segs[0].ix, s)) {
      snprintf(err, errlen, "segment %u is not the one the list was made with", (unsigned)k + 1);
      return -1;
    }
    /* the maps are read, and checked, when first used (ix_seg_l2g; query.c): an open reads none */
    l2g = ix->l2g + map;
    byg = ix->byg + map;
    sg->l2g_checked = 0;
    sg->tok0 = tok; sg->doc0 = (uint32_t)docs; sg->str0 = str; sg->src0 = (uint32_t)srcs;
    sg->l2g = l2g; sg->byg = byg;
    tok += s->ntokens; docs += s->ndocs; str += s->strings_size; map += r->nexact;
    post += s->postings_size; srcs += r->nsources;
  }
  if (tok != ix->ntokens || docs != ix->ndocs || map != ix->nmap || str > UINT32_MAX || srcs > UINT32_MAX) {
    snprintf(err, errlen, "the segment list does not add up");
    return -1;
  }
  if ((ix->joined = malloc(docs * sizeof *jd + segs[0].ix.nkinds * sizeof *jk + 1)) == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  jd = ix->joined;
  jk = (ix_rkind *)(jd + docs);
  memcpy(jk, segs[0].ix.kinds, segs[0].ix.nkinds * sizeof *jk);
  for (i = 0; i < segs[0].ix.nkinds; i++) jk[i].count = 0;
  for (k = 0; k < n; k++) {
    ix_seg *sg = &segs[k];
    ix_index *s = &sg->ix;
    for (i = 0; i < s->ndocs; i++) {
      ix_doc *d = &jd[sg->doc0 + i];
      *d = s->docs[i];
      d->first += sg->tok0;
      d->path.off += (uint32_t)sg->str0; d->id.off += (uint32_t)sg->str0; d->meta.off += (uint32_t)sg->str0;
      d->source += sg->src0;
      d->reserved = k;          /* ix_part: the segment that holds it */
    }
    for (i = 0; i < s->nkinds; i++) jk[i].count += s->kinds[i].count;
  }
  ix->docs = jd;
  ix->kinds = jk;
  ix->nkinds = segs[0].ix.nkinds;
  ix->strings = NULL;   /* read where they lie: ix_string */
  ix->strings_size = str;
  ix->postings_size = post;
  ix->segs = segs;
  ix->nsegs = n;
  return 0;
}

void ix_unjoin(ix_index *ix) {
  uint32_t k;
  for (k = 0; k < IX_MAX_KINDS; k++) { free(ix->joined_regions[k]); ix->joined_regions[k] = NULL; }
  free(ix->joined);
  ix->joined = NULL;
  ix->nsegs = 0;
  ix->segs = NULL;
}

const uint32_t *ix_join_regions(ix_index *ix, uint32_t k) {
  size_t w = ix_region_width(ix, k), a;
  uint64_t at = 0, i;
  uint32_t j, *out;
  if (ix->joined_regions[k]) return ix->joined_regions[k];
  if (ix->kinds[k].count > SIZE_MAX / 4 / w) return NULL;
  if ((out = malloc((size_t)ix->kinds[k].count * w * 4 + 4)) == NULL) return NULL;
  for (j = 0; j < ix->nsegs; j++) {
    ix_seg *sg = &ix->segs[j];
    const uint32_t *r = sg->ix.regions[k];
    uint64_t cnt = sg->ix.kinds[k].count;
    if (ix_touch(&sg->ix, r, (size_t)(cnt * w * 4))) { free(out); ix->corrupt = 1; return NULL; }
    for (i = 0; i < cnt; i++, at++) {
      uint32_t *o = out + at * w;
      memcpy(o, r + i * w, w * 4);
      if (o[0] > sg->ix.ntokens || o[1] > sg->ix.ntokens) { free(out); ix->corrupt = 1; return NULL; }
      o[0] += (uint32_t)sg->tok0;
      o[1] += (uint32_t)sg->tok0;
      for (a = 2; a < w; a += 2) o[a] += (uint32_t)sg->str0;
    }
  }
  ix->joined_regions[k] = out;
  return out;
}
