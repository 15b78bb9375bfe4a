-- The `re` patterns of queries (`/inspect[a-z]*/`), compiled for matching
-- the folded lexicon.  A query's pattern selects the folded types it
-- matches whole, as re.compile(src) * -1 would on each type.
--
-- Two rewritings of the pattern's source, by one grammar:
--   bare     An `re` pattern outside a grammar cannot use a bare name, so a
--            name there is a word to match: /inspect[a-z]*/ means
--            /'inspect' [a-z]*/ (used when the source does not compile as
--            it is; quoted strings, classes, %names, =backrefs, <names> and
--            {:group:} names are kept).
--   confine  For one match over the whole lexicon, whose types are
--            separated by line breaks: `.`, and every class or %name that
--            can match a line break, becomes (!%nl …), and a quoted string
--            holding a line break (which no type holds) a pattern that
--            fails, so the pattern never reads past the end of a type; its
--            end is then the line break that follows (`!.` still means the
--            end of the type).
local lpeg = require "lpeg"
local re = require "re"
local fault = require "parley.query.fault"
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here

local P, R, V, C, Cs, Carg = lpeg.P, lpeg.R, lpeg.V, lpeg.C, lpeg.Cs, lpeg.Carg

local M = {}

-- In confine mode, s (a class, a %name or `.`) kept from matching a line
-- break: as it is if it cannot match one (most classes), else (!%nl s).
local function confine(mode, s)
  if mode ~= "confine" then return s end
  local ok, p = pcall(re.compile, s)
  if ok and not p:match("\n") then return s end
  return "(!%nl " .. s .. ")"
end

local name = R("az", "AZ", "__") * R("az", "AZ", "__", "09")^0
local rewrite = P{ "Pattern",
  Pattern = Cs((V"Comment" + V"Quoted" + V"Class" + V"Kept" + V"Def" + V"Dot" + V"Word" + 1)^0),
  Comment = "--" * (1 - P"\n")^0,
  Quoted  = C("'" * (1 - P"'")^0 * "'" + '"' * (1 - P'"')^0 * '"') * Carg(1)
          / function(s, mode) return mode == "confine" and s:find("\n", 1, true) and "(!'')" or s end,
  Class   = C("[" * P"^"^-1 * P"]"^-1 * (1 - P"]")^0 * "]") * Carg(1) / function(s, mode) return confine(mode, s) end,
  Kept    = (P"=" + "<" + "{:") * name,
  Def     = C("%" * name) * Carg(1) / function(s, mode) return confine(mode, s) end,
  Dot     = C"." * Carg(1) / function(s, mode) return confine(mode, s) end,
  Word    = C(name) * Carg(1) / function(s, mode) return mode == "bare" and "'" .. s .. "'" or s end,
}

local function compiled(src)
  local ok, p = pcall(re.compile, src)
  if ok then return p end
  return nil, (tostring(p):gsub("^[^\n]-:%d+: ", ""))
end

-- Where in src re's message points ("pattern error near 'rest'"), else 1.
local function position(src, msg)
  local near = msg:match("^pattern error near '(.*)'$")
  if not near then return 1 end
  local cut = near:match("^(.*)%.%.%.$")
  if cut and #near == 24 then return src:find(cut, 1, true) or 1 end
  return #src - #near + 1
end

local memo = setmetatable({}, { __mode = "v" })

-- compile(src) -> { whole = the pattern matching a whole type (p * -1),
-- line = the confined pattern matching a type and the line break after it,
-- or false if the rewriting does not compile }.  A pattern that does not
-- compile is a fault at the byte re points to.
function M.compile(src)
  local key = src
  local r = memo[key]
  if r then return r end
  local p, err = compiled(src)
  if not p and not src:find("<-", 1, true) then
    local bare = rewrite:match(src, 1, "bare")
    local q = compiled(bare)
    if q then src, p = bare, q end
  end
  if not p then fault.throw(position(src, err), "the re pattern does not compile: " .. err) end
  local line = compiled(rewrite:match(src, 1, "confine"))
  r = { whole = p * -1, line = line and line * "\n" or false }
  memo[key] = r
  return r
end

return M
