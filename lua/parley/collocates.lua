-- Collocates: the words that occur near the hits of a query more often than
-- chance predicts, with MI, MI3, t, z, log-likelihood, Dice and logDice
-- (formulas in parley.stats and docs/statistics.md).  scripts/collocates.lua
-- calls main; the API is collocates(corpus, query, opts) and
-- corpus:collocates(query, opts).
local cli = require "parley.cli"
local format = require "parley.format"
local stats = require "parley.stats"

local M = {}

M.measures = { "logdice", "ll", "mi", "mi3", "t", "z", "dice", "observed" }
local MEASURE = {}
for _, m in ipairs(M.measures) do MEASURE[m] = true end

M.columns = { "collocate", "observed", "expected", "f_collocate", "mi", "mi3", "t", "z", "ll",
              "dice", "logdice" }

local function window(name, v, default)
  if v == nil then return default end
  if math.type(v) ~= "integer" or v < 0 or v > 1000 then
    error(("bad argument #2 to 'collocates' (%s must be a whole number from 0 to 1000)"):format(name), 3)
  end
  return v
end

-- The frequency of each folded word in the corpus: from the lexicon for a
-- whole corpus, from a frequency list for a sub-corpus.
local function frequencies(corpus)
  if not corpus.within then
    local ix = corpus.ix
    return function(word)
      local id = ix:lookup(word)
      if not id then return 0 end
      local _, f = ix:fold_type(id)
      return f
    end
  end
  local map = {}
  for _, r in ipairs(corpus:freq():totable()) do map[r.word] = r.count end
  return function(word) return map[word] or 0 end
end

-- collocates(corpus, q, opts) -> rows { collocate, observed, expected,
-- f_collocate, mi, mi3, t, z, ll, dice, logdice }, the strongest first, and
-- { node = q, f_node, size, span }.  q is a query (or a hit list from
-- corpus:find).  opts: left, right (tokens each side, default 5; windows stop
-- at document ends), min (least co-occurrence count, default 2), measure (the
-- sort key, default "logdice"), limit.  A word is counted once per window it
-- falls in, so the windows of two nearby hits may both count it.
function M.collocates(corpus, q, opts)
  opts = opts or {}
  local left, right = window("left", opts.left, 5), window("right", opts.right, 5)
  if left + right == 0 then error("bad argument #2 to 'collocates' (the window is empty: left and right are 0)", 2) end
  local min = opts.min or 2
  if math.type(min) ~= "integer" or min < 1 then error("bad argument #2 to 'collocates' (min must be a whole number >= 1)", 2) end
  local measure = opts.measure or "logdice"
  if not MEASURE[measure] then
    error(("bad argument #2 to 'collocates' (measure must be one of %s, got '%s')"):format(
      table.concat(M.measures, ", "), tostring(measure)), 2)
  end
  local hits = type(q) == "table" and q._hits or corpus:find(q)._hits
  local fn, n, span = #hits, corpus:size(), left + right
  local info = { node = type(q) == "table" and q._query or q, f_node = fn, size = n, span = span }
  if fn == 0 then return {}, info end
  local observed = corpus.ix:freq{ within = hits:windows(left, right), min = min, format = "rows" }
  local freq_of = frequencies(corpus)
  local rows = {}
  for i, r in ipairs(observed) do
    local o, fc = r.count, freq_of(r.word)
    local e = stats.expected(fn, fc, span, n)
    rows[i] = {
      collocate = r.word, observed = o, expected = e, f_collocate = fc,
      mi = stats.mi(o, e), mi3 = stats.mi3(o, e), t = stats.t_score(o, e), z = stats.z_score(o, e),
      ll = stats.collocation_ll(o, fn, fc, span, n),
      dice = stats.dice(o, fn, fc), logdice = stats.logdice(o, fn, fc),
    }
  end
  table.sort(rows, function(x, y)
    local a, b = x[measure] or -math.huge, y[measure] or -math.huge
    if a ~= b then return a > b end
    if x.observed ~= y.observed then return x.observed > y.observed end
    return x.collocate < y.collocate
  end)
  if opts.limit then for i = #rows, opts.limit + 1, -1 do rows[i] = nil end end
  return rows, info
end

-- ------------------------------------------------------------ the command

M.spec = {
  name = "collocates",
  usage = "parley collocates QUERY [--corpus DIR] [--left N] [--right N] [--min N] "
    .. "[--measure " .. table.concat(M.measures, "|") .. "] [--where attr=value] [--limit N] "
    .. "[--format tty|tsv|csv|json|md]",
  options = {
    corpus = { arg = true },
    left = { arg = true, number = true, min = 0, default = 5 },
    right = { arg = true, number = true, min = 0, default = 5 },
    min = { arg = true, number = true, default = 2 },
    measure = { arg = true, choices = M.measures, default = "logdice" },
    where = { arg = true, multi = true },
    limit = { arg = true, number = true, min = 0 },
    format = { arg = true, choices = format.formats, default = "tty" },
    repair = {},
  },
}

function M.main(args, out)
  local opts = cli.start(args, M.spec, math.huge)
  if not opts then return end
  if #opts == 0 then cli.fail("collocates: no query given (usage: " .. M.spec.usage .. ")") end
  if opts.left + opts.right == 0 then cli.fail("collocates: --left and --right are both 0: the window is empty") end
  local corpus = cli.scoped(opts, "collocates")
  local function try(f, ...)
    local ok, a, b = pcall(f, ...)
    if not ok then cli.fail("collocates: " .. tostring(a):gsub("^.-:%d+: ", "")) end
    return a, b
  end
  local rows, info = try(M.collocates, corpus, table.concat(opts, " "), {
    left = opts.left, right = opts.right, min = opts.min, measure = opts.measure, limit = opts.limit })
  out = out or io.stdout
  if opts.format == "tty" then
    out:write(("%s: %d hits in %d tokens; window %d left, %d right\n"):format(
      info.node, info.f_node, info.size, opts.left, opts.right))
  end
  format.write(rows, M.columns, opts.format, out)
end

return M
