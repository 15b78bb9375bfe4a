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

-- The turn regions of the (sub-)corpus in corpus order: { start, stop,
-- speaker, side, mode, doc, at } (at: { source, start }, the turn's place in
-- the whole corpus, its source numbered as in the whole corpus's list even
-- in a part's corpus, lua/parley/shard.lua: so places from the parts of a
-- corpus compare as in the whole).
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
  local docs = {}   -- per document number: { id, source }
  for _, k in ipairs(ix:kinds()) do
    if k.name == "turn" then
      for i = 1, k.count do
        local s, e, a = ix:region("turn", i)
        if keep[s .. ":" .. e] and a.speaker ~= "" then
          local dn = ix:doc_of(s)
          local d = docs[dn]
          if not d then d = { ix:doc(dn).id, corpus:source_number(dn) }; docs[dn] = d end
          out[#out + 1] = { start = s, stop = e, speaker = a.speaker, side = a.side, mode = a.mode,
                            doc = d[1], at = { d[2], s } }
        end
      end
    end
  end
  table.sort(out, function(a, b) return a.start < b.start or a.start == b.start and a.speaker < b.speaker end)
  return out
end

-- Is place a before place b ({ source, start })?
local function earlier(a, b) return a[1] < b[1] or a[1] == b[1] and a[2] < b[2] end

-- Words (the tokens the tokeniser made words or numbers, counted in C) and
-- "?" tokens (from the hit list `marks`) in a list of spans.
local function words_in(corpus, spans, marks)
  if #spans == 0 then return 0, 0 end
  return corpus.ix:words(spans), #marks:inside(spans)
end

-- The counts of the (sub-)corpus's turns, restricted to region list
-- `within` (a document) if given: per speaker { turns, reported_turns,
-- words, direct_words (the words of the direct turns), questions, side
-- (the first one given, in corpus order), side_at (where it was given) }.
local function counts_for(corpus, turns, within, doc, text)
  local by = {}
  for _, t in ipairs(turns) do
    if not doc or t.doc == doc then
      local r = by[t.speaker]
      if not r then
        r = { turns = 0, reported_turns = 0, words = 0, direct_words = 0, questions = 0, side = "" }
        by[t.speaker] = r
      end
      if r.side == "" and (t.side or "") ~= "" then r.side, r.side_at = t.side, t.at end
      if t.mode == "reported" then r.reported_turns = r.reported_turns + 1 else r.turns = r.turns + 1 end
    end
  end
  local marks = text.marks
  local function spans(of, speaker)
    local s = of[speaker]
    if not s then return require("parley.hits").from(corpus.ix, {}) end
    return within and s:inside(within) or s
  end
  for speaker, r in pairs(by) do
    r.words, r.questions = words_in(corpus, spans(text.all, speaker), marks)
    if r.turns > 0 then r.direct_words = words_in(corpus, spans(text.direct(), speaker), marks) end
  end
  return by
end

-- Two tables of counts per speaker added (the first side given, in corpus order).
local function add_speakers(a, b)
  for speaker, r in pairs(b) do
    local q = a[speaker]
    if not q then a[speaker] = r
    else
      for _, k in ipairs{ "turns", "reported_turns", "words", "direct_words", "questions" } do q[k] = q[k] + r[k] end
      if r.side_at and (not q.side_at or earlier(r.side_at, q.side_at)) then q.side, q.side_at = r.side, r.side_at end
    end
  end
  return a
end

-- The rows of counts per speaker: shares of their sum, the most words first.
local function rows_of(by, doc)
  local order, total = {}, 0
  for speaker, r in pairs(by) do
    order[#order + 1] = { speaker = speaker, side = r.side, doc = doc, turns = r.turns,
                          reported_turns = r.reported_turns, words = r.words, questions = r.questions,
                          mean_turn = r.turns > 0 and r.direct_words / r.turns or nil }
    total = total + r.words
  end
  for _, r in ipairs(order) do r.share = total > 0 and r.words / total or nil end
  table.sort(order, function(a, b) return a.words > b.words or a.words == b.words and a.speaker < b.speaker end)
  return order
end

-- counts(corpus, opts) -> the counts speakers' table is made of, which add
-- up over the parts of a corpus (add): { has_turns, speakers = { NAME =
-- counts } }, or with opts.by = "doc" { has_turns, docs = { ID = { at =
-- place of its first turn, speakers = … } } }.
function M.counts(corpus, opts)
  opts = opts or {}
  local turns = M.turns(corpus)
  local out = { has_turns = M.has_turns(corpus) }
  if not out.has_turns then
    out[opts.by == "doc" and "docs" or "speakers"] = {}
    return out
  end
  -- every speaker's text, made once (corpus:spans per speaker would scan
  -- every turn for each speaker, and for each document again), and the "?"s
  local direct
  local text = { all = corpus:spans_by("turn", "speaker"), marks = corpus:find("?")._hits,
                 direct = function()
                   direct = direct or corpus:spans_by("turn", "speaker", { mode = { "direct", "" } })
                   return direct
                 end }
  if opts.by ~= "doc" then
    out.speakers = counts_for(corpus, turns, nil, nil, text)
    return out
  end
  out.docs = {}
  -- each document's span, by id (document i is region i): one look-up, not a scan of them all per document
  local doc_spans, number = corpus.ix:regions("document"), {}
  for i = 1, corpus.ix:stats().documents do number[corpus.ix:doc(i).id] = i end
  for _, t in ipairs(turns) do
    if not out.docs[t.doc] then
      local within = doc_spans:sub(number[t.doc], number[t.doc])
      out.docs[t.doc] = { at = t.at, speakers = counts_for(corpus, turns, within, t.doc, text) }
    end
  end
  return out
