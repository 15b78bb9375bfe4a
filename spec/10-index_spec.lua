-- The index file: built once, reused while the sources and the manifest are
-- unchanged, rebuilt when they change or when the file is damaged (truncated,
-- bytes flipped, replaced), never trusted when its checksums fail; placed in
-- the cache folder when the corpus folder is read-only; no temporary files
-- left behind.  Everything happens in copies of the bundled corpus.
local h = require "spec.helpers"
local parley = require "parley"
local fs = require "parley.fs"
-- what the loader's message on invalid UTF-8 suggests
local REPAIR = "; --repair (repair = true in parley.open) replaces invalid UTF-8 with U+FFFD"

local FILES = { "1962-11-01-mikoyan-mccloy-stevenson-dinner.txt", "1962-11-02-mikoyan-telegram.md", "corpus.lua" }
local TELEGRAM = FILES[2]
local HEADER = 4096       -- docs/index-format.md: a 4 KiB header, then 4 KiB checksum blocks
local BLOCK = 4096

local function sh(cmd)
  assert(os.execute(cmd), cmd)
end

-- A copy of the bundled corpus (sources, manifest, no index) in a fresh folder.
local function copy_corpus()
  local dir = h.tmpdir() .. "/cmc"
  sh("mkdir " .. h.shquote(dir))
  for _, name in ipairs(FILES) do
    sh(("cp %s %s"):format(h.shquote(h.corpus .. "/" .. name), h.shquote(dir .. "/" .. name)))
  end
  sh("chmod u+w " .. h.shquote(dir) .. "/*")
  return dir
end

local open = h.open

-- What a corpus answers, to compare before and after: counts, a concordance,
-- frequencies, bigrams, regions.
local ANSWERS = [=[
return function(c)
  return table.concat({
    tostring(c), c:count("red cross"), c:count("missile*"), c:count("inspection NEAR/5 cross"),
    c:kwic("quarantine", { format = "tsv" }), c:freq{ limit = 40, format = "tsv" },
    c:ngrams(2, { limit = 20, format = "tsv" }), #c:regions("sentence"), c:doc(2):text(),
  }, "\n")
end
]=]
local answers = assert(load(ANSWERS, "=answers"))()

-- The same from a separate process, which may fail without taking the suite down:
-- a first line "built" or "reused", then the answers, then verify()'s result.
local PROBE = ([[
local dir = ...
local c, err = parley.open(dir)
if not c then print("nil", err) return end
print(c.built and "built" or "reused")
local answers = assert(load(%q, "=answers"))()
print(answers(c))
print(c:verify())
]]):format(ANSWERS)

local function probe(dir)
  local script = h.tmpdir() .. "/probe.lua"
  h.write(script, PROBE)
  local out, err, code = h.run({ script, dir })
  return out, err, code
end

local function index_of(dir) return dir .. "/.parley/index" end

-- size, mtime and bytes of a file, to tell whether it was rewritten
local function snapshot(path)
  local st = assert(fs.stat(path))
  return { size = st.size, mtime = st.mtime, mtime_ns = st.mtime_ns, data = h.read(path) }
end

