-- Archives across machines: the partition of a corpus into parts
-- (lua/parley/shard.lua), parley.open's shard option, `parley run --shard`,
-- partial results and `parley merge`, whose output must be byte for byte
-- what one run over the whole corpus prints, for every command that merges,
-- on the bundled corpus and on a corpus of many sources (30 text files, one
-- of them added later, and a TEI volume of many documents).
local h = require "spec.helpers"
local shard = require "parley.shard"
local E = require "parley.error"

local function run(args, opts)
  local out, err, code = h.run(args, opts)
  return out, err, code
end

local function ok_run(args, opts)
  local out, err, code = run(args, opts)
  assert(code == 0, ("parley %s failed (%s): %s"):format(table.concat(args, " "), tostring(code), err))
  return out, err
end

-- A corpus of many sources: 30 labelled transcripts (four speakers of two
-- sides, dates of day and of month precision, four undated) and the FRUS TEI
-- excerpt, a volume of several documents, in a manifest.
local function many_sources()
  local dir = h.tmpdir()
  local words = { "missile", "cuba", "quarantine", "inspection", "the", "of", "and", "soviet", "united",
    "states", "bases", "withdrawal", "ships", "blockade", "talks", "guarantee", "nations", "council", "red", "cross" }
  local speakers = { "Kennedy", "Rusk", "Khrushchev", "Gromyko" }
  local seed = 1962
  local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return 1 + (seed >> 16) % n end
  local docs = {}
  for f = 1, 30 do
    local lines = {}
    for l = 1, 4 + rand(6) do
      local w = {}
      for k = 1, 3 + rand(10) do w[k] = words[1 + math.floor((rand(997) / 997) ^ 2 * (#words - 1))] end
      lines[l] = speakers[rand(#speakers)] .. ": " .. table.concat(w, " ") .. (rand(3) == 1 and "?" or ".")
    end
    local name = ("t%02d.txt"):format(f)
    h.write(dir .. "/" .. name, table.concat(lines, "\n\n") .. "\n")
    local date = f % 8 == 0 and "nil" or f % 5 == 0 and ('"1962-%02d"'):format(10 + f % 2)
      or ('"1962-%02d-%02d"'):format(10 + f % 2, 1 + (f * 7) % 28)
    -- ids in another order than the manifest's, which is the corpus's order
    docs[#docs + 1] = ('{ id = "d%02d", path = %q, date = %s, type = %q, grammar = "labelled" },')
      :format(f * 7 % 31, name, date, f % 3 == 0 and "telegram" or "meeting")
  end
  h.sh("cp " .. h.shquote(h.root .. "/spec/fixtures/tei/frus1961-63v04-excerpt.xml") .. " " .. h.shquote(dir))
  docs[#docs + 1] = '{ path = "frus1961-63v04-excerpt.xml" },'
  h.write(dir .. "/corpus.lua", "return { name = \"many\", documents = {\n" .. table.concat(docs, "\n") .. "\n} }\n")
  h.write(dir .. "/people.lua", [[return {
  { name = "Kennedy", side = "US" }, { name = "Rusk", side = "US" },
  { name = "Khrushchev", side = "USSR" }, { name = "Gromyko", side = "USSR" },
}
]])
  return dir
end

-- The source paths of the documents of a corpus (opened with opts).
local function sources(dir, opts)
  local c = h.open(dir, opts)
  local out = {}
  for d in c:docs() do out[shard.relpath(dir, d.path)] = true end
  c:close()
  return out
end

describe("the partition of a corpus into parts", function()
  after_each(h.cleanup)

  it("hashes relative paths with the 64-bit FNV-1a hash", function()
    -- the published test vectors of FNV-1a 64
    assert.equal(0xcbf29ce484222325, shard.hash(""))
    assert.equal(0xaf63dc4c8601ec8c, shard.hash("a"))
    assert.equal(0x85944171f73967e8, shard.hash("foobar"))
    -- part 1 + (h mod n), h unsigned: h("a") = 12638187200555641996
    assert.equal(1 + 5, shard.part_of("a", 7))   -- 12638187200555641996 mod 7 = 5
    assert.equal(1 + 6, shard.part_of("a", 10))
    assert.equal(1, shard.part_of("anything", 1))
    assert.equal("t01.txt", shard.relpath("/x/c", "/x/c/./t01.txt"))
    assert.equal("sub/t01.txt", shard.relpath("/x/c/", "sub//t01.txt"))
  end)

  it("parses i/n and says what is wrong with the others", function()
    local s = shard.parse("2/3")
    assert.same({ i = 2, n = 3 }, s)
    for bad, msg in pairs{ ["0/2"] = "the part must be from 1 to 2", ["3/2"] = "the part must be from 1 to 2",
                           ["1/0"] = "the number of parts must be at least 1", x = "a shard is i/n",
                           ["1/2/3"] = "a shard is i/n", [""] = "a shard is i/n" } do
      local ok, e = pcall(shard.parse, bad)
      assert.is_false(ok, bad)
      assert.truthy(E.message(e):find(msg, 1, true), E.message(e))
    end
    for _, bad in ipairs{ "0/2", "3/2", "1/0", "x" } do
      local _, err, code = run{ "run", "--shard", bad, "ngrams" }
      assert.equal(1, code)
      assert.truthy(err:find("^parley: run: %-%-shard: "), err)
    end
  end)

  it("puts every source in exactly one part, the parts together making the corpus, and adding sources moves none",
    function()
      local dir = many_sources()
      local whole = sources(dir)
      local nwhole = 0
      for _ in pairs(whole) do nwhole = nwhole + 1 end
      assert.equal(31, nwhole)
      local before = {}
      for _, n in ipairs{ 2, 3, 5 } do
        local seen = {}
        before[n] = {}
        for i = 1, n do
          for p in pairs(sources(dir, { shard = { i = i, n = n } })) do
            assert.is_nil(seen[p], p .. " in two parts")
            assert.truthy(whole[p], p)
            assert.equal(i, shard.part_of(p, n))
            seen[p], before[n][p] = i, i
          end
        end
        for p in pairs(whole) do assert.truthy(seen[p], p .. " in no part of " .. n) end
      end
      -- ten more sources: every old one stays in its part
      local m = h.read(dir .. "/corpus.lua")
      local more = {}
      for f = 31, 40 do
        h.write(("%s/t%02d.txt"):format(dir, f), "Kennedy: more words about cuba.\n")
        more[#more + 1] = ('{ id = "t%02d", path = "t%02d.txt", type = "meeting", grammar = "labelled" },'):format(f, f)
      end
      h.write(dir .. "/corpus.lua", (m:gsub("\n} }\n$", "\n" .. table.concat(more, "\n") .. "\n} }\n")))
      for _, n in ipairs{ 2, 3, 5 } do
        local now = {}
        for i = 1, n do
          for p in pairs(sources(dir, { shard = { i = i, n = n } })) do now[p] = i end
        end
        for p, i in pairs(before[n]) do assert.equal(i, now[p], p .. " moved") end
      end
    end)

  it("gives a part an index of its own beside the whole corpus's, never in its place", function()
    local dir = many_sources()
    local c = h.open(dir)
    assert.equal(dir .. "/.parley/index", c.index_path)
    c:close()
    local p = h.open(dir, { shard = { i = 2, n = 3 } })
    assert.equal(dir .. "/.parley/shards/2-of-3/index", p.index_path)
    assert.equal("built", p.opened)
    p:close()
    p = h.open(dir, { shard = { i = 2, n = 3 } })
    assert.equal("fast", p.opened)
    p:close()
    c = h.open(dir)
    assert.equal("fast", c.opened)   -- the part's build left the whole's index as it was
    assert.equal(35, c.ix:stats().documents)
    c:close()
    -- a read-only corpus: the part's index goes to the cache, beside the whole's there
    local ro, cache = many_sources(), h.tmpdir()
    h.sh("chmod 555 " .. h.shquote(ro))
    local code = "for _, s in ipairs{ false, { i = 1, n = 2 } } do print(assert(parley.open(%q, { shard = s })).index_path) end"
    local out = ok_run({ "-e", code:format(ro) }, { env = { XDG_CACHE_HOME = cache } })
    h.sh("chmod 755 " .. h.shquote(ro))
    local whole_at, part_at = out:match("^(%S+)\n(%S+)\n$")
    assert.truthy(whole_at and whole_at:find("^" .. h.esc(cache) .. "/parley/[^/]+/index$"), out)
    assert.equal((whole_at:gsub("/index$", "/shards/1-of-2/index")), part_at)
    local ok, err = pcall(parley.open, dir, { shard = { i = 4, n = 3 } })
    assert.is_false(ok)
    assert.truthy(tostring(err):find("shard must be { i =, n = }", 1, true), tostring(err))
  end)
end)

-- The commands that merge, each with arguments that exercise its counts.
local CASES = {
  { "ngrams" },
  { "ngrams", "1", "--min", "1", "--limit", "25" },
  { "ngrams", "--by", "speaker", "--limit", "4" },
  { "keyness", "--a", "type=telegram", "--min", "1" },
  { "collocates", "the", "--min", "1" },
  { "collocates", "cuba", "--left", "2", "--right", "3", "--measure", "ll" },
  { "timeline", "cuba" },
  { "timeline", "the", "--by", "day", "--split", "speaker" },
  { "timeline", "--families", h.root .. "/spec/fixtures/families.lua", "--split", "type" },
  { "speakers" },
  { "speakers", "--by", "doc" },
  { "speakers", "--matrix" },
  { "ngrams", "3", "--min", "1", "--where", "type=telegram" },
  { "collocates", "the", "--where", "type=telegram" },
  { "timeline", "cuba", "--where", "from=1962-11-01" },
}

-- On the bundled corpus, the commands' own defaults too (keyness's sides are the turns' sides).
local BUNDLED_ONLY = {
  { "keyness" },
  { "keyness", "--b", "speaker=John McCloy", "--direction", "both", "--stat", "log_ratio", "--limit", "30" },
  { "collocates", "quarantine" },
  { "speakers", "--where", "type=telegram" },
}

local function with(args, extra)
  local out = { table.unpack(args) }
  for _, a in ipairs(extra) do out[#out + 1] = a end
  return out
end

-- The partial results of args over the n parts of corpus dir (nil: the bundled one), as files.
local function partials(dir, args, n)
  local tmp = h.tmpdir()
  local files = {}
  for i = 1, n do
    local a = { "run", "--shard", i .. "/" .. n, table.unpack(args) }
    a = with(a, dir and { "--corpus", dir, "--partial" } or { "--partial" })
    local out = ok_run(a)
    files[i] = ("%s/part-%d.json"):format(tmp, i)
    h.write(files[i], out)
  end
  return files
end

local function check_merges(dir, cases)
  for _, args in ipairs(cases) do
    local single = {}
    for _, fmt in ipairs{ "tsv", "json" } do
      single[fmt] = ok_run(with(args, dir and { "--corpus", dir, "--format", fmt } or { "--format", fmt }))
    end
    assert.truthy(#single.tsv > 0)
    for _, n in ipairs{ 1, 2, 3 } do
      local files = partials(dir, args, n)
      for _, fmt in ipairs{ "tsv", "json" } do
        local merged = ok_run(with({ "merge", "--format", fmt }, files))
        assert.equal(single[fmt], merged, ("%s in %d parts, %s"):format(table.concat(args, " "), n, fmt))
      end
    end
  end
end

describe("parley merge", function()
  after_each(h.cleanup)

  it("prints what one run prints, byte for byte, on the bundled corpus (1, 2 and 3 parts)", function()
    local cases = {}
    for _, c in ipairs(CASES) do cases[#cases + 1] = c end
    for _, c in ipairs(BUNDLED_ONLY) do cases[#cases + 1] = c end
    check_merges(nil, cases)
  end)

  it("prints what one run prints, byte for byte, on a corpus of many sources (1, 2 and 3 parts)", function()
    local cases = { { "keyness", "--b", "speaker=Kennedy", "--direction", "both", "--stat", "log_ratio", "--limit", "30" },
                    { "keyness", "--a", "side=USSR", "--b", "side=US", "--stat", "chi2" } }
    for _, c in ipairs(CASES) do cases[#cases + 1] = c end
    check_merges(many_sources(), cases)
  end)

  it("merges the parts in any order, on a terminal and as a chart too", function()
    local dir = many_sources()
    local files = partials(dir, { "timeline", "cuba" }, 3)
    for _, fmt in ipairs{ "tty", "svg" } do
      local single = ok_run{ "timeline", "cuba", "--corpus", dir, "--format", fmt }
      assert.equal(single, ok_run{ "merge", "--format", fmt, files[3], files[1], files[2] })
    end
  end)

  it("says which file is wrong: a part missing or twice, other arguments, another command, bad JSON", function()
    local dir = many_sources()
    local files = partials(dir, { "ngrams", "--min", "3" }, 3)
    local tmp = h.tmpdir()
    local function fails(args, pattern)
      local out, err, code = run(with({ "merge" }, args))
      assert.equal(1, code)
      assert.equal("", out)
      assert.truthy(err:find(pattern), err)
      assert.truthy(err:find("^parley: merge: "), err)
    end
    fails({ files[1], files[3] }, "part 2 of 3 missing")
    fails({ files[1], files[2], files[2], files[3] }, h.esc(files[2]) .. ": part 2 of 3 again")
    local other = partials(dir, { "ngrams", "--min", "2" }, 3)
    fails({ files[1], other[2], files[3] }, h.esc(other[2]) .. ": a partial result of ngrams with other arguments")
    local two = partials(dir, { "ngrams", "--min", "3" }, 2)
    fails({ files[1], two[2] }, h.esc(two[2]) .. ": part 2 of 2, but .* is a part of 3")
    local kw = partials(dir, { "keyness", "--a", "type=telegram" }, 3)
    fails({ files[1], kw[2], files[3] }, h.esc(kw[2]) .. ": a partial result of keyness, not of ngrams")
    local bundled = partials(nil, { "ngrams", "--min", "3" }, 3)
    fails({ files[1], bundled[2], files[3] }, h.esc(bundled[2]) .. ": a partial result of corpus cmc%-1962, not of many")
    h.write(tmp .. "/bad.json", '{"parley_partial":1,"command":')
    fails({ files[1], tmp .. "/bad.json" }, h.esc(tmp .. "/bad.json") .. ": not a partial result %(malformed JSON")
    h.write(tmp .. "/v2.json", (h.read(files[2]):gsub('"parley_partial":1', '"parley_partial":2')))
    fails({ files[1], tmp .. "/v2.json", files[3] }, h.esc(tmp .. "/v2.json") .. ": a partial result of format version 2")
    h.write(tmp .. "/other.json", '{"rows":[]}')
    fails({ tmp .. "/other.json" }, "not a partial result %(no parley_partial field")
    fails({ tmp .. "/none.json" }, "none.json")
  end)

  it("refuses --partial for a command whose rows are not counts, and other mistakes of run", function()
    local _, err, code = run{ "run", "--shard", "1/2", "kwic", "cuba", "--partial" }
    assert.equal(1, code)
    assert.truthy(err:find("parley: run: kwic cannot write a partial result", 1, true), err)
    _, err, code = run{ "run", "ngrams" }
    assert.equal(1, code)
    assert.truthy(err:find("--shard I/N is needed", 1, true), err)
    _, err, code = run{ "run", "--shard", "1/2", "nosuch" }
    assert.equal(1, code)
    assert.truthy(err:find("no bundled command 'nosuch'", 1, true), err)
    -- without --partial, a command prints its table of the part
    local dir = many_sources()
    local out = ok_run{ "run", "--shard", "1/2", "speakers", "--corpus", dir, "--format", "tsv" }
    assert.truthy(out:find("^speaker\tside"), out)
  end)

  it("runs a part on a machine that holds only that part's sources (and the manifest and register)", function()
    local dir = many_sources()
    local node = h.tmpdir()
    h.sh(("cp %s/corpus.lua %s/people.lua %s/"):format(h.shquote(dir), h.shquote(dir), h.shquote(node)))
    local copied = 0
    for p in pairs(sources(dir, { shard = { i = 2, n = 3 } })) do
      h.sh(("cp %s %s/"):format(h.shquote(dir .. "/" .. p), h.shquote(node)))
      copied = copied + 1
    end
    assert.truthy(copied > 3 and copied < 28, copied)
    for _, args in ipairs{ { "ngrams", "--by", "speaker" }, { "timeline", "cuba" }, { "speakers", "--by", "doc" } } do
      local here = ok_run(with({ "run", "--shard", "2/3" }, with(args, { "--corpus", dir, "--partial" })))
      local there = ok_run(with({ "run", "--shard", "2/3" }, with(args, { "--corpus", node, "--partial" })))
      assert.equal(here, there, table.concat(args, " "))
    end
    local _, err, code = run{ "run", "--shard", "1/3", "ngrams", "--corpus", node }
    assert.equal(1, code)   -- another part's sources are not there
    assert.truthy(err:find("No such file", 1, true), err)
  end)

  it("runs a script over the part: its parley.open opens the part unless it asks for shard = false", function()
    local dir = many_sources()
    local tmp = h.tmpdir()
    h.write(tmp .. "/count.lua", ([[
local c = parley.open(%q)
local whole = require("parley").open(%q, { shard = false })
print(c.ix:stats().documents, whole.ix:stats().documents, c.index_path:match("shards/.*$"), ...)
]]):format(dir, dir))
    local total = 0
    for i = 1, 3 do
      local out = ok_run{ "run", "--shard", i .. "/3", tmp .. "/count.lua", "x" }
      local n, all, place, a = out:match("^(%d+)\t(%d+)\t(%S+)\t(%S+)\n$")
      assert.equal("35", all)
      assert.equal(("shards/%d-of-3/index"):format(i), place)
      assert.equal("x", a)
      total = total + tonumber(n)
    end
    assert.equal(35, total)
  end)

  it("runs the examples of docs/scale.md, 'Archives across machines', that need no other machine", function()
    local _, _, found = os.execute("command -v parallel >/dev/null 2>&1")
    assert(found, "GNU parallel is missing: install it (apt-get install parallel; the README's set-up line lists it)")
    local text = assert(h.read(h.root .. "/docs/scale.md"))
    local section = assert(text:match("\n## Archives across machines\n(.*)$"))
    local ran = 0
    for block in section:gmatch("```sh\n(.-)```") do
      -- the forms for other machines (ssh logins, a cluster's corpus at /srv/archive) are not run here
      if not block:find("/srv/archive", 1, true) then
        local tmp = h.tmpdir()
        local bindir = h.bin:match("^(.*)/[^/]*$")
        local cmd = ("cd %s && PATH=%s:$PATH && set -e && %s"):format(h.shquote(tmp), h.shquote(bindir),
          block:gsub("\\\n", " "):gsub("\n+$", ""):gsub("\n", " && "))
        assert(os.execute(cmd .. " >/dev/null"), block)
        ran = ran + 1
      end
    end
    assert.is_true(ran >= 2)
  end)

  it("merges shards run through GNU parallel", function()
    local _, _, found = os.execute("command -v parallel >/dev/null 2>&1")
    assert(found, "GNU parallel is missing: install it (apt-get install parallel; the README's set-up line lists it)")
    local dir = many_sources()
    local tmp = h.tmpdir()
    local cmd = ("cd %s && parallel -j2 %s run --shard {}/3 speakers --by doc --corpus %s --partial '>' %s/part-{}.json "
      .. "::: 1 2 3 && %s merge --format tsv %s/part-*.json > %s/merged.tsv"):format(h.shquote(tmp), h.shquote(h.bin),
      h.shquote(dir), h.shquote(tmp), h.shquote(h.bin), h.shquote(tmp), h.shquote(tmp))
    h.sh(cmd)
    local single = ok_run{ "speakers", "--by", "doc", "--corpus", dir, "--format", "tsv" }
    assert.equal(single, h.read(tmp .. "/merged.tsv"))
    -- the documents in the corpus's order (the manifest's), which is not their ids' order
    local order, seen = {}, {}
    for line in single:gmatch("[^\n]+") do
      local id = line:match("^([^\t]*)\t")
      if id ~= "doc" and not seen[id] then seen[id] = true; order[#order + 1] = id end
    end
    local c = h.open(dir)
    local expected = {}
    for d in c:docs() do if seen[d.id] then expected[#expected + 1] = d.id end end
    c:close()
    assert.truthy(#expected >= 30, #expected)   -- the 30 transcripts, and the TEI documents with speakers
    assert.same(expected, order)
    assert.are_not.same(expected, (function() local t = { table.unpack(expected) }; table.sort(t); return t end)())
  end)
end)
