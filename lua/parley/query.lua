-- The query language of corpus:find/count/kwic, compiled to the C index's
-- primitives (postings, phrase, near).  docs/lua-api.md documents it:
--
--   inspection          a word, folded: matches Inspection, INSPECTION
--   =Inspection         the exact form only (case and accents kept)
--   missile*            every form starting with "missile"
--   inspect%a*          a Lua pattern over the (folded) forms, anchored
--   /inspect[a-z]*/     an `re` pattern over the forms
--   "red cross"         a phrase (so is an unquoted run of words)
--   red _ cross         `_` stands for any one token inside a phrase
--   inspection NEAR/5 cross   both within 5 tokens, same document
--
-- A query may also be an LPeg pattern, matched against whole folded forms.
local lpeg = require "lpeg"
local re = require "re"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"

local M = {}

-- An `re` pattern outside a grammar cannot use a bare name, so one there is
-- a word to match: /inspect[a-z]*/ means /'inspect' [a-z]*/.  Quoted strings,
-- classes, %names, =backrefs, <names> and {:group:} names are kept.
local P, R, S, V = lpeg.P, lpeg.R, lpeg.S, lpeg.V
local name = R("az", "AZ", "__") * R("az", "AZ", "__", "09")^0
local bare_words = lpeg.Cs(P{ "Pattern",
  Pattern = (V"Quoted" + V"Class" + V"Kept" + V"Word" + 1)^0,
  Quoted  = "'" * (1 - P"'")^0 * "'"
          + '"' * (1 - P'"')^0 * '"',
  Class   = "[" * P"^"^-1 * P"]"^-1 * (1 - P"]")^0 * "]",
  Kept    = (S"%=<" + "{:") * name,
  Word    = name / "'%0'",
})

-- Compile the re pattern of a /pattern/ query term, or raise a clear error.
local function compile_re(src)
  local ok, p = pcall(re.compile, src)
  if not ok and not src:find("<-", 1, true) then
    local ok2, p2 = pcall(re.compile, bare_words:match(src))
    if ok2 then ok, p = true, p2 end
  end
  if not ok then error(("bad re pattern '/%s/' in query: %s"):format(src, p), 0) end
  return p
end

