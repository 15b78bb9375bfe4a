-- The `kwic` command: a concordance of a query over a corpus, in tty, TSV,
-- CSV or JSON.  scripts/kwic.lua calls main; the REPL uses corpus:kwic.
local cli = require "parley.cli"

local M = {}

M.spec = {
  name = "kwic",
  usage = "parley kwic QUERY [--corpus DIR] [--width N] [--sort doc|left|right|match] "
    .. "[--where attr=value] [--limit N] [--format tty|tsv|csv|json] [--repair]",
  options = {
    corpus = { arg = true },
    width = { arg = true, number = true, default = 40 },
    sort = { arg = true, choices = { "doc", "left", "right", "match" }, default = "doc" },
    where = { arg = true, multi = true },
    limit = { arg = true, number = true, min = 0 },
    format = { arg = true, choices = { "tty", "tsv", "csv", "json" }, default = "tty" },
    repair = {},
  },
}

function M.main(args, out)
  local opts = cli.parse(args, M.spec)
  if opts.help or #opts == 0 then
    -- asked for: on standard output; a missing query is a mistake: on standard error
    local to = opts.help and io.stdout or io.stderr
    to:write("usage: ", M.spec.usage, "\n",
      "Query forms: word, =Exact, prefix*, Lua%pattern, /re pattern/, \"a phrase\", a _ b, a NEAR/5 b\n")
    if not opts.help then cli.fail("kwic: no query given") end
    return
  end
  local corpus = cli.open_corpus(opts, "kwic")
  local filter = cli.where(opts.where, "kwic")
  if filter then
    local ok, sub = pcall(corpus.where, corpus, filter)
    if not ok then cli.fail("kwic: " .. tostring(sub):gsub("^.-:%d+: ", "")) end
    corpus = sub
  end
  local q = table.concat(opts, " ")
  local ok, err = pcall(corpus.kwic, corpus, q, {
    width = opts.width, sort = opts.sort, limit = opts.limit, format = opts.format,
    file = out or io.stdout,
  })
  if not ok then cli.fail("kwic: " .. tostring(err):gsub("^.-:%d+: ", "")) end
end

return M
