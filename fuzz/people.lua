-- The person-register target: the input is a corpus folder's people.lua (a
-- data file, run in the sandbox, then checked: lua/parley/people.lua); an
-- accepted register is asked for the names it holds and for others.
local fuzz = require "fuzz"
local try = fuzz.try
local fs = require "parley.fs"
local people = require "parley.people"

local dir = fuzz.scratch .. "/people"

return function(src)
  fs.mkdir(dir)
  local f = assert(io.open(dir .. "/people.lua", "wb"))
  f:write(src)
  f:close()
  local ok, r = try(people.load, { dir = dir })
  if not ok or not r then return end
  local names = { "Mikoyan", "a.i. mikoyan", "Nobody", "", "Mr.  McCloy", src:sub(1, 40) }
  for _, p in ipairs(r.people or {}) do
    if type(p) == "table" then names[#names + 1] = p.name end
  end
  for _, n in ipairs(names) do
    -- (a name that is not UTF-8 is the caller's mistake: canonical raises)
    if type(n) == "string" and parley.text.valid(n) then try(r.canonical, r, n) end
  end
end
