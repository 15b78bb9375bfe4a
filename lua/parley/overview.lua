-- An overview of a corpus: each document with its date, type, size and
-- commonest content words.  Used by scripts/overview.lua and the REPL.
local cli = require "parley.cli"

local M = {}

-- Function words left out of "commonest words".
M.stopwords = {}
for w in ([[a an and are as at be been but by can could do does did for from had has have
  he her him his i if in into is it its me my no not of on one or our should so some such
  than that the their them then there these they this those to us was we were what when
  which who will with would you your]]):gmatch("%a+") do M.stopwords[w] = true end

M.spec = {
  name = "overview",
  usage = "parley overview [--corpus DIR] [--top N]",
  options = { corpus = { arg = true }, top = { arg = true, number = true, default = 8 }, repair = {} },
}

-- The commonest content words of a (sub-)corpus: a list of "word n" strings.
function M.top_words(corpus, n)
  local out = {}
  for _, r in ipairs(corpus:freq{ limit = n * 10 + 50 }:totable()) do
    if #out >= n then break end
    if not M.stopwords[r.word] and r.word:find("^%a") and #r.word > 2 then
      out[#out + 1] = ("%s %d"):format(r.word, r.count)
    end
  end
  return out
end

-- The report as text.
function M.report(corpus, top)
  local st = corpus:stats()
  local out = { ("%s — %s\n%d documents, %d tokens, %d distinct words (folded)"):format(
    corpus.name, corpus.title or "", st.documents, st.tokens, st.folded_types) }
  for doc in corpus:docs() do
    local m = doc.meta
    local sub = corpus:where{ id = doc.id }
    out[#out + 1] = ("\n%s  %s  %s\n  %s\n  %d lines, %d tokens; commonest: %s"):format(
      doc.id, m.date or "?", m.type or "?", m.title or doc.path, #doc:lines(), sub:size(),
      table.concat(M.top_words(sub, top), ", "))
  end
  return table.concat(out, "\n")
end

function M.main(args)
  local opts = cli.start(args, M.spec)
  if not opts then return end
  local corpus = cli.open_corpus(opts, "overview")
  print(M.report(corpus, opts.top))
end

return M
