-- `parley outline` and `parley annotations`, run as subprocesses.  Expected
-- lines and counts were read off the dinner record by hand (see
-- spec/13-transcript_spec.lua) and cross-checked with grep.
local h = require "spec.helpers"
local cjson = require "cjson"

local function lines(s)
  local out = {}
  for line in s:gmatch("(.-)\n") do out[#out + 1] = line end
  return out
end

-- Run `parley ARGS...`, which must succeed quietly.
local function run(...)
  local out, err, code = h.run({ ... })
  assert.equal("", err)
  assert.equal(0, code)
  return out
end

-- Run `parley ARGS...`, which must fail with one line and no traceback.
local function mistake(...)
  local out, err, code = h.run({ ... })
  assert.equal(1, code)
  assert.equal("", out)
  assert.is_nil(err:find("traceback", 1, true), err)
  assert.equal(1, #lines(err), err)
  return err
end

-- A corpus holding only the dinner record (its counts do not depend on other grammars).
local function dinner_corpus()
  local dir = h.tmpdir()
  os.execute(("cp %s %s %s/"):format(h.shquote(h.dinner), h.shquote(h.corpus .. "/people.lua"), h.shquote(dir)))
  h.write(dir .. "/corpus.lua", [[return { name = "dinner", documents = { {
    id = "dinner-1962-11-01", path = "1962-11-01-mikoyan-mccloy-stevenson-dinner.txt",
    grammar = "transcript", type = "transcript" } } }]])
  return dir
end

describe("parley outline", function()
  after_each(h.cleanup)

  it("lists every region of the document in order, as JSON", function()
    local dir = dinner_corpus()
    local rows = cjson.decode(run("outline", "dinner-1962-11-01", "--corpus", dir, "--format", "json"))
    local n = {}
    for _, r in ipairs(rows) do n[r.kind] = (n[r.kind] or 0) + 1 end
    assert.same({ turn = 82, narration = 3, header = 1, footer = 1, editorial_note = 4,
                  transliteration = 5, supplied = 8, scare_quote = 8 }, n)
    local all = cjson.decode(run("outline", "dinner-1962-11-01", "--corpus", dir, "--all", "--format", "json"))
    local labels = 0
    for _, r in ipairs(all) do if r.kind == "label" then labels = labels + 1 end end
    assert.equal(82, labels)                      -- one label a turn, shown with --all
    assert.same({ kind = "header", start_line = 1, end_line = 4, attrs = {} },
      { kind = rows[1].kind, start_line = rows[1].start_line, end_line = rows[1].end_line, attrs = rows[1].attrs })
    assert.same({ "narration", 6, 9 }, { rows[2].kind, rows[2].start_line, rows[2].end_line })
    assert.same({ kind = "turn", start_line = 11, end_line = 15,
                  attrs = { speaker = "A. I. Mikoyan", side = "USSR", mode = "reported", label = "A. I. Mikoyan" } },
      { kind = rows[3].kind, start_line = rows[3].start_line, end_line = rows[3].end_line, attrs = rows[3].attrs })
    local last = rows[#rows]
    assert.same({ "footer", 468, 476 }, { last.kind, last.start_line, last.end_line })
    local prev = 0
    for _, r in ipairs(rows) do
      assert.is_true(r.start_line >= prev and r.end_line >= r.start_line)
      prev = r.start_line
    end
    -- Mikoyan's long turn with four continuation paragraphs, and the wrapped editorial note
    local found = {}
    for _, r in ipairs(rows) do
      if r.kind == "turn" and r.start_line == 166 then found.turn = r end
      if r.kind == "editorial_note" and r.start_line == 57 then found.note = r end
      if r.kind == "turn" and r.start_line == 49 then found.jocular = r end
    end
    assert.same({ 211, "A. I. Mikoyan" }, { found.turn.end_line, found.turn.attrs.speaker })
    assert.same({ 58, "in the United Nations" }, { found.note.end_line, found.note.attrs.text })
    assert.equal("in a jocular tone", found.jocular.attrs.direction)
  end)

  it("shows a table with excerpts on a terminal, and paragraphs with --all", function()
    local dir = dinner_corpus()
    local out = lines(run("outline", "dinner", "--corpus", dir))
    -- the document and the grammar that parsed it, then the table
    assert.equal("dinner-1962-11-01 (1962-11-01-mikoyan-mccloy-stevenson-dinner.txt): grammar transcript "
      .. "(built-in, lua/parley/grammar/transcript.lua)", out[1])
    table.remove(out, 1)
    assert.truthy(out[1]:find("^kind%s+from%s+to%s+attrs%s+excerpt$"))
    assert.truthy(out[3]:find("^header%s+1%s+4%s+Record of a Dinner Conversation"))
    assert.truthy(out[5]:find("^turn%s+11%s+15%s+label=A%. I%. Mikoyan mode=reported side=USSR "
      .. "speaker=A%. I%. Mikoyan%s+A%. I%. Mikoyan says that the USSR"))
    for _, line in ipairs(out) do assert.is_nil(line:find("^label ")) end  -- labels only with --all
    local narr = out[4]:match("^narration%s+6%s+9%s+(.*)$")
    assert.equal("At the outset of the conversation, A. I. Mikoyan poses a qu…", narr)
    local all = cjson.decode(run("outline", "dinner", "--corpus", dir, "--all", "--format", "json"))
    for _, r in ipairs(all) do
      assert.is_true(utf8.len(r.excerpt) <= 60 and not r.excerpt:find("%s%s") and not r.excerpt:find("\n"))
    end
    local paragraphs = 0
    for _, r in ipairs(all) do if r.kind == "paragraph" then paragraphs = paragraphs + 1 end end
    assert.is_true(paragraphs > 80)
    assert.is_true(#all > 82 + paragraphs)
  end)

  it("finds the document by id, path, file name or unique prefix", function()
    local want = run("outline", "dinner-1962-11-01", "--format", "tsv")
    assert.truthy(want:find("^kind\tstart_line\tend_line\tattrs\texcerpt\n"))
    assert.equal(want, run("outline", "corpus/1962-11-01-mikoyan-mccloy-stevenson-dinner.txt", "--format", "tsv"))
    assert.equal(want, run("outline", h.dinner, "--format", "tsv"))
    assert.equal(want, run("outline", "1962-11-01", "--format", "tsv"))
    assert.equal(want, run("outline", "din", "--format", "tsv"))
    assert.not_equal(want, run("outline", "tel", "--format", "tsv"))
  end)

  it("reports an unknown or ambiguous document with the candidates", function()
    local err = mistake("outline", "1962")
    assert.truthy(err:find("outline: '1962' is ambiguous", 1, true), err)
    assert.truthy(err:find("dinner-1962-11-01", 1, true) and err:find("telegram-1962-11-02", 1, true), err)
    err = mistake("outline", "memo-1963")
    assert.truthy(err:find("no document 'memo-1963'", 1, true), err)
    assert.truthy(err:find("dinner-1962-11-01, telegram-1962-11-02", 1, true), err)
    assert.truthy(mistake("outline"):find("missing DOC", 1, true))
    assert.truthy(mistake("outline", "dinner", "--format", "xml"):find("must be one of", 1, true))
  end)
end)

describe("parley annotations", function()
  after_each(h.cleanup)

  it("lists the apparatus as JSON, one kind after the other", function()
    local dir = dinner_corpus()
    local rows = cjson.decode(run("annotations", "--corpus", dir, "--format", "json"))
    assert.equal(4 + 5 + 8 + 8, #rows)
    local order, seen = {}, {}
    for _, r in ipairs(rows) do
      assert.equal("dinner-1962-11-01", r.doc)
      if not seen[r.kind] then seen[r.kind] = true; order[#order + 1] = r.kind end
    end
    assert.same({ "editorial_note", "transliteration", "supplied", "scare_quote" }, order)
    local tr = {}
    for _, r in ipairs(rows) do
      if r.kind == "transliteration" then tr[#tr + 1] = { r.text, r.gloss, r.line } end
      if r.kind ~= "transliteration" then assert.equal(cjson.null, r.gloss) end  -- every row has every column
    end
    assert.same({ { "sderzhivaiyuchego", "containment", 114 }, { "obiazatelstve", "commitment", 229 },
      { "ustuplena", "given up", 251 }, { "zafiksirovano", "fixed", 288 },
      { "nedoponimaniie", "misunderstanding", 426 } }, tr)
    local null = cjson.null
    assert.same({ kind = "editorial_note", text = "in the United Nations", gloss = null, doc = "dinner-1962-11-01",
                  line = 57 }, rows[1])
    assert.same({ kind = "supplied", text = "s", gloss = null, doc = "dinner-1962-11-01", line = 93 }, rows[13])
    assert.same({ kind = "scare_quote", text = "quarantine", gloss = null, doc = "dinner-1962-11-01", line = 310 },
      rows[#rows])
  end)

  it("filters by kind and writes every format", function()
    local dir = dinner_corpus()
    local csv = h.csv(run("annotations", "--corpus", dir, "--kind", "supplied", "--format", "csv"))
    assert.same({ { "kind", "text", "gloss", "doc", "line" }, { "supplied", "from Cuba", "", "dinner-1962-11-01", "46" } },
      { csv[1], csv[2] })
    assert.equal(1 + 8, #csv)
    local md = h.md(run("annotations", "--corpus", dir, "--kind", "transliteration", "--kind", "editorial_note",
      "--format", "md"))
    assert.same({ "kind", "text", "gloss", "doc", "line" }, md[1])
    assert.same({ "transliteration", "sderzhivaiyuchego", "containment", "dinner-1962-11-01", "114" }, md[2])
    assert.equal(1 + 5 + 4, #md)
    local tty = lines(run("annotations", "--corpus", dir, "--kind", "scare_quote"))
    assert.equal(2 + 8, #tty)
    assert.truthy(tty[3]:find("^scare_quote%s+quarantine%s+dinner%-1962%-11%-01%s+21$"))
    assert.truthy(mistake("annotations", "--kind", "footnote"):find("must be one of", 1, true))
  end)

  it("covers the bundled corpus", function()
    local rows = cjson.decode(run("annotations", "--format", "json"))
    local dinner = 0
    for _, r in ipairs(rows) do if r.doc == "dinner-1962-11-01" then dinner = dinner + 1 end end
    assert.equal(4 + 5 + 8 + 8, dinner)
  end)
end)
