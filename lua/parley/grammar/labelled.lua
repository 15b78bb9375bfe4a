-- Grammar "labelled" (formerly "speakers", a name manifests may still use): a
-- grammar builder for transcripts whose turns begin with a speaker label —
-- `Stevenson: …`, `Q. …` / `A. …`, `THE COURT: …` — and whose narrative
-- paragraphs report speech (`Gromyko said that …`).  A new transcript format
-- usually needs only a configuration table:
--
--   local labelled = require "parley.grammar.labelled"
--   return labelled.new{
--     name = "testimony",
--     speakers = { Q = "Q", A = "A", ["THE COURT"] = "the Court" },  -- label -> speaker
--     separator = lpeg.S".:",               -- after the label (default ":")
--     switches = { { "EXAMINATION BY (.-):?$", label = "Q" } },  -- who Q is from here on
--     continuation = true,                  -- unlabelled paragraphs continue a turn
--   }
--
-- Options (all optional):
--   name, description  the grammar's registry entry (default "labelled")
--   speakers      label as written -> speaker name (resolved through the corpus'
--                 person register); a list of labels means each is its own name.
--                 Without it, any name of the register is a label (or, with an
--                 empty register, any "A. B. Surname"-like name)
--   label         an LPeg pattern for labels, instead of the above
--   separator     string or LPeg pattern after the label (default ":")
--   blank_line    a turn begins only after a blank line (default false: at any line)
--   continuation  an unlabelled paragraph after a turn continues it (default false:
--                 it is narration, or a reported turn)
--   names         more names for reported speech: as written -> speaker ("The President")
--   reported      verbs that, after a name at a sentence start, make reported speech
--                 ("McCloy remarks that …"); false: none
--   conjunctions  words after such a verb that still belong to the label ("that")
--   switches      { { LUA_PATTERN, label = L } }: a line matching the pattern says
--                 who label L stands for from then on (its capture is the name)
--   notes         { { OPEN, CLOSE, kind = K } }: notes in the text; without kind,
--                 "[…]" is a supplied word unless marked "—ed." (editorial_note).
--                 A note alone on its line(s) is no part of a turn.  Default { { "[", "]" } }
--   skip          Lua patterns of lines that neither begin nor end a turn (page numbers)
--   header        field names of a header at the top ("Participants", "Subject"):
--                 `Name: value` lines become field regions and document metadata;
--                 with `blocks = true` in the list, a name may also stand alone on
--                 its line ("SUBJECT", "PARTICIPANTS:") with its values on the lines
--                 below, one a line, to a blank line or the next field name
--                 (sub-headings such as "United States:" are no participants)
-- Region kinds: turn (speaker, side, mode "direct" or "reported", direction, label),
-- label (speaker: the words that open a turn and that its speaker did not say, "Q.",
-- "McCloy (in a jocular tone):", "The Secretary said that"), narration, supplied,
-- editorial_note, field (name).
local lpeg = require "lpeg"
local grammar = require "parley.grammar"
local people = require "parley.people"
local lib = require "parley.grammar.lib"
local fields = require "parley.grammar.header"

local P, V, C, Cg, Ct, Cp = lpeg.P, lpeg.V, lpeg.C, lpeg.Cg, lpeg.Ct, lpeg.Cp
local sp, nl, gap = lib.sp, lib.nl, lib.gap

local M = {}

M.reported = {
  "says", "said", "remarks", "remarked", "notes", "noted", "objects", "objected", "replies",
  "replied", "answers", "answered", "asks", "asked", "reiterates", "reiterated", "states",
  "stated", "adds", "added", "continues", "continued", "points out", "pointed out", "stresses",
  "stressed", "emphasizes", "emphasized", "declares", "declared", "agrees", "agreed", "explains",
  "explained", "assures", "assured", "observes", "observed", "proposes", "proposed", "suggests",
  "suggested", "insists", "insisted", "responds", "responded", "poses a question", "posed a question",
}
M.skip = { "^%s*%-?%s*%d+%s*%-?%s*$" }     -- a page number alone on its line
M.conjunctions = { "that", "whether" }      -- end the label of a reported turn

local adverb = lib.ly_adverb + lib.phrases{ "also", "again", "then" }

