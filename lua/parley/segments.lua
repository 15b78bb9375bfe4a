-- An index of several segments (docs/scale.md, docs/index-format.md): the
-- corpus's sources are cut into runs of about `segment_mb` megabytes (32), each
-- run indexed as a file of its own in INDEX.seg/, named after everything
-- its bytes are made of; the file INDEX is then the segment list that
-- names them and holds the index lexicon (core/join.c).  A build that finds
-- a segment already there under its name takes it as it is: adding or
-- changing a source rebuilds only the segment that holds it, and the list.
-- A corpus of one segment (every corpus under `segment_mb`) is one index
-- file, as before.
local index = require "parley.index"
local indexer = require "parley.indexer"
local seglist = require "parley.seglist"
local json = require("parley.writer").json
local fs = require "parley.fs"
local cjson = require "cjson"

local M = {}

M.SEGMENT_MB = 32

-- The bytes a segment aims at: opts.segment_mb megabytes (a fraction for tests), else SEGMENT_MB.
function M.target(opts)
  local mb = opts.segment_mb
  if mb == nil then mb = M.SEGMENT_MB end
  if type(mb) ~= "number" or mb ~= mb or mb <= 0 then
    error("bad option segment_mb (a positive number of megabytes expected)", 0)
  end
  return mb * 1e6
end

