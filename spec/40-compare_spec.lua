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
    -- measured: precision 0.88, recall 0.79, a gold passage among those listed for 33 of 37
    assert.is_true(tp / (tp + fp) >= 0.8, "precision " .. tp / (tp + fp))
    assert.is_true(tp / (tp + fn) >= 0.7, "recall " .. tp / (tp + fn))
    assert.is_true(top3 / sup >= 0.85, "top3 " .. top3 / sup)
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
      for k = 2, #r.support do assert.is_true(r.support[k - 1].score >= r.support[k].score) end
      if r.text:find("If Castro is afraid of them", 1, true) then
        found = true
        assert.equal(448, r.support[1].line)
        assert.equal("dinner-1962-11-01", r.support[1].doc)
        assert.equal("Adlai Stevenson", r.support[1].speaker)
      end
    end
    assert.is_true(found)
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
