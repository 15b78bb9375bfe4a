-- Help for the REPL (:help, :scripts, :run), drawn from docs/lua-api.md and
-- from the opening comment of each bundled script, so there is one source.
local fs = require "parley.fs"
local E = require "parley.error"

local M = {}

local function home()
  return require("parley").home or "."
end

local read_file = require("parley.data").read

M.commands = {
  { ":help [topic]", "this list, or the reference entries whose name contains topic" },
  { ":scripts", "the bundled analysis scripts, one line each" },
  { ":run NAME [args]", "run a bundled script (or one named by path) inside this session; "
    .. "arguments split as a shell splits them" },
  { ":quit", "leave (also Ctrl-D); Ctrl-C abandons the line or stops a long query" },
}

-- Reference entries of docs/lua-api.md: every `### name(args)` heading with
-- the text up to the next heading.  Returns a list of { name=, body= }.
function M.entries()
  local src = read_file(home() .. "/docs/lua-api.md") or ""
  local out, cur = {}, nil
  for line in (src .. "\n"):gmatch("(.-)\n") do
    local name = line:match("^###%s+`?([^`]+)`?%s*$")
    if name then
      cur = { name = name, lines = {} }
      out[#out + 1] = cur
    elseif line:match("^#") then
      cur = nil
    elseif cur then
      cur.lines[#cur.lines + 1] = line
    end
  end
  for _, e in ipairs(out) do
    e.body = table.concat(e.lines, "\n"):gsub("^%s+", ""):gsub("%s+$", "")
    e.lines = nil
    local first = e.body:match("^(.-%.)%s") or e.body:match("^[^\n]*")
    e.summary = first:gsub("%s+", " ")
  end
  return out
end

-- The help text: with no topic, the commands and a one-line summary of every
-- reference entry; with a topic, the full entries whose name contains it.
function M.text(topic)
  local lines = {}
  local entries = M.entries()
  if topic then
    for _, e in ipairs(entries) do
      if e.name:find(topic, 1, true) then
        lines[#lines + 1] = e.name .. "\n" .. e.body .. "\n"
      end
    end
    if #lines == 0 then return ("no help entry matches '%s' (try :help)"):format(topic) end
    return table.concat(lines, "\n")
  end
  lines[1] = "REPL commands:"
  for _, c in ipairs(M.commands) do lines[#lines + 1] = ("  %-18s %s"):format(c[1], c[2]) end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "Toolkit (`parley`, also in scripts; :help NAME for details):"
  for _, e in ipairs(entries) do
    lines[#lines + 1] = ("  %-34s %s"):format(e.name, e.summary)
  end
  return table.concat(lines, "\n")
end

-- The names of the REPL commands (":help", ...), in the order of M.commands.
function M.command_names()
  local out = {}
  for _, c in ipairs(M.commands) do out[#out + 1] = c[1]:match("^:%a+") end
  return out
end

-- The names of the reference entries without their arguments
-- ("parley.text.fold", "corpus:kwic"), for completing :help TOPIC.
function M.topics()
  local out, seen = {}, {}
  for _, e in ipairs(M.entries()) do
    local name = e.name:match("^[^%(%s]+")
    if name and not seen[name] then seen[name] = true; out[#out + 1] = name end
  end
  return out
end

-- The names of the bundled scripts (scripts/NAME.lua), sorted.
function M.script_names()
  local out = {}
  for _, n in ipairs(fs.dir(home() .. "/scripts") or {}) do
    out[#out + 1] = n:match("^(.+)%.lua$")
  end
  table.sort(out)
  return out
end

-- Bundled scripts with the first line of their opening comment.
function M.scripts()
  local dir = home() .. "/scripts"
  local lines = {}
  for _, name in ipairs(M.script_names()) do
    local first = (read_file(dir .. "/" .. name .. ".lua") or ""):match("^%-%-%s*([^\n]*)") or ""
    lines[#lines + 1] = ("  %-14s %s"):format(name, first)
  end
  if #lines == 0 then return "no bundled scripts in " .. dir end
  return "Bundled scripts (run as `parley NAME`, or :run NAME here):\n" .. table.concat(lines, "\n")
end

-- script_path(name) -> path, bundled | nil, message: the script that
-- `parley NAME` (core/main.c) and the REPL's `:run NAME` run, found in one
-- place so that both say the same.  A name with a '/', one ending in
-- ".lua", or "-" is a path (or standard input) as given; a bare NAME is the
-- bundled script scripts/NAME.lua and nothing else, so a file called NAME in
-- the current folder (a corpus may ship one) never runs in its place.
function M.script_path(name)
  if name == "-" or name:find("/", 1, true) or name:sub(-4) == ".lua" then return name, false end
  local path = home() .. "/scripts/" .. name .. ".lua"
  local st = fs.stat(path)
  if st and st.type == "file" then return path, true end
  st = fs.stat(name)
  if st and st.type == "file" then
    return nil, ("no bundled script '%s' (to run the file %s in this folder, say ./%s)"):format(name, name, name)
  end
  return nil, ("no bundled script '%s' (they are in %s/scripts)"):format(name, home())
end

-- Run the script NAME (as script_path finds it) with a list of string
-- arguments, as `parley NAME args` would: a bundled script in a strict
-- environment, one named by path in the global one.  A script that cannot
-- be found or read raises a parley.error; errors it raises carry a traceback.
function M.run_script(name, args)
  local path, bundled = M.script_path(name)
  if not path then E.raise(bundled, 0) end
  if path == "-" then E.raise("a script from standard input cannot run inside the REPL", 0) end
  local f, err = loadfile(path, "t", bundled and require("parley.strict").env() or _G)
  if not f then E.raise(err, 0) end
  local saved = rawget(_G, "arg")
  local a = { [0] = path }
  for i, v in ipairs(args or {}) do a[i] = v end
  rawset(_G, "arg", a)
  local ok, msg = xpcall(f, debug.traceback, table.unpack(args or {}))
  rawset(_G, "arg", saved)
  if not ok then error(msg, 0) end
end

return M
