/*
** parley.h — shared declarations of the parley C core.
** Every Lua-visible type has its metatable name here and its own file
** with its own luaopen_ function; init.c lists them all.
*/
#ifndef PARLEY_H
#define PARLEY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "lua.h"
#include "lauxlib.h"

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "0.1.0"
#endif


/* Library openers, one per file (init.c calls them all). */
int luaopen_parley_text(lua_State *L);
int luaopen_parley_readline(lua_State *L);
int luaopen_parley_fs(lua_State *L);

int luaopen_parley_loader(lua_State *L);
int luaopen_parley_tokenizer(lua_State *L);
int luaopen_parley_indexer(lua_State *L);
int luaopen_parley_index(lua_State *L);
int luaopen_parley_hits(lua_State *L);
int luaopen_parley_error(lua_State *L);
int luaopen_parley_writer(lua_State *L);
int luaopen_parley_sandbox(lua_State *L);
int luaopen_parley_stem(lua_State *L);
int luaopen_parley_reader(lua_State *L);
int luaopen_parley_lock(lua_State *L);
int luaopen_parley_watcher(lua_State *L);
int luaopen_parley_seglist(lua_State *L);
/* bytecode.c: put the searcher of the toolkit's precompiled modules into
** package.searchers; the toolkit's home is at the top of the stack (kept). */
void parley_compiled_searcher(lua_State *L);

/* error.c: errors a user can act on (see there).  parley_error raises one
** with a formatted message (as lua_pushfstring); parley_is_error tests a value. */
#define PARLEY_ERROR "parley.Error"
int parley_error(lua_State *L, const char *fmt, ...);
/* parley_error_caller raises one positioned at the code that called into the
** toolkit; parley_caller_level finds that code's level (from level `from` up). */
int parley_error_caller(lua_State *L, const char *fmt, ...);
int parley_caller_level(lua_State *L, int from);
int parley_is_error(lua_State *L, int i);
/* Is the value at i an interruption or a memory error, which no pcall of
** the toolkit may swallow (error.c)? */
int parley_is_fatal(lua_State *L, int i);
/* parley_error_damaged raises the error of a damaged index (its field `damaged`: the path). */
int parley_error_damaged(lua_State *L, const char *path, const char *fmt, ...);

/*
** Interruption (Ctrl-C).  main.c's SIGINT handler sets one flag and arms a
** hook that raises "interrupted!" at the next Lua instruction.  No hook runs
** inside a C function, so a long loop in C tests the flag itself:
**
**   const parley_flag *stop = parley_interrupt_flag(L);   (once per call)
**   for (i = 0; i < n; i++) {
**     parley_check_interrupt(L, stop, i);    (tests the flag every 4096th i)
**     ...
**   }
**
** (i = 0 always tests: once per pass of a loop whose steps are long.)
** parley_check_interrupt raises through parley_interrupt_raise, which
** clears the flag (and disarms the hook) and raises the string error
** "interrupted!", the error the hook raises: the REPL reports it and returns
** to its prompt, a script ends with status 130 (as a shell expects).  No
** code may catch it and go on: a pcall in the toolkit re-raises it (and a
** memory error), see parley_is_fatal and parley.error's pcall.  Everything a loop allocated
** must be Lua's (userdata, luaL_Buffer), as for any error.
**
** The flag is a lock-free atomic int, so the pointer may be handed to worker
** threads: parley_interrupted(stop) is a relaxed load (and, the first time
** it sees a Ctrl-C, a compare-and-swap that marks it seen), safe in any
** thread.  A Ctrl-C that nothing sees within main.c's grace (80 ms), or
** that is seen but not raised within 2 s more, ends a script's run, so a
** loop must test the flag at least that often, and stop soon after.
** A worker that sees it set stops early and reports so; only the Lua thread
** raises, after joining its workers.  Threads should block SIGINT
** (pthread_sigmask before pthread_create) so that the handler always runs in
** the Lua thread.  parley_interrupt_flag never returns NULL: a state made
** without main.c gets a flag that is never set.
**
** The flag's address is kept in the registry (a light userdata under
** PARLEY_INTERRUPT_KEY), so no file but main.c holds state for it.
** parley_interrupt_clear(L) forgets a pending Ctrl-C (the REPL calls it
** when it starts reading a line).
*/
#define PARLEY_INTERRUPT_KEY   "parley.interrupt"
#define PARLEY_INTERRUPTED     "interrupted!"   /* the error value of an interruption */
#define PARLEY_INTERRUPT_EVERY 4096   /* iterations between two tests of the flag */

typedef atomic_int parley_flag;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the interruption flag must be lock-free");

