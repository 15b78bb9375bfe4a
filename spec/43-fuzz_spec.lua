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
  return list
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

  it("the seeds are there: every target but index has some (its seeds are made at make fuzz time)", function()
    for _, target in ipairs(TARGETS) do
      if target ~= "index" then assert.is_true(#inputs(target) > 0, target) end
    end
  end)
end)
