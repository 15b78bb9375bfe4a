/*
** main.c — the `parley` command line.
** Behaves like the `lua` command where the two overlap (-e, -l, -i, -, arg),
** runs bundled scripts by bare name (`parley speakers`), and starts the
** REPL (lua/parley/repl.lua) on a terminal.  A protected main: every
** error becomes `parley: message` plus a traceback and exit status 1.
*/
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lualib.h"
#include "version.h"
#include "parley.h"
#include "writer.h"

#define PROGNAME "parley"

/*
** The only file-scope mutable state in the core, both for the SIGINT
** handler (a POSIX handler takes no argument, so it can reach nothing else):
** signal_state is the state whose hook Ctrl-C arms (as lua.c's globalL),
** set only while Lua code runs; interrupt_flag is the flag that long C loops
** test (parley.h), found by the rest of the core through the registry.
*/
static lua_State *volatile signal_state = NULL;
static parley_flag interrupt_flag;

/*
** The grace timer, for a Ctrl-C that no code sees: one C call that tests no
** flag (an LPeg match, string.rep) holds the Lua thread, so the hook never
** runs.  Ctrl-C starts a one-shot timer of GRACE_MS; if the flag is still
** PARLEY_PENDING when it fires (nothing saw it), a script's run ends there,
** with the line every interruption prints.  A C loop that sees the flag
** marks it PARLEY_SEEN and is stopping; it gets GRACE_SEEN_MS more to raise
** the interruption (which clears the flag), since one part of the work may
** still be stuck (a build's worker in a grammar's match, while another saw
** the flag).  The run then ends by SIGINT itself, its default action, as a
** second Ctrl-C ends it: the shell sees a death by SIGINT (a loop over
** parley stops), and what stdio still held is not written.  Nothing is
** half-written: an index and a report are written under a temporary name
** and renamed (the temporary of a dead process is removed at the next
** open), and the lock is the kernel's.  The REPL is not ended: it says how
** to leave, and a second Ctrl-C while the call is still stuck quits.  Set up
** once by main (grace_ready), read by the handlers; signal state like the
** two above.
*/
#define GRACE_MS 80
#define GRACE_SEEN_MS 2000
static timer_t grace_timer;
static volatile sig_atomic_t grace_ready = 0;
static volatile sig_atomic_t grace_repl = 0;     /* the REPL catches Ctrl-C (CATCH_ALWAYS) */
static volatile sig_atomic_t grace_told = 0;     /* the REPL said the call is stuck */
static volatile sig_atomic_t grace_longer = 0;   /* the second, longer grace is running */

static void usage(FILE *f) {
  fprintf(f,
    "usage: " PROGNAME " [options] [script | NAME [args]]\n"
    "Run Lua scripts over archival corpora; with no arguments on a terminal, start the REPL.\n"
    "\n"
    "  script     run a Lua file named by path (with a '/' or ending in .lua), its arguments\n"
    "             in `arg` (as `lua` does)\n"
    "  NAME       run the bundled command NAME (scripts/NAME.lua), never a file of that name:\n"
    "             `" PROGNAME " overview`, `" PROGNAME " kwic --help`\n"
    "  -e CODE    execute the string CODE\n"
    "  -l MOD     require module MOD into global MOD (-l g=mod: into global g)\n"
    "  -i         enter the interactive REPL after running the script\n"
    "  -E         ignore LUA_PATH, LUA_CPATH and PARLEY_PATH\n"
    "  --max-memory N  end the run with an error beyond N bytes of memory (K, M, G: 512M)\n"
    "  -v, --version  show version information\n"
    "  -h, --help     show this help\n"
    "  --         stop handling options\n"
    "  -          run the script read from standard input\n"
    "\n"
    "Environment: PARLEY_PATH adds Lua search paths (';'-separated, as LUA_PATH);\n"
    "PARLEY_TRUST_GRAMMARS=1 runs corpus grammars with full Lua (see docs/grammars.md);\n"
    "PARLEY_MAX_MEMORY=N is --max-memory N.  Ctrl-C ends a run with status 130.\n"
    "Bundled commands: type :scripts in the REPL, or list the scripts/ folder.\n");
}

static void print_version(void) {
  printf(PROGNAME " %s (%s, LPeg, utf8proc)\n", PARLEY_VERSION, LUA_RELEASE);
  fflush(stdout);
}

