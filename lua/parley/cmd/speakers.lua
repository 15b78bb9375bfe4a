-- `parley speakers`: who speaks how much, per speaker or per document, and
-- who follows whom (lua/parley/turns.lua computes the tables).
local cli = require "parley.cli"
local output = require "parley.output"
local partial = require "parley.partial"
local svg = require "parley.svg"
local turns = require "parley.turns"

-- At most this many speakers in a chart (the most words, or the most
-- turns in the matrix; the rest said under it).
local CHART_ROWS, MATRIX_ROWS = 30, 20

-- The bar chart of --format svg: each row's share of the words, of the
-- turns (direct and reported) and of the questions, in per cent.
local function shares_chart(rows, by)
  local sum = { words = 0, turns = 0, questions = 0 }
  for _, r in ipairs(rows) do
    sum.words, sum.questions = sum.words + r.words, sum.questions + r.questions
    sum.turns = sum.turns + r.turns + r.reported_turns
  end
  local order = {}
  for i in ipairs(rows) do order[i] = i end
  table.sort(order, function(a, b)
    if rows[a].words ~= rows[b].words then return rows[a].words > rows[b].words end
    return a < b
  end)
  local cats, words, turns_, questions, left = {}, {}, {}, {}, 0
  local function pct(v, total) return total > 0 and v / total * 100 or 0 end
  for k, i in ipairs(order) do
    local r = rows[i]
    if k > CHART_ROWS then left = left + 1
    else
      cats[#cats + 1] = by == "doc" and ("%s (%s)"):format(r.speaker, r.doc) or r.speaker
      words[#cats], turns_[#cats] = pct(r.words, sum.words), pct(r.turns + r.reported_turns, sum.turns)
      questions[#cats] = pct(r.questions, sum.questions)
    end
  end
  return svg.hbar_chart {
    title = "Shares of the words, turns and questions" .. (by == "doc" and ", per document" or ""),
    x_label = "share (%)", categories = cats, value_labels = true, unit = "%",
    series = { { name = "words", values = words }, { name = "turns (direct and reported)", values = turns_ },
               { name = "questions", values = questions } },
    note = left > 0 and ("not shown: %s with fewer words"):format(output.count(left, "speaker")) or nil,
  }
end

-- The matrix of --format svg --matrix: who follows whom.
local function matrix_chart(rows, names)
  local keep = turns.busiest(rows, names, MATRIX_ROWS)
  local left = keep and #names - MATRIX_ROWS or 0
  local shown = {}
  for _, n in ipairs(names) do if not keep or keep[n] then shown[#shown + 1] = n end end
  local values, by_name = {}, {}
  for _, r in ipairs(rows) do by_name[r.speaker] = r end
  for i, n in ipairs(shown) do
    values[i] = {}
    for j, c in ipairs(shown) do values[i][j] = by_name[n] and by_name[n][c] or 0 end
  end
  return svg.matrix {
    title = "Who follows whom: turns of each speaker followed by each", rows = shown, cols = shown,
    values = values, x_label = "next speaker", y_label = "speaker",
    note = left > 0 and ("not shown: %s with fewer turns"):format(output.count(left, "speaker")) or nil,
  }
end

local function percent(v) return v and ("%.1f%%"):format(v * 100) or "" end
local function one_decimal(v) return v and ("%.1f"):format(v) or "" end

local COLUMNS = {
  "speaker", "side", "turns", { name = "reported_turns", title = "reported" }, "words",
  { name = "share", align = "right", display = percent },
  { name = "mean_turn", title = "words/turn", align = "right", display = one_decimal },
  "questions",
}

return cli.command {
  name = "speakers",
  summary = "Per speaker: direct and reported turns, words in their turns (speaker labels "
    .. "left out), share of all speakers' words, mean direct turn length and questions; "
    .. "per document with --by doc; who follows whom with --matrix.",
  options = {
    cli.opt.corpus,
    { "by", arg = "WHAT", choices = { "speaker", "doc" }, default = "speaker",
      help = "one row per speaker, or per document and speaker" },
    { "matrix", help = "who follows whom: turns of each speaker (rows) followed by each (columns)" },
    cli.opt.where, cli.opt.chart_format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
counting: a turn of several speakers ("Stevenson and McCloy stated that …") counts
for each of them, so shares are of the sum over speakers; words are the tokens the
tokeniser classes as words or numbers (not dashes, quotation marks or emoji), in the
turns without their speaker labels; "share" is a fraction (0.25) in tsv, csv and json,
a percentage on screen. Turns come from the documents' grammars (docs/grammars.md).
--format svg draws each speaker's share of the words, of the turns (direct and reported)
and of the questions as bars (the 30 with the most words), with --matrix who follows
whom as a shaded matrix (the 20 with the most turns).]],
  examples = {
    "parley speakers --by doc",
    "parley speakers --matrix --where type=transcript --format csv",
    "parley speakers --matrix --format svg > follows.svg",
  },
  -- counts: turns.counts (per speaker, or per document and speaker) or
  -- turns.matrix_counts (--matrix), which add up over the parts of a corpus.
  count = function(opts)
    local part = opts.shard and opts.shard.n > 1
    local corpus = cli.scoped(opts, "speakers", part)
    if not part then turns.require(corpus) end
    if not corpus then  -- a part that holds none of the --where sub-corpus
      if opts.matrix then return { has_turns = false, names = {}, follows = {} } end
      return { has_turns = false, [opts.by == "doc" and "docs" or "speakers"] = {} }
    end
    if opts.matrix then return turns.matrix_counts(corpus) end
    return turns.counts(corpus, { by = opts.by })
  end,
  add = function(a, b)
    if a.follows then return partial.add(a, b) end
    return turns.add(a, b)
  end,
  finish = function(counts, opts, out)
    if not counts.has_turns then cli.fail("speakers: " .. turns.no_turns) end
    if opts.matrix then
      local rows, names = turns.matrix_rows(counts)
      local cols = { { name = "speaker", title = "speaker \\ next" } }
      for _, n in ipairs(names) do cols[#cols + 1] = n end
      output.write(rows, cols, opts.format, out, { chart = function(r) return matrix_chart(r, names) end })
      return
    end
    local cols = COLUMNS
    if opts.by == "doc" then cols = { "doc", table.unpack(COLUMNS) } end
    output.write(turns.rows(counts, { by = opts.by }), cols, opts.format, out,
                 { chart = function(r) return shares_chart(r, opts.by) end })
  end,
}
