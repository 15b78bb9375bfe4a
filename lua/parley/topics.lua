-- Topics: keyword families (a name and the queries that find it) followed
-- through a conversation — who raised each first, how often each speaker
-- mentions it, how evenly it spreads (Juilland's D, Gries' DP) and where it
-- comes up over the course of the text (a sparkline over k equal parts).
-- `parley topics` (lua/parley/cmd/topics.lua) prints the table.
local dispersion = require "parley.dispersion"
local E = require "parley.error"
local fs = require "parley.fs"
local hits = require "parley.hits"
local output = require "parley.output"
local stats = require "parley.stats"
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here

local M = {}

-- Order of spans { start, stop, … }: by start, the longest first, so that
-- overlapping matches of several queries count once (the longest wins).
function M.by_start_longest(a, b)
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[2] > b[2]
end

-- The default families, for the bundled corpus: plain data, in the order
-- they are listed.  A --families file returns { name = { "query", … } }.
M.families = {
  { name = "quarantine/blockade", "quarantine", "blockade" },
  { name = "inspection/verification/Red Cross", "inspect*", "verif*", "red cross" },
  { name = "guarantees/non-intervention/invasion", "guarantee*", "non-intervention", "nonintervention",
    "invasion", "non-aggression" },
  { name = "Guantánamo base", "guantanamo" },
  { name = "protocol/written document", "protocol*", "written document*", "document*" },
  { name = "missiles/armaments/weapons", "missile*", "armament*", "weapon*" },
  { name = "overflights/aerial reconnaissance", "overflight*", "overfly", "aerial reconnaissance",
    "aerial photo-reconnaissance", "reconnaissance", "photo-reconnaissance" },
}