/*
** Print `parley: msg` on stderr: the one printer of the command line's
** errors.  A message may quote a corpus (a document id, a file name), so it
** is shown as the writer shows text on a terminal (escape sequences and
** other controls as U+FFFD; newlines and tabs of a traceback kept), without
** allocating.  L may be NULL before there is a state.
*/
static void report_message(lua_State *L, const char *msg) {
  fputs(PROGNAME ": ", stderr);
  if (L) wr_clean_file(L, stderr, msg, strlen(msg));
  else fputs(msg, stderr);
  fputc('\n', stderr);
  fflush(stderr);
}

/*
** The memory budget of --max-memory (or PARLEY_MAX_MEMORY): the Lua
** allocator below counts what the state holds and refuses beyond limit;
** the C core's own heap (malloc in the build, its worker threads, hit
** lists) is held to the same budget by the kernel (RLIMIT_DATA, which
** counts the heap and anonymous mappings but not mapped index files), set
** at limit plus the heap the process held before Lua started.  Owned by
** main (a local), reached through the allocator's ud and the registry.
*/
typedef struct memory_budget {
  atomic_size_t used;     /* bytes the Lua state holds */
  size_t limit;           /* 0: no limit */
  atomic_int refused;     /* an allocation was refused for the limit */
} memory_budget;

#define BUDGET_KEY "parley.memory"      /* registry: light userdata, the budget */
#define STATUS_KEY "parley.status"      /* registry: the exit status an error asks for */

/*
** A block of HUGE_BLOCK bytes or more (a long string, a big table's array)
** comes from its own mapping, and each of its 4 KiB pages faults in on first
** write: a 64 MB concatenation spent 40 of its 55 ms faulting.  Asking for
** transparent huge pages (where the kernel grants them on request) makes it
** 512 times fewer faults; the Lua instruction that builds the block, which
** Ctrl-C cannot cut short, ends that much sooner.  Advice only: a kernel
** that refuses it changes nothing.
*/
#define HUGE_BLOCK (4u << 20)
#define HUGE_PAGE  ((uintptr_t)2 << 20)

static void advise_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p; (void)n;
#endif
}

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  memory_budget *b = (memory_budget *)ud;
  void *np;
  if (ptr == NULL) osize = 0;            /* osize is then a type tag, not a size */
  if (nsize == 0) {
    free(ptr);
    atomic_fetch_sub_explicit(&b->used, osize, memory_order_relaxed);
    return NULL;
  }
  if (b->limit && nsize > osize) {
    size_t grow = nsize - osize;
    size_t now = atomic_fetch_add_explicit(&b->used, grow, memory_order_relaxed);
    if (now + grow > b->limit || now + grow < now) {
      atomic_fetch_sub_explicit(&b->used, grow, memory_order_relaxed);
      atomic_store_explicit(&b->refused, 1, memory_order_relaxed);
      return NULL;
    }
    np = realloc(ptr, nsize);
    if (np == NULL) atomic_fetch_sub_explicit(&b->used, grow, memory_order_relaxed);
    else if (nsize >= HUGE_BLOCK) advise_huge(np, nsize);
    return np;
  }
  np = realloc(ptr, nsize);
  if (np != NULL) {
    if (nsize >= HUGE_BLOCK && nsize > osize) advise_huge(np, nsize);
    if (nsize >= osize) atomic_fetch_add_explicit(&b->used, nsize - osize, memory_order_relaxed);
    else atomic_fetch_sub_explicit(&b->used, osize - nsize, memory_order_relaxed);
  }
  return np;
}

/*
** "--max-memory N": N bytes, or with a suffix K, M or G (KiB, MiB, GiB).
** Returns 0 and sets *out, or -1 if s is no size (0 and less refused too).
*/
static int parse_size(const char *s, size_t *out) {
  char *end;
  unsigned long long v, mul = 1;
  if (s == NULL || *s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || end == s) return -1;
  switch (*end) {
    case 'k': case 'K': mul = 1ULL << 10; end++; break;
    case 'm': case 'M': mul = 1ULL << 20; end++; break;
    case 'g': case 'G': mul = 1ULL << 30; end++; break;
    default: break;
  }
  if ((*end == 'i' || *end == 'I') && mul > 1) end++;
  if ((*end == 'b' || *end == 'B')) end++;
  if (*end != '\0' || v == 0 || v > (unsigned long long)SIZE_MAX / mul) return -1;
  *out = (size_t)(v * mul);
  return 0;
}

