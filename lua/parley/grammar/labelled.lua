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
M.max_note = 4000                           -- bytes inside a note's brackets, at most

local adverb = lib.ly_adverb + lib.phrases{ "also", "again", "then" }

local function keys(t)
  local out = {}
  for k, v in pairs(t or {}) do out[#out + 1] = type(k) == "number" and v or k end
  return out
end

-- The folded form under which labels are compared (case, accents and the
-- spacing of initials evened out, as the person register compares names);
-- with exact case, only spaces are evened out.
local function folder(cfg)
  if cfg.nocase == false then return function(s) return lib.squeeze(s) end end
  return people.key
end

-- Is the text of a parenthesis a stage direction?  One of the words (folded
-- prefix: "Laughter and applause."), or a sentence of three words or more:
-- "The President left the room."
local function stage_test(cfg)
  if not cfg.stage then return function() return false end end
  local words = {}
  for _, w in ipairs(type(cfg.stage) == "table" and cfg.stage or M.stage) do words[#words + 1] = people.key(w) end
  return function(text)
    local k = people.key((text:gsub("[%.!]+$", "")))
    for _, w in ipairs(words) do
      if k == w or k:sub(1, #w + 1) == w .. " " then return true end
    end
    local _, n = text:gsub("%S+", "")
    return n >= 3 and text:find("^%u") ~= nil and text:find("[%.!]$") ~= nil
  end
end

-- A note pattern for one convention { OPEN, CLOSE, kind = K }: captures
-- { start, stop, text, kind, open }.  across: the note may span blank lines.
local edmark = "%s*[—–%-]+%s*[Ee]ds?%.?%s*$"
local function note_pattern(n, across)
  local open, close = P(n[1]), P(n[2])
  if n[1] == "[" and not n.kind and not across then
    return lib.bracket / function(b)
      return { start = b.start, stop = b.stop, text = b.text, open = "[",
               kind = b.editorial and "editorial_note" or "supplied" } end
  end
  -- the closing bracket within M.max_note bytes (and, unless across, before a blank line),
  -- found with string.find so that unclosed brackets cost no more than that each
  local c = n[2]
  local body = lpeg.Cmt(open, function(subject, i)
    local stop = subject:find(c, i, true)
    if not stop or stop - i > M.max_note then return false end
    local inner = subject:sub(i, stop - 1)
    if not across and inner:find("\n[ \t]*\n") then return false end
    return stop + #c, inner
  end)
  return Cp() * body * Cp() / function(s, text, e)
    local kind = n.kind
    if n[1] == "[" and not kind then
      kind = text:find(edmark) and "editorial_note" or "supplied"
      text = text:gsub(edmark, "")
    end
    return { start = s, stop = e - 1, text = lib.squeeze(text), kind = kind or "editorial_note", open = n[1] }
  end
end

-- The patterns of one configuration: a turn's label line, a reported-speech
-- opening and a note, as one grammar with three entry points.
local function compile(cfg)
  local labels, names = keys(cfg.speakers), keys(cfg.names)
  local nocase = cfg.nocase ~= false
  local rules = {
    "Turn",
    Turn     = Ct(sp^0 * Cg(Cp(), "s") * Cg(C(V"Label" / 0), "label")
               * (sp^0 * Cg(lib.direction, "direction"))^-1 * sp^0 * V"Sep" * Cg(Cp(), "e")
               * (sp^1 + #nl + -1)),
    Label    = cfg.label or (#labels > 0 and lib.phrases(labels, { nocase = nocase }))
               or lib.dynamic("names") + lib.dynamic("generic"),
    Sep      = P(cfg.separator or ":"),
    Reported = Ct(Cg(Cp(), "s") * Cg(C(V"Name" / 0), "label") * (gap * adverb)^0 * gap * V"Verb"
               * (gap * lib.phrases(cfg.conjunctions or M.conjunctions))^-1 * Cg(Cp(), "e")),
    Name     = (#names > 0 and lib.phrases(names) or P(false)) + lib.dynamic("rnames"),
    Verb     = cfg.reported == false and P(false) or lib.phrases(cfg.reported or M.reported),
    Note     = P(false),
  }
  local paren = false
  for _, n in ipairs(cfg.notes or { { "[", "]" } }) do
    rules.Note = rules.Note + note_pattern(n, cfg.across_blank)
    paren = paren or n[1] == "("
  end
  if cfg.stage and not paren then          -- parentheses only for stage directions
    rules.Note = rules.Note + note_pattern({ "(", ")", kind = "_paren" }, cfg.across_blank)
  end
  local function entry(name) rules[1] = name; return P(rules) end
  return { turn = entry("Turn"), reported = entry("Reported"), note = entry("Note") }
end

-- The lines of txt: { s = first content byte, e = last, blank = true|nil }.
local lines_of = lib.line_spans

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

-- The labels a fuzzy match may find: the configured ones (speakers, names) or,
-- without speakers, every name and alias of the register: { text, key, words, len }.
local function fuzzy_candidates(cfg, register, fold)
  local out, seen = {}, {}
  local function add(s)
    local k = fold(s)
    if not seen[k] then
      seen[k] = true
      local _, words = s:gsub("%S+", "")
      out[#out + 1] = { text = s, key = k, words = words, len = utf8.len(k) or #k }
    end
  end
  for _, l in ipairs(keys(cfg.speakers)) do add(l) end
  for _, l in ipairs(keys(cfg.names)) do add(l) end
  if not cfg.speakers then
    for _, p in ipairs(register.people) do
      add(p.name)
      for _, a in ipairs(p.aliases or {}) do add(a) end
    end
  end
  table.sort(out, function(a, b) return a.len > b.len or a.len == b.len and a.key < b.key end)
  return out
end

-- A label at the start of line l that is off by a few characters (OCR), its
-- separator perhaps garbled to ".", "," or ":": { s, e (after the separator),
-- text (as written), label (the candidate), distance } or nil.  A separator
-- other than the configured one must be followed by a capital, a digit, a
-- quotation mark, a parenthesis or the line end ("Senator Wright, however"
-- is no label).
local function fuzzy_label(txt, l, candidates, opts, fold, sep)
  local line = txt:sub(l.s, math.min(l.e, l.s + 200))          -- a label is near the start
  local tokens = {}
  for s, tok in line:gmatch("()(%S+)") do
    tokens[#tokens + 1] = { s = s, e = s + #tok - 1 }
    if #tokens >= 6 then break end
  end
  local best
  local prefixes = {}                    -- per number of words: the folded label as written, or false
  for _, c in ipairs(candidates) do
    local k = c.words
    local t = tokens[k]
    if t and prefixes[k] == nil then
      local last, written, after = line:sub(t.e, t.e), line:sub(1, t.e - 1), txt:sub(l.s + t.e, l.e)
      local ok_sep = last:find("^[%.,:]$") and (after == "" or after:find("^%s"))
      if ok_sep and last ~= sep then
        ok_sep = after:find("^%s*$") or after:find("^%s+[%u%d\"“'‘(]")
      end
      prefixes[k] = ok_sep and written ~= "" and { key = fold(written), text = written, last = last, e = t.e } or false
      if prefixes[k] then prefixes[k].len = utf8.len(prefixes[k].key) or #prefixes[k].key end
    end
    local w = t and prefixes[k]
    if w then
      local limit = lib.fuzzy_limit(c.len, opts)
      if math.abs(w.len - c.len) <= limit then
        local d = lib.edit_distance(w.key, c.key, limit)
        if d <= limit and (d > 0 or w.last ~= sep) and (not best or d < best.distance) then
          best = { s = l.s, e = l.s + w.e, text = w.text, label = c.text, distance = d, separator = w.last }
        end
      end
    end
  end
  return best
end

-- The lines that end a turn: dashed separators anywhere, and an all-capital
-- heading that is a paragraph of its own.  { PATTERN, alone = true }: the line
-- must have blank lines (or the text's ends) on both sides.
M.breaks = { "^%-%-%-+.-%-%-%-+$", "^%-%-%-+$", "^%*[%s%*]*%*$", { "^%u[%u%d%s%p]*[%u%d]%p?$", alone = true } }
-- The lines that open the notes: what follows, up to the next break or
-- labelled turn, is a footnote region.
M.footnotes = { "^%-+%s*[Ff][Oo][Oo][Tt][Nn][Oo][Tt][Ee][Ss]?%s*%-+$", "^[Ff]ootnotes?:?$", "^FOOTNOTES?:?$" }
-- Stage directions (with the option stage = true): a parenthesis that begins
-- with one of these words, or holds a sentence of three words or more.
M.stage = { "laughter", "applause", "inaudible", "crosstalk", "pause", "silence", "interruption",
            "off the record", "laughs", "no response", "several questions", "general laughter" }

local function any_of(list, line)
  for _, p in ipairs(list) do
    if line:find(type(p) == "table" and p[1] or p) then return true, p end
  end
  return false
end

-- build(cfg) -> the parse function of a configuration (M.new registers it).
function M.build(cfg)
  cfg = cfg or {}
  local pat = compile(cfg)
  local skips = cfg.skip or M.skip
  local fold = folder(cfg)
  local is_stage = stage_test(cfg)
  local breaks = cfg.breaks == false and {} or cfg.breaks or M.breaks
  local footnotes = cfg.footnotes == false and {} or cfg.footnotes or M.footnotes
  local fuzzy = cfg.fuzzy or (cfg.ocr and {}) or nil
  local sep = type(cfg.separator) == "string" and cfg.separator or ":"
  local trailing = {}
  if cfg.trailing_name == true then
    setmetatable(trailing, { __index = function() return true end })
  else
    for _, l in ipairs(cfg.trailing_name or {}) do trailing[fold(l)] = true end
  end

  return function(txt, ctx)
    ctx = ctx or {}
    local register = ctx.people or people.new{}
    local state = { names = lib.names(register, { wrap = true, nocase = cfg.nocase ~= false }),
                    rnames = lib.names(register, { wrap = true }),
                    generic = #register.people == 0 and C(lib.any_name) or P(false) }
    local regions, meta, roles, named = {}, {}, {}, {}
    local fuzzy_found = {}
    local candidates = fuzzy and fuzzy_candidates(cfg, register, fold)
    for k, v in pairs(cfg.speakers or {}) do
      if type(k) == "number" then roles[fold(v)] = v else roles[fold(k)] = v end
    end
    local names_by_key = {}
    for k, v in pairs(cfg.names or {}) do names_by_key[fold(k)] = v end
    local lines = lines_of(txt)
    local labels = {}
    local function speaker(label, lineno, written)
      local who
      if cfg.resolve then
        who = cfg.resolve(written or label, { doc = ctx.doc, people = register, line = lineno, label = label })
        if who ~= nil and type(who) ~= "string" then
          error(("resolve returned %s for label '%s' (a speaker's name or nil)"):format(type(who), label), 0)
        end
      end
      who = who or roles[fold(label)] or names_by_key[fold(label)] or label
      local name, side = register:canonical(who)
      return name, side
    end
    -- A trailing "(Jones)" that names the speaker of turn t (text txt[t.start..stop]).
    local function name_like(text)
      local _, n = text:gsub("%S+", "")
      return n <= 5 and text:find("^%u[%w%.'’%- ]*$") ~= nil and not text:find("[^%u]%.$")
        and not is_stage(text)
    end
    local cur                      -- the open turn or narration; .stop: end of its last line
    -- close it, at its last line or (mid-line) just before position `before`
    local function close(before)
      if cur then
        local stop = before and before - 1 or cur.stop
        while stop >= cur.start and txt:sub(stop, stop):find("[%s,;]") do stop = stop - 1 end
        if stop >= cur.start then
          cur.stop = stop
          regions[#regions + 1] = cur
          local a = cur.attrs
          if a.mode == "direct" and trailing[fold(a.label_key or a.label)] then
            local ps, name, pe = txt:sub(cur.start, stop):match("()%(%s*([^()\n]-)%s*%)()%s*$")
            if ps and name_like(name) then
              ps, pe = cur.start + ps - 1, cur.start + pe - 2
              a.speaker, a.side = speaker(name, cur.line, name)
              cur.label_region.attrs.speaker = a.speaker
              labels[#labels + 1] = { kind = "label", start = ps, stop = pe, attrs = { speaker = a.speaker } }
              named[ps] = true
            end
          end
          a.label_key = nil
          cur.label_region, cur.line = nil, nil
        end
      end
      cur = nil
    end
    local function open(kind, start, attrs, line, lineno)
      if cur and start > line.s then cur.stop = line.e; close(start) else close() end
      cur = { kind = kind, start = start, stop = line.e, attrs = attrs, line = lineno }
    end
    -- notes: alone on their lines they stand outside the turns
    local notes, alone, directions = {}, {}, {}
    for s, _, n in lib.find_all(pat.note, txt) do
      if n.open == "(" and is_stage(n.text) then n.kind = "stage" end
      if n.kind ~= "_paren" then
        notes[#notes + 1] = n
        local before = s - 1
        while before > 0 and txt:find("^[ \t]", before) do before = before - 1 end
        if (before == 0 or txt:sub(before, before) == "\n")
            and (txt:find("^[ \t]*\n", n.stop + 1) or txt:find("^[ \t]*$", n.stop + 1)) then
          alone[s] = n
        end
      end
    end
    local function paragraph_alone(i)
      return (i == 1 or lines[i - 1].blank) and (not lines[i + 1] or lines[i + 1].blank)
    end
    local i, para_start, skip_to = header(cfg, txt, lines, regions, meta, register), true, 0
    local in_notes = false
    while lines[i] do
      local l = lines[i]
      local line = txt:sub(l.s, math.max(l.e, l.s - 1))
      local skipped = false
      for _, p in ipairs(skips) do skipped = skipped or line:find(p) ~= nil end
      local turn_ok = para_start or not cfg.blank_line
      if l.blank then
        para_start = true
      elseif l.s <= skip_to or skipped then
        -- inside a note alone on its lines, or page furniture
      elseif alone[l.s] then
        local n = alone[l.s]
        if n.kind == "stage" then
          -- a stage direction alone: the turn goes on (if a paragraph continues it), without it
        elseif cur and cur.attrs.mode == "direct" and trailing[fold(cur.attrs.label_key or cur.attrs.label)]
            and n.open == "(" and name_like(n.text) then
          cur.stop = n.stop                         -- "(Jones)" on the line after the question
          close()
        else
          close()
        end
        skip_to = n.stop
        para_start = true
      else
        local switched
        for _, sw in ipairs(cfg.switches or {}) do    -- a stray bracket or quote at an end is OCR's
          local who = line:match(sw[1]) or fields.tidy(line):match(sw[1])
          if who then roles[fold(sw.label)], switched = fields.tidy(who), true end
        end
        local t = not switched and turn_ok and pat.turn:match(txt, l.s, state)
        local f = not switched and not t and fuzzy and turn_ok and fuzzy_label(txt, l, candidates, fuzzy, fold, sep)
        local is_footnote = not switched and not t and not f and any_of(footnotes, line)
        local brk = false
        if not (switched or t or f or is_footnote) then
          local hit, p = any_of(breaks, line)
          brk = hit and (type(p) ~= "table" or not p.alone or paragraph_alone(i))
        end
        if switched then
          close()
          in_notes = false
        elseif t or f then
          in_notes = false
          local written = t and t.label or f.text
          local label = t and t.label or f.label
          local name, side = speaker(label, i, written)
          if t and t.direction then directions[t.direction.start] = true end
          open("turn", t and t.s or f.s, { speaker = name, side = side, mode = "direct", label = written,
                              label_key = label, direction = t and t.direction and t.direction.text }, l, i)
          local lr = { kind = "label", start = t and t.s or f.s, stop = (t and t.e or f.e) - 1,
                       attrs = { speaker = name } }
          labels[#labels + 1], cur.label_region = lr, lr
          if f then
            f.speaker, f.line = name, i
            fuzzy_found[#fuzzy_found + 1] = f
          end
        elseif is_footnote or brk then
          close()
          regions[#regions + 1] = { kind = "heading", start = l.s, stop = l.e, attrs = { text = lib.squeeze(line) } }
          in_notes = is_footnote
          para_start = true
          goto next_line
        elseif in_notes then
          if para_start or not cur then open("footnote", l.s, {}, l, i) end
        elseif not cur or cur.attrs.mode ~= "direct" or para_start then
          -- a reported turn, narration, or a direct turn's next paragraph; in
          -- speech, only a paragraph's first sentence may open a reported turn
          local in_speech = cur and cur.attrs.mode == "direct"
          for k, pos in ipairs(sentence_starts(txt, l.s, l.e)) do
            if k > 1 and cur and cur.attrs.mode == "direct" then break end
            local r = pat.reported:match(txt, pos, state)
            if r then
              local name, side = speaker(r.label, i)
              open("turn", pos, { speaker = name, side = side, mode = "reported", label = r.label }, l, i)
              local lr = { kind = "label", start = pos, stop = r.e - 1, attrs = { speaker = name } }
              labels[#labels + 1], cur.label_region = lr, lr
            elseif k == 1 and para_start and not (in_speech and cfg.continuation) then
              open("narration", pos, {}, l, i)
            end
          end
        end
        if cur then cur.stop = l.e end
        para_start = false
      end
      ::next_line::
      i = i + 1
    end
    close()
    local stages = {}
    for _, n in ipairs(notes) do                 -- "(in a jocular tone)" after a label is no note
      if not directions[n.start] and not named[n.start] then
        local r = { kind = n.kind, start = n.start, stop = n.stop, attrs = { text = n.text } }
        regions[#regions + 1] = r
        if n.kind == "stage" then stages[#stages + 1] = r end
      end
    end
    -- a stage direction inside a turn is none of its speaker's words: a label of the turn
    for _, s in ipairs(stages) do
      for _, r in ipairs(regions) do
        if r.kind == "turn" and r.start <= s.start and s.stop <= r.stop then
          labels[#labels + 1] = { kind = "label", start = s.start, stop = s.stop, attrs = { speaker = r.attrs.speaker } }
        end
      end
    end
    if #fuzzy_found > 0 then
      meta.fuzzy_labels = {}
      for k, f in ipairs(fuzzy_found) do
        meta.fuzzy_labels[k] = { text = f.text, label = f.label, speaker = f.speaker, distance = f.distance,
                                 separator = f.separator, line = f.line }
      end
    end
    return { regions = lib.merge_regions(lib.sort_regions(regions), labels), meta = meta }
  end
end

M.kinds = {
  turn = { "speaker", "side", "mode", "direction", "label" }, label = { "speaker" }, narration = {},
  supplied = { "text" }, editorial_note = { "text" }, field = { "name" },
  heading = { "text" }, footnote = {}, stage = { "text" },
}

-- new(cfg) -> the grammar (registered under cfg.name).
function M.new(cfg)
  cfg = cfg or {}
  return grammar.register{
    name = cfg.name or "labelled",
    description = cfg.description or "a transcript of `Speaker: text` turns",
    kinds = M.kinds,
    parse = M.build(cfg),
  }
end

M.grammar = M.new{ name = "labelled" }

return M
