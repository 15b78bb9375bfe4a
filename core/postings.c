/*
** postings.c — the postings of the index writer.  Each batch of documents
** is spilled as one sorted run to a temporary file without a name (made
** with O_TMPFILE, else created as PATH.runs.PID and unlinked at once): per
** exact id, in ascending order, a segment of varint deltas of its
** positions.  At the end the segments of every run are concatenated per id,
** re-based, into the "postings" section.  Memory holds one batch's positions
** and the segment list (an entry per type per run), never the whole postings.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "build.h"

/* One id's postings in one run: first and last position, count, and where its deltas are. */
typedef struct seg { uint32_t id, run, count, first, last, bytes; uint64_t off; } seg;

void postings_open(lua_State *L, postings *p, const char *path) {
  size_t len = strlen(path) + 32;
  int fd;
  if ((p->path = malloc(len)) == NULL) luaL_error(L, "not enough memory");
  snprintf(p->path, len, "%s.runs.%ld", path, (long)getpid());
  fd = ixw_unnamed(p->path);
  if (fd < 0) {
    /* no O_TMPFILE here: the descriptor keeps the file, unlinked at once
    ** (the name only guards the creation, and names it in messages) */
    fd = ixw_create(L, p->path, O_RDWR, 0600);
    unlink(p->path);
  }
  if ((p->runs = fdopen(fd, "w+b")) == NULL) {
    int e = errno;
    close(fd);
    parley_error(L, "cannot open %s: %s", p->path, strerror(e));
  }
}

/*
** Spill the postings of a batch (docs[0 .. ndocs), positions from first) as
** one run: a counting sort by exact id, then per id (ascending) a segment of
** varint deltas.  Also adds the batch's counts to the frequencies.
*/
const char *postings_spill(postings *p, const doc_ids *docs, size_t ndocs, uint64_t first,
                           size_t nexact, uint64_t *freq) {
  uint32_t *touched = NULL, *pos = NULL;
  size_t nt = 0, k, i, n = 0, fill = 0;
  const char *err = "not enough memory";
  unsigned char out[1 << 16];
  uint64_t at;
  for (i = 0; i < ndocs; i++) n += docs[i].n;
  if (p->count_cap < nexact) {
    uint32_t *c = realloc(p->count, nexact * sizeof *c);
    if (c == NULL) return err;
    memset(c + p->count_cap, 0, (nexact - p->count_cap) * sizeof *c);
    p->count = c;
    p->count_cap = nexact;
  }
  touched = malloc((n + 1) * sizeof *touched);
  pos = malloc((n + 1) * sizeof *pos);
  if (!touched || !pos) goto done;
  /* count, marking the ids seen in a bitmap; list them in ascending order */
  {
    uint64_t *seen = calloc(nexact / 64 + 1, sizeof *seen);
    size_t wd;
    if (seen == NULL) goto done;
    for (i = 0; i < ndocs; i++)
      for (k = 0; k < docs[i].n; k++) {
        uint32_t id = docs[i].v[k];
        p->count[id]++;
        seen[id >> 6] |= 1ull << (id & 63);
      }
    for (wd = 0; wd <= nexact / 64; wd++) {
      uint64_t bits = seen[wd];
      while (bits) {
        touched[nt++] = (uint32_t)(wd * 64 + (size_t)__builtin_ctzll(bits));
        bits &= bits - 1;
      }
    }
    free(seen);
  }
  {
    uint32_t sum = 0;
    for (k = 0; k < nt; k++) {
      uint32_t c = p->count[touched[k]];
      freq[touched[k]] += c;
      p->count[touched[k]] = sum;
      sum += c;
    }
  }
  for (i = 0, at = first; i < ndocs; i++)
    for (k = 0; k < docs[i].n; k++, at++) pos[p->count[docs[i].v[k]]++] = (uint32_t)at;
  {
    size_t start = 0, mm;
    for (k = 0; k < nt; k++) {
      size_t end = p->count[touched[k]];
      seg sg;
      sg.id = touched[k];
      sg.run = p->nruns;
      sg.count = (uint32_t)(end - start);
      sg.first = pos[start];
      sg.last = pos[end - 1];
      sg.off = p->runs_off;
      for (mm = start + 1; mm < end; mm++) {
        if (fill > sizeof out - 10) {
          if (fwrite(out, 1, fill, p->runs) != fill) { err = strerror(errno); goto done; }
          fill = 0;
        }
        size_t len = ix_put_varint(out + fill, (uint64_t)(pos[mm] - pos[mm - 1]));
        fill += len;
        p->runs_off += len;
      }
      sg.bytes = (uint32_t)(p->runs_off - sg.off);
      if (buf_add(&p->segs, &sg, sizeof sg)) goto done;
      p->count[touched[k]] = 0;
      start = end;
    }
  }
  if (fill && fwrite(out, 1, fill, p->runs) != fill) { err = strerror(errno); goto done; }
  p->nruns++;
  err = NULL;
done:
  free(touched);
  free(pos);
  return err;
}

