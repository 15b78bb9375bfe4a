-- The REPL: expression printing, multi-line chunks, locals kept across
-- lines, commands, completion; over a pipe (as a subprocess) and in-process.
local h = require "spec.helpers"
local repl = require "parley.repl"

describe("REPL over a pipe", function()
  after_each(h.cleanup)

  local function session(input)
    return h.run({ "-i" }, { stdin = input })
  end

  it("prints the value of an expression, without prompts or escapes", function()
    local out, err, code = session("1+1\n")
    assert.equal(0, code)
    assert.equal("", err)
    assert.equal("2\n", out)
  end)

  it("continues an incomplete chunk on the next lines", function()
    local out = session("for i = 1, 3 do\n  io.write(i, ' ')\nend\nprint()\n")
    assert.equal("1 2 3 \n", out)
    out = session("function sq(x)\nreturn x * x\nend\nsq(12)\n")
    assert.equal("144\n", out)
  end)

  it("keeps top-level locals visible to the next lines", function()
    local out = session("local x = 41\nx + 1\nlocal a, b <const> = 'p', 'q'\na .. b\nlocal function f() return x end\nf()\n")
    assert.equal("42\n\"pq\"\n41\n", out)
  end)

  it("reports errors and goes on", function()
    local out, err, code = session("error('boom')\n1 + 2\nthis is not lua\n'after'\n")
    assert.equal(0, code)
    assert.equal("3\n\"after\"\n", out)
    assert.matches("stdin:1: boom", err)
    assert.matches("stdin:1: syntax error near 'is'", err)
  end)

  it("pretty-prints tables and several values", function()
    local out = session("{1, 2, {a = 'x'}}\n1, 'two', nil\n")
    assert.equal("{ 1, 2, { a = \"x\" } }\n1\t\"two\"\tnil\n", out)
  end)

  it("has :help, :scripts and :quit", function()
    local out, _, code = session(":help\n:scripts\n:quit\nprint('not reached')\n")
    assert.equal(0, code)
    assert.matches(":quit", out)
    assert.matches("parley%.text%.fold", out)
    assert.matches("overview", out)
    assert.not_matches("not reached", out)
    local _, err = session(":nonsense\n")
    assert.matches("unknown command ':nonsense'", err)
  end)

  it(":help TOPIC shows the full reference entry", function()
    local out = session(":help fold\n")
    assert.matches("parley%.text%.fold%(s%)", out)
    assert.matches("guantanamo", out)
  end)

  it("prints an error of parley.error as its message alone, other errors with a traceback", function()
    local out, err, code = session(table.concat({
      [[require("parley.error").raise("bad query 'x y'\n  x y\n    ^ here", 1)]],
      [[local function deep() require("parley.error").raise("no region kind has 'foo'") end]],
      [[deep()]],
      [[error("plain")]],
      [[print("after")]],
    }, "\n") .. "\n")
    assert.equal(0, code)
    assert.equal("after\n", out)
    assert.equal("bad query 'x y'\n  x y\n    ^ here\n"
      .. "no region kind has 'foo'\n"
      .. "stdin:1: plain\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n", err)
  end)

  it("runs a bundled script with :run and survives its failure", function()
    local out, err = session(":run overview\n:run no-such-script\n1+1\n")
    assert.matches("dinner%-1962%-11%-01", out)
    assert.matches("no%-such%-script", err)
    assert.matches("2\n$", out)
  end)
end)

