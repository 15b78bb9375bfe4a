-- The grammar tutorial (docs/grammars.md) works: its example corpus
-- (spec/fixtures/testimony) opens with parley.open and gives the regions
-- counted here by hand from the two documents; the code the tutorial shows
-- is the code in the fixture files; the output it shows is what parley prints.
local h = require "spec.helpers"
local parley = require "parley"

local FIXTURE = "spec/fixtures/testimony"
local dir = h.root .. "/" .. FIXTURE
local tutorial = assert(h.read(h.root .. "/docs/grammars.md"))
local testimony = assert(h.read(dir .. "/1963-03-04-doyle-testimony.txt"))

local function open()
  return assert(parley.open(dir, { index = h.tmpdir() .. "/index" }))
end

describe("grammar tutorial corpus", function()
  after_each(h.cleanup)

  it("finds every turn of the testimony, with who Q and A stand for", function()
    local c = open()
    -- by reading: Q./A. after DIRECT EXAMINATION BY MR. HALE, THE COURT twice,
    -- MR. HALE once, Q. twice after CROSS-EXAMINATION BY MRS. WELLS
    local want = { ["Robert Hale"] = 5, ["Mary Doyle"] = 7, ["Judge Thomas Reid"] = 2, ["Anne Wells"] = 2 }
    local total = 0
    for who, n in pairs(want) do
      assert.equal(n, #c:regions("turn", { speaker = who }), who)
      total = total + n
    end
    assert.equal(total, #c:where{ id = "doyle-1963-03-04" }:regions("turn"))
    -- cross-check with the labels at line starts (one may follow spaces: a page top)
    local labels = 0
    for line in testimony:gmatch("[^\n]+") do
      if line:find("^ *[QA]%. ") or line:find("^ *THE COURT: ") or line:find("^ *MR%. HALE: ") then
        labels = labels + 1
      end
    end
    assert.equal(total, labels)
    for _, r in ipairs(c:regions("turn", { speaker = "Mary Doyle" })) do
      assert.equal("direct", r.attrs.mode)
      assert.equal("witness", r.attrs.side)
      assert.equal("A", r.attrs.label)
    end
    assert.equal(1, #c:regions("turn", { speaker = "Robert Hale", label = "MR. HALE" }))
  end)

  it("keeps continuation paragraphs, page tops and notes where they belong", function()
    local c = open()
    local doyle = c:where{ speaker = "Mary Doyle" }
    assert.equal(2, doyle:count("told"))              -- a continuation paragraph and a page top
    assert.equal(2, c:count("told"))
    assert.equal(0, c:where{ kind = "turn" }:count("exhibit"))   -- the wrapped note is in no turn
    assert.equal(1, c:count("exhibit"))
    assert.equal(0, c:where{ speaker = "Judge Thomas Reid" }:count("2"))  -- nor is the page number
    assert.equal(1, doyle:count("freighters"))        -- a note inside a turn stays in it
    local notes = {}
    for _, r in ipairs(c:regions("editorial_note")) do notes[#notes + 1] = r.attrs.text end
    assert.same({ "Constructed example for the parley grammar tutorial.", "for the freighters",
      "Exhibit No. 4 was marked for identification.",
      "Constructed example for the parley grammar tutorial." }, notes)
    local supplied = c:regions("supplied")
    assert.equal(1, #supplied)
    assert.equal("s", supplied[1].attrs.text)
  end)

  it("reads the memorandum: header fields, reported turns and narration", function()
    local c = open()
    local memo = c:where{ id = "memcon-1962-10-30" }
    local names = {}
    for _, r in ipairs(memo:regions("field")) do names[#names + 1] = r.attrs.name end
    assert.same({ "date", "place", "participants", "subject" }, names)
    local meta = c:doc("memcon-1962-10-30").meta
    assert.equal("James Harlan; Ivan Petrov; Paul Lane", meta.participants)
    assert.equal("Shipping in the Caribbean", meta.subject)
    -- "The Secretary said that", "Ambassador Petrov replied that", "The Secretary
    -- noted that", "The Ambassador again stated that"
    assert.equal(2, #memo:regions("turn", { speaker = "James Harlan", mode = "reported" }))
    assert.equal(2, #memo:regions("turn", { speaker = "Ivan Petrov", mode = "reported" }))
    assert.equal(4, #memo:regions("turn"))
    assert.equal(0, #memo:regions("turn", { mode = "direct" }))
    assert.equal(2, #memo:regions("narration"))      -- "The Ambassador opened …", "The meeting ended …"
    assert.equal(1, c:where{ speaker = "James Harlan" }:count("asked"))   -- "He asked whether …"
    assert.equal(0, c:where{ kind = "turn" }:count("opened"))
  end)

  it("copes with the empty document", function()
    local c = open()
    local doc = c:doc("empty")
    assert.is_not_nil(doc)
    assert.equal(0, c:where{ id = "empty" }:size())
    assert.equal(3, c:stats().documents)
  end)
end)

describe("grammar tutorial text", function()
  after_each(h.cleanup)

  it("shows the fixture files exactly as they are", function()
    local n = 0
    for path, code in tutorial:gmatch("<!%-%- file: (%S+) %-%->\n```lua\n(.-)```\n") do
      assert.equal(assert(h.read(h.root .. "/" .. path), path), code, path)
      n = n + 1
    end
    assert.equal(11, n)  -- corpus.lua, people.lua and the two grammars; the narrative grammar's; the label corpus' manifest and five grammars
    -- and every Lua block in the tutorial is one of them
    local _, blocks = tutorial:gsub("```lua\n", "")
    assert.equal(n, blocks)
  end)

  it("quotes the documents exactly in its excerpts", function()
    local n = 0
    for path, excerpt in tutorial:gmatch("<!%-%- excerpt: (%S+) %-%->\n```text\n(.-)```\n") do
      assert.truthy(assert(h.read(h.root .. "/" .. path)):find(excerpt, 1, true), path)
      n = n + 1
    end
    assert.equal(9, n)   -- two of the tutorial corpus, three of the narrative fixtures, four of the label conventions
  end)

  it("shows what parley prints", function()
    local n = 0
    for cmd, shown in tutorial:gmatch("<!%-%- output of: parley ([^\n]-) %-%->\n```\n(.-)```\n") do
      local args = {}
      for a in cmd:gmatch("%S+") do args[#args + 1] = a end
      local out, err, code = h.run(args, { cwd = h.root })
      assert.equal(0, code, err)
      assert.equal(shown, out, cmd)
      n = n + 1
    end
    assert.equal(10, n)  -- the tutorial's four, one of the narrative fixtures, five of the label conventions
  end)

  it("runs its REPL session", function()
    local session = assert(tutorial:match("In Lua the same regions are a `where` away:\n\n```\n(.-)```"))
    local input, expected = {}, {}
    for line in session:gmatch("[^\n]+") do
      if line:sub(1, 2) == "> " then input[#input + 1] = line:sub(3) else expected[#expected + 1] = line end
    end
    local out, err, code = h.run({ "-i" }, { cwd = h.root, stdin = table.concat(input, "\n") .. "\n" })
    assert.equal(0, code, err)
    assert.equal(table.concat(expected, "\n") .. "\n", out)
  end)
end)

describe("the labelled grammar (formerly speakers)", function()
  local labelled = require "parley.grammar.labelled"
  local people = require "parley.people"
  local bundled = people.load{ dir = h.corpus }

  local function turns(g, txt, register)
    local out = {}
    for _, r in ipairs(g.parse(txt, { people = register or people.new{} }).regions) do
      if r.kind == "turn" then
        out[#out + 1] = { r.attrs.speaker, r.attrs.mode, txt:sub(r.start, r.stop), r.attrs.direction }
      end
    end
    return out
  end

  it("finds labels of the register, directions and reported speech mid-paragraph", function()
    local txt = "Stevenson: We agree.\n McCloy (in a jocular tone): Fine.\n\n"
      .. "McCloy remarks that it is late. A. I. Mikoyan says that it is early.\n"
      .. "There is, however, one problem: time.\n"
    assert.same({
      { "Adlai Stevenson", "direct", "Stevenson: We agree." },
      { "John McCloy", "direct", "McCloy (in a jocular tone): Fine.", "in a jocular tone" },
      { "John McCloy", "reported", "McCloy remarks that it is late." },
      { "A. I. Mikoyan", "reported", "A. I. Mikoyan says that it is early.\nThere is, however, one problem: time." },
    }, turns(labelled.grammar, txt, bundled))
  end)

  it("needs no configuration for the dinner record: its turns as counted by hand", function()
    -- direct: labels at line starts (grep -c '^ *NAME:'); reported: "A. I. Mikoyan
    -- says/objects/reiterates that", "McCloy remarks that" ×2, "Stevenson says that" ×2
    local want = { ["A. I. Mikoyan|direct"] = 31, ["Adlai Stevenson|direct"] = 22,
      ["John McCloy|direct"] = 19, ["V. V. Kuznetsov|direct"] = 3, ["A. I. Mikoyan|reported"] = 3,
      ["John McCloy|reported"] = 2, ["Adlai Stevenson|reported"] = 2 }
    local got = {}
    for _, t in ipairs(turns(labelled.grammar, assert(h.read(h.dinner)), bundled)) do
      got[t[1] .. "|" .. t[2]] = (got[t[1] .. "|" .. t[2]] or 0) + 1
    end
    assert.same(want, got)
  end)

  it("takes any capitalised name as a label when the register is empty, and can demand a blank line", function()
    assert.same({ { "Smith", "direct", "Smith: Hello." }, { "Jones", "direct", "Jones: Hi." } },
      turns(labelled.grammar, "Smith: Hello.\nJones: Hi.\n"))
    local strict = labelled.new{ name = "spec-blank-line", blank_line = true }
    assert.same({ { "Smith", "direct", "Smith: Hello.\nJones: Hi." }, { "Jones", "direct", "Jones: Bye." } },
      turns(strict, "Smith: Hello.\nJones: Hi.\n\nJones: Bye.\n"))
    assert.same({}, turns(strict, ""))
  end)
end)
