/*
** fs.c — `parley.fs`: the little file-system access the toolkit needs
** (listing a corpus folder, fingerprints of sources, creating the index
** folder), with errors returned as nil, message naming the path.
*/
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parley.h"

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
  const char *path = luaL_checkstring(L, 1);
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

/* stat(path) -> { type=, size=, mtime=, mtime_ns= } | nil, msg */
static int fs_stat(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  if (stat(path, &st) != 0) return fs_fail(L, path);
  lua_createtable(L, 0, 4);
  lua_pushstring(L, file_type(st.st_mode));
  lua_setfield(L, -2, "type");
  parley_setint(L, "size", (lua_Integer)st.st_size);
  parley_setint(L, "mtime", (lua_Integer)st.st_mtim.tv_sec);
  parley_setint(L, "mtime_ns", (lua_Integer)st.st_mtim.tv_nsec);
  return 1;
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

static const luaL_Reg fs_funcs[] = {
  {"dir",   fs_dir},
  {"stat",  fs_stat},
  {"mkdir", fs_mkdir},
  {NULL, NULL}
};

int luaopen_parley_fs(lua_State *L) {
  luaL_newlib(L, fs_funcs);
  return 1;
}
