/*
** error.c — `parley.error`: errors a user can act on (a bad query, a corpus
** that cannot be read, a damaged index) as opposed to programming errors.
** They are raised as tables with the metatable PARLEY_ERROR, fields `msg`
** (the message), `where` ("chunk:line", the caller's position, or absent)
** and `quiet = true`; they print as "where: msg".  The command line, the
** REPL and the bundled commands show them without a traceback; anything
** else raised (a string from a bug, luaL_argerror) keeps its traceback.
** Errors of the API blame the code that called into the toolkit: level()
** (and parley_error_caller in C) finds the first function up the stack
** whose chunk is not one of the toolkit's modules (HOME/lua/…), so that a
** mistake noticed deep inside is reported at the user's line.
*/
#include <stdarg.h>
#include <string.h>

#include "parley.h"

/* Push a new error object with message msg and position where (may be NULL). */
static void push_error(lua_State *L, const char *msg, size_t len, const char *where, size_t wlen) {
  lua_createtable(L, 0, 3);
  lua_pushlstring(L, msg, len);
  lua_setfield(L, -2, "msg");
  if (where && wlen) {
    lua_pushlstring(L, where, wlen);
    lua_setfield(L, -2, "where");
  }
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "quiet");
  luaL_setmetatable(L, PARLEY_ERROR);
}

/* Push an error object with the message fmt formats from ap, and no position. */
static void push_formatted(lua_State *L, const char *fmt, va_list ap) {
  size_t len;
  const char *msg = lua_pushvfstring(L, fmt, ap);
  msg = lua_tolstring(L, -1, &len);
  push_error(L, msg, len, NULL, 0);
}

/* Raise an error object with a formatted message and no position. */
int parley_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_formatted(L, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

/*
** Raise the error object of a damaged index: a formatted message (naming
** the file) and the field `damaged`, the index's path, by which a caller
** that catches errors tells damage (never to be taken for an answer) from
** the rest (parley.error.damaged).
*/
int parley_error_damaged(lua_State *L, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_formatted(L, fmt, ap);
  va_end(ap);
  lua_pushstring(L, path);
  lua_setfield(L, -2, "damaged");
  return lua_error(L);
}

/*
** Is the function at stack level `level` the caller's, outside the toolkit?
** A Lua function whose chunk is not one of the toolkit's modules (under
** HOME/lua/, HOME from package.loaded["parley.site"]).  prefix: "@HOME/lua/".
*/
static int outside(lua_State *L, int level, const char *prefix, size_t plen) {
  lua_Debug ar;
  if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "S", &ar)) return -1;   /* no such level */
  if (ar.what[0] == 'C') return 0;
  return plen == 0 || strncmp(ar.source, prefix, plen) != 0;
}

/* Push "@HOME/lua/" (or "" when the home is unknown). */
static void push_prefix(lua_State *L) {
  int top = lua_gettop(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, "parley.site") == LUA_TTABLE && lua_getfield(L, -1, "home") == LUA_TSTRING)
    lua_pushfstring(L, "@%s/lua/", lua_tostring(L, -1));
  else
    lua_pushliteral(L, "");
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
}

/*
** The level (as for error(), counted from the function running at level
** `from` - 1) of the first function from level `from` up that is the
** caller's rather than the toolkit's: where a mistake made through the
** library API is blamed.  0 (no position) when there is none.
*/
int parley_caller_level(lua_State *L, int from) {
  size_t plen;
  const char *prefix;
  int level, r;
  push_prefix(L);
  prefix = lua_tolstring(L, -1, &plen);
  for (level = from; (r = outside(L, level, prefix, plen)) >= 0; level++)
    if (r) break;
  lua_pop(L, 1);
  return r > 0 ? level : 0;
}

/* The position of the function `level` levels up ("chunk:line"), pushed; "" if unknown. */
static void push_where(lua_State *L, int level) {
  size_t n;
  luaL_where(L, level);                 /* "chunk:line: " or "" */
  lua_tolstring(L, -1, &n);
  if (n >= 2) {
    lua_pushlstring(L, lua_tostring(L, -1), n - 2);
    lua_remove(L, -2);
  }
}

/*
** Raise an error object with a formatted message, positioned at the code
** that called into the toolkit (parley_caller_level): for mistakes made
** through the API that C notices, such as using a closed corpus.
*/
int parley_error_caller(lua_State *L, const char *fmt, ...) {
  va_list ap;
  size_t len, wlen = 0;
  const char *msg, *where = NULL;
  int level;
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  level = parley_caller_level(L, 1);
  if (level > 0) {
    push_where(L, level);
    where = lua_tolstring(L, -1, &wlen);
  } else {
    lua_pushnil(L);
  }
  msg = lua_tolstring(L, -2, &len);
  push_error(L, msg, len, where, wlen);
  return lua_error(L);
}

