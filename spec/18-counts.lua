-- Independent counts for the statistics specs (19-21): the seed documents
-- tokenised again with parley.tokenizer over doc:text() (not read from the
-- index), a small matcher for plain queries, and runners for the bundled
-- scripts.  Not a spec itself (no _spec suffix).
local h = require "spec.helpers"
local assert = require "luassert"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"

local M = {}

-- Every token of the corpus: { text, fold, kind, pos (corpus position), doc,
-- start (byte in doc:text()), line }.  Positions are the document region's
-- first position plus the token's index.
function M.tokens(c)
  local out = {}
  for _, d in ipairs(c:regions("document")) do
    local doc = c:doc(d.attrs.id)
    local txt = doc:text()
    local line, at = 1, 1
    for i, t in ipairs(tokenizer.tokens(txt)) do
      for _ in txt:sub(at, t.start - 1):gmatch("\n") do line = line + 1 end
      at = t.start
      out[#out + 1] = { text = t.text, fold = text.fold(t.text), kind = t.kind, pos = d.pos + i - 1,
                        doc = doc.id, start = t.start, line = line }
    end
  end
  return out
end

-- Is a token counted in frequency lists (a word or a number)?
function M.counted(t) return t.kind == "word" or t.kind == "number" end

-- The distinct turn spans whose attributes pass keep(attrs): a list of
-- { pos, stop (inclusive), attrs } in corpus order.
function M.turns(c, keep)
  local out, seen = {}, {}
  for _, r in ipairs(c:regions("turn")) do
    local key = r.pos .. ":" .. r.stop_pos
    if keep(r.attrs) and not seen[key] then
      seen[key] = true
      out[#out + 1] = { pos = r.pos, stop = r.stop_pos, attrs = r.attrs }
    end
  end
  table.sort(out, function(a, b) return a.pos < b.pos end)
  return out
end

-- The indexes (into tokens) of the tokens inside speaker labels: the byte
-- spans of the grammars' `label` regions, matched against the tokens found
-- again in each document's text (not through the index's spans).
function M.labels(c, tokens)
  local spans, set = {}, {}
  for _, r in ipairs(c:regions("label")) do
    if r.start then
      spans[r.doc] = spans[r.doc] or {}
      table.insert(spans[r.doc], { r.start, r.stop })
    end
  end
  for i, t in ipairs(tokens) do
    for _, sp in ipairs(spans[t.doc] or {}) do
      if t.start >= sp[1] and t.start <= sp[2] then set[i] = true break end
    end
  end
  return set
end

-- One query word as a predicate on folded tokens: "inspect*" is a prefix.
local function word_matcher(w)
  w = text.fold(w)
  if w:sub(-1) == "*" then
    local p = w:sub(1, -2)
    return function(f) return f:sub(1, #p) == p end
  end
  return function(f) return f == w end
end

-- Mentions of plain queries (words, prefix*, phrases of them) in tokens[from..to]
-- (1-based indexes into the list), overlaps resolved earliest then longest:
-- a list of token indexes where mentions start.
function M.mentions(tokens, queries, from, to)
  from, to = from or 1, to or #tokens
  local all = {}
  for _, q in ipairs(queries) do
    local parts = {}
    for w in q:gsub('"', ""):gmatch("%S+") do parts[#parts + 1] = word_matcher(w) end
    for i = from, to - #parts + 1 do
      local ok = true
      for k, m in ipairs(parts) do
        local t = tokens[i + k - 1]
        ok = ok and t.doc == tokens[i].doc and m(t.fold)
      end
      if ok then all[#all + 1] = { i, i + #parts } end
    end
  end
  table.sort(all, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] > b[2] end)
  local out, last = {}, -1
  for _, m in ipairs(all) do
    if m[1] >= last then out[#out + 1] = m[1]; last = m[2] end
  end
  return out
end

-- The index into tokens of corpus position pos (tokens are in position order).
function M.index_of(tokens, pos)
  return pos - tokens[1].pos + 1
end

-- Run `parley NAME ARGS...`, which must succeed quietly: returns stdout.
function M.ok(name, ...)
  local out, err, code = h.run({ name, ... })
  assert.equal("", err)
  assert.equal(0, code)
  return out
end

-- Run `parley NAME ARGS...`, which must fail in one line without a traceback:
-- returns the message.
function M.mistake(name, ...)
  local out, err, code = h.run({ name, ... })
  assert.equal(1, code)
  assert.is_nil(err:find("traceback", 1, true), err)
  assert.equal(1, select(2, err:gsub("\n", "")), err)
  return err, out
end

-- Lines of a text.
function M.lines(s)
  local out = {}
  for line in s:gmatch("(.-)\n") do out[#out + 1] = line end
  return out
end

return M
