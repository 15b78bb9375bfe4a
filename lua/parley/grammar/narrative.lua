-- Grammar "narrative": a narrative memorandum of conversation, the commonest
-- document of FRUS.  No speaker labels: the note taker reports, in the third
-- person, who said what ("Mr. Kuznetsov observed that …", "…, the Secretary
-- said, …", "He added …"), and a header lists the participants:
--
--   SUBJECT:
--   Germany and Berlin
--
--   PARTICIPANTS:
--   U.S.
--   The Secretary
--   U.S.S.R.
--   Vasiliy Vasilyevich Kuznetsov, First Deputy Foreign Minister
--
-- Each sentence is given to its speaker: a name (or title) followed by a verb
-- of saying, at the sentence start or after a comma; "He"/"She" are the last
-- speaker named, "They"/"Both" the last two; a sentence that names no one
-- goes on with the turn before it (lua/parley/grammar/continuation.lua).  One
-- speaker's consecutive sentences and paragraphs are one turn.  Names are
-- resolved through the corpus' register and the participants: "the Secretary"
-- is the participant who is a Secretary, "Mr. Kuznetsov" Vasiliy Vasilyevich
-- Kuznetsov.  A name found in neither keeps its text as the speaker.
--
-- Configurable like the labelled grammar:
--   local narrative = require "parley.grammar.narrative"
--   return narrative.new{ name = "memcon", names = { ["the Secretary"] = "Dean Rusk" },
--                         verbs = { "said", "stated", … }, participants = "PARTICIPANTS" }
-- Options (all optional):
--   name, description  the registry entry (default "narrative")
--   names         more names: as written -> speaker ("the President" = "John F. Kennedy")
--   verbs         the verbs of saying after a name (default M.verbs)
--   participants  the header word of the participants block (default "Participants")
--   header        the header's field names (default Date, Time, Place, Subject, Participants)
--   sides         sub-heading -> side (default parley.grammar.header's sides)
--   first_person  who "I"/"We" is (a name), or true for the manifest's author;
--                 default: the drafter a source note names ("Drafted by Harriman")
--                 when the register knows him, else nobody ("I asked …" is no one's turn)
--   labels        false: never hand a document of label lines ("H: …") to the
--                 labelled grammar (default: do, when parley.grammar.detect is sure)
-- Without a participants block or listed participants, the persons the head of a
-- conversation names ("… Between the Under Secretary (Ball) and Robert W. Komer")
-- are the register.  A subject no register knows is still a speaker before a verb
-- of saying when it is a title ("The President", "Sec", "Pres"), a capitalised
-- word not in M.not_persons ("Ball") or an initial ("H." = the one participant
-- with that initial), kept as written when nothing resolves it.  The source
-- note ("Source: …") and all after it, and a short numbered heading line, end a turn.
--   narrator      sentence openings that are the note taker's (default continuation.narrator)
-- Region kinds: turn (speaker, side, mode "reported", label), label (speaker: the
-- reporting frame "Mr. Kuznetsov observed that", ", he said,"), narration, field
-- (name; the participants block is one), header (the title and date lines above
-- the fields), supplied, editorial_note.  Meta: subject, participants (canonical
-- names, in the block's order), the other fields by name.
--
-- The attribution is separable from how participants are found:
-- M.attribute(txt, from, register, cfg) gives the turns of txt[from..] for any
-- register (a TEI reader's participants, say); M.participants(...) reads a
-- plain-text block; M.register(people, participants, cfg) joins the two.
local lpeg = require "lpeg"
local grammar = require "parley.grammar"
local people = require "parley.people"
local lib = require "parley.grammar.lib"
local header = require "parley.grammar.header"
local continuation = require "parley.grammar.continuation"
local detect = require "parley.grammar.detect"

local P, C, Cc, Cp, Ct, Cg, Cmt, Carg = lpeg.P, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cg, lpeg.Cmt, lpeg.Carg
local sp, gap, wordchar = lib.sp, lib.gap, lib.wordchar

local M = {}

-- ------------------------------------------------------------ data

M.verbs = {
  "said", "says", "stated", "replied", "continued", "asked", "noted", "remarked", "observed",
  "pointed out", "agreed", "added", "explained", "suggested", "emphasized", "emphasised",
  "expressed the hope", "expressed the view", "expressed the opinion", "expressed", "commented",
  "responded", "answered", "inquired", "enquired", "indicated", "told", "reminded", "assured",
  "declared", "insisted", "stressed", "urged", "proposed", "recalled", "mentioned", "wondered",
  "thought", "believed", "felt", "hoped", "went on to say", "reiterated", "repeated", "confirmed",
  "affirmed", "argued", "objected", "countered", "interjected", "acknowledged", "conceded",
  "maintained", "warned", "promised", "requested", "rejoined", "underlined", "recognized",
  "concluded", "summarized", "wished to stress", "wished to", "wanted to know", "raised",
  "referred", "described", "outlined", "reported", "queried", "doubted", "denied", "predicted",
}
M.header = { "Date", "Time", "Place", "Subject", "Participants", "Copies", "Copy to" }
-- Titles that may stand before a name ("Ambassador Dobrynin", "Mr. Rusk") and
-- that make "the TITLE" a participant's name when only one participant has it.
M.titles = { "Mr.", "Mrs.", "Miss", "Ms.", "Dr.", "Amb.", "Ambassador", "Secretary", "Secretary of State",
  "Foreign Minister", "Deputy Foreign Minister", "First Deputy Foreign Minister", "Minister",
  "Prime Minister", "President", "Vice President", "Chancellor", "Chairman", "Senator", "Governor",
  "General", "Gen.", "Admiral", "Lord", "Sir", "Under Secretary", "Assistant Secretary", "Counselor",
  "Director", "Deputy Secretary", "Chief" }
-- What a role says someone is, as a title ("Soviet Ambassador" -> "Ambassador").
local ROLE_TITLES = { { "Secretary of State", "Secretary" }, { "Vice President", "Vice President" },
  { "President", "President" }, { "Prime Minister", "Prime Minister" },
  { "Foreign Minister", "Foreign Minister" }, { "Ambassador", "Ambassador" },
  { "Chancellor", "Chancellor" }, { "Under Secretary", "Under Secretary" } }
M.first_person = { "I", "We" }
local AUXILIARIES = { "had", "has", "have", "was", "were", "would", "did", "does", "will", "could", "then" }
local ADVERBS = { "also", "then", "again", "further", "first", "finally", "too", "once more", "next",
  "subsequently", "however" }
local ADDRESSEES = { "me", "him", "her", "us", "them" }
local CONJUNCTIONS = { "that", "whether", "if", "how", "why", "what", "when" }
local ABBREVIATIONS = { Mr = true, Mrs = true, Ms = true, Dr = true, Amb = true, Gen = true, St = true,
  Sen = true, Gov = true, Jr = true, Sr = true, No = true, Lt = true, Col = true, Adm = true,
  Messrs = true, Rep = true, Prof = true, Vol = true, pp = true, cf = true }

-- ------------------------------------------------------------ the register

local function squeeze(s) return lib.squeeze(s) end

-- title_of(s) -> title, rest: a leading title of a written name ("Amb. Llewellyn
-- E. Thompson" -> "Amb.", "Llewellyn E. Thompson"), longest first.
local sorted_titles = {}
for _, t in ipairs(M.titles) do sorted_titles[#sorted_titles + 1] = t end
table.sort(sorted_titles, function(a, b) return #a > #b end)
local function title_of(s)
  local bare = s:gsub("^[Tt]he%s+", "")
  for _, t in ipairs(sorted_titles) do
    if bare:sub(1, #t) == t and (#bare == #t or bare:sub(#t + 1, #t + 1):find("%s")) then
      return t, squeeze(bare:sub(#t + 1))
    end
  end
  return nil, s
end

local function surname(name)
  local words = {}
  for w in name:gmatch("[^%s]+") do
    if not w:find("^%(") and not ({ ["Jr."] = true, ["Sr."] = true, ["III"] = true })[w] then words[#words + 1] = w end
  end
  local last = words[#words]
  return last and last:find("^%u[%a'%-]+$") and last or nil
end

-- register(people, participants, cfg) -> a register of the corpus' people and
-- the document's participants (each resolved through the corpus' register
-- where it knows them), with the names a memorandum uses for them: surname,
-- "Mr. Surname", "TITLE Surname", and "the TITLE" when one participant alone
-- has that title.  Also the canonical names, in order, for the metadata.
function M.register(base, participants, cfg)
  cfg = cfg or {}
  base = base or people.new{}
  local list, added, order, by_title = {}, {}, {}, {}
  for _, p in ipairs(base.people) do
    list[#list + 1] = { name = p.name, side = p.side, role = p.role, aliases = { table.unpack(p.aliases or {}) } }
    added[p.name] = list[#list]
  end
  for _, e in ipairs(participants) do
    local title, bare = title_of(e.name)
    local person = base:find(e.written) or base:find(e.name) or base:find(bare)
      or (cfg.names and cfg.names[e.name] and base:find(cfg.names[e.name]))
    if not person and title and bare == "" then        -- "The Secretary": whose role says so, if one
      local word, found, n = title:gsub("^Amb%.$", "Ambassador"), nil, 0
      for _, p in ipairs(base.people) do
        if p.role and p.role:find(word, 1, true) then found, n = p, n + 1 end
      end
      if n == 1 then person = found end
    end
    local entry
    if person then
      entry = added[person.name]
    else
      local name = (cfg.names and cfg.names[e.name]) or (bare ~= "" and bare) or e.name
      entry = added[name] or { name = name, side = e.side, role = e.role, aliases = {} }
      if not added[name] then list[#list + 1], added[name] = entry, entry end
    end
    entry.side = entry.side or e.side
    local aliases = entry.aliases
    local function alias(a) if a and a ~= "" and a ~= entry.name then aliases[#aliases + 1] = a end end
    alias(e.written); alias(e.name); alias(bare)
    local sur = surname(bare)
    local titles = {}
    if title then titles[#titles + 1] = title end
    for _, rt in ipairs(ROLE_TITLES) do
      if (e.role and e.role:find(rt[1], 1, true)) or e.name:find(rt[1], 1, true) then
        titles[#titles + 1] = rt[2]
        break
      end
    end
    if sur then
      alias(sur)
      for _, t in ipairs { "Mr.", "Mrs.", "Ambassador", "Amb." } do alias(t .. " " .. sur) end
      for _, t in ipairs(titles) do alias(t .. " " .. sur) end
    end
    for _, t in ipairs(titles) do
      local word = t:gsub("^Amb%.$", "Ambassador")
      if not word:find("%.$") then
        by_title[word] = by_title[word] or {}
        by_title[word][entry] = true
      end
    end
    local seen = false
    for _, n in ipairs(order) do seen = seen or n == entry.name end
    if not seen then order[#order + 1] = entry.name end
  end
  for t, set in pairs(by_title) do                 -- "the Ambassador": only one may be
    local only, n = nil, 0
    for entry in pairs(set) do only, n = entry, n + 1 end
    if n == 1 then
      only.aliases[#only.aliases + 1] = "the " .. t
      only.aliases[#only.aliases + 1] = "The " .. t
    end
  end
  for written, who in pairs(cfg.names or {}) do
    if type(written) == "string" and type(who) == "string" then
      local p = added[who] or (base:find(who) and added[base:find(who).name])
      if not p then
        p = { name = who, aliases = {} }
        list[#list + 1], added[who] = p, p
      end
      p.aliases[#p.aliases + 1] = written                        -- and at a sentence start
      p.aliases[#p.aliases + 1] = written:sub(1, 1):upper() .. written:sub(2)
    end
  end
  return people.new(list), order
end

-- ------------------------------------------------------------ lines and header

local lines_of = lib.line_spans

-- A paragraph that reads as an entry of a participants list: short lines
-- that do not end a sentence ("Ambassador Dobrynin", "Mr. Karpov, interpreter").
local function entry_like(txt, lines, i)
  local n = 0
  while lines[i] and not lines[i].blank do
    local line = txt:sub(lines[i].s, lines[i].e)
    local _, words = line:gsub("%S+", "")
    if words > 12 or line:find("%l[.?!]$") or line:find("^[%[(]") then return false end
    n, i = n + 1, i + 1
  end
  return n > 0 and n <= 3
end

-- participants(txt, cfg) -> header regions, meta, participant entries, the
-- byte where the narrative begins.  Title lines before the first field are a
-- header region; each field a field region.
function M.participants(txt, cfg, lines)
  cfg = cfg or {}
  lines = lines or lines_of(txt)
  local wanted, pname = {}, header.key(cfg.participants or "Participants")
  for _, f in ipairs(cfg.header or M.header) do wanted[f:lower()] = true end
  wanted[(cfg.participants or "Participants"):lower()] = true
  local regions, meta, entries = {}, {}, {}
  local first_field
  for k, l in ipairs(lines) do
    if not l.blank and header.field(txt:sub(l.s, l.e), wanted, true) then first_field = k break end
    if k > 12 then break end
  end
  if not first_field then return regions, meta, entries, 1 end
  local title_s, title_e
  for k = 1, first_field - 1 do
    if not lines[k].blank then title_s, title_e = title_s or lines[k].s, lines[k].e end
  end
  if title_s then regions[#regions + 1] = { kind = "header", start = title_s, stop = title_e, attrs = {} } end
  local i, body = first_field, nil
  while lines[i] do
    local l = lines[i]
    local name, value, alone = nil, nil, nil
    if not l.blank then name, value, alone = header.field(txt:sub(l.s, l.e), wanted, true) end
    if name then
      local f = { kind = "field", start = l.s, stop = l.e, attrs = { name = name } }
      local values = { value ~= "" and value or nil }
      i = i + 1
      while true do
        while lines[i] and not lines[i].blank and not header.field(txt:sub(lines[i].s, lines[i].e), wanted, true) do
          values[#values + 1] = txt:sub(lines[i].s, lines[i].e)
          f.stop, i = lines[i].e, i + 1
        end
        -- the participants, one a paragraph: go on over a blank line to the next entry
        local j = i
        while lines[j] and lines[j].blank do j = j + 1 end
        if name == pname and j > i and lines[j] and not header.field(txt:sub(lines[j].s, lines[j].e), wanted, true)
            and entry_like(txt, lines, j) then
          i = j
        else
          break
        end
      end
      regions[#regions + 1] = f
      if name == pname then
        if not alone then                                 -- "Participants: A; B,\n  C, interpreter"
          local parts = {}
          for part in table.concat(values, " "):gmatch("[^;]+") do
            if part:find("%S") then parts[#parts + 1] = part end
          end
          values = parts
        end
        for _, e in ipairs(header.participants(values, cfg.sides)) do entries[#entries + 1] = e end
      else
        meta[name] = squeeze(table.concat(values, " "))
      end
    elseif l.blank then
      i = i + 1
    else
      body = l.s
      break
    end
  end
  return regions, meta, entries, body or #txt + 1
end

-- ------------------------------------------------------------ sentences

-- The sentences of txt[s..e] (a paragraph): { s, e } each, split after . ? !
-- (and a closing quote) before a capital, not after a title or an initial.
-- A sentence end: the stop, its closing quotes or bytes of one (the end of
-- the sentence is before the spaces), the spaces (the next sentence starts
-- after them), an opening quote or bracket byte and a capital or digit.  LPeg
-- goes from stop to stop at the speed of a span instead of a Lua pattern tried
-- at every byte of a substring of the paragraph.
local space = lpeg.S" \t\n\v\f\r"               -- %s
local stop_char = lpeg.S".?!"
-- Is the word before the stop (its run of ASCII letters) a title or an
-- initial?  Looked at behind the stop, so that no Lua code reads it; the byte
-- before a paragraph is no letter, so the run never starts before the paragraph.
local ascii_letter, abbreviation = lpeg.R("az", "AZ"), lpeg.B(lpeg.R"AZ") * -lpeg.B(lpeg.R("az", "AZ") * lpeg.R"AZ")
for word in pairs(ABBREVIATIONS) do
  abbreviation = abbreviation + lpeg.B(word) * -lpeg.B(ascii_letter * word)
end
local closing, opening = lpeg.S"\"\226\128\157\153)", lpeg.S"\"\226\128\156\152("
local end_shape = stop_char * closing^0 * space^1 * opening^-1 * lpeg.R("AZ", "09")
local sentence_end = Cp() * (abbreviation * Cc(true) + Cc(false)) * stop_char
  * closing^0 * Cp() * space^1 * Cp() * opening^-1 * lpeg.R("AZ", "09") * Cp()
-- (the search gives up at a blank line: no paragraph holds one)
local next_end = ((1 - lpeg.S".?!\n")^1 + (stop_char - end_shape) + ("\n" - lib.parbreak))^0 * sentence_end
local function sentences(txt, s, e, out)
  local start, at = s, s
  while true do
    local p, abbreviated, q, n, stop = next_end:match(txt, at)
    -- past the paragraph: its last byte is no space, so no later end is in it
    if not p or stop - 1 > e then break end
    at = stop
    if p > start and not abbreviated then
      out[#out + 1] = { s = start, e = q - 1 }
      start = n
    end
  end
  if start <= e then out[#out + 1] = { s = start, e = e } end
  return out
end

-- ------------------------------------------------------------ attribution

local adverb = lib.ly_adverb + lib.phrases(ADVERBS)
local honorific = lib.phrases(M.titles)
local tail = (gap * lib.phrases(ADDRESSEES))^-1 * (gap * lib.phrases(CONJUNCTIONS))^-1 * (sp^0 * ":")^-1
local pkey = people.key

-- The longest name of the register at byte i of s (state.by_key: the
-- register's keys): up to six words, a line break allowed between two; a
-- table lookup per word count, so that one pattern serves every document
-- (no alternation of the register's names compiled per document).
local MAXWORDS = 6
local fold = require("parley.text").fold
-- A word as people.key has it: folded, "A.I." as "a. i."
local function norm(tok)
  local t = tok:find("[\128-\255]") and fold(tok) or tok:lower()
  if t:find(".", 1, true) and #t > 1 then t = t:gsub("%.", ". "):gsub("%s+$", ""):gsub("%s+", " ") end
  return t
end
-- prefixes(by_key): every key and its first words ("the", "the secretary"), so that a
-- name is read word by word only while some key begins so; and the heads: the
-- first run of letters and digits of every key ("a" of "a. i. mikoyan", "o" of
-- "o'brien"), so that a capitalised word no name begins with is refused at once
local function prefixes(by_key)
  local out, heads = {}, {}
  for k in pairs(by_key) do
    local at = 1
    while true do
      local sp_at = k:find(" ", at, true)
      if not sp_at then break end
      out[k:sub(1, sp_at - 1)] = true
      at = sp_at + 1
    end
    out[k] = true
    local head = k:match("^[%w\128-\255]+")
    if head then heads[head] = true end
  end
  -- heads by the word as written ("The", "THE", "Rusk"): the lower-cased word is
  -- made once per word of a document, not once per capitalised word
  local written = setmetatable({}, { __index = function(t, w)
    local yes = heads[w:lower()] == true
    t[w] = yes
    return yes
  end })
  return out, written
end
-- (the first run of letters and digits at a byte, if it is all ASCII)
local ascii_run = lpeg.R("az", "AZ", "09")^1
local ascii_head = C(ascii_run) * -lpeg.R"\128\255"
local read_name
local function lookup(s, i, by_key, prefix, heads)
  local c, b = s:byte(i), i > 1 and s:byte(i - 1)
  if not c then return nil end
  if not (c >= 65 and c <= 90 or c >= 195 and c <= 197 or s:find("^[Tt]he%s", i)) then return nil end
  if b and (b >= 128 or b >= 97 and b <= 122 or b >= 65 and b <= 90 or b >= 48 and b <= 57) then
    return nil                              -- not inside a word
  end
  if heads and c < 128 then                 -- most capitalised words begin no name of the register
    local head = ascii_head:match(s, i)
    if head and not heads[head] then return nil end
  end
  return read_name(s, i, by_key, prefix)
end
-- read_name(s, i, by_key, prefix): the name of the register at byte i, read word
-- by word (what lookup does once the byte and the head word have let it).
function read_name(s, i, by_key, prefix)
  local cand, p, best_e, best_key = nil, i, nil, nil
  for _ = 1, MAXWORDS do
    local _, b = s:find("^[%w%.'%-\128-\255]+", p)
    if not b then break end
    local tok = s:sub(p, b)
    local n = norm(tok)
    local whole = cand and cand .. " " .. n or n
    local lb = tok:byte(-1)
    if by_key[whole] then
      best_e, best_key = b, whole
    elseif lb < 48 or lb > 122 or lb > 57 and lb < 65 or lb > 90 and lb < 97 or lb == 115 and tok:find("['\153]s$") then
      -- "Rusk." "Rusk’s" "Rusk," : the name before
      local short = tok:match("^(.-)['\226][\128]?[\153]?s$") or tok:match("^(.-)[^%w]+$")
      if short and short ~= "" then
        local n2 = norm(short)
        local k2 = cand and cand .. " " .. n2 or n2
        if by_key[k2] then best_e, best_key = p + #short - 1, k2 end
      end
    end
    if not prefix[whole] then break end
    cand = whole
    local q = s:match("^[ \t]*\n?[ \t]*()", b + 1)
    if q == b + 1 then break end
    p = q
  end
  if best_e then return best_e + 1, by_key[best_key], s:sub(i, best_e) end
  return nil
end
M._lookup = lookup

-- lookup's tests of the byte at i and the one before, as LPeg: a capital or "the"
-- first, not inside a word (so that most positions are refused before Lua is
-- called); then the head word, when it is ASCII, captured for the Lua side to
-- look up in the register's heads at once (no memo, no second match for it).
-- A name that begins with a non-ASCII byte, or whose first run of ASCII letters
-- a non-ASCII byte follows, is read without that test, as lookup does.
-- The answer to a head is kept per position, as the frame, the subject and the
-- mentions ask the same.  The head (or the first byte) is taken before Lua is
-- called, so that LPeg knows a name is never empty and lets it stand in a loop;
-- a name never ends inside its head word.
local word_byte = lpeg.R("az", "AZ", "09", "\128\255")
local function name_at(s, i, state)
  local memo = state.memo
  local hit = memo[i]
  if hit == nil then
    local e, person, str = read_name(s, i, state.by_key, state.prefix)
    hit = e and { e, person, squeeze(str) } or false
    memo[i] = hit
  end
  if not hit then return false end
  local person = hit[2]
  return hit[1], { label = hit[3], name = person.name, side = person.side, start = i, stop = hit[1] - 1 }
end
local names = #(lib.upper + lpeg.S"Tt" * "he" * sp) * -lpeg.B(word_byte) * (
  Cmt(C(ascii_run) * #-lpeg.R"\128\255" * Carg(1), function(s, i, head, state)
    if not state.heads[head] then return false end
    return name_at(s, i - #head, state)
  end)
  + #(lpeg.R"\195\197" + ascii_run * lpeg.R"\128\255") * Cmt(1 * Carg(1), function(s, i, state)
    return name_at(s, i - 1, state)
  end))
-- "Mr. Rusk", "Secretary Rusk": a title before a name of the register
local titled = lib.span(C(honorific * gap) * names, function(t, p)
  return { label = squeeze(t .. p.label), name = p.name, side = p.side } end)
-- "Mr. Smith", whom no register knows: the name as written
local generic = lib.span(C(honorific * gap * lib.any_name * (gap * lib.any_name)^-1) * -wordchar,
  function(label) return { label = squeeze(label), name = squeeze(label) } end)

-- A subject no register knows, as telephone memoranda and memoranda without a
-- participants block write them: "The President", "the Foreign Minister", "Sec",
-- "Pres", a bare surname ("Ball", "Komer") or an initial ("B", "H."), only
-- before a verb of saying.  Words that are not persons never are.
M.bare_titles = { "President", "Vice President", "Secretary", "Secretary of State", "Under Secretary",
  "Ambassador", "Foreign Minister", "Prime Minister", "Chancellor", "Chairman", "Congressman",
  "Senator", "Governor", "General", "Minister", "Deputy Secretary", "Assistant Secretary", "Shah",
  "King", "Premier", "Pope", "Emperor", "Director", "Attorney General", "Governor" }
local ABBREVIATED = { Pres = "President", Sec = "Secretary", Secy = "Secretary", Secty = "Secretary",
  Amb = "Ambassador", VP = "Vice President", PriMin = "Prime Minister", FonMin = "Foreign Minister",
  SecState = "Secretary" }
M.not_persons = { "He", "She", "They", "It", "We", "I", "You", "Both", "This", "That", "These", "Those",
  "There", "Here", "What", "Which", "Who", "One", "Each", "All", "Everyone", "Nobody", "Someone",
  "Department", "Government", "Embassy", "State", "Congress", "Press", "Agency", "Council", "Committee",
  "Defense", "Treasury", "Soviets", "Americans", "Russians", "Chinese", "French", "British", "Germans",
  "Japanese", "Israelis", "Arabs", "Communists", "NATO", "UN", "USSR", "US", "USG", "GOI", "GVN", "CIA",
  "AID", "Moscow", "Washington", "Hanoi", "Peking", "Paris", "London", "Bonn", "Tokyo", "Cairo", "Saigon",
  "Delhi", "Havana", "Source", "Note", "Memorandum", "Telegram", "Mr", "Mrs", "General", "Sir", "Then",
  "Meanwhile", "However", "Later", "Finally", "Also", "Everybody", "Nobody", "Many", "Some", "Most",
  "Another", "Neither", "Either", "Paper", "Report", "Statement", "Letter", "Times", "Post",
  -- sentence openings before a participle ("As noted above", "When asked", "The said …")
  "As", "The", "When", "While", "After", "Before", "If", "Since", "Although", "Though", "Because",
  "Unless", "Until", "Where", "Once", "In", "On", "At", "For", "From", "With", "Without", "By", "To",
  "Of", "Under", "Upon", "And", "But", "Or", "Nor", "So", "Yet", "Not", "No", "Yes", "Only", "Just",
  "Even", "Again", "Thus", "Hence", "Therefore", "Accordingly", "Furthermore", "Moreover",
  "Nevertheless", "Such", "Any", "Every", "Other", "Others", "Our", "Their", "His", "Her", "Its",
  "My", "Your", "Well", "Deptoff", "Embtel", "Deptel", "Now", "Today", "Yesterday", "Tomorrow", "Previously", "Earlier", "Unlike" }
-- and the words of nations ("Argentine thought that …"): these, and any word in -ese, -ian, -ish
M.nationals = { "American", "Argentine", "Soviet", "Israeli", "Iraqi", "Pakistani", "Saudi", "Kuwaiti",
  "Thai", "Cuban", "Mexican", "Korean", "German", "Moroccan", "Dominican", "Venezuelan", "Chilean",
  "Peruvian", "African", "European", "Greek", "Turk", "Dutch", "Swiss", "Arab", "Afghan", "Nepali",
  "Yemeni", "Omani", "Bengali", "Filipino", "Philippine", "Laotian", "Cambodian", "Czech", "Pole",
  "Hungarian", "Yugoslav", "Belgian", "Canadian", "Australian", "Tanzanian", "Kenyan", "Ugandan" }
local NOT_PERSON = {}
for _, w in ipairs(M.not_persons) do NOT_PERSON[w] = true end
for _, w in ipairs(M.nationals) do NOT_PERSON[w] = true; NOT_PERSON[w .. "s"] = true end
local function national(w) return w:find("%lese$") or w:find("%lian$") or w:find("%lish$") end
local bare_title = C(lpeg.S"Tt" * "he" * gap * lib.phrases(M.bare_titles) * ("." * sp^0 * #-lib.upper)^-1)
local bare_word = C(lib.upper * (lib.letter + lpeg.S"'-")^0 * lpeg.P"."^-1) * #-wordchar
local bare = lib.span(bare_title + bare_word, function(w)
  local word = w:gsub("%.$", "")
  if NOT_PERSON[word] or national(word) then return nil end
  return { label = w, bare = word }
end)

-- A bare word that may be a person, for the look ahead to a verb: a word
-- that is never one ("The", "He", "In") is refused before the verbs are tried
-- (bare refuses it anyway), by LPeg alone, not a Lua call per capital.  The
-- tree of those words goes on to the longest that matches; as all are letters
-- only, a shorter one could not be the whole word there either.
local not_person_words = {}
for w in pairs(NOT_PERSON) do
  assert(w:find("^%a+$"), w)
  not_person_words[#not_person_words + 1] = w
end
table.sort(not_person_words)             -- (the same tree whatever the order of pairs)
local person_word_end = -(lib.letter + lpeg.S"'-")
local maybe_person = -(lib.phrase_tree(not_person_words) * person_word_end)
  * lib.upper * (lib.letter + lpeg.S"'-")^0 * lpeg.P"."^-1 * #-wordchar
local person = titled + names + generic
local anyone = person
-- The persons a sentence names, as one LPeg pass: at every capital that begins
-- a word, up to the sentence's last byte (the extra argument after the state),
-- anyone there, going on after it; the caller keeps those that end in the sentence.
local capital, word_byte = lpeg.R("AZ", "\195\197"), lpeg.R("az", "AZ", "09", "\128\255")
local within = Cmt(Carg(2), function(_, i, e) return i <= e end)
local mention_scan = Ct(((1 - capital)^1 + lpeg.B(word_byte) * capital + within * (anyone + capital))^0)

-- The patterns of one configuration: a frame is a subject and a verb.
local function compile(cfg)
  local verb = lib.phrases(cfg.verbs or M.verbs)
  local pre = (sp^0 * "," + gap * adverb * (sp^0 * ",")^-1)^0   -- ", however," "then"
  local says = pre * ((gap * (adverb + lib.phrases(AUXILIARIES)) * (sp^0 * ",")^-1)^0 * gap * verb)
  -- a bare subject only where a verb of saying follows it (no capture made for the others)
  local bare_c = #((bare_title + maybe_person) * says) * bare
  local group = Ct((person + bare_c) * ((sp^0 * "," * gap * person)^0 * (sp^0 * ",")^-1 * gap * "and" * gap * (person + bare))^-1)
  local pron = lib.phrases(continuation.pronouns.two) * Cc(2) + lib.phrases(continuation.pronouns.one) * Cc(1)
  local first = lib.phrases(M.first_person)
  local frame = Ct(Cg(Cp(), "s") * (Cg(group, "group") + Cg(pron, "pronoun") + Cg(C(first), "first"))
    * Cg(Cp(), "se") * says * tail * Cg(Cp(), "e"))
  local inverted = Ct(Cg(Cp(), "s") * lib.phrases { "said", "continued", "added", "replied", "asked",
    "observed", "noted", "remarked", "went on" } * gap * (Cg(group, "group") + Cg(pron, "pronoun"))
    * Cg(Cp(), "se") * #(sp^0 * lpeg.S",.;:!?") * Cg(Cp(), "e"))
  -- the frame of a sentence txt[s..e]: at its start, else after the first comma
  -- before e where a frame or an inverted one ("…, said Mr. Rusk,") ends within
  -- the sentence (e the extra argument after the state): one LPeg match, from
  -- comma to comma
  local before_end = Cmt(Carg(2), function(_, i, e) return i < e end)
  local ends_within = Cmt(Carg(2), function(_, i, e) return i - 1 <= e end)
  local after_comma = P{ (1 - P",")^0 * before_end
    * ("," * space^0 * (frame + inverted) * ends_within + "," * lpeg.V(1)) }
  local subject = Ct(Cg(Ct(person * ((sp^0 * "," * gap * person)^0 * (sp^0 * ",")^-1 * gap * "and" * gap * person)^-1), "group") * #(gap * lib.lower))
  return { frame = frame, inverted = inverted, sentence_frame = frame + after_comma, subject = subject, person = person,
           narrator = lib.phrases(cfg.narrator or continuation.narrator) }
end

-- The drafter a source note names ("Drafted by Harriman."), or nil: the first
-- "Drafted by" that a name follows (found by plain search, not by a pattern
-- tried at every byte).
local function drafted_by(txt)
  local at = 1
  while true do
    local d = txt:find("Drafted by ", at, true)
    if not d then return nil end
    local name = txt:match("^Drafted by ([%u][%w%.' ]-%w)[%s,;.]", d)
    if name then return name end
    at = d + 1
  end
end

-- attribute(txt, from, register, cfg) -> regions (turn, label, narration):
-- the turns of the narrative txt[from..], sentence by sentence.
function M.attribute(txt, from, register, cfg, ctx, lines)
  cfg = cfg or {}
  local pat = cfg._compiled or compile(cfg)
  local prefix, heads = prefixes(register.by_key)
  local state = { by_key = register.by_key, prefix = prefix, heads = heads, memo = {} }
  local who_first
  local drafter = cfg.first_person == nil and drafted_by(txt)
  if drafter then                  -- "I" of a memorandum is its drafter when the source note names him
    drafter = drafter:gsub(" and$", ""):gsub(" of .*$", "")
    local e, who = lookup(drafter, 1, register.by_key, prefix, heads)
    if e == #drafter + 1 then who_first = { name = who.name, side = who.side } end
  end
  if cfg.first_person then
    local n = cfg.first_person == true and ctx and ctx.doc and ctx.doc.author or cfg.first_person
    if type(n) == "string" then
      local name, side = register:canonical(n)
      who_first = { name = name, side = side }
    end
  end
  -- the speakers of a subject "Mr. Rusk and Ambassador Dobrynin", once each
  local initials
  local function resolve(p)               -- a bare subject: whom the register says, or as written
    local t = p.bare:gsub("^[Tt]he%s+", "")
    t = ABBREVIATED[t] or t
    local who = state.by_key[pkey("the " .. t)] or state.by_key[pkey(t)]
    if not who and t:find("^%u$") then    -- "H." = the one participant whose surname starts so
      if not initials then
        initials = {}
        for _, q in ipairs(register.people) do
          local k = (surname(q.name) or ""):sub(1, 1)
          if k ~= "" then initials[k] = initials[k] == nil and q or false end
        end
      end
      who = initials[t] or nil
    end
    if who then return { name = who.name, side = who.side, label = p.label } end
    local written = p.label:gsub("^the%s", "The "):gsub("%.$", "")
    return { name = squeeze(written), label = p.label }
  end
  local function group_of(g)
    local out, seen = {}, {}
    for _, p in ipairs(g) do
      if p.bare then p = resolve(p) end
      if not seen[p.name] then seen[p.name] = true; out[#out + 1] = { name = p.name, side = p.side, label = p.label } end
    end
    return out
  end
  -- the frame of a sentence: at its start, after a comma, or inverted after a comma
  local function frame_of(sent) return pat.sentence_frame:match(txt, sent.s, state, sent.e) end

  local follow = continuation.new()
  local regions, labels, paras = {}, {}, {}
  local turn, narr                       -- the open turn { regions }, the open narration region
  lines = lines or lines_of(txt)
  local ps
  for _, l in ipairs(lines) do            -- paragraphs of the narrative
    if l.s >= from then
      if l.blank then
        if ps then paras[#paras + 1] = ps; ps = nil end
      else
        ps = ps or { s = l.s }
        ps.e = l.e
      end
    end
  end
  if ps then paras[#paras + 1] = ps end
  local sents = {}
  for _, p in ipairs(paras) do                 -- a note alone in its paragraph is no sentence
    local note = lib.bracket:match(txt, p.s)
    if txt:find("^Source:", p.s) then
      -- the source note (a TEI document's first footnote): it and what follows are notes
      sents[#sents + 1] = { s = p.s, e = paras[#paras].e, stop = true }
      break
    elseif not (note and note.stop == p.e) then
      local n0 = #sents
      sentences(txt, p.s, p.e, sents)
      -- "2. Discrimination by Jordan Against American Jews.": a heading ends the turn
      if p.e - p.s < 120 and txt:find("^%d+%.%s+%u", p.s) then
        local line = txt:sub(p.s, p.e)
        local _, words = line:gsub("%S+", "")
        if words <= 12 and not line:find("\n") then
          for k = n0 + 1, #sents do sents[k].stop = true end
        end
      end
    end
  end

  local function open_turn(group, sent, f)
    local t = { regions = {} }
    local label = {}
    for _, s in ipairs(group) do label[#label + 1] = s.label end
    for _, s in ipairs(group) do
      local r = { kind = "turn", start = sent.s, stop = sent.e, attrs = {
        speaker = s.name, side = s.side, mode = "reported", label = f and f.label or table.concat(label, " and ") } }
      regions[#regions + 1] = r
      t.regions[#t.regions + 1] = r
    end
    follow:open(t)
    return t
  end
  local function frame_labels(group, f)
    local stop = lib.trim_end(txt, f.e - 1)
    for _, s in ipairs(group) do
      labels[#labels + 1] = { kind = "label", start = f.s, stop = stop, attrs = { speaker = s.name } }
    end
  end

  for _, sent in ipairs(sents) do
    local f = not sent.stop and frame_of(sent) or nil
    local how, group, t, same
    if f and f.group then
      local g = group_of(f.group)
      f.label = squeeze(txt:sub(f.s, f.se - 1))
      how, group, t, same = follow:sentence{ named = g }
    elseif f and f.pronoun then
      f.label = squeeze(txt:sub(f.s, f.se - 1))
      how, group, t, same = follow:sentence{ pronoun = f.pronoun }
    elseif f and f.first and who_first then
      f.label = f.first
      how, group, t, same = follow:sentence{ named = { { name = who_first.name, side = who_first.side, label = f.first } } }
    else
      local subj = pat.subject:match(txt, sent.s, state)
      -- "I asked …" with no one to be "I" is no one's; "We did not know …" may be
      -- a speaker's own "we", and goes on with the turn
      local subject = subj and group_of(subj.group) or (f and f.first and true) or nil
      local narrator = sent.stop or pat.narrator:match(txt, sent.s) ~= nil
      local mentions = {}
      -- does the sentence name the current speaker?  (asked only where the turn
      -- could go on: a subject or the narrator ends it whatever the sentence names)
      if follow.group and not subject and not narrator then
        for _, p in ipairs(mention_scan:match(txt, sent.s, state, sent.e)) do
          if p.name and p.stop <= sent.e then mentions[p.name] = true end
        end
      end
      how, group, t, same = follow:sentence{ subject = subject, narrator = narrator, mentions = mentions }
      f = nil
    end
    if how then
      narr = nil
      if same and t and t == turn then
        for _, r in ipairs(t.regions) do r.stop = sent.e end
      else
        turn = open_turn(group, sent, f)
      end
      if f then frame_labels(group, f) end
    else
      turn = nil
      if narr then narr.stop = sent.e
      else
        narr = { kind = "narration", start = sent.s, stop = sent.e, attrs = {} }
        regions[#regions + 1] = narr
      end
    end
  end
  return regions, labels
end

-- ------------------------------------------------------------ the grammar

local function notes(txt, from, regions)
  local at = from
  while true do                          -- string.find to each "[", not a pattern tried at every byte
    local o = txt:find("[", at, true)
    if not o then return end
    local b = lib.bracket:match(txt, o)
    if b then
      regions[#regions + 1] = { kind = b.editorial and "editorial_note" or "supplied", start = b.start,
                                stop = b.stop, attrs = { text = b.text } }
      at = b.stop + 1
    else
      at = o + 1
    end
  end
end

-- The participants a document's markup lists (a TEI reader's
-- doc.participants: register names such as "Rusk, Dean", or the text),
-- as entries of M.register: { name = "Dean Rusk", written = "Rusk, Dean", role =
-- what the volume's list of persons says of them, "Secretary of State" }.
function M.listed(doc)
  local out = {}
  local roles = type(doc) == "table" and type(doc.participant_roles) == "table" and doc.participant_roles or {}
  for i, written in ipairs(type(doc) == "table" and type(doc.participants) == "table" and doc.participants or {}) do
    if type(written) == "string" and written ~= "" then
      local surname, given = written:match("^([^,]+),%s*(.-)%s*$")
      local name = surname and given ~= "" and (given .. " " .. surname) or written
      local role = type(roles[i]) == "string" and roles[i] ~= "" and roles[i] or nil
      out[#out + 1] = { name = name, written = written, role = role }
    end
  end
  return out
end

-- The persons the head (the first line) of a memorandum of conversation names,
-- as entries of M.register: "… Between the Under Secretary of State (Ball) and
-- Robert W. Komer of the National Security Council Staff" -> Ball, Robert W. Komer.
function M.head_names(txt)
  local head = txt:match("^[^\n]*")
  local out, seen = {}, {}
  if not (head:find("Conversation", 1, true) or head:find("Meeting", 1, true)) then return out end
  local function add(n, role) if not seen[n] then seen[n] = true; out[#out + 1] = { name = n, role = role } end end
  for sur in head:gmatch("%((%u[%a'%-]+)%)") do add(sur) end
  for _, t in ipairs { "Secretary of State", "Secretary of Defense", "Under Secretary", "President",
                       "Vice President", "Ambassador", "Senator", "Prime Minister", "Chancellor" } do
    for sur in head:gmatch("%f[%a]" .. t .. " (%u[%a'%-]+)%f[^%a'%-]") do  -- "Secretary of State Rusk"
      if not seen[sur] then seen[sur] = true; out[#out + 1] = { name = sur, role = t } end
    end
  end
  for n in head:gmatch("%f[%a]%u%a+ %u%. %u[%a'%-]+") do add(n) end        -- "Robert W. Komer"
  for n in head:gmatch("%f[%a]%u%. %u%a+ %u[%a'%-]+") do add(n) end        -- "W. Averell Harriman"
  return out
end

-- A document written as label lines ("H: I find …" / "F: I will …") is read by the
-- labelled grammar configured as parley.grammar.detect finds it; a label resolves
-- through the participants: a name or surname, or the initial of one participant alone.
local function resolve_label(label, c)
  local reg = c.people
  local p = reg and reg:find(label)
  if p then return p.name end
  local l = label:gsub("%.$", "")
  if reg and l:find("^%u$") then
    local only
    for _, q in ipairs(reg.people) do
      if (surname(q.name) or ""):sub(1, 1) == l then
        if only then return nil end
        only = q
      end
    end
    return only and only.name or nil
  end
  return nil
end
local labelled_parsers = {}
local function labelled_for(dcfg)
  local sep = type(dcfg.separator) == "string" and dcfg.separator or ".:"
  local k = sep .. "\0" .. table.concat(dcfg.speakers, "\0") .. "\0\0" .. table.concat(dcfg.trailing_name or {}, "\0")
  local parse = labelled_parsers[k]
  if not parse then
    local c = {}
    for key, v in pairs(dcfg) do c[key] = v end
    c.resolve = resolve_label
    local lab = require "parley.grammar.labelled"
    c.footnotes = { "^Source:" }                      -- a TEI document's notes follow its source note
    for _, f in ipairs(lab.footnotes) do c.footnotes[#c.footnotes + 1] = f end
    parse = require("parley.grammar.labelled").build(c)
    labelled_parsers[k] = parse
  end
  return parse
end
-- Label lines at all?  ("\nH: ", "\nMR. BALL: "): the cheap test before detect reads every line.
local LABEL_LINES = { "\n[ \t]*%u[%w%.'%-]*:[ \t]",                 -- "H: ", "Ball: "
  "\n[ \t]*%u[%u%.'%- ]*%u%.?:[ \t]",                                 -- "MR. BALL: "
  "\n[ \t]*%u%a*%.? %u[%w'%-]*:[ \t]" }                              -- "The President: ", "Mr. Ball: "
-- The same three as LPeg patterns, so that one search goes from line break to
-- line break at the speed of a span, not three Lua patterns tried at every
-- byte.  (No match holds a second line break, so four lines that match
-- LABEL_LINES, counted once per pattern they match, are what is asked.)
local LABEL_PATTERNS
do
  local S, R, P = lpeg.S, lpeg.R, lpeg.P
  local indent, up, after = S" \t"^0, R"AZ", P":" * S" \t"
  local caps_end = up * P"."^-1 * ":"
  LABEL_PATTERNS = {
    "\n" * indent * up * (R("AZ", "az", "09") + S".'-")^0 * after,
    "\n" * indent * up * ((up + S".'- ") - caps_end)^0 * caps_end * S" \t",
    "\n" * indent * up * R("AZ", "az")^0 * P"."^-1 * " " * up * (R("AZ", "az", "09") + S"'-")^0 * after,
  }
end
local any_label_line = LABEL_PATTERNS[1] + LABEL_PATTERNS[2] + LABEL_PATTERNS[3]
local next_label_line = ((1 - P"\n")^1 + ("\n" - any_label_line))^0 * Cp() * "\n"
local function may_be_labelled(txt)
  local n, at = 0, 1
  while true do
    local nl = next_label_line:match(txt, at)
    if not nl then return false end
    for _, p in ipairs(LABEL_PATTERNS) do
      if p:match(txt, nl) then n = n + 1 end
    end
    if n >= 4 then return true end
    at = nl + 1
  end
end

function M.new(cfg)
  cfg = cfg or {}
  local compiled = compile(cfg)
  local acfg = setmetatable({ _compiled = compiled }, { __index = cfg })

  local function parse(txt, ctx)
    ctx = ctx or {}
    local lines = lines_of(txt)
    local regions, meta, entries, from = M.participants(txt, cfg, lines)
    if #entries == 0 then entries = M.listed(ctx.doc) end
    if #entries == 0 then entries = M.head_names(txt) end
    local register, order = M.register(ctx.people, entries, cfg)
    if #order > 0 then meta.participants = order end
    -- (not a telegram: its "A:", "B:" lines are an outline's, not speakers)
    local genre = type(ctx.doc) == "table" and ctx.doc.genre
    if cfg.labels ~= false and genre ~= "telegram" and may_be_labelled(txt) then
      local dcfg, report = detect.detect(txt, { register = register })
      if dcfg and report.level == "high" then
        local res = labelled_for(dcfg)(txt, { doc = ctx.doc, people = register, corpus = ctx.corpus })
        res.meta = res.meta or {}
        if #order > 0 then res.meta.participants = order end
        res.meta.detected = { labels = report.labels, separator = report.separator,
                              confidence = report.confidence, level = report.level }
        return res
      end
    end
    local turns, labels = M.attribute(txt, from, register, acfg, ctx, lines)
    for _, r in ipairs(turns) do regions[#regions + 1] = r end
    notes(txt, from, regions)
    return { regions = lib.merge_regions(lib.sort_regions(regions), labels), meta = meta }
  end

  return grammar.register{
    name = cfg.name or "narrative",
    description = cfg.description or "a narrative memorandum of conversation (reported speech, a participants block)",
    kinds = {
      turn = { "speaker", "side", "mode", "direction", "label" }, label = { "speaker" }, narration = {},
      field = { "name" }, header = {}, supplied = { "text" }, editorial_note = { "text" },
      heading = { "text" }, footnote = {}, stage = { "text" },       -- what the labelled grammar adds
    },
    parse = parse,
  }
end

M.grammar = M.new{ name = "narrative" }

return M
