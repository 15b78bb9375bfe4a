/*
** sandbox.c — `parley.sandbox`: a Lua state of its own for code that the
** user did not write (a corpus' grammars, its manifest and other data
** files), so that opening someone else's corpus never runs its code with
** the user's rights.
**
** A sandbox owns a fresh lua_State.  Restricted (the default), the state
** has only what a grammar may use: the base library without dofile,
** loadfile, print and warn, string, table, math, utf8, LPeg (the shared
** object the host runs, opened here by dlopen; left out for data files,
** lua/parley/data.lua) and parley.text.  There is
** no io, os, package or debug.  The boot chunk (lua/parley/grammar/boot.lua,
** handed in as source) runs first and builds the rest: a `require` limited
** to the modules the host hands in, text-only `load`, no finalizers.
** Trusted, the state gets the whole standard library as well.
**
** Every call into the state is bounded, for an input of n bytes (the
** string arguments of the call):
**   memory        the state may hold at most mem_base + mem_per_byte * n
**                 bytes (a lua_Alloc that refuses more; defaults below)
**   instructions  the call may run at most steps_base + steps_per_byte * n
**                 VM instructions (a count hook, checked every HOOK_STEP)
** C functions (an LPeg match, string.rep) are not interrupted; what they
** allocate counts against the memory limit.  Once the instruction budget
** is spent the hook raises on every instruction, so a pcall inside the
** sandbox cannot swallow the limit.
**
** Values cross between the states only by copy (pl_sandbox_copy): nil,
** booleans, numbers, strings and tables without metatables, at most
** COPY_DEPTH levels deep and no bigger than the call's memory limit.
** Functions, userdata, threads and metatables are refused.
**
** The C API (parley.h) needs no host state, so a reader thread can own a
** sandbox; the Lua type parley.Sandbox (at the bottom) wraps it.  Nothing
** is shared between two sandboxes.
*/
#define _GNU_SOURCE  /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lualib.h"
#include "parley.h"
#include "writer.h"

#define MiB                 ((size_t)1 << 20)
#define DEFAULT_MEM_BASE    (256 * MiB)
#define DEFAULT_MEM_BYTE    32
#define DEFAULT_STEPS_BASE  50000000ull
#define DEFAULT_STEPS_BYTE  2000ull
#define HOOK_STEP           1000      /* instructions between two looks at the budget */
#define CLOSE_STEPS         1000000ull /* what finalizers may still run at close */
#define COPY_DEPTH          16        /* tables nested deeper are refused */
#define COPY_PRESIZE        4096      /* at most this many array slots made up front */

/* The key of the boot chunk's entry table in the sandbox's registry (its address). */
static const char entries_key = 'e';

void pl_sandbox_defaults(pl_sandbox_limits *lim) {
  lim->mem_base = DEFAULT_MEM_BASE;
  lim->mem_per_byte = DEFAULT_MEM_BYTE;
  lim->steps_base = DEFAULT_STEPS_BASE;
  lim->steps_per_byte = DEFAULT_STEPS_BYTE;
}

static void fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (!errlen) return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* a + b * n, saturating */
static uint64_t budget(uint64_t a, uint64_t b, uint64_t n) {
  if (b && n > (UINT64_MAX - a) / b) return UINT64_MAX;
  return a + b * n;
}

/* ------------------------------------------------------------ the limits */

