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
local E = require "parley.error"
local hits = require "parley.hits"
local output = require "parley.output"
local topics = require "parley.topics"

local M = {}

-- A mistake in what was asked for (an error object, printed without a traceback).
local function fail(msg) require("parley.error").raise(msg, 0) end

-- At most this many periods in one timeline (a day a row from 1900 would be 45 000).
M.MAX_PERIODS = 20000

-- The documents of the index and their dates (corpus.document_dates, by
-- code), the codes as the (sub-)corpus sees them (a document that holds none
-- of its text gets the code #dd.dates + 1, which no date has), and the
-- number of its documents per code (from 0, the undated).
local function scoped_docs(corpus)
  local dd = corpora.document_dates(corpus)
  local codes, outside = dd.codes, #dd.dates + 1
  if corpus.within then
    local inside = corpora.in_scope(corpus, dd)
    codes = {}
    for i = 1, dd.n do codes[i] = inside[i] and dd.codes[i] or outside end
  end
  local ndocs = { [0] = 0 }
  for c = 1, outside do ndocs[c] = 0 end
  for i = 1, dd.n do ndocs[codes[i]] = ndocs[codes[i]] + 1 end
  return dd, codes, ndocs
end

-- date_span(corpus) -> the earliest and latest date (as written) among the
-- (sub-)corpus's documents, and the number of undated ones; nil, nil, n when
-- none is dated.
function M.date_span(corpus)
  local dd, codes, ndocs = scoped_docs(corpus)
  local first, last = nil, nil
  for c, d in ipairs(dd.dates) do
    if d and ndocs[c] > 0 then
      if not first or dates.compare(d, first) < 0 then first = d end
      if not last or dates.compare(d, last) > 0 then last = d end
    end
  end
  if #dd.to_dates > 0 then   -- a range ends at its date_to
    for i = 1, dd.n do
      local e = dd.to_dates[dd.to_codes[i]]
      if e and dd.dates[codes[i]] and dates.compare(e, last) > 0 then last = e end
    end
  end
  return first and first.text, last and last.text, ndocs[0]
end

-- default_by(corpus) -> the grouping for the span of the (sub-)corpus's
-- dates (parley.dates.by_span: day up to 62 days, week up to a year, month up
-- to ten years, else year; never finer than the finest precision any date has).
function M.default_by(corpus)
  local first, last, finest
  local dd, _, ndocs = scoped_docs(corpus)
  for c, d in ipairs(dd.dates) do
    if d and ndocs[c] > 0 then
      first = math.min(first or d.first, d.first)
      last = math.max(last or d.last, d.last)
      if not finest or dates.PRECISION[d.precision] > dates.PRECISION[finest] then finest = d.precision end
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
    local ok, values, found = require("parley.error").pcall(corpus.values, corpus, attr)
    if not ok or found ~= kind then
      fail(("--split %s needs %s; this corpus has none%s"):format(split,
        kind == "turn" and "speaker turns with a " .. split or "documents with a " .. attr,
        kind == "turn" and corpora.grammar_hint(split) or ""))
    end
    local by = corpus:spans_by(kind, attr)   -- every value's at once
    for _, v in ipairs(values) do
      local spans = (v ~= "" or kind == "document") and by[v]
      if spans and spans:width() > 0 then groups[#groups + 1] = { split = v, spans = spans } end
    end
  end
  local out, whole = {}, {}
  for _, fam in ipairs(families) do
    local marks = topics.mentions(corpus, fam):heads()
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
local function line_of(date, by)
  local key, first = dates.period(date, by)
  if key then return key, first, false end
  key, first = dates.period(date, date.precision)
  return key, first, true
end

-- A number naming the period of grouping by that holds a date precise
-- enough for it (the same number for every date of that period), or nil:
-- so that each period's key is made once, not once per distinct date.
local function period_number(date, by)
  if dates.PRECISION[date.precision] < (by == "week" and dates.PRECISION.day or dates.PRECISION[by]) then return nil end
  if by == "year" then return date.year end
  if by == "month" then return date.year * 16 + date.month end
  if by == "week" then return date.first - dates.weekday(date.first) + 1 end
  return date.first
end

-- The grouping for dates (a list of parsed dates, those of the documents
-- counted): as default_by.
local function by_of(list)
  local first, last, finest
  for _, d in ipairs(list) do
    first = math.min(first or d.first, d.first)
    last = math.max(last or d.last, d.last)
    if not finest or dates.PRECISION[d.precision] > dates.PRECISION[finest] then finest = d.precision end
  end
  if not first then return "year" end
  return dates.by_span(first, last, finest)
end

-- The key of a series in the counts: its split value ("=" .. v), or "-" without a split.
local function series_key(split) return split and "=" .. split or "-" end

-- count(corpus, opts) -> the counts a timeline is made of, per date as
-- written, which add up over the parts of a corpus (partial.add): { name,
-- families (their names, in order), dates = { DATE = documents },
-- series = { [family number] = { [series_key] = { DATE = { count, docs,
-- words } } } }, undated = { docs, count, words }, filtered, date_from,
-- date_to (the date filter's, as written) }.  opts as for timeline, and
-- part: the corpus is one part of several, which may have no series to
-- split by (another part may).
function M.count(corpus, opts)
  opts = opts or {}
  local families = opts.families or { { name = opts.query, opts.query } }
  local dd, codes, ndocs = scoped_docs(corpus)
  local text_of = {}   -- per date code: the date as written (codes of documents counted only)
  local counts = { name = corpus.name, families = {}, dates = {}, series = {},
                   undated = { docs = ndocs[0], count = 0, words = 0 }, filtered = corpus.undated or 0,
                   date_from = corpus.date_from and corpus.date_from.text or nil,
                   date_to = corpus.date_to and corpus.date_to.text or nil }
  for c, date in ipairs(dd.dates) do
    if date and ndocs[c] > 0 then
      text_of[c] = date.text
      counts.dates[date.text] = (counts.dates[date.text] or 0) + ndocs[c]
    end
  end
  for fi, fam in ipairs(families) do
    counts.families[fi] = fam.name
    counts.series[fi] = {}
    if not opts.split then counts.series[fi]["-"] = {} end
  end
  -- the counts, a series at a time: per date code in C (Hits:count_by,
  -- Index:words_by), summed per date here
  local ok, series, whole = E.pcall(series_of, corpus, families, opts.split)
  if not ok then
    if not opts.part then error(series, 0) end
    series, whole = {}, {}
    for _, fam in ipairs(families) do whole[#whole + 1] = topics.mentions(corpus, fam):heads() end
  end
  local fam_number = {}   -- families have names of their own (a families file is a table by name)
  for fi, fam in ipairs(families) do fam_number[fam.name] = fam_number[fam.name] or fi end
  local sizes = {}   -- Index:words_by per distinct spans (every family of a split shares them)
  local function words_by(spans)
    local key = spans or false
    if not sizes[key] then sizes[key] = { corpus.ix:words_by(dd.regions, codes, spans) } end
    return sizes[key][1], sizes[key][2]
  end
  for _, s in ipairs(series) do
    local fi = fam_number[s.family]
    local cnt = s.marks:count_by(dd.regions, codes)
    local words, docs = words_by(s.spans)
    local t = counts.series[fi][series_key(s.split)] or {}
    for c, text in pairs(text_of) do
      if docs[c] > 0 then
        local cell = t[text]
        if not cell then cell = { count = 0, docs = 0, words = 0 }; t[text] = cell end
        cell.count, cell.docs, cell.words = cell.count + cnt[c], cell.docs + docs[c], cell.words + words[c]
      end
    end
    counts.series[fi][series_key(s.split)] = t
  end
  -- the undated documents, apart: every family's mentions in them, and their words
  if ndocs[0] > 0 then
    counts.undated.words = (words_by(corpus.within))[0]
    for _, marks in ipairs(whole) do counts.undated.count = counts.undated.count + marks:count_by(dd.regions, codes)[0] end
  end
  return counts
end

-- finish(counts, opts) -> rows, info: the timeline of counts (count's, or
-- the sum of the parts'), as timeline returns it.
function M.finish(counts, opts)
  opts = opts or {}
  local parsed = {}   -- the dates counted, parsed, in the order of their text
  local texts = {}
  for text in pairs(counts.dates) do texts[#texts + 1] = text end
  table.sort(texts)
  for i, text in ipairs(texts) do parsed[i] = assert(dates.parse(text)) end
  local by = opts.by or by_of(parsed)
  if not dates.PRECISION[by] then fail(("--by must be year, month, week or day, got '%s'"):format(tostring(by))) end
  -- the lines: every period from the first dated document (or the date
  -- filter's from) to the last (or its to), and the imprecise lines there are
  local lines, by_key, first, last = {}, {}, nil, nil
  local info = { by = by, split = opts.split, undated = { docs = counts.undated.docs, count = counts.undated.count,
                 words = counts.undated.words }, imprecise = 0, documents = 0, filtered = counts.filtered }
  local line_of_text = {}   -- per date as written: the key of its line
  local memo = {}           -- period_number -> the line of a period
  for i, date in ipairs(parsed) do
    local n = counts.dates[texts[i]]
    local p = period_number(date, by)
    local m = p and memo[p]
    if not m then
      m = { line_of(date, by) }
      if p then memo[p] = m end
    end
    local key, start, imprecise = m[1], m[2], m[3]
    line_of_text[texts[i]] = key
    info.documents = info.documents + n
    if imprecise then
      info.imprecise = info.imprecise + n
      if not by_key[key] then
        by_key[key] = { key = key, first = start, imprecise = true }
        lines[#lines + 1] = by_key[key]
      end
    else
      first, last = math.min(first or start, start), math.max(last or start, start)
    end
  end
  local date_from = counts.date_from and assert(dates.parse(counts.date_from))
  local date_to = counts.date_to and assert(dates.parse(counts.date_to))
  if date_from then first = math.min(first or date_from.first, date_from.first) end
  if date_to then last = math.max(last or date_to.last, date_to.last) end
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
  -- the series: per family in order, per split value in its order (sorted, as corpus:values gives them)
  local series = {}
  for fi, name in ipairs(counts.families) do
    local keys = {}
    for k in pairs(counts.series[fi] or {}) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local cells = {}   -- per line key: { count, docs, words }
      for text, c in pairs(counts.series[fi][k]) do
        local key = line_of_text[text]
        local cell = cells[key]
        if not cell then cell = { count = 0, docs = 0, words = 0 }; cells[key] = cell end
        cell.count, cell.docs, cell.words = cell.count + c.count, cell.docs + c.docs, cell.words + c.words
      end
      series[#series + 1] = { family = name, split = k ~= "-" and k:sub(2) or nil, cells = cells }
    end
  end
  local rows, split_col = {}, opts.split
  for _, line in ipairs(lines) do
    for _, s in ipairs(series) do
      local c = s.cells[line.key]
      local row = { period = line.key, count = c and c.count or 0, docs = c and c.docs or 0,
                    words = c and c.words or 0, imprecise = line.imprecise or nil }
      row.per_million = row.words > 0 and row.count / row.words * 1e6 or nil
      if opts.families then row.family = s.family end
      if split_col then row[split_col] = s.split end
      rows[#rows + 1] = row
    end
  end
  return rows, info
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
-- date filter left out: corpus.undated) }.  It is count, then finish.
function M.timeline(corpus, opts)
  opts = opts or {}
  if opts.by ~= nil and not dates.PRECISION[opts.by] then
    fail(("--by must be year, month, week or day, got '%s'"):format(tostring(opts.by)))
  end
  return M.finish(M.count(corpus, opts), opts)
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
