/*
** readline.c — `parley.readline`: GNU readline for the REPL.
** Line editing, history and tab completion; the REPL loop itself is Lua
** (lua/parley/repl.lua).  Ctrl-C at the prompt abandons the line instead
** of killing the process: a line is read (by readline in callback mode on
** a terminal, by getline from a pipe) under our own SIGINT handler, which
** only sets a flag.  The history file is appended to after every line.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "parley.h"

#define COMPLETER_KEY "parley.readline.completer"
#define HISTORY_MAX   1000                /* lines kept, in memory and in the file */

/*
** readline's callback interface offers no user pointer, so the line being
** read, the Ctrl-C flag and the state for completion live here, valid only
** for the duration of one readline_read call.
*/
static struct {
  lua_State *L;               /* state whose completer to call, or NULL */
  char *line;                 /* malloc'ed line read (NULL at the end of input) */
  size_t len;                 /* its length in bytes */
  int done;                   /* a line was read, or the input ended */
  volatile sig_atomic_t interrupted;
} session;

static void on_line(char *line) {
  session.line = line;
  session.len = line ? strlen(line) : 0;
  session.done = 1;
  rl_callback_handler_remove();
}

static void on_sigint(int sig) {
  (void)sig;
  session.interrupted = 1;
}

/* Longest common prefix of the n strings in m[1..n]. */
static size_t common_prefix(char **m, size_t n) {
  size_t len = strlen(m[1]), i, j;
  for (i = 2; i <= n; i++) {
    for (j = 0; j < len && m[i][j] == m[1][j]; j++) {}
    len = j;
  }
  return len;
}

/*
** Completion: call the Lua completer(text, line, start) in protected mode;
** it returns a list of candidate strings.  Builds readline's match array
** (substitution first, then the candidates, NULL-terminated) with malloc,
** as readline frees it.
*/
static char **complete(const char *text, int start, int end) {
  lua_State *L = session.L;
  char **m = NULL;
  size_t n, i, k = 0;
  (void)end;
  rl_attempted_completion_over = 1;  /* never fall back to file names */
  if (L == NULL) return NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, COMPLETER_KEY);
  if (!lua_isfunction(L, -1)) { lua_pop(L, 1); return NULL; }
  lua_pushstring(L, text);
  lua_pushstring(L, rl_line_buffer);
  lua_pushinteger(L, start + 1);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK || !lua_istable(L, -1)) { lua_pop(L, 1); return NULL; }
  n = (size_t)lua_rawlen(L, -1);
  if (n > 0 && (m = calloc(n + 2, sizeof *m)) != NULL) {
    for (i = 1; i <= n; i++) {
      const char *s;
      lua_rawgeti(L, -1, (lua_Integer)i);
      s = lua_tostring(L, -1);
      if (s && (m[k + 1] = strdup(s)) != NULL) k++;
      lua_pop(L, 1);
    }
    if (k == 0) { free(m); m = NULL; }
    else {
      size_t p = common_prefix(m, k);
      m[0] = strndup(m[1], p);
      if (k == 1) rl_completion_append_character = '\0';
    }
  }
  lua_pop(L, 1);
  return m;
}

/* Read a line from the terminal in readline's callback mode, so that a
** SIGINT interrupts the select() and abandons the line. */
static void read_tty(const char *prompt) {
  rl_catch_signals = 0;
  rl_callback_handler_install(prompt, on_line);
  while (!session.done && !session.interrupted) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fileno(rl_instream ? rl_instream : stdin), &fds);
    if (select(FD_SETSIZE, &fds, NULL, NULL, NULL) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    rl_callback_read_char();
  }
  if (!session.done) {  /* interrupted, or the terminal failed */
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_callback_handler_remove();
    rl_crlf();
  }
}

/* Read a line from standard input (a pipe or a file), without its newline. */
static void read_plain(void) {
  size_t cap = 0;
  for (;;) {
    ssize_t n = getline(&session.line, &cap, stdin);
    if (n >= 0) {
      session.len = (size_t)n;
      if (session.len > 0 && session.line[session.len - 1] == '\n') session.len--;
      session.done = 1;
      return;
    }
    if (ferror(stdin) && errno == EINTR) {  /* a signal: Ctrl-C abandons the line */
      clearerr(stdin);
      if (!session.interrupted) continue;
    } else {
      session.done = 1;  /* end of input */
    }
    free(session.line);
    session.line = NULL;
    return;
  }
}

