-- Lua data files (manifests, person registers, gazetteers, keyword families)
-- are someone else's files: each runs in a sandbox of its own (core/sandbox.c:
-- a Lua state apart from the host's, bounded in instructions and memory) with
-- only the safe standard functions (lua/parley/data_sandbox.lua), and only a copy
-- of the value it returns comes back, if that is plain data (strings,
-- numbers, booleans and tables of them; no functions, no metatables, no
-- table that contains itself, at most 16 levels deep).  A data file builds
-- tables and does nothing else.
local fs = require "parley.fs"
local sandbox = require "parley.sandbox"

local M = {}

local MiB = 1024 * 1024

-- The bounds of one data file of n bytes: memory + memory_per_byte * n bytes,
-- steps + steps_per_byte * n instructions.  Building tables takes a few
-- instructions and a few dozen bytes per byte of source; a loop that does
-- more than that is not data.
M.limits = { memory = 64 * MiB, memory_per_byte = 32, steps = 10000000, steps_per_byte = 100 }
M.MAX_SIZE = 64 * MiB    -- bytes of one data file

local KIND = { directory = "a folder", other = "not a regular file" }

-- read(path) -> the bytes of the regular file at path | nil, message (naming it).
function M.read(path)
  local st = fs.stat(path)
  if st and st.type ~= "file" then
    return nil, ("%s: %s, not a file"):format(path, KIND[st.type] or "not a regular file")
  end
  local f, err = io.open(path, "rb")
  if not f then return nil, "cannot open " .. err end
  local s, rerr = f:read("a")
  f:close()
  if not s then return nil, ("%s: %s"):format(path, tostring(rerr)) end
  return s
end

-- where(at) -> the place of a value given by its keys: documents[2].meta.x
function M.where(at)
  local out = {}
  for i, k in ipairs(at) do
    if type(k) == "string" and k:find("^[%a_][%w_]*$") then out[#out + 1] = (i > 1 and "." or "") .. k
    elseif type(k) == "string" then out[#out + 1] = ("[%q]"):format(k)
    else out[#out + 1] = ("[%s]"):format(tostring(k)) end
  end
  return table.concat(out)
end

local boot_src
local function boot()
  if not boot_src then
    local path = assert(package.searchpath("parley.data_sandbox", package.path), "cannot find parley.data_sandbox")
    boot_src = assert(M.read(path))
  end
  return boot_src
end

-- eval(src, name) -> the value the chunk returns | nil, message (naming the
-- file), detail.  detail, when the value is not plain data: { what = "a
-- function" …, at = { key, … } (where in the value), names = { { path =, id =,
-- name = }, … } (those fields of each table on the way) }, for a caller that
-- names the culprit in its own terms.
function M.eval(src, name)
  local lim = M.limits
  if #src > M.MAX_SIZE then
    return nil, ("%s: too large for a data file (%d bytes; at most %d)"):format(name, #src, M.MAX_SIZE)
  end
  local sb, err = sandbox.new{ boot = boot(), boot_name = "@lua/parley/data_sandbox.lua", lpeg = false,
    memory = lim.memory, memory_per_byte = lim.memory_per_byte,
    steps = lim.steps, steps_per_byte = lim.steps_per_byte }
  if not sb then return nil, ("%s: %s"):format(name, err) end
  local chunk = "@" .. name
  local r, msg, what = sb:call("eval", src, chunk)
  sb:close()
  if r == nil then
    local n = #src + #chunk
    if what == "steps" then
      return nil, ("%s: ran past %d instructions — a data file must only build tables"):format(
        name, lim.steps + lim.steps_per_byte * n)
    elseif what == "memory" then
      return nil, ("%s: used more than %d MiB of memory — a data file must only build tables"):format(
        name, (lim.memory + lim.memory_per_byte * n) // MiB)
    elseif what == "result" then
      return nil, ("%s: %s"):format(name, msg)
    end
    return nil, msg
  end
  if r.bad then
    local at = #r.at > 0 and M.where(r.at) .. " holds " or "returns "
    return nil, ("%s: %s%s; a data file holds only strings, numbers, booleans and tables of them")
      :format(name, at, r.bad), { what = r.bad, at = r.at, names = r.names }
  end
  return r.value
end

-- load(path) -> the value the file returns | nil, message, detail (as eval).
function M.load(path)
  local st = fs.stat(path)
  if st and st.type == "file" and st.size > M.MAX_SIZE then
    return nil, ("%s: too large for a data file (%d bytes; at most %d)"):format(path, st.size, M.MAX_SIZE)
  end
  local src, err = M.read(path)
  if not src then return nil, err end
  return M.eval(src, path)
end

-- line_of(starts, pos) -> the line holding byte pos, given the byte offsets
-- where lines start (doc:line_starts()), by binary search.
function M.line_of(starts, pos)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= pos then lo = mid else hi = mid - 1 end
  end
  return lo
end

return M
