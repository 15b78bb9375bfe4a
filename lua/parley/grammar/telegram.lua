-- Grammar "telegram": a cable exported from the Wilson Center Digital Archive
-- as Markdown (corpus/1962-11-02-mikoyan-telegram.md).  Region kinds:
--   field      one per **bold** field (date, title, Citation, Summary, …); the
--              document metadata gets date (ISO), title, citation, summary,
--              original_language and contents_language from them
--   preamble   the unnumbered opening before point 1
--   point      the numbered points — also when several share a paragraph
--              ("…flights. 4. We raised…") or a point's paragraph is broken
--              mid-sentence.  A number begins a point only at a paragraph or
--              sentence start and only as the next number (1, 2, 3 …), so a
--              date such as 2.XI.62 or a stray "5." is no point
--   turn       reported speech where the text names the speaker: "Stevenson said
--              that …", "…, said McCloy, …", "According to McCloy, …".  "We" and
--              "I" are the telegram's author.  A sentence that names no speaker
--              continues the turn before it in its point ("We do know roughly …"
--              after "…, continued McCloy, …"), unless it names that turn's
--              speaker or another subject, or is the author's comment ("It was
--              clear that …"); "Both of them were inquiring …" is the last two
--              named (lua/parley/grammar/continuation.lua).  Several speakers ("Stevenson and
--              McCloy stated that …") give one region per speaker over the same
--              span, each labelled "Stevenson and McCloy".  All turns are mode
--              "reported": the telegram reports; its verbatim words are quotes
--   label      the reporting frame of a turn, which its speakers did not say:
--              "Stevenson and McCloy stated that", "We raised the question",
--              "According to McCloy,", "McCloy said:", "…, continued McCloy, …"
--              (mid-sentence: the turn begins before it); one per speaker
--   quote      "…", “…”, «…», with the speaker(s) of the turn it stands in
--   supplied   words the translator supplied: [is], refuse[s]
--   editorial_note  an expansion (OAS [Organization of American States]), an
--              omission [...] or a note marked "—ed."
--   source_note     the closing [Source: …]
--   signoff    "2.XI.62 A. MIKOYAN": date (ISO) and author (canonical)
local lpeg = require "lpeg"
local grammar = require "parley.grammar"
local people = require "parley.people"
local lib = require "parley.grammar.lib"
local continuation = require "parley.grammar.continuation"

local P, S, V = lpeg.P, lpeg.S, lpeg.V
local C, Cc, Cg, Ct, Cp = lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.Cp
local upper, lower, letter, sp, gap = lib.upper, lib.lower, lib.letter, lib.sp, lib.gap
local trim_end = lib.trim_end
local digit = lpeg.R"09"

-- ------------------------------------------------------------ data

-- Words that make a named speaker's clause reported speech ("McCloy noted that");
-- auxiliaries and adverbs may stand between ("We have resolutely …").
local SPEECH_VERBS = {
  "said", "says", "assured", "confirmed", "affirmed", "stated", "declared", "noted",
  "underlined", "agreed", "mentioned", "asked", "demanded", "rejected", "replied",
  "answered", "remarked", "observed", "added", "insisted", "objected", "proposed",
  "suggested", "warned", "promised", "emphasized", "stressed", "inquired", "inquiring",
  "continued", "expressed", "repeated", "reiterated", "told",
  "raised the question", "put the question", "made the observation", "attempted to broach",
}
-- Verbs of an inverted attribution: "…, said McCloy, …", "continued McCloy".
local INVERTED_VERBS = { "said", "continued", "added", "replied", "asked", "noted", "remarked", "went on" }
-- A participle that makes a named speaker's clause speech after all:
-- "We have … warded off this probing, declaring that …".
local PARTICIPLES = { "declaring", "saying", "stating", "underlining", "stressing", "adding",
  "noting", "insisting", "emphasizing", "asking", "replying" }
local AUXILIARIES = { "have", "has", "had", "was", "were", "would", "did", "do", "does", "will" }
local ADVERBS = { "also", "then", "again", "once", "further" }
-- Speakers who are not persons of the register: groups, and the first person.
local COLLECTIVES = {
  { "the Americans", "The Americans", "the American side", "The American side", speaker = "the Americans", side = "US" },
  { "the Cubans", "The Cubans", speaker = "the Cubans", side = "Cuba" },
  { "the Soviet side", "The Soviet side", speaker = "the Soviet side", side = "USSR" },
}
local FIRST_PERSON = { "We", "we", "I" }
-- What may close a reporting frame after its verb: an addressee, then "that" or a colon.
local ADDRESSEES = { "us", "me", "him", "her", "them" }
local CONJUNCTIONS = { "that", "whether" }

-- ------------------------------------------------------------ the grammar

local blank = S" \t\n"
local open = S"\"(" + P"“" + P"«"
local adverb = lib.ly_adverb + lib.phrases(ADVERBS)
local next_sentence = #(blank^1 * (upper + digit + open + "[") + blank^0 * -1)

-- The speakers a parse can name: the register's people, the groups, and the
-- author as "We"/"I" (memoised per register and author).
local speaker_memo = setmetatable({}, { __mode = "k" })
local function speakers(register, author, side)
  local by_author = speaker_memo[register] or {}
  speaker_memo[register] = by_author
  local key = author or ""
  if by_author[key] then return by_author[key] end
  local function as(name, sd) return function(label) return { label = label, name = name, side = sd } end end
  local p = lib.names(register, { wrap = true })
  if author then p = p + lib.phrases(FIRST_PERSON) / as(author, side) end  -- else "We" is nobody
  for _, g in ipairs(COLLECTIVES) do p = p + C(lib.phrases(g)) / as(g.speaker, g.side) end
  by_author[key] = p
  return p
end

-- The end of a reporting frame from position i (after its verb): the position after it.
local frame_tail = (gap * lib.phrases(ADDRESSEES))^-1
  * (gap * lib.phrases(CONJUNCTIONS) + sp^0 * ":")^-1 * Cp()
local conj_tail = (gap * lib.phrases(CONJUNCTIONS))^-1 * Cp()
local comma_tail = (sp^0 * ",")^-1 * Cp()

local function item(tag, patt)
  return Ct(Cg(Cc(tag), "t") * Cg(Cp(), "s") * patt * Cg(Cp(), "e"))
end

-- The header, and then the body in chunks of at most STEPS scanner steps:
-- the scan is a possessive loop, so chunks find what one pass would, and the
-- values match-time captures leave on the Lua stack (LPeg allows 32 767 at
-- once) are freed at the end of each chunk, however long the document.
local STEPS = 2048
local rules = { "Document",
  Document   = Ct(Cg(V"Header", "fields") * Cg(Cp(), "body")),
  Chunk      = Ct((V"Item" + V"Word" + 1)^-STEPS) * Cp(),
  -- the Markdown header: **bold** lines, and **Label:** fields of one paragraph
  Header     = Ct((blank^0 * V"Field")^0),
  Field      = item("field", P"**" * Cg(C((1 - S"*:\n")^1), "label") * ":**"
                 * (blank^1 * -P"**" * Cg(C((1 - lib.parbreak)^1), "value"))^-1)
             + item("bold", P"**" * Cg(C((1 - P"**" - lib.parbreak)^1), "value") * "**"),
  -- the body: a flat list of what the scanner meets at word starts (Chunk above)
  Item       = V"Signoff" + V"Point" + V"Quote" + V"Inverted" + V"According" + V"Pronoun"
             + V"Subject" + V"Participle" + V"End",
  Word       = upper * "." * #(gap^-1 * upper)                   -- an initial ends nothing
             + (letter + digit)^1,
  Signoff    = item("signoff", Cg(lib.date, "date") * gap * Cg(C(lib.caps_name), "name")),
  Point      = item("point", Cg(digit^1 / tonumber, "number") * "." * sp^1
                 * -(S"IVX"^1 * ".") * #(upper + open)),
  Quote      = item("quote", lib.quoted),
  Inverted   = item("inverted", (P"," * gap * (P"-" * gap)^-1)^-1 * lib.phrases(INVERTED_VERBS)
                 * gap * Cg(V"Group", "names") * #(sp^0 * S",.;:!?-")),
  According  = item("according", S"Aa" * "ccording" * gap * "to" * gap * Cg(V"Group", "names")
                 * #(sp^0 * ",")),
  Subject    = item("subject", Cg(V"Group", "names")
                 * Cg(V"Says" * Cc(true) + #(gap * lower) * Cc(false), "verb")),
  Pronoun    = item("pronoun", Cg(lib.phrases(continuation.pronouns.two) * Cc(2)
                 + lib.phrases(continuation.pronouns.one) * Cc(1), "n") * Cg(Cp(), "pe") * V"Says"),
  Says       = (gap * (adverb + lib.phrases(AUXILIARIES)))^0 * gap * lib.phrases(SPEECH_VERBS),
  Participle = item("participle", "," * gap * lib.phrases(PARTICIPLES)),
  End        = item("end", S".?!" * next_sentence),
  Group      = Ct(V"Name" * (gap * "and" * gap * V"Name")^0),
  Name       = lib.dynamic1("speakers", letter),     -- not empty: it stands in loops
}
local Document = P(rules)
rules[1] = "Chunk"
local Chunk = P(rules)

-- The items of the body from byte at on, in order.
local function scan(txt, at, state)
  local items = {}
  repeat
    local list, nxt = Chunk:match(txt, at, state)
    table.move(list, 1, #list, #items + 1, items)
    at = nxt
  until at > #txt
  return items
end

-- ------------------------------------------------------------ header and notes

local whole_date = lib.date * blank^0 * -1

local function header(txt, fields, regions, meta)
  for _, f in ipairs(fields) do
    local name
    if f.t == "bold" then
      local d = whole_date:match(f.value)
      if d and not meta.date then name, meta.date = "date", d.iso
      elseif not meta.title then name, meta.title = "title", lib.squeeze(f.value)
      else name = "heading" end
    else
      name = f.label:lower():gsub("%W+", "_")
      local value = lib.squeeze(f.value or "")
      if name == "contents" then meta.contents_language = value:match("%-%s*(.-)$") or value
      else meta[name] = value end
    end
    regions[#regions + 1] = { kind = "field", start = f.s, stop = trim_end(txt, f.e - 1),
                              attrs = { name = name } }
  end
end

local OMISSION = { ["..."] = true, ["…"] = true, [". . ."] = true }

local function bracket(txt, b, regions)
  local kind = "supplied"
  if b.editorial or OMISSION[b.text] or lib.expands(txt, b) then
    kind = "editorial_note"
  elseif b.text:find("^Source:") then
    kind = "source_note"
  end
  regions[#regions + 1] = { kind = kind, start = b.start, stop = b.stop, attrs = { text = b.text } }
end

-- ------------------------------------------------------------ turns

-- Where a turn ends when the next attribution of its sentence begins: before ", and".
local function cut_before(txt, pos)
  return #(txt:sub(1, pos - 1):gsub("[%s,;]*$", ""):gsub("%s+and$", ""):gsub("[%s,;]*$", ""))
end

-- The attributions of one sentence, in order: { s =, names =, label = { s, e } }
-- each (label: the reporting frame, an inclusive byte span).
local function attributions(txt, sent)
  local out = {}
  local function add(it, s, after) out[#out + 1] = { s = it.s, names = it.names, label = { s, after - 1 } } end
  for k, it in ipairs(sent) do
    if it.t == "inverted" then                 -- "…, said McCloy, …": the verb and the names
      local verb = txt:match("^[,%s%-]*()", it.s)
      return { { s = sent.s, names = it.names, label = { verb, it.e - 1 } } }
    end
    if it.t == "according" then
      add(it, it.s, comma_tail:match(txt, it.e))
    elseif it.t == "subject" and it.verb then
      add(it, it.s, frame_tail:match(txt, it.e))
    elseif it.t == "subject" then            -- ", declaring that" later in its clause
      for j = k + 1, #sent do
        if sent[j].t == "subject" then break end
        if sent[j].t == "participle" then add(it, it.s, conj_tail:match(txt, sent[j].e)) break end
      end
    end
  end
  return out
end

-- One turn region per speaker of a group over a.s..e, and their label regions;
-- returns the turn (its regions and span, which a continued sentence extends).
local function emit(a, e, regions, spans, frames)
  local labels, seen, span = {}, {}, { s = a.s, e = e, group = {} }
  local turn = { span = span, regions = {} }
  for _, n in ipairs(a.names) do labels[#labels + 1] = n.label end
  for _, n in ipairs(a.names) do
    if not seen[n.name or ""] then
      seen[n.name or ""] = true
      span.group[#span.group + 1] = n
      local r = { kind = "turn", start = a.s, stop = e, attrs = {
        speaker = n.name, side = n.side, mode = "reported", label = a.text or table.concat(labels, " and ") } }
      regions[#regions + 1] = r
      turn.regions[#turn.regions + 1] = r
      frames[#frames + 1] = { kind = "label", start = a.label[1], stop = math.min(a.label[2], e),
                              attrs = { speaker = n.name } }
    end
  end
  spans[#spans + 1] = span
  return turn
end

local narrator = lib.phrases(continuation.narrator)
local FIRST = {}
for _, w in ipairs(FIRST_PERSON) do FIRST[w] = true end

-- What a sentence without an attribution tells the follower: a pronoun that
-- speaks ("Both of them were inquiring"), a named subject that does not
-- ("McCloy received …"; the author's "We do know" is no such subject: it may
-- be a speaker's "we"), the author's comment, and whom it names.
local function facts_of(txt, sent, who)
  local facts = { mentions = {} }
  local mentions = facts.mentions
  local first = who and lpeg.Ct(who):match(txt, sent.s)       -- "Rusk and Kennedy's letter …"
  if first and first[1] and not FIRST[first[1].label] then facts.subject = true end
  for _, it in ipairs(sent) do
    local at_start = it.s == sent.s
    if it.t == "pronoun" and at_start then facts.pronoun = facts.pronoun or it end
    if it.names then
      for _, n in ipairs(it.names) do
        if not FIRST[n.label] then
          mentions[n.name] = true
          if at_start and it.t == "subject" then facts.subject = true end
        end
      end
    end
  end
  facts.narrator = sent.s and narrator:match(txt, sent.s) ~= nil
  return facts
end

local function turns(txt, sent, stop, regions, spans, frames, follow, who)
  if txt:sub(1, sent.s - 1):find("\n[ \t]*\n[ \t]*$") then follow:reset() end  -- a paragraph's first
  local list = attributions(txt, sent)
  if #list == 0 then
    local facts = facts_of(txt, sent, who)
    local p = facts.pronoun
    local how, group, turn = follow:sentence{ pronoun = p and p.n, subject = facts.subject,
                                              narrator = facts.narrator, mentions = facts.mentions }
    if how == "pronoun" then
      local a = { s = p.s, names = group, label = { p.s, frame_tail:match(txt, p.e) - 1 },
                  text = txt:sub(p.s, p.pe - 1) }
      follow:open(emit(a, stop, regions, spans, frames))
    elseif how == "continued" and turn then
      for _, r in ipairs(turn.regions) do r.stop = stop end
      turn.span.e = stop
    end
    return
  end
  for k, a in ipairs(list) do
    local e = list[k + 1] and cut_before(txt, list[k + 1].s) or stop
    local turn = emit(a, e, regions, spans, frames)
    follow:sentence{ named = turn.span.group }
    follow:open(turn)
  end
end

-- ------------------------------------------------------------ the body

local function body(txt, from, items, regions, register, frames, who)
  local sent, points, quotes, spans, signoff = { s = txt:find("%S", from) }, {}, {}, {}, nil
  local follow = continuation.new()
  local function close(stop)
    if sent.s and stop >= sent.s then turns(txt, sent, stop, regions, spans, frames, follow, who) end
    sent = { s = txt:find("%S", stop + 1) }
  end
  for _, it in ipairs(items) do
    if it.t == "end" then close(it.e - 1)
    elseif it.t == "point" then
      local at_start = it.s == sent.s or txt:sub(math.max(1, it.s - 80), it.s - 1):find("\n[ \t]*\n[ \t]*$")
      if at_start and it.number == #points + 1 then
        if #sent > 0 then close(trim_end(txt, it.s - 1)) end
        points[#points + 1] = it
        follow:reset()                       -- a point opens with no one speaking
        sent = { s = it.e }
      end
    elseif it.t == "signoff" and not signoff then
      close(trim_end(txt, it.s - 1))
      signoff = it
      regions[#regions + 1] = { kind = "signoff", start = it.s, stop = it.e - 1,
        attrs = { date = it.date.iso, author = (register:canonical(it.name)) } }
    elseif it.t == "quote" then
      quotes[#quotes + 1] = it
      sent[#sent + 1] = it
      if txt:sub(it.e - 4, it.e - 1):find("[.?!][\"”»]$") and next_sentence:match(txt, it.e) then
        close(it.e - 1)                      -- the quote ends its sentence
      end
    else
      sent[#sent + 1] = it
    end
  end
  local last = trim_end(txt, (signoff and signoff.s or #txt + 1) - 1)
  if sent.s and sent.s <= last then close(last) end
  for _, _, b in lib.find_all(lib.bracket, txt, from) do bracket(txt, b, regions) end
  -- preamble and points
  local first = txt:find("%S", from)
  if points[1] and first and first < points[1].s then
    regions[#regions + 1] = { kind = "preamble", start = first, stop = trim_end(txt, points[1].s - 1),
                              attrs = {} }
  end
  for k, p in ipairs(points) do
    local stop = points[k + 1] and trim_end(txt, points[k + 1].s - 1) or last
    regions[#regions + 1] = { kind = "point", start = p.s, stop = stop, attrs = { number = p.number } }
  end
  -- a quote takes the speakers of the turn it stands in
  for _, q in ipairs(quotes) do
    local group = { {} }
    for _, span in ipairs(spans) do
      if span.s <= q.s and q.s <= span.e then group = span.group end
    end
    for _, n in ipairs(group) do
      regions[#regions + 1] = { kind = "quote", start = q.s, stop = q.e - 1,
                                attrs = { speaker = n.name, side = n.side } }
    end
  end
end

local signed_by = lib.date / function() end * gap * C(lib.caps_name)

local function parse(txt, ctx)
  ctx = ctx or {}
  local register, doc = ctx.people or people.new{}, ctx.doc or {}
  local regions, meta = {}, {}
  -- the first person is the author: the manifest's, else the sign-off's
  local at = txt:match("()%d%d?%.[IVX]+%.%d%d")
  local author = doc.author or at and signed_by:match(txt, at)
  local name, side
  if author then name, side = register:canonical(author) end
  local who = speakers(register, name, side)
  local state = { speakers = who }
  local tree = Document:match(txt, 1, state)
  header(txt, tree.fields, regions, meta)
  local labels = {}
  body(txt, tree.body, scan(txt, tree.body, state), regions, register, labels, who)
  return { regions = lib.merge_regions(lib.sort_regions(regions), labels), meta = meta }
end

return grammar.register{
  name = "telegram",
  description = "a telegram exported from the Wilson Center Digital Archive as Markdown",
  kinds = {
    field = { "name" }, preamble = {}, point = { "number" },
    turn = { "speaker", "side", "mode", "direction", "label" },
    label = { "speaker" },
    quote = { "speaker", "side" }, supplied = { "text" }, editorial_note = { "text" },
    source_note = { "text" }, signoff = { "date", "author" },
  },
  parse = parse,
}
