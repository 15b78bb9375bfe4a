-- Who speaks how much: per speaker, the turns (direct), reported turns,
-- words in their turns, share of all speakers' words, mean direct turn
-- length and questions ("?" in their turns); per document; and who follows
-- whom.  Computed from the index's "turn" regions, which a grammar marks
-- (speaker, side, mode).  `parley speakers` (lua/parley/cmd/speakers.lua)
-- prints these tables; the REPL can call them.
--
-- Counting rules (docs/statistics.md, "Counting"): a turn spoken by several
-- speakers at once (the telegram's "Stevenson and McCloy stated that …") is
-- one region per speaker, so it counts for each of them, and shares are of
-- the sum over speakers.  Words are the index's word and number tokens
-- (punctuation left out) of a speaker's turns without their labels (the
-- `label` regions: "McCloy (in a jocular tone):", "A. I. Mikoyan says
-- that"), as every sub-corpus of turns counts them.  The matrix counts,
-- within each document, each turn's speaker(s) against the next turn's
-- speaker(s), direct and reported turns alike.
local E = require "parley.error"

local M = {}

-- Does the corpus have speaker turns?
function M.has_turns(corpus)
  for _, k in ipairs(corpus.ix:kinds()) do
    if k.name == "turn" and k.count > 0 then return true end
  end
  return false
end

-- The message for a corpus whose documents mark no turns: how to give them a grammar.
M.no_turns = "no speaker turns in this corpus: its documents have no grammar that marks them. "
  .. "Give each document one in the manifest (corpus.lua): documents = { { path = \"x.txt\", "
  .. "grammar = \"labelled\" } } reads \"NAME: text\" transcripts (\"transcript\" and \"telegram\" "
  .. "are the bundled documents' grammars); docs/grammars.md shows how to write your own"

-- The turn regions of the (sub-)corpus in corpus order: { start, stop, speaker, side, mode, doc }.
function M.turns(corpus)
  local out, ix = {}, corpus.ix
  if not M.has_turns(corpus) then return out end
  -- the turns of a sub-corpus are those inside the regions it selects, whole
  -- (a sub-corpus of turns leaves their labels out of its text, not out of it)
  local spans = ix:regions("turn", nil, corpus.extent or corpus.within)
  local keep = {}
  for i = 1, #spans do
    local s, e = spans:span(i)
    keep[s .. ":" .. e] = true
  end
  for _, k in ipairs(ix:kinds()) do
    if k.name == "turn" then
      for i = 1, k.count do
        local s, e, a = ix:region("turn", i)
        if keep[s .. ":" .. e] and a.speaker ~= "" then
          out[#out + 1] = { start = s, stop = e, speaker = a.speaker, side = a.side, mode = a.mode,
                            doc = ix:doc(ix:doc_of(s)).id }
        end
      end
    end
  end
  table.sort(out, function(a, b) return a.start < b.start or a.start == b.start and a.speaker < b.speaker end)
  return out
end

-- Words (the tokens the tokeniser made words or numbers, counted in C) and
-- "?" tokens (from the hit list `marks`) in a list of spans.
local function words_in(corpus, spans, marks)
  if #spans == 0 then return 0, 0 end
  return corpus.ix:words(spans), #marks:inside(spans)
end

-- The rows of the (sub-)corpus's turns, restricted to region list `within` (a document) if given.
local function rows_for(corpus, turns, within, doc)
  local by, order = {}, {}
  for _, t in ipairs(turns) do
    if not doc or t.doc == doc then
      local r = by[t.speaker]
      if not r then
        r = { speaker = t.speaker, side = t.side, doc = doc, turns = 0, reported_turns = 0 }
        by[t.speaker], order[#order + 1] = r, r
      end
      if r.side == "" then r.side = t.side end
      if t.mode == "reported" then r.reported_turns = r.reported_turns + 1 else r.turns = r.turns + 1 end
    end
  end
  local total, marks = 0, corpus:find("?")._hits
  local function spans(filter)
    local s = corpus:spans(filter)
    return within and s:inside(within) or s
  end
  for _, r in ipairs(order) do
    r.words, r.questions = words_in(corpus, spans{ speaker = r.speaker }, marks)
    if r.turns > 0 then
      r.mean_turn = words_in(corpus, spans{ speaker = r.speaker, mode = { "direct", "" } }, marks) / r.turns
    end
    total = total + r.words
  end
  for _, r in ipairs(order) do r.share = total > 0 and r.words / total or nil end
  table.sort(order, function(a, b) return a.words > b.words or a.words == b.words and a.speaker < b.speaker end)
  return order
end

-- table(corpus, opts) -> rows, one per speaker (opts.by = "doc": per document and speaker).
function M.table(corpus, opts)
  opts = opts or {}
  local turns = M.turns(corpus)
  if opts.by ~= "doc" then return rows_for(corpus, turns) end
  local rows, seen = {}, {}
  for _, t in ipairs(turns) do
    if not seen[t.doc] then
      seen[t.doc] = true
      local within = corpus.ix:regions("document", { id = t.doc })
      for _, r in ipairs(rows_for(corpus, turns, within, t.doc)) do rows[#rows + 1] = r end
    end
  end
  return rows
end

-- matrix(corpus) -> rows { speaker = FROM, [TO] = n … } and the sorted list of speakers.
function M.matrix(corpus)
  local turns, groups = M.turns(corpus), {}
  for _, t in ipairs(turns) do                     -- one group per span: joint turns
    local g = groups[#groups]
    if g and g.start == t.start and g.stop == t.stop then g[#g + 1] = t.speaker
    else groups[#groups + 1] = { t.speaker, start = t.start, stop = t.stop, doc = t.doc } end
  end
  local counts, names, seen = {}, {}, {}
  for i, g in ipairs(groups) do
    for _, s in ipairs(g) do
      if not seen[s] then seen[s] = true; names[#names + 1] = s end
    end
    local nxt = groups[i + 1]
    if nxt and nxt.doc == g.doc then
      for _, a in ipairs(g) do
        counts[a] = counts[a] or {}
        for _, b in ipairs(nxt) do counts[a][b] = (counts[a][b] or 0) + 1 end
      end
    end
  end
  table.sort(names)
  local rows = {}
  for _, a in ipairs(names) do
    local r = { speaker = a }
    for _, b in ipairs(names) do r[b] = counts[a] and counts[a][b] or 0 end
    rows[#rows + 1] = r
  end
  return rows, names
end

-- require(corpus): raise the no-turns message unless the corpus has turns.
function M.require(corpus)
  if not M.has_turns(corpus) then E.raise(M.no_turns, 2) end
end

return M
