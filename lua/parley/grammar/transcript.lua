-- Grammar "transcript": a record of a conversation as published in translation
-- (text extracted from a PDF: hard-wrapped lines ending in a space, a single
-- space at the top of a page, turns that begin without a blank line).
--
-- Regions:
--   header          the title lines and the date line that open the record
--   turn            a speaker's turn, with its continuation paragraphs:
--                     direct   "McCloy (in a jocular tone): …"  (label, direction)
--                     reported "A. I. Mikoyan says that …"      (a verb of saying + that)
--                   speaker = the register's canonical name, side = its side
--   label           the words at the start of a turn that the speaker did not say:
--                   "McCloy (in a jocular tone):", "A. I. Mikoyan says that"     speaker
--   narration       the note taker's own voice: a passage that is not a turn, or
--                   a line that opens after a sentence end and speaks of "the
--                   conversation"/"the discussion" without I/we/you
--   footer          "The conversation lasted … The note takers were …" and the source note
--   editorial_note  "[in the United Nations —ed.]"                       text
--   transliteration "containment [sderzhivaiyuchego]"                     text, gloss
--   supplied        words the translator supplied: "[from Cuba]", "think[s]"   text
--   scare_quote     a short quoted term: “quarantine”                    text
-- A bracket is a transliteration when its text is one lower-case Latin word,
-- it stands after a word with a space before "[", and it is not an English word
-- (not in the word list M.rules.dictionary; without that file: it looks Russian,
-- M.rules.russian).  Every other bracket not ending in "—ed." is supplied.
-- Meta: title, date, participants (register names in the title), duration_minutes,
-- present = { SIDE = { names } }, note_takers, source.
local lpeg = require "lpeg"
local grammar = require "parley.grammar"
local lib = require "parley.grammar.lib"

local P, S, V, Cc, Cp, Ct, Cg, B = lpeg.P, lpeg.S, lpeg.V, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cg, lpeg.B
local sp, nl, content, phrases, squeeze = lib.sp, lib.nl, lib.content, lib.phrases, lib.squeeze

local M = {}

-- The rules as data: edit these lists, not the grammar.
M.rules = {
  verbs = { "says", "said", "remarks", "remarked", "objects", "objected", "reiterates", "notes",
    "noted", "replies", "replied", "answers", "adds", "added", "states", "stated", "declares",
    "declared", "stresses", "emphasizes", "emphasises", "observes", "points out", "repeats",
    "insists", "agrees", "suggests", "asks", "recalls", "explains", "responds", "confirms",
    "underlines", "announces", "proposes", "argues", "believes" },
  adverbs = { "again", "also", "then", "once again", "further" },
  conjunctions = { "that", "whether" },
  narration = {
    topics = { "the conversation", "the discussion", "the talks", "the meeting" },
    persons = { "I", "we", "you", "me", "us", "my", "our", "your" },
  },
  footer = { "The conversation lasted", "The conversation took", "The meeting lasted",
    "The talk lasted", "Those present were", "Present were", "Also present were",
    "The note takers were", "The note taker was", "Notes were taken by", "[Source:" },
  present = { ["Those present were"] = false, ["Present were"] = false,
    ["Also present were"] = false, ["From the American side,"] = "US",
    ["From the Soviet side,"] = "USSR" },
  note_takers = { "The note takers were", "The note taker was", "Notes were taken by" },
  source = "^Source:%s*(.-)%s*$",
  particles = { up = true, down = true, off = true, out = true, over = true, away = true,
    back = true, on = true, ["in"] = true },
  scare_words = 3,                                       -- a scare quote has at most 3 words
  dictionary = grammar.builtin.transcript.data_files[1],  -- Debian's wamerican
  russian = { clusters = { "zh", "kh", "shch", "iy", "iu", "ia", "iie", "ye", "yu", "ya" },
    endings = { "vo", "ie", "iie", "ogo", "ego", "ykh", "ikh", "ano", "ena", "stve", "nie",
      "aya", "oye", "iye", "ovat" } },
}
local rules = M.rules

