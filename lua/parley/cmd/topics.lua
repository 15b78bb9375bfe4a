-- `parley topics`: keyword families through a conversation (lua/parley/topics.lua).
local cli = require "parley.cli"
local output = require "parley.output"
local svg = require "parley.svg"
local topics = require "parley.topics"

local HOW_TO = [[
a families file is Lua data returning { name = { "query", ... }, ... }, for example
  return {
    ["inspection"] = { "inspect*", "verif*", "\"red cross\"" },
    ["Guantánamo base"] = { "guantanamo" },
  }
with queries as for kwic (words, prefix*, "phrases", patterns).]]

local COUNTING = [[
counting: mentions of a family's queries that overlap count once (the longest wins).
A speaker's mentions are those in their turns without the speaker labels ("McCloy:"
names who speaks; it is no one's mention), commonest first in every format, and
"raised first by" is the speaker of the earliest of them; the mentions column counts
the whole text followed. scope, size (its tokens) and parts are the same in every row:
on a terminal the line above the table gives them, the other formats carry them as
columns.]]

-- At most this many speakers' rows per family in the plot (the commonest; the rest are counted).
local CHART_SPEAKERS = 12

-- The dispersion plot of --format svg: a block per family, in the table's
-- order, with a row of all its mentions and a row per speaker who mentions
-- it (commonest first, at most CHART_SPEAKERS), a tick at each mention along
-- the text followed.
local function chart(corpus, families, rows, scope)
  local marks = {}
  for _, m in ipairs(topics.marks(corpus, families)) do marks[m.family] = m end
  local plot = {}
  local function fig(v) return v == nil and "none" or output.number(v) end
  for _, r in ipairs(rows) do
    local m = marks[r.family]
    local group = ("%s — D %s, DP %s"):format(r.family, fig(r.d), fig(r.dp))
    local left = #m.speakers - CHART_SPEAKERS
    plot[#plot + 1] = { name = "all mentions", marks = m.all, group = group,
                        note = left > 0 and ("%d more speakers not shown"):format(left) or nil }
    for i, sp in ipairs(m.speakers) do
      if i > CHART_SPEAKERS then break end
      plot[#plot + 1] = { name = sp.name, marks = sp.marks, group = group }
    end
  end
  return svg.barcode { title = "Keyword families through " .. scope, rows = plot,
                       x_label = "position in the text followed (share of its tokens)",
                       note = ("D and DP over %s of the text"):format(output.count(rows[1] and rows[1].parts or 0, "equal part")) }
end

local function defaults_text()
  local names = {}
  for _, f in ipairs(topics.families) do names[#names + 1] = f.name end
  return table.concat(names, "; ")
end

return cli.command {
  name = "topics",
  summary = "Keyword families through a conversation: who raised each first, mentions per "
    .. "speaker, dispersion (Juilland's D, Gries' DP) and a sparkline of where it comes up.",
  options = {
    cli.opt.corpus,
    { "families", arg = "FILE", help = "the keyword families to follow (default: those written for the bundled corpus)" },
    { "where", arg = "ATTR=VALUE", multi = true,
      help = "the text to follow (default: the documents of type transcript, or the whole corpus)" },
    { "parts", arg = "N", number = true, default = 10, help = "equal stretches of text for the course and the dispersion" },
    cli.opt.chart_format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = "the default families, for the bundled Cuban missile crisis corpus: " .. defaults_text()
    .. ".\n" .. HOW_TO .. "\n" .. COUNTING
    .. "\n--format svg draws a dispersion plot: a block per family, a row of all its mentions and a\n"
    .. "row per speaker who mentions it, a tick at each mention along the text followed.",
  examples = { "parley topics", "parley topics --families families.lua --corpus path/to/corpus --format csv",
               "parley topics --format svg > topics.svg" },
  run = function(opts, out)
    local families, which = topics.families, "the default families (written for the bundled corpus)"
    if opts.family_list then   -- families as a table, from a caller that runs the command (parley report)
      families, which = opts.family_list, opts.families_label or "the families given"
    elseif opts.families then
      local err
      families, err = topics.load(opts.families)
      if not families then cli.fail("topics: " .. err) end
      which = "families from " .. opts.families
    end
    local corpus = cli.scoped(opts, "topics")
    local scope = ("--where " .. table.concat(opts.where, " --where "))
    if #opts.where == 0 then corpus, scope = topics.default_scope(corpus) end
    if not opts.families and not opts.family_list and not topics.is_bundled(corpus) then
      cli.note("parley: topics: note: the default families are the bundled corpus's topics; "
        .. "for this corpus write your own and pass --families FILE:\n" .. HOW_TO)
    end
    local rows = topics.topics(corpus, families, { parts = opts.parts })
    for _, r in ipairs(rows) do r.scope = scope end
    output.write(rows, topics.columns, opts.format, out, {
      caption = ("counted in %s; %s; %s per family"):format(scope, which, output.count(opts.parts, "part")),
      chart = function(r) return chart(corpus, families, r, scope) end })
  end,
}