/* The sandbox's allocator: refuses to grow the state past sb->limit. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  pl_sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  void *p;
  if (nsize == 0) {
    free(ptr);
    sb->used -= old;
    return NULL;
  }
  if (nsize > old && nsize - old > sb->limit - (sb->used < sb->limit ? sb->used : sb->limit)) {
    sb->refused = 1;
    return NULL;
  }
  p = realloc(ptr, nsize);
  if (!p) return NULL;
  sb->used = sb->used - old + nsize;
  if (sb->used > sb->peak) sb->peak = sb->used;
  return p;
}

static pl_sandbox *sandbox_of(lua_State *S) {
  void *ud;
  lua_getallocf(S, &ud);
  return ud;
}

/* The count hook: spend the budget; once it is gone, raise at every instruction. */
static void count_hook(lua_State *S, lua_Debug *ar) {
  pl_sandbox *sb = sandbox_of(S);
  (void)ar;
  if (sb->interrupted || (sb->stop && parley_interrupted(sb->stop))) {
    if (!sb->interrupted) {     /* raised at every instruction from now on, as the limit is */
      sb->interrupted = 1;
      lua_sethook(S, count_hook, LUA_MASKCOUNT, 1);
    }
    luaL_error(S, "interrupted");
  }
  if (sb->steps > HOOK_STEP) {
    sb->steps -= HOOK_STEP;
    return;
  }
  sb->steps = 0;
  if (!sb->over) {
    sb->over = 1;
    lua_sethook(S, count_hook, LUA_MASKCOUNT, 1);
  }
  luaL_error(S, "instruction limit exceeded");
}

/* Limits for a call into S with an input of n bytes; a fresh count. */
static void arm(pl_sandbox *sb, lua_State *S, size_t n) {
  uint64_t mem = budget(sb->lim.mem_base, sb->lim.mem_per_byte, n);
  sb->limit = mem > SIZE_MAX ? SIZE_MAX : (size_t)mem;
  sb->steps = budget(sb->lim.steps_base, sb->lim.steps_per_byte, n);
  sb->steps_given = sb->steps;
  sb->refused = 0;
  if (sb->over || sb->interrupted) lua_sethook(S, count_hook, LUA_MASKCOUNT, HOOK_STEP);
  sb->over = sb->interrupted = 0;
}

/* Message handler (C, so it runs even when the budget is spent). */
static int sandbox_msgh(lua_State *S) {
  if (lua_type(S, 1) == LUA_TSTRING) return 1;
  if (lua_type(S, 1) == LUA_TTABLE) {
    lua_pushliteral(S, "msg");
    if (lua_rawget(S, 1) == LUA_TSTRING) return 1;
  }
  lua_pushfstring(S, "(error object is a %s value)", luaL_typename(S, 1));
  return 1;
}

/*
** Turn the status of a protected call in S into a result code and, when it
** failed, a message in err (the error value stays on the stack).
*/
static int outcome(pl_sandbox *sb, lua_State *S, int status, char *err, size_t errlen) {
  if (sb->interrupted) {
    fail(err, errlen, "interrupted");
    return PL_SANDBOX_FAILED;
  }
  if (sb->over) {
    fail(err, errlen, "instruction limit exceeded (%llu instructions)",
         (unsigned long long)sb->steps_given);
    return PL_SANDBOX_STEPS;
  }
  if (status == LUA_OK) return PL_SANDBOX_OK;
  if (sb->refused || status == LUA_ERRMEM) {
    fail(err, errlen, "memory limit exceeded (%zu MiB)", sb->limit / MiB);
    return PL_SANDBOX_MEMORY;
  }
  fail(err, errlen, "%s", lua_type(S, -1) == LUA_TSTRING ? lua_tostring(S, -1) : "error in error handling");
  return PL_SANDBOX_FAILED;
}

/* ------------------------------------------------------------ copying values */

typedef struct copier {
  lua_State *from, *to;
  size_t left;            /* bytes the copy may still take */
  char path[160];         /* where in the value we are, for messages */
  size_t plen;
} copier;

static int refuse(copier *c, const char *what) {
  lua_pushfstring(c->to, "cannot pass %s out of or into a sandbox (at %s): only strings, numbers, "
                  "booleans and tables without metatables can cross", what, c->path);
  return lua_error(c->to);
}

static void charge(copier *c, size_t n) {
  if (n > c->left) {
    lua_pushfstring(c->to, "value too large to pass out of or into a sandbox (at %s)", c->path);
    lua_error(c->to);
  }
  c->left -= n;
}