static memory_budget *budget_of(lua_State *L) {
  memory_budget *b;
  lua_getfield(L, LUA_REGISTRYINDEX, BUDGET_KEY);
  b = (memory_budget *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return b;
}

/* Ask for exit status `status` at the end (the first error that asks wins). */
static void set_exit_status(lua_State *L, int status) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, STATUS_KEY) == LUA_TNIL) {
    lua_pushinteger(L, status);
    lua_setfield(L, LUA_REGISTRYINDEX, STATUS_KEY);
  }
  lua_pop(L, 1);
}

/*
** Is the error value on top of the stack a memory error: Lua's own
** message, or one of the core's ("not enough memory for the lexicon")?
*/
static int is_memory_error(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  return msg && (strstr(msg, "not enough memory") || strstr(msg, "out of memory"));
}

/*
** Report the error on top of the stack (if status is an error) and pop it.
** An interruption is reported as one line and asks for exit status 130
** (128 + SIGINT, as a shell expects of a command that Ctrl-C stopped); a
** memory error while a budget is set names the budget.
*/
static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    memory_budget *b = budget_of(L);
    if (msg && strcmp(msg, PARLEY_INTERRUPTED) == 0) {
      report_message(L, "interrupted");
      set_exit_status(L, 130);
    } else if (b && b->limit && (status == LUA_ERRMEM || is_memory_error(L))) {
      char line[128];
      snprintf(line, sizeof line, "out of memory: the limit is %zu MiB (--max-memory)",
               (b->limit + (1u << 20) - 1) >> 20);
      report_message(NULL, line);
    } else {
      report_message(L, msg ? msg : "(error object is not a string)");
    }
    lua_pop(L, 1);
  }
  return status;
}

static void interrupt_hook(lua_State *L, lua_Debug *ar);

static void grace_arm(long ms) {
  struct itimerspec t;
  memset(&t, 0, sizeof t);
  t.it_value.tv_sec = ms / 1000;
  t.it_value.tv_nsec = (ms % 1000) * 1000000L;
  if (grace_ready) timer_settime(grace_timer, 0, &t, NULL);   /* 0 ms: disarmed */
}

/* Disarm the interruption hook of L (and of the hooked state), and clear the flag. */
void parley_interrupt_clear(lua_State *L) {
  lua_State *S = signal_state;
  if (lua_gethook(L) == interrupt_hook) lua_sethook(L, NULL, 0, 0);
  if (S && S != L && lua_gethook(S) == interrupt_hook) lua_sethook(S, NULL, 0, 0);
  grace_arm(0);
  grace_told = 0;
  grace_longer = 0;
  atomic_store_explicit(&interrupt_flag, PARLEY_CALM, memory_order_relaxed);
}

/* write(2) of a literal, in a signal handler (no stdio there). */
#define SAY(lit) ((void)!write(STDERR_FILENO, lit, sizeof lit - 1))

/* End the run by SIGINT's default action (the shell sees the signal); _exit if that fails. */
static void die_by_sigint(void) {
  struct sigaction dfl;
  sigset_t set;
  SAY(PROGNAME ": interrupted\n");
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGINT, &dfl, NULL);
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);   /* a worker thread blocks it */
  kill(getpid(), SIGINT);
  _exit(130);
}

/* The grace timer fired: has the Ctrl-C been seen, and raised since? */
static void on_grace(int sig) {
  int v = atomic_load_explicit(&interrupt_flag, memory_order_relaxed);
  (void)sig;
  if (v == PARLEY_CALM) return;
  if (v == PARLEY_SEEN && !grace_longer) {    /* someone is stopping: give it time */
    grace_longer = 1;
    grace_arm(GRACE_SEEN_MS);
    return;
  }
  if (!grace_repl) die_by_sigint();
  grace_told = 1;
  SAY("\n" PROGNAME ": busy in one call that Ctrl-C cannot reach (a pattern match?); Ctrl-C again quits\n");
}

static void grace_init(void) {
  struct sigaction sa;
  struct sigevent ev;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_grace;
  sa.sa_flags = SA_RESTART;             /* a worker thread's read goes on */
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, NULL) != 0) return;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGALRM;
  if (timer_create(CLOCK_MONOTONIC, &ev, &grace_timer) == 0) grace_ready = 1;
}

