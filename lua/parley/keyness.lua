-- Keyness: which words are over-represented in one (sub-)corpus against
-- another, by log-likelihood, chi-squared, log ratio and %DIFF (formulas in
-- parley.stats and docs/statistics.md).  The API is keyness(a, b, opts) and
-- corpus:keyness(other, opts); `parley keyness` (lua/parley/cmd/keyness.lua)
-- prints it.  Sub-corpora of turns leave the speakers' labels out (see
-- corpus:spans), so the words compared are what each side said.
local E = require "parley.error"
local stats = require "parley.stats"

local M = {}

M.stats = { "ll", "chi2", "log_ratio", "pct_diff" }
local STAT = { ll = true, chi2 = true, log_ratio = true, pct_diff = true }
local DIRECTION = { a = true, b = true, both = true }

-- profile(corpus) -> { freq = { word = count }, size = tokens, label = text }:
-- what keyness needs of a corpus (folded word frequencies, punctuation left
-- out; the size counts every token, as corpus:size() does).
function M.profile(corpus)
  if type(corpus) == "table" and type(corpus.freq) == "table" and corpus.size then
    return corpus  -- a profile already
  end
  local freq = {}
  for _, r in ipairs(corpus:freq():totable()) do freq[r.word] = r.count end
  return { freq = freq, size = corpus:size(), label = corpus.filter or corpus.name }
end

