-- The index writer (parley.indexer.build, itself and through parley.open): with one thread
-- the same corpus gives the same bytes, however its documents are batched; and
-- the build's temporary files (docs/index-format.md: INDEX.tmp.PID and
-- INDEX.runs.PID) are created afresh, never through a symbolic link or over a
-- file planted at those names.  The builds run in this process, so PID is this
-- process's own id.
local h = require "spec.helpers"
local parley = require "parley"
local fs = require "parley.fs"

local MAGIC = "PARLEYIX"  -- docs/index-format.md: the header starts with it
local HEADER = 4096

-- This process's id: the first field of /proc/self/stat.
local function own_pid()
  local f = assert(io.open("/proc/self/stat"))
  local line = f:read("l")
  f:close()
  return assert(line:match("^(%d+) "))
end

local function is_link(path)
  return os.execute("test -L " .. h.shquote(path)) == true
end

-- The writer itself (parley.indexer.build), without parley.open, which first
-- removes what dead builds left (a file named after this process included):
-- so that the writer's own refusal is tested too.  nil, message on failure.
local function write_index(index)
  local st = assert(fs.stat(h.dinner))
  local ok, res = pcall(require("parley.indexer").build, {
    output = index, meta = "{}", threads = 1, progress = false, doc_attrs = { "id" },
    docs = { { path = h.dinner, id = "dinner", meta = "{}", attrs = { "dinner" }, size = st.size,
               mtime = st.mtime, mtime_ns = st.mtime_ns } },
  })
  if ok then return res end
  return nil, res
end

local function build(index, opts)
  opts = opts or {}
  return parley.open(h.corpus, {
    rebuild = true, threads = 1, index = index, progress = false, batch_mb = opts.batch_mb,
  })
end

describe("an index build", function()
  after_each(h.cleanup)

  describe("with one thread", function()
    it("writes the same bytes twice for the same corpus", function()
      local dir = h.tmpdir()
      local a, b = dir .. "/a", dir .. "/b"
      h.open(h.corpus, { rebuild = true, threads = 1, index = a, progress = false }):close()
      h.open(h.corpus, { rebuild = true, threads = 1, index = b, progress = false }):close()
      local x, y = h.read(a), h.read(b)
      assert.equal(MAGIC, x:sub(1, #MAGIC))
      assert.is_true(#x > HEADER)
      assert.is_true(x == y, "the two builds differ")
    end)

    it("writes the same bytes whether the documents are indexed in one batch or one per batch", function()
      -- batch_mb = 0 ends a batch after every document: the two documents of the
      -- bundled corpus become two postings runs, which the writer merges
      local dir = h.tmpdir()
      local one, two = dir .. "/one", dir .. "/two"
      local c1 = assert(build(one))
      local c2 = assert(build(two, { batch_mb = 0 }))
      assert.equal(2, c2.built.documents)
      c1:close(); c2:close()
      assert.is_true(h.read(one) == h.read(two), "batching changed the index")
    end)
  end)

  describe("refuses to write through what is planted at its temporary names", function()
    local dir, index, target, pid
    before_each(function()
      dir = h.tmpdir()
      index = dir .. "/index"
      target = dir .. "/precious"
      h.write(target, "not an index\n")
      pid = own_pid()
    end)

    -- The runs file is made without a name (O_TMPFILE) where the file system
    -- can: then its name is never used, the build goes on and what is planted
    -- there stays as it was; elsewhere the name is refused as INDEX.tmp.PID is.
    local function unnamed_runs(kind, c)
      if kind ~= "runs" or not c then return false end
      assert.is_not_nil(fs.stat(index))
      return true
    end

    for _, kind in ipairs({ "tmp", "runs" }) do
      it("a symbolic link at INDEX." .. kind .. ".PID", function()
        local planted = index .. "." .. kind .. "." .. pid
        assert(os.execute(("ln -s %s %s"):format(h.shquote(target), h.shquote(planted))))
        local c, err = write_index(index)
        if unnamed_runs(kind, c) then
          assert.equal("not an index\n", h.read(target))
          assert.is_true(is_link(planted), "the planted link was removed")
          return
        end
        assert.is_nil(c)
        err = tostring(err)
        assert.truthy(err:find("cannot create " .. planted, 1, true), err)
        assert.truthy(err:find("File exists", 1, true), err)
        assert.equal("not an index\n", h.read(target))
        assert.is_true(is_link(planted), "the planted link was removed")
        assert.is_nil(fs.stat(index))
      end)
    end

    it("a dangling symbolic link at INDEX.tmp.PID, whose target it does not create", function()
      local planted, nowhere = index .. ".tmp." .. pid, dir .. "/nowhere"
      assert(os.execute(("ln -s %s %s"):format(h.shquote(nowhere), h.shquote(planted))))
      local c, err = write_index(index)
      assert.is_nil(c)
      assert.truthy(tostring(err):find("cannot create " .. planted, 1, true), tostring(err))
      assert.is_nil(fs.stat(nowhere))
      assert.is_nil(fs.stat(index))
    end)

    it("a file at INDEX.runs.PID, which it leaves as it was", function()
      local planted = index .. ".runs." .. pid
      h.write(planted, "not a run\n")
      local c, err = write_index(index)
      if unnamed_runs("runs", c) then
        assert.equal("not a run\n", h.read(planted))
        return
      end
      assert.is_nil(c)
      assert.truthy(tostring(err):find("cannot create " .. planted, 1, true), tostring(err))
      assert.equal("not a run\n", h.read(planted))
      assert.is_nil(fs.stat(index))
      assert.is_nil(fs.stat(index .. ".tmp." .. pid))  -- its own temporary file is removed
    end)

    it("and builds once the way is clear", function()
      local planted = index .. ".tmp." .. pid
      assert(os.execute(("ln -s %s %s"):format(h.shquote(target), h.shquote(planted))))
      assert.is_nil((write_index(index)))
      os.remove(planted)
      local c = assert(build(index))
      assert.equal(5, c:count("guantanamo"))  -- README: Guantánamo and Guantanamo
      c:close()
      assert.equal("not an index\n", h.read(target))
      assert.same({ "index", "precious" }, (function()
        local names = fs.dir(dir)
        table.sort(names)
        return names
      end)())
    end)

    it("while parley.open first removes what a dead build with this pid left, never following it", function()
      for _, kind in ipairs({ "tmp", "runs" }) do
        assert(os.execute(("ln -s %s %s"):format(h.shquote(target), h.shquote(index .. "." .. kind .. "." .. pid))))
      end
      local c = assert(build(index))
      assert.equal(5, c:count("guantanamo"))
      c:close()
      assert.equal("not an index\n", h.read(target))
      assert.is_nil(fs.lstat(index .. ".tmp." .. pid))
      assert.is_nil(fs.lstat(index .. ".runs." .. pid))
    end)
  end)
end)
