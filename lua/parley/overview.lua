-- An overview of a corpus: each document with its date, type, size and
-- commonest content words.  `parley overview` (lua/parley/cmd/overview.lua)
-- prints it; the REPL can call it.
local output = require "parley.output"

local M = {}

-- Function words left out of "commonest words".
M.stopwords = {}
for w in ([[a an and are as at be been but by can could do does did for from had has have
  he her him his i if in into is it its me my no not of on one or our should so some such
  than that the their them then there these they this those to us was we were what when
  which who will with would you your]]):gmatch("%a+") do M.stopwords[w] = true end

-- The commonest content words of a (sub-)corpus: a list of { word, count }
-- of the types the tokeniser made words (not numbers) of three characters
-- or more, function words left out.
function M.top_words(corpus, n)
  local out = {}
  for _, r in ipairs(corpus:freq{ limit = n * 10 + 50 }:totable()) do
    if #out >= n then break end
    if r.kind == "word" and not M.stopwords[r.word] and (utf8.len(r.word) or #r.word) > 2 then
      out[#out + 1] = { word = r.word, count = r.count }
    end
  end
  return out
end

-- The top words as people read them: "cuba 82, inspection 40".
function M.show_words(list)
  local parts = {}
  for i, w in ipairs(list or {}) do parts[i] = w.word .. " " .. output.number(w.count) end
  return table.concat(parts, ", ")
end

local function nonempty(s) return s ~= "" and s or nil end

-- Lines of a text as `wc -l` and Doc:lines count them: a last line without
-- a newline counts, the empty rest after a final newline does not.
function M.line_count(t)
  local n = select(2, t:gsub("\n", "\n"))
  if #t > 0 and t:sub(-1) ~= "\n" then n = n + 1 end
  return n
end

-- rows(corpus, top) -> one row per document: { doc, date, type, title, lines,
-- tokens, commonest = { { word, count } … } }, and a one-line summary of the corpus.
function M.rows(corpus, top)
  local st = corpus:stats()
  local rows = {}
  local spans = corpus.ix:regions("document")   -- document i is region i: one span each, no filter per document
  for doc in corpus:docs() do
    local m, info = doc.meta, doc._info
    local _, _, attrs = corpus.ix:region("document", doc.number)
    local sub = corpus:sub(spans:sub(doc.number, doc.number), "id=" .. doc.id)
    rows[#rows + 1] = { doc = doc.id, date = m.date or nonempty(attrs.date), type = m.type or nonempty(attrs.genre),
                        title = m.title or nonempty(attrs.title) or doc.path,
                        lines = M.line_count(doc:text()), tokens = info.ntokens, commonest = M.top_words(sub, top) }
  end
  local summary = ("%s — %s\n%s, %s, %s (folded)"):format(corpus.name, corpus.title or "",
    output.count(st.documents, "document"), output.count(st.tokens, "token"),
    output.count(st.folded_types, "distinct word"))
  return rows, summary
end

M.columns = {
  "doc", "date", "type", "lines", "tokens",
  { name = "commonest", display = M.show_words, text = M.show_words },
  { name = "title", max_width = 100 },
}

return M
