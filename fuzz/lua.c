/*
** fuzz/lua.c — a target written in Lua: fuzz/FUZZ_TARGET.lua returns a
** function that gets each input as a string and drives the toolkit with it.
*/
#include "lauxlib.h"
#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target (the Makefile sets it)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ref = LUA_NOREF;
  lua_State *L = fuzz_state();
  if (ref == LUA_NOREF) ref = fuzz_load(L, FUZZ_TARGET);
  lua_pushlstring(L, (const char *)data, size);
  fuzz_call(L, ref, 1);
  return 0;
}
