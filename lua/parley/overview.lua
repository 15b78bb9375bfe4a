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
  -- among the first n * 10 + 50 types: asked for a few first, since most
  -- documents have their n within the first n * 3 + 10 (an overview asks for
  -- each of thousands)
  local out
  for _, limit in ipairs { n * 3 + 10, n * 10 + 50 } do
    out = {}
    for _, r in ipairs(corpus:freq{ limit = limit }:totable()) do
      if #out >= n then break end
      if r.kind == "word" and not M.stopwords[r.word] and (utf8.len(r.word) or #r.word) > 2 then
        out[#out + 1] = { word = r.word, count = r.count }
      end
    end
    if #out >= n then break end
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

-- A size in bytes as people read it: "812 bytes", "47.2 KB", "3.1 MB".
function M.bytes(n)
  if n < 1024 then return output.count(n, "byte") end
  if n < 1024 * 1024 then return ("%.1f KB"):format(n / 1024) end
  return ("%.1f MB"):format(n / (1024 * 1024))
end

-- The line of the summary that weighs the index against the text it holds
-- (the documents' normalised text, text_bytes), so that a small corpus's
-- index four times its text is seen: "index 182.0 KB, 3.9 times the text
-- (47.0 KB)".  index_bytes: the index file's size.
function M.weight(index_bytes, text_bytes)
  local ratio = text_bytes > 0 and ("%.1f times"):format(index_bytes / text_bytes) or "no text, so no ratio to"
  return ("index %s, %s the text (%s)"):format(M.bytes(index_bytes), ratio, M.bytes(text_bytes))
end

-- rows(corpus, top) -> one row per document: { doc, date, type, title, lines,
-- tokens, commonest = { { word, count } … } }, and a summary of the corpus
-- (its name and title; documents, tokens, words; the index against the text:
-- M.weight, for the whole corpus, the one index a sub-corpus shares).
function M.rows(corpus, top)
  local st = corpus:stats()
  local rows, text_bytes = {}, 0
  local spans = corpus.ix:regions("document")   -- document i is region i: one span each, no filter per document
  for doc in corpus:docs() do
    local m, info = doc.meta, doc._info
    local _, _, attrs = corpus.ix:region("document", doc.number)
    local sub = corpus:sub(spans:sub(doc.number, doc.number), "id=" .. doc.id)
    rows[#rows + 1] = { doc = doc.id, date = m.date or nonempty(attrs.date), type = m.type or nonempty(attrs.genre),
                        title = m.title or nonempty(attrs.title) or doc.path,
                        lines = M.line_count(doc:text()), tokens = info.ntokens, commonest = M.top_words(sub, top) }
  end
  for i = 1, st.documents do text_bytes = text_bytes + #corpus.ix:text(i) end
  local summary = ("%s — %s\n%s, %s, %s (folded)\n%s"):format(corpus.name, corpus.title or "",
    output.count(st.documents, "document"), output.count(st.tokens, "token"),
    output.count(st.folded_types, "distinct word"), M.weight(st.bytes, text_bytes))
  return rows, summary
end

M.columns = {
  "doc", "date", "type", "lines", "tokens",
  { name = "commonest", display = M.show_words, text = M.show_words },
  { name = "title", max_width = 100 },
}

return M
