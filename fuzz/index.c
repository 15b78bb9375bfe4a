/*
** fuzz/index.c — the index reader (core/ixfile.c, core/index.c and the
** queries over it) on a hostile index file.  The fuzzer mutates real
** indexes (make fuzz builds them from small corpora: fuzz/seeds.lua); before
** each run the harness makes the file consistent again, as a hostile file
** would be: the file size in the header, the block checksums, the checksum
** table's hash and the header checksum are recomputed, so the mutation
** reaches the sections behind them.  fuzz/index.lua then opens the file and
** runs queries over it (an index of several segments too: put_segments).  FUZZ_INDEX_OUT=FILE keeps the resealed file of
** the (last) input run, as fuzz/replay.lua takes an index regression.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parley.h"
#include "ixfile.h"
#include "fuzz.h"

/* Recompute what the reader checks first, in place (b: size bytes, 8-aligned). */
static void reseal(unsigned char *b, size_t size) {
  ix_header *h = (ix_header *)b;
  uint32_t k;
  if (size < IX_HEADER_SIZE || memcmp(b, IX_MAGIC, 8) != 0) return;
  h->file_size = size;
  for (k = 0; k < h->nsections && k < IX_MAX_SECTIONS; k++) {
    ix_section *s = &h->sections[k];
    uint64_t nblocks, i;
    if (strncmp(s->name, IX_SEC_CHECKSUMS, IX_NAME_LEN) != 0) continue;
    if (s->offset < IX_HEADER_SIZE || s->offset > size || s->offset % 8 != 0) break;
    s->size = size - s->offset;
    nblocks = (s->offset - IX_HEADER_SIZE + IX_BLOCK_SIZE - 1) / IX_BLOCK_SIZE;
    for (i = 0; i < nblocks && (i + 1) * 8 <= s->size; i++) {
      uint64_t start = IX_HEADER_SIZE + (i << IX_BLOCK_SHIFT);
      uint64_t n = s->offset - start < IX_BLOCK_SIZE ? s->offset - start : IX_BLOCK_SIZE;
      uint64_t sum = ix_hash(b + start, (size_t)n, 0);
      memcpy(b + s->offset + 8 * i, &sum, 8);
    }
    h->sums_checksum = ix_hash(b + s->offset, (size_t)s->size, 0);
    break;
  }
  h->checksum = 0;
  h->checksum = ix_hash(h, sizeof *h, 0);
}

/*
** An input may be the list of an index of several segments (a seed is:
** fuzz/seeds.lua): the segments it names are put beside it once, from
** build/fuzz/seeds/segments (again after damage moved them aside), so that
** a mutated list reaches the segments' checks and the queries over the whole.
*/
static void put_segments(const char *index_path) {
  char from[700], to[700];
  DIR *d;
  struct dirent *e;
  snprintf(from, sizeof from, "%s/build/fuzz/seeds/segments", FUZZ_HOME);
  snprintf(to, sizeof to, "%s.seg", index_path);
  if ((d = opendir(from)) == NULL) return;
  if (mkdir(to, 0700) != 0 && errno != EEXIST) abort();
  while ((e = readdir(d)) != NULL) {
    char a[1400], z[1400], buf[65536];
    FILE *in, *out;
    size_t n;
    if (e->d_name[0] == '.') continue;
    snprintf(a, sizeof a, "%s/%s", from, e->d_name);
    snprintf(z, sizeof z, "%s/%s", to, e->d_name);
    if (access(z, F_OK) == 0) continue;   /* still there (damage moves every segment aside) */
    if ((in = fopen(a, "rb")) == NULL || (out = fopen(z, "wb")) == NULL) abort();
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
      if (fwrite(buf, 1, n, out) != n) abort();
    fclose(in);
    if (fclose(out) != 0) abort();
  }
  closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ref = LUA_NOREF;
  static char path[600];
  lua_State *L = fuzz_state();
  unsigned char *b;
  FILE *f;
  if (ref == LUA_NOREF) {
    ref = fuzz_load(L, "index");
    snprintf(path, sizeof path, "%s/index", fuzz_scratch());
  }
  put_segments(path);
  if ((b = malloc(size ? size : 1)) == NULL) return 0;
  memcpy(b, data, size);
  reseal(b, size);
  remove(path);                        /* a new file: a mapping of the last one stays whole */
  if ((f = fopen(path, "wb")) == NULL || fwrite(b, 1, size, f) != size || fclose(f) != 0) abort();
  /* FUZZ_INDEX_OUT=FILE keeps the resealed file (a regression for fuzz/replay.lua) */
  if (getenv("FUZZ_INDEX_OUT") && ((f = fopen(getenv("FUZZ_INDEX_OUT"), "wb")) == NULL ||
                                   fwrite(b, 1, size, f) != size || fclose(f) != 0))
    abort();
  free(b);
  lua_pushstring(L, path);
  fuzz_call(L, ref, 1);
  return 0;
}
