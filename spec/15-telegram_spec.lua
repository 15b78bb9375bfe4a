-- The "telegram" grammar on Mikoyan's telegram of 2 November 1962 and on
-- tricky variants written here.  Every expected value comes from reading the
-- telegram (corpus/1962-11-02-mikoyan-telegram.md) or from the variants'
-- text, never from the grammar's output.
local h = require "spec.helpers"
local parley = require "parley"
local people = require "parley.people"
local telegram = require "parley.grammar.telegram"

local source = assert(h.read(h.telegram))
local register = people.load{ dir = h.corpus }
local MIKOYAN, MCCLOY, STEVENSON = "A. I. Mikoyan", "John McCloy", "Adlai Stevenson"

local function parse(txt, doc)
  return telegram.parse(txt, { people = register, doc = doc or { author = "A. I. Mikoyan" } })
end

local of_kind = h.of_kind

local function text_of(txt, r) return txt:sub(r.start, r.stop) end
local function starts(s, prefix) return s:sub(1, #prefix) == prefix end

describe("telegram grammar: Mikoyan's telegram", function()
  local res = parse(source)

  it("gives one field region per Markdown field and the metadata", function()
    local names = {}
    for _, f in ipairs(of_kind(res, "field")) do names[#names + 1] = f.attrs.name end
    assert.same({ "date", "title", "citation", "summary", "original_language", "contents" }, names)
    local fields = of_kind(res, "field")
    assert.equal("**November 2, 1962**", text_of(source, fields[1]))
    assert.equal("**Citation:**", text_of(source, fields[3]):match("^%*%*Citation:%*%*"))
    assert.truthy(text_of(source, fields[6]):find("Translation %- English$"))
    local m = res.meta
    assert.equal("1962-11-02", m.date)
    assert.equal("Telegram from A.I. Mikoyan to CC CPSU re 1 November 1962 meeting with Stevenson", m.title)
    assert.equal("Russian", m.original_language)
    assert.equal("English", m.contents_language)
    assert.truthy(starts(m.citation, '"Telegram from A.I. Mikoyan to CC CPSU re 1 November 1962'))
    assert.truthy(m.citation:find("document/110421>$"))
    assert.truthy(starts(m.summary, "Mikoyan discusses the results of a meeting with Stevenson."))
  end)

  it("finds the preamble and all eight points, also where they share a paragraph", function()
    local pre = of_kind(res, "preamble")
    assert.equal(1, #pre)
    assert.truthy(starts(text_of(source, pre[1]), "[...] We raised the question that it was necessary"))
    assert.truthy(text_of(source, pre[1]):find("which is being sent separately%.$"))
    -- the first words of each point, as read in the file
    local first = {
      "1. Though reluctantly, the Americans agreed with the need",
      "2. During the conversation we resolutely demanded the removal",
      "3. There has been a detailed discussion of methods for control",
      "4. We raised the question of normalizing relations",
      "5. Stevenson and McCloy stated that the USA refuse[s] point-blank",
      "6. In the course of the conversation McCloy attempted to broach",
      "7. McCloy and Stevenson agreed that it would be good",
      "8. McCloy and Stevenson expressed satisfaction",
    }
    local points = of_kind(res, "point")
    assert.equal(#first, #points)
    for i, p in ipairs(points) do
      assert.equal(i, p.attrs.number)
      assert.equal(first[i], text_of(source, p):sub(1, #first[i]))
    end
    -- point 1 takes in its second paragraph; point 3 its paragraph broken mid-sentence
    assert.truthy(text_of(source, points[1]):find("The Americans underlined their readiness", 1, true))
    assert.truthy(text_of(source, points[1]):find("were currently closed%.$"))
    assert.truthy(text_of(source, points[3]):find("when they would be\n\nremoved, and of", 1, true))
    assert.truthy(text_of(source, points[3]):find("security of such illegal flights%.$"))
    -- point 8 stops before the sign-off
    assert.truthy(text_of(source, points[8]):find("I assumed it would be possible%.$"))
    assert.is_nil(text_of(source, points[8]):find("2.XI.62", 1, true))
  end)

  -- Every attribution of speech, read sentence by sentence: the turn's first
  -- words and its speakers.  "We"/"I" are Mikoyan; "the Americans" a group.
  local AM = "the Americans"
  local expected = {
    { "We raised the question that it was necessary", { MIKOYAN } },
    { "the Americans agreed with the need to fix", { AM } },
    { "The Americans underlined their readiness", { AM } },
    { "we mentioned that in the American press", { MIKOYAN } },
    { "Stevenson assured us that D. Rusk had not said it", { STEVENSON } },
    { "Stevenson and McCloy confirmed that the USA", { STEVENSON, MCCLOY } },
    { "Stevenson and McCloy affirmed that the encampments", { STEVENSON, MCCLOY } },
    { "we resolutely demanded the removal", { MIKOYAN } },
    { "we noted that the Soviet Union had complied", { MIKOYAN } },
    { "McCloy and Stevenson said that in their opinion", { MCCLOY, STEVENSON } },
    { "According to McCloy, at least a month", { MCCLOY } },
    { "McCloy and Stevenson declared in the course of discussion", { MCCLOY, STEVENSON } },
    { "McCloy said: the USA could limit [itself]", { MCCLOY } },
    { "If Castro is against a ground verification, continued McCloy", { MCCLOY } },
    { "We are glad, - said McCloy, - that today", { MCCLOY } },
    { "We raised the question of normalizing", { MIKOYAN } },
    { "We also asked what is their attitude", { MIKOYAN } },
    { "The Americans flatly rejected any inspection", { AM } },
    { "Stevenson said that the USA aspires", { STEVENSON } },
    { "I consider, said Stevenson, that after", { STEVENSON } },
    { "we put the question in this way:", { MIKOYAN } },
    { "Stevenson said that he was not able", { STEVENSON } },
    { "Stevenson made the observation that currently", { STEVENSON } },
    { "McCloy noted that \"Cuba is the breeding ground", { MCCLOY } },
    { "Stevenson and McCloy stated that the USA refuse[s]", { STEVENSON, MCCLOY } },
    { "McCloy attempted to broach the subject", { MCCLOY } },
    { "We have resolutely warded off this probing", { MIKOYAN } },
    { "McCloy made the observation that", { MCCLOY } },
    { "McCloy and Stevenson agreed that it would be good", { MCCLOY, STEVENSON } },
    { "McCloy and Stevenson expressed satisfaction", { MCCLOY, STEVENSON } },
    { "Stevenson underlined that the USSR and USA", { STEVENSON } },
    { "Both of them were inquiring whether", { MCCLOY, STEVENSON } },   -- the last two named
    { "I said in response that for the moment", { MIKOYAN } },
  }

  it("attributes reported speech to the speakers the text names", function()
    local turns, want = of_kind(res, "turn"), 0
    for _, e in ipairs(expected) do want = want + #e[2] end
    assert.equal(want, #turns)                  -- 33 attributions, 8 of them by two speakers
    local used = {}
    for _, e in ipairs(expected) do
      local got = {}
      for k, t in ipairs(turns) do
        if starts(text_of(source, t), e[1]) then got[#got + 1] = t.attrs.speaker; used[k] = true end
      end
      table.sort(got)
      local speakers = { table.unpack(e[2]) }
      table.sort(speakers)
      assert.same(speakers, got, e[1])
    end
    for k, t in ipairs(turns) do
      assert.is_true(used[k], text_of(source, t))
      assert.equal("reported", t.attrs.mode)
      assert.equal(t.attrs.speaker == MIKOYAN and "USSR" or "US", t.attrs.side)
    end
  end)

  it("gives a turn the span of its sentence, or of its clause when a sentence has two", function()
    local function turn_starting(prefix)
      for _, t in ipairs(of_kind(res, "turn")) do
        if starts(text_of(source, t), prefix) then return text_of(source, t), t end
      end
    end
    assert.equal("We are glad, - said McCloy, - that today our plane had not come under fire "
      .. "when it had been flying over Cuba. As far as we know the anti-aircraft missiles in Cuba are "
      .. "in the hands of your people, not the Cubans, although it's possible that there are some "
      .. "Cuban personnel.", turn_starting("We are glad"))   -- with the sentence that continues it
    assert.truthy(turn_starting("we mentioned that"):find("non%-aggression guarantee to Cuba$"))
    assert.equal("McCloy and Stevenson expressed satisfaction over the exchange of opinions",
      turn_starting("McCloy and Stevenson expressed"))
    local across = turn_starting("If Castro is against")      -- a sentence across the paragraph break
    assert.truthy(across:find("when they would be\n\nremoved", 1, true))
    assert.truthy(across:find("Soviet technological secrets. We do know roughly", 1, true))
    assert.truthy(across:find("In this case we could manage without ground verification%.$"))
    local _, joint = turn_starting("Stevenson and McCloy stated")
    assert.equal("Stevenson and McCloy", joint.attrs.label)
    -- names that are not speakers here
    for _, t in ipairs(of_kind(res, "turn")) do
      assert.is_not.equal("Dean Rusk", t.attrs.speaker)
      assert.is_not.equal("Fidel Castro", t.attrs.speaker)
      assert.is_false(starts(text_of(source, t), "We do know roughly"))
      assert.is_false(starts(text_of(source, t), "McCloy received a very firm response"))
    end
  end)

  -- Sentences that name no speaker, read one by one: whose reported speech
  -- each continues (the turn, by its first words, that takes it in), or
  -- that it is in no turn and why.  Read in the file, sentence by sentence.
  it("continues a turn over the sentences that name no speaker, within its point", function()
    local function owners(sentence)
      local out = {}
      for _, t in ipairs(of_kind(res, "turn")) do
        local s = text_of(source, t)
        if s:find(sentence, 1, true) then out[#out + 1] = t.attrs.speaker end
      end
      table.sort(out)
      return out
    end
    local continued = {
      -- point 1: the Americans' list of the documents, after "the Americans agreed"
      { "In their opinion, these documents must include:", { AM } },
      { "The statement by the Soviet government must be the first.", { AM } },
      { "The texts of these statements will be coordinated in advance.", { AM } },
      { "It is foreseen that a corresponding statement will be made", { AM } },
      { "All these statements must be presented to the Security Council.", { AM } },
      -- point 3: McCloy's own "we", after "…, continued McCloy, …" and "…, said McCloy, …"
      { "We do know roughly how many missiles", { MCCLOY } },
      { "In this case we could manage without ground verification.", { MCCLOY } },
      { "As far as we know the anti-aircraft missiles", { MCCLOY } },
      -- point 4: Stevenson's, after "Stevenson said that …"
      { "We could in some form elaborate mutual guarantees", { STEVENSON } },
      { "If Castro is afraid of them, they are afraid of him, too.", { STEVENSON } },
      { "But perhaps we can consider the possibility", { STEVENSON } },
      { "I hope that steadily we will succeed", { STEVENSON } },
    }
    for _, c in ipairs(continued) do assert.same(c[2], owners(c[1]), c[1]) end
    local nobody = {
      "The unwillingness of the Americans to sign a protocol",     -- names the turn's speaker: Mikoyan's comment
      "The Americans by all means were evading discussion",        -- a named subject that does not speak
      "Nevertheless, in the course of conversation they were obliged",
      "McCloy and Stevenson evaded a clear answer",
      "There has been a detailed discussion of methods",           -- a point opens with no one speaking
      "McCloy received a very firm response",
      "It was clear that in the immediate future",                 -- the author's conclusion
    }
    for _, s in ipairs(nobody) do assert.same({}, owners(s), s) end
    -- "Both of them" is one turn each, with its own label
    local both = {}
    for _, l in ipairs(of_kind(res, "label")) do
      if text_of(source, l) == "Both of them were inquiring whether" then both[#both + 1] = l.attrs.speaker end
    end
    table.sort(both)
    assert.same({ STEVENSON, MCCLOY }, both)
  end)

  it("finds the direct quotes and gives them the speakers of their turn", function()
    local body = source:sub((source:find("Translation - English", 1, true)))
    local _, marks = body:gsub('"', "")
    local spans, by_text = {}, {}
    for _, q in ipairs(of_kind(res, "quote")) do
      local s = text_of(source, q)
      spans[q.start] = s
      by_text[s] = by_text[s] or {}
      table.insert(by_text[s], q.attrs.speaker or "")
    end
    local n = 0
    for _ in pairs(spans) do n = n + 1 end
    assert.equal(marks // 2, n)                   -- 14 quotes, each between two marks
    assert.same({ MCCLOY }, by_text['"Cuba is the breeding ground of infection and Venezuela an example."'])
    assert.same({ AM }, by_text['"You will have to trust our word."'])
    assert.same({ MCCLOY }, by_text['"they are good machines against attacks from airspace."'])
    assert.same({ STEVENSON }, by_text['"are not so far from each other."'])
    assert.same({ MIKOYAN }, by_text['"Castro may ask me if the USA [is] going to re-establish diplomatic '
      .. 'and economic relations with Cuba? Maybe you intend to do so not immediately, but some time later?"'])
    assert.same({ "" }, by_text['"Bucharest,"'])  -- in a sentence that attributes nothing
    local offensive = by_text['"offensive"']
    table.sort(offensive)
    assert.same({ STEVENSON, MCCLOY }, offensive)
  end)

  it("tells supplied words from the editorial expansion, the omission and the source note", function()
    local supplied = {}
    for _, r in ipairs(of_kind(res, "supplied")) do supplied[#supplied + 1] = r.attrs.text end
    table.sort(supplied)
    assert.same({ "and", "from Cuba", "from Cuba", "has", "is", "is", "is", "itself", "s" }, supplied)
    local notes = of_kind(res, "editorial_note")
    assert.equal(2, #notes)
    assert.equal("[...]", text_of(source, notes[1]))
    assert.equal("Organization of American States", notes[2].attrs.text)
    assert.equal("OAS [Organization of American States]", source:sub(notes[2].start - 4, notes[2].stop))
    local src = of_kind(res, "source_note")
    assert.equal(1, #src)
    assert.equal("Source: AVPRF; trans. V. Zaemsky; copy on file at National Security Archive.", src[1].attrs.text)
    local _, brackets = source:gsub("%[", "")
    assert.equal(brackets, #supplied + #notes + #src)
  end)

  it("reads the sign-off: date and author", function()
    local s = of_kind(res, "signoff")
    assert.equal(1, #s)
    assert.equal("2.XI.62 A. MIKOYAN", text_of(source, s[1]))
    assert.equal("1962-11-02", s[1].attrs.date)
    assert.equal(MIKOYAN, s[1].attrs.author)
  end)

  it("reaches the index through the bundled corpus", function()
    local c = assert(parley.open())
    local tel = c:where{ type = "telegram" }
    assert.equal(8, #tel:regions("point"))
    assert.equal("English", c:doc("telegram-1962-11-02").meta.contents_language)
    assert.equal(1, c:where{ kind = "quote", speaker = MCCLOY }:count("infection"))
    assert.equal(0, c:where{ kind = "quote", speaker = STEVENSON }:count("infection"))
    -- "Guantanamo" stands once in the telegram, in point 5, by both Americans
    assert.equal(1, tel:where{ kind = "turn", speaker = MCCLOY }:count("guantanamo"))
    assert.equal(1, tel:where{ kind = "turn", speaker = STEVENSON }:count("guantanamo"))
    assert.equal(0, tel:where{ kind = "turn", speaker = MIKOYAN }:count("guantanamo"))
    assert.equal(1, tel:where{ kind = "point", number = "5" }:count("guantanamo"))
  end)
end)

describe("telegram grammar: tricky variants", function()
  local HEAD = "**March 3, 1963**\n\n**A test cable**\n\n**Contents:**\n\nTranslation - English\n\n"

  it("splits points sharing a paragraph and keeps a point across a blank line", function()
    local txt = HEAD .. "Opening words.\n\n1. First point. It goes on. 2. Second point\n\n"
      .. "continues here after a break. 3. Third point ends the paragraph.\n\n2.XI.62 A. MIKOYAN\n"
    local res = parse(txt)
    local points = of_kind(res, "point")
    assert.equal(3, #points)
    assert.equal("1. First point. It goes on.", text_of(txt, points[1]))
    assert.equal("2. Second point\n\ncontinues here after a break.", text_of(txt, points[2]))
    assert.equal("3. Third point ends the paragraph.", text_of(txt, points[3]))
    assert.equal("Opening words.", text_of(txt, of_kind(res, "preamble")[1]))
    local s = of_kind(res, "signoff")[1]
    assert.equal("1962-11-02", s.attrs.date)
    assert.equal("1963-03-03", res.meta.date)
    assert.equal("A test cable", res.meta.title)
  end)

  it("takes no date, stray number or number out of sequence for a point", function()
    local txt = HEAD .. "1. We waited until 5. Then nothing. 3. Is not next. 2. XI. 62 is a date. "
      .. "2. Is the second point.\n"
    local points = of_kind(parse(txt), "point")
    assert.equal(2, #points)
    assert.equal("1. We waited until 5. Then nothing. 3. Is not next. 2. XI. 62 is a date.", text_of(txt, points[1]))
    assert.equal("2. Is the second point.", text_of(txt, points[2]))
  end)

  it("reads curly quotes, an inverted attribution and the author from the sign-off", function()
    local txt = HEAD .. "1. “We agree,” said Stevenson. We noted that «this is new». "
      .. "Rusk and Kennedy's letter were mentioned.\n\n3.XI.62 A. MIKOYAN\n"
    local res = parse(txt, {})                    -- no author in the manifest
    local turns = of_kind(res, "turn")
    assert.equal(2, #turns)
    assert.equal("“We agree,” said Stevenson.", text_of(txt, turns[1]))
    assert.equal(STEVENSON, turns[1].attrs.speaker)
    assert.equal("We noted that «this is new».", text_of(txt, turns[2]))
    assert.equal(MIKOYAN, turns[2].attrs.speaker)
    local quotes = of_kind(res, "quote")
    assert.equal(2, #quotes)
    assert.equal(STEVENSON, quotes[1].attrs.speaker)
    assert.equal("«this is new»", text_of(txt, quotes[2]))
    assert.equal(MIKOYAN, quotes[2].attrs.speaker)
  end)

  it("gives a pronoun the last named, and ends a continuation at a point or a named subject", function()
    local txt = HEAD .. "They asked whether the plan was ready. 1. Stevenson said that time was short. "
      .. "He added that ships were at sea. The fleet is large. McCloy noted that it was late. "
      .. "Both of them asked for more. The talks went on. 2. The matter is closed. "
      .. "Castro was not present.\n\n3.XI.62 A. MIKOYAN\n"
    local res = parse(txt)
    local got = {}
    for _, t in ipairs(of_kind(res, "turn")) do got[#got + 1] = { text_of(txt, t), t.attrs.speaker } end
    table.sort(got, function(a, b) return a[1] < b[1] or a[1] == b[1] and a[2] < b[2] end)
    assert.same({
      { "Both of them asked for more. The talks went on.", STEVENSON },   -- "the last two named"
      { "Both of them asked for more. The talks went on.", MCCLOY },
      { "He added that ships were at sea. The fleet is large.", STEVENSON },
      { "McCloy noted that it was late.", MCCLOY },
      { "Stevenson said that time was short.", STEVENSON },
    }, got)
  end)

  it("copes with an empty text and a text without fields", function()
    local res = parse("")
    assert.same({}, res.regions)
    res = parse("Just one sentence, said nobody.\n")
    assert.equal(0, #of_kind(res, "turn"))
    assert.equal(0, #of_kind(res, "field"))
  end)
end)
