-- Result tables (concordances, frequency lists, n-grams): rows computed on
-- demand by the C core, and written by the one output layer in any of its
-- formats.  `r[i]` and `#r` read the rows; `r:tsv()`, `r:csv()`, `r:json()`,
-- `r:md()`, `r:html()`, `r:tty()` return the text; `r:write(f, fmt)` streams
-- to a file without building the text in memory.
local E = require "parley.error"
local output = require "parley.output"

local M = {}

local Result = {}

local function rows(self)
  local r = rawget(self, "_rows")
  if not r then
    r = self._fetch({ format = "rows" })
    rawset(self, "_rows", r)
  end
  return r
end

Result.__index = function(self, k)
  if type(k) == "number" then return rows(self)[k] end
  return Result[k]
end
Result.__methods = Result  -- for the REPL's completion (its __index is a function)

Result.__len = function(self) return #rows(self) end

function Result:totable() return rows(self) end
for _, fmt in ipairs(output.formats) do
  Result[fmt] = function(self) return self._fetch({ format = fmt }) end
end

-- Write in format fmt (default tty) to file f (default io.stdout).
function Result:write(f, fmt)
  if f ~= nil and io.type(f) ~= "file" then
    error(("bad argument #1 to 'write' (an open file expected, got %s)"):format(io.type(f) or type(f)), E.level())
  end
  local known = fmt == nil
  for _, name in ipairs(output.formats) do known = known or fmt == name end
  if not known then
    error(("bad argument #2 to 'write' (format must be one of %s, got %s)"):format(
      table.concat(output.formats, ", "), tostring(fmt)), E.level())
  end
  return self._fetch({ format = fmt or "tty", file = f or io.stdout })
end

-- Iterate over the rows: for i, row in r:ipairs() do ... end
function Result:ipairs() return ipairs(rows(self)) end

function Result.__show(self)
  local r = rows(self)
  if #r == 0 then return ("<%s: no rows>"):format(self._what) end
  local head = self._fetch({ format = "tty", limit = math.min(20, #r) })
  if #r > 20 then head = head .. ("… (%s rows in all)\n"):format(output.number(#r)) end
  return (head:gsub("\n$", ""))
end

Result.__tostring = function(self)
  return ("<%s: %s>"):format(self._what, output.count(#rows(self), "row"))
end

-- A result whose fetch(opts) calls the C core with extra options merged in.
function M.new(what, fetch)
  return setmetatable({ _what = what, _fetch = fetch }, Result)
end

return M
