-- The folded types a pattern term selects (a Lua pattern, an `re` pattern
-- or an LPeg object), found in one pass over the lexicon.  ix:lexicon() is
-- every folded type followed by a line break, in id order; a scanner tries
-- the term's pattern at the start of each type, keeps the position where it
-- matches the whole type, and skips to the next; ix:lexicon_ids maps the
-- positions to ids.  One lpeg.match, the loop over types inside LPeg.
--
-- A pattern that may read past the end of its type (an LPeg object: LPeg
-- cannot be told to stop at a line break) is matched type by type instead,
-- with the loop in C (ix:fold_filter), as is a pattern too deep for LPeg's
-- backtrack stack on some type (the scan is then abandoned, and each type
-- is matched on its own, as before: with string.find for a Lua pattern).
local lpeg = require "lpeg"
local luapat = require "parley.query.luapat"
local repat = require "parley.query.repat"

local P, Cp, Ct = lpeg.P, lpeg.Cp, lpeg.Ct

local M = {}

local rest = (1 - P"\n")^0 * "\n"             -- the rest of a type, and its line break

-- Scanners by the pattern of one type (which consumes its line break).
local scanners = setmetatable({}, { __mode = "k" })

-- The folded ids whose types line matches (line: a pattern matching a type
-- and its line break, never reading further), or nil when LPeg's backtrack
-- stack overflowed.
local function scan(ix, line)
  local scanner = scanners[line]
  if not scanner then
    scanner = Ct((Cp() * (line / 0) + rest)^0)   -- the pattern's own captures dropped
    scanners[line] = scanner
  end
  local ok, positions = pcall(lpeg.match, scanner, ix:lexicon())
  if not ok then
    if tostring(positions):find("backtrack stack overflow", 1, true) then return nil end
    error(positions, 0)
  end
  return ix:lexicon_ids(positions)
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
