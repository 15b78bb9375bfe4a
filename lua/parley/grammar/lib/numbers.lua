-- Numbers in words and figures, quantities, durations and dates: grammar
-- building blocks on top of parley.grammar.lib.chars (parley.grammar.lib
-- re-exports all of it; the API is documented there).
local lpeg = require "lpeg"
local chars = require "parley.grammar.lib.chars"

local P, R, S, C, Cc, Cmt = lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cmt
local sp, ws, gap, wb, wordchar = chars.sp, chars.ws, chars.gap, chars.wb, chars.wordchar
local span, phrase = chars.span, chars.phrase
local digit = R"09"

local M = {}

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
local unitword = C(chars.letter^1) / singular
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
  local p = P(w:sub(1, 1):upper() .. w:sub(2)) + P(w:upper())
  month = month + p * (#w <= 4 and P"."^-1 or P(true)) * Cc(M.months[w])
end
month = month * -wordchar
local day = C(digit * digit^-1) * -digit / tonumber
local year4 = C(digit * digit * digit * digit) * -digit / tonumber
local year2 = C(digit * digit) * -digit / function(s) return M.century + tonumber(s) end
local rmonth = C(S"IVXivx"^1) / M.roman
local n2 = C(digit * digit^-1) / tonumber
local function dmy(d, m, y) return y, m, d end
local forms =                          -- parts apart by a line break, not a blank line
    year4 * "-" * n2 * "-" * n2 * -digit
  + month * gap * day * ("," * gap^-1 * year4 + Cc(nil)) / function(m, d, y) return y, m, d end
  + n2 * "." * gap^-1 * rmonth * "." * gap^-1 * (year4 + year2) / dmy
  + n2 * "." * n2 * "." * year4 / dmy
  + day * gap * month * (gap * year4 + Cc(nil)) / dmy
M.date = span(wb * forms, function(y, m, d)
  if not m or m < 1 or m > 12 or d < 1 or d > DAYS[m] then return nil end
  return { year = y, month = m, day = d, iso = M.iso(y, m, d) }
end)

return M
