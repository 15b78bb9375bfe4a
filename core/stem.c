/*
** stem.c — `parley.stem`: Snowball stemmers (Debian's libstemmer) for
** comparing words across paraphrase: "guarantees", "guaranteed" and
** "guarantee" share the stem "guarante".  A stemmer is a `parley.Stemmer`
** userdata made by stem.new(language); it is not thread-safe, so each Lua
** state makes its own.
*/
#include <string.h>
#include <libstemmer.h>

#include "parley.h"

#define STEMMER "parley.Stemmer"
#define MAX_WORD 256   /* longer words are returned as they are */

typedef struct pl_stemmer { struct sb_stemmer *sb; } pl_stemmer;

static pl_stemmer *check_stemmer(lua_State *L, int i) {
  pl_stemmer *s = luaL_checkudata(L, i, STEMMER);
  if (s->sb == NULL) luaL_argerror(L, i, "a closed stemmer");
  return s;
}

/* Push the stem of the string at stack index i (the word itself if too long for the stemmer). */
static void push_stem(lua_State *L, pl_stemmer *s, int i) {
  size_t len;
  const char *w = luaL_checklstring(L, i, &len);
  const sb_symbol *r;
  if (len == 0 || len > MAX_WORD) { lua_pushvalue(L, i); return; }
  r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)len);
  if (r == NULL) luaL_error(L, "not enough memory");
  lua_pushlstring(L, (const char *)r, (size_t)sb_stemmer_length(s->sb));
}

/* stemmer:stem(word) -> its stem; stemmer:stem(list) -> a list of their stems (one call for many). */
static int stemmer_stem(lua_State *L) {
  pl_stemmer *s = check_stemmer(L, 1);
  lua_Integer i, n;
  if (lua_type(L, 2) != LUA_TTABLE) {
    push_stem(L, s, 2);
    return 1;
  }
  n = (lua_Integer)lua_rawlen(L, 2);
  lua_createtable(L, (int)n, 0);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "bad argument #1 to 'stem' (item %d is not a string)", (int)i);
    push_stem(L, s, lua_gettop(L));
    lua_rawseti(L, -3, i);
    lua_pop(L, 1);
  }
  return 1;
}

static int stemmer_gc(lua_State *L) {
  pl_stemmer *s = luaL_checkudata(L, 1, STEMMER);
  if (s->sb) sb_stemmer_delete(s->sb);
  s->sb = NULL;
  return 0;
}

static int stemmer_tostring(lua_State *L) {
  lua_pushliteral(L, "stemmer");
  return 1;
}

/* new([language]) -> a stemmer (default "english"; the Snowball names: english, russian, german …) */
static int stem_new(lua_State *L) {
  const char *lang = luaL_optstring(L, 1, "english");
  pl_stemmer *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->sb = NULL;
  luaL_setmetatable(L, STEMMER);
  s->sb = sb_stemmer_new(lang, "UTF_8");
  if (s->sb == NULL) {
    luaL_pushfail(L);
    lua_pushfstring(L, "no stemmer for the language '%s'", lang);
    return 2;
  }
  return 1;
}

/* languages() -> the list of languages there are stemmers for */
static int stem_languages(lua_State *L) {
  const char **l = sb_stemmer_list();
  int i;
  lua_newtable(L);
  for (i = 0; l[i]; i++) {
    lua_pushstring(L, l[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static const luaL_Reg stemmer_meta[] = {
  {"__gc",       stemmer_gc},
  {"__close",    stemmer_gc},
  {"__tostring", stemmer_tostring},
  {"__index",    NULL},
  {NULL, NULL}
};

static const luaL_Reg stemmer_methods[] = {
  {"stem", stemmer_stem},
  {NULL, NULL}
};

static const luaL_Reg stem_funcs[] = {
  {"new",       stem_new},
  {"languages", stem_languages},
  {NULL, NULL}
};

int luaopen_parley_stem(lua_State *L) {
  luaL_newmetatable(L, STEMMER);
  luaL_setfuncs(L, stemmer_meta, 0);
  luaL_newlib(L, stemmer_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, stem_funcs);
  return 1;
}
