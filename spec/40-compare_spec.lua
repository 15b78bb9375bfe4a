-- Comparing two accounts: the bundled telegram (the report) against the
-- dinner record.  The facts come from reading both documents:
-- spec/fixtures/compare/gold.lua (written before any tuning) gives each
-- claim's supporting record lines and speaker; the pinned claims below are
-- checked one by one against the record's text.
local h = require "spec.helpers"
local cjson = require "cjson"
local compare = require "parley.compare"

local REPORT, RECORD = "telegram-1962-11-02", "dinner-1962-11-01"

local function claim_with(claims, fragment)
  for _, c in ipairs(claims) do if c.text:find(fragment, 1, true) then return c end end
  error("no claim holds: " .. fragment)
end

describe("compare: the telegram against the dinner record", function()
  local c = h.open()
  local claims, info = compare.compare(c, REPORT, RECORD)
  local record_lines = {}
  for line in io.lines(h.dinner) do record_lines[#record_lines + 1] = line end

  it("splits the telegram into its sentences and reported-speech clauses, each once", function()
    local gold = dofile("spec/fixtures/compare/gold.lua")
    assert.equal(#gold, #claims)
    for i, g in ipairs(gold) do assert.truthy(claims[i].text:find(g[1], 1, true), g[1]) end
  end)

  it("finds the record's sentence for claims it paraphrases, with its speaker and line", function()
    -- record line 448: "If Castro is afraid of them, they, too, are afraid of him." (Stevenson)
    local x = claim_with(claims, "If Castro is afraid of them")
    assert.equal("Adlai Stevenson", x.attributed_to)
    assert.equal(448, x.support[1].line)
    assert.truthy(record_lines[448]:find("If Castro is afraid of them", 1, true))
    assert.equal("Adlai Stevenson", x.support[1].speaker)
    assert.equal("close paraphrase", x.label)
    -- line 355: McCloy, "The United States might continue overflights by its planes"
    x = claim_with(claims, "the USA could limit [itself]")
    assert.equal(355, x.support[1].line)
    assert.equal("John McCloy", x.support[1].speaker)
    -- line 446: Stevenson, normalising "on condition of Castro's cooperation"
    x = claim_with(claims, "the USA aspires to normalize")
    assert.equal(446, x.support[1].line)
    assert.is_true(x.supported)
    -- lines 295-296: "Rusk said nothing to disavow the guarantees … The press gave a wrong interpretation"
    x = claim_with(claims, "Stevenson assured us that D. Rusk")
    assert.truthy(x.support[1].line == 295 or x.support[1].line == 296)
  end)

  it("matches numbers written as words: '10-15 days' and 'ten to fifteen days', 'a month'", function()
    local x = claim_with(claims, "at least a month would be needed")
    assert.equal(398, x.support[1].line)   -- "not ten or fifteen days, but probably a month"
    assert.equal("John McCloy", x.support[1].speaker)
  end)

  it("says what the record does not hold", function()
    -- the telegram's own asides and the Soviet reply on air-defence sales are not in the record
    for _, f in ipairs { "To save space in this cable", "they were obliged to answer our questions" } do
      local x = claim_with(claims, f)
      assert.is_false(x.supported, f)
      assert.equal("not found", x.label)
    end
    -- nowhere in the record: "United Arab Republic", "Indonesia", "breeding"
    local text = h.read(h.dinner)
    assert.is_nil(text:find("Indonesia", 1, true))
    assert.is_nil(text:find("breeding", 1, true))
  end)

  it("aligns a quotation with its passage word by word", function()
    local x = claim_with(claims, "Cuba is the breeding ground of infection")
    assert.equal(464, x.support[1].line)   -- "Cuba is the source of infection, and the recent events in Venezuela"
    assert.truthy(x.quote)
    assert.matches("%[%-breeding%-%]", x.quote.alignment)
    assert.matches("{%+source%+}", x.quote.alignment)
    assert.is_true(x.quote.agree >= 6 and x.quote.agree < x.quote.total)
    assert.are_not.equal("verbatim quote", x.label)
  end)

  it("agrees with the gold file on most claims (support decided, best passage, speaker)", function()
    local gold = dofile("spec/fixtures/compare/gold.lua")
    local tp, fp, fn, top3, sup = 0, 0, 0, 0, 0
    for i, g in ipairs(gold) do
      local x, gs = claims[i], #g[2] > 0
      if gs and x.supported then tp = tp + 1 elseif gs then fn = fn + 1 elseif x.supported then fp = fp + 1 end
      if gs and x.supported then
        sup = sup + 1
        for _, s in ipairs(x.support) do
          local hit = false
          for _, l in ipairs(g[2]) do hit = hit or (l >= s.line and l <= s.last_line) end
          if hit then top3 = top3 + 1; break end
        end
      end
    end
    -- measured: precision 0.91, recall 0.84, a gold passage among those listed for 37 of 41
    assert.is_true(tp / (tp + fp) >= 0.85, "precision " .. tp / (tp + fp))
    assert.is_true(tp / (tp + fn) >= 0.75, "recall " .. tp / (tp + fn))
    assert.is_true(top3 / sup >= 0.85, "top3 " .. top3 / sup)
  end)

  it("agrees with the gold file on who said it and on most labels", function()
    local gold = dofile("spec/fixtures/compare/gold.lua")
    local speaker, both, label, labelled = 0, 0, 0, 0
    for i, g in ipairs(gold) do
      local x = claims[i]
      if g[3] and x.supported then
        both = both + 1
        if x.support[1].speaker:find(g[3], 1, true) then speaker = speaker + 1 end
      end
      if g[4] then
        labelled = labelled + 1
        if x.label == g[4] then label = label + 1 end
      end
    end
    -- measured: the best support's speaker is the gold one for 37 of 41, the label for 24 of 33
    assert.is_true(speaker / both >= 0.85, ("speaker %d of %d"):format(speaker, both))
    assert.is_true(label / labelled >= 0.65, ("labels %d of %d"):format(label, labelled))
  end)

  it("keeps a sentence a page break cut in two as one claim", function()
    -- the telegram's lines 34-36: "… when they would be\n\nremoved, and of the corresponding information …"
    local x = claim_with(claims, "If Castro is against a ground verification")
    assert.truthy(x.text:find("when they would be removed, and of the corresponding information", 1, true), x.text)
  end)

  it("covers the record by speaker, and lists the turns no claim uses", function()
    local words = 0
    for _, s in ipairs(info.speakers) do words = words + s.words; assert.is_true(s.covered_words <= s.words) end
    local turns = 0
    for _, t in ipairs(info.turns) do turns = turns + 1 end
    assert.equal(#c:where{ id = RECORD }:regions("turn"), turns)
    assert.is_true(#info.omitted > 0 and #info.omitted < turns)
  end)

  it("refuses a document that is not there, naming the ones there are", function()
    local ok, err = pcall(compare.compare, c, "nosuch", RECORD)
    assert.is_false(ok)
    local msg = require("parley.error").message(err)
    assert.truthy(msg:find("no document 'nosuch' for the report", 1, true), msg)
    assert.truthy(msg:find(REPORT, 1, true), msg)
  end)
end)

describe("parley compare", function()
  it("prints JSON claims with their support, best first", function()
    local out, err, code = h.run { "compare", "--format", "json" }
    assert.equal(0, code, err)
    local rows = cjson.decode(out)
    assert.is_true(#rows > 40)
    local found = false
    for _, r in ipairs(rows) do
      assert.is_boolean(r.supported)
      assert.equal(r.label ~= "not found", r.supported)
      -- the best first (a passage of a speaker the claim names may come before one scoring
      -- up to a quarter higher), the others by score
      for k = 3, #r.support do assert.is_true(r.support[k - 1].score >= r.support[k].score) end
      for k = 2, #r.support do assert.is_true(r.support[1].score >= compare.NEARLY * r.support[k].score) end
      if r.text:find("If Castro is afraid of them", 1, true) then
        found = true
        assert.equal(448, r.support[1].line)
        assert.equal("dinner-1962-11-01", r.support[1].doc)
        assert.equal("Adlai Stevenson", r.support[1].speaker)
      end
    end
    assert.is_true(found)
  end)

  it("gives the same bytes every run (Lua's table order differs between runs)", function()
    local a = h.run { "compare", "--format", "json" }
    local b = h.run { "compare", "--format", "json" }
    local d = h.run { "compare", "--format", "json" }
    assert.equal(a, b)
    assert.equal(a, d)
  end)

  it("asks for both ids or neither", function()
    local _, err, code = h.run { "compare", "dinner-1962-11-01" }
    assert.equal(1, code)
    assert.truthy(err:find("give both the report's and the record's document ids", 1, true), err)
  end)

  it("says so when an id is wrong, with exit 1", function()
    local _, err, code = h.run { "compare", "nosuch", "dinner-1962-11-01" }
    assert.equal(1, code)
    assert.matches("no document 'nosuch'", err)
  end)

  it("rejects a --min-score outside 0..1", function()
    local _, err, code = h.run { "compare", "--min-score", "3" }
    assert.are_not.equal(0, code)
    assert.matches("min%-score", err)
  end)
end)

describe("compare on a FRUS pair (spec/fixtures/compare/frus)", function()
  -- The record: Rusk's conversation with Dobrynin, 30 August 1968 (d165). The report: the
  -- telegram of 31 August to Bucharest (d166) in which Leddy tells the Romanian ambassador
  -- "partial substance" of it, points (a)-(d); the rest of the telegram is Leddy's own
  -- conversation with Bogdan, which the record does not hold.
  local c = h.open(h.root .. "/spec/fixtures/compare/frus")
  local claims = c:compare("frus1964-68v17/d166", "frus1964-68v17/d165")
  local xml = h.root .. "/spec/fixtures/compare/frus/frus1964-68v17-d165-d166.xml"
  local lines = {}
  for l in io.lines(xml) do lines[#lines + 1] = l end

  it("finds the Secretary's and Dobrynin's words that the telegram passes on, at their lines in the XML", function()
    local b = claim_with(claims, "Dobrynin replied he had no information")
    assert.is_true(b.supported)
    assert.equal("Soviet Ambassador Anatoliy F. Dobrynin", b.support[1].speaker)
    assert.truthy(lines[b.support[1].line]:find("he had no official information", 1, true)
      or lines[b.support[1].line]:find("Dobrynin", 1, true))
    assert.are_not.equal("attribution shift", b.label)   -- the claim names him
    local a = claim_with(claims, "various reports received during past 24 hours")
    assert.is_true(a.supported)
    assert.equal("The Secretary", a.support[1].speaker)
    local cc = claim_with(claims, "in name of humanity")
    assert.is_true(cc.supported)
    assert.equal("The Secretary", cc.support[1].speaker)
    -- the claim's line is the telegram's line in the XML file
    assert.truthy(lines[cc.line]:find("(c)", 1, true) or lines[cc.line]:find("Secretary said if Soviets", 1, true)
      or lines[cc.line]:find("Main points", 1, true))
  end)

  it("does not find Leddy's own conversation with Bogdan in the record", function()
    for _, f in ipairs { "In uninstructed call", "Bogdan appreciated info", "last-minute inclusion" } do
      assert.is_false(claim_with(claims, f).supported, f)
    end
  end)

  it("leaves the telegram's heading, number and source note out of the claims", function()
    for _, x in ipairs(claims) do
      assert.is_nil(x.text:find("^166%. Telegram"))
      assert.is_nil(x.text:find("Central Files", 1, true))
      assert.is_nil(x.text:find("^231372"))
    end
  end)
end)

describe("compare of sub-corpora and the HTML view", function()
  it("takes sub-corpora for either side, with the same claims as their documents give", function()
    local c = h.open()
    local by_id = c:compare(REPORT, RECORD)
    local by_sub = c:compare(c:where{ type = "telegram" }, c:where{ type = "transcript" })
    assert.equal(#by_id, #by_sub)
    for i = 1, #by_id do
      assert.equal(by_id[i].text, by_sub[i].text)
      assert.equal(by_id[i].label, by_sub[i].label)
    end
    assert.has_error(function() c:compare(REPORT, REPORT) end)
  end)

  it("writes one self-contained page: every claim, the record's sentences, a strip, nothing fetched", function()
    local out, err, code = h.run { "compare", "--format", "html" }
    assert.equal(0, code, err)
    local claims = compare.compare(h.open(), REPORT, RECORD)
    local n = select(2, out:gsub('<div class="claim" id="c%d+"', ""))
    assert.equal(#claims, n)
    assert.truthy(out:find("<svg", 1, true))
    assert.truthy(out:find("<title>The record&#39;s 82 turns in order", 1, true))
    -- nothing fetched: the only URL is the SVG namespace, which names, not loads
    assert.is_nil((out:gsub('xmlns="http://www.w3.org/2000/svg"', "")):find("https?://"))
    assert.is_nil(out:find("<script", 1, true))
    -- the record's line 448, as a sentence the claims use
    assert.truthy(out:find("If Castro is afraid of them, they, too, are afraid of him.", 1, true))
  end)

  it("escapes what the documents hold", function()
    local dir = h.tmpdir()
    h.write(dir .. "/corpus.lua", [[return { name = "hostile", documents = {
      { id = "record", path = "record.txt", type = "transcript", grammar = "labelled" },
      { id = "report", path = "report.txt", type = "telegram" } } }]])
    h.write(dir .. "/record.txt", "ALICE: The <script>alert(1)</script> quarantine holds & the ships turn back today.\n\n"
      .. "BOB: We shall inspect every ship in the harbour tomorrow.\n")
    h.write(dir .. "/report.txt", "Alice said that the quarantine holds & the ships turn back today.\n")
    local out, err, code = h.run { "compare", "report", "record", "--corpus", dir, "--format", "html" }
    assert.equal(0, code, err)
    assert.is_nil(out:find("<script>", 1, true))
    assert.truthy(out:find("&lt;script&gt;", 1, true))
    assert.truthy(out:find("&amp;", 1, true))
  end)
end)

describe("compare: durations, omissions, unmentioned topics", function()
  local c = h.open()
  local claims, info = c:compare(REPORT, RECORD)

  it("reads durations as days, words or digits, ranges and 'at least'", function()
    local text = require "parley.text"
    local function words(s)   -- word records as compare makes them, terms for the numbers only
      local out = {}
      for w in s:gmatch("%S+") do
        local f = text.fold(w)
        local n = compare.NUMBER_WORDS[f]
        out[#out + 1] = { word = w, folded = f,
          terms = f:find("^%d+$") and { "#" .. f } or f:find("^%d+%-%d+$") and { "#" .. f:match("^(%d+)"), "#" .. f:match("(%d+)$") }
            or n and { "#" .. n } or nil }
      end
      return out
    end
    local d = compare.durations(words("some 10-15 days will be needed"))
    assert.same({ 10, 15 }, { d[1].low, d[1].high })
    d = compare.durations(words("not ten or fifteen days but probably a month"))
    assert.equal(2, #d)
    assert.same({ 10, 15, "ten or fifteen days" }, { d[1].low, d[1].high, d[1].text })
    assert.same({ 30, 30 }, { d[2].low, d[2].high })
    d = compare.durations(words("at least a month would be needed"))
    assert.same({ 30, nil }, { d[1].low, d[1].high })
    d = compare.durations(words("two to three weeks"))
    assert.same({ 14, 21 }, { d[1].low, d[1].high })
    -- the telegram's "at least a month" against the record's "probably a month" (line 398)
    local x = claim_with(claims, "at least a month would be needed")
    assert.same({ "a month" }, x.durations.claim)
    assert.truthy(x.durations.record[2] == "a month")
    assert.is_nil(table.concat(x.flags, ","):find("durations differ", 1, true))
  end)

  it("lists the record's turns that no claim uses, and those it uses are not among them", function()
    assert.is_true(#info.omitted > 10)
    local used = {}   -- the turns that hold a supported claim's best support
    for _, x in ipairs(claims) do
      if x.supported then used[x.support[1].line] = true end
    end
    for _, t in ipairs(info.omitted) do
      assert.is_false(t.covered)
      assert.is_nil(used[t.line], "line " .. t.line)
    end
  end)

  it("names the Red Cross, ten times in the record and never in the telegram, as unmentioned", function()
    local record, report = h.read(h.dinner):lower(), h.read(h.telegram):lower()
    assert.is_nil(report:find("red cross", 1, true))
    assert.is_true(select(2, record:gsub("red cross", "")) >= 10)
    local words = {}
    for _, u in ipairs(info.unmentioned) do words[u.word] = u end
    assert.truthy(words.red and words.cross)
    assert.is_true(words.cross.mentions >= 10)
    -- and nothing the telegram does say ("quarantine", "Guantanamo", "missiles")
    for _, w in ipairs { "quarantine", "guantanamo", "missiles", "missile" } do assert.is_nil(words[w], w) end
  end)

  it("prints them as tables too", function()
    local out, err, code = h.run { "compare", "--table", "unmentioned", "--format", "tsv" }
    assert.equal(0, code, err)
    assert.truthy(out:find("\ncross\t", 1, true))
    out, err, code = h.run { "compare", "--table", "omitted", "--format", "csv" }
    assert.equal(0, code, err)
    assert.equal(#info.omitted + 1, #h.csv(out))   -- a header and a row per omitted turn
  end)
end)
