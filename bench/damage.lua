-- Damage trials: random single-bit flips and truncations of a multi-block
-- index (at least 20 MB, made from copies of the bundled documents in a
-- temporary folder), each on a fresh copy, each followed by a fixed query set
-- (spec/damage.lua) run by the parley binary under test in a process of its
-- own; every trial is classified against the undamaged index's answers:
--
--   same      every answer as the undamaged index's, no damage seen (a block
--             no query read)
--   detected  the damage error naming the index, or a rebuild, and every
--             other answer the same
--   wrong     an answer that differs, or an error other than the damage error
--   crash     a signal, or a sanitizer's report on stderr
--
-- A wrong answer or a crash is a bug.  Seeded: the same options give the same
-- trials.  Not part of `make bench` (it takes some 40 minutes on one core with the
-- default counts); run from the repository:
--
--   build/parley bench/damage.lua [--bin build/parley] [--flips 10000] [--truncs 1000]
--       [--seed 1962] [--copies 250] [--rebuilds 20] [--dir DIR] [--shard K --shards N]
--   build/parley bench/damage.lua --bin build/asan/parley --flips 2000 --truncs 200
--
-- With --shards N, this run makes only the trials i with i % N == K (the
-- trials are drawn as without shards): N runs with their own --dir on N cores
-- make the whole set between them; add up their tables.  --from I starts
-- at trial I (of the flips; the truncations follow them), drawn as
-- without it; --corpus DIR uses the corpus folder of another run (read only).
--
-- A damaged header or structural table (and every truncation) fails the
-- open, which then rebuilds the index (parley.open): the first --rebuilds such
-- trials go through that rebuild and compare its answers; later ones stop at
-- the failed open, which is then counted as detected, so that a thousand
-- truncations do not cost a thousand builds.
local lib = require "lib"
local fs = require "parley.fs"

local root = assert(io.popen("pwd")):read("l")
local D = dofile(root .. "/spec/damage.lua")
local o = lib.options(arg, { bin = "build/parley", flips = 10000, truncs = 1000, seed = 1962, copies = 250,
                             rebuilds = 20, dir = "", shard = 0, shards = 1, from = 1, corpus = "" },
                      "bench/damage.lua")
local bin = o.bin:sub(1, 1) == "/" and o.bin or root .. "/" .. o.bin
local shq = lib.shq

-- The queries of the set run per trial: those that cost little on an index
-- of this size (the whole-corpus n-grams, the KWIC of "the", the exact
-- frequency list and the speakers are left to the spec, whose index is small).
local NAMES = {}
for _, n in ipairs({ "count", "kwic", "kwic-turn", "freq", "freq-telegram", "ngrams-doc", "regions",
                     "sentences", "texts", "lines", "tokens", "lexicon", "pattern" }) do
  NAMES[n] = true
end

local top = o.dir ~= "" and o.dir or assert(io.popen("mktemp -d /tmp/parley-damage.XXXXXX")):read("l")
local dir, pristine, work = o.corpus ~= "" and o.corpus or top .. "/corpus", top .. "/pristine.index",
  top .. "/index"

local function sh(cmd) assert(os.execute(cmd), cmd) end

if not fs.stat(dir .. "/corpus.lua") then
  sh("mkdir -p " .. shq(dir))
  D.corpus(dir, root, o.copies)
end
if not fs.stat(pristine) then
  local c = assert(require("parley").open(dir, { index = pristine, progress = false }))
  c:close()
