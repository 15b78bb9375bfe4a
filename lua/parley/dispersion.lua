-- Dispersion: how evenly the hits of a query spread over the parts of a
-- corpus — its documents, the values of a region attribute (speakers, sides)
-- or k equal stretches of text — with counts and relative frequencies per
-- part, Juilland's D, Gries' DP and the number of parts it occurs in
-- (formulas in parley.stats and docs/statistics.md).
local lpeg = require "lpeg"
local E = require "parley.error"
local stats = require "parley.stats"

local M = {}

-- The raw hit list of a query, a hit list from corpus:find, or a raw list.
function M.hits_of(corpus, q)
  if type(q) == "table" and q._hits then return q._hits end
  if type(q) == "userdata" and not lpeg.type(q) then return q end
  return corpus:find(q)._hits
end

-- The spans of the (sub-)corpus as a list of { start, stop } (stop exclusive).
local function spans_of(corpus)
  local out = {}
  if corpus.within then
    for i = 1, #corpus.within do
      local s, e = corpus.within:span(i)
      if e > s then out[#out + 1] = { s, e } end
    end
  else
    local n = corpus.ix:stats().tokens
    if n > 0 then out[1] = { 0, n } end
  end
  return out
end

-- walk(corpus, starts, fn) -> W: calls fn(offset, W) for each of the sorted
-- token positions `starts` that lies in the (sub-)corpus, with its offset
-- among the W tokens of the (sub-)corpus's text, taken in corpus order.
local function walk(corpus, starts, fn)
  local spans, width = spans_of(corpus), 0
  for _, sp in ipairs(spans) do width = width + sp[2] - sp[1] end
  local j, before = 1, 0  -- the span being walked and the tokens before it
  for _, pos in ipairs(starts) do
    while spans[j] and pos >= spans[j][2] do
      before = before + spans[j][2] - spans[j][1]
      j = j + 1
    end
    if not spans[j] then break end
    if pos >= spans[j][1] then fn(before + pos - spans[j][1], width) end
  end
  return width
end

-- part_counts(corpus, starts, k) -> counts, sizes: how many of the sorted
-- token positions `starts` fall in each of k equal stretches of the
-- (sub-)corpus's text (stretch i holds offsets floor((i−1)·W/k) to
-- floor(i·W/k) − 1 of its W tokens, taken in corpus order), and the
-- stretches' sizes in tokens.  Positions outside the corpus are left out.
function M.part_counts(corpus, starts, k)
  local counts, sizes = {}, {}
  for i = 1, k do counts[i] = 0 end
  local width = walk(corpus, starts, function(offset, width)
    local part = offset * k // width + 1
    counts[part] = counts[part] + 1
  end)
  for i = 1, k do sizes[i] = (i * width) // k - ((i - 1) * width) // k end
  return counts, sizes
end

