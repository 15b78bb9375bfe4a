-- Pattern terms of queries: Lua patterns translated to LPeg
-- (parley.query.luapat) must agree with string.find, and the types a Lua,
-- re or LPeg pattern selects in one pass over the lexicon must be the ones
-- a brute-force loop over every folded type finds (string.find, re.compile
-- and lpeg.match here, type by type).
local h = require "spec.helpers"
local parley = require "parley"
local lpeg = require "lpeg"
local re = require "re"
local index = require "parley.index"
local luapat = require "parley.query.luapat"

-- Does the translation of Lua pattern p match word w (as a type of the lexicon)?
local function translated(p, w)
  local m = luapat.compile(p)
  assert.is_truthy(m, p)
  return lpeg.match(m, w .. "\n") ~= nil
end

-- Does Lua match p against the whole of w, as a query's pattern is meant?
local function lua(p, w) return string.find(w, "^" .. p .. "$") ~= nil end

-- Every folded type of an index: list of { id, string, frequency }.
local function lexicon(ix)
  local out = {}
  for id = 0, ix:stats().folded_types - 1 do
    local s, freq = ix:fold_type(id)
    out[#out + 1] = { id = id, s = s, freq = freq }
  end
  return out
end

-- The spans of a hit list, as one checksum.
local function spans(hits)
  local t = {}
  for i = 1, #hits do t[i] = table.concat({ hits:span(i) }, ":") end
  return index.hash(table.concat(t, ","))
end

-- Assert that query q finds exactly the types `selects` accepts: counts
-- and the very spans the postings of those types give.
local function agrees(c, q, selects, name)
  local ids, total = {}, 0
  for _, t in ipairs(lexicon(c.ix)) do
    if selects(t.s) then ids[#ids + 1] = t.id; total = total + t.freq end
  end
  local hits = c:find(q)
  assert.equal(total, #hits, name)
  assert.equal(total, c:count(q), name)
  assert.equal(spans(c.ix:postings(ids)), spans(hits._hits), name)
  return total
end

describe("Lua patterns translated to LPeg", function()
  local words = { "", "a", "b", "ab", "aab", "abc", "cba", "aaa", "aaab", "inspection", "inspections",
    "nation", "tion", "cuba", "cuba's", "(x)", "((x))", "(x)(y)", "(x", "x)", "a]b", "]", "-", "a-b", "--",
    "^a", "a$", "%", "a%b", "a.b", "...", "[a]", "1962", "2.xi.62", "145,000", "u.s.", "x(y)z", "ab'c",
    "é", "guantánamo", "\0a", "a\0", "ABC", "Abc", "a b", "\t", "x1y2" }
  local patterns = {
    -- literals, anchors kept literal, escapes
    "a", "ab", "^a", "a$", "%^a", "a%$", "%%", "a%%b", "%.", "a%.b", "%.%.%.", "%(x%)", "%-", "%]",
    -- quantifiers, greedy and lazy, with backtracking
    "a*", "a+", "a-", "a?", "a*b", "a+b", "a-b", "a?b", "a*a*b", "a+a", "a-a", "%a*ion", "%a+ion",
    "%a-ion", "%a*tion", "inspect%a*", "inspect%a+", "%a*s", "%a+%a+", "a?a?a?b", ".*", ".+", ".-",
    "..", ".-b", "a.-", ".*b.*", "%a*%.%a*", "%d+,%d+", "%d*%.%a*%.%d*",
    -- quantifier characters where no item precedes them, and after a capture
    "*a", "+", "-a", "a**", "(a)*", "()-",
    -- classes and their complements
    "%a+", "%A+", "%d+", "%D+", "%l+", "%L+", "%u%l+", "%U+", "%s", "%S+", "%w+", "%W+", "%x+", "%X+",
    "%p", "%P+", "%c", "%C+", "%g+", "%G",
    -- sets: ranges, classes, negation, ] first, - at either end
    "[ab]+", "[a-c]+", "[^a-c]+", "[]]", "[]a]+", "[^]]+", "[a-]+", "[-a]+", "[%a-]+", "[a%-b]+", "[%]a]+",
    "[%a%d]+", "[^%a]+", "[a-a]", "[z-a]", "[%%]", "[.]", "[%.]+", "[]-a]+", "[a--]", "[%w'.]+",
    "[\128-\255]+%a*",
    -- balance and frontier
    "%b()", "x%b()z", "%b()%b()", "%bxy", "%b((", "%b))", "%f[%a]%a+", "%a+%f[%A]", "%f[%w]cuba",
    "%f[^a]", "%f[%c]a", "a%f[b]b", "%f[a]a+%f[^a]", "%f[%A]", "%f[%a]",
    -- captures only group; position captures match nothing
    "(a)", "(a)(b)", "()a", "a()", "(a*)b", "((a))", "(%a+)%((%a)%)",
  }

  it("agree with string.find on a table of patterns and words", function()
    local checked, matched = 0, 0
    for _, p in ipairs(patterns) do
      for _, w in ipairs(words) do
        local ok, want = pcall(lua, p, w)
        assert.is_true(ok, p)
        assert.equal(want, translated(p, w), ("%s on %q"):format(p, w))
        checked = checked + 1
        if want then matched = matched + 1 end
      end
    end
    assert.is_true(checked > 4000)
    assert.is_true(matched > 300 and matched < checked - 1000)  -- a table that tells them apart
  end)

  it("do not grow LPeg's backtrack stack with the length of the type", function()
    local long = ("a"):rep(100000)
    for _, p in ipairs({ "%a*tion", "%a+ion", "a-tion", "a*b*tion", ".*n", "[a-z]*b?tion" }) do
      assert.is_true(translated(p, long .. "tion"), p)
      assert.is_false(translated(p, long .. "tio"), p)
      assert.equal(lua(p, long .. "tion"), true, p)
    end
  end)

  it("report what LPeg cannot hold, for the caller to use string.find", function()
    -- nesting %bab 1000 deep overflows LPeg's backtrack stack (the scan falls back: below)
    local ok, err = pcall(lpeg.match, luapat.compile("%bab"), ("a"):rep(1000) .. ("b"):rep(1000) .. "\n")
    assert.is_false(ok)
    assert.matches("backtrack stack overflow", err)
    -- more quantifiers than an LPeg grammar may have rules
    assert.is_false(luapat.compile(("[q]?"):rep(260) .. "cuba"))
  end)

  it("are faults at the byte where they go wrong", function()
    for _, case in ipairs({
      { "[a", 1, "this [ has no closing ] in the Lua pattern" },
      { "ab[^", 3, "this [ has no closing ] in the Lua pattern" },
      { "[]", 1, "this [ has no closing ] in the Lua pattern" },
      { "a%", 2, "a Lua pattern cannot end with a single %" },
      { "a%%%", 4, "a Lua pattern cannot end with a single %" },
      { "%1", 1, "back-references (%1 to %9) cannot be matched against the lexicon" },
      { "(a)%1", 4, "back-references (%1 to %9) cannot be matched against the lexicon" },
      { "%q", 1, "after % a letter must name a class: %a %c %d %g %l %p %s %u %w %x, or their capitals" },
      { "%z", 1, "after % a letter must name a class: %a %c %d %g %l %p %s %u %w %x, or their capitals" },
      { "[%q]", 2, "after % a letter must name a class: %a %c %d %g %l %p %s %u %w %x, or their capitals" },
      { "(a", 1, "this ( has no closing ) in the Lua pattern" },
      { "((a)", 1, "this ( has no closing ) in the Lua pattern" },
      { "a)", 2, "this ) closes no ( in the Lua pattern" },
      { "%b", 1, "%b needs two characters, as in %b()" },
      { "x%bx", 2, "%b needs two characters, as in %b()" },
      { "%f", 1, "%f needs a set after it, as in %f[%a]" },
      { "%fa", 1, "%f needs a set after it, as in %f[%a]" },
      { "%f[a", 3, "this [ has no closing ] in the Lua pattern" },
      { "[a-%%]", 4, "a range in a set cannot end with %" },
    }) do
      local ok, f = pcall(luapat.compile, case[1])
      assert.is_false(ok, case[1])
      assert.same({ case[2], case[3] }, { f.pos, f.reason }, case[1])
    end
  end)
end)

describe("pattern queries", function()
  local c = assert(parley.open())
  after_each(h.cleanup)

  it("select the folded types string.find selects, in one pass over the lexicon", function()
    local nonzero = 0
    for _, p in ipairs({ "inspect%a*", "%a+tion", "%a-ion", "[a-c]%a*", "[^a-z]+", "%d+", "%p", "%w+'s",
                         "m[ai]ss?%a+", "%f[%a]cuba", "%a+%f[%A]", "%b()", "%.+", "[%]]", "[]]", "[-a]+",
                         "%x+", "%S+", "(%a+)ion", "()%a+", "^%a+", "%a+$", "%a*%a*s", "%u%a*", "[%a']+",
                         "%d%d?%d?", "%a+%-%a+", ("[q]?"):rep(260) .. "cuba" }) do
      local n = agrees(c, p, function(s) return string.find(s, "^" .. p .. "$") ~= nil end, p)
      if n > 0 then nonzero = nonzero + 1 end
    end
    assert.is_true(nonzero >= 22)
  end)

  it("select the folded types an re pattern matches whole", function()
    for _, case in ipairs({
      { "/inspect[a-z]*/", "'inspect' [a-z]*" }, { "/'inspect' [a-z]*/" }, { "/[a-z]+tion/", "[a-z]+ 'tion'" },
      { "/(!('tion' !.) .)* 'tion'/", "(!('tion' !.) .)* 'tion'" }, { "/{[a-z]+} \"'s\"/" }, { "/.*/" },
      { "/inspect .*/", "'inspect' .*" }, { "/[^a]+/" }, { "/%d+/" }, { "/'cuba'/" },
      { "/x <- 'c' y  y <- 'uba'/", "x <- 'c' y  y <- 'uba'" }, { "/%a+ !./" }, { "/[%s%a]+/" }, { "/%nl/" },
    }) do
      local q, src = case[1], case[2] or case[1]:sub(2, -2)
      local p = re.compile(src) * -1
      agrees(c, q, function(s) return lpeg.match(p, s) ~= nil end, q)
    end
    assert.equal(0, c:count("/[a-z]+tion/"))  -- PEG repetition is possessive: [a-z]+ eats the tion
    assert.is_true(c:count("/(!('tion' !.) .)* 'tion'/") > 100)
    assert.equal(c:count("%S+"), c:count("/.*/"))
    assert.equal(c:count("cuba"), c:count("/x <- 'c' y  y <- 'uba'/"))
  end)

  it("still take an LPeg pattern, matched against each whole type", function()
    local P, R, S = lpeg.P, lpeg.R, lpeg.S
    for name, p in pairs({
      prefix = P"inspect" * R"az"^0, digits = R"09"^1, anything = P(1)^1, vowelless = (1 - S"aeiou")^1,
      ends = P"cuba" * -1, false_capture = R"az"^1 * lpeg.Cc(false),
    }) do
      local whole = p * -1
      agrees(c, p, function(s) return lpeg.match(whole, s) ~= nil end, name)
    end
    assert.equal(53, c:count(P"inspect" * R"az"^0))
    assert.equal(c:count("%l+"), c:count(R"az"^1 * lpeg.Cc(false)))  -- a false capture is a match
  end)

  it("match long and deeply nested types, falling back to string.find where LPeg cannot", function()
    local dir = h.tmpdir()
    local long, nested, run = ("a"):rep(5000) .. "tion", ("a"):rep(1000) .. ("b"):rep(1000), ("a"):rep(250)
    h.write(dir .. "/odd.txt", table.concat({ long, nested, run, "cuba inspection zebra aab ab", long, "" }, "\n"))
    local o = h.open(dir)
    assert.equal(2, o:count(long))
    for _, p in ipairs({ "%a*tion", "%a+ion", "[a]*tion", "%bab", "[a]*[b]*", ("[q]?"):rep(260) .. "cuba", "%a+" }) do
      agrees(o, p, function(s) return string.find(s, "^" .. p .. "$") ~= nil end, p:sub(1, 20))
    end
    assert.equal(3, o:count("%a*tion"))  -- the long one twice, and inspection
    assert.equal(2, o:count("%bab"))    -- "ab" and the nested one
    -- where Lua's own matcher gives up ("pattern too complex") the query is a fault at its term
    local q = "zebra NEAR/3 " .. ("[a]?"):rep(250)
    local ok, err = pcall(o.count, o, q)
    assert.is_false(ok)
    assert.same({ 14, "this Lua pattern is too complex to match against the lexicon" }, { err.pos, err.reason })
    o:close()
  end)

  it("refuse a damaged lexicon, and positions where no type starts", function()
    local dir = h.tmpdir()
    local words = {}
    for i = 1, 30000 do words[i] = ("w%05dx"):format(i) end  -- a lexicon of many 4 KiB blocks
    h.write(dir .. "/many.txt", table.concat(words, " ") .. "\n")
    local o = h.open(dir)
    local path = o.index_path
    -- the section table (docs/index-format.md): 24-byte names, then offset and size
    local hdr = h.read(path):sub(1, 4096)
    local at = assert(hdr:find("lexstr\0", 1, true))
    local off, size = string.unpack("<I8I8", hdr, at + 24)
    assert.is_true(size > 3 * 65536)
    local f = assert(io.open(path, "r+b"))  -- flip a byte in the middle, in the shared mapping
    f:seek("set", off + size // 2)
    local b = f:read(1)
    f:seek("set", off + size // 2)
    f:write(string.char(b:byte() ~ 0xFF))
    f:close()
    local ok, err = pcall(o.count, o, "w%d+x")
    assert.is_false(ok)
    assert.matches("index is damaged %(checksum mismatch%)", tostring(err))
    o:close()
    local c = assert(parley.open())
    assert.error_matches(function() c.ix:lexicon_ids({ 2 }) end, "no type starts at position 2")
    assert.error_matches(function() c.ix:lexicon_ids({ 0 }) end, "position out of range")
    assert.error_matches(function() c.ix:lexicon_ids({ #c.ix:lexicon() + 1 }) end, "position out of range")
    assert.same({ 0, 1, 0 }, c.ix:lexicon_ids({ 1, #c.ix:fold_type(0) + 2, 1 }))
  end)
end)
