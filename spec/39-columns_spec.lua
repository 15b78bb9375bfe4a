-- Per-document figures in one call: Index:column (an attribute of every
-- region, as codes and distinct values), Hits:count_by and Index:words_by
-- (hits and words summed per code), Hits:disjoint and Hits:heads (mentions
-- counted once), and the index storing a recurring attribute value once.
-- The constructed corpus's words and mentions are counted by hand below.
local h = require "spec.helpers"
local hits = require "parley.hits"

-- id, type, date, text (the list below is id, date, type, text); words (tokens of class word or number) and mentions of "quarantine":
--   a  memo      1962-10-28  "Quarantine now. The quarantine holds."  5 words, 2
--   b  telegram  1962-10-30  "No quarantine today."                   3 words, 1
--   c  memo      1962-10-28  "quarantine quarantine quarantine"       3 words, 3
--   d  memo      (undated)   "A quarantine."                          2 words, 1
local DOCS = {
  { "a", "1962-10-28", "memo", "Quarantine now. The quarantine holds." },
  { "b", "1962-10-30", "telegram", "No quarantine today." },
  { "c", "1962-10-28", "memo", "quarantine quarantine quarantine" },
  { "d", nil, "memo", "A quarantine." },
}

local function constructed() return h.dated_corpus("columns", DOCS) end

-- A list indexed from 0, as count_by and words_by give, as a plain table to compare.
local function from0(t, n)
  local out = {}
  for i = 0, n do out[i] = t[i] end
  return out
end

