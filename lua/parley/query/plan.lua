-- The planner: a query's syntax tree (parley.query) onto the primitives of
-- parley.Index, then run.  A plan is a tree of steps:
--
--   { op = "postings", ids = {...}, exact = bool }   one token: ix:postings
--   { op = "phrase", elements = {...} }               consecutive tokens: ix:phrase,
--                                                     an element { ids, exact } or false (any)
--   { op = "near", dist = k, a, b }                   hits:near
--   { op = "inside", kind = name, a }                 hits:inside(ix:regions(kind))
--
-- What the tree can say and no primitive runs yet (and, or, not, gaps of
-- varying length) is a fault at its node: "… is not supported yet".
local text = require "parley.text"
local fault = require "parley.query.fault"
local lexicon = require "parley.query.lexicon"

local M = {}

M.MAX_PHRASE = 64          -- tokens in a phrase (ix:phrase)

local UNSUPPORTED = {
  ["and"] = "& (conditions on one token)", ["or"] = "| (alternatives on one token)",
  ["not"] = "! (a negated condition)",
}

local LEXICON = { pattern = "Lua pattern", re = "re pattern", lpeg = "LPeg pattern" }

-- The folded (or, exact = true, exact) type ids condition c selects.
local function ids_of(ix, c)
  local k = c.kind
  if k == "word" then return { ix:lookup(text.fold(c.value)) }, false
  elseif k == "exact" then return { ix:exact_id(c.value) }, true
  elseif k == "prefix" then
    local first, last = ix:prefix(text.fold(c.value))
    local ids = {}
    for id = first, last do ids[#ids + 1] = id end
    return ids, false
  elseif LEXICON[k] then
    local ids, why = lexicon[k](ix, c.value)
    if not ids then fault.throw(c.pos, ("this %s is %s"):format(LEXICON[k], why)) end
    return ids, false
  end
  fault.throw(c.pos, ("a token condition of kind '%s' cannot be run"):format(tostring(k)))
end

-- Append the phrase elements of token node t to out, each with the node
-- it came from: false for any token, else { ids =, exact = }.  A word the
-- tokenizer splits (`u.s.`) is one token when the index holds it whole
-- (case decides whether `U.S.` or `N.` is one token), else its parts.
local function elements(ix, t, out, from)
  local tag = t.tag
  if tag == "cond" then
    if t.attr ~= "word" or t.op ~= "=" then
      fault.throw(t.pos, ("conditions on %s %s are not supported yet"):format(tostring(t.attr), tostring(t.op)))
    end
    if t.kind == "any" then
      out[#out + 1], from[#from + 1] = false, t
    elseif t.parts and not ix:lookup(text.fold(t.value)) then
      for _, part in ipairs(t.parts) do
        out[#out + 1], from[#from + 1] = { ids = { ix:lookup(text.fold(part)) }, exact = false }, t
      end
    else
      local ids, exact = ids_of(ix, t)
      out[#out + 1], from[#from + 1] = { ids = ids, exact = exact }, t
    end
  elseif tag == "seq" then
    for _, item in ipairs(t) do elements(ix, item, out, from) end
  elseif tag == "gap" then
    if t.min ~= t.max then fault.throw(t.pos, "a gap of varying length is not supported yet") end
    for _ = 1, t.min do out[#out + 1], from[#from + 1] = false, t end
  elseif UNSUPPORTED[tag] then
    fault.throw(t.pos, UNSUPPORTED[tag] .. " is not supported yet")
  else
    fault.throw(t.pos, ("a %s cannot stand for a token here"):format(tostring(tag)))
  end
end

-- plan(ix, node) -> the plan of a syntax tree (faults at its nodes).
function M.plan(ix, node)
  local tag = node.tag
  if tag == "near" then
    return { op = "near", dist = node.dist, M.plan(ix, node[1]), M.plan(ix, node[2]) }
  elseif tag == "within" then
    local known = false
    for _, k in ipairs(ix:kinds()) do known = known or k.name == node.kind end
    if not known then fault.throw(node.pos, ("no region kind '%s' in this corpus"):format(tostring(node.kind))) end
    return { op = "inside", kind = node.kind, M.plan(ix, node[1]) }
  end
  local out, from = {}, {}
  elements(ix, node, out, from)
  local words = 0
  for _, e in ipairs(out) do if e then words = words + 1 end end
  if words == 0 then
    fault.throw(node.pos, "_ stands for any one token inside a phrase; a query needs at least one word")
  end
  if #out > M.MAX_PHRASE then
    fault.throw(from[M.MAX_PHRASE + 1].pos, ("a phrase may hold at most %d tokens"):format(M.MAX_PHRASE))
  end
  if #out == 1 then return { op = "postings", ids = out[1].ids, exact = out[1].exact } end
  return { op = "phrase", elements = out }
end

-- exec(ix, plan [, limit]) -> hits.  limit: only the first matches are
-- needed (a single token's postings are then read no further than that).
function M.exec(ix, p, limit)
  local op = p.op
  if op == "postings" then return ix:postings(p.ids, p.exact, limit)
  elseif op == "phrase" then return ix:phrase(p.elements)
  elseif op == "near" then return M.exec(ix, p[1]):near(M.exec(ix, p[2]), p.dist)
  elseif op == "inside" then return M.exec(ix, p[1]):inside(ix:regions(p.kind))
  end
  error("unknown plan step " .. tostring(op))
end

-- quick(ix, plan) -> the number of matches without reading postings, or
-- nil: one token of folded types is counted from the lexicon's frequencies.
function M.quick(ix, p)
  if p.op == "postings" and not p.exact then return ix:fold_freq(p.ids) end
  return nil
end

return M
