-- REPL sessions driven from outside, as a user drives them: input written
-- line by line into a FIFO, Ctrl-C sent as SIGINT (or typed into a
-- pseudo-terminal made by script(1), from util-linux), the history file
-- read after each line.  Against timing: a signal is sent only once the
-- session has printed the marker of the line that should receive it, the
-- next line is written only once the effect of the previous signal has
-- shown, and every wait polls with a generous deadline instead of sleeping
-- a fixed time.
local h = require "spec.helpers"

local function sleep(s) os.execute("sleep " .. s) end

-- A session of build/parley ARGS in the background.
local Session = {}
Session.__index = Session
local running = {}

-- opts: env (table of variables), pty (run under script(1) in a terminal)
local function start(args, opts)
  opts = opts or {}
  local d = h.tmpdir()
  local function f(name) return h.shquote(d .. "/" .. name) end
  assert(os.execute("mkfifo " .. f("in")))
  local cmd = { h.shquote(h.bin) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = h.shquote(a) end
  cmd = table.concat(cmd, " ")
  if opts.pty then cmd = "script -qfec " .. h.shquote(cmd) .. " /dev/null" end
  local env = {}
  for k, v in pairs(opts.env or {}) do env[#env + 1] = k .. "=" .. h.shquote(v) end
  if #env > 0 then cmd = "env " .. table.concat(env, " ") .. " " .. cmd end
  -- the pid and the exit status are written to a temporary name first, so
  -- that a file which exists is complete
  assert(os.execute(("(%s <%s >%s 2>%s & echo $! >%s; mv %s %s; wait $!; echo $? >%s; mv %s %s)"
    .. " >/dev/null 2>&1 &"):format(cmd, f("in"), f("out"), f("err"), f("pid.t"), f("pid.t"),
    f("pid"), f("status.t"), f("status.t"), f("status"))))
  local s = setmetatable({ dir = d }, Session)
  s.input = assert(io.open(d .. "/in", "w"))  -- returns once the session has opened its end
  running[#running + 1] = s
  return s
end

function Session:file(name) return h.read(self.dir .. "/" .. name) or "" end

-- Wait until file `name` holds at least n (default 1) matches of pattern.
function Session:wait(name, pattern, n, seconds)
  local deadline = os.time() + (seconds or 30)
  repeat
    local _, k = self:file(name):gsub(pattern, "")
    if k >= (n or 1) then return true end
    sleep(0.05)
  until os.time() > deadline
  return false
end

function Session:pid()
  assert(self:wait("pid", "%d"), "the session did not start")
  return assert(tonumber(self:file("pid")))
end

function Session:send(s)
  self.input:write(s)
  self.input:flush()
end

-- Send sig to pid (default: the session's process) `times` times at once.
function Session:kill(sig, times, pid)
  local one = ("kill -%s %d"):format(sig, pid or self:pid())
  os.execute(one .. string.rep("; " .. one, (times or 1) - 1))
end

function Session:ended() return self:file("status") ~= "" end

-- End the input and wait for the exit: stdout, stderr, exit status (nil on timeout).
function Session:finish(seconds)
  if self.input then self.input:close(); self.input = nil end
  if not self:wait("status", "%d", 1, seconds) then return self:file("out"), self:file("err"), nil end
  return self:file("out"), self:file("err"), tonumber(self:file("status"))
end

-- Whatever a failed test leaves running is killed, so the suite never hangs.
local function stop_all()
  for i = #running, 1, -1 do
    local s = running[i]
    if s.input then s.input:close(); s.input = nil end
    if not s:ended() and s:file("pid"):find("%d") then s:kill("KILL") end
    running[i] = nil
  end
end

-- A chunk that prints a marker, then runs for hours unless interrupted.
local function lua_loop(mark)
  return ('io.write("%s\\n") io.stdout:flush() for i = 1, 1e12 do end\n'):format(mark)
end

-- A call to C that never returns and never looks at the interruption flag:
-- string.find backtracks over 2^40 ways to match.
local STUCK = 'string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40))'

describe("Ctrl-C in the REPL over a pipe", function()
  after_each(function() stop_all(); h.cleanup() end)

  it("stops a long Lua loop every time, however often it is pressed", function()
    local s = start { "-i" }
    for k = 1, 3 do
      s:send(lua_loop("L" .. k))
      assert.is_true(s:wait("out", "L" .. k .. "\n"))
      s:kill("INT")
      assert.is_true(s:wait("err", "interrupted!", k), "loop " .. k .. " was not interrupted")
    end
    -- three at once: the first stops the loop, the others land wherever the REPL is then
    s:send(lua_loop("L4"))
    assert.is_true(s:wait("out", "L4\n"))
    s:kill("INT", 3)
    assert.is_true(s:wait("err", "interrupted!", 4))
    sleep(0.3)
    s:kill("INT")  -- while it waits for a line: nothing to stop
    sleep(0.3)
    s:send('print("after")\n')
    local out, err, status = s:finish()
    assert.equal(0, status)
    assert.equal("L1\nL2\nL3\nL4\nafter\n", out)
    assert.matches("interrupted!\nstack traceback:\n%s+stdin:1: in main chunk", err)
  end)

  it("abandons a chunk being typed when Ctrl-C comes between its lines", function()
    local s = start { "-i" }
    s:send('print("one")\nfor i = 1, 2 do\n')
    assert.is_true(s:wait("out", "one\n"))
    sleep(0.3)
    s:kill("INT")
    sleep(0.3)
    s:send('print("two")\n')
    local out, err, status = s:finish()
    assert.equal(0, status)
    assert.equal("one\ntwo\n", out)
    assert.equal("", err)
  end)

  it("says when a call stuck in C holds a Ctrl-C, and quits at the second", function()
    local s = start { "-i" }
    s:send('io.write("go\\n") io.stdout:flush() ' .. STUCK .. '\n')
    assert.is_true(s:wait("out", "go\n"))
    s:kill("INT")
    assert.is_true(s:wait("err", "Ctrl%-C again quits"), "no word of the stuck call")
    sleep(0.3)
    assert.is_false(s:ended())   -- the session is not thrown away by one Ctrl-C
    s:kill("INT")
    local out, err, status = s:finish()
    assert.equal(130, status)
    assert.equal("go\n", out)
    assert.matches("busy in one call that Ctrl%-C cannot reach", err)
    assert.matches("\nparley: interrupted\n$", err)
  end)
end)

describe("Ctrl-C in C loops", function()
  local dir
  setup(function()
    -- two million tokens; a million overlapping spans of 2000 tokens over them
    -- make an n-gram count of 2e9 steps: half a minute or more uninterrupted
    dir = h.tmpdir()
    h.write(dir .. "/a.txt", string.rep("alpha ", 2000000))
    h.write(dir .. "/corpus.lua", 'return { name = "big", documents = { { id = "a", path = "a.txt" } } }\n')
    assert(parley.open(dir))
  end)
  teardown(h.cleanup)
  after_each(stop_all)

  local PREPARE = 'c = parley.open(%q) local t = {} for i = 0, 999999 do t[2 * i + 1] = i t[2 * i + 2] = i + 2000 end '
    .. 'w = require("parley.hits").from(c.ix, t) t = nil print("ready")\n'
  local NGRAMS = 'io.write("%s\\n") io.stdout:flush() c.ix:ngrams(2, { within = w })\n'

  it("stops n-grams in the REPL at once, every time, and the session goes on", function()
    local s = start { "-i" }
    s:send(PREPARE:format(dir))
    assert.is_true(s:wait("out", "ready\n", 1, 60))
    for k = 1, 2 do
      s:send(NGRAMS:format("G" .. k))
      assert.is_true(s:wait("out", "G" .. k .. "\n"))
      s:kill("INT", k)  -- once, then twice at once
      -- far sooner than the count would take: the loop itself saw the flag
      assert.is_true(s:wait("err", "interrupted!", k, 10), "n-grams " .. k .. " were not interrupted")
    end
    sleep(0.3)
    s:send('print("after")\n')
    local out, err, status = s:finish()
    assert.equal(0, status)
    assert.equal("ready\nG1\nG2\nafter\n", out)
    assert.matches("interrupted!\nstack traceback:\n%s+%[C%]: in method 'ngrams'", err)
  end)

  it("ends a script with status 130 and one line at the first Ctrl-C", function()
    local script = h.tmpdir() .. "/count.lua"
    h.write(script, PREPARE:format(dir) .. NGRAMS:format("go"))
    local s = start { script }
    assert.is_true(s:wait("out", "go\n", 1, 60))
    s:kill("INT")
    local out, err, status = s:finish(10)
    assert.equal(128 + 2, status)  -- as a shell expects of a command Ctrl-C stopped
    assert.equal("ready\ngo\n", out)
    assert.equal("parley: interrupted\n", err)
  end)
end)

describe("Ctrl-C in a script", function()
  after_each(function() stop_all(); h.cleanup() end)

  it("raises interrupted! in Lua code: the script ends with status 130", function()
    local script = h.tmpdir() .. "/loop.lua"
    h.write(script, lua_loop("go"))
    local s = start { script }
    assert.is_true(s:wait("out", "go\n"))
    s:kill("INT")
    local _, err, status = s:finish()
    assert.equal(128 + 2, status)
    assert.equal("parley: interrupted\n", err)
  end)

  it("ends a script stuck in one C call at the first Ctrl-C, after a short grace", function()
    local script = h.tmpdir() .. "/stuck.lua"
    h.write(script, 'print("go") io.stdout:flush() ' .. STUCK .. '\nprint("not reached")\n')
    local s = start { script }
    assert.is_true(s:wait("out", "go\n"))
    s:kill("INT")
    local out, err, status = s:finish()
    assert.equal(128 + 2, status)
    assert.equal("go\n", out)
    assert.equal("parley: interrupted\n", err)
  end)
end)

describe("the REPL on a terminal", function()
  after_each(function() stop_all(); h.cleanup() end)

  -- A session in a pseudo-terminal, with its own HOME (no ~/.inputrc) and data folder.
  local function terminal()
    local home = h.tmpdir()
    local s = start({ "-i" }, { pty = true, env = {
      HOME = home, XDG_DATA_HOME = home .. "/data", TERM = "dumb", INPUTRC = "/dev/null" } })
    s.history = home .. "/data/parley/history"
    assert.is_true(s:wait("out", "type :help"))
    return s
  end

  -- Type a line that prints marker, and wait for it (n: the how-manieth time).
  local function line(s, text, marker, n)
    s:send(text .. "\n")
    assert.is_true(s:wait("out", marker, n), "no " .. marker .. " after " .. text)
  end

  it("appends every line to the history file at once; a killed session loses nothing", function()
    local s = terminal()
    local typed = {}
    local function check()
      assert.equal(table.concat(typed, "\n") .. "\n", h.read(s.history))
    end
    line(s, 'print("m" .. 1)', "m1")
    typed[#typed + 1] = 'print("m" .. 1)'
    check()
    line(s, 'print("m" .. 2)', "m2")
    typed[#typed + 1] = 'print("m" .. 2)'
    check()
    line(s, 'print("m" .. 2)', "m2", 2)  -- the same line again is kept once
    check()
    line(s, 'print("pid=" .. io.open("/proc/self/stat"):read("n"))', "pid=%d+")
    typed[#typed + 1] = 'print("pid=" .. io.open("/proc/self/stat"):read("n"))'
    check()
    local pid = tonumber(s:file("out"):match("pid=(%d+)"))
    line(s, 'print("m" .. 3)', "m3")
    typed[#typed + 1] = 'print("m" .. 3)'
    check()
    s:kill("KILL", 1, pid)
    local _, _, status = s:finish()
    assert.is_not_nil(status)
    check()
  end)

  it("keeps the history file to its last 1000 lines and reads it back", function()
    local home = h.tmpdir()
    local old = {}
    for i = 1, 1500 do old[i] = ('print("old" .. %d)'):format(i) end
    assert(require("parley.fs").mkdir(home .. "/data/parley"))
    h.write(home .. "/data/parley/history", table.concat(old, "\n") .. "\n")
    local s = start({ "-i" }, { pty = true, env = {
      HOME = home, XDG_DATA_HOME = home .. "/data", TERM = "dumb", INPUTRC = "/dev/null" } })
    assert.is_true(s:wait("out", "type :help"))
    line(s, "\27[A", "old1500")  -- up arrow: the last line of the file
    line(s, 'print("m" .. 1)', "m1")
    local kept = {}
    for l in h.read(home .. "/data/parley/history"):gmatch("[^\n]+") do kept[#kept + 1] = l end
    assert.equal(1000, #kept)
    assert.equal('print("old" .. 502)', kept[1])
    assert.equal('print("old" .. 1500)', kept[999])  -- recalled, not added again
    assert.equal('print("m" .. 1)', kept[1000])
    s:send(":quit\n")
    local _, _, status = s:finish()
    assert.equal(0, status)
  end)

  it("completes on Tab: commands, script names, methods", function()
    local s = terminal()
    line(s, ":he\t", "REPL commands:")
    line(s, ":run ov\t", "dinner%-1962%-11%-01")
    line(s, 'print("n=" .. #corpus:fi\t("guantanamo"))', "n=5")
    s:send(":quit\n")
    local _, _, status = s:finish()
    assert.equal(0, status)
  end)

  it("stops evaluations and abandons half-typed lines at each Ctrl-C typed", function()
    local s = terminal()
    for k = 1, 3 do
      line(s, ('io.write("L" .. %d, "\\n") for i = 1, 1e12 do end'):format(k), "L" .. k .. "\r?\n")
      s:send("\3")
      assert.is_true(s:wait("out", "interrupted!", k))
    end
    s:send('print("not" .. "run")')
    sleep(0.3)
    s:send("\3")
    sleep(0.3)
    line(s, 'print("m" .. 1)', "m1")
    s:send(":quit\n")
    local out, _, status = s:finish()
    assert.equal(0, status)
    assert.not_matches("notrun", out)
  end)
end)
