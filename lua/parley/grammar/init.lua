-- Document grammars: a grammar turns a document's text into regions (speaker
-- turns, notes, numbered points …) with attributes, which the index stores and
-- queries filter on (`where{speaker = "McCloy"}`), plus document metadata
-- found in the text (participants, duration …).
--
-- A grammar is a table registered by name:
--   parley.grammar.register{
--     name = "transcript", description = "…",
--     kinds = { turn = { "speaker", "side", "mode", "direction" }, note = { "text" } },
--     parse = function(text, ctx) return { regions = {...}, meta = {...} } end,
--   }
-- parse gets the normalised text and a context { doc = manifest entry,
-- people = the corpus' person register (parley.people), corpus = manifest }.
-- Each region is { kind = "turn", start = i, stop = j, attrs = { … } } with
-- start and stop 1-based and inclusive, as for string.sub.
--
-- The manifest's `grammar` field chooses a grammar for each document: a
-- built-in one (lua/parley/grammar/NAME.lua), or one in the corpus folder
-- (grammars/NAME.lua, which calls parley.grammar.register or returns the table).
local fs = require "parley.fs"

local M = {}

M.registry = {}
M.sources = {}     -- name -> file the grammar was loaded from (for the fingerprint)

local MAX_KINDS, MAX_ATTRS = 29, 16  -- the index has 32 kinds, 3 of them built in
local BUILTIN_KINDS = { document = true, paragraph = true, sentence = true }

-- register(grammar): add a grammar to the registry (a later one replaces an earlier).
function M.register(g)
  if type(g) ~= "table" then error("bad argument #1 to 'register' (table expected)", 2) end
  if type(g.name) ~= "string" or not g.name:find("^[%w_%-]+$") then
    error("bad argument #1 to 'register' (grammar needs a name of letters, digits, _ or -)", 2)
  end
  if type(g.parse) ~= "function" then
    error(("bad argument #1 to 'register' (grammar '%s' needs a parse function)"):format(g.name), 2)
  end
  local kinds = g.kinds or {}
  if type(kinds) ~= "table" then error("bad argument #1 to 'register' (kinds must be a table)", 2) end
  for kind, attrs in pairs(kinds) do
    if BUILTIN_KINDS[kind] then
      error(("bad argument #1 to 'register' (kind '%s' is built in)"):format(kind), 2)
    end
    if type(attrs) ~= "table" or #attrs > MAX_ATTRS then
      error(("bad argument #1 to 'register' (kind '%s' needs a list of at most %d attribute names)")
        :format(kind, MAX_ATTRS), 2)
    end
  end
  g.description = g.description or ""
  g.kinds = kinds
  M.registry[g.name] = g
  local info = debug.getinfo(g.parse, "S")
  if info and info.source:sub(1, 1) == "@" and not M.sources[g.name] then
    M.sources[g.name] = info.source:sub(2)
  end
  return g
end

-- get(name, dir) -> grammar | nil, message: from the registry, the corpus
-- folder's grammars/NAME.lua, or the built-in lua/parley/grammar/NAME.lua.
function M.get(name, dir)
  if M.registry[name] then return M.registry[name] end
  if type(name) ~= "string" or not name:find("^[%w_%-]+$") then
    return nil, ("bad grammar name '%s'"):format(tostring(name))
  end
  local local_file = dir and (dir .. "/grammars/" .. name .. ".lua")
  if local_file and fs.stat(local_file) then
    local f, err = loadfile(local_file, "t")
    if not f then return nil, err end
    local ok, g = pcall(f)
    if not ok then return nil, tostring(g) end
    if type(g) == "table" and not M.registry[name] then
      g.name = g.name or name
      M.sources[name] = local_file
      M.register(g)
    end
    M.sources[name] = local_file
  else
    local modname = "parley.grammar." .. name
    local file = package.searchpath(modname, package.path)
    if not file then return nil, ("no grammar '%s' (looked in %s and the built-in grammars)")
      :format(name, local_file or "the corpus folder") end
    local ok, g = pcall(require, modname)
    if not ok then return nil, tostring(g) end
    if type(g) == "table" and not M.registry[name] then M.register(g) end
    M.sources[name] = file
  end
  if not M.registry[name] then return nil, ("grammar file for '%s' registered no grammar '%s'"):format(name, name) end
  return M.registry[name]
end

-- The grammars a manifest uses: a sorted list of names (documents without one have none).
function M.used(m)
  local seen, names = {}, {}
  for _, d in ipairs(m.documents) do
    if d.grammar and not seen[d.grammar] then
      seen[d.grammar] = true
      names[#names + 1] = d.grammar
    end
  end
  table.sort(names)
  return names
end

-- Region kinds of the grammars in use, in a fixed order: { { name =, attrs = {...} } }.
function M.kinds(m)
  local out, index = {}, {}
  for _, name in ipairs(M.used(m)) do
    local g = assert(M.get(name, m.dir))
    local knames = {}
    for k in pairs(g.kinds) do knames[#knames + 1] = k end
    table.sort(knames)
    for _, k in ipairs(knames) do
      if index[k] then
        local have = out[index[k]].attrs
        for _, a in ipairs(g.kinds[k]) do
          local dup = false
          for _, b in ipairs(have) do dup = dup or a == b end
          if not dup then have[#have + 1] = a end
        end
        if #have > MAX_ATTRS then error(("kind '%s' has more than %d attributes"):format(k, MAX_ATTRS), 0) end
      else
        local attrs = {}
        for i, a in ipairs(g.kinds[k]) do attrs[i] = a end
        out[#out + 1] = { name = k, attrs = attrs }
        index[k] = #out
      end
    end
  end
  if #out > MAX_KINDS then error(("the grammars define more than %d region kinds"):format(MAX_KINDS), 0) end
  return out
end

-- Files whose content decides what the grammars produce: the grammar framework,
-- the grammars in use, the data files they declare (g.data_files: word lists
-- and the like; a missing one counts too), and the corpus' person register.
function M.source_files(m)
  local files = {}
  for _, mod in ipairs { "parley.grammar", "parley.grammar.lib", "parley.grammar.lib.chars",
                         "parley.grammar.lib.numbers", "parley.grammar.speakers", "parley.people" } do
    local f = package.searchpath(mod, package.path)
    if f then files[#files + 1] = f end
  end
  for _, name in ipairs(M.used(m)) do
    local g, err = M.get(name, m.dir)
    if not g then error(err, 0) end
    if M.sources[name] then files[#files + 1] = M.sources[name] end
    for _, f in ipairs(g.data_files or {}) do files[#files + 1] = f end  -- word lists etc.
  end
  local people = m.dir and (m.dir .. "/people.lua")
  if people and fs.stat(people) then files[#files + 1] = people end
  return files
end

-- Parse document d of manifest m (its text already loaded): regions for the
-- index builder (0-based, end-exclusive byte spans; kind numbers as in kinds)
-- and the metadata the grammar found.
function M.apply(m, d, text, kinds, people)
  if not d.grammar then return nil, nil end
  local g, err = M.get(d.grammar, m.dir)
  if not g then error(("%s: %s"):format(d.fullpath or d.path, err), 0) end
  local ok, res = pcall(g.parse, text, { doc = d, people = people, corpus = m })
  if not ok then error(("%s: grammar '%s' failed: %s"):format(d.fullpath or d.path, d.grammar, tostring(res)), 0) end
  res = res or {}
  local kindno, attrs_of = {}, {}
  for i, k in ipairs(kinds) do kindno[k.name], attrs_of[k.name] = i, k.attrs end
  local out = {}
  for i, r in ipairs(res.regions or {}) do
    local k = kindno[r.kind]
    if not k then
      error(("%s: grammar '%s' made a region of undeclared kind '%s'"):format(d.path, d.grammar, tostring(r.kind)), 0)
    end
    if type(r.start) ~= "number" or type(r.stop) ~= "number" or r.start < 1 or r.stop < r.start - 1
        or r.stop > #text then
      error(("%s: grammar '%s': region #%d (%s) has a bad span %s..%s"):format(d.path, d.grammar, i, r.kind,
        tostring(r.start), tostring(r.stop)), 0)
    end
    local values = {}
    for a, name in ipairs(attrs_of[r.kind]) do
      local v = r.attrs and r.attrs[name]
      values[a] = v ~= nil and tostring(v) or ""
    end
    out[#out + 1] = { kind = k, s = r.start - 1, e = r.stop, attrs = values }
  end
  return out, res.meta
end

return M
