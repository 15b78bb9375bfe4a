-- The grammar target: the first byte of the input picks a built-in grammar,
-- the rest is a document's text, which a built-in grammar must take whatever
-- it holds.  The grammar's parse runs here (its regions must be what the
-- index builder accepts: declared kinds, spans inside the text); one input
-- in eight (by its second byte) is also built into a one-document corpus as
-- `parley.open` builds one (the grammar in its sandbox, its regions checked
-- and written into the index), and read back.
local fuzz = require "fuzz"
local try = fuzz.try
local fs = require "parley.fs"
local grammar = require "parley.grammar"
local people = require "parley.people"

local GRAMMARS = { "transcript", "telegram", "labelled", "narrative", "auto" }
local REGISTER = [[return {
  { name = "A. I. Mikoyan", aliases = { "Mikoyan", "Comrade Mikoyan" }, side = "USSR" },
  { name = "John McCloy", aliases = { "McCloy" }, side = "US" },
  { name = "Dean Rusk", aliases = { "Rusk", "The Secretary" }, side = "US", role = "Secretary of State" } }]]
local dir = fuzz.scratch .. "/grammar"
local register = people.new(load(REGISTER)())

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function check(g, res, text)
  if res == nil then return end
  if type(res) ~= "table" then fuzz.fail(g.name .. " returned a " .. type(res)) end
  for i, r in ipairs(res.regions or {}) do
    local start, stop = math.tointeger(r.start), math.tointeger(r.stop)
    if not (g.kinds[r.kind] or grammar.BUILTIN_KINDS[r.kind]) then
      fuzz.fail(("%s: region #%d of undeclared kind %s"):format(g.name, i, tostring(r.kind)))
    end
    if not start or not stop or start < 1 or stop < start - 1 or stop > #text then
      fuzz.fail(("%s: region #%d (%s) has a bad span %s..%s in %d bytes"):format(g.name, i, r.kind,
        tostring(r.start), tostring(r.stop), #text))
    end
  end
end

local function build(name, text)
  fs.mkdir(dir)
  write(dir .. "/people.lua", REGISTER)
  write(dir .. "/corpus.lua", ('return { name = "g", documents = { { path = "d.txt", id = "d", date = "1962-11-01", grammar = %q } } }'):format(name))
  write(dir .. "/d.txt", text)
  local c = parley.open(dir, { rebuild = true, threads = 1, repair = true, progress = false })
  if not c then return end
  for _, k in ipairs(c.ix:kinds()) do try(c.regions, c, k.name) end
  try(c.values, c, "speaker")
  try(c.kwic, c, "the", { limit = 5, context = "turn" })
  c:close()
end

return function(input)
  if #input < 2 then return end
  local name = GRAMMARS[input:byte(1) % #GRAMMARS + 1]
  local text = input:sub(3)
  local g = grammar.get(name)
  if parley.text.valid(text) then
    local ctx = { doc = { id = "d", path = "d.txt", date = "1962-11-01", grammar = name },
                  people = register, corpus = { name = "g" } }
    local ok, res = try(g.parse, text, ctx)
    if ok then check(g, res, text) end
  end
  if input:byte(2) % 8 == 0 then build(name, input:sub(3)) end
end
