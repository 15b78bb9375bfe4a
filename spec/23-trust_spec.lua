-- A corpus is someone else's data: opening one never reads outside its folder
-- (links resolved) unless its manifest declares roots, never writes through a
-- link, keeps read-only corpora apart in a private cache, and never lets the
-- folder plant a script or a module.  Everything happens in temporary folders;
-- what is expected comes from the files written here, not from parley.
local h = require "spec.helpers"
local parley = require "parley"
local fs = require "parley.fs"
local index = require "parley.index"

local sh, esc = h.sh, h.esc

local UID = h.UID
local readonly = {}  -- folders made read-only by a test, to make writable after it

-- chmod 555 the folders (after chmod -R a+rX of top, so that another user may read them).
local function make_readonly(top, ...)
  sh("chmod -R a+rX " .. h.shquote(top))
  for _, d in ipairs({ ... }) do
    sh("chmod 555 " .. h.shquote(d))
    readonly[#readonly + 1] = d
  end
end

-- A copy of the bundled corpus (sources, manifest, person register; no index)
-- in a fresh folder; a manifest edit f(src) -> src is applied if given.
local function copy_corpus(edit)
  local dir = h.tmpdir() .. "/cmc"
  sh(("mkdir %s && cp %s/*.txt %s/*.md %s/corpus.lua %s/people.lua %s"):format(h.shquote(dir),
    h.shquote(h.corpus), h.shquote(h.corpus), h.shquote(h.corpus), h.shquote(h.corpus), h.shquote(dir)))
  sh("chmod u+w " .. h.shquote(dir) .. "/*")
  if edit then
    local src = h.read(dir .. "/corpus.lua")
    local edited = edit(src)
    assert(edited ~= src, "the manifest edit changed nothing")
    h.write(dir .. "/corpus.lua", edited)
  end
  return dir
end

-- An edit that puts document entries first in the bundled manifest.
local function first_documents(entries)
  return function(src)
    return (src:gsub("  documents = {\n", "  documents = {\n" .. entries .. "\n", 1))
  end
end

-- A folder holding files { name = text }.
local function folder(files)
  local dir = h.tmpdir()
  for name, text in pairs(files) do h.write(dir .. "/" .. name, text) end
  return dir
end

local function refused(dir)
  local c, msg = parley.open(dir)
  assert.is_nil(c)
  return msg
end

local ids = h.ids

local unprivileged, run_as = h.unprivileged, h.run_as

-- A folder other users can enter, owned by who (as root: chown).
local function shared_tmpdir(who)
  local d = h.tmpdir()
  sh("chmod 755 " .. h.shquote(d))
  if UID == 0 then sh(("chown %d:%d %s"):format(who.uid, who.uid, h.shquote(d))) end
  return d
end

describe("a corpus from someone else", function()
  after_each(function()
    for i = #readonly, 1, -1 do  -- writable again, so that cleanup can remove them
      os.execute("chmod u+w " .. h.shquote(readonly[i]))
      readonly[i] = nil
    end
    h.cleanup()
  end)

  describe("manifest paths", function()
    it("are refused when they climb out of the folder, naming manifest, document and real path", function()
      local dir = copy_corpus(first_documents('    { id = "pw", path = "../../../../etc/passwd" },'))
      -- from /tmp/parley-spec.X/cmc, four levels up is the root: .. at / stays at /
      assert.equal(dir .. "/corpus.lua: documents[1] (../../../../etc/passwd): outside the corpus folder "
        .. "(its real path is /etc/passwd); list the folder holding it in 'roots' to allow it", refused(dir))
      assert.is_nil(fs.stat(dir .. "/.parley/index"))
      -- and kwic shows none of its text
      local out, err, code = h.run({ "kwic", "root", "--corpus", dir })
      assert.equal(1, code)
      assert.equal("", out)
      assert.matches("documents%[1%] %(%.%./%.%./%.%./%.%./etc/passwd%): outside the corpus folder", err)
    end)

    it("are refused when absolute, unless roots are declared", function()
      local dir = copy_corpus(first_documents('    { id = "sh", path = "/etc/shadow" },'))
      assert.equal(dir .. "/corpus.lua: documents[1] (/etc/shadow): an absolute path; name documents relative "
        .. "to the corpus folder, or list the folder holding it in 'roots'", refused(dir))
      assert.is_nil(fs.stat(dir .. "/.parley/index"))
    end)

    it("are refused when a link inside the folder leads out of it", function()
      local outside = folder({ ["secret.txt"] = "the launch codes are zanzibar\n" })
      local dir = copy_corpus(first_documents('    { id = "leak", path = "leak.txt" },\n'
        .. '    { id = "deep", path = "sub/secret.txt" },'))
      sh(("ln -s %s %s"):format(h.shquote(outside .. "/secret.txt"), h.shquote(dir .. "/leak.txt")))
      sh(("ln -s %s %s"):format(h.shquote(outside), h.shquote(dir .. "/sub")))
      assert.equal(dir .. "/corpus.lua: documents[1] (leak.txt): outside the corpus folder (its real path is "
        .. outside .. "/secret.txt); list the folder holding it in 'roots' to allow it", refused(dir))
      sh("rm " .. h.shquote(dir .. "/leak.txt"))  -- now the folder link, one level down
      sh(("ln -s %s %s"):format(h.shquote(dir .. "/people.lua"), h.shquote(dir .. "/leak.txt")))
      assert.equal(dir .. "/corpus.lua: documents[2] (sub/secret.txt): outside the corpus folder (its real path is "
        .. outside .. "/secret.txt); list the folder holding it in 'roots' to allow it", refused(dir))
    end)

    it("may lead into declared roots, by absolute or relative path, and nowhere else", function()
      local top = h.tmpdir()
      local dir = top .. "/cmc"
      sh("mkdir " .. h.shquote(dir) .. " " .. h.shquote(top .. "/archive"))
      sh(("cp %s/* %s"):format(h.shquote(h.corpus), h.shquote(dir)))
      -- "zanzibar" four times in the root's files, and nowhere in the bundled corpus
      h.write(top .. "/archive/memo.txt", "The Zanzibar memorandum mentions zanzibar twice.\n")
      h.write(top .. "/archive/memo2.txt", "Zanzibar once.\nAnd zanzibar again.\n")
      local manifest = h.read(dir .. "/corpus.lua")
      local function with(roots, entries)
        h.write(dir .. "/corpus.lua", (manifest:gsub("  documents = {\n",
          "  roots = " .. roots .. ",\n  documents = {\n" .. entries .. "\n", 1)))
      end
      with(("{ %q }"):format(top .. "/archive"), ('    { id = "memo", path = %q },\n'
        .. '    { id = "memo2", path = "../archive/memo2.txt" },'):format(top .. "/archive/memo.txt"))
      local c = h.open(dir)
      assert.is_falsy(os.execute("grep -qi zanzibar " .. h.shquote(dir) .. "/*.txt " .. h.shquote(dir) .. "/*.md"))
      assert.equal(4, c:count("zanzibar"))
      assert.same({ "memo", "memo2", "dinner-1962-11-01", "telegram-1962-11-02" }, ids(c))
      c:close()
      -- a relative root is relative to the corpus folder
      with('{ "../archive" }', '    { id = "memo2", path = "../archive/memo2.txt" },')
      assert.equal(2, h.open(dir):count("zanzibar"))
      -- roots do not open everything
      with('{ "../archive" }', '    { id = "pw", path = "/etc/passwd" },')
      assert.equal(dir .. "/corpus.lua: documents[1] (/etc/passwd): outside the corpus folder and its roots "
        .. "(its real path is /etc/passwd); list the folder holding it in 'roots' to allow it", refused(dir))
      with('{ "../nowhere" }', "")
      assert.equal(dir .. "/corpus.lua: roots[1] (../nowhere): no such folder", refused(dir))
      with("'/srv'", "")
      assert.equal(dir .. "/corpus.lua: 'roots' must be a list of folders, not a string", refused(dir))
    end)

    it("include the manifest itself: a corpus.lua linked from outside is refused", function()
      local outside = folder({ ["corpus.lua"] = "return { documents = {} }\n" })
      local dir = folder({ ["a.txt"] = "alpha\n" })
      sh(("ln -s %s %s"):format(h.shquote(outside .. "/corpus.lua"), h.shquote(dir .. "/corpus.lua")))
      assert.equal(dir .. "/corpus.lua: a symbolic link to " .. outside .. "/corpus.lua, outside the corpus folder",
        refused(dir))
    end)
  end)

  describe("a folder without a manifest", function()
    it("indexes links that stay inside, and reports (never indexes) links that lead out or nowhere", function()
      local outside = folder({ ["secret.txt"] = "zanzibar zanzibar\n" })
      local dir = folder({ ["a.txt"] = "alpha beta\n" })
      sh(("ln -s a.txt %s"):format(h.shquote(dir .. "/in.txt")))
      sh(("ln -s %s %s"):format(h.shquote(outside .. "/secret.txt"), h.shquote(dir .. "/leak.txt")))
      sh(("ln -s %s %s"):format(h.shquote(dir .. "/nothing-here"), h.shquote(dir .. "/gone.md")))
      local code = ("local c = assert(parley.open(%q)); local ids = {}\n"
        .. "for d in c:docs() do ids[#ids + 1] = d.id end\n"
        .. "print(table.concat(ids, ' '), c:count('alpha'), c:count('zanzibar'), c.opened)"):format(dir)
      local out, err, status = h.run({ "-e", code })
      assert.equal(0, status)
      assert.equal("a in\t2\t0\tbuilt\n", out)
      assert.equal("parley: warning: " .. dir .. "/gone.md: a symbolic link to nothing; not indexed\n"
        .. "parley: warning: " .. dir .. "/leak.txt: a symbolic link to " .. outside
        .. "/secret.txt, outside the corpus folder; not indexed\n", err)
    end)
  end)

  describe(".parley and the index file", function()
    it("refuses a .parley that is a link, and writes nothing through it", function()
      local dir = folder({ ["a.txt"] = "alpha\n" })
      local elsewhere = h.tmpdir()
      h.write(elsewhere .. "/index", "precious bytes, not an index\n")
      sh(("ln -s %s %s"):format(h.shquote(elsewhere), h.shquote(dir .. "/.parley")))
      assert.equal(dir .. "/.parley: not a folder (a symbolic link); parley keeps the index in a folder of that "
        .. "name: remove it", refused(dir))
      assert.equal("precious bytes, not an index\n", h.read(elsewhere .. "/index"))
      assert.same({ "index" }, fs.dir(elsewhere))
      -- the same with a link to a real index: still refused, still untouched
      local other = h.open(folder({ ["b.txt"] = "beta\n" }))
      local bytes = h.read(other.index_path)
      sh(("rm %s && ln -s %s %s"):format(h.shquote(dir .. "/.parley"),
        h.shquote(other.index_path:match("^(.*)/index$")), h.shquote(dir .. "/.parley")))
      assert.matches("^" .. esc(dir) .. "/%.parley: not a folder %(a symbolic link%)", refused(dir))
      assert.equal(bytes, h.read(other.index_path))
    end)

    it("follows a link the user names as the corpus folder, and keeps the index inside it", function()
      local dir = folder({ ["a.txt"] = "alpha\n" })
      local link = h.tmpdir() .. "/link"
      sh(("ln -s %s %s"):format(h.shquote(dir), h.shquote(link)))
      local c = h.open(link)
      assert.equal(link .. "/.parley/index", c.index_path)
      assert.equal("directory", fs.lstat(dir .. "/.parley").type)
      assert.equal(1, c:count("alpha"))
    end)

    it("never reads an index through a link; the rebuild replaces the link, not its target", function()
      local other = h.open(folder({ ["b.txt"] = "beta\n" }))
      local target = other.index_path
      local bytes = h.read(target)
      local dir = folder({ ["a.txt"] = "alpha\n" })
      sh("mkdir " .. h.shquote(dir .. "/.parley"))
      sh(("ln -s %s %s"):format(h.shquote(target), h.shquote(dir .. "/.parley/index")))
      local ix, msg = index.open(dir .. "/.parley/index")
      assert.is_nil(ix)
      assert.equal(dir .. "/.parley/index: a symbolic link, not an index", msg)
      assert.is_not_nil(index.open(target))  -- the target itself is a good index
      local c = h.open(dir)
      assert.equal("built", c.opened)
      assert.equal(1, c:count("alpha"))
      assert.equal("file", fs.lstat(dir .. "/.parley/index").type)
      assert.equal(bytes, h.read(target))
    end)

    it("refuses a FIFO in the index's place without waiting on it", function()
      local dir = folder({ ["a.txt"] = "alpha\n" })
      sh("mkdir " .. h.shquote(dir .. "/.parley") .. " && mkfifo " .. h.shquote(dir .. "/.parley/fifo"))
      local code = ("print(require('parley.index').open(%q))"):format(dir .. "/.parley/fifo")
      local out, _, status = h.run({ "10", h.bin, "-e", code }, { bin = "timeout" })
      assert.equal(0, status)  -- timeout exits 124 if it hung
      assert.equal("nil\t" .. dir .. "/.parley/fifo: not an index (not a regular file)\tdamaged\n", out)
    end)

    it("asks fs.writable, which goes by the folder's mode (root included), follows no link and writes nothing", function()
      local d = h.tmpdir()
      sh(("mkdir %s/rw %s/ro && ln -s rw %s/link"):format(d, d, d))
      make_readonly(d, d .. "/ro")
      h.write(d .. "/file", "x\n")
      -- the independent answer: the mode as ls shows it (root may create files
      -- in a 555 folder, but its owner marked it read-only: parley must not)
      for _, name in ipairs({ "rw", "ro" }) do
        local p = io.popen(("ls -ld %s/%s"):format(d, name))
        local mode = p:read("l")
        p:close()
        assert.equal(mode:sub(3, 3) == "w", (fs.writable(d .. "/" .. name)), name)
        assert.same({}, fs.dir(d .. "/" .. name))
      end
      assert.is_false((fs.writable(d .. "/ro")))
      assert.is_true(fs.writable(d .. "/rw"))
      assert.same({ false, d .. "/link: not a folder (a symbolic link)" }, { fs.writable(d .. "/link") })
      assert.same({ false, d .. "/file: not a folder (a file)" }, { fs.writable(d .. "/file") })
      assert.same({ false, d .. "/none: No such file or directory" }, { fs.writable(d .. "/none") })
      if UID ~= 0 then assert.is_false((fs.writable(d .. "/ro"))) end
    end)
  end)

  describe("the cache of read-only corpora", function()
    it("makes private folders and refuses links, other users' folders and folders others may write", function()
      local d = h.tmpdir()
      assert.is_true(fs.private_dir(d .. "/p"))
      assert.equal(tonumber("700", 8), fs.stat(d .. "/p").mode)
      assert.is_true(fs.private_dir(d .. "/p"))  -- already there: fine
      sh("chmod 777 " .. d .. "/p")
      assert.same({ nil, d .. "/p: writable by others (mode 0777)" }, { fs.private_dir(d .. "/p") })
      sh("chmod 770 " .. d .. "/p")
      assert.same({ nil, d .. "/p: writable by its group (mode 0770)" }, { fs.private_dir(d .. "/p") })
      sh("chmod 700 " .. d .. "/p && ln -s p " .. d .. "/l")
      assert.same({ nil, d .. "/l: not a folder (a symbolic link)" }, { fs.private_dir(d .. "/l") })
      if UID ~= 0 then
        pending("chown needs root: a folder owned by another user is checked only when the suite runs as root")
        return
      end
      sh("chown 65534 " .. d .. "/p")
      assert.same({ nil, d .. "/p: owned by another user (uid 65534, not 0)" }, { fs.private_dir(d .. "/p") })
    end)

    it("keeps two read-only corpora each opened as '.' apart, keyed by their identity", function()
      local who, why = unprivileged()
      if not who then pending(why) return end
      local cache = shared_tmpdir(who)
      local top = shared_tmpdir(who)
      -- two folders, each answering its own counts: alpha once in one, omega twice in the other
      local a, b = top .. "/letters", top .. "/words"
      sh(("mkdir %s %s"):format(a, b))
      h.write(a .. "/a.txt", "alpha beta\n")
      h.write(b .. "/b.txt", "omega and omega\n")
      make_readonly(top, a, b)
      local code = "local c = assert(parley.open('.')); "
        .. "print(('omega=%d alpha=%d'):format(c:count('omega'), c:count('alpha')), c.opened, c.index_path)"
      local function open_in(dir)
        local out, err, status = run_as(who, { "-e", code }, { cwd = dir, env = { XDG_CACHE_HOME = cache } })
        assert.equal("", err)
        assert.equal(0, status)
        return out:match("^(.-)\t(%a+)\t(.*)\n$")
      end
      local counts, how, path_a = open_in(a)
      assert.same({ "omega=0 alpha=1", "built" }, { counts, how })
      local path_b
      counts, how, path_b = open_in(b)
      assert.same({ "omega=2 alpha=0", "built" }, { counts, how })
      counts, how = open_in(a)
      assert.same({ "omega=0 alpha=1", "fast" }, { counts, how })  -- read-only corpora reach the fast path too
      counts, how = open_in(b)
      assert.same({ "omega=2 alpha=0", "fast" }, { counts, how })
      -- KEY: the folder's name, then a hash
      assert.matches("^" .. esc(cache) .. "/parley/letters%-%x+/index$", path_a)
      assert.matches("^" .. esc(cache) .. "/parley/words%-%x+/index$", path_b)
      for _, p in ipairs({ cache .. "/parley", path_a:match("^(.*)/index$"), path_b:match("^(.*)/index$") }) do
        local st = fs.stat(p)
        assert.equal(tonumber("700", 8), st.mode, p)
        assert.equal(who.uid, st.uid, p)
      end
      assert.is_nil(fs.lstat(a .. "/.parley"))
      assert.is_nil(fs.lstat(b .. "/.parley"))
    end)

    it("refuses a cache folder that others may write, or that belongs to another user", function()
      local who, why = unprivileged()
      if not who then pending(why) return end
      local cache = shared_tmpdir(who)
      local top = shared_tmpdir(who)
      local dir = top .. "/ro"
      sh("mkdir " .. dir)
      h.write(dir .. "/a.txt", "alpha\n")
      make_readonly(top, dir)
      local code = ("print(parley.open(%q))"):format(dir)
      local function open()
        local out, err, status = run_as(who, { "-e", code }, { cwd = "/", env = { XDG_CACHE_HOME = cache } })
        assert.equal("", err)
        assert.equal(0, status)
        return out
      end
      -- made by someone else for everyone to write: never used
      sh(("mkdir %s/parley && chmod 777 %s/parley"):format(cache, cache))
      if UID == 0 then sh(("chown %d %s/parley"):format(who.uid, cache)) end
      assert.equal("nil\t" .. cache .. "/parley: writable by others (mode 0777); parley keeps indexes only "
        .. "in a folder of your own: remove it, or set XDG_CACHE_HOME to a folder of your own that you may "
        .. "write in, or give parley.open the option index = PATH\n", open())
      assert.same({}, fs.dir(cache .. "/parley"))
      if UID ~= 0 then
        pending("chown needs root: a cache folder owned by another user is checked only when the suite runs as root")
        return
      end
      sh(("chown 0 %s/parley && chmod 755 %s/parley"):format(cache, cache))
      assert.equal("nil\t" .. cache .. "/parley: owned by another user (uid 0, not 65534); parley keeps indexes "
        .. "only in a folder of your own: remove it, or set XDG_CACHE_HOME to a folder of your own that you "
        .. "may write in, or give parley.open the option index = PATH\n", open())
      assert.same({}, fs.dir(cache .. "/parley"))
    end)
  end)

  describe("opening again", function()
    it("takes the fast path for a folder without a manifest, and still notices a new file", function()
      local dir = folder({ ["a.txt"] = "alpha beta\n", ["b.md"] = "beta gamma\n" })
      local c = h.open(dir)
      assert.equal("built", c.opened)
      c:close()
      c = h.open(dir)
      assert.equal("fast", c.opened)
      assert.is_nil(rawget(c, "manifest"))  -- the folder was not listed
      assert.equal(2, c:count("beta"))
      c:close()
      -- file times move with the kernel's clock tick (a few milliseconds): let one pass
      sh("sleep 0.05")
      h.write(dir .. "/c.txt", "beta delta\n")
      c = h.open(dir)
      assert.equal("built", c.opened)
      assert.equal(3, c:count("beta"))
      c:close()
      assert.equal("fast", h.open(dir).opened)
    end)

    it("says checked when the manifest had to be read and the index was current", function()
      local dir = folder({ ["a.txt"] = "alpha\n", ["corpus.lua"] = "return { documents = { { path = 'a.txt' } } }" })
      assert.equal("built", h.open(dir).opened)
      sh("sleep 0.05")
      sh("touch " .. h.shquote(dir .. "/corpus.lua"))  -- a new time, the same content
      local c = h.open(dir)
      assert.equal("checked", c.opened)
      assert.equal(1, c:count("alpha"))
    end)
  end)

  describe("scripts and modules in the current folder", function()
    -- a copy of the bundled corpus that also ships a `speakers` file and modules
    -- named like the toolkit's dependencies; each leaves a marker if it runs
    local function planted()
      local dir = copy_corpus()
      local marker = dir .. "/ran"
      local code = "local f = io.open(%q, 'a'); f:write(%q); f:close(); os.exit(42)"
      h.write(dir .. "/speakers", code:format(marker, "speakers\n"))
      for _, mod in ipairs({ "cjson", "dkjson", "lpeg", "re" }) do
        h.write(dir .. "/" .. mod .. ".lua", code:format(marker, mod .. "\n"))
      end
      return dir, marker
    end

    it("runs the bundled speakers, not the corpus' file of that name, and no planted module", function()
      local dir, marker = planted()
      local out, err, code = h.run({ "speakers", "--corpus", "." }, { cwd = dir })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("A%. I%. Mikoyan", out)
      assert.is_nil(h.read(marker))
      out, err, code = h.run({ "overview", "--corpus", ".", "--top", "3" }, { cwd = dir })
      assert.equal("", err)
      assert.equal(0, code)
      assert.matches("dinner%-1962%-11%-01", out)
      assert.is_nil(h.read(marker))
    end)

    it("runs the file when it is named as a path", function()
      local dir, marker = planted()
      local _, _, code = h.run({ "./speakers" }, { cwd = dir })
      assert.equal(42, code)
      assert.equal("speakers\n", h.read(marker))
    end)

    it("says when a bare name is no bundled script, suggesting ./NAME for a file of that name", function()
      local dir = planted()
      h.write(dir .. "/tally", "print('tally')")
      local out, err, code = h.run({ "tally" }, { cwd = dir })
      assert.equal(1, code)
      assert.equal("", out)
      assert.equal("parley: no bundled script 'tally' (to run the file tally in this folder, say ./tally)\n", err)
      _, err = h.run({ "no-such-command" }, { cwd = dir })
      assert.matches("^parley: no bundled script 'no%-such%-command' %(they are in .-/scripts%)\n$", err)
    end)

    it("keeps the current folder off the module path except for a script named by path", function()
      local dir, marker = planted()
      h.write(dir .. "/mymod.lua", "return 'mine'")
      local show = "local rel = {} for t in (package.path .. ';' .. package.cpath):gmatch('[^;]+') do "
        .. "if t:sub(1, 1) ~= '/' then rel[#rel + 1] = t end end print(#rel)"
      -- -e and -l: absolute templates only
      local out, err = h.run({ "-e", show }, { cwd = dir })
      assert.equal("", err)
      assert.equal("0\n", out)
      local _, _, code = h.run({ "-l", "mymod", "-e", "" }, { cwd = dir })
      assert.equal(1, code)
      -- a user's script: lua's paths (./?.lua first among them), yet the toolkit's own
      -- dependencies are the real ones when it opens the corpus
      h.write(dir .. "/mine.lua", "print(require('mymod'), " .. "(package.path:find('./?.lua', 1, true)) ~= nil)\n"
        .. "local c = assert(parley.open('.')); print(c:count('guantanamo'))")
      out, err, code = h.run({ "./mine.lua" }, { cwd = dir })
      assert.equal("", err)
      assert.equal(0, code)
      assert.equal("mine\ttrue\n" .. h.open(h.corpus):count("guantanamo") .. "\n", out)
      assert.is_nil(h.read(marker))
    end)

    it("ignores LUA_PATH with -E", function()
      local d = h.tmpdir()
      h.write(d .. "/extra.lua", "return 'found'")
      local code = "print(pcall(require, 'extra'))"
      local out = h.run({ "-e", code }, { env = { LUA_PATH = d .. "/?.lua;;" } })
      assert.equal("true\tfound\t" .. d .. "/extra.lua\n", out)
      out = h.run({ "-E", "-e", code }, { env = { LUA_PATH = d .. "/?.lua;;" } })
      assert.matches("^false\tmodule 'extra' not found", out)
    end)
  end)

  describe("manifest type errors", function()
    it("name the document by number and path", function()
      local cases = {
        { "{ path = 'a.txt' }, { path = 'x.txt', date = 'November 1962' }",
          "documents[2] (x.txt): 'date' must be an ISO 8601 date such as 1962-11-01" },
        { "{ path = 'x.txt', grammar = 7 }", "documents[1] (x.txt): 'grammar' must be a string, not a number (7)" },
        { "{ path = 'x.txt', title = { 'a' } }", "documents[1] (x.txt): 'title' must be a string, not a table" },
        { "{ path = 'x.txt', type = true }", "documents[1] (x.txt): 'type' must be a string, not a boolean (true)" },
        { "{ path = 'x.txt', id = 7 }", "documents[1] (x.txt): 'id' must be a string, not a number (7)" },
        { "{ path = 'x.txt\\0../../etc/passwd' }", "documents[1]: 'path' holds a NUL byte" },
        { "{ path = 3 }", "documents[1]: 'path' must be the path of a file in the corpus folder, not a number (3)" },
      }
      for _, case in ipairs(cases) do
        local dir = folder({ ["a.txt"] = "a\n", ["x.txt"] = "x\n",
          ["corpus.lua"] = "return { documents = { " .. case[1] .. " } }" })
        assert.equal(dir .. "/corpus.lua: " .. case[2], refused(dir))
        assert.is_nil(fs.stat(dir .. "/.parley/index"))
      end
    end)
  end)

  describe("an index shipped inside the corpus", function()
    it("cannot point parley at a file outside the folder, even with a matching fingerprint", function()
      -- Y indexes its own secret.txt; its index is copied into X, whose folder is given
      -- Y's times, so that every stamp an index records matches X
      local y = folder({ ["secret.txt"] = "zanzibarsecret only here\n" })
      local cy = assert(parley.open(y))
      assert.equal(1, cy:count("zanzibarsecret"))
      cy:close()
      local x = folder({ ["a.txt"] = "nothing to hide\n" })
      assert(os.execute("mkdir -p " .. h.shquote(x .. "/.parley") .. " && cp " .. h.shquote(y .. "/.parley/index")
        .. " " .. h.shquote(x .. "/.parley/index") .. " && touch -r " .. h.shquote(y) .. " " .. h.shquote(x)))
      local cx = assert(parley.open(x))
      assert.are_not.equal("fast", cx.opened)          -- the index names a file outside x: looked at closely
      assert.equal(0, cx:count("zanzibarsecret"))
      assert.same({ "a" }, ids(cx))
    end)

    it("cannot read through a link in place of a source", function()
      local outside = folder({ ["secret.txt"] = "zanzibarsecret only here\n" })
      local x = folder({ ["a.txt"] = "zanzibarsecret was here\n" })
      assert.equal(1, assert(parley.open(x)):count("zanzibarsecret"))
      -- the source replaced by a link: the fast path wants a regular file and looks closer
      assert(os.execute("rm " .. h.shquote(x .. "/a.txt") .. " && ln -s " .. h.shquote(outside .. "/secret.txt")
        .. " " .. h.shquote(x .. "/a.txt")))
      local c = parley.open(x)
      if c then
        assert.are_not.equal("fast", c.opened)
        assert.equal(0, c:count("zanzibarsecret"))      -- the link leads out: not indexed
      end
    end)
  end)
end)