/* The interruption, as one error whether a C loop saw the flag or the hook fired. */
int parley_interrupt_raise(lua_State *L) {
  parley_interrupt_clear(L);
  lua_pushliteral(L, PARLEY_INTERRUPTED);
  return lua_error(L);
}

/* Hook armed by the signal handler: the next Lua instruction raises the interruption. */
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  parley_interrupt_raise(L);
}

/* Ctrl-C: set the flag for C loops and arm the hook for Lua code; nothing else. */
static void on_sigint(int sig) {
  lua_State *L = signal_state;
  (void)sig;
  if (grace_told && atomic_load_explicit(&interrupt_flag, memory_order_relaxed) != PARLEY_CALM)
    die_by_sigint();                  /* the REPL's second Ctrl-C on a stuck call */
  atomic_store_explicit(&interrupt_flag, PARLEY_PENDING, memory_order_relaxed);
  if (L) lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
  grace_arm(GRACE_MS);
}

/*
** Message handler: turn any error object into a string and add a traceback.
** A table error with a true `quiet` field (a user's mistake reported by a
** script, such as a bad option) prints as its message alone.
*/
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (parley_is_fatal(L, 1)) return 1;   /* an interruption, a memory error: the value alone */
  if (msg == NULL && lua_type(L, 1) == LUA_TTABLE) {
    int quiet = lua_getfield(L, 1, "quiet") != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (quiet && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
  }
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/*
** Call the function below `narg` arguments in protected mode, Ctrl-C
** enabled.  How often Ctrl-C is caught differs on purpose:
**   CATCH_ONCE (scripts, -e, -l): the first Ctrl-C raises "interrupted!"
**     (or, in a call stuck in C, the grace timer ends the run); the handler
**     is then reset (SA_RESETHAND), so a second one ends the process by
**     SIGINT, as `lua` does: a script has no session to lose, and the shell
**     sees the signal (a shell loop over `parley` stops).
**   CATCH_ALWAYS (the REPL): every Ctrl-C sets the flag and re-arms the
**     hook, so the session survives any number of them; a call stuck in C
**     is reported by the grace timer, and the next Ctrl-C quits.  The
**     history is already on disk.
** No SA_RESTART: a blocking read in Lua code returns, then is interrupted.
** A Ctrl-C still pending when the call returns is forgotten.
*/
enum { CATCH_ONCE, CATCH_ALWAYS };

/* Install the SIGINT handler as `how` says; the disposition it replaces goes to *old. */
static void catch_sigint(int how, struct sigaction *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sa.sa_flags = how == CATCH_ONCE ? SA_RESETHAND : 0;
  sigemptyset(&sa.sa_mask);
  grace_repl = how == CATCH_ALWAYS;
  sigaction(SIGINT, &sa, old);
}

static int pcall_catching(lua_State *L, int narg, int nres, int how) {
  int status;
  int base = lua_gettop(L) - narg;
  struct sigaction old;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  signal_state = L;
  catch_sigint(how, &old);
  status = lua_pcall(L, narg, nres, base);
  sigaction(SIGINT, &old, NULL);
  parley_interrupt_clear(L);
  signal_state = NULL;
  lua_remove(L, base);
  return status;
}

static int docall(lua_State *L, int narg, int nres) {
  return pcall_catching(L, narg, nres, CATCH_ONCE);
}

static int dochunk(lua_State *L, int status) {
  if (status == LUA_OK) status = docall(L, 0, 0);
  return report(L, status);
}

static int dostring(lua_State *L, const char *s, const char *name) {
  return dochunk(L, luaL_loadbuffer(L, s, strlen(s), name));
}

/* -l [g=]mod: require mod and store it in global g (default: mod). */
static int dolibrary(lua_State *L, const char *spec) {
  int status;
  const char *eq = strchr(spec, '=');
  const char *mod = eq ? eq + 1 : spec;
  lua_getglobal(L, "require");
  lua_pushstring(L, mod);
  status = docall(L, 1, 1);
  if (status == LUA_OK) {
    if (eq) lua_pushlstring(L, spec, (size_t)(eq - spec));
    else lua_pushstring(L, mod);
    lua_insert(L, -2);
    lua_setglobal(L, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  return report(L, status);
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
** Find the toolkit's home: the folder holding lua/parley/init.lua, searched
** from the executable's folder upwards (source tree: build/parley) and in
** the install prefix (PREFIX/bin/parley -> PREFIX/share/parley).
** Pushes the home path, or nil if none was found.
*/
static void push_home(lua_State *L) {
  static const char *const rel[] = {"/..", "/../..", "/../share/parley", "", NULL};
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  int i;
  if (n <= 0) { lua_pushnil(L); return; }
  exe[n] = '\0';
  *strrchr(exe, '/') = '\0';  /* readlink gives an absolute path, so '/' exists */
  for (i = 0; rel[i]; i++) {
    char probe[PATH_MAX + 64], real[PATH_MAX];
    snprintf(probe, sizeof probe, "%s%s/lua/parley/init.lua", exe, rel[i]);
    if (file_exists(probe)) {
      snprintf(probe, sizeof probe, "%s%s", exe, rel[i]);
      lua_pushstring(L, realpath(probe, real) ? real : probe);
      return;
    }
  }
  lua_pushnil(L);
}

/*
** Push the templates of the search path s (';'-separated) that are absolute
** paths, in order: what is left of package.path or package.cpath once the
** current folder (./?.lua, ./?.so, any relative template) is taken out.
*/
static void push_absolute_templates(lua_State *L, const char *s) {
  luaL_Buffer b;
  int first = 1;
  luaL_buffinit(L, &b);
  while (*s) {
    size_t n = strcspn(s, ";");
    if (n > 0 && s[0] == '/') {
      if (!first) luaL_addchar(&b, ';');
      luaL_addlstring(&b, s, n);
      first = 0;
    }
    s += n;
    if (*s == ';') s++;
  }
  luaL_pushresult(&b);
}

/*
** package.path = home/lua first, then PARLEY_PATH, then LUA_PATH (or the
** default), so the toolkit cannot be shadowed by a stray module of the same
** name; -E ignores PARLEY_PATH, LUA_PATH and LUA_CPATH.  The toolkit loads
** (lpeg, re, cjson) with only the absolute templates of both paths, so a
** module planted in the current folder (a corpus folder, say) is never
** loaded in its place; the full paths, as lua would have them, are kept in
** package.loaded["parley.site"] (fields path and cpath) for the scripts a
** user names by path (see handle_script).  Records the home there too.
*/
static int setup_paths(lua_State *L, int ignore_env) {
  const char *extra = ignore_env ? NULL : getenv("PARLEY_PATH");
  lua_getglobal(L, "package");
  push_home(L);
  if (lua_isnil(L, -1)) {
    report_message(L, "cannot find the toolkit's lua/ folder next to the executable "
                      "(reinstall with `make install`)");
    return 0;
  }
  parley_compiled_searcher(L);                   /* home's modules, precompiled (bytecode.c) */
  if (ignore_env) {
    lua_pushliteral(L, LUA_PATH_DEFAULT);
    lua_setfield(L, -3, "path");
    lua_pushliteral(L, LUA_CPATH_DEFAULT);
    lua_setfield(L, -3, "cpath");
  }
  lua_getfield(L, -2, "path");
  lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua;%s%s%s",
                  lua_tostring(L, -2), lua_tostring(L, -2),
                  extra ? extra : "", extra ? ";" : "", lua_tostring(L, -1));
  lua_replace(L, -2);                            /* package home fullpath */
  lua_getfield(L, -3, "cpath");                  /* package home fullpath fullcpath */
  push_absolute_templates(L, lua_tostring(L, -2));
  lua_setfield(L, -5, "path");
  push_absolute_templates(L, lua_tostring(L, -1));
  lua_setfield(L, -5, "cpath");
  /* parley.site: facts about this installation, for lua/parley/init.lua */
  lua_createtable(L, 0, 6);
  lua_insert(L, -3);                             /* package home site fullpath fullcpath */
  lua_setfield(L, -3, "cpath");
  lua_setfield(L, -2, "path");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "home");
  lua_pushliteral(L, PARLEY_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushboolean(L, isatty(STDIN_FILENO));
  lua_setfield(L, -2, "interactive");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "parley.site");
  lua_pop(L, 3);  /* loaded, home, package */
  return 1;
}

/* Preload the toolkit: globals `parley`, `lpeg` and `re`, as pandoc does for filters. */
static int open_toolkit(lua_State *L) {
  static const char *const mods[][2] = {{"lpeg", "lpeg"}, {"re", "re"}, {"parley", "parley"}};
  size_t i;
  for (i = 0; i < sizeof mods / sizeof mods[0]; i++) {
    lua_getglobal(L, "require");
    lua_pushstring(L, mods[i][1]);
    if (report(L, docall(L, 1, 1)) != LUA_OK) return 0;
    lua_setglobal(L, mods[i][0]);
  }
  return 1;
}

/* arg table: arg[0] is the script, the interpreter and options negative. */
static void create_arg_table(lua_State *L, char **argv, int argc, int script) {
  int i;
  lua_createtable(L, argc - script - 1, script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/*
** Resolve a script name through lua/parley/help.lua's script_path, the one
** place that says what a name means (the REPL's :run asks it too): a path
** runs as given, a bare NAME is the bundled script home/scripts/NAME.lua and
** nothing else.  Pushes the path; returns 1 for a bundled script, 0 for a
** path, -1 (and reports why) for a name that is no script.
*/
static int resolve_script(lua_State *L, const char *name) {
  int bundled;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "parley.help");
  if (report(L, docall(L, 1, 1)) != LUA_OK) return -1;
  lua_getfield(L, -1, "script_path");
  lua_remove(L, -2);
  lua_pushstring(L, name);
  if (report(L, docall(L, 1, 2)) != LUA_OK) return -1;
  if (lua_type(L, -2) != LUA_TSTRING) {
    report_message(L, luaL_tolstring(L, -1, NULL));
    lua_pop(L, 3);
    return -1;
  }
  bundled = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return bundled;
}

/* Ask lua/parley/strict.lua for a strict environment (bundled scripts run in one). */
static int set_strict_env(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "parley.strict");
  if (docall(L, 1, 1) != LUA_OK) return LUA_ERRRUN;
  lua_getfield(L, -1, "env");
  lua_remove(L, -2);
  if (docall(L, 0, 1) != LUA_OK) return LUA_ERRRUN;
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);  /* chunk's first upvalue is _ENV */
  return LUA_OK;
}

/*
** Set package.path and package.cpath for the script at path (NULL: standard
** input).  A bundled script keeps the absolute templates only (setup_paths)
** plus its own folder; a script the user named gets lua's paths (the current
** folder included) plus its own folder, so it can require its neighbours.
** Before that, the module the toolkit loads lazily from outside lua/ (cjson,
** when a corpus is opened) is loaded on the absolute paths: a user's script
** run inside a corpus folder must not open it with a cjson.lua found there.
*/
static void script_paths(lua_State *L, const char *path, int bundled) {
  if (!bundled) {
    lua_getglobal(L, "require");
    lua_pushliteral(L, "cjson");
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);  /* missing: the toolkit says so when it needs it */
  }
  lua_getglobal(L, "package");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, "parley.site");
  lua_remove(L, -2);                             /* package site */
  if (!bundled) {
    lua_getfield(L, -1, "path");
    lua_setfield(L, -3, "path");
    lua_getfield(L, -1, "cpath");
    lua_setfield(L, -3, "cpath");
  }
  lua_pop(L, 1);
  if (path) {
    const char *slash = strrchr(path, '/');
    if (slash) lua_pushlstring(L, path, (size_t)(slash - path));
    else lua_pushliteral(L, ".");
    lua_getfield(L, -2, "path");
    lua_pushfstring(L, "%s;%s/?.lua;%s/?/init.lua", lua_tostring(L, -1),
                    lua_tostring(L, -2), lua_tostring(L, -2));
    lua_setfield(L, -4, "path");
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
}

