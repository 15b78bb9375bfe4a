-- The `ngrams` command: the frequent sequences of N words of a corpus,
-- optionally one list per speaker (or per value of any region attribute),
-- each counted within that speaker's turns.  scripts/ngrams.lua calls main;
-- the REPL uses corpus:ngrams.
local cli = require "parley.cli"
local format = require "parley.format"

local M = {}

-- ngrams(corpus, n, opts) -> rows { ngram, count } (or { [by], ngram, count }
-- with opts.by = ATTR: one list per value, each within the regions that
-- have it), commonest first.  opts: min (default 2), limit (per list),
-- punct, by.
function M.ngrams(corpus, n, opts)
  opts = opts or {}
  local want = { min = opts.min or 2, limit = opts.limit, punct = opts.punct }
  if not opts.by then return corpus:ngrams(n, want):totable() end
  local rows = {}
  for _, v in ipairs(corpus:values(opts.by)) do
    for _, r in ipairs(corpus:where{ [opts.by] = v }:ngrams(n, want):totable()) do
      rows[#rows + 1] = { [opts.by] = v, ngram = r.ngram, count = r.count }
    end
  end
  return rows
end

M.spec = {
  name = "ngrams",
  usage = "parley ngrams [N] [--corpus DIR] [--min N] [--by ATTR] [--limit N] "
    .. "[--format tty|tsv|csv|json|md]",
  options = {
    corpus = { arg = true },
    min = { arg = true, number = true, default = 2 },
    by = { arg = true },
    limit = { arg = true, number = true, min = 0 },
    punct = {},
    format = { arg = true, choices = format.formats, default = "tty" },
    repair = {},
  },
}

function M.main(args, out)
  local opts = cli.start(args, M.spec, 1)
  if not opts then return end
  local n = opts[1] and math.tointeger(tonumber(opts[1])) or (opts[1] == nil and 2)
  if not n or n < 1 or n > 8 then
    cli.fail(("ngrams: N must be a whole number from 1 to 8, got '%s'"):format(opts[1]))
  end
  local corpus = cli.open_corpus(opts, "ngrams")
  local ok, rows = pcall(M.ngrams, corpus, n, { min = opts.min, by = opts.by, limit = opts.limit,
                                                punct = opts.punct })
  if not ok then cli.fail("ngrams: " .. tostring(rows):gsub("^.-:%d+: ", "")) end
  local cols = { "ngram", "count" }
  if opts.by then table.insert(cols, 1, opts.by) end
  format.write(rows, cols, opts.format, out)
end

return M
