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

local function check(opts)
  opts = opts or {}
  local left, right = window("left", opts.left, 5), window("right", opts.right, 5)
  if left + right == 0 then error("bad argument #2 to 'collocates' (the window is empty: left and right are 0)", 3) end
  local min = opts.min or 2
  if math.type(min) ~= "integer" or min < 1 then error("bad argument #2 to 'collocates' (min must be a whole number >= 1)", 3) end
  local measure = opts.measure or "logdice"
  if not MEASURE[measure] then
    error(("bad argument #2 to 'collocates' (measure must be one of %s, got '%s')"):format(
      table.concat(M.measures, ", "), tostring(measure)), 3)
  end
  return left, right, min, measure
end

-- count(corpus, q, opts) -> the counts the figures are computed from, which
-- add up over the parts of a corpus (windows stop at document ends, and a
-- document is in one part): { node, f_node, size (N), window (R1),
-- observed = { word = O }, freq = { word = C1 } }.  opts as for collocates,
-- and partial: keep every co-occurrence (min is applied to the sum) and the
-- frequency of every word of the corpus (another part's windows may hold
-- it); otherwise only what the figures of the rows at min need.
function M.count(corpus, q, opts)
  local left, right, min = check(opts)
  local partial = opts and opts.partial
  local hits = type(q) == "table" and q._hits or corpus:find(q)._hits
  local counts = { node = type(q) == "table" and q._query or q, f_node = #hits, size = corpus:size(),
                   window = 0, observed = {}, freq = {} }
  local freq_of = frequencies(corpus)
  if partial then
    for _, r in ipairs(corpus:freq():totable()) do counts.freq[r.word] = freq_of(r.word) end
  end
  if #hits == 0 then return counts end
  local windows = hits:windows(left, right)
  if corpus.within then windows = windows:intersect(corpus.within) end
  counts.window = windows:width()
  for _, r in ipairs(corpus.ix:freq{ within = windows, min = partial and 1 or min, format = "rows" }) do
    counts.observed[r.word] = r.count
    if not partial then counts.freq[r.word] = freq_of(r.word) end
  end
  return counts
end

-- finish(counts, opts) -> rows, info: the rows of counts (count's, or the
-- sum of the parts'), as collocates returns them.
function M.finish(counts, opts)
  local _, _, min, measure = check(opts)
  local n, r1, f_node = counts.size, counts.window, counts.f_node
  local info = { node = counts.node, f_node = f_node, size = n, span = opts.left + opts.right, window = r1 }
  local rows = {}
  if f_node == 0 then return rows, info end
  -- in the words' order, so that the rows' order is the same however the
  -- counts were gathered, even where a measure ties or is undefined
  local words = {}
  for word in pairs(counts.observed) do words[#words + 1] = word end
  table.sort(words)
  for _, word in ipairs(words) do
    local o = counts.observed[word]
    if o >= min then
      local c1 = counts.freq[word] or 0
      local e = stats.expected(r1, c1, n)
      rows[#rows + 1] = {
        collocate = word, observed = o, expected = e, f_collocate = c1, window = r1, size = n,
        f_node = f_node,
        mi = stats.mi(o, e), mi3 = stats.mi3(o, e), t = stats.t_score(o, e), z = stats.z_score(o, e),
        ll = stats.collocation_ll(o, r1, c1, n),
        dice = stats.dice(o, r1, c1), logdice = stats.logdice(o, r1, c1),
      }
    end
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

-- collocates(corpus, q, opts) -> rows { collocate, observed, expected,
-- f_collocate, window, size, f_node, mi, mi3, t, z, ll, dice, logdice }, the
-- strongest first, and { node = q, f_node, size, span, window }.  q is a query (or a hit list from
-- corpus:find).  opts: left, right (tokens each side, default 5), min (least
-- co-occurrence count, default 2), measure (the sort key, default
-- "logdice"), limit.  observed: the collocate's tokens in the windows;
-- window: the tokens the windows hold (Evert's R1); f_collocate: its
-- frequency in the (sub-)corpus (C1); size: the (sub-)corpus's tokens (N);
-- f_node: the node's hits.  It is count, then finish.
function M.collocates(corpus, q, opts)
  opts = opts or {}
  local left, right = check(opts)
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.left, o.right, o.partial = left, right, nil
  return M.finish(M.count(corpus, q, o), o)
end

return M
