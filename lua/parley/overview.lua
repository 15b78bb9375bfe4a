-- An overview of a corpus: each document with its date, type, lines, words
-- and commonest content words.  Used by scripts/overview.lua and the REPL.
local text = require "parley.text"

local M = {}

local STOP = {}
for w in ([[a an and are as at be been but by can could do does did for from had has have
  he her him his i if in into is it its me my no not of on one or our should so some such
  than that the their them then there these they this those to us was we were what when
  which who will with would you your]]):gmatch("%a+") do STOP[w] = true end

-- Parse `--corpus DIR` from a script's arg table.
function M.options(args)
  local opts = { corpus = (require("parley").home or ".") .. "/corpus" }
  local i = 1
  while args and args[i] do
    if args[i] == "--corpus" and args[i + 1] then
      opts.corpus, i = args[i + 1], i + 2
    else
      error(("unknown option '%s' (usage: parley overview [--corpus DIR])"):format(args[i]), 0)
    end
  end
  return opts
end

local function load_manifest(dir)
  local f, err = loadfile(dir .. "/corpus.lua", "t", {})
  if not f then error(err, 0) end
  return f()
end

-- Word statistics of one document's text.
function M.describe(s)
  local lines, words, freq = select(2, s:gsub("\n", "")) + 1, 0, {}
  for w in s:gmatch("[%w\128-\255][%w\128-\255'’%-]*") do
    words = words + 1
    local f = text.fold(w)
    if not STOP[f] and not f:find("^%d") and #f > 2 then freq[f] = (freq[f] or 0) + 1 end
  end
  local top = {}
  for w, n in pairs(freq) do top[#top + 1] = { w, n } end
  table.sort(top, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  return { lines = lines, words = words, top = top }
end

function M.report(opts)
  local m = load_manifest(opts.corpus)
  local out = { ("%s — %s"):format(m.name, m.title) }
  for _, d in ipairs(m.documents) do
    local f = assert(io.open(opts.corpus .. "/" .. d.path, "rb"))
    local s = f:read("a")
    f:close()
    local st = M.describe(s)
    local top = {}
    for i = 1, math.min(8, #st.top) do top[i] = ("%s %d"):format(st.top[i][1], st.top[i][2]) end
    out[#out + 1] = ("\n%s  %s  %s\n  %s\n  %d lines, %d words; commonest: %s"):format(
      d.id, d.date or "?", d.type or "?", d.title or d.path, st.lines, st.words,
      table.concat(top, ", "))
  end
  return table.concat(out, "\n")
end

return M
