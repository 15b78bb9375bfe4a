-- How fast one Ctrl-C stops runaway work: for each case, parley runs as a
-- subprocess, SIGINT is sent once it is busy (after the "go" it prints, or a
-- delay into a build), and the milliseconds from the signal to the exit are
-- measured (the shell notes both times, date +%s%N).  Prints one table: the
-- exit status seen, and the latency's median and worst over the runs, beside
-- the target (100 ms).  An interrupted build must leave no index and no
-- temporaries; the table says if one did (status 0: the work had ended
-- before the signal, which then counts for nothing).  One Lua instruction is
-- the grain of the hook: a concatenation of 64 MB is one, of some 25 ms
-- (huge pages for big blocks, core/main.c; 55 ms without).
-- Run: build/parley bench/interrupt.lua [--runs N] [--mb N]  (5 runs, a 20 MB corpus)
local lib = require "lib"
local proc = require "spec.process"

local opts = lib.options(arg, { runs = 5, mb = 20 }, "bench/interrupt.lua")
local RUNS, MB = tonumber(opts.runs), tonumber(opts.mb)
local BIN = (os.getenv("PARLEY_TEST_BIN") or "build/parley")
local TARGET = 100

local tmp = assert(io.popen("mktemp -d /tmp/parley-interrupt.XXXXXX")):read("l")
local function path(p) return tmp .. "/" .. p end
local function write(p, s) lib.write(path(p), s) end

