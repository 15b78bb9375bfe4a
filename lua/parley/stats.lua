-- Corpus statistics as pure functions of counts: keyness (log-likelihood,
-- chi-squared, log ratio, %DIFF), collocation measures (MI, MI3, t, z,
-- log-likelihood, Dice, logDice) and dispersion (Juilland's D, Gries' DP,
-- document frequency).  Each formula is written once, here; docs/statistics.md
-- gives them with their references.  A value that is undefined for the
-- counts given (a dispersion over one part, a t-score of nothing observed)
-- is nil; a caller's mistake (a negative count) raises.
local M = {}

local log, sqrt, abs, huge = math.log, math.sqrt, math.abs, math.huge

local function check(name, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) ~= "number" or v < 0 or v ~= v then
      error(("bad argument #%d to '%s' (count must be a number >= 0, got %s)"):format(
        i, name, tostring(v)), 3)
    end
  end
end

-- The relative frequency of f in n tokens, per `per` tokens (default 10 000).
function M.rel(f, n, per)
  check("rel", f, n)
  if n == 0 then return 0.0 end
  return f / n * (per or 10000)
end

-- ------------------------------------------------------------ 2×2 tables

-- g2(o11, o12, o21, o22): the log-likelihood statistic G² of a 2×2 table in
-- its full four-term form, 2 Σ O·ln(O/E) with E = row total × column total / N,
-- taking 0·ln 0 = 0 (Dunning 1993).
function M.g2(o11, o12, o21, o22)
  check("g2", o11, o12, o21, o22)
  local n = o11 + o12 + o21 + o22
  if n == 0 then return 0.0 end
  local r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
  local function term(o, e) return o > 0 and o * log(o / e) or 0 end
  local g = 2 * (term(o11, r1 * c1 / n) + term(o12, r1 * c2 / n)
               + term(o21, r2 * c1 / n) + term(o22, r2 * c2 / n))
  return g > 0 and g or 0.0  -- rounding can leave a tiny negative for an exact fit
end

-- ------------------------------------------------------------ keyness
-- a = frequency in corpus A, b = in B, n1 and n2 = the sizes of A and B;
-- the table is  a | b  over  c = n1 − a | d = n2 − b.

local function keyness_args(name, a, b, n1, n2)
  check(name, a, b, n1, n2)
  if a > n1 or b > n2 then
    error(("bad argument to '%s' (a frequency larger than its corpus: %s of %s, %s of %s)"):format(
      name, a, n1, b, n2), 3)
  end
end

-- Log-likelihood keyness (Rayson & Garside 2000), in the four-term form.
function M.log_likelihood(a, b, n1, n2)
  keyness_args("log_likelihood", a, b, n1, n2)
  return M.g2(a, b, n1 - a, n2 - b)
end

-- Chi-squared with Yates' correction:
-- N (|ad − bc| − N/2)² / ((a+b)(c+d)(a+c)(b+d)), the bracket floored at 0;
-- 0 when a row or column of the table is empty.
function M.chi2(a, b, n1, n2)
  keyness_args("chi2", a, b, n1, n2)
  local c, d = n1 - a, n2 - b
  local n = n1 + n2
  local den = (a + b) * (c + d) * n1 * n2
  if den == 0 then return 0.0 end
  local dev = abs(a * d - b * c) - n / 2
  if dev < 0 then dev = 0 end
  return n * dev * dev / den
end

-- The count used in place of a zero by log_ratio (Hardie 2014).
M.zero_adjust = 0.5

-- Log ratio (Hardie 2014): log2 of the ratio of the relative frequencies,
-- (a/n1) / (b/n2); a zero count is replaced by 0.5 (M.zero_adjust), so a word
-- absent from one side gets a finite value.  0 when both are zero, nil when a
-- corpus is empty.
function M.log_ratio(a, b, n1, n2)
  keyness_args("log_ratio", a, b, n1, n2)
  if n1 == 0 or n2 == 0 then return nil end
  if a == 0 and b == 0 then return 0.0 end
  if a == 0 then a = M.zero_adjust end
  if b == 0 then b = M.zero_adjust end
  return log((a / n1) / (b / n2), 2)
end

-- %DIFF (Gabrielatos & Marchi 2012): (rel_a − rel_b) × 100 / rel_b, with the
-- relative frequencies a/n1 and b/n2.  math.huge when b is 0 and a is not,
-- 0 when both are; nil when a corpus is empty.
function M.pct_diff(a, b, n1, n2)
  keyness_args("pct_diff", a, b, n1, n2)
  if n1 == 0 or n2 == 0 then return nil end
  local ra, rb = a / n1, b / n2
  if rb == 0 then return ra == 0 and 0.0 or huge end
  return (ra - rb) * 100 / rb
end

-- ------------------------------------------------------------ collocation
-- Surface co-occurrence (Evert 2008): o = the collocate's tokens inside the
-- union of the windows around the node's hits (each token once, however
-- many windows cover it), r1 = the tokens the windows hold, c1 = the
-- collocate's frequency, n = corpus size.  The contingency table
--   o        | r1 − o
--   c1 − o   | n − r1 − c1 + o
-- then has no negative cell, and o ≤ min(r1, c1).

