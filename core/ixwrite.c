/*
** ixwrite.c — writing the index file (the format is in ixfile.h): bytes go
** out through checksum blocks (IX_BLOCK_SIZE), each checksummed when it is complete; sections
** are aligned to 8 bytes and listed in the header; at the end the checksum
** table and the header are written, the file is synced and renamed from its
** temporary name into place, so a reader sees the old index or the new one,
** never a part of one.
*/
#define _GNU_SOURCE            /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"

_Static_assert(sizeof(ix_header) <= IX_HEADER_SIZE, "the header must fit in its 4 KiB");

/* Write all of p[0..n) to fd; 0, or -1 with errno set. */
static int write_all(int fd, const unsigned char *p, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = write(fd, p + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    done += (size_t)r;
  }
  return 0;
}

/*
** Exclusively: O_EXCL fails on any file already at path, a symbolic link
** included (dangling or not), so nothing planted there is written through;
** O_NOFOLLOW says so again.  Leftovers of dead builds are removed before a
** build starts (lua/parley/corpus.lua), so a file found here was planted, or
** left by a dead process that had this pid; either way it is not touched.
*/
int ixw_create(lua_State *L, const char *path, int flags, mode_t mode) {
  int fd = open(path, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0 && errno == EEXIST)
    parley_error(L, "cannot create %s: %s (a build never writes through an existing file or link; "
               "remove it)", path, strerror(errno));
  if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
    parley_error(L, "cannot create %s: %s (a build writes its files next to the index; give parley.open "
               "the option index = PATH of a place you may write in)", path, strerror(errno));
  if (fd < 0) parley_error(L, "cannot create %s: %s", path, strerror(errno));
  return fd;
}

/*
** A write that found no room (ENOSPC, EDQUOT: errno e) raises an error
** object like parley_error's with the fields the opener needs to place the
** index elsewhere: nospace = true, path (where the index was going) and
** bytes (at least what it needs: what the build had written, or was about
** to write, when the disk was full).  The caller's cleanup removes the
** temporary files, so nothing half-written is left.
*/
void ixw_no_room(lua_State *L, const char *path, int e, uint64_t bytes) {
  char size[32];
  if (bytes < 1024 * 1024) snprintf(size, sizeof size, "%.0f KB", (double)bytes / 1024.0);
  else snprintf(size, sizeof size, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
  lua_createtable(L, 0, 6);
  lua_pushfstring(L, "no room for the index %s: %s (it needs more than %s there; free some space, "
                  "or give parley.open the option index = PATH of a place with room)",
                  path, strerror(e), size);
  lua_setfield(L, -2, "msg");
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "quiet");
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "nospace");
  lua_pushstring(L, path);
  lua_setfield(L, -2, "path");
  lua_pushinteger(L, (lua_Integer)bytes);
  lua_setfield(L, -2, "bytes");
  lua_pushstring(L, strerror(e));
  lua_setfield(L, -2, "reason");
  luaL_setmetatable(L, PARLEY_ERROR);
  lua_error(L);
}

/* Raise the error of a failed write of the index w (errno says why). */
void ixw_failed(lua_State *L, ixwriter *w) {
  int e = errno;
  if (e == ENOSPC || e == EDQUOT) ixw_no_room(L, w->path, e, ixw_pos(w));
  parley_error(L, "cannot write the index %s: %s", w->path, strerror(e));
}

void ixw_open(lua_State *L, ixwriter *w, const char *path) {
  static const unsigned char zero[IX_HEADER_SIZE];
  size_t len = strlen(path) + 32;
  w->path = strdup(path);
  w->tmp_path = malloc(len);
  if (!w->path || !w->tmp_path) luaL_error(L, "not enough memory");
  snprintf(w->tmp_path, len, "%s.tmp.%ld", path, (long)getpid());
  if ((w->block = malloc(IXW_BUFFER)) == NULL) luaL_error(L, "not enough memory");
  w->block_used = w->block_summed = 0;
  w->fd = ixw_create(L, w->tmp_path, O_WRONLY, 0644);
  w->created = 1;
  if (write(w->fd, zero, sizeof zero) != (ssize_t)sizeof zero)
    ixw_failed(L, w);
  w->off = IX_HEADER_SIZE;
}

