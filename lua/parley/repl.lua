-- The interactive REPL (`parley -i`, or `parley` on a terminal).
-- Behaves like `lua`'s: an expression prints its values, an incomplete chunk
-- keeps reading, prompts come from _PROMPT/_PROMPT2.  Unlike `lua`, a
-- top-level `local` survives to the next line (see globalize), results are
-- pretty-printed by parley.show, :commands give help, errors of parley.error
-- print as their message alone, Ctrl-C never ends the session (it stops an
-- evaluation or abandons the chunk being typed), and the history is
-- appended to its file after every line.
local show = require "parley.show"
local help = require "parley.help"
local fs = require "parley.fs"
local perror = require "parley.error"
local clean = require("parley.writer").clean

local M = {}

local KEYWORD_OPEN = { ["function"] = true, ["if"] = true, ["do"] = true, ["repeat"] = true }
local KEYWORD_CLOSE = { ["end"] = true, ["until"] = true }

-- Position just past the long bracket [==[ ... ]==] opening at i, or nil.
local function skip_long(src, i)
  local eq = src:match("^%[(=*)%[", i)
  if not eq then return nil end
  local _, e = src:find("]" .. eq .. "]", i + #eq + 2, true)
  return (e or #src) + 1
end

-- Position just past the quoted string opening at i.
local function skip_quoted(src, i)
  local q, j = src:sub(i, i), i + 1
  while j <= #src do
    local c = src:sub(j, j)
    if c == "\\" then j = j + 2
    elseif c == q or c == "\n" then return j + 1
    else j = j + 1 end
  end
  return j
end

-- Rewrite the `local` declarations at the top level of a chunk into global
-- assignments, so that a REPL session keeps them: `local x <const> = 1` ->
-- `x = 1`, `local x` -> `x = nil`, `local function f` -> `function f`.
-- Strings, comments and nested blocks are left alone.
function M.globalize(src)
  local out, depth, i, last = {}, 0, 1, 1
  while i <= #src do
    local c = src:sub(i, i)
    if src:find("^%-%-", i) then
      i = skip_long(src, i + 2) or ((src:find("\n", i, true) or #src) + 1)
    elseif c == "[" and src:find("^%[=*%[", i) then
      i = skip_long(src, i)
    elseif c == '"' or c == "'" then
      i = skip_quoted(src, i)
    elseif c:find("[%a_]") then
      local word = src:match("^[%a_][%w_]*", i)
      local prev = i > 1 and src:sub(i - 1, i - 1) or ""
      local j = i + #word
      if prev == "." or prev == ":" then
        -- a field name, never a keyword
      elseif KEYWORD_OPEN[word] then depth = depth + 1
      elseif KEYWORD_CLOSE[word] then depth = depth - 1
      elseif word == "local" and depth == 0 then
        out[#out + 1] = src:sub(last, i - 1)
        local k = src:match("^%s*()", j)
        if src:find("^function[^%w_]", k) then
          last = k
        else
          -- a name list: Name [<attrib>] {, Name [<attrib>]}
          local names, p = {}, k
          while true do
            local name, q = src:match("^([%a_][%w_]*)%s*()", p)
            if not name then break end
            names[#names + 1] = name
            p = src:match("^<%s*[%a_][%w_]*%s*>%s*()", q) or q
            local r = src:match("^,%s*()", p)
            if not r then break end
            p = r
          end
          out[#out + 1] = table.concat(names, ", ")
          if src:find("^=", p) and not src:find("^==", p) then
            out[#out + 1] = " "
          else
            out[#out + 1] = " = nil "
          end
          last, j = p, p
        end
      end
      i = j
    else
      i = i + 1
    end
  end
  out[#out + 1] = src:sub(last)
  return table.concat(out)
end

-- Compile a chunk as the REPL does: first as `return <chunk>` (so an
-- expression prints its value), then as statements with locals globalized.
-- Returns the function, or nil and a message, with incomplete=true when the
-- chunk ends too early and more lines should be read.
function M.compile(src, chunkname)
  chunkname = chunkname or "=stdin"
  local f = load("return " .. src, chunkname, "t")
  if f then return f end
  local err
  f, err = load(M.globalize(src), chunkname, "t")
  if f then return f end
  if err:find("<eof>$") then return nil, err, true end
  return nil, err
end

-- The candidates in list that start with prefix, sorted.
local function starting(list, prefix)
  local out, seen = {}, {}
  for _, s in ipairs(list) do
    if s:sub(1, #prefix) == prefix and not seen[s] then seen[s] = true; out[#out + 1] = s end
  end
  table.sort(out)
  return out
end

local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
  "while" }

-- Candidates for tab completion of `text`, the word before the cursor.
-- With `line` and `start` (where text starts in line, 1-based), a REPL
-- command is completed (`:he` -> `:help`), and so are the argument of :run
-- (a bundled script) and of :help (a reference entry).  Otherwise text is
-- an expression: globals (`par`), fields of tables reached through a dotted
-- path (`parley.te`), or methods after ':' (`corpus:kw`) -- functions in the
-- __index table, or in __methods when __index is a function.  Names that
-- start with '_' (private fields) are offered only once a '_' is typed, and
-- metamethods (`__close`, `__index` ...) never after '.' or ':'.
function M.complete(text, env, line, start)
  local before = line and line:sub(1, (start or 1) - 1) or ""
  if before:find("^%s*$") and text:find("^:") then return starting(help.command_names(), text) end
  local cmd = before:match("^%s*:(%a+)%s+$")
  if cmd == "run" then return starting(help.script_names(), text) end
  if cmd == "help" then return starting(help.topics(), text) end
  if before:find("^%s*:%a") then return {} end
  env = env or _G
  local path, sep, partial = text:match("^(.-)([%.:]?)([%w_]*)$")
  local obj = env
  if sep ~= "" then
    for name in path:gmatch("[^%.:]+") do
      local ok, v = pcall(function() return obj[name] end)
      if not ok or v == nil then return {} end
      obj = v
    end
  else
    path = ""
  end
  local private = partial:sub(1, 1) == "_"
  local seen, out = {}, {}
  local function add(k, v)
    if type(k) == "string" and k:find("^[%a_][%w_]*$") and k:sub(1, #partial) == partial
        and not seen[k] and (private or k:sub(1, 1) ~= "_")
        and not (sep ~= "" and k:find("^__"))
        and (sep ~= ":" or type(v) == "function") then
      seen[k] = true
      out[#out + 1] = path .. sep .. k
    end
  end
  local hops = 0
  while obj ~= nil and hops < 8 do
    if type(obj) == "table" then
      for k, v in next, obj do add(k, v) end
    end
    local mt = getmetatable(obj)
    local idx = type(mt) == "table" and rawget(mt, "__index") or nil
    if type(idx) ~= "table" and type(mt) == "table" then idx = rawget(mt, "__methods") end
    if type(idx) ~= "table" then break end
    obj, hops = idx, hops + 1
  end
  if sep == "" then
    for _, kw in ipairs(KEYWORDS) do add(kw, nil) end
  end
  table.sort(out)
  return out
end

-- Where the history is kept: $XDG_DATA_HOME/parley/history, by default
-- ~/.local/share/parley/history.  Creates the folder; nil (and why) if it cannot.
local function history_path()
  local data = os.getenv("XDG_DATA_HOME")
  if not data or data:sub(1, 1) ~= "/" then  -- a relative XDG_DATA_HOME is to be ignored
    local home = os.getenv("HOME")
    if not home or home == "" then return nil end
    data = home .. "/.local/share"
  end
  local ok, err = fs.mkdir(data .. "/parley")
  if not ok then return nil, err end
  return data .. "/parley/history"
end

-- say(out, ...): the REPL's one printer of errors and notes.  A message may
-- quote a corpus or the line typed, so it is shown as the writer shows text
-- on a terminal (parley.writer.clean): no escape sequence gets through.
local function say(out, ...)
  out:write(clean(table.concat({ ... })), "\n")
end

-- words(s) -> the words of s as a POSIX shell splits them (no expansions):
-- blanks separate words; '...' keeps everything inside as it is; "..."
-- keeps everything but \" \\ \$ \` (their backslash dropped); elsewhere a
-- backslash keeps the next character.  nil, message for an unclosed quote.
function M.words(s)
  local words, cur, have, i, n = {}, {}, false, 1, #s
  while i <= n do
    local c = s:sub(i, i)
    if c == "'" then
      local j = s:find("'", i + 1, true)
      if not j then return nil, "a ' quote is not closed" end
      cur[#cur + 1], have, i = s:sub(i + 1, j - 1), true, j + 1
    elseif c == '"' then
      have, i = true, i + 1
      while true do
        if i > n then return nil, 'a " quote is not closed' end
        local d, e = s:sub(i, i), s:sub(i + 1, i + 1)
        if d == '"' then i = i + 1 break end
        if d == "\\" and e:find('^["\\$`]') then cur[#cur + 1], i = e, i + 2
        else cur[#cur + 1], i = d, i + 1 end
      end
    elseif c == "\\" then
      cur[#cur + 1], have, i = i < n and s:sub(i + 1, i + 1) or "\\", true, i + 2
    elseif c == " " or c == "\t" or c == "\n" then
      if have then words[#words + 1], cur, have = table.concat(cur), {}, false end
      i = i + 1
    else
      cur[#cur + 1], have, i = c, true, i + 1
    end
  end
  if have then words[#words + 1] = table.concat(cur) end
  return words
end

-- The short_src of this file, where the tracebacks of evaluated code are cut.
local HERE = debug.getinfo(1, "S").short_src

-- The message handler of an evaluation: an error object of parley.error (a
-- mistake the user can act on, such as a bad query) is its message alone;
-- anything else gets a traceback, down to the evaluated code.
local function handler(e)
  if perror.is(e) then return perror.message(e) end
  local tb = debug.traceback(type(e) == "string" and e or show.tostring(e), 2)
  local cut = tb:find("\n%s*" .. HERE:gsub("%p", "%%%0") .. ":")
  if not cut then return tb end
  return (tb:sub(1, cut - 1):gsub("\n%s*%[C%]: in function 'xpcall'$", ""))
end

-- Run one compiled chunk and print its results; an error (Ctrl-C included,
-- also while the results print) is reported and never ends the session.
local function evaluate(f, err_out)
  local res = table.pack(xpcall(f, handler))
  if res[1] then res = table.pack(xpcall(show.print, handler, table.unpack(res, 2, res.n))) end
  if not res[1] then say(err_out, tostring(res[2])) end
end

-- REPL commands: `:name args`.
local commands = {}

function commands.help(arg)
  io.write(help.text(arg ~= "" and arg or nil), "\n")
end

function commands.quit() return "quit" end
commands.q, commands.exit = commands.quit, commands.quit

function commands.scripts()
  io.write(help.scripts(), "\n")
end

-- :run NAME [args]: the arguments split as a shell splits them (:run kwic 'red cross').
function commands.run(arg, err_out)
  local args, why = M.words(arg)
  if not args then say(err_out, ":run: ", why) return end
  if #args == 0 then say(err_out, "usage: :run NAME [args]") return end
  local name = table.remove(args, 1)
  local ok, err = pcall(help.run_script, name, args)
  if not ok then say(err_out, perror.is(err) and perror.message(err) or tostring(err)) end
end

-- The session.  main.c calls run again (resume = true: no banner, the
-- history and corpus already loaded) when a Ctrl-C lands in this loop's
-- own code rather than in an evaluation, so no Ctrl-C ends the session.
function M.run(resume)
  local rl = require "parley.readline"
  local tty = rl.isatty(0)
  local err_out = io.stderr
  local hist, why
  if tty then
    hist, why = history_path()
    if why and not resume then say(err_out, "parley: the history is not saved: ", why) end
    if hist and not resume then rl.load_history(hist) end
    rl.set_completer(function(text, line, start) return M.complete(text, nil, line, start) end)
    if not resume then
      io.write(("parley %s (%s) - type :help for help, :quit to leave\n")
        :format(require("parley").version, _VERSION))
    end
  end
  -- the bundled corpus, ready as the global `corpus`
  if not resume and rawget(_G, "corpus") == nil then
    local ok, c, err = pcall(require("parley").open)
    if ok and c then rawset(_G, "corpus", c)
    else say(err_out, "parley: the bundled corpus is not loaded: ", tostring(ok and err or c)) end
  end
  local buffer
  while true do
    local prompt = buffer and (rawget(_G, "_PROMPT2") or ">> ") or (rawget(_G, "_PROMPT") or "> ")
    local line = rl.read(tostring(prompt))  -- a prompt only on a terminal
    if line == nil then
      if tty then io.write("\n") end
      break
    elseif line == false then
      buffer = nil  -- Ctrl-C abandons the chunk being typed
    else
      line = line:gsub("\r$", "")
      if tty and line:find("%S") then
        local ok, err = rl.add_history(line, hist)  -- written at once: a killed session loses nothing
        if not ok then
          say(err_out, "parley: the history is not saved: ", err)
          hist = nil
        end
      end
      local cmd, arg = line:match("^%s*:(%a+)%s*(.-)%s*$")
      if not buffer and cmd then
        local f = commands[cmd]
        if not f then
          say(err_out, ("unknown command ':%s' (try :help)"):format(cmd))
        elseif f(arg, err_out) == "quit" then
          break
        end
      elseif buffer or line:find("%S") then
        local src = buffer and (buffer .. "\n" .. line) or line
        local f, err, incomplete = M.compile(src)
        if f then
          buffer = nil
          evaluate(f, err_out)
        elseif incomplete then
          buffer = src
        else
          buffer = nil
          say(err_out, err)
        end
      end
    end
    io.stdout:flush()
  end
end

return M