/* Run the script at argv[script] with the following arguments as `...`. */
static int handle_script(lua_State *L, char **argv, int argc, int script) {
  int status, bundled, i;
  const char *path;
  bundled = resolve_script(L, argv[script]);
  if (bundled < 0) return LUA_ERRFILE;
  path = lua_tostring(L, -1);
  if (strcmp(path, "-") == 0) path = NULL;  /* stdin */
  status = luaL_loadfile(L, path);
  if (status == LUA_OK && bundled) status = set_strict_env(L);
  if (status == LUA_OK) {
    script_paths(L, path, bundled);
    lua_remove(L, -2);                           /* the path string, no longer needed */
    for (i = script + 1; i < argc; i++) lua_pushstring(L, argv[i]);
    status = docall(L, argc - script - 1, 0);
  } else {
    lua_remove(L, -2);
  }
  return report(L, status);
}

/* Is the message on top of the stack (from msghandler) an interruption? */
static int is_interruption(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  return msg && strcmp(msg, PARLEY_INTERRUPTED) == 0;   /* msghandler passes it through as it is */
}

/*
** The REPL: lua/parley/repl.lua's run(resume).  Evaluations are protected
** there; a Ctrl-C that lands in the REPL's own code, between two lines,
** ends run with "interrupted!", and run is started again with resume =
** true, so that no Ctrl-C ends the session (the handler stays installed
** from one run to the next).
*/
static int do_repl(lua_State *L) {
  int status, resume = 0;
  struct sigaction old;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "parley.repl");
  if (report(L, docall(L, 1, 1)) != LUA_OK) return LUA_ERRRUN;
  catch_sigint(CATCH_ALWAYS, &old);
  for (;;) {
    lua_getfield(L, -1, "run");
    lua_pushboolean(L, resume);
    status = pcall_catching(L, 1, 0, CATCH_ALWAYS);
    if (status == LUA_OK || !is_interruption(L)) break;
    lua_pop(L, 1);
    resume = 1;
  }
  sigaction(SIGINT, &old, NULL);
  report(L, status);
  lua_pop(L, 1);  /* the module */
  return status;
}

