-- The grammar target: the first byte of the input picks a built-in grammar,
-- the rest is a document's text.  A one-document corpus is built as
-- `parley.open` builds one (the grammar in its sandbox, its regions checked
-- and written into the index), then its regions are read back.
local fuzz = require "fuzz"
local try = fuzz.try
local fs = require "parley.fs"

local GRAMMARS = { "transcript", "telegram", "labelled", "narrative", "auto" }
local dir = fuzz.scratch .. "/grammar"

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

return function(input)
  if #input == 0 then return end
  local g = GRAMMARS[input:byte(1) % #GRAMMARS + 1]
  fs.mkdir(dir)
  write(dir .. "/people.lua", [[return {
  { name = "A. I. Mikoyan", aliases = { "Mikoyan", "Comrade Mikoyan" }, side = "USSR" },
  { name = "John McCloy", aliases = { "McCloy" }, side = "US" },
  { name = "Dean Rusk", aliases = { "Rusk", "The Secretary" }, side = "US", role = "Secretary of State" } }]])
  write(dir .. "/corpus.lua", ('return { name = "g", documents = { { path = "d.txt", id = "d", date = "1962-11-01", grammar = %q } } }'):format(g))
  write(dir .. "/d.txt", input:sub(2))
  local c = parley.open(dir, { rebuild = true, threads = 1, repair = true, progress = false })
  if not c then return end
  for _, k in ipairs(c.ix:kinds() or {}) do try(c.regions, c, type(k) == "table" and k.name or k) end
  try(c.values, c, "speaker")
  try(c.kwic, c, "the", { limit = 5, context = "turn" })
  c:close()
end
