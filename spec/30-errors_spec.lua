-- Errors a user meets through no fault of the code: a damaged index, a full
-- disk, a folder where a file should be, a manifest or data file someone
-- else wrote (hostile, runaway or just wrong), and mistakes made through the
-- Lua API.  Each must be a clean message naming the culprit (`parley: CMD:
-- message`, exit status 1, no traceback; in Lua an error object, or an
-- argument error, positioned at the caller's line), never "internal error".
local h = require "spec.helpers"
local parley = require "parley"
local E = require "parley.error"
local fs = require "parley.fs"
local data = require "parley.data"

local HEADER, BLOCK = 4096, 65536   -- docs/index-format.md

local function sh(cmd) assert(os.execute(cmd), cmd) end

local function esc(s) return (s:gsub("%p", "%%%0")) end

-- A copy of the bundled corpus (sources, manifest, register; no index).
local function copy_corpus()
  local dir = h.tmpdir() .. "/cmc"
  sh("mkdir " .. h.shquote(dir))
  sh(("cp %s/*.txt %s/*.md %s/*.lua %s"):format(h.shquote(h.corpus), h.shquote(h.corpus),
    h.shquote(h.corpus), h.shquote(dir)))
  sh("chmod u+w " .. h.shquote(dir) .. "/*")
  return dir
end

-- A corpus folder with a manifest (source text) and the files { name = text }.
local function corpus_of(manifest, files)
  local dir = h.tmpdir() .. "/c"
  sh("mkdir " .. h.shquote(dir))
  h.write(dir .. "/corpus.lua", manifest)
  for name, text in pairs(files or { ["a.txt"] = "Red cross ships.\n" }) do h.write(dir .. "/" .. name, text) end
  return dir
end

-- Flip every bit of the byte at 0-based offset off, in place.
local function flip(path, off)
  local f = assert(io.open(path, "r+b"))
  f:seek("set", off)
  local b = f:read(1)
  f:seek("set", off)
  f:write(string.char(b:byte() ~ 0xFF))
  f:close()
end

-- A clean failure of a command: exit status 1, one line `parley: CMD: …`
-- on stderr, no traceback, and the message matching pattern.
local function clean_failure(cmd, pattern, out, err, code)
  assert.equal(1, code, err)
  assert.matches("^parley: " .. cmd .. ": ", err)
  assert.not_matches("internal error", err)
  assert.not_matches("traceback", err)
  assert.not_matches("%.lua:%d+:", err)   -- no position inside the toolkit
  if pattern then assert.matches(pattern, err) end
  return out
end

-- Run a Lua chunk in a separate parley; stdout, stderr, status.
local function lua(code, ...)
  local script = h.tmpdir() .. "/script.lua"
  h.write(script, code)
  return h.run({ script, ... })
end

describe("a damaged index", function()
  after_each(h.cleanup)

  -- The bundled corpus's index holds its postings, stream and lexicon in the
  -- first two 64 KiB blocks, checked when first read; the tables checked at
  -- open (documents, regions, metadata) come after them.
  local COMMANDS = { { "kwic", "cuba" }, { "ngrams" }, { "speakers" }, { "overview" },
                     { "collocates", "cuba" }, { "keyness" } }
  for _, args in ipairs(COMMANDS) do
    it("is a clean error naming the index in `parley " .. table.concat(args, " ") .. "`", function()
      local dir = copy_corpus()
      h.open(dir):close()
      local path = dir .. "/.parley/index"
      local st = assert(fs.stat(path))
      assert.is_true(st.size > HEADER + BLOCK + 100)
      flip(path, HEADER + 100)
      flip(path, HEADER + BLOCK + 100)
      local cmd = { table.unpack(args) }
      cmd[#cmd + 1] = "--corpus"
      cmd[#cmd + 1] = dir
      local out, err, code = h.run(cmd)
      clean_failure(args[1], esc(path) .. ": index is damaged %(checksum mismatch%); it was moved aside", out, err, code)
      -- the next run rebuilds it and answers
      local _, err2, code2 = h.run(cmd)
      assert.equal(0, code2, err2)
    end)
  end

  it("raises an error object from the Lua API, at the caller's line", function()
    local dir = copy_corpus()
    h.open(dir):close()
    local path = dir .. "/.parley/index"
    flip(path, HEADER + 100)
    flip(path, HEADER + BLOCK + 100)
    local out, err, code = lua(([[
      local E = require "parley.error"
      local c = assert(parley.open(%q))
      local ok, e = pcall(function() local n = #c:find("cuba") return n end)
      print(ok, E.is(e), E.message(e))
    ]]):format(dir))
    assert.equal(0, code, err)
    assert.equal("false\ttrue\t" .. path .. ": index is damaged (checksum mismatch); it was moved aside "
      .. "and will be rebuilt when the corpus is opened again\n", out)
  end)

  it("whose source file went away is a clean error naming the file", function()
    local dir = copy_corpus()
    local c = h.open(dir)
    local src = dir .. "/1962-11-02-mikoyan-telegram.md"
    os.remove(src)
    local ok, e = pcall(function() return c:doc(2):text() end)
    assert.is_false(ok)
    assert.is_true(E.is(e))
    assert.equal(src .. ": cannot read the source: No such file or directory", E.message(e))
    c:close()
  end)
end)

describe("invalid UTF-8 in a source", function()
  after_each(h.cleanup)

  it("says which option replaces it", function()
    local dir = h.tmpdir()
    h.write(dir .. "/a.txt", "Red \xC0cross\n")
    local out, err, code = h.run({ "kwic", "red", "--corpus", dir })
    clean_failure("kwic", "^parley: kwic: " .. esc(dir) .. "/a%.txt:1:5: invalid UTF%-8 sequence %(byte 0xC0%); "
      .. "%-%-repair %(repair = true in parley%.open%) replaces invalid UTF%-8 with U%+FFFD\n$", out, err, code)
    -- and the option does
    local _, err2, code2 = h.run({ "kwic", "red", "--corpus", dir, "--repair" })
    assert.equal(0, code2)
    assert.matches("replaced 1 invalid UTF%-8 sequence", err2)
  end)
end)

describe("a full disk", function()
  after_each(h.cleanup)
  local full = fs.stat("/dev/full")

  -- Run parley with standard output on /dev/full: stderr and the status.
  local function to_full(args)
    local d = h.tmpdir()
    local parts = { h.shquote(h.bin) }
    for _, a in ipairs(args) do parts[#parts + 1] = h.shquote(a) end
    local _, _, code = os.execute(table.concat(parts, " ") .. " </dev/null >/dev/full 2>" .. d .. "/err")
    return h.read(d .. "/err"), code
  end

  for _, args in ipairs({ { "speakers" }, { "ngrams" }, { "kwic", "the" }, { "overview" },
                          { "kwic", "cuba", "--format", "json" }, { "kwic", "--help" } }) do
    it("is a clean error saying why in `parley " .. table.concat(args, " ") .. " > /dev/full`", function()
      if not full then pending("no /dev/full") return end
      local err, code = to_full(args)
      clean_failure(args[1], "cannot write to standard output: No space left on device\n$", "", err, code)
    end)
  end

  it("names the file a table was written to", function()
    if not full then pending("no /dev/full") return end
    local out, err, code = lua([[
      local E = require "parley.error"
      local f = assert(io.open("/dev/full", "w"))
      local ok, e = pcall(function() parley.open():kwic("the"):write(f, "tsv") end)
      print(ok, E.is(e), E.message(e))
    ]])
    assert.equal(0, code, err)
    assert.equal("false\ttrue\tcannot write to /dev/full: No space left on device\n", out)
  end)
end)
