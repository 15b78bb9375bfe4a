-- The fuzz targets' seeds and regressions (spec/fuzz/TARGET/, `make fuzz`)
-- replayed through the normal build, so the suite covers every crash the
-- fuzzers found: each target's inputs go through fuzz/replay.lua (the
-- target's Lua half, and the C harnesses' checks through the Lua API) in a
-- subprocess, which must end normally having run every one of them.
local h = require "spec.helpers"

local TARGETS = { "text", "token", "index", "manifest", "people", "query", "grammar", "tei" }

local function inputs(target)
  local list = {}
  local p = assert(io.popen(("find %s -type f ! -name README | sort"):format(h.shquote(h.root .. "/spec/fuzz/" .. target))))
  for line in p:lines() do list[#list + 1] = line end
  p:close()
  for _, path in ipairs(dofile(h.root .. "/fuzz/borrowed.lua")[target] or {}) do
    list[#list + 1] = h.root .. "/" .. path                  -- the real files, read where they live
  end
  return list
end

-- An index file made consistent again after a change, as fuzz/index.c does
-- (docs/index-format.md): the header's file size, each 4 KiB block's
-- checksum, the checksum table's hash and the header's checksum.
local HEADER, BLOCK = 4096, 4096
local function u64(hex) return tonumber(hex, 16) end   -- index.hash gives 16 hex digits
local function sections(s)
  local out = {}
  for k = 0, string.unpack("<I4", s, 37) - 1 do
    local at = 96 + 40 * k
    out[(s:sub(at + 1, at + 24):gsub("%z+$", ""))] = { string.unpack("<I8I8", s, at + 25) }
  end
  return out
end
local function reseal(s)
  local hash = require("parley.index").hash
  local sums = sections(s).checksums[1]
  local body = {}
  for start = HEADER, sums - 1, BLOCK do
    body[#body + 1] = string.pack("<I8", u64(hash(s:sub(start + 1, math.min(start + BLOCK, sums)))))
  end
  local table_ = table.concat(body)
  s = s:sub(1, sums) .. table_
  s = s:sub(1, 16) .. string.pack("<I8", #s) .. s:sub(25, 56) .. string.pack("<I8", u64(hash(table_))) .. s:sub(65)
  local zeroed = s:sub(1, 88) .. string.rep("\0", 8) .. s:sub(97, 3936)
  return s:sub(1, 88) .. string.pack("<I8", u64(hash(zeroed))) .. s:sub(97)
end

describe("fuzz regressions and seeds, replayed", function()
  after_each(h.cleanup)

  for _, target in ipairs(TARGETS) do
    it(target, function()
      local files = inputs(target)
      local out, err, code = h.run({ h.root .. "/fuzz/replay.lua", target, table.unpack(files) })
      assert.are.equal(0, code, err)
      assert.are.equal(("%s: %d inputs\n"):format(target, #files), out)
    end)
  end

  -- found by the people target (FUZZ_STRICT): an alias of invalid UTF-8 raised
  -- "lua/parley/people.lua:21: invalid UTF-8 at byte 2", naming no register
  it("a person register with invalid UTF-8 is refused naming the file, the entry and the field", function()
    local dir = h.tmpdir()
    h.write(dir .. "/people.lua", 'return { { name = "A", aliases = { "B\xff" } } }')
    local ok, err = pcall(require("parley.people").load, { dir = dir })
    assert.is_false(ok)
    assert.are.equal(dir .. "/people.lua: entry 1 (A): aliases[1] is not valid UTF-8 (byte 2)", tostring(err))
    h.write(dir .. "/people.lua", 'return { { name = "Ab\xc3", side = "US" } }')
    ok, err = pcall(require("parley.people").load, { dir = dir })
    assert.are.equal(dir .. "/people.lua: entry 1: 'name' is not valid UTF-8 (byte 3)", tostring(err))
    h.write(dir .. "/people.lua", 'return { { name = "A", side = "\x80" } }')
    ok, err = pcall(require("parley.people").load, { dir = dir })
    assert.are.equal(dir .. "/people.lua: entry 1 (A): 'side' is not valid UTF-8 (byte 1)", tostring(err))
  end)

  -- found by the index target: a lexicon frequency sized two buffers of a query
  -- before any posting was read (a frequency of 2^29 on each type of "the":
  -- 12 GB asked for, and under ASan seconds of work, for an index of 186 KB)
  it("a hostile index whose frequencies are past its postings is damaged, not room to allocate", function()
    local dir = h.tmpdir()
    local c = h.open(h.corpus, { index = dir .. "/good" })
    c:close()
    local s = assert(h.read(dir .. "/good"))
    local exact = sections(s).exact
    local parts = { s:sub(1, exact[1]) }
    for at = exact[1], exact[1] + exact[2] - 40, 40 do   -- ix_exact: 40 bytes, freq at 16
      parts[#parts + 1] = s:sub(at + 1, at + 16) .. string.pack("<I8", 1 << 29) .. s:sub(at + 25, at + 40)
    end
    parts[#parts + 1] = s:sub(exact[1] + exact[2] + 1)
    h.write(dir .. "/bad", reseal(table.concat(parts)))
    local script = dir .. "/find.lua"
    h.write(script, ([[
local c = require("parley.corpus").wrap(assert(require("parley.index").open(%q)), %q, %q, {}, "fast")
local ok, err = pcall(c.find, c, "the")
print(ok, err)]]):format(dir .. "/bad", h.corpus, dir .. "/bad"))
    -- as much memory as the index could need, and far less than its frequencies ask
    -- (not under ASan, whose shadow memory needs more address space than any such limit)
    local limit = os.getenv("ASAN_OPTIONS") and "" or "ulimit -v 1000000; "
    local p = assert(io.popen(limit .. h.shquote(h.bin) .. " " .. h.shquote(script) .. " 2>&1"))
    local out = p:read("a")
    p:close()
    assert.matches("^false\t" .. (dir .. "/bad"):gsub("%p", "%%%0") .. ": index is damaged", out)
  end)

  it("the seeds are there: every target but index has some (its seeds are made at make fuzz time)", function()
    for _, target in ipairs(TARGETS) do
      if target ~= "index" then assert.is_true(#inputs(target) > 0, target) end
    end
  end)
end)
