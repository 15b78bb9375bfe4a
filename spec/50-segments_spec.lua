-- An index of several segments answers every query exactly as an index of
-- one file does, whatever the cut: the bundled corpus cut between its two
-- documents, and a mixed corpus (the record and the telegram through their
-- grammars, a TEI excerpt through its reader, 40 plain texts) cut into a
-- dozen segments.  An added or changed source rebuilds only the segment
-- that holds it; the bytes are the same whatever the thread count; damage
-- in a segment is found and rebuilt as in one file.
local h = require "spec.helpers"
local index = require "parley.index"

-- The corpus at dir indexed again, cut into segments of about mb megabytes
-- (nil: the default, one file for these small corpora) -> its stats.
local function build(dir, mb, threads)
  local c = assert(parley.open(dir, { rebuild = true, segment_mb = mb, threads = threads }))
  local s = c.ix:stats()
  c:close()
  return s
end

-- What each command prints over dir (standard output, standard error, status).
local function outputs(dir, commands)
  local out = {}
  for i, cmd in ipairs(commands) do
    local args = {}
    for k, a in ipairs(cmd) do args[k] = a end
    if args[1] ~= "-e" then table.insert(args, 2, "--corpus"); table.insert(args, 3, dir) end
    local o, e, code = h.run(args)
    assert.equal(0, code, table.concat(cmd, " ") .. ": " .. e)
    assert.is_true(select(2, o:gsub("\n", "")) >= 2, table.concat(cmd, " ") .. " printed no rows to compare: " .. o)
    out[i] = table.concat({ table.concat(cmd, " "), o, e, tostring(code) }, "\n")
  end
  return out
end

local function same_outputs(dir, commands, mb)
  local one = build(dir)
  assert.equal(1, one.segments)
  local want = outputs(dir, commands)
  local many = build(dir, mb)
  local got = outputs(dir, commands)
  for i = 1, #commands do assert.equal(want[i], got[i]) end
  return many
end