/* Append the key on top of c->from to the path. */
static void path_key(copier *c) {
  size_t room = sizeof c->path - c->plen, n;
  const char *s;
  if (room < 2) return;
  if (lua_type(c->from, -2) == LUA_TSTRING) {
    s = lua_tolstring(c->from, -2, &n);
    snprintf(c->path + c->plen, room, ".%.*s", (int)(n > 40 ? 40 : n), s);
  } else if (lua_isinteger(c->from, -2)) {
    snprintf(c->path + c->plen, room, "[%lld]", (long long)lua_tointeger(c->from, -2));
  } else {
    snprintf(c->path + c->plen, room, "[%g]", (double)lua_tonumber(c->from, -2));
  }
  c->plen += strlen(c->path + c->plen);
}

static void copy_value(copier *c, int idx, int depth);

static void copy_table(copier *c, int idx, int depth) {
  lua_State *F = c->from, *T = c->to;
  lua_Unsigned n;
  idx = lua_absindex(F, idx);
  if (depth >= COPY_DEPTH) {
    lua_pushfstring(T, "tables nested more than %d deep cannot pass out of or into a sandbox (at %s)",
                    COPY_DEPTH, c->path);
    lua_error(T);
  }
  if (!lua_checkstack(F, 4)) luaL_error(T, "not enough memory");
  if (lua_getmetatable(F, idx)) {
    lua_pop(F, 1);
    refuse(c, "a table with a metatable");
  }
  n = lua_rawlen(F, idx);
  charge(c, 64);
  lua_createtable(T, n > COPY_PRESIZE ? COPY_PRESIZE : (int)n, 0);
  lua_pushnil(F);
  while (lua_next(F, idx)) {
    size_t mark = c->plen;
    int kt = lua_type(F, -2);
    if (kt != LUA_TSTRING && kt != LUA_TNUMBER) {
      const char *what = lua_pushfstring(T, "a %s key", lua_typename(F, kt));
      refuse(c, what);
    }
    path_key(c);
    charge(c, 32);
    copy_value(c, -2, depth + 1);   /* the key */
    copy_value(c, -1, depth + 1);   /* the value */
    lua_rawset(T, -3);
    lua_pop(F, 1);
    c->plen = mark;
    c->path[mark] = '\0';
  }
}

static void copy_value(copier *c, int idx, int depth) {
  lua_State *F = c->from, *T = c->to;
  int t = lua_type(F, idx);
  luaL_checkstack(T, 4, "value nested too deeply");
  switch (t) {
  case LUA_TNIL: lua_pushnil(T); break;
  case LUA_TBOOLEAN: lua_pushboolean(T, lua_toboolean(F, idx)); break;
  case LUA_TNUMBER:
    if (lua_isinteger(F, idx)) lua_pushinteger(T, lua_tointeger(F, idx));
    else lua_pushnumber(T, lua_tonumber(F, idx));
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(F, idx, &n);
    charge(c, n + 24);
    lua_pushlstring(T, s, n);
    break;
  }
  case LUA_TTABLE: copy_table(c, idx, depth); break;
  default: {
    const char *what = lua_pushfstring(T, "a %s", lua_typename(F, t));
    refuse(c, what);
  }
  }
}

typedef struct copy_job {
  copier c;
  int idx;
} copy_job;

static int copy_protected(lua_State *T) {
  copy_job *job = lua_touserdata(T, 1);
  copy_value(&job->c, job->idx, 0);
  return 1;
}

static void copier_init(copier *c, lua_State *from, lua_State *to, size_t limit, const char *name) {
  c->from = from;
  c->to = to;
  c->left = limit;
  snprintf(c->path, sizeof c->path, "%s", name);
  c->plen = strlen(c->path);
}

