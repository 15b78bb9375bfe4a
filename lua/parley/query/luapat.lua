-- Lua patterns of queries (`inspect%a*`) translated to LPeg, so that one
-- match of a scanner over the whole folded lexicon (parley.query.lexicon)
-- finds every type they select.  A query's pattern p selects the folded
-- types s with string.find(s, "^" .. p .. "$"): the whole type, and a `^`
-- at its start or a `$` at its end is an ordinary character.
--
-- Translated: `.`, the classes %a %c %d %g %l %p %s %u %w %x and their
-- complements (%A …, as the C library classifies bytes), %x escapes of
-- other characters, sets `[...]` with ranges, classes and `^`, the
-- quantifiers `*` `+` `-` `?`, %bxy, %f[set], and captures (which only
-- group here).  Like Lua's they work on bytes, so `.` is one byte of a
-- UTF-8 character.  Errors (faults at a byte of the pattern): a malformed
-- pattern, back-references (%1 …), and a letter after % that names no class
-- (Lua would read %q as q; here it is most likely a mistake).
--
-- LPeg's repetition is possessive where Lua's backtracks, so a quantified
-- item is a rule that tries the rest of the pattern first and takes one
-- more character only if the rest fails (`%a*ion` is R <- 'ion' end / %a R).
-- Whether a type matches does not depend on the order Lua tries the
-- lengths in, and this order keeps LPeg's backtrack stack as deep as the
-- pattern has quantifiers, not as long as the type.
--
-- The translation never matches a line break ("\n", which no type
-- holds): the lexicon separates its types with one, and a compiled
-- pattern matches a type only followed by it (and consumes it).
local lpeg = require "lpeg"
local fault = require "parley.query.fault"
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here

local P, R, S, V, B = lpeg.P, lpeg.R, lpeg.S, lpeg.V, lpeg.B
local C, Cc, Cp, Ct, Cmt = lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt

local M = {}

local nl = P"\n"
local any = 1 - nl                     -- a byte of a type
local locale = lpeg.locale()
local CLASSES = {
  a = locale.alpha, c = locale.cntrl, d = locale.digit, g = locale.graph, l = locale.lower,
  p = locale.punct, s = locale.space, u = locale.upper, w = locale.alnum, x = locale.xdigit,
}
local LETTERS = "acdglpsuwxACDGLPSUWX"

-- Atoms: each a byte set, without the line break.
local function class(letter)
  local set = CLASSES[letter:lower()]
  if letter:find("%u") then return any - set end
  return set - nl
end

local function literal(ch) return ch == "\n" and P(false) or P(ch) end

local function range(a, b) return a <= b and R(a .. b) - nl or P(false) end

local function set(neg, items)
  local u = P(false)
  for _, p in ipairs(items) do u = u + p end
  if neg == "^" then return any - u end
  return u - nl
end

-- %bxy: x, then bytes with as many y as x, up to the y that balances it.
local function balance(x, y)
  if x == "\n" or y == "\n" then return { atom = P(false) } end
  if x == y then return { atom = P(x) * (any - P(x))^0 * P(x) } end
  return { atom = P{ P(x) * ((any - S(x .. y)) + V(1))^0 * P(y) } }
end

