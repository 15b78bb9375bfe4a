-- The grammars mark each turn's label: the words that name the speaker and
-- introduce the turn, which the speaker did not say.  Expected labels are
-- read off the seed documents by hand (and the dinner record's counted with
-- grep), never taken from a grammar's output.
local h = require "spec.helpers"
local people = require "parley.people"
local loader = require "parley.loader"

local register = people.load{ dir = h.corpus }
local dinner = assert(loader.read(h.dinner))
local telegram = assert(loader.read(h.telegram))

local function parse(module, text, ctx)
  local g = require(module)
  return (g.grammar or g).parse(text, ctx)
end

local of_kind = h.of_kind

local function squeeze(s) return (s:gsub("%s+", " ")) end

-- Every turn has exactly one label per speaker, and every label belongs to
-- a turn of its speaker; returns the labels by turn start (lists per start).
local function check_pairing(res, text, inside)
  local turns, labels = of_kind(res, "turn"), of_kind(res, "label")
  local used = {}
  for _, t in ipairs(turns) do
    local mine = {}
    for i, l in ipairs(labels) do
      if l.attrs.speaker == t.attrs.speaker and t.start <= l.start and l.stop <= t.stop
          and (l.start == t.start or inside and inside[t.start]) then
        mine[#mine + 1] = i
      end
    end
    assert.equal(1, #mine, ("turn at %d (%s): %s"):format(t.start, t.attrs.speaker, text:sub(t.start, t.start + 40)))
    assert.is_nil(used[mine[1]])
    used[mine[1]] = true
  end
  assert.equal(#turns, #labels)
  local by_start = {}
  for _, l in ipairs(labels) do
    local key = l.start
    for _, t in ipairs(turns) do
      if t.attrs.speaker == l.attrs.speaker and t.start <= l.start and l.stop <= t.stop then key = t.start end
    end
    by_start[key] = by_start[key] or {}
    table.insert(by_start[key], squeeze(text:sub(l.start, l.stop)) .. " | " .. l.attrs.speaker)
  end
  for _, list in pairs(by_start) do table.sort(list) end
  return by_start
end

local function line_start(text, n)
  local at = 1
  for _ = 2, n do at = text:find("\n", at, true) + 1 end
  return text:find("%S", at)
end

describe("label regions", function()
  it("of the dinner record: every turn's label, counted as grep counts them", function()
    local res = parse("parley.grammar.transcript", dinner, { people = register })
    local by_start = check_pairing(res, dinner)
    -- grep -c '^ *A\. I\. Mikoyan:' etc. (see spec/13): 30 + 22 + 18 + 3 direct labels, two with a
    -- stage direction, and the seven reported frames of lines 11, 17, 19, 24, 26, 30, 35
    local want = {
      ["A. I. Mikoyan: | A. I. Mikoyan"] = 30, ["Stevenson: | Adlai Stevenson"] = 22,
      ["McCloy: | John McCloy"] = 18, ["V. V. Kuznetsov: | V. V. Kuznetsov"] = 3,
      ["McCloy (in a jocular tone): | John McCloy"] = 1,
      ["A. I. Mikoyan (in a jocular tone): | A. I. Mikoyan"] = 1,
      ["A. I. Mikoyan says that | A. I. Mikoyan"] = 1, ["A. I. Mikoyan objects that | A. I. Mikoyan"] = 1,
      ["A. I. Mikoyan reiterates that | A. I. Mikoyan"] = 1, ["McCloy remarks that | John McCloy"] = 2,
      ["Stevenson says that | Adlai Stevenson"] = 2,
    }
    local got = {}
    for _, list in pairs(by_start) do for _, l in ipairs(list) do got[l] = (got[l] or 0) + 1 end end
    assert.same(want, got)
    -- some turns, by line: the label is exactly these bytes
    for line, label in pairs {
      [11] = "A. I. Mikoyan says that", [17] = "McCloy remarks that", [24] = "A. I. Mikoyan objects that",
      [38] = "Stevenson:", [47] = "A. I. Mikoyan:",             -- line 47 opens a page: " A. I. Mikoyan:"
      [49] = "McCloy (in a jocular tone):", [80] = "A. I. Mikoyan (in a jocular tone):",
    } do
      local at = line_start(dinner, line)
      assert.is_table(by_start[at], "line " .. line)
      assert.equal(label, by_start[at][1]:match("^(.-) | "), "line " .. line)
    end
  end)

  it("of the telegram: the reporting frame, one per speaker of a joint turn", function()
    local res = parse("parley.grammar.telegram", telegram, { people = register, doc = { author = "A. I. Mikoyan" } })
    -- the inverted attributions stand inside their turns
    local inverted = {}
    for _, s in ipairs { "If Castro is against a ground verification", "We are glad, - said McCloy",
                         "I consider, said Stevenson" } do
      inverted[assert(telegram:find(s, 1, true), s)] = true
    end
    local by_start = check_pairing(res, telegram, inverted)
    -- by reading, each turn's opening words up to the conjunction (or colon, or comma)
    local want = {
      { "We raised the question that it was necessary", "We raised the question that | A. I. Mikoyan" },
      { "the Americans agreed with the need", "the Americans agreed | the Americans" },
      { "The Americans underlined their readiness", "The Americans underlined | the Americans" },
      { "we mentioned that in the American press", "we mentioned that | A. I. Mikoyan" },
      { "Stevenson assured us that D. Rusk", "Stevenson assured us that | Adlai Stevenson" },
      { "Stevenson and McCloy confirmed that", "Stevenson and McCloy confirmed that | Adlai Stevenson",
        "Stevenson and McCloy confirmed that | John McCloy" },
      { "Stevenson and McCloy affirmed that", "Stevenson and McCloy affirmed that | Adlai Stevenson",
        "Stevenson and McCloy affirmed that | John McCloy" },
      { "we resolutely demanded the removal", "we resolutely demanded | A. I. Mikoyan" },
      { "we noted that the Soviet Union", "we noted that | A. I. Mikoyan" },
      { "McCloy and Stevenson said that in their opinion", "McCloy and Stevenson said that | Adlai Stevenson",
        "McCloy and Stevenson said that | John McCloy" },
      { "According to McCloy, at least", "According to McCloy, | John McCloy" },
      { "McCloy and Stevenson declared in the course", "McCloy and Stevenson declared | Adlai Stevenson",
        "McCloy and Stevenson declared | John McCloy" },
      { "McCloy said: the USA could limit", "McCloy said: | John McCloy" },
      { "If Castro is against a ground verification", "continued McCloy | John McCloy" },
      { "We are glad, - said McCloy", "said McCloy | John McCloy" },
      { "We raised the question of normalizing", "We raised the question | A. I. Mikoyan" },
      { "We also asked what", "We also asked | A. I. Mikoyan" },
      { "The Americans flatly rejected", "The Americans flatly rejected | the Americans" },
      { "Stevenson said that the USA aspires", "Stevenson said that | Adlai Stevenson" },
      { "I consider, said Stevenson", "said Stevenson | Adlai Stevenson" },
      { "we put the question in this way", "we put the question | A. I. Mikoyan" },
      { "Stevenson said that he was not able", "Stevenson said that | Adlai Stevenson" },
      { "Stevenson made the observation that", "Stevenson made the observation that | Adlai Stevenson" },
      { "McCloy noted that \"Cuba", "McCloy noted that | John McCloy" },
      { "Stevenson and McCloy stated that", "Stevenson and McCloy stated that | Adlai Stevenson",
        "Stevenson and McCloy stated that | John McCloy" },
      { "McCloy attempted to broach", "McCloy attempted to broach | John McCloy" },
      { "We have resolutely warded off this probing, declaring that",
        "We have resolutely warded off this probing, declaring that | A. I. Mikoyan" },
      { "McCloy made the observation that", "McCloy made the observation that | John McCloy" },
      { "McCloy and Stevenson agreed that", "McCloy and Stevenson agreed that | Adlai Stevenson",
        "McCloy and Stevenson agreed that | John McCloy" },
      { "McCloy and Stevenson expressed satisfaction", "McCloy and Stevenson expressed | Adlai Stevenson",
        "McCloy and Stevenson expressed | John McCloy" },
      { "Stevenson underlined that the USSR", "Stevenson underlined that | Adlai Stevenson" },
      { "Both of them were inquiring whether", "Both of them were inquiring whether | Adlai Stevenson",
        "Both of them were inquiring whether | John McCloy" },                -- the last two named
      { "I said in response that", "I said | A. I. Mikoyan" },
    }
    local n = 0
    for _, w in ipairs(want) do
      local at = assert(telegram:find(w[1], 1, true), w[1])
      assert.same({ table.unpack(w, 2) }, by_start[at], w[1])
      n = n + #w - 1
    end
    assert.equal(41, n)
    assert.equal(n, #of_kind(res, "label"))
  end)

  it("of the labelled grammar: Q. and A., THE COURT:, and a memorandum's reported frames", function()
    local dir = h.root .. "/spec/fixtures/testimony"
    local reg = people.load{ dir = dir }
    local function run(file, doc)
      local g = assert(loadfile(dir .. "/grammars/" .. file))()
      local text = assert(loader.read(dir .. "/" .. doc))
      return check_pairing(g.parse(text, { people = reg }), text)
    end
    local got = {}
    for _, list in pairs(run("testimony.lua", "1963-03-04-doyle-testimony.txt")) do
      for _, l in ipairs(list) do got[l] = (got[l] or 0) + 1 end
    end
    -- the turns of spec/16: Robert Hale's Q. ×4 and MR. HALE: ×1, Anne Wells's Q. ×2, A. ×7,
    -- THE COURT: ×2
    assert.same({ ["Q. | Robert Hale"] = 4, ["Q. | Anne Wells"] = 2, ["A. | Mary Doyle"] = 7,
                  ["THE COURT: | Judge Thomas Reid"] = 2, ["MR. HALE: | Robert Hale"] = 1 }, got)
    local frames = {}
    for _, list in pairs(run("memcon.lua", "1962-10-30-memcon.txt")) do
      for _, l in ipairs(list) do frames[#frames + 1] = l end
    end
    table.sort(frames)
    assert.same({ "Ambassador Petrov replied that | Ivan Petrov", "The Ambassador again stated that | Ivan Petrov",
                  "The Secretary noted that | James Harlan", "The Secretary said that | James Harlan" }, frames)
  end)

  it("are in the index, a kind of every grammar that marks turns", function()
    local c = h.open(h.corpus)
    assert.equal(82 + 41, #c:regions("label"))
    assert.equal(#c:regions("turn"), #c:regions("label"))
    -- McCloy: 18 + 1 + 2 labels in the dinner record, 15 in the telegram (the list above)
    assert.equal(36, #c:regions("label", { speaker = "John McCloy" }))
    assert.equal(36, #c:regions("turn", { speaker = "John McCloy" }))
    for _, name in ipairs { "transcript", "telegram", "labelled" } do
      assert.same({ "speaker" }, require("parley.grammar").get(name).kinds.label, name)
    end
  end)
end)