/*
** Copy the value at from[idx] onto the top of `to`, in protected mode of
** `to` (a refusal or an out-of-memory there is caught); `from` is only
** read.  name names the value in messages ("result").  0 on success, -1
** with a message in err.
*/
int pl_sandbox_copy(lua_State *from, int idx, lua_State *to, size_t limit, const char *name,
                    char *err, size_t errlen) {
  copy_job job;
  int status;
  if (!lua_checkstack(to, 3)) {
    fail(err, errlen, "not enough memory");
    return -1;
  }
  copier_init(&job.c, from, to, limit, name);
  job.idx = lua_absindex(from, idx);
  lua_pushcfunction(to, copy_protected);
  lua_pushlightuserdata(to, &job);
  status = lua_pcall(to, 1, 1, 0);
  if (status != LUA_OK) {
    /* Ctrl-C's hook fired in the host as the copy began: an interruption, not a failed copy */
    if (lua_type(to, -1) == LUA_TSTRING && strcmp(lua_tostring(to, -1), PARLEY_INTERRUPTED) == 0) lua_error(to);
    fail(err, errlen, "%s", lua_type(to, -1) == LUA_TSTRING ? lua_tostring(to, -1) : "not enough memory");
    lua_pop(to, 1);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ opening and calling */

typedef struct open_job {
  pl_sandbox *sb;
  lua_CFunction open_lpeg;
  const char *boot, *bootname;
  size_t bootlen;
} open_job;

/* Open the libraries, run the boot chunk, keep its entry table (in the sandbox). */
static int open_protected(lua_State *S) {
  static const luaL_Reg safe[] = {
    {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}
  };
  static const char *const unsafe[] = {"dofile", "loadfile", "print", "warn", NULL};
  open_job *job = lua_touserdata(S, 1);
  const luaL_Reg *lib;
  int i;
  if (job->sb->trusted) {
    luaL_openlibs(S);
  } else {
    for (lib = safe; lib->func; lib++) {
      luaL_requiref(S, lib->name, lib->func, 1);
      lua_pop(S, 1);
    }
    for (i = 0; unsafe[i]; i++) {
      lua_pushnil(S);
      lua_setglobal(S, unsafe[i]);
    }
  }
  if (job->open_lpeg) {
    luaL_requiref(S, "lpeg", job->open_lpeg, 1);
    lua_pop(S, 1);
  }
  luaL_requiref(S, "parley.text", luaopen_parley_text, 0);
  lua_pop(S, 1);
  if (luaL_loadbufferx(S, job->boot, job->bootlen, job->bootname, "t") != LUA_OK) return lua_error(S);
  lua_pushboolean(S, job->sb->trusted);
  luaL_getsubtable(S, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_call(S, 2, 1);
  if (!lua_istable(S, -1)) return luaL_error(S, "%s: the boot chunk must return a table", job->bootname);
  lua_rawsetp(S, LUA_REGISTRYINDEX, &entries_key);
  return 0;
}

/*
** Open sandbox sb (its storage is the caller's; zeroed here): a new state
** with the libraries above, LPeg from the shared object at lpeg_path (NULL:
** none, for code that needs no LPeg, such as data files), and the boot
** chunk boot[0..bootlen) run in it.  lim NULL: the defaults.
** PL_SANDBOX_OK, or another code with a message in err (sb is then closed).
*/
int pl_sandbox_open(pl_sandbox *sb, const pl_sandbox_limits *lim, const char *lpeg_path, int trusted,
                    const char *boot, size_t bootlen, const char *bootname, char *err, size_t errlen) {
  open_job job;
  int status, rc;
  memset(sb, 0, sizeof *sb);
  if (lim) sb->lim = *lim;
  else pl_sandbox_defaults(&sb->lim);
  sb->trusted = trusted != 0;
  job.open_lpeg = NULL;
  if (lpeg_path) {
    sb->lpeg = dlopen(lpeg_path, RTLD_NOW | RTLD_LOCAL);
    if (!sb->lpeg) {
      fail(err, errlen, "cannot load LPeg for a sandbox: %s", dlerror());
      return PL_SANDBOX_FAILED;
    }
    *(void **)&job.open_lpeg = dlsym(sb->lpeg, "luaopen_lpeg");
    if (!job.open_lpeg) {
      fail(err, errlen, "cannot load LPeg for a sandbox: %s has no luaopen_lpeg", lpeg_path);
      pl_sandbox_close(sb);
      return PL_SANDBOX_FAILED;
    }
  }
  sb->limit = sb->lim.mem_base;
  sb->L = lua_newstate(sandbox_alloc, sb);
  if (!sb->L) {
    fail(err, errlen, "cannot create a sandbox: not enough memory");
    pl_sandbox_close(sb);
    return PL_SANDBOX_MEMORY;
  }
  lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
  arm(sb, sb->L, bootlen);
  job.sb = sb;
  job.boot = boot;
  job.bootlen = bootlen;
  job.bootname = bootname;
  lua_pushcfunction(sb->L, sandbox_msgh);
  lua_pushcfunction(sb->L, open_protected);
  lua_pushlightuserdata(sb->L, &job);
  status = lua_pcall(sb->L, 1, 0, 1);
  rc = outcome(sb, sb->L, status, err, errlen);
  lua_settop(sb->L, 0);
  if (rc != PL_SANDBOX_OK) pl_sandbox_close(sb);
  return rc;
}

typedef struct call_job {
  pl_sandbox *sb;
  const char *entry;
  const char *text;       /* a string first argument (NULL: none) */
  size_t len;
  lua_State *from;        /* arguments copied from this state (NULL: none) */
  int first, nargs;
  int with_num;           /* an integer argument after them */
  lua_Integer num;
  int (*push)(lua_State *S, void *ud);   /* pushes one more argument (NULL: none); raises on failure */
  void *ud;
} call_job;

static int call_protected(lua_State *S) {
  call_job *job = lua_touserdata(S, 1);
  int i, n = 0;
  lua_rawgetp(S, LUA_REGISTRYINDEX, &entries_key);
  if (lua_getfield(S, -1, job->entry) != LUA_TFUNCTION)
    return luaL_error(S, "the sandbox has no entry point '%s'", job->entry);
  if (job->text) {
    lua_pushlstring(S, job->text, job->len);
    n++;
  }
  for (i = 0; i < job->nargs; i++) {
    copier c;
    char name[32];
    snprintf(name, sizeof name, "argument #%d", n + 1);
    copier_init(&c, job->from, S, job->sb->limit, name);
    copy_value(&c, job->first + i, 0);
    n++;
  }
  if (job->with_num) {
    lua_pushinteger(S, job->num);
    n++;
  }
  if (job->push) {
    job->push(S, job->ud);
    n++;
  }
  lua_call(S, n, 1);
  return 1;
}

static size_t string_bytes(lua_State *from, int first, int nargs) {
  size_t n = 0, len;
  int i;
  for (i = 0; from && i < nargs; i++) {
    if (lua_type(from, first + i) == LUA_TSTRING) {
      lua_tolstring(from, first + i, &len);
      n = len > SIZE_MAX - n ? SIZE_MAX : n + len;
    }
  }
  return n;
}

static int run_call(pl_sandbox *sb, call_job *job, size_t input, char *err, size_t errlen) {
  lua_State *S = sb->L;
  int status;
  if (!S) {
    fail(err, errlen, "attempt to use a closed sandbox");
    return PL_SANDBOX_FAILED;
  }
  lua_settop(S, 0);
  arm(sb, S, input);
  lua_pushcfunction(S, sandbox_msgh);
  lua_pushcfunction(S, call_protected);
  lua_pushlightuserdata(S, job);
  status = lua_pcall(S, 1, 1, 1);
  status = outcome(sb, S, status, err, errlen);
  if (status == PL_SANDBOX_OK) lua_remove(S, 1);   /* the handler; the result stays */
  else lua_settop(S, 0);
  return status;
}

/*
** Call the boot's entry point `entry` with the nargs values from[first..]
** (copied into the sandbox), bounded for an input of their string bytes.
** On PL_SANDBOX_OK its one result is alone on sb->L's stack (copy it out
** with pl_sandbox_copy); otherwise a message is in err.  from is only read.
*/
int pl_sandbox_call(pl_sandbox *sb, const char *entry, lua_State *from, int first, int nargs,
                    char *err, size_t errlen) {
  call_job job = { sb, entry, NULL, 0, from, from ? lua_absindex(from, first) : 0, from ? nargs : 0, 0, 0, NULL, NULL };
  return run_call(sb, &job, string_bytes(from, job.first, job.nargs), err, errlen);
}

/*
** The reader's entry point: parse text[0..len) with the grammar the
** sandbox has loaded (the boot's `parse`), the document's manifest entry
** being the value at from[doc] (copied in; from NULL: no entry).  As
** pl_sandbox_call: the result is left on sb->L's stack.
*/
int pl_sandbox_parse(pl_sandbox *sb, const char *text, size_t len, lua_State *from, int doc,
                     char *err, size_t errlen) {
  call_job job = { sb, "parse", text, len, from, from ? lua_absindex(from, doc) : 0, from ? 1 : 0, 0, 0, NULL, NULL };
  return run_call(sb, &job, len, err, errlen);
}

/*
** The build's entry point, for a worker thread (no host state): parse
** text[0..len) as document `doc` of the documents the host prepared (the
** boot's `index`), leaving on sb->L's stack the result packed as a string
** (lua/parley/grammar/pack.lua says how), or a message in err.  push (or
** NULL) pushes a third argument, what the reader knows of the document;
** it runs inside the call, bounded and protected like it.
*/
int pl_sandbox_index(pl_sandbox *sb, const char *text, size_t len, lua_Integer doc,
                     int (*push)(lua_State *S, void *ud), void *ud,
                     const char **out, size_t *outlen, char *err, size_t errlen) {
  call_job job = { sb, "index", text, len, NULL, 0, 0, 1, doc, push, ud };
  int rc = run_call(sb, &job, len, err, errlen);
  if (rc != PL_SANDBOX_OK) return rc;
  if ((*out = lua_tolstring(sb->L, -1, outlen)) == NULL) {
    fail(err, errlen, "the grammar's result was not packed");
    lua_settop(sb->L, 0);
    return PL_SANDBOX_FAILED;
  }
  return rc;
}

/* Close sb: closed first, then its state (finalizers get CLOSE_STEPS), then LPeg. */
void pl_sandbox_close(pl_sandbox *sb) {
  lua_State *S = sb->L;
  void *lpeg = sb->lpeg;
  sb->L = NULL;
  sb->lpeg = NULL;
  if (S) {
    arm(sb, S, 0);
    sb->steps = sb->steps_given = CLOSE_STEPS;
    lua_close(S);
  }
  if (lpeg) dlclose(lpeg);
}

/* ------------------------------------------------------------ parley.Sandbox */

static pl_sandbox *check_sandbox(lua_State *L, int i) {
  return luaL_checkudata(L, i, PARLEY_SANDBOX);
}

static pl_sandbox *to_sandbox(lua_State *L, int i) {
  pl_sandbox *sb = check_sandbox(L, i);
  if (!sb->L) luaL_error(L, "attempt to use a closed sandbox");
  return sb;
}

/* The only place a sandbox userdata is made: closed until opened. */
static pl_sandbox *push_sandbox(lua_State *L) {
  pl_sandbox *sb = lua_newuserdatauv(L, sizeof *sb, 0);
  memset(sb, 0, sizeof *sb);
  luaL_setmetatable(L, PARLEY_SANDBOX);
  return sb;
}

/* The file of the LPeg library this process runs (the host's lpeg.match), pushed; or nil. */
static void push_host_lpeg(lua_State *L) {
  int top = lua_gettop(L);
  lua_CFunction f = NULL;
  Dl_info info;
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, "lpeg") == LUA_TTABLE && lua_getfield(L, -1, "match") == LUA_TFUNCTION)
    f = lua_tocfunction(L, -1);
  lua_settop(L, top);
  if (f && dladdr(*(void **)&f, &info) && info.dli_fname) lua_pushstring(L, info.dli_fname);
  else lua_pushnil(L);
}

static uint64_t opt_count(lua_State *L, const char *k, uint64_t def) {
  lua_Integer v;
  int isnum;
  if (lua_getfield(L, 1, k) == LUA_TNIL) { lua_pop(L, 1); return def; }
  v = lua_tointegerx(L, -1, &isnum);
  if (!isnum || v < 0) luaL_error(L, "bad argument #1 to 'new' (%s must be a non-negative integer)", k);
  lua_pop(L, 1);
  return (uint64_t)v;
}

/*
** new{ boot = SOURCE, boot_name = "@…", trusted = bool, lpeg = PATH | false,
**      memory =, memory_per_byte =, steps =, steps_per_byte = } -> sandbox | nil, message
** lpeg: the LPeg shared object to open in the sandbox (default: the one this
** process runs; false: none).
*/
static int sandbox_new(lua_State *L) {
  pl_sandbox_limits lim;
  pl_sandbox *sb;
  const char *boot, *name, *lpeg;
  size_t bootlen;
  char err[512];
  int trusted, rc;
  luaL_checktype(L, 1, LUA_TTABLE);
  pl_sandbox_defaults(&lim);
  lim.mem_base = (size_t)opt_count(L, "memory", lim.mem_base);
  lim.mem_per_byte = (size_t)opt_count(L, "memory_per_byte", lim.mem_per_byte);
  lim.steps_base = opt_count(L, "steps", lim.steps_base);
  lim.steps_per_byte = opt_count(L, "steps_per_byte", lim.steps_per_byte);
  lua_getfield(L, 1, "boot");
  boot = lua_tolstring(L, -1, &bootlen);
  if (!boot || lua_type(L, -1) != LUA_TSTRING)
    return luaL_error(L, "bad argument #1 to 'new' (boot must be the boot chunk's source)");
  lua_getfield(L, 1, "boot_name");
  name = luaL_optstring(L, -1, "=boot");
  lua_getfield(L, 1, "trusted");
  trusted = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "lpeg") == LUA_TNIL) {
    lua_pop(L, 1);
    push_host_lpeg(L);
    if (lua_isnil(L, -1)) {
      lua_pushnil(L);
      lua_pushliteral(L, "cannot find the LPeg library this process runs (require \"lpeg\" first, or give lpeg = PATH)");
      return 2;
    }
  }
  if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) lpeg = NULL;
  else lpeg = luaL_checkstring(L, -1);
  sb = push_sandbox(L);
  rc = pl_sandbox_open(sb, &lim, lpeg, trusted, boot, bootlen, name, err, sizeof err);
  if (rc != PL_SANDBOX_OK) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  sb->stop = parley_interrupt_flag(L);   /* the flag is atomic: a build thread may test it too */
  return 1;
}