describe("REPL internals", function()
  it("globalizes top-level locals only", function()
    assert.equal("x = 1", repl.globalize("local x = 1"))
    assert.equal("x = nil ", repl.globalize("local x"))
    assert.equal("a, b = 1, 2", repl.globalize("local a <const>, b <close> = 1, 2"))
    assert.equal("function f() local y = 1 return y end",
      repl.globalize("local function f() local y = 1 return y end"))
    assert.equal("do local z = 1 end", repl.globalize("do local z = 1 end"))
    assert.equal("s = 'local q = 1' -- local r", repl.globalize("local s = 'local q = 1' -- local r"))
    assert.equal("for i = 1, 2 do local t = i end; u = 3",
      repl.globalize("for i = 1, 2 do local t = i end; local u = 3"))
    assert.equal("v = [[\nlocal w]]", repl.globalize("local v = [[\nlocal w]]"))
    assert.equal("t.local_name = 1", repl.globalize("t.local_name = 1"))
  end)

  it("tells incomplete chunks from errors", function()
    local f = repl.compile("1 + 1")
    assert.equal(2, f())
    local g, err, incomplete = repl.compile("if true then")
    assert.is_nil(g)
    assert.is_true(incomplete)
    assert.matches("<eof>", err)
    g, err, incomplete = repl.compile("x = = 1")
    assert.is_nil(g)
    assert.is_nil(incomplete)
    assert.matches("unexpected symbol", err)
  end)

  it("completes globals, fields and methods", function()
    local env = {
      parley = { text = { fold = true, valid = true }, show = true },
      obj = setmetatable({}, { __index = { kwic = function() end, count = function() end, n = 1 } }),
    }
    assert.same({ "parley" }, repl.complete("par", env))
    assert.same({ "parley.text" }, repl.complete("parley.te", env))
    assert.same({ "parley.text.fold" }, repl.complete("parley.text.f", env))
    assert.same({ "obj:count", "obj:kwic" }, repl.complete("obj:", env))
    assert.same({ "obj.count", "obj.kwic", "obj.n" }, repl.complete("obj.", env))
    assert.same({}, repl.complete("nothing.here", env))
    -- an object whose __index is a function names its methods in __methods
    local methods = { find = function() end, freq = function() end }
    env.lazy = setmetatable({}, { __index = function(_, k) return methods[k] end, __methods = methods })
    assert.same({ "lazy:find", "lazy:freq" }, repl.complete("lazy:f", env))
    assert.same({ "function" }, repl.complete("functio", env))
  end)

  -- The names after the last '.' or ':' of each candidate.
  local function names(text, env)
    local out = {}
    for _, s in ipairs(repl.complete(text, env)) do out[#out + 1] = s:match("[:.]([%w_]+)$") end
    return out
  end

  local function has(list, want)
    for _, v in ipairs(list) do if v == want then return true end end
    return false
  end

  it("completes the methods of every parley object, without metamethods or private fields", function()
    local c = h.open()
    local env = {
      corpus = c, sub = c:where{ type = "telegram" }, hits = c:find("cuba"), doc = c:doc(1),
      freq = c:freq(), kwic = c:kwic("cuba"), grams = c:ngrams(2),
      ix = c.ix, spans = c.ix:regions("document"),
    }
    -- tables whose __index is a function: their methods through __methods
    assert.same({ "csv", "html", "ipairs", "json", "kwic", "locate", "md", "regions", "totable", "tsv", "tty" },
      names("hits:", env))
    assert.same({ "line_starts", "lines", "text", "tokens" }, names("doc:", env))
    for _, r in ipairs { "freq:", "kwic:", "grams:" } do
      assert.same({ "csv", "html", "ipairs", "json", "md", "totable", "tsv", "tty", "write" }, names(r, env))
    end
    for _, m in ipairs { "count", "find", "kwic", "freq", "ngrams", "where", "docs", "doc", "close" } do
      assert.is_true(has(names("corpus:", env), m), m)
    end
    assert.same(names("corpus:", env), names("sub:", env))
    -- userdata: the methods table of parley.Index and parley.Hits
    for _, m in ipairs { "ngrams", "kwic", "freq", "stats", "doc", "close" } do
      assert.is_true(has(names("ix:", env), m), m)
    end
    for _, m in ipairs { "span", "sub", "inside", "union", "windows", "width" } do
      assert.is_true(has(names("spans:", env), m), m)
    end
    assert.same({ "corpus", "id", "line_starts", "lines", "number", "path", "text", "tokens" }, names("doc.", env))
    for _, text in ipairs { "corpus:", "corpus.", "sub:", "sub.", "hits:", "hits.", "doc:", "doc.",
        "freq:", "freq.", "ix:", "ix.", "spans:", "spans." } do
      for _, s in ipairs(repl.complete(text, env)) do assert.not_matches("[:.]_", s) end
    end
    -- a private field once its '_' is typed; a metamethod never
    assert.same({ "corpus._cache" }, repl.complete("corpus._", env))
    assert.same({ "hits._corpus", "hits._hits", "hits._query" }, repl.complete("hits._", env))
    assert.same({}, repl.complete("hits:_", env))
    assert.same({}, repl.complete("ix:__", env))
    assert.same({ "_G", "_VERSION" }, repl.complete("_", { _G = true, _VERSION = true, x = 1 }))
  end)

  it("completes REPL commands, script names after :run and entries after :help", function()
    local function at(line)  -- complete the last word of line, as readline hands it over
      local start = line:find("[^ ]*$")
      return repl.complete(line:sub(start), {}, line, start)
    end
    assert.same({ ":help" }, at(":he"))
    assert.same({ ":quit" }, at("  :q"))
    assert.same({ ":help", ":quit", ":run", ":scripts" }, at(":"))
    assert.same({ "overview" }, at(":run ov"))
    local scripts = {}  -- every scripts/*.lua, as the shell lists them
    for name in assert(io.popen("cd " .. h.shquote(h.root .. "/scripts") .. " && ls *.lua")):lines() do
      scripts[#scripts + 1] = name:match("^(.+)%.lua$")
    end
    assert.is_true(#scripts > 3)
    assert.same(scripts, at(":run "))
    assert.same({ "corpus:keyness", "corpus:kwic" }, at(":help corpus:k"))
    assert.same({ "parley.text.fold" }, at(":help parley.text.fo"))
    assert.same({}, at(":run overview o"))
    assert.same({}, at(":quit x"))
  end)
end)
