-- The same sources and options give the same index bytes, whatever the
-- number of build threads and however the threads happen to interleave: a
-- historian who cites a count can rebuild the index that gave it.  The
-- corpus mixes what a build meets: the bundled record and telegram through
-- their grammars, a TEI excerpt through its reader, and many small plain
-- texts, in batches small enough that the workers run ahead of the
-- encoding.  Besides the bytes, the fact the bytes rest on is checked from
-- outside: exact type ids are given in order of first appearance in the
-- corpus, as a walk over the tokens in order finds them.
local h = require "spec.helpers"

local mixed_corpus = h.mixed_corpus

local function bytes_of(dir, threads)
  local c = assert(parley.open(dir, { threads = threads, rebuild = true, batch_mb = 0 }))
  c:close()
  return assert(h.read(dir .. "/.parley/index"))
end

describe("an index built again", function()
  local dir
  setup(function() dir = mixed_corpus(40) end)
  teardown(h.cleanup)

  it("has the same bytes with one thread and with two, every time", function()
    local one = bytes_of(dir, 1)
    assert.equal(one, bytes_of(dir, 1))
    for run = 1, 4 do
      local two = bytes_of(dir, 2)
      assert.equal(#one, #two, "size, two threads, run " .. run)
      assert.is_true(one == two, "bytes, two threads, run " .. run)
    end
  end)

  it("numbers exact types in order of first appearance, as a walk over the tokens finds them", function()
    local c = assert(parley.open(dir, { threads = 2, rebuild = true, batch_mb = 0 }))
    local ix, seen, next_id, n = c.ix, {}, 0, c.ix:stats().tokens
    local first_wrong
    for at = 0, n - 1, 50000 do
      for _, t in ipairs(ix:tokens(at, math.min(at + 49999, n - 1))) do
        if not seen[t.text] then
          seen[t.text] = true
          local id = ix:exact_id(t.text)
          if id ~= next_id and not first_wrong then first_wrong = ("%s: id %s, expected %d"):format(t.text, id, next_id) end
          next_id = next_id + 1
        end
      end
    end
    assert.is_nil(first_wrong)
    assert.equal(next_id, ix:stats().types)   -- and no type that occurs nowhere
    c:close()
  end)

  -- The index stores the sources' paths relative to the corpus folder: a
  -- copy of the folder elsewhere, with its files' times kept (cp -p, rsync
  -- -t), holds a current index and builds the same bytes; and a folder named
  -- from another working folder is the same corpus.
  it("is the same for a copy of the corpus folder elsewhere, and from any working folder", function()
    local one = bytes_of(dir, 2)
    local elsewhere = h.tmpdir() .. "/deeper/copy"
    h.sh(("mkdir -p %s && cp -pR %s/. %s"):format(h.shquote(elsewhere), h.shquote(dir), h.shquote(elsewhere)))
    assert.is_false(one:find(dir, 1, true) ~= nil, "the index names the folder it was built in")
    local c = assert(parley.open(elsewhere))
    assert.equal("fast", c.opened)     -- the copied index is current where it now lies
    local last = c.ix:doc(c.ix:stats().documents)
    assert.equal("t40", last.id)
    assert.equal(elsewhere .. "/t40.txt", last.path)
    local orig = assert(parley.open(dir))
    assert.equal(orig:count("common1"), c:count("common1"))
    assert.equal(orig:kwic("own1_7"):tsv(), (c:kwic("own1_7"):tsv():gsub(h.esc(elsewhere), dir)))
    orig:close()
    c:close()
    assert.is_true(one == bytes_of(elsewhere, 1), "bytes of the copy")
    -- the same folder named by a relative path from its parent: still current
    local out = h.run({ "-e", "local c = assert(parley.open('copy')); io.write(c.opened, ' ', c:count('common1'))" },
                      { cwd = elsewhere:match("^(.*)/copy$"), bin = h.bin:sub(1, 1) == "/" and h.bin or h.root .. "/" .. h.bin })
    assert.equal("fast " .. parley.open(elsewhere):count("common1"), out)
  end)
end)
