-- Corpus manifests: `corpus.lua` in the corpus folder returns a table with
-- name, title, description and documents ({ path, id, title, date, type,
-- grammar, language, translator, source, ... }) and, optionally, people (the
-- person register, or the path of its file) and roots: the folders outside
-- the corpus folder that documents may come from (each named in a warning
-- at every open).  A folder without one is a corpus of its *.txt and *.md
-- files, with metadata guessed from the names.  A corpus is someone else's
-- data: the manifest runs as a data file (parley.data: a sandbox, nothing in
-- its environment, plain data back), every documented field is checked, and
-- no document or register is read from outside the folder (links resolved)
-- or its declared roots.
local E = require "parley.error"
local fs = require "parley.fs"
local index = require "parley.index"

local M = {}

local data = require "parley.data"
local people = require "parley.people"
local read_file = data.read

local function fail(where, msg)
  return nil, ("%s: %s"):format(where, msg)
end

-- Guess metadata from a file name such as 1962-11-01-dinner-record.txt.
local function guess(name)
  local base = name:gsub("%.[^.]*$", "")
  local date = base:match("^(%d%d%d%d%-%d%d%-%d%d)") or base:match("(%d%d%d%d%-%d%d%-%d%d)")
  local title = base:gsub("^%d%d%d%d%-%d%d%-%d%d[-_ ]*", ""):gsub("[-_]+", " ")
  return { path = name, id = base, title = title ~= "" and title or base, date = date,
           type = "document", language = "en",
           grammar = "auto" }  -- a bare folder's documents get turns (lua/parley/grammar/auto.lua)
end

local MONTH_DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- Is s an ISO 8601 date (1962, 1962-11, 1962-11-01, optionally followed by a time)?
local function iso_date(s)
  if type(s) ~= "string" then return false end
  local y, m, d, rest = s:match("^(%d%d%d%d)%-?(%d?%d?)%-?(%d?%d?)(.*)$")
  if not y or #m == 1 or #d == 1 or (m == "" and d ~= "") then return false end
  if rest ~= "" and (d == "" or not rest:find("^T%d%d")) then return false end
  if m == "" then return true end
  y, m = tonumber(y), tonumber(m)
  if m < 1 or m > 12 then return false end
  if d == "" then return true end
  local leap = y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
  local days = m == 2 and (leap and 29 or 28) or MONTH_DAYS[m]
  d = tonumber(d)
  return d >= 1 and d <= days
end