-- The files in a folder other than the index itself.
local function leftovers(dir)
  local out = {}
  for _, name in ipairs(fs.dir(dir) or {}) do
    if name ~= "index" then out[#out + 1] = name end
  end
  return out
end

-- Offset (0-based) and size of a section, read from the section table of the
-- header: entries of a 24-byte NUL-padded name, then offset and size (u64 LE).
local function section(path, name)
  local hdr = h.read(path):sub(1, HEADER)
  local at = assert(hdr:find(name .. "\0", 1, true), "no section " .. name)
  local off, size = string.unpack("<I8I8", hdr, at + 24)
  return off, size, at - 1
end

local function block_of(off) return (off - HEADER) // BLOCK end

-- Replace the file's bytes with f(bytes).
local function rewrite(path, f)
  local data = assert(h.read(path))
  h.write(path, f(data))
end

-- Flip every bit of the byte at 0-based offset off, in place (the file keeps its inode).
local function flip(path, off)
  local f = assert(io.open(path, "r+b"))
  f:seek("set", off)
  local b = f:read(1)
  f:seek("set", off)
  f:write(string.char(b:byte() ~ 0xFF))
  f:close()
end

describe("the index", function()
  local dir, baseline

  before_each(function()
    dir = copy_corpus()
    local c = open(dir)
    baseline = answers(c)
    c:close()
  end)
  after_each(h.cleanup)

  it("is created in .parley, and reused untouched by the next open", function()
    local path = index_of(dir)
    local before = snapshot(path)
    assert.equal("PARLEYIX", before.data:sub(1, 8))
    assert.same({ "index" }, fs.dir(dir .. "/.parley"))
    local c = open(dir)
    assert.is_nil(c.built)
    assert.equal(path, c:stats().path)
    assert.equal(#before.data, c:stats().bytes)
    assert.equal(baseline, answers(c))
    c:close()
    assert.same(before, snapshot(path))
    assert.equal(11, open(dir):count("red cross"))
  end)

  it("of a folder without a manifest is reused too", function()
    os.remove(dir .. "/corpus.lua")
    local c = open(dir)
    assert.is_table(c.built)  -- a different corpus now
    c:close()
    local before = snapshot(index_of(dir))
    c = open(dir)
    assert.is_nil(c.built)
    assert.equal(11, c:count("red cross"))
    assert.same(before, snapshot(index_of(dir)))
    -- a file that is not a document does not matter; a new document does
    h.write(dir .. "/notes.rst", "not indexed\n")
    assert.is_nil(open(dir).built)
    h.write(dir .. "/1962-11-03-note.txt", "Red Cross ships again.\n")
    c = open(dir)
    assert.is_table(c.built)
    assert.equal(12, c:count("red cross"))
    os.remove(dir .. "/1962-11-03-note.txt")
    c = open(dir)
    assert.is_table(c.built)
    assert.equal(11, c:count("red cross"))
  end)

  it("is rebuilt when a source is touched, with the same answers", function()
    sh(("touch -d '+1 sec' %s"):format(h.shquote(dir .. "/" .. TELEGRAM)))
    local c = open(dir)
    assert.is_table(c.built)
    assert.equal(baseline, answers(c))
    assert.is_nil(open(dir).built)
  end)

  it("is rebuilt when a source is rewritten, even at the same size", function()
    local path = dir .. "/" .. TELEGRAM
    rewrite(path, function(s) return (s:gsub("quarantine", "QUARANTINE", 1)) end)
    local c = open(dir)
    assert.is_table(c.built)
    assert.equal(1, c:count("=QUARANTINE"))
    rewrite(path, function(s) return s .. "\nThe Red Cross again.\n" end)
    c = open(dir)
    assert.is_table(c.built)
    assert.equal(12, c:count("red cross"))
  end)

  it("is rebuilt when the manifest changes, even by a comment", function()
    local path = dir .. "/corpus.lua"
    rewrite(path, function(s) return "-- edited\n" .. s end)
    local c = open(dir)
    assert.is_table(c.built)
    assert.equal(baseline, answers(c))
    rewrite(path, function(s) return (s:gsub('type = "telegram"', 'type = "cable"')) end)
    c = open(dir)
    assert.is_table(c.built)
    local n = select(2, h.read(dir .. "/" .. TELEGRAM):lower():gsub("%f[%a]quarantine%f[%A]", ""))
    assert.equal(5, n)
    assert.equal(n, c:where{ type = "cable" }:count("quarantine"))
    assert.same({ "cable", "transcript" }, c:values("type"))   -- "telegram" is gone
  end)

  it("is rebuilt when asked, and trusted without checks when asked", function()
    local c = open(dir, { rebuild = true })
    assert.is_table(c.built)
    assert.equal(baseline, answers(c))
    sh(("touch -d '+1 sec' %s"):format(h.shquote(dir .. "/" .. TELEGRAM)))
    assert.is_nil(open(dir, { check = false }).built)
    assert.is_table(open(dir).built)
  end)

  it("goes where opts.index says", function()
    local elsewhere = h.tmpdir() .. "/indexes/cmc.index"
    local c = open(dir, { index = elsewhere })
    assert.is_table(c.built)
    assert.equal(elsewhere, c:stats().path)
    assert.equal("PARLEYIX", h.read(elsewhere):sub(1, 8))
    assert.equal(baseline, answers(c))
    assert.is_nil(open(dir, { index = elsewhere }).built)
  end)

  describe("when damaged", function()
    -- Damage the index, then open it in a separate process: it must be rebuilt
    -- (or, for damage in a large section, found when read) -- never a crash.
    local function rebuilt_after(damage)
      local path = index_of(dir)
      damage(path)
      local out, err, code = probe(dir)
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("built\n" .. baseline .. "\ntrue\n", out)
      -- and the rebuilt file is sound and reused
      out = probe(dir)
      assert.equal("reused\n" .. baseline .. "\ntrue\n", out)
    end

    it("truncated to 100 bytes, to half, or by one byte, is rebuilt", function()
      rebuilt_after(function(p) rewrite(p, function(s) return s:sub(1, 100) end) end)
      rebuilt_after(function(p) rewrite(p, function(s) return s:sub(1, #s // 2) end) end)
      rebuilt_after(function(p) rewrite(p, function(s) return s:sub(1, #s - 1) end) end)
      rebuilt_after(function(p) rewrite(p, function(s) return s:sub(1, HEADER) end) end)
    end)

    it("extended, emptied or replaced by a foreign file, is rebuilt", function()
      rebuilt_after(function(p) rewrite(p, function(s) return s .. "\0" end) end)
      rebuilt_after(function(p) h.write(p, "") end)
      rebuilt_after(function(p) h.write(p, assert(h.read(h.dinner))) end)
      rebuilt_after(function(p) h.write(p, ("\0"):rep(3 * BLOCK)) end)
      -- an index of another corpus
      local other = copy_corpus()
      os.remove(other .. "/" .. TELEGRAM)
      os.remove(other .. "/corpus.lua")
      open(other):close()
      rebuilt_after(function(p) h.write(p, h.read(index_of(other))) end)
    end)

    it("of another format version is rebuilt, saying so once", function()
      local path = index_of(dir)
      -- version 7 in a sound header: the header's checksum (bytes 89-96, over
      -- the 3936 bytes of the header struct with it zero) recomputed
      rewrite(path, function(s)
        s = s:sub(1, 8) .. string.pack("<I4", 7) .. s:sub(13)
        local zeroed = s:sub(1, 88) .. ("\0"):rep(8) .. s:sub(97, 3936)
        local sum = tonumber(require("parley.index").hash(zeroed), 16)
        return s:sub(1, 88) .. string.pack("<I8", sum) .. s:sub(97)
      end)
      local out, err, code = probe(dir)
      assert.equal(0, code)
      assert.equal("built\n" .. baseline .. "\ntrue\n", out)
      assert.equal("parley: " .. path .. ": index format version 7, this parley reads version 9; rebuilding it\n", err)
      out, err = probe(dir)
      assert.equal("reused\n" .. baseline .. "\ntrue\n", out)
      assert.equal("", err)
    end)

    it("with a byte flipped in the header is rebuilt", function()
      local _, _, entry = section(index_of(dir), "postings")
      for _, off in ipairs({ 0, 7, 8, 16, 24, 40, entry, entry + 24, entry + 32 }) do
        rebuilt_after(function(p) flip(p, off) end)
      end
    end)

    it("with a byte flipped in its document, region or metadata tables is rebuilt", function()
      for _, name in ipairs({ "docs", "meta", "regions" }) do
        local off, size = section(index_of(dir), name)
        assert.is_true(size > 0, name)
        rebuilt_after(function(p) flip(p, off + size // 2) end)
      end
    end)

    it("with a byte flipped near the end, in the checksum table, is rebuilt", function()
      local size = fs.stat(index_of(dir)).size
      local off, n = section(index_of(dir), "checksums")
      assert.equal(size, off + n)  -- the last section
      rebuilt_after(function(p) flip(p, size - 1) end)
      -- the rebuilt file may differ in length (its metadata holds the manifest's times)
      off = section(index_of(dir), "checksums")
      rebuilt_after(function(p) flip(p, off) end)
    end)

    it("with a byte flipped in a large section is refused when that block is read", function()
      local path = index_of(dir)
      local off, size = section(path, "postings")
      local at = off + size // 2
      -- the structural tables, checked at open, lie in other blocks
      for _, name in ipairs({ "docs", "meta", "regions" }) do
        local o, n = section(path, name)
        assert.is_true(block_of(at) < block_of(o) or block_of(at) > block_of(o + n - 1), name)
      end
      flip(path, at)
      local code = ([[
        local c = assert(parley.open(%q))
        print(c.built and "built" or "reused")
        print(c:verify())
        print(pcall(function() return c:count("red") + c:count("cross") + c:count("the") + c:count("of")
          + #c:find("quarantine") + #c:find("mikoyan") + #c:find("stevenson") + #c:find("missile*") end))
      ]]):format(dir)
      local out, err, status = h.run({ "-e", code })
      assert.equal("", err)
      assert.equal(0, status)
      local lines = {}
      for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.equal("reused", lines[1])  -- large sections are checked when read, not at open
      assert.equal("nil\t" .. path .. ": index is damaged (checksum mismatch)", lines[2])
      assert.matches("^false\t.*" .. path:gsub("%p", "%%%0") .. ": index is damaged %(checksum mismatch%)", lines[3])
      -- a forced rebuild restores it
      local c = open(dir, { rebuild = true })
      assert.equal(baseline, answers(c))
      assert.is_true(c:verify())
    end)

    it("with a byte flipped in a large section is rebuilt by the next open once the damage is found", function()
      local path = index_of(dir)
      local off, size = section(path, "postings")
      flip(path, off + size // 2)
      local c = open(dir)
      assert.is_nil(c:verify())
      c:close()
      c = open(dir)
      assert.is_table(c.built)
      assert.equal(baseline, answers(c))
    end)

    it("that is a folder gives a message, not a crash", function()
      local path = index_of(dir)
      os.remove(path)
      sh("mkdir " .. h.shquote(path))
      local out, err, code = probe(dir)
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^nil\t.*" .. path:gsub("%p", "%%%0") .. ".*: Is a directory\n$", out)
    end)
  end)

  describe("verify", function()
    it("reports a byte flipped in a large section after the corpus was opened", function()
      local c = open(dir)
      assert.is_nil(c.built)
      local path = index_of(dir)
      local off, size = section(path, "postings")
      flip(path, off + size // 2)  -- the mapping is shared: the change is seen at once
      local ok, msg = c:verify()
      assert.is_nil(ok)
      assert.equal(path .. ": index is damaged (checksum mismatch)", msg)
      c:close()
    end)

    it("reports damage after the corpus was opened anywhere, also in blocks read before", function()
      local c = open(dir)
      local path = index_of(dir)
      local off, size = section(path, "docs")
      flip(path, off + size // 2)
      assert.is_nil((c:verify()))
      c:close()
    end)

    it("passes on a sound index", function()
      local c = open(dir)
      assert.is_true(c:verify())
      assert.equal(baseline, answers(c))
      assert.is_true(c:verify())
    end)
  end)

  describe("builds", function()
    it("leave no temporary files, in this process or another that exits at once", function()
      local c = open(dir, { rebuild = true })
      assert.is_table(c.built)
      assert.same({}, leftovers(dir .. "/.parley"))
      local _, err, code = h.run({ "-e", ("parley.open(%q, { rebuild = true }); os.exit(0)"):format(dir) })
      assert.equal("", err)
      assert.equal(0, code)
      assert.same({}, leftovers(dir .. "/.parley"))
    end)

    it("remove the temporary files of builds that died, not those of live ones", function()
      local p = dir .. "/.parley/index"
      -- pid 1 is alive; 2^22 + 12345 is beyond the default pid_max
      for _, name in ipairs({ ".tmp.4206649", ".runs.4206649", ".tmp.1" }) do h.write(p .. name, "x") end
      open(dir, { rebuild = true })
      assert.same({ "index.tmp.1" }, leftovers(dir .. "/.parley"))
    end)

    it("that fail leave the previous index untouched, and no temporary files", function()
      local path = index_of(dir)
      local before = snapshot(path)
      local src = dir .. "/" .. TELEGRAM
      local original = h.read(src)
      -- a new last line holding a bad byte after "bad "
      local lines = select(2, original:gsub("\n", "")) + (original:sub(-1) == "\n" and 1 or 2)
      h.write(src, original .. (original:sub(-1) == "\n" and "" or "\n") .. "bad \xC0 byte\n")
      local c, msg = parley.open(dir)
      assert.is_nil(c)
      assert.equal(src .. ":" .. lines .. ":5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, msg)
      assert.same(before, snapshot(path))
      assert.same({}, leftovers(dir .. "/.parley"))
      local out, err, code = h.run({ "-e", ("print(parley.open(%q)); os.exit(0)"):format(dir) })
      assert.equal(0, code)
      assert.equal("", err)
      assert.equal("nil\t" .. msg .. "\n", out)
      assert.same({}, leftovers(dir .. "/.parley"))
      assert.same(before, snapshot(path))
      -- the source mended, the index is rebuilt with the old answers
      h.write(src, original)
      c = open(dir)
      assert.is_table(c.built)
      assert.equal(baseline, answers(c))
    end)
  end)

  describe("of a corpus it cannot write to", function()
    it("refuses a .parley that is not a folder, and writes nothing anywhere", function()
      local cache = h.tmpdir()
      sh("rm -rf " .. h.shquote(dir .. "/.parley"))
      h.write(dir .. "/.parley", "a file in the way\n")
      local code = ("print(parley.open(%q))"):format(dir)
      local out, err, status = h.run({ "-e", code }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, status)
      assert.equal("nil\t" .. dir .. "/.parley: not a folder (a file); parley keeps the index in a folder "
        .. "of that name: remove it\n", out)
      assert.equal("a file in the way\n", h.read(dir .. "/.parley"))
      assert.same({}, fs.dir(cache))
    end)

    it("goes to the cache folder when the corpus folder is read-only", function()
      local cache = h.tmpdir()
      sh("rm -rf " .. h.shquote(dir .. "/.parley"))
      local root = dir:match("^(.*)/[^/]+$")
      sh(("chmod 755 %s && chmod 555 %s && chmod 777 %s"):format(h.shquote(root), h.shquote(dir), h.shquote(cache)))
      local uid = assert(io.popen("id -u")):read("l")
      local runner
      if uid ~= "0" then
        runner = {}
      elseif os.execute("command -v setpriv >/dev/null 2>&1") then
        -- root writes through chmod 555; a real check needs an unprivileged user
        runner = { bin = "setpriv", pre = { "--reuid=65534", "--regid=65534", "--clear-groups", h.bin } }
      else
        sh("chmod 755 " .. h.shquote(dir))
        pending("running as root without setpriv: chmod 555 does not stop root from writing")
        return
      end
      local code = ("local c = assert(parley.open(%q)); print(c:stats().path, c.built ~= nil, c:count('red cross'))")
        :format(dir)
      local args = {}
      for _, a in ipairs(runner.pre or {}) do args[#args + 1] = a end
      args[#args + 1] = "-e"
      args[#args + 1] = code
      local out, err, status = h.run(args, { bin = runner.bin, env = { XDG_CACHE_HOME = cache } })
      sh("chmod 755 " .. h.shquote(dir))  -- so that h.cleanup can remove it
      assert.equal("", err)
      assert.equal(0, status)
      -- the cache is keyed by the folder's identity, behind its name (spec/23-trust_spec.lua)
      assert.matches("^" .. cache:gsub("%p", "%%%0") .. "/parley/cmc%-%x+/index\ttrue\t11\n$", out)
      assert.is_nil(fs.stat(dir .. "/.parley"))
    end)
  end)
end)
