/*
** watch.c — `parley.watcher`: a corpus kept under watch, so that opening it
** need not stat every source.  A watch is an inotify instance over the
** corpus' folders and a Unix socket beside its index (INDEX.watch).  The
** watcher (lua/parley/watch.lua, `parley watch`) answers one question on
** the socket, "is the index still fresh?", and before it answers it reads
** every event queued so far: the kernel queues an inotify event while the
** call that changes a file runs, so an edit finished before the question is
** always counted.  A process that opens the corpus asks (watch.ask) and
** believes the answer only from a socket and a peer of its own user
** (SO_PEERCRED): a socket someone else planted is never trusted.
*/
#define _GNU_SOURCE            /* struct ucred, SO_PEERCRED */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "parley.h"

#define WATCH_MASK (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | \
                    IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define MAX_REQUEST 256

typedef struct pwatch {
  int ino;                     /* the inotify descriptor, or -1 */
  int sock;                    /* the listening socket, or -1 */
  dev_t dev; ino_t inode;      /* the socket file this watch made (removed at close if still it) */
} pwatch;

static pwatch *check_watch(lua_State *L, int i) { return luaL_checkudata(L, i, PARLEY_WATCH); }

static pwatch *to_watch(lua_State *L, int i) {
  pwatch *w = check_watch(L, i);
  if (w->ino < 0) luaL_error(L, "attempt to use a closed watch");
  return w;
}

/* The socket's path: the user value of the watch at i. */
static const char *watch_path(lua_State *L, int i) {
  const char *p;
  lua_getiuservalue(L, i, 1);
  p = lua_tostring(L, -1);
  lua_pop(L, 1);
  return p;
}

/* Fill a sockaddr_un with path; -1 if it is too long for one. */
static int unix_addr(struct sockaddr_un *a, const char *path, size_t len) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (len >= sizeof a->sun_path) return -1;
  memcpy(a->sun_path, path, len);
  return 0;
}

/* Is fd's peer a process of this user? */
static int peer_is_us(int fd) {
  struct ucred cr;
  socklen_t n = sizeof cr;
  return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &n) == 0 && cr.uid == geteuid();
}

