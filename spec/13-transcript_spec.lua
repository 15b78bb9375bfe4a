-- The "transcript" grammar on the dinner record.  The expected turns, passages
-- and apparatus below were listed by reading the document, line by line; counts
-- are cross-checked with grep.
local h = require "spec.helpers"
local people = require "parley.people"
local transcript = require "parley.grammar.transcript"

local dinner = h.read(h.dinner)
local register = people.load({ dir = h.corpus })

local function grep_count(ere)
  local p = assert(io.popen(("grep -c -E %s %s"):format(h.shquote(ere), h.shquote(h.dinner))))
  local n = tonumber(p:read("a"))
  p:close()
  return n
end

local function line_of(text, pos)
  local _, n = text:sub(1, pos - 1):gsub("\n", "")
  return n + 1
end

local of_kind = h.of_kind

-- Every turn: "first-line speaker mode last-line", in order.  M = A. I. Mikoyan,
-- Mc = John McCloy (label "McCloy"), S = Adlai Stevenson (label "Stevenson"),
-- K = V. V. Kuznetsov; r = reported ("says that"), d = direct ("Name:"),
-- j = direct "(in a jocular tone)".
local TURNS = [[
11 M r 15   17 Mc r 18  19 S r 22   24 M r 24   26 Mc r 28  30 S r 33   35 M r 36
38 S d 39   41 M d 44   46 Mc d 46  47 M d 47   49 Mc j 49  51 M d 51   53 S d 53
55 M d 59   61 S d 65   67 Mc d 67  69 M d 74   76 Mc d 78  80 M j 82   84 S d 84
86 M d 89   91 S d 92   93 M d 97   98 S d 100  102 Mc d 102 104 M d 105 107 Mc d 111
113 M d 117 119 S d 122 124 M d 127 131 M d 134 136 K d 137 138 S d 151 153 Mc d 154
156 S d 161 163 Mc d 164 166 M d 211 213 Mc d 233 235 M d 235 236 Mc d 236 238 M d 239
241 S d 252 254 M d 254 256 K d 256 258 Mc d 259 261 M d 263 265 Mc d 266 268 M d 272
274 S d 283 285 M d 293 295 S d 296 298 M d 299 301 S d 312 314 M d 315 317 K d 317
319 M d 319 321 S d 329 330 Mc d 333 335 S d 336 338 M d 345 347 S d 349 351 Mc d 376
377 M d 377 379 S d 382 384 M d 388 389 S d 396 398 Mc d 399 401 M d 411 413 S d 417
419 M d 422 423 S d 424 426 M d 429 431 Mc d 431 433 M d 433 435 Mc d 436 438 M d 438
440 Mc d 444 446 S d 450 452 M d 455 457 S d 462 464 Mc d 467
]]
local WHO = {
  M = { "A. I. Mikoyan", "A. I. Mikoyan", "USSR" }, Mc = { "John McCloy", "McCloy", "US" },
  S = { "Adlai Stevenson", "Stevenson", "US" }, K = { "V. V. Kuznetsov", "V. V. Kuznetsov", "USSR" },
}
local turns = {}
for first, who, mode, last in TURNS:gmatch("(%d+) (%a+) (%a) (%d+)") do
  turns[#turns + 1] = { first = tonumber(first), last = tonumber(last), who = WHO[who],
    mode = mode == "r" and "reported" or "direct", direction = mode == "j" and "in a jocular tone" or nil }
end

