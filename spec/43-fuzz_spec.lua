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

  it("the seeds are there: every target but index has some (its seeds are made at make fuzz time)", function()
    for _, target in ipairs(TARGETS) do
      if target ~= "index" then assert.is_true(#inputs(target) > 0, target) end
    end
  end)
end)