local function each_case(list)
  local out = {}
  for _, w in ipairs(list) do
    out[#out + 1] = w
    out[#out + 1] = w:sub(1, 1):upper() .. w:sub(2)
  end
  return out
end

local lineend = sp^0 * (nl + -1)
local sentence_end = B(S".?!") + B(S".?!" * S"\")") + B(S".?!" * P"”")
local person = phrases(rules.narration.persons, { nocase = true }) * -P"."  -- not "A. I. Mikoyan"
local topic = phrases(each_case(rules.narration.topics))
local saying = (phrases(rules.adverbs) * sp^1)^-1 * phrases(rules.verbs) * sp^1 * phrases(rules.conjunctions)
local nonword = 1 - nl - lib.wordchar
local frame = sp^1 * saying * Cp()       -- after the name of a reported turn: up to after "that"

-- Regions are tables with kind, start and stop (a position after the last
-- non-space byte) and what the rule found; parse turns them into regions.
local function region(kind, body) return Ct(Cg(Cc(kind), "kind") * Cg(Cp(), "start") * body * Cg(Cp(), "stop")) end

-- The rules of a record.  A record is matched a block at a time (Start once,
-- then One for each turn, narration or footer), so that a Ctrl-C, which
-- reaches Lua between two matches and never inside one, stops a long
-- document within one block.
local rules_of = {
  Start      = Ct(V"Gap" * V"Header"^-1 * V"Gap") * Cp(),
  One        = V"Block" * V"Gap" * Cp(),
  Block      = V"Footer"
             + V"Turn"
             + V"Narration",
  Gap        = (sp^0 * nl)^0 * sp^0,                     -- blank lines and the next line's indent
  Sep        = sp^0 * nl * (sp^0 * nl)^0 * sp^0,         -- a line end, maybe blank lines, an indent
  -- title lines (at most 4), then a line that is only a date
  Header     = Ct(Cg(Cc"header", "kind") * Cg(Cp(), "start")
                  * Cg(Ct((V"TitleLine" * V"TitleLine"^-3)^-1), "title") * Cg(lib.date, "date") * #lineend),
  TitleLine  = -(lib.date * lineend) * region("line", content) * V"Gap",
  -- a turn: its opening line, then every line up to the next turn, narration or footer
  Turn       = region("turn", V"Opening" * V"More"^0),
  Opening    = V"Direct" * (sp^0 * content)^-1
             + V"Reported" * sp^1 * content,
  Head       = V"Direct"
             + V"Reported",
  Direct     = Cg(Cc"direct", "mode") * V"Label" * (sp^1 * Cg(lib.direction, "direction"))^-1 * sp^0 * ":"
               * Cg(Cp(), "label_end"),
  Reported   = Cg(Cc"reported", "mode") * V"Label" * #(sp^1 * saying),
  Label      = Cg(lib.dynamic("speaker"), "speaker"),
  More       = -V"NarrBreak" * V"Sep" * -V"Head" * -V"FooterHead" * content,
  -- narration: what no one says; a line after a sentence end or a blank line that
  -- speaks of the conversation without I, we or you starts a new passage
  Narration  = region("narration", -V"FooterHead" * content * V"More"^0),
  NarrBreak  = (sentence_end * V"Sep" + sp^0 * nl * (sp^0 * nl)^1 * sp^0) * V"NarrHead",
  NarrHead   = #lib.upper * #((1 - nl - topic)^0 * topic) * #V"Impersonal",
  Impersonal = (nonword^0 * -person * lib.wordchar^1)^0 * nonword^0 * (nl + -1),
  Footer     = region("footer", V"FooterHead" * content * (V"Sep" * content)^0),
  FooterHead = phrases(rules.footer),
}
local function grammar_from(first)
  local g = { first }
  for k, v in pairs(rules_of) do g[k] = v end
  return P(g)
end
local Start, One = grammar_from("Start"), grammar_from("One")

-- The blocks of text from its start, as Document = Start One* would
-- capture them: the list of captures and the position after the last.
local function blocks(text, state)
  local caps, at = Start:match(text, 1, state)
  local n = #caps
  while at <= #text do
    local block, nxt = One:match(text, at, state)
    if not block then break end
    n = n + 1
    caps[n], at = block, nxt
  end
  return caps, at
end

-- ------------------------------------------------------------ the apparatus

local dicts, known = {}, {}        -- path -> "\nword\n…" or false; path -> word -> boolean
local function english(word)
  local path = rules.dictionary
  if dicts[path] == nil then
    local words = grammar.data(path)                    -- a declared data file (data_files)
    dicts[path] = words and "\n" .. words .. "\n" or false
  end
  local dict = dicts[path]
  if not dict then return nil end                       -- no word list: unknown
  local seen = known[path] or {}
  known[path] = seen
  if seen[word] == nil then seen[word] = dict:find("\n" .. word .. "\n", 1, true) ~= nil end
  return seen[word]
end

local function looks_russian(word)
  for _, c in ipairs(rules.russian.clusters) do if word:find(c, 1, true) then return true end end
  for _, e in ipairs(rules.russian.endings) do if word:sub(-#e) == e then return true end end
  return false
end

-- Is bracket b (lib.bracket) in text a transliteration of the original?
function M.is_transliteration(b, text)
  if b.editorial or b.attached or not b.text:find("^%l[%l']*$") then return false end
  if not text:sub(math.max(1, b.start - 64), b.start - 1):find("[%a\128-\255][%.,;:]?%s+$") then return false end
  local is_english = english(b.text)
  if is_english == nil then return looks_russian(b.text) end
  return not is_english
end
M.looks_russian = looks_russian

-- The English words a transliteration glosses: the word before it, with the
-- word before that when the first is a particle ("given up").
function M.gloss(text, pos)
  local w = lib.words_before(text, pos, 2)
  if #w == 2 and rules.particles[w[2]:lower()] then return w[1] .. " " .. w[2] end
  return w[#w]
end

local function apparatus(text, out, meta)
  for s, e, c in lib.find_all(lib.bracket + lib.quoted, text) do
    local kind, attrs
    if c.open then
      local t = c.text:gsub("[%.,;:!?]+$", "")
      local _, words = t:gsub("%S+", "")
      if words <= rules.scare_words and not t:find("[%.;:!?]") then
        kind, attrs = "scare_quote", { text = t }
      end
    elseif c.text:find(rules.source) then
      meta.source = c.text:match(rules.source)
    elseif c.editorial then
      kind, attrs = "editorial_note", { text = c.text }
    elseif M.is_transliteration(c, text) then
      kind, attrs = "transliteration", { text = c.text, gloss = M.gloss(text, s) }
    else
      kind, attrs = "supplied", { text = c.text }
    end
    if kind then out[#out + 1] = { kind = kind, start = s, stop = e, attrs = attrs } end
  end
end

-- ------------------------------------------------------------ metadata

local facts = setmetatable({}, { __mode = "k" })
local function footer_facts(people)
  if facts[people] then return facts[people] end
  local name = lib.names(people, { wrap = true })
  local ws = lib.ws
  local list = Ct(name * ((ws^-1 * "," * (ws * "and")^-1 + ws * "and") * ws * name)^0)
  local present = P(false)
  for opener, side in pairs(rules.present) do
    present = present + lib.phrases({ opener }, { wrap = true }) * Cc(side) * (ws * "comrades")^-1
  end
  local p = Ct(Cg(Cc"present", "what") * Cg(present, "side") * ws * Cg(list, "names"))
    + Ct(Cg(Cc"note_takers", "what") * lib.phrases(rules.note_takers, { wrap = true }) * ws * Cg(list, "names"))
    + Ct(Cg(Cc"duration", "what") * Cg(lib.duration, "duration"))
  facts[people] = p
  return p
end

local function add(list, v)
  for _, x in ipairs(list) do if x == v then return end end
  list[#list + 1] = v
end

local function footer_meta(text, r, people, meta)
  for _, _, f in lib.find_all(footer_facts(people), text:sub(r.start, r.stop)) do
    if f.what == "duration" then
      meta.duration_minutes = meta.duration_minutes or f.duration.minutes
    elseif f.what == "present" then
      meta.present = meta.present or {}
      for _, n in ipairs(f.names) do
        local side = n.side or f.side or "unknown"
        meta.present[side] = meta.present[side] or {}
        add(meta.present[side], n.name)
      end
    else
      meta.note_takers = {}
      for _, n in ipairs(f.names) do add(meta.note_takers, n.name) end
    end
  end
end

-- ------------------------------------------------------------ parse

local function parse(text, ctx)
  local people = ctx and ctx.people or require("parley.people").new {}
  local caps, at = blocks(text, { speaker = lib.speaker(people) })
  if not caps or text:find("%S", at) then
    error(("transcript: cannot parse the text at line %d"):format(lib.line_of(text, at or 1)), 0)
  end
  local regions, meta, labels = {}, {}, {}
  for _, r in ipairs(caps) do
    local out = { kind = r.kind, start = r.start, stop = r.stop and r.stop - 1, attrs = {} }
    if r.kind == "header" then
      local lines = {}
      for i, l in ipairs(r.title) do lines[i] = text:sub(l.start, l.stop - 1) end  -- stop: after the line
      meta.title = squeeze(table.concat(lines, " "))
      meta.date = r.date.iso
      out.stop = r.date.stop
      meta.participants = {}
      for _, _, n in lib.find_all(lib.names(people, { wrap = true }), meta.title) do
        add(meta.participants, n.name)
      end
    elseif r.kind == "turn" then
      local who = r.speaker
      out.attrs = { speaker = who.name, side = who.side, mode = r.mode, label = who.label,
                    direction = r.direction and r.direction.text }
      local label_end = r.label_end or frame:match(text, who.stop + 1)
      labels[#labels + 1] = { kind = "label", start = r.start, stop = label_end - 1,
                              attrs = { speaker = who.name } }
    elseif r.kind == "footer" then
      footer_meta(text, out, people, meta)
    end
    regions[#regions + 1] = out
  end
  apparatus(text, regions, meta)
  return { regions = lib.merge_regions(lib.sort_regions(regions), labels), meta = meta }
end

M.grammar = grammar.register {
  name = "transcript",
  description = "a conversation record: turns (direct and reported), narration, header, "
    .. "footer and the translator's apparatus",
  kinds = {
    turn = { "speaker", "side", "mode", "direction", "label" },
    label = { "speaker" },
    narration = {}, header = {}, footer = {},
    editorial_note = { "text" },
    transliteration = { "text", "gloss" },
    supplied = { "text" },
    scare_quote = { "text" },
  },
  parse = parse,
  data_files = { rules.dictionary },
}
M.parse = parse

return M
