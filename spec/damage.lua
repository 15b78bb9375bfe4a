-- What the damage spec (spec/41-damage_spec.lua) and the damage bench
-- (bench/damage.lua) share: a corpus made at run time from the bundled
-- documents, large enough that every section of its index that can spans
-- many 4 KiB blocks, and a fixed set of queries whose answers a damaged
-- index must give unchanged or refuse with the damage error.
local index = require "parley.index"

local M = {}

local function write(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Letters naming copy k (a, b, … z, ba, bb …): a suffix that keeps a word one token.
local function letters(k)
  local s = ""
  repeat
    s = string.char(97 + k % 26) .. s
    k = k // 26
  until k == 0
  return s
end

-- The text of copy k of a bundled document: every third copy as it is (so
-- its words' counts grow), the others with every fifth lowercase word of
-- four letters or more given the copy's suffix (new types: a lexicon of
-- several blocks); every fourth copy has CRLF line ends and an e with a
-- combining accent on every seventh word ending in e (normalised text kept
-- in the index, and anchors of a map back to the source).
local function variant(text, k)
  if k % 3 == 0 then return text end
  local n, suffix = 0, "x" .. letters(k)
  text = text:gsub("%f[%w](%l%l%l%l+)%f[^%w]", function(w)
    n = n + 1
    if n % 5 == 0 then return w .. suffix end
  end)
  if k % 4 == 1 then
    n = 0
    text = text:gsub("%f[%w](%l+)e%f[^%w]", function(w)
      n = n + 1
      if n % 7 == 0 then return w .. "e\204\129" end
    end)
    text = text:gsub("\n", "\r\n")
  end
  return text
end

-- corpus(dir, root, copies) -> dir: a corpus folder holding `copies` copies of
-- each bundled document (root: the repository), with the bundled grammars
-- and person register, under one manifest.
function M.corpus(dir, root, copies)
  local m = assert(loadfile(root .. "/corpus/corpus.lua"))()
  local docs = {}
  local texts = {}
  for i, d in ipairs(m.documents) do texts[i] = read(root .. "/corpus/" .. d.path) end
  for k = 0, copies - 1 do
    for i, d in ipairs(m.documents) do
      local path = ("%03d-%s"):format(k, d.path)
      write(dir .. "/" .. path, variant(texts[i], k))
      local doc = {}
      for key, v in pairs(d) do doc[key] = v end
      doc.id, doc.path = ("%s-%03d"):format(d.id, k), path
      docs[#docs + 1] = doc
    end
  end
  local out = { "return { name = 'damage', title = 'copies of the bundled documents', documents = {" }
  for _, d in ipairs(docs) do
    local fields = {}
    for key, v in pairs(d) do
      if type(v) == "string" then fields[#fields + 1] = ("%s = %q"):format(key, v) end
    end
    table.sort(fields)
    out[#out + 1] = "  { " .. table.concat(fields, ", ") .. " },"
  end
  out[#out + 1] = "} }\n"
  write(dir .. "/corpus.lua", table.concat(out, "\n"))
  write(dir .. "/people.lua", read(root .. "/corpus/people.lua"))
  return dir
end

-- sections(path) -> list of { name =, offset =, size = } from the header's
-- section table (docs/index-format.md: 96 bytes of header fields, then
-- entries of a 24-byte name and two 64-bit numbers), in file order.
M.HEADER, M.BLOCK = 4096, 4096
function M.sections(path)
  local hdr = read(path):sub(1, M.HEADER)
  local n = string.unpack("<I4", hdr, 37)
  local out = {}
  for i = 0, n - 1 do
    local at = 97 + 40 * i
    local name, off, size = string.unpack("<z", hdr:sub(at, at + 23) .. "\0"), string.unpack("<I8I8", hdr, at + 24)
    out[#out + 1] = { name = name, offset = off, size = size }
  end
  table.sort(out, function(a, b) return a.offset < b.offset end)
  return out
end

-- An answer as a string: tables (rows) written out in a fixed order.
local function dump(v, out)
  local t = type(v)
  if t == "table" then
    local keys, n = {}, #v
    for i = 1, n do dump(v[i], out); out[#out + 1] = "," end   -- a list's items in order
    for key in pairs(v) do
      if not (math.type(key) == "integer" and key >= 1 and key <= n) then keys[#keys + 1] = key end
    end
    table.sort(keys, function(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) < type(b)
    end)
    out[#out + 1] = "{"
    for _, key in ipairs(keys) do
      out[#out + 1] = tostring(key) .. "="
      dump(v[key], out)
      out[#out + 1] = ","
    end
    out[#out + 1] = "}"
  elseif t == "string" or t == "number" or t == "boolean" or t == "nil" then
    out[#out + 1] = t == "string" and ("%q"):format(v) or tostring(v)
  else
    out[#out + 1] = "<" .. t .. ">"   -- a function or userdata: its presence only
  end
  return out
end

-- The fixed query set: name, function(corpus) -> answer.  Counts, KWIC with
-- lines and columns (and whole turns), frequency lists, n-grams, regions and
-- speakers, document texts, lines and tokens, the lexicon.
M.QUERIES = {
  { "count", function(c)
      return { c:count("quarantine"), c:count("the"), c:count("missile*"), c:count("red cross"),
               c:count("=Guantánamo"), c:count("mikoyan NEAR/5 cuba") } end },
  { "kwic", function(c) return c:kwic("quarantine", { format = "tsv", width = 30 }) end },
  { "kwic-doc", function(c)   -- the last copy of the dinner, alone: its line table is read, no other's
      local n = #c.ix:regions("document")
      return c:where{ id = c:doc(n - 1).id }:kwic("quarantine", { format = "tsv" }) end },
  { "kwic-left", function(c) return c:kwic("cuba", { format = "tsv", sort = "left", width = 20 }) end },
  { "kwic-the", function(c) return c:kwic("the", { format = "tsv", width = 10 }) end },
  { "kwic-turn", function(c)
      return c:kwic("inspection", { format = "tsv", context = "turn", label = "speaker", limit = 200 }) end },
  { "freq", function(c) return c:freq({ format = "tsv" }) end },
  { "freq-exact", function(c) return c:freq({ format = "tsv", fold = false, limit = 3000 }) end },
  { "freq-telegram", function(c) return c:where{ type = "telegram" }:freq({ format = "tsv" }) end },
  { "ngrams", function(c) return c:ngrams(2, { format = "tsv", min = 2 }) end },
  { "ngrams-doc", function(c)
      return c:where{ id = "dinner-1962-11-01-001" }:ngrams(3, { format = "tsv" }) end },
  { "regions", function(c)
      return { #c.ix:regions("turn", { speaker = "John McCloy" }),
               c:where{ id = "dinner-1962-11-01-002" }:regions("turn", { speaker = "John McCloy" }) } end },
  { "speakers", function(c) return { c:values("speaker"), c.ix:column("turn", "speaker") } end },
  { "sentences", function(c)
      return { #c.ix:regions("sentence"), c:where{ id = "telegram-1962-11-02-001" }:regions("point") } end },
  { "texts", function(c)
      local out = {}
      for doc in c:docs() do out[#out + 1] = doc.id .. ":" .. index.hash(doc:text()) end
      return out end },
  { "lines", function(c)
      local out = {}
      local n = #c.ix:regions("document")
      for _, k in ipairs({ 1, 2, n // 3, n // 2, n - 1, n }) do out[#out + 1] = c:doc(k):line_starts() end
      return out end },
  { "tokens", function(c)
      local out = {}
      local n = c.ix:stats().tokens
      for _, at in ipairs({ 0, n // 3, n // 2, n - 400 }) do out[#out + 1] = c.ix:tokens(at, at + 399) end
      return out end },
  { "lexicon", function(c) return index.hash(c.ix:lexicon()) end },
  { "pattern", function(c) return c:count("/quar.*/") end },
}

-- run(dir, index_path) -> lines "name\tstatus\tdigest", one per query, after
-- a first line "open\tHOW": status "ok" (digest: a hash of the answer),
-- "damaged" (the damage error, naming the index) or "error" (any other
-- error; digest: its message).
function M.run(dir, path, names)
  local E = require "parley.error"
  local parley = require "parley"
  local lines = {}
  local c, err = parley.open(dir, { index = path, progress = false })
  if not c then return { "open\tfail\t" .. tostring(err) } end
  lines[1] = "open\t" .. c.opened
  for _, q in ipairs(M.QUERIES) do
    if not names or names[q[1]] then
      local ok, v = pcall(q[2], c)
      if ok then
        lines[#lines + 1] = q[1] .. "\tok\t" .. index.hash(table.concat(dump(v, {})))
      else
        local msg = E.is(v) and E.message(v) or tostring(v)
        if msg:find(path .. ": index is damaged", 1, true) then
          lines[#lines + 1] = q[1] .. "\tdamaged"
        else
          lines[#lines + 1] = q[1] .. "\terror\t" .. msg:gsub("[\t\n]", " ")
        end
      end
    end
  end
  return lines
end

return M
