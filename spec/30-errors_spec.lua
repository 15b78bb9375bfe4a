-- Errors a user meets through no fault of the code: a damaged index, a full
-- disk, a folder where a file should be, a manifest or data file someone
-- else wrote (hostile, runaway or just wrong), and mistakes made through the
-- Lua API.  Each must be a clean message naming the culprit (`parley: CMD:
-- message`, exit status 1, no traceback; in Lua an error object, or an
-- argument error, positioned at the caller's line), never "internal error".
local h = require "spec.helpers"
local parley = require "parley"
local E = require "parley.error"
local fs = require "parley.fs"
local data = require "parley.data"

local HEADER, BLOCK = 4096, 4096   -- docs/index-format.md

local function sh(cmd) assert(os.execute(cmd), cmd) end

local function esc(s) return (s:gsub("%p", "%%%0")) end

-- A copy of the bundled corpus (sources, manifest, register; no index).
local function copy_corpus()
  local dir = h.tmpdir() .. "/cmc"
  sh("mkdir " .. h.shquote(dir))
  sh(("cp %s/*.txt %s/*.md %s/*.lua %s"):format(h.shquote(h.corpus), h.shquote(h.corpus),
    h.shquote(h.corpus), h.shquote(dir)))
  sh("chmod u+w " .. h.shquote(dir) .. "/*")
  return dir
end

-- A corpus folder with a manifest (source text) and the files { name = text }.
local function corpus_of(manifest, files)
  local dir = h.tmpdir() .. "/c"
  sh("mkdir " .. h.shquote(dir))
  h.write(dir .. "/corpus.lua", manifest)
  for name, text in pairs(files or { ["a.txt"] = "Red cross ships.\n" }) do h.write(dir .. "/" .. name, text) end
  return dir
end

-- Flip every bit of the byte at 0-based offset off, in place.
local function flip(path, off)
  local f = assert(io.open(path, "r+b"))
  f:seek("set", off)
  local b = f:read(1)
  f:seek("set", off)
  f:write(string.char(b:byte() ~ 0xFF))
  f:close()
end

-- A clean failure of a command: exit status 1, one line `parley: CMD: …`
-- on stderr, no traceback, and the message matching pattern.
local function clean_failure(cmd, pattern, out, err, code)
  assert.equal(1, code, err)
  assert.matches("^parley: " .. cmd .. ": ", err)
  assert.not_matches("internal error", err)
  assert.not_matches("traceback", err)
  assert.not_matches("%.lua:%d+:", err)   -- no position inside the toolkit
  if pattern then assert.matches(pattern, err) end
  return out
end

-- Run a Lua chunk in a separate parley; stdout, stderr, status.
local function lua(code, ...)
  local script = h.tmpdir() .. "/script.lua"
  h.write(script, code)
  return h.run({ script, ... })
end

describe("a damaged index", function()
  after_each(h.cleanup)

  -- The bundled corpus's index holds the start of its stream in its first
  -- two blocks, checked when first read, which every command below reads;
  -- the tables checked at open (documents, regions, metadata) come later.
  local COMMANDS = { { "kwic", "cuba" }, { "ngrams" }, { "speakers" }, { "overview" },
                     { "collocates", "cuba" }, { "keyness" } }
  for _, args in ipairs(COMMANDS) do
    it("is a clean error naming the index in `parley " .. table.concat(args, " ") .. "`", function()
      local dir = copy_corpus()
      h.open(dir):close()
      local path = dir .. "/.parley/index"
      local st = assert(fs.stat(path))
      assert.is_true(st.size > HEADER + BLOCK + 100)
      flip(path, HEADER + 100)
      flip(path, HEADER + BLOCK + 100)
      local cmd = { table.unpack(args) }
      cmd[#cmd + 1] = "--corpus"
      cmd[#cmd + 1] = dir
      local out, err, code = h.run(cmd)
      clean_failure(args[1], esc(path) .. ": index is damaged %(checksum mismatch%); it was moved aside", out, err, code)
      -- the next run rebuilds it and answers
      local _, err2, code2 = h.run(cmd)
      assert.equal(0, code2, err2)
    end)
  end

  it("raises an error object from the Lua API, at the caller's line", function()
    local dir = copy_corpus()
    h.open(dir):close()
    local path = dir .. "/.parley/index"
    for _, sec in ipairs(require("spec.damage").sections(path)) do   -- every block of the postings
      if sec.name == "postings" then
        for at = sec.offset, sec.offset + sec.size - 1, BLOCK do flip(path, at) end
      end
    end
    local out, err, code = lua(([[
      local E = require "parley.error"
      local c = assert(parley.open(%q))
      local ok, e = pcall(function() local n = #c:find("cuba") return n end)
      print(ok, E.is(e), E.message(e))
    ]]):format(dir))
    assert.equal(0, code, err)
    assert.equal("false\ttrue\t" .. path .. ": index is damaged (checksum mismatch); it was moved aside "
      .. "and will be rebuilt when the corpus is opened again\n", out)
  end)

  it("whose source file went away is a clean error naming the file", function()
    local dir = copy_corpus()
    local c = h.open(dir)
    local src = dir .. "/1962-11-02-mikoyan-telegram.md"
    os.remove(src)
    local ok, e = pcall(function() return c:doc(2):text() end)
    assert.is_false(ok)
    assert.is_true(E.is(e))
    assert.equal(src .. ": cannot read the source: No such file or directory", E.message(e))
    c:close()
  end)
end)

describe("invalid UTF-8 in a source", function()
  after_each(h.cleanup)

  it("says which option replaces it", function()
    local dir = h.tmpdir()
    h.write(dir .. "/a.txt", "Red \xC0cross\n")
    local out, err, code = h.run({ "kwic", "red", "--corpus", dir })
    clean_failure("kwic", "^parley: kwic: " .. esc(dir) .. "/a%.txt:1:5: invalid UTF%-8 sequence %(byte 0xC0%); "
      .. "%-%-repair %(repair = true in parley%.open%) replaces invalid UTF%-8 with U%+FFFD\n$", out, err, code)
    -- and the option does
    local _, err2, code2 = h.run({ "kwic", "red", "--corpus", dir, "--repair" })
    assert.equal(0, code2)
    assert.matches("replaced 1 invalid UTF%-8 sequence", err2)
  end)
end)

describe("a full disk", function()
  after_each(h.cleanup)
  local full = fs.stat("/dev/full")

  -- Run parley with standard output on /dev/full: stderr and the status.
  local function to_full(args)
    local d = h.tmpdir()
    local parts = { h.shquote(h.bin) }
    for _, a in ipairs(args) do parts[#parts + 1] = h.shquote(a) end
    local _, _, code = os.execute(table.concat(parts, " ") .. " </dev/null >/dev/full 2>" .. d .. "/err")
    return h.read(d .. "/err"), code
  end

  for _, args in ipairs({ { "speakers" }, { "ngrams" }, { "kwic", "the" }, { "overview" },
                          { "kwic", "cuba", "--format", "json" }, { "kwic", "--help" } }) do
    it("is a clean error saying why in `parley " .. table.concat(args, " ") .. " > /dev/full`", function()
      if not full then pending("no /dev/full") return end
      local err, code = to_full(args)
      clean_failure(args[1], "cannot write to standard output: No space left on device\n$", "", err, code)
    end)
  end

  it("fails a script whose printing never reached standard output", function()
    if not full then pending("no /dev/full") return end
    for _, code_ in ipairs({ "print(1)", "io.write(('x'):rep(100000))" }) do
      local err, code = to_full({ "-e", code_ })
      assert.equal(1, code, code_)
      assert.equal("parley: cannot write to standard output: a write failed (is the disk full?)\n", err)
    end
    local err, code = to_full({ "-e", "local x = 1" })  -- nothing written: nothing failed
    assert.equal(0, code, err)
  end)

  it("names the file a table was written to", function()
    if not full then pending("no /dev/full") return end
    local out, err, code = lua([[
      local E = require "parley.error"
      local f = assert(io.open("/dev/full", "w"))
      local ok, e = pcall(function() parley.open():kwic("the"):write(f, "tsv") end)
      print(ok, E.is(e), E.message(e))
    ]])
    assert.equal(0, code, err)
    assert.equal("false\ttrue\tcannot write to /dev/full: No space left on device\n", out)
  end)
end)

describe("a data file", function()
  after_each(h.cleanup)

  it("that is a folder is refused by name in topics --families and entities --gazetteer", function()
    local dir = h.tmpdir()
    for _, args in ipairs({ { "topics", "--families", dir }, { "entities", "--gazetteer", dir } }) do
      local out, err, code = h.run(args)
      clean_failure(args[1], "^parley: " .. args[1] .. ": " .. esc(dir) .. ": a folder, not a file\n$", out, err, code)
    end
    assert.equal(dir .. ": a folder, not a file", select(2, data.load(dir)))
    assert.equal(dir .. ": a folder, not a file", select(2, data.read(dir)))
  end)

  it("that is missing is named", function()
    local path = h.tmpdir() .. "/nosuch.lua"
    local out, err, code = h.run({ "topics", "--families", path })
    clean_failure("topics", esc(path) .. ": No such file or directory\n$", out, err, code)
  end)

  it("runs with the safe standard functions only: no io, os, load, require or metatables", function()
    for _, src in ipairs({ "return os.time()", "return string.dump(function() end)", "return setmetatable({}, {})",
                           "return require('os')", "return io.open('/etc/passwd')", "return load('return 1')()",
                           "return getmetatable('')", "return print('x')", "return _G.x", "return dofile('x')",
                           "return rawset({}, 1, 2)", "return debug.traceback()", "return collectgarbage()" }) do
      local v, err = data.eval(src, "x.lua")
      assert.is_nil(v, src)
      assert.matches("^x%.lua:1: attempt to", err, nil, src)
    end
    -- what data needs works: constructors, concatenation, arithmetic, locals
    assert.same({ a = "xy", n = 7, list = { 1, 2, "three" }, yes = true },
      data.eval("local x = 'x' return { a = x .. 'y', n = 3 + 4, list = { 1, 2, 'three' }, yes = true }", "x.lua"))
    -- and a manifest that builds its list with ipairs, pairs, select, type, tostring, tonumber,
    -- string.*, table.*, math.* and the string methods
    local src = [[
      local docs = {}
      for i, name in ipairs { "a", "b" } do
        docs[#docs + 1] = { path = name .. ".txt", id = ("doc-%d"):format(i), title = string.upper(name),
                            n = tonumber("1" .. i), kind = type(name), count = select("#", 1, 2, 3) }
      end
      local keys = {}
      for k in pairs(docs[1]) do keys[#keys + 1] = k end
      table.sort(keys)
      return { documents = docs, keys = table.concat(keys, ","), max = math.max(3, 9), s = tostring(4) }
    ]]
    assert.same({ documents = {
        { path = "a.txt", id = "doc-1", title = "A", n = 11, kind = "string", count = 3 },
        { path = "b.txt", id = "doc-2", title = "B", n = 12, kind = "string", count = 3 } },
      keys = "count,id,kind,n,path,title", max = 9, s = "4" }, data.eval(src, "corpus.lua"))
    -- what it changes of its library is its own: the host's string methods are untouched
    assert.same({ "xx", "nil" }, data.eval("string.upper = nil return { ('x'):rep(2), type(string.upper) }", "x.lua"))
    assert.same({ "X" }, data.eval("return { string.upper('x') }", "x.lua"))   -- the next file has its own
    assert.equal("xxx", ("x"):rep(3))
    assert.equal("function", type(string.rep))
  end)

  it("that loops or eats memory is stopped, naming the file", function()
    local v, err = data.eval("while true do end", "loop.lua")
    assert.is_nil(v)
    local n = data.limits.steps + data.limits.steps_per_byte * (#"while true do end" + #"@loop.lua")
    assert.equal(("loop.lua: ran past %d instructions — a data file must only build tables"):format(n), err)
    v, err = data.eval("local t = {} for i = 1, 1e12 do t[i] = i end", "big.lua")
    assert.is_nil(v)
    assert.matches("^big%.lua: used more than %d+ MiB of memory — a data file must only build tables$", err)
    -- strings grow through concatenation only, and are bounded too
    v, err = data.eval("local s = 'x' while true do s = s .. s end", "grow.lua")
    assert.is_nil(v)
    assert.matches("^grow%.lua: used more than", err)
  end)

  it("gives back plain data only, saying where the rest is", function()
    local cases = {
      { "return function() end", "f.lua: returns a function; " },
      { "return { a = { b = function() end } }", "f.lua: a.b holds a function; " },
      { "local t = {} t.me = t return { list = { t } }", "f.lua: list[1].me holds a table that contains itself; " },
      { "return { [{}] = 1 }", "f.lua: returns a table as a key; " },
      { "local t = {} local c = t for i = 1, 20 do c.x = {} c = c.x end return t",
        "f.lua: x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x holds tables nested more than 16 deep; " },
    }
    for _, case in ipairs(cases) do
      local v, err = data.eval(case[1], "f.lua")
      assert.is_nil(v, case[1])
      assert.equal(case[2], err:sub(1, #case[2]), case[1])
    end
    -- a table reached twice is data (copied twice), as long as it does not contain itself
    local v = data.eval("local t = { 1 } return { a = t, b = t }", "f.lua")
    assert.same({ a = { 1 }, b = { 1 } }, v)
  end)

  it("stops a hostile families file and a hostile gazetteer with a clean error", function()
    local dir = h.tmpdir()
    h.write(dir .. "/loop.lua", "while true do end")
    h.write(dir .. "/fn.lua", "return { Cuba = { 'cuba', function() end } }")
    for _, args in ipairs({ { "topics", "--families", dir .. "/loop.lua" }, { "entities", "--gazetteer", dir .. "/loop.lua" } }) do
      local out, err, code = h.run(args)
      clean_failure(args[1], esc(dir) .. "/loop%.lua: ran past %d+ instructions — a data file must only build tables\n$",
        out, err, code)
    end
    local out, err, code = h.run({ "topics", "--families", dir .. "/fn.lua" })
    clean_failure("topics", esc(dir) .. "/fn%.lua: Cuba%[2%] holds a function; ", out, err, code)
  end)
end)

describe("a manifest", function()
  after_each(h.cleanup)

  local function refused(dir)
    local c, err = parley.open(dir)
    assert.is_nil(c)
    assert.is_nil(fs.stat(dir .. "/.parley/index"))  -- nothing was built
    return err
  end

  it("that loops or eats memory is stopped, naming it, and `speakers` ends", function()
    for _, case in ipairs({ { "while true do end", "ran past %d+ instructions" },
                            { "local t = {} for i = 1, 1e12 do t[i] = i end", "used more than %d+ MiB of memory" } }) do
      local dir = corpus_of(case[1])
      local out, err, code = h.run({ "speakers", "--corpus", dir })
      clean_failure("speakers", "^parley: speakers: " .. esc(dir) .. "/corpus%.lua: " .. case[2]
        .. " — a data file must only build tables\n$", out, err, code)
    end
  end)

  it("whose values are not data names the manifest, the document and the field", function()
    local cases = {
      { "meta = function() end", "documents[1] (a.txt): 'meta' holds a function; a manifest holds only strings, "
        .. "numbers, booleans and tables of them" },
      { "meta = t", "documents[1] (a.txt): 'meta.me' holds a table that contains itself; " },
      { "notes = { deep }", "documents[1] (a.txt): 'notes[1]" },
    }
    for _, case in ipairs(cases) do
      local dir = corpus_of("local t = {} t.me = t\nlocal deep = {} local c = deep for i = 1, 20 do c.x = {} c = c.x end\n"
        .. "return { documents = { { path = 'a.txt', " .. case[1] .. " } } }")
      local err = refused(dir)
      assert.equal(dir .. "/corpus.lua: " .. case[2], err:sub(1, #dir + 13 + #case[2]))
      local out, cerr, code = h.run({ "kwic", "red", "--corpus", dir })
      clean_failure("kwic", nil, out, cerr, code)
    end
    -- outside the documents, the field alone
    local dir = corpus_of("return { title = 'x', extra = { f = function() end }, documents = { { path = 'a.txt' } } }")
    assert.equal(dir .. "/corpus.lua: 'extra.f' holds a function; a manifest holds only strings, numbers, "
      .. "booleans and tables of them", refused(dir))
  end)

  it("checks every documented field, naming the manifest, the document and the field", function()
    local cases = {
      { "title = 5, documents = { { path = 'a.txt' } }", "'title' must be a string, not a number (5)" },
      { "description = {}, documents = { { path = 'a.txt' } }", "'description' must be a string, not a table" },
      { "documents = { { path = '' } }", "documents[1]: 'path' must be a non-empty path (a file in the corpus folder)" },
      { "documents = { { path = 'a.txt', id = '' } }",
        "documents[1] (a.txt): 'id' must not be empty (leave it out to use the path)" },
      { "documents = { { path = 'a.txt' }, { path = 'b.txt', id = 'a' } }",
        "documents[2] (b.txt): duplicate id 'a' (also documents[1])" },
      { "documents = { { path = 'a.txt', translator = 5 } }",
        "documents[1] (a.txt): 'translator' must be a string, not a number (5)" },
      { "documents = { { path = 'a.txt', source = true } }",
        "documents[1] (a.txt): 'source' must be a string, not a boolean (true)" },
      { "documents = { x = { path = 'a.txt' } }", "'documents' must be a list (it has the key 'x')" },
      { "people = 5, documents = { { path = 'a.txt' } }",
        "'people' must be a list of persons { name = …, aliases = { … } }, not a number (5)" },
      { "people = { { aliases = { 'X' } } }, documents = { { path = 'a.txt' } }",
        "people[1]: 'name' must be a non-empty string, not nothing" },
      { "people = { { name = 'X', aliases = 'Y' } }, documents = { { path = 'a.txt' } }",
        "people[1] (X): 'aliases' must be a list of names, not a string" },
      { "people = '', documents = { { path = 'a.txt' } }",
        "'people' must be the path of a register file in the corpus folder" },
    }
    for _, case in ipairs(cases) do
      local dir = corpus_of("return { " .. case[1] .. " }", { ["a.txt"] = "a\n", ["b.txt"] = "b\n" })
      assert.equal(dir .. "/corpus.lua: " .. case[2], refused(dir))
    end
  end)

  it("naming a register file that is missing, a folder or outside is refused by name", function()
    local dir = corpus_of("return { people = 'nosuch.lua', documents = { { path = 'a.txt' } } }")
    assert.equal(dir .. "/corpus.lua: 'people' (nosuch.lua): no such file " .. dir .. "/nosuch.lua", refused(dir))
    local out, err, code = h.run({ "speakers", "--corpus", dir })
    clean_failure("speakers", "'people' %(nosuch%.lua%): no such file", out, err, code)
    sh("mkdir " .. h.shquote(dir .. "/nosuch.lua"))
    assert.equal(dir .. "/corpus.lua: 'people' (nosuch.lua): a folder, not a file", refused(dir))
    dir = corpus_of("return { people = '/etc/passwd', documents = { { path = 'a.txt' } } }")
    assert.matches("^" .. esc(dir) .. "/corpus%.lua: 'people' %(/etc/passwd%): outside the corpus folder", refused(dir))
  end)

  it("naming a register file uses it, and a change to it rebuilds the index", function()
    local dir = corpus_of("return { people = 'who.lua', documents = { { path = 'a.txt', grammar = 'labelled' } } }",
      { ["a.txt"] = "Kuz: Red cross ships.\nStevenson: No.\n",
        ["who.lua"] = "return { { name = 'V. V. Kuznetsov', aliases = { 'Kuz' }, side = 'USSR' },\n"
          .. "  { name = 'Adlai Stevenson', aliases = { 'Stevenson' } } }" })
    local c = h.open(dir)
    assert.same({ "Adlai Stevenson", "V. V. Kuznetsov" }, (c:values("speaker")))
    c:close()
    h.write(dir .. "/who.lua", "return { { name = 'Kuznetsov', aliases = { 'Kuz' } }, { name = 'Stevenson' } }")
    c = h.open(dir)
    assert.is_table(c.built)
    assert.same({ "Kuznetsov", "Stevenson" }, (c:values("speaker")))
    c:close()
  end)

  it("whose folder's register is broken makes entities fail by name, not drop the people", function()
    local dir = corpus_of("return { documents = { { path = 'a.txt' } } }",
      { ["a.txt"] = "Red cross.\n", ["people.lua"] = "return 5" })
    local out, err, code = h.run({ "entities", "--corpus", dir })
    clean_failure("entities", esc(dir) .. "/people%.lua: a person register must be a list of persons", out, err, code)
    h.write(dir .. "/people.lua", "return { { name = 5 } }")
    out, err, code = h.run({ "entities", "--corpus", dir })
    clean_failure("entities", esc(dir) .. "/people%.lua: entry 1: 'name' must be a non%-empty string, not a number %(5%)",
      out, err, code)
  end)

  it("that is a folder is refused by name", function()
    local dir = h.tmpdir() .. "/c"
    sh("mkdir -p " .. h.shquote(dir .. "/corpus.lua"))
    h.write(dir .. "/a.txt", "x\n")
    assert.equal(dir .. "/corpus.lua: a folder, not a file", refused(dir))
  end)
end)

describe("roots outside the corpus folder", function()
  after_each(h.cleanup)

  it("are named in a warning at every open, once per root", function()
    local outside = h.tmpdir()
    h.write(outside .. "/memo.txt", "The archive copy of the memo.\n")
    local real = assert(fs.realpath(outside))
    local dir = corpus_of(("return { roots = { %q, '.' }, documents = { { path = 'a.txt' }, { path = %q }, "
      .. "{ path = %q, id = 'again' } } }"):format(outside, outside .. "/memo.txt", outside .. "/memo.txt"))
    local warning = ("parley: warning: %s/corpus.lua: roots[1] (%s) lets documents come from %s, outside the "
      .. "corpus folder\n"):format(dir, outside, real)
    for _, how in ipairs({ "built", "fast" }) do
      local out, err, code = h.run({ "kwic", "memo", "--corpus", dir, "--format", "tsv" })
      assert.equal(0, code, err)
      assert.equal(warning, err, how)   -- one line, not one per document; '.' lies inside
      assert.matches("archive copy of the", out)
    end
    -- documents outside the folder make every open compare the index with the manifest;
    -- a root declared but unused leaves the fast path, which warns all the same
    dir = corpus_of(("return { roots = { %q }, documents = { { path = 'a.txt' } } }"):format(outside))
    warning = ("parley: warning: %s/corpus.lua: roots[1] (%s) lets documents come from %s, outside the "
      .. "corpus folder\n"):format(dir, outside, real)
    for _, how in ipairs({ "built", "fast", "fast" }) do
      local out, err = lua(("local c = assert(parley.open(%q)) print(c.opened)"):format(dir))
      assert.equal(how .. "\n", out)
      assert.equal(warning, err)
    end
  end)

  it("inside the corpus folder are not warned about", function()
    local dir = corpus_of("return { roots = { 'sub' }, documents = { { path = 'sub/b.txt' } } }",
      { ["a.txt"] = "x\n" })
    sh("mkdir " .. h.shquote(dir .. "/sub"))
    h.write(dir .. "/sub/b.txt", "y\n")
    local _, err, code = h.run({ "kwic", "y", "--corpus", dir })
    assert.equal(0, code)
    assert.equal("", err)
  end)
end)

describe("a mistake made through the Lua API", function()
  after_each(h.cleanup)
  local c

  before_each(function() c = h.open() end)

  -- Run src as the user's own code (chunk "user"): ok, the error.
  local function user(src, env)
    env = env or {}
    env.c = env.c or c
    local f = assert(load(src, "=user", "t", setmetatable(env, { __index = _G })))
    return pcall(f)
  end

  -- The error of src, which must fail at line `line` of the user's code.
  local function fails(src, line, env)
    local ok, e = user(src, env)
    assert.is_false(ok, src)
    local msg = tostring(e)
    assert.equal("user:" .. (line or 1) .. ": ", msg:sub(1, #("user:" .. (line or 1) .. ": ")), src .. " -> " .. msg)
    assert.not_matches("%.lua:%d+:", msg, nil, src)  -- no position inside the toolkit
    return e, msg:gsub("^user:%d+: ", "")
  end

  it("is reported at the user's line with what is wrong, not a toolkit position", function()
    local n = c:stats().tokens
    local cases = {
      { "local r = c:at{ 99999 } return r",
        ("bad argument #1 to 'at' (position 99999 (item 1) is not a token of the corpus: positions go from 0 to %d)")
          :format(n - 1) },
      { "local r = c:at{ 1, -1 } return r", "bad argument #1 to 'at' (position -1 (item 2)" },
      { "local r = c:at{ 1.5 } return r", "bad argument #1 to 'at' (position 1.5 (item 1)" },
      { "local r = c:at(5) return r", "bad argument #1 to 'at' (a list of corpus positions expected, got number)" },
      { "local r = c:keyness({ 1 }, { 2 }) return r",
        "bad argument #1 to 'keyness' (a corpus, a sub-corpus or a profile expected" },
      { "local r = c:keyness(c, 5) return r", "bad argument #2 to 'keyness' (options must be a table, got number)" },
      { "local r = c:keyness(c, { limit = 'x' }) return r", "bad argument #2 to 'keyness' (limit must be a whole number" },
      { "local r = require('parley.keyness').rest(c, 5) return r", "bad argument #2 to 'rest' (a corpus or a sub-corpus" },
      { "local r = c:find('cuba'):locate('x') return r", "bad argument #1 to 'locate' (a hit number expected, got string)" },
      { "local r = c:find('cuba'):locate(1, 2, { context = 0 }) return r",
        "bad argument #3 to 'locate' (context must be a whole number from 1 to 100000, got 0)" },
      { "local r = c:find('cuba'):tsv(5) return r", "bad argument #1 to 'tsv' (options must be a table, got number)" },
      { "local r = c:kwic('cuba', { limit = -1 }) return r", "bad argument #2 to 'kwic' (limit must be a whole number, at least 0, got -1)" },
      { "local r = c:kwic('cuba', { format = 'xml' }) return r", "bad argument #2 to 'kwic' (format must be one of tty, tsv, csv, json, md, html, got 'xml')" },
      { "local r = c:kwic('cuba', { file = 'out.tsv' }) return r", "bad argument #2 to 'kwic' (file must be an open file, got 'out.tsv')" },
      { "local r = c:kwic({}) return r", "bad argument #1 to 'kwic' (a query or a hit list expected, got a table)" },
      { "local r = c:freq{ min = 'x' } return #r", "bad argument #1 to 'freq' (min must be a whole number, at least 0, got 'x')" },
      { "local r = c:ngrams(2, 5) return r", "bad argument #2 to 'ngrams' (options must be a table, got number)" },
      { "local r = c:ngrams(9) return r", "bad argument #1 to 'ngrams' (n must be between 1 and 8)" },
      { "local r = c:where('type=telegram') return r", "bad argument #1 to 'where' (a filter table expected, got string)" },
      { "local r = c:regions('turn', 5) return r", "bad argument #2 to 'regions' (a filter table expected, got number)" },
      { "local r = c:scan(5) return r", "bad argument #1 to 'scan' (an LPeg pattern expected, got number)" },
      { "local r = c:doc({}) return r", "bad argument #1 to 'doc' (a document id or number expected, got table)" },
      { "local r = c:values(5) return r", "bad argument #1 to 'values' (an attribute name expected, got number)" },
      { "local r = parley.open(5) return r", "bad argument #1 to 'open' (a folder's path expected, got number)" },
      { "local r = c:kwic('cuba'):write(5) return r", "bad argument #1 to 'write' (an open file expected, got number)" },
    }
    for _, case in ipairs(cases) do
      local _, msg = fails(case[1])
      assert.equal(case[2], msg:sub(1, #case[2]), case[1])
    end
  end)

  it("in a filter or a region kind is an error object at the user's line", function()
    local bare = h.tmpdir()      -- a corpus whose documents have no grammar (a bare folder's get "auto")
    h.write(bare .. "/a.txt", "Red cross.\n")
    h.write(bare .. "/corpus.lua", "return { documents = { { path = 'a.txt', id = 'a', title = 'a', type = 'document', language = 'en' } } }")
    local b = h.open(bare)
    local cases = {
      { "local r = b:where{ speaker = 'x' } return r", "no region kind has attribute 'speaker' (attributes: id, "
        .. "language, title, type); speaker turns come from a grammar" },
      { "local r = b:where{ kind = 'turn' } return r", "no region kind 'turn' in this corpus" },
      { "local r = b:values('speaker') return r", "no region kind has attribute 'speaker'" },
      { "local r = b:freq{ by = 'speaker' } return r", "no region kind has attribute 'speaker'" },
      { "local r = b:regions('turn') return r", "no region kind 'turn' in this corpus" },
      { "local r = c:regions('turn', { nosuch = 'x' }) return r", "regions of kind 'turn' have no attribute 'nosuch'" },
      { "local r = c:find('cuba'):regions('nosuch') return r", "no region kind 'nosuch' in this corpus" },
      { "local r = c:where{ speaker = { {} } } return r",
        "the value of 'speaker' must be a string or a list of strings (item 1 is a table)" },
      { "local r = c:dispersion('cuba', { by = 'nosuch' }) return r", "no region kind has attribute 'nosuch'" },
    }
    for _, case in ipairs(cases) do
      local e, msg = fails(case[1], 1, { b = b })
      assert.is_true(E.is(e), case[1])
      assert.equal(case[2], msg:sub(1, #case[2]), case[1])
    end
    b:close()
  end)

  it("blames the innermost user function, through any depth of the toolkit", function()
    -- a bad query reaches the parser through collocates, dispersion, kwic with context
    for _, call in ipairs({ "c:collocates(q)", "c:dispersion(q)", "c:kwic(q, { context = 'turn' })", "c:count(q)",
                            "c:where{ type = 'telegram' }:find(q)" }) do
      local e = fails("local q = 'inspection NEAR/x cross'\nlocal function helper()\n  local r = " .. call
        .. "\n  return r\nend\nlocal r = helper()\nreturn r", 3)
      assert.is_true(E.is(e), call)
      assert.equal(17, e.pos)
    end
  end)

  it("of using a closed corpus, sub-corpus, hit list or document is an error object at the user's line", function()
    local cases = {
      "local s = c:where{ type = 'telegram' }\ns:close()\nlocal n = s:count('cuba') return n",
      "local s = c:where{ type = 'telegram' }\ns:close()\nlocal r = s:regions('turn') return r",
      "local s = c:where{ type = 'telegram' }\ns:close()\nfor d in s:docs() do end",
      "local d = parley.open()\nd:close()\nlocal n = d:count('cuba') return n",
      "local d = parley.open()\nlocal hits = d:find('cuba') d:close()\nlocal r = hits:locate() return r",
      "local d = parley.open()\nlocal doc = d:doc(1) d:close()\nlocal t = doc:text() return t",
    }
    for _, src in ipairs(cases) do
      local e, msg = fails(src, 3)
      assert.is_true(E.is(e), src)
      assert.equal("attempt to use a closed corpus", msg)
    end
    -- the parent of a closed sub-corpus is still open
    assert.is_true(c:count("cuba") > 0)
  end)

  it("on the command line prints no traceback and no toolkit position", function()
    local bare = h.tmpdir()
    h.write(bare .. "/a.txt", "Red cross.\n")
    h.write(bare .. "/corpus.lua", "return { documents = { { path = 'a.txt' } } }")   -- no grammar
    local out, err, code = h.run({ "speakers", "--corpus", bare })
    clean_failure("speakers", nil, out, err, code)
    out, err, code = h.run({ "kwic", "cuba", "--where", "speaker=x", "--corpus", bare })
    clean_failure("kwic", "no region kind has attribute 'speaker'", out, err, code)
  end)
end)