/* Write bytes after the header, checksumming each block as it fills. */
int ixw_write(ixwriter *w, const void *data, size_t n) {
  const unsigned char *p = data;
  while (n > 0) {
    size_t room = IXW_BUFFER - w->block_used, k = n < room ? n : room;
    memcpy(w->block + w->block_used, p, k);
    w->block_used += k;
    p += k;
    n -= k;
    while (w->block_used - w->block_summed >= IX_BLOCK_SIZE) {
      uint64_t h = ix_hash(w->block + w->block_summed, IX_BLOCK_SIZE, 0);
      if (buf_add(&w->sums, &h, sizeof h) != 0) return -1;
      w->block_summed += IX_BLOCK_SIZE;
    }
    if (w->block_used == IXW_BUFFER) {
      if (write_all(w->fd, w->block, IXW_BUFFER) != 0) return -1;
      w->off += IXW_BUFFER;
      w->block_used = w->block_summed = 0;
    }
  }
  return 0;
}

int ixw_align(ixwriter *w) {
  static const unsigned char zero[8] = {0};
  size_t pad = (size_t)((8 - ixw_pos(w) % 8) % 8);
  return ixw_write(w, zero, pad);
}

/* Flush the last partial block (hashed as it is, short). */
static int ixw_flush(ixwriter *w) {
  if (w->block_used > w->block_summed) {
    uint64_t h = ix_hash(w->block + w->block_summed, w->block_used - w->block_summed, 0);
    if (buf_add(&w->sums, &h, sizeof h) != 0) return -1;
  }
  if (write_all(w->fd, w->block, w->block_used) != 0) return -1;
  w->off += w->block_used;
  w->block_used = w->block_summed = 0;
  return 0;
}

/* ---------------------------------------------------------------- sections */

/* A new entry in the section table, at offset off. */
static ix_section *add_section(lua_State *L, ixwriter *w, const char *name, uint64_t off) {
  ix_section *s;
  if (w->h.nsections >= IX_MAX_SECTIONS) luaL_error(L, "too many index sections");
  s = &w->h.sections[w->h.nsections++];
  snprintf(s->name, sizeof s->name, "%s", name);
  s->offset = off;
  return s;
}

void ixw_begin_section(lua_State *L, ixwriter *w, const char *name) {
  if (ixw_align(w)) ixw_failed(L, w);
  add_section(L, w, name, ixw_pos(w));
}

void ixw_end_section(ixwriter *w) {
  ix_section *s = &w->h.sections[w->h.nsections - 1];
  s->size = ixw_pos(w) - s->offset;
}

void ixw_section(lua_State *L, ixwriter *w, const char *name, const void *p, size_t n) {
  ixw_begin_section(L, w, name);
  if (ixw_write(w, p, n)) ixw_failed(L, w);
  ixw_end_section(w);
}

/* ---------------------------------------------------------------- finishing */

