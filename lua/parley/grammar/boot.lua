-- The first chunk run in a grammar sandbox (core/sandbox.c runs it in the
-- sandbox's own Lua state, with the libraries a grammar may use already
-- open).  It takes away what grammar code must not have, gives a `require`
-- that finds only the modules the host handed in and a `grammar.data` that
-- returns only the data files the host approved, and returns the entry
-- points the host calls with sandbox:call(entry, ...):
--   module(name, source, chunkname)  a module `require` may load
--   data(path, text | false)         an approved data file (false: missing)
--   setup{ corpus =, people =, path =, cpath = }  the corpus' name, title and
--                                    description and its person register (a list)
--   load{ module =, name =, file = } -> { name, description, kinds, data_files }
--   parse(text, doc) -> { regions = …, meta = … }   (with the grammar loaded last)
--   prepare{ kinds =, docs = }     for a build: the build's region kinds (a list
--                                    of { name, attrs }, numbered from 0 on) and
--                                    the documents this sandbox will parse, by number
--   index(text, n [, read]) -> string  parse document n (or, with read, the document
--                                    a reader found in source n: { id, its attributes,
--                                    participants }) for the build, the result
--                                    checked, ordered and packed (parley.grammar.pack)
-- Only copies of plain data cross between the host and this state.
local trusted, loaded = ...

local error, type, pairs, ipairs, tostring, select = error, type, pairs, ipairs, tostring, select
local rawget, rawset, raw_load, raw_setmetatable = rawget, rawset, load, setmetatable
local host_require = trusted and require        -- the standard library's, when trusted

local sources = {}     -- module name -> { source, chunk name }
local data = {}        -- path -> text | false
local loading = {}
local entries = {}
local register, corpus, current

-- require(name): a module already open (lpeg, string …) or handed in by the
-- host: the grammar library, the built-in grammars, parley.people, re and,
-- for a corpus grammar, the corpus' grammars/ modules (`grammars.NAME`).
local function require(name)
  if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected)", 2) end
  local v = loaded[name]
  if v ~= nil then return v end
  local s = sources[name]
  if not s then
    if host_require then return host_require(name) end
    error(("module '%s' not found: a grammar may require lpeg, re, string, table, math, utf8, "
      .. "parley.text, parley.people, parley.grammar and its modules, and the corpus' "
      .. "grammars/ modules as grammars.NAME"):format(name), 2)
  end
  if loading[name] then error(("module '%s' requires itself"):format(name), 2) end
  local f, err = raw_load(s[1], s[2], "t")
  if not f then error(err, 0) end
  loading[name] = true
  v = f(name, s[2]:sub(2))
  loading[name] = nil
  if v == nil then v = true end
  if loaded[name] == nil then loaded[name] = v end
  return loaded[name]
end

-- ------------------------------------------------------------ the environment

local G = _G
rawset(G, "require", require)
if not trusted then
  -- text chunks only: bytecode can break the interpreter's invariants
  rawset(G, "load", function(chunk, name, mode, ...)
    if mode ~= nil and mode ~= "t" then error("a grammar may load text chunks only (mode \"t\")", 2) end
    if select("#", ...) > 0 then return raw_load(chunk, name, "t", ...) end
    return raw_load(chunk, name, "t")
  end)
  -- no finalizers: they would run when the sandbox is collected, outside the limits of a call
  rawset(G, "setmetatable", function(t, mt)
    if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
      error("a grammar may not set a __gc metamethod", 2)
    end
    return raw_setmetatable(t, mt)
  end)
  local absent = { io = true, os = true, debug = true, package = true, dofile = true, loadfile = true }
  raw_setmetatable(G, {
    __index = function(_, k)
      if absent[k] then
        error(("'%s' is not available to a grammar: grammars run in a sandbox (docs/grammars.md, "
          .. "\"What a grammar may do\")"):format(k), 2)
      end
    end,
    __newindex = function(_, k)
      error(("assignment to undeclared global '%s' (grammar code must use locals)"):format(tostring(k)), 2)
    end,
    __metatable = false,
  })
