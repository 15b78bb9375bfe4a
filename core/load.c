/* load.c — placeholder, being written */
#include "parley.h"
int luaopen_parley_loader(lua_State *L) { lua_newtable(L); return 1; }