-- load(path) -> families read from a Lua file that returns { name = { "query", … } },
-- sorted by name; nil, message when the file is missing or malformed.
function M.load(path)
  local t, err = require("parley.data").load(path)
  if t == nil then return nil, err end
  if type(t) ~= "table" then return nil, path .. ": must return a table { name = { \"query\", ... } }" end
  local out = {}
  for name, queries in pairs(t) do
    if type(name) ~= "string" or type(queries) ~= "table" or #queries == 0 then
      return nil, ("%s: family '%s' must be a name with a list of queries"):format(path, tostring(name))
    end
    local fam = { name = name }
    for i, q in ipairs(queries) do
      if type(q) ~= "string" then
        return nil, ("%s: family '%s': query %d is not a string"):format(path, name, i)
      end
      fam[i] = q
    end
    out[#out + 1] = fam
  end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

-- mentions(corpus, queries) -> a hit list of the token spans matched by any
-- of the queries, overlaps resolved in favour of the earlier and then the
-- longer match (so "aerial reconnaissance" is one mention): Hits:disjoint.
function M.mentions(corpus, queries)
  local all = hits.from(corpus.ix, {})
  for _, q in ipairs(queries) do all = all:union(corpus:find(q)._hits) end
  return all:disjoint()
end

-- The speakers of the (sub-)corpus's turns and the text of each one's turns
-- without their labels (corpus:spans, as everything counted per speaker):
-- a list of { name, spans }, sorted by name; empty without speaker turns.
function M.speaker_spans(corpus)
  local ok, values, kind = E.pcall(corpus.values, corpus, "speaker")
  if not ok or kind ~= "turn" then return {} end
  local out, by = {}, corpus:spans_by("turn", "speaker")   -- every speaker's at once
  for _, v in ipairs(values) do
    local spans = v ~= "" and by[v]
    if spans and spans:width() > 0 then out[#out + 1] = { name = v, spans = spans } end
  end
  return out
end

-- Who mentions what: for the mentions (a hit list; each counted where it
-- starts), the tally { { name, count } … } of those inside each speaker's
-- text (commonest first), the earliest such position and its speaker
-- (several, joined with " and ", when a joint turn holds it).
local function by_speaker(speakers, mentions)
  local marks = mentions:heads()
  local counts, first, who = {}, nil, {}
  for _, sp in ipairs(speakers) do
    local mine = marks:inside(sp.spans)
    if #mine > 0 then
      counts[sp.name] = #mine
      local at = mine:span(1)
      if not first or at < first then first, who = at, { sp.name }
      elseif at == first then who[#who + 1] = sp.name end
    end
  end
  return output.ranked(counts), first, first and table.concat(who, " and ") or nil
end

-- topics(corpus, families, opts) -> rows { family, mentions, first_speaker,
-- first_doc, first_line, speakers = { { name, count } … }, d, dp, course =
-- counts per part, size, parts }, in the order of their first mention
-- (families never mentioned last).  Mentions are counted in the
-- (sub-)corpus's text; those of a speaker in the text of their turns without
-- the speaker labels (a label names who speaks; it is no one's mention), and
-- speakers is that tally, commonest first.  The first mention is the
-- earliest inside a speaker's turn — the one who raised it — or, when no
-- turn holds one, the earliest of all (with no speaker).  size is the
-- (sub-)corpus's tokens, parts (opts.parts, default 10) the number of equal
-- stretches of it for the course and the dispersion.
function M.topics(corpus, families, opts)
  opts = opts or {}
  local k = opts.parts or 10
  if math.type(k) ~= "integer" or k < 1 then error("bad argument #3 to 'topics' (parts must be a whole number >= 1)", 2) end
  local rows, speakers, size = {}, M.speaker_spans(corpus), corpus:size()
  for i, fam in ipairs(families or M.families) do
    local spans = M.mentions(corpus, fam)
    local starts = spans:starts()
    local tally, first, first_speaker = by_speaker(speakers, spans)
    local counts, sizes = dispersion.part_counts(corpus, starts, k)
    rows[#rows + 1] = { family = fam.name, mentions = #spans, speakers = tally, course = counts,
                        d = stats.juilland_d(counts, sizes), dp = stats.gries_dp(counts, sizes),
                        size = size, parts = k,
                        order = i, first = first or starts[1], first_speaker = first_speaker }
  end
  -- where each family was first mentioned, located at once
  local firsts, which = {}, {}
  for _, r in ipairs(rows) do
    if r.first then
      local n = #firsts + 1
      firsts[n], which[n] = r.first, r
    end
  end
  for i, at in ipairs(corpus:at(firsts)) do which[i].first_doc, which[i].first_line = at.doc, at.line end
  table.sort(rows, function(a, b)
    if a.first and b.first then return a.first < b.first end
    if a.first or b.first then return a.first ~= nil end
    return a.order < b.order
  end)
  for _, r in ipairs(rows) do r.order, r.first = nil, nil end
  return rows
end

-- marks(corpus, families) -> where each family is mentioned, for a
-- dispersion plot: for each family (in the order given) { family, mentions,
-- all = the positions of its mentions along the (sub-)corpus's text (from 0
-- to 1: dispersion.positions), speakers = { { name, marks = positions } … }
-- (the speakers who mention it, in their turns without the labels, as
-- topics counts them: commonest first, ties by name) }.
function M.marks(corpus, families)
  local speakers, out = M.speaker_spans(corpus), {}
  for _, fam in ipairs(families or M.families) do
    local spans = M.mentions(corpus, fam)
    local heads = spans:heads()
    local entry = { family = fam.name, mentions = #spans, all = dispersion.positions(corpus, spans:starts()), speakers = {} }
    for _, sp in ipairs(speakers) do
      local mine = heads:inside(sp.spans)
      if #mine > 0 then
        entry.speakers[#entry.speakers + 1] = { name = sp.name, marks = dispersion.positions(corpus, mine:starts()) }
      end
    end
    table.sort(entry.speakers, function(a, b)
      if #a.marks ~= #b.marks then return #a.marks > #b.marks end
      return a.name < b.name
    end)
    out[#out + 1] = entry
  end
  return out
end

-- ------------------------------------------------------------ scope and columns

-- Is the corpus the bundled one (the folder itself, however its path was
-- typed: the same device and inode, as the index cache knows folders)?
function M.is_bundled(corpus)
  local home = require("parley").home
  local a, b = home and fs.stat(home .. "/corpus"), fs.stat(corpus.dir)
  return a ~= nil and b ~= nil and a.dev == b.dev and a.ino == b.ino
end

-- The text followed by default: the corpus's transcripts, if it has
-- documents of type "transcript", else the whole corpus; and a description.
function M.default_scope(corpus)
  local ok, sub = E.pcall(corpus.where, corpus, { type = "transcript" })
  if ok and sub:size() > 0 then
    local ids = {}
    for doc in sub:docs() do ids[#ids + 1] = doc.id end
    return sub, ("the documents of type transcript (%s)"):format(table.concat(ids, ", "))
  end
  return corpus, "the whole corpus (it has no documents of type transcript)"
end

-- The table's columns: the course as a sparkline on screen, as counts elsewhere.
M.columns = {
  "family", "mentions",
  { name = "first_speaker", title = "raised first by" },
  { name = "first_doc", title = "doc" }, { name = "first_line", title = "line", plain = true },
  { name = "speakers", title = "mentions by speaker", display = output.tally, text = output.tally_text },
  "d", "dp",
  { name = "course", display = output.sparkline, text = output.spaced },
  -- what the caption says on screen: the text counted, its size in tokens, the parts
  { name = "scope", tty = false }, { name = "size", tty = false }, { name = "parts", tty = false },
}

return M
