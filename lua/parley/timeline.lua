-- Timelines: the mentions of a query (or of each keyword family) per period
-- of the documents' dates — a year, a month, an ISO week or a day — with the
-- documents and words of each period and the rate per million words, every
-- period between the first and the last shown (empty ones as 0).  Optionally
-- one series per document type, per speaker or per side (through
-- corpus:spans, so speakers' labels are no one's words or mentions).
-- `parley timeline` (lua/parley/cmd/timeline.lua) prints it; docs/statistics.md
-- defines each figure.
local corpora = require "parley.corpus"
local dates = require "parley.dates"
local hits = require "parley.hits"
local output = require "parley.output"
local topics = require "parley.topics"

local M = {}

-- A mistake in what was asked for (an error object, printed without a traceback).
local function fail(msg) require("parley.error").raise(msg, 0) end

-- At most this many periods in one timeline (a day a row from 1900 would be 45 000).
M.MAX_PERIODS = 20000

-- The documents of the (sub-)corpus: document_dates entries that hold some of its text.
local function scoped_docs(corpus)
  local all = corpora.document_dates(corpus)
  local inside = corpora.in_scope(corpus, all)
  local out = {}
  for i, d in ipairs(all) do
    d.index = i
    if inside[i] then out[#out + 1] = d end
  end
  return out, all
end

-- date_span(corpus) -> the earliest and latest date (as written) among the
-- (sub-)corpus's documents, and the number of undated ones; nil, nil, n when
-- none is dated.
function M.date_span(corpus)
  local docs = scoped_docs(corpus)
  local first, last, undated = nil, nil, 0
  for _, d in ipairs(docs) do
    if not d.date then undated = undated + 1
    else
      if not first or dates.compare(d.date, first) < 0 then first = d.date end
      local e = d.date_to or d.date
      if not last or dates.compare(e, last) > 0 then last = e end
    end
  end
  return first and first.text, last and last.text, undated
end

-- default_by(corpus) -> the grouping for the span of the (sub-)corpus's
-- dates (parley.dates.by_span: day up to 62 days, week up to a year, month up
-- to ten years, else year; never finer than the finest precision any date has).
function M.default_by(corpus)
  local first, last, finest
  for _, d in ipairs((scoped_docs(corpus))) do
    if d.date then
      first = math.min(first or d.date.first, d.date.first)
      last = math.max(last or d.date.last, d.date.last)
      if not finest or dates.PRECISION[d.date.precision] > dates.PRECISION[finest] then finest = d.date.precision end
    end
  end
  if not first then return "year" end
  return dates.by_span(first, last, finest)
end

-- The attribute `--split type` reads: the documents' type, else the TEI genre.
local function type_attr(corpus)
  for _, k in ipairs(corpus.ix:kinds()) do
    if k.name == "document" then
      for _, a in ipairs(k.attrs) do if a == "type" then return "type" end end
      for _, a in ipairs(k.attrs) do if a == "genre" then return "genre" end end
    end
  end
  fail("--split type needs documents with a 'type' (or 'genre') attribute; this corpus's have none")
end

-- The series to count: one per family and, with a split, per value of it
-- that has text in the (sub-)corpus: { family, split, spans (nil: the whole
-- (sub-)corpus), marks (a one-token hit at each mention's start) }.
local function series_of(corpus, families, split)
  local groups = { { spans = corpus.within } }
  if split then
    groups = {}
    local attr, kind = split, "turn"
    if split == "type" then attr, kind = type_attr(corpus), "document" end
    local ok, values, found = pcall(corpus.values, corpus, attr)
    if not ok or found ~= kind then
      fail(("--split %s needs %s; this corpus has none%s"):format(split,
        kind == "turn" and "speaker turns with a " .. split or "documents with a " .. attr,
        kind == "turn" and corpora.grammar_hint(split) or ""))
    end
    for _, v in ipairs(values) do
      if v ~= "" or kind == "document" then
        local spans = corpus:spans{ kind = kind, [attr] = v }
        if spans:width() > 0 then groups[#groups + 1] = { split = v, spans = spans } end
      end
    end
  end
  local out, whole = {}, {}
  for _, fam in ipairs(families) do
    local flat = {}
    for j, sp in ipairs(topics.mentions(corpus, fam)) do flat[2 * j - 1], flat[2 * j] = sp[1], sp[1] + 1 end
    local marks = hits.from(corpus.ix, flat)
    whole[#whole + 1] = marks
    for _, g in ipairs(groups) do
      out[#out + 1] = { family = fam.name, split = g.split, spans = g.spans,
                        marks = split and marks:inside(g.spans) or marks }
    end
  end
  return out, whole
end

-- The line a document is counted in for grouping `by`: its period, or, when
-- its date is less precise than the grouping, the period of its own
-- precision (a line of its own: "1962-11" among days); its first day; and
-- whether it is such an imprecise line.  A document with a date range
-- (date_to) is counted at its date, its start.
local function line_of(d, by)
  local key, first = dates.period(d.date, by)
  if key then return key, first, false end
  key, first = dates.period(d.date, d.date.precision)
  return key, first, true
end

-- timeline(corpus, opts) -> rows, info.  opts: families (a list of { name,
-- "query", … }) or query (one query), by ("year"|"month"|"week"|"day";
-- default: default_by), split ("type"|"speaker"|"side").  rows, in date
-- order, each series in turn within a period: { period, family (with
-- families), [split] (with a split: its column is named after it), count,
-- docs, words, per_million, imprecise (true for a line of documents dated
-- less precisely than by) }.  info: { by, split, undated = { docs, count,
-- words } (the undated documents, apart), imprecise (documents counted in
-- imprecise lines), documents (dated, counted), filtered (undated documents a
-- date filter left out: corpus.undated) }.
function M.timeline(corpus, opts)
  opts = opts or {}
  local families = opts.families or { { name = opts.query, opts.query } }
  local by = opts.by or M.default_by(corpus)
  if not dates.PRECISION[by] then fail(("--by must be year, month, week or day, got '%s'"):format(tostring(by))) end
  local docs, all = scoped_docs(corpus)
  local flat = {}
  for i, d in ipairs(all) do flat[2 * i - 1], flat[2 * i] = d.s, d.e end
  local regions = hits.from(corpus.ix, flat)
  -- the lines: every period from the first dated document (or the date
  -- filter's from) to the last (or its to), and the imprecise lines there are
  local lines, by_key, first, last = {}, {}, nil, nil
  local info = { by = by, split = opts.split, undated = { docs = 0, count = 0, words = 0 }, imprecise = 0,
                 documents = 0, filtered = corpus.undated or 0 }
  local undated = {}
  local memo = {}   -- the line of each distinct date: archives have many documents a day
  for _, d in ipairs(docs) do
    if d.date then
      local m = memo[d.date]
      if not m then m = { line_of(d, by) }; memo[d.date] = m end
      local key, start, imprecise = m[1], m[2], m[3]
      d.line = key
      info.documents = info.documents + 1
      if imprecise then
        info.imprecise = info.imprecise + 1
        if not by_key[key] then
          by_key[key] = { key = key, first = start, imprecise = true }
          lines[#lines + 1] = by_key[key]
        end
      else
        first, last = math.min(first or start, start), math.max(last or start, start)
      end
    else
      undated[#undated + 1] = d
    end
  end
  if corpus.date_from then first = math.min(first or corpus.date_from.first, corpus.date_from.first) end
  if corpus.date_to then last = math.max(last or corpus.date_to.last, corpus.date_to.last) end
  if first then
    local _, s = dates.period_of_day(first, by)
    local _, _, e = dates.period_of_day(last, by)
    local unit = { year = 365.2425, month = 30.44, week = 7, day = 1 }
    if (e - s + 1) / unit[by] > M.MAX_PERIODS then
      fail(("from %s to %s there are more than %s periods of a %s: choose a coarser --by")
        :format(dates.period_of_day(first, "day"), (dates.period_of_day(last, "day")), output.number(M.MAX_PERIODS), by))
    end
    for _, p in ipairs(dates.periods(first, last, by)) do
      by_key[p.key] = { key = p.key, first = p.first }
      lines[#lines + 1] = by_key[p.key]
    end
  end
  table.sort(lines, function(a, b)
    if a.first ~= b.first then return a.first < b.first end
    if a.imprecise ~= b.imprecise then return a.imprecise == true end  -- the coarser line first
    return a.key < b.key
  end)
  -- the counts, a series at a time
  local series, whole = series_of(corpus, families, opts.split)
  local cells = {}   -- cells[series][line key] = { count, docs, flat spans }
  for si, s in ipairs(series) do
    local counts = s.marks:count_in(regions)
    local present = s.spans and s.spans:count_in(regions)
    local t = {}
    for _, d in ipairs(docs) do
      if d.line and (not present or (present[d.index] or 0) > 0) then
        local c = t[d.line] or { count = 0, docs = 0, flat = {} }
        t[d.line] = c
        c.count, c.docs = c.count + (counts[d.index] or 0), c.docs + 1
        c.flat[#c.flat + 1], c.flat[#c.flat + 2] = d.s, d.e
      end
    end
    cells[si] = t
  end
  local function words(spans, flat)
    local p = hits.from(corpus.ix, flat)
    return corpus.ix:words(spans and spans:intersect(p) or p)
  end
  local rows, split_col = {}, opts.split
  for _, line in ipairs(lines) do
    for si, s in ipairs(series) do
      local c = cells[si][line.key]
      local row = { period = line.key, count = c and c.count or 0, docs = c and c.docs or 0,
                    words = c and words(s.spans, c.flat) or 0, imprecise = line.imprecise or nil }
      row.per_million = row.words > 0 and row.count / row.words * 1e6 or nil
      if opts.families then row.family = s.family end
      if split_col then row[split_col] = s.split end
      rows[#rows + 1] = row
    end
  end
  -- the undated documents, apart: every family's mentions in them, and their words
  if #undated > 0 then
    local uflat = {}
    for _, d in ipairs(undated) do uflat[#uflat + 1], uflat[#uflat + 2] = d.s, d.e end
    info.undated.docs = #undated
    info.undated.words = words(corpus.within, uflat)
    for _, marks in ipairs(whole) do
      local counts = marks:count_in(regions)
      for _, d in ipairs(undated) do info.undated.count = info.undated.count + (counts[d.index] or 0) end
    end
  end
  return rows, info
end

-- The table's columns: period, the family and split columns when there are
-- such series, the counts, the rate.
function M.columns(opts)
  local cols = { "period" }
  if opts.families then cols[#cols + 1] = "family" end
  if opts.split then cols[#cols + 1] = opts.split end
  cols[#cols + 1] = { name = "count", title = "mentions" }
  cols[#cols + 1] = "docs"
  cols[#cols + 1] = "words"
  cols[#cols + 1] = { name = "per_million", title = "per million words" }
  return cols
end

return M
