/*
** bytecode.c — the toolkit's Lua modules loaded precompiled.  Parsing Lua
** source is most of a command's start-up (an open of a corpus loads some
** 170 KB of it: about half the whole process's time), so `make` compiles
** every module of lua/ to HOME/build/lc/NAME.luac with build/parley itself
** (the Lua it embeds): the source's hash (16 hex digits, a newline), then
** string.dump of the chunk loaded under its source's name, so tracebacks and
** debug information are those of the source.  A searcher placed before
** Lua's own loads the compiled chunk instead of the source, but only while
** the hash it carries is the source's as it is now (an edited module, or one
** restored with an older time, is read from source until the next `make`),
** and only as a binary chunk (mode "b").  Anything amiss (no compiled file,
** another hash, one that does not load) and Lua's own searcher reads the
** source, as without this.  Reading and hashing the source costs little
** beside parsing it.
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parley.h"
#include "ixfile.h"

/* Read the file at path whole into a Lua string on the stack; 0, or -1 (nothing pushed). */
static int push_file(lua_State *L, const char *path, size_t size) {
  luaL_Buffer b;
  FILE *f = fopen(path, "rb");
  size_t got;
  if (f == NULL) return -1;
  got = fread(luaL_buffinitsize(L, &b, size + 1), 1, size + 1, f);
  fclose(f);
  if (got != size) { luaL_pushresultsize(&b, 0); lua_pop(L, 1); return -1; }
  luaL_pushresultsize(&b, got);
  return 0;
}

/*
** The searcher (upvalue 1: the toolkit's home): for module NAME, the
** compiled HOME/build/lc/N.luac of the source HOME/lua/N.lua (N: NAME with
** dots as slashes; or N/init).  Returns the loader and the source's path,
** or a string saying why not.
*/
static int compiled_searcher(lua_State *L) {
  size_t nlen, i;
  const char *name = luaL_checklstring(L, 1, &nlen);
  const char *home = lua_tostring(L, lua_upvalueindex(1));
  static const char *const tails[] = { "", "/init" };
  char rel[256];
  int t;
  if (home == NULL || nlen == 0 || nlen >= sizeof rel - 8) return 0;
  for (i = 0; i < nlen; i++) {
    char c = name[i];
    if (c == '/' || c == '\\' || c == '\0' || (c == '.' && (i == 0 || name[i - 1] == '.'))) return 0;
    rel[i] = c == '.' ? '/' : c;
  }
  rel[nlen] = '\0';
  for (t = 0; t < 2; t++) {
    char src[PATH_MAX], bc[PATH_MAX];
    struct stat ss, bs;
    if (snprintf(src, sizeof src, "%s/lua/%s%s.lua", home, rel, tails[t]) >= (int)sizeof src ||
        snprintf(bc, sizeof bc, "%s/build/lc/%s%s.luac", home, rel, tails[t]) >= (int)sizeof bc)
      return 0;
    char want[17];
    const char *code;
    if (stat(src, &ss) != 0) continue;
    if (stat(bc, &bs) != 0 || !S_ISREG(bs.st_mode) || bs.st_size < 17 || !S_ISREG(ss.st_mode) ||
        push_file(L, src, (size_t)ss.st_size) != 0) {
      lua_pushfstring(L, "no compiled module '%s'", bc);
      return 1;
    }
    snprintf(want, sizeof want, "%016llx",
             (unsigned long long)ix_hash(lua_tostring(L, -1), lua_rawlen(L, -1), 0));
    lua_pop(L, 1);
    if (push_file(L, bc, (size_t)bs.st_size) != 0) {
      lua_pushfstring(L, "cannot read '%s'", bc);
      return 1;
    }
    code = lua_tostring(L, -1);
    if (memcmp(code, want, 16) != 0 || code[16] != '\n') {
      lua_pushfstring(L, "compiled module '%s' is not of its source as it is now", bc);
      return 1;
    }
    lua_pushfstring(L, "@%s", src);
    if (luaL_loadbufferx(L, code + 17, lua_rawlen(L, -2) - 17, lua_tostring(L, -1), "b") != LUA_OK) {
      lua_pushfstring(L, "compiled module '%s' does not load: %s", bc, lua_tostring(L, -1));
      return 1;
    }
    lua_pushstring(L, src);
    return 2;
  }
  return 0;
}

/* Put the searcher second in package.searchers (after the preload one); home at the top of the stack. */
void parley_compiled_searcher(lua_State *L) {
  int home = lua_gettop(L);
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "insert");
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  lua_remove(L, -2);
  lua_pushinteger(L, 2);
  lua_pushvalue(L, home);
  lua_pushcclosure(L, compiled_searcher, 1);
  lua_call(L, 3, 0);
  lua_pop(L, 1);  /* table */
}
