-- `parley speakers`: who speaks how much, per speaker or per document, and
-- who follows whom (lua/parley/turns.lua computes the tables).
local cli = require "parley.cli"
local output = require "parley.output"
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
  run = function(opts, out)
    local corpus = cli.scoped(opts, "speakers")
    turns.require(corpus)
    if opts.matrix then
      local rows, names = turns.matrix(corpus)
      local cols = { { name = "speaker", title = "speaker \\ next" } }
      for _, n in ipairs(names) do cols[#cols + 1] = n end
      output.write(rows, cols, opts.format, out)
      return
    end
    local cols = COLUMNS
    if opts.by == "doc" then cols = { "doc", table.unpack(COLUMNS) } end
    output.write(turns.table(corpus, { by = opts.by }), cols, opts.format, out)
  end,
}