-- positions(corpus, starts) -> for each of the sorted token positions
-- `starts`, where it falls along the (sub-)corpus's text, from 0 (its first
-- token) to 1 (past its last): its offset among the W tokens of the text, in
-- corpus order, divided by W — the measure part_counts cuts into k parts.
-- Positions outside the corpus are left out.  For a dispersion plot.
function M.positions(corpus, starts)
  local out = {}
  walk(corpus, starts, function(offset, width) out[#out + 1] = offset / width end)
  return out
end

-- The parts by document: names, counts, sizes (the sub-corpus's tokens in
-- each), and (with marks) where each hit falls along its document (its
-- offset from the document's first token over the document's tokens).
local function by_doc(corpus, hits, marks)
  local ix, names, counts, sizes, index = corpus.ix, {}, {}, {}, {}
  local where = {}
  for _, sp in ipairs(spans_of(corpus)) do
    for d = ix:doc_of(sp[1]), ix:doc_of(sp[2] - 1) do
      local info = ix:doc(d)
      local s, e = math.max(sp[1], info.first), math.min(sp[2], info.first + info.ntokens)
      if not index[d] then
        names[#names + 1], counts[#names + 1], sizes[#names + 1] = info.id, 0, 0
        index[d] = #names
        where[#names] = { first = info.first, n = info.ntokens, marks = {} }
      end
      sizes[index[d]] = sizes[index[d]] + e - s
    end
  end
  for _, pos in ipairs(hits:starts()) do
    local i = index[ix:doc_of(pos)]
    if i then
      counts[i] = counts[i] + 1
      if marks then
        local w = where[i]
        w.marks[#w.marks + 1] = (pos - w.first) / w.n
      end
    end
  end
  local m = {}
  for i = 1, #names do m[i] = where[i].marks end
  return names, counts, sizes, marks and m or nil
end

-- The parts by the values of attribute attr of the region kind that has it:
-- the text of each value's regions in the (sub-)corpus as corpus:spans gives
-- it (turns without their speaker labels), each token once (a turn of two
-- speakers of one side is one stretch of the side); a hit belongs to the
-- part that holds its first token.  With marks, where each hit falls along
-- the (sub-)corpus's text (positions).
local function by_attr(corpus, hits, attr, marks)
  local values = corpus:values(attr)
  local names, counts, sizes, m = {}, {}, {}, {}
  local heads = marks and hits:heads()
  local by, none = corpus:spans_by(corpus:kind_with(attr), attr), nil   -- every value's at once
  for _, v in ipairs(values) do
    none = none or require("parley.hits").from(corpus.ix, {})
    local spans = (by[v] or none):merged()
    local n = 0
    for _, c in ipairs(hits:count_in(spans)) do n = n + c end
    if spans:width() > 0 then
      names[#names + 1], counts[#names + 1], sizes[#names + 1] = tostring(v), n, spans:width()
      if marks then m[#names] = M.positions(corpus, heads:inside(spans):starts()) end
    end
  end
  return names, counts, sizes, marks and m or nil
end

-- summary(counts, sizes) -> { total, size, d, dp, dp_norm, df, parts }.
function M.summary(counts, sizes)
  local total, size = 0, 0
  for i = 1, #counts do total, size = total + counts[i], size + sizes[i] end
  local dp, dp_norm = stats.gries_dp(counts, sizes)
  return { total = total, size = size, parts = #counts, df = stats.doc_freq(counts),
           d = stats.juilland_d(counts, sizes), dp = dp, dp_norm = dp_norm }
end

-- dispersion(corpus, q, opts) -> { query, by, total, size, parts, d, dp,
-- dp_norm, df, rows = { { part, count, size, rel } } } for the hits of query
-- q (or a hit list) in the (sub-)corpus.  opts: by ("doc", the default, or a
-- region attribute such as "speaker" or "side"), or parts = k (k equal
-- stretches of text, in corpus order).  rel is per 10 000 tokens of the part;
-- D and DP weigh the parts by their sizes.  By an attribute, hits outside
-- every region of its kind, or in a speaker label, belong to no part.
-- opts.marks = true: each row also has marks, where its hits fall (from 0 to
-- 1): along its document by document, else along the (sub-)corpus's text
-- (positions) — what a dispersion plot (svg.barcode) draws.
function M.dispersion(corpus, q, opts)
  opts = opts or {}
  local hits = M.hits_of(corpus, q)
  local names, counts, sizes, by, marks
  if opts.parts ~= nil then
    if math.type(opts.parts) ~= "integer" or opts.parts < 1 then
      error("bad argument #2 to 'dispersion' (parts must be a whole number >= 1)", 2)
    end
    by = "parts"
    counts, sizes = M.part_counts(corpus, hits:starts(), opts.parts)
    names = {}
    for i = 1, opts.parts do names[i] = tostring(i) end
    if opts.marks then
      marks = {}
      for i = 1, opts.parts do marks[i] = {} end
      for _, p in ipairs(M.positions(corpus, hits:starts())) do
        local i = math.min(opts.parts, math.floor(p * opts.parts) + 1)
        marks[i][#marks[i] + 1] = p
      end
    end
  elseif opts.by == nil or opts.by == "doc" then
    by = "doc"
    names, counts, sizes, marks = by_doc(corpus, hits, opts.marks)
  elseif type(opts.by) == "string" then
    by = opts.by
    local ok, a, b, c, d = E.pcall(by_attr, corpus, hits, opts.by, opts.marks)
    if not ok then E.raise(E.message(a), 2) end
    names, counts, sizes, marks = a, b, c, d
  else
    error("bad argument #2 to 'dispersion' (by must be \"doc\" or an attribute name)", 2)
  end
  local out = M.summary(counts, sizes)
  out.query, out.by, out.rows = type(q) == "table" and q._query or q, by, {}
  for i = 1, #names do
    out.rows[i] = { part = names[i], count = counts[i], size = sizes[i], rel = stats.rel(counts[i], sizes[i]),
                    marks = marks and marks[i] or nil }
  end
  return out
end

return M
