-- What an update of a large corpus costs: the benchmark archive (200 MB,
-- 12 000 documents, bench/gen.lua's) is indexed from scratch, then, as whole
-- processes, a document is added (a file and its manifest entry) and a word
-- of it counted, and a source is changed (a sentence appended) and counted
-- again; each run adds or changes another.  The index is in segments
-- (lua/parley/segments.lua): an update rebuilds one segment and the list.
-- Beside them: the build from scratch in the same run, and the target (1 s).
-- The corpus is left as it was found (added files and entries removed, the
-- changed source cut back), and its index brought back up to date.
-- Run: build/parley bench/update.lua [--mb N] [--runs N] [--dir DIR]
local lib = require "lib"
local synth = require "synth"

local opts = lib.options(arg, { mb = 200, runs = 3, dir = false }, "bench/update.lua")
local MB, RUNS = tonumber(opts.mb), tonumber(opts.runs)
local dir = opts.dir or ("/tmp/parley-bench-%g"):format(MB)
local shq = lib.shq
local BIN = shq(arg[-1] or "build/parley")
local function log(...) io.stderr:write(..., "\n") end
local stamp = synth.ensure(dir, MB, log)

local manifest = dir .. "/corpus.lua"
local original = assert(lib.read(manifest))
local changed = dir .. "/docs/00001.txt"
local changed_text = assert(lib.read(changed))

-- wall seconds of a shell command (it must succeed)
local function wall(cmd)
  local t = lib.capture("date +%s%N")
  local ok = os.execute(cmd .. " >/dev/null")
  assert(ok, "failed: " .. cmd)
  return (tonumber(lib.capture("date +%s%N")) - tonumber(t)) / 1e9
end

local function count(word)
  return ("%s -e %s"):format(BIN, shq(("print(assert(parley.open(%q)):count(%q))"):format(dir, word)))
end

local build = wall(("%s -e %s"):format(BIN, shq(("local c = assert(parley.open(%q, { rebuild = true })) "
  .. "io.stderr:write(c.ix:stats().segments, ' segments\\n')"):format(dir))))
local added, modified = {}, {}
for r = 1, RUNS do
  local word = ("zyzzyva%d"):format(r)
  lib.write(("%s/docs/added-%d.txt"):format(dir, r), ("An added telegram about the %s protocol.\n"):format(word))
  local m = assert(lib.read(manifest)):gsub("\n  },\n}%s*$", ("\n    { id = \"added-%d\", path = \"docs/added-%d.txt\", "
    .. "title = \"Added\", date = \"1962-11-03\", type = \"telegram\" },\n  },\n}\n"):format(r, r))
  lib.write(manifest, m)
  added[r] = wall(count(word))
  local f = assert(io.open(changed, "ab"))
  f:write(("A sentence appended about %sb.\n"):format(word))
  f:close()
  modified[r] = wall(count(word .. "b"))
end
-- as it was
lib.write(manifest, original)
lib.write(changed, changed_text)
for r = 1, RUNS do os.remove(("%s/docs/added-%d.txt"):format(dir, r)) end
os.execute(count("the") .. " >/dev/null")

local rows = {
  { "build from scratch", lib.secs(build), "–", "1×" },
  { "add a document, count its word", lib.secs(lib.median(added)), "≤ 1 s", lib.ratio(lib.median(added), build) },
  { "change a source, count its word", lib.secs(lib.median(modified)), "≤ 1 s", lib.ratio(lib.median(modified), build) },
}
print(("\nparley update benchmark: %s, %.0f MB in %s documents; median of %d whole-process runs\n")
  :format(dir, stamp.bytes / 1e6, lib.int(stamp.documents), RUNS))
print(lib.table({ { "update" }, { "parley", right = true }, { "target", right = true },
  { "÷ build", right = true } }, rows))
