-- Keyness: which words are over-represented in one (sub-)corpus against
-- another, by log-likelihood, chi-squared, log ratio and %DIFF (formulas in
-- parley.stats and docs/statistics.md).  scripts/keyness.lua calls main;
-- the API is keyness(a, b, opts) and corpus:keyness(other, opts).
local cli = require "parley.cli"
local format = require "parley.format"
local stats = require "parley.stats"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"

local M = {}

local WORD, NUMBER = 1, 2  -- token kinds of ix:tokens (PL_TOK_WORD, PL_TOK_NUMBER)

M.stats = { "ll", "chi2", "log_ratio", "pct_diff" }
local STAT = { ll = true, chi2 = true, log_ratio = true, pct_diff = true }
local DIRECTION = { a = true, b = true, both = true }

-- The speaker labels that open the turns lying in a (sub-)corpus ("A. I.
-- Mikoyan" in "A. I. Mikoyan: …" or "A. I. Mikoyan says …": the turn's
-- `label` attribute, where its words are the turn's first tokens): folded
-- word -> count, and the number of tokens they take.
local function labels_of(corpus)
  local ix, words, ntok = corpus.ix, {}, 0
  local has_turns = false
  for _, k in ipairs(ix:kinds()) do has_turns = has_turns or k.name == "turn" end
  if not has_turns then return words, 0 end
  local turns = ix:regions("turn")
  turns = turns:union(turns:sub(1, 0))  -- a turn of two speakers is recorded twice
  if corpus.within then turns = turns:inside(corpus.within) end
  for i = 1, #turns do
    local s, e = turns:span(i)
    local n, rs, _, attrs = ix:region_at("turn", s)
    local parts = n and rs == s and attrs.label and tokenizer.words(attrs.label) or {}
    if #parts > 0 and s + #parts <= e then
      local toks, same = ix:tokens(s, s + #parts - 1), true
      for j, w in ipairs(parts) do same = same and toks[j].text == w end
      if same then
        ntok = ntok + #parts
        for j, w in ipairs(parts) do
          if toks[j].kind == WORD or toks[j].kind == NUMBER then  -- what freq counts
            w = text.fold(w)
            words[w] = (words[w] or 0) + 1
          end
        end
      end
    end
  end
  return words, ntok
end

-- profile(corpus, opts) -> { freq = { word = count }, size = tokens, label = text }:
-- what keyness needs of a corpus (folded word frequencies, punctuation left
-- out; the size counts every token, as corpus:size() does).  Unless
-- opts.labels, the speaker labels that open the turns in it are left out of
-- both: they name the speaker, they are not what the speaker said.
function M.profile(corpus, opts)
  if type(corpus) == "table" and type(corpus.freq) == "table" and corpus.size then
    return corpus  -- a profile already
  end
  local freq = {}
  for _, r in ipairs(corpus:freq():totable()) do freq[r.word] = r.count end
  local size = corpus:size()
  if not (opts and opts.labels) then
    local words, ntok = labels_of(corpus)
    for w, n in pairs(words) do
      freq[w] = freq[w] and freq[w] > n and freq[w] - n or nil
    end
    size = size - ntok
  end
  return { freq = freq, size = size, label = corpus.filter or corpus.name }
end

-- rest(whole, part, opts) -> the profile of what the corpus `whole` holds
-- outside its sub-corpus `part` (frequencies and size by subtraction; opts
-- as for profile).
function M.rest(whole, part, opts)
  local w, p = M.profile(whole, opts), M.profile(part, opts)
  local freq = {}
  for word, n in pairs(w.freq) do
    local left = n - (p.freq[word] or 0)
    if left > 0 then freq[word] = left end
  end
  return { freq = freq, size = w.size - p.size, label = "rest of " .. tostring(w.label) }
end

local function by_stat(stat)
  return function(x, y)
    local sx, sy = math.abs(x[stat] or 0), math.abs(y[stat] or 0)
    if sx ~= sy then return sx > sy end
    if x.ll ~= y.ll then return x.ll > y.ll end
    return x.word < y.word
  end
end

-- keyness(a, b, opts) -> rows { word, freq_a, freq_b, rel_a, rel_b, ll, chi2,
-- log_ratio, pct_diff }, the key words first.  a and b are corpora (or
-- profiles).  opts: min (3: the least frequency in the corpus the word is key
-- in), direction ("a": words over-represented in a; "b"; "both"), stat
-- (sort key: "ll", "chi2", "log_ratio" or "pct_diff"; by absolute value),
-- limit, labels (keep the speaker labels that open turns; see profile).
-- Relative frequencies are per 10 000 tokens.
function M.keyness(a, b, opts)
  opts = opts or {}
  local min, direction, stat = opts.min or 3, opts.direction or "a", opts.stat or "ll"
  if math.type(min) ~= "integer" or min < 1 then error("bad argument #2 to 'keyness' (min must be a whole number >= 1)", 2) end
  if not DIRECTION[direction] then
    error(("bad argument #2 to 'keyness' (direction must be a, b or both, got '%s')"):format(tostring(direction)), 2)
  end
  if not STAT[stat] then
    error(("bad argument #2 to 'keyness' (stat must be ll, chi2, log_ratio or pct_diff, got '%s')"):format(tostring(stat)), 2)
  end
  local pa, pb = M.profile(a, opts), M.profile(b, opts)
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
        word = w, freq_a = fa, freq_b = fb, rel_a = ra, rel_b = rb,
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

-- ------------------------------------------------------------ the command

M.spec = {
  name = "keyness",
  usage = "parley keyness [--corpus DIR] [--a attr=value] [--b attr=value] [--min N] "
    .. "[--stat ll|chi2|log_ratio|pct_diff] [--direction a|b|both] [--limit N] [--labels] "
    .. "[--format tty|tsv|csv|json|md]",
  options = {
    corpus = { arg = true },
    a = { arg = true, multi = true },
    b = { arg = true, multi = true },
    min = { arg = true, number = true, default = 3 },
    stat = { arg = true, choices = M.stats, default = "ll" },
    direction = { arg = true, choices = { "a", "b", "both" }, default = "a" },
    limit = { arg = true, number = true, min = 0 },
    labels = {},
    format = { arg = true, choices = format.formats, default = "tty" },
    repair = {},
  },
}

-- The default comparison: the Soviet side's turns against the US side's.
M.default_a = { kind = "turn", side = "USSR" }
M.default_b = { kind = "turn", side = { "US" } }

local function describe(filter)
  local parts = {}
  for k, v in pairs(filter) do
    if k ~= "kind" then parts[#parts + 1] = k .. "=" .. (type(v) == "table" and table.concat(v, "|") or v) end
  end
  table.sort(parts)
  return table.concat(parts, " ")
end

-- The sub-corpus of a filter, or a clear failure naming the option.
local function sub(corpus, filter, which)
  local ok, s = pcall(corpus.where, corpus, filter)
  if not ok then
    local msg = tostring(s):gsub("^.-:%d+: ", "")
    if which == "default" then
      cli.fail("keyness: this corpus has no turns with a side (" .. msg
        .. "); choose the sub-corpora with --a attr=value and --b attr=value")
    end
    cli.fail(("keyness: --%s %s: %s"):format(which, describe(filter), msg))
  end
  if s:size() == 0 then
    cli.fail(("keyness: %s is empty (no tokens where %s)"):format(
      which == "default" and "a default sub-corpus" or "--" .. which, describe(filter)))
  end
  return s
end

-- The two sides the options ask for: --a and --b; one of them alone is
-- compared with the rest of the corpus; neither gives the default.
function M.sides(corpus, opts)
  for _, which in ipairs({ "a", "b" }) do
    for _, w in ipairs(opts[which] or {}) do
      if not w:find("^[%w_]+=") then cli.fail(("keyness: --%s needs attr=value, got '%s'"):format(which, w)) end
    end
  end
  local fa, fb = cli.where(opts.a, "keyness"), cli.where(opts.b, "keyness")
  if not fa and not fb then
    return sub(corpus, M.default_a, "default"), sub(corpus, M.default_b, "default"),
      describe(M.default_a), describe(M.default_b)
  end
  local a = fa and sub(corpus, fa, "a")
  local b = fb and sub(corpus, fb, "b")
  local popts = { labels = opts.labels }
  if not a then return M.rest(corpus, b, popts), b, "rest of corpus", describe(fb) end
  if not b then return a, M.rest(corpus, a, popts), describe(fa), "rest of corpus" end
  return a, b, describe(fa), describe(fb)
end

function M.main(args, out)
  local opts = cli.start(args, M.spec)
  if not opts then return end
  local corpus = cli.open_corpus(opts, "keyness")
  local a, b, la, lb = M.sides(corpus, opts)
  local rows, info = M.keyness(a, b, { min = opts.min, stat = opts.stat, direction = opts.direction,
                                       limit = opts.limit, labels = opts.labels })
  out = out or io.stdout
  if opts.format == "tty" then
    out:write(("A: %s (%d tokens)   B: %s (%d tokens)\n"):format(la, info.size_a, lb, info.size_b))
  end
  format.write(rows, {
    "word",
    { name = "freq_a", title = "freq A" }, { name = "freq_b", title = "freq B" },
    { name = "rel_a", title = "per 10k A" }, { name = "rel_b", title = "per 10k B" },
    "ll", "chi2", "log_ratio", "pct_diff",
  }, opts.format, out)
end

return M
