-- The host side of document grammars: which grammar a document uses, the
-- sandboxes the grammars run in (core/sandbox.c: one Lua state per grammar,
-- for all the documents that use it, bounded in memory and instructions),
-- what the index fingerprint covers, and the regions a grammar's result
-- gives the index builder.  A corpus is someone else's data: opening it never
-- runs its code with the user's rights (docs/grammars.md, "What a grammar may do").
--
-- Resolution of the manifest's `grammar` field:
--   "NAME"               a built-in grammar if there is one of that name
--                        (transcript, telegram, labelled, narrative; speakers is
--                        the former name of labelled), else the corpus'
--                        grammars/NAME.lua.
--                        A corpus file with a built-in's name is ignored, with a
--                        warning saying how to use it:
--   "grammars/NAME.lua"  the corpus' file, always (it may shadow a built-in)
-- The grammar each document used is recorded in its stored metadata as
-- doc.meta.grammar_used = { name =, source = "built-in" | "corpus", file = },
-- file relative to the toolkit (lua/parley/grammar/…) or to the corpus
-- (grammars/…); doc.meta.grammar stays the manifest's field as written.
local fs = require "parley.fs"
local sandbox = require "parley.sandbox"
local people = require "parley.people"
local grammar = require "parley.grammar"
local read_file = require("parley.data").read
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here

local M = {}

local NAME = "^[%w_%-]+$"
local HOST_ONLY = { ["parley.grammar.host"] = true, ["parley.grammar.boot"] = true }
local MAX_SOURCE = 16 * 1024 * 1024       -- a grammar module's source, in bytes

-- The folder of the grammar framework (lua/parley/grammar) and the toolkit's root.
local function grammar_dir()
  local init = assert(package.searchpath("parley.grammar", package.path), "cannot find parley.grammar")
  return (init:gsub("/init%.lua$", ""))
end
local function toolkit_root() return (grammar_dir():gsub("/lua/parley/grammar$", "")) end

