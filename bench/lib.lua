-- Helpers for bench/run.lua: shell commands, timing (hyperfine when present, else
-- bash's `time`), peak memory (/usr/bin/time), number formatting and an aligned
-- table.  Nothing here raises on a failed command: results carry ok/err instead.
local concat, sort, floor = table.concat, table.sort, math.floor

local M = {}

-- A string quoted for sh.
function M.shq(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Run a shell command; true if it exited 0, with its exit code.
function M.run(cmd)
  local ok, how, code = os.execute(cmd)
  if how == "signal" then return false, 128 + code end
  return ok == true, code or 0
end

-- Standard output of a shell command (stderr discarded), or nil.
function M.capture(cmd)
  local p = io.popen(cmd .. " 2>/dev/null", "r")
  if not p then return nil end
  local out = p:read("a")
  p:close()
  return out
end

M.read = require("parley.data").read

-- options(args, defaults, name) -> defaults with "--key value" pairs of args
-- applied (numbers where the default is one); an unknown option exits 2.
function M.options(args, defaults, name)
  local out, i = {}, 1
  for k, v in pairs(defaults) do out[k] = v end
  while args[i] do
    local key = args[i]:match("^%-%-(.+)$")
    if not key or defaults[key] == nil then
      io.stderr:write(name, ": unknown argument ", args[i], "\n")
      os.exit(2)
    end
    local v = args[i + 1]
    out[key] = type(defaults[key]) == "number" and tonumber(v) or v
    i = i + 2
  end
  return out
end

function M.write(path, s)
  local f = assert(io.open(path, "wb"))
  assert(f:write(s))
  assert(f:close())
end

function M.have(prog)
  return M.run("command -v " .. M.shq(prog) .. " >/dev/null 2>&1")
end

function M.median(list)
  local t = {}
  for i, v in ipairs(list) do t[i] = v end
  sort(t)
  local n = #t
  if n == 0 then return nil end
  if n % 2 == 1 then return t[(n + 1) // 2] end
  return (t[n // 2] + t[n // 2 + 1]) / 2
end

local function first_line(s)
  return (s or ""):match("^%s*([^\n]*)") or ""
end

M.first_line = first_line

-- A timer: { name, time(cmd, runs) -> list of seconds | nil, err }.  hyperfine
-- subtracts the shell's own start-up; the fallback measures `sh -c :` and subtracts
-- it the same way.  Output goes through a pipe and is then discarded, never straight
-- to /dev/null: GNU grep notices /dev/null and stops at the first match.
function M.timer(tmp)
  if M.have("hyperfine") then
    local version = first_line(M.capture("hyperfine --version"))
    return {
      name = version .. " (median, output piped; shell start-up subtracted)",
      time = function(cmd, runs)
        local json = tmp .. "/hyperfine.json"
        os.remove(json)
        local ok = M.run(("hyperfine --runs %d --output pipe --style none --ignore-failure --export-json %s %s"
          .. " >%s/hyperfine.log 2>&1"):format(runs, M.shq(json), M.shq(cmd), tmp))
        local text = M.read(json)
        local times = text and text:match('"times"%s*:%s*%[(.-)%]')
        if not ok or not times then
          return nil, "hyperfine failed: " .. first_line(M.read(tmp .. "/hyperfine.log"))
        end
        local list = {}
        for v in times:gmatch("[%d%.eE+-]+") do list[#list + 1] = tonumber(v) end
        return list
      end,
    }
  end
  local function once(cmd)
    local out = tmp .. "/bash-time"
    M.run(("bash -c %s >/dev/null 2>%s"):format(M.shq("TIMEFORMAT=%3R; time { sh -c "
      .. M.shq(cmd) .. " 2>/dev/null | cat >/dev/null; }"), out))
    return tonumber((M.read(out) or ""):match("([%d%.]+)%s*$"))
  end
  local base = {}
  for i = 1, 5 do base[i] = once(":") or 0 end
  local shell = M.median(base)
  return {
    name = ("bash time (median, 1 ms resolution, output piped to cat; sh start-up %.1f ms "
      .. "subtracted)"):format(shell * 1e3),
    time = function(cmd, runs)
      local list = {}
      for i = 1, runs do
        local s = once(cmd)
        if not s then return nil, "bash time failed" end
        list[i] = math.max(0, s - shell)
      end
      return list
    end,
  }
end

M.MIN_TIME, M.MAX_RUNS = 1.0, 30

-- Measure a shell command.  First a probe run under /usr/bin/time (if present):
-- its exit status, stderr, peak RSS and stdout (kept in a file for the caller to
-- check); then `runs` timed runs, fewer if the probe says they would take longer
-- than `budget` seconds, more (up to MAX_RUNS) if less than MIN_TIME.  opts: timer,
-- tmp, runs, budget, ok_codes (exit codes that are not failures, e.g. grep's 1).
-- Returns { ok, err, seconds, runs, rss_kib, out (path), lines, first }.
function M.measure(cmd, opts)
  local tmp, out, err, tf = opts.tmp, opts.tmp .. "/out", opts.tmp .. "/err", opts.tmp .. "/time"
  os.remove(tf)
  local timed = M.have_time and ("/usr/bin/time -f '%%e %%M' -o %s "):format(tf) or ""
  local _, code = M.run(("%ssh -c %s >%s 2>%s"):format(timed, M.shq(cmd), out, err))
  local okc = opts.ok_codes or { [0] = true }
  if not okc[code] then
    local msg = first_line(M.read(err))
    if msg:find("^Command exited with non%-zero status") then msg = "" end
    return { ok = false, err = msg ~= "" and msg or ("exit status " .. code) }
  end
  local probe, rss = (M.read(tf) or ""):match("([%d%.]+)%s+(%d+)%s*$")
  probe, rss = tonumber(probe), tonumber(rss)
  local r = { ok = true, rss_kib = rss, out = out, first = nil, lines = 0 }
  local f = io.open(out, "rb")
  if f then
    r.first = f:read("l")
    r.lines = r.first and 1 or 0
    for _ in f:lines() do r.lines = r.lines + 1 end
    f:close()
  end
  local runs, budget = opts.runs or 5, opts.budget or 60
  if probe and probe * runs > budget then
    runs = math.max(1, floor(budget / probe))
  elseif probe and probe * runs < M.MIN_TIME then  -- fast: more runs, a steadier median
    runs = math.min(M.MAX_RUNS, math.ceil(M.MIN_TIME / math.max(probe, 0.005)))
  end
  if runs < 2 and probe then
    r.seconds, r.runs = probe, 1
    return r
  end
  local list, terr = opts.timer.time(cmd, runs)
  if not list then return { ok = false, err = terr } end
  r.seconds, r.runs = M.median(list), #list
  return r
end

M.have_time = io.open("/usr/bin/time", "rb") ~= nil

-- The bytes of the index at path: the file, and its segments (path.seg/) if it has any; nil if there is none.
function M.index_bytes(path)
  local n = tonumber((M.capture("du -sb " .. M.shq(path) .. " 2>/dev/null") or ""):match("^(%d+)"))
  if not n then return nil end
  local segs = tonumber((M.capture("du -sb " .. M.shq(path .. ".seg") .. " 2>/dev/null") or ""):match("^(%d+)"))
  return n + (segs or 0)
end

-- "3.1 ms", "1.20 s", "–" for nil.
function M.secs(s)
  if not s then return "–" end
  if s < 0 then s = 0 end
  if s < 0.01 then return ("%.2f ms"):format(s * 1e3) end
  if s < 1 then return ("%.0f ms"):format(s * 1e3) end
  if s < 100 then return ("%.2f s"):format(s) end
  return ("%.0f s"):format(s)
end

-- A round limit in seconds: "1 ms", "50 ms", "6 s".
function M.limit(s)
  if s < 1 then return ("%g ms"):format(s * 1e3) end
  return ("%g s"):format(s)
end

-- parley time ÷ peer time, "0.05×".
function M.ratio(a, b)
  if not a or not b or b <= 0 then return "–" end
  local x = a / b
  return x < 0.1 and ("%.3f×"):format(x) or x < 10 and ("%.2f×"):format(x) or ("%.0f×"):format(x)
end

-- Thousands separated with a thin space, as the README does (9 312).
function M.int(n)
  local s = tostring(floor(n + 0.5))
  local head, tail = s:match("^(%-?%d-)(%d*)$")
  return head .. tail:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", "")
end

local function width(s) return utf8.len(s) or #s end

-- An aligned table.  columns: list of { title, right = bool }; rows: lists of
-- cells (strings), or the string "-" for a rule.  Returns the text.
function M.table(columns, rows)
  local w = {}
  for i, c in ipairs(columns) do w[i] = width(c[1]) end
  for _, row in ipairs(rows) do
    if type(row) == "table" then
      for i = 1, #columns do w[i] = math.max(w[i], width(row[i] or "")) end
    end
  end
  local function line(cells)
    local out = {}
    for i, c in ipairs(columns) do
      local s = cells[i] or ""
      local pad = (" "):rep(w[i] - width(s))
      out[i] = c.right and pad .. s or s .. pad
    end
    return (concat(out, "  "):gsub("%s+$", ""))
  end
  local rule, titles = {}, {}
  for i, c in ipairs(columns) do rule[i], titles[i] = ("─"):rep(w[i]), c[1] end
  local lines = { line(titles), concat(rule, "  ") }
  for _, row in ipairs(rows) do
    lines[#lines + 1] = row == "-" and concat(rule, "  ") or line(row)
  end
  return concat(lines, "\n")
end

-- Start `parley watch` over the corpus folder dir (bin: the parley command,
-- shell-quoted) and wait, at most a minute, until an open says it is watched.
-- -> the watcher's pid (stop it with M.stop_watcher), or nil, why
function M.start_watcher(bin, dir)
  local pid = tonumber(M.capture(("%s watch --corpus %s >/dev/null 2>/dev/null & echo $!"):format(bin, M.shq(dir))))
  if not pid then return nil, "the watcher did not start" end
  local probe = ("%s -e %s"):format(bin, M.shq(("io.write(tostring(parley.open(%q).watched))"):format(dir)))
  for _ = 1, 600 do
    if M.capture(probe) == "true" then return pid end
    M.run("sleep 0.1")
  end
  M.stop_watcher(pid)
  return nil, "the watcher did not vouch for the index within a minute"
end

-- Stop a watcher of M.start_watcher (Ctrl-C, which removes its socket).
function M.stop_watcher(pid)
  if pid then M.run("kill -INT " .. pid .. " 2>/dev/null; sleep 0.3") end
end

return M
