-- Keyness and collocates on the seed documents, through the API and the
-- bundled scripts.  Expected counts come from the documents tokenised again
-- (spec/18-counts.lua), not from the index; the statistics from the
-- formulas spec/18-stats_spec.lua checks by hand.
local h = require "spec.helpers"
local counts = require "spec.18-counts"
local cjson = require "cjson"
local stats = require "parley.stats"
local tokenizer = require "parley.tokenizer"

local function near(a, b) return math.abs(a - b) <= 1e-9 * math.max(1, math.abs(a)) end

-- The indexes of the tokens in the turns of the given sides.
local function side_tokens(c, tokens, sides)
  local want, set = {}, {}
  for _, s in ipairs(sides) do want[s] = true end
  for _, turn in ipairs(counts.turns(c, function(a) return want[a.side] end)) do
    for i = counts.index_of(tokens, turn.pos), counts.index_of(tokens, turn.stop) do set[i] = true end
  end
  return set
end

-- Frequencies and size of the tokens whose index passes keep(i) and is not in skip.
local function profile(tokens, skip, keep)
  local freq, size = {}, 0
  for i, t in ipairs(tokens) do
    if keep(i) and not skip[i] then
      size = size + 1
      if counts.counted(t) then freq[t.fold] = (freq[t.fold] or 0) + 1 end
    end
  end
  return freq, size
end

