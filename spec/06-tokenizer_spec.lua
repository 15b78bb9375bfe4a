-- parley.tokenizer: words, numbers, dates, abbreviations, punctuation,
-- sentence and paragraph flags, on lines of the seed documents and on
-- hostile input.
local h = require "spec.helpers"
local tok = require "parley.tokenizer"

local dinner = assert(h.read(h.dinner))
local telegram = assert(h.read(h.telegram))

local ACUTE = "\xCC\x81"  -- U+0301 COMBINING ACUTE ACCENT

-- The first error in a token list over s, or nil: every token round-trips
-- through s:sub, tokens come in increasing, non-overlapping order, hold no
-- white space and have a known kind.
local KINDS = { word = true, number = true, punct = true, symbol = true }
local function invalid(s, list)
  local prev = 0
  for i, t in ipairs(list) do
    if t.start <= prev or t.stop < t.start or t.stop > #s then
      return ("token %d out of order: %d..%d after %d"):format(i, t.start, t.stop, prev)
    end
    if s:sub(t.start, t.stop) ~= t.text then return ("token %d does not round-trip"):format(i) end
    if t.text:find("[%s%z]") then return ("token %d holds white space: %q"):format(i, t.text) end
    if not KINDS[t.kind] then return ("token %d has kind %s"):format(i, tostring(t.kind)) end
    prev = t.stop
  end
  return nil
end

local function check(s)
  local list = tok.tokens(s)
  assert.is_nil(invalid(s, list))
  return list
end

