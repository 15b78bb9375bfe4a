-- The file system as a hostile user (or an unlucky one) leaves it: two
-- builders at once, temporaries of killed builds, read-only folders and
-- mounts, a full disk, an unwritable home, files that vanish, FIFOs, links
-- in and out of the folder, manifests with wrong types, 20 000 tiny
-- documents.  Everything is generated here, in temporary folders removed
-- after each test; what is expected comes from the files written here (and
-- from `grep`, `stat`, `wc`), not from parley.
local h = require "spec.helpers"
local fs = require "parley.fs"

local sh, esc = h.sh, h.esc

local q = h.shquote
local UID = h.UID
local undo = {}  -- shell commands that put things back after a test (umount, chmod u+w, kill)

-- A folder holding files { name = text }, that other users may enter and read.
local function folder(files)
  local dir = h.tmpdir()
  for name, text in pairs(files or {}) do h.write(dir .. "/" .. name, text) end
  sh("chmod 755 " .. q(dir))
  return dir
end

-- The output of a shell command, its last newline removed.
local function capture(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return (out:gsub("\n$", ""))
end

-- Occurrences of word w in the files of dir, as grep counts them (whole words, any case).
local function grep_count(dir, w)
  return tonumber(capture(("cat %s/*.txt | grep -o -i -w %s | wc -l"):format(q(dir), q(w))))
end

-- A corpus of n documents of pseudo-random words w0 … w999 (a fixed seed),
-- words per document each; "marker" opens every document.
local function word_corpus(n, words)
  local dir = folder()
  local seed = 12345
  for d = 1, n do
    local t = { "marker" }
    for i = 2, words do
      seed = (seed * 1103515245 + 12345) % 2147483648
      t[i] = "w" .. (seed // 65536) % 1000
    end
    h.write(("%s/d%03d.txt"):format(dir, d), table.concat(t, " ") .. "\n")
  end
  return dir
end

-- Code for `parley -e` that opens dir and prints how, where, and a count.
local function opener(dir, word)
  return ("local c = assert(parley.open(%q)); print(c.opened, c.index_path, c:count(%q))"):format(dir, word)
end

local unprivileged, run_as = h.unprivileged, h.run_as

-- Wait (polling, bounded: not a measure of time) until file holds pattern.
local function await(file, pattern)
  for _ = 1, 600 do
    local t = h.read(file)
    if t and t:find(pattern) then return t end
    os.execute("sleep 0.05")
  end
  error("never appeared in " .. file .. ": " .. pattern)
end

-- The pid of a process that has just ended (its pid is free).
local function dead_pid()
  local pid = tonumber(capture("sh -c 'echo $$'"))
  assert(not os.execute("kill -0 " .. pid .. " 2>/dev/null"), "pid " .. pid .. " was reused at once")
  return pid
end

-- Hold an flock(2) lock on file from another process (flock(1), as any
-- program might) until the function returned is called.
local function hold_lock(file)
  local t = h.tmpdir()
  -- the holder also ends when its folder is gone (removed after a failed test)
  sh(("flock %s sh -c 'touch %s/held; while [ -d %s ] && [ ! -e %s/release ]; do sleep 0.05; done' "
    .. ">/dev/null 2>&1 & echo $! >%s/pid"):format(q(file), t, t, t, t))
  local pid = tonumber(h.read(t .. "/pid"))
  local function release()
    if not h.read(t .. "/held") then return end
    sh("touch " .. t .. "/release")
    -- until flock(1) has ended and so let go; not by taking the lock to see (flock -n
    -- would make the file again, after a builder that took the lock next removed it)
    for _ = 1, 600 do
      if not fs.alive(pid) then break end
      os.execute("sleep 0.05")
    end
    os.remove(t .. "/held")
  end
  undo[#undo + 1] = release
  await(t .. "/held", "")
  return release
end

-- The pid of a live process of our own (ended after the test).
local function live_pid()
  local pid = tonumber(capture("sleep 120 >/dev/null 2>&1 & echo $!"))
  undo[#undo + 1] = "kill " .. pid .. " 2>/dev/null"
  return pid
end

-- Can this process mount (a tmpfs, a bind mount)?  Needs root, and a kernel that lets it.
local function can_mount()
  if UID ~= 0 then return false end
  local d = h.tmpdir()
  local ok = os.execute(("mount -t tmpfs -o size=64k tmpfs %s 2>/dev/null"):format(q(d)))
  if ok then os.execute("umount " .. q(d)) end
  return ok
end

describe("the file system as a hostile user leaves it", function()
  after_each(function()
    for i = #undo, 1, -1 do
      if type(undo[i]) == "function" then undo[i]() else os.execute(undo[i]) end
      undo[i] = nil
    end
    h.cleanup()
  end)

  describe("two builders at once", function()
    it("build once: the others wait for the lock, say so once, then use its index", function()
      local dir = word_corpus(12, 4000)
      local expect = grep_count(dir, "w17")
      assert.is_true(expect > 0)
      -- this process holds the lock first, so that both builders surely meet it
      sh("mkdir " .. q(dir .. "/.parley"))
      local release = hold_lock(dir .. "/.parley/index.lock")
      local out = h.tmpdir()
      local one = ("%s -e %s >%s/o%%d 2>%s/e%%d"):format(q(h.bin), q(opener(dir, "w17")), out, out)
      local p = assert(io.popen(("(%s & %s & wait) </dev/null"):format(one:format(1, 1), one:format(2, 2))))
      local waiting = "parley: waiting for another process that is building " .. dir .. "/.parley/index\n"
      await(out .. "/e1", "waiting")
      await(out .. "/e2", "waiting")
      release()
      p:close()
      local opened = {}
      for i = 1, 2 do
        assert.equal(waiting, h.read(("%s/e%d"):format(out, i)))  -- said once, nothing else
        local how, path, n = h.read(("%s/o%d"):format(out, i)):match("^(%a+)\t(.-)\t(%d+)\n$")
        assert.equal(dir .. "/.parley/index", path)
        assert.equal(expect, tonumber(n))
        opened[#opened + 1] = how
      end
      table.sort(opened)
      assert.same({ "built", "checked" }, opened)  -- exactly one built
      -- the lock file goes with its last holder; the folder holds the index alone
      assert.same({ "index" }, fs.dir(dir .. "/.parley"))
    end)

    it("are not blocked by a lock file left behind, and a wait stops on Ctrl-C", function()
      local dir = word_corpus(2, 50)
      sh("mkdir " .. q(dir .. "/.parley"))
      h.write(dir .. "/.parley/index.lock", "")   -- left by a process that died: no lock on it
      local out, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("built\t" .. dir .. "/.parley/index\t2\n", out)
      -- a build waiting for a lock that is never released stops on SIGINT
      sh("rm " .. q(dir .. "/.parley/index") .. " && touch " .. q(dir .. "/d001.txt"))
      local release = hold_lock(dir .. "/.parley/index.lock")
      local t = h.tmpdir()
      local p = assert(io.popen(("timeout 60 %s -e %s </dev/null >%s/o 2>%s/e & echo $! >%s/pid; wait $!; echo $? >%s/rc")
        :format(q(h.bin), q(opener(dir, "marker")), t, t, t, t)))
      await(t .. "/e", "waiting")
      sh("kill -INT " .. assert(h.read(t .. "/pid")):gsub("%s", ""))
      p:close()
      release()
      local rc = tonumber(h.read(t .. "/rc"))
      assert.is_true(rc ~= 0 and rc ~= 124, "exit " .. rc .. " (124: the wait did not stop)")
      assert.matches("interrupted", h.read(t .. "/e"))
      assert.is_nil(fs.stat(dir .. "/.parley/index"))
    end)
  end)

  describe("temporaries of builds that were killed", function()
    it("are removed at the next open, fast or not, and those of live processes are kept", function()
      local dir = word_corpus(2, 50)
      local _, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal("", err)
      assert.equal(0, code)
      local dead, live = dead_pid(), live_pid()
      local ix = dir .. "/.parley/index"
      local planted = {
        ["index.tmp." .. dead] = false, ["index.runs." .. dead] = false,   -- dead: removed
        ["index.spill-texts." .. dead] = false, ["index.spill-srcmap." .. dead] = false,
        ["index.spill-texts." .. live] = true,
        ["index.tmp." .. live] = true, ["index.runs." .. live] = true,     -- live: kept
        ["index.tmp.x1"] = true, ["other.tmp." .. dead] = true,            -- not a build's: kept
      }
      for name in pairs(planted) do h.write(dir .. "/.parley/" .. name, ("x"):rep(1000)) end
      -- while another process holds the build lock (one whose pid may mean
      -- nothing here, in another pid namespace), nothing is removed
      local release = hold_lock(ix .. ".lock")
      local out
      out, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal("", err)
      assert.equal("fast\t" .. ix .. "\t2\n", out)
      for name in pairs(planted) do assert.is_not_nil(fs.stat(dir .. "/.parley/" .. name), name) end
      release()
      out, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("fast\t" .. ix .. "\t2\n", out)   -- no build was needed to clean up
      for name, kept in pairs(planted) do
        assert.equal(kept, fs.stat(dir .. "/.parley/" .. name) ~= nil, name)
      end
      assert.is_nil(fs.stat(ix .. ".lock"))   -- the lock taken to clean up went with it
    end)

    it("include a lock file no one holds, left by a process stopped before it held the lock", function()
      local dir = word_corpus(2, 50)
      local _, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal(0, code, err)
      local ix = dir .. "/.parley/index"
      h.write(ix .. ".lock", "")
      local release = hold_lock(ix .. ".lock")       -- held: it stays
      local out
      out, err = h.run({ "-e", opener(dir, "marker") })
      assert.equal("fast\t" .. ix .. "\t2\n", out, err)
      assert.is_not_nil(fs.stat(ix .. ".lock"))
      release()
      out, err = h.run({ "-e", opener(dir, "marker") })
      assert.equal("fast\t" .. ix .. "\t2\n", out, err)
      assert.same({ "index" }, fs.dir(dir .. "/.parley"))
    end)

    it("of a build killed at any moment are only its index.tmp.PID: the runs file has no name", function()
      local dir = word_corpus(12, 20000)
      sh("mkdir " .. q(dir .. "/.parley"))
      local t = h.tmpdir()
      -- stop the build as soon as its temporary index exists, list the folder, kill it
      sh(("cd %s && (exec %s -e %s >/dev/null 2>&1) & pid=$!; while [ ! -e %s/.parley/index.tmp.$pid ]; "
        .. "do :; done; kill -STOP $pid; echo $pid >%s/pid; ls -A %s/.parley >%s/ls; kill -KILL $pid; wait")
        :format(q(t), q(h.bin), q(opener(dir, "marker")), q(dir), t, q(dir), t))
      local pid = assert(h.read(t .. "/pid")):gsub("%s", "")
      local left = {}
      for name in assert(h.read(t .. "/ls")):gmatch("[^\n]+") do left[#left + 1] = name end
      assert.same({ "index.lock", "index.tmp." .. pid }, left)   -- no index.runs.PID, at any moment
      -- the next open removes the dead build's file and builds; its lock file goes too
      local out, err, code = h.run({ "-e", opener(dir, "marker") })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("built\t" .. dir .. "/.parley/index\t12\n", out)
      assert.same({ "index" }, fs.dir(dir .. "/.parley"))
    end)
  end)

  describe("read-only folders", function()
    it("keep their index in the cache, for root too (by the folder's mode)", function()
      local dir = word_corpus(2, 50)
      local cache = folder()
      sh("chmod 555 " .. q(dir))
      undo[#undo + 1] = "chmod 755 " .. q(dir)
      local out, err, code = h.run({ "-e", opener(dir, "marker") }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^built\t" .. esc(cache) .. "/parley/[%w._-]+%-%x+/index\t2\n$", out)
      assert.is_nil(fs.lstat(dir .. "/.parley"))
    end)

    it("keep their index in the cache when run as an unprivileged user", function()
      local who, why = unprivileged()
      if not who then pending(why) return end
      local top = folder()
      local dir = top .. "/ro"
      sh("mkdir " .. q(dir) .. " && echo 'marker text' > " .. q(dir .. "/a.txt") .. " && chmod -R a+rX " .. q(top))
      sh("chmod 555 " .. q(dir))
      undo[#undo + 1] = "chmod 755 " .. q(dir)
      local cache = folder()
      sh("chmod 777 " .. q(cache))
      local out, err, code = run_as(who, { "-e", opener(dir, "marker") }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^built\t" .. esc(cache) .. "/parley/ro%-%x+/index\t1\n$", out)
      assert.is_nil(fs.lstat(dir .. "/.parley"))
    end)

    it("on a read-only mount keep their index in the cache (statvfs says so)", function()
      if not can_mount() then pending("mounting needs root (and a kernel that allows it): not checked") return end
      local dir = word_corpus(2, 50)
      local mnt = h.tmpdir()
      sh(("mount --bind %s %s && mount -o remount,bind,ro %s"):format(q(dir), q(mnt), q(mnt)))
      undo[#undo + 1] = "umount " .. q(mnt)
      assert.is_false((fs.writable(mnt)))
      assert.equal(mnt .. ": Read-only file system", select(2, fs.writable(mnt)))
      local cache = folder()
      local out, err, code = h.run({ "-e", opener(mnt, "marker") }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^built\t" .. esc(cache) .. "/parley/[%w._-]+%-%x+/index\t2\n$", out)
      assert.is_nil(fs.lstat(dir .. "/.parley"))
    end)
  end)

  describe("a full disk", function()
    it("sends the index to the cache, saying where and how big, and leaves nothing half-written", function()
      if not can_mount() then pending("mounting a small tmpfs needs root: the full disk is not checked") return end
      local mnt = h.tmpdir()
      sh(("mount -t tmpfs -o size=200k tmpfs %s"):format(q(mnt)))
      undo[#undo + 1] = "umount " .. q(mnt)
      -- about 60 KB of text: its index (several times that) does not fit in what is left
      local src = word_corpus(5, 2400)
      sh(("cp %s/*.txt %s"):format(q(src), q(mnt)))
      local expect = grep_count(mnt, "w17")
      local cache = folder()
      local out, err, code = h.run({ "-e", opener(mnt, "w17") }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal(0, code)
      local cached = out:match("^built\t(" .. esc(cache) .. "/parley/[%w._-]+%-%x+/index)\t" .. expect .. "\n$")
      assert.is_not_nil(cached, out)
      local mb = err:match("^parley: warning: no room for the index in " .. esc(mnt) .. "/%.parley %(No space "
        .. "left on device: it needs more than ([%d.]+ [KM]B)%); building it in " .. esc(cached) .. " instead\n$")
      assert.is_not_nil(mb, err)
      -- a lower bound: more than nothing, at most the index built in the end
      local n, unit = mb:match("^([%d.]+) ([KM])B$")
      local needs = tonumber(n) * (unit == "K" and 1024 or 1048576)
      assert.is_true(needs > 0 and needs <= fs.stat(cached).size + 512, mb)
      assert.same({}, fs.dir(mnt .. "/.parley"))   -- no half-written index, no runs, no lock
      -- the next open finds it in the cache, fast
      out, err, code = h.run({ "-e", opener(mnt, "w17") }, { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("fast\t" .. cached .. "\t" .. expect .. "\n", out)
    end)

    it("with no room anywhere is an error naming both places, and one naming an index option's path", function()
      if not can_mount() then pending("mounting a small tmpfs needs root: the full disk is not checked") return end
      local mnt = h.tmpdir()
      sh(("mount -t tmpfs -o size=200k tmpfs %s"):format(q(mnt)))
      undo[#undo + 1] = "umount " .. q(mnt)
      local src = word_corpus(5, 2400)
      sh(("mkdir %s/c && cp %s/*.txt %s/c"):format(q(mnt), q(src), q(mnt)))
      local dir = mnt .. "/c"
      local out, err, code = h.run({ "overview", "--corpus", dir }, { env = { XDG_CACHE_HOME = mnt .. "/cache" } })
      assert.equal("", out)
      assert.is_true(code ~= 0)
      assert.matches("no room for the index of " .. esc(dir) .. ": it needs more than [%d.]+ [KM]B, and neither "
        .. esc(dir) .. "/%.parley/index nor " .. esc(mnt) .. "/cache/parley/c%-%x+/index has it %(No space left "
        .. "on device%); free some space, or give parley.open the option index = PATH of a place with room", err)
      local code2 = ("print(parley.open(%q, { index = %q }))"):format(dir, mnt .. "/x/index")
      out, err, code = h.run({ "-e", code2 })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("^nil\tno room for the index " .. esc(mnt) .. "/x/index: No space left on device %(it needs "
        .. "more than [%d.]+ [KM]B there; ", out)
      -- nothing half-written anywhere on the disk
      assert.equal("", capture(("find %s -name '*.tmp.*' -o -name '*.runs.*' -o -name 'index' -o -name '*.lock'")
        :format(q(mnt))))
    end)
  end)

  describe("an unwritable home", function()
    it("is an error saying what parley was doing, the path and the fix", function()
      local dir = word_corpus(1, 20)
      sh("chmod 555 " .. q(dir))
      undo[#undo + 1] = "chmod 755 " .. q(dir)
      -- a home that is a file: no folder can be made in it, whoever runs this
      local home = folder({ file = "not a folder\n" }) .. "/file"
      local code = ("print(parley.open(%q))"):format(dir)
      local out, err, status = h.run({ "-e", code }, { env = { HOME = home, XDG_CACHE_HOME = "" } })
      assert.equal("", err)
      assert.equal(0, status)
      assert.equal(("nil\tcannot make the cache folder %s/.cache for the index (the corpus folder %s is read-only): "
        .. "%s/.cache: Not a directory; set XDG_CACHE_HOME to a folder of your own that you may write in, "
        .. "or give parley.open the option index = PATH\n"):format(home, dir, home), out)
      local who, why = unprivileged()
      if not who or UID ~= 0 then pending(why or "not root: /nonexistent is not checked as another user") return end
      out, err, status = run_as(who, { "-e", code }, { env = { HOME = "/nonexistent", XDG_CACHE_HOME = "" } })
      assert.equal("", err)
      assert.equal(0, status)
      assert.equal(("nil\tcannot make the cache folder /nonexistent/.cache for the index (the corpus folder %s is "
        .. "read-only): /nonexistent: Permission denied; set XDG_CACHE_HOME to a folder of your own that you may "
        .. "write in, or give parley.open the option index = PATH\n"):format(dir), out)
    end)
  end)

  describe("sources", function()
    -- parley.open's message for dir (nil, message expected)
    local function refused(dir)
      local c, msg = parley.open(dir)
      assert.is_nil(c)
      return msg
    end

    it("listed by a manifest but missing, or gone, are named", function()
      local dir = folder({ ["a.txt"] = "alpha\n", ["corpus.lua"] = 'return { documents = { { path = "a.txt" }, '
        .. '{ path = "gone.txt" } } }\n' })
      assert.equal(dir .. "/gone.txt: No such file or directory", refused(dir))
      local out, err, code = h.run({ "overview", "--corpus", dir })
      assert.equal("", out)
      assert.is_true(code ~= 0)
      assert.matches(esc(dir .. "/gone.txt: No such file or directory"), err)
    end)

    it("unreadable (mode 000) are named, for a user whom the mode stops", function()
      local who, why = unprivileged()
      if not who then pending(why) return end
      local dir = folder({ ["a.txt"] = "alpha\n", ["b.txt"] = "beta\n" })
      sh("chmod 000 " .. q(dir .. "/b.txt"))
      local cache = folder()
      sh("chmod 777 " .. q(cache) .. " && chmod 555 " .. q(dir))
      undo[#undo + 1] = "chmod 755 " .. q(dir)
      local out, err, code = run_as(who, { "-e", ("print(parley.open(%q))"):format(dir) },
        { env = { XDG_CACHE_HOME = cache } })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("nil\t" .. dir .. "/b.txt: Permission denied\n", out)
    end)

    it("that are FIFOs or dangling links are never waited on, and named, listed or not", function()
      local dir = folder({ ["a.txt"] = "alpha\n" })
      sh(("mkfifo %s && ln -s nowhere.txt %s"):format(q(dir .. "/f.txt"), q(dir .. "/d.txt")))
      local out, err, code = h.run({ "10", h.bin, "-e", opener(dir, "alpha") }, { bin = "timeout" })
      assert.equal(0, code)   -- timeout's 124 would mean it waited on the FIFO
      assert.equal("built\t" .. dir .. "/.parley/index\t1\n", out)
      assert.equal("parley: warning: " .. dir .. "/d.txt: a symbolic link to nothing; not indexed\n"
        .. "parley: warning: " .. dir .. "/f.txt: not a regular file (a FIFO, socket or device); not indexed\n", err)
      h.write(dir .. "/corpus.lua", 'return { documents = { { path = "a.txt" }, { path = "f.txt" } } }\n')
      assert.equal(dir .. "/f.txt: not a regular file", refused(dir))
      h.write(dir .. "/corpus.lua", 'return { documents = { { path = "a.txt" }, { path = "d.txt" } } }\n')
      assert.equal(dir .. "/d.txt: No such file or directory", refused(dir))
    end)

    it("outside the folder are refused: ../x, absolute paths, links out; links inside are followed", function()
      local top = folder({ ["outside.txt"] = "secret words\n" })
      local dir = top .. "/c"
      sh("mkdir " .. q(dir))
      h.write(dir .. "/a.txt", "alpha\n")
      sh(("ln -s ../outside.txt %s && ln -s a.txt %s"):format(q(dir .. "/out.txt"), q(dir .. "/in.txt")))
      local real_out = fs.realpath(top .. "/outside.txt")
      -- a bare folder: the link out is named and not read; the link in is read
      local out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)); print(c:count('secret'), "
        .. "c:count('alpha'))"):format(dir) })
      assert.equal(0, code)
      assert.equal("0\t2\n", out)
      assert.equal("parley: warning: " .. dir .. "/out.txt: a symbolic link to " .. real_out .. ", outside the "
        .. "corpus folder; not indexed\n", err)
      local function manifest(path)
        h.write(dir .. "/corpus.lua", ("return { documents = { { path = %q } } }\n"):format(path))
        return refused(dir)
      end
      assert.equal(dir .. "/corpus.lua: documents[1] (../outside.txt): outside the corpus folder (its real path "
        .. "is " .. real_out .. "); list the folder holding it in 'roots' to allow it", manifest("../outside.txt"))
      assert.equal(dir .. "/corpus.lua: documents[1] (out.txt): outside the corpus folder (its real path "
        .. "is " .. real_out .. "); list the folder holding it in 'roots' to allow it", manifest("out.txt"))
      assert.equal(dir .. "/corpus.lua: documents[1] (" .. real_out .. "): an absolute path; name documents "
        .. "relative to the corpus folder, or list the folder holding it in 'roots'", manifest(real_out))
    end)

    it("with fields of the wrong type are refused, naming corpus.lua and the field", function()
      local dir = folder({ ["a.txt"] = "alpha\n" })
      local cases = {
        { "{ name = {}, documents = { { path = 'a.txt' } } }", "'name' must be a string, not a table" },
        { "{ documents = 'a.txt' }", "'documents' must be a list of documents { path = …, … }, not a string" },
        { "{ documents = { 'a.txt' } }", "documents[1]: must be a table { path = …, … }, not a string" },
        { "{ documents = { { path = 5 } } }", "documents[1]: 'path' must be the path of a file in the corpus "
          .. "folder, not a number (5)" },
        { "{ documents = { { path = 'a.txt', title = true } } }", "documents[1] (a.txt): 'title' must be a "
          .. "string, not a boolean (true)" },
        { "{ documents = { { path = 'a.txt', id = 7 } } }", "documents[1] (a.txt): 'id' must be a string, not "
          .. "a number (7)" },
        { "{ documents = { { path = 'a.txt', date = 1962 } } }", "documents[1] (a.txt): 'date' must be an ISO "
          .. "8601 date such as 1962-11-01" },
        { "{ roots = 'x', documents = { { path = 'a.txt' } } }", "'roots' must be a list of folders, not a string" },
      }
      for _, case in ipairs(cases) do
        h.write(dir .. "/corpus.lua", "return " .. case[1] .. "\n")
        assert.equal(dir .. "/corpus.lua: " .. case[2], refused(dir), case[1])
        local out, err, code = h.run({ "overview", "--corpus", dir })
        assert.equal("", out)
        assert.is_true(code ~= 0)
        assert.matches(esc(dir .. "/corpus.lua: " .. case[2]), err)
      end
    end)

    it("20 000 tiny documents build, every one counted", function()
      local dir = folder()
      local n = 20000
      for i = 1, n do h.write(("%s/t%05d.txt"):format(dir, i), ("tiny note %d\n"):format(i % 7)) end
      local out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)); local s = c:stats(); "
        .. "print(s.documents, s.tokens, c:count('tiny'), c:count('3'))"):format(dir) })
      assert.equal("", err)
      assert.equal(0, code)
      local threes = 0
      for i = 1, n do if i % 7 == 3 then threes = threes + 1 end end
      assert.equal(("%d\t%d\t%d\t%d\n"):format(n, 3 * n, n, threes), out)
    end)
  end)

  describe("overview", function()
    it("weighs the index against the text", function()
      local dir = word_corpus(3, 400)
      local out, err, code = h.run({ "overview", "--corpus", dir })
      assert.equal("", err)
      assert.equal(0, code)
      -- ASCII text with LF line ends: the normalised text is the files' bytes
      local text = tonumber(capture(("cat %s/*.txt | wc -c"):format(q(dir))))
      local size = tonumber(capture(("stat -c %%s %s/.parley/index"):format(q(dir))))
      local shown = ("index %.1f KB, %.1f times the text (%.1f KB)"):format(size / 1024, size / text, text / 1024)
      assert.matches("\n" .. esc(shown) .. "\n", out)
      assert.is_true(size > text)   -- a small corpus: the index outweighs its text
    end)
  end)
end)