-- ------------------------------------------------------------ corpora
io.stderr:write("generating the corpora in ", tmp, "\n")
-- plain: MB megabytes of words in 1 MB documents, for the build
local vocab = {}
for i = 1, 5000 do vocab[i] = ("w%04d"):format(i) end
os.execute("mkdir -p " .. lib.shq(path("plain")))
do
  local docs, seed = {}, 1
  for d = 1, MB do
    local words = {}
    for i = 1, 170000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      words[i] = vocab[seed % #vocab + 1]
    end
    write(("plain/%03d.txt"):format(d), table.concat(words, " ") .. "\n")
    docs[#docs + 1] = ('{ id = "d%03d", path = "%03d.txt" },'):format(d, d)
  end
  write("plain/corpus.lua", 'return { name = "plain", documents = {\n' .. table.concat(docs, "\n") .. "\n} }\n")
end
-- spin: a grammar that never ends, over a 960 kB document
os.execute("mkdir -p " .. lib.shq(path("spin/grammars")))
write("spin/grammars/spin.lua", 'return require("parley.grammar").register{ name = "spin", kinds = {},\n'
  .. '  parse = function(text) local n = 0 while true do n = n + 1 end end }\n')
write("spin/a.txt", string.rep("some words here\n", 60000))
write("spin/corpus.lua", 'return { name = "spin", documents = { { id = "a", path = "a.txt", grammar = "spin" } } }\n')
-- long: one 20 000-letter token
os.execute("mkdir -p " .. lib.shq(path("long")))
write("long/a.txt", "word " .. string.rep("a", 20000) .. " other words here\n")
write("long/corpus.lua", 'return { name = "long", documents = { { id = "a", path = "a.txt" } } }\n')
-- big: two million tokens, for n-grams over a million windows
os.execute("mkdir -p " .. lib.shq(path("big")))
write("big/a.txt", string.rep("alpha ", 2000000))
write("big/corpus.lua", 'return { name = "big", documents = { { id = "a", path = "a.txt" } } }\n')
-- record: the dinner record 400 times over (13 MB) in one document, through
-- the transcript grammar, which matches a block (a turn) at a time
os.execute("mkdir -p " .. lib.shq(path("record")))
do
  local f = assert(io.open("corpus/1962-11-01-mikoyan-mccloy-stevenson-dinner.txt", "rb"))
  write("record/r.txt", f:read("a"):rep(400))
  f:close()
  local p = assert(io.open("corpus/people.lua", "rb"))
  write("record/people.lua", p:read("a"))
  p:close()
  write("record/corpus.lua", 'return { name = "record", people = "people.lua", documents = {\n'
    .. '  { id = "r", path = "r.txt", grammar = "transcript" } } }\n')
end
for _, c in ipairs { "long", "big" } do
  assert(lib.run(("%s -e %s"):format(lib.shq(BIN), lib.shq(("assert(parley.open(%q))"):format(path(c))))))
end

local GO = 'print("go") io.stdout:flush() '
local cases = {
  { name = "Lua loop (-e)", args = { "-e", GO .. "while true do end" } },
  { name = "s = s .. s (--max-memory 2G)",
    args = { "--max-memory", "2G", "-e", 'local s = ("x"):rep(1 << 24) ' .. GO .. "while true do local t = s .. s .. s .. s end" } },
  { name = "grammar loop in the build", index = path("spin"),
    args = { "-e", GO .. ("parley.open(%q)"):format(path("spin")) } },
  { name = "Lua pattern %a+%a+%a+c, budget lifted",
    args = { "-e", ('require("parley.query.lexicon").STEPS = math.huge local c = parley.open(%q) '):format(path("long"))
      .. GO .. 'c:count("%a+%a+%a+c")' } },
  { name = "one LPeg match of 2^40 steps (grace timer)",
    args = { "-e", 'local lpeg = require "lpeg" local P, V = lpeg.P, lpeg.V '
      .. 'local G = P{ "A", A = P"a" * V"A" * "x" + P"a" * V"A" * "y" + P"a" } ' .. GO .. 'G:match(("a"):rep(40))' } },
  { name = "transcript grammar over a 13 MB record", index = path("record"),
    args = { "-e", GO .. ("parley.open(%q)"):format(path("record")) } },
  { name = "n-grams in C over 1e6 windows",
    args = { "-e", ("local c = parley.open(%q) local t = {} for i = 0, 999999 do t[2 * i + 1] = i t[2 * i + 2] = i + 2000 end "
      .. "local w = require('parley.hits').from(c.ix, t) t = nil "):format(path("big")) .. GO .. "c.ix:ngrams(2, { within = w })" } },
}
-- the build of the plain corpus, Ctrl-C at several moments into it (fractions
-- of the time it takes uninterrupted)
local function wall(cmd)
  local t0 = lib.capture("date +%s%N")
  assert(lib.run(cmd))
  return (tonumber(lib.capture("date +%s%N")) - tonumber(t0)) / 1e9
end
local BUILD = { "-e", ("parley.open(%q, { rebuild = true })"):format(path("plain")) }
local build_s = wall(lib.shq(BIN) .. " " .. lib.shq(BUILD[1]) .. " " .. lib.shq(BUILD[2]))
io.stderr:write(("the build of %d MB takes %.2f s uninterrupted\n"):format(MB, build_s))
for _, f in ipairs { 0.1, 0.3, 0.6, 0.9 } do
  cases[#cases + 1] = { name = ("build of %d MB, Ctrl-C at %d%% (%.2f s)"):format(MB, f * 100, f * build_s),
    delay = f * build_s, index = path("plain"), args = BUILD }
end
cases[#cases + 1] = { name = "overview, Ctrl-C 30% into its build", delay = 0.3 * build_s, index = path("plain"),
  args = { "overview", "--corpus", path("plain") } }

-- What an interrupted build left in DIR/.parley (the index, or temporaries).
local function leftovers(dir)
  local f = io.popen("ls -A " .. lib.shq(dir .. "/.parley") .. " 2>/dev/null")
  local names = {}
  for name in f:lines() do names[#names + 1] = name end
  f:close()
  return table.concat(names, " ")
end

print(("%-44s %6s %9s %9s  %s"):format("case", "status", "median ms", "worst ms", "left behind"))
local worst_all = 0
for _, case in ipairs(cases) do
  local times, statuses, left = {}, {}, {}
  for _ = 1, RUNS do
    if case.index then os.execute("rm -rf " .. lib.shq(case.index .. "/.parley")) end
    local p = proc.start(BIN, case.args)
    if case.delay then
      os.execute("sleep " .. case.delay)
    else
      assert(p:wait("out", "go\n", 120, true), case.name .. ": did not start: " .. p:file("err"))
    end
    p:kill("INT")
    local _, _, status, ms = p:finish(120)
    statuses[tostring(status)] = true
    if status ~= 0 then times[#times + 1] = ms or math.huge end   -- 0: it had finished before the signal
    if case.index then
      local l = leftovers(case.index)
      if l ~= "" then left[l] = true end
    end
  end
  table.sort(times)
  local st = {}
  for s in pairs(statuses) do st[#st + 1] = s end
  table.sort(st)
  local l = {}
  for s in pairs(left) do l[#l + 1] = s end
  local worst = times[#times] or 0
  if worst > worst_all then worst_all = worst end
  print(("%-44s %6s %9.1f %9.1f  %s"):format(case.name, table.concat(st, ","), lib.median(times) or 0, worst,
    #l > 0 and table.concat(l, "; ") or "-"))
end
print(("target: %d ms; the worst case here: %.1f ms (%d runs each)"):format(TARGET, worst_all, RUNS))
os.execute("rm -rf " .. lib.shq(tmp))
