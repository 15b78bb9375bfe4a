-- The query-parser target: the input is a query, parsed and planned
-- (lua/parley/query.lua, lua/parley/query/) and run over the bundled corpus:
-- count, the hits located, a KWIC.  A refused query is an error object.
local fuzz = require "fuzz"
local query = require "parley.query"

local corpus

return function(q)
  if #q > 4096 then return end      -- the query limits are checked elsewhere (issue: huge queries)
  corpus = corpus or assert(parley.open(fuzz.home .. "/corpus",
                                        { index = fuzz.scratch .. "/query.index", threads = 1, progress = false }))
  if not pcall(query.parse, q) then return end
  pcall(corpus.count, corpus, q)
  pcall(function()
    local hits = corpus:find(q)
    hits:locate(1, math.min(#hits, 20), { context = 10 })
  end)
  pcall(corpus.kwic, corpus, q, { limit = 10 })
end
