-- Writes the benchmark's synthetic corpus: OUTDIR/docs/NNNNN.txt and the manifest
-- OUTDIR/corpus.lua, MB megabytes (10^6 bytes) of archival English, the same for
-- the same seed.  Run: build/parley bench/gen.lua OUTDIR [MB] [SEED]  (200, 1962)
local synth = require "synth"

local dir = arg[1]
local mb = tonumber(arg[2] or synth.DEFAULT_MB)
local seed = math.tointeger(tonumber(arg[3] or synth.DEFAULT_SEED))
if not dir or not mb or mb <= 0 or not seed then
  io.stderr:write("usage: parley bench/gen.lua OUTDIR [MB] [SEED]\n")
  os.exit(2)
end

local t0 = os.time()
local facts = synth.generate { dir = dir, mb = mb, seed = seed,
  log = function(msg) io.stderr:write(msg, "\n") end }
local secs = math.max(facts.seconds, 1e-3)
print(("wrote %d documents, %.1f MB to %s in %.1f s CPU (%.1f MB/s), %d s wall")
  :format(facts.documents, facts.bytes / 1e6, dir, secs, facts.bytes / 1e6 / secs, os.time() - t0))
print("vocabulary: " .. facts.vocabulary)
for _, key in ipairs { "rare", "frequent", "phrase" } do
  local w = facts.words[key]
  print(("%-8s  %-18s injected %d times (%d per 200 MB wanted)")
    :format(key, w.words, w.injected, w.per200))
end