/*
** read(prompt) -> line | nil (end of input) | false (Ctrl-C).
** On a terminal the prompt is shown and the line edited with readline;
** otherwise a plain line is read, without a prompt.  A Ctrl-C pressed while
** nothing was running (since the last line was read) is forgotten here.
*/
static int readline_read(lua_State *L) {
  const char *prompt = luaL_optstring(L, 1, "> ");
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);  /* no SA_RESTART: select() and read() must return */
  parley_interrupt_clear(L);
  session.L = L;
  session.line = NULL;
  session.len = 0;
  session.done = 0;
  session.interrupted = 0;
  if (isatty(fileno(rl_instream ? rl_instream : stdin))) read_tty(prompt);
  else read_plain();
  sigaction(SIGINT, &old, NULL);
  session.L = NULL;
  if (session.done && session.line) {
    lua_pushlstring(L, session.line, session.len);
    free(session.line);  /* copied: nothing malloc'ed survives a raise */
    session.line = NULL;
  } else if (session.done) {
    lua_pushnil(L);
  } else {
    lua_pushboolean(L, 0);
  }
  return 1;
}

static int check_history_max(lua_State *L, int arg) {
  lua_Integer max = luaL_optinteger(L, arg, HISTORY_MAX);
  luaL_argcheck(L, max > 0 && max <= 1000000, arg, "history size must be 1 to 1000000");
  return (int)max;
}

static int history_fail(lua_State *L, const char *path, int err) {
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", path, strerror(err));
  return 2;
}

/*
** add_history(line [, path [, max]]) -> true | fail, message
** Add line to the history; with path, also append it to that file at once
** and cut the file to its last max lines (default 1000), so that a session
** that is killed loses nothing.  A line equal to the one before it in the
** history (read from the file too) is not kept again, nor is a line holding
** a NUL byte.
*/
static int readline_add_history(lua_State *L) {
  size_t len;
  const char *line = luaL_checklstring(L, 1, &len);
  const char *path = luaL_optstring(L, 2, NULL);
  int max = check_history_max(L, 3), fd, err;
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (strlen(line) != len || (last && strcmp(last->line, line) == 0)) {
    lua_pushboolean(L, 1);
    return 1;
  }
  stifle_history(max);
  add_history(line);
  if (path) {  /* append_history needs the file to exist */
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return history_fail(L, path, errno);
    close(fd);
    if ((err = append_history(1, path)) != 0) return history_fail(L, path, err);
    if ((err = history_truncate_file(path, max)) != 0) return history_fail(L, path, err);
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* load_history(path [, max]): read a history file; a missing file is not an error. */
static int readline_load_history(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  stifle_history(check_history_max(L, 2));
  lua_pushboolean(L, read_history(path) == 0);
  return 1;
}

/* set_completer(fn | nil): fn(text, line, start) -> { candidates } */
static int readline_set_completer(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, COMPLETER_KEY);
  return 0;
}

/* isatty([fd = 0]) */
static int readline_isatty(lua_State *L) {
  lua_Integer fd = luaL_optinteger(L, 1, 0);
  luaL_argcheck(L, fd >= 0 && fd <= 1024, 1, "file descriptor out of range");
  lua_pushboolean(L, isatty((int)fd));
  return 1;
}

static const luaL_Reg readline_funcs[] = {
  {"read",           readline_read},
  {"add_history",    readline_add_history},
  {"load_history",   readline_load_history},
  {"set_completer",  readline_set_completer},
  {"isatty",         readline_isatty},
  {NULL, NULL}
};

int luaopen_parley_readline(lua_State *L) {
  rl_readline_name = "parley";
  rl_attempted_completion_function = complete;
  /* '.' and ':' are not word breaks, so `parley.te<TAB>` completes a field path */
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{}()[],+-*/%^~#";
  rl_completer_word_break_characters = rl_basic_word_break_characters;
  luaL_newlib(L, readline_funcs);
  return 1;
}
