-- Entities: people, places and organisations from a gazetteer (Lua data:
-- parley.gazetteer, the corpus's person register, your own file), and the
-- numbers, durations and dates found with LPeg, each with its count, the
-- forms used and its first mention.  `parley entities`
-- (lua/parley/cmd/entities.lua) prints the table.
local lpeg = require "lpeg"
local E = require "parley.error"
local hits = require "parley.hits"
local output = require "parley.output"
local lib = require "parley.grammar.lib"
local people = require "parley.people"
local topics = require "parley.topics"
local data = require "parley.data"

local P, Cp = lpeg.P, lpeg.Cp

local M = {}

M.types = { "person", "place", "organisation", "date", "duration", "number" }
local TYPE_ORDER = {}
for i, t in ipairs(M.types) do TYPE_ORDER[t] = i end

-- ------------------------------------------------------------ patterns
-- Dates, quantities and numbers come from the grammars' building blocks
-- (parley.grammar.lib: lib.date, lib.quantity, lib.number, lib.find_all);
-- this module only picks the quantities of time and names what it finds.

M.time_units = { minute = true, hour = true, day = true, week = true, month = true, year = true }

local function plural(n, unit) return n == 1 and unit or unit .. "s" end

-- The name a duration is counted under: "10–15 days" for "ten to fifteen
-- days" and "10-15 days" alike, "3 hours 40 minutes", "1 month" for "a month".
local function duration_name(q)
  if q.minutes and q.unit == "minute" and q.minutes >= 60 then
    local h, m = q.minutes // 60, q.minutes % 60
    return m == 0 and plural(h, "hour"):gsub("^", h .. " ")
      or ("%d %s %d %s"):format(h, plural(h, "hour"), m, plural(m, "minute"))
  end
  local function num(v) return math.tointeger(v) or v end
  if q.low == q.high then return ("%s %s"):format(num(q.low), plural(q.low, q.unit)) end
  return ("%s–%s %s"):format(num(q.low), num(q.high), plural(q.high, q.unit))
end

local time_quantity = lpeg.Cmt(lib.quantity, function(_, i, q)
  return M.time_units[q.unit] and i, q
end)
-- "a month", "an hour": the one quantity of time lib.quantity leaves to us
local article = lib.wb * (P"a" + "an" + "A" + "An") * lib.ws
  * lpeg.Cmt(lpeg.C(lib.letter^1), function(_, i, w)
      local u = w:lower():gsub("s$", "")
      return M.time_units[u] and w:lower() == u and i, u
    end)
local a_time = lpeg.Cmt(Cp() * article * Cp(), function(_, i, s, u, e)
  return i, { low = 1, high = 1, unit = u, start = s, stop = e - 1 }
end)
local digit_number = lpeg.Cmt(lib.number, function(subject, i, n)
  return subject:sub(n.start, n.stop):find("%d") and i, n
end)

M.pattern = lpeg.Cc"date" * lib.date + lpeg.Cc"duration" * (time_quantity + a_time)
          + lpeg.Cc"number" * digit_number

-- scan(text) -> list of { type, key, name, text, start, stop } of the dates
-- (named by their ISO form: "1962-11-02", "--10-24" without a year),
-- durations ("10–15 days") and numbers written in digits (named as written,
-- counted by value) in text; byte offsets, stop inclusive.
function M.scan(text)
  local out = {}
  for s, e, typ, t in lib.find_all(M.pattern, text) do
    local written = lib.squeeze(text:sub(s, e))
    local key = typ == "date" and t.iso or typ == "duration" and duration_name(t)
      or tostring(math.tointeger(t.value) or t.value)
    out[#out + 1] = { type = typ, key = key, name = typ == "number" and written or key, text = written,
                      start = s, stop = e }
  end
  return out
end

-- ------------------------------------------------------------ gazetteer

-- entries(corpus, extra) -> list of { name, type, variants }: the person
-- register of the corpus, parley.gazetteer, then the extra entries.
function M.entries(corpus, extra)
  local out = {}
  -- a broken register is an error (naming its file), not a corpus without people
  for _, p in ipairs(people.load(corpus.manifest).people) do
    local variants = { p.name }
    for _, a in ipairs(p.aliases or {}) do variants[#variants + 1] = a end
    out[#out + 1] = { name = p.name, type = "person", variants = variants }
  end
  for _, list in ipairs({ require "parley.gazetteer", extra or {} }) do
    for _, e in ipairs(list) do out[#out + 1] = e end
  end
  return out
end

-- load(path) -> a list of gazetteer entries read from a Lua file, or nil, message.
function M.load(path)
  local t, err = data.load(path)
  if t == nil then return nil, err end
  if type(t) ~= "table" then return nil, path .. ": must return a list of { name =, type =, variants = { ... } }" end
  for i, e in ipairs(t) do
    if type(e) ~= "table" or type(e.name) ~= "string" or not TYPE_ORDER[e.type]
        or type(e.variants) ~= "table" then
      return nil, ("%s: entry %d needs a name, a type (%s) and a list of variants"):format(
        path, i, table.concat(M.types, ", "))
    end
  end
  return t
end

-- ------------------------------------------------------------ finding

-- The text a token span covers in its document.
local function surface(corpus, s, e, texts)
  local toks = corpus.ix:tokens(s, e - 1)
  local d = toks[1].doc
  texts[d] = texts[d] or corpus.ix:text(d)
  return (texts[d]:sub(toks[1].start, toks[#toks].stop):gsub("%s+", " "))
end

local function add(found, key, name, typ, form, doc, line, order)
  local f = found[key]
  if not f then
    f = { entity = name, type = typ, count = 0, forms = {}, first_doc = doc, first_line = line,
          order = order }
    found[key] = f
  end
  f.count = f.count + 1
  f.forms[form] = (f.forms[form] or 0) + 1
  if order < f.order then f.first_doc, f.first_line, f.order = doc, line, order end
end

-- The gazetteer's mentions: every variant's hits, overlaps resolved in
-- favour of the earlier, then the longer match ("International Red Cross"
-- is one mention of the Red Cross, not also one of "Red Cross").
local function gazetteer_hits(corpus, entries, found)
  local all = {}
  for _, e in ipairs(entries) do
    for _, v in ipairs(e.variants) do
      local ok, hits = pcall(corpus.find, corpus, v)
      if not ok and E.damaged(hits) then error(hits, 0) end  -- damage is never taken for an answer
      if not ok then E.raise(("entity '%s': variant '%s': %s"):format(e.name, v, E.message(hits)), 0) end
      hits = hits._hits
      for i = 1, #hits do
        local s, stop = hits:span(i)
        all[#all + 1] = { s, stop, e }
      end
    end
  end
  table.sort(all, topics.by_start_longest)
  local last, kept, starts = -1, {}, {}
  for _, h in ipairs(all) do
    if h[1] >= last then
      last = h[2]
      local n = #kept + 1
      kept[n], starts[n] = h, h[1]
    end
  end
  local texts = {}
  for i, at in ipairs(corpus:at(starts)) do  -- every mention located in one pass
    local h = kept[i]
    local e = h[3]
    add(found, e.type .. "\0" .. e.name, e.name, e.type, surface(corpus, h[1], h[2], texts), at.doc, at.line, h[1])
  end
end

-- The items scanned in doc's text (sorted by start) that lie in the
-- (sub-)corpus: those whose first token it holds, so that a sub-corpus of
-- turns counts what its speakers said, not the rest of the document.
local function inside(corpus, doc, items)
  if not corpus.within or #items == 0 then return items end
  local toks, k, flat = doc:tokens(), 1, {}
  for i, m in ipairs(items) do
    while toks[k + 1] and toks[k + 1].start <= m.start do k = k + 1 end
    m.pos = toks[k].pos
    flat[2 * i - 1], flat[2 * i] = m.pos, m.pos + 1
  end
  local kept, set, out = hits.from(corpus.ix, flat):inside(corpus.within), {}, {}
  for i = 1, #kept do set[kept:span(i)] = true end
  for _, m in ipairs(items) do
    if set[m.pos] then out[#out + 1] = m end
    m.pos = nil
  end
  return out
end

-- entities(corpus, opts) -> rows { entity, type, count, forms = { { name =
-- form, count = n } … } (commonest first), first_doc, first_line }, by type
-- (person, place, organisation, date, duration, number), then commonest
-- first.  opts: gazetteer (extra entries), types (list of the types wanted),
-- min (least count, default 1).
function M.entities(corpus, opts)
  opts = opts or {}
  local want = {}
  for _, t in ipairs(opts.types or M.types) do
    if not TYPE_ORDER[t] then
      error(("bad argument #2 to 'entities' (unknown type '%s': %s)"):format(tostring(t), table.concat(M.types, ", ")), 2)
    end
    want[t] = true
  end
  local found, entries = {}, {}
  for _, e in ipairs(M.entries(corpus, opts.gazetteer)) do
    if want[e.type] then entries[#entries + 1] = e end
  end
  gazetteer_hits(corpus, entries, found)
  if want.date or want.duration or want.number then
    for doc in corpus:docs() do
      local first, txt, items, offsets = doc._info.first, doc:text(), {}, {}
      for _, m in ipairs(inside(corpus, doc, M.scan(txt))) do
        if want[m.type] then
          local n = #items + 1
          items[n], offsets[n] = m, m.start
        end
      end
      local lines = corpus.ix:positions(doc.number, offsets)
      for i, m in ipairs(items) do
        -- corpus order of a scanned item: its document's first position, then its offset
        add(found, m.type .. "\0" .. m.key, m.name, m.type, m.text, doc.id, lines[i],
            first + m.start / (#txt + 1))
      end
    end
  end
  local rows = {}
  for _, f in pairs(found) do
    if f.count >= (opts.min or 1) then rows[#rows + 1] = f end
  end
  table.sort(rows, function(a, b)
    if a.type ~= b.type then return TYPE_ORDER[a.type] < TYPE_ORDER[b.type] end
    if a.count ~= b.count then return a.count > b.count end
    return a.order < b.order
  end)
  for _, r in ipairs(rows) do r.order, r.forms = nil, output.ranked(r.forms) end
  return rows
end

M.columns = {
  "entity", "type", "count",
  { name = "first_doc", title = "first doc" }, { name = "first_line", title = "line", plain = true },
  { name = "forms", display = output.tally, text = output.tally_text },
}

return M
