-- `parley ngrams [N]`: the frequent sequences of N words (corpus:ngrams).
local cli = require "parley.cli"
local output = require "parley.output"

return cli.command {
  name = "ngrams",
  summary = "The frequent sequences of N words (default 2) with at least --min occurrences; "
    .. "with --by ATTR one list per value (--by speaker: within each speaker's turns, labels left out).",
  args = { { "N", "the length of the sequences, 1 to 8", optional = true } },
  options = {
    cli.opt.corpus,
    { "min", arg = "N", number = true, default = 2, help = "least number of occurrences" },
    { "by", arg = "ATTR", help = "one list per value of this region attribute (speaker, side, type …)" },
    { "punct", help = "let sequences run across punctuation and include it" },
    cli.opt.where,
    { "limit", arg = "N", number = true, min = 0, help = "at most N rows (per list with --by)" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = "An n-gram never spans a document boundary or (unless --punct) punctuation; in turns (--by speaker, --where speaker=…) the speakers' labels are left out.",
  examples = { "parley ngrams 3 --min 3", "parley ngrams --by speaker --limit 5 --format csv" },
  run = function(opts, out)
    local n = opts[1] and math.tointeger(tonumber(opts[1])) or (opts[1] == nil and 2)
    if not n or n < 1 or n > 8 then
      cli.fail(("ngrams: N must be a whole number from 1 to 8, got '%s'"):format(opts[1]))
    end
    local corpus = cli.scoped(opts, "ngrams")
    local rows = corpus:ngrams(n, { min = opts.min, by = opts.by, limit = opts.limit, punct = opts.punct })
    if not opts.by then rows = rows:totable() end
    local cols = { "ngram", "count" }
    if opts.by then table.insert(cols, 1, opts.by) end
    output.write(rows, cols, opts.format, out)
  end,
}