static const char *const codes[] = {"ok", "error", "memory", "steps"};

/* Push the result left on sb's stack by a call that returned rc (copied), or nil, message, what. */
static int push_outcome(lua_State *L, pl_sandbox *sb, int rc, const char *msg) {
  char err[1024];
  if (rc == PL_SANDBOX_OK) {
    rc = pl_sandbox_copy(sb->L, -1, L, sb->limit, "result", err, sizeof err);
    lua_settop(sb->L, 0);
    if (rc == 0) return 1;
    luaL_pushfail(L);
    lua_pushstring(L, err);
    lua_pushliteral(L, "result");
    return 3;
  }
  luaL_pushfail(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, codes[rc]);
  return 3;
}

/*
** sb:call(entry, ...) -> result | nil, message, what
** Calls the boot's entry point with copies of the arguments; the result is
** copied back.  what: "error" (the code raised), "memory", "steps" (a limit),
** "result" (the result cannot be copied).
*/
static int sandbox_call(lua_State *L) {
  pl_sandbox *sb = to_sandbox(L, 1);
  const char *entry = luaL_checkstring(L, 2);
  int top = lua_gettop(L), rc;
  char err[1024];
  rc = pl_sandbox_call(sb, entry, L, 3, top - 2, err, sizeof err);
  lua_settop(L, top);
  return push_outcome(L, sb, rc, err);
}

