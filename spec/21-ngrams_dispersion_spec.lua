-- `parley ngrams` (whole corpus and per speaker) and corpus:dispersion (by
-- document, by speaker, over equal parts) on the seed documents.  Expected
-- numbers come from the documents tokenised again (spec/18-counts.lua); D and
-- DP are recomputed here from those counts with the formulas written out.
local h = require "spec.helpers"
local counts = require "spec.18-counts"
local cjson = require "cjson"

-- n-grams of counted tokens in tokens[from..to], never across a punctuation
-- token or a document boundary: ngram -> count, added to into.
local function ngrams_in(tokens, from, to, n, into, skip)
  local run = {}
  for i = from, to do
    local t = tokens[i]
    local gone = skip and skip[i]            -- a speaker label: not the speaker's words, and a break
    if gone or not counts.counted(t) or (run[1] and tokens[i - 1].doc ~= t.doc) then run = {} end
    if counts.counted(t) and not gone then
      run[#run + 1] = t.fold
      if #run > n then table.remove(run, 1) end
      if #run == n then
        local g = table.concat(run, " ")
        into[g] = (into[g] or 0) + 1
      end
    end
  end
  return into
end

-- The rows with count >= min of an ngram -> count table, as a set "ngram\tcount".
local function as_set(t, min)
  local out, n = {}, 0
  for g, k in pairs(t) do
    if k >= min then out[g .. "\t" .. k] = true; n = n + 1 end
  end
  return out, n
end

describe("parley ngrams", function()
  local c, tokens
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
  end)
  after_each(h.cleanup)

  it("lists the bigrams of the corpus that occur at least twice", function()
    local rows = cjson.decode(counts.ok("ngrams", "--format", "json"))
    local want, n = as_set(ngrams_in(tokens, 1, #tokens, 2, {}), 2)
    assert.equal(n, #rows)
    for i, r in ipairs(rows) do
      assert.is_true(want[("%s\t%d"):format(r.ngram, r.count)], r.ngram)
      assert.is_true(i == 1 or rows[i - 1].count >= r.count)
    end
    assert.same({ "of the", 84 }, { rows[1].ngram, rows[1].count })
  end)

  it("takes N and --min", function()
    local rows = cjson.decode(counts.ok("ngrams", "4", "--min", "3", "--format", "json"))
    local want, n = as_set(ngrams_in(tokens, 1, #tokens, 4, {}), 3)
    assert.equal(n, #rows)
    for _, r in ipairs(rows) do assert.is_true(want[("%s\t%d"):format(r.ngram, r.count)], r.ngram) end
    local tsv = counts.lines(counts.ok("ngrams", "3", "--min", "5", "--format", "tsv"))
    assert.equal("ngram\tcount", tsv[1])
    assert.equal(select(2, as_set(ngrams_in(tokens, 1, #tokens, 3, {}), 5)) + 1, #tsv)
  end)

  it("counts each speaker's n-grams within that speaker's turns", function()
    local rows = cjson.decode(counts.ok("ngrams", "3", "--by", "speaker", "--min", "2", "--format", "json"))
    local per, speakers, labels = {}, {}, counts.labels(c, tokens)
    for _, r in ipairs(c:regions("turn")) do speakers[r.attrs.speaker] = true end
    for who in pairs(speakers) do
      local grams = {}
      for _, turn in ipairs(counts.turns(c, function(a) return a.speaker == who end)) do
        ngrams_in(tokens, counts.index_of(tokens, turn.pos), counts.index_of(tokens, turn.stop), 3, grams, labels)
      end
      per[who] = as_set(grams, 2)
    end
    local seen, prev = {}, nil
    for _, r in ipairs(rows) do
      assert.is_true(per[r.speaker][("%s\t%d"):format(r.ngram, r.count)], r.speaker .. ": " .. r.ngram)
      seen[r.speaker] = (seen[r.speaker] or 0) + 1
      assert.is_true(prev == nil or prev <= r.speaker)  -- speakers in order
      prev = r.speaker
    end
    for who, set in pairs(per) do
      local n = 0
      for _ in pairs(set) do n = n + 1 end
      assert.equal(n, seen[who] or 0, who)
    end
    -- Stevenson talks about "the red cross"
    local red
    for _, r in ipairs(rows) do
      if r.speaker == "Adlai Stevenson" and r.ngram == "the red cross" then red = r.count end
    end
    assert.is_true(red >= 2 and per["Adlai Stevenson"][("the red cross\t%d"):format(red)])
    local tty = counts.lines(counts.ok("ngrams", "2", "--by", "speaker", "--limit", "1"))
    assert.matches("^speaker%s+ngram%s+count$", tty[1])
  end)

  it("reports bad arguments", function()
    assert.equal("parley: ngrams: N must be a whole number from 1 to 8, got '9'\n", counts.mistake("ngrams", "9"))
    assert.equal("parley: ngrams: N must be a whole number from 1 to 8, got 'two'\n", counts.mistake("ngrams", "two"))
    assert.matches("^parley: ngrams: no region kind has attribute 'mood' %(attributes: [^)]*speaker[^)]*%)\n$",
      counts.mistake("ngrams", "--by", "mood"))
    -- the reproducer: no label token ("McCloy :") in any speaker's n-grams
    for _, r in ipairs(cjson.decode(counts.ok("ngrams", "2", "--by", "speaker", "--min", "1", "--punct", "--format", "json"))) do
      assert.is_nil(r.ngram:find("mccloy :", 1, true), r.speaker .. ": " .. r.ngram)
    end
    assert.matches("^parley: ngrams: unexpected argument '3'", counts.mistake("ngrams", "2", "3"))
    assert.matches("^parley: ngrams: option '%-%-min' needs a whole number of at least 1, got '0'",
      counts.mistake("ngrams", "--min", "0"))
  end)
end)

-- Juilland's D and Gries' DP written out again for the checks below.
local function juilland(cs, sizes)
  local k, v, sum = #cs, {}, 0
  for i = 1, k do v[i] = cs[i] / sizes[i]; sum = sum + v[i] end
  local mean, ss = sum / k, 0
  for i = 1, k do ss = ss + (v[i] - mean) ^ 2 end
  return 1 - math.sqrt(ss / k) / mean / math.sqrt(k - 1)
end
local function gries(cs, sizes)
  local total, whole, dp = 0, 0, 0
  for i = 1, #cs do total, whole = total + cs[i], whole + sizes[i] end
  for i = 1, #cs do dp = dp + math.abs(cs[i] / total - sizes[i] / whole) end
  return dp / 2
end
local function near(a, b) return math.abs(a - b) < 1e-9 end

describe("corpus:dispersion", function()
  local c, tokens
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
  end)

  it("spreads a word over the documents", function()
    local d = c:dispersion("quarantine")
    local cs, sizes, names = {}, {}, {}
    for _, t in ipairs(tokens) do
      if not names[t.doc] then names[#names + 1] = t.doc; names[t.doc] = #names; cs[#names], sizes[#names] = 0, 0 end
      local i = names[t.doc]
      sizes[i] = sizes[i] + 1
      if t.fold == "quarantine" then cs[i] = cs[i] + 1 end
    end
    assert.equal("doc", d.by)
    assert.equal(2, #d.rows)
    for i, r in ipairs(d.rows) do
      assert.same({ names[i], cs[i], sizes[i] }, { r.part, r.count, r.size })
      assert.is_true(near(cs[i] / sizes[i] * 10000, r.rel))
    end
    assert.equal(cs[1] + cs[2], d.total)
    assert.equal(2, d.df)
    assert.is_true(near(juilland(cs, sizes), d.d))
    assert.is_true(near(gries(cs, sizes), d.dp))
  end)

  -- a speaker's part is the text of their turns without the speaker labels
  -- (found again from the label regions' byte spans: counts.labels)
  it("spreads a word over the speakers' turns, labels left out", function()
    local d = c:dispersion("inspection", { by = "speaker" })
    local labels = counts.labels(c, tokens)
    local who = {}
    for _, r in ipairs(c:regions("turn")) do who[r.attrs.speaker] = true end
    local names = {}
    for w in pairs(who) do names[#names + 1] = w end
    table.sort(names)
    local cs, sizes = {}, {}
    for i, w in ipairs(names) do
      cs[i], sizes[i] = 0, 0
      for _, turn in ipairs(counts.turns(c, function(a) return a.speaker == w end)) do
        for k = counts.index_of(tokens, turn.pos), counts.index_of(tokens, turn.stop) do
          if not labels[k] then
            sizes[i] = sizes[i] + 1
            if tokens[k].fold == "inspection" then cs[i] = cs[i] + 1 end
          end
        end
      end
    end
    assert.equal(#names, #d.rows)
    local df = 0
    for i, r in ipairs(d.rows) do
      assert.same({ names[i], cs[i], sizes[i] }, { r.part, r.count, r.size })
      if cs[i] > 0 then df = df + 1 end
    end
    assert.equal(df, d.df)
    assert.is_true(near(juilland(cs, sizes), d.d))
    assert.is_true(near(gries(cs, sizes), d.dp))
  end)

  it("counts a turn given to two speakers of one side once for the side", function()
    local d = c:dispersion("inspection", { by = "side" })
    local labels = counts.labels(c, tokens)
    for _, r in ipairs(d.rows) do
      local n, size = 0, 0
      for _, turn in ipairs(counts.turns(c, function(a) return a.side == r.part end)) do
        for k = counts.index_of(tokens, turn.pos), counts.index_of(tokens, turn.stop) do
          if not labels[k] then
            size = size + 1
            if tokens[k].fold == "inspection" then n = n + 1 end
          end
        end
      end
      assert.same({ n, size }, { r.count, r.size }, r.part)
    end
  end)

  it("spreads a word over equal parts of the transcript", function()
    local talk = c:where{ type = "transcript" }
    local d = talk:dispersion("red cross", { parts = 7 })
    local from, to
    for i, t in ipairs(tokens) do
      if t.doc == "dinner-1962-11-01" then from = from or i; to = i end
    end
    local width, cs, sizes = to - from + 1, {}, {}
    for p = 1, 7 do cs[p], sizes[p] = 0, p * width // 7 - (p - 1) * width // 7 end
    for _, i in ipairs(counts.mentions(tokens, { "red cross" }, from, to)) do
      local p = (i - from) * 7 // width + 1
      cs[p] = cs[p] + 1
    end
    assert.equal("parts", d.by)
    for p, r in ipairs(d.rows) do assert.same({ tostring(p), cs[p], sizes[p] }, { r.part, r.count, r.size }) end
    assert.is_true(near(juilland(cs, sizes), d.d))
    assert.is_true(near(gries(cs, sizes), d.dp))
  end)

  it("puts a hit on a part boundary in the part it opens", function()
    local dir = h.tmpdir()
    -- ten tokens; "x" at offsets 0, 4, 5 and 9; five parts of two tokens
    h.write(dir .. "/a.txt", "x a b c x x d e f x\n")
    local small = assert(parley.open(dir))
    local d = small:dispersion("x", { parts = 5 })
    local got = {}
    for i, r in ipairs(d.rows) do got[i] = r.count end
    assert.same({ 1, 0, 2, 0, 1 }, got)
    -- one document: D and DP need two parts or more
    local one = small:dispersion("x")
    assert.same({ 1, 4, 1 }, { #one.rows, one.total, one.df })
    assert.is_nil(one.d)
    assert.equal(0, one.dp)
    -- nothing found
    local none = small:dispersion("zanzibar", { parts = 3 })
    assert.same({ 0, 0 }, { none.total, none.df })
    assert.is_nil(none.d)
    assert.is_nil(none.dp)
  end)

  it("raises for bad options", function()
    assert.has_error(function() c:dispersion("cuba", { parts = 0 }) end,
      "bad argument #2 to 'dispersion' (parts must be a whole number >= 1)")
    local ok, e = pcall(c.dispersion, c, "cuba", { by = "mood" })
    assert.is_false(ok)
    assert.matches("^no region kind has attribute 'mood'", require("parley.error").message(e))
  end)
end)
