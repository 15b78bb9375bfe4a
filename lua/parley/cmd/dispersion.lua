-- `parley dispersion QUERY`: how evenly a query's hits (or each keyword
-- family's mentions) spread over the speakers or the documents — counts,
-- relative frequencies, Juilland's D and Gries' DP (lua/parley/dispersion.lua)
-- — as a table or, with --format svg, a dispersion (barcode) plot.
local cli = require "parley.cli"
local dispersion = require "parley.dispersion"
local E = require "parley.error"
local output = require "parley.output"
local svg = require "parley.svg"
local topics = require "parley.topics"

local M = {}

-- At most this many rows per family in the plot (the most mentioned; the
-- rest said under it): a plot of 14 000 documents is no plot.
M.PLOT_ROWS = 40

local COUNTING = [[
counting: the parts are the speakers (the text of each one's turns without the speaker
labels, as corpus:spans gives it; a turn of two speakers counts for both) or the documents
(their text in the corpus, or in the --where sub-corpus); --by by default: speaker when
the corpus has speaker turns, else doc. A hit belongs to the part that holds its first
token; by speaker, hits in narration or in a label belong to no part (the line above the
table says how many). count: the part's hits (a family's: the mentions of any of its
queries, overlapping matches counting once, the longest winning, as for topics); size: the
part's tokens; rel: count / size x 10 000; over the parts: d (Juilland's D: 1 even, 0 all in
one part), dp (Gries' DP: 0 spread as the part sizes predict), dp_norm (DP / (1 - the
smallest part's share)), df (the parts it occurs in), total (the hits in the parts), parts.
Formulas and references: docs/statistics.md, Dispersion. --format svg draws a row per part
with a tick at each hit: by speaker along the text followed, by document along the
document; at most 40 rows per family, the most mentioned.]]

-- Does the (sub-)corpus have speaker turns?
local function has_speakers(corpus)
  local ok, values, kind = E.pcall(corpus.values, corpus, "speaker")
  if not ok or kind ~= "turn" then return false end
  for _, v in ipairs(values) do if v ~= "" then return true end end
  return false
end