local function keys(t)
  local out = {}
  for k, v in pairs(t or {}) do out[#out + 1] = type(k) == "number" and v or k end
  return out
end

-- The patterns of one configuration: a turn's label line, a reported-speech
-- opening and a note, as one grammar with three entry points.
local function compile(cfg)
  local labels, names = keys(cfg.speakers), keys(cfg.names)
  local rules = {
    "Turn",
    Turn     = Ct(sp^0 * Cg(Cp(), "s") * Cg(C(V"Label" / 0), "label")
               * (sp^0 * Cg(lib.direction, "direction"))^-1 * sp^0 * V"Sep" * Cg(Cp(), "e")
               * (sp^1 + #nl + -1)),
    Label    = cfg.label or (#labels > 0 and lib.phrases(labels))
               or lib.dynamic("names") + lib.dynamic("generic"),
    Sep      = P(cfg.separator or ":"),
    Reported = Ct(Cg(Cp(), "s") * Cg(C(V"Name" / 0), "label") * (gap * adverb)^0 * gap * V"Verb"
               * (gap * lib.phrases(cfg.conjunctions or M.conjunctions))^-1 * Cg(Cp(), "e")),
    Name     = (#names > 0 and lib.phrases(names) or P(false)) + lib.dynamic("names"),
    Verb     = cfg.reported == false and P(false) or lib.phrases(cfg.reported or M.reported),
    Note     = P(false),
  }
  for _, n in ipairs(cfg.notes or { { "[", "]" } }) do
    local open, close = P(n[1]), P(n[2])
    local body = open * C((1 - close - lib.parbreak)^0) * close
    rules.Note = rules.Note + (n[1] == "[" and not n.kind and lib.bracket / function(b)
        return { start = b.start, stop = b.stop, text = b.text,
                 kind = b.editorial and "editorial_note" or "supplied" } end
      or Cp() * body * Cp() / function(s, text, e)
        return { start = s, stop = e - 1, text = lib.squeeze(text), kind = n.kind or "editorial_note" } end)
  end
  local function entry(name) rules[1] = name; return P(rules) end
  return { turn = entry("Turn"), reported = entry("Reported"), note = entry("Note") }
end

-- The lines of txt: { s = first content byte, e = last, blank = true|nil }.
local function lines_of(txt)
  local out, at = {}, 1
  while at <= #txt do
    local e = txt:find("\n", at, true) or #txt + 1
    local s = txt:match("^[ \t]*()", at)
    local last = lib.trim_end(txt, e - 1, s)
    out[#out + 1] = { s = s, e = last, blank = last < s or nil }
    at = e + 1
  end
  return out
end

-- Where sentences may begin in txt[s..e]: s, and after ". ", "? ", "! " (not
-- after an initial such as the "A." of "A. I. Mikoyan").
local function sentence_starts(txt, s, e)
  local out, part = { s }, txt:sub(s, e)
  for at, pos in part:gmatch("()[.?!][\"”]?%s+()%u") do
    if not part:sub(1, at):find("%f[%w]%u%.$") then out[#out + 1] = s + pos - 1 end
  end
  return out
end

-- Header fields at the top (after any title lines): `Participants: …` and
-- the like, a value continuing on the following lines.  Returns the first line after.
local function header(cfg, txt, lines, regions, meta, register)
  if not cfg.header then return 1 end
  local wanted, i, found = {}, 1, false
  for _, f in ipairs(cfg.header) do wanted[f:lower()] = true end
  local function field_at(l) return fields.field(txt:sub(l.s, l.e), wanted, cfg.header.blocks) end
  while lines[i] do
    local l = lines[i]
    local name, value, alone = field_at(l)
    if name then
      local f = { kind = "field", start = l.s, stop = l.e, attrs = { name = name } }
      local list = alone and cfg.header.blocks and name == "participants"   -- one a line
      i = i + 1
      while lines[i] and not lines[i].blank and not field_at(lines[i]) do
        local line = txt:sub(lines[i].s, lines[i].e)
        if not (list and fields.side_of(line)) then
          value = value == "" and line or value .. (list and "; " or " ") .. line
        end
        f.stop, i = lines[i].e, i + 1
      end
      regions[#regions + 1], found = f, true
      value = lib.squeeze(value)
      if name == "participants" then                  -- canonical names, "; "-separated
        local list = {}
        for part in value:gmatch("[^;]+") do                -- "Mr. Lane, interpreter"
          part = lib.squeeze(part)
          list[#list + 1] = register:find(part) and register:canonical(part)
            or (register:canonical((part:gsub("%s*,.*$", ""))))
        end
        value = table.concat(list, "; ")
      end
      meta[name] = value
    elseif l.blank or not found then
      i = i + 1                                        -- blank, or a title line
    else
      return i
    end
  end
  return found and i or 1
end

-- new(cfg) -> the grammar (registered under cfg.name).
function M.new(cfg)
  cfg = cfg or {}
  local pat = compile(cfg)
  local skips = cfg.skip or M.skip

  local function parse(txt, ctx)
    ctx = ctx or {}
    local register = ctx.people or people.new{}
    local state = { names = lib.names(register, { wrap = true }),
                    generic = #register.people == 0 and C(lib.any_name) or P(false) }
    local regions, meta, roles = {}, {}, {}
    for k, v in pairs(cfg.speakers or {}) do
      if type(k) == "number" then roles[v] = v else roles[k] = v end
    end
    local lines = lines_of(txt)
    local cur                      -- the open turn or narration; .stop: end of its last line
    -- close it, at its last line or (mid-line) just before position `before`
    local function close(before)
      if cur then
        local stop = before and before - 1 or cur.stop
        while stop >= cur.start and txt:sub(stop, stop):find("[%s,;]") do stop = stop - 1 end
        if stop >= cur.start then
          cur.stop = stop
          regions[#regions + 1] = cur
        end
      end
      cur = nil
    end
    local function open(kind, start, attrs, line)
      if cur and start > line.s then cur.stop = line.e; close(start) else close() end
      cur = { kind = kind, start = start, stop = line.e, attrs = attrs }
    end
    local function speaker(label)
      local who = roles[label] or (cfg.names and cfg.names[label]) or label
      local name, side = register:canonical(who)
      return name, side
    end
    -- notes: alone on their lines they stand outside the turns
    local notes, alone, directions, labels = {}, {}, {}, {}
    for s, _, n in lib.find_all(pat.note, txt) do
      notes[#notes + 1] = n
      local before = s - 1
      while before > 0 and txt:find("^[ \t]", before) do before = before - 1 end
      if (before == 0 or txt:sub(before, before) == "\n")
          and (txt:find("^[ \t]*\n", n.stop + 1) or txt:find("^[ \t]*$", n.stop + 1)) then
        alone[s] = n
      end
    end
    local i, para_start, skip_to = header(cfg, txt, lines, regions, meta, register), true, 0
    while lines[i] do
      local l = lines[i]
      local line = txt:sub(l.s, math.max(l.e, l.s - 1))
      local skipped = false
      for _, p in ipairs(skips) do skipped = skipped or line:find(p) ~= nil end
      if l.blank then
        para_start = true
      elseif l.s <= skip_to or skipped then
        -- inside a note alone on its lines, or page furniture
      elseif alone[l.s] then
        close()
        skip_to = alone[l.s].stop
        para_start = true
      else
        local switched
        for _, sw in ipairs(cfg.switches or {}) do
          local who = line:match(sw[1])
          if who then roles[sw.label], switched = who, true end
        end
        local t = not switched and (para_start or not cfg.blank_line) and pat.turn:match(txt, l.s, state)
        if switched then
          close()
        elseif t then
          local name, side = speaker(t.label)
          if t.direction then directions[t.direction.start] = true end
          open("turn", t.s, { speaker = name, side = side, mode = "direct", label = t.label,
                              direction = t.direction and t.direction.text }, l)
          labels[#labels + 1] = { kind = "label", start = t.s, stop = t.e - 1, attrs = { speaker = name } }
        elseif not cur or cur.attrs.mode ~= "direct" or para_start then
          -- a reported turn, narration, or a direct turn's next paragraph; in
          -- speech, only a paragraph's first sentence may open a reported turn
          local in_speech = cur and cur.attrs.mode == "direct"
          for k, pos in ipairs(sentence_starts(txt, l.s, l.e)) do
            if k > 1 and cur and cur.attrs.mode == "direct" then break end
            local r = pat.reported:match(txt, pos, state)
            if r then
              local name, side = speaker(r.label)
              open("turn", pos, { speaker = name, side = side, mode = "reported", label = r.label }, l)
              labels[#labels + 1] = { kind = "label", start = pos, stop = r.e - 1, attrs = { speaker = name } }
            elseif k == 1 and para_start and not (in_speech and cfg.continuation) then
              open("narration", pos, {}, l)
            end
          end
        end
        if cur then cur.stop = l.e end
        para_start = false
      end
      i = i + 1
    end
    close()
    for _, n in ipairs(notes) do                 -- "(in a jocular tone)" after a label is no note
      if not directions[n.start] then
        regions[#regions + 1] = { kind = n.kind, start = n.start, stop = n.stop, attrs = { text = n.text } }
      end
    end
    return { regions = lib.merge_regions(lib.sort_regions(regions), labels), meta = meta }
  end

  return grammar.register{
    name = cfg.name or "labelled",
    description = cfg.description or "a transcript of `Speaker: text` turns",
    kinds = {
      turn = { "speaker", "side", "mode", "direction", "label" }, label = { "speaker" }, narration = {},
      supplied = { "text" }, editorial_note = { "text" }, field = { "name" },
    },
    parse = parse,
  }
end

M.grammar = M.new{ name = "labelled" }

return M
