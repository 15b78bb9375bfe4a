/*
** fuzz/host.c — the Lua state and scratch folder the fuzz targets share.
** The core is linked whole, main.c included (built with its main renamed),
** so the interruption functions are the real ones; no Ctrl-C reaches a fuzz
** run, since the registry holds no flag (parley_interrupt_flag's "never").
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lualib.h"
#include "lauxlib.h"
#include "parley.h"
#include "fuzz.h"

#ifndef FUZZ_HOME
#error "FUZZ_HOME must name the source tree (the Makefile sets it)"
#endif

static lua_State *state;
static int fuzz_try(lua_State *L);

/* fuzz.fail(msg): a target's own check failed (a wrong answer, not a refusal). */
static int fuzz_fail(lua_State *L) {
  fprintf(stderr, "fuzz: check failed: %s\n", luaL_optstring(L, 1, "?"));
  abort();
}
static char scratch[64];

static void remove_scratch(void) {
  char cmd[128];
  if (scratch[0] == '\0') return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
  if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", scratch);
}

const char *fuzz_scratch(void) {
  if (scratch[0] == '\0') {
    strcpy(scratch, "/tmp/parley-fuzz.XXXXXX");
    if (mkdtemp(scratch) == NULL) { perror("fuzz: mkdtemp"); abort(); }
    atexit(remove_scratch);
  }
  return scratch;
}

lua_State *fuzz_state(void) {
  lua_State *L = state;
  if (L) return L;
  L = luaL_newstate();
  if (L == NULL) abort();
  luaL_openlibs(L);
  parley_openlibs(L);
  lua_getglobal(L, "package");
  lua_pushstring(L, FUZZ_HOME "/lua/?.lua;" FUZZ_HOME "/lua/?/init.lua;" LUA_PATH_DEFAULT);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_createtable(L, 0, 2);                      /* package.loaded["parley.site"] */
  lua_pushstring(L, FUZZ_HOME);
  lua_setfield(L, -2, "home");
  lua_pushliteral(L, PARLEY_VERSION);
  lua_setfield(L, -2, "version");
  lua_setfield(L, -2, "parley.site");
  lua_createtable(L, 0, 2);                      /* package.loaded.fuzz: for the Lua targets */
  lua_pushcfunction(L, fuzz_fail);
  lua_setfield(L, -2, "fail");
  lua_pushcfunction(L, fuzz_try);
  lua_setfield(L, -2, "try");
  lua_pushstring(L, FUZZ_HOME);
  lua_setfield(L, -2, "home");
  lua_pushstring(L, fuzz_scratch());
  lua_setfield(L, -2, "scratch");
  lua_setfield(L, -2, "fuzz");
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "parley");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(stderr, "fuzz: cannot load the toolkit: %s\n", lua_tostring(L, -1));
    abort();
  }
  lua_setglobal(L, "parley");
  state = L;
  return L;
}

int fuzz_load(lua_State *L, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/fuzz/%s.lua", FUZZ_HOME, name);
  if (luaL_loadfile(L, path) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK || !lua_isfunction(L, -1)) {
    fprintf(stderr, "fuzz: %s: %s\n", path, lua_isstring(L, -1) ? lua_tostring(L, -1) : "returns no function");
    abort();
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

static int traceback(lua_State *L) {
  luaL_traceback(L, L, luaL_tolstring(L, 1, NULL), 1);
  return 1;
}

static int env_flag(const char *name) {
  const char *v = getenv(name);
  return v != NULL && strcmp(v, "1") == 0;
}

/*
** Is the error one of Lua's own, raised inside the toolkit (an indexed nil, a
** bad argument to a library function) rather than a message written for the
** user?  It is positioned in the toolkit's code.  An error in a corpus' own
** file (a manifest that compares nil) is positioned there, and is the user's.
** (Nothing here may look for words an input could hold: libFuzzer learns the
** strings compared with it.)
*/
static int internal_error(const char *msg) {
  static const char home[] = FUZZ_HOME "/lua/";
  return strncmp(msg, home, sizeof home - 1) == 0;
}

/* The error on top of the stack refused an input: say so (FUZZ_VERBOSE), or abort (FUZZ_STRICT). */
static void refused(lua_State *L) {
  static int verbose = -1, strict = -1;
  const char *msg = lua_tostring(L, -1);
  if (verbose < 0) verbose = env_flag("FUZZ_VERBOSE");
  if (strict < 0) strict = env_flag("FUZZ_STRICT");
  if (verbose) fprintf(stderr, "fuzz: refused: %s\n", msg ? msg : "?");
  if (strict && msg && internal_error(msg)) {
    fprintf(stderr, "fuzz: an internal error, not a message for the user: %s\n", msg);
    abort();
  }
}

/* fuzz.try(f, ...) -> true, results | false: pcall, an error refusing the input as for a target. */
static int fuzz_try(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_pushcfunction(L, traceback);
  lua_insert(L, 1);
  if (lua_pcall(L, n - 1, LUA_MULTRET, 1) != LUA_OK) {
    refused(L);
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_pushboolean(L, 1);
  lua_replace(L, 1);                             /* true results... */
  return lua_gettop(L);
}

void fuzz_call(lua_State *L, int ref, int nargs) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, traceback);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_rotate(L, base + 1, 2);                    /* handler function args... */
  if (lua_pcall(L, nargs, 0, base + 1) != LUA_OK) refused(L);
  lua_settop(L, base);
}
