-- Building blocks for document grammars, on top of LPeg 1.0.2 (no lpeg.utfR,
-- no `%` accumulator).  Used by the transcript and telegram grammars; this API
-- is stable.  A block that finds something captures ONE table with `start`
-- and `stop` (1-based, inclusive byte span, as for string.sub) and fields:
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
--                  (iso "1962-11-02", or "--10-24" without a year; 2-digit years are 19xx)
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
--   lib.dynamic(key)       matches the pattern found at state[key], where state is the
--                          extra argument of match (lpeg.Carg(1)): grammars compiled once
--                          use it for parts that depend on the corpus, such as names
-- Plain patterns (no captures): sp, nl, nonsp, ws (spaces and line breaks), content
-- (a line's text up to its last non-space), blank (a blank line), parbreak, letter,
-- upper, lower, wordchar, wb (at a word start), dash; lib.range(lo, hi): code points lo..hi.
-- Functions: find_all(patt, text, init) -> iterator of start, stop, captures...;
-- line_of(text, pos) -> line, column; lines(text), paragraphs(text) -> lists of the
-- tables above; squeeze(s); words_before(text, pos, n); roman(s); iso(y, m, d).
local lpeg = require "lpeg"

local P, R, S, V, C, Cc, Cp, Ct, Cmt, Carg, B =
  lpeg.P, lpeg.R, lpeg.S, lpeg.V, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.Carg, lpeg.B
local unpack, pack = table.unpack, table.pack

local M = {}

-- ------------------------------------------------------------ characters

-- Byte sequences a..b of equal length (UTF-8 encodings of two code points).
local function between(a, b)
  if #a == 1 then return R(a .. b) end
  local a1, b1, n = a:byte(1), b:byte(1), #a - 1
  if a1 == b1 then return P(a:sub(1, 1)) * between(a:sub(2), b:sub(2)) end
  local any = R"\128\191"
  for _ = 2, n do any = any * R"\128\191" end
  local p = P(a:sub(1, 1)) * between(a:sub(2), ("\191"):rep(n))
  if b1 - a1 > 1 then p = p + R(string.char(a1 + 1, b1 - 1)) * any end
  return p + P(b:sub(1, 1)) * between(("\128"):rep(n), b:sub(2))
end

-- range(lo, hi): one character with a code point in lo..hi.
function M.range(lo, hi)
  if lpeg.utfR then return lpeg.utfR(lo, hi) end
  local p, from = nil, lo
  for _, top in ipairs { 0x7F, 0x7FF, 0xFFFF, 0x10FFFF } do
    if from <= hi and from <= top then
      local q = between(utf8.char(from), utf8.char(math.min(hi, top)))
      p = p and p + q or q
      from = top + 1
    end
  end
  return p or P(false)
end
local U = M.range

M.sp, M.nl = S" \t", P"\n"
M.nonsp = 1 - S" \t\n"
M.ws = (S" \t" + "\n")^1
M.dash = P"—" + "–" + "--" + "-"
-- Letters of Latin (with Latin-1 and Extended-A/B), Greek and Cyrillic.
local upper2 = U(0xC0, 0xD6) + U(0xD8, 0xDE) + U(0x391, 0x3A9) + U(0x400, 0x42F)
local lower2 = U(0xDF, 0xF6) + U(0xF8, 0xFF) + U(0x3B1, 0x3C9) + U(0x430, 0x45F)
local letter2 = U(0xC0, 0xD6) + U(0xD8, 0xF6) + U(0xF8, 0x24F) + U(0x370, 0x3FF) + U(0x400, 0x4FF)
M.upper, M.lower = R"AZ" + upper2, R"az" + lower2
M.letter = R("az", "AZ") + letter2
M.wordchar = M.letter + R"09"
M.wb = -B(R("az", "AZ", "09")) * -B(letter2)     -- not just after a letter or digit
local sp, nl, nonsp, ws, wordchar, wb = M.sp, M.nl, M.nonsp, M.ws, M.wordchar, M.wb
local digit = R"09"

M.content = (sp^0 * nonsp)^1
M.blank = sp^0 * nl + sp^1 * -1
M.parbreak = nl * (sp^0 * nl)^1

-- span(patt, fn): a block; fn(captures of patt) returns its table (nil: no match).
local function span(patt, fn)
  return Cmt(Cp() * patt * Cp(), function(_, i, ...)
    local a = pack(...)
    local t = fn(unpack(a, 2, a.n - 1))
    if not t then return false end
    t.start, t.stop = a[1], a[a.n] - 1
    return i, t
  end)
end

function M.squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end
local squeeze = M.squeeze

-- A phrase as a pattern: its words separated by any spaces (or line breaks, with
-- wrap); nocase: ASCII letters in either case.
local function phrase(s, opts)
  local gap = opts.wrap and ws or sp^1
  local p, first = P(true), true
  for word in s:gmatch("%S+") do
    local w = P(true)
    for ch in word:gmatch(utf8.charpattern) do
      w = w * ((opts.nocase and ch:find("^%a$")) and S(ch:lower() .. ch:upper()) or P(ch))
    end
    p = first and w or p * gap * w
    first = false
  end
  return p
end

function M.phrases(list, opts)
  opts = opts or {}
  local sorted = {}
  for i, s in ipairs(list) do sorted[i] = s end
  table.sort(sorted, function(a, b) return #a > #b end)
  local p = P(false)
  for _, s in ipairs(sorted) do p = p + phrase(s, opts) end
  return wb * p * -wordchar
end

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

-- ------------------------------------------------------------ numbers

M.number_words = {
  zero = 0, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8,
  nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15,
  sixteen = 16, seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20, thirty = 30,
  forty = 40, fifty = 50, sixty = 60, seventy = 70, eighty = 80, ninety = 90, dozen = 12,
}
-- Minutes in a unit of time (durations), and words that are never the unit of a quantity.
M.time_units = { minute = 1, hour = 60, day = 1440, week = 10080 }
M.not_units = {}
for w in ([[a an and are as at be but by can could did do does for from had has have in
  is it may might must no not of on or should than that the then there these they this those
  to was we were which who will with would]]):gmatch("%a+") do M.not_units[w] = true end

local function words_of(pred)
  local list = {}
  for w, n in pairs(M.number_words) do if pred(n, w) then list[#list + 1] = w end end
  return list
end
local function valued(list)
  local p = P(false)
  table.sort(list, function(a, b) return #a > #b end)
  for _, w in ipairs(list) do p = p + phrase(w, { nocase = true }) * Cc(M.number_words[w]) end
  return p * -wordchar
end
local ones = valued(words_of(function(n, w) return n < 20 and w ~= "dozen" end))
local tens = valued(words_of(function(n) return n >= 20 end))
local units19 = valued(words_of(function(n) return n >= 1 and n <= 9 end))
local small = tens * (S"- " * units19)^-1 / function(a, b) return a + (b or 0) end + ones
local hundreds = small * sp^1 * "hundred" * ((sp^1 * "and")^-1 * sp^1 * small)^-1
  / function(h, r) return h * 100 + (r or 0) end + small
local words = hundreds * sp^1 * "thousand" * ((sp^1 * "and")^-1 * sp^1 * hundreds)^-1
  / function(t, r) return t * 1000 + (r or 0) end + hundreds
local digits = C(digit^1 * ("," * digit * digit * digit)^0 * ("." * digit^1)^-1) * -digit
  / function(s) return tonumber((s:gsub(",", ""))) end
local number = wb * (digits + words)
M.number = span(number, function(v) return { value = v } end)

local function singular(w)
  w = w:lower()
  if w:find("ies$") then return w:sub(1, -4) .. "y" end
  if w:find("[sxz]es$") or w:find("[cs]hes$") then return w:sub(1, -3) end
  if w:find("[^s]s$") then return w:sub(1, -2) end
  return w
end
local unitword = C(M.letter^1) / singular
local timeunit = Cmt(unitword, function(_, i, u) return M.time_units[u] and i, M.time_units[u] end)
local part = number * ws * timeunit / function(n, m) return n * m end
local link = sp^0 * "," * ws * ("and" * ws)^-1 + ws * "and" * ws
local parts = part * (link * part)^0 / function(...)
  local n = 0
  for _, m in ipairs { ... } do n = n + m end
  return n
end
M.duration = span(parts, function(m) return { minutes = m } end)

local to = ws * (P"to" + "or") * ws + sp^0 * (P"—" + "–" + "-") * sp^0
local skip = (P"more" + "other" + "additional" + "further") * ws
local unit = Cmt(unitword, function(_, i, u) return not M.not_units[u] and i, u end)
M.quantity = span(part * link * part * (link * part)^0 / function(...)
    local n = 0
    for _, m in ipairs { ... } do n = n + m end
    return n, n, "minute", n
  end
  + number * to * number * ws * skip^-1 * unit
  + number * Cc(false) * ws * skip^-1 * unit,
  function(lo, hi, u, minutes) return { low = lo, high = hi or lo, unit = u, minutes = minutes } end)

-- ------------------------------------------------------------ dates

M.months = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7,
  august = 8, september = 9, october = 10, november = 11, december = 12, jan = 1, feb = 2,
  mar = 3, apr = 4, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9, oct = 10, nov = 11, dec = 12 }
M.century = 1900                       -- for two-digit years

local ROMAN = { I = 1, V = 5, X = 10, L = 50, C = 100, D = 500, M = 1000 }
function M.roman(s)
  local n, prev = 0, 0
  for i = #s, 1, -1 do
    local v = ROMAN[s:sub(i, i):upper()]
    if not v then return nil end
    if v < prev then n = n - v else n, prev = n + v, v end
  end
  return n
end

function M.iso(y, m, d)
  if y then return ("%04d-%02d-%02d"):format(y, m, d) end
  return ("--%02d-%02d"):format(m, d)
end

local DAYS = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local mlist = {}
for w in pairs(M.months) do mlist[#mlist + 1] = w end
table.sort(mlist, function(a, b) return #a > #b end)
local month = P(false)
for _, w in ipairs(mlist) do
  local p = phrase(w:sub(1, 1):upper() .. w:sub(2), {}) + phrase(w:upper(), {})
  month = month + p * (#w <= 4 and P"."^-1 or P(true)) * Cc(M.months[w])
end
month = month * -wordchar
local day = C(digit * digit^-1) * -digit / tonumber
local year4 = C(digit * digit * digit * digit) * -digit / tonumber
local year2 = C(digit * digit) * -digit / function(s) return M.century + tonumber(s) end
local rmonth = C(S"IVXivx"^1) / M.roman
local n2 = C(digit * digit^-1) / tonumber
local function dmy(d, m, y) return y, m, d end
local forms =
    year4 * "-" * n2 * "-" * n2 * -digit
  + month * sp^1 * day * ("," * sp^0 * year4 + Cc(nil)) / function(m, d, y) return y, m, d end
  + n2 * "." * sp^0 * rmonth * "." * sp^0 * (year4 + year2) / dmy
  + n2 * "." * n2 * "." * year4 / dmy
  + day * sp^1 * month * (sp^1 * year4 + Cc(nil)) / dmy
M.date = span(wb * forms, function(y, m, d)
  if not m or m < 1 or m > 12 or d < 1 or d > DAYS[m] then return nil end
  return { year = y, month = m, day = d, iso = M.iso(y, m, d) }
end)

-- ------------------------------------------------------------ names

local memo = setmetatable({}, { __mode = "k" })

-- One name as a pattern: "A.I. Mikoyan" and "A. I. Mikoyan" alike.
local function name_pattern(s, opts)
  local gap = opts.wrap and ws or sp^1
  local p, prev = P(true), nil
  for tok in s:gsub("%.", ". "):gmatch("%S+") do
    local t = phrase(tok, opts)
    p = prev == nil and t or p * (prev:find("%.$") and (opts.wrap and ws^-1 or sp^0) or gap) * t
    prev = tok
  end
  return p
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

local generic = span(C((M.upper * "." * sp^0)^0 * M.upper * M.letter^1) * -wordchar,
  function(label) return { label = label, name = label } end)

local anyone = sp^0 * generic
function M.speaker(src, opts)
  local list = src and (src.people or src)
  if not list or #list == 0 then return anyone end
  local names = M.names(src, opts)
  local p = memo[names] or sp^0 * names                -- one pattern per register and options
  memo[names] = p
  return p
end

local matchers = setmetatable({}, { __mode = "k" })
function M.dynamic(key)
  return Cmt(Carg(1), function(s, i, state)
    local p = state and state[key]
    if not p then return false end
    local q = matchers[p] or Ct(p) * Cp()
    matchers[p] = q
    local caps, e = q:match(s, i)
    if not caps then return false end
    return e, unpack(caps)
  end)
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

-- words_before(text, pos, n) -> up to n words that end before byte pos, in order
-- (a word: letters, digits, non-ASCII bytes, ' and -).
function M.words_before(text, pos, n)
  local out, e = {}, pos - 1
  while #out < n do
    while e > 0 and text:find("^%s", e) do e = e - 1 end
    local s = e
    while s > 0 and text:find("^[%w\128-\255'%-]", s) do s = s - 1 end
    if s == e then break end
    table.insert(out, 1, text:sub(s + 1, e))
    e = s
  end
  return out
end

return M
