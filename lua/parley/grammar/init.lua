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
--     data_files = { "/usr/share/dict/american-english" },   -- read with grammar.data
--   }
-- and post-processed with parley.grammar.wrap(g, function(result, text, ctx) … end).
-- parse gets the normalised text and a context { doc = manifest entry,
-- people = the corpus' person register (parley.people), corpus = { name,
-- title, description } }.  Each region is { kind = "turn", start = i, stop =
-- j, attrs = { … } } with start and stop 1-based and inclusive, as for
-- string.sub.
--
-- When a corpus is opened, grammars run in a sandbox of their own (core/sandbox.c,
-- lua/parley/grammar/boot.lua), chosen by the manifest's `grammar` field as
-- lua/parley/grammar/host.lua decides; this module is what grammar code sees
-- there, and works the same in the host (for scripts and specs).
local M = {}

M.registry = {}

local MAX_KINDS, MAX_ATTRS = 29, 16  -- the index has 32 kinds, 3 of them built in
local BUILTIN_KINDS = { document = true, paragraph = true, sentence = true }
M.MAX_KINDS, M.MAX_ATTRS, M.BUILTIN_KINDS = MAX_KINDS, MAX_ATTRS, BUILTIN_KINDS

-- Built-in grammars by name: their modules and the data files they may read
-- (known here without loading them, for the index fingerprint and for what
-- a sandbox may be given).  speakers is the former name of labelled.
M.builtin = {
  transcript = { module = "parley.grammar.transcript", data_files = { "/usr/share/dict/american-english" } },
  telegram = { module = "parley.grammar.telegram", data_files = {} },
  labelled = { module = "parley.grammar.labelled", data_files = {} },
  narrative = { module = "parley.grammar.narrative", data_files = {} },
  auto = { module = "parley.grammar.auto", data_files = {} },
}
M.builtin.speakers = M.builtin.labelled

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
  if g.data_files ~= nil and type(g.data_files) ~= "table" then
    error("bad argument #1 to 'register' (data_files must be a list of paths)", 2)
  end
  g.description = g.description or ""
  g.kinds = kinds
  M.registry[g.name] = g
  return g
end

-- wrap(g, fn, opts) -> a new grammar that parses as g does and then hands the
-- result to fn(result, text, ctx), which returns the result to keep (it may
-- change it in place and return it).  opts: name, description (default g's)
-- and kinds: more region kinds { KIND = { "attr", … } }, merged with g's (an
-- attribute list given here replaces g's for that kind).  Not registered: a
-- grammar file returns it, or passes it to register.
function M.wrap(g, fn, opts)
  if type(g) ~= "table" or type(g.parse) ~= "function" then
    error("bad argument #1 to 'wrap' (grammar expected)", 2)
  end
  if type(fn) ~= "function" then error("bad argument #2 to 'wrap' (function expected)", 2) end
  if opts ~= nil and type(opts) ~= "table" then error("bad argument #3 to 'wrap' (table expected)", 2) end
  opts = opts or {}
  local kinds = {}
  for k, v in pairs(g.kinds or {}) do kinds[k] = v end
  for k, v in pairs(opts.kinds or {}) do kinds[k] = v end
  local parse = g.parse
  return {
    name = opts.name or g.name, description = opts.description or g.description,
    kinds = kinds, data_files = g.data_files,
    parse = function(text, ctx)
      local res = fn(parse(text, ctx), text, ctx)
      if type(res) ~= "table" then
        error(("grammar '%s': the function given to wrap returned %s, not the result table")
          :format(tostring(opts.name or g.name), type(res)), 0)
      end
      return res
    end,
  }
end

-- get(name) -> grammar | nil, message: a registered grammar, or a built-in
-- one (loaded on first use).  Corpus grammars are found by the host
-- (lua/parley/grammar/host.lua), which runs them in a sandbox.
function M.get(name)
  if M.registry[name] then return M.registry[name] end
  local b = M.builtin[name]
  if not b then return nil, ("no built-in grammar '%s'"):format(tostring(name)) end
  local v = require(b.module)
  local g = type(v) == "table" and v.grammar or v
  return M.registry[name] or g
end

-- data(path) -> the text of a data file the grammar declared in data_files,
-- or nil, message if it is missing.  In a sandbox the host has read the file
-- (when it approved it); outside one, it is read here.
local provider
function M.data(path)
  if provider then return provider(path) end
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local text = f:read("a")
  f:close()
  return text
end

-- set_data(fn): where data() gets its files from (the sandbox's boot chunk sets it).
function M.set_data(fn) provider = fn end

-- The host side (which grammar a document uses, the sandboxes, the
-- fingerprint), for callers that knew these functions here.
function M.source_files(m) return require("parley.grammar.host").source_files(m) end
function M.used(m) return require("parley.grammar.host").used(m) end

return M