-- %f[set]: the byte before is not in set and the byte here is; before the
-- first byte and after the last Lua sees "\0", here the line break.
local function frontier(p)
  local nul = lpeg.match(p, "\0") ~= nil
  local edge = nul and p + nl or p
  return { atom = (nul and B(1) or P(true)) * -B(edge) * #edge }
end

local function single(atom, quant) return { atom = atom, quant = quant } end

-- A fault at the current position, less back bytes.
local function fail(reason, back)
  return Cmt(P(true), function(_, i) fault.throw(i - (back or 0), reason) end)
end

local NOCLASS = "after % a letter must name a class: %a %c %d %g %l %p %s %u %w %x, or their capitals"

local syntax = P{ "Pattern",
  Pattern  = Ct(V"Item"^0) * (-1 + fail("this ) closes no ( in the Lua pattern")),
  Item     = V"Group"
           + V"Balance"
           + V"Frontier"
           + V"Single",
  Group    = "(" * V"Item"^0 * ")"
           + Cmt(Cp() * "(", function(_, _, at) fault.throw(at, "this ( has no closing ) in the Lua pattern") end),
  Balance  = "%b" * (C(1) * C(1) / balance + fail("%b needs two characters, as in %b()", 2)),
  Frontier = "%f" * (#P"[" * V"Set" / frontier + fail("%f needs a set after it, as in %f[%a]", 2)),
  Single   = V"Atom" * (C(S"*+-?") + Cc(false)) / single,
  Atom     = P"." * Cc(any)
           + V"Escape"
           + V"Set"
           + C(1 - S"()%[") / literal,
  Escape   = "%" * ( C(S(LETTERS)) / class
                   + R"09" * fail("back-references (%1 to %9) cannot be matched against the lexicon", 2)
                   + R("az", "AZ") * fail(NOCLASS, 2)
                   + C(1) / literal
                   + fail("a Lua pattern cannot end with a single %", 1)),
  Set      = "[" * C(P"^"^-1) * Ct(V"SetItem" * (V"SetItem" - "]")^0) * "]" / set
           + Cmt(Cp() * "[", function(_, _, at) fault.throw(at, "this [ has no closing ] in the Lua pattern") end),
  SetItem  = "%" * ( C(S(LETTERS)) / class
                   + R("az", "AZ", "09") * fail(NOCLASS, 2)
                   + C(1) / literal)
           + P(1) * "-" * "%" * fail("a range in a set cannot end with %", 1)
           + C(1) * "-" * C(1 - P"]") / range
           + C(1) / literal,
}

-- The LPeg pattern of the items: the first one, then the rest as its
-- continuation, built from the end; a quantified item becomes a rule.
-- tick (or nil): a pattern matched each time a quantified item takes one
-- more byte, so that a caller can count the steps of a match.
local function build(items, tick)
  local function step(a) return tick and a * tick or a end
  local rules, n = { "start" }, 0
  local function rule(p)
    n = n + 1
    rules["r" .. n] = p
    return V("r" .. n)
  end
  local k, named = nl, false             -- the rest of the pattern; is it a rule?
  for i = #items, 1, -1 do
    local it = items[i]
    local a, q = it.atom, it.quant
    if not q then
      k, named = a * k, false
    elseif q == "?" then
      if not named then k = rule(k) end  -- named, as it is tried twice
      k, named = step(a) * k + k, false
    else
      local name = "r" .. (n + 1)
      k, named = rule(k + step(a) * V(name)), true   -- the rest first, then one more a
      if q == "+" then k, named = a * k, false end
    end
  end
  if n == 0 then return k end
  rules.start = k
  return P(rules)
end

local memo = setmetatable({}, { __mode = "v" })

-- compile(src) -> the LPeg pattern matching a folded type selected by Lua
-- pattern src, followed by a line break; or false when LPeg cannot hold
-- it (more quantifiers than an LPeg grammar may have rules, some 250), for
-- the caller to match with string.find instead.  A malformed src is a fault
-- at its byte.
function M.compile(src)
  local p = memo[src]
  if p == nil then
    local items = syntax:match(src)
    local ok, built = pcall(build, items)
    p = ok and built or false
    memo[src] = p or nil
  end
  return p
end

-- compile_counted(src, tick) -> as compile, with tick matched at each
-- step of a quantified item (not memoised: tick is the caller's).
function M.compile_counted(src, tick)
  local ok, built = pcall(build, syntax:match(src), tick)
  return ok and built or false
end

-- quantifiers(src) -> how many items of Lua pattern src take any number
-- of bytes (* + -), and how many are quantified at all (? too).  With two
-- or more, the ways to share a type among them grow as a power of its
-- length (`%a+%a+%a+c` tries some n^3/6 of them on a type of n letters
-- before it fails), so such a pattern is matched with a budget of steps.
function M.quantifiers(src)
  local open, all = 0, 0
  for _, it in ipairs(syntax:match(src)) do
    if it.quant then
      all = all + 1
      if it.quant ~= "?" then open = open + 1 end
    end
  end
  return open, all
end

-- check(src): raise the fault of a malformed pattern, if any.
function M.check(src) syntax:match(src) end

return M