enum { HAS_ERROR = 1, HAS_I = 2, HAS_V = 4, HAS_E = 8, HAS_BIG_E = 16, HAS_HELP = 32 };

/*
** Scan options up to the script name.  Returns the flags; *first is the
** index of the script (argc if none).
*/
static int collect_args(char **argv, int argc, int *first) {
  int flags = 0, i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) break;
    if (strcmp(a, "--") == 0) { i++; break; }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) flags |= HAS_HELP;
    else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) flags |= HAS_V;
    else if (strcmp(a, "-i") == 0) flags |= HAS_I;
    else if (strcmp(a, "-E") == 0) flags |= HAS_BIG_E;
    else if (strcmp(a, "--max-memory") == 0) {
      if (++i >= argc || argv[i][0] == '-') { *first = i; return HAS_ERROR | 'm' << 8; }
    } else if (strncmp(a, "--max-memory=", 13) == 0) {
      continue;
    } else if (a[1] == 'e' || a[1] == 'l') {
      if (a[1] == 'e') flags |= HAS_E;
      if (a[2] == '\0' && (++i >= argc || argv[i][0] == '-')) {
        *first = i;
        return HAS_ERROR | a[1] << 8;
      }
    } else {
      *first = i;
      return HAS_ERROR;
    }
  }
  *first = i;
  return flags;
}