-- Cut the sources docs[from..to] into runs { first =, last = } of about
-- `bytes` bytes (content-defined, as backup tools cut files into chunks): a
-- run ends after a source whose path hashes below a threshold that is
-- nothing before half a run, grows with the square of the run's length (at
-- one run: four times the source's share of a run) and is certain at two
-- runs.  Whether a run ends after a source depends on that source and the
-- run's length only, so adding, removing or changing a source changes the
-- run that holds it, and the cuts after it fall back into place within a run
-- or two: the other runs keep their sources, and their segments are taken as
-- they are.  Runs come out between a half and twice the aim, most near it.
local function cut(docs, from, to, bytes, parts)
  local first, acc = from, 0
  for i = from, to do
    local d = docs[i]
    acc = acc + d.size
    local x = acc / bytes
    local h = tonumber(index.hash(d.path):sub(1, 8), 16) / 4294967296
    if i < to and ((x >= 0.5 and h < d.size / bytes * 4 * x * x) or x >= 2) then
      parts[#parts + 1] = { first = first, last = i }
      first, acc = i + 1, 0
    end
  end
  parts[#parts + 1] = { first = first, last = to }
  return parts
end

M.TAIL = 4   -- the last run is cut again into runs this many times smaller

-- The segments of docs[1..n] for segments of about `bytes` bytes: the runs
-- of cut(), except the last, which is open: the sources added to a corpus
-- go to its end, and extend it.  So that adding one rebuilds a small
-- segment and not a large one, the last run is cut again, the same way,
-- into runs TAIL times smaller; when a cut closes the last run, the next
-- build joins its small segments into one (once every `bytes` added).  A
-- corpus of less than `bytes` in all is one segment, and one of less than
-- twice that is not cut again (small segments cost a lexicon each: it would
-- be mostly small ones).  The plan depends on the sources alone (a build
-- from scratch and an update give the same segments).
function M.plan(docs, bytes)
  local total = 0
  for _, d in ipairs(docs) do total = total + d.size end
  if total < bytes then return { { first = 1, last = #docs } } end
  local parts = cut(docs, 1, #docs, bytes, {})
  if total < 2 * bytes then return parts end
  local last = table.remove(parts)
  return cut(docs, last.first, last.last, bytes / M.TAIL, parts)
end

-- A segment's file name: a hash of what its bytes are made of (the sources'
-- paths, ids, metadata, attributes and stamps, the way of reading, the
-- region kinds and document attributes, the grammars) and never of where
-- it lies in the corpus.  The documents' fields are strings and numbers
-- already (their metadata as JSON), joined with a byte no path or JSON holds.
function M.name_of(sub, spec, meta)
  local parts = { json {
    format = meta.format, grammar_hash = meta.grammar_hash or "", kinds = spec.kinds or {},
    doc_attrs = spec.doc_attrs or {}, repair = spec.repair and true or false,
    skip_bad = spec.skip_bad and true or false,
  } }
  for _, d in ipairs(sub) do
    parts[#parts + 1] = table.concat({ d.path, d.id, d.meta, table.concat(d.attrs, "\1"), d.size, d.mtime,
      d.mtime_ns, d.reader or "", (d.genres or d.chosen or d.grammar) and json { d.genres, d.chosen, d.grammar } or "" }, "\2")
  end
  return index.hash(table.concat(parts, "\3")) .. ".seg"
end

-- The folder of an index's segments, PATH.seg, if it is one of its own: a
-- real folder, or nothing yet.  A link (or a file) there is refused, so that
-- nothing is read, written or removed through it (a corpus folder may come
-- with its .parley, from anyone).  -> dir | nil, message
function M.folder(path)
  local dir = path .. ".seg"
  local why = M.not_a_folder(dir, "an index's segments")
  if why then return nil, why end
  return dir
end

-- not_a_folder(path, what) -> why path, which is there, is no folder of
-- parley's own to keep `what` in (a link, a file) | nil (a folder, or nothing there).
function M.not_a_folder(path, what)
  local st = fs.lstat(path)
  if st and st.type ~= "directory" then
    return ("%s: not a folder (%s); parley keeps %s in a folder of that name: remove it")
      :format(path, ({ link = "a symbolic link", file = "a file" })[st.type] or "a special file", what)
  end
end

-- What collect may remove: segments, those moved aside, and the temporaries
-- of builds (NAME.seg.tmp.PID, core/ixwrite.c).
local function segment_file(n)
  local base, rest = n:match("^(%x+%.seg)(.*)$")
  if not base then return nil end
  if rest == "" or rest == ".damaged" or rest == ".stale" then return "segment" end
  local pid = rest:match("^%.tmp%.(%d+)$")
  return pid and #pid <= 9 and "temporary", pid and math.tointeger(tonumber(pid))
end

M.TEMPORARY_AGE = 3600   -- seconds without a write after which a temporary of a process not here is a dead build's

-- Remove the files of folder PATH.seg that are not in keep (names): the
-- segments no list names any more, those moved aside, and the temporaries of
-- dead builds; and the folder if none is left.  Nothing else there is
-- touched, nor anything through a link.  A build here holds the lock, but a
-- part's builder (parley index --shard) on another machine that shares the
-- folder does not: a temporary is removed only if its process is this
-- one's, or is not alive here and has not written for TEMPORARY_AGE.
function M.collect(path, keep)
  local dir = M.folder(path)
  local names = dir and fs.dir(dir)
  if not names then return end
  local kept, own, now = {}, fs.pid(), os.time()
  for _, n in ipairs(keep) do kept[n] = true end
  for _, n in ipairs(names) do
    local what, pid = segment_file(n)
    if what == "segment" and not kept[n] then os.remove(dir .. "/" .. n)
    elseif what == "temporary" and pid then
      local st = fs.lstat(dir .. "/" .. n)
      if pid == own or (not fs.alive(pid) and st and now - st.mtime > M.TEMPORARY_AGE) then os.remove(dir .. "/" .. n) end
    end
  end
  if #keep == 0 then os.remove(dir) end   -- only if empty
end

local SUMMED = { "skipped", "seconds", "seconds_tokenising", "seconds_encoding" }

-- Build segment `name` of the documents sub (numbered from first in the corpus) in folder dir ->
-- indexer.build's stats.  Its metadata holds its name, which is checked before it is taken again.
local function build_one(dir, name, sub, first, spec, meta)
  local numbered = {}
  for j, d in ipairs(sub) do numbered[j] = setmetatable({ number = first + j - 1 }, { __index = d }) end
  spec.output, spec.docs, spec.meta = dir .. "/" .. name, numbered, json { format = meta.format, segment = true, name = name }
  return indexer.build(spec)
end

-- Is the file at dir/name the segment of that name, one to take as it is?  A
-- segment whose metadata names another (a segment copied over another's
-- name) or none is not.
local function sound_segment(dir, name)
  local ix = index.open(dir .. "/" .. name)
  if not ix then return false end
  local st = ix:stats()
  ix:close()
  if st.segments ~= 1 then return false end
  local ok, m = pcall(cjson.decode, st.meta)
  return ok and type(m) == "table" and m.segment == true and m.name == name
end
M.sound_segment = sound_segment

-- The segments of one build in other processes (parley itself, run again by
-- M.children): each child builds its share of the segments to build on one
-- thread, so that every core builds a segment of its own, with no table
-- shared.  A segment's bytes do not depend on the threads that built it.
-- -> a list of { file, names } to wait for.
local function start_children(exe, dir, path, shares, opts)
  local started = {}
  for _, names in ipairs(shares) do
    -- numbers as exact hexadecimal numerals: the child must cut where the parent does
    local function number(v) return v and ("%a"):format(v) or "nil" end
    local shard = opts.shard and ("{ i = %d, n = %d }"):format(opts.shard.i, opts.shard.n) or "nil"
    local code = ("require('parley.corpus').build_segments(%q, %q, { repair = %s, skip_bad = %s, "
      .. "trust_grammars = %s, segment_mb = %s, batch_mb = %s, shard = %s }, { %s })"):format(dir, path,
      tostring(opts.repair and true or false), tostring(opts.skip_bad and true or false),
      tostring(opts.trust_grammars and true or false), number(opts.segment_mb),
      number(opts.batch_mb), shard, table.concat((function()
        local q = {}
        for i, n in ipairs(names) do q[i] = ("%q"):format(n) end
        return q
      end)(), ", "))
    local function sh(x) return "'" .. x:gsub("'", "'\\''") .. "'" end
    local cmd = sh(exe) .. " -E -e " .. sh(code)
    local f = io.popen(cmd, "r")
    if not f then error("cannot start a build process", 0) end
    started[#started + 1] = { file = f, names = names }
  end
  return started
end

-- build(path, docs, spec, meta, opts) -> stats: index docs (the build spec's
-- documents, in order) at path with the rest of spec (indexer.build's), as
-- one file or as segments and their list; meta is the index's metadata.
-- opts.build_only (a set of names): build those segments only, and no list
-- (a child's share); opts.rebuild: take no segment as it is; opts.segments_of
-- = { i =, n = }: build the segments of part i of n only, and no list
-- (parley index --shard: a segment is in the part of its first source).
function M.build(path, docs, spec, meta, opts)
  local plan = M.plan(docs, M.target(opts))
  local part = opts.segments_of
  if part then
    local shard = require "parley.shard"
    local mine = {}
    for k, p in ipairs(plan) do
      if shard.part_of(docs[p.first].path, part.n) == part.i then mine[#mine + 1] = k end
    end
    if #plan == 1 then   -- one segment: the index itself, built by its part
      if #mine == 0 then return { warnings = "", built_segments = 0, reused = 0, segments = 1, mine = 0 } end
      local o = {}
      for key, v in pairs(opts) do o[key] = v end
      o.segments_of = nil
      local st = M.build(path, docs, spec, meta, o)
      st.mine, st.segments = 1, 1
      return st
    end
    opts = setmetatable({ build_only = {}, segments_of = false }, { __index = opts })
    for _, k in ipairs(mine) do
      local sub = {}
      for i = plan[k].first, plan[k].last do sub[#sub + 1] = docs[i] end
      local name = M.name_of(sub, spec, meta)
      if opts.rebuild or not sound_segment(path .. ".seg", name) then opts.build_only[name] = true end
    end
    local st = M.build(path, docs, spec, meta, opts)
    st.segments, st.mine = #plan, #mine
    st.reused = #mine - st.built_segments
    return st
  end
  if #plan == 1 and not opts.build_only then
    spec.output, spec.docs, spec.meta = path, docs, json(meta)
    local stats = indexer.build(spec)
    M.collect(path, {})            -- the segments of an earlier build, if any
    return stats
  end
  local dir, derr = M.folder(path)
  if not dir then error(derr, 0) end
  local ok, err = fs.mkdir(dir)
  if not ok then error(err, 0) end
  local names, sources, empty, subs = {}, {}, {}, {}
  local stats = { warnings = "", reused = 0, built_segments = 0, tokens = 0, documents = 0 }
  for _, f in ipairs(SUMMED) do stats[f] = 0 end
  local function add(st)
    for _, f in ipairs(SUMMED) do stats[f] = stats[f] + (st[f] or 0) end
    stats.warnings = stats.warnings .. (st.warnings or "")
    stats.built_segments = stats.built_segments + 1
  end
  -- which segments are there already, under their names
  local todo = {}
  for k, part in ipairs(plan) do
    local sub = {}
    for i = part.first, part.last do sub[#sub + 1] = docs[i] end
    names[k], subs[k] = M.name_of(sub, spec, meta), sub
    if not opts.build_only and not opts.rebuild and sound_segment(dir, names[k]) then stats.reused = stats.reused + 1
    elseif not opts.build_only or opts.build_only[names[k]] then todo[#todo + 1] = k end
  end
  -- the segments to build: shared among the cores, the first share here
  -- parley itself, to run again (none where the system does not say: all built here)
  local exe = fs.realpath("/proc/self/exe")
  local cores = exe and math.min(#todo, indexer.threads(opts.threads)) or 1   -- a build process's: 1
  local shares = {}
  for i, k in ipairs(todo) do
    local c = (i - 1) % math.max(cores, 1) + 1
    shares[c] = shares[c] or {}
    table.insert(shares[c], k)
  end
  local children = {}
  if cores > 1 then
    local named = {}
    for c = 2, cores do
      named[c - 1] = {}
      for _, k in ipairs(shares[c]) do table.insert(named[c - 1], names[k]) end
    end
    children = start_children(exe, spec.root, path, named, opts)
    spec.threads = 1
  end
  local ok, err = pcall(function()
    for _, k in ipairs(shares[1] or {}) do add(build_one(dir, names[k], subs[k], plan[k].first, spec, meta)) end
  end)
  for _, ch in ipairs(children) do
    -- a child says its warnings itself; it tells how many sources it skipped
    local out = ch.file:read("a")
    local fine = ch.file:close()
    if not fine and ok then ok, err = false, "a build process failed (its message is above)" end
    stats.built_segments = stats.built_segments + #ch.names
    stats.skipped = stats.skipped + (tonumber((out or ""):match("skipped=(%d+)")) or 0)
  end
  if not ok then error(err, 0) end
  if opts.build_only then return stats end
  for k, part in ipairs(plan) do
    local name = names[k]
    local ix, why = index.open(dir .. "/" .. name)
    if not ix then   -- a build process found other segments to build: the corpus changed meanwhile
      error(("segment %d of %d was not built (%s); was the corpus changed during the build? open it again")
        :format(k, #plan, why), 0)
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
  local j = seglist.join { output = path, segments = names, sources = sources, meta = json(whole) }
  stats.types, stats.segments = j.types, #names
  M.collect(path, names)
  return stats
end

return M