end
local data = assert(lib.read(pristine))
assert(#data >= 20e6, ("the index is %.1f MB; use more --copies"):format(#data / 1e6))

-- The trial's script: the query set over the index at work; with quick, an
-- index that does not open is reported as such, without the rebuild.
local script = top .. "/trial.lua"
do
  local names = {}
  for n in pairs(NAMES) do names[#names + 1] = ("[%q] = true"):format(n) end
  local f = assert(io.open(script, "w"))
  f:write(([[
local D = dofile(%q)
if arg[1] == "quick" then
  local ix, err = require("parley.index").open(%q)
  if not ix then print("open\tfail\t" .. tostring(err):gsub("\n", " ")) return end
  ix:close()
end
print(table.concat(D.run(%q, %q, { %s }), "\n"))
]]):format(root .. "/spec/damage.lua", work, dir, work, table.concat(names, ", ")))
  f:close()
end

-- Run one trial's process: its stdout, stderr, and how it ended.
local function run(quick)
  local out, err = top .. "/out", top .. "/err"
  local ok, how, code = os.execute(("ASAN_OPTIONS=detect_leaks=0 %s %s %s >%s 2>%s </dev/null")
    :format(shq(bin), shq(script), quick and "quick" or "full", shq(out), shq(err)))
  local status = ok and 0 or (how == "signal" and 128 + code or code)
  return lib.read(out) or "", lib.read(err) or "", status
end

local function parse(out)
  local t = {}
  for line in out:gmatch("[^\n]+") do
    local name, status, digest = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
    if name then t[name] = { status, digest } end
  end
  return t
end

-- The undamaged answers.
local function restore_all()
  local f = assert(io.open(work, "wb"))
  f:write(data)
  f:close()
end
restore_all()
local base_out, base_err, base_code = run(false)
local baseline = parse(base_out)
assert(base_code == 0 and baseline.open and baseline.open[1] == "fast", "the undamaged index: " .. base_out .. base_err)
for n in pairs(NAMES) do assert(baseline[n] and baseline[n][1] == "ok", n .. ": " .. base_out) end

-- Classify one trial's process.
local rebuilds_left = o.rebuilds
local function classify(out, err, status)
  if status > 128 or err:find("Sanitizer", 1, true) or err:find("runtime error:", 1, true) then
    return "crash", ("status %d: %s"):format(status, err:sub(1, 300))
  end
  local got = parse(out)
  if not got.open then return "wrong", ("status %d, no answers: %s"):format(status, (out .. err):sub(1, 300)) end
  local detected = got.open[1] == "built" or got.open[1] == "fail"
  if got.open[1] == "fail" then return "detected" end
  for n in pairs(NAMES) do
    local a = got[n]
    if not a then return "wrong", n .. ": no answer" end
    if a[1] == "damaged" then detected = true
    elseif a[1] ~= "ok" then return "wrong", n .. ": " .. a[1] .. " " .. (a[2] or "")
    elseif a[2] ~= baseline[n][2] then return "wrong", n .. ": a different answer" end
  end
  if status ~= 0 then return "wrong", ("status %d: %s"):format(status, err:sub(1, 300)) end
  return detected and "detected" or "same"
end

-- Put the working copy back as the pristine one: undo the damage in place
-- when the file is still there (moved aside by a query: moved back), else
-- write it whole (rebuilt, or truncated).
local function restore(undo)
  if not fs.stat(work) and fs.stat(work .. ".damaged") then os.rename(work .. ".damaged", work) end
  local st = fs.stat(work)
  if st and st.size == #data and undo then
    undo()
  else
    restore_all()
  end
end

local function patch(off, byte)
  local f = assert(io.open(work, "r+b"))
  f:seek("set", off)
  f:write(string.char(byte))
  f:close()
end

-- every trial's class, as it is known (a run stopped early still says what it found)
local log = assert(io.open(top .. "/trials.log", "a"))
local seed = math.tointeger(o.seed)
math.randomseed(seed)
local tally = { flip = {}, trunc = {} }
local examples = {}
local t0 = os.time()

local function trial(kind, i)
  local quick = rebuilds_left <= 0
  local undo
  local off, bit = math.random(0, #data - 1), math.random(0, 7)   -- drawn for every trial, of every shard
  if i % math.tointeger(o.shards) ~= math.tointeger(o.shard) or (kind == "flip" and i < o.from) then return end
  if kind == "flip" then
    patch(off, data:byte(off + 1) ~ (1 << bit))
    undo = function() patch(off, data:byte(off + 1)) end
  else
    sh(("truncate -s %d %s"):format(off, shq(work)))
  end
  local out, err, status = run(quick)
  local class, why = classify(out, err, status)
  if parse(out).open and parse(out).open[1] == "built" then rebuilds_left = rebuilds_left - 1 end
  tally[kind][class] = (tally[kind][class] or 0) + 1
  log:write(("%s\t%d\t%s\t%s\n"):format(kind, i, class, why or ""))
  log:flush()
  if (class == "wrong" or class == "crash") and #examples < 40 then
    examples[#examples + 1] = ("%s %d: %s: %s"):format(kind, i, class, why)
    os.execute(("cp %s %s"):format(shq(work), shq(top .. "/" .. kind .. "-" .. i .. ".index")))
  end
  restore(undo)
end

for i = 1, o.flips do
  trial("flip", i)
  if i % 500 == 0 then io.stderr:write(("%d flips, %d s\n"):format(i, os.time() - t0)) end
end
for i = 1, o.truncs do
  trial("trunc", i)
  if i % 100 == 0 then io.stderr:write(("%d truncations, %d s\n"):format(i, os.time() - t0)) end
end

print(("damage trials: %s, index %.1f MB (%d copies of the bundled documents), seed %d, shard %d of %d, %d s")
  :format(o.bin, #data / 1e6, o.copies, seed, o.shard, o.shards, os.time() - t0))
local rows = { { "trials", "n", "same", "detected", "wrong", "crash" } }
for _, k in ipairs({ { "flip", "bit flips" }, { "trunc", "truncations" } }) do
  local t = tally[k[1]]
  rows[#rows + 1] = { k[2], tostring((t.same or 0) + (t.detected or 0) + (t.wrong or 0) + (t.crash or 0)),
                      tostring(t.same or 0), tostring(t.detected or 0), tostring(t.wrong or 0), tostring(t.crash or 0) }
end
for _, r in ipairs(rows) do print(("%-12s %7s %7s %9s %6s %6s"):format(table.unpack(r))) end
for _, e in ipairs(examples) do print(e) end
if o.dir == "" and #examples == 0 then os.execute("rm -rf " .. shq(top)) end
if #examples > 0 then print("damaged copies kept in " .. top) end
