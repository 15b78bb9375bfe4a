/*
** fs.c — `parley.fs`: the little file-system access the toolkit needs
** (listing a corpus folder, fingerprints of sources, real paths, creating
** the index folder and private cache folders, asking whether a folder is
** writable), with errors returned as nil, message naming the path.  None of
** the checks follows a symbolic link where the answer is about the link.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "parley.h"

/* The path argument at i: a string without NUL bytes (C would see only its first part). */
static const char *check_path(lua_State *L, int i) {
  size_t len;
  const char *path = luaL_checklstring(L, i, &len);
  luaL_argcheck(L, strlen(path) == len, i, "path holds a NUL byte");
  return path;
}

static int fs_fail(lua_State *L, const char *path) {
  int e = errno;
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", path, strerror(e));
  lua_pushinteger(L, e);
  return 3;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* dir(path) -> sorted list of entry names (without . and ..) | nil, msg */
static int fs_dir(lua_State *L) {
  const char *path = check_path(L, 1);
  DIR *d = opendir(path);
  struct dirent *e;
  lua_Integer n = 0, i;
  if (d == NULL) return fs_fail(L, path);
  lua_newtable(L);
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    lua_pushstring(L, e->d_name);  /* may raise on memory error: d leaks; acceptable OOM path */
    lua_rawseti(L, -2, ++n);
  }
  closedir(d);
  /* sort through Lua's table.sort-free path: collect pointers, qsort, rewrite */
  if (n > 1) {
    const char **names = lua_newuserdatauv(L, (size_t)n * sizeof *names, 0);
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, -2, i);
      names[i - 1] = lua_tostring(L, -1);
      lua_pop(L, 1);  /* the string stays anchored in the table */
    }
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
      lua_pushstring(L, names[i - 1]);
      lua_rawseti(L, -2, i);
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
  }
  return 1;
}

static const char *file_type(mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "link";
  return "other";
}

/* What a file that is not a folder is, for messages. */
static const char *kind_of(mode_t m) {
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISREG(m)) return "a file";
  return "a special file";
}

/* The fields of a stat table (see fs.stat), pushed. */
static void push_stat(lua_State *L, const struct stat *st) {
  lua_createtable(L, 0, 8);
  lua_pushstring(L, file_type(st->st_mode));
  lua_setfield(L, -2, "type");
  parley_setint(L, "size", (lua_Integer)st->st_size);
  parley_setint(L, "mtime", (lua_Integer)st->st_mtim.tv_sec);
  parley_setint(L, "mtime_ns", (lua_Integer)st->st_mtim.tv_nsec);
  parley_setint(L, "dev", (lua_Integer)st->st_dev);
  parley_setint(L, "ino", (lua_Integer)st->st_ino);
  parley_setint(L, "uid", (lua_Integer)st->st_uid);
  parley_setint(L, "mode", (lua_Integer)(st->st_mode & 07777));
}

/*
** stat(path) -> { type=, size=, mtime=, mtime_ns=, dev=, ino=, uid=, mode= } | nil, msg
** (type: "file", "directory" or "other"; a symbolic link is followed).
** dev and ino identify the file; mode holds its permission bits.
*/
static int fs_stat(lua_State *L) {
  const char *path = check_path(L, 1);
  struct stat st;
  if (stat(path, &st) != 0) return fs_fail(L, path);
  push_stat(L, &st);
  return 1;
}

/* lstat(path) -> the same table about path itself: type "link" for a symbolic link. */
static int fs_lstat(lua_State *L) {
  const char *path = check_path(L, 1);
  struct stat st;
  if (lstat(path, &st) != 0) return fs_fail(L, path);
  push_stat(L, &st);
  return 1;
}

/* realpath(path) -> the absolute path with every symbolic link, . and .. resolved | nil, msg */
static int fs_realpath(lua_State *L) {
  const char *path = check_path(L, 1);
  char real[PATH_MAX];
  if (realpath(path, real) == NULL) return fs_fail(L, path);
  lua_pushstring(L, real);
  return 1;
}