-- The texts of the tokens of s that carry field (sentence, paragraph, abbr, date).
local function flagged(s, field)
  local out = {}
  for _, t in ipairs(check(s)) do
    if t[field] then out[#out + 1] = t.text end
  end
  return out
end

local function kinds(s)
  local out = {}
  for _, t in ipairs(check(s)) do out[#out + 1] = t.kind end
  return out
end

-- The paragraph of the dinner record that starts with prefix (up to its blank line).
local function paragraph(prefix)
  local a = assert(dinner:find(prefix, 1, true), prefix)
  local b = dinner:find("\n[ \t]*\n", a) or #dinner + 1
  return dinner:sub(a, b - 1)
end

describe("parley.tokenizer", function()
  describe("words", function()
    it("splits a line of the record into words, initials and a compound", function()
      local s = "A. I. Mikoyan says that the USSR accepted recommendation of the acting secretary-general of"
      assert.same({ "A.", "I.", "Mikoyan", "says", "that", "the", "USSR", "accepted",
                    "recommendation", "of", "the", "acting", "secretary-general", "of" }, tok.words(s))
      assert.same({ "A.", "I." }, flagged(s, "abbr"))
      assert.same({ "A." }, flagged(s, "sentence"))
    end)

    it("keeps initials as abbreviations inside a sentence", function()
      local s = "N. S. Khrushchev and to President Kennedy"
      assert.same({ "N.", "S.", "Khrushchev", "and", "to", "President", "Kennedy" }, tok.words(s))
      assert.same({ "N.", "S." }, flagged(s, "abbr"))
      assert.same({ "N." }, flagged(s, "sentence"))
    end)

    it("reads numbers with thousands separators", function()
      local s = "McCloy: But he has 145,000 soldiers against 10,000 Russians."
      assert.same({ "McCloy", ":", "But", "he", "has", "145,000", "soldiers", "against",
                    "10,000", "Russians", "." }, tok.words(s))
      assert.same({ "word", "punct", "word", "word", "word", "number", "word", "word",
                    "number", "word", "punct" }, kinds(s))
      assert.same({ "3.5", "1962", "1", ",", "2", "1,000,000" }, tok.words("3.5 1962 1,2 1,000,000"))
    end)

    it("separates curly quotes, brackets and editorial notes", function()
      assert.same({ "the", "“", "quarantine", "”", "would", "be" }, tok.words("the “quarantine” would be"))
      local s = "[in the United Nations —ed.]"
      assert.same({ "[", "in", "the", "United", "Nations", "—", "ed.", "]" }, tok.words(s))
      assert.same({ "ed." }, flagged(s, "abbr"))
      assert.same({ "think", "[", "s", "]" }, tok.words("think[s]"))
      assert.same({ "the", "USA", "[", "is", "]", "not", "going" }, tok.words("the USA [is] not going"))
      assert.same({ "[", "...", "]", "We", "raised" }, tok.words("[...] We raised"))
    end)

    it("joins hyphens and apostrophes between letters", function()
      for _, w in ipairs({ "Soviet-American", "re-establish", "non-aggression", "Castro's",
                           "Castro’s", "don’t", "Kennedy’s", "it's", "anti\xE2\x80\x90aircraft",
                           "point\xE2\x80\x91blank" }) do
        assert.same({ w }, tok.words(w))
        assert.same({ "word" }, kinds(w))
      end
      assert.same({ "Castro’s", "demand" }, tok.words("Castro’s demand"))
      assert.same({ "with", "the", "Cubans", "'", "." }, tok.words("with the Cubans'."))
      assert.same({ "'", "62", "-", "a", "-" }, tok.words("'62 -a-"))
    end)

    it("never joins across an em dash or an en dash between words", function()
      assert.same({ "radio", "—", "inquiring" }, tok.words("radio—inquiring"))
      assert.same({ "Kennedy", "—", "this" }, tok.words("Kennedy—this"))
      assert.same({ "East", "–", "West" }, tok.words("East–West"))
      assert.same({ "wait", "--", "no", "…", "yes", "……" }, tok.words("wait--no…yes……"))
    end)

    it("reads accented words, precomposed or with combining marks", function()
      assert.same({ "Guantánamo" }, tok.words("Guantánamo"))
      assert.same({ "Cuban", "émigrés", "prepare" }, tok.words("Cuban émigrés prepare"))
      local decomposed = "e" .. ACUTE .. "migre" .. ACUTE .. "s"
      assert.same({ decomposed, "." }, tok.words(decomposed .. "."))
      assert.same({ "Хрущёв", "и", "Микоян" }, tok.words("Хрущёв и Микоян"))
    end)

    it("reads the telegram's date and signature", function()
      local s = "2.XI.62 A. MIKOYAN"
      assert.same({ "2.XI.62", "A.", "MIKOYAN" }, tok.words(s))
      local t = check(s)
      assert.equal("number", t[1].kind)
      assert.is_true(t[1].date)
      assert.is_true(t[2].abbr)
      assert.is_nil(t[3].abbr)
    end)

    it("flags dates and only dates", function()
      assert.same({ "1962-11-01", "1.11.1962", "2.XI.1962", "11/1/62" },
                  flagged("1962-11-01 and 1.11.1962, 2.XI.1962 or 11/1/62.", "date"))
      assert.same({}, flagged("1962-13-01 2.XIV.62 1.2.3 32.11.1962 1996/1997 10-15", "date"))
      assert.same({ "number" }, kinds("1962-11-01"))
    end)

    it("keeps number ranges whole", function()
      assert.same({ "some", "10-15", "days" }, tok.words("some 10-15 days"))
      assert.same({ "word", "number", "word" }, kinds("some 10-15 days"))
      assert.same({ "Issues", "8-9", ",", "Winter", "1996", "/", "1997", ",", "pp.", "315-320", "]" },
                  tok.words("Issues 8-9, Winter 1996/1997, pp. 315-320]"))
      assert.same({ "pages", "8–9" }, tok.words("pages 8–9"))
      assert.same({ "number" }, kinds("8–9"))
    end)

    it("reads ordinals and mixed letters and digits as words", function()
      assert.same({ "word", "word", "word" }, kinds("24th M-16 1960s"))
    end)

    it("reads quoted speech", function()
      local s = '"Cuba is the breeding ground of infection and Venezuela an example."'
      assert.same({ '"', "Cuba", "is", "the", "breeding", "ground", "of", "infection", "and",
                    "Venezuela", "an", "example", ".", '"' }, tok.words(s))
    end)

    it("tells U Thant from initials", function()
      assert.same({ "U", "Thant" }, tok.words("U Thant"))
      assert.same({}, flagged("U Thant", "abbr"))
      assert.same({ "V.V.", "Kuznetsov" }, tok.words("V.V. Kuznetsov"))
      assert.same({ "V.V." }, flagged("V.V. Kuznetsov", "abbr"))
      assert.same({ "N.S.", "Khrushchev" }, tok.words("N.S. Khrushchev"))
    end)

    it("knows dotted acronyms and title abbreviations", function()
      local s = "Mr. Khrushchev, Mrs. Kennedy, Dr. X, Gen. Pliyev, St. Louis, the U.S. and the U.N., "
        .. "U.S.A. at 5 p.m., pp. 315, vol. 2, cf. Yu. Vinogradov, trans. V. Zaemsky"
      assert.same({ "Mr.", "Mrs.", "Dr.", "Gen.", "St.", "U.S.", "U.N.", "U.S.A.", "p.m.", "pp.",
                    "vol.", "cf.", "Yu.", "trans.", "V." }, flagged(s, "abbr"))
      assert.same({ "Mr." }, flagged(s, "sentence"))
    end)

    it("knows every title and reference abbreviation of its table", function()
      for w in ("Adm Amb Apr Aug Capt Cf Col Dec Dr Feb Gen Gov Hon Ibid Jan Jr Kh Lt Maj Messrs Mme "
                .. "Mr Mrs Ms No Nos Nov Oct Prof Rep Rev Sen Sept Sgt Sr St Vol Ya Yu Zh al approx "
                .. "ca cf cit ed eds etc ibid op p pp trans viz vol vols vs"):gmatch("%S+") do
        assert.same({ w .. "." }, flagged(w .. ". 5", "abbr"))
      end
      for _, w in ipairs({ "MR", "mrs", "Ed", "Pp", "Etc", "Mrx", "Messrsx", "Ap", "Zz" }) do
        assert.same({}, flagged(w .. ". 5", "abbr"))
      end
    end)

    it("takes No. as an abbreviation before a number only", function()
      assert.same({ "No." }, flagged("See No. 5 here", "abbr"))
      assert.same({ "No", ".", "We" }, tok.words("No. We"))
      assert.same({}, flagged("No. We", "abbr"))
      assert.same({ "mr", "." }, tok.words("mr."))
    end)

    it("separates punctuation and symbols", function()
      assert.same({ "$", "5", "+", "3", "%", "<", "x", ">", "(", "a", ")", ";", "?", "!" },
                  tok.words("$5 + 3% <x> (a); ?!"))
      assert.same({ "symbol", "number", "symbol", "number", "punct", "symbol", "word", "symbol" },
                  kinds("$5 + 3% <x>"))
      assert.same({ "punct", "punct", "punct" }, kinds("[...]"))
    end)

    it("keeps a URL whole", function()
      local s = "Archive <https://digitalarchive.umd.edu/document/110421>"
      assert.same({ "Archive", "<", "https://digitalarchive.umd.edu/document/110421", ">" }, tok.words(s))
      assert.same({ "see", "www.wilsoncenter.org", "." }, tok.words("see www.wilsoncenter.org."))
      assert.same({ "http", ":", "the", "web" }, tok.words("http: the web"))
    end)

    it("returns tokens with positions, kinds and flags", function()
      local t = tok.tokens("Hi, U.S.\n\n2.XI.62")
      assert.same({ start = 1, stop = 2, text = "Hi", kind = "word", sentence = true, paragraph = true }, t[1])
      assert.same({ start = 3, stop = 3, text = ",", kind = "punct" }, t[2])
      assert.same({ start = 5, stop = 8, text = "U.S.", kind = "word", abbr = true }, t[3])
      assert.same({ start = 11, stop = 17, text = "2.XI.62", kind = "number", date = true,
                    sentence = true, paragraph = true }, t[4])
      assert.equal(4, #t)
    end)
  end)

  describe("sentences", function()
    it("does not break at initials or U.S.", function()
      local s = "Stevenson: We believe that a certain understanding was achieved in the letters of N. S. \n"
        .. "Khrushchev and J. Kennedy. \n"
      assert.same({ "Stevenson: We believe that a certain understanding was achieved in the letters "
                    .. "of N. S. \nKhrushchev and J. Kennedy." }, tok.sentences(s))
      local u = "When Stevenson had not yet been the U.S. representative [in the United \n"
        .. "Nations —ed.], he had good understanding of everything. Mr. Khrushchev agreed."
      assert.same({ "When Stevenson had not yet been the U.S. representative [in the United \n"
                    .. "Nations —ed.], he had good understanding of everything.", "Mr. Khrushchev agreed." },
                  tok.sentences(u))
    end)

    it("breaks after a full stop before a capital", function()
      local s = "But we are glad that when today our plane flew over Cuba, it was not shot at. \n"
        .. "As far as we know, the antiaircraft missiles deployed in Cuba are not in the hands of the Cubans, \n"
        .. "but in the hands of your people."
      local got = tok.sentences(s)
      assert.equal(2, #got)
      assert.equal("But we are glad that when today our plane flew over Cuba, it was not shot at.", got[1])
      assert.matches("^As far as we know, ", got[2])
      assert.matches("your people%.$", got[2])
    end)

    it("carries closing quotes into the sentence they end", function()
      local s = 'McCloy noted that "Cuba is the breeding ground of infection and Venezuela an example." '
        .. "It was clear that in the immediate future the USA [is] not going to re-establish ties."
      assert.same({ 'McCloy noted that "Cuba is the breeding ground of infection and Venezuela an example."',
                    "It was clear that in the immediate future the USA [is] not going to re-establish ties." },
                  tok.sentences(s))
      assert.same({ "need for the “quarantine.”", "A. I. Mikoyan reiterates." },
                  tok.sentences("need for the “quarantine.” \n \nA. I. Mikoyan reiterates."))
      assert.same({ "It ends (here.)", "Then [more.]", "“Quoted.”" },
                  tok.sentences("It ends (here.) Then [more.] “Quoted.”"))
    end)

    it("breaks after ? and ! and an ellipsis, not after a colon", function()
      local s = "McCloy (in a jocular tone): But would Castro let you out? Yes! So… Then."
      assert.same({ "McCloy (in a jocular tone): But would Castro let you out?", "Yes!", "So…", "Then." },
                  tok.sentences(s))
      assert.same({ "Castro might ask me: Is the United States going?" },
                  tok.sentences("Castro might ask me: Is the United States going?"))
    end)

    it("does not break before a lower-case word", function()
      local s = "Stevenson: We could agree on a schedule. Next week. one might agree on an inspection."
      assert.same({ "Stevenson: We could agree on a schedule.", "Next week. one might agree on an inspection." },
                  tok.sentences(s))
    end)

    it("reads list numbers as the start of their sentence", function()
      local s = "such illegal flights. 4. We raised the question. 5. Stevenson and McCloy stated it."
      assert.same({ "such illegal flights.", "4. We raised the question.", "5. Stevenson and McCloy stated it." },
                  tok.sentences(s))
    end)

    it("ends a sentence at an abbreviation before a paragraph break or etc. before a capital", function()
      assert.same({ "signed by the U.S.", "The next" }, tok.sentences("signed by the U.S.\n\nThe next"))
      assert.same({ "arms, ships, etc.", "The next" }, tok.sentences("arms, ships, etc. The next"))
      assert.same({ "The note takers were G. Zhukov and Yu. \nVinogradov.", "[Source: CWIHP.]" },
                  tok.sentences("The note takers were G. Zhukov and Yu. \nVinogradov. \n \n[Source: CWIHP.]"))
    end)

    it("counts the sentences of known paragraphs of the record", function()
      -- By hand: "... did not." / "On October 24, ... blockade." / "The Soviet Union ... did not."
      local p = paragraph("A. I. Mikoyan says that the USSR accepted")
      local got = tok.sentences(p)
      assert.equal(3, #got)
      assert.matches("^A%. I%. Mikoyan says", got[1])
      assert.matches("^On October 24, U Thant", got[2])
      assert.matches("^The Soviet \nUnion fulfilled", got[3])
      -- "... Russians." / "He can obstruct ... [of missiles —ed.]." / "Moreover, ... it."
      got = tok.sentences(paragraph("McCloy: But he has 145,000"))
      assert.equal(3, #got)
      assert.equal("He can obstruct the dismantling \n[of missiles —ed.].", got[2])
      -- "... commitments." / "The armaments ... evacuated." / "As for Castro, ... armaments."
      got = tok.sentences(paragraph("A. I. Mikoyan: Castro is not and will not be an obstacle"))
      assert.equal(3, #got)
      -- The colon does not end the first of these two.
      got = tok.sentences(paragraph("Stevenson: There is only one issue between the Soviet Union"))
      assert.equal(2, #got)
    end)

    it("starts every sentence at a token that starts one", function()
      for _, s in ipairs({ dinner, telegram }) do
        local starts = {}
        for _, t in ipairs(tok.tokens(s)) do
          if t.sentence then starts[#starts + 1] = t.text end
        end
        local sents = tok.sentences(s)
        assert.equal(#starts, #sents)
        for i, sent in ipairs(sents) do
          assert.equal(starts[i], sent:sub(1, #starts[i]))
        end
      end
    end)
  end)

  describe("paragraphs", function()
    it("flags the first token and the first after each blank line", function()
      local s = "one two\n \t\nthree.\nfour\n\n\n five\r\n\r\nsix\xE2\x80\xA9seven"
      assert.same({ "one", "three", "five", "six", "seven" }, flagged(s, "paragraph"))
      for _, t in ipairs(check(s)) do
        if t.paragraph then assert.is_true(t.sentence) end
      end
    end)

    it("ignores page-break artefacts of the PDF transcript", function()
      local s = paragraph("McCloy: Would you make a stop")
      assert.same({ "McCloy" }, flagged(s, "paragraph"))
      assert.same({ "McCloy", "A." }, flagged(s, "sentence"))
    end)

    it("finds every blank-line paragraph of the seeds", function()
      for _, s in ipairs({ dinner, telegram }) do
        local blocks, blank = 0, true
        for line in (s .. "\n"):gmatch("(.-)\n") do
          if line:find("^[ \t\r]*$") then
            blank = true
          elseif blank then
            blocks, blank = blocks + 1, false
          end
        end
        assert.equal(blocks, #flagged(s, "paragraph"))
      end
      assert.equal(90, #flagged(dinner, "paragraph"))
    end)
  end)

  describe("hostile input", function()
    it("returns nothing for empty or blank text", function()
      for _, s in ipairs({ "", " ", "\n\n\t ", "\0\0", "\xC2\xA0\xE2\x80\x83" }) do
        assert.same({}, check(s))
        assert.same({}, tok.words(s))
        assert.same({}, tok.sentences(s))
      end
    end)

    it("makes each invalid byte a symbol", function()
      local s = "\xFF\xC0abc\xE2\x82 \xED\xA0\x80\xF4\x90\x80\x80"
      local t = check(s)
      assert.same({ "\xFF", "\xC0", "abc", "\xE2", "\x82", "\xED", "\xA0", "\x80",
                    "\xF4", "\x90", "\x80", "\x80" }, tok.words(s))
      for _, x in ipairs(t) do
        if x.text ~= "abc" then assert.equal("symbol", x.kind) end
      end
      assert.same({ "ab", "\xE2", "\x80" }, tok.words("ab\xE2\x80"))
    end)

    it("treats NUL bytes as separators", function()
      assert.same({ "a", "b", "." }, tok.words("a\0b\0."))
    end)

    it("handles a 1 MB line of letters", function()
      local s = string.rep("abcdefghij", 100000)
      local t = check(s)
      assert.equal(1, #t)
      assert.equal(#s, t[1].stop)
      local u = string.rep("ab.", 300000)
      assert.is_nil(invalid(u, tok.tokens(u)))
    end)

    it("handles only punctuation", function()
      local s = "?!.,;:--...…“”‘’\"'()[]{}—–-"
      assert.same({ "?", "!", ".", ",", ";", ":", "--", "...", "…", "“", "”", "‘", "’", '"', "'",
                    "(", ")", "[", "]", "{", "}", "—", "–", "-" }, tok.words(s))
      for _, k in ipairs(kinds(s)) do assert.equal("punct", k) end
    end)

    it("makes a lone combining mark a symbol", function()
      local s = ACUTE .. ACUTE .. "abc " .. ACUTE
      assert.same({ ACUTE .. ACUTE, "abc", ACUTE }, tok.words(s))
      assert.same({ "symbol", "word", "symbol" }, kinds(s))
      assert.same({ "“" .. ACUTE, "x" }, tok.words("“" .. ACUTE .. "x"))
    end)

    it("survives random bytes and cut-up seed text", function()
      math.randomseed(1962)
      local pieces = { "a", "Z", "1", ".", ",", "-", "'", "’", "\xE2\x80", "\xE2", "\x80", "\0", " ",
                       "\n", "\n \n", ACUTE, "é", "—", "…", "U.S.", "2.XI.", "1962-11-", "http://",
                       "www.", "[", "]", '"', "No. ", "etc.", "\xFF", "\xF0\x9F\x98", "\xF0\x9F\x98\x80" }
      for _ = 1, 300 do
        local parts = {}
        for i = 1, math.random(1, 40) do parts[i] = pieces[math.random(#pieces)] end
        local s = table.concat(parts)
        assert.is_nil(invalid(s, tok.tokens(s)))
        local total = 0
        for _, sent in ipairs(tok.sentences(s)) do total = total + #sent end
        assert.is_true(total <= #s)
      end
      for _ = 1, 100 do
        local a = math.random(1, #dinner)
        local s = dinner:sub(a, a + math.random(0, 200))
        assert.is_nil(invalid(s, tok.tokens(s)))
      end
    end)

    it("rejects a missing argument", function()
      assert.has_error(function() tok.tokens() end)
      assert.error_matches(function() tok.words({}) end, "bad argument #1 to '[%w.]*words'")
    end)
  end)

  describe("the seed documents", function()
    it("tokenise with every token round-tripping and free of white space", function()
      for _, s in ipairs({ dinner, telegram }) do
        local t = check(s)
        assert.is_true(#t > 1000)
        local words = tok.words(s)
        assert.equal(#t, #words)
        for i = 1, #t do
          if words[i] ~= t[i].text then assert.equal(t[i].text, words[i]) end
        end
      end
    end)

    it("read the abbreviations and dates of the seeds", function()
      assert.same({ "2.XI.62" }, flagged(telegram, "date"))
      local abbr = {}
      for _, w in ipairs(flagged(dinner, "abbr")) do abbr[w] = (abbr[w] or 0) + 1 end
      assert.same({ ["A."] = 42, ["I."] = 37, ["N."] = 13, ["S."] = 13, ["J."] = 8, ["V."] = 8,
                    ["U.S."] = 6, ["ed."] = 4, ["Mr."] = 3, ["G."] = 2, ["M."] = 2, ["F."] = 1,
                    ["V.V."] = 1, ["Yu."] = 1, ["pp."] = 1 }, abbr)
    end)
  end)
end)
