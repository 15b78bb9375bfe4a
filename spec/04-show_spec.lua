-- parley.show: the pretty printer behind the REPL and `parley.show(value)`.
-- Exact output for scalars, strings, nested tables, key order, cycles, the
-- depth and items limits, the __show/__tostring hooks and hostile objects.
local h = require "spec.helpers"
local show = require "parley.show"
local S = show.tostring

-- The raw address Lua prints for a table, whatever its metatable says.
local function addr(t) return ("%p"):format(t) end

-- A line of the dinner transcript, with the curly quotes it really has.
local function dinner_line(n)
  local lines = {}
  for line in assert(h.read(h.dinner)):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  return lines[n]
end

describe("show.tostring", function()
  after_each(h.cleanup)

  it("prints numbers, booleans and nil as Lua does", function()
    assert.equal("1", S(1))
    assert.equal("-7", S(-7))
    assert.equal("1.0", S(1.0))
    assert.equal("-0.0", S(-0.0))
    assert.equal("0.1", S(0.1))
    assert.equal("3.1415926535898", S(math.pi))
    assert.equal("1e+100", S(1e100))
    assert.equal("-9223372036854775808", S(math.mininteger))
    assert.equal("math.huge", S(math.huge))
    assert.equal("-math.huge", S(-math.huge))
    assert.equal("0/0", S(0 / 0))
    assert.equal("true", S(true))
    assert.equal("false", S(false))
    assert.equal("nil", S(nil))
  end)

  it("quotes strings, escaping control characters and invalid bytes", function()
    assert.equal('""', S(""))
    assert.equal('"plain text"', S("plain text"))
    assert.equal([["a\nb\tc\r\\ \"q\""]], S('a\nb\tc\r\\ "q"'))
    assert.equal([["\0x\0001\27[0m\127"]], S("\0x\0" .. "1\27[0m\127"))
    assert.equal([["caf\xE9 \xFF\xC3"]], S("caf\xe9 \xff\xc3"))
    -- a UTF-16 surrogate encoded as UTF-8 is not valid UTF-8
    assert.equal([["\xED\xA0\x80"]], S("\xed\xa0\x80"))
    -- C1 controls (cp1252 mojibake) are valid UTF-8 but invisible
    assert.equal([["x\u{85}y\u{9C}"]], S("x\u{85}y\u{9c}"))
  end)

  it("keeps UTF-8 text readable", function()
    assert.equal('"Guantánamo"', S("Guantánamo"))
    assert.equal('"Микоян — «Куба» 😀"', S("Микоян — «Куба» 😀"))
    assert.equal('"misunderstanding emerges. It was understood that the suspension of the '
      .. '“quarantine” would be "', S(dinner_line(21)))
  end)

  it("prints short tables on one line", function()
    assert.equal("{}", S({}))
    assert.equal("{ 1, 2, 3 }", S({ 1, 2, 3 }))
    assert.equal('{ a = 1, b = "x" }', S({ b = "x", a = 1 }))
    assert.equal('{ 1, 2, n = 2 }', S(table.pack(1, 2)))
    assert.equal("{ { 1 }, { 2, { 3 } } }", S({ { 1 }, { 2, { 3 } } }))
  end)

  it("breaks tables that do not fit the width over indented lines", function()
    local corpus = {
      name = "cmc-1962",
      docs = {
        { title = "Record of a Dinner Conversation", date = "1962-11-01",
          speakers = { "MIKOYAN", "McCLOY", "STEVENSON" } },
        { title = "Telegram", date = "1962-11-02" },
      },
    }
    assert.equal([[
{
  docs = {
    {
      date = "1962-11-01",
      speakers = { "MIKOYAN", "McCLOY", "STEVENSON" },
      title = "Record of a Dinner Conversation"
    },
    { date = "1962-11-02", title = "Telegram" }
  },
  name = "cmc-1962"
}]], S(corpus))
    assert.equal('{\n\tdocs = {\n\t\t{ date = "1962-11-02", title = "Telegram" }\n\t}\n}',
      S({ docs = { corpus.docs[2] } }, { width = 50, indent = "\t" }))
    -- the width counts characters, not bytes: 21 characters (23 bytes) fit in 21
    assert.equal('{ "Guantánamo", "é" }', S({ "Guantánamo", "é" }, { width = 21 }))
    assert.equal('{\n  "Guantánamo",\n  "é"\n}', S({ "Guantánamo", "é" }, { width = 20 }))
  end)

  it("lists the array part first, then sorted keys", function()
    local t = { "one", "two", zeta = 1, alpha = 2, [10] = "ten", [2.5] = "half",
                ["two words"] = 3, ["end"] = 4, _x1 = 5, [""] = 6, [true] = 7, [false] = 8 }
    assert.equal([[
{
  "one",
  "two",
  [2.5] = "half",
  [10] = "ten",
  [""] = 6,
  _x1 = 5,
  alpha = 2,
  ["end"] = 4,
  ["two words"] = 3,
  zeta = 1,
  [false] = 8,
  [true] = 7
}]], S(t))
  end)

  it("prints entries after a hole as bracketed keys", function()
    assert.equal("{ 1, 2, [-1] = 0, [4] = 4 }", S({ 1, 2, nil, 4, [-1] = 0 }))
    assert.equal('{ [0] = "zero", [1.5] = 1 }', S({ [0] = "zero", [1.5] = 1 }))
  end)

  it("marks cycles with the table's address", function()
    local t = { name = "loop" }
    t.self = t
    assert.equal(('{ name = "loop", self = <cycle: table: %s> }'):format(addr(t)), S(t))
    local a, b = {}, {}
    a.b, b.a = b, a
    assert.equal(("{ b = { a = <cycle: table: %s> } }"):format(addr(a)), S(a))
  end)

  it("prints a shared table again in full where it is not a cycle", function()
    local speaker = { name = "MIKOYAN" }
    assert.equal('{ { name = "MIKOYAN" }, { name = "MIKOYAN" }, { who = { name = "MIKOYAN" } } }',
      S({ speaker, speaker, { who = speaker } }))
  end)

  it("stops at the depth limit with a count", function()
    local deep = { a = { b = { c = { d = { e = 1, f = 2 } } } } }
    assert.equal("{ a = { b = { c = { d = { ... 2 items } } } } }", S(deep))
    assert.equal("{ a = { b = { ... 1 item } } }", S(deep, { depth = 2 }))
    assert.equal("{ ... 1 item }", S(deep, { depth = 0 }))
    -- an empty table hides nothing, so it prints at any depth
    assert.equal("{ a = {} }", S({ a = {} }, { depth = 1 }))
  end)

  it("truncates long tables and says how many entries were left out", function()
    local list = {}
    for i = 1, 1000 do list[i] = i end
    local lines = {}
    for line in S(list):gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.equal(33, #lines)
    assert.equal("{", lines[1])
    assert.equal("  1,", lines[2])
    assert.equal("  30,", lines[31])
    assert.equal("  ... (970 more)", lines[32])
    assert.equal("}", lines[33])
    assert.equal("{ 1, 2, 3, ... (2 more) }", S({ 1, 2, 3, 4, 5 }, { items = 3 }))
    assert.equal("{ 1, a = 1, ... (1 more) }", S({ 1, a = 1, b = 2 }, { items = 2 }))
    assert.equal("{ ... (2 more) }", S({ 1, 2 }, { items = 0 }))
    -- the entries kept from a big table are its first keys in sorted order
    local words = {}
    for i = 1000, 1, -1 do words[("w%04d"):format(i * 7919 % 1000)] = i end
    assert.equal("{ w0000 = 1000, w0001 = 679, w0002 = 358, ... (997 more) }",
      S(words, { items = 3 }))
  end)

  it("prints functions with where they were defined", function()
    local function f() end
    local line = debug.getinfo(1, "l").currentline - 1
    assert.equal("function: builtin", S(print))
    assert.equal("function: " .. debug.getinfo(1, "S").short_src .. ":" .. line, S(f))
    assert.equal("{ f = function: builtin }", S({ f = string.len }))
  end)

  it("uses __tostring, and the raw address when it fails", function()
    local corpus = setmetatable({}, { __tostring = function() return "<corpus cmc-1962: 2 documents>" end })
    assert.equal("<corpus cmc-1962: 2 documents>", S(corpus))
    assert.equal("{ c = <corpus cmc-1962: 2 documents> }", S({ c = corpus }))
    local bad = setmetatable({}, { __tostring = function() error("no state", 0) end })
    assert.equal(("<table: %s, __tostring failed: no state>"):format(addr(bad)), S(bad))
    local located = setmetatable({}, { __tostring = function() error("boom") end })
    assert.matches("^<table: 0x%x+, __tostring failed: .*04%-show_spec%.lua:%d+: boom>$", S(located))
    local weird = setmetatable({}, { __tostring = function() error({ code = 1 }) end })
    assert.matches("^<table: 0x%x+, __tostring failed: table: 0x%x+>$", S(weird))
    local named = setmetatable({}, { __name = "parley.Corpus", __tostring = function() return true end })
    assert.equal(("<parley.Corpus: %s, __tostring failed: '__tostring' must return a string>"):format(addr(named)),
      S(named))
  end)

  it("prefers a __show hook, indenting the lines it returns", function()
    local mt = { __show = function(self, opts)
      return ("<doc %s>\n  %d lines"):format(self.id, opts.width)
    end, __tostring = function() return "unused" end }
    local doc = setmetatable({ id = "telegram" }, mt)
    assert.equal("<doc telegram>\n  80 lines", S(doc))
    assert.equal("<doc telegram>\n  60 lines", S(doc, { width = 60 }))
    assert.equal("{\n  d = <doc telegram>\n    80 lines\n}", S({ d = doc }))
    assert.equal("{\n%1d = <doc telegram>\n%1  80 lines\n}", S({ d = doc }, { indent = "%1" }))
    local failing = setmetatable({}, { __show = function() error("nope", 0) end })
    assert.equal(("<table: %s, __show failed: nope>"):format(addr(failing)), S(failing))
    local wrong = setmetatable({}, { __show = function() return 42 end })
    assert.equal(("<table: %s, __show failed: returned number>"):format(addr(wrong)), S(wrong))
    -- a hook that shows its own object again does not recurse forever
    local selfish = setmetatable({}, { __show = function(self) return "[" .. S({ self }) .. "]" end })
    assert.equal(("[{ <cycle: table: %s> }]"):format(addr(selfish)), S(selfish))
  end)

  it("never calls __index, __pairs, __len or a protected metatable", function()
    local function boom() error("touched") end
    local hostile = setmetatable({ 1, 2, k = "v" },
      { __index = boom, __newindex = boom, __pairs = boom, __len = boom, __eq = boom,
        __lt = boom, __le = boom, __concat = boom, __call = boom, __metatable = false })
    assert.equal('{ 1, 2, k = "v" }', S(hostile))
    assert.equal(("{ [table: %s] = 1 }"):format(addr(hostile)), S({ [hostile] = 1 }))
    -- a __tostring hidden behind __metatable is still found and still guarded
    local hidden = setmetatable({}, { __metatable = "locked", __tostring = boom })
    assert.matches("__tostring failed: .*touched>$", S(hidden))
  end)

  it("prints userdata and threads, and lets userdata use __show", function()
    assert.matches("^file %(0x%x+%)$", S(io.stdout))
    assert.matches("^thread: 0x%x+$", S(coroutine.create(print)))
    local mt = getmetatable(io.stdout)
    rawset(mt, "__show", function(f) return f == io.stdout and "<stdout>" or "<file>" end)
    local ok, err = pcall(function()
      assert.equal("{ out = <stdout>, [<stdout>] = 1 }", S({ out = io.stdout, [io.stdout] = 1 }))
    end)
    rawset(mt, "__show", nil)
    assert(ok, err)
  end)

  it("blames the caller for bad options", function()
    assert.has_error(function() S(1, "wide") end,
      "bad argument #2 to 'tostring' (table expected, got string)")
    assert.has_error(function() S({}, { depth = -1 }) end,
      "bad option 'depth' to 'tostring' (non-negative integer expected, got -1)")
    assert.has_error(function() S({}, { indent = 2 }) end,
      "bad option 'indent' to 'tostring' (string expected, got number)")
  end)
end)

describe("show.print", function()
  after_each(h.cleanup)

  -- What show.print writes, captured through io.output.
  local function captured(...)
    local path = h.tmpdir() .. "/out"
    local f, saved = assert(io.open(path, "w")), io.output()
    io.output(f)
    local ok, nret = pcall(function(...) return select("#", show.print(...)) end, ...)
    io.output(saved)
    f:close()
    assert(ok, nret)
    return h.read(path), nret
  end

  it("puts short scalars on one line, tab-separated, and tables on their own lines", function()
    assert.equal('1\t"a"\tnil\ttrue\n', captured(1, "a", nil, true))
    assert.equal("{ 1 }\n2\n", captured({ 1 }, 2))
    assert.equal("nil\n", captured(nil))
    assert.equal("", captured())
    local long = ("x"):rep(50)
    assert.equal(('"%s"\n"%s"\n'):format(long, long), captured(long, long))
  end)

  it("returns nothing", function()
    local out, nret = captured({ 1 }, "x")
    assert.equal('{ 1 }\n"x"\n', out)
    assert.equal(0, nret)
  end)
end)

describe("parley.show", function()
  after_each(h.cleanup)

  it("is require('parley').show and the global in the runner", function()
    assert.equal(require("parley").show, parley.show)
  end)

  it("prints to stdout in a parley process", function()
    local out, err, code = h.run({ "-e", "parley.show({1,2})" })
    assert.equal("", err)
    assert.equal(0, code)
    assert.equal("{ 1, 2 }\n", out)
    out, err, code = h.run({ "-e", [[
      local t = { place = "Guantánamo", n = 2 }
      t.self = t
      print(select("#", require("parley").show(t, "x\n", 3)))]] })
    assert.equal("", err)
    assert.equal(0, code)
    assert.matches('^{ n = 2, place = "Guantánamo", self = <cycle: table: 0x%x+> }\n"x\\n"\n3\n0\n$', out)
  end)
end)