/*
** The postings: per exact id, its segment from every run, re-based.  Each
** run lists its segments by ascending id, so one buffered reader per run
** walks the runs file sequentially: memory stays small.
*/
#define RUN_BUF (1u << 16)
void postings_write(lua_State *L, postings *p, ixwriter *w, ix_exact *ex, size_t nexact) {
  const seg *segs = (const seg *)p->segs.p;
  size_t nsegs = p->segs.n / sizeof(seg), k, nb = p->nruns;
  size_t *cur = lua_newuserdatauv(L, (nb + 1) * 2 * sizeof *cur, 0), *end = cur + nb + 1;
  uint64_t *boff = lua_newuserdatauv(L, (nb + 1) * 2 * sizeof *boff, 0), *blen = boff + nb + 1;
  unsigned char *bufs = lua_newuserdatauv(L, (nb + 1) * (size_t)RUN_BUF, 0);
  uint64_t id, base;
  int fd;
  const parley_flag *stop = parley_interrupt_flag(L);
  for (k = 0; k <= nb; k++) { cur[k] = end[k] = 0; boff[k] = blen[k] = 0; }
  for (k = nsegs; k-- > 0; ) { cur[segs[k].run] = k; }
  for (k = 0; k < nsegs; k++) end[segs[k].run] = k + 1;
  if (fflush(p->runs) != 0) {
    int e = errno;
    if (e == ENOSPC || e == EDQUOT) ixw_no_room(L, w->path, e, ixw_pos(w) + p->runs_off);
    parley_error(L, "cannot write %s: %s", p->path, strerror(e));
  }
  fd = fileno(p->runs);
  ixw_begin_section(L, w, IX_SEC_POSTINGS);
  base = ixw_pos(w);
  for (id = 0; id < nexact; id++) {
    uint32_t last = 0;
    int any = 0;
    size_t b;
    parley_check_interrupt(L, stop, (size_t)id);   /* the build's job removes the temporaries */
    ex[id].post = ixw_pos(w) - base;
    for (b = 0; b < nb; b++) {
      const seg *sg;
      unsigned char tmp[10];
      uint64_t off, left;
      size_t n;
      if (cur[b] >= end[b] || segs[cur[b]].id != id) continue;
      sg = &segs[cur[b]++];
      n = ix_put_varint(tmp, any ? sg->first - last : sg->first);
      if (ixw_write(w, tmp, n)) ixw_failed(L, w);
      for (off = sg->off, left = sg->bytes; left > 0; ) {
        unsigned char *rb = bufs + b * (size_t)RUN_BUF;
        uint64_t have, take;
        if (off < boff[b] || off >= boff[b] + blen[b]) {
          ssize_t r = pread(fd, rb, RUN_BUF, (off_t)off);
          if (r <= 0) parley_error(L, "cannot read %s: %s", p->path, r < 0 ? strerror(errno) : "short file");
          boff[b] = off;
          blen[b] = (uint64_t)r;
        }
        have = boff[b] + blen[b] - off;
        take = have < left ? have : left;
        if (ixw_write(w, rb + (off - boff[b]), (size_t)take))
          ixw_failed(L, w);
        off += take;
        left -= take;
      }
      last = sg->last;
      any = 1;
    }
    ex[id].post_len = ixw_pos(w) - base - ex[id].post;
  }
  ixw_end_section(w);
  lua_pop(L, 3);
}

/* Close the runs file (which removes it: it has no name), free the segment list. */
void postings_free(postings *p) {
  if (p->runs) { fclose(p->runs); p->runs = NULL; }
  free(p->path); p->path = NULL;
  buf_free(&p->segs);
  free(p->count); p->count = NULL;
  p->count_cap = 0;
}
