-- The folded types a pattern term selects (a Lua pattern, an `re` pattern
-- or an LPeg object), found in one pass over the lexicon.  ix:lexicon() is
-- every folded type followed by a line break, in id order; a scanner tries
-- the term's pattern at the start of each type, keeps the position where it
-- matches the whole type, and skips to the next; ix:lexicon_ids maps the
-- positions to ids.  One lpeg.match per piece of 4096 types, the loop over
-- types inside LPeg, so that Ctrl-C is seen between two pieces.
--
-- A Lua pattern with two or more quantified items (`%a+%a+%a+c`) may try
-- some power of a type's length ways of sharing it among them (a 20 000
-- letter type: some 10^12), in one lpeg.match where no hook reaches: such
-- a pattern counts its steps, through a Lua call that Ctrl-C reaches too,
-- and a query that spends M.STEPS of them is refused with a message that
-- names the pattern, never left to run.
--
-- A pattern that may read past the end of its type (an LPeg object: LPeg
-- cannot be told to stop at a line break) is matched type by type instead,
-- with the loop in C (ix:fold_filter), as is a pattern too deep for LPeg's
-- backtrack stack on some type (the scan is then abandoned, and each type
-- is matched on its own, as before: with string.find for a Lua pattern).
local lpeg = require "lpeg"
local luapat = require "parley.query.luapat"
local repat = require "parley.query.repat"

local P, Cp, Ct, Cmt = lpeg.P, lpeg.Cp, lpeg.Ct, lpeg.Cmt

local M = {}

local rest = (1 - P"\n")^0 * "\n"             -- the rest of a type, and its line break

-- A scan runs over PIECE types at a time, so that Ctrl-C (the hook, which
-- cannot reach into one lpeg.match) is seen between two pieces.
local PIECE = 4096

-- The budget of a pattern with two or more quantified items (see
-- M.pattern): steps of its quantified items over the whole lexicon.
M.STEPS = 5000000

-- Scanners by the pattern of one type (which consumes its line break).
local scanners = setmetatable({}, { __mode = "k" })

-- The folded ids whose types line matches (line: a pattern matching a type
-- and its line break, never reading further), or nil when LPeg's backtrack
-- stack overflowed.  The scanner takes a piece of the lexicon per match and
-- gives the position it stopped at.
local function scan(ix, line)
  local scanner = scanners[line]
  if not scanner then
    scanner = Ct((Cp() * (line / 0) + rest)^-PIECE) * Cp()   -- the pattern's own captures dropped
    scanners[line] = scanner
  end
  local lex = ix:lexicon()
  local found, at, n = {}, 1, #lex
  while at <= n do
    local ok, positions, next_at = pcall(lpeg.match, scanner, lex, at)
    if not ok then
      if tostring(positions):find("backtrack stack overflow", 1, true) then return nil end
      error(positions, 0)
    end
    table.move(positions, 1, #positions, #found + 1, found)
    if next_at <= at then break end          -- no line break at the end: not a lexicon
    at = next_at
  end
  return ix:lexicon_ids(found)
end

-- The budget's sentinel error, and what is left of it in the scan under way.
local over = setmetatable({}, { __tostring = function() return "the step budget is spent" end })
local left, spent_at = 0, nil
local tick = Cmt(P(true), function(_, i)
  left = left - 1
  if left < 0 then spent_at = i; error(over, 0) end
  return i
end)
local counted = setmetatable({}, { __mode = "v" })   -- counted patterns by source

-- The ids of the types Lua pattern src (two or more quantified items)
-- selects, each step of a quantified item counted (a Lua call, which the
-- hook reaches too), M.STEPS in all; or nil and why when the budget is
-- spent; or nil alone when LPeg cannot run it.
local function budgeted(ix, src)
  local line = counted[src]
  if line == nil then
    line = luapat.compile_counted(src, tick)
    counted[src] = line
  end
  if not line then return nil end
  left, spent_at = M.STEPS, nil
  local ok, ids = pcall(scan, ix, line)
  if ok then return ids end                    -- nil: LPeg's backtrack stack overflowed
  if ids ~= over then error(ids, 0) end
  local lex = ix:lexicon()
  local from = spent_at
  while from > 1 and lex:byte(from - 1) ~= 10 do from = from - 1 end
  local to = lex:find("\n", spent_at, true) or #lex + 1
  return nil, ("too costly to match against the lexicon: %s took over %d steps, the last on a word of %d bytes "
    .. "(with two or more of * + - ?, the ways to share a word's letters grow as a power of its length); "
    .. "write fewer of them, or more letters"):format(src, M.STEPS, to - from)
end

-- The folded ids of the types s with f(x, s) not nil, type by type; or
-- nil and why when the matcher gives up on some type (string.find's
-- "pattern too complex", LPeg's backtrack stack).
local function per_type(ix, f, x)
  local ok, ids = pcall(ix.fold_filter, ix, f, x)
  if ok then return ids end
  local msg = tostring(ids)
  if msg:find("pattern too complex", 1, true) or msg:find("backtrack stack overflow", 1, true) then
    return nil, "too complex to match against the lexicon"
  end
  error(ids, 0)
end

local function find_whole(pat, s) return string.find(s, pat) end

-- Each function below returns the folded ids a term selects, or nil and
-- why it cannot be matched.

-- Lua pattern src (already checked by the parser).
function M.pattern(ix, src)
  local open, all = luapat.quantifiers(src)
  if all >= 2 then
    local ids, why = budgeted(ix, src)
    if ids or why then return ids, why end
    -- string.find's backtracking has no budget: only for a pattern whose
    -- quantifiers take a byte at most (? items) may it take over
    if open >= 2 then return nil, "too complex to match against the lexicon" end
    return per_type(ix, find_whole, "^" .. src .. "$")
  end
  local line = luapat.compile(src)
  local ids = line and scan(ix, line)
  if ids then return ids end
  return per_type(ix, find_whole, "^" .. src .. "$")
end

-- `re` pattern src.
function M.re(ix, src)
  local r = repat.compile(src)
  local ids = r.line and scan(ix, r.line)
  if ids then return ids end
  return per_type(ix, lpeg.match, r.whole)
end

local wholes = setmetatable({}, { __mode = "k" })

-- LPeg pattern p, matched against each whole type.
function M.lpeg(ix, p)
  local whole = wholes[p]
  if not whole then
    whole = p * -1
    wholes[p] = whole
  end
  return per_type(ix, lpeg.match, whole)
end

return M