-- The grammar that reads each genre of document a reader finds (the TEI
-- reader's `genre`: core/teimeta.c); a manifest's `genres` changes it, and a
-- source's own `grammar` applies to all its documents.  FRUS memoranda,
-- telephone memoranda, minutes and telegrams are reported speech.
M.GENRE_GRAMMARS = { memorandum = "narrative", telephone = "narrative", minutes = "narrative",
                     telegram = "narrative" }
-- The genres the TEI reader gives (core/teimeta.c), and how many a manifest may name (core/build.c).
M.GENRE_LIST = "memorandum, telegram, telephone, letter, minutes, note, editorial, other"
M.GENRES = {}
for g in M.GENRE_LIST:gmatch("%a+") do M.GENRES[g] = true end
M.MAX_GENRES = 16

-- The readers a document may name (reader.h): the text reader, and TEI P5 XML.
local READERS = { text = true, tei = true }
local READER_NAMES = "'text' or 'tei'"

-- Does the file at path look like TEI (its first 64 KiB name the TEI element
-- or namespace)?  -> true | false | nil, message
local function sniff_tei(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local head = f:read(65536) or ""   -- after a DTD or a long comment, still within the first 64 KiB
  f:close()
  return head:find("<TEI[%s>]") ~= nil or head:find("<[%w_]+:TEI[%s>]") ~= nil
    or head:find("http://www.tei-c.org/ns/1.0", 1, true) ~= nil
end

-- The reader of a document the manifest gave none: XML files are TEI (or
-- refused), everything else is text.  -> reader | nil, message
local function reader_for(d)
  if not d.fullpath:lower():find("%.xml$") then return "text" end
  local tei, err = sniff_tei(d.fullpath)
  if tei == nil then return nil, err end
  if not tei then
    return nil, ("%s: an XML file that is not TEI (parley reads XML as TEI P5; give it reader = \"text\" "
      .. "to index the markup as words)"):format(d.fullpath)
  end
  return "tei"
end

-- Fields that must be strings when present: of the manifest, of a document.
local TOP_STRINGS = { "name", "title", "description" }
local STRING_FIELDS = { "title", "type", "grammar", "language", "translator", "source" }

-- What v is, for messages: "nothing", "a number (5)", "a table" …
local function a(v)
  local t = type(v)
  if t == "nil" then return "nothing" end
  if t == "number" or t == "boolean" then return ("a %s (%s)"):format(t, tostring(v)) end
  return "a " .. t
end

-- Is t a list (keys 1..n only)?  true, or false and a key that is not.
local function list(t)
  local n = #t
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 or k > n then return false, k end
  end
  return true
end

-- The place of document i in messages: "FILE: documents[3]", with its path once it is known
-- (made only for a message: a large manifest has many documents).
local function doc_at(where, i, path)
  local at = ("%s: documents[%d]"):format(where, i)
  if path then at = ("%s (%s)"):format(at, path) end
  return at
end

-- Check every documented field of manifest m (from file `where`); fill in
-- document ids from paths.  m | nil, message naming the field (and the
-- document, by number and path).
local function validate(m, where)
  if type(m) ~= "table" then return fail(where, "the manifest must return a table, not " .. a(m)) end
  for _, k in ipairs(TOP_STRINGS) do
    if m[k] ~= nil and type(m[k]) ~= "string" then
      return fail(where, ("'%s' must be a string, not %s"):format(k, a(m[k])))
    end
  end
  if type(m.documents) ~= "table" then
    return fail(where, "'documents' must be a list of documents { path = …, … }, not " .. a(m.documents))
  end
  local is_list, key = list(m.documents)
  if not is_list then
    return fail(where, ("'documents' must be a list (it has the key %s)"):format(type(key) == "string" and ("'%s'"):format(key) or tostring(key)))
  end
  local ids = {}
  for i, d in ipairs(m.documents) do
    if type(d) ~= "table" then return nil, ("%s: must be a table { path = …, … }, not %s"):format(doc_at(where, i), a(d)) end
    if type(d.path) ~= "string" then
      return nil, ("%s: 'path' must be the path of a file in the corpus folder, not %s"):format(doc_at(where, i), a(d.path))
    end
    if d.path == "" then return nil, doc_at(where, i) .. ": 'path' must be a non-empty path (a file in the corpus folder)" end
    if d.path:find("\0", 1, true) then return nil, doc_at(where, i) .. ": 'path' holds a NUL byte" end
    -- from here on, errors name the document by its path too
    if d.id == nil then
      d.id = d.path:gsub("%.[^./]*$", "")
      if d.id == "" then d.id = d.path end
    elseif type(d.id) ~= "string" then
      return nil, ("%s: 'id' must be a string, not %s"):format(doc_at(where, i, d.path), a(d.id))
    elseif d.id == "" then
      return nil, doc_at(where, i, d.path) .. ": 'id' must not be empty (leave it out to use the path)"
    end
    for _, k in ipairs(STRING_FIELDS) do
      if d[k] ~= nil and type(d[k]) ~= "string" then
        return nil, ("%s: '%s' must be a string, not %s"):format(doc_at(where, i, d.path), k, a(d[k]))
      end
    end
    if ids[d.id] then return nil, ("%s: duplicate id '%s' (also documents[%d])"):format(doc_at(where, i, d.path), d.id, ids[d.id]) end
    ids[d.id] = i
    if d.grammars ~= nil then
      if type(d.grammars) ~= "table" then
        return nil, ("%s: 'grammars' must be a table { [DOCUMENT_ID] = \"GRAMMAR\" | false }, not %s"):format(doc_at(where, i, d.path), a(d.grammars))
      end
      for id, g in pairs(d.grammars) do
        if type(id) ~= "string" or id == "" or (g ~= false and type(g) ~= "string") then
          return nil, ("%s: grammars[%s] must name a grammar (or be false: none) for a document id"):format(doc_at(where, i, d.path), tostring(id))
        end
      end
    end
    if d.reader ~= nil and not READERS[d.reader] then
      return nil, ("%s: 'reader' must be one of %s, not %s"):format(doc_at(where, i, d.path), READER_NAMES, type(d.reader) == "string"
        and ("'%s'"):format(d.reader) or a(d.reader))
    end
    if d.date ~= nil and not iso_date(d.date) then
      return nil, doc_at(where, i, d.path) .. ": 'date' must be an ISO 8601 date such as 1962-11-01"
    end
  end
  if m.roots ~= nil then
    if type(m.roots) ~= "table" then return fail(where, "'roots' must be a list of folders, not " .. a(m.roots)) end
    for i, r in ipairs(m.roots) do
      if type(r) ~= "string" or r == "" or r:find("\0", 1, true) then
        return fail(where, ("roots[%d]: must be the path of a folder"):format(i))
      end
    end
  end
  if type(m.people) == "string" then
    if m.people == "" or m.people:find("\0", 1, true) then
      return fail(where, "'people' must be the path of a register file in the corpus folder")
    end
  elseif m.people ~= nil then
    local ok, err = people.check(m.people, where, "people")
    if not ok then return nil, err end
  end
  return m
end

-- The message of a manifest whose value is not plain data (data.eval's
-- detail), naming the document by number and path and the field.
local function not_data(where, detail)
  local at, names = detail.at, detail.names
  local what = ("holds %s; a manifest holds only strings, numbers, booleans and tables of them"):format(detail.what)
  if at[1] == "documents" and math.type(at[2]) == "integer" then
    local doc = names[3] or {}
    local name = ("documents[%d]"):format(at[2])
    if doc.path then name = ("%s (%s)"):format(name, tostring(doc.path)) end
    if #at == 2 then return ("%s: %s %s"):format(where, name, what) end
    return ("%s: %s: '%s' %s"):format(where, name, data.where({ table.unpack(at, 3) }), what)
  end
  if #at == 0 then return ("%s: returns %s"):format(where, detail.what) end
  return ("%s: '%s' %s"):format(where, data.where(at), what)
end

-- Is real path p inside the folder whose real path is root?
local function inside(p, root)
  return p == root or root == "/" or p:sub(1, #root + 1) == root .. "/"
end

-- The real path of full (links, . and .. resolved), or nil if neither it nor
-- its folder exists (the build then reports the missing file).  A file that
-- is not a link costs one lstat: the real paths of folders are memoised.
local function real_of(full, folders)
  local st = fs.lstat(full)
  local parent, leaf = full:match("^(.*)/([^/]*)$")
  if (st and st.type == "link") or not parent or leaf == "." or leaf == ".." or leaf == "" then
    return fs.realpath(full)
  end
  if parent == "" then parent = "/" end
  local real = folders[parent]
  if real == nil then real = fs.realpath(parent) or false; folders[parent] = real end
  if not real then return nil end
  return (real == "/" and "" or real) .. "/" .. leaf
end

-- The real paths of the folder and of the roots the manifest declares
-- (relative roots are relative to the folder) | nil, message.
local function allowed_roots(m, dir, where)
  local real, err = fs.realpath(dir)
  if not real then return nil, err end
  local roots = { real }
  for i, r in ipairs(m.roots or {}) do
    local path = r:sub(1, 1) == "/" and r or (dir .. "/" .. r)
    local rr = fs.realpath(path)
    local st = rr and fs.stat(rr)
    if not st then return fail(where, ("roots[%d] (%s): no such folder"):format(i, r)) end
    if st.type ~= "directory" then return fail(where, ("roots[%d] (%s): not a folder"):format(i, r)) end
    roots[#roots + 1] = rr
    if not inside(rr, real) then  -- the manifest widens the corpus' boundary: say so
      m.outside_roots = m.outside_roots or {}
      m.outside_roots[#m.outside_roots + 1] = { i, r, rr }
    end
  end
  return roots
end

-- The warnings of a manifest whose roots lie outside the corpus folder (one
-- per root), from the list allowed_roots made: { { index, as written, real path } }.
function M.roots_warnings(where, outside)
  local out = {}
  for _, o in ipairs(outside or {}) do
    out[#out + 1] = ("%s: roots[%d] (%s) lets documents come from %s, outside the corpus folder")
      :format(where, o[1], o[2], o[3])
  end
  return out
end

-- Every document of manifest m must lie in the folder (its real path, after
-- links are resolved), or under one of the roots the manifest declares; an
-- absolute path needs declared roots.  Returns true | nil, message.
local function check_locations(m, dir, where)
  local roots, err = allowed_roots(m, dir, where)
  if not roots then return nil, err end
  for _, w in ipairs(M.roots_warnings(where, m.outside_roots)) do m.warnings[#m.warnings + 1] = w end
  local declared, folders = m.roots ~= nil and #m.roots > 0, {}
  for i, d in ipairs(m.documents) do
    if d.path:sub(1, 1) == "/" and not declared then
      return nil, doc_at(where, i, d.path) .. ": an absolute path; name documents relative to the corpus folder, "
        .. "or list the folder holding it in 'roots'"
    end
    local real = real_of(d.fullpath, folders)
    local ok = real == nil  -- missing: nothing will be read, and the build says so
    for _, r in ipairs(real and roots or {}) do ok = ok or inside(real, r) end
    if not ok then
      return nil, ("%s: outside the corpus folder%s (its real path is %s); "
        .. "list the folder holding it in 'roots' to allow it"):format(doc_at(where, i, d.path), declared and " and its roots" or "", real)
    end
  end
  return roots
end

-- The person register file of manifest m (its `people` field, or the
-- folder's people.lua) must be a file inside the folder or its roots, as
-- documents must.  true | nil, message
local function check_register(m, roots, where)
  local path = people.file(m)
  if not path then return true end
  local named = type(m.people) == "string"
  local at = named and ("%s: 'people' (%s)"):format(where, m.people) or path
  local st = fs.stat(path)
  if not st then
    return nil, ("%s: no such file%s"):format(at, named and " " .. path or "")
  end
  if st.type ~= "file" then return nil, ("%s: a folder, not a file"):format(at) end
  local real = fs.realpath(path)
  local ok = false
  for _, r in ipairs(real and roots or {}) do ok = ok or inside(real, r) end
  if not ok then
    return nil, ("%s: outside the corpus folder (its real path is %s)"):format(at, tostring(real))
  end
  return true
end

-- stamp(dir) -> a string that changes when the manifest (or, without one,
-- the folder's list of files) may have changed: size and times of the file.
-- An index whose recorded stamp still matches need not read the manifest.
function M.stamp(dir)
  local st = fs.stat(dir .. "/corpus.lua")
  if st then return ("manifest:%d:%d:%d"):format(st.size, st.mtime, st.mtime_ns) end
  st = fs.stat(dir)
  if st then return ("folder:%d:%d"):format(st.mtime, st.mtime_ns) end
  return nil
end

-- The stamp of any file (size and times), or "missing".
function M.file_stamp(path)
  local st = fs.stat(path)
  return st and ("%d:%d:%d"):format(st.size, st.mtime, st.mtime_ns) or "missing"
end

-- Are the recorded source files all unchanged?  (nil list: none recorded; dir:
-- the folder that relative paths are under, as the index stores its empty sources)
function M.sources_unchanged(list, dir)
  if list == nil then return true end
  if type(list) ~= "table" then return false end   -- the index says it: never taken at its word
  for _, s in ipairs(list) do
    if type(s) ~= "table" or type(s.path) ~= "string" then return false end
    local path = (dir and s.path:sub(1, 1) ~= "/") and dir .. "/" .. s.path or s.path
    if M.file_stamp(path) ~= s.stamp then return false end
  end
  return true
end

-- m.grammar_hash and m.grammar_sources: what the grammars in use are made of
-- (lua/parley/grammar/host.lua, source_files: the grammar folder, the data
-- files, the corpus' grammars/ folder and person register), so that changing
-- any of it rebuilds the index.  A folder counts by its listing, a missing
-- file as missing.
function M.fingerprint_grammars(m)
  local host = require "parley.grammar.host"
  if #host.used(m) == 0 then return end
  local parts, sources = {}, {}
  -- a file of the corpus is named relative to its folder, and one of parley's
  -- relative to parley's own, so that the hash (and the index) is the same
  -- for a copy of the corpus elsewhere, opened by parley installed elsewhere
  local function under(path, dir)
    return dir and path:sub(1, #dir + 1) == dir .. "/" and path:sub(#dir + 2) or nil
  end
  local home = require("parley").home
  for _, path in ipairs(host.source_files(m)) do
    local st = fs.stat(path)
    local src
    if not st then src = "\0missing"
    elseif st.type == "directory" then src = "\0folder\0" .. table.concat(fs.dir(path) or {}, "\0")
    else src = read_file(path) or "" end
    local own, ours = under(path, m.dir), under(path, home)
    parts[#parts + 1] = (own and "corpus:" .. own or ours and "parley:" .. ours or path) .. "\0" .. src
    sources[#sources + 1] = { path = own or path, stamp = M.file_stamp(path) }
  end
  m.grammar_hash = index.hash(table.concat(parts, "\0"))
  m.grammar_sources = sources
end

-- Files of a folder that are about the corpus rather than part of it.
local DOCUMENTATION = { "^readme", "^license", "^licence", "^copying", "^changes", "^changelog", "^notice", "^authors" }

local function is_documentation(name)
  local base = name:lower()
  for _, p in ipairs(DOCUMENTATION) do if base:find(p) then return true end end
  return false
end

-- The documents of a folder without a manifest: its *.txt and *.md files
-- (text) and its TEI *.xml files.  Nothing is left out silently: a README
-- (or licence …) is documentation, not a document, and is named as such;
-- files no reader takes and subfolders are named in one warning each.  A
-- symbolic link among them is followed only when its target lies inside the
-- folder; one that leads outside (or nowhere) is not indexed, with a warning.
local function listing(dir, m)
  local names, err = fs.dir(dir)
  if not names then return nil, err end
  local folder  -- the folder's real path, once a link needs it
  local listed, docs_skipped, unknown, folders = {}, {}, {}, {}
  for _, n in ipairs(names) do
    local full = dir .. "/" .. n
    local lower = n:lower()
    local text, xml = lower:find("%.txt$") or lower:find("%.md$"), lower:find("%.xml$")
    if n:sub(1, 1) == "." then
      -- hidden: the index's own folder, editors' files
    elseif (text or xml) and is_documentation(n) then
      docs_skipped[#docs_skipped + 1] = n
    elseif text or xml then
      local s = fs.lstat(full)
      local linked = s and s.type == "link"
      if linked then
        folder = folder or fs.realpath(dir)
        local real = fs.realpath(full)
        if not real then
          m.warnings[#m.warnings + 1] = full .. ": a symbolic link to nothing; not indexed"
          s = nil
        elseif not (folder and inside(real, folder)) then
          m.warnings[#m.warnings + 1] = ("%s: a symbolic link to %s, outside the corpus folder; not indexed")
            :format(full, real)
          s = nil
        else
          s = fs.stat(full)
        end
      end
      if s and s.type == "file" then
        local d = guess(n)
        if xml then
          local tei, terr = sniff_tei(full)
          if tei == nil then return nil, terr end
          d.reader = tei and "tei" or nil
          -- a volume holds many documents, which the reader dates, titles and types itself
          d.title, d.type, d.date, d.language, d.grammar = nil, nil, nil, nil, nil
        else
          d.reader = "text"
        end
        if d.reader then
          m.documents[#m.documents + 1] = d
          listed[#listed + 1] = n
        else
          unknown[#unknown + 1] = n .. " (XML, not TEI)"
        end
      elseif s and s.type == "directory" then
        folders[#folders + 1] = n .. "/"
      elseif s then  -- a FIFO, socket or device: reading it could block, and it holds no document
        m.warnings[#m.warnings + 1] = full .. ": not a regular file (a FIFO, socket or device); not indexed"
      elseif not linked then  -- gone between the listing and its lstat
        m.warnings[#m.warnings + 1] = full .. ": listed in the folder, then gone; not indexed"
      end
    else
      local s = fs.stat(full)
      if s and s.type == "directory" then
        if n ~= "grammars" then folders[#folders + 1] = n .. "/" end
      elseif is_documentation(n) then
        docs_skipped[#docs_skipped + 1] = n   -- LICENSE, COPYING … have no extension
      elseif n ~= "people.lua" and n ~= "families.lua" and n ~= "gazetteer.lua" then
        unknown[#unknown + 1] = n
      end
    end
  end
  local function some(list)
    local shown = {}
    for i = 1, math.min(#list, 5) do shown[i] = list[i] end
    return table.concat(shown, ", ") .. (#list > 5 and (", and %d more"):format(#list - 5) or "")
  end
  if #docs_skipped > 0 then
    m.warnings[#m.warnings + 1] = ("%s: %s %s documentation, not %s; not indexed (a corpus.lua that lists "
      .. "%s makes %s)"):format(dir, some(docs_skipped), #docs_skipped == 1 and "is" or "are",
      #docs_skipped == 1 and "a document" or "documents", #docs_skipped == 1 and "it" or "them",
      #docs_skipped == 1 and "it a document" or "them documents")
  end
  if #unknown > 0 then
    m.warnings[#m.warnings + 1] = ("%s: %d file%s skipped: unknown format (parley reads .txt, .md and TEI .xml): %s")
      :format(dir, #unknown, #unknown == 1 and "" or "s", some(unknown))
  end
  if #folders > 0 then
    m.warnings[#m.warnings + 1] = ("%s: %d folder%s not read (only the folder's own files are; a corpus.lua "
      .. "can list files in subfolders): %s"):format(dir, #folders, #folders == 1 and "" or "s", some(folders))
  end
  -- only the documents: the index's own folder must not make the listing change
  m.hash = index.hash("listing:" .. table.concat(listed, "\0"))
  return m
end

-- read(dir [, opts]) -> manifest (documents carry fullpath; hash covers the
-- manifest; warnings lists what a listing left out) | nil, message.
-- opts.shard ({ i =, n = }, lua/parley/shard.lua): the manifest is read for
-- that part, on a machine that may hold only its sources: a source of
-- another part that is not here gets the reader its name says (TEI for
-- .xml), so that every part's index has the same readers' kinds.
function M.read(dir, opts)
  local part = opts and opts.shard
  local st = fs.stat(dir)
  if not st then return nil, dir .. ": no such corpus folder" end
  if st.type ~= "directory" then return nil, dir .. ": not a folder" end
  local mpath = dir .. "/corpus.lua"
  local mst = fs.lstat(mpath)
  if mst and mst.type == "link" then  -- the manifest too must be the corpus' own file
    local real, folder = fs.realpath(mpath), fs.realpath(dir)
    if real and not (folder and inside(real, folder)) then
      return nil, ("%s: a symbolic link to %s, outside the corpus folder"):format(mpath, real)
    end
  end
  local src, m, err
  if mst then
    src, err = read_file(mpath)
    if not src then return nil, err end
  end
  if src then
    local v, lerr, detail = data.eval(src, mpath)
    if v == nil then return nil, detail and not_data(mpath, detail) or lerr end
    m, err = validate(v, mpath)
    if not m then return nil, err end
    m.hash = index.hash(src)
    m.warnings = {}  -- parley's own, whatever the manifest says
    m.outside_roots = nil
    m.manifest = mpath
  else
    m, err = listing(dir, { documents = {}, warnings = {} })
    if not m then return nil, err end
  end
  m.name = m.name or dir:match("([^/]+)$") or dir
  m.title = m.title or m.name
  for _, d in ipairs(m.documents) do
    d.fullpath = d.path:sub(1, 1) == "/" and d.path or (dir .. "/" .. d.path)
  end
  m.dir = dir
  if src then
    local roots, lerr = check_locations(m, dir, mpath)
    if not roots then return nil, lerr end
    local shard = part and require "parley.shard"
    for _, d in ipairs(m.documents) do
      if d.reader == nil then
        local r, rerr = reader_for(d)
        if not r and shard and shard.part_of(shard.relpath(dir, d.path), part.n) ~= part.i
            and not fs.lstat(d.fullpath) then
          r = d.fullpath:lower():find("%.xml$") and "tei" or "text"
        end
        if not r then return nil, rerr end
        d.reader = r
      end
    end
    local ok, rerr = check_register(m, roots, mpath)
    if not ok then return nil, rerr end
  end
  -- a reader's documents (a TEI volume's) get the grammar of their genre,
  -- unless the source names one grammar for all of them
  if m.genres ~= nil and type(m.genres) ~= "table" then
    return nil, ("%s: 'genres' must be a table { GENRE = \"GRAMMAR\" | false }, not %s"):format(m.manifest or dir, a(m.genres))
  end
  local ngenres = 0
  for genre, g in pairs(m.genres or {}) do
    local where = ("%s: genres.%s"):format(m.manifest or dir, tostring(genre))
    ngenres = ngenres + 1
    if type(genre) ~= "string" or (g ~= false and type(g) ~= "string") then
      return nil, where .. " must be the name of a grammar, or false for none"
    end
    if not M.GENRES[genre] then
      m.warnings[#m.warnings + 1] = ("%s: no document has that genre (the TEI reader's genres are %s); ignored")
        :format(where, M.GENRE_LIST)
    end
    if g then
      local ok, why = require("parley.grammar.host").resolve(g, dir)
      if not ok then return nil, ("%s: %s"):format(where, why) end
    end
  end
  if ngenres > M.MAX_GENRES then
    return nil, ("%s: 'genres' names %d genres; there are %d"):format(m.manifest or dir, ngenres, M.MAX_GENRES)
  end
  for _, d in ipairs(m.documents) do
    if d.reader ~= "text" and d.grammar == nil then
      local map = {}
      for genre, g in pairs(M.GENRE_GRAMMARS) do map[genre] = g end
      for genre, g in pairs(m.genres or {}) do map[genre] = g end
      d.genre_grammars = map
      local keys = {}
      for genre, g in pairs(map) do keys[#keys + 1] = genre .. "=" .. tostring(g) end
      table.sort(keys)
      m.hash = index.hash(m.hash .. "\0genres:" .. table.concat(keys, ","))  -- a new choice rebuilds
    end
  end
  m.stamp = M.stamp(dir)
  local ok, err2 = E.pcall(M.fingerprint_grammars, m)
  if not ok then return nil, E.is(err2) and E.message(err2) or tostring(err2) end
  return m
end

return M
