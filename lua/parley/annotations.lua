-- The `annotations` command: the editorial apparatus of a corpus, one kind
-- after the other — editorial notes ("[offensive —ed.]"), transliterations of
-- the original with the English words they gloss ("containment
-- [sderzhivaiyuchego]"), words the translator supplied ("[from Cuba]",
-- "think[s]") and scare-quoted terms (“quarantine”) — with document and line.
-- Read from the regions the grammars stored in the index; `parley
-- annotations` (lua/parley/cmd/annotations.lua) prints them.
local M = {}

M.kinds = { "editorial_note", "transliteration", "supplied", "scare_quote" }

M.columns = { "kind", "text", "gloss", "doc", { name = "line", plain = true } }

-- rows(corpus, kinds) -> { kind, text, gloss, doc, line } for every region of
-- these kinds (default M.kinds) that the corpus' grammars define, grouped by
-- kind in the order given, then in corpus order.
function M.rows(corpus, kinds)
  local have = {}
  for _, k in ipairs(corpus.ix:kinds()) do have[k.name] = true end
  local rows = {}
  for _, kind in ipairs(kinds or M.kinds) do
    if have[kind] then
      for _, r in ipairs(corpus:regions(kind)) do
        local gloss = r.attrs.gloss
        rows[#rows + 1] = { kind = kind, text = r.attrs.text, doc = r.doc, line = r.line,
                            gloss = gloss ~= "" and gloss or nil }
      end
    end
  end
  return rows
end

return M
