-- Located rows: hits[i], hits:locate, hits:regions and whole-region
-- concordances (kwic --context) come from one C walk, and the context rows
-- stream to the writer.  Facts are read off the files (or a corpus made
-- here), not from parley's own output.
local h = require "spec.helpers"
local cjson = require "cjson"

local function squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

-- Occurrences of a literal string in a file.
local function grep_count(path, s)
  local text, n, at = h.read(path), 0, 1
  while true do
    local i, j = text:find(s, at, true)
    if not i then return n end
    n, at = n + 1, j + 1
  end
end

-- A corpus of "NAME: text" turns after a preamble that lies in no turn.
local function labelled_corpus()
  local dir = h.tmpdir()
  h.write(dir .. "/corpus.lua", [[return { name = "made", documents = {
    { id = "talk", path = "talk.txt", grammar = "labelled" } } }]])
  h.write(dir .. "/talk.txt", table.concat({
    "Minutes of a made-up meeting, on the quarantine line.",
    "",
    "ALICE: We spoke of the quarantine at length,",
    "and of much else.",
    "",
    "BOB: The quarantine holds. It holds [sic] today, and 10% more ships turned back.",
    "",
  }, "\n"))
  return dir
end

describe("whole regions as context", function()
  local c = h.open()
  after_each(function() end)

  it("give each hit its turn: the region's text squeezed, cut at the match, with its speaker", function()
    local rows = c:kwic("quarantine", { context = "turn" })
    local hits = c:find("quarantine")
    local regions = hits:regions("turn")
    assert.equal(#hits, #rows)
    local turns = 0
    for i, r in ipairs(rows) do
      local reg = regions[i]
      if reg then
        turns = turns + 1
        assert.equal(reg.speaker, r.speaker)
        local text = c.ix:text(r.docno)
        assert.equal(squeeze(text:sub(r.region_start, r.region_stop)), squeeze(r.left .. r.match .. r.right))
        assert.equal("quarantine", r.match:lower():gsub("[^%a]", ""))
        assert.is_true(r.region_start <= r.start and r.stop <= r.region_stop)
      else
        assert.is_nil(r.speaker)
      end
    end
    assert.is_true(turns > 0)
  end)

  it("keep width characters and no label for a hit outside every region of the kind", function()
    local mc = h.open(labelled_corpus())
    local rows = mc:kwic("quarantine", { context = "turn", width = 12 })
    assert.equal(3, #rows)
    assert.same({ false, "ALICE", "BOB" }, { rows[1].speaker or false, rows[2].speaker, rows[3].speaker })
    assert.equal("the", rows[1].left:sub(-3))
    assert.is_true(#rows[1].left <= 12 + 2)
    assert.is_nil(rows[1].region_start)
    assert.equal("ALICE: We spoke of the ", rows[2].left)
    assert.equal(" at length, and of much else.", rows[2].right)
    -- a kind without attributes has no label column
    local sentences = mc:kwic("quarantine", { context = "sentence", format = "tsv" })
    assert.equal("doc\tline\tcol\tleft\tmatch\tright", sentences:match("^[^\n]*"))
  end)

  it("carry the same rows in every format, in the order --sort asks", function()
    for _, sort in ipairs({ "doc", "right", "left" }) do
      local rows = c:kwic("cuba", { context = "turn", sort = sort })
      local plain = c:kwic("cuba", { sort = sort }):totable()
      assert.equal(#plain, #rows)
      for i = 1, #rows do assert.same({ plain[i].doc, plain[i].line, plain[i].col }, { rows[i].doc, rows[i].line, rows[i].col }) end
      local out, err, code = h.run({ "kwic", "cuba", "--context", "turn", "--sort", sort, "--format", "json" })
      assert.equal(0, code, err)
      local json = cjson.decode(out)
      assert.equal(#rows, #json)
      for i, r in ipairs(json) do
        assert.same({ rows[i].doc, rows[i].line, rows[i].col, rows[i].speaker or cjson.null, rows[i].left, rows[i].match, rows[i].right },
                    { r.doc, r.line, r.col, r.speaker, r.left, r.match, r.right })
      end
      local tsv = h.tsv((h.run({ "kwic", "cuba", "--context", "turn", "--sort", sort, "--format", "tsv" })))
      assert.same({ "doc", "line", "col", "speaker", "left", "match", "right" }, tsv[1])
      assert.equal(#rows + 1, #tsv)
      assert.equal(rows[#rows].right, tsv[#tsv][7])
    end
  end)

  it("are limited as a concordance is, and refuse a kind the corpus lacks", function()
    assert.equal(3, #c:kwic("the", { context = "turn", limit = 3 }))
    local out, err, code = h.run({ "kwic", "cuba", "--context", "chapter" })
    assert.equal(1, code)
    assert.equal("", out)
    assert.matches("^parley: kwic: no region kind 'chapter' in this corpus %(kinds: ", err)
  end)
end)

describe("hits", function()
  local c = h.open()

  it("hits[i] is the located row of hit i, across the blocks it is located in", function()
    local hits = c:find("t*")
    assert.is_true(#hits > 2 * 256)   -- three blocks
    local all = hits:locate(1, #hits, { context = 40 })
    for i = 1, #hits do
      local a, b = hits[i], all[i]
      assert.same({ b.doc, b.line, b.col, b.left, b.match, b.right, b.start, b.stop, b.path },
                  { a.doc, a.line, a.col, a.left, a.match, a.right, a.start, a.stop, a.path })
    end
    assert.is_nil(hits[0])
    assert.is_nil(hits[#hits + 1])
    assert.is_nil(hits[1.5])
  end)

  it("locate gives each hit its place and matched text without context", function()
    local hits = c:find('"red cross"')
    local rows = hits:locate()
    local kwic = c:kwic('"red cross"'):totable()
    assert.equal(#kwic, #rows)
    for i, r in ipairs(rows) do
      assert.is_nil(r.left)
      assert.same({ kwic[i].doc, kwic[i].line, kwic[i].col, kwic[i].match }, { r.doc, r.line, r.col, r.match })
      assert.equal("red cross", r.match:lower())
      assert.equal(h.corpus .. "/1962-11-01-mikoyan-mccloy-stevenson-dinner.txt", r.path)
    end
    assert.equal(2, #hits:locate(2, 3))
    assert.error_matches(function() hits:locate("x") end, "bad argument #1 to 'locate' %(a hit number expected, got string%)")
    assert.error_matches(function() hits:locate(1, 2, 5) end, "bad argument #3 to 'locate' %(options must be a table, got number%)")
  end)

  it("regions gives the region around each hit, as region_at does, a table of its own each", function()
    local hits = c:find("cuba")
    local regions = hits:regions("turn")
    assert.equal(#hits, #regions)
    for i = 1, #hits do
      local n, rs, re_, attrs = c.ix:region_at("turn", (hits._hits:span(i)))
      if n then
        assert.same({ rs, re_, attrs.speaker }, { regions[i].start, regions[i].stop, regions[i].speaker })
      else
        assert.is_false(regions[i])
      end
    end
    local a, b
    for i = 2, #regions do
      if regions[i] and regions[i - 1] and regions[i].start == regions[i - 1].start then a, b = regions[i - 1], regions[i] end
    end
    assert.is_table(a)
    a.speaker = "changed"
    assert.is_not.equal("changed", b.speaker)
    assert.error_matches(function() hits:regions("chapter") end, "no region kind 'chapter'")
  end)
end)

describe("literal text in a query", function()
  local dir = labelled_corpus()
  local mc = h.open(dir)

  it("is written =exact, which the message of a faulty pattern says", function()
    assert.equal(grep_count(dir .. "/talk.txt", "[sic]"), mc:count("=[sic]"))
    assert.equal(grep_count(dir .. "/talk.txt", "10%"), mc:count("=10%"))
    local out, err, code = h.run({ "kwic", "10%", "--corpus", dir })
    assert.equal(1, code)
    assert.equal("", out)
    assert.equal("parley: kwic: bad query: a Lua pattern cannot end with a single %\n  10%\n    ^\n"
      .. "to find the text 10% itself, write =10%\n", err)
    local ok, e = pcall(mc.count, mc, "10%")
    assert.is_false(ok)
    assert.equal("to find the text 10% itself, write =10%", e.hint)
  end)

  it("keeps its meaning inside quotes, but for NEAR/", function()
    assert.equal(mc:count("quarantine*"), mc:count('"quarantine*"'))
    assert.equal(0, mc:count('"quarantine NEAR/3 holds"'))
    assert.equal(1, mc:count("quarantine NEAR/3 holds"))
  end)

  it("with a PEG repetition that finds nothing, gets a note on a terminal", function()
    local cmd = h.shquote(h.bin) .. " kwic '/[a-z]*tion/'"
    local p = assert(io.popen("script -qec " .. h.shquote(cmd) .. " /dev/null"))
    local tty = p:read("a")
    p:close()
    assert.matches("^no matches for '/%[a%-z%]%*tion/'\r\nnote: in /%[a%-z%]%*tion/ a repetition takes all it can", tty)
    assert.matches("%%a%*tion finds the words ending in tion", tty)
    assert.is_true(h.open():count("%a*tion") > 0)
  end)
end)

describe("a filter's values", function()
  it("name speakers as the register knows them, and refuse values no region has", function()
    local by_alias = h.run({ "kwic", "cuba", "--where", "speaker=McCloy", "--format", "tsv" })
    local by_name = h.run({ "kwic", "cuba", "--where", "speaker=John McCloy", "--format", "tsv" })
    assert.equal(by_name, by_alias)
    assert.is_true(#h.tsv(by_name) > 1)
    local out, err, code = h.run({ "kwic", "cuba", "--where", "speaker=McCoy" })
    assert.equal(1, code)
    assert.equal("", out)
    assert.matches("^parley: kwic: no turns where speaker=McCoy; speakers are: A%. I%. Mikoyan, ", err)
  end)
end)