end

-- add(a, b) -> a with b's counts added (counts of two parts of a corpus).
function M.add(a, b)
  a.has_turns = a.has_turns or b.has_turns
  if a.speakers then a.speakers = add_speakers(a.speakers, b.speakers or {}) return a end
  for id, d in pairs(b.docs or {}) do
    local q = a.docs[id]
    if not q then a.docs[id] = d
    else
      q.speakers = add_speakers(q.speakers, d.speakers)
      if earlier(d.at, q.at) then q.at = d.at end
    end
  end
  return a
end

-- rows(counts, opts) -> the table's rows, one per speaker (opts.by = "doc":
-- per document and speaker, the documents in corpus order).
function M.rows(counts, opts)
  if counts.speakers then return rows_of(counts.speakers) end
  local ids = {}
  for id in pairs(counts.docs) do ids[#ids + 1] = id end
  table.sort(ids, function(x, y) return earlier(counts.docs[x].at, counts.docs[y].at) end)
  local rows = {}
  for _, id in ipairs(ids) do
    for _, r in ipairs(rows_of(counts.docs[id].speakers, id)) do rows[#rows + 1] = r end
  end
  return rows
end

-- table(corpus, opts) -> rows, one per speaker (opts.by = "doc": per document and speaker).
function M.table(corpus, opts)
  return M.rows(M.counts(corpus, opts), opts)
end

-- matrix_counts(corpus) -> { has_turns, names = { NAME = true }, follows =
-- { FROM = { TO = n } } }: within each document, the turns of each speaker
-- followed by each; they add up over the parts of a corpus (partial.add).
function M.matrix_counts(corpus)
  local turns, groups = M.turns(corpus), {}
  for _, t in ipairs(turns) do                     -- one group per span: joint turns
    local g = groups[#groups]
    if g and g.start == t.start and g.stop == t.stop then g[#g + 1] = t.speaker
    else groups[#groups + 1] = { t.speaker, start = t.start, stop = t.stop, doc = t.doc } end
  end
  local counts, names = {}, {}
  for i, g in ipairs(groups) do
    for _, s in ipairs(g) do names[s] = true end
    local nxt = groups[i + 1]
    if nxt and nxt.doc == g.doc then
      for _, a in ipairs(g) do
        counts[a] = counts[a] or {}
        for _, b in ipairs(nxt) do counts[a][b] = (counts[a][b] or 0) + 1 end
      end
    end
  end
  return { has_turns = M.has_turns(corpus), names = names, follows = counts }
end

-- matrix_rows(counts) -> rows { speaker = FROM, [TO] = n … } and the sorted list of speakers.
function M.matrix_rows(mc)
  local names, counts = {}, mc.follows
  for s in pairs(mc.names) do names[#names + 1] = s end
  table.sort(names)
  local rows = {}
  for _, a in ipairs(names) do
    local r = { speaker = a }
    for _, b in ipairs(names) do r[b] = counts[a] and counts[a][b] or 0 end
    rows[#rows + 1] = r
  end
  return rows, names
end

-- busiest(rows, names, n) -> the set { [name] = true } of the n speakers of
-- a who-follows-whom table (matrix_rows' rows and names) whose turns are
-- most often followed (the sum of their row; one only ever followed has
-- none: 0), ties by name; nil when there are no more than n.
function M.busiest(rows, names, n)
  if #names <= n then return nil end
  local total = {}
  for _, r in ipairs(rows) do
    local sum = 0
    for _, c in ipairs(names) do sum = sum + (r[c] or 0) end
    total[r.speaker] = sum
  end
  local order = {}
  for i, name in ipairs(names) do order[i] = name end
  table.sort(order, function(a, b)
    local ta, tb = total[a] or 0, total[b] or 0
    if ta ~= tb then return ta > tb end
    return a < b
  end)
  local keep = {}
  for i = 1, n do keep[order[i]] = true end
  return keep
end

-- matrix(corpus) -> rows { speaker = FROM, [TO] = n … } and the sorted list of speakers.
function M.matrix(corpus)
  return M.matrix_rows(M.matrix_counts(corpus))
end

-- require(corpus): raise the no-turns message unless the corpus has turns.
function M.require(corpus)
  if not M.has_turns(corpus) then E.raise(M.no_turns, 2) end
end

return M
