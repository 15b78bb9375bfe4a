-- `parley timeline QUERY`: mentions per period of the documents' dates
-- (lua/parley/timeline.lua), as a table or, with --format svg, a chart (lua/parley/svg.lua).
local cli = require "parley.cli"
local output = require "parley.output"
local svg = require "parley.svg"
local timeline = require "parley.timeline"

local COUNTING = [[
counting: a document is counted in the period of its date (date, the document attribute
from the manifest or the reader; a document with a range, date_to, at its start). Every
period from the first date to the last is a row, empty ones with 0 (with --where from=…
to=…, every period of that range). A document dated less precisely than --by (1962-11 when
counting by day or week, 1962 when counting by month) is in no particular one of them: it
is counted in a line of its own, the period of its own precision ("1962-11" among the
days), placed before the periods that start with it. Undated documents are counted apart:
a note on standard error gives their documents, mentions and words. count: mentions of
the query (overlapping matches of a family's queries count once); docs: the period's
documents (with --split, those where the series has text); words: the words of their text
(tokens the tokeniser makes words or numbers; speaker labels left out with --split speaker
or side); per_million: count / words x 1 000 000. --by by default: day when the dates span
up to 62 days, week up to a year, month up to ten years, else year; never finer than the
most precise date.]]

local function series_name(r, opts)
  local parts = {}
  if opts.families then parts[#parts + 1] = r.family end
  if opts.split then parts[#parts + 1] = r[opts.split] ~= "" and r[opts.split] or "(none)" end
  if #parts == 0 then return opts.query end
  return table.concat(parts, " — ")
end

-- The chart of the rows: the periods along x (imprecise lines left out and
-- said under the chart), a series per family and split value.
local function chart(rows, info, opts, what)
  local cats, at, series, by_name, aside = {}, {}, {}, {}, { docs = 0, count = 0 }
  for _, r in ipairs(rows) do
    if r.imprecise then
      aside.count = aside.count + r.count
    else
      if not at[r.period] then cats[#cats + 1] = r.period; at[r.period] = #cats end
      local name = series_name(r, opts)
      local s = by_name[name]
      if not s then s = { name = name, values = {} }; by_name[name] = s; series[#series + 1] = s end
      s.values[at[r.period]] = r.count
    end
  end
  local notes = {}
  if info.imprecise > 0 then
    notes[#notes + 1] = ("not shown: %s dated less precisely than a %s (%s)"):format(
      output.count(info.imprecise, "document"), info.by, output.count(aside.count, "mention"))
  end
  if info.undated.docs > 0 then
    notes[#notes + 1] = ("%s undated (%s)"):format(output.count(info.undated.docs, "document"),
      output.count(info.undated.count, "mention"))
  end
  local spec = { title = what, x_label = info.by, y_label = "mentions", categories = cats, series = series,
                 note = #notes > 0 and table.concat(notes, "; ") or nil }
  return opts.chart == "bar" and svg.bar_chart(spec) or svg.line_chart(spec)
end

return cli.command {
  name = "timeline",
  summary = "Mentions of a query (or of each keyword family) per year, month, ISO week or day "
    .. "of the documents' dates, with the documents and words of each period and the rate per "
    .. "million words; every period from the first date to the last, empty ones as 0.",
  args = { cli.arg_query_or_families },
  options = {
    cli.opt.corpus, cli.opt.where,
    { "by", arg = "PERIOD", choices = { "year", "month", "week", "day" },
      help = "the periods: year (1962), month (1962-11), ISO week (1962-W44) or day (1962-11-01) "
        .. "[default: from the span of the dates, see below]" },
    { "split", arg = "BY", choices = { "type", "speaker", "side" },
      help = "a series per document type (the type attribute, or the TEI genre), per speaker or per side" },
    { "families", arg = "FILE", help = "a series per keyword family of this file (as for topics) instead of QUERY" },
    { "chart", arg = "KIND", choices = { "line", "bar" }, default = "line", help = "the chart --format svg draws" },
    cli.opt.chart_format, cli.opt.repair, cli.opt.trust,
  },
  notes = COUNTING .. "\na families file is Lua data returning { name = { \"query\", ... }, ... } (see parley topics --help).",
  examples = {
    "parley timeline quarantine --by day",
    "parley timeline missile* --split speaker --format svg > missiles.svg",
  },
  -- counts: timeline.count's (per date as written: documents, and each
  -- series's mentions, documents and words; the undated apart), which add up
  -- over the parts of a corpus.
  count = function(opts)
    local q, families = cli.query_or_families(opts, "timeline")
    if opts.by ~= nil and not require("parley.dates").PRECISION[opts.by] then
      cli.fail(("timeline: --by must be year, month, week or day, got '%s'"):format(tostring(opts.by)))
    end
    local part = opts.shard and opts.shard.n > 1
    local corpus, whole, empty = cli.scoped(opts, "timeline", part)
    -- a part that holds none of the --where sub-corpus: none of its documents counted
    if not corpus then corpus = empty or whole:sub(require("parley.hits").from(whole.ix, {}), "nothing") end
    return timeline.count(corpus, { query = q, families = families, split = opts.split, part = part })
  end,
  finish = function(counts, opts, out)
    local q = #opts > 0 and table.concat(opts, " ") or nil
    local given = opts.family_list and not q and not opts.families   -- families as a table (parley report), with a label
    if given then opts.families = opts.families_label or "the families given" end
    local rows, info = timeline.finish(counts, { by = opts.by, split = opts.split, families = opts.families })
    local what = ("%s per %s"):format(q and "mentions of " .. q or given and "mentions of " .. opts.families
      or "mentions of the families of " .. opts.families, info.by)
    if info.undated.docs > 0 then
      cli.note(("parley: timeline: note: %s undated, counted apart (in no period): %s, %s"):format(
        output.count(info.undated.docs, "document is", "documents are"), output.count(info.undated.count, "mention"),
        output.count(info.undated.words, "word")))
    end
    local caption = { what, ("%s in %s"):format(output.count(info.documents, "dated document"), counts.name or "the corpus") }
    if info.imprecise > 0 then
      caption[#caption + 1] = ("%s dated less precisely than a %s in lines of their own"):format(
        output.count(info.imprecise, "document"), info.by)
    end
    if info.filtered > 0 then
      caption[#caption + 1] = ("%s left out by the date filter"):format(output.count(info.filtered, "undated document"))
    end
    output.write(rows, timeline.columns(opts), opts.format, out, {
      caption = table.concat(caption, "; "),
      chart = function(r) return chart(r, info, { query = q, families = opts.families, split = opts.split, chart = opts.chart }, what) end,
    })
  end,
}
