-- How parley grows with the archive: for synthetic corpora of several sizes
-- (bench/gen.lua's, the same seed, so each holds the same kind of text),
-- the build (wall time, rate, peak memory), the index's size, and whole-
-- process latencies of an open (sources statted, and with `parley watch`
-- running), a rare word's count and full KWIC, a frequent word's full KWIC,
-- and the frequency list, beside ripgrep's scan for the rare word over the
-- same text in the same run.  Prints one table; docs/scale.md holds its
-- figures.  Corpora are made under /tmp/parley-scale-MB (or reused: the
-- generator's stamp) unless --dirs names them.
-- Run: build/parley bench/scale.lua [--mb 50,100,200,400] [--runs N] [--dirs D1,D2,…]
local lib = require "lib"
local synth = require "synth"

local opts = lib.options(arg, { mb = "50,100,200,400", runs = 3, dirs = false }, "bench/scale.lua")
local shq = lib.shq
local BIN = shq(arg[-1] or "build/parley")

local sizes, dirs = {}, {}
for mb in tostring(opts.mb):gmatch("[^,]+") do sizes[#sizes + 1] = assert(tonumber(mb), "--mb: numbers") end
if opts.dirs then for d in tostring(opts.dirs):gmatch("[^,]+") do dirs[#dirs + 1] = d end end

local tmp = lib.capture("mktemp -d /tmp/parley-scale-run.XXXXXX"):gsub("%s+$", "")
local timer = lib.timer(tmp)
local mopts = { tmp = tmp, timer = timer, runs = tonumber(opts.runs), budget = 120 }
local function log(...) io.stderr:write(..., "\n") end

local function corpus(i, mb)
  local dir = dirs[i] or ("/tmp/parley-scale-%g"):format(mb)
  return dir, synth.ensure(dir, mb, log)
end

local function e(code) return BIN .. " -e " .. shq(code) end

local rows = {}
for i, mb in ipairs(sizes) do
  local dir, facts = corpus(i, mb)
  local rare, frequent = facts.words.rare.query, facts.words.frequent.query
  local D = ("%q"):format(dir)
  log(("%g MB: build ..."):format(mb))
  local build = lib.measure(e(("parley.open(%s, { rebuild = true })"):format(D)), { tmp = tmp, timer = timer, runs = 1 })
  local size = lib.index_bytes(dir .. "/.parley/index")
  log(("%g MB: queries ..."):format(mb))
  local open = lib.measure(e(("parley.open(%s, { watch = false })"):format(D)), mopts)
  local count = lib.measure(e(("print(parley.open(%s, { watch = false }):count(%q))"):format(D, rare)), mopts)
  local kwic = lib.measure(("%s kwic %s --corpus %s --format tsv"):format(BIN, shq(rare), shq(dir)), mopts)
  local fkwic = lib.measure(("%s kwic %s --corpus %s --format tsv"):format(BIN, shq(frequent), shq(dir)), mopts)
  local freq = lib.measure(e(("io.write(parley.open(%s):freq():tsv())"):format(D)), mopts)
  local rg = lib.measure(("rg -w -i %s %s"):format(shq(facts.words.rare.words), shq(dir .. "/docs")),
    { tmp = tmp, timer = timer, runs = mopts.runs, budget = 120, ok_codes = { [0] = true, [1] = true } })
  -- with the watcher running
  local pid, why = lib.start_watcher(BIN, dir)
  if not pid then log(("%g MB: %s; the watched figures are without one"):format(mb, why)) end
  local wopen = lib.measure(e(("parley.open(%s)"):format(D)), mopts)
  local wkwic = lib.measure(("%s kwic %s --corpus %s --format tsv"):format(BIN, shq(rare), shq(dir)), mopts)
  lib.stop_watcher(pid)
  local function t(r) return r.ok and lib.secs(r.seconds) or "n/a" end
  rows[#rows + 1] = {
    ("%g MB"):format(mb), lib.int(facts.documents),
    t(build), build.ok and ("%.1f MB/s"):format(facts.bytes / 1e6 / build.seconds) or "n/a",
    build.rss_kib and ("%.0f MiB"):format(build.rss_kib / 1024) or "n/a",
    size and ("%.0f MB (%.2f×)"):format(size / 1e6, size / facts.bytes) or "n/a",
    t(open), t(wopen), t(count), t(kwic), t(wkwic), t(fkwic), t(freq), t(rg),
  }
end
lib.run("rm -rf " .. shq(tmp))

print(lib.table({ { "corpus" }, { "documents", right = true }, { "build", right = true },
  { "rate", right = true }, { "peak", right = true }, { "index", right = true },
  { "open", right = true }, { "open (watched)", right = true }, { "rare: count", right = true },
  { "rare: KWIC", right = true }, { "rare: KWIC (watched)", right = true },
  { "frequent: KWIC", right = true }, { "freq list", right = true }, { "rg rare", right = true } }, rows))
print(("whole-process wall time, median of %d runs (more when quick); the build with the default "
  .. "threads (one per core: %s); peak = the build's resident memory."):format(mopts.runs,
  lib.capture("nproc"):gsub("%s+$", "")))
