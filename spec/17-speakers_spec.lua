-- `parley speakers` (lua/parley/turns.lua, lua/parley/cmd/speakers.lua) and `parley kwic --context turn`
-- (lua/parley/context.lua).  Expected numbers are hand counts: turns read in the
-- dinner record and cross-checked with grep over its lines, reported turns
-- read sentence by sentence, words counted on paper for the short speakers,
-- and every count of the tutorial corpus (spec/fixtures/testimony).
local h = require "spec.helpers"
local cjson = require "cjson"
local parley = require "parley"
local speakers = require "parley.turns"

local FIXTURE = h.root .. "/spec/fixtures/testimony"
local dinner = assert(h.read(h.dinner))
local MIKOYAN, MCCLOY, STEVENSON, KUZNETSOV = "A. I. Mikoyan", "John McCloy", "Adlai Stevenson", "V. V. Kuznetsov"

local function by(rows, key, ...)
  local out = {}
  for _, r in ipairs(rows) do
    local k = { r[key] }
    for _, extra in ipairs { ... } do k[#k + 1] = r[extra] end
    out[table.concat(k, "|")] = r
  end
  return out
end

-- Labels at line starts (after spaces, as at a page top; with a stage direction).
local function label_lines(text, name)
  local n, pat = 0, "^ *" .. name:gsub("%p", "%%%0") .. " ?%(?[^):]*%)?:"
  for line in text:gmatch("[^\n]*") do
    if line:find(pat) then n = n + 1 end
  end
  return n
end

local function run(...)
  local out, err, code = h.run({ "speakers", ... })
  assert.equal("", err)
  assert.equal(0, code)
  return out
end

describe("speakers on the dinner record and the telegram", function()
  local c = assert(parley.open())
  local rows = by(speakers.table(c, { by = "doc" }), "doc", "speaker")
  local function row(doc, who) return assert(rows[doc .. "|" .. who], doc .. " " .. who) end

  it("counts each speaker's direct turns as read (and as grep finds the labels)", function()
    local want = { [MIKOYAN] = 31, [STEVENSON] = 22, [MCCLOY] = 19, [KUZNETSOV] = 3 }
    local grep = { [MIKOYAN] = "A. I. Mikoyan", [STEVENSON] = "Stevenson", [MCCLOY] = "McCloy",
                   [KUZNETSOV] = "V. V. Kuznetsov" }
    for who, n in pairs(want) do
      assert.equal(n, label_lines(dinner, grep[who]), who)
      assert.equal(n, row("dinner-1962-11-01", who).turns, who)
    end
    -- a page-top turn: " A. I. Mikoyan: I have no definite plans …" after a line without a blank
    assert.truthy(dinner:find("New York? \n A. I. Mikoyan: I have no definite plans", 1, true))
  end)

  it("counts reported turns", function()
    -- dinner: "A. I. Mikoyan says / objects / reiterates that", "McCloy remarks that" twice,
    -- "Stevenson says that" twice
    assert.equal(3, row("dinner-1962-11-01", MIKOYAN).reported_turns)
    assert.equal(2, row("dinner-1962-11-01", MCCLOY).reported_turns)
    assert.equal(2, row("dinner-1962-11-01", STEVENSON).reported_turns)
    assert.equal(0, row("dinner-1962-11-01", KUZNETSOV).reported_turns)
    -- telegram (see spec/15): "We"/"I" 9 times; McCloy 7 alone and 8 with Stevenson
    -- (7 named, and "Both of them"); Stevenson 6 alone; "the Americans" 3 times; no
    -- direct turns
    assert.equal(9, row("telegram-1962-11-02", MIKOYAN).reported_turns)
    assert.equal(15, row("telegram-1962-11-02", MCCLOY).reported_turns)
    assert.equal(14, row("telegram-1962-11-02", STEVENSON).reported_turns)
    assert.equal(3, row("telegram-1962-11-02", "the Americans").reported_turns)
    assert.equal(0, row("telegram-1962-11-02", MIKOYAN).turns)
    local all = by(speakers.table(c), "speaker")
    assert.equal(12, all[MIKOYAN].reported_turns)
    assert.equal(31, all[MIKOYAN].turns)
  end)

  it("counts words without labels, and questions", function()
    -- Kuznetsov's three turns, counted on paper: 22 + 10 + 10 words
    local k = row("dinner-1962-11-01", KUZNETSOV)
    assert.equal(42, k.words)
    assert.equal(14, k.mean_turn)
    assert.equal(0, k.questions)
    -- question marks in each speaker's turns of the dinner, line by line
    local q, who = {}, nil
    for line in dinner:gmatch("[^\n]*") do
      for _, name in ipairs { "A. I. Mikoyan", "Stevenson", "McCloy", "V. V. Kuznetsov" } do
        if line:find("^ *" .. name:gsub("%p", "%%%0") .. " ?%(?[^):]*%)?:") then who = name end
      end
      local _, n = line:gsub("%?", "")
      if who then q[who] = (q[who] or 0) + n end
    end
    assert.same({ ["A. I. Mikoyan"] = 14, Stevenson = 2, McCloy = 3, ["V. V. Kuznetsov"] = 0 }, q)
    assert.equal(14, row("dinner-1962-11-01", MIKOYAN).questions)
    assert.equal(2, row("dinner-1962-11-01", STEVENSON).questions)
    assert.equal(3, row("dinner-1962-11-01", MCCLOY).questions)
    assert.equal(2, row("telegram-1962-11-02", MIKOYAN).questions)   -- "Castro may ask me …?"
  end)
end)

describe("speakers on the tutorial corpus", function()
  after_each(h.cleanup)
  local function open() return assert(parley.open(FIXTURE, { index = h.tmpdir() .. "/index" })) end

  -- Words by hand (labels "Q.", "A.", "THE COURT:", "MR. HALE:" not counted; "o'clock"
  -- one word, "letter[s]" two, "—ed." one, the dash punctuation): Doyle 2+19+33+8+8+1+13, Hale 7+7+12+6+6,
  -- Wells 6+8, Reid 6+3; memorandum, the reporting frames ("The Secretary said that",
  -- "Ambassador Petrov replied that", "The Secretary noted that", "The Ambassador again
  -- stated that") not counted either: Harlan 7+11+3, Petrov 7+12+7.
  local WORDS = { ["Mary Doyle"] = 84, ["Robert Hale"] = 38, ["Anne Wells"] = 14,
    ["Judge Thomas Reid"] = 9, ["James Harlan"] = 21, ["Ivan Petrov"] = 26 }

  it("gives turns, words, shares, turn lengths and questions", function()
    local rows = speakers.table(open())
    assert.equal(6, #rows)
    local total = 0
    for _, n in pairs(WORDS) do total = total + n end
    for _, r in ipairs(rows) do
      assert.equal(WORDS[r.speaker], r.words, r.speaker)
      assert.near(WORDS[r.speaker] / total, r.share, 1e-12)
    end
    local t = by(rows, "speaker")
    assert.equal(7, t["Mary Doyle"].turns)
    assert.near(84 / 7, t["Mary Doyle"].mean_turn, 1e-12)
    assert.equal(5, t["Robert Hale"].turns)
    assert.equal(3, t["Robert Hale"].questions)
    assert.equal(2, t["Anne Wells"].questions)
    assert.equal(0, t["James Harlan"].turns)
    assert.equal(2, t["James Harlan"].reported_turns)
    assert.is_nil(t["James Harlan"].mean_turn)
    assert.equal("Mary Doyle", rows[1].speaker)           -- most words first
  end)

  it("says who speaks after whom", function()
    -- the testimony's order: Hale Doyle Hale Doyle Hale Doyle Reid Doyle Hale Doyle
    -- Wells Doyle Hale Reid Wells Doyle; the memorandum's: Harlan Petrov Harlan Petrov
    local rows, names = speakers.matrix(open())
    assert.same({ "Anne Wells", "Ivan Petrov", "James Harlan", "Judge Thomas Reid", "Mary Doyle",
      "Robert Hale" }, names)
    local m = by(rows, "speaker")
    assert.equal(4, m["Robert Hale"]["Mary Doyle"])
    assert.equal(4, m["Mary Doyle"]["Robert Hale"])
    assert.equal(1, m["Mary Doyle"]["Judge Thomas Reid"])
    assert.equal(1, m["Judge Thomas Reid"]["Mary Doyle"])
    assert.equal(1, m["Judge Thomas Reid"]["Anne Wells"])
    assert.equal(2, m["Anne Wells"]["Mary Doyle"])
    assert.equal(1, m["Robert Hale"]["Judge Thomas Reid"])
    assert.equal(2, m["James Harlan"]["Ivan Petrov"])
    assert.equal(1, m["Ivan Petrov"]["James Harlan"])
    assert.equal(0, m["Mary Doyle"]["James Harlan"])     -- never across documents
    local sum = 0
    for _, r in ipairs(rows) do for _, n in ipairs(names) do sum = sum + r[n] end end
    assert.equal(15 + 3, sum)
  end)

  it("prints JSON, TSV, per document and the matrix from the command line", function()
    local list = cjson.decode(run("--corpus", FIXTURE, "--format", "json"))
    assert.equal(6, #list)
    for _, o in ipairs(list) do
      assert.equal(WORDS[o.speaker], o.words)
      assert.is_string(o.side)
      assert.is_number(o.turns)
      assert.is_number(o.reported_turns)
    end
    local per_doc = cjson.decode(run("--corpus", FIXTURE, "--by", "doc", "--format", "json"))
    assert.equal(6, #per_doc)
    for _, o in ipairs(per_doc) do
      local memo = o.speaker == "James Harlan" or o.speaker == "Ivan Petrov"
      assert.equal(memo and "memcon-1962-10-30" or "doyle-1963-03-04", o.doc)
    end
    local tsv = run("--corpus", FIXTURE, "--format", "tsv", "--where", "type=memorandum")
    assert.equal("speaker\tside\tturns\treported_turns\twords\tshare\tmean_turn\tquestions", tsv:match("^[^\n]+"))
    -- share is a fraction in the machine formats, a percentage on screen
    for _, o in ipairs(list) do assert.is_true(o.share > 0 and o.share < 1) end
    assert.equal(3, select(2, tsv:gsub("\n", "")))
    local matrix = cjson.decode(run("--corpus", FIXTURE, "--matrix", "--format", "json"))
    assert.equal(4, by(matrix, "speaker")["Robert Hale"]["Mary Doyle"])
    local md = h.md(run("--corpus", FIXTURE, "--format", "md"))
    assert.same({ "speaker", "side", "turns", "reported", "words", "share", "words/turn", "questions" }, md[1])
    assert.same({ "Mary Doyle", "witness", "7", "0", "84", ("%.1f%%"):format(84 / 192 * 100), "12.0", "0" }, md[2])
  end)

  it("reports mistakes in one line", function()
    local _, err, code = h.run({ "speakers", "--corpus", FIXTURE, "--by", "word" })
    assert.equal(1, code)
    assert.truthy(err:find("must be one of speaker, doc", 1, true))
    local plain = h.tmpdir()
    h.write(plain .. "/a.txt", "No turns here.\n")
    _, err, code = h.run({ "speakers", "--corpus", plain })
    assert.equal(1, code)
    assert.matches("^parley: speakers: no speaker turns in this corpus: its documents have no grammar that marks them%. "
      .. "Give each document one in the manifest %(corpus%.lua%): documents = { { path = \"x%.txt\", grammar = \"labelled\" } }", err)
  end)
end)

describe("kwic --context turn", function()
  after_each(h.cleanup)

  it("prints the whole turn around each hit, with its speaker", function()
    local out, err, code = h.run({ "kwic", "glad", "--context", "turn", "--format", "json" })
    assert.equal("", err)
    assert.equal(0, code)
    local rows = cjson.decode(out)
    assert.equal(5, #rows)   -- four in McCloy's and Stevenson's turns of the dinner, one in the telegram
    local tel = rows[5]
    assert.equal("telegram-1962-11-02", tel.doc)
    assert.equal("John McCloy", tel.speaker)
    assert.equal("We are glad, - said McCloy, - that today our plane had not come under fire when it "
      .. "had been flying over Cuba. As far as we know the anti-aircraft missiles in Cuba are in the "
      .. "hands of your people, not the Cubans, although it's possible that there are some Cuban "
      .. "personnel.", tel.left .. tel.match .. tel.right)      -- with the sentence that continues it
    local last = rows[4]                              -- McCloy's closing words at dinner
    assert.equal("John McCloy", last.speaker)
    assert.equal("McCloy: I would say that Cuba is the source of infection, and the recent events in "
      .. "Venezuela provide an example. But I would not like to dwell now on this issue. I am satisfied "
      .. "with today’s exchange of opinions. I would be glad to meet you and follow up on this "
      .. "conversation, on your way back from Cuba.", last.left .. last.match .. last.right)
    assert.equal("Adlai Stevenson", rows[1].speaker)   -- "We would be glad to hear from you …"
  end)

  it("labels tty blocks and keeps the usual window outside any turn", function()
    local out = h.run({ "kwic", "told", "--context", "turn", "--corpus", FIXTURE })
    -- one record a hit on a terminal: the whole turn, its speaker, where it is
    assert.equal("doc      doyle-1963-03-04\nline     25\ncol      7\nspeaker  Mary Doyle\nleft     A. I\n"
      .. "match    told\nright    him I could not show it.\n", out:match("\n\n(.*)$"))
    out = h.run({ "kwic", "exhibit", "--context", "turn", "--corpus", FIXTURE, "--format", "tsv" })
    local fields = {}
    for f in (out:match("\n([^\n]*)\n$") .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
    assert.equal("", fields[4])                       -- no speaker: the note is in no turn
    assert.equal("Exhibit", fields[6])
  end)

  it("works from Lua, and refuses a kind the corpus lacks", function()
    local c = assert(parley.open(FIXTURE, { index = h.tmpdir() .. "/index" }))
    local rows = c:kwic("initials", { context = "turn" })
    assert.equal(1, #rows)
    assert.equal("Mary Doyle", rows[1].speaker)
    assert.equal("A. It is. My ", rows[1].left)
    assert.equal(" are on every page.", rows[1].right)
    local ok, e = pcall(c.kwic, c, "told", { context = "point" })
    assert.is_false(ok)
    assert.matches("^no region kind 'point' in this corpus %(kinds: document, paragraph, sentence, .*turn%)$",
      require("parley.error").message(e))
    local _, err, code = h.run({ "kwic", "told", "--context", "point", "--corpus", FIXTURE })
    assert.equal(1, code)
    assert.matches("^parley: kwic: no region kind 'point' in this corpus %(kinds: [^)]*%)\n$", err)
  end)
end)