-- The columns: by names the part's column ("speaker" or "doc"); figures
-- that are the same in every row of a query are on a terminal said in the
-- caption instead (tty = false), unless there are families (one a block).
function M.columns(by, families)
  local same = nil                 -- shown on a terminal
  if not families then same = false end
  local cols = {}
  if families then cols[#cols + 1] = "family" else cols[#cols + 1] = { name = "query", tty = false } end
  cols[#cols + 1] = { name = "part", title = by }
  for _, c in ipairs { "count", "size", "rel" } do cols[#cols + 1] = c end
  for _, c in ipairs { "d", "dp", "dp_norm", "df", "total", "parts" } do
    cols[#cols + 1] = { name = c, tty = same }
  end
  return cols
end

-- rows(corpus, what, by) -> rows, summaries: for each query or family of
-- `what` ({ { name =, hits = } }), a row per part, with the figures over
-- the parts repeated in each; and per query, dispersion's summary with the
-- marks of each part and the hits outside every part.
function M.rows(corpus, what, by)
  local rows, summaries = {}, {}
  for _, w in ipairs(what) do
    local d = dispersion.dispersion(corpus, w.hits, { by = by, marks = true })
    d.name, d.outside = w.name, #w.hits - d.total
    summaries[#summaries + 1] = d
    for _, r in ipairs(d.rows) do
      rows[#rows + 1] = { query = w.name, family = w.name, part = r.part, count = r.count, size = r.size, rel = r.rel,
                          d = d.d, dp = d.dp, dp_norm = d.dp_norm, df = d.df, total = d.total, parts = d.parts }
    end
  end
  return rows, summaries
end

local function fig(v) return v == nil and "none" or output.number(v) end

-- The summary of one query or family, as the caption and the plot say it.
local function said(d, by)
  return ("%s in %s (%s tokens): D %s, DP %s, DP_norm %s, in %d of them"):format(
    output.count(d.total, "hit"), output.count(d.parts, by == "doc" and "document" or by), output.number(d.size),
    fig(d.d), fig(d.dp), fig(d.dp_norm), d.df)
end

-- chart(summaries, opts) -> the dispersion plot: a row per part (a group per
-- family), at most PLOT_ROWS of each, the most mentioned.
function M.chart(summaries, opts)
  local rows, left = {}, { rows = 0, hits = 0 }
  for _, d in ipairs(summaries) do
    local order = {}
    for i, r in ipairs(d.rows) do order[i] = i end
    table.sort(order, function(a, b)
      if d.rows[a].count ~= d.rows[b].count then return d.rows[a].count > d.rows[b].count end
      return a < b
    end)
    local keep = {}
    for k, i in ipairs(order) do
      if k <= M.PLOT_ROWS then keep[i] = true
      else left.rows, left.hits = left.rows + 1, left.hits + d.rows[i].count end
    end
    local group = opts.families and ("%s — D %s, DP %s"):format(d.name, fig(d.d), fig(d.dp)) or nil
    for i, r in ipairs(d.rows) do
      if keep[i] then
        rows[#rows + 1] = { name = r.part, marks = r.marks, count = r.count, group = group,
                            note = ("%s per 10k"):format(svg.num(r.rel)) }
      end
    end
  end
  local notes = {}
  if not opts.families and summaries[1] then notes[1] = said(summaries[1], opts.by) end
  if left.rows > 0 then
    notes[#notes + 1] = ("not shown: %s with fewer hits (%s)"):format(
      output.count(left.rows, "row"), output.count(left.hits, "hit"))
  end
  local what = opts.families and "the families of " .. opts.families or opts.query
  return svg.barcode {
    title = ("Dispersion of %s by %s"):format(what, opts.by == "doc" and "document" or opts.by),
    x_label = opts.by == "doc" and "position in the document" or "position in the text (share of its tokens)",
    rows = rows, note = #notes > 0 and table.concat(notes, "; ") or nil,
  }
end

M.command = cli.command {
  name = "dispersion",
  summary = "How evenly a query's hits (or each keyword family's mentions) spread over the "
    .. "speakers or the documents: per part its count, size and relative frequency, and over the "
    .. "parts Juilland's D, Gries' DP and the parts it occurs in; --format svg draws a dispersion "
    .. "(barcode) plot, a row per part with a tick at each hit.",
  args = { cli.arg_query_or_families },
  options = {
    cli.opt.corpus, cli.opt.where,
    { "by", arg = "WHAT", choices = { "speaker", "doc" },
      help = "the parts: the speakers' turns or the documents [default: speaker when the corpus has speaker turns, else doc]" },
    { "families", arg = "FILE", help = "a block of rows per keyword family of this file (as for topics) instead of QUERY" },
    cli.opt.chart_format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = COUNTING .. "\na families file is Lua data returning { name = { \"query\", ... }, ... } (see parley topics --help).",
  examples = {
    "parley dispersion cuba --by speaker",
    "parley dispersion --families families.lua --format svg > dispersion.svg",
  },
  run = function(opts, out)
    local q, families = cli.query_or_families(opts, "dispersion")
    local corpus = cli.scoped(opts, "dispersion")
    local by = opts.by or (has_speakers(corpus) and "speaker" or "doc")
    if by == "speaker" and not has_speakers(corpus) then
      cli.fail("dispersion: --by speaker needs speaker turns, and this corpus has none (try --by doc)")
    end
    local what = {}
    if families then
      for _, f in ipairs(families) do what[#what + 1] = { name = f.name, hits = topics.mentions(corpus, f) } end
    else
      what[1] = { name = q, hits = corpus:find(q)._hits }
    end
    local rows, summaries = M.rows(corpus, what, by)
    local caption
    if families then
      caption = ("%s from %s, by %s"):format(output.count(#families, "family", "families"), opts.families, by)
    else
      local d = summaries[1]
      caption = q .. ": " .. said(d, by)
      if d.outside > 0 then
        caption = caption .. ("; %s outside every %s's turns (narration, labels)"):format(output.count(d.outside, "hit"), by)
      end
    end
    output.write(rows, M.columns(by, families ~= nil), opts.format, out, {
      caption = caption,
      chart = function() return M.chart(summaries, { by = by, query = q, families = opts.families }) end,
    })
  end,
}

return M.command
