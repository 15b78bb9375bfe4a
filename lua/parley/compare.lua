-- Comparing two accounts of one meeting: a report (a telegram, a cable, a
-- memoir) held against the record of the same conversation.  The report is
-- split into claims — its sentences, and within them the reported-speech
-- clauses its grammar attributes to a speaker — and each claim is scored
-- against every passage (sentence) of the record by the weighted share of
-- its content words the passage holds: words folded, stemmed (Snowball,
-- parley.stem), stop words left out, synonyms of the field's vocabulary and
-- numbers written as words or digits made one term, each weighted by its
-- rarity in the record.  docs/statistics.md defines the score; `parley
-- compare` (lua/parley/cmd/compare.lua) prints the result.
local E = require "parley.error"
local text = require "parley.text"

local M = {}

-- A mistake in what was asked for (an error object, printed without a traceback).
local function fail(msg) require("parley.error").raise(msg, 0) end

-- The defaults: a claim is supported when its best passages together hold at
-- least this share of its weighted content; a single passage holding at least
-- PARAPHRASE of it makes the claim a close paraphrase; a quotation whose words
-- the passage has in order for at least VERBATIM of them is verbatim.
M.MIN_SCORE = 0.35
M.PARAPHRASE = 0.4
M.VERBATIM = 0.9
M.NEARLY = 0.75        -- a passage scoring this share of the best's is as good, for who said it
M.PAIR = 0.8           -- two sentences together score this share of what they hold: one must not win for its length
M.TOP = 3               -- passages listed (and pooled for a summary) per claim

-- Words that carry no content of their own (English; folded forms).
M.STOP_WORDS = [[
a about above after again against all also although am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each either even
ever every few for from further had has have having he her here hers herself him himself his how
however i if in into is it its itself just let may me mine more most much must my myself neither
no nor not now of off on once one only or other others otherwise our ours ourselves out over own
same shall she should since so some such than that the their theirs them themselves then there
these they this those though through thus to too under until up upon us very was we were what when
where whether which while who whom whose why will with within without would yet you your yours
yourself yourselves said say says saying told tell asked ask stated declared noted mentioned
remarked added replied answered continued underlined emphasized observed like think believe kind already
]]

-- Hedges: words by which a speaker makes a statement less firm.  A claim
-- firmer than its support, or the reverse, is a strength shift.
M.HEDGES = [[
might perhaps possibly probably apparently maybe presumably likely unlikely hardly roughly
approximately seemingly
]]

-- Conditions: a passage that makes something depend on a condition, where
-- the claim does not, has its condition dropped (a strength shift too).
M.CONDITIONS = { "if", "unless", "provided", "condition", "conditions", "conditioned" }

-- Modals of possibility: a statement with one of them (or a hedge) is not
-- firm, so a hedge on one side against such a modal on the other ("might" /
-- "could") is no shift; "would", "will" and "must" state, they do not hedge.
M.MODALS = [[
could may can
]]

-- Synonyms of the vocabulary of diplomatic records and their translations:
-- each group's stems count as one term (single words: a word's first group wins).  Extend with opts.synonyms (a list of
-- lists of words).
M.SYNONYMS = {
  { "quarantine", "blockade" },
  { "guarantee", "assurance", "assure", "commitment", "undertaking" },
  { "inspection", "verification", "verify", "check", "checkup", "check-up", "control", "inspector", "inspect" },
  { "armament", "armaments", "weapon", "weaponry", "arms" },
  { "camp", "encampment" },
  { "overflight", "overfly", "flight", "fly", "reconnaissance" },
  { "dismantle", "dismantling", "disassemble", "disassembling" },
  { "withdrawal", "withdraw", "evacuation", "evacuate", "removal", "remove" },
  { "non-aggression", "nonintervention", "non-intervention", "invasion", "invade", "attack" },
  { "protocol", "document", "agreement", "treaty" },
  { "exile", "émigré", "emigre" },
  { "infection", "infect" },
  { "normalize", "normalization", "normalizing", "relax", "relaxed", "lessen" },
  { "satisfaction", "satisfied", "useful" },
  { "confidence", "trust", "certain", "sure", "convinced" },
  { "statement", "announcement", "declaration", "declare", "announce" },
  { "antiaircraft", "anti-aircraft", "ground-air" },
  { "americans", "american", "united", "usa", "u.s." },
  { "letter", "message", "missive" },
  { "ship", "vessel", "tanker" },
  { "fix", "seal", "formulate", "register" },
  { "immediately", "soon", "quickly" },
  { "gradually", "steadily" },
  { "eliminate", "liquidate", "abolish" },
  { "reject", "refuse", "decline" },
  { "plan", "proposal", "idea", "intend", "intention" },
  { "perhaps", "maybe" },
  { "soviet", "ussr", "russians", "russian" },
}

-- Numbers written as words, as the terms of the digits ("ten" is "#10").
M.NUMBER_WORDS = { zero = 0, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8,
  nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15, sixteen = 16,
  seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  sixty = 60, seventy = 70, eighty = 80, ninety = 90, hundred = 100, thousand = 1000 }

local function set_of(words)
  local s = {}
  for w in words:gmatch("%S+") do s[w] = true end
  return s
end
local STOP, HEDGE, MODAL = set_of(M.STOP_WORDS), set_of(M.HEDGES), set_of(M.MODALS)
-- Verbs of saying: the words before one name who spoke.
local SAYING = set_of([[
said say says told asked stated declared noted mentioned remarked added replied answered continued
underlined emphasized emphasised observed assured affirmed confirmed insisted suggested warned agreed
]])
local CONDITION = {}
for _, w in ipairs(M.CONDITIONS) do CONDITION[w] = true end