end

-- ------------------------------------------------------------ entry points

function entries.module(name, source, chunkname)
  sources[name] = { source, chunkname }
  return true
end

function entries.data(path, text)
  data[path] = text
  return true
end

function entries.setup(info)
  corpus = info.corpus or {}
  register = require("parley.people").new(info.people or {})
  if trusted and G.package then
    G.package.path, G.package.cpath = info.path or G.package.path, info.cpath or G.package.cpath
  end
  require("parley.grammar").set_data(function(path)
    local text = data[path]
    if text then return text end
    if text == false then return nil, path .. ": no such file" end
    return nil, ("%s: not a data file the grammar declared (data_files) and the host approved"):format(tostring(path))
  end)
  return true
end

-- Why the value v a grammar file returned is no grammar named name, and what one looks like.
local function not_a_grammar(file, name, v)
  local what
  if type(v) ~= "table" then
    what = v == true and "returned nothing" or ("returned a %s"):format(type(v))
  elseif type(v.parse) ~= "function" then
    what = ("returned a table without a parse function (its parse is %s)")
      :format(v.parse == nil and "nil" or "a " .. type(v.parse))
  else
    what = ("returned a grammar named '%s' (name it '%s', as its file is named, or leave the name out)")
      :format(tostring(v.name), name)
  end
  return ("%s registered no grammar '%s': it %s; a grammar file returns (or passes to "
    .. "parley.grammar.register) { name = \"%s\", kinds = { KIND = { \"attr\", … } }, parse = "
    .. "function(text, ctx) return { regions = { … }, meta = { … } } end } (docs/grammars.md)"):format(file, name, what, name)
end

function entries.load(spec)
  local grammar = require "parley.grammar"
  local v = require(spec.module)
  -- the file registered its grammar, or returns it (a module's `grammar` field)
  local g = type(v) == "table" and type(v.grammar) == "table" and v.grammar or v
  if type(g) == "table" and type(g.parse) == "function" and (g.name == nil or g.name == spec.name)
      and grammar.registry[spec.name] ~= g then
    g.name = spec.name
    local ok, err = pcall(grammar.register, g)   -- its mistake is the file's, not this line's
    if not ok then error(("%s: %s"):format(spec.file, tostring(err):gsub("^[^:]*:%d+: ", "")), 0) end
  end
  g = grammar.registry[spec.name]
  if not g then error(not_a_grammar(spec.file, spec.name, v), 0) end
  current = g
  local files, seen = {}, {}
  for _, r in pairs(grammar.registry) do
    for _, f in ipairs(r.data_files or {}) do
      if not seen[f] then seen[f] = true; files[#files + 1] = f end
    end
  end
  return { name = g.name, description = g.description, kinds = g.kinds, data_files = files }
end

function entries.parse(text, doc)
  return current.parse(text, { doc = doc or {}, people = register, corpus = corpus })
end

local build  -- what prepare gave: { kinds = by name, docs = by number }

function entries.prepare(info)
  local kinds = {}
  for i, k in ipairs(info.kinds or {}) do kinds[k.name] = { attrs = k.attrs or {}, number = i - 1 } end
  build = { kinds = kinds, docs = info.docs or {} }
  return true
end

function entries.index(text, n, read)
  if not build then error("the sandbox was not prepared for a build", 0) end
  local doc = build.docs[n] or {}
  if read then  -- a document a reader found in source n: what the reader knows of it first
    local merged = {}
    for k, v in pairs(doc) do merged[k] = v end
    for k, v in pairs(read) do merged[k] = v end
    doc = merged
  end
  local res = current.parse(text, { doc = doc, people = register, corpus = corpus })
  return require("parley.grammar.pack").pack(res, text, build.kinds)
end

return entries
