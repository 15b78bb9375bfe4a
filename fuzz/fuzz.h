/*
** fuzz/fuzz.h — what the fuzz targets share (libFuzzer harnesses; `make fuzz`).
** Each target is one binary: a C file of its own (text.c, token.c, index.c)
** or lua.c built with FUZZ_TARGET naming a Lua target, fuzz/NAME.lua.
*/
#ifndef PARLEY_FUZZ_H
#define PARLEY_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "lua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The one Lua state of this process: the standard and parley libraries,
** package.path on the toolkit's lua/ folder (FUZZ_HOME), made on first use;
** require "fuzz" gives the Lua targets fail(msg) (abort: a check failed),
** home (the source tree) and scratch (a folder of this process). */
lua_State *fuzz_state(void);
/* Load fuzz/NAME.lua, which returns the target's function; a registry reference to it. */
int fuzz_load(lua_State *L, const char *name);
/* Call the function of ref with the arguments on top of the stack (nargs of
** them) in protected mode; the stack is left as it was before the arguments.
** An error is bad input refused, not a bug; FUZZ_VERBOSE=1 prints it, and
** FUZZ_STRICT=1 aborts on one of Lua's own ("attempt to index a nil value"),
** which bad input should never meet. */
void fuzz_call(lua_State *L, int ref, int nargs);
/* A scratch folder of this process (made on first use, removed at exit). */
const char *fuzz_scratch(void);

#endif
