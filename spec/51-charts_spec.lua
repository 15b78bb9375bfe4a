-- The SVG charts of lua/parley/svg.lua beyond the line and bar charts
-- (spec/35): the dispersion (barcode) plot, the sparkline, the heat-map
-- matrix, the document strip and the horizontal bar chart, read back with
-- lua-expat (a real XML parser: well-formedness, and the elements and their
-- text counted); hostile names shown, never run; the same bytes twice; and
-- the commands that draw them: `parley dispersion` (its figures checked
-- against counts made apart, and against D and DP worked out by hand on a
-- tiny corpus), `topics --format svg` and `speakers --format svg`.
local h = require "spec.helpers"
local cjson = require "cjson"
local lxp = require "lxp"
local svg = require "parley.svg"

-- parse(s) -> a tree read by expat: { name, attrs, text (its own text),
-- kids = { … } } for the root, or nil, expat's message.
local function parse(s)
  local root, stack = nil, {}
  local p = lxp.new {
    StartElement = function(_, name, attrs)
      local e = { name = name, attrs = attrs, text = {}, kids = {} }
      if #stack > 0 then table.insert(stack[#stack].kids, e) else root = e end
      stack[#stack + 1] = e
    end,
    EndElement = function() stack[#stack].text = table.concat(stack[#stack].text); stack[#stack] = nil end,
    CharacterData = function(_, t) if #stack > 0 then table.insert(stack[#stack].text, t) end end,
  }
  local ok, err, line, col = p:parse(s)
  if ok then ok, err, line, col = p:parse() end
  p:close()
  if not ok then return nil, ("%s at %s:%s"):format(tostring(err), tostring(line), tostring(col)) end
  return root
end

-- Every element under e (itself included) that pred accepts.
local function all(e, pred, out)
  out = out or {}
  if pred(e) then out[#out + 1] = e end
  for _, k in ipairs(e.kids) do all(k, pred, out) end
  return out
end
local function named(e, name) return all(e, function(x) return x.name == name end) end
local function child(e, name)
  for _, k in ipairs(e.kids) do if k.name == name then return k end end
end
local function class(e, c) return all(e, function(x) return x.attrs.class == c end) end
-- The x of each tick of a barcode row (its one path of "Mx yvh" strokes).
local function ticks(row)
  local xs = {}
  for _, p in ipairs(class(row, "ticks")) do
    for x in p.attrs.d:gmatch("M([%d.]+) ") do xs[#xs + 1] = tonumber(x) end
  end
  return xs
end

-- A chart as every chart must be: well-formed, an <svg role="img"> with a
-- <title> and a <desc> first, nothing run, the same bytes twice.
local function checked(draw, spec)
  local out = draw(spec)
  local doc = assert(parse(out))
  assert.equal("svg", doc.name)
  assert.equal("img", doc.attrs.role)
  assert.equal("title", doc.kids[1].name)
  assert.equal("desc", doc.kids[2].name)
  assert.is_true(#doc.kids[2].text > 0)
  assert.falsy(out:find("<script", 1, true))
  assert.falsy(out:find("%d%.%d%d%d"))     -- no number with more than two decimals
  assert.equal(out, draw(spec))
  return doc, out
end

local EVIL = "<script>alert(1)</script>"

describe("svg.document", function()
  it("gives every chart a <desc>: the one given, or one made from the data", function()
    local spec = { title = "t", categories = { "a", "b" }, series = { { name = "x & y", values = { 1, 3 } } } }
    for _, draw in ipairs { svg.line_chart, svg.bar_chart, svg.hbar_chart } do
      local doc = checked(draw, spec)
      assert.truthy(doc.kids[2].text:find("x & y: highest 3 at b", 1, true), doc.kids[2].text)
    end
    spec.desc = "mentions of " .. EVIL
    local doc, out = checked(svg.line_chart, spec)
    assert.equal("mentions of " .. EVIL, doc.kids[2].text)
    assert.truthy(out:find("<desc>mentions of &lt;script&gt;", 1, true))
    -- the old four-argument form still makes a document without a <desc>
    local plain = assert(parse(svg.document(10, 10, "t", {})))
    assert.equal(1, #named(plain, "title"))
    assert.equal(0, #named(plain, "desc"))
    assert.falsy(svg.fragment(svg.document(10, 10, "t", {})):find("<?xml", 1, true))
  end)
end)

describe("svg.barcode", function()
  it("draws a row per entry, a tick per mark, its name and count, hostile names escaped", function()
    local spec = { title = EVIL .. " & co", x_label = "position in the conversation",
                   rows = { { name = EVIL, marks = { 0, 0.25, 0.5, 1 } },
                            { name = "AT&T", marks = { 0.1, 0.9 }, note = "D 0.5" },
                            { name = "none", marks = {} },
                            { name = "odd", marks = { -1, 2, 0 / 0, 0.5 } } } }
    local doc, out = checked(svg.barcode, spec)
    assert.equal(EVIL .. " & co", doc.kids[1].text)
    local rows = class(doc, "row")
    assert.equal(4, #rows)
    assert.same({ EVIL .. ": 4 mentions", "AT&T: 2 mentions; D 0.5", "none: 0 mentions", "odd: 4 mentions" },
                { child(rows[1], "title").text, child(rows[2], "title").text, child(rows[3], "title").text,
                  child(rows[4], "title").text })
    -- a tick per mark (the NaN left out, -1 and 2 at the ends)
    assert.same({ 4, 2, 0, 3 }, { #ticks(rows[1]), #ticks(rows[2]), #ticks(rows[3]), #ticks(rows[4]) })
    -- the name at the left, the count at the right
    local texts = named(rows[1], "text")
    assert.equal(EVIL, texts[1].text)
    assert.equal("end", texts[1].attrs["text-anchor"])
    assert.equal("4", texts[2].text)
    assert.truthy(out:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
    assert.truthy(out:find(">AT&amp;T<", 1, true))
    -- the ticks lie along the plot: 0 at its left edge, 1 at its right
    local band = named(rows[1], "rect")[1]
    local x0, width = tonumber(band.attrs.x), tonumber(band.attrs.width)
    local xs, want = ticks(rows[1]), { x0, x0 + width / 4, x0 + width / 2, x0 + width }
    for i = 1, 4 do assert.is_true(math.abs(xs[i] - want[i]) <= 0.25, ("tick %d at %s, not %s"):format(i, xs[i], want[i])) end
    -- the axis and its label
    assert.truthy(out:find(">position in the conversation<", 1, true))
    assert.truthy(out:find(">100%<", 1, true))
    -- width as asked; taller with more rows
    assert.equal("720", doc.attrs.width)
    local wide = assert(parse(svg.barcode { rows = spec.rows, width = 1000 }))
    assert.equal("1000", wide.attrs.width)
    local more = { rows = {} }
    for i = 1, 10 do more.rows[i] = { name = "s" .. i, marks = { i / 10 } } end
    assert.is_true(tonumber(assert(parse(svg.barcode(more))).attrs.height) > tonumber(doc.attrs.height))
  end)

  it("draws marks on one half pixel once, and heads groups of rows", function()
    local marks = {}
    for i = 1, 10000 do marks[i] = (i % 100) / 100 end
    local spec = { title = "many", rows = { { name = "a", marks = marks, group = "family <1>" },
                                            { name = "b", marks = { 0.5 }, group = "family <1>" },
                                            { name = "a", marks = { 0.5 }, group = "family 2" } } }
    local doc, out = checked(svg.barcode, spec)
    local rows = class(doc, "row")
    assert.equal(100, #ticks(rows[1]))
    assert.equal("a: 10000 mentions", child(rows[1], "title").text)
    assert.is_true(#out < 20000)
    local heads = all(doc, function(e) return e.name == "text" and e.attrs["font-weight"] == "bold" end)
    assert.same({ "family <1>", "family 2" }, { heads[1].text, heads[2].text })
    -- an empty plot is a plot too
    checked(svg.barcode, { title = "empty", rows = {} })
  end)
end)

describe("svg.sparkline", function()
  it("is a small line with no axes, its size as asked", function()
    local doc, out = checked(svg.sparkline, { values = { 1, 0, 3, 2 }, title = EVIL })
    assert.equal("120", doc.attrs.width)
    assert.equal("24", doc.attrs.height)
    assert.equal(EVIL, doc.kids[1].text)
    local line = named(doc, "polyline")
    assert.equal(1, #line)
    local n = 0
    for _ in line[1].attrs.points:gmatch("%S+") do n = n + 1 end
    assert.equal(4, n)
    assert.equal(0, #named(doc, "text"))                 -- no axes, no labels
    assert.truthy(out:find("Sparkline of 4 values: 1, 0, 3, 2", 1, true))
    local big = assert(parse(svg.sparkline { values = { 5 }, width = 300, height = 40 }))
    assert.equal("300", big.attrs.width)
    assert.equal(0, #named(big, "polyline"))             -- one value: a dot
    assert.equal(1, #named(big, "circle"))
    checked(svg.sparkline, { values = {} })
  end)
end)

describe("svg.matrix", function()
  it("shades a cell per value on one scale and writes its number, dark on light and light on dark", function()
    local names = { EVIL, "A & B", "C" }
    local spec = { title = "who follows whom", rows = names, cols = names, x_label = "next speaker", y_label = "speaker",
                   values = { { 0, 8, 1 }, { 7, 0, nil }, { 2, 0, 3 } } }
    local doc, out = checked(svg.matrix, spec)
    local cells = class(doc, "cell")
    assert.equal(9, #cells)
    assert.equal(EVIL .. " → A & B: 8", child(cells[2], "title").text)
    assert.equal("A & B → C: none", child(cells[6], "title").text)
    local function cell(i) return named(cells[i], "rect")[1].attrs.fill, named(cells[i], "text")[1] end
    local fill_max, text_max = cell(2)
    local fill_zero, text_zero = cell(1)
    assert.equal(svg.sequential[#svg.sequential], fill_max)   -- the largest: the darkest
    assert.equal(svg.sequential[1], fill_zero)
    assert.equal("8", text_max.text)
    assert.equal("#FFFFFF", text_max.attrs.fill)
    assert.equal("#000000", text_zero.attrs.fill)
    assert.equal(0, #named(cells[6], "text"))                -- an empty cell: no number
    -- row and column names, the axis labels, the key
    for _, n in ipairs(names) do
      assert.equal(2, #all(doc, function(e) return e.name == "title" and e.text == n end), n)
    end
    assert.truthy(out:find(">next speaker<", 1, true) and out:find(">speaker<", 1, true))
    assert.truthy(out:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
    assert.same({ "#000000", "#FFFFFF" }, { select(2, svg.shade(0, 10)), select(2, svg.shade(10, 10)) })
  end)
end)

describe("svg.strip", function()
  it("draws the turns along the document coloured by speaker, a legend in order of appearance, and the notes", function()
    local spec = { title = "dinner", length = 200,
                   spans = { { from = 0, to = 50, name = "Mikoyan" }, { from = 50, to = 80, name = EVIL },
                             { from = 100, to = 150, name = "Mikoyan" }, { from = 150, to = 200, name = "A & B" } },
                   marks = { { at = 20, label = "editorial note: " .. EVIL }, { at = 120, label = "[sic] & so" } } }
    local doc, out = checked(svg.strip, spec)
    local speakers = class(doc, "speaker")
    assert.equal(3, #speakers)
    assert.same({ "Mikoyan: 2 turns, 100 tokens", EVIL .. ": 1 turn, 30 tokens", "A & B: 1 turn, 50 tokens" },
                { child(speakers[1], "title").text, child(speakers[2], "title").text, child(speakers[3], "title").text })
    assert.same({ 2, 1, 1 }, { #named(speakers[1], "rect"), #named(speakers[2], "rect"), #named(speakers[3], "rect") })
    assert.same({ svg.palette[1], svg.palette[2], svg.palette[3] },
                { speakers[1].attrs.fill, speakers[2].attrs.fill, speakers[3].attrs.fill })
    -- a turn's rectangle is as wide as its tokens: 0…200 over 20…700
    local r = named(speakers[1], "rect")[2]
    assert.same({ 20 + 100 * 680 / 200, 50 * 680 / 200 }, { tonumber(r.attrs.x), tonumber(r.attrs.width) })
    local marks = class(doc, "mark")
    assert.equal(2, #marks)
    assert.equal("editorial note: " .. EVIL, child(marks[1], "title").text)
    -- the legend in order of first appearance
    local legend = {}
    for _, t in ipairs(named(doc, "text")) do
      if t.text == "Mikoyan" or t.text == EVIL or t.text == "A & B" then legend[#legend + 1] = t.text end
    end
    assert.same({ "Mikoyan", EVIL, "A & B" }, legend)
    assert.truthy(out:find(">tokens<", 1, true))
    checked(svg.strip, { title = "empty", length = 0, spans = {} })
  end)
end)

describe("svg.hbar_chart", function()
  it("draws bar_chart's spec sideways: a row per category, a bar per series and value", function()
    local spec = { title = "shares", x_label = "share (%)",
                   categories = { "A. I. Mikoyan", EVIL, "Adlai E. Stevenson, the United States Representative to the UN" },
                   series = { { name = "words", values = { 50, 30, 20 } }, { name = "turns & more", values = { 40, 0, 60 } } },
                   value_labels = true, unit = "%" }
    local doc, out = checked(svg.hbar_chart, spec)
    local series = class(doc, "series")
    assert.equal(2, #series)
    assert.same({ 3, 2 }, { #named(series[1], "rect"), #named(series[2], "rect") })   -- no bar for 0
    assert.same({ "50%", "30%", "20%" }, { named(series[1], "text")[1].text, named(series[1], "text")[2].text,
                                           named(series[1], "text")[3].text })
    -- bars as long as their values: 60 is three times 20
    local r = named(series[2], "rect")
    assert.is_true(math.abs(tonumber(r[2].attrs.width) - 3 * tonumber(named(series[1], "rect")[3].attrs.width)) < 0.05)
    -- a long name is clipped on the chart and whole in its <title>
    assert.truthy(out:find(">Adlai E. Stevenson, the United…<", 1, true))
    assert.equal("Adlai E. Stevenson, the United…", svg.clip(spec.categories[3], 32))
    assert.equal("A. I. Mikoyan", svg.clip("A. I. Mikoyan", 13))
    assert.equal(1, #all(doc, function(e) return e.name == "title" and e.text == spec.categories[3] end))
    assert.truthy(out:find(">turns &amp; more<", 1, true))                -- the legend
    -- taller with more categories
    local more = { categories = {}, series = { { name = "x", values = {} } } }
    for i = 1, 30 do more.categories[i], more.series[1].values[i] = "c" .. i, i end
    assert.is_true(tonumber(assert(parse(svg.hbar_chart(more))).attrs.height) > 30 * 14)
  end)
end)

-- ------------------------------------------------------------ the commands that draw them

-- A tiny corpus whose figures are worked out by hand below: a labelled
-- transcript (Alpha's turns: "cuba one two three" and "ten eleven", 6
-- tokens without the labels; Beta's: "four cuba cuba five six seven eight
-- nine", 8 tokens) and a note of 4 tokens ("no speakers cuba here").
local function tiny()
  return h.talk_and_note("tiny", "Alpha: cuba one two three\n\nBeta: four cuba cuba five six seven eight nine\n\nAlpha: ten eleven\n",
    "no speakers cuba here\n")
end

local function ok(args)
  local out, err, code = h.run(args)
  assert.equal(0, code, table.concat(args, " ") .. ": " .. err)
  return out, err
end
local function json(args) return cjson.decode((ok(args))) end
local function close(a, b) return a ~= nil and b ~= nil and math.abs(a - b) < 1e-12 end

describe("parley dispersion", function()
  it("gives D and DP as worked out by hand on a tiny corpus, by speaker and by document", function()
    local dir = tiny()
    local rows = json { "dispersion", "cuba", "--corpus", dir, "--format", "json" }   -- by speaker: it has turns
    assert.same({ "Alpha", "Beta" }, { rows[1].part, rows[2].part })
    assert.same({ 1, 6, 2, 8 }, { rows[1].count, rows[1].size, rows[2].count, rows[2].size })
    assert.is_true(close(rows[1].rel, 1 / 6 * 10000))
    -- D: rel. frequencies 1/6 and 1/4, mean 5/24, population sd 1/24, V = 0.2, D = 1 − 0.2/√1
    -- DP: ½ (|1/3 − 6/14| + |2/3 − 8/14|) = 2/21; DP_norm = DP / (1 − 6/14) = 1/6
    for _, r in ipairs(rows) do
      assert.is_true(close(r.d, 0.8), tostring(r.d))
      assert.is_true(close(r.dp, 2 / 21), tostring(r.dp))
      assert.is_true(close(r.dp_norm, 1 / 6), tostring(r.dp_norm))
      assert.same({ 2, 3, 2 }, { r.df, r.total, r.parts })
    end
    -- by document: talk has 20 tokens (labels included) and 3 hits, the note 4 and 1:
    -- rel. frequencies 0.15 and 0.25, mean 0.2, sd 0.05, D = 0.75; DP = ½ (|3/4 − 5/6| + |1/4 − 1/6|) = 1/12,
    -- DP_norm = (1/12) / (1 − 1/6) = 1/10
    local docs = json { "dispersion", "cuba", "--corpus", dir, "--by", "doc", "--format", "json" }
    assert.same({ "talk", 3, 20, "note", 1, 4 }, { docs[1].part, docs[1].count, docs[1].size, docs[2].part, docs[2].count, docs[2].size })
    assert.is_true(close(docs[1].d, 0.75) and close(docs[1].dp, 1 / 12) and close(docs[1].dp_norm, 1 / 10))
    -- on a terminal the figures over the parts are the caption, with the hit outside every turn
    local tty = ok { "dispersion", "cuba", "--corpus", dir }
    assert.truthy(tty:find("cuba: 3 hits in 2 speakers (14 tokens): D 0.8000, DP 0.0952, DP_norm 0.1667, in 2 of them; "
      .. "1 hit outside every speaker's turns", 1, true), tty)
    assert.falsy(tty:find("dp_norm", 1, true))
    -- a corpus without speaker turns goes by document, and refuses --by speaker
    local plain = h.tmpdir()
    h.write(plain .. "/a.txt", "cuba cuba here\n")
    h.write(plain .. "/b.txt", "and cuba there too\n")
    local p = json { "dispersion", "cuba", "--corpus", plain, "--format", "json" }
    assert.same({ "a", "b" }, { p[1].part, p[2].part })
    local _, err, code = h.run { "dispersion", "cuba", "--corpus", plain, "--by", "speaker" }
    assert.equal(1, code)
    assert.truthy(err:find("--by speaker needs speaker turns", 1, true), err)
    h.cleanup()
  end)

  it("counts as the sub-corpora of each speaker and document count, on the bundled corpus", function()
    local c = h.open()
    local rows = json { "dispersion", "Cuba", "--format", "json" }
    local speakers, sum = c:values("speaker"), 0
    assert.equal(#speakers, #rows)
    for i, r in ipairs(rows) do
      local sub = c:where{ speaker = r.part }
      assert.equal(speakers[i], r.part)
      assert.equal(sub:count("cuba"), r.count, r.part)
      assert.equal(sub:size(), r.size, r.part)
      sum = sum + r.count
    end
    assert.equal(sum, rows[1].total)
    -- each document: its hits, found apart; D and DP recomputed from the rows by the formulas
    local docs = json { "dispersion", "Cuba", "--by", "doc", "--format", "json" }
    local n, total, size, rels = 0, 0, 0, {}
    for _, r in ipairs(docs) do
      local hits = c:find("cuba")
      local mine = 0
      for i = 1, #hits do if hits[i].doc == r.part then mine = mine + 1 end end
      assert.equal(mine, r.count, r.part)
      assert.equal(c:where{ id = r.part }:size(), r.size)
      n, total, size = n + 1, total + r.count, size + r.size
      rels[#rels + 1] = r.count / r.size
    end
    assert.equal(c:count("cuba"), total)
    local mean, var = 0, 0
    for _, v in ipairs(rels) do mean = mean + v / n end
    for _, v in ipairs(rels) do var = var + (v - mean) ^ 2 / n end
    local d = 1 - math.sqrt(var) / mean / math.sqrt(n - 1)
    local dp = 0
    for _, r in ipairs(docs) do dp = dp + math.abs(r.count / total - r.size / size) / 2 end
    assert.is_true(math.abs(d - docs[1].d) < 1e-12 and math.abs(dp - docs[1].dp) < 1e-12)
    c:close()
  end)

  it("gives a block of rows per keyword family, hostile names kept, and refuses what it cannot do", function()
    local dir = h.tmpdir()
    h.write(dir .. "/fam.lua", 'return { ["' .. EVIL .. '"] = { "cuba*" }, ["a & b"] = { "quarantine", "blockade" } }\n')
    local rows = json { "dispersion", "--families", dir .. "/fam.lua", "--by", "doc", "--format", "json" }
    assert.equal(4, #rows)
    assert.same({ EVIL, EVIL, "a & b", "a & b" }, { rows[1].family, rows[2].family, rows[3].family, rows[4].family })
    local c = h.open()
    local fam = require("parley.topics").mentions(c, { "quarantine", "blockade" })
    assert.equal(#fam, rows[3].total)
    assert.equal(c:count("quarantine") + c:count("blockade"), rows[3].count + rows[4].count)
    c:close()
    local csv = h.csv((ok { "dispersion", "--families", dir .. "/fam.lua", "--format", "csv" }))
    assert.equal("family", csv[1][1])
    for _, args in ipairs { { "dispersion" }, { "dispersion", "cuba", "--families", dir .. "/fam.lua" },
                            { "dispersion", "cuba", "--by", "side" } } do
      local _, err, code = h.run(args)
      assert.equal(1, code, table.concat(args, " "))
      assert.truthy(err:find("^parley: dispersion: "), err)
    end
    h.cleanup()
  end)

  it("draws a dispersion plot with --format svg: a row per part, its count, a tick per hit", function()
    local out = ok { "dispersion", "Cuba", "--format", "svg" }
    local doc = assert(parse(out))
    local rows = class(doc, "row")
    local table_rows = json { "dispersion", "Cuba", "--format", "json" }
    assert.equal(#table_rows, #rows)
    for i, r in ipairs(table_rows) do
      assert.equal(("%s: %d mention%s; "):format(r.part, r.count, r.count == 1 and "" or "s"),
                   child(rows[i], "title").text:match("^.-; "))
      local n = #ticks(rows[i])
      assert.is_true(n >= 1 and n <= r.count)
    end
    assert.equal("Dispersion of Cuba by speaker", doc.kids[1].text)
    assert.equal(out, (ok { "dispersion", "Cuba", "--format", "svg" }))
    -- hostile family names in the headings, escaped
    local dir = h.tmpdir()
    h.write(dir .. "/fam.lua", 'return { ["' .. EVIL .. '"] = { "cuba*" } }\n')
    local fam = ok { "dispersion", "--families", dir .. "/fam.lua", "--by", "doc", "--format", "svg" }
    assert.truthy(parse(fam))
    assert.falsy(fam:find("<script", 1, true))
    assert.truthy(fam:find("&lt;script&gt;alert(1)&lt;/script&gt; — D ", 1, true))
    assert.truthy(fam:find(">position in the document<", 1, true))
    h.cleanup()
  end)
end)

describe("--format svg on topics and speakers", function()
  it("draws topics as a dispersion plot: a block per family, all its mentions and each speaker's", function()
    local out = ok { "topics", "--format", "svg" }
    local doc = assert(parse(out))
    local table_rows = json { "topics", "--format", "json" }
    local heads = all(doc, function(e) return e.name == "text" and e.attrs["font-weight"] == "bold" end)
    assert.equal(#table_rows, #heads)
    local rows, at = class(doc, "row"), 1
    for i, r in ipairs(table_rows) do
      assert.equal(r.family, heads[i].text:match("^(.-) — D "))
      assert.equal(("all mentions: %d mention%s"):format(r.mentions, r.mentions == 1 and "" or "s"), child(rows[at], "title").text)
      at = at + 1
      for _, sp in ipairs(r.speakers) do
        assert.equal(("%s: %d mention%s"):format(sp.name, sp.count, sp.count == 1 and "" or "s"), child(rows[at], "title").text)
        at = at + 1
      end
    end
    assert.equal(#rows, at - 1)
    assert.equal(out, (ok { "topics", "--format", "svg" }))
  end)

  it("draws speakers' shares as bars and who follows whom as a matrix", function()
    local rows = json { "speakers", "--format", "json" }
    local doc = assert(parse((ok { "speakers", "--format", "svg" })))
    local series = class(doc, "series")
    assert.same({ "words", "turns (direct and reported)", "questions" },
                { child(series[1], "title").text, child(series[2], "title").text, child(series[3], "title").text })
    local bars = 0
    for _, r in ipairs(rows) do if r.words > 0 then bars = bars + 1 end end
    assert.equal(bars, #named(series[1], "rect"))
    -- the words' shares, as the table's share column has them, in per cent
    local labels = {}
    for _, t in ipairs(named(series[1], "text")) do labels[#labels + 1] = t.text end
    local want = {}
    table.sort(rows, function(a, b) return a.words > b.words end)
    for _, r in ipairs(rows) do want[#want + 1] = svg.num(r.share * 100) .. "%" end
    assert.same(want, labels)
    local m = json { "speakers", "--matrix", "--format", "json" }
    local mdoc = assert(parse((ok { "speakers", "--matrix", "--format", "svg" })))
    local cells = class(mdoc, "cell")
    assert.equal(#m * #m, #cells)
    local names = {}
    for _, r in ipairs(m) do names[#names + 1] = r.speaker end
    assert.equal(("%s → %s: %d"):format(names[1], names[2], m[1][names[2]]), child(cells[2], "title").text)
    assert.truthy(ok({ "speakers", "--help" }):find("svg (a chart)", 1, true))
  end)
end)
