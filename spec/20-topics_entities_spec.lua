-- `parley topics` and `parley entities` on the seed documents.  Expected
-- numbers come from the documents tokenised again (spec/18-counts.lua) and
-- from the turn regions' positions, not from the scripts' own lookups.
local h = require "spec.helpers"
local counts = require "spec.18-counts"
local cjson = require "cjson"
local stats = require "parley.stats"
local topics = require "parley.topics"

local DINNER = "dinner-1962-11-01"

-- The speakers of the turns holding corpus position pos, sorted.
local function speakers_at(turns, pos)
  local who, seen = {}, {}
  for _, r in ipairs(turns) do
    local s = r.attrs.speaker
    if r.pos <= pos and pos <= r.stop_pos and s ~= "" and not seen[s] then seen[s] = true; who[#who + 1] = s end
  end
  table.sort(who)
  return who
end

-- A tally { name = n } as topics writes it: { { name, count } … }, commonest first, ties by name.
local function ranked(t)
  local out = {}
  for name, n in pairs(t) do out[#out + 1] = { name = name, count = n } end
  table.sort(out, function(a, b) return a.count > b.count or a.count == b.count and a.name < b.name end)
  return out
end

describe("parley topics", function()
  local c, tokens, turns, labels, from, to
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
    turns = c:regions("turn")
    labels = counts.labels(c, tokens)
    for i, t in ipairs(tokens) do
      if t.doc == DINNER then from = from or i; to = i end
    end
  end)
  after_each(h.cleanup)

  -- What the topics table should say of a family in the transcript, with k
  -- parts: a mention in a speaker label is in the text, but no speaker's.
  local function expect(queries, k)
    local at = counts.mentions(tokens, queries, from, to)
    local width = to - from + 1
    local e = { mentions = #at, speakers = {}, course = {} }
    local sizes = {}
    for p = 1, k do
      e.course[p] = 0
      sizes[p] = p * width // k - (p - 1) * width // k
    end
    for _, i in ipairs(at) do
      local who = labels[i] and {} or speakers_at(turns, tokens[i].pos)
      for _, name in ipairs(who) do e.speakers[name] = (e.speakers[name] or 0) + 1 end
      if #who > 0 and not e.first_speaker then
        e.first_speaker, e.first_line = table.concat(who, " and "), tokens[i].line
      end
      local p = (i - from) * k // width + 1
      e.course[p] = e.course[p] + 1
    end
    e.speakers = ranked(e.speakers)
    e.first_line = e.first_line or at[1] and tokens[at[1]].line
    e.d = stats.juilland_d(e.course, sizes)
    e.dp = stats.gries_dp(e.course, sizes)
    return e
  end

  local function by_family(rows)
    local out = {}
    for _, r in ipairs(rows) do out[r.family] = r end
    return out
  end

  it("follows the default families through the transcript", function()
    local rows = cjson.decode(counts.ok("topics", "--format", "json"))
    assert.equal(#topics.families, #rows)
    local got = by_family(rows)
    for _, fam in ipairs(topics.families) do
      local e, r = expect(fam, 10), got[fam.name]
      assert.equal(e.mentions, r.mentions, fam.name)
      assert.equal(e.first_speaker, r.first_speaker, fam.name)
      assert.equal(e.first_line, r.first_line, fam.name)
      assert.equal(DINNER, r.first_doc)
      assert.same(e.speakers, r.speakers, fam.name)
      assert.same(e.course, r.course, fam.name)
      assert.is_true(math.abs(e.d - r.d) < 1e-9 and math.abs(e.dp - r.dp) < 1e-9, fam.name)
    end
    -- in the order they were raised
    for i = 2, #rows do
      assert.is_true(rows[i - 1].first_line <= rows[i].first_line)
    end
    -- the blockade: Mikoyan raises it (line 14), the American side calls it "quarantine"
    local q = got["quarantine/blockade"]
    assert.equal("A. I. Mikoyan", q.first_speaker)
    assert.is_true(q.mentions >= 14)
    -- McCloy first asks for Red Cross inspection (line 18)
    assert.same({ "John McCloy", 18 }, { got["inspection/verification/Red Cross"].first_speaker,
      got["inspection/verification/Red Cross"].first_line })
  end)

  it("draws the course of each family as a sparkline on a terminal", function()
    local out = counts.lines(counts.ok("topics", "--parts", "12"))
    -- first what was counted: the scope and the families
    assert.equal("counted in the documents of type transcript (dinner-1962-11-01); the default families "
      .. "(written for the bundled corpus); 12 parts per family", table.remove(out, 1))
    assert.matches("^family%s+mentions%s+raised first by", out[1])
    local rows = 0
    for i = 3, #out do
      local spark = out[i]:match("(%S+)$")
      assert.equal(12, utf8.len(spark), out[i])
      assert.is_nil(spark:find("[%w]"))
      rows = rows + 1
    end
    assert.equal(#topics.families, rows)
    local guant
    for _, line in ipairs(out) do guant = guant or line:match("^Guant.*") end
    assert.matches("  A%. I%. Mikoyan  .*A%. I%. Mikoyan %d", guant)  -- raised by him, mentioned by him
    -- the counts themselves in other formats
    local tsv = counts.lines(counts.ok("topics", "--format", "tsv", "--parts", "4"))
    assert.equal("family\tmentions\tfirst_speaker\tfirst_doc\tfirst_line\tspeakers\td\tdp\tcourse\tscope\tsize\tparts",
      tsv[1])
    for i = 2, #tsv do assert.matches("\t%d+ %d+ %d+ %d+\tthe documents of type transcript %(dinner%-1962%-11%-01%)\t"
      .. to - from + 1 .. "\t4$", tsv[i]) end
  end)

  it("reads families from a Lua file", function()
    local dir = h.tmpdir()
    h.write(dir .. "/families.lua", 'return { castro = { "castro*" }, thant = { "u thant" }, zanzibar = { "zanzibar" } }')
    local rows = cjson.decode(counts.ok("topics", "--families", dir .. "/families.lua", "--format", "json",
      "--parts", "5"))
    assert.equal(3, #rows)
    local got = by_family(rows)
    for name, queries in pairs({ castro = { "castro*" }, thant = { "u thant" } }) do
      local e = expect(queries, 5)
      assert.equal(e.mentions, got[name].mentions)
      assert.same(e.speakers, got[name].speakers)
      assert.same(e.course, got[name].course)
    end
    -- U Thant is named (line 8) before Castro; a family never mentioned comes last
    assert.same({ "thant", "castro", "zanzibar" }, { rows[1].family, rows[2].family, rows[3].family })
    assert.equal(0, rows[3].mentions)
    assert.equal(cjson.null, rows[3].first_line)
  end)

  it("says what it counted, and that the default families are the bundled corpus's", function()
    local help = counts.ok("topics", "--help"):gsub("%s+", " ")
    assert.truthy(help:find("the default families, for the bundled Cuban missile crisis corpus: quarantine/blockade;", 1, true))
    assert.truthy(help:find('a families file is Lua data returning { name = { "query", ... }, ... }', 1, true))
    assert.truthy(help:find("the documents of type transcript", 1, true))
    -- another corpus without --families: the table, and on stderr a note showing how to write one
    local dir = h.tmpdir()
    h.write(dir .. "/a.txt", "The quarantine and the inspection.\n")
    local out, err, code = h.run({ "topics", "--corpus", dir, "--format", "tsv" })
    assert.equal(0, code)
    assert.truthy(err:find("^parley: topics: note: the default families are the bundled corpus's topics"))
    assert.truthy(err:find("return {", 1, true))
    assert.truthy(out:find("\nquarantine/blockade\t1\t", 1, true))
    -- and the line above the table says where it counted
    out = counts.ok("topics", "--corpus", dir, "--families", h.root .. "/spec/fixtures/families.lua")
    assert.matches("^counted in the whole corpus %(it has no documents of type transcript%); families from ", out)
  end)

  it("reports bad families files and options", function()
    local dir = h.tmpdir()
    assert.matches("^parley: topics: cannot open " .. dir:gsub("%p", "%%%0") .. "/none%.lua",
      counts.mistake("topics", "--families", dir .. "/none.lua"))
    h.write(dir .. "/bad.lua", 'return { cuba = "cuba" }')
    assert.equal("parley: topics: " .. dir .. "/bad.lua: family 'cuba' must be a name with a list of queries\n",
      counts.mistake("topics", "--families", dir .. "/bad.lua"))
    h.write(dir .. "/syntax.lua", 'return { cuba = { "cuba" }')
    assert.matches("^parley: topics: .*syntax%.lua:1: ", counts.mistake("topics", "--families", dir .. "/syntax.lua"))
    h.write(dir .. "/query.lua", 'return { bad = { "\\"red cross" } }')
    local _, err, code = h.run({ "topics", "--families", dir .. "/query.lua" })  -- three lines, with a caret
    assert.equal(1, code)
    assert.equal('parley: topics: bad query: this " has no closing "\n  "red cross\n  ^\n', err)
    assert.matches("^parley: topics: option '%-%-parts' needs a whole number of at least 1, got '0'",
      counts.mistake("topics", "--parts", "0"))
  end)
end)

describe("parley entities", function()
  local c, tokens, rows, got
  setup(function()
    c = assert(parley.open())
    tokens = counts.tokens(c)
    rows = cjson.decode(counts.ok("entities", "--format", "json"))
    got = {}
    for _, r in ipairs(rows) do got[r.type .. ":" .. r.entity] = r end
  end)
  after_each(h.cleanup)

  local function count_fold(word)
    local n, first = 0, nil
    for _, t in ipairs(tokens) do
      if t.fold == word then n = n + 1; first = first or t end
    end
    return n, first
  end

  local function phrase(queries)
    local at = counts.mentions(tokens, queries)
    return #at, at[1] and tokens[at[1]]
  end

  -- The forms of an entity ({ { name, count } … }, commonest first) as a map.
  local function forms(r)
    local m = {}
    for i, f in ipairs(r.forms) do
      assert.is_true(i == 1 or r.forms[i - 1].count >= f.count)
      m[f.name] = f.count
    end
    return m
  end

  it("finds people through the person register, one mention per name", function()
    -- every variant of their names ends in the surname
    for name, surname in pairs({ ["V. V. Kuznetsov"] = "kuznetsov", ["N. S. Khrushchev"] = "khrushchev",
                                  ["John McCloy"] = "mccloy", ["Dean Rusk"] = "rusk" }) do
      local n, first = count_fold(surname)
      local r = got["person:" .. name]
      assert.equal(n, r.count, name)
      assert.same({ first.doc, first.line }, { r.first_doc, r.first_line })
    end
    local r = got["person:N. S. Khrushchev"]
    assert.equal(12, forms(r)["N. S. Khrushchev"])
  end)

  it("finds places and organisations from the gazetteer, longest name first", function()
    local n = phrase({ "red cross" })
    assert.equal(n, got["organisation:Red Cross"].count)
    assert.equal(phrase({ "international red cross" }), forms(got["organisation:Red Cross"])["International Red Cross"])
    -- "UN Security Council" is the Council, not also the UN
    local council = phrase({ "security council" })
    assert.equal(council, got["organisation:UN Security Council"].count)
    local un = 0
    for i, t in ipairs(tokens) do
      if t.text == "UN" and not (tokens[i + 1] and tokens[i + 1].fold == "security") then un = un + 1 end
    end
    assert.equal(un + phrase({ "united nations" }), got["organisation:United Nations"].count)
    assert.equal(phrase({ "cuba" }), got["place:Cuba"].count)
    assert.equal(phrase({ "guantanamo" }), got["place:Guantánamo"].count)
  end)

  it("finds dates, durations and numbers with the grammar library", function()
    local r = got["date:1962-11-02"]
    local f = forms(r)
    assert.equal(phrase({ "november 2 , 1962" }), f["November 2, 1962"])
    assert.equal(phrase({ "2.xi.62" }), f["2.XI.62"])
    assert.equal(f["November 2, 1962"] + f["2.XI.62"], r.count)
    assert.equal("telegram-1962-11-02", r.first_doc)
    local n, first = phrase({ "october 24" })
    assert.same({ n, first.line }, { got["date:--10-24"].count, got["date:--10-24"].first_line })
    -- the same delay in words and in figures, in both documents
    local days = got["duration:10–15 days"]
    assert.equal(phrase({ "ten to fifteen days", "ten or fifteen days", "10-15 days" }), days.count)
    assert.equal(3, days.count)
    n, first = phrase({ "three hours and forty minutes" })
    assert.same({ 1, first.line }, { got["duration:3 hours 40 minutes"].count, got["duration:3 hours 40 minutes"].first_line })
    for _, num in ipairs({ "145,000", "10,000" }) do
      n, first = phrase({ num })
      assert.same({ n, DINNER, first.line }, { got["number:" .. num].count, got["number:" .. num].first_doc,
        got["number:" .. num].first_line })
    end
    -- numbers inside dates are not counted again: "24" only ever follows "October", "62" is in 2.XI.62
    assert.equal(phrase({ "24" }), phrase({ "october 24" }))
    assert.is_nil(got["number:24"])
    assert.is_nil(got["number:62"])
  end)

  it("lists types in order, commonest first", function()
    local order = { person = 1, place = 2, organisation = 3, date = 4, duration = 5, number = 6 }
    for i = 2, #rows do
      local a, b = rows[i - 1], rows[i]
      assert.is_true(order[a.type] < order[b.type] or (a.type == b.type and a.count >= b.count))
    end
    local places = cjson.decode(counts.ok("entities", "--type", "place", "--min", "3", "--format", "json"))
    for _, p in ipairs(places) do
      assert.equal("place", p.type)
      assert.is_true(p.count >= 3)
      assert.equal(got["place:" .. p.entity].count, p.count)
    end
  end)

  it("takes more entries from a gazetteer file", function()
    local dir = h.tmpdir()
    h.write(dir .. "/gaz.lua", [[return {
      { name = "Latin American", type = "place", variants = { "Latin American" } },
      { name = "Soviet ships", type = "organisation", variants = { "Soviet ships", "Soviet vessels" } },
    }]])
    local extra = cjson.decode(counts.ok("entities", "--gazetteer", dir .. "/gaz.lua", "--format", "json"))
    local found = {}
    for _, r in ipairs(extra) do found[r.entity] = r end
    assert.equal(phrase({ "latin american" }), found["Latin American"].count)
    assert.equal(phrase({ "soviet ships", "soviet vessels" }), found["Soviet ships"].count)
    h.write(dir .. "/bad.lua", 'return { { name = "X", variants = { "x" } } }')
    assert.matches("^parley: entities: .*bad%.lua: entry 1 needs a name, a type",
      counts.mistake("entities", "--gazetteer", dir .. "/bad.lua"))
    assert.matches("^parley: entities: option '%-%-type' must be one of person, place, organisation, date, duration, number, got 'ship'",
      counts.mistake("entities", "--type", "ship"))
  end)
end)
