-- The index target's Lua half: open the (hostile) index file and run a few
-- queries of every kind over it.  Damage must give an error or nil and a
-- message; only a crash, a hang or a sanitizer's report is a finding.
local index = require "parley.index"
local corpus = require "parley.corpus"

local QUERIES = { "the", "quarantine", "Khrushchev", "=Soviet", "soviet union", "mik*", "a NEAR/3 the",
                  "/^[a-z]+ing$/", "\"the united states\"" }

local try = require("fuzz").try

return function(path)
  local ix = index.open(path)
  if not ix then return end
  local c = corpus.wrap(ix, require("fuzz").home .. "/corpus", path, {}, "fast")
  try(ix.verify, ix)
  try(ix.stats, ix)
  for _, q in ipairs(QUERIES) do
    try(c.count, c, q)
    try(function()
      local hits = c:find(q)
      hits:locate(1, math.min(#hits, 50), { context = 20 })
      hits:regions("sentence")
    end)
    try(c.kwic, c, q, { limit = 30, sort = "left" })
  end
  try(c.freq, c, { limit = 50 })
  try(c.ngrams, c, 2, { limit = 20 })
  try(function()
    for d in c:docs() do
      local _ = d.meta
      d:text()
      d:line_starts()
      d:tokens()
    end
  end)
  for _, k in ipairs { "document", "paragraph", "sentence", "turn", "note", "page" } do
    try(c.regions, c, k)
  end
  try(function() return c:values("speaker") end)
  try(function() return c:where{ type = "telegram" }:count("the") end)
  try(function() return c:where{ side = "US" }:kwic("the", { limit = 5 }) end)
  ix:close()
end