describe("keyness", function()
  local c, tokens, labels, ussr_tokens, fa, na, fb, nb
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
    labels = counts.labels(c, tokens)
    ussr_tokens = side_tokens(c, tokens, { "USSR" })
    local us_tokens = side_tokens(c, tokens, { "US" })
    fa, na = profile(tokens, labels, function(i) return ussr_tokens[i] end)
    fb, nb = profile(tokens, labels, function(i) return us_tokens[i] end)
  end)
  after_each(h.cleanup)

  it("compares the Soviet side's turns with the US side's, labels left out", function()
    local ussr, us = c:where{ kind = "turn", side = "USSR" }, c:where{ kind = "turn", side = "US" }
    local rows, info = ussr:keyness(us, { min = 3, direction = "both" })
    assert.equal(na, info.size_a)
    assert.equal(nb, info.size_b)
    assert.same({ na, nb }, { ussr:size(), us:size() })  -- sub-corpora of turns leave the labels out
    local with, nwith = profile(tokens, {}, function(i) return ussr_tokens[i] end)
    assert.is_true(nwith > na and with["mikoyan"] > (fa["mikoyan"] or 0))  -- "A. I. Mikoyan:" was in them
    local seen = {}
    for _, r in ipairs(rows) do
      seen[r.word] = true
      assert.equal(fa[r.word] or 0, r.freq_a, r.word)
      assert.equal(fb[r.word] or 0, r.freq_b, r.word)
      assert.is_true(near(stats.rel(r.freq_a, na), r.rel_a))
      assert.is_true(near(stats.log_likelihood(r.freq_a, r.freq_b, na, nb), r.ll))
      assert.is_true(near(stats.chi2(r.freq_a, r.freq_b, na, nb), r.chi2))
      assert.is_true(near(stats.log_ratio(r.freq_a, r.freq_b, na, nb), r.log_ratio))
    end
    -- every word over-represented on a side with at least 3 uses there is listed
    local expected, words = 0, {}
    for w in pairs(fa) do words[w] = true end
    for w in pairs(fb) do words[w] = true end
    for w in pairs(words) do
      local a, b = fa[w] or 0, fb[w] or 0
      local ra, rb = a / na, b / nb
      if (ra > rb and a >= 3) or (rb > ra and b >= 3) then
        expected = expected + 1
        assert.is_true(seen[w], w)
      end
    end
    assert.equal(expected, #rows)
    -- sorted by log-likelihood
    for i = 2, #rows do assert.is_true(rows[i - 1].ll >= rows[i].ll) end
  end)

  it("finds what each side talks about", function()
    local rows = c:where{ kind = "turn", side = "USSR" }:keyness(c:where{ kind = "turn", side = "US" })
    local top = {}
    for i = 1, 10 do top[rows[i].word] = rows[i] end
    -- "document": the Soviet side wants the settlement in writing
    assert.is_truthy(top.document)
    assert.equal(fa.document, top.document.freq_a)
    assert.equal(0, top.document.freq_b)
    assert.is_nil(fb.document)
    for _, r in ipairs(rows) do assert.is_true(r.rel_a > r.rel_b and r.freq_a >= 3) end
    local theirs = c:where{ kind = "turn", side = "US" }:keyness(c:where{ kind = "turn", side = "USSR" }, { limit = 10 })
    top = {}
    for _, r in ipairs(theirs) do top[r.word] = r end
    assert.is_truthy(top.red and top.cross)  -- the Red Cross inspection the Americans press for
    assert.equal(fb.red, top.red.freq_a)
  end)

  it("counts a turn's label nowhere: not in a side, not in the rest", function()
    -- the 82 labels of the dinner record's turns and the telegram's 39 hold these tokens
    local n = 0
    for _ in pairs(labels) do n = n + 1 end
    assert.is_true(n > 82 * 2)
    local rest = require("parley.keyness").rest(c, c:where{ kind = "turn", side = "USSR" })
    local us_and_narration = c:size() - c:where{ kind = "turn", side = "USSR" }:size() - n
    assert.equal(us_and_narration, rest:size())
  end)

  it("prints the default comparison as JSON with raw frequencies", function()
    local rows = cjson.decode(counts.ok("keyness", "--format", "json", "--min", "4"))
    assert.is_true(#rows > 0)
    for i, r in ipairs(rows) do
      assert.equal(fa[r.word] or 0, r.freq_a)
      assert.equal(fb[r.word] or 0, r.freq_b)
      assert.is_true(r.freq_a >= 4)
      assert.is_true(i == 1 or rows[i - 1].ll >= r.ll)
    end
    -- sorted by log ratio instead, the other side's key words
    local lr = cjson.decode(counts.ok("keyness", "--format", "json", "--stat", "log_ratio", "--direction", "b"))
    for i, r in ipairs(lr) do
      assert.is_true(r.log_ratio < 0 and r.freq_b >= 3)
      assert.is_true(i == 1 or math.abs(lr[i - 1].log_ratio) >= math.abs(r.log_ratio))
    end
    -- a word absent from B has an infinite %DIFF: null in JSON, "inf" in TSV
    local tsv = counts.lines(counts.ok("keyness", "--format", "tsv"))
    assert.equal("word\tfreq_a\tfreq_b\tsize_a\tsize_b\trel_a\trel_b\tll\tchi2\tlog_ratio\tpct_diff", tsv[1])
    assert.matches("\n[^\t]+\t%d+\t0\t%d+\t%d+\t[%d.]+\t0%.0\t[%d.]+\t[%d.]+\t[%d.]+\tinf\n",
      table.concat(tsv, "\n") .. "\n")
    local tty = counts.ok("keyness")
    assert.matches("^A: side=USSR %(" .. na .. " tokens%)   B: side=US %(" .. nb .. " tokens%)\n", tty)
  end)

  it("compares one sub-corpus with the rest of the corpus", function()
    local rows = cjson.decode(counts.ok("keyness", "--a", "type=telegram", "--format", "json", "--min", "5"))
    local function in_telegram(i) return tokens[i].doc == "telegram-1962-11-02" end
    -- documents keep their labels: they are part of the document's text
    local tel, ntel = profile(tokens, {}, in_telegram)
    local rest, nrest = profile(tokens, {}, function(i) return not in_telegram(i) end)
    assert.is_true(#rows > 0)
    for _, r in ipairs(rows) do
      assert.equal(tel[r.word] or 0, r.freq_a)
      assert.equal(rest[r.word] or 0, r.freq_b)
      assert.is_true(near(stats.log_likelihood(r.freq_a, r.freq_b, ntel, nrest), r.ll))
    end
    -- "usa" is the telegram's spelling: 11 times there, never in the dinner record
    assert.same({ "usa", 11, 0 }, { rows[1].word, rows[1].freq_a, rows[1].freq_b })
    -- one side against the rest: the turns of the other sides and the narration, no labels
    local ussr = c:where{ kind = "turn", side = "USSR" }
    local others, nothers = profile(tokens, labels, function(i) return not ussr_tokens[i] end)
    local r, info = ussr:keyness(require("parley.keyness").rest(c, ussr), { direction = "both" })
    assert.same({ na, nothers }, { info.size_a, info.size_b })
    assert.is_true(#r > 0)
    for _, row in ipairs(r) do
      assert.equal(fa[row.word] or 0, row.freq_a)
      assert.equal(others[row.word] or 0, row.freq_b, row.word)
    end
  end)

  it("reports bad options clearly", function()
    assert.matches("^parley: keyness: %-%-a needs attr=value, got 'telegram'",
      counts.mistake("keyness", "--a", "telegram"))
    assert.matches("^parley: keyness: %-%-a nosuch=1: no region kind has attribute 'nosuch' %(attributes: .*%)\n$",
      counts.mistake("keyness", "--a", "nosuch=1"))
    assert.equal("parley: keyness: --b side=Mars: no turns where side=Mars; sides are: US, USSR\n",
      counts.mistake("keyness", "--a", "side=USSR", "--b", "side=Mars"))
    assert.equal("parley: keyness: --b is empty (no tokens where side=US speaker=A. I. Mikoyan)\n",
      counts.mistake("keyness", "--a", "side=USSR", "--b", "side=US", "--b", "speaker=A. I. Mikoyan"))
    assert.matches("^parley: keyness: option '%-%-stat' must be one of ll, chi2, log_ratio, pct_diff, got 'p'",
      counts.mistake("keyness", "--stat", "p"))
    assert.matches("^parley: keyness: option '%-%-min' needs a whole number of at least 1, got '0'",
      counts.mistake("keyness", "--min", "0"))
    assert.matches("^parley: keyness: unexpected argument 'cuba'", counts.mistake("keyness", "cuba"))
    -- a corpus without turns has no default comparison
    local dir = h.tmpdir()
    h.write(dir .. "/a.txt", "Cuba and the blockade.\n")
    assert.matches("^parley: keyness: this corpus has no turns with a side",
      counts.mistake("keyness", "--corpus", dir))
    assert.has_error(function() c:keyness(c, { direction = "up" }) end,
      "bad argument #2 to 'keyness' (direction must be a, b or both, got 'up')")
  end)
end)

describe("collocates", function()
  local c, tokens
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
  end)
  after_each(h.cleanup)

  -- Surface co-occurrence, counted by hand: the tokens within left/right of
  -- any mention of a query, in its document, not part of a mention; each
  -- token once however many windows hold it.  Returns the counts of the
  -- collocates, the number of mentions and the tokens the windows hold (R1).
  local function windows(queries, left, right)
    local observed, nodes = {}, counts.mentions(tokens, queries)
    local len = select(2, queries[1]:gsub("%S+", ""))  -- tokens in the node phrase
    local inside, node = {}, {}
    for _, i in ipairs(nodes) do for k = i, i + len - 1 do node[k] = true end end
    for _, i in ipairs(nodes) do
      for j = i - left, i + len - 1 + right do
        if tokens[j] and tokens[j].doc == tokens[i].doc and not node[j] then inside[j] = true end
      end
    end
    local r1 = 0
    for j in pairs(inside) do
      r1 = r1 + 1
      if counts.counted(tokens[j]) then observed[tokens[j].fold] = (observed[tokens[j].fold] or 0) + 1 end
    end
    return observed, #nodes, r1
  end

  local function frequencies()
    local f = {}
    for _, t in ipairs(tokens) do
      if counts.counted(t) then f[t.fold] = (f[t.fold] or 0) + 1 end
    end
    return f
  end

  it("counts what occurs within five tokens of inspection", function()
    local observed, fn, r1 = windows({ "inspection" }, 5, 5)
    local freq = frequencies()
    local rows, info = c:collocates("inspection")
    assert.equal(fn, info.f_node)
    assert.equal(#tokens, info.size)
    assert.equal(10, info.span)
    assert.equal(r1, info.window)
    assert.is_true(r1 < fn * 10)                  -- some windows overlap
    local expected = 0
    for _, o in pairs(observed) do if o >= 2 then expected = expected + 1 end end
    assert.equal(expected, #rows)
    for i, r in ipairs(rows) do
      assert.equal(observed[r.collocate], r.observed, r.collocate)
      assert.equal(freq[r.collocate], r.f_collocate, r.collocate)
      assert.is_true(near(r1 * r.f_collocate / #tokens, r.expected))
      assert.is_true(near(math.log(r.observed / r.expected, 2), r.mi))
      assert.is_true(near(14 + math.log(2 * r.observed / (r1 + r.f_collocate), 2), r.logdice))
      -- a consistent contingency table: never more co-occurrences than occurrences or window tokens
      assert.is_true(r.observed <= r.f_collocate and r.observed <= r1 and r.dice <= 1, r.collocate)
      assert.is_true(i == 1 or rows[i - 1].logdice >= r.logdice)
    end
    local by = {}
    for _, r in ipairs(rows) do by[r.collocate] = r end
    -- "ground inspection", "Red Cross" inspection
    assert.is_true(by.ground.mi > 3 and by.cross.observed == observed.cross)
    -- "fail" occurs once, between two close mentions of inspection: counted once, not twice
    local fail
    for _, r in ipairs((c:collocates("inspection", { min = 1 }))) do if r.collocate == "fail" then fail = r end end
    assert.same({ 1, 1, 1 }, { freq.fail, observed.fail, fail.observed })
  end)

  it("keeps the table consistent where windows overlap most", function()
    for _, q in ipairs { "the", "cuba", "of" } do
      local _, _, r1 = windows({ q }, 5, 5)
      local rows, info = c:collocates(q, { min = 1 })
      assert.equal(r1, info.window, q)
      for _, r in ipairs(rows) do
        assert.is_true(r.observed <= r.f_collocate, q .. ": " .. r.collocate)
        assert.is_true(r.observed <= info.window and r.dice <= 1 and r.dice > 0, q .. ": " .. r.collocate)
        assert.is_true(r.ll >= 0)
      end
    end
  end)

  it("takes a phrase, a one-sided window, a measure and a minimum", function()
    local observed, _, r1 = windows({ "red cross" }, 3, 0)
    local rows = cjson.decode(counts.ok("collocates", "red", "cross", "--left", "3", "--right", "0",
      "--measure", "ll", "--min", "1", "--format", "json"))
    local n = 0
    for _ in pairs(observed) do n = n + 1 end
    assert.equal(n, #rows)
    for i, r in ipairs(rows) do
      assert.equal(observed[r.collocate], r.observed)
      assert.is_true(near(stats.collocation_ll(r.observed, r1, r.f_collocate, #tokens), r.ll))
      assert.is_true(i == 1 or rows[i - 1].ll >= r.ll)
    end
    -- "International Red Cross": twice, out of five uses of "international"
    local intl
    for _, r in ipairs(rows) do if r.collocate == "international" then intl = r end end
    assert.same({ 2, 5 }, { intl.observed, intl.f_collocate })
  end)

  it("works in a sub-corpus with its own frequencies", function()
    local tel = c:where{ type = "telegram" }
    local rows, info = tel:collocates("missiles", { min = 1 })
    assert.equal(tel:count("missiles"), info.f_node)
    assert.equal(tel:size(), info.size)
    local f = {}
    for _, t in ipairs(tokens) do
      if t.doc == "telegram-1962-11-02" and counts.counted(t) then f[t.fold] = (f[t.fold] or 0) + 1 end
    end
    for _, r in ipairs(rows) do assert.equal(f[r.collocate], r.f_collocate, r.collocate) end
  end)

  it("prints nothing but the header for a query without hits", function()
    local tsv = counts.ok("collocates", "zanzibar", "--format", "tsv")
    assert.equal("collocate\tobserved\texpected\tf_collocate\twindow\tsize\tf_node\tmi\tmi3\tt\tz\tll\tdice\tlogdice\n", tsv)
  end)

  it("reports bad options clearly", function()
    assert.matches("^parley: collocates: missing QUERY", counts.mistake("collocates"))
    assert.equal("parley: collocates: --left and --right are both 0: the window is empty\n",
      counts.mistake("collocates", "cuba", "--left", "0", "--right", "0"))
    assert.matches("^parley: collocates: option '%-%-measure' must be one of logdice, ll, mi, mi3, t, z, dice, observed, got 'pmi'",
      counts.mistake("collocates", "cuba", "--measure", "pmi"))
    assert.matches("^parley: collocates: option '%-%-left' needs a whole number of at least 0, got '%-2'",
      counts.mistake("collocates", "cuba", "--left", "-2"))
    local _, err, code = h.run({ "collocates", '"red cross' })  -- a query's fault: three lines, with a caret
    assert.equal(1, code)
    assert.equal('parley: collocates: bad query: this " has no closing "\n  "red cross\n  ^\n', err)
    assert.has_error(function() c:collocates("cuba", { left = 2000 }) end,
      "bad argument #2 to 'collocates' (left must be a whole number from 0 to 1000)")
  end)
end)