/* Wait until fd is ready for events, at most ms (< 0: for ever); 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int ms) {
  struct pollfd p = { fd, events, 0 };
  int r;
  do r = poll(&p, 1, ms); while (r < 0 && errno == EINTR && ms < 0);
  return r;
}

/* The one closer: the socket file goes (if it is still the one this watch made). */
static int watch_close(lua_State *L) {
  pwatch *w = check_watch(L, 1);
  if (w->sock >= 0) {
    const char *path = watch_path(L, 1);
    struct stat st;
    if (path && lstat(path, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->inode) unlink(path);
    close(w->sock);
    w->sock = -1;
  }
  if (w->ino >= 0) { close(w->ino); w->ino = -1; }
  return 0;
}

/*
** Listen on a socket made at path[0..len) (mode 0600) for w; 0, or -1 with
** the failure pushed as nil, message.  A socket left there by a watcher that
** is gone is replaced; one that answers is another watcher's, and an error.
*/
static int listen_at(lua_State *L, pwatch *w, const char *path, size_t len) {
  struct sockaddr_un a;
  struct stat st;
  mode_t old;
  int r, e;
  if (unix_addr(&a, path, len) != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: too long a path for a socket (%d bytes at most)", path, (int)sizeof a.sun_path - 1);
    return -1;
  }
  if (lstat(path, &st) == 0) {
    int probe;
    if (!S_ISSOCK(st.st_mode)) {
      luaL_pushfail(L);
      lua_pushfstring(L, "%s: exists and is not a socket; remove it", path);
      return -1;
    }
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    r = probe >= 0 ? connect(probe, (struct sockaddr *)&a, sizeof a) : -1;
    if (probe >= 0) close(probe);
    if (r == 0) {
      luaL_pushfail(L);
      lua_pushfstring(L, "%s: another watcher is serving this index", path);
      return -1;
    }
    unlink(path);              /* a dead watcher's */
  }
  if ((w->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot watch: %s", strerror(errno));
    return -1;
  }
  old = umask(077);            /* the socket file is made 0600 by bind */
  r = bind(w->sock, (struct sockaddr *)&a, sizeof a);
  e = errno;
  umask(old);
  if (r != 0 || listen(w->sock, 16) != 0 || lstat(path, &st) != 0) {
    if (r == 0) e = errno;
    close(w->sock);
    w->sock = -1;
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(e));
    return -1;
  }
  w->dev = st.st_dev;
  w->inode = st.st_ino;
  return 0;
}

/*
** new(socket_path) -> watch | nil, message: an inotify instance with no
** folder yet, and a socket listening at socket_path (listen_at).
*/
static int watch_new(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  pwatch *w;
  luaL_argcheck(L, strlen(path) == len, 1, "path holds a NUL byte");
  w = lua_newuserdatauv(L, sizeof *w, 1);
  memset(w, 0, sizeof *w);
  w->ino = w->sock = -1;
  luaL_setmetatable(L, PARLEY_WATCH);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  if ((w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot watch: %s", strerror(errno));
    return 2;
  }
  if (listen_at(L, w, path, len) != 0) {
    close(w->ino);
    w->ino = -1;
    return 2;
  }
  return 1;
}

/*
** watch:relisten() -> true (listening again), false (the socket is still
** there) | nil, message.  The socket file lives in the index's folder: when
** that folder is removed and made again (rm -r .parley, and the next open
** rebuilds), no opener could reach this watcher any more, so it listens
** again at the same path.
*/
static int watch_relisten(lua_State *L) {
  pwatch *w = to_watch(L, 1);
  const char *path = watch_path(L, 1);
  struct stat st;
  if (w->sock >= 0 && lstat(path, &st) == 0 && st.st_dev == w->dev && st.st_ino == w->inode) {
    lua_pushboolean(L, 0);
    return 1;
  }
  if (w->sock >= 0) { close(w->sock); w->sock = -1; }
  if (listen_at(L, w, path, strlen(path)) != 0) return 2;
  lua_pushboolean(L, 1);
  return 1;
}

/* watch:add(folder) -> watch descriptor | nil, message */
static int watch_add(lua_State *L) {
  pwatch *w = to_watch(L, 1);
  size_t len;
  const char *dir = luaL_checklstring(L, 2, &len);
  int wd;
  luaL_argcheck(L, strlen(dir) == len, 2, "path holds a NUL byte");
  wd = inotify_add_watch(w->ino, dir, WATCH_MASK);
  if (wd < 0) {
    int e = errno;
    luaL_pushfail(L);
    if (e == ENOSPC)
      lua_pushfstring(L, "%s: no more folders can be watched (raise fs.inotify.max_user_watches)", dir);
    else
      lua_pushfstring(L, "%s: %s", dir, strerror(e));
    return 2;
  }
  lua_pushinteger(L, wd);
  return 1;
}

/*
** watch:wait([ms]) -> "change" | "question" | "timeout": block until a
** change is queued or a process asks, at most ms milliseconds (none: for
** ever).  Ctrl-C raises "interrupted!" (poll returns at the signal).
*/
static int watch_wait(lua_State *L) {
  pwatch *w = to_watch(L, 1);
  lua_Integer ms = luaL_optinteger(L, 2, -1);
  const parley_flag *stop = parley_interrupt_flag(L);
  struct pollfd p[2];
  int r;
  p[0].fd = w->ino; p[0].events = POLLIN; p[0].revents = 0;
  p[1].fd = w->sock; p[1].events = POLLIN; p[1].revents = 0;
  if (ms > 24 * 3600 * 1000) ms = 24 * 3600 * 1000;
  for (;;) {
    if (parley_interrupted(stop)) return parley_interrupt_raise(L);
    r = poll(p, 2, ms < 0 ? 250 : (int)ms);          /* wakes now and then for the flag */
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return luaL_error(L, "cannot wait for changes: %s", strerror(errno));
    if (r == 0 && ms >= 0) { lua_pushliteral(L, "timeout"); return 1; }
    if (p[0].revents) { lua_pushliteral(L, "change"); return 1; }
    if (p[1].revents) { lua_pushliteral(L, "question"); return 1; }
  }
}

/*
** watch:drain() -> events, overflow: every event queued so far, as a list of
** { wd = n, name = "file" (or none: the folder itself), folder = true (a
** folder was made or moved in), gone = true (the watched folder went) };
** overflow is true when the kernel dropped events (its queue was full):
** then nothing is known and the caller must check everything.
*/
static int watch_drain(lua_State *L) {
  pwatch *w = to_watch(L, 1);
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  lua_Integer n = 0;
  int overflow = 0;
  lua_newtable(L);
  for (;;) {
    ssize_t got = read(w->ino, buf, sizeof buf);
    const char *p;
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;       /* EAGAIN: the queue is empty */
    for (p = buf; p + sizeof(struct inotify_event) <= buf + got; ) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      size_t size = sizeof *ev + ev->len;
      if (p + size > buf + got) break;
      p += size;
      if (ev->mask & IN_Q_OVERFLOW) { overflow = 1; continue; }
      if (ev->mask & IN_IGNORED) continue;
      lua_createtable(L, 0, 4);
      parley_setint(L, "wd", ev->wd);
      if (ev->len > 0 && ev->name[0]) {
        lua_pushstring(L, ev->name);
        lua_setfield(L, -2, "name");
      }
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "folder");
      }
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "gone");
      }
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_pushboolean(L, overflow);
  return 2;
}

