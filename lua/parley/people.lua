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
-- Kept per name as written: a grammar builds a register per document, and the
-- same few names ("Mr. Rusk", "the Secretary") recur from document to document.
-- (Emptied when it grows large, so that it stays small.)
local keys, nkeys = {}, 0
local function key(name)
  local k = keys[name]
  if k then return k end
  k = text.fold(name):gsub("%.", ". "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if nkeys >= 20000 then keys, nkeys = {}, 0 end
  keys[name], nkeys = k, nkeys + 1
  return k
end
M.key = key

-- What v is, for messages: "nothing", "a number (5)", "a table" …
local function a(v)
  local t = type(v)
  if t == "nil" then return "nothing" end
  if t == "number" or t == "boolean" then return ("a %s (%s)"):format(t, tostring(v)) end
  return "a " .. t
end

-- Why string s cannot be a name or attribute value ("is not valid UTF-8 (byte 3)"), or nil.
local function bad_text(s)
  local ok, byte = text.valid(s)
  if not ok then return ("is not valid UTF-8 (byte %d)"):format(byte) end
end

-- check(list, where, field) -> true | nil, message: is list a register (a
-- list of { name =, aliases = { … }, side =, role = })?  where names the
-- file, field (such as "people") the manifest field that holds it.
function M.check(list, where, field)
  local function at(i) return field and ("%s: %s[%d]"):format(where, field, i) or ("%s: entry %d"):format(where, i) end
  if type(list) ~= "table" then
    return nil, ("%s: %s must be a list of persons { name = …, aliases = { … } }, not %s"):format(
      where, field and "'" .. field .. "'" or "a person register", a(list))
  end
  local n = #list
  for k in pairs(list) do
    if math.type(k) ~= "integer" or k < 1 or k > n then
      return nil, ("%s: %s must be a list of persons (it has the key %s)"):format(
        where, field and "'" .. field .. "'" or "a person register", type(k) == "string" and "'" .. k .. "'" or tostring(k))
    end
  end
  for i, p in ipairs(list) do
    if type(p) ~= "table" then return nil, ("%s: must be a table { name = …, aliases = { … } }, not %s"):format(at(i), a(p)) end
    if type(p.name) ~= "string" or p.name == "" then
      return nil, ("%s: 'name' must be a non-empty string, not %s"):format(at(i), a(p.name))
    end
    if bad_text(p.name) then return nil, ("%s: 'name' %s"):format(at(i), bad_text(p.name)) end
    local who = ("%s (%s)"):format(at(i), p.name)
    for _, k in ipairs({ "side", "role" }) do
      if p[k] ~= nil and type(p[k]) ~= "string" then return nil, ("%s: '%s' must be a string, not %s"):format(who, k, a(p[k])) end
      if p[k] ~= nil and bad_text(p[k]) then return nil, ("%s: '%s' %s"):format(who, k, bad_text(p[k])) end
    end
    if p.aliases ~= nil then
      if type(p.aliases) ~= "table" then return nil, ("%s: 'aliases' must be a list of names, not %s"):format(who, a(p.aliases)) end
      for j, alias in ipairs(p.aliases) do
        if type(alias) ~= "string" then return nil, ("%s: aliases[%d] must be a string, not %s"):format(who, j, a(alias)) end
        if bad_text(alias) then return nil, ("%s: aliases[%d] %s"):format(who, j, bad_text(alias)) end
      end
    end
  end
  return true
end

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

-- The register file of manifest m: m.people when it names one (relative
-- to the corpus folder), else DIR/people.lua if there is one; or nil.
function M.file(m)
  if type(m.people) == "string" then
    if m.people:sub(1, 1) == "/" or not m.dir then return m.people end
    return m.dir .. "/" .. m.people
  end
  if m.people == nil and m.dir then
    local path = m.dir .. "/people.lua"
    if require("parley.fs").lstat(path) then return path end
  end
  return nil
end

-- load(m) -> register of manifest m: m.people (a list, or the register file
-- it names), or DIR/people.lua, or empty if neither.  A register file that is
-- missing or malformed raises an error object naming it.
function M.load(m)
  local list = m.people
  local path = M.file(m)
  if path then
    local v, err = require("parley.data").load(path)
    if v == nil and err then
      if type(m.people) == "string" and m.manifest then
        err = ("%s: 'people': %s"):format(m.manifest, err)
      end
      require("parley.error").raise(err, 0)
    end
    local ok, cerr = M.check(v, path)
    if not ok then require("parley.error").raise(cerr, 0) end
    list = v
  end
  return M.new(list)
end

return M
