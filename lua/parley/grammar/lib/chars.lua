-- Characters, white space, words and phrases: the lowest layer of the grammar
-- building blocks (parley.grammar.lib re-exports all of it; the API is
-- documented there).  UTF-8 by byte ranges: LPeg 1.0.2 has no lpeg.utfR.
local lpeg = require "lpeg"

local P, R, S, Cp, Cmt, B = lpeg.P, lpeg.R, lpeg.S, lpeg.Cp, lpeg.Cmt, lpeg.B
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
M.gap = (S" \t" + "\n" * -(S" \t"^0 * "\n"))^1    -- white space, no blank line
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
M.ly_adverb = wb * (M.lower - "ly" * -M.letter)^1 * "ly" * -M.letter

M.content = (sp^0 * nonsp)^1
M.blank = sp^0 * nl + sp^1 * -1
M.parbreak = nl * (sp^0 * nl)^1

-- span(patt, fn): a block; fn(captures of patt) returns its table (nil: no match).
function M.span(patt, fn)
  return Cmt(Cp() * patt * Cp(), function(_, i, ...)
    local a = pack(...)
    local t = fn(unpack(a, 2, a.n - 1))
    if not t then return false end
    t.start, t.stop = a[1], a[a.n] - 1
    return i, t
  end)
end

function M.squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

-- A phrase as a pattern: its words separated by any spaces (or line breaks, with
-- wrap); nocase: ASCII letters in either case; after a word ending in ".", the
-- pattern `initial` instead, if given.
function M.phrase(s, opts, initial)
  opts = opts or {}
  local gap = opts.wrap and ws or sp^1
  local p, prev = P(true), nil
  for word in s:gmatch("%S+") do
    local w = P(true)
    for ch in word:gmatch(utf8.charpattern) do
      w = w * ((opts.nocase and ch:find("^%a$")) and S(ch:lower() .. ch:upper()) or P(ch))
    end
    p = prev == nil and w or p * (initial and prev:find("%.$") and initial or gap) * w
    prev = word
  end
  return p
end

-- Phrases as a tree of their characters ("said", "says", "stated": s, then a,
-- then i or y, …), so that LPeg tests each byte once instead of trying the
-- phrases one by one.  The same as the ordered choice of the phrases, longest
-- first, when every phrase is valid UTF-8 with its words one space apart:
-- siblings then begin with different characters or a gap, so at most one can
-- match, and a phrase that ends where others go on is shorter than they are,
-- so it comes last, as in the longest-first order.
local GAP = {}                              -- the key of the gap between two words
local function tree_of(list, opts)
  local root = { keys = {}, next = {} }
  for _, s in ipairs(list) do
    if s == "" or s ~= M.squeeze(s) or not utf8.len(s) then return nil end
    local node = root
    local function step(key)
      if not node.next[key] then
        node.next[key] = { keys = {}, next = {} }
        node.keys[#node.keys + 1] = key
      end
      node = node.next[key]
    end
    for word in s:gmatch("%S+") do
      if node ~= root then step(GAP) end
      for ch in word:gmatch(utf8.charpattern) do
        step((opts.nocase and ch:find("^%a$")) and ch:lower() or ch)
      end
    end
    node.final = true
  end
  local gap = opts.wrap and ws or sp^1
  local function pattern(node)
    local p = P(false)
    for _, key in ipairs(node.keys) do
      local first = key == GAP and gap or (opts.nocase and key:find("^%a$")) and S(key .. key:upper()) or P(key)
      p = p + first * pattern(node.next[key])
    end
    return node.final and p + P(true) or p
  end
  return pattern(root)
end

function M.phrase_tree(list, opts)
  opts = opts or {}
  local sorted = {}
  for i, s in ipairs(list) do sorted[i] = s end
  table.sort(sorted, function(a, b) return #a > #b end)
  local p = tree_of(sorted, opts)
  if not p then                             -- (phrases of odd spacing: one by one)
    p = P(false)
    for _, s in ipairs(sorted) do p = p + M.phrase(s, opts) end
  end
  return p
end

function M.phrases(list, opts) return wb * M.phrase_tree(list, opts) * -wordchar end

return M
