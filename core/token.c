/* token.c — placeholder, being written */
#include "parley.h"
int luaopen_parley_tokenizer(lua_State *L) { lua_newtable(L); return 1; }
