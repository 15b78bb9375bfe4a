-- Partial results: what one part of a corpus (a shard, lua/parley/shard.lua)
-- counted for a command, written so that `parley merge` can add the parts'
-- counts and finish them into exactly what one run over the whole corpus
-- prints.  A command that merges (lua/parley/cli.lua: count and finish) is
-- run as count, then finish; --partial writes the counts instead of
-- finishing them.  Counts only: sums and contingency tables, never top-N
-- lists, ratios or rankings, which cannot be added.
--
-- The format (version 1): one JSON object, keys sorted, on one line:
--   { "parley_partial": 1, "command": NAME, "corpus": its name (the
--     manifest's, else the folder's), "arguments": [ positional … ],
--     "options": { option = value … }, "shard": { "i": I, "n": N },
--     "counts": { … } }
-- options are the command's parsed options (defaults included, names with
-- '_' for '-'), but --corpus, --format and --partial: parts of one job may
-- read the corpus from different places, and the merge chooses the format.
-- counts are the command's own (docs/scale.md lists them); every number in
-- them is a whole number.
local cjson = require "cjson"
local E = require "parley.error"
local writer = require "parley.writer"

local M = {}

M.VERSION = 1

-- The options that say nothing about the counts.
local NOT_ARGUMENTS = { corpus = true, format = true, partial = true, help = true, shard = true,
                        corpus_name = true }

-- arguments(opts) -> positional list, options table (see the format above).
function M.arguments(opts)
  local args, options = {}, {}
  for i, a in ipairs(opts) do args[i] = a end
  for k, v in pairs(opts) do
    if type(k) == "string" and not NOT_ARGUMENTS[k] then options[k] = v end
  end
  return args, options
end

-- encode(name, opts, shard, counts) -> the partial result as one line of JSON.
function M.encode(name, opts, shard, counts)
  local args, options = M.arguments(opts)
  return writer.json{ parley_partial = M.VERSION, command = name, arguments = args, options = options,
                      corpus = opts.corpus_name, shard = { i = shard.i, n = shard.n }, counts = counts } .. "\n"
end

-- JSON numbers come back as floats: whole ones become integers again (in place).
local function integers(v)
  if type(v) == "number" then return math.tointeger(v) or v end
  if type(v) ~= "table" then return v end
  for k, x in pairs(v) do
    if type(x) == "number" then
      local i = math.tointeger(x)
      if i then v[k] = i end   -- assigning to an existing field: allowed while traversing
    elseif type(x) == "table" then
      integers(x)
    end
  end
  return v
end

local function fail(path, msg) E.raise(("%s: %s"):format(path, msg), 0) end

-- read(path) -> the partial result in file path (numbers as integers), or
-- raises an error naming the file and what is wrong with it.
function M.read(path)
  local f, err = io.open(path, "rb")
  if not f then E.raise(err, 0) end
  local text = f:read("a")
  f:close()
  local ok, v = pcall(cjson.decode, text)
  if not ok then fail(path, "not a partial result (malformed JSON: " .. tostring(v):gsub("^.-: ", "") .. ")") end
  if type(v) ~= "table" or v.parley_partial == nil then
    fail(path, "not a partial result (no parley_partial field; parley run --shard I/N COMMAND … --partial writes one)")
  end
  v = integers(v)
  if v.parley_partial ~= M.VERSION then
    fail(path, ("a partial result of format version %s; this parley reads version %d")
      :format(tostring(v.parley_partial), M.VERSION))
  end
  if type(v.command) ~= "string" or type(v.arguments) ~= "table" or type(v.options) ~= "table"
      or type(v.counts) ~= "table" or type(v.shard) ~= "table" then
    fail(path, "not a partial result (it lacks command, arguments, options, shard or counts)")
  end
  local s = v.shard
  if math.type(s.i) ~= "integer" or math.type(s.n) ~= "integer" or s.n < 1 or s.i < 1 or s.i > s.n then
    fail(path, "not a partial result (its shard is not i/n with 1 <= i <= n)")
  end
  return v
end

-- add(a, b) -> a with b's counts added: numbers are summed, tables added
-- key by key, flags or-ed (true in any part), anything else (a name) must be
-- the same in both.
function M.add(a, b, where)
  if a == nil then return b end
  if b == nil then return a end
  if type(a) == "number" and type(b) == "number" then return a + b end
  if type(a) == "boolean" and type(b) == "boolean" then return a or b end
  if type(a) == "table" and type(b) == "table" then
    for k, v in pairs(b) do a[k] = M.add(a[k], v, (where and where .. "." or "") .. tostring(k)) end
    return a
  end
  if a ~= b then
    E.raise(("the parts disagree on %s (%s and %s)"):format(where or "their counts", tostring(a), tostring(b)), 0)
  end
  return a
end

-- gather(paths) -> name, opts (the arguments back as a command's options),
-- counts (added), n: the partial results of paths, checked to be of one
-- command with one set of arguments, covering parts 1..n once each.
function M.gather(paths)
  if #paths == 0 then E.raise("no partial results to merge", 0) end
  local first, key, by_part, n
  local parts = {}
  for _, path in ipairs(paths) do
    local v = M.read(path)
    local k = writer.json{ v.arguments, v.options }
    if not first then
      first, key, n, by_part = v, k, v.shard.n, {}
      first.path = path
    elseif v.corpus ~= first.corpus then
      fail(path, ("a partial result of corpus %s, not of %s (as %s)"):format(tostring(v.corpus),
        tostring(first.corpus), first.path))
    elseif v.command ~= first.command then
      fail(path, ("a partial result of %s, not of %s (as %s)"):format(v.command, first.command, first.path))
    elseif k ~= key then
      fail(path, ("a partial result of %s with other arguments than %s's: %s, not %s")
        :format(v.command, first.path, k, key))
    elseif v.shard.n ~= n then
      fail(path, ("part %d of %d, but %s is a part of %d"):format(v.shard.i, v.shard.n, first.path, n))
    end
    if by_part[v.shard.i] then
      fail(path, ("part %d of %d again (%s is that part too)"):format(v.shard.i, n, by_part[v.shard.i]))
    end
    by_part[v.shard.i] = path
    parts[v.shard.i] = v.counts
  end
  local missing = {}
  for i = 1, n do if not by_part[i] then missing[#missing + 1] = tostring(i) end end
  if #missing > 0 then
    E.raise(("part%s %s of %d missing (the merge has %s)"):format(#missing == 1 and "" or "s",
      table.concat(missing, ", "), n, table.concat(paths, ", ")), 0)
  end
  local opts = {}
  for k, v in pairs(first.options) do opts[k] = v end
  for i, a in ipairs(first.arguments) do opts[i] = a end
  return first.command, opts, parts, n
end

return M
