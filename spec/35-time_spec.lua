-- Dates, date filters, `parley timeline` and the SVG charts.  A constructed
-- corpus (below) of seven one-line documents dated to the day, to a range,
-- to the month, to the year and not at all, whose words and mentions are
-- counted by hand in the comments; the bundled corpus checked against grep;
-- the SVG read back by a small XML well-formedness checker written here from
-- the XML 1.0 grammar (elements, attributes, the five entities, character
-- references), hostile series names included.
local h = require "spec.helpers"
local counts = require "spec.18-counts"
local cjson = require "cjson"
local lpeg = require "lpeg"
local dates = require "parley.dates"
local svg = require "parley.svg"

-- The constructed corpus.  Words (tokens of class word or number) and
-- mentions of "quarantine", counted by hand:
--   a  1962-10-28 (a Sunday: ISO week 43)  memo      "Quarantine now. The quarantine holds."  5 words, 2
--   g  1962-10-29 to 1962-11-02 (a range)  memo      "The quarantine line."                  3 words, 1
--   b  1962-10-30                          telegram  "No quarantine today."                   3 words, 1
--   c  1962-11 (a month)                   memo      "quarantine quarantine quarantine"       3 words, 3
--   d  1962 (a year)                       memo      "A quarantine."                          2 words, 1
--   e  undated                             memo      "quarantine again"                       2 words, 1
--   f  1962-11-05 (a Monday: week 45)      telegram  "Nothing here at all."                   4 words, 0
local DOCS = {
  { "a", "1962-10-28", "memo", "Quarantine now. The quarantine holds." },
  { "g", "1962-10-29", "memo", "The quarantine line.", "1962-11-02" },
  { "b", "1962-10-30", "telegram", "No quarantine today." },
  { "c", "1962-11", "memo", "quarantine quarantine quarantine" },
  { "d", "1962", "memo", "A quarantine." },
  { "e", nil, "memo", "quarantine again" },
  { "f", "1962-11-05", "telegram", "Nothing here at all." },
}

local function constructed() return h.dated_corpus("dated", DOCS) end

local function json(args)
  local out, err, code = h.run(args)
  assert.equal(0, code, table.concat(args, " ") .. ": " .. err)
  return cjson.decode(out), err
end

-- The rows of a timeline as "period count docs words" lines.
local function lines(rows)
  local out = {}
  for i, r in ipairs(rows) do out[i] = ("%s %d %d %d"):format(r.period, r.count, r.docs, r.words) end
  return out
end

-- ------------------------------------------------------------ a tiny XML checker