/* Run the -e and -l options in order. */
static int run_args(lua_State *L, char **argv, int n) {
  int i;
  for (i = 1; i < n; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (strcmp(a, "--max-memory") == 0) { i++; continue; }
    if (a[0] == '-' && (a[1] == 'e' || a[1] == 'l')) {
      const char *v = a[2] ? a + 2 : argv[++i];
      int status = a[1] == 'e' ? dostring(L, v, "=(command line)") : dolibrary(L, v);
      if (status != LUA_OK) return 0;
    }
  }
  return 1;
}

#ifndef __SANITIZE_ADDRESS__
/* The heap the process holds now (data and stack, /proc/self/statm), in bytes; 0 if unknown. */
static size_t heap_now(void) {
  unsigned long size, res, shared, text, lib, data;
  FILE *f = fopen("/proc/self/statm", "r");
  int n;
  if (f == NULL) return 0;
  n = fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &res, &shared, &text, &lib, &data);
  fclose(f);
  return n == 6 ? (size_t)data * (size_t)sysconf(_SC_PAGESIZE) : 0;
}
#endif

#define STACKS_ALLOWANCE ((size_t)64 << 20)   /* the worker threads' stacks, outside the budget */

/*
** --max-memory N (the last one given; else PARLEY_MAX_MEMORY): the Lua
** allocator refuses beyond N bytes, and the kernel refuses the process's
** heap beyond N more than it holds now (RLIMIT_DATA, plus room for thread
** stacks), so the core's mallocs, in any thread, meet the same budget.
** Returns 0 (reported) for a size that is none.
*/
static int set_memory_limit(lua_State *L, char **argv, int n) {
  memory_budget *b = budget_of(L);
  const char *v = getenv("PARLEY_MAX_MEMORY"), *from = "PARLEY_MAX_MEMORY";
  size_t limit;
  int i;
  for (i = 1; i < n; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--max-memory") == 0) { v = argv[++i]; from = "--max-memory"; }
    else if (strncmp(argv[i], "--max-memory=", 13) == 0) { v = argv[i] + 13; from = "--max-memory"; }
    else if (argv[i][0] == '-' && (argv[i][1] == 'e' || argv[i][1] == 'l') && argv[i][2] == '\0') i++;
  }
  if (v == NULL || *v == '\0' || b == NULL) return 1;
  if (parse_size(v, &limit) != 0) {
    report_message(L, lua_pushfstring(L, "%s: '%s' is no size (write bytes, or a number with K, M or G: 512M)",
                                      from, v));
    return 0;
  }
  b->limit = limit;
#ifndef __SANITIZE_ADDRESS__   /* the sanitizer's own maps count as heap: only Lua's is limited there */
  {
    struct rlimit rl;
    size_t base = heap_now();
    if (base && getrlimit(RLIMIT_DATA, &rl) == 0) {
      rlim_t want = (rlim_t)(base + limit + STACKS_ALLOWANCE);
      if (want > base && (rl.rlim_max == RLIM_INFINITY || want <= rl.rlim_max)) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_DATA, &rl);
      }
    }
  }
