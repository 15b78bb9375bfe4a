-- More label conventions for the labelled grammar (docs/grammars.md, "More
-- label conventions"): labels in any case, OCR-garbled labels, headings and
-- footnote sections that end a turn, a questioner named after the question,
-- stage directions, notes across a blank line, post-processing with
-- grammar.wrap, and a bare folder whose convention the auto grammar finds.
-- The corpus is spec/fixtures/labels/ (three FRUS excerpts, two constructed
-- documents, a bare folder).  What each turn's speaker is was read off the
-- documents by hand (the GOLD lists: first line of each turn, its speaker) and
-- is cross-checked against the labels a plain line scan finds; precision and
-- recall of turn attribution are printed for every document.
local h = require "spec.helpers"
local outline = require "parley.outline"
local people = require "parley.people"
local labelled = require "parley.grammar.labelled"
local lib = require "parley.grammar.lib"
local detect = require "parley.grammar.detect"
local grammar = require "parley.grammar"
local cjson = require "cjson"

local DIR = h.root .. "/spec/fixtures/labels"
local register = people.new(assert(require("parley.data").load(DIR .. "/people.lua")))

local function text_of(name) return assert(h.read(DIR .. "/" .. name)) end

-- By hand: the first line of every turn and who speaks it.
local GOLD = {
  telephone = { { 1, "Clark Clifford" }, { 6, "Lyndon B. Johnson" }, { 8, "Clark Clifford" }, { 10, "Clark Clifford" },
                { 21, "Lyndon B. Johnson" }, { 25, "Clark Clifford" }, { 27, "Lyndon B. Johnson" },
                { 37, "Clark Clifford" }, { 39, "Lyndon B. Johnson" }, { 41, "Clark Clifford" } },
  meeting = { { 1, "Dean Rusk" }, { 10, "Lyndon B. Johnson" }, { 12, "Clark Clifford" }, { 20, "Earle Wheeler" },
              { 28, "Walt Rostow" }, { 32, "Dean Rusk" }, { 39, "Walt Rostow" } },
  qa = { { 3, "questioner" }, { 6, "spokesman" }, { 14, "questioner" }, { 16, "spokesman" }, { 20, "questioner" },
         { 23, "spokesman" }, { 33, "questioner" }, { 35, "spokesman" }, { 40, "questioner" }, { 43, "spokesman" } },
  hearing = { { 5, "John Sparks" }, { 7, "Jane Wright" }, { 9, "Robert Hale" }, { 10, "Jane Wright" },
              { 11, "Robert Hale" }, { 14, "John Sparks" }, { 18, "Robert Hale" }, { 20, "John Sparks" } },
  press = { { 3, "Lyndon B. Johnson" }, { 6, "Ann Jones" }, { 7, "Lyndon B. Johnson" }, { 8, "press" },
            { 9, "Lyndon B. Johnson" }, { 10, "Smith" }, { 13, "Lyndon B. Johnson" }, { 19, "press" } },
}
local FILES = { telephone = "frus-1968-09-02-telephone.txt", meeting = "frus-1968-09-04-meeting.txt",
                qa = "frus-1965-qa-suspension.txt", hearing = "hearing-ocr.txt", press = "press-conference.txt" }

local function open(dir)
  return h.open(dir or DIR, { index = h.tmpdir() .. "/index" })
end

local function rows_of(c, id, all)
  local doc = assert(outline.resolve(c, id))
  return outline.rows(c, doc, all), doc
end

local function of_kind(rows, kind)
  local out = {}
  for _, r in ipairs(rows) do if r.kind == kind then out[#out + 1] = r end end
  return out
end

-- precision, recall of the turns (first line, speaker) against a gold list
local function score(rows, gold)
  local want, got, right = {}, 0, 0
  for _, g in ipairs(gold) do want[g[1]] = g[2] end
  for _, t in ipairs(of_kind(rows, "turn")) do
    got = got + 1
    if want[t.start_line] == t.attrs.speaker then right = right + 1 end
  end
  return got > 0 and right / got or 0, right / #gold
end

local function report(what, id, p, r)
  io.stderr:write(("\n  %s %-9s precision %5.1f%%  recall %5.1f%%"):format(what, id, p * 100, r * 100))
end

local function count_by(list, field)
  local out = {}
  for _, g in ipairs(list) do
    local k = field and g.attrs[field] or g[2]
    out[k] = (out[k] or 0) + 1
  end
  return out
end

describe("the labelled grammar's label conventions", function()
  after_each(h.cleanup)

  it("attributes every turn of every document as read by hand (precision and recall 1)", function()
    local c = open()
    for id, gold in pairs(GOLD) do
      local rows = rows_of(c, id)
      local p, r = score(rows, gold)
      report("configured", id, p, r)
      assert.equal(1, p, id)
      assert.equal(1, r, id)
      assert.same(count_by(gold), count_by(of_kind(rows, "turn"), "speaker"), id)
    end
    -- cross-check the hand lists with a scan of the line starts
    local scans = {
      telephone = "^%a+: ", meeting = "^%u[%a ]+: ", qa = "^[QA]%. ",
      hearing = "^%u[%w .]-[%.,:] %u", press = "^[%u ]+: ",
    }
    for id, pat in pairs(scans) do
      local n, at = 0, {}
      local lineno = 0
      for line in (text_of(FILES[id]) .. "\n"):gmatch("([^\n]*)\n") do
        lineno = lineno + 1
        if line:find(pat) and not line:find("^OPENING") then n = n + 1; at[#at + 1] = lineno end
      end
      local want = {}
      for i, g in ipairs(GOLD[id]) do want[i] = g[1] end
      -- the meeting's "Their losses …" and the hearing's "Senator Wright, however," are no labels
      assert.same(want, at, id)
      assert.equal(#GOLD[id], n)
    end
  end)

  it("compares labels without regard to case, unless told to be exact", function()
    local hearing = text_of(FILES.hearing)
    local function starts(cfg)
      local res = labelled.build(cfg)(hearing, { people = register })
      local out = {}
      for _, r in ipairs(res.regions) do
        if r.kind == "turn" then out[#out + 1] = lib.line_of(hearing, r.start) end
      end
      return out
    end
    local speakers = { "The Chairman", "Senator Wright", "Mr. Hale" }
    -- The CHAIRMAN., Senator WRIGHT., Mr. HALE., Mr. hale., The CHAIRMAN.: lines 5, 7, 9, 18, 20
    assert.same({ 5, 7, 9, 18, 20 }, starts{ speakers = speakers, separator = "." })
    assert.same({}, starts{ speakers = speakers, separator = ".", nocase = false })
    -- names of the register alike ("General WHEELER:" is Earle Wheeler)
    local res = labelled.build{}("GENERAL WHEELER: Yes.\nwalt rostow: No.\n", { people = register })
    assert.same({ "Earle Wheeler", "Walt Rostow" }, { res.regions[1].attrs.speaker, res.regions[3].attrs.speaker })
    res = labelled.build{ nocase = false }("GENERAL WHEELER: Yes.\n", { people = register })
    assert.same({ "narration" }, { res.regions[1].kind, res.regions[2] })
  end)

  it("reads OCR-garbled labels on request, and reports each one", function()
    local c = open()
    local _, doc = rows_of(c, "hearing")
    assert.same({
      { line = 10, text = "Senator Wrigbt", label = "Senator Wright", speaker = "Jane Wright", distance = 1, separator = ":" },
      { line = 11, text = "Mr. Ha1e", label = "Mr. Hale", speaker = "Robert Hale", distance = 1, separator = "." },
      { line = 14, text = "The Cnairman", label = "The Chairman", speaker = "John Sparks", distance = 1, separator = "," },
    }, doc.meta.fuzzy_labels)
    -- without ocr, the three are no turns: the turn before goes on over them
    local res = labelled.build{ speakers = { "The Chairman", "Senator Wright", "Mr. Hale" }, separator = ".",
                                continuation = true }(text_of(FILES.hearing), { people = register })
    local n = 0
    for _, r in ipairs(res.regions) do if r.kind == "turn" then n = n + 1 end end
    assert.equal(5, n)
    assert.is_nil(res.meta.fuzzy_labels)
    -- parley outline shows them for checking
    local out, err, code = h.run({ "outline", "hearing", "--corpus", DIR })
    assert.equal(0, code, err)
    assert.truthy(out:find("labels read fuzzily (check them): 3", 1, true), out)
    assert.truthy(out:find("\n  11  Mr. Ha1e.        Mr. Hale        Robert Hale         1\n", 1, true), out)
  end)

  it("never takes a short label, a far-off one or a name in a sentence for a garbled label", function()
    local g = labelled.build{ speakers = { "Q", "A", "Senator Wright" }, separator = ".", ocr = true }
    local txt = "Z. Is this a question?\nB. No.\nSenator Wright, however, said nothing.\nSenator Wrong: Yes.\n"
      .. "Senator Wrigbt. Agreed.\nA, Then.\n"
    local res = g(txt, { people = register })
    local turns = {}
    for _, r in ipairs(res.regions) do
      if r.kind == "turn" then turns[#turns + 1] = lib.line_of(txt, r.start) .. " " .. r.attrs.speaker end
    end
    -- "Senator Wrong" is 4 edits from "Senator Wright" (i/o, g/n, h/g, t: by hand), where its 14
    -- characters allow 2: refused.  "A," is A with a garbled separator (the label itself exact);
    -- "Z." and "B." are no labels at all, and "Senator Wright," is followed by a small letter
    assert.same({ "5 Jane Wright", "6 A" }, turns)
    assert.same({ 1, 0 }, { res.meta.fuzzy_labels[1].distance, res.meta.fuzzy_labels[2].distance })
    -- the distance itself, against hand counts
    assert.equal(1, lib.edit_distance("hale", "ha1e"))
    assert.equal(1, lib.edit_distance("chairman", "chiarman"))        -- a transposition is one edit
    assert.equal(3, lib.edit_distance("", "abc"))
    assert.equal(1, lib.edit_distance("Müller", "Muller"))            -- code points, not bytes
    assert.equal(4, lib.edit_distance("wright", "wrong", 5))
    assert.equal(2, lib.edit_distance("abcdef", "uvwxyz", 1))         -- past the limit: limit + 1
    -- and against a plain full-table implementation, on random strings and limits
    local function plain(a, b)
      local d = {}
      for i = 0, #a do d[i] = { [0] = i } end
      for j = 0, #b do d[0][j] = j end
      for i = 1, #a do
        for j = 1, #b do
          d[i][j] = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a:sub(i, i) == b:sub(j, j) and 0 or 1))
          if i > 1 and j > 1 and a:sub(i, i) == b:sub(j - 1, j - 1) and a:sub(i - 1, i - 1) == b:sub(j, j) then
            d[i][j] = math.min(d[i][j], d[i - 2][j - 2] + 1)
          end
        end
      end
      return d[#a][#b]
    end
    local seed = 1962
    local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end
    for _ = 1, 500 do
      local a, b = {}, {}
      for i = 1, rnd(9) do a[i] = string.char(97 + rnd(3)) end
      for i = 1, rnd(9) do b[i] = string.char(97 + rnd(3)) end
      a, b = table.concat(a), table.concat(b)
      local want = plain(a, b)
      assert.equal(want, lib.edit_distance(a, b), a .. "/" .. b)
      for _, limit in ipairs { 0, 1, 2 } do
        assert.equal(math.min(want, limit + 1), lib.edit_distance(a, b, limit), a .. "/" .. b .. "/" .. limit)
      end
    end
    assert.equal(0, lib.fuzzy_limit(4))                               -- "Q", "JFK", "Rusk": never fuzzy
    assert.equal(1, lib.fuzzy_limit(8))
    assert.equal(2, lib.fuzzy_limit(40))
  end)

  it("copes with hostile text: empty, unclosed brackets by the thousand, NUL bytes, no line ends", function()
    local g = labelled.build{ stage = true, across_blank = true, ocr = true, trailing_name = true,
                              continuation = true, notes = { { "[", "]" }, { "(", ")", kind = "editorial_note" } } }
    for _, txt in ipairs { "", "(", "[", ")", "\n\n\n", ("(["):rep(50000), ("QUESTION: (x\n"):rep(5000),
                           ("\0"):rep(100) .. "Walt Rostow: x", ("Walt Rostow: " .. ("word "):rep(20000)) } do
      local res = g(txt, { people = register })
      assert.is_table(res.regions)
      for _, r in ipairs(res.regions) do
        assert.is_true(r.start >= 1 and r.stop <= #txt and r.start <= r.stop + 1, r.kind)
      end
    end
    -- a note may not run on for ever: its closing bracket must come within labelled.max_note bytes
    local long = "Walt Rostow: [" .. ("x"):rep(labelled.max_note + 1) .. "] done\n"
    local res = g(long, { people = register })
    for _, r in ipairs(res.regions) do assert.is_not.equal("supplied", r.kind) end
  end)

  it("lets a function say who a label is", function()
    local seen = {}
    local g = labelled.build{ speakers = { "K", "D" }, resolve = function(label, ctx)
      seen[#seen + 1] = label .. "@" .. ctx.line
      if label == "K" then return "Henry Kissinger" end
    end }
    local res = g("K: Hello.\nD: Good morning.\n", { people = register })
    assert.same({ "K@1", "D@2" }, seen)
    assert.same({ "Henry Kissinger", "D" }, { res.regions[1].attrs.speaker, res.regions[3].attrs.speaker })
    local bad = labelled.build{ speakers = { "K" }, resolve = function() return 5 end }
    assert.has_error(function() bad("K: x\n", {}) end, "resolve returned number for label 'K' (a speaker's name or nil)")
  end)

  it("ends a turn at a heading, a section title or a footnote separator", function()
    local c = open()
    -- qa: the answer of line 23 ends on line 29; the section title of line 31 is a heading
    local rows = rows_of(c, "qa")
    local turn23, heading
    for _, r in ipairs(rows) do
      if r.kind == "turn" and r.start_line == 23 then turn23 = r end
      if r.kind == "heading" and r.start_line == 31 then heading = r end
    end
    assert.equal(29, turn23.end_line)
    assert.equal("2. Political Terms and Conditions of the Suspension.", heading.attrs.text)
    -- without breaks the title is swallowed by the answer before it
    local res = labelled.build{ speakers = { Q = "questioner", A = "spokesman" }, separator = ".",
                                continuation = true, breaks = false }(text_of(FILES.qa), {})
    local qa = text_of(FILES.qa)
    for _, r in ipairs(res.regions) do
      if r.kind == "turn" and lib.line_of(qa, r.start) == 23 then assert.equal(31, (lib.line_of(qa, r.stop))) end
    end
    -- hearing: "OPENING STATEMENT OF MR. HALE" (line 16) ends the Chairman's turn of line 14
    rows = rows_of(c, "hearing")
    assert.same({ "COMMITTEE ON FOREIGN RELATIONS", "HEARING ON THE HARBOUR BILL", "OPENING STATEMENT OF MR. HALE",
                  "----- Footnotes -----" }, (function()
      local out = {}
      for _, r in ipairs(of_kind(rows, "heading")) do out[#out + 1] = r.attrs.text end
      return out
    end)())
    for _, t in ipairs(of_kind(rows, "turn")) do assert.is_true(t.end_line < 22 and t.end_line ~= 16) end
    -- telephone: after "----- Footnotes -----" (line 43), two footnotes (45; 47-51), and no turn
    rows = rows_of(c, "telephone")
    local notes = {}
    for _, r in ipairs(of_kind(rows, "footnote")) do notes[#notes + 1] = r.start_line .. "-" .. r.end_line end
    assert.same({ "45-45", "47-51" }, notes)
    local turns = of_kind(rows, "turn")
    assert.equal(41, turns[#turns].end_line)
    -- the footnotes' words are no one's: "Dobrynin" is said by nobody
    assert.equal(1, c:where{ id = "telephone" }:count("Dobrynin"))
    assert.equal(0, c:where{ speaker = { "Clark Clifford", "Lyndon B. Johnson" } }:count("Dobrynin"))
    -- an all-capital line inside a paragraph is no heading
    res = labelled.build{ continuation = true }("Walt Rostow: We agree.\nTHE END IS NEAR\nso he said.\n",
      { people = register })
    assert.equal("turn", res.regions[1].kind)
    assert.equal(#"Walt Rostow: We agree.\nTHE END IS NEAR\nso he said.", res.regions[1].stop)
  end)

  it("names a questioner after the question, keeps stage directions out of the words, spans notes over a blank line", function()
    local c = open()
    local rows = rows_of(c, "press", true)
    -- the trailing names are labels of their turns: (Jones) on line 6, (Smith) on line 11
    local labels = {}
    for _, r in ipairs(of_kind(rows, "label")) do labels[#labels + 1] = r.start_line .. " " .. r.excerpt end
    assert.same({ "3 THE PRESIDENT:", "3 (Laughter.)", "6 QUESTION:", "6 (Jones)", "7 THE PRESIDENT:", "8 QUESTION:",
                  "9 THE PRESIDENT:", "9 (Applause)", "10 QUESTION:", "11 (Smith)", "13 THE PRESIDENT:",
                  "19 QUESTION:" }, labels)
    local stages = {}
    for _, r in ipairs(of_kind(rows, "stage")) do stages[#stages + 1] = r.attrs.text end
    assert.same({ "Laughter.", "Applause", "The President left the room." }, stages)
    -- stage words are nobody's: the corpus has them, the President's turns do not
    assert.equal(1, c:where{ id = "press" }:count("laughter"))
    assert.equal(0, c:where{ speaker = "Lyndon B. Johnson" }:count("laughter"))
    assert.equal(0, c:where{ speaker = "Lyndon B. Johnson" }:count("applause"))
    assert.equal(1, c:where{ speaker = "Lyndon B. Johnson" }:count("monday"))
    -- "(The President left the room.)" stands between turns, in none
    for _, t in ipairs(of_kind(rows, "turn")) do assert.is_false(t.start_line <= 17 and 17 <= t.end_line) end
    -- the editor's note of lines 13-15 runs over the blank line 14
    local notes = of_kind(rows, "editorial_note")
    assert.equal(1, #notes)
    assert.same({ 13, 15, "Here the tape is blank for some seconds" }, { notes[1].start_line, notes[1].end_line, notes[1].attrs.text })
    -- without across_blank it is none
    local res = labelled.build{ speakers = { "THE PRESIDENT", "QUESTION" }, continuation = true }(text_of(FILES.press), {})
    for _, r in ipairs(res.regions) do assert.is_not.equal("editorial_note", r.kind) end
    -- and a parenthesis that is neither a name nor a stage direction is left alone
    res = labelled.build{ speakers = { "QUESTION" }, trailing_name = { "QUESTION" }, stage = true }(
      "QUESTION: Is it (in your view) too late?\nQUESTION: And now? (Laughter)\n", {})
    assert.same({ "QUESTION", "QUESTION" }, { res.regions[1].attrs.speaker, res.regions[3].attrs.speaker })
  end)

  it("post-processes a grammar with grammar.wrap", function()
    local c = open()
    local short = {}
    for _, r in ipairs(of_kind(rows_of(c, "telephone"), "backchannel")) do short[#short + 1] = r.start_line end
    -- turns of at most two words after the label, by reading: 6 "All right.", 25 "Yeah.", 37, 39, 41
    assert.same({ 6, 25, 37, 39, 41 }, short)
    local g = grammar.wrap(labelled.new{ name = "w1" }, function(res) res.meta.n = #res.regions return res end,
      { name = "w2", kinds = { extra = { "x" } } })
    assert.equal("w2", g.name)
    assert.same({ "x" }, g.kinds.extra)
    assert.same({ "speaker", "side", "mode", "direction", "label" }, g.kinds.turn)
    assert.equal(2, g.parse("Walt Rostow: Yes.\n", { people = register }).meta.n)
    assert.has_error(function() grammar.wrap({}, print) end, "bad argument #1 to 'wrap' (grammar expected)")
    assert.has_error(function() grammar.wrap(g, 5) end, "bad argument #2 to 'wrap' (function expected)")
    local broken = grammar.wrap(g, function() end)
    assert.has_error(function() broken.parse("x", {}) end,
      "grammar 'w2': the function given to wrap returned nil, not the result table")
  end)
end)

describe("the auto grammar", function()
  after_each(h.cleanup)

  it("finds a label convention in the text, or says why there is none", function()
    for line, want in pairs {
      ["Q. Did you go?"] = "Q .", ["A. I. Mikoyan: yes"] = "A. I. Mikoyan :", ["A.I. Mikoyan: x"] = "A.I. Mikoyan :",
      ["MR. HALE. I object."] = "MR. HALE .", ["Mr. Hale. I think"] = "Mr. Hale .", ["JFK: hi"] = "JFK :",
      ["Q. THE WITNESS."] = "Q .", ["Mr. Smith went home."] = "", ["Yes. I do"] = "", ["Q."] = "",
      ["CROSS-EXAMINATION BY MRS. WELLS:"] = "", ["one problem: measures"] = "",
    } do
      local label, sep = detect.label_of(line)
      assert.equal(want, label and label .. " " .. sep or "", line)
    end
    local doyle = assert(h.read(h.root .. "/spec/fixtures/testimony/1963-03-04-doyle-testimony.txt"))
    local cfg, rep = detect.detect(doyle)
    -- grep -c '^ *A\. ' = 7, '^ *Q\. ' = 6, '^THE COURT: ' = 2, '^MR\. HALE: ' = 1
    assert.same({ "A", "Q", "THE COURT", "MR. HALE" }, cfg.speakers)
    assert.same({ 7, 6, 2, 1 }, { rep.labels[1].lines, rep.labels[2].lines, rep.labels[3].lines, rep.labels[4].lines })
    assert.equal(".:", rep.separator)
    local none, why = detect.detect("Nothing here.\nReally: nothing.\n")
    assert.is_nil(none)
    assert.equal("none", why.level)
    assert.matches("^no label starts 2 lines or more", why.reasons[1])
    -- one recurring label is no dialogue
    none, why = detect.detect("NOTE: a.\nNOTE: b.\nNOTE: c.\nNOTE: d.\n")
    assert.is_nil(none)
    assert.matches('^only 4 lines start with a recurring label %("NOTE"%)', why.reasons[1])
    assert.is_nil(detect.detect(""))
  end)

  it("gives a bare folder's transcripts turns, and outline says what it found", function()
    local bare = DIR .. "/bare"
    local c = open(bare)
    local rows = rows_of(c, "1962-10-27-telephone")
    -- by hand: lines 3 JFK, 4 RFK, 5 JFK, 6-8 RFK (a second paragraph), 9 JFK, 10 McN, 11 JFK, 12 McN, 13 RFK, 14 JFK
    local gold = { { 3, "JFK" }, { 4, "RFK" }, { 5, "JFK" }, { 6, "RFK" }, { 9, "JFK" }, { 10, "McN" }, { 11, "JFK" },
                   { 12, "McN" }, { 13, "RFK" }, { 14, "JFK" } }
    local p, r = score(rows, gold)
    report("auto", "bare", p, r)
    assert.same({ 1, 1 }, { p, r })
    assert.same({ "Laughter" }, { of_kind(rows, "stage")[1].attrs.text })
    assert.equal(0, #of_kind(rows_of(c, "1962-10-28-notes"), "turn"))
    local out, err, code = h.run({ "outline", "1962-10-27", "--corpus", bare })
    assert.equal(0, code, err)
    assert.truthy(out:find("labels the auto grammar found: confidence 83% (high)", 1, true), out)  -- 10 of 12 paragraphs
    out, err, code = h.run({ "outline", "1962-10-28", "--corpus", bare })
    assert.equal(0, code, err)
    assert.truthy(out:find('no speaker labels found: no label starts 2 lines or more', 1, true), out)
    assert.truthy(out:find('return { documents = { { path = "1962-10-28-notes.txt", grammar = "labelled" } } }', 1, true), out)
    out = h.run({ "speakers", "--corpus", bare, "--format", "json" })
    local turns = {}
    for _, row in ipairs(cjson.decode(out)) do turns[row.speaker] = row.turns end
    assert.same({ JFK = 5, RFK = 3, McN = 2 }, turns)
  end)

  it("on the five documents copied into a bare folder: precision and recall", function()
    local bare = h.tmpdir()
    for _, f in pairs(FILES) do h.write(bare .. "/" .. f, text_of(f)) end
    h.write(bare .. "/people.lua", text_of("people.lua"))
    local c = open(bare)
    -- auto knows no role names: Q, A and QUESTION stay as written
    local as_written = { questioner = "Q", spokesman = "A", press = "QUESTION" }
    local results = {}
    for id, gold in pairs(GOLD) do
      local g = {}
      for i, t in ipairs(gold) do g[i] = { t[1], as_written[t[2]] or t[2] } end
      local p, r = score(rows_of(c, FILES[id]:gsub("%.txt$", "")), g)
      report("auto", id, p, r)
      results[id] = { p, r }
    end
    -- never a wrong speaker; everything but the OCR hearing (its garbled labels recur too seldom
    -- to be a convention: "The CHAIRMAN." twice, nothing else twice)
    for id, pr in pairs(results) do
      assert.equal(id == "hearing" and 0 or 1, pr[1], id)
      assert.equal(id == "hearing" and 0 or 1, pr[2], id)
    end
  end)
end)
