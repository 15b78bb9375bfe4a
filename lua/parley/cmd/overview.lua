-- `parley overview`: the documents of a corpus with date, type, size and commonest content words.
local cli = require "parley.cli"
local output = require "parley.output"
local overview = require "parley.overview"

return cli.command {
  name = "overview",
  summary = "The documents of a corpus: id, date, type, lines, tokens, commonest content "
    .. "words (function words left out) and title.",
  options = {
    cli.opt.corpus,
    { "top", arg = "N", number = true, default = 8, help = "commonest words shown per document" },
    cli.opt.where, cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = "On a terminal each document is a block of lines; the other formats give one row a document. "
    .. "The caption weighs the index against the text (index 182.0 KB, 4.5 times the text (40.7 KB)).",
  examples = { "parley overview", "parley overview --corpus path/to/corpus --top 5 --format csv" },
  run = function(opts, out)
    local corpus = cli.scoped(opts, "overview")
    local rows, summary = overview.rows(corpus, opts.top)
    output.write(rows, overview.columns, opts.format, out, { caption = summary, layout = "records" })
  end,
}
