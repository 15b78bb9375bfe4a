-- `parley outline DOC`: how the grammar parsed a document (lua/parley/outline.lua).
local cli = require "parley.cli"
local outline = require "parley.outline"
local output = require "parley.output"

return cli.command {
  name = "outline",
  summary = "How the grammar parsed one document: every region (turn, narration, note, point …) "
    .. "in order, with kind, attributes, first and last line and an excerpt; in tty and md also the "
    .. "labels the auto grammar found and those read fuzzily (OCR), to check.",
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
    -- for a reader (tty, md): the labels the auto grammar found, those read fuzzily
    if opts.format == nil or opts.format == "tty" or opts.format == "md" then
      local tables, lines = outline.label_report(doc)
      for _, t in ipairs(tables) do
        output.put(out, "\n")
        output.write(t.rows, t.columns, opts.format, out, { caption = t.caption })
      end
      for _, l in ipairs(lines) do output.put(out, "\n" .. l .. "\n") end
    end
  end,
}
