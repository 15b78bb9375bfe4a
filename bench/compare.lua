-- parley's compare benchmark: a report held against a record as whole processes,
-- beside a peer doing the same kind of work in Python with NLTK (bench/compare_peer.py)
-- over the same texts in the same run.  Pairs: the bundled telegram against the dinner
-- record, and, from the FRUS sample, the longest telegrams of a volume (about ten pages)
-- against its longest memoranda of conversation (about thirty pages).  Prints one table.
-- Run: build/parley bench/compare.lua [--dir DIR] [--volume ID] [--runs N] (or `make bench`).
local lib = require "lib"

local args = lib.options(arg, { dir = false, volume = "frus1964-68v17", runs = 5 }, "bench/compare.lua")
if not args.dir then args.dir = nil end

local root = parley.home or "."
local archive = args.dir or (root .. "/../shared/corpora/frus")
local tmp = lib.capture("mktemp -d /tmp/parley-compare-bench.XXXXXX"):gsub("%s+$", "")
local timer = lib.timer(tmp)
local bin = lib.shq(arg[-1] or "build/parley")
-- Debian's Python, which has python3-nltk, before any other on the PATH
local python = io.open("/usr/bin/python3", "rb") and "/usr/bin/python3" or "python3"

-- The words of a list of documents, and their text in one file for the peer.
local function export(corpus, ids, path)
  local parts, words = {}, 0
  for _, id in ipairs(ids) do
    local d = corpus:doc(id)
    parts[#parts + 1] = d:text()
    for _, t in ipairs(d:tokens()) do if t.kind == "word" or t.kind == "number" then words = words + 1 end end
  end
  lib.write(path, table.concat(parts, "\n\n"))
  return words
end

local function lua_list(ids)
  local q = {}
  for i, id in ipairs(ids) do q[i] = ("%q"):format(id) end
  return "{" .. table.concat(q, ",") .. "}"
end

local rows = {}
-- Each corpus's index in the temporary folder (a read-only archive's would go to the user's cache).
local function pair(name, dir, report, record)
  local index = tmp .. "/" .. (#rows + 1) .. ".index"
  local c = assert(parley.open(dir, { progress = false, index = index }))
  local rw = export(c, report, tmp .. "/report.txt")
  local cw = export(c, record, tmp .. "/record.txt")
  local code = ("local c = parley.open(%q, { index = %q }); local claims = c:compare(%s, %s); print(#claims)")
    :format(dir, index, lua_list(report), lua_list(record))
  local mine = lib.measure(bin .. " -e " .. lib.shq(code), { timer = timer, tmp = tmp, runs = args.runs, budget = 60 })
  local peer = lib.measure(python .. " " .. lib.shq(root .. "/bench/compare_peer.py") .. " "
    .. lib.shq(tmp .. "/report.txt") .. " " .. lib.shq(tmp .. "/record.txt"), { timer = timer, tmp = tmp, runs = args.runs, budget = 60 })
  if not peer.ok then io.stderr:write("bench/compare.lua: the NLTK peer failed: ", tostring(peer.err), "\n") end
  rows[#rows + 1] = { name, ("%d / %d words (≈ %d / %d pages)"):format(rw, cw, math.floor(rw / 500 + 0.5), math.floor(cw / 500 + 0.5)),
    lib.secs(mine.seconds), lib.secs(peer.seconds), lib.ratio(mine.seconds, peer.seconds) }
end

pair("bundled: telegram / dinner record", root .. "/corpus", { "telegram-1962-11-02" }, { "dinner-1962-11-01" })

local st = require("parley.fs").stat(archive)
if st and st.type == "directory" then
  -- the volume's longest telegrams up to ~5 000 words, and longest memoranda of conversation up to ~15 000
  local c = assert(parley.open(archive, { progress = false, index = tmp .. "/2.index" }))
  local function col(a)
    local codes, vals = c.ix:column("document", a)
    local out = {}
    for i, k in ipairs(codes) do out[i] = k > 0 and vals[k] or "" end
    return out
  end
  local genre, title, vol, id = col("genre"), col("title"), col("volume"), col("id")
  local docs = c.ix:regions("document")
  local words = c.ix:words_by(docs, (function() local t = {} for i = 1, #genre do t[i] = i end return t end)())
  local tel, mem = {}, {}
  for i = 1, #genre do
    if vol[i] == args.volume and genre[i] == "telegram" then tel[#tel + 1] = i end
    if vol[i] == args.volume and genre[i] == "memorandum" and title[i]:find("Conversation") then mem[#mem + 1] = i end
  end
  local function longest(list, limit)
    table.sort(list, function(a, b) if words[a] ~= words[b] then return words[a] > words[b] end return a < b end)
    local out, n = {}, 0
    for _, i in ipairs(list) do
      if n >= limit then break end
      out[#out + 1], n = id[i], n + words[i]
    end
    return out
  end
  pair(("FRUS %s: telegrams / memoranda of conversation"):format(args.volume), archive, longest(tel, 5000), longest(mem, 15000))
else
  io.stderr:write("bench/compare.lua: no archive at ", archive, " (give --dir DIR): the FRUS pair is not measured\n")
end

print(("Compare benchmark; timer: %s"):format(timer.name))
print(lib.table({ { "pair" }, { "report / record" }, { "parley", right = true }, { "NLTK peer", right = true },
                  { "parley ÷ peer", right = true } }, rows))
lib.run("rm -rf " .. lib.shq(tmp))