-- Split a query string into chunks: quoted phrases and bare words.
local function chunks(q)
  local out, i = {}, 1
  while i <= #q do
    local s = q:match("^%s*()", i)
    if s > #q then break end
    local c = q:sub(s, s)
    if c == '"' then
      local e = q:find('"', s + 1, true)
      if not e then error(("unterminated phrase in query '%s'"):format(q), 0) end
      out[#out + 1] = { phrase = q:sub(s + 1, e - 1) }
      i = e + 1
    elseif q:sub(s, s + 2) == "“" then
      local e = q:find("”", s + 3, true)
      if not e then error(("unterminated phrase in query '%s'"):format(q), 0) end
      out[#out + 1] = { phrase = q:sub(s + 3, e - 1) }
      i = e + 3
    elseif c == "/" then
      local e = q:find("/", s + 1, true)
      if not e then error(("unterminated /pattern/ in query '%s'"):format(q), 0) end
      out[#out + 1] = { word = q:sub(s, e) }
      i = e + 1
    else
      local w = q:match("^%S+", s)
      out[#out + 1] = { word = w }
      i = s + #w
    end
  end
  return out
end

-- One term of a phrase: a table { kind = "word"|"exact"|"prefix"|"pattern"|"re"|"lpeg"|"any", value = ... },
-- or { kind = "split", value = w, parts = {...} } for a word the tokenizer splits.
local function classify(w)
  if w == "_" then return { { kind = "any" } } end
  if w:find("^/.+/$") then return { { kind = "re", value = w:sub(2, -2) } } end
  if w:find("^=.") then
    local t = {}
    for _, part in ipairs(tokenizer.words(text.normalize(w:sub(2)))) do  -- NFC, as the texts are
      t[#t + 1] = { kind = "exact", value = part }
    end
    return t
  end
  if w:find("%%") or w:find("[%[%]]") and #w > 1 then return { { kind = "pattern", value = w } } end
  if w:find("^[^*]+%*$") then return { { kind = "prefix", value = w:sub(1, -2) } } end
  local parts = tokenizer.words(w)
  if #parts > 1 then return { { kind = "split", value = w, parts = parts } } end
  local t = {}
  for _, part in ipairs(parts) do t[#t + 1] = { kind = "word", value = part } end
  return t
end

-- Whether an initial, an abbreviation or a date is one token depends on its
-- case (`N.`, `U.S.`, `2.XI.62`), so a word of a query that the tokenizer
-- splits (`n.`, `u.s.`) stays whole when the index holds it whole.
local function expand(ix, ast)
  local out = {}
  for _, t in ipairs(ast) do
    if t.kind ~= "split" then
      out[#out + 1] = t
    elseif ix:lookup(text.fold(t.value)) then
      out[#out + 1] = { kind = "word", value = t.value }
    else
      for _, part in ipairs(t.parts) do out[#out + 1] = { kind = "word", value = part } end
    end
  end
  return out
end

-- Parse a query string into { terms... } or { near = k, a, b }.
function M.parse(q)
  if type(q) == "userdata" and lpeg.type(q) == "pattern" then
    return { { kind = "lpeg", value = q } }
  end
  if type(q) ~= "string" then error("query must be a string or an LPeg pattern", 0) end
  local a, k, b = q:match("^(.-)%s+NEAR/(%d+)%s+(.+)$")
  if a then
    return { near = tonumber(k), M.parse(a), M.parse(b) }
  end
  local terms = {}
  for _, c in ipairs(chunks(q)) do
    if c.phrase then
      for w in c.phrase:gmatch("%S+") do
        for _, t in ipairs(classify(w)) do terms[#terms + 1] = t end
      end
    else
      for _, t in ipairs(classify(c.word)) do terms[#terms + 1] = t end
    end
  end
  if #terms == 0 then error(("empty query '%s'"):format(q), 0) end
  return terms
end

-- Folded type ids (or exact ids, with exact = true) a term selects.
local function resolve(ix, term)
  local k = term.kind
  if k == "word" then
    local id = ix:lookup(text.fold(term.value))
    return { id }, false
  elseif k == "exact" then
    local id = ix:exact_id(term.value)
    return { id }, true
  elseif k == "prefix" then
    local first, last = ix:prefix(text.fold(term.value))
    local ids = {}
    for id = first, last do ids[#ids + 1] = id end
    return ids, false
  end
  local match
  if k == "pattern" then
    if #term.value:match("%%*$") % 2 == 1 then
      error(("bad Lua pattern '%s' in query: malformed pattern (ends with '%%')"):format(term.value), 0)
    end
    local pat = "^" .. term.value .. "$"
    -- a Lua pattern's syntax errors surface only when matching reaches them
    match = function(s)
      local ok, found = pcall(string.find, s, pat)
      if not ok then error(("bad Lua pattern '%s' in query: %s"):format(term.value, found), 0) end
      return found ~= nil
    end
    match("")
  elseif k == "re" then
    local p = compile_re(term.value) * -1
    match = function(s) return p:match(s) ~= nil end
  elseif k == "lpeg" then
    local p = term.value * -1
    match = function(s) return p:match(s) ~= nil end
  end
  local ids, n = {}, ix:stats().folded_types
  for id = 0, n - 1 do
    if match((ix:fold_type(id))) then ids[#ids + 1] = id end
  end
  return ids, false
end

-- Evaluate a parsed query against an index: a parley.Hits.
-- limit: only the first matches are needed (a single term's postings are then
-- read no further than that); phrases and NEAR always find every match.
function M.run(ix, ast, limit)
  if ast.near then
    local a, b = M.run(ix, ast[1]), M.run(ix, ast[2])
    return a:near(b, ast.near)
  end
  ast = expand(ix, ast)
  if #ast == 1 and ast[1].kind ~= "any" then
    local ids, exact = resolve(ix, ast[1])
    return ix:postings(ids, exact, limit)
  end
  local elements = {}
  for i, t in ipairs(ast) do
    if t.kind == "any" then
      elements[i] = false
    else
      local ids, exact = resolve(ix, t)
      elements[i] = { ids = ids, exact = exact }
    end
  end
  return ix:phrase(elements)
end

-- A fast count for a single word, without reading postings; nil if the
-- query is not that simple.
function M.quick_count(ix, ast)
  if ast.near then return nil end
  ast = expand(ix, ast)
  if #ast ~= 1 then return nil end
  local k = ast[1].kind
  if k ~= "word" and k ~= "prefix" then return nil end
  return ix:fold_freq((resolve(ix, ast[1])))
end

return M
