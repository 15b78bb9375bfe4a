-- The one output layer: every bundled command in every format, on the
-- bundled corpus and on a corpus whose text, ids, titles and speaker names
-- hold commas, quotes, tabs, newlines, pipes and wide characters.  The
-- machine formats are parsed back with readers written from their
-- definitions (spec/helpers.lua: RFC 4180 for csv, the tsv escapes, the md
-- and html tables; lua-cjson for json) and must carry the same rows,
-- columns and values; the human formats the same rows and, rounded, the
-- same values.  A few values are checked against hand counts and grep.
local h = require "spec.helpers"
local cjson = require "cjson"
local output = require "parley.output"
local text = require "parley.text"

local FORMATS = { "tty", "tsv", "csv", "json", "md", "html" }

-- A corpus made to trip writers up.
local function hostile()
  local dir = h.tmpdir()
  h.write(dir .. "/corpus.lua", [[
return {
  name = "hostile, \"quoted\"",
  title = "Commas, \"quotes\",\ttabs and\nnewlines — 北京市人民政府",
  documents = {
    { id = "talk, \"one\"", path = "talk.txt", grammar = "labelled", type = "transcript",
      title = "A talk,\twith \"quotes\"\nand 北京", date = "1962-11-03" },
    { id = "note", path = "note.txt", type = "note", title = "plain | pipes * stars _ under <b> & more" },
  },
}
]])
  h.write(dir .. "/people.lua", [[
return {
  { name = 'Smith, "Jr."', aliases = { "Smith" }, side = "US" },
  { name = "北京市人民政府", side = "USSR" },
}
]])
  h.write(dir .. "/talk.txt", 'Smith: We say, "quarantine" now — with commas, quotes and 北京市人民政府 words.\n\n'
    .. '北京市人民政府: 答复 quarantine? Yes, "quoted" quarantine.\n\n'
    .. "Smith: The quarantine, the blockade; the quarantine again.\n")
  h.write(dir .. "/note.txt", 'A note\twith a tab, a "quote" and quarantine.\n')
  h.write(dir .. "/families.lua", 'return { ["quarantine, \\"q\\"\\tx"] = { "quarantine" }, ["北京"] = { "blockade" } }\n')
  return dir
end

