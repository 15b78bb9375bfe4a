-- The first chunk run in the sandbox of a data file (lua/parley/data.lua;
-- core/sandbox.c runs it in a Lua state of its own).  The data file itself
-- runs with the safe standard functions only (ipairs, pairs, next, select,
-- type, tostring, tonumber, error, assert, string.*, table.*, math.*, utf8.*;
-- no io, os, load, require, metatables), so it reaches nothing outside
-- itself: it can build tables of strings, numbers and booleans, and that is all.  It returns the
-- entry point the host calls with sandbox:call:
--   eval(source, chunkname) -> { value = v }, or, when v is not plain data
--     (a function, a table that contains itself, tables nested too deeply),
--     { bad = what, at = { key, … } (where, from the top), names = { … } }
--     with names[i] the path, id and name fields of the i-th table on the
--     way there, so that the host can name the culprit in its own terms.
local load, type, next, getmetatable, pairs = load, type, next, getmetatable, pairs

-- What a data file may call: the functions that compute with values and
-- reach nothing outside the file (copies, so that changing them changes
-- nothing here).  No io, os, load, require, getmetatable, setmetatable, rawset.
local function copy(t, except)
  local out = {}
  for k, v in pairs(t) do if not (except and except[k]) then out[k] = v end end
  return out
end
local safe_string = copy(string, { dump = true })
local ENV = {
  ipairs = ipairs, pairs = pairs, next = next, select = select, type = type, tostring = tostring,
  tonumber = tonumber, error = error, assert = assert,
  string = safe_string, table = copy(table), math = copy(math), utf8 = copy(utf8),
}

-- the string methods ("x"):rep(3) are the same safe functions
local strings = getmetatable("")
if strings then strings.__index = safe_string end

local MAX_DEPTH = 16  -- deeper tables cannot be copied out (COPY_DEPTH in core/sandbox.c)

-- The fields that name a table in messages.
local function names(t)
  local out = {}
  for _, k in next, { "path", "id", "name" } do
    local v = t[k]
    if type(v) == "string" or type(v) == "number" then out[k] = v end
  end
  return out
end

-- Is v plain data?  nil, or what is wrong; at and trail say where.
local function check(v, depth, onpath, at, trail)
  local t = type(v)
  if t == "string" or t == "number" or t == "boolean" or t == "nil" then return nil end
  if t ~= "table" then return "a " .. t end
  if onpath[v] then return "a table that contains itself" end
  if depth >= MAX_DEPTH then return "tables nested more than " .. MAX_DEPTH .. " deep" end
  if getmetatable(v) ~= nil then return "a table with a metatable" end
  onpath[v] = true
  trail[depth + 1] = names(v)
  for k, x in next, v do
    local kt = type(k)
    if kt ~= "string" and kt ~= "number" then at[depth + 1] = nil return "a " .. kt .. " as a key" end
    at[depth + 1] = k
    local bad = check(x, depth + 1, onpath, at, trail)
    if bad then return bad end
  end
  at[depth + 1], trail[depth + 1] = nil, nil
  onpath[v] = nil
  return nil
end

local entries = {}

function entries.eval(source, chunkname)
  local env = {}
  for k, v in next, ENV do env[k] = type(v) == "table" and copy(v) or v end
  if strings then strings.__index = env.string end
  local f, err = load(source, chunkname, "t", env)
  if not f then error(err, 0) end
  local v = f()
  local at, trail = {}, {}
  local bad = check(v, 0, {}, at, trail)
  if bad then return { bad = bad, at = at, names = trail } end
  return { value = v }
end

return entries
