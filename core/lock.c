/*
** lock.c — `parley.lock`: the lock that lets one process build an index
** while the others wait for it.  A lock is an flock(2) held on a small file
** next to the index (PATH.lock).  The kernel drops it when its holder closes
** the file or dies, so a lock of a dead process is free by construction,
** and a lock file left behind never blocks anyone.  The holder removes the
** file before it lets go, so that folders do not fill with lock files; a
** waiter that then gets the lock of the removed file notices (the path no
** longer names the file it locked) and starts again on the path, so two
** processes never hold two different files of one path.
*/
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parley.h"

typedef struct plock {
  int fd;                          /* -1 when no file is open */
  int held;                        /* the lock is ours */
  int closed;                      /* closed for good */
} plock;

static plock *check_lock(lua_State *L, int i) {
  return luaL_checkudata(L, i, PARLEY_LOCK);
}

static plock *to_lock(lua_State *L, int i) {
  plock *k = check_lock(L, i);
  if (k->closed) luaL_error(L, "attempt to use a closed lock");
  return k;
}

/* The lock file's path: the user value of the lock at i. */
static const char *lock_path(lua_State *L, int i) {
  const char *path;
  lua_getiuservalue(L, i, 1);
  path = lua_tostring(L, -1);
  lua_pop(L, 1);             /* the string stays anchored in the user value */
  return path;
}

/* Does path still name the file open at fd (not removed or replaced)? */
static int same_file(int fd, const char *path) {
  struct stat a, b;
  return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
** The one closer (__gc, __close, :close()): a holder removes the lock file
** (when the path still names its file), then closing the file releases
** the lock.
*/
static int lock_close(lua_State *L) {
  plock *k = check_lock(L, 1);
  if (k->fd >= 0) {
    int fd = k->fd;
    const char *path = lock_path(L, 1);
    if (k->held && path && same_file(fd, path)) unlink(path);
    k->fd = -1;
    k->held = 0;
    close(fd);
  }
  k->closed = 1;
  return 0;
}

/* Push nil, "PATH: why", errno (of a failed open or flock). */
static int lock_fail(lua_State *L, const char *path, int e) {
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", path, strerror(e));
  lua_pushinteger(L, e);
  return 3;
}

/*
** Take the lock of the lock at 1; wait: until it is ours (asking again
** every 20 ms rather than blocking in flock, so that Ctrl-C, the
** interruption flag of parley.h, stops the wait at once, whatever the
** signal handler's restart policy), else give up at once when another
** process holds it.  Pushes true | false (held elsewhere) | nil, msg, errno.
*/
static int acquire(lua_State *L, int wait) {
  plock *k = to_lock(L, 1);
  const char *path = lock_path(L, 1);
  const parley_flag *stop = parley_interrupt_flag(L);
  const struct timespec pause = { 0, 20 * 1000 * 1000 };
  while (!k->held) {
    if (k->fd < 0) {
      k->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (k->fd < 0) return lock_fail(L, path, errno);
    }
    if (flock(k->fd, LOCK_EX | LOCK_NB) == 0) {
      if (same_file(k->fd, path)) { k->held = 1; break; }
      close(k->fd);          /* the holder removed it before letting go: start again on the path */
      k->fd = -1;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return lock_fail(L, path, errno);
    if (!wait) { lua_pushboolean(L, 0); return 1; }
    if (parley_interrupted(stop)) return parley_interrupt_raise(L);
    nanosleep(&pause, NULL);
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* lock:try() -> true (now held) | false (another process holds it) | nil, msg, errno */
static int lock_try(lua_State *L) { return acquire(L, 0); }

/* lock:wait() -> true | nil, msg, errno: wait until the lock is ours (Ctrl-C raises "interrupted!") */
static int lock_wait(lua_State *L) { return acquire(L, 1); }

/*
** open(path) -> lock | nil, msg, errno: the lock of the lock file at path
** (not followed if it is a symbolic link), not yet taken; the file is
** opened (created, mode 0644) at once, so that a place where it cannot be
** made is known before anything waits.
*/
static int lock_open(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  plock *k;
  luaL_argcheck(L, strlen(path) == len, 1, "path holds a NUL byte");
  k = lua_newuserdatauv(L, sizeof *k, 1);
  k->fd = -1;
  k->held = 0;
  k->closed = 1;             /* closed until the file is open */
  luaL_setmetatable(L, PARLEY_LOCK);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  k->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (k->fd < 0) return lock_fail(L, path, errno);
  k->closed = 0;
  return 1;
}

static int lock_tostring(lua_State *L) {
  plock *k = check_lock(L, 1);
  lua_pushstring(L, k->closed ? "<lock (closed)>" : k->held ? "<lock (held)>" : "<lock (not held)>");
  return 1;
}

static const luaL_Reg lock_meta[] = {
  {"__gc",       lock_close},
  {"__close",    lock_close},
  {"__tostring", lock_tostring},
  {NULL, NULL}
};

static const luaL_Reg lock_methods[] = {
  {"try",   lock_try},
  {"wait",  lock_wait},
  {"close", lock_close},
  {NULL, NULL}
};

static const luaL_Reg lock_funcs[] = {
  {"open", lock_open},
  {NULL, NULL}
};

int luaopen_parley_lock(lua_State *L) {
  if (luaL_newmetatable(L, PARLEY_LOCK)) {
    luaL_setfuncs(L, lock_meta, 0);
    luaL_newlib(L, lock_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, lock_funcs);
  return 1;
}