/*
** The checksum table goes last, unblocked (it is not covered by itself: the
** header holds its checksum); then the header, which is checksummed with its
** checksum field zero, over the space reserved at the start.
*/
void ixw_finish(lua_State *L, ixwriter *w, uint64_t ntokens, uint32_t ndocs, uint64_t nexact,
                uint64_t nfold) {
  unsigned char hdr[IX_HEADER_SIZE];
  uint64_t sums_off;
  ix_section *s;
  if (ixw_align(w) || ixw_flush(w)) ixw_failed(L, w);
  sums_off = w->off;
  s = add_section(L, w, IX_SEC_CHECKSUMS, sums_off);
  s->size = w->sums.n;
  if (write_all(w->fd, w->sums.p, w->sums.n) != 0)
    ixw_failed(L, w);
  memcpy(w->h.magic, IX_MAGIC, 8);
  w->h.version = IX_VERSION;
  w->h.header_size = IX_HEADER_SIZE;
  w->h.file_size = sums_off + w->sums.n;
  w->h.ntokens = ntokens;
  w->h.ndocs = ndocs;
  w->h.nexact = nexact;
  w->h.nfold = nfold;
  w->h.sums_checksum = ix_hash(w->sums.p, w->sums.n, 0);
  w->h.checksum = 0;
  w->h.checksum = ix_hash(&w->h, sizeof w->h, 0);
  memset(hdr, 0, sizeof hdr);
  memcpy(hdr, &w->h, sizeof w->h);
  if (pwrite(w->fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || fsync(w->fd) != 0)
    ixw_failed(L, w);
  if (close(w->fd) != 0) { w->fd = -1; ixw_failed(L, w); }
  w->fd = -1;
  if (rename(w->tmp_path, w->path) != 0)
    parley_error(L, "cannot rename %s to %s: %s", w->tmp_path, w->path, strerror(errno));
  w->done = 1;
}

/* Close the file, remove it unless it was renamed into place, free the buffers. */
void ixw_free(ixwriter *w) {
  if (w->fd >= 0) { close(w->fd); w->fd = -1; }
  if (w->created && !w->done) unlink(w->tmp_path);
  w->created = 0;
  free(w->path); free(w->tmp_path);
  w->path = w->tmp_path = NULL;
  free(w->block); w->block = NULL;
  buf_free(&w->sums);
}

/* ---------------------------------------------------------------- spilled sections */

#define SPILL_AT ((size_t)4 << 20)     /* bytes gathered before they go to the file */

/*
** A file without a name in the folder of path (O_TMPFILE), so that no kill
** at any moment can leave it behind; -1 where the kernel or the file
** system cannot make one.
*/
int ixw_unnamed(const char *path) {
#ifdef O_TMPFILE
  char dir[4096];
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 1;
  if (n >= sizeof dir) return -1;
  if (!slash) memcpy(dir, ".", 1);
  else if (n == 0) { memcpy(dir, "/", 1); n = 1; }
  else memcpy(dir, path, n);
  dir[n] = '\0';
  return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
  (void)path;
  return -1;
#endif
}

void spill_open(lua_State *L, spill *s, const char *path, const char *what) {
  size_t len = strlen(path) + strlen(what) + 40;
  char *name = malloc(len);
  if (name == NULL) {
    luaL_error(L, "not enough memory");
    return;
  }
  snprintf(name, len, "%s.spill-%s.%ld", path, what, (long)getpid());
  s->fd = ixw_unnamed(name);
  if (s->fd >= 0) {
    free(name);
    return;
  }
  s->fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (s->fd < 0) {
    int e = errno;
    lua_pushfstring(L, "cannot create %s: %s", name, strerror(e));
    free(name);
    parley_error(L, "%s", lua_tostring(L, -1));
  }
  unlink(name);                 /* the descriptor keeps it: no file is ever left behind */
  free(name);
}

int spill_add(spill *s, const void *p, size_t n) {
  if (buf_add(&s->mem, p, n) != 0) { errno = ENOMEM; return -1; }
  if (s->mem.n >= SPILL_AT && s->fd >= 0) {
    if (write_all(s->fd, s->mem.p, s->mem.n) != 0) return -1;
    s->flushed += s->mem.n;
    s->mem.n = 0;
  }
  return 0;
}

void ixw_section_spill(lua_State *L, ixwriter *w, const char *name, spill *s) {
  unsigned char *chunk;
  uint64_t at = 0;
  ixw_begin_section(L, w, name);
  if (s->flushed > 0) {
    if ((chunk = malloc(1 << 20)) == NULL) luaL_error(L, "not enough memory");
    while (at < s->flushed) {
      size_t want = s->flushed - at < (1 << 20) ? (size_t)(s->flushed - at) : (size_t)1 << 20;
      ssize_t r = pread(s->fd, chunk, want, (off_t)at);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        int e = r < 0 ? errno : EIO;
        free(chunk);
        parley_error(L, "cannot read back what the build spilled (%s): %s", name, strerror(e));
      }
      if (ixw_write(w, chunk, (size_t)r)) { free(chunk); ixw_failed(L, w); }
      at += (uint64_t)r;
    }
    free(chunk);
  }
  if (ixw_write(w, s->mem.p, s->mem.n)) ixw_failed(L, w);
  ixw_end_section(w);
  buf_free(&s->mem);
}

void spill_free(spill *s) {
  buf_free(&s->mem);
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->flushed = 0;
}
