-- `parley outline DOC`: how the grammar parsed a document (lua/parley/outline.lua).
local cli = require "parley.cli"
local outline = require "parley.outline"
local output = require "parley.output"

return cli.command {
  name = "outline",
  summary = "How the grammar parsed one document: every region (turn, narration, note, point …) "
    .. "in order, with kind, attributes, first and last line and an excerpt.",
  args = { { "DOC", "a document id, a path, or a unique prefix of either" } },
  options = {
    cli.opt.corpus,
    { "all", help = "paragraphs, sentences and speaker labels too" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  examples = { "parley outline dinner", "parley outline telegram-1962-11-02 --format json" },
  run = function(opts, out)
    local corpus = cli.open_corpus(opts)
    local doc, err = outline.resolve(corpus, opts[1])
    if not doc then cli.fail("outline: " .. err) end
    output.write(outline.rows(corpus, doc, opts.all), outline.columns, opts.format, out,
                 { caption = outline.caption(corpus, doc) })
  end,
}