-- rest(whole, part) -> the sub-corpus of what `whole` holds outside its
-- sub-corpus `part` (without speaker labels when part is made of turns: they
-- are no one's words on either side).
function M.rest(whole, part)
  for n, c in ipairs({ whole, part }) do
    if type(c) ~= "table" or type(c.where) ~= "function" or c.ix == nil then
      error(("bad argument #%d to 'rest' (a corpus or a sub-corpus expected, got %s)"):format(n, type(c)), E.level())
    end
  end
  local spans = whole.within or require("parley.hits").from(whole.ix, { 0, whole.ix:stats().tokens })
  spans = spans:minus(part.within or spans)
  if part.kind == "turn" and whole:has_kind("label") then spans = spans:minus(whole.ix:regions("label")) end
  return whole:sub(spans, "rest of " .. tostring(part.filter or part.name))
end

-- Is v something keyness can compare: a corpus or sub-corpus (it has freq
-- and size methods), or a profile ({ freq = { word = n }, size = n })?
local function comparable(v)
  if type(v) ~= "table" then return false end
  if type(v.freq) == "table" then return type(v.size) == "number" end
  return type(v.freq) == "function" and type(v.size) == "function"
end

-- Check the arguments of keyness(a, b, opts), numbered as for the method
-- a:keyness(b, opts); a mistake raises at the caller's line.
local function check_args(a, b, opts)
  local function got(v) return type(v) == "table" and "a table that is none of these" or type(v) end
  if not comparable(a) then
    error(("calling 'keyness' on bad self (a corpus, a sub-corpus or a profile expected, got %s)"):format(got(a)),
      E.level())
  end
  if not comparable(b) then
    error(("bad argument #1 to 'keyness' (a corpus, a sub-corpus or a profile expected, got %s)"):format(got(b)),
      E.level())
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #2 to 'keyness' (options must be a table, got %s)"):format(type(opts)), E.level())
  end
end

local function by_stat(stat)
  return function(x, y)
    local sx, sy = math.abs(x[stat] or 0), math.abs(y[stat] or 0)
    if sx ~= sy then return sx > sy end
    if x.ll ~= y.ll then return x.ll > y.ll end
    return x.word < y.word
  end
end

-- keyness(a, b, opts) -> rows { word, freq_a, freq_b, size_a, size_b, rel_a,
-- rel_b, ll, chi2, log_ratio, pct_diff }, the key words first (size_a and
-- size_b: the two sides' sizes in tokens, n1 and n2).  a and b are corpora (or
-- profiles).  opts: min (3: the least frequency in the corpus the word is key
-- in), direction ("a": words over-represented in a; "b"; "both"), stat
-- (sort key: "ll", "chi2", "log_ratio" or "pct_diff"; by absolute value),
-- limit.  Relative frequencies are per 10 000 tokens.
function M.keyness(a, b, opts)
  check_args(a, b, opts)
  opts = opts or {}
  local min, direction, stat = opts.min or 3, opts.direction or "a", opts.stat or "ll"
  if math.type(min) ~= "integer" or min < 1 then
    error("bad argument #2 to 'keyness' (min must be a whole number >= 1)", E.level())
  end
  if not DIRECTION[direction] then
    error(("bad argument #2 to 'keyness' (direction must be a, b or both, got '%s')"):format(tostring(direction)),
      E.level())
  end
  if not STAT[stat] then
    error(("bad argument #2 to 'keyness' (stat must be ll, chi2, log_ratio or pct_diff, got '%s')"):format(
      tostring(stat)), E.level())
  end
  if opts.limit ~= nil and (math.type(opts.limit) ~= "integer" or opts.limit < 0) then
    error(("bad argument #2 to 'keyness' (limit must be a whole number, at least 0, got %s)"):format(
      tostring(opts.limit)), E.level())
  end
  local pa, pb = M.profile(a), M.profile(b)
  local n1, n2 = pa.size, pb.size
  local words = {}
  for w in pairs(pa.freq) do words[w] = true end
  for w in pairs(pb.freq) do words[w] = true end
  local rows = {}
  for w in pairs(words) do
    local fa, fb = pa.freq[w] or 0, pb.freq[w] or 0
    local ra, rb = stats.rel(fa, n1), stats.rel(fb, n2)
    local key = ra > rb and "a" or rb > ra and "b" or nil
    if key and (direction == "both" or direction == key) and (key == "a" and fa or fb) >= min then
      rows[#rows + 1] = {
        word = w, freq_a = fa, freq_b = fb, size_a = n1, size_b = n2, rel_a = ra, rel_b = rb,
        ll = stats.log_likelihood(fa, fb, n1, n2), chi2 = stats.chi2(fa, fb, n1, n2),
        log_ratio = stats.log_ratio(fa, fb, n1, n2), pct_diff = stats.pct_diff(fa, fb, n1, n2),
      }
    end
  end
  table.sort(rows, by_stat(stat))
  if opts.limit and #rows > opts.limit then
    for i = #rows, opts.limit + 1, -1 do rows[i] = nil end
  end
  return rows, { size_a = n1, size_b = n2, label_a = pa.label, label_b = pb.label }
end

-- ------------------------------------------------------------ sides

-- The default comparison: the Soviet side's turns against the US side's.
M.default_a = { kind = "turn", side = "USSR" }
M.default_b = { kind = "turn", side = { "US" } }

-- "side=US speaker=McCloy" for a filter.
function M.describe(filter)
  local parts = {}
  for k, v in pairs(filter) do
    if k ~= "kind" then parts[#parts + 1] = k .. "=" .. (type(v) == "table" and table.concat(v, "|") or v) end
  end
  table.sort(parts)
  return table.concat(parts, " ")
end

-- The sub-corpus of a filter; which ("a", "b" or "default") names it in errors.
local function side(corpus, filter, which)
  local ok, s = E.pcall(corpus.where, corpus, filter)
  if not ok then
    if which == "default" then
      E.raise("this corpus has no turns with a side (" .. E.message(s)
        .. "); choose the sub-corpora with --a attr=value and --b attr=value", 0)
    end
    E.raise(("--%s %s: %s"):format(which, M.describe(filter), E.message(s)), 0)
  end
  if s:size() == 0 then
    E.raise(("%s is empty (no tokens where %s)"):format(
      which == "default" and "a default sub-corpus" or "--" .. which, M.describe(filter)), 0)
  end
  return s
end

-- labels(fa, fb) -> how the sides of two filters are named (as sides names them).
function M.labels(fa, fb)
  if not fa and not fb then return M.describe(M.default_a), M.describe(M.default_b) end
  if not fa then return "rest of corpus", M.describe(fb) end
  if not fb then return M.describe(fa), "rest of corpus" end
  return M.describe(fa), M.describe(fb)
end

-- The profile of a side of a part of a corpus (lua/parley/shard.lua), which
-- may hold none of it: what the sides' filters select there, empty when the
-- part has no such regions (another part may have them).
local function part_side(corpus, filter)
  local ok, s = E.pcall(corpus.where, corpus, filter)
  return ok and s or nil  -- an empty one is kept: the rest of it still leaves out labels
end

local function empty_profile() return { freq = {}, size = 0 } end

-- part_profiles(corpus, fa, fb) -> the profiles of the two sides in a part
-- of a corpus, as sides chooses them, each empty where the part holds none
-- of it: what the parts' profiles add up to is the whole corpus's.
function M.part_profiles(corpus, fa, fb)
  if not fa and not fb then fa, fb = M.default_a, M.default_b
  elseif not fa or not fb then
    local given = part_side(corpus, fa or fb)
    local rest = given and M.rest(corpus, given) or corpus
    local pg = given and given:size() > 0 and M.profile(given) or empty_profile()
    local pr = M.profile(rest)
    if fa then return pg, pr end
    return pr, pg
  end
  local a, b = part_side(corpus, fa), part_side(corpus, fb)
  return a and a:size() > 0 and M.profile(a) or empty_profile(), b and b:size() > 0 and M.profile(b) or empty_profile()
end

-- check_sizes(pa, pb, fa, fb): raise what sides says of an empty side, for
-- profiles added up from the parts of a corpus.
function M.check_sizes(pa, pb, fa, fb)
  for _, s in ipairs{ { pa, fa, "a", M.default_a }, { pb, fb, "b", M.default_b } } do
    local p, f, which, default = s[1], s[2], s[3], s[4]
    if p.size == 0 then
      if not fa and not fb then
        E.raise(("a default sub-corpus is empty (no tokens where %s)"):format(M.describe(default)), 0)
      end
      E.raise(("--%s is empty (no tokens where %s)"):format(which, f and M.describe(f) or "the rest of the corpus"), 0)
    end
  end
end

-- sides(corpus, fa, fb) -> a, b, label_a, label_b: the sub-corpora of two
-- filters; one of them alone is compared with the rest of the corpus;
-- neither gives the default.
function M.sides(corpus, fa, fb)
  if not fa and not fb then
    return side(corpus, M.default_a, "default"), side(corpus, M.default_b, "default"),
      M.describe(M.default_a), M.describe(M.default_b)
  end
  local a = fa and side(corpus, fa, "a")
  local b = fb and side(corpus, fb, "b")
  if not a then return M.rest(corpus, b), b, "rest of corpus", M.describe(fb) end
  if not b then return a, M.rest(corpus, a), M.describe(fa), "rest of corpus" end
  return a, b, M.describe(fa), M.describe(fb)
end

-- The columns: with each row the counts its figures are computed from (the
-- sides' sizes, which the line above the table gives on screen).
M.columns = {
  "word",
  { name = "freq_a", title = "freq A" }, { name = "freq_b", title = "freq B" },
  { name = "size_a", title = "size A", tty = false }, { name = "size_b", title = "size B", tty = false },
  { name = "rel_a", title = "per 10k A" }, { name = "rel_b", title = "per 10k B" },
  "ll", "chi2", "log_ratio", "pct_diff",
}

return M