local function table_args(name, o, r1, c1, n)
  check(name, o, r1, c1, n)
  if o > r1 or o > c1 or r1 > n or c1 > n or n - r1 - c1 + o < 0 then
    error(("bad argument to '%s' (counts do not make a contingency table: o=%s r1=%s c1=%s n=%s)"):format(
      name, o, r1, c1, n), 3)
  end
end

-- Expected co-occurrences: r1 · c1 / n.
function M.expected(r1, c1, n)
  check("expected", r1, c1, n)
  if n == 0 then return 0.0 end
  return r1 * c1 / n
end

-- Mutual information: log2(o / e); −∞ when o is 0, nil when e is 0.
function M.mi(o, e)
  check("mi", o, e)
  if e == 0 then return nil end
  return log(o / e, 2)
end

-- MI³ (Daille 1994): log2(o³ / e).
function M.mi3(o, e)
  check("mi3", o, e)
  if e == 0 then return nil end
  return log(o ^ 3 / e, 2)
end

-- t-score: (o − e) / √o; nil when o is 0.
function M.t_score(o, e)
  check("t_score", o, e)
  if o == 0 then return nil end
  return (o - e) / sqrt(o)
end

-- z-score: (o − e) / √e; nil when e is 0.
function M.z_score(o, e)
  check("z_score", o, e)
  if e == 0 then return nil end
  return (o - e) / sqrt(e)
end

-- Log-likelihood of a collocation: G² of the contingency table above.
function M.collocation_ll(o, r1, c1, n)
  table_args("collocation_ll", o, r1, c1, n)
  return M.g2(o, r1 - o, c1 - o, n - r1 - c1 + o)
end

-- Dice coefficient from the table's marginals: 2o / (r1 + c1), at most 1; 0 when both are 0.
function M.dice(o, r1, c1)
  check("dice", o, r1, c1)
  if r1 + c1 == 0 then return 0.0 end
  return 2 * o / (r1 + c1)
end

-- logDice (Rychlý 2008): 14 + log2(Dice); −∞ when o is 0.
function M.logdice(o, r1, c1)
  check("logdice", o, r1, c1)
  return 14 + log(M.dice(o, r1, c1), 2)
end

-- ------------------------------------------------------------ dispersion
-- counts = occurrences in each of k parts; sizes = the parts' sizes
-- (optional: equal parts when nil).

local function parts_args(name, counts, sizes)
  if type(counts) ~= "table" then error(("bad argument #1 to '%s' (list of counts expected)"):format(name), 3) end
  if sizes ~= nil and (type(sizes) ~= "table" or #sizes ~= #counts) then
    error(("bad argument #2 to '%s' (list of %d part sizes expected)"):format(name, #counts), 3)
  end
  for i = 1, #counts do
    check(name, counts[i])
    if sizes then check(name, sizes[i]) end
  end
end

-- Juilland's D = 1 − V / √(k − 1), V = sd / mean (population standard
-- deviation) of the counts, or of the relative frequencies count/size when
-- the parts differ in size.  nil for fewer than two parts or no occurrence.
function M.juilland_d(counts, sizes)
  parts_args("juilland_d", counts, sizes)
  local k = #counts
  if k < 2 then return nil end
  local v, sum = {}, 0
  for i = 1, k do
    if sizes and sizes[i] == 0 then
      v[i] = 0
    else
      v[i] = sizes and counts[i] / sizes[i] or counts[i]
    end
    sum = sum + v[i]
  end
  local mean = sum / k
  if mean == 0 then return nil end
  local ss = 0
  for i = 1, k do ss = ss + (v[i] - mean) ^ 2 end
  local d = 1 - (sqrt(ss / k) / mean) / sqrt(k - 1)
  return d > 0 and d or 0.0
end

-- Gries' DP (Gries 2008) = ½ Σ |count_i / total − size_i / Σ size|, from 0
-- (spread as the parts' sizes predict) to 1 − the smallest expected share;
-- also DP_norm = DP / (1 − min share) (Lijffijt & Gries 2012), which reaches 1.
-- Returns dp, dp_norm; nil when nothing occurs (dp_norm nil for one part).
function M.gries_dp(counts, sizes)
  parts_args("gries_dp", counts, sizes)
  local k = #counts
  local total, whole = 0, 0
  for i = 1, k do
    total = total + counts[i]
    whole = whole + (sizes and sizes[i] or 1)
  end
  if total == 0 or whole == 0 then return nil end
  local dp, min = 0, 1
  for i = 1, k do
    local expected = (sizes and sizes[i] or 1) / whole
    if expected < min then min = expected end
    dp = dp + abs(counts[i] / total - expected)
  end
  dp = dp / 2
  if min >= 1 then return dp, nil end
  return dp, dp / (1 - min)
end

-- Document (part) frequency: the number of parts with at least one occurrence.
function M.doc_freq(counts)
  parts_args("doc_freq", counts)
  local n = 0
  for _, c in ipairs(counts) do if c > 0 then n = n + 1 end end
  return n
end

return M