/*
** watch:answer(reply) -> true | false: take one waiting question and send
** the string reply (or, if reply is a function, reply(question)).  A peer
** of another user, or one that says nothing within 100 ms, gets no answer
** (false).
*/
static int watch_answer(lua_State *L) {
  pwatch *w = to_watch(L, 1);
  char req[MAX_REQUEST + 1];
  size_t have = 0, rlen;
  const char *reply;
  int fd = accept4(w->sock, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) { lua_pushboolean(L, 0); return 1; }
  if (!peer_is_us(fd)) { close(fd); lua_pushboolean(L, 0); return 1; }
  while (have < MAX_REQUEST && !memchr(req, '\n', have)) {
    ssize_t got;
    if (wait_fd(fd, POLLIN, 100) <= 0) break;
    got = read(fd, req + have, MAX_REQUEST - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    have += (size_t)got;
  }
  if (!memchr(req, '\n', have)) { close(fd); lua_pushboolean(L, 0); return 1; }
  if (lua_isfunction(L, 2)) {
    lua_pushvalue(L, 2);
    lua_pushlstring(L, req, have);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) { close(fd); return lua_error(L); }
    lua_replace(L, 2);
  }
  reply = luaL_checklstring(L, 2, &rlen);
  (void)!send(fd, reply, rlen, MSG_NOSIGNAL | MSG_DONTWAIT);
  close(fd);
  lua_pushboolean(L, 1);
  return 1;
}

static int watch_tostring(lua_State *L) {
  pwatch *w = check_watch(L, 1);
  lua_pushstring(L, w->ino < 0 ? "<watch (closed)>" : "<watch>");
  return 1;
}

/* Close fd (if open) and push nil, why: the failure of an ask. */
static int ask_fail(lua_State *L, int fd, const char *why) {
  if (fd >= 0) close(fd);
  luaL_pushfail(L);
  lua_pushstring(L, why);
  return 2;
}

