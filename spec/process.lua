-- A process of build/parley run in the background, for the specs and the
-- bench scripts that stop runaway work with Ctrl-C: started through sh with
-- its output in files, a marker waited for (polled, with a generous
-- deadline, never a fixed sleep), SIGINT sent by `kill -INT`, the exit
-- status collected.  The shell writes the pid and the status to temporary
-- names first, so that a file which exists is complete; it also notes the
-- time (date +%s%N, nanoseconds) just before the signal and just after the
-- exit, which bench/interrupt.lua reads as the latency.
local M = {}

local Process = {}
Process.__index = Process
local running = {}

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function sleep(s) os.execute("sleep " .. s) end

-- start(bin, args [, opts]) -> process.  opts: env (a table of variables),
-- cwd, dir (the folder for its files; default a fresh one under /tmp, removed by finish).
function M.start(bin, args, opts)
  opts = opts or {}
  local d = opts.dir or assert(io.popen("mktemp -d /tmp/parley-proc.XXXXXX")):read("l")
  local function f(name) return q(d .. "/" .. name) end
  local cmd = { q(bin) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = q(a) end
  cmd = table.concat(cmd, " ")
  local env = {}
  for k, v in pairs(opts.env or {}) do env[#env + 1] = k .. "=" .. q(v) end
  if #env > 0 then cmd = "env " .. table.concat(env, " ") .. " " .. cmd end
  cmd = "exec " .. cmd                      -- the pid the shell notes is parley's own
  if opts.cwd then cmd = "cd " .. q(opts.cwd) .. " && " .. cmd end
  assert(os.execute(("(sh -c %s </dev/null >%s 2>%s & echo $! >%s; mv %s %s; wait $!; echo $? >%s; "
    .. "date +%%s%%N >%s; mv %s %s) >/dev/null 2>&1 &"):format(q(cmd), f("out"), f("err"), f("pid.t"),
    f("pid.t"), f("pid"), f("status.t"), f("ended"), f("status.t"), f("status"))))
  local p = setmetatable({ dir = d, own = not opts.dir }, Process)
  running[#running + 1] = p
  return p
end

function Process:file(name) return read(self.dir .. "/" .. name) or "" end

-- Wait until file `name` holds a match of pattern (plain = true: a plain
-- string), at most `seconds` (default 60); true if it came.
function Process:wait(name, pattern, seconds, plain)
  local deadline = os.time() + (seconds or 60)
  repeat
    if self:file(name):find(pattern, 1, plain) then return true end
    sleep(0.02)
  until os.time() > deadline
  return false
end

-- Wait until fn() is true (polled), at most `seconds`.
function Process:until_true(fn, seconds)
  local deadline = os.time() + (seconds or 60)
  repeat
    if fn() then return true end
    sleep(0.02)
  until os.time() > deadline
  return false
end

function Process:pid()
  assert(self:wait("pid", "%d"), "the process did not start")
  return assert(tonumber(self:file("pid")))
end

function Process:ended() return self:file("status") ~= "" end

-- Send signal sig (default INT), noting the time just before it in the file `sent`.
function Process:kill(sig)
  os.execute(("date +%%s%%N >%s; kill -%s %d 2>/dev/null"):format(q(self.dir .. "/sent"), sig or "INT", self:pid()))
end

-- Wait for the exit (at most `seconds`, default 60; then it is killed):
-- stdout, stderr, exit status (nil if it had to be killed), and the
-- milliseconds from the last signal sent to the exit (nil if none was).
function Process:finish(seconds)
  if not self:wait("status", "%d", seconds or 60) then
    self:kill("KILL")
    self:wait("status", "%d", 10)
    return self:file("out"), self:file("err"), nil, nil
  end
  local sent, ended = tonumber(self:file("sent"):match("%d+")), tonumber(self:file("ended"):match("%d+"))
  local out, err, status = self:file("out"), self:file("err"), tonumber(self:file("status"))
  if self.own then os.execute("rm -rf " .. q(self.dir)) end
  for i = #running, 1, -1 do if running[i] == self then table.remove(running, i) end end
  return out, err, status, sent and ended and (ended - sent) / 1e6 or nil
end

-- Kill whatever is still running (after a failed test), so that nothing hangs.
function M.stop_all()
  for i = #running, 1, -1 do
    local p = running[i]
    if not p:ended() and p:file("pid"):find("%d") then p:kill("KILL") end
    p:finish(10)
    running[i] = nil
  end
end

return M
