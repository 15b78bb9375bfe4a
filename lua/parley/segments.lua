-- An index of several segments (docs/scale.md, docs/index-format.md): the
-- corpus's sources are cut into runs of about `segment_mb` megabytes, each
-- run indexed as a file of its own in INDEX.seg/, named after everything
-- its bytes are made of; the file INDEX is then the segment list that
-- names them and holds the index lexicon (core/join.c).  A build that finds
-- a segment already there under its name takes it as it is: adding or
-- changing a source rebuilds only the segment that holds it, and the list.
-- A corpus of one segment (every corpus under `segment_mb`) is one index
-- file, as before.
local index = require "parley.index"
local indexer = require "parley.indexer"
local join = require("parley.seglist").join
local json = require("parley.writer").json
local fs = require "parley.fs"
local cjson = require "cjson"

local M = {}

M.SEGMENT_MB = 64

-- The bytes a segment aims at: opts.segment_mb megabytes (a fraction for tests), else SEGMENT_MB.
function M.target(opts)
  local mb = opts.segment_mb
  if mb == nil then mb = M.SEGMENT_MB end
  if type(mb) ~= "number" or mb ~= mb or mb <= 0 then
    error("bad option segment_mb (a positive number of megabytes expected)", 0)
  end
  return mb * 1e6
end

-- Cut the sources docs[1..n] into runs { first =, last = } of about `bytes`
-- bytes.  A run ends after a source whose path hashes below its share of a
-- run (its size / bytes), once the run holds a quarter of a run, or when it
-- holds four: a cut depends on the source it follows, not on what comes
-- before, so adding or removing a source moves no cut but its own
-- (but where a run reaches four times the aim).
function M.plan(docs, bytes)
  local parts, first, acc = {}, 1, 0
  for i, d in ipairs(docs) do
    acc = acc + d.size
    local h = tonumber(index.hash(d.path):sub(1, 8), 16) / 4294967296
    if i < #docs and ((acc >= bytes / 4 and h < d.size / bytes) or acc >= 4 * bytes) then
      parts[#parts + 1] = { first = first, last = i }
      first, acc = i + 1, 0
    end
  end
  parts[#parts + 1] = { first = first, last = #docs }
  return parts
end

-- A segment's file name: a hash of what its bytes are made of (the sources'
-- paths, ids, metadata, attributes and stamps, the way of reading, the
-- region kinds and document attributes, the grammars) and never of where
-- it lies in the corpus.
local function name_of(sub, spec, meta)
  local key = json {
    format = meta.format, grammar_hash = meta.grammar_hash or "", kinds = spec.kinds or {},
    doc_attrs = spec.doc_attrs or {}, repair = spec.repair and true or false,
    skip_bad = spec.skip_bad and true or false, docs = sub,
  }
  return index.hash(key) .. ".seg"
end

-- Remove the files of folder PATH.seg that are not in keep (names): the
-- segments no list names any more, those moved aside as damaged, a dead
-- build's temporaries (a build holds the lock: no other is writing there);
-- and the folder if none is left.
function M.collect(path, keep)
  local dir = path .. ".seg"
  local names = fs.dir(dir)
  if not names then return end
  local kept = {}
  for _, n in ipairs(keep) do kept[n] = true end
  for _, n in ipairs(names) do
    if not kept[n] then os.remove(dir .. "/" .. n) end
  end
  if #keep == 0 then os.remove(dir) end
end

local SUMMED = { "skipped", "seconds", "seconds_tokenising", "seconds_encoding" }

-- build(path, docs, spec, meta, opts) -> stats: index docs (the build spec's
-- documents, in order) at path with the rest of spec (indexer.build's), as
-- one file or as segments and their list; meta is the index's metadata.
function M.build(path, docs, spec, meta, opts)
  local plan = M.plan(docs, M.target(opts))
  if #plan == 1 then
    spec.output, spec.docs, spec.meta = path, docs, json(meta)
    local stats = indexer.build(spec)
    M.collect(path, {})            -- the segments of an earlier build, if any
    return stats
  end
  local dir = path .. ".seg"
  local ok, err = fs.mkdir(dir)
  if not ok then error(err, 0) end
  local names, sources, empty = {}, {}, {}
  local stats = { warnings = "", reused = 0, built_segments = 0, tokens = 0, documents = 0 }
  for _, f in ipairs(SUMMED) do stats[f] = 0 end
  for k, part in ipairs(plan) do
    local sub = {}
    for i = part.first, part.last do sub[#sub + 1] = docs[i] end
    local name = name_of(sub, spec, meta)
    local file = dir .. "/" .. name
    local ix = index.open(file)
    if ix and ix:stats().segments ~= 1 then ix:close(); ix = nil end
    if ix then
      stats.reused = stats.reused + 1
    else
      local numbered = {}
      for j, d in ipairs(sub) do
        numbered[j] = setmetatable({ number = part.first + j - 1 }, { __index = d })
      end
      spec.output, spec.docs, spec.meta = file, numbered, json { format = meta.format, segment = true }
      local st = indexer.build(spec)
      for _, f in ipairs(SUMMED) do stats[f] = stats[f] + (st[f] or 0) end
      stats.warnings = stats.warnings .. (st.warnings or "")
      stats.built_segments = stats.built_segments + 1
      ix = assert(index.open(file))
    end
    -- the sources that gave no documents, numbered in the whole corpus
    local st = ix:stats()
    stats.tokens, stats.documents = stats.tokens + st.tokens, stats.documents + st.documents
    local m = cjson.decode(st.meta)
    for _, e in ipairs(type(m.empty_sources) == "table" and m.empty_sources or {}) do
      e.source = e.source + part.first - 1
      empty[#empty + 1] = e
    end
    ix:close()
    names[k], sources[k] = name, part.last - part.first + 1
  end
  local whole = {}
  for key, v in pairs(meta) do whole[key] = v end
  whole.empty_sources = #empty > 0 and empty or nil
  local j = join { output = path, segments = names, sources = sources, meta = json(whole) }
  stats.types, stats.segments = j.types, #names
  M.collect(path, names)
  return stats
end

return M