/* sb:parse(text [, doc]) -> result | nil, message, what: the reader's entry point (pl_sandbox_parse). */
static int sandbox_parse(lua_State *L) {
  pl_sandbox *sb = to_sandbox(L, 1);
  size_t len;
  const char *text = luaL_checklstring(L, 2, &len);
  int top, rc;
  char err[1024];
  lua_settop(L, 3);
  top = lua_gettop(L);
  rc = pl_sandbox_parse(sb, text, len, lua_isnil(L, 3) ? NULL : L, 3, err, sizeof err);
  lua_settop(L, top);
  return push_outcome(L, sb, rc, err);
}

/* sb:stats() -> { memory =, peak =, limit =, steps = (run by the last call), trusted = } */
static int sandbox_stats(lua_State *L) {
  pl_sandbox *sb = to_sandbox(L, 1);
  lua_createtable(L, 0, 5);
  parley_setint(L, "memory", (lua_Integer)sb->used);
  parley_setint(L, "peak", (lua_Integer)sb->peak);
  parley_setint(L, "limit", (lua_Integer)sb->limit);
  parley_setint(L, "steps", (lua_Integer)(sb->steps_given - sb->steps));
  lua_pushboolean(L, sb->trusted);
  lua_setfield(L, -2, "trusted");
  return 1;
}

