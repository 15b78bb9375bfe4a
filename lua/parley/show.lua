-- Pretty printer for the REPL and `parley.show(value)`.
--
--   show.tostring(value, opts) -> string
--   show.print(...)            -- one line per value (short scalars share a
--                              -- line, tab-separated, as `print` does)
--
-- opts: depth (nested table levels shown, default 4), items (entries shown
-- per table, default 30), width (target line width, default 80), indent
-- (default two spaces).
--
-- Strings are quoted and escaped but valid UTF-8 stays readable: control
-- bytes print as \n, \t, ... or \ddd (as %q does), C1 controls, U+2028/9
-- and bidirectional controls as \u{XX}, bytes that are not valid UTF-8 as
-- \xHH.  What print writes goes through the writer's terminal sanitiser
-- (parley.writer.clean), so the text of hooks (below) cannot carry escape
-- sequences either.  Numbers print as Lua prints them,
-- with math.huge, -math.huge and 0/0 for the special floats.  Tables print
-- their array part (1..n) first, then the other keys sorted: numbers, then
-- strings, then anything else by type name and address.  A table already on
-- the current path prints as <cycle: table: 0x...>.  A table reached again
-- by another route (shared, not a cycle) is printed again in full: values
-- read as values, and the depth and items limits keep the output bounded.
-- Tables past `depth` print as { ... N items }; past `items` entries a table
-- ends with `... (N more)`.
--
-- Hooks for toolkit objects (tables and userdata), read with rawget from the
-- real metatable:
--   __show(value, opts) -> string   preferred; may span several lines; opts
--                                   holds depth, items, width and indent
--   __tostring                      used through tostring()
-- A hook that raises or returns a non-string falls back to the raw address
-- with a note: <table: 0x..., __tostring failed: message>.  Traversal uses
-- next/rawget only, so __index, __pairs and __len are never called, and
-- show.tostring never raises on any value (bad opts are the caller's error).
local M = {}

local byte, find, format, rep, sub = string.byte, string.find, string.format, string.rep, string.sub
local concat, sort = table.concat, table.sort
local getmetatable, getinfo = debug.getmetatable, debug.getinfo
local mathtype, huge, floor = math.type, math.huge, math.floor
local utf8len, codepoint = utf8.len, utf8.codepoint
local clean = require("parley.writer").clean
local next, rawget, select, tostring, type = next, rawget, select, tostring, type
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here
local io_write = io.write

local DEFAULTS = { depth = 4, items = 30, width = 80, indent = "  " }

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local nil not
            or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

local ESCAPES = {
  ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r",
  ["\t"] = "\\t", ["\v"] = "\\v", ['"'] = '\\"', ["\\"] = "\\\\",
}
local SPECIAL = '[\0-\31"\\\127-\255]'

-- Objects whose __show is running: met again (even in a nested show call
-- made by the hook itself), they print as a cycle instead of recursing.
local active = setmetatable({}, { __mode = "k" })

-- Display width, counting UTF-8 characters rather than bytes.
local function width(s)
  return utf8len(s) or #s
end

-- Like tostring, but never calls __tostring: `table: 0x...` (or `Name: 0x...`
-- when the metatable has a string __name, as Lua itself prints).
local function raw(v)
  local mt = getmetatable(v)
  local name = type(mt) == "table" and rawget(mt, "__name")
  if type(name) ~= "string" then name = type(v) end
  return name .. ": " .. format("%p", v)
end

-- Characters a terminal would act on or hide rather than show: C1 controls,
-- line and paragraph separators, bidirectional overrides and isolates.
local function hidden(cp)
  return cp <= 0x9F or cp == 0x2028 or cp == 0x2029 or (cp >= 0x202A and cp <= 0x202E)
    or (cp >= 0x2066 and cp <= 0x2069)
end

local function quote(s)
  if not find(s, SPECIAL) then return '"' .. s .. '"' end
  local out, i, len = { '"' }, 1, #s
  while i <= len do
    local j = find(s, SPECIAL, i)
    if not j then out[#out + 1] = sub(s, i); break end
    if j > i then out[#out + 1] = sub(s, i, j - 1) end
    local c, step = byte(s, j), 1
    if ESCAPES[sub(s, j, j)] then
      out[#out + 1] = ESCAPES[sub(s, j, j)]
    elseif c < 0x80 then
      local d = byte(s, j + 1)
      out[#out + 1] = format((d and d >= 48 and d <= 57) and "\\%03d" or "\\%d", c)
    elseif utf8len(s, j, j) then
      step = c < 0xE0 and 2 or c < 0xF0 and 3 or 4
      local cp = codepoint(s, j)
      if hidden(cp) then out[#out + 1] = format("\\u{%X}", cp)
      else out[#out + 1] = sub(s, j, j + step - 1) end
    else
      out[#out + 1] = format("\\x%02X", c)
    end
    i = j + step
  end
  out[#out + 1] = '"'
  return concat(out)
end

local function number(n)
  if mathtype(n) == "integer" then return format("%d", n) end
  if n ~= n then return "0/0" end
  if n == huge then return "math.huge" end
  if n == -huge then return "-math.huge" end
  local s = format("%.14g", n)
  if not find(s, "[^-%d]") then s = s .. ".0" end
  return s
end

-- One line of an error value, without calling any metamethod.
local function message(e)
  if type(e) == "number" then e = number(e) end
  if type(e) ~= "string" then return e == nil and "nil" or raw(e) end
  return (e:match("^[^\n]*"))
end

local function func(f)
  local info = getinfo(f, "S")
  if not info or info.what == "C" then return "function: builtin" end
  return "function: " .. info.short_src .. ":" .. info.linedefined
end

-- The string a metatable hook gives for `v`, or nil when it has none.
local function hooked(v, st)
  local mt = getmetatable(v)
  if type(mt) ~= "table" then return nil end
  local hook, ok, s = rawget(mt, "__show"), nil, nil
  if hook ~= nil then
    if active[v] then return "<cycle: " .. raw(v) .. ">" end
    active[v] = true
    ok, s = pcall(hook, v, st.opts)
    active[v] = nil
    hook = "__show"
  elseif rawget(mt, "__tostring") ~= nil then
    ok, s = pcall(tostring, v)
    hook = "__tostring"
  else
    return nil
  end
  if ok and type(s) == "string" then return s end
  if ok then s = "returned " .. type(s) end
  return "<" .. raw(v) .. ", " .. hook .. " failed: " .. message(s) .. ">"
end

-- Any value but a table, on one line, without its metatable's hooks.
local function atom(v)
  local tv = type(v)
  if tv == "string" then return quote(v)
  elseif tv == "number" then return number(v)
  elseif tv == "boolean" then return v and "true" or "false"
  elseif tv == "nil" then return "nil"
  elseif tv == "function" then return func(v)
  elseif tv == "userdata" then  -- Lua's own `Name: 0x...` or `file (0x...)`
    local ok, r = pcall(tostring, v)
    if ok and type(r) == "string" then return r end
  end
  return raw(v)
end

local function keyrepr(k, st)
  local tk = type(k)
  if tk == "string" and find(k, "^[A-Za-z_][A-Za-z0-9_]*$") and not KEYWORDS[k] then
    return k
  end
  local s = (tk == "table" or tk == "userdata") and hooked(k, st)
  return "[" .. (s or tk == "table" and raw(k) or atom(k)) .. "]"
end

-- Key order: numbers, then strings, then the rest by type name and address.
local RANK = { number = 1, string = 2 }
local function keyless(a, b)
  local ta, tb = type(a), type(b)
  local ra, rb = RANK[ta] or 3, RANK[tb] or 3
  if ra ~= rb then return ra < rb end
  if ra < 3 then return a < b end  -- both numbers or both strings
  if ta ~= tb then return ta < tb end
  if ta == "boolean" then return b and not a end
  return format("%p", a) < format("%p", b)
end

-- The m smallest keys in order, without sorting a huge table's every key.
local function smallest(keys, m)
  if #keys <= m then sort(keys, keyless); return keys end
  local best = {}
  for i = 1, m > 0 and #keys or 0 do
    local k = keys[i]
    if #best < m or keyless(k, best[m]) then
      local j = #best < m and #best + 1 or m
      while j > 1 and keyless(k, best[j - 1]) do best[j] = best[j - 1]; j = j - 1 end
      best[j] = k
    end
  end
  return best
end

local render

-- A table at nesting `level` (1 = top), starting at column `col`.
local function table_(t, st, level, col)
  if st.path[t] then return "<cycle: " .. raw(t) .. ">" end
  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local keys = {}
  for k in next, t do
    if not (mathtype(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  local total = n + #keys
  if total == 0 then return "{}" end
  if level > st.depth then
    return "{ ... " .. total .. (total == 1 and " item }" or " items }")
  end
  local shown = total < st.items and total or st.items
  keys = smallest(keys, shown - n)
  st.path[t] = true
  local pad = rep(st.indent, level)
  local parts, multi = {}, false
  for i = 1, shown do
    local k, prefix = i, ""
    if i > n then k = keys[i - n]; prefix = keyrepr(k, st) .. " = " end
    local part = prefix .. render(rawget(t, k), st, level + 1, width(pad) + width(prefix))
    multi = multi or find(part, "\n", 1, true) ~= nil
    parts[i] = part
  end
  st.path[t] = nil
  if shown < total then parts[#parts + 1] = "... (" .. (total - shown) .. " more)" end
  if not multi then
    local line = "{ " .. concat(parts, ", ") .. " }"
    if col + width(line) <= st.width then return line end
  end
  return "{\n" .. pad .. concat(parts, ",\n" .. pad) .. "\n" .. rep(st.indent, level - 1) .. "}"
end

function render(v, st, level, col)
  local tv = type(v)
  if tv == "table" or tv == "userdata" then
    local s = hooked(v, st)
    if s then  -- continuation lines of a hook's text follow the indentation
      local nl = "\n" .. rep(st.indent, level - 1)
      return (s:gsub("\n", function() return nl end))
    end
    if tv == "table" then return table_(v, st, level, col) end
  end
  return atom(v)
end

local function settings(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #2 to 'tostring' (table expected, got " .. type(opts) .. ")", 3)
  end
  local st = { path = {}, opts = {} }  -- opts: the resolved options, for __show hooks
  for name, default in next, DEFAULTS do
    local v = opts and rawget(opts, name)
    if v == nil then v = default end
    if type(v) ~= type(default) or (type(v) == "number" and (v < 0 or v ~= floor(v))) then
      error(format("bad option '%s' to 'tostring' (%s expected, got %s)", name,
        type(default) == "number" and "non-negative integer" or "string",
        type(v) == type(default) and number(v) or type(v)), 3)
    end
    st[name], st.opts[name] = v, v
  end
  return st
end

function M.tostring(value, opts)
  return render(value, settings(opts), 1, 0)
end

-- Print each value as show.tostring renders it, one per line; values that
-- are all short non-table values share one line, separated by tabs.
-- Writes through io.write (so io.output redirects it); returns nothing.
function M.print(...)
  local n = select("#", ...)
  if n == 0 then return end
  local args, out, inline = { ... }, {}, true
  for i = 1, n do
    out[i] = M.tostring(args[i])
    inline = inline and type(args[i]) ~= "table" and not find(out[i], "\n", 1, true)
  end
  local line = concat(out, "\t")
  if not (inline and width(line) <= DEFAULTS.width) then line = concat(out, "\n") end
  io_write(clean(line), "\n")  -- a summary (__tostring) may quote a corpus: no escape sequence gets through
end

return M
