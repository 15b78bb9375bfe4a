-- The manifest target: the input is a corpus folder's corpus.lua (run in
-- the data sandbox, then checked: lua/parley/manifest.lua); the folder holds
-- a few small documents of each kind, which an accepted manifest's build reads.
local fuzz = require "fuzz"
local try = fuzz.try
local fs = require "parley.fs"

local dir = fuzz.scratch .. "/manifest"

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function setup()
  fs.mkdir(dir)
  fs.mkdir(dir .. "/sub")
  write(dir .. "/a.txt", "MIKOYAN: We came to talk.\nMcCLOY: Then let us talk.\n")
  write(dir .. "/b.md", "# A telegram\n\nTOP SECRET\n\n1. Stevenson said that the quarantine holds.\n")
  write(dir .. "/sub/c.txt", "Narrative text. The Secretary spoke.\n")
  write(dir .. "/d.xml", [[<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>
<div type="document" xml:id="d1"><head>1. Memorandum</head><p>Text.</p></div></body></text></TEI>]])
  write(dir .. "/people.lua", 'return { { name = "A. I. Mikoyan", aliases = { "Mikoyan" }, side = "USSR" } }')
end

return function(src)
  if not fs.stat(dir .. "/a.txt") then setup() end
  write(dir .. "/corpus.lua", src)
  local c = parley.open(dir, { rebuild = true, threads = 1, progress = false })
  if not c then return end
  try(c.count, c, "the")
  try(function() for d in c:docs() do d:text() end end)
  try(c.regions, c, "document")
  c:close()
end