describe("Index:column", function()
  local c = h.open(constructed())
  teardown(h.cleanup)

  it("gives each region the number of its value, values in order of first appearance, 0 for none", function()
    local codes, values = c.ix:column("document", "date")
    assert.same({ 1, 2, 1, 0 }, codes)
    assert.same({ "1962-10-28", "1962-10-30" }, values)
    codes, values = c.ix:column("document", "type")
    assert.same({ 1, 2, 1, 1 }, codes)
    assert.same({ "memo", "telegram" }, values)
  end)

  it("agrees with the attributes Index:region gives, on the bundled corpus's turns", function()
    local b = h.open()
    local codes, values = b.ix:column("turn", "speaker")
    assert.equal(b:region_count("turn"), #codes)
    for i = 1, #codes do
      local _, _, attrs = b.ix:region("turn", i)
      assert.equal(attrs.speaker, codes[i] > 0 and values[codes[i]] or "")
    end
  end)

  it("raises for an attribute the kind does not have", function()
    local ok, err = pcall(c.ix.column, c.ix, "document", "speaker")
    assert.is_false(ok)
    assert.matches("regions of kind 'document' have no attribute 'speaker'", err)
  end)
end)

describe("Hits:count_by and Index:words_by", function()
  local c = h.open(constructed())
  teardown(h.cleanup)
  local docs = c.ix:regions("document")
  local codes = c.ix:column("document", "date")

  it("sum the hits and words of each document per code, from code 0 (the undated)", function()
    local counts, holding = c:find("quarantine")._hits:count_by(docs, codes)
    assert.same({ [0] = 1, 5, 1 }, from0(counts, 2))
    assert.same({ [0] = 1, 2, 1 }, from0(holding, 2))
    local words, n = c.ix:words_by(docs, codes)
    assert.same({ [0] = 2, 8, 3 }, from0(words, 2))
    assert.same({ [0] = 1, 2, 1 }, from0(n, 2))
  end)

  it("count only the text inside given spans, and the documents that share some of it", function()
    local words, n = c.ix:words_by(docs, codes, (c:spans{ type = "telegram" }))
    assert.same({ [0] = 0, 0, 3 }, from0(words, 2))
    assert.same({ [0] = 0, 0, 1 }, from0(n, 2))
    -- half a document: "Quarantine now." is a's first sentence (2 words)
    local first = c.ix:regions("sentence"):sub(1, 1)
    words = c.ix:words_by(docs, codes, first)
    assert.same({ [0] = 0, 2, 0 }, from0(words, 2))
  end)

  it("refuse codes that are not one whole number >= 0 per region", function()
    local marks = c:find("quarantine")._hits
    assert.has_error(function() marks:count_by(docs, { 1, 2 }) end)
    assert.has_error(function() marks:count_by(docs, { 1, -1, 1, 0 }) end)
    assert.has_error(function() c.ix:words_by(docs, { 1, 2, "x", 0 }) end)
    assert.has_error(function() marks:count_by(docs, { 1, 99, 1, 0 }) end)   -- no tally of 99 for 4 regions
  end)
end)

describe("Hits:disjoint and Hits:heads", function()
  local c = h.open(constructed())
  teardown(h.cleanup)

  it("keep, from the start, the longest hit at each position and none that overlaps it", function()
    local list = hits.from(c.ix, { 0, 2, 0, 3, 1, 2, 3, 4, 3, 5, 4, 6, 7, 8 })
    local d = list:disjoint()
    assert.equal(3, #d)
    assert.same({ 0, 3, 7 }, d:starts())
    assert.same({ 3, 5, 8 }, d:ends())
    local marks = d:heads()
    assert.same({ 0, 3, 7 }, marks:starts())
    assert.same({ 1, 4, 8 }, marks:ends())
  end)

  it("make a family's mentions count once: 'the quarantine' and 'quarantine' overlap", function()
    local topics = require "parley.topics"
    local m = topics.mentions(c, { "quarantine", "the quarantine", "quarantine holds" })
    -- in a, "The quarantine" is one mention and the "quarantine holds" starting inside it none:
    -- the 7 occurrences of "quarantine", each counted once
    assert.equal(7, #m)
  end)
end)

describe("recurring attribute values", function()
  teardown(h.cleanup)

  it("are stored once in the index, however many regions carry them", function()
    local dir = h.tmpdir()
    local lines = {}
    for i = 1, 300 do lines[#lines + 1] = ("ZEBEDEE: Point %d of many.\n\nQUILLFEATHER: Noted.\n"):format(i) end
    h.write(dir .. "/talk.txt", table.concat(lines, "\n"))
    h.write(dir .. "/corpus.lua", [[return { name = "many", documents = {
      { id = "talk", path = "talk.txt", grammar = "labelled" } } }]])
    local c = h.open(dir)
    assert.equal(600, c:region_count("turn"))
    local index = h.read(c.ix:stats().path)
    local n = select(2, index:gsub("QUILLFEATHER", ""))
    -- the speaker value once; the label token's spellings in the lexicon at most twice more
    assert.is_true(n >= 1 and n <= 3, "QUILLFEATHER stored " .. n .. " times")
  end)
end)

describe("Index:regions(kind, filter, within)", function()
  -- the same spans as regions(kind, filter):inside(within), whether within's spans are
  -- disjoint (read by binary search) or overlap (read in one pass), on the bundled corpus
  local c = h.open()
  local ix = c.ix
  local n = ix:stats().tokens
  local function same(a, b, what)
    assert.equal(#a, #b, what)
    for i = 1, #a do
      local s, e = a:span(i)
      local t, f = b:span(i)
      assert.are.same({ s, e }, { t, f }, what .. " span " .. i)
    end
  end
  it("agrees with inside() for random lists of spans, with and without a filter", function()
    local seed = 1962
    local function rand(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end
    for trial = 1, 60 do
      local flat, at = {}, 0
      local overlap = trial % 3 == 0
      for _ = 1, 1 + rand(8) do
        local s = overlap and rand(n) or at + rand(n // 6)
        local e = math.min(n, s + rand(n // 4))
        if s > n then break end
        flat[#flat + 1], flat[#flat + 2] = s, e
        at = e
      end
      local within = hits.from(ix, flat)
      for _, kind in ipairs { "sentence", "turn", "document" } do
        same(ix:regions(kind, nil, within), ix:regions(kind):inside(within), kind .. " trial " .. trial)
      end
      local f = { speaker = "John McCloy" }
      same(ix:regions("turn", f, within), ix:regions("turn", f):inside(within), "McCloy's turns, trial " .. trial)
    end
  end)
  it("gives a document's own regions, and refuses a hit list of another index", function()
    local docs = ix:regions("document")
    local one = docs:sub(2, 2)
    local s, e = one:span(1)
    for i, t in ipairs { ix:regions("turn", nil, one) } do
      for k = 1, #t do local a, b = t:span(k); assert.is_true(a >= s and b <= e, i) end
    end
    local other = h.open(h.root .. "/spec/fixtures/compare/frus")
    assert.has_error(function() ix:regions("turn", nil, other.ix:regions("document")) end)
  end)
end)