-- Lua calls whose answers are printed whole: regions, tokens, documents, lexicon.
local function api_probe(dir)
  return { "-e", ([[
    local c = assert(parley.open(%q))
    local n = 0
    for _, k in ipairs(c.ix:kinds()) do
      for _, r in ipairs(c:regions(k.name)) do
        n = n + 1
        if n %% 7 == 0 then
          local attrs = {}
          for key, v in pairs(r.attrs or {}) do attrs[#attrs + 1] = key .. "=" .. tostring(v) end
          table.sort(attrs)
          io.write(k.name, " ", r.pos, " ", r.stop_pos, " ", tostring(r.doc), " ", r.line, ":", r.col, " ", table.concat(attrs, ","), "\n")
        end
      end
    end
    for i = 1, c.ix:stats().documents do local d = c.ix:doc(i) io.write(d.id, " ", d.first, " ", d.ntokens, " ", d.source, "\n") end
    local toks = c.ix:tokens(0, math.min(5000, c.ix:stats().tokens - 1))
    for i = 1, #toks, 97 do io.write(toks[i].text, " ", toks[i].doc, " ", toks[i].start, "\n") end
    io.write(#c.ix:lexicon(), " ", c:count("the"), " ", c:count("Cuba"), "\n")
    io.write(c:freq():tsv():sub(1, 4000))
  ]]):format(dir) }
end

describe("an index of several segments", function()
  teardown(h.cleanup)

  it("answers every command over the bundled corpus as one file does", function()
    local dir = h.tmpdir()
    h.sh(("cp -p %s/* %s/"):format(h.shquote(h.corpus), h.shquote(dir)))
    local commands = {
      { "kwic", "quarantine", "--format", "tsv" }, { "kwic", "Cuba", "--format", "json" },
      { "speakers", "--format", "tsv" }, { "speakers", "--matrix", "--format", "tsv" },
      { "topics", "--format", "tsv" }, { "keyness", "--format", "tsv" },
      { "collocates", "missiles", "--format", "tsv" }, { "timeline", "Cuba", "--format", "tsv" },
      { "annotations", "--format", "tsv" }, { "entities", "--format", "tsv" },
      { "ngrams", "3", "--format", "tsv" }, { "compare", "--format", "tsv" },
      { "outline", "dinner-1962-11-01", "--format", "tsv" },
      { "kwic", "Cuba", "--where", "speaker=John McCloy", "--format", "tsv" },
      api_probe(dir),
    }
    local s = same_outputs(dir, commands, 0.00001)
    assert.equal(2, s.segments)   -- a cut between the two documents
  end)

  it("answers as one file does when the corpus is cut into a dozen", function()
    local dir = h.mixed_corpus(40)
    local commands = {
      { "kwic", "common1", "--format", "tsv" }, { "kwic", "own7*", "--format", "tsv" },
      { "kwic", "common1*", "--format", "tsv" },   -- 31 000 rows: made on two threads
      { "ngrams", "2", "--min", "3", "--format", "tsv" }, { "speakers", "--format", "tsv" },
      { "outline", "dinner", "--format", "tsv" }, { "kwic", "common2 common3", "--format", "tsv" },
      { "collocates", "common5", "--format", "tsv" },
      api_probe(dir),
    }
    local s = same_outputs(dir, commands, 0.05)
    assert.is_true(s.segments >= 8, "segments: " .. s.segments)
  end)

  it("rebuilds only the segment of a source added or changed, and gives the answers of a fresh build", function()
    local dir = h.mixed_corpus(40)
    local first = build(dir, 0.05)
    local c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("fast", c.opened)
    c:close()
    h.write(dir .. "/t17.txt", assert(h.read(dir .. "/t17.txt")) .. "a freshly added sentence with zyzzyva.\n")
    c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(1, c.built.built_segments)
    assert.equal(first.segments - 1, c.built.reused)
    local got = { c:count("zyzzyva"), c:kwic("common9"):tsv(), c:freq():tsv() }
    c:close()
    build(dir)   -- one file, from scratch
    c = assert(parley.open(dir))
    assert.same({ c:count("zyzzyva"), c:kwic("common9"):tsv(), c:freq():tsv() }, got)
    assert.equal(1, got[1])
    c:close()
  end)

  it("cuts a growing corpus so that a source added at its end rebuilds a small segment", function()
    local segments = require "parley.segments"
    local docs, seed, bytes = {}, 11, 100000
    local function add()
      seed = (seed * 1103515245 + 12345) % 2147483648
      docs[#docs + 1] = { path = ("docs/%05d.txt"):format(#docs + 1), size = 200 + seed % 3000 }
    end
    local function size(p) local n = 0 for i = p.first, p.last do n = n + docs[i].size end return n end
    for _ = 1, 600 do add() end
    local plan, total, closed, rebuilt = segments.plan(docs, bytes), 0, 0, 0
    for _ = 1, 400 do
      add()
      local new = segments.plan(docs, bytes)
      -- the runs cover the sources in order
      for k, p in ipairs(new) do assert.equal(k == 1 and 1 or new[k - 1].last + 1, p.first) end
      assert.equal(#docs, new[#new].last)
      -- the old runs kept as they are; the others are rebuilt
      local kept = {}
      for _, p in ipairs(new) do kept[p.first .. ":" .. p.last] = true end
      local changed = 0
      for _, p in ipairs(plan) do if not kept[p.first .. ":" .. p.last] then changed = changed + size(p) end end
      if changed > 2 * bytes / segments.TAIL + 3200 then closed = closed + 1 end
      rebuilt, total, plan = rebuilt + changed, total + docs[#docs].size, new
      for k = 1, #new - 1 do assert.is_true(size(new[k]) <= 2 * bytes + 3200) end
    end
    -- a large segment is rebuilt only when the last run closes: about once per run of sources added
    assert.is_true(closed <= total / (bytes / 2) + 1, ("closed %d times in %d bytes"):format(closed, total))
    assert.is_true(rebuilt < total * 12, ("rebuilt %d bytes for %d added"):format(rebuilt, total))
    -- a corpus under one segment's size is one segment
    assert.equal(1, #segments.plan({ { path = "a", size = 10 }, { path = "b", size = 10 } }, 100))
  end)

  it("gives after an added source the bytes a build from scratch gives", function()
    local dir = h.mixed_corpus(40)
    local first = build(dir, 0.05)
    h.write(dir .. "/t41.txt", "an added telegram on zyzzyva.\n")
    h.write(dir .. "/corpus.lua", (assert(h.read(dir .. "/corpus.lua")):gsub("\n} }\n$", '\n{ id = "t41", path = "t41.txt" },\n} }\n')))
    local c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(1, c.built.built_segments)
    assert.equal(first.segments, c.built.reused)
    assert.equal(1, c:count("zyzzyva"))
    c:close()
    local function files()
      local t, names = {}, require("parley.fs").dir(dir .. "/.parley/index.seg")
      for _, n in ipairs(names) do t[n] = assert(h.read(dir .. "/.parley/index.seg/" .. n)) end
      t.list = assert(h.read(dir .. "/.parley/index"))
      return t
    end
    local updated = files()
    build(dir, 0.05)
    assert.same(updated, files())
  end)

  it("has the same bytes with one thread and with two, and after an update undone", function()
    local dir = h.mixed_corpus(40)
    local function files()
      local t, names = {}, require("parley.fs").dir(dir .. "/.parley/index.seg")
      table.sort(names)
      for _, n in ipairs(names) do t[n] = assert(h.read(dir .. "/.parley/index.seg/" .. n)) end
      t.list = assert(h.read(dir .. "/.parley/index"))
      return t, #names
    end
    build(dir, 0.05, 1)
    local one, n = files()
    assert.is_true(n >= 8)
    build(dir, 0.05, 2)
    local two = files()
    for k, v in pairs(one) do assert.is_true(v == two[k], k) end
    for k in pairs(two) do assert.is_not_nil(one[k], k) end
  end)

  it("is rebuilt when a segment is damaged, missing, or not the one the list names", function()
    local dir = h.mixed_corpus(40)
    build(dir, 0.05)
    local segdir = dir .. "/.parley/index.seg"
    local names = require("parley.fs").dir(segdir)
    table.sort(names)
    -- a flipped byte in a segment's middle: found when read, everything moved aside
    local victim = segdir .. "/" .. names[3]
    local bytes = assert(h.read(victim))
    local at = #bytes // 2
    h.write(victim, bytes:sub(1, at - 1) .. string.char((bytes:byte(at) + 1) % 256) .. bytes:sub(at + 1))
    local out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)) assert(c.ix:verify())"):format(dir) })
    assert.are_not.equal(0, code, out)
    assert.matches("index is damaged", err)
    local c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(0, c.built.reused)   -- none is taken again after damage
    c:close()
    -- a segment removed: the list is not opened, the index rebuilt
    names = require("parley.fs").dir(segdir)
    table.sort(names)
    os.remove(segdir .. "/" .. names[1])
    local ix, why = index.open(dir .. "/.parley/index", dir)
    assert.is_nil(ix)
    assert.matches("segment %d+", why)
    c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(1, c.built.built_segments)
    c:close()
    -- a segment swapped for another: refused
    names = require("parley.fs").dir(segdir)
    table.sort(names)
    h.write(segdir .. "/" .. names[2], assert(h.read(segdir .. "/" .. names[4])))
    ix, why = index.open(dir .. "/.parley/index", dir)
    assert.is_nil(ix)
    assert.matches("not the one the list was made with", why)
    -- and the rebuild does not take it under the other's name: its own metadata names it
    c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(1, c.built.built_segments)
    local got = { c:count("common7"), c:kwic("own12*"):tsv() }
    c:close()
    build(dir)
    c = assert(parley.open(dir))
    assert.same({ c:count("common7"), c:kwic("own12*"):tsv() }, got)
    c:close()
  end)

  it("reads, writes and removes nothing through a segment folder that is a link", function()
    local dir = h.mixed_corpus(12)
    local victim = h.tmpdir()
    h.write(victim .. "/thesis.txt", "years of work\n")
    h.write(victim .. "/0123456789abcdef.seg", "not a segment of this index\n")
    h.sh(("mkdir -p %s/.parley && ln -s %s %s/.parley/index.seg"):format(h.shquote(dir), h.shquote(victim), h.shquote(dir)))
    -- one file: the build's clean-up of earlier segments does not follow the link
    local c = assert(parley.open(dir))
    c:close()
    -- segments: refused, with the folder named
    local ok, err = parley.open(dir, { segment_mb = 0.05, rebuild = true })
    assert.is_nil(ok)
    assert.matches("index.seg: not a folder %(a symbolic link%)", err)
    assert.equal("years of work\n", h.read(victim .. "/thesis.txt"))
    assert.equal("not a segment of this index\n", h.read(victim .. "/0123456789abcdef.seg"))
  end)

  it("moves aside only the segment of a source changed under the same size and time", function()
    local dir = h.mixed_corpus(40)
    local first = build(dir, 0.05)
    local path = dir .. "/t17.txt"
    local text = assert(h.read(path))
    h.sh(("touch -r %s %s.ref"):format(h.shquote(path), h.shquote(dir .. "/t17")))
    h.write(path, (text:gsub("own17_", "OWN17_", 1)))
    h.sh(("touch -r %s.ref %s"):format(h.shquote(dir .. "/t17"), h.shquote(path)))
    local c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("fast", c.opened)
    local ok, err = pcall(function() return c:kwic("own17*"):tsv() end)
    c:close()
    assert.is_false(ok)
    assert.matches("changed since the index was built", tostring(err))
    c = assert(parley.open(dir, { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(1, c.built.built_segments)
    assert.equal(first.segments - 1, c.built.reused)
    c:close()
  end)

  it("builds a part's segments on two cores", function()
    local dir = h.mixed_corpus(40)
    local function part(threads)
      local c = assert(parley.open(dir, { shard = { i = 1, n = 2 }, segment_mb = 0.05, threads = threads, rebuild = true }))
      local t = { c.ix:stats().segments, c:count("common3"), c:kwic("own2*"):tsv(), c:freq():tsv() }
      c:close()
      return t
    end
    local two = part(2)
    assert.is_true(two[1] >= 4, "segments: " .. two[1])
    assert.same(part(1), two)
  end)

  it("is built in parts on two machines (parley index --shard, through GNU parallel) and joined where they meet", function()
    local dir = h.mixed_corpus(40)
    local want = (function()
      build(dir)
      local c = assert(parley.open(dir))
      local t = { c:kwic("common4"):tsv(), c:freq():tsv(), c:count("own9*") }
      c:close()
      return t
    end)()
    -- two machines, each with a copy of the corpus (times kept) and one part to build
    local copies = {}
    for i = 1, 2 do
      copies[i] = h.tmpdir() .. "/archive"
      h.sh(("mkdir -p %s && cp -pR %s/. %s && rm -rf %s/.parley"):format(h.shquote(copies[i]), h.shquote(dir),
        h.shquote(copies[i]), h.shquote(copies[i])))
    end
    local bin = h.bin:sub(1, 1) == "/" and h.bin or h.root .. "/" .. h.bin
    h.sh(("parallel -j2 --halt now,fail=1 %s index --segment-mb 0.05 --corpus {1} --shard {2}/2 ::: %s :::+ 1 2 >/dev/null")
      :format(h.shquote(bin), h.shquote(copies[1]) .. " " .. h.shquote(copies[2])))
    local n1 = #require("parley.fs").dir(copies[1] .. "/.parley/index.seg")
    local n2 = #require("parley.fs").dir(copies[2] .. "/.parley/index.seg")
    assert.is_true(n1 > 0 and n2 > 0, "each machine built a part")
    assert.is_nil(require("parley.fs").stat(copies[1] .. "/.parley/index"), "a part writes no list")
    -- the second machine's segments copied to the first: the open there builds nothing
    h.sh(("cp -p %s/.parley/index.seg/* %s/.parley/index.seg/"):format(h.shquote(copies[2]), h.shquote(copies[1])))
    local c = assert(parley.open(copies[1], { segment_mb = 0.05 }))
    assert.equal("built", c.opened)
    assert.equal(0, c.built.built_segments)
    assert.equal(n1 + n2, c.built.reused)
    assert.same(want, { c:kwic("common4"):tsv(), c:freq():tsv(), c:count("own9*") })
    c:close()
  end)

  it("keeps one file, and no segment folder, for a corpus under one segment", function()
    local dir = h.mixed_corpus(5)
    build(dir, 0.02)
    assert.is_not_nil(require("parley.fs").dir(dir .. "/.parley/index.seg"))
    build(dir)
    assert.is_nil(require("parley.fs").dir(dir .. "/.parley/index.seg"))
    assert.equal("PARLEYIX", assert(h.read(dir .. "/.parley/index")):sub(1, 8))
  end)
end)
