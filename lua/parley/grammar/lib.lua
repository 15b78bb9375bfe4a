-- Building blocks for document grammars, on top of LPeg 1.0.2 (no lpeg.utfR,
-- no `%` accumulator).  Used by the transcript, telegram and speakers grammars;
-- this API is stable.  The code lives in three files: lib/chars.lua (characters,
-- white space, words, phrases), lib/numbers.lua (numbers, quantities, durations,
-- dates) and this one (lines, brackets, quotes, names, the rest), which
-- re-exports the other two.  A block that finds something captures ONE table
-- with `start` and `stop` (1-based, inclusive byte span, as for string.sub) and:
--
--   lib.line       a non-blank line, tolerant of PDF text (a leading page-break
--                  space and trailing spaces are not content); consumes its line
--                  end: { start, stop, indent = true if the line was indented }
--   lib.paragraph  lines up to a blank line: { start, stop, lines = n }
--   lib.direction  "(in a jocular tone)": { start, stop, text }
--   lib.bracket    "[of missiles —ed.]", "think[s]", "[in the United \nNations —ed.]":
--                  { start, stop, text (inner, whitespace squeezed, without the
--                  "—ed." mark), editorial (ends in —ed.), attached (no space before) }
--   lib.quoted     “…”, "…", ‘…’, «…», nested: { start, stop, text, open, close }
--   lib.date       "November 1, 1962", "October 24", "1 November 1962", "2.XI.62",
--                  "02.11.1962", "1962-11-02": { start, stop, year, month, day, iso }
--                  (iso "1962-11-02", or "--10-24" without a year; 2-digit years are
--                  19xx: lib.numbers.century); a line may break between the parts
--                  ("1  \nNovember 1962"), a blank line may not
--   lib.number     "fifteen", "forty-five", "two hundred", "145,000", "5": { start, stop, value }
--   lib.quantity   "ten to fifteen days" { low = 10, high = 15, unit = "day" },
--                  "five conditions" { low = 5, high = 5, unit = "condition" },
--                  "three hours and forty minutes" { low = 220, high = 220, unit = "minute", minutes = 220 }
--   lib.duration   "three hours and forty minutes", "four days": { start, stop, minutes }
--
-- Constructors (memoised per source table):
--   lib.names(src, opts)   any name of a person register (parley.people) or a list of
--                          strings, at a word start: { start, stop, label (as written),
--                          name (canonical), side }.  Initials may be spaced or not
--                          ("A.I." / "A. I."); opts.wrap: parts may be split across
--                          lines; opts.nocase: ASCII letters in any case
--   lib.speaker(src, opts) the same at the start of a line, after an optional indent;
--                          without a register, any "A. B. Surname"-like name
--   lib.phrases(list, opts)  any of these phrases, whole words, longest first (no capture)
--   lib.phrase_tree(list, opts)  the same without the word boundaries before and after
--   lib.phrase(s, opts)    one phrase, words apart by spaces (opts.wrap: or line breaks),
--                          no word boundaries; opts.nocase as above (no capture)
--   lib.dynamic(key)       matches the pattern found at state[key], where state is the
--                          extra argument of match (lpeg.Carg(1)): grammars compiled once
--                          use it for parts that depend on the corpus, such as names
--   lib.dynamic1(key, first)  the same where `first` matches (default: anywhere) and only
--                          if it consumes: it may stand in a loop, where LPeg refuses
--                          lib.dynamic ("empty loop in rule")
--   lib.span(patt, fn)     a block: fn(captures of patt) returns its table, or nil for
--                          no match; start and stop are set
-- Plain patterns (no captures): sp, nl, nonsp, ws (spaces and line breaks), gap (spaces
-- with at most one line break: no blank line), content (a line's text up to its last
-- non-space), blank (a blank line), parbreak, letter, upper, lower, wordchar, wb (at a
-- word start), dash, ly_adverb (a lower-case word in -ly: "resolutely"), any_name ("A. B.
-- Surname"-like), caps_name (a sign-off's "A. MIKOYAN"); lib.range(lo, hi): code points lo..hi.
-- Functions: find_all(patt, text, init) -> iterator of start, stop, captures...;
-- line_of(text, pos) -> line, column; lines(text), paragraphs(text) -> lists of the
-- tables above; squeeze(s); words_before(text, pos, n); trim_end(text, pos, from) -> the
-- last non-space byte at or before pos; sort_regions(regions) -> them in text order, the
-- longer first; merge_regions(sorted, more) -> sorted with the regions of the list more
-- merged in (sorted alike; at equal places sorted's come first); initials(s) ("Organization of American States" -> "OAS"); expands(text,
-- b) -> the abbreviation bracket b spells out ("OAS [Organization of American States]")
-- or nil; roman(s); iso(y, m, d); edit_distance(a, b, limit) (Damerau–Levenshtein on code
-- points); fuzzy_limit(len, opts) (how far off a label of len characters may be).  Tables: months, number_words, time_units, not_units.
local lpeg = require "lpeg"
local chars = require "parley.grammar.lib.chars"
local numbers = require "parley.grammar.lib.numbers"

local P, S, V, C, Cc, Cp, Ct, Cmt, Carg =
  lpeg.P, lpeg.S, lpeg.V, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.Carg
local unpack = table.unpack

local M = { chars = chars, numbers = numbers }
for _, part in ipairs { chars, numbers } do
  for k, v in pairs(part) do M[k] = v end
end
local sp, nl, ws, wordchar, wb = M.sp, M.nl, M.ws, M.wordchar, M.wb
local span, phrase, squeeze = M.span, M.phrase, M.squeeze

-- ------------------------------------------------------------ lines and paragraphs

M.line = Cmt(Cp() * sp^0 * Cp() * M.content * Cp() * sp^0 * (nl + -1), function(_, i, a, b, e)
  return i, { start = b, stop = e - 1, indent = b > a }
end)
M.paragraph = Cmt(Ct(M.line^1), function(_, i, lines)
  return i, { start = lines[1].start, stop = lines[#lines].stop, lines = #lines }
end)

-- ------------------------------------------------------------ insertions and quotes

local edmark = sp^0 * M.dash * sp^0 * (P"ed." + "Ed." + "eds." + "ed") * sp^0
local inner = (1 - S"[]" - M.parbreak - edmark * "]")^0
M.bracket = Cmt(Cp() * "[" * C(inner) * (edmark * Cc(true) + Cc(false)) * "]" * Cp(),
  function(s, i, a, text, ed, e)
    return i, { start = a, stop = e - 1, text = squeeze(text), editorial = ed,
                attached = a > 1 and not s:sub(a - 1, a - 1):find("%s") }
  end)
M.direction = span("(" * C((1 - S"()\n")^1) * ")", function(t) return { text = squeeze(t) } end)

local quotes = P{ "Q",
  Q      = V"Curly" + V"Single" + V"Guill",
  Curly  = "“" * (V"Q" + (1 - P"”" - M.parbreak))^0 * "”",
  Single = "‘" * (V"Curly" + V"Guill" + (1 - "’" * -wordchar - M.parbreak))^0 * "’" * -wordchar,
  Guill  = "«" * (V"Q" + (1 - P"»" - M.parbreak))^0 * "»",
}
local straight = '"' * (quotes + (1 - P'"' - M.parbreak))^0 * '"'
local CLOSE = { ["“"] = "”", ["‘"] = "’", ["«"] = "»", ['"'] = '"' }
M.quoted = Cmt(Cp() * C(quotes + straight) * Cp(), function(_, i, a, q, e)
  local open = q:match("^" .. utf8.charpattern)
  local close = CLOSE[open]
  return i, { start = a, stop = e - 1, open = open, close = close,
              text = squeeze(q:sub(#open + 1, -#close - 1)) }
end)

-- ------------------------------------------------------------ names

local memo = setmetatable({}, { __mode = "k" })

-- One name as a pattern: "A.I. Mikoyan" and "A. I. Mikoyan" alike.
local function name_pattern(s, opts)
  return phrase((s:gsub("%.", ". ")), opts, opts.wrap and ws^-1 or sp^0)
end

function M.names(src, opts)
  if type(src) ~= "table" then error("bad argument #1 to 'names' (register or list of names expected)", 2) end
  opts = opts or {}
  local key = (opts.wrap and "w" or "") .. (opts.nocase and "i" or "")
  local byopts = memo[src] or {}
  memo[src] = byopts
  if byopts[key] then return byopts[key] end
  local entries = {}
  local list = src.people or src
  for _, p in ipairs(list) do
    local person = type(p) == "table" and p or { name = p }
    entries[#entries + 1] = { person.name, person }
    for _, a in ipairs(person.aliases or {}) do entries[#entries + 1] = { a, person } end
  end
  table.sort(entries, function(a, b) return #a[1] > #b[1] or #a[1] == #b[1] and a[1] < b[1] end)
  local alt = P(false)
  for _, e in ipairs(entries) do alt = alt + name_pattern(e[1], opts) * Cc(e[2]) end
  local p = span(wb * C(alt) * -wordchar, function(label, person)
    return { label = squeeze(label), name = person.name, side = person.side }
  end)
  byopts[key] = p
  return p
end

local dotted = (M.upper * "." * sp^0)^0                    -- "A. I. ", "A.I. "
M.any_name = dotted * M.upper * M.letter^1
M.caps_name = dotted * M.upper * (M.upper + S"-'")^1
local generic = span(C(M.any_name) * -wordchar, function(label) return { label = label, name = label } end)

local anyone = sp^0 * generic
function M.speaker(src, opts)
  local list = src and (src.people or src)
  if not list or #list == 0 then return anyone end
  local names = M.names(src, opts)
  local p = memo[names] or sp^0 * names                -- one pattern per register and options
  memo[names] = p
  return p
end

-- The pattern at state[key] matched at i: its captures (a table) and end, or nil.
local matchers = setmetatable({}, { __mode = "k" })
local function match_state(state, key, s, i)
  local p = state and state[key]
  if not p then return nil end
  local q = matchers[p] or Ct(p) * Cp()
  matchers[p] = q
  return q:match(s, i)
end

function M.dynamic(key)
  return Cmt(Carg(1), function(s, i, state)
    local caps, e = match_state(state, key, s, i)
    if not caps then return false end
    return e, unpack(caps)
  end)
end

function M.dynamic1(key, first)
  return Cmt((first and #P(first) or P(true)) * 1 * Carg(1), function(s, i, state)
    local caps, e = match_state(state, key, s, i - 1)
    if not caps or e < i then return false end     -- it matched nothing
    return e, unpack(caps)
  end)
end

-- initials(s): the initials of the capitalised words ("Organization of American
-- States" -> "OAS"); expands(text, b): the abbreviation that bracket b spells out
-- ("OAS [Organization of American States]" -> "OAS"), or nil.
function M.initials(s)
  local out = {}
  for w in s:gmatch("%a+") do if w:find("^%u") then out[#out + 1] = w:sub(1, 1) end end
  return table.concat(out)
end

function M.expands(text, b)
  local abbr = text:sub(math.max(1, b.start - 40), b.start - 1):match("%f[%w](%u%u+)%s*$")
  return abbr and M.initials(b.text) == abbr and abbr or nil
end

-- ------------------------------------------------------------ helpers

local finders = setmetatable({}, { __mode = "k" })
-- find_all(patt, text, init): for start, stop, caps... in lib.find_all(p, text)
function M.find_all(patt, text, init)
  local f = finders[patt]
  if not f then
    f = P{ Cp() * Ct(P(patt)) * Cp() + 1 * V(1) }
    finders[patt] = f
  end
  local at = init or 1
  return function()
    if at > #text + 1 then return nil end
    local s, caps, e = f:match(text, at)
    if not s then at = #text + 2; return nil end
    at = e > s and e or s + 1
    return s, e - 1, unpack(caps)
  end
end

-- line_of(text, pos) -> line, column (in characters) of byte pos.
function M.line_of(text, pos)
  local line, start = 1, 1
  for nlpos in text:sub(1, pos - 1):gmatch("()\n") do line, start = line + 1, nlpos + 1 end
  return line, (utf8.len(text, start, pos - 1, true) or pos - start) + 1
end

function M.lines(text)
  local out, at = {}, 1
  local one = M.blank^0 * M.line * Cp()
  while true do
    local t, e = one:match(text, at)
    if not t then return out end
    out[#out + 1], at = t, e
  end
end

function M.paragraphs(text)
  local out = {}
  for _, _, p in M.find_all(M.blank^0 * M.paragraph, text) do out[#out + 1] = p end
  return out
end

-- trim_end(text, pos, from) -> the last byte at or before pos that is no white
-- space, not before from (default 1): from - 1 if there is none.
function M.trim_end(text, pos, from)
  from = from or 1
  while pos >= from and text:find("^%s", pos) do pos = pos - 1 end
  return pos
end

-- line_spans(txt) -> every line of txt, blank ones too: { s = first content
-- byte, e = last, blank = true|nil } (leading blanks and trailing white space
-- left out of s..e).
local byte = string.byte
local function is_space(b) return b == 32 or b >= 9 and b <= 13 end     -- %s
function M.line_spans(txt)
  local out, at = {}, 1
  while at <= #txt do
    local e = txt:find("\n", at, true) or #txt + 1
    local s = txt:match("^[ \t]*()", at)
    local last = e - 1                    -- trim_end, by bytes (it runs on every line of a document)
    while last >= s and is_space(byte(txt, last)) do last = last - 1 end
    out[#out + 1] = { s = s, e = last, blank = last < s or nil }
    at = e + 1
  end
  return out
end

-- sort_regions(regions) -> regions, in text order, the longer first at one
-- start, and regions of one span in the order given (a joint turn's speakers
-- as the text names them).  table.sort is not stable (and may pick pivots at
-- random on long lists), so ties are ranked by their place.
local function before(a, b) return a.start < b.start or a.start == b.start and a.stop > b.stop end
local function stable_sort(list)
  local rank = {}
  for i, r in ipairs(list) do rank[r] = i end
  table.sort(list, function(a, b)
    if a.start ~= b.start then return a.start < b.start end
    if a.stop ~= b.stop then return a.stop > b.stop end
    return rank[a] < rank[b]
  end)
  return list
end
M.sort_regions = stable_sort

function M.merge_regions(sorted, more)
  stable_sort(more)
  local out, i, j = {}, 1, 1
  while sorted[i] or more[j] do
    if more[j] and (not sorted[i] or before(more[j], sorted[i])) then
      out[#out + 1], j = more[j], j + 1
    else
      out[#out + 1], i = sorted[i], i + 1
    end
  end
  return out
end

-- words_before(text, pos, n) -> up to n words that end before byte pos, in order
-- (a word: letters, digits, non-ASCII bytes, ' and -).
function M.words_before(text, pos, n)
  local out, e = {}, pos - 1
  while #out < n do
    e = M.trim_end(text, e)
    local s = e
    while s > 0 and text:find("^[%w\128-\255'%-]", s) do s = s - 1 end
    if s == e then break end
    table.insert(out, 1, text:sub(s + 1, e))
    e = s
  end
  return out
end

-- ------------------------------------------------------------ fuzzy matching (OCR)

-- edit_distance(a, b, limit) -> the Damerau–Levenshtein distance (optimal string
-- alignment: insertions, deletions, substitutions and transpositions of adjacent
-- characters) between the code points of a and b, or limit + 1 as soon as it
-- must exceed limit (default: no limit).  Invalid UTF-8 counts byte by byte.
local function codepoints(s)
  local out = {}
  if utf8.len(s) then
    for _, c in utf8.codes(s) do out[#out + 1] = c end
  else
    for i = 1, #s do out[i] = s:byte(i) end
  end
  return out
end

function M.edit_distance(a, b, limit)
  local x, y = codepoints(a), codepoints(b)
  local n, m = #x, #y
  limit = limit or math.max(n, m)
  if math.abs(n - m) > limit then return limit + 1 end
  -- only the cells within `limit` of the diagonal can stay within the limit
  local INF = limit + 1
  local prev2, prev, cur = {}, {}, {}
  for j = 0, math.min(m, limit) do prev[j] = j end
  for i = 1, n do
    local lo, hi = math.max(1, i - limit), math.min(m, i + limit)
    cur[lo - 1] = lo == 1 and i or INF
    local best = cur[lo - 1]
    for j = lo, hi do
      local d = math.min((prev[j] or INF) + 1, (cur[j - 1] or INF) + 1, (prev[j - 1] or INF) + (x[i] == y[j] and 0 or 1))
      if i > 1 and j > 1 and x[i] == y[j - 1] and x[i - 1] == y[j] then d = math.min(d, (prev2[j - 2] or INF) + 1) end
      cur[j] = d
      if d < best then best = d end
    end
    cur[hi + 1] = nil
    if best > limit then return limit + 1 end
    prev2, prev, cur = prev, cur, {}
  end
  local d = prev[m] or INF
  return d <= limit and d or limit + 1
end

-- fuzzy_limit(len, opts) -> the largest edit distance allowed for a label of
-- len characters: floor(len * opts.ratio), at most opts.max_distance, and 0
-- below opts.min_length characters, so that a short label ("Q", "JFK") never
-- matches fuzzily.  Defaults: max_distance 2, ratio 0.15, min_length 5.
M.fuzzy_defaults = { max_distance = 2, ratio = 0.15, min_length = 5 }
function M.fuzzy_limit(len, opts)
  opts = opts or {}
  local d = M.fuzzy_defaults
  if len < (opts.min_length or d.min_length) then return 0 end
  return math.min(opts.max_distance or d.max_distance, math.floor(len * (opts.ratio or d.ratio)))
end

return M
