-- The person register of a corpus: who speaks or is named, under which names.
-- From the manifest's `people` field or a side file people.lua in the corpus
-- folder; each entry { name = "A. I. Mikoyan", aliases = { "Mikoyan", … },
-- side = "USSR", role = "…" }.  Grammars use it to give turns their
-- canonical speaker; scripts to group by side.
local text = require "parley.text"

local M = {}

local Register = {}
Register.__index = Register

-- The key under which a name is looked up: folded, spaces and dots evened out.
local function key(name)
  return (text.fold(name):gsub("%.", ". "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end
M.key = key

-- new(list) -> register: list of person tables (name, aliases, side, role).
function M.new(list)
  local self = setmetatable({ people = {}, by_key = {} }, Register)
  for i, p in ipairs(list or {}) do
    if type(p) ~= "table" or type(p.name) ~= "string" then
      error(("person register: entry %d needs a name"):format(i), 0)
    end
    self.people[#self.people + 1] = p
    self.by_key[key(p.name)] = p
    for _, a in ipairs(p.aliases or {}) do self.by_key[key(a)] = p end
  end
  return self
end

-- find(name) -> the person table whose name or alias matches (case, accents,
-- spacing of initials ignored), or nil.
function Register:find(name)
  if type(name) ~= "string" then return nil end
  return self.by_key[key(name)]
end

-- canonical(name) -> canonical name, side (or the name itself and nil).
function Register:canonical(name)
  local p = self:find(name)
  if p then return p.name, p.side, p end
  return name, nil, nil
end

-- All names and aliases, longest first (for grammars that search the text for them).
function Register:names()
  local out = {}
  for k in pairs(self.by_key) do out[#out + 1] = k end
  table.sort(out, function(a, b) return #a > #b or (#a == #b and a < b) end)
  return out
end

-- load(m) -> register of manifest m (m.people, or DIR/people.lua; empty if neither).
function M.load(m)
  local list = m.people
  if list == nil and m.dir then
    local path = m.dir .. "/people.lua"
    local f = io.open(path, "rb")
    if f then
      f:close()
      local v, err = require("parley.data").load(path)
      if v == nil then error(err, 0) end
      list = v
    end
  end
  return M.new(list)
end

return M
