/*
** init.c — the list of parley's C libraries (as Lua's linit.c).
** Each is loaded into package.loaded under its module name, so
** `require "parley.text"` finds it and lua/parley/init.lua gathers them.
*/
#include "parley.h"

static const luaL_Reg parley_libs[] = {
  {"parley.error",    luaopen_parley_error},
  {"parley.text",     luaopen_parley_text},
  {"parley.readline", luaopen_parley_readline},
  {"parley.fs",       luaopen_parley_fs},
  {"parley.loader",   luaopen_parley_loader},
  {"parley.tokenizer", luaopen_parley_tokenizer},
  {"parley.indexer",  luaopen_parley_indexer},
  {"parley.index",    luaopen_parley_index},
  {"parley.hits",     luaopen_parley_hits},
  {"parley.writer",   luaopen_parley_writer},
  {"parley.sandbox",  luaopen_parley_sandbox},
  {"parley.reader",   luaopen_parley_reader},
  {"parley.stem",     luaopen_parley_stem},
  {"parley.lock",     luaopen_parley_lock},
  {"parley.watcher",  luaopen_parley_watcher},
  {"parley.seglist",  luaopen_parley_seglist},
  {NULL, NULL}
};

void parley_openlibs(lua_State *L) {
  const luaL_Reg *lib;
  for (lib = parley_libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 0);
    lua_pop(L, 1);
  }
}
