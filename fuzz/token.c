/*
** fuzz/token.c — the tokeniser (core/token.c) on any text the loader
** accepts (in repair mode, so every input gives text): the tokens must be
** non-empty, in order, apart, inside the text and on character boundaries.
*/
#include <stdlib.h>

#include "parley.h"
#include "fuzz.h"

static int boundary(const char *s, size_t n, size_t i) {
  return i == n || ((unsigned char)s[i] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_loaded l;
  pl_tokens t = { NULL, 0, 0 };
  char err[256];
  size_t i, end = 0;
  if (pl_load_buffer("fuzz.txt", (const char *)data, size, 1, &l, err, sizeof err) != 0) return 0;
  if (pl_tokenize(l.text, l.len, &t) != 0) abort();
  for (i = 0; i < t.n; i++) {
    const pl_token *k = &t.v[i];
    if (k->len == 0 || k->start < end || (size_t)k->start + k->len > l.len ||
        k->kind < PL_TOK_WORD || k->kind > PL_TOK_SYMBOL ||
        !boundary(l.text, l.len, k->start) || !boundary(l.text, l.len, (size_t)k->start + k->len))
      abort();
    end = (size_t)k->start + k->len;
  }
  if (t.n > 0 && !(t.v[0].flags & PL_TOKF_PARA)) abort();   /* the first token opens a paragraph */
  pl_tokens_free(&t);
  pl_loaded_free(&l);
  return 0;
}
