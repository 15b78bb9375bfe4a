-- `parley collocates QUERY`: window collocates of a query (lua/parley/collocates.lua).
local cli = require "parley.cli"
local collocates = require "parley.collocates"
local output = require "parley.output"

return cli.command {
  name = "collocates",
  summary = "The words found near the hits of a query more often than chance predicts (MI, MI3, "
    .. "t, z, log-likelihood, Dice, logDice), counted in windows of tokens around each hit.",
  args = { { "QUERY", "the node: a query, as for kwic", rest = true } },
  options = {
    cli.opt.corpus,
    { "left", arg = "N", number = true, min = 0, default = 5, help = "tokens of the window before each hit" },
    { "right", arg = "N", number = true, min = 0, default = 5, help = "tokens of the window after each hit" },
    { "min", arg = "N", number = true, default = 2, help = "least number of co-occurrences" },
    { "measure", arg = "M", choices = collocates.measures, default = "logdice", help = "sort by this measure" },
    cli.opt.where, cli.opt.limit, cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
counting (docs/statistics.md): surface co-occurrence — the windows of all hits are
merged, so a token two windows cover counts once; the hits' own tokens are not in
them; windows stop at document ends and at the edges of the --where sub-corpus.
columns: observed = the collocate's tokens in the windows (O), expected = E,
f_collocate = its frequency in the (sub-)corpus (C1), window = the tokens the
windows hold (R1), size = the (sub-)corpus's tokens (N), f_node = the node's hits;
window, size and f_node are the same in every row: on a terminal the line above
the table gives them, tsv, csv, json, md and html carry them as columns.]],
  examples = {
    "parley collocates inspection --measure ll",
    "parley collocates '\"red cross\"' --left 3 --right 0 --format csv",
  },
  -- counts: collocates.count's (node, f_node, size, window, observed, freq),
  -- which add up over the parts of a corpus.
  count = function(opts)
    if opts.left + opts.right == 0 then cli.fail("collocates: --left and --right are both 0: the window is empty") end
    local q = table.concat(opts, " ")
    local o = { left = opts.left, right = opts.right, min = opts.min, measure = opts.measure,
                partial = opts.partial }
    local corpus = cli.scoped(opts, "collocates", opts.shard and opts.shard.n > 1)
    if not corpus then  -- a part that holds none of the --where sub-corpus
      return { node = q, f_node = 0, size = 0, window = 0, observed = {}, freq = {} }
    end
    return collocates.count(corpus, q, o)
  end,
  finish = function(counts, opts, out)
    if counts.size == 0 and #(opts.where or {}) > 0 then
      cli.fail("collocates: the --where clauses select nothing in any part of the corpus")
    end
    local rows, info = collocates.finish(counts, opts)
    output.write(rows, collocates.columns, opts.format, out, {
      caption = ("%s: %s in %s; windows of %d left and %d right hold %s"):format(info.node,
        output.count(info.f_node, "hit"), output.count(info.size, "token"), opts.left, opts.right,
        output.count(info.window, "token")) })
  end,
}