-- Every file and folder under dir, sorted, folders before what they hold:
-- { path =, rel = (relative to dir), dir = true|nil }.
local function walk(dir, out, prefix)
  out, prefix = out or {}, prefix or ""
  for _, name in ipairs(fs.dir(dir) or {}) do
    local path, rel = dir .. "/" .. name, prefix .. name
    local st = fs.stat(path)
    if st and st.type == "directory" then
      out[#out + 1] = { path = path, rel = rel, dir = true }
      walk(path, out, rel .. "/")
    elseif st then
      out[#out + 1] = { path = path, rel = rel }
    end
  end
  return out
end

-- The grammars a manifest uses: a sorted list of its `grammar` values.
function M.used(m)
  local seen, names = {}, {}
  local function add(g)
    if g ~= nil and not seen[g] then
      seen[g] = true
      names[#names + 1] = g
    end
  end
  for _, d in ipairs(m.documents) do
    add(d.grammar)
    -- a reader's source: the grammar of each genre of document it holds, and
    -- of the documents the manifest names
    for _, g in pairs(d.genre_grammars or {}) do if g then add(g) end end
    for _, g in pairs(type(d.grammars) == "table" and d.grammars or {}) do if g then add(g) end end
  end
  table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
  return names
end

-- The data files of the built-in grammars, as a set (what a sandbox may be
-- given from outside the corpus' grammars/ folder).
local function builtin_data()
  local out = {}
  for _, b in pairs(grammar.builtin) do
    for _, f in ipairs(b.data_files) do out[f] = true end
  end
  return out
end

-- resolve(spec, dir) -> { name, source, file, path, module }, warning | nil, message
function M.resolve(spec, dir)
  if type(spec) ~= "string" then return nil, ("bad grammar '%s' (a name or grammars/NAME.lua)"):format(tostring(spec)) end
  local by_path = spec:match("^grammars/([%w_%-]+)%.lua$")
  local corpus_file = dir and dir .. "/grammars/" .. (by_path or spec) .. ".lua"
  local function corpus_grammar(name)
    return { name = name, source = "corpus", file = "grammars/" .. name .. ".lua", path = corpus_file,
             module = "grammars." .. name }
  end
  if by_path then
    if not (corpus_file and fs.stat(corpus_file)) then
      return nil, ("no grammar file %s in the corpus folder"):format(spec)
    end
    return corpus_grammar(by_path)
  end
  if not spec:find(NAME) then
    return nil, ("bad grammar '%s' (a name of letters, digits, _ or -, or grammars/NAME.lua)"):format(spec)
  end
  local builtin = grammar.builtin[spec]
  if builtin then
    local module = builtin.module
    local base = module:match("[^.]+$")
    local r = { name = base, source = "built-in", file = "lua/parley/grammar/" .. base .. ".lua",
                path = grammar_dir() .. "/" .. base .. ".lua", module = module }
    local warning
    if corpus_file and fs.stat(corpus_file) then
      warning = ("%s is ignored: '%s' is a built-in grammar (to use the corpus' file, write "
        .. "grammar = \"grammars/%s.lua\" in the manifest)"):format(corpus_file, spec, spec)
    end
    return r, warning
  end
  if corpus_file and fs.stat(corpus_file) then return corpus_grammar(spec) end
  return nil, ("no grammar '%s' (no built-in grammar of that name, and no grammars/%s.lua in the corpus folder)")
    :format(spec, spec)
end

-- Files whose content decides what the grammars produce: every file (and
-- folder) under lua/parley/grammar/ (the framework, its library, the built-in
-- grammars, the sandbox's boot chunk), parley.people and re, the data files
-- the built-in grammars declare, and the corpus' people.lua and grammars/
-- folder (all of it: corpus grammars may use data files only from there).
-- A missing file counts too.
function M.source_files(m)
  local files, seen = {}, {}
  local function add(path) if path and not seen[path] then seen[path] = true; files[#files + 1] = path end end
  local gdir = grammar_dir()
  add(gdir)
  for _, f in ipairs(walk(gdir)) do add(f.path) end
  add(package.searchpath("parley.people", package.path))
  add(package.searchpath("re", package.path))
  local data = {}
  for f in pairs(builtin_data()) do data[#data + 1] = f end
  table.sort(data)
  for _, f in ipairs(data) do add(f) end
  if m.dir then
    add(people.file(m) or m.dir .. "/people.lua")   -- the manifest's register file, or the folder's
    local cdir = m.dir .. "/grammars"
    add(cdir)
    local st = fs.stat(cdir)
    if st and st.type == "directory" then for _, f in ipairs(walk(cdir)) do add(f.path) end end
  end
  return files
end

-- ------------------------------------------------------------ sandboxes

local function check_size(path, limit)
  local st = fs.stat(path)
  if st and st.size > limit then error(("%s: too large (%d bytes; at most %d)"):format(path, st.size, limit), 0) end
  return st
end

-- The modules a sandbox gets: the grammar folder's (but the host's own),
-- parley.people, re, the former name of labelled, and for a corpus grammar
-- the corpus' grammars/ modules.  { { name, source, chunkname } }
local function modules(corpus_dir)
  local out = {}
  local gdir, root = grammar_dir(), toolkit_root()
  local function add(name, path, chunk)
    check_size(path, MAX_SOURCE)
    local src, err = read_file(path)
    if not src then error(err, 0) end
    out[#out + 1] = { name, src, "@" .. chunk }
  end
  for _, f in ipairs(walk(gdir)) do
    local rel = not f.dir and f.rel:match("^(.*)%.lua$")
    if rel then
      local name = rel == "init" and "parley.grammar" or "parley.grammar." .. rel:gsub("/", ".")
      if not HOST_ONLY[name] then add(name, f.path, "lua/parley/grammar/" .. f.rel) end
    end
  end
  local ppl = assert(package.searchpath("parley.people", package.path))
  add("parley.people", ppl, ppl:sub(1, #root + 1) == root .. "/" and ppl:sub(#root + 2) or ppl)
  local re = package.searchpath("re", package.path)
  if re then add("re", re, re) end
  out[#out + 1] = { "parley.grammar.speakers", 'return require "parley.grammar.labelled"',
                    "=parley.grammar.speakers (the former name of parley.grammar.labelled)" }
  if corpus_dir then
    local cdir = corpus_dir .. "/grammars"
    for _, f in ipairs(walk(cdir)) do
      local rel = not f.dir and f.rel:match("^(.*)%.lua$")
      if rel and rel:find("^[%w_%-/]+$") then
        if not sandbox.inside(f.path, cdir) then
          error(("%s: the file lies outside the corpus' grammars/ folder (a link?)"):format(f.path), 0)
        end
        add("grammars." .. rel:gsub("/", "."), f.path, "grammars/" .. f.rel)
      end
    end
  end
  return out
end

local function boot_source()
  local path = grammar_dir() .. "/boot.lua"
  local src, err = read_file(path)
  if not src then error(err, 0) end
  return src
end

local function call(sb, where, entry, ...)
  local v, err = sb:call(entry, ...)
  if v == nil and err then error(("%s: %s"):format(where, err), 0) end
  return v
end

-- The path a declared data file is read from, or nil, why it is refused.
local function approve(g, f, m, allowed)
  if type(f) ~= "string" then return nil, "data file names must be strings" end
  if allowed[f] then return f end
  if g.source ~= "corpus" then return nil, "not a data file of a built-in grammar" end
  local cdir = m.dir .. "/grammars"
  if not f:find("^grammars/") or f:find("%.%.") then
    return nil, "a corpus grammar's data files must be in its grammars/ folder (grammars/FILE)"
  end
  local path = m.dir .. "/" .. f
  if fs.stat(path) and not sandbox.inside(path, cdir) then
    return nil, "the file lies outside the corpus' grammars/ folder (a link?)"
  end
  return path
end

-- A sandbox with grammar g (resolved) loaded, its approved data files handed
-- in; where names the first document that uses it and the grammar.
local function open_sandbox(g, m, where, trusted, register_list, allowed)
  local sb, err = sandbox.new{ boot = boot_source(), boot_name = "@lua/parley/grammar/boot.lua",
                               trusted = trusted }
  if not sb then error(("%s: %s"):format(where, err), 0) end
  for _, mod in ipairs(modules(g.source == "corpus" and m.dir or nil)) do
    call(sb, where, "module", mod[1], mod[2], mod[3])
  end
  call(sb, where, "setup", { corpus = { name = m.name, title = m.title, description = m.description },
                             people = register_list, path = package.path, cpath = package.cpath })
  local info = call(sb, where, "load", { module = g.module, name = g.name, file = g.file })
  if type(info) ~= "table" or type(info.kinds) ~= "table" then
    error(("%s: the grammar did not load"):format(where), 0)
  end
  local files = info.data_files or {}
  table.sort(files, function(a, b) return tostring(a) < tostring(b) end)
  local limit = sb:stats().limit
  for _, f in ipairs(files) do
    local path, why = approve(g, f, m, allowed)
    if not path then error(("%s: data file %s refused: %s"):format(where, tostring(f), why), 0) end
    local text = false
    if check_size(path, limit) then text = read_file(path) or false end
    call(sb, where, "data", f, text)
  end
  return sb, info
end

-- Kind and attribute names the index can hold, from what a sandbox said.
local function check_kinds(where, kinds)
  for kind, attrs in pairs(kinds) do
    if type(kind) ~= "string" or not kind:find("^[%w_]+$") or grammar.BUILTIN_KINDS[kind] then
      error(("%s: bad region kind %s: a kind is named by letters, digits and _, and is none of the built-in "
        .. "document, paragraph and sentence"):format(where, type(kind) == "string" and "'" .. kind .. "'" or tostring(kind)), 0)
    end
    if type(attrs) ~= "table" or #attrs > grammar.MAX_ATTRS then
      error(("%s: kind '%s' needs a list of at most %d attribute names"):format(where, kind, grammar.MAX_ATTRS), 0)
    end
    for _, a in ipairs(attrs) do
      if type(a) ~= "string" or not a:find("^[%w_]+$") then
        error(("%s: kind '%s' has a bad attribute name %s: attribute names are strings of letters, digits and _")
          :format(where, kind, type(a) == "string" and "'" .. a .. "'" or tostring(a)), 0)
      end
    end
  end
end

local Session = {}
Session.__index = Session
Session.__close = function(self) self:close() end

-- session(m, opts) -> the grammars of manifest m loaded, each in a sandbox of
-- its own.  opts.trust_grammars (or PARLEY_TRUST_GRAMMARS=1 in the
-- environment): the sandboxes open the full standard library too.
function M.session(m, opts)
  opts = opts or {}
  local trusted = opts.trust_grammars == true or os.getenv("PARLEY_TRUST_GRAMMARS") == "1"
  local register_list = people.load(m).people
  local allowed = builtin_data()
  local self = setmetatable({ m = m, trusted = trusted, by_spec = {}, list = {}, extra = {},
                              register_list = register_list, allowed = allowed }, Session)
  local by_path = {}
  local ok, err = pcall(function()
    for _, spec in ipairs(M.used(m)) do
      local first
      for _, d in ipairs(m.documents) do
        local by_genre = false
        for _, g in pairs(d.genre_grammars or {}) do by_genre = by_genre or g == spec end
        if d.grammar == spec or by_genre then first = first or d end
      end
      local g, warning = M.resolve(spec, m.dir)
      if not g then error(("%s: %s"):format(first.fullpath or first.path, warning), 0) end
      if warning then io.stderr:write(require("parley.writer").clean("parley: warning: " .. warning), "\n") end
      local entry = by_path[g.path]
      if not entry then
        local where = ("%s: grammar '%s' (%s %s)"):format(first.fullpath or first.path, g.name, g.source, g.file)
        entry = g
        entry.where = where
        entry.sandbox, entry.info = open_sandbox(g, m, where, trusted, register_list, allowed)
        check_kinds(where, entry.info.kinds)
        by_path[g.path] = entry
        self.list[#self.list + 1] = entry
      end
      self.by_spec[spec] = entry
    end
  end)
  if not ok then self:close(); error(err, 0) end
  return self
end

-- Add region kind k with attribute names attrs to the list out ({ { name =,
-- attrs = } }, indexed by name in index): a kind met again gains the
-- attributes it lacked, in order.  Grammars and readers declare kinds alike.
function M.add_kind(out, index, k, attrs)
  if index[k] then
    local have = out[index[k]].attrs
    for _, a in ipairs(attrs) do
      local dup = false
      for _, b in ipairs(have) do dup = dup or a == b end
      if not dup then have[#have + 1] = a end
    end
    if #have > grammar.MAX_ATTRS then
      error(("kind '%s' has more than %d attributes"):format(k, grammar.MAX_ATTRS), 0)
    end
  else
    local copy = {}
    for i, a in ipairs(attrs) do copy[i] = a end
    out[#out + 1] = { name = k, attrs = copy }
    index[k] = #out
  end
  if #out > grammar.MAX_KINDS then
    error(("the grammars and readers define more than %d region kinds"):format(grammar.MAX_KINDS), 0)
  end
end

-- Region kinds of the grammars in use, in a fixed order: { { name =, attrs = {...} } }
-- (index: name -> position, to add more with M.add_kind).
function Session:kinds()
  local out, index = {}, {}
  for _, spec in ipairs(M.used(self.m)) do
    local kinds = self.by_spec[spec].info.kinds
    local knames = {}
    for k in pairs(kinds) do knames[#knames + 1] = k end
    table.sort(knames)
    for _, k in ipairs(knames) do M.add_kind(out, index, k, kinds[k]) end
  end
  return out, index
end

-- What a reader's document's metadata says of the grammar that read it
-- (grammar_used, as JSON: the builder writes it into the metadata of each document it read).
local function json_used(g)
  return require("parley.grammar.pack").json({ name = g.name, source = g.source, file = g.file }, "grammar_used")
end

-- for_build(kinds, threads) -> what the index builder needs to run the
-- grammars in its worker threads: for each grammar in use, one sandbox per
-- thread (the session's own, and threads - 1 more opened alike), each
-- prepared with the build's region kinds and the documents it will parse
-- (by their number in the manifest); per document its grammar's number; and
-- per reader's source the grammar of each genre of the documents it holds.
-- -> { { sandboxes = { … }, name = "grammar 'NAME' (SOURCE FILE)" } }, { [doc] = number },
--    { [doc] = { { GENRE, number } … } }, { [doc] = { { DOCUMENT_ID, number or 0 (none) } … } }
function Session:for_build(kinds, threads)
  local out, of_doc, genres_of = {}, {}, {}
  for gi, g in ipairs(self.list) do
    local mine = {}
    for i, d in ipairs(self.m.documents) do
      if d.grammar ~= nil and self.by_spec[d.grammar] == g then mine[i] = d; of_doc[i] = gi end
      local genres = {}
      for genre, name in pairs(d.genre_grammars or {}) do
        if name and self.by_spec[name] == g then genres[#genres + 1] = genre end
      end
      for _, name in pairs(type(d.grammars) == "table" and d.grammars or {}) do
        if name and self.by_spec[name] == g then mine[i] = d end
      end
      table.sort(genres)
      for _, genre in ipairs(genres) do
        mine[i] = d
        genres_of[i] = genres_of[i] or {}
        table.insert(genres_of[i], { genre, gi })
      end
    end
    local boxes = { g.sandbox }
    for t = 2, threads do
      local sb = open_sandbox(g, self.m, g.where, self.trusted, self.register_list, self.allowed)
      self.extra[#self.extra + 1] = sb
      boxes[t] = sb
    end
    for _, sb in ipairs(boxes) do call(sb, g.where, "prepare", { kinds = kinds, docs = mine }) end
    out[gi] = { sandboxes = boxes, name = ("grammar '%s' (%s %s)"):format(g.name, g.source, g.file),
                used = json_used(g) }
  end
  for _, list in pairs(genres_of) do table.sort(list, function(a, b) return a[1] < b[1] end) end
  -- the documents of a reader's source that the manifest gives a grammar (or none) by id
  local number, chosen_of = {}, {}
  for gi, g in ipairs(self.list) do number[g] = gi end
  for i, d in ipairs(self.m.documents) do
    if type(d.grammars) == "table" then
      local list = {}
      for id, name in pairs(d.grammars) do list[#list + 1] = { id, name and number[self.by_spec[name]] or 0 } end
      table.sort(list, function(a, b) return a[1] < b[1] end)
      chosen_of[i] = list
    end
  end
  return out, of_doc, genres_of, chosen_of
end

function Session:close()
  for _, g in ipairs(self.list) do g.sandbox:close() end
  for _, sb in ipairs(self.extra) do sb:close() end
end

return M