-- ------------------------------------------------------------ terms

-- Words of speakers' names that are titles or offices, not names: they stay content,
-- and a claim naming one names no particular person (unless it is a whole name: "The Secretary").
local NAME_TITLES = set_of([[
secretary ambassador minister president chairman senator governor general admiral foreign prime under
assistant deputy vice soviet american british french german mr mrs dr sir
]])

-- A term maker: fold, stem and map synonyms and numbers, remembering each
-- word's term (an archive's words recur).
local function term_maker(opts, people)
  local stemmer = assert(require("parley.stem").new(opts.language or "english"))
  local canon, memo, person = {}, {}, {}
  local function stem(w) return stemmer:stem(w) end
  local groups = {}
  for _, g in ipairs(M.SYNONYMS) do groups[#groups + 1] = g end
  for _, g in ipairs(opts.synonyms or {}) do groups[#groups + 1] = g end
  for _, g in ipairs(groups) do
    local head = stem(text.fold(g[1]))
    for _, w in ipairs(g) do
      local s = stem(text.fold(w))
      if not canon[s] then canon[s] = head end
    end
  end
  -- who speaks is not what is said: the words of speakers' names are no content (by
  -- stem: "Dobrynin's" too), except titles, a group's name ("the Americans") and the
  -- field's vocabulary
  for _, name in ipairs(people or {}) do
    if not name:find("^[Tt]he%s") then
      for w in name:gmatch("[%w\128-\255]+") do
        local f = text.fold(w)
        if #f > 2 and not NAME_TITLES[f] then
          local s = stem(f)
          if not canon[s] then person[s] = true end
        end
      end
    end
  end
  -- term(word) -> a list of terms (a range "10-15" is two), or nil for no content
  return function(word)
    local t = memo[word]
    if t ~= nil then return t or nil end
    local f = text.fold(word)
    local out = {}
    if f:find("^%d[%d,.]*$") and not f:find("%.%d+%.") then
      out[1] = "#" .. f:gsub(",", "")
    elseif f:find("^%d+[-–]%d+$") then
      local a, b = f:match("^(%d+)%D+(%d+)$")
      out[1], out[2] = "#" .. a, "#" .. b
    elseif M.NUMBER_WORDS[f] and f ~= "one" then
      out[1] = "#" .. M.NUMBER_WORDS[f]
    elseif not STOP[f] and f:find("[%a\128-\255]") and #f > 1 and not f:find("^%a%.$") then
      local s = stem((f:gsub("'s$", ""):gsub("\226\128\153s$", "")))
      if not person[s] then out[1] = canon[s] or s end
    end
    memo[word] = #out > 0 and out or false
    return #out > 0 and out or nil
  end
end

-- The words of tokens i..j of a token list, with their terms: { word, terms, tok }.
local function words_of(tokens, i, j, term, skip)
  local out = {}
  for k = i, j do
    local t = tokens[k]
    if (t.kind == "word" or t.kind == "number") and not (skip and skip[t.pos]) then
      out[#out + 1] = { word = t.text, folded = text.fold(t.text), terms = term(t.text), tok = t }
    end
  end
  return out
end

-- ------------------------------------------------------------ units

-- The 1-based index of the first token at or after corpus position pos (tokens sorted by pos).
local function token_at(tokens, pos)
  local lo, hi = 1, #tokens + 1
  while lo < hi do
    local m = (lo + hi) // 2
    if tokens[m].pos < pos then lo = m + 1 else hi = m end
  end
  return lo
end

-- The document of a (sub-)corpus given by id (or number), with its tokens.
local function document(corpus, id, what)
  local ok, doc = require("parley.error").pcall(corpus.doc, corpus, id)
  if not ok or not doc then
    local ids = {}
    for d in corpus:docs() do ids[#ids + 1] = d.id end
    fail(("no document '%s' for the %s in this corpus (documents: %s)"):format(tostring(id), what,
      table.concat(ids, ", ", 1, math.min(#ids, 12)) .. (#ids > 12 and ", …" or "")))
  end
  return doc, doc:tokens()
end

-- The regions of kind in document doc of corpus, or {} when there are none.
local subs = setmetatable({}, { __mode = "k" })   -- doc -> its sub-corpus, made once
local function regions_in(corpus, doc, kind)
  if not corpus:has_kind(kind) then return {} end
  local sub = subs[doc]
  if not sub then sub = corpus:where{ id = doc.id }; subs[doc] = sub end
  return sub:regions(kind)
end

-- Positions inside regions of these kinds, as a set (labels, headers: not what anyone said).
local function positions_in(corpus, doc, kinds)
  local set = {}
  for _, k in ipairs(kinds) do
    for _, r in ipairs(regions_in(corpus, doc, k)) do
      for p = r.pos, r.stop_pos do set[p] = true end
    end
  end
  return set
end

-- The speakers of the turns that hold position pos: a list of { name, side, label }.
local function speakers_at(turns, pos)
  local out, seen = {}, {}
  for _, t in ipairs(turns) do
    if t.pos <= pos and pos <= t.stop_pos and not seen[t.attrs.speaker] then
      seen[t.attrs.speaker] = true
      out[#out + 1] = { name = t.attrs.speaker, side = t.attrs.side, label = t.attrs.label, turn = t }
    end
  end
  return out
end

-- The line of a byte offset of a document's text (1-based), as a function.
local function line_finder(doc)
  local starts, line_of = doc:line_starts(), require("parley.data").line_of
  return function(byte) return line_of(starts, byte) end
end

-- The names of a list of speakers, joined: "John McCloy and Adlai Stevenson".
local function names(list)
  local out = {}
  for _, s in ipairs(list) do out[#out + 1] = s.name end
  return table.concat(out, " and ")
end

-- The passages of the record: its sentences, each with the speakers of the
-- turn around its first word, its line, words and term set.
-- What is no one's words in a record or a report: headings, datelines, header
-- fields and participants lists, footnotes and source notes (a TEI reader's
-- notes stand apart at the end of the text), sign-offs; and speaker labels,
-- whose words are not counted though their sentence is.
M.NOT_TEXT = { "head", "dateline", "note", "list", "field", "header", "footer", "signoff", "source_note" }
local function not_text(corpus, doc)
  local kinds = { "label" }
  for _, k in ipairs(M.NOT_TEXT) do kinds[#kinds + 1] = k end
  return positions_in(corpus, doc, M.NOT_TEXT), positions_in(corpus, doc, kinds)
end

-- Claims shorter than this many words (a signature, a telegram's number) are none;
-- a stretch of a sentence outside its reported-speech turns ("At the same time,")
-- is a claim when it has at least MIN_TERMS content terms.
M.MIN_WORDS = 4
M.MIN_TERMS = 3

local function passages_of(corpus, doc, tokens, term)
  local line_of = line_finder(doc)
  local turns = regions_in(corpus, doc, "turn")
  local _, skip = not_text(corpus, doc)
  local out = {}
  for _, s in ipairs(regions_in(corpus, doc, "sentence")) do
    local i, j = token_at(tokens, s.pos), token_at(tokens, s.stop_pos + 1) - 1
    local words = words_of(tokens, i, j, term, skip)
    if #words > 0 then
      local set = {}
      for _, w in ipairs(words) do for _, t in ipairs(w.terms or {}) do set[t] = true end end
      local who = speakers_at(turns, words[1].tok.pos)
      out[#out + 1] = { line = s.line, last_line = s.line + line_of(s.stop) - line_of(s.start), pos = s.pos, stop_pos = s.stop_pos, words = words, terms = set,
                        speakers = who, turn = who[1] and who[1].turn or nil, start = s.start, stop = s.stop }
    end
  end
  return out, turns
end

-- The claims of the report: its sentences outside its header fields, sign-off
-- and source note, and within a sentence each span of a turn the grammar
-- found (a reported-speech clause, with the speakers it names), or the
-- sentence whole when no turn holds it.
local function claims_of(corpus, doc, tokens, term)
  local turns = regions_in(corpus, doc, "turn")
  local structure, skip = not_text(corpus, doc)
  local labels = positions_in(corpus, doc, { "label" })
  local quotes = regions_in(corpus, doc, "quote")
  local points = regions_in(corpus, doc, "point")
  local out = {}
  local function point_at(pos)
    for _, p in ipairs(points) do if p.pos <= pos and pos <= p.stop_pos then return tonumber(p.attrs.number) or p.attrs.number end end
    return nil
  end
  local sentence_at   -- where the sentence being split into claims begins
  local function add(s, e, who, min_terms)
    local i, j = token_at(tokens, s), token_at(tokens, e + 1) - 1
    local all = words_of(tokens, i, j, term)           -- its words, labels and all, for its text
    local words = words_of(tokens, i, j, term, skip)   -- those that are what was said, for its terms
    if #all < M.MIN_WORDS then return end
    local set, n, any = {}, 0, {}
    for _, w in ipairs(words) do for _, t in ipairs(w.terms or {}) do if not set[t] then set[t] = true; n = n + 1 end end end
    for _, w in ipairs(all) do for _, t in ipairs(w.terms or {}) do any[t] = true end end
    local words_terms = 0   -- terms that are words, not numbers ("6. In the course of the conversation")
    for t in pairs(set) do if t:sub(1, 1) ~= "#" then words_terms = words_terms + 1 end end
    if n == 0 or words_terms < (min_terms or 0) then return end
    local list = {}
    for t in pairs(set) do list[#list + 1] = t end
    table.sort(list)
    -- the words that frame what was said ("Stevenson assured us that"): the labels in it,
    -- else its first five words; a speaker named there is one the report gives it to
    local frame = {}
    for _, x in ipairs(all) do if labels[x.tok.pos] then frame[#frame + 1] = x.word end end
    if #frame == 0 then for k = 1, math.min(5, #all) do frame[#frame + 1] = all[k].word end end
    for k = 2, #all do   -- and a subject before a verb of saying inside it ("(b) Dobrynin replied")
      if SAYING[all[k].folded] then
        for m = math.max(1, k - 2), k - 1 do frame[#frame + 1] = all[m].word end
      end
    end
    local first, last = all[1].tok, tokens[j]   -- to its last token: a closing quote or bracket too
    local quote
    for _, q in ipairs(quotes) do  -- a quotation of three words or more inside the claim (not a scare quote)
      if q.pos >= s and q.stop_pos <= e and (not quote or q.pos < quote.pos) then
        local nw = 0
        for _, x in ipairs(words) do if x.tok.pos >= q.pos and x.tok.pos <= q.stop_pos then nw = nw + 1 end end
        if nw >= 3 then quote = q end
      end
    end
    out[#out + 1] = { pos = s, stop_pos = e, first_pos = first.pos, words = words, all_terms = any, terms = set,
                      term_list = list, frame = table.concat(frame, " "), speakers = who, opens = s == sentence_at,
                      point = point_at(s), quote = quote, start = first.start, stop = last.stop }
  end
  for _, sent in ipairs(regions_in(corpus, doc, "sentence")) do
    sentence_at = sent.pos
    if not structure[sent.pos] then
      local spans, order = {}, {}
      for _, t in ipairs(turns) do
        if t.pos <= sent.stop_pos and t.stop_pos >= sent.pos then
          local s, e = math.max(t.pos, sent.pos), math.min(t.stop_pos, sent.stop_pos)
          local key = s .. ":" .. e
          if not spans[key] then spans[key] = { s = s, e = e, who = {} }; order[#order + 1] = spans[key] end
          local who = spans[key].who
          who[#who + 1] = { name = t.attrs.speaker, side = t.attrs.side, label = t.attrs.label }
        end
      end
      if #order == 0 then add(sent.pos, sent.stop_pos, {})
      else
        -- the turns' spans, and the stretches of the sentence outside them, each a claim of its own
        table.sort(order, function(a, b) if a.s ~= b.s then return a.s < b.s end return a.e < b.e end)
        local at = sent.pos
        for _, sp in ipairs(order) do
          if sp.s > at then add(at, sp.s - 1, {}, M.MIN_TERMS) end
          add(sp.s, sp.e, sp.who)
          if sp.e + 1 > at then at = sp.e + 1 end
        end
        if at <= sent.stop_pos then add(at, sent.stop_pos, {}, M.MIN_TERMS) end
      end
    end
  end
  -- a sentence a page break cut in two ("… when they would be" / "removed, and …"): the
  -- second part begins in lower case after no full stop, and is the same speakers' claim
  local joined = {}
  for _, c in ipairs(out) do
    local prev = joined[#joined]
    local first_char = c.words[1] and c.words[1].word:sub(1, 1) or ""
    local before = prev and tokens[token_at(tokens, c.pos) - 1]
    if prev and c.opens and first_char:find("^%l") and before and not before.text:find("^[.?!]") and
       names(prev.speakers) == names(c.speakers) then
      for _, x in ipairs(c.words) do prev.words[#prev.words + 1] = x end
      for t in pairs(c.terms) do prev.terms[t] = true end
      for t in pairs(c.all_terms) do prev.all_terms[t] = true end
      local list = {}
      for t in pairs(prev.terms) do list[#list + 1] = t end
      table.sort(list)
      prev.term_list, prev.stop_pos, prev.stop = list, c.stop_pos, c.stop
      prev.quote = prev.quote or c.quote
    else
      joined[#joined + 1] = c
    end
  end
  out = joined
  -- lines as the source has them (a TEI file's, through the index's map), in one call
  local firsts = {}
  for k, c in ipairs(out) do firsts[k] = c.first_pos end
  for k, row in ipairs(#firsts > 0 and corpus:at(firsts) or {}) do out[k].line = row.line end
  return out
end

-- ------------------------------------------------------------ scoring

-- The weight of each term: its rarity among the record's passages,
-- ln(1 + N / df), N passages, df those holding it (a term none holds: df 1).
local function weights(passages)
  local df, n = {}, #passages
  for _, p in ipairs(passages) do for t in pairs(p.terms) do df[t] = (df[t] or 0) + 1 end end
  local memo = {}
  return function(t)
    local x = memo[t]
    if not x then x = math.log(1 + n / (df[t] or 1)); memo[t] = x end
    return x
  end
end

-- score(claim, terms) -> the share of the claim's weighted terms in the set.
local function share(claim, set, w)
  local total, got = 0, 0
  for _, t in ipairs(claim.term_list) do   -- in a fixed order: sums of floats depend on it
    local x = w(t)
    total = total + x
    if set[t] then got = got + x end
  end
  return total > 0 and got / total or 0
end

-- Word-level alignment of a quotation with a passage: the longest common
-- subsequence of their folded words; { agree, total, ops = { { op = "="|"-"|"+", word } } }
-- ("-": the quotation's word the passage lacks, "+": the passage's word in its place).
function M.align(qwords, pwords)
  local n, m = #qwords, #pwords
  local L = {}
  for i = 0, n do L[i] = {}; for j = 0, m do L[i][j] = 0 end end
  local function same(a, b)
    if a.folded == b.folded then return true end
    local ta, tb = a.terms, b.terms
    return ta and tb and ta[1] == tb[1] or false
  end
  for i = n, 1, -1 do
    for j = m, 1, -1 do
      if same(qwords[i], pwords[j]) then L[i - 1][j - 1] = L[i][j] + 1
      else L[i - 1][j - 1] = math.max(L[i][j - 1], L[i - 1][j]) end
    end
  end
  -- the passage's stretch that the quotation matches: from its first to its last agreeing word
  local ops, i, j, agree = {}, 1, 1, 0
  local started = false
  while i <= n and j <= m do
    if same(qwords[i], pwords[j]) then
      ops[#ops + 1] = { op = "=", word = qwords[i].word }
      agree, started, i, j = agree + 1, true, i + 1, j + 1
    elseif L[i][j - 1] >= L[i - 1][j] then
      ops[#ops + 1] = { op = "-", word = qwords[i].word }
      i = i + 1
    else
      if started then ops[#ops + 1] = { op = "+", word = pwords[j].word } end
      j = j + 1
    end
  end
  for k = i, n do ops[#ops + 1] = { op = "-", word = qwords[k].word } end
  -- trailing "+" after the last agreement are the passage going on, not a difference
  while #ops > 0 and ops[#ops].op == "+" do ops[#ops] = nil end
  return { agree = agree, total = n, ops = ops }
end

-- The alignment as text: agreeing words plain, [-missing-] and {+different+} words.
function M.alignment_text(a)
  local out = {}
  for _, o in ipairs(a.ops) do
    out[#out + 1] = o.op == "=" and o.word or o.op == "-" and "[-" .. o.word .. "-]" or "{+" .. o.word .. "+}"
  end
  return table.concat(out, " ")
end

-- Hedges, conditions and numbers of a list of words.
local function features(words)
  local hedges, cond, nums, modal = {}, false, {}, false
  for _, w in ipairs(words) do
    if HEDGE[w.folded] then hedges[#hedges + 1] = w.folded end
    if MODAL[w.folded] then modal = true end
    if CONDITION[w.folded] then cond = true end
    for _, t in ipairs(w.terms or {}) do if t:sub(1, 1) == "#" then nums[t:sub(2)] = true end end
  end
  return hedges, cond, nums, modal or #hedges > 0
end

-- Durations: a number, a range ("10-15", "ten to fifteen", "ten or fifteen")
-- or "a"/"an" before a unit of time, in days ("a month" is 30), with "at
-- least" / "at most" kept: { low, high (nil: open), text } each.
M.UNITS = { hour = 1 / 24, hours = 1 / 24, day = 1, days = 1, week = 7, weeks = 7, month = 30, months = 30,
            year = 365, years = 365 }
function M.durations(words)
  local out = {}
  for i, w in ipairs(words) do
    local unit = M.UNITS[w.folded]
    if unit and i > 1 then
      local nums, k, first = {}, i - 1, nil
      while k >= 1 and k >= i - 4 do
        local x = words[k]
        local n = {}
        for _, t in ipairs(x.terms or {}) do if t:sub(1, 1) == "#" then n[#n + 1] = tonumber(t:sub(2)) end end
        if #n > 0 then
          for m = #n, 1, -1 do table.insert(nums, 1, n[m]) end
        elseif x.folded == "a" or x.folded == "an" then
          if #nums == 0 then nums[1] = 1 end
          first = k
          break
        elseif not (x.folded == "to" or x.folded == "or") then
          break
        end
        first = k
        k = k - 1
      end
      while first and first < i and not words[first].terms and words[first].folded ~= "a" and words[first].folded ~= "an" do
        first = first + 1   -- a range starts with its first number
      end
      if #nums > 0 then
        local low, high = math.min(table.unpack(nums)) * unit, math.max(table.unpack(nums)) * unit
        local before = first >= 3 and words[first - 2].folded .. " " .. words[first - 1].folded or ""
        if before == "at least" then high = nil elseif before == "at most" then low = 0 end
        local parts = {}
        for m = first, i do parts[#parts + 1] = words[m].word end
        out[#out + 1] = { low = low, high = high, text = table.concat(parts, " ") }
      end
    end
  end
  return out
end

-- Do two lists of durations share one (their ranges of days overlap)?
local function durations_meet(a, b)
  for _, x in ipairs(a) do
    for _, y in ipairs(b) do
      if x.low <= (y.high or math.huge) and y.low <= (x.high or math.huge) then return true end
    end
  end
  return false
end

local function texts(list)
  local out = {}
  for _, d in ipairs(list) do out[#out + 1] = d.text end
  return out
end

local function keys(set)
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- Is a record speaker one the claim names?  Same name; or, for a claim the
-- report gives to a group ("the Americans") or to its own "we", a speaker of
-- the same side.
-- Words of a speaker's name that say what, not who: a claim that names "the
-- Soviet Ambassador" does not name Dobrynin; a name that is a title alone
-- ("The Secretary") is named by its title.
local function naming_words(name)
  local own, titles = {}, {}
  for w in name:gmatch("%u[%w\128-\255]+") do
    if NAME_TITLES[text.fold(w)] then titles[#titles + 1] = w elseif #w > 3 then own[#own + 1] = w end
  end
  return #own > 0 and own or titles
end

local function attributed(claim, speakers, text)
  for _, s in ipairs(speakers) do   -- the claim itself names the speaker ("(b) Dobrynin replied …")
    for _, w in ipairs(naming_words(s.name)) do
      if text:find("%f[%w]" .. w .. "%f[%W]") then return true end
    end
  end
  for _, c in ipairs(claim.speakers) do
    for _, s in ipairs(speakers) do
      if c.name == s.name then return true end
      local group = c.label and (c.label:find("^[Ww]e%f[%A]") or c.label:find("^[Oo]ur%f[%A]") or
        c.label:lower():find("americans") or c.name:lower():find("^the ")) or c.name:lower():find("^the ")
      if group and c.side and s.side and c.side ~= "" and c.side == s.side then return true end
    end
  end
  return false
end

-- ------------------------------------------------------------ the comparison

-- The documents a side of the comparison names: a document id (or number),
-- a list of them, or a sub-corpus (corpus:where{…}, its documents); each
-- { doc, tokens, text }.
local function side_docs(corpus, x, what)
  local ids = {}
  if type(x) == "table" and x.ix then
    for d in x:docs() do ids[#ids + 1] = d.id end
    if #ids == 0 then fail(("the %s sub-corpus holds no documents"):format(what)) end
  elseif type(x) == "table" then
    for _, id in ipairs(x) do ids[#ids + 1] = id end
    if #ids == 0 then fail(("no documents given for the %s"):format(what)) end
  else
    ids[1] = x
  end
  local out = {}
  for _, id in ipairs(ids) do
    local doc, tokens = document(corpus, id, what)
    out[#out + 1] = { doc = doc, tokens = tokens, text = doc:text() }
  end
  return out
end

local function excerpt(t, s, e) return (t:sub(s, e):gsub("%s+", " ")) end

-- compare(corpus, report, record, opts) -> claims, info.  report and record:
-- a document id (or number), a list of ids, or a sub-corpus (corpus:where{…}).
-- opts: min_score (M.MIN_SCORE), top (M.TOP), synonyms (more groups),
-- language (the stemmer's, "english").  Each claim: { n, doc, text, point,
-- line, attributed_to, label, flags = { … }, supported, score (the best
-- passage's), combined (the best passages' together), support = { { doc,
-- line, last_line, speaker, score, excerpt, pos, matched } … best first },
-- quote = { text, agree, total, alignment } (a quotation's alignment),
-- said_by (with an attribution shift), numbers = { claim, record } when they
-- differ, hedges }.  info (M.coverage): the record's passages and turns with
-- the claims that use them, and rows per speaker and per side.
function M.compare(corpus, report, record, opts)
  opts = opts or {}
  local min_score = opts.min_score or M.MIN_SCORE
  if type(min_score) ~= "number" or min_score < 0 or min_score > 1 then
    fail(("min_score must be a number from 0 to 1, got %s"):format(tostring(opts.min_score)))
  end
  local top = opts.top or M.TOP
  local reports, records = side_docs(corpus, report, "report"), side_docs(corpus, record, "record")
  local in_record = {}
  for _, r in ipairs(records) do in_record[r.doc.id] = true end
  for _, r in ipairs(reports) do
    if in_record[r.doc.id] then fail("the report and the record share a document: " .. r.doc.id) end
  end
  local people = {}
  for _, side in ipairs{ reports, records } do
    for _, r in ipairs(side) do
      for _, t in ipairs(regions_in(corpus, r.doc, "turn")) do people[#people + 1] = t.attrs.speaker or "" end
    end
  end
  local term = term_maker(opts, people)
  local passages = {}
  for _, r in ipairs(records) do
    local ps, turns = passages_of(corpus, r.doc, r.tokens, term)
    r.turns = turns
    for _, p in ipairs(ps) do
      p.doc, p.text = r.doc.id, excerpt(r.text, p.start, p.stop)
      passages[#passages + 1] = p
    end
  end
  if #passages == 0 then fail(("the record (%s) has no sentences to compare with"):format(records[1].doc.id)) end
  -- what a claim is scored against: each sentence, and each two sentences of one turn in a
  -- row (a claim may sum up both: "rejected any inspection … and declared: 'You will have
  -- to trust our word'")
  local candidates = {}
  for k, p in ipairs(passages) do
    candidates[#candidates + 1] = p
    local q = passages[k + 1]
    if q and q.doc == p.doc and p.turn and q.turn == p.turn then
      local words, terms = {}, {}
      for _, x in ipairs(p.words) do words[#words + 1] = x end
      for _, x in ipairs(q.words) do words[#words + 1] = x end
      for t in pairs(p.terms) do terms[t] = true end
      for t in pairs(q.terms) do terms[t] = true end
      candidates[#candidates + 1] = { line = p.line, last_line = q.last_line, pos = p.pos, stop_pos = q.stop_pos,
        words = words, terms = terms, speakers = p.speakers, turn = p.turn, doc = p.doc, text = p.text .. " " .. q.text,
        start = p.start, stop = q.stop, pair = true }
    end
  end
  candidates.by_term = {}   -- term -> the candidates holding it, in order
  for k, p in ipairs(candidates) do
    for t in pairs(p.terms) do
      local list = candidates.by_term[t]
      if not list then list = {}; candidates.by_term[t] = list end
      list[#list + 1] = k
    end
  end
  local w = weights(passages)
  local claims = {}
  for _, r in ipairs(reports) do
    for _, c in ipairs(claims_of(corpus, r.doc, r.tokens, term)) do
      c.doc, c.text = r.doc.id, excerpt(r.text, c.start, c.stop)
      if c.quote then c.quote.text = excerpt(r.text, c.quote.start, c.quote.stop) end
      local judged = M.judge(c, #claims + 1, candidates, w, min_score, top)
      judged.terms = c.all_terms   -- every word of it, a speaker's frame too: what the report mentions
      claims[#claims + 1] = judged
    end
  end
  if #claims == 0 then
    fail(("the report (%s) has no claims to compare: no sentence of %d words or more outside its headings and notes")
      :format(reports[1].doc.id, M.MIN_WORDS))
  end
  local info = M.coverage(corpus, records, passages, claims)
  info.unmentioned = M.unmentioned(passages, claims, w, opts.unmentioned or 20)
  return claims, info
end

-- unmentioned(passages, claims, w, n) -> the record's topics the report never
-- touches: its terms in at least three passages that no claim holds, by
-- mentions × weight, the n first: { word (its commonest spelling), mentions
-- (passages), lines (the first three), weight }.
function M.unmentioned(passages, claims, w, n)
  local said = {}
  for _, c in ipairs(claims) do for t in pairs(c.terms or {}) do said[t] = true end end
  local found, order = {}, {}
  for _, p in ipairs(passages) do
    local here = {}
    for _, x in ipairs(p.words) do
      for _, t in ipairs(x.terms or {}) do
        if not said[t] and t:sub(1, 1) ~= "#" then
          local e = found[t]
          if not e then e = { term = t, mentions = 0, lines = {}, forms = {} }; found[t] = e; order[#order + 1] = e end
          e.forms[x.folded] = (e.forms[x.folded] or 0) + 1
          if not here[t] then
            here[t] = true
            e.mentions = e.mentions + 1
            if #e.lines < 3 and e.lines[#e.lines] ~= p.line then e.lines[#e.lines + 1] = p.line end
          end
        end
      end
    end
  end
  local out = {}
  for _, e in ipairs(order) do
    if e.mentions >= 3 then
      local best, bn = nil, -1
      for f, k in pairs(e.forms) do if k > bn or (k == bn and f < best) then best, bn = f, k end end
      out[#out + 1] = { word = best, mentions = e.mentions, lines = e.lines, weight = w(e.term) }
    end
  end
  table.sort(out, function(a, b)
    local x, y = a.mentions * a.weight, b.mentions * b.weight
    if x ~= y then return x > y end
    return a.word < b.word
  end)
  for k = #out, n + 1, -1 do out[k] = nil end
  return out
end

-- judge(c, n, passages, w, min_score, top) -> the claim as compare gives it:
-- its passages scored and ranked, its label and flags.
function M.judge(c, n, passages, w, min_score, top)
  -- share(c, passage) for every passage holding one of its terms, through the lists of
  -- passages by term: the claim's terms in its order, so each sum adds as share's does
  local got, hit, total = {}, {}, 0
  for _, t in ipairs(c.term_list) do
    local x = w(t)
    total = total + x
    for _, k in ipairs(passages.by_term[t] or {}) do
      local g = got[k]
      if not g then hit[#hit + 1] = k; g = 0 end
      got[k] = g + x
    end
  end
  local all, top_score = {}, 0
  for i, k in ipairs(hit) do
    local x = total > 0 and got[k] / total or 0
    if passages[k].pair then x = x * M.PAIR end
    all[i] = x
    if x > top_score then top_score = x end
  end
  -- only those that can be listed or can stand in for the best are sorted
  local floor, scored = math.min(min_score / 2, top_score * M.NEARLY), {}
  for i, k in ipairs(hit) do
    if all[i] >= floor then scored[#scored + 1] = { p = passages[k], score = all[i] } end
  end
  table.sort(scored, function(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.p.pos < b.p.pos
  end)
  -- of passages scoring nearly as well, one by a speaker the claim names comes first:
  -- "McCloy said …" is better supported by McCloy's words than by another's on the topic
  if #c.speakers > 0 and scored[1] and not attributed(c, scored[1].p.speakers, c.frame) then
    for k = 2, #scored do
      if scored[k].score < scored[1].score * M.NEARLY then break end
      if attributed(c, scored[k].p.speakers, c.frame) then
        table.insert(scored, 1, table.remove(scored, k))
        break
      end
    end
  end
  local best = scored[1]
  -- the support listed: the best candidates scoring at least half of min_score, none
  -- overlapping one listed before it (a sentence and the pair it begins are one place)
  local listed = {}
  for k = 1, #scored do
    if #listed >= top or scored[k].score < min_score / 2 then break end
    local p, clash = scored[k].p, false
    for _, q in ipairs(listed) do
      if p.doc == q.p.doc and p.pos <= q.p.stop_pos and q.p.pos <= p.stop_pos then clash = true end
    end
    if not clash then listed[#listed + 1] = scored[k] end
  end
  local pool = {}   -- their terms together
  for _, x in ipairs(listed) do for t in pairs(x.p.terms) do pool[t] = true end end
  local combined = share(c, pool, w)
  local claim = { n = n, doc = c.doc, text = c.text, point = c.point, line = c.line,
                  attributed_to = names(c.speakers), score = best and best.score or 0, combined = combined,
                  support = {}, flags = {} }
  for _, x in ipairs(listed) do
    local p = x.p
    do
      local matched, seen = {}, {}   -- the passage's words that share a term with the claim
      for _, x in ipairs(p.words) do
        for _, t in ipairs(x.terms or {}) do
          if c.terms[t] and not seen[x.folded] then seen[x.folded] = true; matched[#matched + 1] = x.word end
        end
      end
      claim.support[#claim.support + 1] = { doc = p.doc, line = p.line, last_line = p.last_line, speaker = names(p.speakers),
        score = x.score, excerpt = p.text, pos = p.pos, matched = matched }
    end
  end
  claim.supported = combined >= min_score and #claim.support > 0
  if not claim.supported then
    claim.label = "not found"
    return claim
  end
  local bp = best.p
  if c.quote then   -- the quotation, aligned with the best passage
    local qw = {}
    for _, x in ipairs(c.words) do if x.tok.pos >= c.quote.pos and x.tok.pos <= c.quote.stop_pos then qw[#qw + 1] = x end end
    local a = M.align(qw, bp.words)
    claim.quote = { text = c.quote.text, agree = a.agree, total = a.total, alignment = M.alignment_text(a) }
  end
  if claim.quote and claim.quote.total > 0 and claim.quote.agree / claim.quote.total >= M.VERBATIM then
    claim.label = "verbatim quote"
  elseif best.score >= M.PARAPHRASE then
    claim.label = "close paraphrase"
  else
    claim.label = "summary"
  end
  -- who said it
  if #c.speakers > 0 and #bp.speakers > 0 and not attributed(c, bp.speakers, c.frame) then
    local any = false   -- a passage of a speaker the claim names, nearly as good, is support enough
    for k = 2, #scored do
      local p = scored[k]
      if p.score < best.score * M.NEARLY then break end
      if attributed(c, p.p.speakers, c.frame) then any = true; break end
    end
    if not any then
      claim.flags[#claim.flags + 1] = "attribution shift"
      claim.said_by = names(bp.speakers)
    end
  end
  -- how firmly, on what condition, with what numbers
  local ch, ccond, cnum, cmodal = features(c.words)
  local ph, pcond, pnum, pmodal = features(bp.words)
  -- a hedge against a firm statement, either way, or the record's condition left out;
  -- a question (asked, or ending in "?") asserts nothing to be firm about
  local function question(t) return t:find("%?%s*$") or t:find("%f[%a][Aa]sk") or t:find("%f[%a][Ii]nquir") end
  if not question(claim.text) and not question(bp.text) and
     ((#ph > 0 and not cmodal) or (#ch > 0 and not pmodal) or (pcond and not ccond)) then
    claim.flags[#claim.flags + 1] = "strength shift"
    claim.hedges = { claim = ch, record = ph, condition_dropped = pcond and not ccond or nil }
  end
  local cn, pn = keys(cnum), keys(pnum)
  if #cn > 0 and #pn > 0 and table.concat(cn, ",") ~= table.concat(pn, ",") then
    claim.flags[#claim.flags + 1] = "numbers differ"
    claim.numbers = { claim = cn, record = pn }
  end
  local cd, pd = M.durations(c.words), M.durations(bp.words)
  if #cd > 0 or #pd > 0 then claim.durations = { claim = texts(cd), record = texts(pd) } end
  if #cd > 0 and #pd > 0 and not durations_meet(cd, pd) then claim.flags[#claim.flags + 1] = "durations differ" end
  if claim.flags[1] == "attribution shift" then claim.label = "attribution shift"
  elseif claim.flags[1] == "strength shift" and claim.label ~= "verbatim quote" then claim.label = "strength shift" end
  return claim
end

-- coverage(corpus, records, passages, claims) -> { passages = the record's
-- passages in order { doc, pos, line, speaker, text, claims (the supported
-- claims that list it), turn }, turns = per record turn { doc, line,
-- speaker, side, words, claims, covered }, speakers = per speaker { name,
-- turns, covered_turns, words, covered_words, share }, sides = the same per
-- side, omitted = the turns no claim uses }.
function M.coverage(corpus, records, passages, claims)
  local used = {}   -- record position of a passage -> the supported claims whose best support it is
  for _, c in ipairs(claims) do
    local s = c.supported and c.support[1]
    if s then
      used[s.pos] = used[s.pos] or {}
      used[s.pos][#used[s.pos] + 1] = c.n
    end
  end
  local of_turn = {}   -- a turn -> the claims that use one of its passages
  for _, p in ipairs(passages) do
    if used[p.pos] then
      for _, who in ipairs(p.speakers) do
        local list = of_turn[who.turn] or {}
        of_turn[who.turn] = list
        for _, n in ipairs(used[p.pos]) do list[#list + 1] = n end
      end
    end
  end
  local rows, by_speaker, by_side = {}, {}, {}
  for _, r in ipairs(records) do
    local ctoks = r.tokens
    local skip = positions_in(corpus, r.doc, { "label" })
    for _, t in ipairs(r.turns) do
      local i, j = token_at(ctoks, t.pos), token_at(ctoks, t.stop_pos + 1) - 1
      local nwords = 0
      for k = i, j do if (ctoks[k].kind == "word" or ctoks[k].kind == "number") and not skip[ctoks[k].pos] then nwords = nwords + 1 end end
      local by = of_turn[t] or {}
      table.sort(by)
      local row = { doc = r.doc.id, line = t.line, speaker = t.attrs.speaker or "", side = t.attrs.side or "", words = nwords,
                    claims = by, covered = #by > 0, text = t.start and excerpt(r.text, t.start, t.stop) or "" }
      rows[#rows + 1] = row
      for _, key in ipairs{ { by_speaker, row.speaker }, { by_side, row.side } } do
        local tab, k = key[1], key[2]
        local e = tab[k]
        if not e then e = { name = k, turns = 0, covered_turns = 0, words = 0, covered_words = 0 }; tab[k] = e end
        e.turns, e.words = e.turns + 1, e.words + nwords
        if row.covered then e.covered_turns, e.covered_words = e.covered_turns + 1, e.covered_words + nwords end
      end
    end
  end
  local function list(tab)
    local out = {}
    for _, e in pairs(tab) do
      e.share = e.words > 0 and e.covered_words / e.words or 0
      out[#out + 1] = e
    end
    table.sort(out, function(x, y) return x.name < y.name end)
    return out
  end
  local omitted = {}
  for _, e in ipairs(rows) do if not e.covered then omitted[#omitted + 1] = e end end
  local plist = {}
  for _, p in ipairs(passages) do
    plist[#plist + 1] = { doc = p.doc, pos = p.pos, line = p.line, speaker = names(p.speakers), text = p.text,
                          claims = used[p.pos] or {}, turn = p.turn and p.turn.pos or nil }
  end
  return { passages = plist, turns = rows, speakers = list(by_speaker), sides = list(by_side), omitted = omitted }
end

-- The default pair of a corpus: the bundled corpus's telegram (report) and
-- dinner record; elsewhere the first document of type "telegram" and the
-- first of type "transcript", if there are such; else nil.
function M.default_pair(corpus)
  local report, record
  for d in corpus:docs() do
    local t = d.meta and (d.meta.type or d.meta.genre)
    if not report and t == "telegram" then report = d.id end
    if not record and (t == "transcript" or t == "memorandum") then record = d.id end
  end
  return report, record
end

return M
