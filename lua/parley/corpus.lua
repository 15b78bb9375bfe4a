-- Corpora: `parley.open(dir)` reads the manifest, makes sure the index is
-- up to date (building it when a source, the manifest or the format has
-- changed, or when it is damaged), and returns a corpus object with the
-- query API (find, count, kwic, freq, ngrams, where, scan, docs).
local cjson = require "cjson"
local E = require "parley.error"
local json = require("parley.writer").json  -- sorted keys: the same sources give the same index bytes
local clean = require("parley.writer").clean  -- warnings quote file names: shown as terminals show text
local fs = require "parley.fs"
local lock = require "parley.lock"
local watch = require "parley.watch"
local index = require "parley.index"
local indexer = require "parley.indexer"
local query = require "parley.query"
local result = require "parley.result"
local output = require "parley.output"
local manifest = require "parley.manifest"
local people = require "parley.people"
local grammars = require "parley.grammar.host"
local shards = require "parley.shard"

local M = {}

-- An __index that makes field `name` on first use (load(self)), and finds methods.
local function lazy(methods, name, load)
  return function(self, k)
    if k ~= name then return methods[k] end
    local v = load(self)
    rawset(self, k, v)
    return v
  end
end

local Corpus = {}
-- the manifest is read on demand: opening an up-to-date index does not need it
-- (a part's corpus, opened with a shard, has the part's documents only)
Corpus.__index = lazy(Corpus, "manifest", function(self)
  local m = manifest.read(self.dir, { shard = self.shard })
  if m and self.shard then shards.select(m, self.shard) end
  return m
end)
Corpus.__methods = Corpus  -- for the REPL's completion (its __index is a function)

local Doc = {}

-- The JSON metadata of the index: what the fingerprint covers besides the sources.
-- The way of reading sources an index was built with: raised when the
-- readers or the choice of grammars change, or the index records more for
-- the opens after its build (3: the sources --skip-bad skipped, and why; 4:
-- a TEI participant written as a title alone, "The Secretary", named by the
-- register's holder of the office; 5: speakers as the reader's register
-- names them), so that such an index is rebuilt.
local READING = 5

-- The place of each of the part's sources in the whole corpus's list.
local function source_numbers(m)
  local out = {}
  for k, d in ipairs(m.documents) do out[k] = d._source or k end
  return out
end

local function index_meta(m, opts)
  return {
    format = READING,
    repair = opts.repair and true or nil,
    skip_bad = opts.skip_bad and true or nil,
    name = m.name,
    title = m.title,
    description = m.description,
    manifest_hash = m.hash,
    manifest_stamp = m.stamp,
    grammar_hash = m.grammar_hash,
    grammar_sources = m.grammar_sources,
    -- said again by every open, the fast ones included
    roots_warnings = m.outside_roots and manifest.roots_warnings(m.manifest, m.outside_roots) or nil,
    -- what listing a folder without a manifest left out (the fast path does not list it)
    listing_warnings = not m.manifest and #m.warnings > 0 and m.warnings or nil,
    -- a part's index (opts.shard): which part, and the place in the whole
    -- corpus's list of each of its sources (by which merged results are ordered)
    shard = opts.shard and { i = opts.shard.i, n = opts.shard.n, sources = source_numbers(m) } or nil,
  }
end

-- Is the index's part (meta.shard) the one asked for (opts.shard; both nil: the whole corpus)?
local function same_part(meta, opts)
  local a, b = type(meta) == "table" and type(meta.shard) == "table" and meta.shard or nil, opts.shard
  if not a or not b then return a == nil and b == nil end
  return a.i == b.i and a.n == b.n
end

-- The warnings an index records for every open: roots outside the folder and
-- what the folder's listing left out (all = true: the fast path, which read
-- neither manifest nor folder), and the sources --skip-bad skipped (the build
-- adds them to empty_sources, core/build.c).
local function recorded_warnings(meta, all)
  if type(meta) ~= "table" then return end
  local function say(list, field)
    for _, w in ipairs(type(list) == "table" and list or {}) do
      if field then w = type(w) == "table" and type(w[field]) == "string" and "skipped " .. w[field] or nil end
      if type(w) == "string" then io.stderr:write(clean("parley: warning: " .. w), "\n") end
    end
  end
  if all then
    say(meta.roots_warnings)
    say(meta.listing_warnings)
  end
  say(meta.empty_sources, "skipped")
end