/*
** new(msg [, level [, fields]]) -> error object.  level as for error():
** 1 names the function calling new, 2 its caller, 0 (default) no position.
** fields: more fields to copy in (such as query = and pos =).
*/
static int error_new(lua_State *L) {
  size_t len, wlen = 0;
  const char *msg = luaL_checklstring(L, 1, &len), *where = NULL;
  lua_Integer level = luaL_optinteger(L, 2, 0);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 3);
  if (level > 0) {
    push_where(L, (int)level);
    where = lua_tolstring(L, -1, &wlen);
  } else {
    lua_pushnil(L);
  }
  push_error(L, msg, len, where, wlen);  /* 5 */
  if (lua_istable(L, 3)) {
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, 5);
    }
  }
  return 1;
}

/*
** raise(msg [, level [, fields]]): raise a new error object; level as for
** error() (default 1: the function calling raise).  new runs in this same
** C call, so the levels count from the same place.
*/
static int error_raise(lua_State *L) {
  lua_settop(L, 3);
  if (lua_isnil(L, 2)) { lua_pushinteger(L, 1); lua_replace(L, 2); }
  error_new(L);
  return lua_error(L);
}

/*
** level() -> the level, as for error() and raise() called in the function
** calling level, of the first function up the stack that is not the
** toolkit's own (a user's script, the REPL's line): the caller of the API.
** 0 when there is none.  error(msg, E.level()) blames the user's code
** however deep inside the toolkit the mistake is found.
*/
static int error_level(lua_State *L) {
  lua_pushinteger(L, parley_caller_level(L, 2));
  return 1;
}

/* Is the value at i an error object? */
int parley_is_error(lua_State *L, int i) {
  int yes;
  if (lua_type(L, i) != LUA_TTABLE || !lua_getmetatable(L, i)) return 0;
  luaL_getmetatable(L, PARLEY_ERROR);
  yes = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return yes;
}

/*
** Is the value at i an interruption ("interrupted!", as the hook and the C
** loops raise it) or a memory error ("not enough memory", Lua's message)?
** Neither is the toolkit's to recover from: they go up to the command line
** (or the REPL's prompt).
*/
int parley_is_fatal(lua_State *L, int i) {
  const char *msg;
  if (lua_type(L, i) != LUA_TSTRING) return 0;
  msg = lua_tostring(L, i);
  return strcmp(msg, PARLEY_INTERRUPTED) == 0 || strcmp(msg, "not enough memory") == 0;
}

/* fatal(v) -> true if v is an interruption or a memory error (parley_is_fatal) */
static int error_fatal(lua_State *L) {
  lua_pushboolean(L, parley_is_fatal(L, 1));
  return 1;
}

/* Is the value at i the error of a damaged (or stale) index (parley_error_damaged)? */
static int is_damage(lua_State *L, int i) {
  int yes;
  if (!parley_is_error(L, i)) return 0;
  yes = lua_getfield(L, i, "damaged") == LUA_TSTRING;
  lua_pop(L, 1);
  return yes;
}

/*
** pcall(f, ...) -> as pcall, but an interruption, a memory error or a
** damaged index is raised again rather than returned: the pcall for code
** that catches the failures it expects (a bad JSON, a missing register) and
** must not turn a Ctrl-C into one of them, or take damage for an answer.
*/
static int error_pcall(lua_State *L) {
  int status;
  luaL_checkany(L, 1);
  status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (status != LUA_OK) {
    if (status == LUA_ERRMEM || parley_is_fatal(L, -1) || is_damage(L, -1)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  return lua_gettop(L);
}

/* is(v) -> true if v is an error object */
static int error_is(lua_State *L) {
  lua_pushboolean(L, parley_is_error(L, 1));
  return 1;
}

/* message(v) -> the message of an error object (without position), or tostring(v) */
static int error_message(lua_State *L) {
  if (parley_is_error(L, 1)) lua_getfield(L, 1, "msg");
  else luaL_tolstring(L, 1, NULL);
  return 1;
}

/* damaged(v) -> the path of the damaged index v is the error of, or nil */
static int error_damaged(lua_State *L) {
  if (parley_is_error(L, 1) && lua_getfield(L, 1, "damaged") == LUA_TSTRING) return 1;
  lua_pushnil(L);
  return 1;
}

static int error_tostring(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getfield(L, 1, "where") == LUA_TSTRING) {
    lua_getfield(L, 1, "msg");
    lua_pushfstring(L, "%s: %s", lua_tostring(L, -2), luaL_optstring(L, -1, "?"));
  } else {
    lua_getfield(L, 1, "msg");
    if (!lua_isstring(L, -1)) lua_pushliteral(L, "?");
  }
  return 1;
}

static const luaL_Reg error_meta[] = {
  {"__tostring", error_tostring},
  {NULL, NULL}
};

static const luaL_Reg error_funcs[] = {
  {"new",     error_new},
  {"raise",   error_raise},
  {"is",      error_is},
  {"message", error_message},
  {"damaged", error_damaged},
  {"level",   error_level},
  {"fatal",   error_fatal},
  {"pcall",   error_pcall},
  {NULL, NULL}
};

int luaopen_parley_error(lua_State *L) {
  if (luaL_newmetatable(L, PARLEY_ERROR)) luaL_setfuncs(L, error_meta, 0);
  lua_pop(L, 1);
  luaL_newlib(L, error_funcs);
  luaL_getmetatable(L, PARLEY_ERROR);
  lua_setfield(L, -2, "Error");
  return 1;
}