/* Do the folder's own permission bits let this process's user write in it?
** (root may write anywhere; a folder its owner made read-only is still read-only.) */
static int mode_allows_write(const struct stat *st) {
  if (st->st_uid == geteuid()) return (st->st_mode & S_IWUSR) != 0;
  if (st->st_gid == getegid()) return (st->st_mode & S_IWGRP) != 0;
  if (geteuid() == 0) return (st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0;
  return (st->st_mode & S_IWOTH) != 0;
}

/* Is the file system holding path mounted read-only?  (access() says so
** too, on Linux; asked on its own so that no kernel's answer is relied on.) */
static int read_only_mount(const char *path) {
  struct statvfs vfs;
  return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
}

/*
** writable(dir) -> true | false, msg: is dir a folder itself (not a symbolic
** link to one) that this process may create files in, and that its mode
** marks as writable for this user, on a file system not mounted read-only?
** Nothing is written.  The mode counts, not only access(): root may write
** into a read-only corpus, and must not.
*/
static int fs_writable(lua_State *L) {
  const char *path = check_path(L, 1);
  struct stat st;
  int e;
  if (lstat(path, &st) != 0) e = errno;
  else if (!S_ISDIR(st.st_mode)) e = 0;
  else if (read_only_mount(path)) e = EROFS;
  else if (faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) != 0) e = errno;
  else if (!mode_allows_write(&st)) e = EACCES;
  else {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushboolean(L, 0);
  if (e) lua_pushfstring(L, "%s: %s", path, strerror(e));
  else lua_pushfstring(L, "%s: not a folder (%s)", path, kind_of(st.st_mode));
  return 2;
}

/*
** private_dir(path) -> true | nil, msg: make the folder (mode 0700) unless
** it exists, then make sure it can hold private files: a folder itself (not
** a symbolic link), owned by this process's user, writable by nobody else.
** Its parent must exist.
*/
static int fs_private_dir(lua_State *L) {
  const char *path = check_path(L, 1);
  struct stat st;
  if (mkdir(path, 0700) != 0 && errno != EEXIST) return fs_fail(L, path);
  if (lstat(path, &st) != 0) return fs_fail(L, path);
  if (S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH))) {
    lua_pushboolean(L, 1);
    return 1;
  }
  luaL_pushfail(L);
  if (!S_ISDIR(st.st_mode)) {
    lua_pushfstring(L, "%s: not a folder (%s)", path, kind_of(st.st_mode));
  } else if (st.st_uid != geteuid()) {
    lua_pushfstring(L, "%s: owned by another user (uid %d, not %d)", path, (int)st.st_uid, (int)geteuid());
  } else {
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", (unsigned)(st.st_mode & 07777));
    lua_pushfstring(L, "%s: writable by %s (mode %s)", path,
                    (st.st_mode & S_IWOTH) ? "others" : "its group", mode);
  }
  return 2;
}

/* mkdir(path): create the folder and its parents; true if it exists after. */
static int fs_mkdir(lua_State *L) {
  size_t len, i;
  const char *path = luaL_checklstring(L, 1, &len);
  char *buf;
  luaL_argcheck(L, len > 0 && strlen(path) == len, 1, "invalid path");
  buf = lua_newuserdatauv(L, len + 1, 0);
  memcpy(buf, path, len + 1);
  for (i = 1; i <= len; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) return fs_fail(L, buf);
      buf[i] = c;
    }
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* pid() -> this process's id (temporary files of a build are named after it) */
static int fs_pid(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)getpid());
  return 1;
}

/*
** alive(pid) -> is there a process with this id?  (kill with signal 0: it
** exists when that succeeds or fails only for want of permission.)  What
** names a build's temporary files after their process asks it.
*/
static int fs_alive(lua_State *L) {
  lua_Integer pid = luaL_checkinteger(L, 1);
  luaL_argcheck(L, pid > 0 && pid == (lua_Integer)(pid_t)pid, 1, "not a process id");
  lua_pushboolean(L, kill((pid_t)pid, 0) == 0 || errno == EPERM);
  return 1;
}

static const luaL_Reg fs_funcs[] = {
  {"dir",         fs_dir},
  {"stat",        fs_stat},
  {"lstat",       fs_lstat},
  {"realpath",    fs_realpath},
  {"writable",    fs_writable},
  {"private_dir", fs_private_dir},
  {"mkdir",       fs_mkdir},
  {"pid",         fs_pid},
  {"alive",       fs_alive},
  {NULL, NULL}
};

int luaopen_parley_fs(lua_State *L) {
  luaL_newlib(L, fs_funcs);
  return 1;
}