static int sandbox_close(lua_State *L) {
  pl_sandbox *sb = check_sandbox(L, 1);
  pl_sandbox_close(sb);
  return 0;
}

static int sandbox_tostring(lua_State *L) {
  pl_sandbox *sb = check_sandbox(L, 1);
  if (!sb->L) lua_pushliteral(L, "sandbox (closed)");
  else {
    char kib[32];
    wr_human_number(kib, sizeof kib, (lua_Number)((sb->used + 1023) / 1024), 1, 0);
    lua_pushfstring(L, "sandbox (%s, %s KiB)", sb->trusted ? "trusted" : "restricted", kib);
  }
  return 1;
}

/* inside(path, dir) -> true if path resolves (through links) to dir or below it */
static int sandbox_inside(lua_State *L) {
  const char *path = luaL_checkstring(L, 1), *dir = luaL_checkstring(L, 2);
  char rp[PATH_MAX], rd[PATH_MAX];
  size_t n;
  if (!realpath(path, rp) || !realpath(dir, rd)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  n = strlen(rd);
  lua_pushboolean(L, strncmp(rp, rd, n) == 0 && (rp[n] == '/' || rp[n] == '\0' || (n == 1 && rd[0] == '/')));
  return 1;
}

static const luaL_Reg sandbox_meta[] = {
  {"__gc",       sandbox_close},
  {"__close",    sandbox_close},
  {"__tostring", sandbox_tostring},
  {NULL, NULL}
};

static const luaL_Reg sandbox_methods[] = {
  {"call",  sandbox_call},
  {"parse", sandbox_parse},
  {"stats", sandbox_stats},
  {"close", sandbox_close},
  {NULL, NULL}
};

static const luaL_Reg sandbox_funcs[] = {
  {"new",    sandbox_new},
  {"inside", sandbox_inside},
  {NULL, NULL}
};

int luaopen_parley_sandbox(lua_State *L) {
  if (luaL_newmetatable(L, PARLEY_SANDBOX)) {
    luaL_setfuncs(L, sandbox_meta, 0);
    luaL_newlib(L, sandbox_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  luaL_newlib(L, sandbox_funcs);
  return 1;
}
