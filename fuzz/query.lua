-- The query-parser target: the input is a query, parsed and planned
-- (lua/parley/query.lua, lua/parley/query/) and run over the bundled corpus:
-- count, the hits located, a KWIC.  A refused query is an error object.
local fuzz = require "fuzz"
local try = fuzz.try
local query = require "parley.query"

local corpus

return function(q)
  if #q > 4096 then return end      -- the query limits are checked elsewhere (issue: huge queries)
  corpus = corpus or assert(parley.open(fuzz.home .. "/corpus",
                                        { index = fuzz.scratch .. "/query.index", threads = 1, progress = false }))
  if not try(query.parse, q) then return end
  try(corpus.count, corpus, q)
  try(function()
    local hits = corpus:find(q)
    hits:locate(1, math.min(#hits, 20), { context = 10 })
  end)
  try(corpus.kwic, corpus, q, { limit = 10 })
end