-- Is the opened index current for manifest m, opened with opts?  Returns
-- true, or false and why.
local function current(ix, m, opts)
  local ok, meta = E.pcall(cjson.decode, ix:stats().meta)
  if not ok or type(meta) ~= "table" then return false, "unreadable metadata" end
  if meta.format ~= READING then return false, "it was built by another version of parley" end
  if meta.manifest_hash ~= m.hash then return false, "the manifest changed" end
  if meta.grammar_hash ~= m.grammar_hash then return false, "a grammar changed" end
  if not same_part(meta, opts) then return false, "it holds another part of the corpus" end
  local paths, ids = {}, {}
  for i, d in ipairs(m.documents) do paths[i], ids[i] = d.fullpath, d.id end
  local empty = type(meta.empty_sources) == "table" and meta.empty_sources or {}
  local why = ix:stale(paths, ids, nil, #empty)
  if why then return false, why end
  if not manifest.sources_unchanged(empty, m.dir) then return false, "a file that gave no documents changed" end
  if meta.skip_bad and not opts.skip_bad then return false, "it was built skipping bad files" end
  if meta.repair and not opts.repair then  -- a strict open must not accept repaired text
    for i = 1, ix:stats().documents do
      local d = ix:doc(i)
      if d.repaired then return false, d.path .. " was repaired" end
    end
  end
  return true
end

-- The readers (reader.h) the manifest's documents use, but the text reader:
-- a sorted list of { name =, doc_attrs =, kinds = } (parley.reader.info).
local function readers_used(m)
  local names, seen = {}, {}
  -- a part's index has the whole corpus's readers and attributes, so that
  -- its regions and columns are those of every other part
  for _, d in ipairs(m.all_documents or m.documents) do
    if d.reader and d.reader ~= "text" and not seen[d.reader] then
      seen[d.reader] = true
      names[#names + 1] = d.reader
    end
  end
  table.sort(names)
  local out = {}
  for i, n in ipairs(names) do
    out[i] = require("parley.reader").info(n) or error(("no reader '%s'"):format(n), 0)
  end
  return out
end

-- String-valued document fields become attributes of the `document` region,
-- then the readers' document attributes.
local function doc_attrs(m, readers)
  local names, seen = { "id" }, { id = true, path = true, reader = true }
  for _, r in ipairs(readers) do
    for _, a in ipairs(r.doc_attrs) do
      if not seen[a] and #names < 16 then seen[a] = true; names[#names + 1] = a end
    end
  end
  for _, d in ipairs(m.all_documents or m.documents) do
    local keys = {}
    for k, v in pairs(d) do
      if not seen[k] and type(k) == "string" and (type(v) == "string" or type(v) == "number")
          and not k:find("^_") and k ~= "fullpath" then   -- seen first: after a document or two, all are
        keys[#keys + 1] = k
      end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      if not seen[k] and #names < 16 then seen[k] = true; names[#names + 1] = k end
    end
  end
  return names
end

-- Remove the temporary files of builds whose process is gone: the index
-- under construction, PATH.tmp.PID (core/ixwrite.c), and the postings runs
-- and spilled sections, PATH.runs.PID and PATH.spill-WHAT.PID, which a
-- build makes without a name where it can, or unlinks at once (a kill
-- between the two, or an older version, leaves them).  Called at every
-- open, not only before a build, so that a build killed before it could
-- remove them does not leave them for good.  A file named after this very
-- process can only be left by a dead one whose pid was reused (this process
-- builds one index at a time); the files of a live process are never
-- touched.  Unless the caller holds the build lock (locked), they are
-- removed only when the lock is free: a process of another pid namespace,
-- whose pid means nothing here, may be building.  A lock file left by a
-- process stopped before it held the lock goes the same way: taking the
-- free lock and letting it go removes it (core/lock.c).
local function remove_stale(path, locked)
  local dir, base = path:match("^(.*)/([^/]*)$")
  if not dir then dir, base = ".", path end
  if dir == "" then dir = "/" end
  local own = fs.pid()
  local prefix = "^" .. base:gsub("%p", "%%%0") .. "%.([%a-]+)%.(%d+)$"
  local stale, lockfile = {}, false
  for _, name in ipairs(fs.dir(dir) or {}) do
    if name == base .. ".lock" then lockfile = true end
    local kind, digits = name:match(prefix)
    local pid = digits and #digits <= 9 and math.tointeger(tonumber(digits))
    local temporary = kind == "tmp" or kind == "runs" or kind == "spill-texts" or kind == "spill-srcmap"
    if temporary and pid and pid > 0 and (pid == own or not fs.alive(pid)) then stale[#stale + 1] = name end
  end
  if #stale == 0 and (locked or not lockfile) then return end
  local lk <close> = not locked and lock.open(path .. ".lock") or nil
  if lk and not lk:try() then return end   -- a build is on: the next open sees to them
  for _, name in ipairs(stale) do os.remove(dir .. "/" .. name) end
end

-- The message of an error caught while building (an error object's, or the string).
local function reason(e)
  if E.is(e) then return E.message(e) end
  return tostring(e)
end

-- build(m, path, opts) -> stats | nil, message, error (the error object
-- raised, when there was one: a full disk's has nospace = true)
local function build(m, path, opts)
  local readers = readers_used(m)
  local attrs = doc_attrs(m, readers)
  local docs = {}
  for i, d in ipairs(m.documents) do
    local s, err = fs.stat(d.fullpath)
    if not s then return nil, err end
    if s.type ~= "file" then return nil, d.fullpath .. ": not a regular file" end
    local values = {}
    for a, name in ipairs(attrs) do values[a] = d[name] ~= nil and tostring(d[name]) or "" end
    local meta = {}
    for k, v in pairs(d) do
      if type(k) == "string" and k ~= "fullpath" and k ~= "genre_grammars" and k ~= "grammars" and not k:find("^_") then
        meta[k] = v
      end
    end
    -- the index stores a source's path as the manifest gives it, relative to
    -- the corpus folder (spec.root), so that a copy of the folder elsewhere
    -- holds the same index
    docs[i] = {
      path = d.path, id = d.id, meta = json(meta), attrs = values,
      size = s.size, mtime = s.mtime, mtime_ns = s.mtime_ns,
      reader = d.reader ~= "text" and d.reader or nil,
    }
  end
  local progress = opts.progress
  if progress == nil then progress = require("parley.readline").isatty(2) end
  -- region kinds: the grammars' and the readers'; grammars run in the build's
  -- worker threads, each thread with a sandbox of its own per grammar
  local ok, stats = E.pcall(function()
    local kinds, kind_index = {}, {}
    local session <close> = #grammars.used(m) > 0 and grammars.session(m, opts) or nil
    if session then kinds, kind_index = session:kinds() end
    for _, r in ipairs(readers) do
      for _, k in ipairs(r.kinds) do grammars.add_kind(kinds, kind_index, k.name, k.attrs) end
    end
    local gspec
    if session then
      local of_doc, genres_of, chosen_of
      gspec, of_doc, genres_of, chosen_of = session:for_build(kinds, indexer.threads(opts.threads))
      for i, list in pairs(genres_of) do docs[i].genres = list end
      for i, list in pairs(chosen_of) do docs[i].chosen = list end
      -- which grammar read a document goes into its metadata in the build
      -- (grammar_used; meta.grammar is the manifest's own field)
      for i, d in pairs(of_doc) do docs[i].grammar = d end
    end
    return require("parley.segments").build(path, docs, {
      root = m.dir, doc_attrs = attrs, kinds = kinds, grammars = gspec, repair = opts.repair,
      progress = progress, threads = opts.threads, batch_mb = opts.batch_mb, skip_bad = opts.skip_bad,
    }, index_meta(m, opts), opts)
  end)
  if not ok then return nil, reason(stats), stats end
  for line in stats.warnings:gmatch("[^\n]+") do io.stderr:write(clean("parley: warning: " .. line), "\n") end
  if (stats.skipped or 0) > 0 and not opts.build_only then   -- a build process's: its parent says it
    io.stderr:write(("parley: warning: %s skipped as malformed (named above); the index holds the other %s\n")
      :format(require("parley.output").count(stats.skipped, "file"),
              require("parley.output").count(#m.documents - stats.skipped, "file")))
  end
  return stats
end

-- What a message about the cache ends with: how the user gets out of it.
local CACHE_FIX = "set XDG_CACHE_HOME to a folder of your own that you may write in, "
  .. "or give parley.open the option index = PATH"

-- The user's cache folder for parley (XDG_CACHE_HOME/parley, else
-- ~/.cache/parley): made private (0700) if missing (unless probe: then only
-- its path); refused if it is a link, belongs to another user or can be
-- written by others.  why: why the index goes there, for the messages, which
-- say what parley was doing, the path and the fix.  -> path | nil, message
local function cache_root(why, probe)
  local base = os.getenv("XDG_CACHE_HOME")
  if not base or base:sub(1, 1) ~= "/" then  -- a relative XDG_CACHE_HOME is ignored, as XDG says
    local home = os.getenv("HOME")
    if not home or home:sub(1, 1) ~= "/" then
      return nil, ("no cache folder for the index (%s): set XDG_CACHE_HOME or HOME to an absolute path, "
        .. "or give parley.open the option index = PATH"):format(why)
    end
    base = home .. "/.cache"
  end
  base = base:gsub("/+$", "")
  local root = base .. "/parley"
  if probe then return root end
  if not fs.stat(base) then
    local ok, err = fs.mkdir(base)
    if not ok then
      return nil, ("cannot make the cache folder %s for the index (%s): %s; %s"):format(base, why, err, CACHE_FIX)
    end
  end
  local ok, err = fs.private_dir(root)
  if not ok then
    return nil, err .. "; parley keeps indexes only in a folder of your own: remove it, or " .. CACHE_FIX
  end
  return root
end

-- The cache folder for the index of the corpus folder dir, known by its real
-- identity (real path, device and inode, hashed) rather than by the path as
-- typed, with the folder's name in front for people.  why: as for
-- cache_root; probe: only say where it would be, making nothing.
-- -> path | nil, message
local function cache_index(dir, why, probe)
  local real, err = fs.realpath(dir)
  if not real then return nil, err end
  local st, serr = fs.stat(real)
  if not st then return nil, serr end
  local root, rerr = cache_root(why, probe)
  if not root then return nil, rerr end
  local name = (real:match("([^/]+)$") or "root"):gsub("[^%w._-]", "_"):sub(1, 40)
  local key = ("%s-%s"):format(name, index.hash(("%s\0%d\0%d"):format(real, st.dev, st.ino)))
  if not probe then
    local ok, kerr = fs.private_dir(root .. "/" .. key)
    if not ok then
      return nil, kerr .. "; parley keeps indexes only in a folder of your own: remove it, or " .. CACHE_FIX
    end
  end
  return root .. "/" .. key .. "/index"
end

-- Where the index of corpus folder dir lives: opts.index, else dir/.parley/index
-- when that folder is (or can be made) a writable folder of its own, else (a
-- read-only corpus) the user's cache.  An index that went to the cache
-- because the folder had no room (see build_here) is found there while
-- .parley holds none.  A .parley that is a link or not a folder is refused:
-- nothing is read or written through it.  -> path | nil, message
local function index_path(dir, opts)
  -- a part's index (opts.shard) goes to the part's place beside each of these
  local function placed(p) return p and opts.shard and shards.index_path(p, opts.shard) or p end
  if opts.index then return placed(opts.index) end
  local own = dir .. "/.parley"
  local why = require("parley.segments").not_a_folder(own, "the index")
  if why then return nil, why end
  local st = fs.lstat(own)
  -- dir itself may be reached through a link the user typed: ask of dir/. (the folder)
  if not st and fs.writable(dir .. "/.") and fs.mkdir(own) then st = fs.lstat(own) end
  if st and st.type == "directory" and fs.writable(own) then
    if not fs.lstat(placed(own .. "/index")) then
      local cached = placed(cache_index(dir, "", true))
      -- found: asked again the full way, so that it is used only from private folders
      cached = cached and fs.lstat(cached) and placed(cache_index(dir, ("%s had no room for it"):format(dir)))
      if cached then return cached end
    end
    return placed(own .. "/index")
  end
  local cached, err = cache_index(dir, ("the corpus folder %s is read-only"):format(dir))
  return placed(cached), err
end

-- A size for messages: "132 KB", "30.8 MB" (as core/ixwrite.c writes it).
local function mb(bytes)
  bytes = bytes or 0
  if bytes < 1048576 then return ("%.0f KB"):format(bytes / 1024) end
  return ("%.1f MB"):format(bytes / 1048576)
end

-- Build the index of manifest m at path, one process at a time: first the
-- lock next to it (PATH.lock, core/lock.c) is taken; a process that finds
-- it held says so once on stderr and waits (Ctrl-C stops the wait), then,
-- like one that got it at once, uses the index found at path when it is
-- current for m (another process has just built it) instead of building it
-- again.  Stale temporaries are removed under the lock.  Where the lock
-- file cannot be made, the build goes on without it (and fails, if it must,
-- with its own message).  -> ix, stats (nil: another process built it) |
-- nil, message, error
local function build_locked(m, path, opts)
  local dir = path:match("^(.*)/[^/]*$")
  if dir and dir ~= "" and not fs.stat(dir) then
    local ok, err = true, nil
    if opts.shard then  -- PLACE/shards/I-of-N: its parent first
      local parent = dir:match("^(.*)/[^/]*$")
      if parent and parent ~= "" and not fs.stat(parent) then ok, err = fs.mkdir(parent) end
    end
    if ok then ok, err = fs.mkdir(dir) end
    if not ok then
      return nil, ("cannot make the folder for the index %s: %s; give parley.open the option index = PATH "
        .. "of a place you may write in"):format(path, err)
    end
  end
  local lk <close> = lock.open(path .. ".lock")
  if lk then
    local got, waited = lk:try(), false
    if got == false then
      io.stderr:write(clean(("parley: waiting for another process that is building %s"):format(path)), "\n")
      got, waited = lk:wait(), true
    end
    if got and (waited or not opts.rebuild) then
      local ix = index.open(path, m.dir)
      if ix then
        if current(ix, m, opts) then return ix end
        ix:close()
      end
    end
  end
  remove_stale(path, true)
  local stats, err, e = build(m, path, opts)
  if not stats then return nil, err, e end
  local ix, why = index.open(path, m.dir)
  if not ix then return nil, why end
  return ix, stats
end

-- build_segments(dir, path, opts, names): build the segments named (those
-- a build of the index at path gives these names) and nothing else; what a
-- build process that lua/parley/segments.lua starts does.  Its warnings go
-- to standard error, and `skipped=N` to standard output.
function M.build_segments(dir, path, opts, names)
  local m, err = manifest.read(dir, { shard = opts.shard })
  if not m then E.raise(err, 0) end
  if opts.shard then shards.select(m, opts.shard) end   -- a part's segments are cut from the part's sources
  local only = {}
  for _, n in ipairs(names) do only[n] = true end
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.build_only, o.threads, o.progress = only, 1, false
  local stats, why, e = build(m, path, o)
  if not stats then error(e or why, 0) end
  io.write(("skipped=%d\n"):format(stats.skipped or 0))
end

-- build_part(dir, opts, part) -> stats | nil, message: build the segments of
-- part { i =, n = } of the corpus's segments into its index's folder, and no
-- list (parley index --shard): the parts' segments, built on several
-- machines and put in one folder, are joined by the next open there.
function M.build_part(dir, opts, part)
  local m, err = manifest.read(dir)
  if not m then return nil, err end
  local path, perr = index_path(m.dir, opts)
  if not path then return nil, perr end
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.segments_of = part
  local stats, why = build(m, path, o)
  if not stats then return nil, why end
  stats.index_path = path
  return stats
end

-- Build the index of corpus folder dir at path; when the disk has no room
-- for it and path is the folder's own place (not opts.index, not the
-- cache), build it in the cache instead, saying so; on a second full disk
-- the message names both places and the size.  -> ix, stats, path | nil, message
local function build_here(dir, m, path, opts)
  local ix, stats, e = build_locked(m, path, opts)
  if ix then return ix, stats, path end
  local own = dir .. "/.parley/index"
  if opts.shard then own = shards.index_path(own, opts.shard) end
  if not (type(e) == "table" and e.nospace) or opts.index or path ~= own then
    return nil, stats
  end
  local cached, cerr = cache_index(dir, ("%s has no room for it"):format(dir))
  if cached and opts.shard then cached = shards.index_path(cached, opts.shard) end
  if not cached then return nil, stats .. "; and " .. cerr end
  io.stderr:write(clean(("parley: warning: no room for the index in %s/.parley (%s: it needs more than %s); "
    .. "building it in %s instead"):format(dir, e.reason, mb(e.bytes), cached)), "\n")
  local ix2, stats2, e2 = build_locked(m, cached, opts)
  if ix2 then return ix2, stats2, cached end
  if type(e2) == "table" and e2.nospace then
    return nil, ("no room for the index of %s: it needs more than %s, and neither %s nor %s has it (%s); "
      .. "free some space, or give parley.open the option index = PATH of a place with room")
      :format(dir, mb(math.max(e.bytes or 0, e2.bytes or 0)), path, cached, e2.reason)
  end
  return nil, stats2
end

-- open(dir, opts) -> corpus | nil, message
-- opts: index (path of the index file), rebuild (force), repair (replace
-- invalid UTF-8), progress, threads, check (false: trust the index), watch
-- (false: do not ask a watcher, lua/parley/watch.lua), shard ({ i =, n = }:
-- only the sources of part i of n, lua/parley/shard.lua, with an index of
-- its own at PLACE/shards/I-of-N/index beside the whole corpus's).
-- corpus.opened says how: "fast" (the recorded stamps matched; the manifest
-- was not read), "checked" (the index was compared with the manifest and is
-- current) or "built".
function M.open(dir, opts)
  if dir ~= nil and type(dir) ~= "string" then
    error("bad argument #1 to 'open' (a folder's path expected, got " .. type(dir) .. ")", E.level())
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #2 to 'open' (options must be a table, got " .. type(opts) .. ")", E.level())
  end
  if opts and opts.index ~= nil and type(opts.index) ~= "string" then
    error("bad argument #2 to 'open' (index must be the path of a file, got " .. type(opts.index) .. ")", E.level())
  end
  if opts and opts.shard ~= nil and opts.shard ~= false then
    shards.check(opts.shard, function(why) error("bad argument #2 to 'open' (" .. why .. ")", E.level()) end)
  end
  opts = opts or {}
  if opts.shard == false then  -- false: the whole corpus, whatever the run's default
    local o = {}
    for k, v in pairs(opts) do o[k] = v end
    o.shard, opts = nil, o
  end
  dir = dir or ((require("parley").home or ".") .. "/corpus")
  dir = dir:gsub("/+$", "")
  if dir == "" then dir = "/" end
  local st = fs.stat(dir)
  if not st then return nil, dir .. ": no such corpus folder" end
  if st.type ~= "directory" then return nil, dir .. ": not a folder" end
  -- first the index's place: making .parley changes the folder's time, so it
  -- must come before the stamp that the next open compares
  local path, perr = index_path(dir, opts)
  if not path then return nil, perr end
  remove_stale(path)
  local ix, meta, m
  -- the fast path: an index whose manifest stamp and sources are unchanged is
  -- used without reading the manifest (one stat per source, in C)
  if not opts.rebuild then
    ix = index.open(path, dir)
    if ix then
      local ok, mt = E.pcall(cjson.decode, ix:stats().meta)
      meta = ok and type(mt) == "table" and mt or nil
      local fresh = meta and meta.format == READING and meta.manifest_stamp and meta.manifest_stamp == manifest.stamp(dir)
        and manifest.sources_unchanged(meta.grammar_sources, dir) and manifest.sources_unchanged(meta.empty_sources, dir)
        and not (meta.repair and not opts.repair) and not (meta.skip_bad and not opts.skip_bad)
        and same_part(meta, opts)
      -- an index is someone else's file too: on this path it may name only
      -- regular files inside the folder (anything else takes the checked path).
      -- A watcher of the corpus (parley watch, a process of this user) that
      -- vouches for this very index has made those checks on it, and has
      -- seen every change to the sources since: nothing to stat or walk.
      local watched = fresh and opts.check ~= false and opts.watch ~= false and watch.vouches(path, ix)
      if fresh and (opts.check == false or watched or not ix:stale(nil, nil, (dir == "/" and "" or dir) .. "/")) then
        recorded_warnings(meta, true)
        local self = M.wrap(ix, dir, path, meta, "fast")
        self.shard = opts.shard
        self.watched = watched or nil
        return self
      end
      ix:close()
      ix = nil
    end
  end
  local err
  m, err = manifest.read(dir, { shard = opts.shard })
  if not m then return nil, err end
  if opts.shard then shards.select(m, opts.shard) end
  for _, w in ipairs(m.warnings) do io.stderr:write(clean("parley: warning: " .. w), "\n") end
  local why, kind
  if not opts.rebuild then
    ix, why, kind = index.open(path, dir)
    if ix and opts.check ~= false then
      local ok, reason = current(ix, m, opts)
      if not ok then ix:close(); ix, why = nil, reason end
    end
  end
  local built
  if not ix and kind == "version" then
    -- an index of another parley: say so once, since the rebuild may take a while
    io.stderr:write(clean(("parley: %s; rebuilding it"):format(why)), "\n")
  end
  if not ix then
    ix, built, path = build_here(dir, m, path, opts)
    if not ix then return nil, built end
  end
  local ok, mt = E.pcall(cjson.decode, ix:stats().meta)
  if ok and not built then recorded_warnings(mt, false) end   -- the manifest's own were said above
  local self = M.wrap(ix, dir, path, ok and mt or { name = m.name, title = m.title }, built and "built" or "checked")
  self.manifest, self.built, self.shard = m, built, opts.shard
  return self
end

-- The corpus object over an opened index (the manifest is read only if asked
-- for); opened: how the index was found ("fast", "checked" or "built").
function M.wrap(ix, dir, path, meta, opened)
  local part = type(meta.shard) == "table" and type(meta.shard.sources) == "table" and meta.shard or nil
  return setmetatable({
    ix = ix, dir = dir, name = meta.name, title = meta.title, description = meta.description,
    index_path = path, opened = opened, _cache = setmetatable({}, { __mode = "v" }),
    source_numbers = part and part.sources or nil,
  }, Corpus)
end

-- source_number(d) -> the place of document d's source in the whole
-- corpus's list of sources: its own source number, or in a part's corpus
-- (opened with a shard) the number the source has in the whole corpus, by
-- which the results of the parts are put in the whole's order.
function Corpus:source_number(d)
  local s = self.ix:doc(d).source
  return self.source_numbers and math.tointeger(self.source_numbers[s]) or s
end

-- ---------------------------------------------------------------- the API

-- The hits of query q (see parley.query), cached by query string.  A
-- malformed query raises an error object blaming the function `level`
-- levels up (as for error(): 1 is the caller of hits_of).  plan: q's plan,
-- when the caller has made it.
local function hits_of(self, q, level, plan)
  local hits = type(q) == "string" and self._cache[q] or nil
  if not hits then
    plan = plan or query.plan(self.ix, query.parse(q, level + 1), level + 1)
    hits = query.exec(self.ix, plan)
    if self.within then hits = hits:inside(self.within) end
    if type(q) == "string" then self._cache[q] = hits end
  end
  return hits
end

local function merge(a, b)
  local o = {}
  for k, v in pairs(a or {}) do o[k] = v end
  for k, v in pairs(b or {}) do o[k] = v end
  return o
end

-- ---------------------------------------------------------------- argument checks

-- A mistake in a call of the API raises `bad argument #n to 'name' (why)`
-- at the caller's line (parley.error.level: the first function up the
-- stack that is not the toolkit's), however deep inside it is noticed.
local function argerror(n, name, why)
  error(("bad argument #%d to '%s' (%s)"):format(n, name, why), E.level())
end
M.argerror = argerror

local function is_count(v) return math.type(v) == "integer" and v >= 0 end

-- The checks of option values: true when v is acceptable, else false and what it must be.
local CHECK = {
  count = function(v) return is_count(v), "a whole number, at least 0" end,
  boolean = function(v) return type(v) == "boolean", "true or false" end,
  string = function(v) return type(v) == "string", "a string" end,
  file = function(v) return io.type(v) == "file", "an open file" end,
  format = function(v)
    if v == "rows" then return true end
    for _, f in ipairs(output.formats) do if v == f then return true end end
    return false, "one of " .. table.concat(output.formats, ", ")
  end,
  width = function(v) return math.type(v) == "integer" and v >= 1 and v <= 100000, "a whole number from 1 to 100000" end,
  share = function(v) return type(v) == "number" and v >= 0 and v <= 1, "a number from 0 to 1" end,
  positive = function(v) return math.type(v) == "integer" and v >= 1, "a whole number, at least 1" end,
}

-- check_opts(opts, n, name, spec) -> opts (a table): opts, argument #n of
-- name, must be nil or a table whose fields named in spec (field -> kind of
-- CHECK) are absent or of that kind.
local function check_opts(opts, n, name, spec)
  if opts == nil then return {} end
  if type(opts) ~= "table" then argerror(n, name, "options must be a table, got " .. type(opts)) end
  for k, kind in pairs(spec) do
    local v = opts[k]
    if v ~= nil then
      local ok, what = CHECK[kind](v)
      if not ok then
        argerror(n, name, ("%s must be %s, got %s"):format(k, what, type(v) == "string" and "'" .. v .. "'" or tostring(v)))
      end
    end
  end
  return opts
end
M.check_opts = check_opts

local REPORT_OPTS = { fold = "boolean", punct = "boolean", min = "count", limit = "count", by = "string",
                      format = "format", file = "file" }

local Hits = {}
local BLOCK = 256   -- hits[i] locates this many hits at once, for loops over hits[i]
Hits.__index = function(self, k)
  if type(k) == "number" then
    if k < 1 or k > #self._hits or math.type(k) ~= "integer" then return nil end
    local b = rawget(self, "_block")
    if not b or k < b.first or k >= b.first + #b.rows then
      local first = k - (k - 1) % BLOCK
      b = { first = first, rows = self:locate(first, math.min(first + BLOCK - 1, #self._hits), { context = 40 }) }
      rawset(self, "_block", b)
    end
    return b.rows[k - b.first + 1]
  end
  return Hits[k]
end
Hits.__methods = Hits  -- for the REPL's completion (its __index is a function)
Hits.__len = function(self) return #self._hits end
Hits.__tostring = function(self) return ("<hits: %s for %s>"):format(output.number(#self._hits), tostring(self._query)) end

-- locate([i [, j [, opts]]]) -> rows for hits i..j (default: all), in one
-- pass: { doc, docno, path, line, col (in the original file; the column
-- counts characters), pos, stop_pos, len (token positions), start, stop
-- (byte span in the document's text), match (the matched text) }, and with
-- opts.context = n, left and right: n characters of context.
function Hits:locate(i, j, opts)
  local n = #self._hits
  if i ~= nil and math.type(i) ~= "integer" then argerror(1, "locate", "a hit number expected, got " .. type(i)) end
  if j ~= nil and math.type(j) ~= "integer" then argerror(2, "locate", "a hit number expected, got " .. type(j)) end
  check_opts(opts, 3, "locate", { context = "width" })
  local width = opts and opts.context
  if width ~= nil and (math.type(width) ~= "integer" or width <= 0) then
    E.raise("hits:locate: opts.context must be a whole number of characters", 2)
  end
  i, j = math.max(i or 1, 1), math.min(j or n, n)
  local hits = (i == 1 and j == n) and self._hits or self._hits:sub(i, j)
  local ix, paths = self._corpus.ix, {}
  local rows
  if width then
    rows = ix:kwic(hits, { width = width })
  else
    rows = ix:locate(hits)
  end
  for _, r in ipairs(rows) do
    paths[r.docno] = paths[r.docno] or ix:doc(r.docno).path
    r.path = paths[r.docno]
  end
  return rows
end

function Hits:kwic(opts) return self._corpus:kwic(self, opts) end
function Hits:totable() return self:locate() end
function Hits:ipairs() return ipairs(self:locate()) end
for _, fmt in ipairs(output.formats) do
  Hits[fmt] = function(self, opts)
    local o = merge(check_opts(opts, 1, fmt, {}), { format = fmt })
    return self._corpus:kwic(self, o)
  end
end
-- The regions of kind around each hit: a list of attribute tables, with the
-- region's token span start, stop (false outside any), found in one call.
function Hits:regions(kind)
  local ix = self._corpus.ix
  if type(kind) ~= "string" or not self._corpus:has_kind(kind) then
    E.raise(("no region kind '%s' in this corpus%s"):format(tostring(kind), M.grammar_hint(kind)), E.level())
  end
  local around, out, seen = ix:enclosing(kind, self._hits), {}, {}
  for i, n in ipairs(around) do
    if n then
      if not seen[n] then
        local rs, re_, attrs = ix:region(kind, n)
        seen[n] = merge(attrs, { start = rs, stop = re_ })
      end
      out[i] = merge(seen[n])  -- a table of its own per hit
    else
      out[i] = false
    end
  end
  return out
end
function Hits.__show(self)
  if #self._hits == 0 then return ("<hits: none for %s>"):format(tostring(self._query)) end
  local s = self._corpus:kwic(self, { format = "tty", limit = 20 })
  if #self._hits > 20 then s = s .. ("… (%s hits in all)\n"):format(output.number(#self._hits)) end
  return s:gsub("\n$", "")
end
-- find(q) -> hits: every match of query q (see parley.query), in corpus order.
function Corpus:find(q)
  local level = E.level()
  local hits = hits_of(self, q, level > 0 and level or 2)
  return setmetatable({ _corpus = self, _hits = hits, _query = q }, Hits)
end

-- count(q) -> the number of matches of q.  One token of folded types (a
-- word, a prefix, a pattern) is counted from the lexicon, without postings.
function Corpus:count(q)
  local level = E.level()
  level = level > 0 and level or 2
  local plan = query.plan(self.ix, query.parse(q, level), level)
  local n = not self.within and query.quick(self.ix, plan)
  if n then return n end
  return #hits_of(self, q, level, plan)
end

local SORTS = { doc = true, left = true, right = true, match = true }

-- kwic(q | hits, opts) -> result rows { doc, line, col, left, match, right, ... }
-- opts: width, sort ("doc"|"left"|"right"|"match"), limit, format, file, and
-- context = KIND: the whole region of that kind around each hit as context
-- (rows also carry its speaker; see parley.context).
function Corpus:kwic(q, opts)
  opts = check_opts(opts, 2, "kwic", { limit = "count", format = "format", file = "file" })
  if opts.width ~= nil and (type(opts.width) ~= "number" or opts.width <= 0) then
    argerror(2, "kwic", "width must be positive")
  end
  check_opts(opts, 2, "kwic", { width = "width" })
  if opts.sort ~= nil and not SORTS[opts.sort] then
    argerror(2, "kwic", ("sort must be doc, left, right or match, got '%s'"):format(tostring(opts.sort)))
  end
  if type(q) == "table" and getmetatable(q) ~= Hits then argerror(1, "kwic", "a query or a hit list expected, got a table") end
  local level = E.level()
  level = level > 0 and level or 2
  if opts.context ~= nil and type(opts.context) ~= "string" then
    argerror(2, "kwic", "context must be a region kind")
  end
  local hits
  if type(q) == "table" then
    hits = q._hits
  elseif opts.limit and (opts.sort or "doc") == "doc" and not self.within and not self._cache[q] then
    -- the first `limit` hits in corpus order: no need to read every posting
    hits = query.run(self.ix, query.parse(q, level), opts.limit, level)
  else
    hits = hits_of(self, q, level)
  end
  if opts.context then  -- whole regions as context: parley.context
    return require("parley.context").context(self, hits, opts)
  end
  if opts.format and opts.format ~= "rows" then
    return self.ix:kwic(hits, opts)
  end
  return result.new("kwic " .. tostring(type(q) == "table" and q._query or q), function(extra)
    return self.ix:kwic(hits, merge(opts, extra))
  end)
end

-- freq(opts) -> result rows { word, count }, commonest first.
-- opts: fold (true), min, limit, punct (false), format, file.
function Corpus:freq(opts)
  opts = merge(check_opts(opts, 1, "freq", REPORT_OPTS), { within = self.within })
  if opts.by then return self:freq_by(opts) end
  if opts.format and opts.format ~= "rows" then return self.ix:freq(opts) end
  return result.new("frequency list", function(extra) return self.ix:freq(merge(opts, extra)) end)
end

-- A list per value of a region attribute: rows { [ATTR] = value, … } of
-- report(sub-corpus opts) for the regions that have each value (speaker
-- labels left out of turns, as where does).
local function by_values(self, opts, report)
  local attr = opts.by
  local rows = {}
  for _, v in ipairs(self:values(attr)) do
    local sub = merge(opts, { by = false, within = self:spans({ [attr] = v }), format = "rows" })
    for _, r in ipairs(report(sub)) do
      local row = { [attr] = v }
      for k, x in pairs(r) do row[k] = x end
      rows[#rows + 1] = row
    end
  end
  return rows
end

-- freq{by = ATTR}: a frequency list per value of a region attribute, as one
-- list of rows { [ATTR] = value, word = w, count = n }.
function Corpus:freq_by(opts)
  return by_values(self, opts, function(sub) return self.ix:freq(sub) end)
end

-- ngrams(n, opts) -> result rows { ngram, count }; opts.by = ATTR: one list
-- per value of a region attribute, rows { [ATTR], ngram, count }.
function Corpus:ngrams(n, opts)
  if math.type(n) ~= "integer" or n < 1 or n > 8 then  -- now, not when the rows are read
    argerror(1, "ngrams", "n must be between 1 and 8")
  end
  opts = merge(check_opts(opts, 2, "ngrams", REPORT_OPTS), { within = self.within })
  if opts.by then return by_values(self, opts, function(sub) return self.ix:ngrams(n, sub) end) end
  if opts.format and opts.format ~= "rows" then return self.ix:ngrams(n, opts) end
  return result.new(n .. "-grams", function(extra) return self.ix:ngrams(n, merge(opts, extra)) end)
end

-- Statistics (lua/parley/keyness.lua, collocates.lua, dispersion.lua; docs/statistics.md).
function Corpus:keyness(other, opts) return require("parley.keyness").keyness(self, other, opts) end
function Corpus:collocates(q, opts) return require("parley.collocates").collocates(self, q, opts) end
function Corpus:dispersion(q, opts) return require("parley.dispersion").dispersion(self, q, opts) end
-- A report's claims held against the record of the same meeting (lua/parley/compare.lua):
-- report and record are document ids, lists of them, or sub-corpora.
function Corpus:compare(report, record, opts)
  check_opts(opts, 3, "compare", { min_score = "share", top = "positive" })
  return require("parley.compare").compare(self, report, record, opts)
end
-- Mentions per period of the documents' dates (lua/parley/timeline.lua).
function Corpus:timeline(q, opts)
  if type(q) ~= "string" then argerror(1, "timeline", "a query expected, got " .. type(q)) end
  check_opts(opts, 2, "timeline", { by = "string", split = "string" })
  local timeline = require "parley.timeline"
  local o = merge(opts, { query = q })
  local rows, info = timeline.timeline(self, o)
  local cols = timeline.columns(o)
  return result.new("timeline of " .. q, function(extra)
    if extra.format == "rows" then return rows end
    local shown = extra.limit and { table.unpack(rows, 1, extra.limit) } or rows
    if extra.file then return output.write(shown, cols, extra.format, extra.file) end
    return output.render(shown, cols, extra.format)
  end), info
end

-- values(attr [, kind]) -> the distinct values of a region attribute (speaker,
-- side, type …) in the index, sorted, and the region kind that has it.
function Corpus:values(attr, kind)
  if type(attr) ~= "string" then argerror(1, "values", "an attribute name expected, got " .. type(attr)) end
  kind = self:kind_with(attr, kind)
  local codes, values = self.ix:column(kind, attr)
  for _, c in ipairs(codes) do
    if c == 0 then values[#values + 1] = ""; break end  -- regions without a value
  end
  table.sort(values)
  return values, kind
end

-- The region kind that has attribute attr (document attributes first, then
-- speaker turns: `where{speaker = …}` means turns even when quotes have speakers).
function Corpus:kind_with(attr, kind)
  local found
  for _, k in ipairs(self.ix:kinds()) do
    if not kind or k.name == kind then
      for _, a in ipairs(k.attrs) do
        if a == attr and (k.name == "document" or k.name == "turn") then return k.name end
        if a == attr then found = found or k.name end
      end
    end
  end
  if found then return found end
  if kind then E.raise(("regions of kind '%s' have no attribute '%s'"):format(kind, attr), E.level()) end
  E.raise(("no region kind has attribute '%s' (attributes: %s)%s"):format(tostring(attr),
    table.concat(self:attributes(), ", "), M.grammar_hint(attr)), E.level())
end

-- What turns and their attributes come from, for the messages of a corpus
-- that lacks them: "" for other names.
local FROM_GRAMMARS = { turn = true, speaker = true, side = true, mode = true, label = true }
function M.grammar_hint(name)
  if not FROM_GRAMMARS[name] then return "" end
  return "; speaker turns come from a grammar: give each document one in the manifest (corpus.lua), "
    .. "such as grammar = \"labelled\" for \"NAME: text\" transcripts (docs/grammars.md)"
end

-- The attribute names of every region kind, sorted (for messages and completion).
function Corpus:attributes()
  local seen, out = {}, {}
  for _, k in ipairs(self.ix:kinds()) do
    for _, a in ipairs(k.attrs) do
      if not seen[a] then seen[a] = true; out[#out + 1] = a end
    end
  end
  table.sort(out)
  return out
end

function Corpus:region_count(kind)
  for _, k in ipairs(self.ix:kinds()) do
    if k.name == kind then return k.count end
  end
  return 0
end

-- Split a filter into its region kind and its attribute conditions (values
-- as strings, or lists of strings); a mistake raises at the caller's line.
local function kind_of(self, filter)
  local kind, attrs = filter.kind, {}
  if kind ~= nil and (type(kind) ~= "string" or not self:has_kind(kind)) then
    E.raise(("no region kind '%s' in this corpus%s"):format(tostring(kind), M.grammar_hint(kind)), E.level())
  end
  for k, v in pairs(filter) do
    if k ~= "kind" then
      if type(k) ~= "string" then E.raise("a filter's keys must be attribute names", E.level()) end
      attrs[k] = M.filter_value(k, v)
      kind = kind or self:kind_with(k)
    end
  end
  return kind or "document", attrs
end

-- A filter's value for attribute k: a string (a number becomes one) or a
-- list of them; anything else raises at the caller's line.
function M.filter_value(k, v)
  if type(v) == "number" then return tostring(v) end
  if type(v) == "string" then return v end
  if type(v) == "table" then
    local list = {}
    for i, x in ipairs(v) do
      if type(x) ~= "string" and type(x) ~= "number" then
        E.raise(("the value of '%s' must be a string or a list of strings (item %d is a %s)"):format(k, i, type(x)),
          E.level())
      end
      list[i] = tostring(x)
    end
    return list
  end
  E.raise(("the value of '%s' must be a string or a list of strings, not a %s"):format(k, type(v)), E.level())
end

function Corpus:has_kind(kind)
  for _, k in ipairs(self.ix:kinds()) do
    if k.name == kind then return true end
  end
  return false
end

-- "types are: telegram, transcript": the values of an attribute, for
-- messages (at most 12, then how many there are in all).
local MAX_VALUES = 12
function M.values_list(attr, values)
  local shown = {}
  for i = 1, math.min(#values, MAX_VALUES) do shown[i] = tostring(values[i]) end
  local list = #values == 0 and "(none)" or table.concat(shown, ", ")
    .. (#values > MAX_VALUES and (", … (%s in all)"):format(output.number(#values)) or "")
  return (attr:sub(-1) == "s" and "values of " .. attr .. " are" or attr .. "s are") .. ": " .. list
end

-- The value(s) v of a filter on attribute attr, as the regions of kind hold
-- them: a value some region has stays; a speaker the person register knows
-- under another name becomes the canonical name the grammars give turns
-- (speaker = "McCloy" is "John McCloy"); "" stands for regions without the
-- attribute.  A filter none of whose values any region has is a mistake,
-- which raises naming the values there are, rather than selecting nothing.
-- The values of attribute attr of kind's regions (Corpus:values) and their
-- set, made once per index: an archive's filters ask for them again and again.
local value_sets = setmetatable({}, { __mode = "k" })
local function value_set(self, kind, attr)
  local per = value_sets[self.ix]
  if not per then per = {}; value_sets[self.ix] = per end
  local key = kind .. "\0" .. attr
  local e = per[key]
  if not e then
    local values, have = self:values(attr, kind), {}
    for _, x in ipairs(values) do have[tostring(x)] = true end
    e = { values = values, have = have }
    per[key] = e
  end
  return e.values, e.have
end

local function resolve(self, kind, attr, v)
  local list = type(v) == "table" and v or { v }
  local values, have = value_set(self, kind, attr)
  local out, unknown = {}, nil
  for i, x in ipairs(list) do
    x = tostring(x)
    if not have[x] and attr == "speaker" then
      local ok, register = E.pcall(people.load, self.manifest)
      local name = ok and register:canonical(x)
      if name and have[name] then x = name end
    end
    if have[x] or x == "" then unknown = false elseif unknown == nil then unknown = x end
    out[i] = x
  end
  if unknown then  -- no value of the filter is any region's (a list may name some absent ones)
    local asked = type(v) == "table" and table.concat(out, "|") or unknown
    E.raise(("no %ss where %s=%s; %s"):format(kind, attr, asked, M.values_list(attr, values)), E.level())
  end
  return type(v) == "table" and out or out[1]
end

-- ---------------------------------------------------------------- dates

-- document_dates(corpus) -> the documents of the index and their dates, by
-- the codes of Index:column: { n, regions (a hit list of the documents, in
-- order), codes (per document, the number of its date in dates; 0 when it
-- is undated: no date, or a date or date_to that does not parse), dates
-- (per code, the date parsed by parley.dates), to_codes, to_dates (the same
-- for date_to; 0 where a document has none), bad (the date strings that do
-- not parse, sorted) }.  Made once per index (an archive's documents are
-- many; commands ask again), each distinct date string parsed once; the
-- per-document work is done in C (Hits:count_by, Index:words_by).  Read only.
local dates_of = setmetatable({}, { __mode = "k" })
local function has_attr(self, kind, attr)
  for _, k in ipairs(self.ix:kinds()) do
    if k.name == kind then
      for _, a in ipairs(k.attrs) do if a == attr then return true end end
    end
  end
  return false
end
function M.document_dates(self)
  local cached = dates_of[self.ix]
  if cached then return cached end
  local dates = require "parley.dates"
  local regions = self.ix:regions("document")
  local n = #regions
  local out = { n = n, regions = regions, bad = {} }
  local bad = {}
  local function column(attr)   -- codes and dates; codes of bad dates are marked in the set it returns
    local codes, parsed, broken = {}, {}, {}
    if has_attr(self, "document", attr) then
      local values
      codes, values = self.ix:column("document", attr)
      for c, v in ipairs(values) do
        parsed[c] = dates.parse(v) or false
        if not parsed[c] then broken[c] = true; bad[#bad + 1] = v end
      end
    else
      for i = 1, n do codes[i] = 0 end
    end
    return codes, parsed, next(broken) and broken
  end
  local codes, parsed, broken = column("date")
  local to_codes, to_parsed, to_broken = column("date_to")
  if broken or to_broken then   -- a document whose date or date_to does not parse is undated
    for i = 1, n do
      if (broken and broken[codes[i]]) or (to_broken and to_broken[to_codes[i]]) then codes[i], to_codes[i] = 0, 0 end
    end
  end
  table.sort(bad)
  out.codes, out.dates, out.to_codes, out.to_dates, out.bad = codes, parsed, to_codes, to_parsed, bad
  dates_of[self.ix] = out
  return out
end

-- The documents of the index that hold some of this (sub-)corpus: a list
-- of true or false, one per document of document_dates.
local function in_scope(self, dd)
  local out = {}
  if not self.within then
    for i = 1, dd.n do out[i] = true end
    return out
  end
  local counts = self.within:count_in(dd.regions)
  for i = 1, dd.n do out[i] = counts[i] > 0 end
  return out
end
M.in_scope = in_scope

-- The date range of a filter's from and to (dates of any precision: from =
-- "1962" is from 1962-01-01, to = "1962-11" up to 1962-11-30); a value that
-- is not a date raises naming it.
local function date_range(filter)
  local dates = require "parley.dates"
  local range = {}
  for _, k in ipairs { "from", "to" } do
    local v = filter[k]
    if math.type(v) == "integer" then v = tostring(v) end  -- from = 1962: a year
    if v ~= nil then
      if type(v) ~= "string" then
        E.raise(("the value of '%s' must be a date such as 1962-11-01, not a %s"):format(k, type(v)), E.level())
      end
      local d, err = dates.parse(v)
      if not d then E.raise(k .. "=" .. v .. ": " .. err, E.level()) end
      range[k] = d
    end
  end
  if range.from and range.to and range.from.first > range.to.last then
    E.raise(("from=%s is after to=%s"):format(range.from.text, range.to.text), E.level())
  end
  return range
end

-- The spans of a filter with from and/or to: the documents whose dates
-- overlap the range (a date of month or year precision, or one with a
-- date_to, is the stretch of days it may denote; it is selected when any of
-- them lies in the range), narrowed by the filter's other keys.  Undated
-- documents are never selected; the fourth result says how many of this
-- (sub-)corpus's were left out: { undated =, from =, to = }.
local function dated_spans(self, filter)
  local dates = require "parley.dates"
  local range = date_range(filter)
  local rest = {}
  for k, v in pairs(filter) do if k ~= "from" and k ~= "to" then rest[k] = v end end
  local dd, flat, undated = M.document_dates(self), {}, 0
  local inside = in_scope(self, dd)
  local s, e = dd.regions:starts(), dd.regions:ends()
  for i = 1, dd.n do
    local date = dd.dates[dd.codes[i]]
    if not date then
      if inside[i] then undated = undated + 1 end
    elseif dates.overlaps(date, dd.to_dates[dd.to_codes[i]], range.from, range.to) then
      flat[#flat + 1], flat[#flat + 2] = s[i], e[i]
    end
  end
  local n = undated
  local docs = require("parley.hits").from(self.ix, flat)
  local spans, kind, extent
  if next(rest) then
    spans, kind, extent = self:spans(rest)
    spans, extent = spans:intersect(docs), extent:inside(docs)
  else
    spans, kind, extent = docs, "document", docs
    if self.within then spans = spans:intersect(self.within) end
    if self.extent or self.within then extent = extent:inside(self.extent or self.within) end
  end
  return spans, kind, extent, { undated = n, from = range.from, to = range.to }
end

-- spans(filter) -> the text of the regions a filter selects, as a hit list
-- in this (sub-)corpus: one span per stretch of text (a turn given to two
-- speakers is recorded twice but counts once), and for turns without their
-- speaker labels (the `label` regions a grammar marks), which are not what
-- the speaker said.
function Corpus:spans(filter)
  if type(filter) ~= "table" then argerror(1, "spans", "a filter table expected, got " .. type(filter)) end
  if filter.from ~= nil or filter.to ~= nil then return dated_spans(self, filter) end
  local kind, attrs = kind_of(self, filter)
  for k, v in pairs(attrs) do
    self:kind_with(k, kind)
    attrs[k] = resolve(self, kind, k, v)
  end
  local spans = self.ix:regions(kind, attrs)
  spans = spans:union(spans:sub(1, 0))
  local extent = spans                            -- the regions whole, labels and all
  if kind == "turn" and self:has_kind("label") then spans = spans:minus(self.ix:regions("label")) end
  if self.within then spans = spans:intersect(self.within) end  -- nested filters: both hold
  if self.extent or self.within then extent = extent:inside(self.extent or self.within) end
  return spans, kind, extent
end

-- where(filter) -> a sub-corpus with the same API, restricted to the regions
-- whose attributes match: where{ type = "telegram" }, where{ speaker = "McCloy" },
-- where{ kind = "turn", side = {"US", "UN"} }; where{ from = "1962-10", to =
-- "1962-11-30" }: the documents dated in that range (see dated_spans), with
-- the undated ones it left out counted in sub.undated.  Sub-corpora of turns leave
-- the speakers' labels out (see spans).
function Corpus:where(filter)
  if type(filter) ~= "table" then argerror(1, "where", "a filter table expected, got " .. type(filter)) end
  local spans, kind, extent, dated = self:spans(filter)
  local desc = {}
  for k, v in pairs(filter) do
    v = k == "kind" and v or M.filter_value(k, v)
    desc[#desc + 1] = k .. "=" .. (type(v) == "table" and table.concat(v, "|") or tostring(v))
  end
  table.sort(desc)
  local sub = self:sub(spans, table.concat(desc, " "))
  sub.kind, sub.extent = kind, extent
  -- a date filter: the undated documents it left out, and its range (nested
  -- filters keep the outer one's)
  sub.undated = dated and dated.undated or self.undated
  sub.date_from = dated and dated.from or self.date_from
  sub.date_to = dated and dated.to or self.date_to
  return sub
end

-- sub(spans, description) -> the sub-corpus of a hit list of spans (which
-- must lie in this one), with the same API: what where and keyness's rest make.
function Corpus:sub(spans, description)
  return setmetatable({
    ix = self.ix, dir = self.dir, name = self.name, title = self.title,
    index_path = self.index_path, within = spans, parent = self,
    shard = self.shard, source_numbers = self.source_numbers,
    filter = (self.filter and self.filter .. " " or "") .. description,
    _cache = setmetatable({}, { __mode = "v" }),
  }, Corpus)
end

-- The number of tokens in the (sub-)corpus.
function Corpus:size()
  if self.within then return self.within:width() end
  return self.ix:stats().tokens
end

-- Do a region's attributes pass a filter ({ attr = value or list of values })?
local function matches(attrs, filter)
  for k, want in pairs(filter or {}) do
    local ok = attrs[k] == want
    if type(want) == "table" then
      for _, v in ipairs(want) do ok = ok or attrs[k] == v end
    end
    if not ok then return false end
  end
  return true
end

-- spans_by(kind, attr, filter) -> { [value] = spans, … }: what
-- corpus:spans{ kind = kind, [attr] = value, … filter } gives, for every
-- value of attr that a region of the kind passing the rest of the filter
-- has, made in one pass over the kind's regions: a filter per value scans
-- them all, once per value (per speaker, over thousands of speakers).
function Corpus:spans_by(kind, attr, filter)
  local f = { kind = kind }
  for k, v in pairs(filter or {}) do f[k] = v end
  local _, attrs = kind_of(self, f)
  for k, v in pairs(attrs) do
    self:kind_with(k, kind)
    attrs[k] = resolve(self, kind, k, v)
  end
  self:kind_with(attr, kind)
  local flat, ix = {}, self.ix
  for j = 1, self:region_count(kind) do
    local s, e, a = ix:region(kind, j)
    local v = a[attr]
    if v ~= nil and matches(a, attrs) then
      local list = flat[v]
      if not list then list = {}; flat[v] = list end
      list[#list + 1], list[#list + 2] = s, e
    end
  end
  local labels = kind == "turn" and self:has_kind("label") and ix:regions("label") or nil
  local hits, out = require "parley.hits", {}
  for v, list in pairs(flat) do
    local spans = hits.from(ix, list)
    spans = spans:union(spans:sub(1, 0))          -- as Corpus:spans: sorted, overlaps merged
    if labels then spans = spans:minus(labels) end
    if self.within then spans = spans:intersect(self.within) end
    out[v] = spans
  end
  return out
end

-- regions(kind, filter) -> list of { kind, pos, stop_pos, attrs, doc, line, col,
-- start, stop } tables (start and stop: the byte span of its tokens in the
-- document's text; nil for a region that holds no token), located in one pass.
function Corpus:regions(kind, filter)
  if not self:has_kind(kind) then
    E.raise(("no region kind '%s' in this corpus%s"):format(tostring(kind), M.grammar_hint(kind)), E.level())
  end
  if filter ~= nil and type(filter) ~= "table" then argerror(2, "regions", "a filter table expected, got " .. type(filter)) end
  if filter then
    local f = {}
    for k, v in pairs(filter) do
      if type(k) ~= "string" then E.raise("a filter's keys must be attribute names", E.level()) end
      self:kind_with(k, kind)
      f[k] = M.filter_value(k, v)
    end
    filter = f
  end
  -- the regions of a sub-corpus: those inside the regions it selects (whole,
  -- so that a sub-corpus of turns still holds its turns and their labels)
  local spans = self.ix:regions(kind, filter, self.extent or self.within)
  local located = self.ix:locate(spans)
  -- an empty region (a footnote's anchor, a page break) holds no token: it is
  -- placed where the token after it begins (at the corpus's end: the last token)
  local empty, at_pos = {}, {}
  local ntokens = self.ix:stats().tokens
  for i = 1, #spans do
    local s, e = spans:span(i)
    if e <= s and ntokens > 0 then
      empty[#empty + 1] = s < ntokens and s or ntokens - 1
      at_pos[i] = #empty
    end
  end
  local placed = #empty > 0 and self:at(empty) or {}
  local out, j, n = {}, 0, self:region_count(kind)
  local first = self.ix:numbers(kind, spans)   -- where each span's records begin, by binary search
  local ps, pe
  for i = 1, #spans do
    local s, e = spans:span(i)
    -- the spans come in record order: find this one's record from the first
    -- with its span (the same span twice, a turn given to two speakers: the next)
    if not (s == ps and e == pe) and first[i] then j = first[i] - 1 end
    ps, pe = s, e
    local rs, re_, attrs
    repeat
      j = j + 1
      rs, re_, attrs = self.ix:region(kind, j)
    until j >= n or rs == s and re_ == e and matches(attrs, filter)
    local row = e > s and located[i]
    local near = not row and at_pos[i] and placed[at_pos[i]]
    out[i] = { kind = kind, pos = s, stop_pos = e - 1, attrs = attrs,
               doc = row and row.doc or kind == "document" and attrs.id or near and near.doc or nil,
               line = row and row.line or near and near.line or 1, col = row and row.col or near and near.col or 1,
               start = row and row.start or nil, stop = row and row.stop or nil }
  end
  return out
end

-- at(positions) -> for each corpus position (0-based, a token), its located
-- row { doc, docno, line, col, start, stop … } (in the original file), in
-- the order given, from one pass.
function Corpus:at(positions)
  if type(positions) ~= "table" then argerror(1, "at", "a list of corpus positions expected, got " .. type(positions)) end
  local ntokens = self.ix:stats().tokens
  for i = 1, #positions do
    local p = positions[i]
    if math.type(p) ~= "integer" or p < 0 or p >= ntokens then
      argerror(1, "at", ("position %s (item %d) is not a token of the corpus: positions go from 0 to %d"):format(
        tostring(p), i, ntokens - 1))
    end
  end
  local order = {}
  for i = 1, #positions do order[i] = i end
  table.sort(order, function(a, b) return positions[a] < positions[b] end)
  local spans = {}
  for k, i in ipairs(order) do spans[2 * k - 1], spans[2 * k] = positions[i], positions[i] + 1 end
  local rows = self.ix:locate(require("parley.hits").from(self.ix, spans))
  local out = {}
  for k, i in ipairs(order) do out[i] = rows[k] end
  return out
end

-- scan(pattern) -> list of matches of an LPeg pattern over the documents'
-- text: { doc, line, col (in the original file), start, stop, text, captures }.
function Corpus:scan(pattern)
  local lpeg = require "lpeg"
  if not lpeg.type(pattern) and type(pattern) ~= "string" then
    argerror(1, "scan", "an LPeg pattern expected, got " .. type(pattern))
  end
  local p = lpeg.P(pattern)
  local finder = lpeg.P { lpeg.Cp() * lpeg.Ct(p) * lpeg.Cp() + 1 * lpeg.V(1) }
  local out = {}
  for doc in self:docs() do
    local txt = doc:text()
    local at, found, offsets = 1, {}, {}
    while at <= #txt do
      local s, caps, e = finder:match(txt, at)
      if not s then break end
      found[#found + 1] = { doc = doc.id, start = s, stop = e - 1, text = txt:sub(s, e - 1), captures = caps }
      offsets[#offsets + 1] = s
      at = e > s and e or s + 1
    end
    local lines, cols = self.ix:positions(doc.number, offsets)
    for i, f in ipairs(found) do
      f.line, f.col = lines[i], cols[i]
      out[#out + 1] = f
    end
  end
  return out
end

-- docs() -> iterator over the documents: for doc in corpus:docs() do ... end
function Corpus:docs()
  local n = self.ix:stats().documents
  local inside, empty
  if self.within then
    inside, empty = {}, {}
    for i = 1, #self.within do
      local s, e = self.within:span(i)
      if e > s then
        for d = self.ix:doc_of(s), self.ix:doc_of(e - 1) do inside[d] = true end
      else
        empty[s] = true  -- an empty document's region: it holds no position
      end
    end
  end
  local function skip(i)
    if inside[i] then return false end
    if not next(empty) then return true end
    local info = self.ix:doc(i)
    return not (info.ntokens == 0 and empty[info.first])
  end
  return function(_, prev)
    local i = prev and prev.number + 1 or 1
    while i <= n and inside and skip(i) do i = i + 1 end
    if i > n then return nil end
    return M.doc(self, i)
  end, self, nil
end

-- The number of each document id (the first, should two share one), made once per index.
local numbers_of = setmetatable({}, { __mode = "k" })
local function doc_numbers(self)
  local map = numbers_of[self.ix]
  if map then return map end
  map = {}
  local codes, ids = self.ix:column("document", "id")
  for i = #codes, 1, -1 do if codes[i] > 0 then map[ids[codes[i]]] = i end end
  numbers_of[self.ix] = map
  return map
end

-- doc(id or number) -> the document
function Corpus:doc(which)
  if type(which) ~= "string" and math.type(which) ~= "integer" then
    argerror(1, "doc", "a document id or number expected, got " .. (math.type(which) or type(which)))
  end
  local n = self.ix:stats().documents
  if type(which) == "number" then
    if which >= 1 and which <= n then return M.doc(self, which) end
    return nil
  end
  local i = doc_numbers(self)[which]
  return i and M.doc(self, i) or nil
end

function Corpus:stats()
  local st = self.ix:stats()
  st.meta = nil
  st.size = self:size()
  return st
end

function Corpus:verify() return self.ix:verify() end
-- What a closed sub-corpus holds instead of the index: every use raises.
local closed_index = setmetatable({}, { __index = function()
  return function() E.raise("attempt to use a closed corpus", E.level()) end
end })

-- close(): close the index; a sub-corpus made with where closes only itself,
-- leaving its parent (and the index they share) open.
function Corpus:close()
  if self.parent then rawset(self, "ix", closed_index) return end
  self.ix:close()
end
Corpus.__close = Corpus.close

Corpus.__tostring = function(self)
  local open, st = E.pcall(self.ix.stats, self.ix)
  if not open then return ("<corpus %s (closed)>"):format(self.name) end
  if self.within then
    return ("<corpus %s where %s: %s>"):format(self.name, self.filter, output.count(self:size(), "token"))
  end
  return ("<corpus %s: %s, %s>"):format(self.name, output.count(st.documents, "document"),
    output.count(st.tokens, "token"))
end
Corpus.__show = Corpus.__tostring

-- ---------------------------------------------------------------- documents

Doc.__index = lazy(Doc, "meta", function(self)
  local ok, m = E.pcall(cjson.decode, self._info.meta)
  return ok and m or {}
end)
Doc.__methods = Doc  -- for the REPL's completion (its __index is a function)
Doc.__tostring = function(self)
  return ("<document %s: %s>"):format(self.id, output.count(self._info.ntokens, "token"))
end
Doc.__show = Doc.__tostring

function M.doc(corpus, i)
  local info = corpus.ix:doc(i)
  return setmetatable({ corpus = corpus, number = i, id = info.id, path = info.path, _info = info }, Doc)
end

-- The document's normalised text (NFC, LF line ends).
function Doc:text() return self.corpus.ix:text(self.number) end

-- 1-based byte offsets where its lines start.
function Doc:line_starts() return self.corpus.ix:line_starts(self.number) end

-- lines() -> list of the document's lines (without line ends).
function Doc:lines()
  local t, out = self:text(), {}
  for line in (t .. "\n"):gmatch("(.-)\n") do out[#out + 1] = line end
  if t:sub(-1) == "\n" then out[#out] = nil end
  return out
end

-- tokens() -> list of { text, start, stop, pos } of the document's tokens.
function Doc:tokens()
  local n = self._info.ntokens
  if n == 0 then return {} end
  return self.corpus.ix:tokens(self._info.first, self._info.first + n - 1)
end

return M