static inline const parley_flag *parley_interrupt_flag(lua_State *L) {
  static const parley_flag never = 0;
  const parley_flag *f;
  lua_getfield(L, LUA_REGISTRYINDEX, PARLEY_INTERRUPT_KEY);
  f = (const parley_flag *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return f ? f : &never;
}

/* The flag's values: no Ctrl-C; one that no code has seen yet; one that a
** C loop has seen (and is stopping for).  main.c's grace timer ends the
** process when a Ctrl-C stays unseen (stuck in a call that tests nothing),
** or is not raised long after it was seen (a part of the work still stuck). */
enum { PARLEY_CALM, PARLEY_PENDING, PARLEY_SEEN };

static inline int parley_interrupted(const parley_flag *f) {
  int v = atomic_load_explicit(f, memory_order_relaxed);
  if (v == PARLEY_PENDING) {           /* never for the constant `never`, which stays 0 */
    int expected = PARLEY_PENDING;
    atomic_compare_exchange_strong_explicit((parley_flag *)f, &expected, PARLEY_SEEN,
                                            memory_order_relaxed, memory_order_relaxed);
  }
  return v != PARLEY_CALM;
}

int parley_interrupt_raise(lua_State *L);   /* main.c: clear, then raise "interrupted!" */
void parley_interrupt_clear(lua_State *L);  /* main.c: forget a pending Ctrl-C */

static inline void parley_check_interrupt(lua_State *L, const parley_flag *f, size_t i) {
  if (i % PARLEY_INTERRUPT_EVERY == 0 && parley_interrupted(f)) parley_interrupt_raise(L);
}

/* t.k = v, for the table on top of the stack (one line instead of a push/set pair). */
static inline void parley_setint(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

/* init.c: preload every parley C library into package.loaded. */
void parley_openlibs(lua_State *L);

/*
** text.c helpers used by other C files.
** parley_fold appends the folded form of s[0..len) (casefold, strip marks,
** compatibility mapping, NFC) to b; ASCII runs take a fast path.
** Returns 0 on success or the byte offset + 1 of the first invalid sequence.
*/
size_t parley_fold(luaL_Buffer *b, const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
int parley_utf8_seq(const unsigned char *s, size_t len, int32_t *cp);
/*
** utf8proc_decompose(s, len, buf, bufsize, opts), with canonical ordering in
** time linear in a run of combining marks (utf8proc's is quadratic); and
** utf8proc_map(s, len, dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE) over it
** (NFC into a malloc'ed *dst, the caller frees).  No Lua calls: any thread.
*/
utf8proc_ssize_t parley_decompose(const utf8proc_uint8_t *s, utf8proc_ssize_t len, utf8proc_int32_t *buf,
                                  utf8proc_ssize_t bufsize, utf8proc_option_t opts);
utf8proc_ssize_t parley_nfc_map(const utf8proc_uint8_t *s, utf8proc_ssize_t len, utf8proc_uint8_t **dst);


/*
** load.c — reading a source document (pure C: no Lua calls, so it can run
** in build threads).  The text is normalised: BOM stripped, CRLF and CR
** turned into LF (so line numbers are preserved), NFC.  Invalid UTF-8 is an
** error naming name:line:column, unless repair is set (bad bytes become
** U+FFFD).  A NUL byte is refused ("binary file").
*/
/*
** A map from the text back to its source: an anchor says that text offset
** text is source offset src, at line and column (1-based, the column in
** characters) of the source file.  From one anchor to the next the text
** copies the source, apart from line ends (CRLF and CR became LF) and
** repaired bytes (each U+FFFD stands where the bad bytes stood), so the
** line and column of any text offset follow from the last anchor before it.
** Sorted by text; only where normalisation changed what a column counts
** (NFC composing or reordering characters) — or, for a reader that
** extracts text from markup, wherever the text left the source.
*/
typedef struct pl_anchor { uint32_t text, src, line, col; } pl_anchor;

typedef struct pl_loaded {
  char *text;          /* malloc'ed normalised text, NUL-terminated */
  size_t len;          /* its length in bytes */
  int identity;        /* 1 if text is byte-identical to the source */
  size_t repaired;     /* number of invalid sequences replaced (repair mode) */
  int bom, crlf, cr, nfc;  /* what normalisation did: BOM removed, CRLF/CR seen, NFC changed text */
  pl_anchor *anchors;  /* malloc'ed, or NULL when none is needed */
  size_t nanchors;
} pl_loaded;

/* The whole of path, as it is, in a fresh malloc'ed *buf of *n bytes (folders
** and files over 4 GiB refused); 0, or -1 with a message naming path. */
int pl_read_file(const char *path, char **buf, size_t *n, char *err, size_t errlen);
/* Return 0 and fill *out, or -1 with a message in err[0..errlen). */
int pl_load_file(const char *path, int repair, pl_loaded *out, char *err, size_t errlen);
int pl_load_buffer(const char *name, const char *data, size_t len, int repair,
                   pl_loaded *out, char *err, size_t errlen);
void pl_loaded_free(pl_loaded *l);
/* Push a map back to a source as a list of { text, src, line, col } (offsets 1-based). */
void pl_push_anchors(lua_State *L, const pl_anchor *a, size_t n);
/* Whether code point cp stays as it is in NFC and combines with nothing
** before it (a run of such characters after an ASCII one is NFC already). */
int pl_nfc_inert(uint32_t cp);

/*
** token.c — the tokeniser (pure C, thread-safe, no Lua calls).
** Tokens are byte spans of the (normalised, valid UTF-8) text.
*/
enum { PL_TOK_WORD = 1, PL_TOK_NUMBER, PL_TOK_PUNCT, PL_TOK_SYMBOL };
/* Whether tokens of a kind are words where words are counted (frequency
** lists, n-grams, word counts): words and numbers, not punctuation or symbols. */
static inline int pl_token_is_word(int kind) { return kind == PL_TOK_WORD || kind == PL_TOK_NUMBER; }
/* The name of a token kind: "word", "number", "punct" or "symbol" ("" for none). */
const char *pl_token_kind_name(int kind);
enum {
  PL_TOKF_SENT = 1,     /* first token of a sentence */
  PL_TOKF_PARA = 2,     /* first token of a paragraph (after a blank line, or the first) */
  PL_TOKF_ABBR = 4,     /* an abbreviation or initial ending in '.' (U.S., A., Mr.) */
  PL_TOKF_DATE = 8      /* a date-like number (2.XI.62, 1962-11-01) */
};
typedef struct pl_token {
  uint32_t start;       /* byte offset in the text */
  uint32_t len;         /* byte length */
  uint8_t kind;         /* PL_TOK_* */
  uint8_t flags;        /* PL_TOKF_* */
} pl_token;
typedef struct pl_tokens {
  pl_token *v;          /* malloc-grown array */
  size_t n, cap;
} pl_tokens;

/* Append the tokens of s[0..len) to out; 0 on success, -1 if out of memory. */
int pl_tokenize(const char *s, size_t len, pl_tokens *out);
void pl_tokens_free(pl_tokens *t);

/*
** sandbox.c — a Lua state of its own for code the user did not write (a
** corpus' grammars), bounded in memory and VM instructions; see there.
** Plain C that needs no host state, so a reader thread can own one; the
** Lua type PARLEY_SANDBOX wraps one.  The caller owns the struct's storage.
*/
#define PARLEY_SANDBOX "parley.Sandbox"
#define PARLEY_LOCK    "parley.Lock"      /* lock.c: the build lock next to an index */
#define PARLEY_WATCH   "parley.Watch"     /* watch.c: a corpus under watch, and its socket */
enum { PL_SANDBOX_OK, PL_SANDBOX_FAILED, PL_SANDBOX_MEMORY, PL_SANDBOX_STEPS };
typedef struct pl_sandbox_limits {
  size_t mem_base, mem_per_byte;         /* the state holds at most base + per_byte * input bytes */
  uint64_t steps_base, steps_per_byte;   /* a call runs at most base + per_byte * input instructions */
} pl_sandbox_limits;
typedef struct pl_sandbox {
  lua_State *L;            /* the sandbox's own state; NULL when closed */
  void *lpeg;              /* its handle on the LPeg shared object */
  pl_sandbox_limits lim;
  size_t used, peak, limit;        /* bytes held now, at most so far, allowed in this call */
  uint64_t steps, steps_given;     /* instructions left in this call, and given to it */
  int refused, over;       /* this call hit the memory limit / ran out of instructions */
  int trusted;             /* the full standard library is open */
  const parley_flag *stop; /* Ctrl-C (parley_interrupt_flag), tested by the count hook; or NULL */
  int interrupted;         /* this call was stopped by it */
} pl_sandbox;

void pl_sandbox_defaults(pl_sandbox_limits *lim);
int pl_sandbox_open(pl_sandbox *sb, const pl_sandbox_limits *lim, const char *lpeg_path, int trusted,
                    const char *boot, size_t bootlen, const char *bootname, char *err, size_t errlen);
int pl_sandbox_call(pl_sandbox *sb, const char *entry, lua_State *from, int first, int nargs,
                    char *err, size_t errlen);
int pl_sandbox_parse(pl_sandbox *sb, const char *text, size_t len, lua_State *from, int doc,
                     char *err, size_t errlen);
int pl_sandbox_index(pl_sandbox *sb, const char *text, size_t len, lua_Integer doc,
                     int (*push)(lua_State *S, void *ud), void *ud,
                     const char **out, size_t *outlen, char *err, size_t errlen);
int pl_sandbox_copy(lua_State *from, int idx, lua_State *to, size_t limit, const char *name,
                    char *err, size_t errlen);
void pl_sandbox_close(pl_sandbox *sb);

/* The longest path parley makes by joining a corpus folder and a source's path in it. */
#define PL_PATH_MAX 4096

#endif
