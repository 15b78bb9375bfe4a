-- A damaged index is detected, never answered from: every section of an index
-- of several megabytes (each that can spans many 4 KiB blocks) is damaged
-- in turn, and a fixed set of queries (spec/damage.lua: counts, KWIC with
-- lines and columns, frequency lists, n-grams, regions and speakers, texts,
-- lines, tokens, the lexicon) run over each damaged copy must give every answer
-- the undamaged index gives, or the damage error naming the file; never a
-- different answer.  The index is opened as parley opens it, checking each
-- block against its checksum when first read (a hostile file that recomputes
-- the checksums is the fuzzer's part).  And a source changed in place with its
-- size and time kept (`touch -r`) is caught by the hash of its text when that
-- text is read, so KWIC never shows a match the index did not find.
local h = require "spec.helpers"
local E = require "parley.error"
local D = dofile(h.root .. "/spec/damage.lua")

local COPIES = 36   -- of each bundled document: an index of about 3 MB

local function sh(cmd) assert(os.execute(cmd), cmd) end

-- The query set's answers from a separate parley over index path: a table
-- name -> { status, digest }, and the list of lines.
local function answers(dir, path)
  local out, err, code = h.run({ "-e", ("print(table.concat(dofile(%q).run(%q, %q), '\\n'))")
    :format(h.root .. "/spec/damage.lua", dir, path) })
  assert.equal(0, code, err)
  local t = {}
  for line in out:gmatch("[^\n]+") do
    local name, status, digest = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
    assert.is_string(name, line)
    t[name] = { status, digest }
  end
  return t, out
end

-- A copy of the file at from, with the bits of the byte at 0-based offset off flipped.
local function damaged_copy(data, off, to)
  h.write(to, data:sub(1, off) .. string.char(data:byte(off + 1) ~ 0xFF) .. data:sub(off + 2))
end

describe("a damaged index", function()
  local dir, pristine, data, baseline, sections
  lazy_setup(function()
    local top = h.tmpdir()
    dir = top .. "/corpus"
    sh("mkdir " .. h.shquote(dir))
    D.corpus(dir, h.root, COPIES)
    pristine = top .. "/pristine.index"
    h.open(dir, { index = pristine, progress = false }):close()
    data = h.read(pristine)
    sections = D.sections(pristine)
    baseline = answers(dir, pristine)
  end)
  lazy_teardown(h.cleanup)

  it("is large enough that its sections span several blocks", function()
    local big = {}
    for _, s in ipairs(sections) do
      if s.size > D.BLOCK then big[#big + 1] = s.name end
    end
    table.sort(big)
    for _, name in ipairs({ "stream", "postings", "exact", "fold", "lexstr", "skips", "lines", "texts",
                            "strings" }) do
      assert.is_true(table.concat(big, " "):find(name, 1, true) ~= nil, name .. " spans one or two blocks")
    end
    assert.equal("fast", baseline.open[1])
    for _, q in ipairs(D.QUERIES) do assert.equal("ok", baseline[q[1]][1], q[1]) end
  end)

  -- Damage at a section's first byte and in its middle (for the sections
  -- the queries need not read whole, one place per block: the many small
  -- region tables share theirs with their neighbours).  Sections the query
  -- set reads whole must be found damaged (by a query, or at open, which
  -- rebuilds); in the others a block the queries never read may stay unseen.
  local READ_WHOLE = { stream = true, exact = true, fold = true, lexstr = true, freqorder = true,
                       texts = true, docs = true, meta = true, regions = true, checksums = true,
                       srcmap = true, lens = true, foldmap = true }
  it("gives every answer the undamaged index gives, or the damage error", function()
    local copy = h.tmpdir() .. "/index"
    local seen, blocks = {}, {}
    for _, s in ipairs(sections) do
      for _, off in ipairs({ s.offset, s.offset + s.size // 2 }) do
        local block = s.name == "checksums" and "sums" .. off or (off - D.HEADER) // D.BLOCK
        if s.size > 0 and (READ_WHOLE[s.name] or not blocks[block]) then
          blocks[block] = true
          os.remove(copy .. ".damaged")
          damaged_copy(data, off, copy)
          local got, out = answers(dir, copy)
          local where = ("%s damaged at byte %d:\n%s"):format(s.name, off, out)
          assert.is_true(got.open[1] == "fast" or got.open[1] == "built", where)
          local detected = got.open[1] == "built"
          for _, q in ipairs(D.QUERIES) do
            local a = got[q[1]]
            assert.is_table(a, where)
            if a[1] == "damaged" then
              detected = true
            else
              assert.same({ "ok", baseline[q[1]][2] }, a, q[1] .. " in " .. where)
            end
          end
          if got.open[1] == "fast" and detected then
            -- found by a query: moved aside, for the next open to rebuild
            assert.is_truthy(h.read(copy .. ".damaged"), where)
          end
          if READ_WHOLE[s.name] then assert.is_true(detected, "not seen: " .. where) end
          seen[s.name] = seen[s.name] or detected
        end
      end
    end
    for name in pairs(READ_WHOLE) do assert.is_true(seen[name] ~= nil, name) end
  end)

  it("in one document's line table is found when its lines and columns are needed", function()
    -- the line starts of the last copy of the dinner (docs/index-format.md:
    -- "lines" holds each document's line starts, in document order)
    local c = h.open(dir, { index = pristine, progress = false })
    local n, before = c.ix:stats().documents, 0
    for i = 1, n - 2 do before = before + c.ix:doc(i).lines end
    assert.is_true(c.ix:doc(n - 1).lines > 10)
    assert.is_false(c.ix:doc(n - 1).embedded)
    c:close()
    local lines
    for _, s in ipairs(sections) do if s.name == "lines" then lines = s end end
    local off = lines.offset + 4 * (before + 10) + 1
    assert.is_true(off < lines.offset + lines.size)
    local copy = h.tmpdir() .. "/index"
    damaged_copy(data, off, copy)
    local got, out = answers(dir, copy)
    assert.equal("fast", got.open[1], out)
    assert.same({ "damaged", "" }, got["kwic-doc"], out)   -- not line 1, column 1
  end)

  it("in the header is rebuilt by the open, with the same answers", function()
    local copy = h.tmpdir() .. "/index"
    for _, off in ipairs({ 20, 100 }) do
      damaged_copy(data, off, copy)
      local got, out = answers(dir, copy)
      assert.equal("built", got.open[1], out)
      for _, q in ipairs(D.QUERIES) do assert.same(baseline[q[1]], got[q[1]], q[1]) end
    end
  end)

  it("found by a query is rebuilt by the next open, with the same answers", function()
    local copy = h.tmpdir() .. "/index"
    local s
    for _, x in ipairs(sections) do if x.name == "stream" then s = x end end
    damaged_copy(data, s.offset + s.size // 2, copy)
    local got = answers(dir, copy)
    assert.equal("fast", got.open[1])
    assert.equal("damaged", got.ngrams[1])
    got = answers(dir, copy)
    assert.equal("built", got.open[1])
    for _, q in ipairs(D.QUERIES) do assert.same(baseline[q[1]], got[q[1]], q[1]) end
  end)
end)

describe("a source changed in place with its size and time kept", function()
  after_each(h.cleanup)

  local DINNER = "1962-11-01-mikoyan-mccloy-stevenson-dinner.txt"

  -- A copy of the bundled corpus with its index built, the dinner's path and its index's path.
  local function indexed_copy()
    local dir = h.tmpdir() .. "/cmc"
    sh("mkdir " .. h.shquote(dir))
    sh(("cp %s/*.txt %s/*.md %s/*.lua %s && chmod u+w %s/*"):format(h.shquote(h.corpus), h.shquote(h.corpus),
      h.shquote(h.corpus), h.shquote(dir), h.shquote(dir)))
    h.open(dir):close()
    return dir, dir .. "/" .. DINNER, dir .. "/.parley/index"
  end

  -- The edit of the issue: the first "quarantine" of each line becomes
  -- "xuarantine" (same size), and the file gets its old times back.
  local function edit(path)
    sh(("cp -p %s %s.orig && sed -i s/quarantine/xuarantine/ %s && touch -r %s.orig %s && rm %s.orig")
      :format(h.shquote(path), h.shquote(path), h.shquote(path), h.shquote(path), h.shquote(path),
              h.shquote(path)))
  end

  -- "quarantine" as a word, any case, in the corpus's sources (grep, not parley).
  local function grep_count(dir)
    local p = assert(io.popen(("cat %s/*.txt %s/*.md | grep -o -i -w quarantine | wc -l")
      :format(h.shquote(dir), h.shquote(dir))))
    local n = tonumber(p:read("a"))
    p:close()
    return n
  end

  it("is reported by the command that reads it, and the next run rebuilds the index", function()
    local dir, dinner, path = indexed_copy()
    assert.equal(13, grep_count(dir))
    edit(dinner)
    local edited = grep_count(dir)
    assert.is_true(edited < 13)
    local out, err, code = h.run({ "kwic", "quarantine", "--corpus", dir, "--format", "tsv" })
    assert.equal(1, code)
    assert.equal("parley: kwic: " .. dinner .. ": changed since the index was built (its text is not the one "
      .. "indexed); the index " .. path .. " was moved aside and will be rebuilt when the corpus is opened again\n",
      err)
    assert.not_matches("xuarantine", out)
    assert.is_truthy(h.read(path .. ".stale"))
    out, err, code = h.run({ "kwic", "quarantine", "--corpus", dir, "--format", "tsv" })
    assert.equal(0, code, err)
    assert.not_matches("xuarantine", out)
    local _, rows = out:gsub("\n", "")
    assert.equal(edited + 1, rows)   -- the header and a row per match
  end)

  it("raises the damage error from the Lua API, mapped or read, and parley.open rebuilds", function()
    local dir, dinner, path = indexed_copy()
    edit(dinner)
    local out, err, code = h.run({ "-e", ([[
      local E = require "parley.error"
      local c = assert(parley.open(%q))
      print(c.opened, c:count("quarantine"))   -- counts come from the index, which reads no text
      local ok, e = pcall(function() return c:doc(1):text() end)
      print(ok, E.damaged(e), E.message(e))
      ok, e = pcall(function() return c:kwic("quarantine", { format = "tsv" }) end)
      print(ok, E.damaged(e))
      c = assert(parley.open(%q))
      print(c.opened, c:count("quarantine"), c:kwic("quarantine", { format = "tsv" }):find("xuarantine"))
    ]]):format(dir, dir) })
    assert.equal(0, code, err)
    assert.equal("fast\t13\n"
      .. "false\t" .. path .. "\t" .. dinner .. ": changed since the index was built (its text is not the one "
      .. "indexed); the index " .. path .. " was moved aside and will be rebuilt when the corpus is opened again\n"
      .. "false\t" .. path .. "\n"
      .. "built\t" .. grep_count(dir) .. "\tnil\n", out)
  end)

  it("after the session opened the corpus is reported when the text is first read, and the REPL goes on", function()
    local dir, dinner = indexed_copy()
    local input = table.concat({
      ("c = parley.open(%q)"):format(dir),
      'c:count("quarantine")',
      ("os.execute(%q)"):format(("cp -p %s %s.orig && sed -i s/quarantine/xuarantine/ %s && touch -r %s.orig %s")
        :format(h.shquote(dinner), h.shquote(dinner), h.shquote(dinner), h.shquote(dinner), h.shquote(dinner))),
      'c:kwic("quarantine", { format = "tsv" })',
      ("c2 = parley.open(%q)"):format(dir),
      'c2.opened, c2:count("quarantine")',
    }, "\n") .. "\n"
    local out, err, code = h.run({ "-i" }, { stdin = input })
    assert.equal(0, code, err)
    assert.matches("^13\ntrue\t\"exit\"\t0\n\"built\"\t" .. grep_count(dir) .. "\n$", out)
    assert.matches(dinner:gsub("%p", "%%%0") .. ": changed since the index was built", err)
  end)
end)
