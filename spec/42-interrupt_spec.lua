-- Runaway work stops at one Ctrl-C: each case runs build/parley as a
-- subprocess, waits until it is busy (a marker it prints, or the index
-- folder it makes), sends SIGINT with kill -INT, and checks the exit status
-- (130, as a shell expects of a command Ctrl-C stopped), the one-line
-- message, and what is left on disk.  Work that would run for minutes (or
-- hours) uninterrupted stands for "long": no timing is asserted.  The
-- latency itself is measured by bench/interrupt.lua.  Also the limits that
-- refuse runaway work before it starts: pathological patterns, huge
-- queries, --max-memory.
local h = require "spec.helpers"
local proc = require "spec.process"

local INTERRUPTED = "parley: interrupted\n"

-- Run chunk with `parley -e` (more arguments before it: extra), wait for
-- the "go" line on stdout, send SIGINT: stdout, stderr, status.
local function interrupt_chunk(chunk, extra)
  local args = {}
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  args[#args + 1] = "-e"
  args[#args + 1] = chunk
  local p = proc.start(h.bin, args)
  assert.is_true(p:wait("out", "go\n", 60, true), "the chunk did not start: " .. p:file("err"))
  p:kill("INT")
  return p:finish()
end

-- The index and temporaries under the corpus folder dir (names in .parley).
local function leftovers(dir)
  local out = {}
  local f = assert(io.popen("ls -A " .. h.shquote(dir .. "/.parley") .. " 2>/dev/null"))
  for name in f:lines() do out[#out + 1] = name end
  f:close()
  return out
end

-- A corpus whose grammar never ends (its instruction limit, for a 960 kB
-- document, is some two thousand million instructions away).
local function spinning_corpus()
  local dir = h.tmpdir()
  os.execute("mkdir -p " .. h.shquote(dir .. "/grammars"))
  h.write(dir .. "/grammars/spin.lua", 'return require("parley.grammar").register{ name = "spin", kinds = {},\n'
    .. '  parse = function(text) local n = 0 while true do n = n + 1 end end }\n')
  h.write(dir .. "/a.txt", string.rep("some words here\n", 60000))
  h.write(dir .. "/corpus.lua",
    'return { name = "spin", documents = { { id = "a", path = "a.txt", grammar = "spin" } } }\n')
  return dir
end

-- A corpus of one document holding a 20 000-letter token.
local function long_token_corpus()
  local dir = h.tmpdir()
  h.write(dir .. "/a.txt", "word " .. string.rep("a", 20000) .. " other words here\n")
  h.write(dir .. "/corpus.lua", 'return { name = "long", documents = { { id = "a", path = "a.txt" } } }\n')
  assert(parley.open(dir))
  return dir
end

describe("one Ctrl-C", function()
  after_each(function() proc.stop_all(); h.cleanup() end)

  it("ends a Lua loop of an -e chunk with status 130 and one line", function()
    local out, err, status = interrupt_chunk('print("go") io.stdout:flush() while true do end')
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
  end)

  it("is raised by parley.open, never returned: print(parley.open(dir)) prints nothing", function()
    local dir = spinning_corpus()
    local out, err, status = interrupt_chunk(('print("go") io.stdout:flush() print(parley.open(%q))'):format(dir))
    assert.equal(130, status)
    assert.equal("go\n", out)        -- no "nil	interrupted!"
    assert.equal(INTERRUPTED, err)
    assert.same({}, leftovers(dir))  -- no index, no temporaries
  end)

  it("goes through a pcall of the toolkit: the build's own catches it and raises it again", function()
    -- corpus.lua's build catches the failures of a build to report them;
    -- an interruption is not one of them
    local dir = spinning_corpus()
    local out, err, status = interrupt_chunk(('print("go") io.stdout:flush() '
      .. 'local ok, c, why = pcall(parley.open, %q) print("caught", ok, c, why)'):format(dir))
    -- the user's own pcall sees the interruption (not true, nil, "interrupted!"), and goes on
    assert.equal("go\ncaught\tfalse\tinterrupted!\tnil\n", out)
    assert.equal("", err)
    assert.equal(0, status)
  end)

  it("ends a bundled command during a build with status 130 and leaves no index", function()
    local dir = spinning_corpus()
    local p = proc.start(h.bin, { "overview", "--corpus", dir })
    -- the index folder is made before the build starts, by Lua code: Ctrl-C is caught from then on
    assert.is_true(p:until_true(function() return h.read(dir .. "/corpus.lua") and
      os.execute("test -d " .. h.shquote(dir .. "/.parley")) end), "the build did not start")
    p:kill("INT")
    local out, err, status = p:finish()
    assert.equal(130, status)
    assert.equal("", out)
    assert.equal(INTERRUPTED, err)
    assert.same({}, leftovers(dir))
  end)

  it("stops a grammar's loop inside the build's sandbox, which the instruction limit would stop only much later", function()
    local dir = spinning_corpus()
    local out, err, status = interrupt_chunk(('print("go") io.stdout:flush() parley.open(%q)'):format(dir))
    assert.equal(130, status, err)
    assert.equal(INTERRUPTED, err)    -- not "instruction limit exceeded"
    assert.equal("go\n", out)
    assert.same({}, leftovers(dir))
  end)

  it("stops a pattern matched against the lexicon when its budget is lifted", function()
    local dir = long_token_corpus()
    local out, err, status = interrupt_chunk(('require("parley.query.lexicon").STEPS = math.huge '
      .. 'local c = parley.open(%q) print("go") io.stdout:flush() print(c:count("%%a+%%a+%%a+c"))'):format(dir))
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
  end)

  it("stops string concatenation that doubles a string, without 'not enough memory'", function()
    local out, err, status = interrupt_chunk('local s = ("x"):rep(1 << 24) print("go") io.stdout:flush() '
      .. 'while true do local t = s .. s .. s .. s end', { "--max-memory", "1G" })
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
  end)
end)

-- One LPeg match that backtracks over 2^40 ways, in C where no hook reaches
-- and which tests no flag: only the grace timer (core/main.c) ends it.
local STUCK_LPEG = 'local P, V = lpeg.P, lpeg.V '
  .. 'local G = P{ "A", A = P"a" * V"A" * "x" + P"a" * V"A" * "y" + P"a" } G:match(("a"):rep(40))'

-- A corpus of n documents (d1.txt …) whose grammar is stuck in that match.
local function stuck_corpus(n)
  local dir = h.tmpdir()
  os.execute("mkdir -p " .. h.shquote(dir .. "/grammars"))
  h.write(dir .. "/grammars/stuck.lua", 'local lpeg = require "lpeg"\n'
    .. 'return require("parley.grammar").register{ name = "stuck", kinds = {},\n'
    .. '  parse = function(text) ' .. STUCK_LPEG .. ' return { regions = {} } end }\n')
  local docs = {}
  for i = 1, n do
    h.write(("%s/d%d.txt"):format(dir, i), "some words\n")
    docs[i] = ('{ id = "d%d", path = "d%d.txt", grammar = "stuck" },'):format(i, i)
  end
  h.write(dir .. "/corpus.lua", 'return { name = "stuck", documents = {\n' .. table.concat(docs, "\n") .. "\n} }\n")
  return dir
end

describe("one Ctrl-C, when one C call holds the Lua thread", function()
  after_each(function() proc.stop_all(); h.cleanup() end)

  it("ends a script stuck in one LPeg match after a short grace, status 130 and the one line", function()
    local out, err, status = interrupt_chunk('local lpeg = require "lpeg" print("go") io.stdout:flush() ' .. STUCK_LPEG)
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
  end)

  it("ends a build whose grammar is stuck in one match; the next open removes what it left", function()
    local dir = stuck_corpus(1)
    local out, err, status = interrupt_chunk(('print("go") io.stdout:flush() parley.open(%q)'):format(dir))
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
    for _, name in ipairs(leftovers(dir)) do assert.not_equal("index", name) end   -- never an index
    h.write(dir .. "/corpus.lua", 'return { name = "stuck", documents = { { id = "d1", path = "d1.txt" } } }\n')
    assert(parley.open(dir))
    assert.same({ "index" }, leftovers(dir))
  end)
end)

describe("one Ctrl-C, when a build's workers are stuck in a grammar's match", function()
  after_each(function() proc.stop_all(); h.cleanup() end)

  it("ends the run even though the build saw it and waits for them (the longer grace)", function()
    local dir = stuck_corpus(8)
    local p = proc.start(h.bin, { "-e", ('print("go") io.stdout:flush() parley.open(%q, { threads = 4 })'):format(dir) })
    assert.is_true(p:wait("out", "go\n", 60, true))
    -- once the build is on (its temporary index made), its workers are in the grammar
    assert.is_true(p:until_true(function()
      for _, name in ipairs(leftovers(dir)) do if name:find("^index%.tmp%.") then return true end end
    end, 60))
    os.execute("sleep 0.3")
    p:kill("INT")
    local out, err, status = p:finish()
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.equal(INTERRUPTED, err)
    for _, name in ipairs(leftovers(dir)) do assert.not_equal("index", name) end
  end)
end)

describe("a Lua pattern with two or more quantified items over a 20 000-letter token", function()
  local dir
  setup(function() dir = long_token_corpus() end)
  teardown(h.cleanup)

  for _, pattern in ipairs({ "%a+%a+%a+c", "%a-%a-%a-%a-c", "[a]*[a]*[a]*[a]*c" }) do
    it("is refused with a message naming it: " .. pattern, function()
      local out, err, status = h.run({ "-e", ("print(parley.open(%q):count(%q))"):format(dir, pattern) })
      assert.equal(1, status)
      assert.equal("", out)
      assert.matches("bad query: this Lua pattern is too costly to match against the lexicon: "
        .. pattern:gsub("%p", "%%%0") .. " took over 5000000 steps, the last on a word of 20000 bytes", err)
    end)
  end

  it("still matches where the work is small", function()
    local c = h.open(dir)
    assert.equal(1, c:count("%a*a%a*a"))            -- the long token (aa…a), two quantifiers
    assert.equal(2, c:count("%a+o%a*"))             -- word, words (not other: no letter before its o)
    assert.equal(1, c:count("w%a+d"))
    c:close()
  end)
end)

describe("a huge query", function()
  local c
  setup(function() c = h.open() end)

  local function reason(q)
    local ok, err = pcall(c.count, c, q)
    assert.is_false(ok)
    return require("parley.error").message(err)
  end

  it("is refused by its length before any parsing", function()
    assert.equal("bad query: it is 50000000 bytes long, and a query may be at most 16384",
                 reason(("cuba "):rep(10000000)))
  end)

  it("is refused by its number of words, of NEAR/ operators, of bytes in a pattern", function()
    assert.matches("^bad query: a query may hold at most 256 words\n", reason(("cuba "):rep(300)))
    assert.matches("^bad query: a query may join at most 33 terms with NEAR/\n",
                   reason(("a NEAR/1 "):rep(1000) .. "b"))
    assert.matches("^bad query: this /re/ pattern is 5000 bytes long, and a pattern may be at most 4096\n",
                   reason("/" .. ("a"):rep(5000) .. "/"))
    assert.matches("^bad query: a phrase may hold at most 64 tokens\n", reason(("cuba "):rep(65)))
  end)

  it("within the limits still runs", function()
    assert.equal(0, c:count(("cuba NEAR/1 "):rep(32) .. "cuba"))
    assert.equal(0, c:count(("cuba "):rep(64)))
  end)
end)

describe("--max-memory", function()
  after_each(h.cleanup)

  it("ends a script that grows a string with a message naming the limit", function()
    local out, err, status = h.run({ "--max-memory", "64M", "-e", 'local s = "x" for i = 1, 40 do s = s .. s end' })
    assert.equal(1, status)
    assert.equal("", out)
    assert.equal("parley: out of memory: the limit is 64 MiB (--max-memory)\n", err)
  end)

  it("is read from PARLEY_MAX_MEMORY too, and refuses a size that is none", function()
    local _, err, status = h.run({ "-e", 'local t = {} for i = 1, 1e9 do t[i] = i end' },
                                 { env = { PARLEY_MAX_MEMORY = "32m" } })
    assert.equal(1, status)
    assert.equal("parley: out of memory: the limit is 32 MiB (--max-memory)\n", err)
    _, err, status = h.run({ "--max-memory", "12X", "-e", "" })
    assert.equal(1, status)
    assert.matches("^parley: %-%-max%-memory: '12X' is no size", err)
    _, err, status = h.run({ "--max-memory" })
    assert.equal(1, status)
    assert.matches("^parley: '%-%-max%-memory' needs a size", err)
  end)

  it("lets a run within it go on, and holds a build to it (no index, no temporaries left)", function()
    local dir = h.tmpdir()
    local words = {}
    for i = 1, 200000 do words[i] = ("w%06d"):format(i) end
    h.write(dir .. "/a.txt", table.concat(words, " ") .. "\n")
    h.write(dir .. "/corpus.lua", 'return { name = "m", documents = { { id = "a", path = "a.txt" } } }\n')
    local out, err, status = h.run({ "--max-memory", "8M", "-e", ("print(parley.open(%q))"):format(dir) })
    assert.equal(1, status)
    assert.equal("", out)
    assert.equal("parley: out of memory: the limit is 8 MiB (--max-memory)\n", err)
    assert.is_nil(h.read(dir .. "/.parley/index"))
    assert.same({}, leftovers(dir))
    out, err, status = h.run({ "--max-memory", "1G", "-e", ("print(parley.open(%q):count('w000001'))"):format(dir) })
    assert.equal(0, status, err)
    assert.equal("1\n", out)
  end)
end)