#endif
  return 1;
}

/* The real main, run in protected mode; pushes true on success. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int script, flags;
  flags = collect_args(argv, argc, &script);
  if (flags & HAS_ERROR) {
    if ((flags >> 8) == 'm') report_message(L, "'--max-memory' needs a size (such as 512M or 2G)");
    else if (flags >> 8) report_message(L, lua_pushfstring(L, "'-%c' needs an argument", flags >> 8));
    else report_message(L, lua_pushfstring(L, "unrecognized option '%s'", argv[script]));
    usage(stderr);
    return 0;
  }
  if (flags & HAS_HELP) { usage(stdout); lua_pushboolean(L, 1); return 1; }
  if (flags & HAS_V) print_version();
  if (!set_memory_limit(L, argv, script)) return 0;
  lua_pushlightuserdata(L, (void *)&interrupt_flag);  /* for parley_interrupt_flag */
  lua_setfield(L, LUA_REGISTRYINDEX, PARLEY_INTERRUPT_KEY);
  luaL_openlibs(L);
  parley_openlibs(L);
  create_arg_table(L, argv, argc, script < argc ? script : 0);
  if (!setup_paths(L, flags & HAS_BIG_E) || !open_toolkit(L)) return 0;
  if (!run_args(L, argv, script)) return 0;
  if (script < argc && handle_script(L, argv, argc, script) != LUA_OK) return 0;
  if (flags & HAS_I) {
    if (do_repl(L) != LUA_OK) return 0;
  } else if (script == argc && !(flags & (HAS_E | HAS_V))) {
    if (isatty(STDIN_FILENO)) {
      if (do_repl(L) != LUA_OK) return 0;
    } else if (dochunk(L, luaL_loadfile(L, NULL)) != LUA_OK) {
      return 0;
    }
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* Unprotected errors (none is expected: everything runs under pmain's pcall). */
static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  report_message(NULL, msg ? msg : "unprotected error");
  return 0;
}

int main(int argc, char **argv) {
  int status, ok, exit_status = EXIT_FAILURE;
  memory_budget budget;
  lua_State *L;
  atomic_init(&budget.used, 0);
  atomic_init(&budget.refused, 0);
  budget.limit = 0;
  grace_init();
  L = lua_newstate(budget_alloc, &budget);
  if (L == NULL) {
    report_message(NULL, "cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  lua_atpanic(L, panic);
  lua_pushlightuserdata(L, &budget);
  lua_setfield(L, LUA_REGISTRYINDEX, BUDGET_KEY);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  ok = lua_toboolean(L, -1);
  report(L, status);
  if (lua_getfield(L, LUA_REGISTRYINDEX, STATUS_KEY) == LUA_TNUMBER) exit_status = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_close(L);
  /* what a script printed must have reached standard output: a full disk is a failure */
  errno = 0;
  if ((fflush(stdout) != 0 || ferror(stdout)) && ok && status == LUA_OK) {
    char msg[256];
    if (errno) snprintf(msg, sizeof msg, "cannot write to standard output: %s", strerror(errno));
    else snprintf(msg, sizeof msg, "cannot write to standard output: a write failed (is the disk full?)");
    report_message(NULL, msg);
    ok = 0;
  }
  return (ok && status == LUA_OK) ? EXIT_SUCCESS : exit_status;
}
