-- `parley keyness`: the words one side uses more than the other (lua/parley/keyness.lua).
local cli = require "parley.cli"
local keyness = require "parley.keyness"
local output = require "parley.output"

return cli.command {
  name = "keyness",
  summary = "The words one sub-corpus uses more than another, by log-likelihood, chi-squared, "
    .. "log ratio and %DIFF: by default the Soviet side's turns against the US side's "
    .. "(speaker labels left out).",
  options = {
    cli.opt.corpus,
    { "a", arg = "ATTR=VALUE", multi = true, help = "side A: the regions with this attribute value (repeat for more)" },
    { "b", arg = "ATTR=VALUE", multi = true,
      help = "side B; with only one of --a and --b, the other side is the rest of the corpus" },
    { "min", arg = "N", number = true, default = 3, help = "least frequency on the side a word is key in" },
    { "stat", arg = "STAT", choices = keyness.stats, default = "ll", help = "sort by this statistic (absolute value)" },
    { "direction", arg = "SIDE", choices = { "a", "b", "both" }, default = "a",
      help = "the words over-represented in A, in B, or both" },
    cli.opt.limit, cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
Formulas and their references: docs/statistics.md. Relative frequencies are per 10 000
tokens. size_a and size_b are the sides' sizes in tokens: on a terminal the line above
the table gives them, tsv, csv, json, md and html carry them as columns.]],
  examples = {
    "parley keyness --limit 20",
    "parley keyness --a type=telegram --stat log_ratio --format csv",
  },
  -- counts: { a = { freq = { word = n }, size = tokens }, b = … }: each
  -- side's folded word frequencies and size, which add up over the parts of
  -- a corpus (a part holding none of a side counts it as empty).
  count = function(opts)
    local corpus = cli.open_corpus(opts)
    local fa, fb = cli.where(opts.a, "keyness", "a"), cli.where(opts.b, "keyness", "b")
    local pa, pb
    if opts.shard and opts.shard.n > 1 then
      pa, pb = keyness.part_profiles(corpus, fa, fb)
    else
      local a, b = keyness.sides(corpus, fa, fb)
      pa, pb = keyness.profile(a), keyness.profile(b)
    end
    return { a = { freq = pa.freq, size = pa.size }, b = { freq = pb.freq, size = pb.size } }
  end,
  finish = function(counts, opts, out)
    local fa, fb = cli.where(opts.a, "keyness", "a"), cli.where(opts.b, "keyness", "b")
    keyness.check_sizes(counts.a, counts.b, fa, fb)
    local la, lb = keyness.labels(fa, fb)
    local rows, info = keyness.keyness(counts.a, counts.b, { min = opts.min, stat = opts.stat,
                                                             direction = opts.direction, limit = opts.limit })
    output.write(rows, keyness.columns, opts.format, out, {
      caption = ("A: %s (%s)   B: %s (%s)"):format(la, output.count(info.size_a, "token"), lb,
        output.count(info.size_b, "token")) })
  end,
}