-- Is s a well-formed XML document (a prolog, one root element, matching
-- tags, quoted attributes unique per element, text without < or a bare &)?
-- Returns true, or false and the byte where it fails.
local function well_formed(s)
  local P, R, S, C, Cmt, V = lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cmt, lpeg.V
  local ws = S(" \t\r\n") ^ 0
  local name = C((R("az", "AZ") + S("_:")) * (R("az", "AZ", "09") + S("_:.-")) ^ 0)
  local ref = P"&" * (P"amp" + "lt" + "gt" + "quot" + "apos" + P"#" * R"09" ^ 1 + P"#x" * R("09", "af", "AF") ^ 1) * ";"
  local function chars(stop) return ((1 - S("<&" .. stop)) + ref) ^ 0 end
  local stack, seen = {}, {}
  local function open(_, i, n) stack[#stack + 1] = n; seen[#stack] = {}; return i end
  local function close(_, i, n) if stack[#stack] ~= n then return false end stack[#stack] = nil; return i end
  local function attr(_, i, n) if seen[#stack][n] then return false end seen[#stack][n] = true; return i end
  local attribute = lpeg.S" \t\r\n" ^ 1 * Cmt(name, attr) * ws * "=" * ws * (P'"' * chars('"') * '"' + P"'" * chars("'") * "'")
  local grammar = P {
    "doc",
    doc = P"<?xml" * (1 - P"?>") ^ 0 * "?>" * ws * V"element" * ws * -1,
    element = P"<" * Cmt(name, open) * attribute ^ 0 * ws
      * (P"/>" * Cmt(P(true), function(_, i) stack[#stack] = nil; return i end)
         + P">" * V"content" * "</" * Cmt(name, close) * ws * ">"),
    content = (chars("") * V"element") ^ 0 * chars(""),
  }
  local at = grammar:match(s)
  if at then return true end
  return false
end

-- ------------------------------------------------------------ parley.dates

describe("parley.dates", function()
  it("reads ISO dates with their precision and refuses what is not a date, naming it", function()
    local d = assert(dates.parse("1962-11-01"))
    assert.same({ 1962, 11, 1, "day" }, { d.year, d.month, d.day, d.precision })
    assert.equal("month", dates.parse("1962-11").precision)
    assert.equal("year", dates.parse("1962").precision)
    assert.equal("day", dates.parse("1962-11-01T10:30").precision)
    -- a month is the stretch of its days, a year of its 365
    local m, y = dates.parse("1962-02"), dates.parse("1962")
    assert.equal(27, m.last - m.first)
    assert.equal(364, y.last - y.first)
    assert.equal(365, dates.parse("1964").last - dates.parse("1964").first)   -- a leap year
    assert.truthy(dates.parse("1964-02-29"))
    for _, bad in ipairs { "1962-02-29", "1900-02-29", "1962-13", "1962-00-10", "1962-11-31", "62-11-01",
                           "1962-1-1", "yesterday", "", "1962-11-01 and more" } do
      local ok, err = dates.parse(bad)
      assert.is_nil(ok, bad)
      assert.truthy(err:find("'" .. bad .. "'", 1, true), err)
    end
    -- counted by day numbers: 1970-01-01 is 0, and the calendar round-trips
    assert.equal(0, dates.days(1970, 1, 1))
    for _, n in ipairs { -719468, -2618, 0, 11016, 18627, 2932896 } do
      local yy, mm, dd = dates.civil(n)
      assert.equal(n, dates.days(yy, mm, dd))
    end
    assert.equal(os.time { year = 1962, month = 11, day = 1, hour = 12 } // 86400, dates.days(1962, 11, 1))
  end)

  it("puts dates in periods: years, months, ISO weeks and days", function()
    local d = dates.parse("1962-11-01")   -- a Thursday
    assert.equal(4, dates.weekday(d.first))
    assert.equal("1962", (dates.period(d, "year")))
    assert.equal("1962-11", (dates.period(d, "month")))
    assert.equal("1962-W44", (dates.period(d, "week")))
    assert.equal("1962-11-01", (dates.period(d, "day")))
    -- ISO weeks across a year's end (2020 had 53; 2021-01-03 is a Sunday in it)
    assert.equal("2020-W53", (dates.period(dates.parse("2020-12-31"), "week")))
    assert.equal("2020-W53", (dates.period(dates.parse("2021-01-03"), "week")))
    assert.equal("2021-W01", (dates.period(dates.parse("2021-01-04"), "week")))
    assert.equal("2015-W01", (dates.period(dates.parse("2014-12-29"), "week")))
    -- a date less precise than the grouping is in no particular period of it
    assert.is_nil(dates.period(dates.parse("1962-11"), "day"))
    assert.is_nil(dates.period(dates.parse("1962-11"), "week"))
    assert.is_nil(dates.period(dates.parse("1962"), "month"))
    assert.equal("1962", (dates.period(dates.parse("1962-11"), "year")))
    -- every period between two days, the empty ones too
    local keys = {}
    for i, p in ipairs(dates.periods(dates.days(1962, 10, 30), dates.days(1962, 11, 2), "day")) do keys[i] = p.key end
    assert.same({ "1962-10-30", "1962-10-31", "1962-11-01", "1962-11-02" }, keys)
    keys = {}
    for i, p in ipairs(dates.periods(dates.days(1962, 12, 30), dates.days(1963, 1, 7), "week")) do keys[i] = p.key end
    assert.same({ "1962-W52", "1963-W01", "1963-W02" }, keys)   -- 1962-12-30 is a Sunday; Monday 1962-12-31 starts 1963-W01
    keys = {}
    for i, p in ipairs(dates.periods(dates.days(1962, 11, 15), dates.days(1963, 2, 1), "month")) do keys[i] = p.key end
    assert.same({ "1962-11", "1962-12", "1963-01", "1963-02" }, keys)
  end)

  it("compares dates and chooses a grouping from their span", function()
    local day, month = dates.parse("1962-11-01"), dates.parse("1962-11")
    assert.equal(-1, dates.compare(day, month))          -- the same first day; the day ends first
    assert.equal(1, dates.compare(dates.parse("1962-11-02"), month))
    assert.equal(0, dates.compare(month, dates.parse("1962-11")))
    assert.equal("day", dates.by_span(0, 62, "day"))
    assert.equal("week", dates.by_span(0, 63, "day"))
    assert.equal("month", dates.by_span(0, 367, "day"))
    assert.equal("year", dates.by_span(0, 4000, "day"))
    assert.equal("month", dates.by_span(0, 10, "month"))  -- never finer than the dates
    assert.equal("year", dates.by_span(0, 10, "year"))
  end)
end)

-- ------------------------------------------------------------ where{ from, to }

describe("corpus:where with from and to", function()
  local dir, c
  setup(function() dir = constructed(); c = h.open(dir) end)
  teardown(function() c:close(); h.cleanup() end)

  local function ids(f) return table.concat(h.ids(c:where(f)), " ") end

  it("keeps the documents whose dates overlap the range, and counts the undated left out", function()
    -- 10-29..10-30 meets g (its range starts on 10-29), b, and d (any day of 1962); not c (November)
    assert.equal("g b d", ids { from = "1962-10-29", to = "1962-10-30" })
    assert.equal("g c d f", ids { from = "1962-11" })              -- g's range reaches 11-02
    assert.equal("a d", ids { to = "1962-10-28" })
    assert.equal("c d", ids { from = "1962-11-03", to = "1962-11-04" })
    assert.equal("a g b c d f", ids { from = "1962" })
    assert.equal("a g b c d f", ids { from = 1962 })
    assert.equal("", ids { from = "1963" })
    local sub = c:where{ from = "1962-10-29", to = "1962-10-30" }
    assert.equal(1, sub.undated)                                   -- e
    -- what it holds: g b d's text, 3 + 3 + 2 words' worth of "quarantine": 3
    assert.equal(3, sub:count("quarantine"))
  end)

  it("combines with the other keys and with nested filters", function()
    assert.equal("b f", ids { from = "1962-10", type = "telegram" })
    assert.equal("b f", table.concat(h.ids(c:where{ type = "telegram" }:where{ from = "1962-10" }), " "))
    assert.equal("f", table.concat(h.ids(c:where{ from = "1962-11" }:where{ type = "telegram" }), " "))
    assert.equal(2 + 1 + 1, c:where{ to = "1962-10-30", type = "memo" }:count("quarantine"))  -- a g d
  end)

  it("refuses what is not a date, naming the value", function()
    local ok, err = pcall(c.where, c, { from = "1962-02-30" })
    assert.is_false(ok)
    assert.truthy(tostring(err):find("from=1962-02-30: '1962-02-30' is not a date: 1962-02 has no day 30", 1, true))
    ok, err = pcall(c.where, c, { to = "November" })
    assert.truthy(tostring(err):find("'November' is not an ISO 8601 date", 1, true))
    ok, err = pcall(c.where, c, { from = "1962-11-03", to = "1962-11-01" })
    assert.truthy(tostring(err):find("from=1962-11-03 is after to=1962-11-01", 1, true))
    ok, err = pcall(c.where, c, { from = { "1962" } })
    assert.truthy(tostring(err):find("must be a date", 1, true))
  end)

  it("works on the command line for every command that takes --where", function()
    local rows = json { "kwic", "quarantine", "--corpus", dir, "--where", "from=1962-10-29", "--where", "to=1962-10-30",
                        "--format", "json" }
    local docs = {}
    for _, r in ipairs(rows) do docs[#docs + 1] = r.doc end
    assert.same({ "g", "b", "d" }, docs)
    local _, err, code = h.run { "kwic", "quarantine", "--corpus", dir, "--where", "from=1962-13" }
    assert.equal(1, code)
    assert.truthy(err:find("from=1962-13: '1962-13' is not a date: there is no month 13", 1, true), err)
    _, err, code = h.run { "kwic", "quarantine", "--corpus", dir, "--where", "from=1970" }
    assert.equal(1, code)
    assert.truthy(err:find("no documents where from=1970; documents are dated from 1962 to 1962-11-05, 1 undated", 1, true), err)
  end)
end)

-- ------------------------------------------------------------ parley timeline

describe("parley timeline", function()
  local dir
  setup(function() dir = constructed() end)
  teardown(h.cleanup)

  it("counts mentions, documents and words per day, with imprecise lines and the undated apart", function()
    local rows, err = json { "timeline", "quarantine", "--corpus", dir, "--by", "day", "--format", "json" }
    assert.same({
      "1962 1 1 2",              -- d, known only to the year: a line of its own, first
      "1962-10-28 2 1 5",        -- a
      "1962-10-29 1 1 3",        -- g, at the start of its range
      "1962-10-30 1 1 3",        -- b
      "1962-10-31 0 0 0",
      "1962-11 3 1 3",           -- c, known only to the month: before the days it starts with
      "1962-11-01 0 0 0", "1962-11-02 0 0 0", "1962-11-03 0 0 0", "1962-11-04 0 0 0",
      "1962-11-05 0 1 4",        -- f
    }, lines(rows))
    assert.equal(2 / 5 * 1e6, rows[2].per_million)
    assert.equal(0, rows[11].per_million)
    assert.equal(cjson.null, rows[5].per_million)   -- no words: no rate
    -- e is undated: said on standard error, with its mention and words
    assert.truthy(err:find("1 document is undated, counted apart (in no period): 1 mention, 2 words", 1, true), err)
  end)

  it("counts by week, month and year, and by default from the span of the dates", function()
    local week = json { "timeline", "quarantine", "--corpus", dir, "--format", "json" }   -- 1962 spans a year: weeks
    assert.same({ "1962 1 1 2", "1962-W43 2 1 5", "1962-W44 2 2 6", "1962-11 3 1 3", "1962-W45 0 1 4" }, lines(week))
    local month = json { "timeline", "quarantine", "--corpus", dir, "--by", "month", "--format", "json" }
    assert.same({ "1962 1 1 2", "1962-10 4 3 11", "1962-11 3 2 7" }, lines(month))
    local year = json { "timeline", "quarantine", "--corpus", dir, "--by", "year", "--format", "json" }
    assert.same({ "1962 8 6 20" }, lines(year))
    -- the totals: every dated mention once, the undated one apart
    local total = 0
    for _, r in ipairs(week) do total = total + r.count end
    assert.equal(8, total)
    -- a date filter's range gives the periods, the empty ones at its ends too; e is left out by it
    local rows, err = json { "timeline", "quarantine", "--corpus", dir, "--by", "day", "--where", "from=1962-10-26",
                             "--where", "to=1962-10-29", "--format", "json" }
    assert.same({ "1962 1 1 2", "1962-10-26 0 0 0", "1962-10-27 0 0 0", "1962-10-28 2 1 5", "1962-10-29 1 1 3" }, lines(rows))
    assert.equal("", err)
    local tty = h.run { "timeline", "quarantine", "--corpus", dir, "--by", "day", "--where", "from=1962-10-26" }
    assert.truthy(tty:find("1 undated document left out by the date filter", 1, true), tty)
  end)

  it("splits by type, and gives a series per family", function()
    local rows = json { "timeline", "quarantine", "--corpus", dir, "--by", "month", "--split", "type", "--format", "json" }
    local got = {}
    for _, r in ipairs(rows) do got[#got + 1] = ("%s %s %d %d %d"):format(r.period, r.type, r.count, r.docs, r.words) end
    assert.same({ "1962 memo 1 1 2", "1962 telegram 0 0 0", "1962-10 memo 3 2 8", "1962-10 telegram 1 1 3",
                  "1962-11 memo 3 1 3", "1962-11 telegram 0 1 4" }, got)
    h.write(dir .. "/fam.lua", 'return { q = { "quarantine" }, n = { "nothing", "now" } }\n')
    rows = json { "timeline", "--families", dir .. "/fam.lua", "--corpus", dir, "--by", "year", "--format", "json" }
    assert.same({ "1962", "n", 2, 6, 20 }, { rows[1].period, rows[1].family, rows[1].count, rows[1].docs, rows[1].words })
    assert.same({ "1962", "q", 8 }, { rows[2].period, rows[2].family, rows[2].count })
  end)

  it("splits by the TEI genre when documents have no type", function()
    local g = h.tmpdir()
    h.write(g .. "/corpus.lua", 'return { name = "g", documents = {\n'
      .. '  { path = "x.txt", date = "1962-10-27", genre = "letter" },\n'
      .. '  { path = "y.txt", date = "1962-10-27", genre = "minutes" },\n'
      .. '  { path = "z.txt", date = "1962-10-28", genre = "letter" } } }\n')
    h.write(g .. "/x.txt", "quarantine\n")
    h.write(g .. "/y.txt", "quarantine and quarantine\n")
    h.write(g .. "/z.txt", "nothing\n")
    local rows = json { "timeline", "quarantine", "--corpus", g, "--split", "type", "--format", "json" }
    local got = {}
    for _, r in ipairs(rows) do got[#got + 1] = ("%s %s %d %d %d"):format(r.period, r.type, r.count, r.docs, r.words) end
    assert.same({ "1962-10-27 letter 1 1 1", "1962-10-27 minutes 2 1 3", "1962-10-28 letter 0 1 1",
                  "1962-10-28 minutes 0 0 0" }, got)
  end)

  it("agrees with grep on the bundled corpus, per day and per speaker", function()
    local c = h.open()
    local rows = json { "timeline", "quarantine", "--by", "day", "--format", "json" }
    assert.equal(2, #rows)
    for _, r in ipairs(rows) do
      -- the document of that day, in the manifest; its file counted by grep; its words by the tokeniser again
      local doc
      for d in c:docs() do if d.meta.date == r.period then doc = d end end
      local p = assert(io.popen("grep -o -i quarantine " .. h.shquote(doc.path) .. " | wc -l"))
      local grep = tonumber(p:read("a"))
      p:close()
      assert.equal(grep, r.count, r.period)
      assert.equal(1, r.docs)
      local words = 0
      for _, t in ipairs(counts.tokens(c)) do if t.doc == doc.id and counts.counted(t) then words = words + 1 end end
      assert.equal(words, r.words, r.period)
      assert.equal(grep / words * 1e6, r.per_million)
    end
    -- per speaker: each speaker's count is that of their own sub-corpus, labels left out
    local by = json { "timeline", "quarantine", "--by", "month", "--split", "speaker", "--format", "json" }
    for _, r in ipairs(by) do
      local sub = c:where{ speaker = r.speaker }
      assert.equal(sub:count("quarantine"), r.count, r.speaker)
      assert.equal(c.ix:words(sub.within), r.words, r.speaker)
    end
    c:close()
  end)

  it("refuses what it cannot do, with the reason", function()
    local _, err, code = h.run { "timeline" }
    assert.equal(1, code)
    assert.truthy(err:find("missing QUERY", 1, true), err)
    _, err, code = h.run { "timeline", "quarantine", "--by", "fortnight" }
    assert.equal(1, code)
    assert.truthy(err:find("must be one of year, month, week, day, got 'fortnight'", 1, true), err)
    _, err, code = h.run { "timeline", "quarantine", "--corpus", dir, "--split", "speaker" }
    assert.equal(1, code)
    assert.truthy(err:find("--split speaker needs speaker turns", 1, true), err)
    _, err, code = h.run { "timeline", "quarantine", "--corpus", dir, "--by", "day", "--where", "from=1000" }
    assert.equal(1, code)
    assert.truthy(err:find("choose a coarser --by", 1, true), err)
    local help = h.run { "timeline", "--help" }
    assert.truthy(help:find("svg (a chart)", 1, true))
    assert.falsy(h.run({ "kwic", "--help" }):find("svg", 1, true))      -- only where a chart is drawn
  end)
end)

-- ------------------------------------------------------------ SVG

describe("parley.svg", function()
  it("escapes text, writes fixed-precision numbers and round ticks", function()
    assert.equal("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;", svg.escape("<script>alert(\"x\" & 'y')</script>"))
    assert.equal("a\u{FFFD}b\u{FFFD}c\u{FFFD}", svg.escape("a\1b\xFFc\u{FFFF}"))   -- not allowed in XML, not UTF-8
    assert.equal("北京", svg.escape("北京"))
    assert.same({ "12", "3.5", "0.25", "0", "0", "-1.5", "0.33" },
                { svg.num(12), svg.num(3.5), svg.num(0.25), svg.num(0), svg.num(-0.001), svg.num(-1.5), svg.num(1 / 3) })
    assert.same({ 1, 1, 2, 2.5, 5, 10, 50, 100 },
                { svg.nice_max(0), svg.nice_max(1), svg.nice_max(1.5), svg.nice_max(2.2), svg.nice_max(4), svg.nice_max(7),
                  svg.nice_max(41), svg.nice_max(100) })
    local y = svg.linear(0, 10, 300, 100)
    assert.same({ 0, 2, 4, 6, 8, 10 }, y:ticks(5))
    assert.equal(300, y:map(0))
    assert.equal(200, y:map(5))
    local b = svg.band(4, 0, 400, 0.5)
    assert.same({ 25, 50, 150, 350 }, { b:x(1), b.width, b:center(2), b:center(4) })
  end)

  it("draws well-formed, deterministic charts that show hostile names and run nothing", function()
    local spec = { title = "<script>alert(1)</script> & co", x_label = "day", y_label = "mentions",
                   categories = { "1962-11-01", "1962-11-02", "<b>" },
                   series = { { name = "<script>evil()</script>", values = { 1, 2, 3 } },
                              { name = "a & b \"quoted\"\1", values = { 0, nil, 5 } } },
                   note = "not shown: <1> document" }
    for _, draw in ipairs { svg.line_chart, svg.bar_chart } do
      local out = draw(spec)
      assert.is_true(well_formed(out))
      assert.equal(out, draw(spec))                        -- the same bytes every time
      assert.falsy(out:find("<script", 1, true))
      assert.falsy(out:find("<b>", 1, true))
      assert.truthy(out:find("&lt;script&gt;evil()&lt;/script&gt;", 1, true))   -- shown in the legend
      assert.truthy(out:find("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>", 1, true))
      assert.truthy(out:find("#0072B2", 1, true) and out:find("#E69F00", 1, true))   -- Okabe–Ito
      assert.falsy(out:find("%d%.%d%d%d"))                 -- no number with more than two decimals
    end
    -- past the palette's eight colours, series differ by dash (lines) and opacity (bars) too,
    -- and the chart grows to give every series a line of the legend
    local many = { title = "many", categories = { "a", "b" }, series = {} }
    for i = 1, 20 do many.series[i] = { name = "s" .. i, values = { i, i } } end
    local lc, bc = svg.line_chart(many), svg.bar_chart(many)
    assert.is_true(well_formed(lc) and well_formed(bc))
    assert.equal(8, select(2, lc:gsub('<polyline points="[^"]*" fill="none" stroke="#[%x]+" stroke%-width="2"/>', "")))
    assert.equal(2 * 8, select(2, lc:gsub('stroke%-dasharray="6 3"/>', "")))   -- s9…s16: a line and a legend swatch each
    assert.equal(tonumber(lc:match('height="(%d+)"')), tonumber(bc:match('height="(%d+)"')))
    assert.is_true(tonumber(lc:match('<svg[^>]- height="(%d+)"')) >= 44 + 18 * 20)
    assert.truthy(bc:find('fill="#0072B2" fill-opacity="0.6"', 1, true))
    -- the line breaks where a value is missing: two runs for the second series
    local line = svg.line_chart(spec)
    assert.equal(3, select(2, line:gsub("<polyline", "")))
    -- the checker itself rejects what is not well-formed
    assert.is_false(well_formed('<?xml version="1.0"?><a><b></a></b>'))
    assert.is_false(well_formed('<?xml version="1.0"?><a x="1" x="2"/>'))
    assert.is_false(well_formed('<?xml version="1.0"?><a>1 < 2</a>'))
    assert.is_false(well_formed('<?xml version="1.0"?><a>AT&T</a>'))
    assert.is_true(well_formed('<?xml version="1.0"?><a x="&lt;"><b/>t&amp;t</a>'))
  end)

  it("is what parley timeline --format svg writes, hostile family names too", function()
    local dir = constructed()
    h.write(dir .. "/fam.lua", 'return { ["<script>alert(1)</script>"] = { "quarantine" }, ["a & b"] = { "now" } }\n')
    local out, err, code = h.run { "timeline", "--families", dir .. "/fam.lua", "--corpus", dir, "--by", "day",
                                    "--format", "svg", "--chart", "bar" }
    assert.equal(0, code, err)
    assert.is_true(well_formed(out))
    assert.falsy(out:find("<script", 1, true))
    assert.truthy(out:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
    assert.truthy(out:find(">a &amp; b<", 1, true))
    -- the days along x; the imprecise and undated documents said under the chart
    assert.truthy(out:find(">1962-10-28<", 1, true))
    assert.truthy(out:find("not shown: 2 documents dated less precisely than a day (4 mentions); 1 document undated (1 mention)", 1, true), out)
    assert.equal(out, (h.run { "timeline", "--families", dir .. "/fam.lua", "--corpus", dir, "--by", "day",
                               "--format", "svg", "--chart", "bar" }))
    local line = h.run { "timeline", "quarantine", "--format", "svg" }
    assert.is_true(well_formed(line))
    assert.truthy(line:find("<title>mentions of quarantine per day</title>", 1, true))
    h.cleanup()
  end)
end)
