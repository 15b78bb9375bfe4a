-- parley report: one self-contained HTML page with every section, nothing
-- fetched, well-formed SVG charts (read back by expat), hostile names shown
-- and never run, large corpora summarised, the same bytes for the same
-- corpus, and the page written whole or not at all.
local h = require "spec.helpers"
local lxp = require "lxp"

local SECTIONS = { "overview", "structure", "speakers", "topics", "keyness", "annotations", "compare", "timeline" }

local function report(args, dir)
  local out = (dir or h.tmpdir()) .. "/report.html"
  local all = { "report", "-o", out }
  for _, a in ipairs(args or {}) do all[#all + 1] = a end
  local o, e, code = h.run(all)
  assert.equal(0, code, e)
  return assert(h.read(out)), o, e, out
end

-- Every <svg>…</svg> of the page, each parsed as XML; -> their count, or fails with expat's message.
local function svgs(html)
  local n = 0
  for s in html:gmatch("<svg.-</svg>") do
    n = n + 1
    local p = lxp.new({})
    local ok, msg, line, col = p:parse(s)
    if ok then ok, msg, line, col = p:parse() end
    p:close()
    assert(ok, ("svg %d is not well-formed: %s at %s:%s\n%s"):format(n, tostring(msg), tostring(line), tostring(col), s:sub(1, 300)))
    assert.matches("<title>[^<]+</title>", s, nil, "svg " .. n .. " has a title")
    assert.matches("<desc>[^<]+</desc>", s, nil, "svg " .. n .. " has a text alternative")
  end
  return n
end

-- The text of section id (between its <section> and the next one's).
local function section(html, id)
  return html:match('<section id="' .. id .. '">(.-)</section>\n<section') or html:match('<section id="' .. id .. '">(.*)$')
end

describe("parley report", function()
  teardown(h.cleanup)

  it("writes every section of the bundled corpus, with charts, and prints the path", function()
    local html, out, _, path = report()
    assert.matches("wrote " .. h.esc(path), out)
    assert.matches("^<!DOCTYPE html>", html)
    for _, id in ipairs(SECTIONS) do
      local s = section(html, id)
      assert.is_not_nil(s, id)
      assert.is_nil(s:find('class="unavailable"'), id .. ": " .. (s:match('<p class="unavailable">(.-)</p>') or ""))
      assert.matches('<a href="#' .. id .. '">', html)
    end
    -- the figures of the commands, through the one writer: the speakers' table as `parley speakers` has it
    local speakers = section(html, "speakers")
    for _, name in ipairs { "A. I. Mikoyan", "John McCloy", "Adlai Stevenson" } do assert.matches(h.esc(name), speakers) end
    local o = h.run({ "speakers", "--format", "html" })
    assert.is_not_nil(speakers:find(o:match("<tbody>.-</tbody>"), 1, true), "the speakers table is the command's")
    -- a chart in each section that draws one, each well-formed, titled and described
    for _, id in ipairs { "structure", "speakers", "topics", "compare", "timeline" } do
      assert.is_true(svgs(section(html, id)) >= 1, id .. " has a chart")
    end
    assert.is_true(svgs(html) >= 7)
    -- the strip of the dinner: a turn of each speaker, the editorial notes marked
    assert.matches("editorial note", section(html, "structure"))
  end)

  it("fetches nothing and needs no JavaScript to be read", function()
    local html = report()
    local without_ns = html:gsub('xmlns="http://www.w3.org/2000/svg"', "")
    assert.is_nil(without_ns:find("https?://"), "no address but the SVG namespace")
    assert.is_nil(html:find("<link", 1, true))
    assert.is_nil(html:find("@import", 1, true))
    assert.is_nil(html:find("url%("))
    assert.is_nil(html:find(" src=", 1, true))
    for href in html:gmatch('href="([^"]*)"') do assert.matches("^#", href) end
    -- one script, at the end, after every table it sorts; the tables are there without it
    local _, scripts = html:gsub("<script>", "")
    assert.equal(1, scripts)
    assert.matches("<table", html:match("^(.-)<script>"))
    assert.matches("@media print", html)
  end)

  it("gives the same bytes for the same corpus, and a stamp only when asked", function()
    local a = report()
    local b = report()
    assert.equal(a, b)
    local c = report({ "--stamp", "2026-12-03" })
    assert.matches("on 2026%-12%-03", c)
    assert.is_nil(a:find("2026", 1, true))
  end)

  it("shows hostile names and titles as text, never as markup", function()
    local dir = h.tmpdir()
    h.sh(("cp -p %s/* %s/"):format(h.shquote(h.corpus), h.shquote(dir)))
    local people = assert(h.read(dir .. "/people.lua")):gsub('name = "A. I. Mikoyan"', 'name = "<script>alert(1)</script> & Mikoyan"')
    h.write(dir .. "/people.lua", people)
    local m = assert(h.read(dir .. "/corpus.lua")):gsub('title = "Mikoyan, McCloy', 'title = "<b>Mikoyan</b> & McCloy')
    h.write(dir .. "/corpus.lua", m)
    local html = report({ "--corpus", dir })
    assert.is_nil(html:find("<script>alert", 1, true))
    assert.is_nil(html:find("<b>Mikoyan", 1, true))
    assert.matches("&lt;script&gt;alert%(1%)&lt;/script&gt; &amp; Mikoyan", html)
    assert.matches("&lt;b&gt;Mikoyan&lt;/b&gt; &amp; McCloy", html)
    svgs(html)
  end)

  it("summarises a large corpus: the first rows of each table, and how many were left out", function()
    local docs = {}
    for i = 1, 80 do
      docs[i] = { ("d%03d"):format(i), ("1962-%02d-%02d"):format(1 + i % 12, 1 + i % 28), "memorandum",
        ("Memorandum %d on the inspection of the missile sites and the quarantine, with words%d."):format(i, i) }
    end
    local dir = h.dated_corpus("many", docs)
    local html, out = report({ "--corpus", dir, "--top", "5" }, nil)
    local ov = section(html, "overview")
    local _, rows = ov:gsub("<tr>", "")
    assert.equal(6, rows)   -- the heading and the first 5 documents
    assert.matches("The first 5 of 80 shown", ov)
    assert.matches("80 documents", out)
    -- a section the corpus cannot have says why
    assert.matches('class="unavailable">Not in this report: the documents have no speaker turns', section(html, "structure"))
    assert.matches("not for this corpus: ", out)
    -- the families are the corpus's commonest content words, said so
    assert.matches("commonest content words", section(html, "topics"))
    assert.is_true(svgs(html) >= 2)
  end)

  it("shows the charts of the commands themselves, over all their rows, for a conversation of 25 speakers", function()
    local dir = h.tmpdir()
    local lines, seed = {}, 5
    for i = 1, 300 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local who = i % 3 == 0 and 1 + seed % 25 or 1 + seed % 5
      lines[i] = ("DELEGATE %s: We discussed the inspection of the sites, item %d. Is that agreed?"):format(string.char(64 + who), i)
    end
    h.write(dir .. "/talks.txt", table.concat(lines, "\n\n") .. "\n")
    local html = report({ "--corpus", dir, "--top", "5" })
    local speakers = section(html, "speakers")
    -- the bars and the matrix are what parley speakers --format svg draws, whatever --top keeps of the tables
    local charts = {}
    for g in speakers:gmatch("<svg.-</svg>") do charts[#charts + 1] = g end
    assert.equal(2, #charts)
    for i, args in ipairs { { "speakers", "--corpus", dir, "--format", "svg" },
                            { "speakers", "--matrix", "--corpus", dir, "--format", "svg" } } do
      local o = h.run(args)
      assert.equal((require("parley.svg").fragment(o):gsub("\n$", "")), charts[i])
    end
    -- the tables: the first 5 speakers; who follows whom, the 5 busiest, rows and columns
    local tables = {}
    for t in speakers:gmatch("<table.-</table>") do tables[#tables + 1] = t end
    assert.equal(2, #tables)
    assert.equal(6, select(2, tables[1]:gsub("<tr>", "")))
    assert.equal(6, select(2, tables[2]:gsub("<tr>", "")))
    assert.equal(6, select(2, tables[2]:gsub("<th[ >]", "")))
    local n = tonumber(tables[2]:match("the 5 busiest of (%d+) speakers"))
    assert.is_true(n > 20)
    assert.matches("The first 5 of " .. n .. " shown", speakers)
    svgs(html)
  end)

  it("draws the timeline of a TEI archive from its documents' dates, and keeps to --where in every section", function()
    local dir = h.tmpdir()
    h.write(dir .. "/frus.xml", assert(h.read(h.root .. "/spec/fixtures/tei/frus1961-63v04-excerpt.xml")))
    local html = report({ "--corpus", dir })
    assert.is_nil(section(html, "timeline"):find('class="unavailable"'), section(html, "timeline"))
    assert.is_true(svgs(section(html, "timeline")) == 1)
    -- the telegram alone: no record to hold it against, keyness within it
    local one = report({ "--where", "type=telegram" })
    assert.matches("1 document of 1771 tokens", one)
    assert.matches('class="unavailable"', section(one, "compare"))
    assert.matches("not dated on two days or more", section(one, "timeline"))
  end)

  it("says why a section is missing when the corpus lacks it, and lets a bug be a bug", function()
    local report = require "parley.report"
    local corpus = assert(parley.open())
    local cmd = require "parley.cmd.annotations"
    local run = cmd.run
    cmd.run = function() require("parley.cli").fail("annotations: none here") end
    local sink, why = report.run("annotations", {}, corpus)
    assert.is_nil(sink)
    assert.equal("none here", why)
    cmd.run = function() local nothing return nothing.field end
    local ok, err = pcall(report.run, "annotations", {}, corpus)
    cmd.run = run
    assert.is_false(ok)
    assert.matches("attempt to index", tostring(err))
    corpus:close()
  end)

  it("writes the page whole or not at all, and says where it could not", function()
    local dir = h.tmpdir()
    local _, err, code = h.run({ "report", "-o", dir .. "/no/such/folder/r.html" })
    assert.are_not.equal(0, code)
    assert.matches("cannot write " .. h.esc(dir) .. "/no/such/folder/r.html", err)
    local _, err2, code2 = h.run({ "report", "--corpus", dir .. "/nothing", "-o", dir .. "/r.html" })
    assert.are_not.equal(0, code2)
    assert.matches("no such corpus folder", err2)
    assert.is_nil(h.read(dir .. "/r.html"))
    local names = require("parley.fs").dir(dir)
    assert.same({}, names)   -- no temporary left behind
  end)
end)
