-- `parley annotations`: the editorial apparatus of a corpus (lua/parley/annotations.lua).
local annotations = require "parley.annotations"
local cli = require "parley.cli"
local output = require "parley.output"

return cli.command {
  name = "annotations",
  summary = "The editorial apparatus: editorial notes, transliterations with the words they "
    .. "gloss, words the translator supplied and scare quotes, with document and line.",
  options = {
    cli.opt.corpus,
    { "kind", arg = "KIND", multi = true, choices = annotations.kinds, help = "only this kind (repeat for more)" },
    cli.opt.where, cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = "The kinds come from the documents' grammars (the transcript grammar marks all four).",
  examples = { "parley annotations --kind transliteration", "parley annotations --format md" },
  run = function(opts, out)
    local corpus = cli.scoped(opts, "annotations")
    output.write(annotations.rows(corpus, #opts.kind > 0 and opts.kind or nil), annotations.columns,
                 opts.format, out)
  end,
}