describe("grammar 'transcript' on the dinner record", function()
  local res = transcript.parse(dinner, { people = register })

  it("finds every turn, in order, with speaker, side, mode, label, direction and extent", function()
    assert.equal(grep_count("^ ?(A\\. I\\. Mikoyan|McCloy|Stevenson|V\\. V\\. Kuznetsov)( \\([^)]*\\))?:")
      + grep_count("^ ?(A\\. I\\. Mikoyan|McCloy|Stevenson) [a-z]+ that "), #turns)
    local got = of_kind(res, "turn")
    assert.equal(#turns, #got)
    for i, want in ipairs(turns) do
      local r = got[i]
      local where = ("turn %d (line %d)"):format(i, want.first)
      assert.equal(want.first, line_of(dinner, r.start), where)
      assert.equal(want.last, line_of(dinner, r.stop), where)
      assert.equal(want.who[1], r.attrs.speaker, where)
      assert.equal(want.who[2], r.attrs.label, where)
      assert.equal(want.who[3], r.attrs.side, where)
      assert.equal(want.mode, r.attrs.mode, where)
      assert.equal(want.direction, r.attrs.direction, where)
      assert.equal(want.who[2], dinner:sub(r.start, r.start + #want.who[2] - 1), where)
      assert.truthy(dinner:sub(r.stop, r.stop):find("%S"), where)
    end
  end)

  it("keeps 'added McCloy in jest' inside McCloy's turn", function()
    local at = dinner:find("added \nMcCloy in jest.", 1, true)
    for _, r in ipairs(of_kind(res, "turn")) do
      if r.start <= at and at <= r.stop then
        assert.equal("John McCloy", r.attrs.speaker)
        assert.equal("McCloy in jest.", dinner:sub(r.stop - 14, r.stop))
        return
      end
    end
    error("not inside a turn")
  end)

  it("finds the three narrator passages", function()
    local got = {}
    for _, r in ipairs(of_kind(res, "narration")) do
      got[#got + 1] = line_of(dinner, r.start) .. "-" .. line_of(dinner, r.stop)
    end
    assert.same({ "6-9", "128-128", "129-129" }, got)
  end)

  it("puts every non-blank line in exactly one of header, turn, narration and footer", function()
    local owner = {}
    for _, r in ipairs(res.regions) do
      if r.kind == "header" or r.kind == "turn" or r.kind == "narration" or r.kind == "footer" then
        for l = line_of(dinner, r.start), line_of(dinner, r.stop) do
          assert.is_nil(owner[l], "line " .. l)
          owner[l] = r.kind
        end
      end
    end
    local n = 0
    for line in dinner:gmatch("([^\n]*)\n") do
      n = n + 1
      if line:find("%S") then assert.is_string(owner[n], "line " .. n) end
    end
  end)

  it("finds the header, the footer and the metadata", function()
    local hd, ft = of_kind(res, "header"), of_kind(res, "footer")
    assert.same({ 1, 4 }, { line_of(dinner, hd[1].start), line_of(dinner, hd[1].stop) })
    assert.equal("November 1, 1962", dinner:sub(hd[1].stop - 15, hd[1].stop))
    assert.same({ 468, 476 }, { line_of(dinner, ft[1].start), line_of(dinner, ft[1].stop) })
    local m = res.meta
    assert.equal("Record of a Dinner Conversation between CPSU CC Politburo Member A. I. Mikoyan, White House "
      .. "Envoy John McCloy, and U.S. Ambassador to the UN Adlai Stevenson", m.title)
    assert.equal("1962-11-01", m.date)
    assert.same({ "A. I. Mikoyan", "John McCloy", "Adlai Stevenson" }, m.participants)
    assert.equal(3 * 60 + 40, m.duration_minutes)
    assert.same({ USSR = { "V. V. Kuznetsov", "A. F. Dobrynin", "M. A. Menshikov", "G. A. Zhukov" },
                  US = { "John McCloy", "Adlai Stevenson", "A. Akalovsky" } }, m.present)
    assert.same({ "G. A. Zhukov", "Yu. Vinogradov" }, m.note_takers)
    assert.equal("Foreign Policy Archive of the Russian Federation; provided to the CWIHP. Copy on file at the "
      .. "National Security Archive. Translation by Vladislav M. Zubok for the National Security Archive. "
      .. "Published in Cold War International History (CWIHP)Bulletin, Issues 8-9, Winter 1996/1997, "
      .. "pp. 315-320", m.source)
  end)

  it("finds the editorial notes", function()
    -- four in the document (grep '—ed.]'), one of them wrapped over two lines
    local want = { { 57, "in the United Nations" }, { 67, "of the missiles" }, { 213, "offensive" },
                   { 266, "of missiles" } }
    assert.equal(grep_count("ed\\.\\]"), #want)
    local got = {}
    for _, r in ipairs(of_kind(res, "editorial_note")) do got[#got + 1] = { line_of(dinner, r.start), r.attrs.text } end
    assert.same(want, got)
    assert.equal("[in the United \nNations —ed.]", dinner:sub(of_kind(res, "editorial_note")[1].start,
      of_kind(res, "editorial_note")[1].stop))
  end)

  it("tells transliterations, with the words they gloss, from supplied words", function()
    local want = { { 114, "sderzhivaiyuchego", "containment" }, { 229, "obiazatelstve", "commitment" },
      { 251, "ustuplena", "given up" }, { 288, "zafiksirovano", "fixed" },
      { 426, "nedoponimaniie", "misunderstanding" } }
    local got = {}
    for _, r in ipairs(of_kind(res, "transliteration")) do
      got[#got + 1] = { line_of(dinner, r.start), r.attrs.text, r.attrs.gloss }
    end
    assert.same(want, got)
    local supplied = {}
    for _, r in ipairs(of_kind(res, "supplied")) do
      supplied[#supplied + 1] = { line_of(dinner, r.start), r.attrs.text }
    end
    assert.same({ { 46, "from Cuba" }, { 81, "to his position" }, { 93, "the leadership of" }, { 93, "s" },
      { 145, "a form of" }, { 203, "not to" }, { 213, "thing" }, { 401, "mere" } }, supplied)
  end)

  it("tells them apart the same way without a word list", function()
    local saved = transcript.rules.dictionary
    transcript.rules.dictionary = "/nonexistent/word-list"
    local ok, res2 = pcall(transcript.parse, dinner, { people = register })
    transcript.rules.dictionary = saved
    assert.is_true(ok, res2)
    for _, kind in ipairs { "transliteration", "supplied" } do
      local a, b = of_kind(res, kind), of_kind(res2, kind)
      assert.equal(#a, #b, kind)
      for i = 1, #a do assert.same(a[i], b[i]) end
    end
    for _, w in ipairs { "sderzhivaiyuchego", "obiazatelstve", "ustuplena", "zafiksirovano", "nedoponimaniie" } do
      assert.is_true(transcript.looks_russian(w), w)
    end
    for _, w in ipairs { "thing", "mere", "s", "from" } do assert.is_false(transcript.looks_russian(w), w) end
  end)

  it("finds every scare-quoted “quarantine”", function()
    local got = {}
    for _, r in ipairs(of_kind(res, "scare_quote")) do
      assert.equal("quarantine", r.attrs.text)
      got[#got + 1] = line_of(dinner, r.start)
    end
    assert.equal(grep_count("“quarantine"), #got)
    assert.same({ 21, 30, 33, 73, 80, 92, 120, 310 }, got)
  end)

  it("gives regions sorted, inside the text, of declared kinds", function()
    local kinds = require("parley.grammar").registry.transcript.kinds
    local prev = 0
    for _, r in ipairs(res.regions) do
      assert.is_table(kinds[r.kind])
      assert.is_true(r.start >= prev and r.start <= r.stop and r.stop <= #dinner)
      prev = r.start
    end
  end)
end)

describe("grammar 'transcript' on tricky variants", function()
  local reg = people.new {
    { name = "Dean Rusk", side = "US", aliases = { "Rusk" } },
    { name = "U Thant", side = "UN", aliases = { "Thant" } },
  }
  local text = table.concat({
    " Minutes of a Meeting with ",
    "U Thant at the United Nations ",
    " ",
    "24 October 1962 ",
    "",
    "Rusk: Good evening. ",
    " Thant (smiling, to Rusk): Good evening ",
    "to you [sir —ed.]. ",
    "",
    "Rusk will be back. This continues Thant’s turn. ",
    "Thant again says that he agrees. ",
    "The meeting was then adjourned for dinner. ",
    "Rusk: We said “no” to “this and that, and more”. ",
    " The conversation lasted for two hours. The note taker was Rusk. ",
  }, "\n")
  local res = transcript.parse(text, { people = reg })

  it("reads header, page-top turns, directions, continuations, narration and footer", function()
    local got, labels = {}, {}
    for _, r in ipairs(res.regions) do
      local a = r.attrs
      if r.kind == "label" then
        labels[#labels + 1] = a.speaker .. ": " .. text:sub(r.start, r.stop)
      else
        got[#got + 1] = ("%s %d-%d %s"):format(r.kind, line_of(text, r.start), line_of(text, r.stop),
          a.speaker and (a.speaker .. "/" .. a.mode .. "/" .. (a.direction or "")) or a.text or "")
      end
    end
    -- each turn's label: the words before its speaker's own
    assert.same({ "Dean Rusk: Rusk:", "U Thant: Thant (smiling, to Rusk):", "U Thant: Thant again says that",
      "Dean Rusk: Rusk:" }, labels)
    assert.same({
      "header 1-4 ",
      "turn 6-6 Dean Rusk/direct/",
      "turn 7-10 U Thant/direct/smiling, to Rusk",
      "editorial_note 8-8 sir",
      "turn 11-11 U Thant/reported/",
      "narration 12-12 ",
      "turn 13-13 Dean Rusk/direct/",
      "scare_quote 13-13 no",
      "footer 14-14 ",
    }, got)
    assert.equal("Minutes of a Meeting with U Thant at the United Nations", res.meta.title)
    assert.equal("1962-10-24", res.meta.date)
    assert.same({ "U Thant" }, res.meta.participants)
    assert.equal(120, res.meta.duration_minutes)
    assert.same({ "Dean Rusk" }, res.meta.note_takers)
  end)

  it("survives hostile input", function()
    for _, s in ipairs { "", " \n \n", "no header, no speakers \n", "[unclosed \n“unclosed", "\0\255\n:" } do
      local ok, r = pcall(transcript.parse, s, { people = reg })
      assert.is_true(ok, r)
      assert.is_table(r.regions)
    end
    assert.equal("narration", transcript.parse("no header, no speakers \n", {}).regions[1].kind)
    local r = transcript.parse("Rusk: hello \n", {}).regions[1]           -- no register: any name
    assert.same({ "turn", "Rusk", "direct" }, { r.kind, r.attrs.speaker, r.attrs.mode })
  end)
end)

describe("the transcript regions in the index", function()
  local dir, c
  setup(function()
    dir = h.tmpdir()
    local m = dofile(h.corpus .. "/corpus.lua")
    local doc = m.documents[1]
    assert.equal("transcript", doc.grammar)
    os.execute(("cp %s %s %s/"):format(h.shquote(h.dinner), h.shquote(h.corpus .. "/people.lua"), h.shquote(dir)))
    h.write(dir .. "/corpus.lua", ([[return { name = "dinner", documents = { {
      id = %q, path = %q, grammar = "transcript", type = "transcript" } } }]]):format(doc.id, doc.path))
    c = assert(parley.open(dir, { progress = false }))
  end)
  teardown(function()
    if c then c:close() end
    h.cleanup()
  end)

  it("stores every region kind", function()
    local counts = {}
    for _, k in ipairs(c.ix:kinds()) do counts[k.name] = k.count end
    assert.same({ 82, 3, 1, 1, 4, 5, 8, 8 }, { counts.turn, counts.narration, counts.header, counts.footer,
      counts.editorial_note, counts.transliteration, counts.supplied, counts.scare_quote })
  end)

  it("filters by speaker, side and mode", function()
    local n = { ["A. I. Mikoyan"] = 0, ["John McCloy"] = 0, ["Adlai Stevenson"] = 0, ["V. V. Kuznetsov"] = 0 }
    for _, t in ipairs(turns) do n[t.who[1]] = n[t.who[1]] + 1 end
    assert.equal(21, n["John McCloy"])
    for who, count in pairs(n) do assert.equal(count, #c:where{ speaker = who }:regions("turn"), who) end
    assert.equal(7, #c:where{ mode = "reported" }:regions("turn"))
    assert.equal(n["A. I. Mikoyan"] + n["V. V. Kuznetsov"], #c:where{ side = "USSR" }:regions("turn"))
    -- "camps": lines 428 (Mikoyan), 431, 435, 442 (McCloy); "blockade": 7 (narration), 14 … 287 (Mikoyan)
    assert.equal(3, c:where{ speaker = "John McCloy" }:count("camps"))
    assert.equal(5, c:where{ speaker = "A. I. Mikoyan" }:count("blockade"))
    assert.equal(1, c:where{ kind = "narration" }:count("blockade"))
  end)

  it("adds the metadata to the document", function()
    local meta = c:doc(1).meta
    assert.equal(220, meta.duration_minutes)
    assert.same({ "A. I. Mikoyan", "John McCloy", "Adlai Stevenson" }, meta.participants)
    assert.equal(3, #meta.present.US)
  end)
end)