-- The commands to run (without --corpus and --format) and the layout of their tty output.
local function commands(dir, bundled)
  local list = {
    { "overview", records = true },
    { "speakers" }, { "speakers", "--by", "doc" }, { "speakers", "--matrix" },
    { "annotations" }, { "entities" },
    { "keyness", "--min", "1" },
    { "collocates", "quarantine", "--min", "1" },
    { "dispersion", "quarantine" }, { "dispersion", "quarantine", "--by", "doc" },
    { "ngrams" }, { "ngrams", "--by", "speaker" },
    { "kwic", "quarantine" }, { "kwic", "quarantine", "--context", "turn", records = true },
  }
  if bundled then
    list[#list + 1] = { "timeline", "quarantine" }
    list[#list + 1] = { "timeline", "quarantine", "--split", "speaker", "--by", "month" }
    list[#list + 1] = { "topics" }
    list[#list + 1] = { "outline", "dinner" }
  else
    -- note.txt is undated: a date filter leaves it out (said in the caption, not on stderr)
    list[#list + 1] = { "timeline", "quarantine", "--where", "from=1962", "--split", "type" }
    list[#list + 1] = { "timeline", "--families", dir .. "/families.lua", "--where", "to=1962-11-03", "--split", "speaker" }
    list[#list + 1] = { "topics", "--families", dir .. "/families.lua" }
    list[#list + 1] = { "dispersion", "--families", dir .. "/families.lua" }
    list[#list + 1] = { "outline", "talk" }
  end
  return list
end

local function run(cmd, dir, fmt)
  local args = {}
  for i, a in ipairs(cmd) do args[i] = a end
  if dir then args[#args + 1] = "--corpus"; args[#args + 1] = dir end
  args[#args + 1] = "--format"
  args[#args + 1] = fmt
  local out, err, code = h.run(args)
  assert.equal(0, code, table.concat(args, " ") .. ": " .. err)
  assert.equal("", err, table.concat(args, " "))
  return out
end

-- A json value and the tsv cell of the same row and column: the same value.
local function same_machine(v, cell, where)
  if v == cjson.null then
    assert.truthy(cell == "" or cell == "inf" or cell == "-inf" or cell == "nan", where .. ": " .. cell)
  elseif type(v) == "number" then
    assert.equal(v, tonumber(cell), where)         -- round-trip precision: exactly the same number
  elseif type(v) == "table" then
    -- a list or map: every scalar value in it is in the flattened text
    local function leaves(t)
      for _, x in pairs(t) do
        if type(x) == "table" then leaves(x)
        else assert.truthy(cell:find(tostring(math.tointeger(x) or x), 1, true), where .. ": " .. tostring(x)) end
      end
    end
    leaves(v)
  else
    assert.equal(tostring(v), cell, where)
  end
end

-- A cell of a human format (md, html) and the machine value: the same, rounded or displayed.
local function same_human(shown, cell, where)
  if shown == cell then return end
  if shown == cell:gsub("^ +", ""):gsub(" +$", "") then return end  -- a Markdown cell loses its edge spaces
  local n = tonumber(cell)
  if n then
    local s = shown:gsub(" ", "")
    if s:sub(-1) == "%" then                          -- a share shown as a percentage
      assert.is_true(math.abs(tonumber(s:sub(1, -2)) / 100 - n) < 0.0006, where .. ": " .. shown)
    elseif cell == "inf" or cell == "-inf" or cell == "nan" then
      assert.equal(cell, s, where)
    else
      -- rounded to what it shows: within half its last digit
      local m = assert(tonumber(s), where .. ": " .. shown)
      local decimals = #(s:match("%.(%d+)$") or "")
      local exp = s:find("e") and 1e-4 * math.abs(n) or 0
      assert.is_true(math.abs(m - n) <= 0.5 * 10 ^ -decimals + 1e-12 + exp, where .. ": " .. shown .. " for " .. cell)
    end
    return
  end
  if cell:find("^[%d ]+$") then                        -- a course: a sparkline with one bar a part
    local parts = select(2, cell:gsub("%d+", ""))
    assert.equal(parts, text.len(shown), where)
    return
  end
  -- a map flattened as "k=v, …" and displayed as a tally "k v, …": the same pairs
  local function pairs_of(s, sep)
    local set = {}
    for item in (s .. ", "):gmatch("(.-), ") do set[item:gsub(sep, " ", 1)] = true end
    return set
  end
  assert.same(pairs_of(cell, "="), pairs_of(shown, " "), where)
end

-- Check one command in every format against its tsv.
local function check(cmd, dir)
  local name = table.concat(cmd, " ")
  local out = {}
  for _, fmt in ipairs(FORMATS) do out[fmt] = run(cmd, dir, fmt) end
  local tsv = h.tsv(out.tsv)
  local header = table.remove(tsv, 1)
  assert.is_true(#header >= 2, name)
  -- csv: the same fields, byte for byte
  local csv = h.csv(out.csv)
  assert.same(header, table.remove(csv, 1), name)
  assert.same(tsv, csv, name)
  -- json: objects with the columns in order, the same values
  local json = cjson.decode(out.json)
  assert.equal(#tsv, #json, name)
  local first = out.json:match("\n(%b{})")
  if first then
    local at = 0
    for _, col in ipairs(header) do
      local k = first:find('"' .. col:gsub('[\\"]', "\\%0") .. '":', at + 1, true)
      assert.truthy(k and k > at, name .. ": key " .. col .. " out of column order")
      at = k
    end
  end
  for i, row in ipairs(tsv) do
    assert.equal(#header, #row, name)
    for j, col in ipairs(header) do
      local v = json[i][col]
      assert.is_true(v ~= nil, name .. ": json row " .. i .. " lacks " .. col)
      same_machine(v, row[j], ("%s: row %d %s"):format(name, i, col))
    end
  end
  -- md and html: the same rows; text as it is, numbers rounded, displays of the same values
  local md = h.md(out.md)
  local html = h.html(out.html)
  assert.equal(#tsv + 1, #md, name)
  assert.equal(#tsv + 1, #html, name)
  assert.equal(#header, #md[1], name)
  assert.same(md[1], html[1], name)
  for i, row in ipairs(tsv) do
    for j, cell in ipairs(row) do
      local where = ("%s: row %d %s"):format(name, i, header[j])
      same_human(md[i + 1][j], cell, "md " .. where)
      local dv = html[i + 1][j]
      if tonumber(cell) and tonumber(dv) then
        assert.equal(tonumber(cell), tonumber(dv), "html data-value " .. where)
      else
        same_human(dv, cell, "html " .. where)
      end
    end
  end
  -- tty: one line a row under the header and its rule, or one block a row
  local tty = out.tty
  if cmd.records then
    local body = tty:gsub("^.-\n\n", "", tty:find("^doc ") and 0 or 1)
    local blocks = select(2, ("\n" .. body):gsub("\n\n", "")) + (body ~= "" and 1 or 0)
    assert.equal(#tsv, blocks, name)
  else
    local lines = {}
    for line in tty:gmatch("(.-)\n") do lines[#lines + 1] = line end
    local rule
    for k, line in ipairs(lines) do if line:find("^─") then rule = k break end end
    assert.truthy(rule, name)
    assert.equal(#tsv, #lines - rule, name)
  end
  for _, row in ipairs(tsv) do
    local first_cell = row[1]:gsub("[\t\n\r]", " ")
    if first_cell ~= "" then assert.truthy(tty:find(first_cell, 1, true), name .. ": " .. first_cell) end
  end
  return json, out
end

describe("every command in every format", function()
  local dir
  setup(function() dir = hostile() end)
  teardown(h.cleanup)

  for _, bundled in ipairs { true, false } do
    local label = bundled and "the bundled corpus" or "a corpus of commas, quotes, tabs and wide characters"
    it("carries the same rows, columns and values on " .. label, function()
      for _, cmd in ipairs(commands(dir, bundled)) do check(cmd, not bundled and dir or nil) end
    end)
  end

  it("agrees with hand counts and grep", function()
    -- the hostile corpus: "quarantine" five times in talk.txt and once in note.txt
    local rows = check({ "kwic", "quarantine" }, dir)
    assert.equal(6, #rows)
    assert.same({ 'talk, "one"', 1, 17 }, { rows[1].doc, rows[1].line, rows[1].col })
    -- 北京市人民政府's one turn: 答复 quarantine Yes quoted quarantine, and one question
    local who = {}
    for _, r in ipairs((check({ "speakers" }, dir))) do who[r.speaker] = r end
    assert.same({ 1, 5, 1 }, { who["北京市人民政府"].turns, who["北京市人民政府"].words, who["北京市人民政府"].questions })
    assert.equal(2, who['Smith, "Jr."'].turns)
    -- the bundled corpus: Kuznetsov's three turns, counted on paper (22 + 10 + 10 words, labels left out)
    who = {}
    for _, r in ipairs((check({ "speakers" }))) do who[r.speaker] = r end
    assert.equal(42, who["V. V. Kuznetsov"].words)
    local p = assert(io.popen("cat " .. h.shquote(h.dinner) .. " " .. h.shquote(h.telegram)
      .. " | LC_ALL=C grep -o -i -w quarantine | wc -l"))
    local grep = tonumber(p:read("a"))
    p:close()
    assert.equal(grep, #check({ "kwic", "quarantine" }))
  end)

  it("keeps [match] in one column whatever the script", function()
    local tty = run({ "kwic", "quarantine", "--width", "30" }, dir, "tty")
    local column
    for line in tty:gmatch("(.-)\n") do
      local before = line:match("^(.-)%[quarantine%]")
      if before then
        column = column or text.width(before)
        assert.equal(column, text.width(before), line)
      end
    end
    assert.truthy(column)
    assert.truthy(tty:find("北京", 1, true))          -- wide characters were in the contexts
  end)

  it("writes JSON the same on every run, with null for what is not finite", function()
    local first = run({ "keyness" }, nil, "json")
    for _ = 1, 3 do assert.equal(first, run({ "keyness" }, nil, "json")) end
    -- %DIFF of a word the other side never uses is infinite: null, but the key is there
    local rows = cjson.decode(first)
    local infinite = 0
    for _, r in ipairs(rows) do if r.freq_b == 0 then infinite = infinite + 1; assert.equal(cjson.null, r.pct_diff) end end
    assert.is_true(infinite > 0)
    assert.equal(#rows, select(2, first:gsub('"pct_diff":', "")))
    -- numbers at round-trip precision: exactly what the Lua API computes
    local c = h.open()
    local lua = c:where{ kind = "turn", side = "USSR" }:keyness(c:where{ kind = "turn", side = { "US" } })
    for i, r in ipairs(rows) do
      assert.equal(lua[i].word, r.word)
      assert.equal(lua[i].ll, r.ll)
      assert.equal(lua[i].log_ratio, r.log_ratio)
    end
    -- a list cell with nothing in it is still a list: [] like [["a",1]], never {}
    local out = require("parley.output").render({ { t = {} }, { t = { { "a", 1 } } } }, { "t" }, "json")
    assert.equal('[\n{"t":[]},\n{"t":[["a",1]]}\n]\n', out)
  end)

  it("escapes every code point and bytes that are not UTF-8 in JSON", function()
    local cps = {}
    for cp = 0, 0x10FFFF, 7 do if cp < 0xD800 or cp > 0xDFFF then cps[#cps + 1] = utf8.char(cp) end end
    for cp = 0, 0x7F do cps[#cps + 1] = utf8.char(cp) end
    cps[#cps + 1] = "\u{2028}\u{2029}"
    local s = table.concat(cps)
    local bad = "ok\xC0\xAFend\xFF"
    local json = output.render({ { s = s, bad = bad } }, { "s", "bad" }, "json")
    assert.is_nil(json:gsub("\n", ""):find("[%z\1-\31]"))  -- no raw control character, line ends aside
    local back = cjson.decode(json)
    assert.equal(s, back[1].s)
    assert.equal("ok\u{FFFD}\u{FFFD}end\u{FFFD}", back[1].bad)
    assert.truthy(json:find("\\u2028", 1, true))
  end)

  it("quotes csv fields only as RFC 4180 asks, and reads back what it wrote", function()
    local values = { "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "tab\there", "", " spaced " }
    local rows = {}
    for i, v in ipairs(values) do rows[i] = { v = v, n = i } end
    local csv = output.render(rows, { "v", "n" }, "csv")
    assert.equal('v,n\r\nplain,1\r\n"a,b",2\r\n"say ""hi""",3\r\n"two\nlines",4\r\n"cr\rhere",5\r\n'
      .. "tab\there,6\r\n,7\r\n spaced ,8\r\n", csv)
    local back = h.csv(csv)
    for i, v in ipairs(values) do assert.same({ v, tostring(i) }, back[i + 1]) end
    -- and tsv escapes instead of flattening
    local tsv = h.tsv(output.render(rows, { "v", "n" }, "tsv"))
    for i, v in ipairs(values) do assert.equal(v, tsv[i + 1][1]) end
  end)

  it("escapes markup in md and html wherever it stands in a cell", function()
    local rows = {}
    for k = 0, 20 do
      for _, c in ipairs { "<", ">", "&", '"', "'", "|", "*", "_", "`", "\\" } do
        rows[#rows + 1] = { v = ("a"):rep(k) .. c .. "<b>x</b>" .. ("z"):rep(k) }
      end
    end
    local html = h.html(output.render(rows, { "v" }, "html"))
    local md = h.md(output.render(rows, { "v" }, "md"))
    for i, r in ipairs(rows) do
      assert.equal(r.v, html[i + 1][1])
      assert.equal(r.v, md[i + 1][1])
    end
    assert.is_nil(output.render(rows, { "v" }, "html"):find("<b>", 1, true))
  end)

  it("neutralises what a terminal must not receive", function()
    local tty = output.render({ { v = "red\27[31mred\r\nx\u{202E}y\xFF" } }, { "v" }, "tty")
    assert.is_nil(tty:find("[\27\r]"))
    assert.is_nil(tty:find("\u{202E}", 1, true))
    assert.truthy(tty:find("red\u{FFFD}[31mred  x\u{FFFD}y\u{FFFD}", 1, true))
  end)

  it("streams: a table is written in blocks as its rows come, not held until the end", function()
    for _, fmt in ipairs(FORMATS) do
      local path = h.tmpdir() .. "/out"
      local f = assert(io.open(path, "w"))
      local w = output.writer({ "n", "word" }, fmt, f)
      local rows = {}
      for i = 1, 10000 do rows[i] = { n = i, word = ("w"):rep(i % 7 + 1) } end
      w:write(rows)
      f:flush()
      local size = #assert(h.read(path))
      assert.is_true(size >= 65536, fmt)              -- 10 000 rows: a 64 KiB block is out already
      for _ = 1, 20 do w:write(rows) end                -- 200 000 more rows
      w:close()
      f:close()
      assert.is_true(#assert(h.read(path)) > 21 * size * 0.9, fmt)
    end
  end)
end)
