-- parley's archive benchmark: a whole TEI archive (the FRUS sample, 43 volumes of
-- XML) indexed and queried as whole processes, beside ripgrep over the same XML in
-- the same run.  The archive is read in place; its index goes to a temporary cache
-- folder (XDG_CACHE_HOME), as for any read-only corpus.  Prints one table.
-- Run: build/parley bench/archive.lua [--dir DIR] [--runs N] (or `make bench`).
local lib = require "lib"

local args = lib.options(arg, { dir = false, runs = 5 }, "bench/archive.lua")
if not args.dir then args.dir = nil end

local root = (parley.home or ".")
local dir = args.dir or (root .. "/../shared/corpora/frus")
local st = require("parley.fs").stat(dir)
if not st or st.type ~= "directory" then
  io.stderr:write("bench/archive.lua: no archive at ", dir, " (give --dir DIR)\n")
  os.exit(1)
end

local tmp = lib.capture("mktemp -d /tmp/parley-archive-bench.XXXXXX"):gsub("%s+$", "")
local cache = tmp .. "/cache"
lib.run("mkdir -p " .. lib.shq(cache))
local timer = lib.timer(tmp)
local bin = lib.shq((arg[-1] or "build/parley"))
local env = "XDG_CACHE_HOME=" .. lib.shq(cache) .. " "
local D = lib.shq(dir)

-- the XML's size
local bytes = 0
for line in lib.capture("du -b --apparent-size " .. D .. "/*.xml"):gmatch("[^\n]+") do
  bytes = bytes + (tonumber(line:match("^(%d+)")) or 0)
end
local mb = bytes / 1e6

local function measure(cmd, ok_codes)
  local r = lib.measure(cmd, { timer = timer, tmp = tmp, runs = args.runs, budget = 60, ok_codes = ok_codes })
  if not r.ok then io.stderr:write("bench/archive.lua: ", cmd, ": ", r.err, "\n") end
  return r
end

local rare, frequent = "quarantine", "cuba"
local rows = {}
local build = measure(env .. bin .. " -e " .. lib.shq(("parley.open(%q, { rebuild = true, progress = false })"):format(dir)))
local idx = lib.capture("find " .. lib.shq(cache) .. " -name index -type f -printf '%s\\n'"):match("(%d+)")
local open = measure(env .. bin .. " -e " .. lib.shq(("parley.open(%q)"):format(dir)))
local startup = measure(bin .. " -e ''")
local kwic = measure(env .. bin .. " kwic " .. rare .. " --corpus " .. D .. " --format tsv")
local rg_rare = measure("rg -c -i -w " .. rare .. " " .. D, { [0] = true, [1] = true })
local timeline = measure(env .. bin .. " timeline " .. frequent .. " --corpus " .. D .. " --by month --format tsv")
local rg_freq = measure("rg -c -i -w " .. frequent .. " " .. D, { [0] = true, [1] = true })

local function rate(r) return r.seconds and ("%.0f MB/s"):format(mb / r.seconds) or "–" end
local function mib(kib) return kib and ("%.0f MiB"):format(kib / 1024) or "–" end
rows[#rows + 1] = { "build (2 cores)", lib.secs(build.seconds), rate(build), "≥ 40 MB/s", "" }
rows[#rows + 1] = { "build peak memory", mib(build.rss_kib), build.rss_kib and ("%.2f× the XML"):format(build.rss_kib * 1024 / bytes) or "–", "", "" }
rows[#rows + 1] = { "index size", idx and ("%.0f MB"):format(tonumber(idx) / 1e6) or "–", idx and ("%.2f× the XML"):format(tonumber(idx) / bytes) or "–", "", "" }
rows[#rows + 1] = { "open (net of start-up)", lib.secs(open.seconds and open.seconds - (startup.seconds or 0)), "", "≤ 10 ms", "" }
rows[#rows + 1] = "-"
rows[#rows + 1] = { ("rare-word KWIC (%s, %d hits)"):format(rare, math.max(0, (kwic.lines or 1) - 1)), lib.secs(kwic.seconds), "",
                    "faster than rg -c", ("rg -c %s (%s)"):format(lib.secs(rg_rare.seconds), lib.ratio(kwic.seconds, rg_rare.seconds)) }
rows[#rows + 1] = { ("timeline by month (%s)"):format(frequent), lib.secs(timeline.seconds), "",
                    "faster than rg -c", ("rg -c %s (%s)"):format(lib.secs(rg_freq.seconds), lib.ratio(timeline.seconds, rg_freq.seconds)) }

local shown = dir:sub(1, #root + 1) == root .. "/" and dir:sub(#root + 2) or dir   -- as the repository names it
print(("Archive benchmark: %s (%.1f MB of TEI XML); timer: %s"):format(shown, mb, timer.name))
print(lib.table({ { "measure" }, { "parley", right = true }, { "" }, { "target" }, { "peer, same run (parley ÷ peer)" } }, rows))
lib.run("rm -rf " .. lib.shq(tmp))
