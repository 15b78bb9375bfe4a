-- `parley speakers`: who speaks how much, per speaker or per document, and
-- who follows whom (lua/parley/turns.lua computes the tables).
local cli = require "parley.cli"
local output = require "parley.output"
local partial = require "parley.partial"
local turns = require "parley.turns"

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
    cli.opt.where, cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
counting: a turn of several speakers ("Stevenson and McCloy stated that …") counts
for each of them, so shares are of the sum over speakers; words are the tokens the
tokeniser classes as words or numbers (not dashes, quotation marks or emoji), in the
turns without their speaker labels; "share" is a fraction (0.25) in tsv, csv and json,
a percentage on screen. Turns come from the documents' grammars (docs/grammars.md).]],
  examples = {
    "parley speakers --by doc",
    "parley speakers --matrix --where type=transcript --format csv",
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
      output.write(rows, cols, opts.format, out)
      return
    end
    local cols = COLUMNS
    if opts.by == "doc" then cols = { "doc", table.unpack(COLUMNS) } end
    output.write(turns.rows(counts, { by = opts.by }), cols, opts.format, out)
  end,
}
