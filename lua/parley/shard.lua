-- Shards: a stable partition of a corpus's sources into n parts, for
-- archives split across machines (`parley run --shard i/n`, docs/scale.md).
-- A source is a file of the corpus (a manifest entry, or a file of a folder
-- without one); it belongs to part 1 + (h mod n), h being the 64-bit FNV-1a
-- hash of its path relative to the corpus folder ('/'-separated, without
-- "./"), h read as an unsigned number.  The rule looks at nothing but that
-- path, so adding sources never moves old ones between parts, and all the
-- documents of one source (a TEI volume's) stay in one part.  FNV-1a rather
-- than the index's checksum (parley.index.hash): that one reads words in the
-- host's byte order and may change with the index format, and a partition
-- must come out the same on every machine and in every version.
local E = require "parley.error"

local M = {}

local FNV_OFFSET = 0xcbf29ce484222325   -- wraps to a negative integer: the same 64 bits
local FNV_PRIME = 0x100000001b3

-- hash(s) -> the FNV-1a 64-bit hash of the bytes of s, as a Lua integer
-- (the same 64 bits; negative when the top bit is set).
function M.hash(s)
  local h = FNV_OFFSET
  for i = 1, #s do
    h = (h ~ s:byte(i)) * FNV_PRIME   -- integer arithmetic wraps around: modulo 2^64
  end
  return h
end

-- The unsigned h mod n, for h a 64-bit integer and n > 0.
local function umod(h, n)
  return (2 * ((h >> 1) % n) + (h & 1)) % n
end

-- part_of(relpath, n) -> the part (1..n) of the source at relpath.
function M.part_of(relpath, n)
  if type(relpath) ~= "string" then
    error(("bad argument #1 to 'part_of' (a relative path expected, got %s)"):format(type(relpath)), 2)
  end
  if math.type(n) ~= "integer" or n < 1 then
    error("bad argument #2 to 'part_of' (the number of parts must be a whole number, at least 1)", 2)
  end
  return 1 + umod(M.hash(relpath), n)
end

-- parse("i/n") -> { i =, n = }, or raises an error object saying what is wrong.
function M.parse(s)
  if type(s) ~= "string" then E.raise(("a shard is i/n, got %s"):format(type(s)), 0) end
  local i, n = s:match("^(%d+)/(%d+)$")
  i, n = math.tointeger(tonumber(i)), math.tointeger(tonumber(n))
  if not i or not n then
    E.raise(("a shard is i/n, two whole numbers (1/2: the first of two parts), got '%s'"):format(s), 0)
  end
  if n < 1 then E.raise(("shard %s: the number of parts must be at least 1"):format(s), 0) end
  if i < 1 or i > n then E.raise(("shard %s: the part must be from 1 to %d"):format(s, n), 0) end
  return { i = i, n = n }
end

-- check(shard, fail) -> shard, or fail(why) for anything that is not { i =, n = }
-- with 1 <= i <= n.
function M.check(shard, fail)
  if type(shard) ~= "table" then return fail("shard must be a table { i =, n = }, got " .. type(shard)) end
  local i, n = shard.i, shard.n
  if math.type(i) ~= "integer" or math.type(n) ~= "integer" or n < 1 or i < 1 or i > n then
    return fail(("shard must be { i =, n = }, whole numbers with 1 <= i <= n, got %s/%s"):format(tostring(i), tostring(n)))
  end
  return shard
end

-- "2/3", and "2-of-3" for a folder name.
function M.text(shard) return ("%d/%d"):format(shard.i, shard.n) end
function M.folder(shard) return ("%d-of-%d"):format(shard.i, shard.n) end

-- relpath(dir, path) -> the path of a source relative to the corpus folder
-- dir, as the rule hashes it: '/'-separated, without "./" or repeated '/';
-- a source outside the folder keeps its absolute path.
function M.relpath(dir, path)
  local p = path:gsub("/+", "/")
  local d = dir:gsub("/+", "/"):gsub("/$", "")
  if p:sub(1, #d + 1) == d .. "/" then p = p:sub(#d + 2) end
  repeat local before = p; p = p:gsub("^%./", ""):gsub("/%./", "/") until p == before
  return p
end

-- The place of a part's index: PLACE/shards/I-of-N/NAME for the whole
-- corpus's index PLACE/NAME (dir/.parley/index, the cache's …/KEY/index, or
-- the option index = PATH), so that no part's index takes the place of the
-- whole's or of another part's.
function M.index_path(path, shard)
  local folder, base = path:match("^(.*)/([^/]*)$")
  if not folder then folder, base = ".", path end
  return ("%s/shards/%s/%s"):format(folder, M.folder(shard), base)
end

-- select(m, shard) -> m with only the documents (sources) of the part:
-- m.all_documents keeps the whole list, and each kept document carries
-- _source, its place in that list (the order of the whole corpus, by which
-- merged results are ordered).
function M.select(m, shard)
  local kept = {}
  m.all_documents = m.documents
  for k, d in ipairs(m.documents) do
    if M.part_of(M.relpath(m.dir, d.path), shard.n) == shard.i then
      d._source = k
      kept[#kept + 1] = d
    end
  end
  m.documents = kept
  return m
end

return M
