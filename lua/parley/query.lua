-- The query language of corpus:find/count/kwic: one LPeg grammar parses a
-- query string into a syntax tree, parley.query.plan runs the tree on the
-- primitives of parley.Index (postings, phrase, near).  docs/lua-api.md
-- documents it for users:
--
--   inspection          a word, folded: matches Inspection, INSPECTION
--   =Inspection         the exact form only (case and accents kept)
--   missile*            every form starting with "missile"
--   inspect%a*          a Lua pattern over the (folded) forms, anchored
--   /inspect[a-z]*/     an `re` pattern over the forms
--   "red cross"         a phrase (so is an unquoted run of words; “curly quotes” too)
--   red _ cross         `_` stands for any one token inside a phrase
--   inspection NEAR/5 cross   both within 5 tokens, same document (k at most 1000);
--                       a NEAR/k b NEAR/j c is a NEAR/k (b NEAR/j c)
--
-- A query may also be an LPeg pattern, matched against whole folded forms.
-- Inside quotes NEAR/ is a word (`"red NEAR/1 cross"` is a phrase of five
-- tokens); the other words keep their meaning there (prefix, pattern, /re/).
-- =word is the literal text: `=10%`, `=[sic]` (the tokens the tokenizer
-- makes of it, exactly).
-- A word the tokenizer splits (`Castro's` stays whole, `u.s.` does not)
-- stays one token when the index holds it whole, else is its parts.
--
-- The syntax tree.  Every node has `tag`, and `pos` and `stop`: the bytes
-- of the query it was read from (1-based, inclusive).  The root also has
-- `source`, the query string.
--
--   { tag = "cond", attr = "word", op = "=", kind = K, value = V [, parts = {...}] }
--       a condition on one token: its attribute (only "word" so far; CQP's
--       lemma, pos … later) compared (only "=" so far; "!=" later) with a
--       value of kind "word" (folded), "exact", "prefix" (value without
--       the *), "pattern" (a Lua pattern), "re", "lpeg" (value: the LPeg
--       pattern) or "any" (`_`: any token, no value).  parts: how the
--       tokenizer splits a word of kind "word", when it does.
--   { tag = "and", A, B }  { tag = "or", A, B }  { tag = "not", A }
--       conditions on the same token (CQP's [word="a" & lemma="b"])
--   { tag = "seq", T1, T2, ... }
--       consecutive tokens (a phrase); each Ti a token node (cond, and, or,
--       not) or { tag = "gap", min = m, max = n }: m to n tokens of any kind
--   { tag = "near", dist = k, A, B }
--       the hits of A with a hit of B at most k tokens away, same document
--   { tag = "within", kind = "turn", A }
--       the hits of A that lie inside one region of that kind
--
-- The parser makes cond, seq and near nodes; the planner runs those and
-- within, and gaps of one length, and rejects the others ("… is not
-- supported yet").  A malformed query raises an error object (parley.error)
-- whose message echoes the query with a caret under the fault, with fields
-- query, pos (the byte), reason and hint (see parley.query.fault).
local lpeg = require "lpeg"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"
local fault = require "parley.query.fault"
local perror = require "parley.error"
local luapat = require "parley.query.luapat"
local repat = require "parley.query.repat"
local planner = require "parley.query.plan"

local P, S, R, V = lpeg.P, lpeg.S, lpeg.R, lpeg.V
local C, Cp, Ct, Cmt = lpeg.C, lpeg.Cp, lpeg.Ct, lpeg.Cmt

local M = {}

M.MAX_NEAR = 1000          -- the largest k of NEAR/k
-- Limits checked before any parsing, so that a huge query costs no more
-- than reading it once (a ten-million-word phrase, a 10 000-term NEAR chain
-- took minutes and gigabytes to parse before the phrase limit was seen).
M.MAX_BYTES = 16384        -- bytes in a query
M.MAX_WORDS = 256          -- words (runs of non-space) in a query
M.MAX_NEARS = 32           -- NEAR/ operators in a query (each nests the rest of the chain)
M.MAX_PATTERN = 4096       -- bytes in one /re/ or Lua pattern term

local STAR = "a * may only end a word, as in missile*; "
  .. "for other patterns write a Lua pattern, such as mis%a*le"
local SIDES = "NEAR/ needs a word or phrase on each side, as in inspection NEAR/5 cross"
local EMPTY_RE = "an empty /pattern/ matches nothing: write an re pattern between the slashes"

-- A fault at the current position, less back bytes.
local function fail(reason, back)
  return Cmt(P(true), function(_, i) fault.throw(i - (back or 0), reason) end)
end

local function cond(kind, value, pos, stop)
  return { tag = "cond", attr = "word", op = "=", kind = kind, value = value, pos = pos, stop = stop }
end

-- The captures of one word: a list of token nodes (an =exact word the
-- tokenizer splits is several), from bytes p to q - 1.
local function any_term(p, q) return { cond("any", nil, p, q - 1) } end

-- A pattern term's source, no longer than MAX_PATTERN bytes (at byte p).
local function bounded(p, src, what)
  if #src > M.MAX_PATTERN then
    fault.throw(p, ("this %s is %d bytes long, and a pattern may be at most %d"):format(what, #src, M.MAX_PATTERN))
  end
end

local function re_term(p, src, q)
  bounded(p, src, "/re/ pattern")
  fault.shifted(p, repat.compile, src)          -- src starts at byte p + 1
  return { cond("re", src, p, q - 1) }
end

-- A word holding % [ or ] is a Lua pattern; one that is not a valid pattern
-- is most often text (10%, [sic]) meant literally, so the fault says how.
local function pattern_term(p, src, q)
  bounded(p, src, "Lua pattern")
  local ok, e = pcall(fault.shifted, p - 1, luapat.check, src)
  if not ok then
    if not fault.is(e) then error(e, 0) end
    fault.throw(e.pos, e.reason, ("to find the text %s itself, write =%s"):format(src, src))
  end
  return { cond("pattern", src, p, q - 1) }
end

local function prefix_term(p, w, q) return { cond("prefix", w, p, q - 1) } end

local function nothing(p) fault.throw(p, "the tokenizer keeps nothing of this word") end

local function word_term(p, w, q)
  local parts = tokenizer.words(w)
  if #parts == 0 then nothing(p) end
  local c = cond("word", parts[1], p, q - 1)
  if #parts > 1 then c.value, c.parts = w, parts end
  return { c }
end

local function exact_term(p, w, q)
  local star = w:find("*", 1, true)
  if star and w:find("[^*]") then
    fault.throw(p + star, "an =exact word cannot hold a * (there are no exact prefixes or patterns)")
  end
  local out = {}
  for i, part in ipairs(tokenizer.words(text.normalize(w))) do  -- NFC, as the texts are
    out[i] = cond("exact", part, p, q - 1)
  end
  if #out == 0 then nothing(p) end
  return out
end

-- One word ending before a byte of stop: its terms (a list of nodes).
local function term(stop)
  local ch = 1 - stop
  local e = #stop + -1                                 -- the end of the word
  local star = P"*"
  local pattern = (ch - "%")^0 * "%" + #(ch * ch) * (ch - S"[]")^0 * S"[]"
  return Cp() * "_" * e * Cp() / any_term
       + "//" * e * fail(EMPTY_RE, 2)
       + Cp() * "/" * C((ch - "/" * e)^1) * "/" * e * Cp() / re_term
       + Cp() * "=" * C(ch^1) * Cp() / exact_term
       + Cp() * #pattern * C(ch^1) * Cp() / pattern_term
       + Cp() * C((ch - star)^1) * star * e * Cp() / prefix_term
       + Cp() * #(star^1 * e) * C(ch^1) * Cp() / word_term   -- stars alone: punctuation
       + (ch - star)^0 * star * fail(STAR, 1)
       + Cp() * C(ch^1) * Cp() / word_term
end

-- A list of lists of nodes, flattened.
local function flat(lists)
  local out = {}
  for _, l in ipairs(lists) do
    for _, n in ipairs(l) do out[#out + 1] = n end
  end
  return out
end

local function phrase(p, lists)
  local out = flat(lists)
  if #out == 0 then fault.throw(p, "an empty phrase matches nothing: write words between the quotes") end
  return out
end

local function seq(p, lists)
  local items = flat(lists)
  if #items == 1 then return items[1] end
  items.tag, items.pos, items.stop = "seq", p, items[#items].stop
  return items
end

local function near(_, a, at, k, b)
  if not at then return a end
  return { tag = "near", dist = k, pos = at, stop = b.stop, a, b }
end

local function distance(_, i, digits)
  local k = tonumber(digits)
  if k > M.MAX_NEAR then
    fault.throw(i - #digits, ("NEAR/%s is too far: the largest distance is NEAR/%d"):format(digits, M.MAX_NEAR))
  end
  return i, math.tointeger(k)
end

local sp = S" \t\n\v\f\r"                                -- white space, as Lua's %s
local Sp = sp^0

local grammar = P{ "Query",
  Query   = Sp * (V"Near" + fail("an empty query matches nothing: give a word, a \"phrase\" or a pattern"))
          * Sp * (-1 + fail("this cannot follow the query before it")),
  Near    = Cp() * V"Seq" * (Sp * Cp() * V"Op" * (Sp * V"Near" + fail(SIDES)))^-1 / near
          + #P"NEAR/" * fail(SIDES),
  Op      = "NEAR/" * ( Cmt(C(R"09"^1) * #(sp + S"\"/" + "“" + -1), distance)
                      + R"09"^0 * fail("NEAR/ needs a whole number of tokens, such as NEAR/5")),
  Seq     = Cp() * Ct(V"Item" * (Sp * V"Item")^0) / seq,
  Item    = V"Quoted"
          + V"Curly"
          + V"Slashed"
          + -P"NEAR/" * term(sp),
  Quoted  = Cp() * '"' * Ct((Sp * term(sp + '"'))^0) * Sp * '"' / phrase
          + '"' * fail("this \" has no closing \"", 1),
  Curly   = Cp() * "“" * Ct((Sp * term(sp + "”"))^0) * Sp * "”" / phrase
          + "“" * fail("this “ has no closing ”", 3),
  Slashed = "//" * fail(EMPTY_RE, 2)
          + Cp() * "/" * C((1 - P"/")^1) * "/" * Cp() / re_term
          + "/" * fail("this / has no closing / (an re pattern is written /pattern/)", 1),
}

-- Faults for a query with more words or NEAR/ operators than the limits,
-- found in one reading of it, before the grammar runs.
local function within_limits(q)
  local words, nears = 0, 0
  for at, w in q:gmatch("()(%S+)") do
    words = words + 1
    if words > M.MAX_WORDS then
      fault.throw(at, ("a query may hold at most %d words"):format(M.MAX_WORDS))
    end
    local from = 1
    while true do
      local k = w:find("NEAR/", from, true)
      if not k then break end
      nears = nears + 1
      if nears > M.MAX_NEARS then
        fault.throw(at + k - 1, ("a query may join at most %d terms with NEAR/"):format(M.MAX_NEARS + 1))
      end
      from = k + 5
    end
  end
end

local function parse_string(q)
  within_limits(q)
  local ok, bad = text.valid(q)
  if not ok then fault.throw(bad, "the query is not valid UTF-8") end
  local tree = grammar:match(q)
  tree.source = q
  return tree
end

local memo = setmetatable({}, { __mode = "v" })

-- parse(q [, level]) -> the syntax tree of query q (a string or an LPeg
-- pattern).  A malformed query raises an error object blaming the function
-- `level` levels up (as for error(): 1, the default, is the caller of parse).
function M.parse(q, level)
  level = level or 1
  if lpeg.type(q) == "pattern" then return { tag = "cond", attr = "word", op = "=", kind = "lpeg", value = q } end
  if type(q) ~= "string" then error("query must be a string or an LPeg pattern", level + 1) end
  if #q > M.MAX_BYTES then   -- not echoed with a caret, as other faults are: it is too long to show
    perror.raise(("bad query: it is %d bytes long, and a query may be at most %d"):format(#q, M.MAX_BYTES),
                 level + 1, { reason = "too long", pos = M.MAX_BYTES + 1 })
  end
  local tree = memo[q]
  if not tree then
    tree = fault.protect(q, level + 1, parse_string, q)
    memo[q] = tree
  end
  return tree
end

-- plan(ix, tree [, level]) -> the plan of a syntax tree (parley.query.plan);
-- what cannot be run raises as parse does.
function M.plan(ix, tree, level)
  local p = fault.protect(tree.source, (level or 1) + 1, planner.plan, ix, tree)
  return p
end

M.exec, M.quick = planner.exec, planner.quick

-- gives_back(tree) -> the source of an re term of the tree in which a
-- repetition (* + ?) is followed by more pattern, or nil.  Such a term often
-- matches nothing because PEG repetition never gives back (/[a-z]*tion/):
-- what a command says when a query found nothing.
function M.gives_back(tree)
  if type(tree) ~= "table" then return nil end
  if tree.tag == "cond" and tree.kind == "re" and tree.value:find("[*+?]%s*[^%s)}]") then
    return tree.value
  end
  for _, sub in ipairs(tree) do
    local v = M.gives_back(sub)
    if v then return v end
  end
  return nil
end

-- run(ix, tree [, limit [, level]]) -> hits (parley.Hits).  limit: only the
-- first matches are needed (a single token's postings are then read no
-- further than that); phrases and NEAR always find every match.
function M.run(ix, tree, limit, level)
  local p = M.plan(ix, tree, (level or 1) + 1)
  return planner.exec(ix, p, limit)
end

-- quick_count(ix, tree [, level]) -> the number of matches of a query of one
-- token of folded types, from the lexicon (no postings read); else nil.
function M.quick_count(ix, tree, level)
  local p = M.plan(ix, tree, (level or 1) + 1)
  return planner.quick(ix, p)
end

return M
