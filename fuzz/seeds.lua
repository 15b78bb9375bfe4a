-- Seeds made at `make fuzz` time rather than committed: for the index
-- target (an index is binary), real indexes of small corpora, each kind of
-- document the builder knows; for the Lua targets, the real files of
-- fuzz/borrowed.lua (the bundled corpus's manifest and registers), copied
-- here rather than into spec/fuzz.  Run as `build/parley fuzz/seeds.lua
-- OUT`: writes OUT/corpora/NAME/ (the sources, which the indexes name),
-- OUT/index/NAME (the index seeds) and OUT/TARGET/FILE (the borrowed ones).
local fs = require "parley.fs"

local out = assert(arg[1], "usage: parley fuzz/seeds.lua OUT")

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function mkdirs(path)
  local sofar = path:sub(1, 1) == "/" and "" or "."
  for part in path:gmatch("[^/]+") do
    sofar = sofar .. "/" .. part
    fs.mkdir(sofar)
  end
end

local corpora = {
  -- line ends, a BOM, decomposed accents (NFC changes the text) and a repaired byte: embedded texts and maps
  small = {
    ["corpus.lua"] = [[return { name = "small", documents = {
  { path = "a.txt", grammar = "labelled", date = "1962-11-01" },
  { path = "b.txt", grammar = "transcript" },
  { path = "c.md", grammar = "telegram", date = "1962-11" } } }]],
    ["a.txt"] = "\xEF\xBB\xBFMIKOYAN: The quarantine,\r\nsaid Mikoyan, must end.\r\n\r\nMcCLOY: Guanta\xCC\x81namo is not \xFFnegotiable.\r\n",
    ["b.txt"] = "Mikoyan said that the Soviet Union\rwould remove the missiles.\r\rMcCloy answered: the United States agrees.\n",
    ["c.md"] = "# Telegram\n\nTOP SECRET\n\n1. Stevenson proposed a protocol.\n2. I replied, 2.XI.62, that we refuse.\n",
  },
  -- a TEI volume: a reader's documents, footnotes, page breaks and persons
  tei = { ["vol.xml"] = true },
  -- the least an index holds
  tiny = { ["a.txt"] = "a" },
}

for name, files in pairs(corpora) do
  local dir = out .. "/corpora/" .. name
  mkdirs(dir)
  for file, text in pairs(files) do
    if text == true then
      text = assert(require("parley.data").read(parley.home .. "/spec/fixtures/tei/frus1961-63v04-excerpt.xml"))
    end
    write(dir .. "/" .. file, text)
  end
end
mkdirs(out .. "/index")
local dirs = { bundled = parley.home .. "/corpus", small = out .. "/corpora/small",
               tei = out .. "/corpora/tei", tiny = out .. "/corpora/tiny" }
for name, dir in pairs(dirs) do
  local c = assert(parley.open(dir, { index = out .. "/index/" .. name, repair = true, threads = 1, progress = false }))
  c:close()
end

-- an index of several segments: its list is a seed of the index target, and
-- its segments go to OUT/segments, which the target puts beside the list
do
  local place = out .. "/segmented/index"
  mkdirs(out .. "/segmented")
  local c = assert(parley.open(dirs.small, { index = place, repair = true, threads = 1, progress = false,
                                             segment_mb = 0.000001, rebuild = true }))
  assert(c.ix:stats().segments == 3, "the small corpus in three segments")
  c:close()
  mkdirs(out .. "/segments")
  for _, name in ipairs(fs.dir(place .. ".seg")) do
    write(out .. "/segments/" .. name, assert(require("parley.data").read(place .. ".seg/" .. name)))
  end
  write(out .. "/index/segmented", assert(require("parley.data").read(place)))
end

for target, paths in pairs(dofile(parley.home .. "/fuzz/borrowed.lua")) do
  mkdirs(out .. "/" .. target)
  for _, path in ipairs(paths) do
    write(out .. "/" .. target .. "/" .. path:gsub("/", "-"), assert(require("parley.data").read(parley.home .. "/" .. path)))
  end
end
