-- parley.grammar.lib: the LPeg building blocks of document grammars, on lines
-- of the seed documents and on tricky variants.  Expected values are read off
-- the documents by hand (or counted with plain string functions).
local h = require "spec.helpers"
local lpeg = require "lpeg"
local lib = require "parley.grammar.lib"
local people = require "parley.people"

local dinner = h.read(h.dinner)
local telegram = h.read(h.telegram)
local register = people.load({ dir = h.corpus })

-- The line of the dinner record that contains s (plain search).
local function seed_line(s)
  for line in dinner:gmatch("[^\n]*") do
    if line:find(s, 1, true) then return line end
  end
  error("not in the dinner record: " .. s)
end

local function all(patt, text)
  local out = {}
  for s, e, cap in lib.find_all(patt, text) do out[#out + 1] = { s = s, e = e, cap = cap } end
  return out
end

describe("parley.grammar.lib", function()
  describe("characters", function()
    it("matches code point ranges byte by byte (no lpeg.utfR in LPeg 1.0.2)", function()
      local cyr = lib.range(0x400, 0x4FF) * -1
      assert.truthy(cyr:match("Ж"))
      assert.falsy(cyr:match("Z"))
      local wide = lib.range(0x70, 0x2014) * -1     -- one, two and three bytes
      for _, ch in ipairs { "p", "z", "é", "ß", "—", "\u{800}" } do assert.truthy(wide:match(ch), ch) end
      for _, ch in ipairs { "o", "\u{2015}", "€" } do assert.falsy(wide:match(ch), ch) end
      assert.truthy((lib.letter^1 * -1):match("émigrés"))
      assert.falsy((lib.letter * -1):match("—"))
    end)

    it("knows a word start", function()
      local p = lib.phrases { "the conversation" }
      assert.equal(1, #all(p, "In the second half of the conversation, the discussion"))
      assert.equal(0, #all(p, "bathe conversation"))
      assert.equal(0, #all(p, "the conversations"))
      assert.equal(1, #all(lib.phrases({ "the United Nations" }, { wrap = true }), "[in the United \nNations —ed.]"))
    end)
  end)

  describe("lines and paragraphs", function()
    it("takes a page-break space and trailing spaces out of a line", function()
      local line = seed_line(" A. I. Mikoyan: I have no definite plans")
      local t = lib.line:match(line .. "\n")
      assert.is_true(t.indent)
      assert.equal(2, t.start)
      assert.equal("A. I. Mikoyan: I have no definite plans on this score, but I would not exclude such a stopover.",
        line:sub(t.start, t.stop))
      assert.falsy(lib.line:match(" \n"))            -- a blank line of one space is not a line
    end)

    it("splits the dinner record into its non-blank lines", function()
      local want = 0
      for line in dinner:gmatch("[^\n]*") do if line:find("%S") then want = want + 1 end end
      local lines = lib.lines(dinner)
      assert.equal(want, #lines)
      assert.equal("Record of a Dinner Conversation between CPSU CC Politburo Member A. I. Mikoyan,",
        dinner:sub(lines[1].start, lines[1].stop))
    end)

    it("keeps hard-wrapped lines in one paragraph, broken by blank lines of spaces", function()
      local text = "One line \n and its wrap \n \nSecond  \n\n \n Third"
      local ps = lib.paragraphs(text)
      assert.equal(3, #ps)
      assert.equal("One line \n and its wrap", text:sub(ps[1].start, ps[1].stop))
      assert.equal(2, ps[1].lines)
      assert.equal("Third", text:sub(ps[3].start, ps[3].stop))
    end)
  end)

  describe("speaker labels", function()
    local speaker = lib.speaker(register)

    it("finds register names at the start of a line, as written and canonical", function()
      local cases = {
        { "A. I. Mikoyan: This is correct.", "A. I. Mikoyan", "A. I. Mikoyan", "USSR" },
        { " Stevenson: In our opinion, the sole problem", "Stevenson", "Adlai Stevenson", "US" },
        { "McCloy (in a jocular tone): But would Castro let you out?", "McCloy", "John McCloy", "US" },
        { "V. V. Kuznetsov: The government of Cuba", "V. V. Kuznetsov", "V. V. Kuznetsov", "USSR" },
        { "V.V. Kuznetsov: unspaced initials", "V.V. Kuznetsov", "V. V. Kuznetsov", "USSR" },
        { "Mikoyan: a bare surname", "Mikoyan", "A. I. Mikoyan", "USSR" },
      }
      for _, c in ipairs(cases) do
        local t = speaker:match(c[1])
        assert.is_table(t, c[1])
        assert.equal(c[2], t.label)
        assert.equal(c[3], t.name)
        assert.equal(c[4], t.side)
        assert.equal(c[2], c[1]:sub(t.start, t.stop))
      end
    end)

    it("does not take other words for names", function()
      for _, s in ipairs { "Soviet-American relations, in the framework", "Mikoyanov: x",
                           "U.S. Ambassador", "the McCloy plan" } do
        assert.is_nil(speaker:match(s), s)
      end
    end)

    it("finds names anywhere, also wrapped over lines, longest first", function()
      local footer = seed_line("From the American side") .. "\n" .. seed_line("McCloy, A. Stevenson")
      -- "Kuznetsov, A. F. Dobrynin, M. A. Menshikov, and G. A. Zhukov. From the American side, J. \n
      --  McCloy, A. Stevenson, and A. Akalovsky participated. The note takers were G. Zhukov and Yu. "
      local names, labels = {}, {}
      for _, _, n in lib.find_all(lib.names(register, { wrap = true }), footer) do
        names[#names + 1], labels[#labels + 1] = n.name, n.label
      end
      assert.same({ "V. V. Kuznetsov", "A. F. Dobrynin", "M. A. Menshikov", "G. A. Zhukov", "John McCloy",
        "Adlai Stevenson", "A. Akalovsky", "G. A. Zhukov" }, names)
      assert.same({ "Kuznetsov", "A. F. Dobrynin", "M. A. Menshikov", "G. A. Zhukov", "J. McCloy",
        "A. Stevenson", "A. Akalovsky", "G. Zhukov" }, labels)
      local title = seed_line("Record of a Dinner") .. "\n" .. seed_line("White House Envoy")
      local found = all(lib.names(register, { wrap = true }), title)
      assert.equal(3, #found)
      assert.equal("Adlai Stevenson", found[3].cap.label)
    end)

    it("reads upper-case names with nocase, and any name without a register", function()
      assert.equal("A. I. Mikoyan", lib.names(register, { nocase = true }):match("A. MIKOYAN [Source").name)
      assert.equal("Rusk", lib.speaker(nil):match("Rusk: nothing").label)
      assert.equal("A. B. Surname", lib.speaker(people.new {}):match(" A. B. Surname (aside): x").label)
    end)
  end)

  describe("pieces the grammars share", function()
    it("spans white space with at most one line break, never a blank line", function()
      local title = telegram:match("re 1  \nNovember 1962 meeting")      -- the title's wrap
      assert.equal(8, lib.gap:match(title, 5))
      assert.equal(5, lib.gap:match("\t\n\t x"))
      assert.equal(2, lib.gap:match(" \n \nnext paragraph"))            -- stops before the blank line
      for _, s in ipairs { "x", "", "\n\n", "\n \n" } do assert.is_nil(lib.gap:match(s), s) end
    end)

    it("finds -ly adverbs, lower-case whole words", function()
      local text = telegram:match("We have resolutely.-%.") .. " "
        .. telegram:match("The Americans flatly.-%.")
      local found = {}
      for s, e in lib.find_all(lib.ly_adverb, text) do found[#found + 1] = text:sub(s, e) end
      assert.same({ "resolutely", "flatly" }, found)
      found = {}
      local tricky = "Firmly, Italy and bullying lyrics; only ly friendly."
      for s, e in lib.find_all(lib.ly_adverb, tricky) do found[#found + 1] = tricky:sub(s, e) end
      assert.same({ "only", "friendly" }, found)
    end)

    it("reads names by their form: A. B. Surname, and A. SURNAME of a sign-off", function()
      local caps, any = lpeg.C(lib.caps_name), lpeg.C(lib.any_name)
      local signoff = telegram:match("2%.XI%.62 A%. MIKOYAN %[Source")
      assert.equal("A. MIKOYAN", caps:match(signoff, 9))
      assert.equal("A. MIKOYAN", any:match(signoff, 9))
      for _, s in ipairs { "N. S. KHRUSHCHEV", "A.I. MIKOYAN", "TER-PETROSYAN", "O'DONNELL" } do
        assert.equal(s, (caps * -1):match(s), s)
      end
      for _, s in ipairs { "A. Mikoyan", "Mikoyan", "X", "A." } do assert.is_nil(caps:match(s), s) end
      for _, s in ipairs { "A.I. Mikoyan", "V. V. Kuznetsov", "Stevenson" } do
        assert.equal(s, (any * -1):match(s), s)
      end
      for _, s in ipairs { "mcCloy", "U.S.", "A." } do assert.is_nil(any:match(s), s) end
    end)

    it("tells an expansion of an abbreviation from other brackets", function()
      local expanded = {}
      for _, _, b in lib.find_all(lib.bracket, telegram) do
        expanded[#expanded + 1] = lib.expands(telegram, b) or false
      end
      local _, n = telegram:gsub("%[", "")
      assert.equal(n, #expanded)
      local oas = telegram:find("[Organization of American States]", 1, true)
      local _, k = telegram:sub(1, oas):gsub("%[", "")           -- the k-th bracket (8th, by reading)
      for i, abbr in ipairs(expanded) do assert.equal(i == k and "OAS" or false, abbr, i) end
      assert.equal("OAS [", telegram:sub(oas - 4, oas))
      assert.equal("OAS", lib.initials("Organization of American States"))
      local function expands(s) return lib.expands(s, lib.bracket:match(s, s:find("[", 1, true))) end
      assert.equal("UN", expands("the UN  \n[United Nations]"))
      for _, s in ipairs { "the USA [has] no right", "the oas [Organization of American States]",
                           "the OAS [Organisation of States]", "[Organization of American States]" } do
        assert.is_nil(expands(s), s)
      end
    end)
  end)

  describe("stage directions, brackets and quotes", function()
    it("reads a parenthesised stage direction", function()
      local line = seed_line("McCloy (in a jocular tone)")
      local t = lib.direction:match(line, 8)
      assert.equal("in a jocular tone", t.text)
      assert.equal("(in a jocular tone)", line:sub(t.start, t.stop))
    end)

    it("reads bracketed insertions, editorial or not, wrapped or attached", function()
      local i = dinner:find("[in the United", 1, true)
      local t = lib.bracket:match(dinner, i)
      assert.equal("in the United Nations", t.text)
      assert.is_true(t.editorial)
      assert.equal("[in the United \nNations —ed.]", dinner:sub(t.start, t.stop))
      local s = lib.bracket:match("United States think[s] that", 20)
      assert.same({ "s", false, true }, { s.text, s.editorial, s.attached })
      local tr = lib.bracket:match("of containment [sderzhivaiyuchego], so", 16)
      assert.same({ "sderzhivaiyuchego", false, false }, { tr.text, tr.editorial, tr.attached })
      assert.is_true(lib.bracket:match("[of missiles – ed.]").editorial)
      assert.is_true(lib.bracket:match("[sic --ed.]").editorial)
      assert.is_nil(lib.bracket:match("[an unclosed note\n \nnext paragraph]"))
      assert.equal("Source: AVPRF.", lib.bracket:match("[Source: AVPRF.]").text)
    end)

    it("finds every bracket of the dinner record", function()
      local _, n = dinner:gsub("%[", "")
      assert.equal(n, #all(lib.bracket, dinner))
    end)

    it("reads curly, straight and nested quotes, not apostrophes", function()
      local q = lib.quoted:match("“quarantine.” ")
      assert.same({ "“", "”", "quarantine.", 1, 17 }, { q.open, q.close, q.text, q.start, q.stop })
      q = lib.quoted:match('"quarantine," underlining')
      assert.same({ '"', "quarantine," }, { q.open, q.text })
      q = lib.quoted:match("“He said ‘Castro’s demand’ was “legitimate”,” said M.")
      assert.equal("He said ‘Castro’s demand’ was “legitimate”,", q.text)
      q = lib.quoted:match("‘Castro’s demand’ x")
      assert.same({ "‘", "’", "Castro’s demand", 23 }, { q.open, q.close, q.text, q.stop })  -- 3+6+3+1+1+6+3 bytes
      assert.is_nil(lib.quoted:match("Cuba’s ports"))
      assert.is_nil(lib.quoted:match("“never closed\n\nnext paragraph”"))
      local _, n = dinner:gsub("“", "")
      assert.equal(n, #all(lib.quoted, dinner))
    end)
  end)

  describe("dates", function()
    it("reads the forms of the seed documents", function()
      local cases = {
        { "November 1, 1962", "1962-11-01" }, { "October 24 this year", "--10-24" },
        { "2.XI.62 A. MIKOYAN", "1962-11-02" }, { "24 October 1962", "1962-10-24" },
        { "1962-11-02", "1962-11-02" }, { "02.11.1962", "1962-11-02" },
        { "Nov. 2, 1962", "1962-11-02" }, { "12.IV.1961", "1961-04-12" },
      }
      for _, c in ipairs(cases) do
        local d = lib.date:match(c[1])
        assert.is_table(d, c[1])
        assert.equal(c[2], d.iso, c[1])
      end
      local d = lib.date:match("2.XI.62")
      assert.same({ 1962, 11, 2, 1, 7 }, { d.year, d.month, d.day, d.start, d.stop })
    end)

    it("reads a date whose parts a line break separates, not a blank line", function()
      local at = telegram:find("re 1  \nNovember 1962", 1, true) + 3   -- the telegram's title
      local d = lib.date:match(telegram, at)
      assert.equal("1962-11-01", d.iso)
      assert.equal("1  \nNovember 1962", telegram:sub(d.start, d.stop))
      local found = {}
      for _, _, t in lib.find_all(lib.date, telegram) do found[#found + 1] = t.iso end
      -- by reading: the date field, the title, the citation (two dates), the body, the sign-off
      assert.same({ "1962-11-02", "1962-11-01", "1962-11-01", "1962-11-02", "--10-25", "1962-11-02" }, found)
      local cases = { { "November \n 2,\n1962", "1962-11-02" }, { "2.\nXI.\t62", "1962-11-02" },
        { "24\t\tOctober \n1962", "1962-10-24" }, { "October\n24", "--10-24" } }
      for _, c in ipairs(cases) do assert.equal(c[2], lib.date:match(c[1]).iso, c[1]) end
      assert.is_nil(lib.date:match("1 \n\nNovember 1962"))
      assert.is_nil(lib.date:match("October \n \n24"))
      d = lib.date:match("November 2,\n \n1962")                    -- the year stays out
      assert.same({ "--11-02", 10 }, { d.iso, d.stop })
    end)

    it("rejects impossible dates and numbers that only look like dates", function()
      for _, s in ipairs { "31.II.62", "November 31, 1962", "Mayday 5", "145,000" } do
        assert.is_nil(lib.date:match(s), s)
      end
    end)

    it("finds the dates of the dinner record", function()
      local found = {}
      for _, _, d in lib.find_all(lib.date, dinner) do found[#found + 1] = d.iso end
      assert.same({ "1962-11-01", "--10-24", "--10-24" }, found)
    end)

    it("converts roman numerals", function()
      assert.same({ 11, 4, 12, 9, 1962 }, { lib.roman "XI", lib.roman "IV", lib.roman "xii", lib.roman "IX",
        lib.roman "MCMLXII" })
      assert.is_nil(lib.roman "XIQ")
    end)
  end)

  describe("numbers", function()
    it("reads numbers in words and digits", function()
      local cases = { { "forty-five", 45 }, { "Four days", 4 }, { "two hundred and six", 206 },
        { "145,000 soldiers", 145000 }, { "5 conditions", 5 }, { "twenty one", 21 } }
      for _, c in ipairs(cases) do assert.equal(c[2], lib.number:match(c[1]).value, c[1]) end
      assert.is_nil(lib.number:match("someone"))
      assert.is_nil(lib.number:match("tent"))
    end)

    it("reads quantities and ranges in the seed text", function()
      local cases = {
        { "no less than ten to fifteen days.", 10, 15, "day" },
        { "about four to five days away", 4, 5, "day" },
        { "talks (two to three \nweeks)", 2, 3, "week" },
        { "It put forward five conditions, including", 5, 5, "condition" },
        { "not ten or fifteen days, but", 10, 15, "day" },
        { "some 10-15 days will be needed", 10, 15, "day" },
        { "there are four more points in", 4, 4, "point" },
      }
      for _, c in ipairs(cases) do
        local found = all(lib.quantity, c[1])
        assert.equal(1, #found, c[1])
        local q = found[1].cap
        assert.same({ c[2], c[3], c[4] }, { q.low, q.high, q.unit }, c[1])
      end
      assert.equal(0, #all(lib.quantity, "one could speak"))   -- "could" is no unit
    end)

    it("adds up durations in minutes", function()
      local line = seed_line("The conversation lasted")
      local found = all(lib.duration, line)
      assert.equal(1, #found)
      assert.equal(220, found[1].cap.minutes)
      assert.equal("three hours and forty minutes", line:sub(found[1].s, found[1].e))
      assert.equal(220, lib.quantity:match("three hours and forty minutes").minutes)
      assert.equal(90, lib.duration:match("one hour, thirty minutes").minutes)
      assert.equal(2 * 1440, lib.duration:match("two days").minutes)
    end)
  end)

  describe("helpers", function()
    it("finds every match with its span, and the line and column of a byte", function()
      local i = dinner:find("[sderzhivaiyuchego]", 1, true)
      assert.same({ 114, 13 }, { lib.line_of(dinner, i) })
      assert.same({ 2, 3 }, { lib.line_of("ab\néé!", 8) })    -- columns count characters
      local spans = {}
      for s, e in lib.find_all(lpeg.P"ab", "xxabxab") do spans[#spans + 1] = s .. "-" .. e end
      assert.same({ "3-4", "6-7" }, spans)
      assert.same({ "given", "up" }, lib.words_before("It was given up [ustuplena]", 17, 2))
      assert.same({ "commitment" }, lib.words_before("appropriate \ncommitment [x]", 25, 1))
    end)

    it("lets a grammar compiled once match a pattern passed at match time", function()
      local g = lpeg.P{ "S", S = lpeg.Ct(lib.dynamic("name") * ":") }
      local t = g:match("McCloy: yes", 1, { name = lib.speaker(register) })
      assert.equal("John McCloy", t[1].name)
      assert.is_nil(g:match("McCloy: yes", 1, { name = lib.speaker { "Rusk" } }))
      assert.is_nil(g:match("McCloy: yes", 1, {}))
    end)

    it("has a variant of dynamic that consumes, so that it may stand in a loop", function()
      assert.has_error(function() lpeg.P{ "S", S = lpeg.Ct((lpeg.V"N" + 1)^0), N = lib.dynamic("n") } end,
        "empty loop in rule 'S'")
      local g = lpeg.P{ "S", S = lpeg.Ct((lpeg.V"N" + 1)^0), N = lib.dynamic1("n", lib.letter) }
      local point = telegram:match("5%. Stevenson and McCloy stated that")
      local found = {}
      for _, t in ipairs(g:match(point, 1, { n = lib.names(register) })) do
        found[#found + 1] = { t.name, point:sub(t.start, t.stop) }
      end
      assert.same({ { "Adlai Stevenson", "Stevenson" }, { "John McCloy", "McCloy" } }, found)
      assert.same({}, g:match(point, 1, { n = lpeg.P(true) }))     -- an empty match is no match
      assert.same({}, g:match(point, 1, {}))
      local any = lpeg.Ct((lib.dynamic1("n") + 1)^0)                -- without `first`: at any byte
      assert.equal(2, #any:match(point, 1, { n = lpeg.C"St" + lpeg.C"Mc" }))
    end)

    it("trims white space back from a position, and sorts regions in text order", function()
      local line = seed_line("The conversation lasted") .. " \n"
      assert.equal(#line - 3, lib.trim_end(line, #line))
      assert.equal(4, lib.trim_end("abc \t\n", 4, 5))           -- nothing at or after 5: 5 - 1
      assert.equal(0, lib.trim_end("  ", 2))
      local regions = { { start = 5, stop = 9 }, { start = 1, stop = 3 }, { start = 5, stop = 20 } }
      assert.equal(regions, lib.sort_regions(regions))
      assert.same({ { start = 1, stop = 3 }, { start = 5, stop = 20 }, { start = 5, stop = 9 } }, regions)
    end)

    it("keeps its three files in the index fingerprint, and one API", function()
      local files = table.concat(require("parley.grammar").source_files({ documents = {} }), "\n")
      for _, f in ipairs { "/grammar/lib.lua", "/grammar/lib/chars.lua", "/grammar/lib/numbers.lua" } do
        assert.truthy(files:find(f, 1, true), f)
      end
      assert.equal(require("parley.grammar.lib.numbers").date, lib.date)
      assert.equal(require("parley.grammar.lib.chars").gap, lib.gap)
    end)

    it("memoises patterns built from a register", function()
      assert.equal(lib.names(register), lib.names(register))
      assert.equal(lib.speaker(register), lib.speaker(register))
      assert.has_error(function() lib.names("McCloy") end,
        "bad argument #1 to 'names' (register or list of names expected)")
      assert.not_equal(lib.names(register), lib.names(register, { wrap = true }))
    end)
  end)
end)
