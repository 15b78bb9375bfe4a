/*
** fuzz/text.c — UTF-8 validation, source normalisation and folding
** (core/text.c, core/load.c): the loader's checks and repair on any bytes,
** then parley.text's functions (fuzz/text.lua) on what it gives.
*/
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "parley.h"
#include "fuzz.h"

/* Abort unless s[0..n) is valid UTF-8 (the loader's result must be). */
static void must_be_utf8(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    int k = parley_utf8_seq((const unsigned char *)s + i, n - i, &cp);
    if (k <= 0 || (size_t)k > n - i || cp < 0 || cp > 0x10FFFF) abort();
    i += (size_t)k;
  }
}

/* The loader's map back to the source: sorted, inside both texts. */
static void check_anchors(const pl_loaded *l, size_t srclen) {
  size_t i;
  for (i = 0; i < l->nanchors; i++) {
    const pl_anchor *a = &l->anchors[i];
    if (a->text > l->len || a->src > srclen || a->line == 0 || a->col == 0) abort();
    if (i > 0 && a->text < l->anchors[i - 1].text) abort();
  }
}

static int fold(lua_State *L) {
  size_t n;
  const char *s = lua_tolstring(L, 1, &n);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (parley_fold(&b, s, n) != 0) abort();   /* valid text always folds */
  luaL_pushresult(&b);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ref = LUA_NOREF;
  lua_State *L = fuzz_state();
  pl_loaded strict, repaired;
  char err[256], err2[256];
  int ok = pl_load_buffer("fuzz.txt", (const char *)data, size, 0, &strict, err, sizeof err) == 0;
  if (ref == LUA_NOREF) ref = fuzz_load(L, "text");
  if (pl_load_buffer("fuzz.txt", (const char *)data, size, 1, &repaired, err2, sizeof err2) != 0) {
    if (ok) abort();                   /* repair refuses only what strict reading refuses too */
    lua_pushlstring(L, (const char *)data, size);
    fuzz_call(L, ref, 1);
    return 0;
  }
  must_be_utf8(repaired.text, repaired.len);
  check_anchors(&repaired, size);
  if (ok) {                            /* nothing to repair: the same text, nothing replaced */
    if (strict.len != repaired.len || memcmp(strict.text, repaired.text, strict.len) != 0 ||
        repaired.repaired != 0)
      abort();
    check_anchors(&strict, size);
    pl_loaded_free(&strict);
  } else if (strncmp(err, "fuzz.txt:", 9) != 0) {
    abort();                           /* a refusal names the file */
  }
  lua_pushcfunction(L, fold);
  lua_pushlstring(L, repaired.text, repaired.len);
  pl_loaded_free(&repaired);           /* before anything that can raise */
  lua_pcall(L, 1, 1, 0);               /* an error here is only memory */
  lua_pop(L, 1);
  lua_pushlstring(L, (const char *)data, size);
  fuzz_call(L, ref, 1);
  return 0;
}
