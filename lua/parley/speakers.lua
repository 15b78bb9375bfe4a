-- Who speaks how much: per speaker, the turns (direct), reported turns,
-- words in their turns, share of all speakers' words, mean direct turn
-- length and questions ("?" in their turns); per document with --by doc;
-- and who follows whom (--matrix).  Computed from the index's "turn"
-- regions, which a grammar marks (speaker, side, mode).  scripts/speakers.lua
-- calls main.
--
-- Counting rules: a turn spoken by several speakers at once (the telegram's
-- "Stevenson and McCloy stated that …") is one region per speaker, so it
-- counts for each of them, and shares are of the sum over speakers.  Words are
-- the index's word and number tokens (punctuation left out).  The matrix
-- counts, within each document, each turn's speaker(s) against the next
-- turn's speaker(s), direct and reported turns alike.  A direct turn's label
-- and stage direction ("McCloy (in a jocular tone):") are not its words; notes
-- inside a turn are.
local cli = require "parley.cli"
local format = require "parley.format"
local tokenizer = require "parley.tokenizer"

local M = {}

M.spec = {
  name = "speakers",
  usage = "parley speakers [--corpus DIR] [--by doc] [--matrix] [--where attr=value] "
    .. "[--format tty|tsv|csv|json|md]",
  options = {
    corpus = { arg = true },
    by = { arg = true, choices = { "speaker", "doc" }, default = "speaker" },
    matrix = {},
    where = { arg = true, multi = true },
    format = { arg = true, choices = format.formats, default = "tty" },
    repair = {},
  },
}

M.columns = {
  "speaker", "side", "turns", "reported_turns", "words",
  { name = "share", format = function(v) return v and ("%.1f%%"):format(v * 100) or "" end, align = "right" },
  { name = "mean_turn", title = "words/turn", align = "right",
    format = function(v) return v and ("%.1f"):format(v) or "" end },
  "questions",
}

local function has_turns(corpus)
  for _, k in ipairs(corpus.ix:kinds()) do
    if k.name == "turn" and k.count > 0 then return true end
  end
  return false
end

-- The words of a direct turn's label and direction, which its span includes.
local label_memo = {}
local function label_words(a)
  if a.mode == "reported" then return 0 end
  local key = a.label .. "\0" .. a.direction
  if not label_memo[key] then
    local n = 0
    for _, t in ipairs(tokenizer.tokens(a.label .. " " .. a.direction)) do
      if t.kind == "word" or t.kind == "number" then n = n + 1 end
    end
    label_memo[key] = n
  end
  return label_memo[key]
end

-- The turn regions of the (sub-)corpus in corpus order:
-- { start, stop, speaker, side, mode, doc, label_words }.
function M.turns(corpus)
  local out, ix = {}, corpus.ix
  if not has_turns(corpus) then return out end
  local spans = ix:regions("turn")
  if corpus.within then spans = spans:inside(corpus.within) end
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
                            doc = ix:doc(ix:doc_of(s)).id, label_words = label_words(a) }
        end
      end
    end
  end
  table.sort(out, function(a, b) return a.start < b.start or a.start == b.start and a.speaker < b.speaker end)
  return out
end

-- Words and "?" tokens in a list of spans (hits), from the index's frequency list.
local function words_in(corpus, spans)
  if #spans == 0 then return 0, 0 end
  local words, questions = 0, 0
  for _, r in ipairs(corpus.ix:freq{ within = spans, punct = true, format = "rows" }) do
    if r.word == "?" then questions = questions + r.count
    elseif r.word:find("[%w\128-\255]") then words = words + r.count end
  end
  return words, questions
end

local function spans_of(corpus, filter, within)
  local spans = corpus.ix:regions("turn", filter)
  if corpus.within then spans = spans:inside(corpus.within) end
  if within then spans = spans:inside(within) end
  return spans
end

-- The rows of one (sub-)corpus, restricted to region list `within` if given.
local function rows_for(corpus, turns, within, doc)
  local by, order = {}, {}
  for _, t in ipairs(turns) do
    if not doc or t.doc == doc then
      local r = by[t.speaker]
      if not r then
        r = { speaker = t.speaker, side = t.side, doc = doc, turns = 0, reported_turns = 0, labels = 0 }
        by[t.speaker], order[#order + 1] = r, r
      end
      if r.side == "" then r.side = t.side end
      r.labels = r.labels + t.label_words
      if t.mode == "reported" then r.reported_turns = r.reported_turns + 1 else r.turns = r.turns + 1 end
    end
  end
  local total = 0
  for _, r in ipairs(order) do
    r.words, r.questions = words_in(corpus, spans_of(corpus, { speaker = r.speaker }, within))
    r.words = r.words - r.labels
    if r.turns > 0 then
      local direct = words_in(corpus, spans_of(corpus, { speaker = r.speaker, mode = { "direct", "" } }, within))
      r.mean_turn = (direct - r.labels) / r.turns
    end
    r.labels = nil
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

-- matrix(corpus) -> rows { speaker = FROM, [TO] = n … } and the list of speakers.
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

function M.main(args, out)
  local opts = cli.start(args, M.spec)
  if not opts then return end
  local corpus = cli.scoped(opts, "speakers")
  if not has_turns(corpus) then
    cli.fail("speakers: no speaker turns in this corpus (its grammars mark no 'turn' regions)")
  end
  out = out or io.stdout
  if opts.matrix then
    local rows, names = M.matrix(corpus)
    local cols = { { name = "speaker", title = "speaker \\ next" } }
    for _, n in ipairs(names) do cols[#cols + 1] = n end
    format.write(rows, cols, opts.format, out)
    return
  end
  local cols = M.columns
  if opts.by == "doc" then cols = { "doc", table.unpack(M.columns) } end
  format.write(M.table(corpus, { by = opts.by }), cols, opts.format, out)
end

return M
