-- `parley watch`: a watcher spares every open the stat of each source, and
-- never at the price of a stale answer.  Each case runs the watcher as a
-- subprocess (spec/process.lua), opens the corpus from other processes as a
-- user would, and edits sources between two opens with no pause: an edit
-- finished before a query must be seen by it, whatever the watcher is doing.
local h = require "spec.helpers"
local proc = require "spec.process"

-- A folder of n small documents (no manifest), each with a word of its own.
local function corpus_of(n)
  local dir = h.tmpdir()
  for i = 1, n do h.write(("%s/d%02d.txt"):format(dir, i), ("one text word%d here\n"):format(i)) end
  return dir
end

local function start_watch(dir, who)
  local bin, args = h.bin, { "watch", "--corpus", dir }
  if who and who.bin then
    bin, args = who.bin, {}
    for _, a in ipairs(who.pre) do args[#args + 1] = a end
    for _, a in ipairs { "watch", "--corpus", dir } do args[#args + 1] = a end
  end
  local p = proc.start(bin, args, { cwd = "/" })
  assert.is_true(p:wait("err", "watching", 60, true), "the watcher did not start: " .. p:file("err"))
  return p
end

-- In a process of its own: how the corpus opened, and the count of q.
local function open_count(dir, q)
  local out, err, code = h.run({ "-e", ('local c = assert(parley.open(%q)) print(c.opened, c.watched, c:count(%q))')
    :format(dir, q or "text") })
  assert.equal(0, code, err)
  local opened, watched, n = out:match("^(%S+)\t(%S+)\t(%d+)\n$")
  return opened, watched == "true", tonumber(n)
end

-- Wait until an open is watched again (the watcher has caught up), at most 30 s.
local function until_watched(p, dir)
  return p:until_true(function() local _, w = open_count(dir) return w end, 30)
end

-- A corpus of n documents with a watcher that already vouches for it.
local function watched_corpus(n)
  local dir = corpus_of(n)
  local p = start_watch(dir)
  assert.is_true(until_watched(p, dir), p:file("err"))
  return dir, p
end

describe("parley watch", function()
  after_each(function() proc.stop_all(); h.cleanup() end)

  it("vouches for the index: an open stats no source, and answers as without it", function()
    local dir = corpus_of(5)
    local opened, watched, n = open_count(dir)
    assert.same({ "built", false, 5 }, { opened, watched, n })
    local p = start_watch(dir)
    assert.is_true(until_watched(p, dir), p:file("err"))
    opened, watched, n = open_count(dir)
    assert.same({ "fast", true, 5 }, { opened, watched, n })
    -- asked not to, an open stats as before
    local out = h.run({ "-e", ('local c = assert(parley.open(%q, { watch = false })) print(c.opened, c.watched)'):format(dir) })
    assert.equal("fast\tnil\n", out)
    p:kill("INT")
    local _, err, status = p:finish()
    assert.equal(130, status)
    assert.matches("parley: interrupted\n$", err)
    assert.is_nil(require("parley.fs").lstat(dir .. "/.parley/index.watch"))   -- its socket went with it
  end)

  it("never hides an edit made just before a query: the query sees it, then the watcher catches up", function()
    local dir, p = watched_corpus(5)
    for k = 1, 6 do
      local word = "edited" .. k
      h.write(dir .. "/d01.txt", ("one text %s here\n"):format(word))   -- and at once:
      local opened, watched, n = open_count(dir, word)
      assert.equal(1, n, "edit " .. k .. " not seen (" .. opened .. ")")
      assert.is_false(watched)
    end
    assert.is_true(until_watched(p, dir), p:file("err"))
    local _, _, n = open_count(dir, "edited6")
    assert.equal(1, n)
    assert.matches("the index .- is", p:file("err"))
  end)

  it("reads every change queued before a question, before it answers", function()
    -- the watcher is stopped while a source is edited and a question is
    -- asked, then let go: both the change and the question are waiting
    local W = require "parley.watcher"
    local dir = corpus_of(3)
    local sock = dir .. "/.parley/index.watch"
    local p = start_watch(dir)
    assert.is_true(until_watched(p, dir), p:file("err"))
    for k = 1, 3 do
      local c = assert(parley.open(dir, { watch = false }))
      local question = "fresh? " .. c.ix:stats().checksum .. "\n"
      c:close()
      assert.equal(question:gsub("^fresh%? ", "fresh "), W.ask(sock, question, 5000))
      h.sh(("kill -STOP %d; printf 'one text stopped%d here\\n' > %s; (sleep 0.3; kill -CONT %d) &")
        :format(p:pid(), k, h.shquote(dir .. "/d01.txt"), p:pid()))
      assert.equal("dirty\n", W.ask(sock, question, 10000))   -- asked while it is stopped
      assert.is_true(until_watched(p, dir), p:file("err"))
    end
  end)

  it("answers dirty about an index other than its own, and checks again", function()
    local dir, p = watched_corpus(2)
    local W = require "parley.watcher"
    local sock = dir .. "/.parley/index.watch"
    assert.equal("dirty\n", W.ask(sock, "fresh? 0123456789abcdef\n", 2000))
    assert.is_true(until_watched(p, dir), p:file("err"))
    local _, n = p:file("err"):gsub("the index .- is current", "")
    assert.is_true(n >= 1)
  end)

  it("sees files added, removed and renamed", function()
    local dir, p = watched_corpus(3)
    h.write(dir .. "/new.txt", "a newcomer text\n")
    assert.equal(4, select(3, open_count(dir)))
    os.remove(dir .. "/d02.txt")
    assert.equal(3, select(3, open_count(dir)))
    os.rename(dir .. "/d03.txt", dir .. "/d03.md")
    assert.equal(3, select(3, open_count(dir)))
    assert.is_true(until_watched(p, dir), p:file("err"))
  end)

  it("answers again when the index's folder is removed and made again", function()
    local dir, p = watched_corpus(3)
    h.sh("rm -rf " .. h.shquote(dir .. "/.parley"))
    -- the watcher rebuilds, and listens again where the new socket belongs
    assert.is_true(p:wait("err", "answering again at", 30, true), p:file("err"))
    assert.is_true(until_watched(p, dir), p:file("err"))
    assert.same({ "fast", true, 3 }, { open_count(dir) })
  end)

  it("watches folders made after it started, and the manifest", function()
    local dir = corpus_of(2)
    h.write(dir .. "/corpus.lua", 'return { name = "w", documents = { { path = "d01.txt" } } }\n')
    local p = start_watch(dir)
    assert.is_true(until_watched(p, dir), p:file("err"))
    assert.equal(1, select(3, open_count(dir)))
    os.execute("mkdir " .. h.shquote(dir .. "/later"))
    h.write(dir .. "/later/deep.txt", "a text in a later folder\n")
    h.write(dir .. "/corpus.lua", 'return { name = "w", documents = { { path = "d01.txt" }, { path = "later/deep.txt" } } }\n')
    assert.equal(2, select(3, open_count(dir)))
    assert.is_true(until_watched(p, dir), p:file("err"))
    h.write(dir .. "/later/deep.txt", "a text, a text in a later folder\n")   -- in the folder made later
    local _, watched, n = open_count(dir)
    assert.equal(3, n)
    assert.is_false(watched)
  end)

  it("is believed only from a socket and a peer of the opener's own user, for an index of its own", function()
    local who = h.unprivileged()
    if not who or not who.bin then pending("needs root, to run the watcher as another user") return end
    local fs = require "parley.fs"
    local dir = corpus_of(3)
    assert.equal(3, select(3, open_count(dir)))        -- the index is the opener's (root's)
    os.execute("chown 65534:65534 " .. h.shquote(dir) .. " " .. h.shquote(dir .. "/.parley"))
    local p = start_watch(dir, who)
    local sock = dir .. "/.parley/index.watch"
    assert.is_true(p:until_true(function() return fs.lstat(sock) ~= nil end, 30))
    local opened, watched, n = open_count(dir)
    assert.same({ "fast", false, 3 }, { opened, watched, n })   -- a socket of another user
    os.execute("chown 0:0 " .. h.shquote(sock))                    -- now the opener's: the peer is not
    opened, watched, n = open_count(dir)
    assert.same({ "fast", false, 3 }, { opened, watched, n })
    assert.matches("not of this user", select(2, require("parley.watcher").ask(sock, "fresh? x\n", 2000)))
  end)

  it("never vouches for an index that others may write", function()
    local dir, p = watched_corpus(2)
    os.execute("chmod go+w " .. h.shquote(dir .. "/.parley/index"))
    local _, watched = open_count(dir)
    assert.is_false(watched)
    os.execute("chmod go-w " .. h.shquote(dir .. "/.parley/index"))
    assert.is_true(until_watched(p, dir), p:file("err"))
  end)

  it("lives through a source it cannot read, and vouches again once it is mended", function()
    local dir, p = watched_corpus(2)
    h.write(dir .. "/d01.txt", "bad \xff byte\n")
    assert.is_true(p:wait("err", "cannot be brought up to date", 30, true), p:file("err"))
    local _, _, code = h.run({ "-e", ("assert(parley.open(%q))"):format(dir) })
    assert.equal(1, code)                                  -- the open fails as without a watcher
    h.write(dir .. "/d01.txt", "one text mended here\n")
    assert.is_true(until_watched(p, dir), p:file("err"))
    assert.is_false(p:ended())
    assert.equal(1, select(3, open_count(dir, "mended")))
  end)

  it("refuses to start over a file that is not a socket, or beside another watcher", function()
    local dir = corpus_of(2)
    assert.equal(2, select(3, open_count(dir)))
    h.write(dir .. "/.parley/index.watch", "planted")
    local _, err, code = h.run({ "watch", "--corpus", dir })
    assert.equal(1, code)
    assert.matches("index%.watch: exists and is not a socket; remove it", err)
    assert.equal(2, select(3, open_count(dir)))   -- and an opener just ignores it
    os.remove(dir .. "/.parley/index.watch")
    local p = start_watch(dir)
    _, err, code = h.run({ "watch", "--corpus", dir })
    assert.equal(1, code)
    assert.matches("another watcher is serving this index", err)
    p:kill("INT")
    p:finish()
  end)
end)
