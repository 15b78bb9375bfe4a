-- Collocates: the words that occur near the hits of a query more often than
-- chance predicts, with MI, MI3, t, z, log-likelihood, Dice and logDice
-- (formulas in parley.stats and docs/statistics.md).  Co-occurrences are
-- counted as surface co-occurrence (Evert 2008): a collocate token counts
-- once however many node windows cover it, in the union of the windows
-- around the hits (the hits' own tokens left out), clipped to documents and
-- to the (sub-)corpus, so the contingency table is consistent.  The API is
-- collocates(corpus, query, opts) and corpus:collocates(query, opts);
-- `parley collocates` (lua/parley/cmd/collocates.lua) prints it.
local stats = require "parley.stats"

local M = {}

M.measures = { "logdice", "ll", "mi", "mi3", "t", "z", "dice", "observed" }
local MEASURE = {}
for _, m in ipairs(M.measures) do MEASURE[m] = true end

-- The columns: with each row the counts its figures are computed from (O,
-- E, C1, and R1, N, f(n), which the line above the table gives on screen).
M.columns = { "collocate", "observed", "expected", "f_collocate",
              { name = "window", tty = false }, { name = "size", tty = false },
              { name = "f_node", tty = false },
              "mi", "mi3", "t", "z", "ll", "dice", "logdice" }

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
-- f_collocate, window, size, f_node, mi, mi3, t, z, ll, dice, logdice }, the
-- strongest first, and { node = q, f_node, size, span, window }.  q is a query (or a hit list from
-- corpus:find).  opts: left, right (tokens each side, default 5), min (least
-- co-occurrence count, default 2), measure (the sort key, default
-- "logdice"), limit.  observed: the collocate's tokens in the windows;
-- window: the tokens the windows hold (Evert's R1); f_collocate: its
-- frequency in the (sub-)corpus (C1); size: the (sub-)corpus's tokens (N);
-- f_node: the node's hits.
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
  local n = corpus:size()
  local info = { node = type(q) == "table" and q._query or q, f_node = #hits, size = n,
                 span = left + right, window = 0 }
  if #hits == 0 then return {}, info end
  local windows = hits:windows(left, right)
  if corpus.within then windows = windows:intersect(corpus.within) end
  local r1 = windows:width()
  info.window = r1
  local observed = corpus.ix:freq{ within = windows, min = min, format = "rows" }
  local freq_of = frequencies(corpus)
  local rows = {}
  for i, r in ipairs(observed) do
    local o, c1 = r.count, freq_of(r.word)
    local e = stats.expected(r1, c1, n)
    rows[i] = {
      collocate = r.word, observed = o, expected = e, f_collocate = c1, window = r1, size = n,
      f_node = #hits,
      mi = stats.mi(o, e), mi3 = stats.mi3(o, e), t = stats.t_score(o, e), z = stats.z_score(o, e),
      ll = stats.collocation_ll(o, r1, c1, n),
      dice = stats.dice(o, r1, c1), logdice = stats.logdice(o, r1, c1),
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

return M
