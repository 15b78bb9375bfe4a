-- corpus:ngrams on a corpus large enough for the counting table to grow
-- (from its first size, and again) and for the kept rows to outnumber half
-- its slots: every row, its order and its ties must be those of the n-grams
-- counted again here, in Lua, from the words the spec wrote.
local h = require "spec.helpers"

-- A deterministic corpus: docs documents of `words` words each, drawn from a
-- skewed vocabulary (a few common words, a long tail) so that counts repeat
-- and tie.  Returns the folder and the documents' word lists and types.
local function corpus(docs, words, vocab)
  local seed, names, list = 1962, {}, {}
  local function rand()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
  for i = 1, vocab do  -- "ab", "ac", … : lowercase letters only, so byte order is alphabetical order
    local s, k = {}, i + 26
    while k > 0 do s[#s + 1] = string.char(97 + k % 26); k = k // 26 end
    names[i] = table.concat(s)
  end
  local spec, texts = {}, {}
  for d = 1, docs do
    local w = {}
    for i = 1, words do w[i] = names[1 + math.floor(vocab * rand() ^ 3)] end
    texts[d] = { words = w, type = d % 2 == 0 and "even" or "odd" }
    spec[d] = { ("d%02d"):format(d), nil, texts[d].type, table.concat(w, " ") }
  end
  return h.dated_corpus("scale", spec), texts
end

-- The expected TSV: n-grams within each document (of type only, if given),
-- count >= min, commonest first, ties by the words in order.
local function expected(texts, n, min, only, limit)
  local counts, keys = {}, {}
  for _, t in ipairs(texts) do
    if not only or t.type == only then
      for i = 1, #t.words - n + 1 do
        local k = table.concat(t.words, " ", i, i + n - 1)
        if not counts[k] then keys[#keys + 1] = k; counts[k] = 0 end
        counts[k] = counts[k] + 1
      end
    end
  end
  local rows, split = {}, {}
  for _, k in ipairs(keys) do
    if counts[k] >= min then
      rows[#rows + 1] = k
      local parts = {}
      for w in k:gmatch("%S+") do parts[#parts + 1] = w end
      split[k] = parts
    end
  end
  table.sort(rows, function(a, b)
    if counts[a] ~= counts[b] then return counts[a] > counts[b] end
    local x, y = split[a], split[b]
    for i = 1, n do
      if x[i] ~= y[i] then return x[i] < y[i] end
    end
    return false
  end)
  local out = { "ngram\tcount" }
  for i = 1, math.min(#rows, limit or #rows) do out[#out + 1] = rows[i] .. "\t" .. counts[rows[i]] end
  return table.concat(out, "\n") .. "\n", #rows
end

describe("ngrams at scale", function()
  local c, texts
  setup(function()
    local dir
    dir, texts = corpus(10, 16000, 4000)
    c = h.open(dir)
  end)
  teardown(h.cleanup)

  it("lists every bigram of the corpus in order, ties alphabetical", function()
    local want, n = expected(texts, 2, 1)
    assert.is_true(n > 131072, "the table must grow past its first sizes: " .. n)
    assert.equal(want, c:ngrams(2):tsv())
  end)

  it("counts within a sub-corpus, with min and limit", function()
    local odd = c:where({ type = "odd" })
    assert.equal((expected(texts, 2, 1, "odd")), odd:ngrams(2):tsv())
    assert.equal((expected(texts, 2, 2, "odd", 500)), odd:ngrams(2, { min = 2, limit = 500 }):tsv())
  end)

  it("counts trigrams and single words", function()
    assert.equal((expected(texts, 3, 2)), c:ngrams(3, { min = 2 }):tsv())
    assert.equal((expected(texts, 3, 1, "even")), c:where({ type = "even" }):ngrams(3):tsv())
    assert.equal((expected(texts, 1, 1)), c:ngrams(1):tsv())
  end)

  it("gives the same rows as tables", function()
    local rows = c:ngrams(2, { limit = 3 })
    local want = expected(texts, 2, 1, nil, 3)
    local got = { "ngram\tcount" }
    for i = 1, #rows do got[#got + 1] = rows[i].ngram .. "\t" .. rows[i].count end
    assert.equal(want, table.concat(got, "\n") .. "\n")
  end)
end)