/*
** ask(socket_path, question [, ms]) -> answer | nil, why: ask the watcher
** at socket_path, waiting at most ms (default 200) for the whole answer
** (up to 256 bytes, to its end of file).  No watcher, a file that is not a
** socket of this user, or a peer of another user: nil and why.
*/
static int watch_ask(lua_State *L) {
  size_t len, qlen, have = 0;
  const char *path = luaL_checklstring(L, 1, &len);
  const char *q = luaL_checklstring(L, 2, &qlen);
  lua_Integer ms = luaL_optinteger(L, 3, 200);
  struct sockaddr_un a;
  struct stat st;
  struct timespec t0, t;
  char ans[MAX_REQUEST];
  int fd;
  luaL_argcheck(L, strlen(path) == len, 1, "path holds a NUL byte");
  if (lstat(path, &st) != 0) return ask_fail(L, -1, "no watcher");
  if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid() || unix_addr(&a, path, len) != 0)
    return ask_fail(L, -1, "not a watcher's socket of this user");
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ask_fail(L, -1, strerror(errno));
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)   /* a Unix socket connects at once, or not */
    return ask_fail(L, fd, errno == ECONNREFUSED ? "no watcher" : errno == EAGAIN ? "the watcher is busy"
                                                                                   : strerror(errno));
  if (!peer_is_us(fd) || send(fd, q, qlen, MSG_NOSIGNAL) != (ssize_t)qlen)
    return ask_fail(L, fd, "the watcher is not of this user, or not listening");
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    long left;
    ssize_t got;
    clock_gettime(CLOCK_MONOTONIC, &t);
    left = (long)ms - ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L);
    if (left <= 0 || wait_fd(fd, POLLIN, (int)left) <= 0) return ask_fail(L, fd, "no answer in time");
    got = read(fd, ans + have, sizeof ans - have);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got < 0) return ask_fail(L, fd, strerror(errno));
    if (got == 0 || (have += (size_t)got) == sizeof ans) break;
  }
  close(fd);
  lua_pushlstring(L, ans, have);
  return 1;
}

static const luaL_Reg watch_meta[] = {
  {"__gc",       watch_close},
  {"__close",    watch_close},
  {"__tostring", watch_tostring},
  {NULL, NULL}
};

static const luaL_Reg watch_methods[] = {
  {"add",    watch_add},
  {"wait",   watch_wait},
  {"drain",  watch_drain},
  {"answer", watch_answer},
  {"relisten", watch_relisten},
  {"close",  watch_close},
  {NULL, NULL}
};

/*
** owned(path) -> true if path is a regular file (not a link) of this user
** that no one else may write: an index whose watcher's word may stand in
** for the checks of its contents (a file others can write could be forged
** to carry the checksum the watcher vouches for).
*/
static int watch_owned(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  lua_pushboolean(L, lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                     !(st.st_mode & (S_IWGRP | S_IWOTH)));
  return 1;
}

/* now() -> milliseconds on the monotonic clock (for the watcher's quiet time) */
static int watch_now(lua_State *L) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  lua_pushinteger(L, (lua_Integer)t.tv_sec * 1000 + t.tv_nsec / 1000000);
  return 1;
}

/*
** remote(path) -> the name of the network file system path lies on (nfs,
** smb, cifs, 9p, ceph, afs, fuse …), or nil: inotify sees only the edits made
** through this machine's kernel, so edits made on another machine that shares
** the folder are never seen, and a watcher must not vouch for it.
*/
static int watch_remote(lua_State *L) {
  static const struct { unsigned long magic; const char *name; } kinds[] = {
    { 0x6969, "nfs" }, { 0x517B, "smb" }, { 0xFE534D42, "smb2" }, { 0xFF534D42, "cifs" },
    { 0x01021997, "9p" }, { 0x00C36400, "ceph" }, { 0x5346414F, "afs" }, { 0x6B414653, "afs" },
    { 0x65735546, "fuse" }, { 0x47504653, "gpfs" }, { 0x0BD00BD0, "lustre" }, { 0x73757245, "coda" },
  };
  const char *path = luaL_checkstring(L, 1);
  struct statfs sf;
  size_t i;
  if (statfs(path, &sf) != 0) { luaL_pushfail(L); return 1; }
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if ((unsigned long)(uint32_t)sf.f_type == kinds[i].magic) { lua_pushstring(L, kinds[i].name); return 1; }
  luaL_pushfail(L);
  return 1;
}

static const luaL_Reg watch_funcs[] = {
  {"remote", watch_remote},
  {"new", watch_new},
  {"ask", watch_ask},
  {"now", watch_now},
  {"owned", watch_owned},
  {NULL, NULL}
};

int luaopen_parley_watcher(lua_State *L) {
  if (luaL_newmetatable(L, PARLEY_WATCH)) {
    luaL_setfuncs(L, watch_meta, 0);
    luaL_newlib(L, watch_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, watch_funcs);
  return 1;
}
