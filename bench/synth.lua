-- A synthetic archival corpus for the benchmark: documents of Zipf-drawn English
-- (part of it following the seeds' word order), hard-wrapped paragraphs, speaker
-- turns, curly quotes and numbers, plus a frequent word, a rare word and a phrase
-- injected at fixed rates per byte, so their counts scale with the corpus size
-- whatever the vocabulary.  Deterministic for a given size and seed.
-- bench/gen.lua and bench/run.lua call M.generate.
local vocab = require "vocab"
local fs = require "parley.fs"

local floor, concat, log, min = math.floor, table.concat, math.log, math.min

local M = {}

M.VERSION = 1            -- bump when the output changes: stamped corpora are regenerated
M.DEFAULT_MB = 200
M.DEFAULT_SEED = 1962
M.STAMP = ".bench-stamp.lua"

-- What the benchmark searches for; `per200` is the wanted count in 200 MB.
M.TARGETS = {
  rare     = { text = "sderzhivaiyuchego", query = "sderzhivaiyuchego", per200 = 30 },
  frequent = { text = "missile", query = "missile", per200 = 470000 },
  phrase   = { text = "Red Cross", query = '"red cross"', words = "red cross", per200 = 8000 },
}

local WIDTH = 72          -- hard-wrap column
local MARKOV = 128        -- chance in 256 that a word follows the seeds' order
local COMMA = 18          -- chance in 256 of a comma after a word (one more: semicolon)
local NUMBER = "#number"  -- the pseudo-word that draws a number

local TYPES = {           -- document types with their weights
  { "memorandum", 30 }, { "telegram", 25 }, { "transcript", 20 }, { "letter", 10 },
  { "report", 10 }, { "minutes", 5 },
}
local PEOPLE = { "Mikoyan", "Stevenson", "McCloy", "Khrushchev", "Kennedy", "Rusk", "Gromyko",
  "Dobrynin", "Kuznetsov", "Zorin", "Castro", "U Thant", "Bundy", "Alekseev", "Dorticós" }
local SPEAKERS = { "Stevenson", "Mikoyan", "McCloy", "Kuznetsov", "Zorin", "Mikoyan",
  "Stevenson", "Gromyko", "Dobrynin", "Rusk" }
local RECIPIENTS = { "CC CPSU", "the Secretary of State", "the President", "the Presidium",
  "the Foreign Ministry", "the Embassy in Havana", "the Mission to the UN" }
local TOPICS = { "quarantine", "blockade", "inspection", "dismantling of the missile sites",
  "withdrawal of the IL-28 bombers", "non-aggression guarantees", "inspection at sea",
  "negotiations in New York", "situation in the Caribbean", "protocol", "verification",
  "Soviet personnel in Cuba", "Guantánamo base", "Turkish bases", "aerial reconnaissance" }
local PLACES = { "Moscow", "Washington", "New York", "Havana", "Geneva", "Paris", "Ankara" }
local CLASSES = { "SECRET", "TOP SECRET", "CONFIDENTIAL", "EYES ONLY" }
local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December" }

-- Days since 1970-01-01 from a civil date and back (Hinnant's algorithms).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m > 2 and m - 3 or m + 9) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d, m = doy - (153 * mp + 2) // 5 + 1, mp < 10 and mp + 3 or mp - 9
  return (m <= 2 and yoe + era * 400 + 1 or yoe + era * 400), m, d
end

local function read(path)
  return assert(require("parley.data").read(path))
end

-- The seed documents: corpus/*.txt and corpus/*.md of the parley tree.
local function seed_texts(dir)
  local texts = {}
  for _, name in ipairs(assert(fs.dir(dir))) do
    if name:find("%.txt$") or name:find("%.md$") then texts[#texts + 1] = read(dir .. "/" .. name) end
  end
  assert(#texts > 0, "no seed documents in " .. dir)
  return texts
end

local function weighted(rng, list)
  local total = 0
  for _, t in ipairs(list) do total = total + t[2] end
  local x = rng.float() * total
  for _, t in ipairs(list) do
    x = x - t[2]
    if x < 0 then return t[1] end
  end
  return list[#list][1]
end

-- Generate the corpus.  opts: dir, mb, seed, seeds (folder of seed documents),
-- log (function for progress lines).  Returns a table of facts about it.
function M.generate(opts)
  local dir, mb = assert(opts.dir, "no output folder"), opts.mb or M.DEFAULT_MB
  local seed = opts.seed or M.DEFAULT_SEED
  local clock0 = os.clock()
  local rng = vocab.rng(seed)
  local exclude = {}
  for _, t in pairs(M.TARGETS) do if not t.words then exclude[t.text:lower()] = true end end
  local v = vocab.build {
    seeds = seed_texts(opts.seeds or ((require("parley").home or ".") .. "/corpus")),
    rng = rng, s = 1.0, exclude = exclude, slots = { [NUMBER] = 15 },
    no_pair = function(a, b) return a:lower() == "red" and b:lower() == "cross" end,
  }
  assert(fs.mkdir(dir .. "/docs"))

  -- injected words: each a Poisson process over the bytes written
  local specials = {}
  for key, t in pairs(M.TARGETS) do
    specials[#specials + 1] = { key = key, text = t.text, cap = t.text:gsub("^%l", string.upper),
      bytes = #t.text, width = utf8.len(t.text), gap = 200e6 / t.per200, next = 0, count = 0 }
  end
  table.sort(specials, function(a, b) return a.gap > b.gap end)  -- rarest first
  local function schedule(sp, at) sp.next = at - sp.gap * log(1 - rng.float()) end
  local due = math.huge
  for _, sp in ipairs(specials) do
    schedule(sp, 0)
    due = min(due, sp.next)
  end

  local words, caps, widths = v.words, v.caps, v.widths
  local cum, guide, succ, NUM = v.cum, v.guide, v.succ, v.slots[NUMBER]
  assert(vocab.GUIDE == 1 << 16, "the inner loop takes 16 bits for the guide")
  local float, int = rng.float, rng.int
  local state = rng.next() | 1     -- the inner loop's own xorshift64* state, kept inline
  local b, n, col, pos = {}, 0, 0, 0

  local function number()
    local k = float()
    if k < 0.4 then return tostring(int(1945, 1970)) end
    if k < 0.65 then return tostring(int(1, 31)) end
    if k < 0.85 then return ("%d,%03d"):format(int(1, 999), int(0, 19) * 50) end
    return tostring(int(2, 99))
  end

  -- The injected word due at byte `at` (the rarest first); returns the word, its
  -- bytes and width, and the position at which the next one is due.
  local function inject(at, first)
    local sp
    for _, s in ipairs(specials) do if at >= s.next then sp = s break end end
    sp.count = sp.count + 1
    schedule(sp, at)
    due = math.huge
    for _, s in ipairs(specials) do due = min(due, s.next) end
    return first and sp.cap or sp.text, sp.bytes, sp.width, due
  end

  -- Append a word (no punctuation) outside the inner loop, wrapping at WIDTH.
  local function put(w)
    if col > 0 then
      n = n + 1
      if col + 1 + #w > WIDTH then b[n], col = "\n", 0 else b[n], col = " ", col + 1 end
    end
    n = n + 1; b[n] = w
    col, pos = col + #w, pos + #w + 1
  end

  -- One sentence of 8-35 words.  The inner loop keeps its state in locals and draws
  -- one 64-bit number per word: bits 48-63 pick the guide bucket, 11-63 the Zipf
  -- point, 16-31 a seed successor, 8-15 whether to follow the seeds, 0-7 a comma.
  local function sentence()
    local len = 8 + floor(27 * (float() + float()) / 2 + 0.5)
    local qs, qe, qo, qc = 0, -1, nil, nil
    local k = float()
    if k < 0.06 then                             -- a quoted span of 1-5 words
      qs = int(1, len)
      qe = min(len, qs + int(0, 4))
      if k < 0.012 then qo, qc = "‘", "’" else qo, qc = "“", "”" end
    end
    k = float()
    local stop = k < 0.9 and "." or k < 0.97 and "?" or "!"
    local x, nn, c0, p, dd, prev = state, n, col, pos, due, nil
    for i = 1, len do
      x = x ~ (x >> 12); x = x ~ (x << 25); x = x ~ (x >> 27)
      local z = x * 0x2545F4914F6CDD1D
      local w, wb, ww
      if p >= dd then
        w, wb, ww, dd = inject(p, i == 1)
        prev = nil
      else
        local r
        local nexts = prev and succ[prev]
        if nexts and (z >> 8) & 0xff < MARKOV then
          r = nexts[1 + (z >> 16) % #nexts]
        else                                      -- Zipf: first rank with cum > u
          local u = (z >> 11) * 0x1p-53
          local lo, hi = guide[z >> 48], guide[(z >> 48) + 1]
          while lo < hi do
            local mid = (lo + hi) // 2
            if cum[mid] > u then hi = mid else lo = mid + 1 end
          end
          r = lo
        end
        if r == NUM then
          w = number()
          wb, ww, prev = #w, #w, nil
        else
          w = i == 1 and caps[r] or words[r]
          wb, ww, prev = #w, widths[r], r
        end
      end
      local c = z & 0xff
      if c > COMMA and i ~= len and i ~= qs and i ~= qe then   -- a bare word
        if c0 == 0 then c0 = ww
        elseif c0 + 1 + ww > WIDTH then nn = nn + 1; b[nn] = "\n"; c0 = ww
        else nn = nn + 1; b[nn] = " "; c0 = c0 + 1 + ww end
        nn = nn + 1; b[nn] = w
        p = p + wb + 1
      else                                        -- a word with punctuation
        local pre, suf, width, nb = nil, nil, ww, wb
        if i == qs then pre, width, nb = qo, width + 1, nb + 3 end
        if i == len then suf = stop
        elseif c <= COMMA then suf = c == COMMA and ";" or "," end
        if suf then width, nb = width + 1, nb + 1 end
        if i == qe then suf, width, nb = (suf or "") .. qc, width + 1, nb + 3 end
        if c0 == 0 then c0 = width
        elseif c0 + 1 + width > WIDTH then nn = nn + 1; b[nn] = "\n"; c0 = width
        else nn = nn + 1; b[nn] = " "; c0 = c0 + 1 + width end
        if pre then nn = nn + 1; b[nn] = pre end
        nn = nn + 1; b[nn] = w
        if suf then nn = nn + 1; b[nn] = suf end
        p = p + nb + 1
      end
    end
    state, n, col, pos = x, nn, c0, p
  end

  local function paragraph(turns)
    col = 0
    if float() < turns then put(SPEAKERS[int(1, #SPEAKERS)] .. ":") end
    for _ = 1, int(2, 8) do sentence() end
    n = n + 1; b[n] = "\n"
    pos = pos + 1
  end

  local function line(s)
    n = n + 1; b[n] = s
    n = n + 1; b[n] = "\n"
    pos = pos + #s + 1
  end

  -- title, a date and a type for one document
  local crisis0, crisis1 = days_from_civil(1962, 10, 15), days_from_civil(1962, 12, 31)
  local span0, span1 = days_from_civil(1960, 1, 1), days_from_civil(1964, 12, 31)
  local function document_meta()
    local day = float() < 0.4 and int(crisis0, crisis1) or int(span0, span1)
    local y, m, d = civil_from_days(day)
    local kind = weighted(rng, TYPES)
    local a, c = PEOPLE[int(1, #PEOPLE)], PEOPLE[int(1, #PEOPLE)]
    local topic, to = TOPICS[int(1, #TOPICS)], RECIPIENTS[int(1, #RECIPIENTS)]
    local title = kind == "memorandum" and ("Memorandum of Conversation between %s and %s on the %s")
                    :format(a, c, topic)
      or kind == "telegram" and ("Telegram from %s to %s on the %s"):format(a, to, topic)
      or kind == "transcript" and ("Record of a Conversation between %s and %s"):format(a, c)
      or kind == "letter" and ("Letter from %s to %s concerning the %s"):format(a, c, topic)
      or kind == "report" and ("Report to %s on the %s"):format(to, topic)
      or ("Minutes of a Meeting on the %s"):format(topic)
    return { date = ("%04d-%02d-%02d"):format(y, m, d), type = kind, title = title,
             dateline = ("%s, %s %d, %d"):format(PLACES[int(1, #PLACES)], MONTHS[m], d, y) }
  end

  local target = floor(mb * 1e6)
  local ndocs = math.max(1, floor(mb * 60 + 0.5))
  local manifest, written = {}, 0
  for d = 1, ndocs do
    local meta = document_meta()
    local budget = (target - written) / (ndocs - d + 1) * (0.25 + 1.5 * float())
    n, col, pos = 0, 0, written
    if float() < 0.4 then line(CLASSES[int(1, #CLASSES)]) end
    line(meta.title)
    line("")
    line(meta.dateline)
    local turns = meta.type == "transcript" and 0.6 or 0.03
    repeat
      line("")
      paragraph(turns)
    until pos - written >= budget
    local text = concat(b, "", 1, n)
    local name = ("docs/%05d.txt"):format(d)
    local f = assert(io.open(dir .. "/" .. name, "wb"))
    assert(f:write(text))
    assert(f:close())
    written = written + #text
    manifest[d] = ("    { id = %q, path = %q, title = %q, date = %q, type = %q },")
      :format(("d%05d"):format(d), name, meta.title, meta.date, meta.type)
    if opts.log and d % 1000 == 0 then opts.log(("%d documents, %.0f MB"):format(d, written / 1e6)) end
  end

  local title = ("Synthetic archival corpus, %g MB, seed %d"):format(mb, seed)
  local f = assert(io.open(dir .. "/corpus.lua", "wb"))
  assert(f:write("-- ", title, ", written by parley's bench/gen.lua.\nreturn {\n",
    "  name = \"bench\",\n", ("  title = %q,\n"):format(title), "  documents = {\n",
    concat(manifest, "\n"), "\n  },\n}\n"))
  assert(f:close())

  local facts = { mb = mb, seed = seed, version = M.VERSION, documents = ndocs, bytes = written,
    seconds = os.clock() - clock0, vocabulary = vocab.describe(v), words = {} }
  local stamp = {}
  for _, sp in ipairs(specials) do
    local t = M.TARGETS[sp.key]
    facts.words[sp.key] = { query = t.query, words = t.words or t.text, injected = sp.count,
                            per200 = t.per200 }
    stamp[#stamp + 1] = ("    %s = { query = %q, words = %q, injected = %d, per200 = %d },")
      :format(sp.key, t.query, t.words or t.text, sp.count, t.per200)
  end
  table.sort(stamp)
  -- the stamp by which bench/run.lua recognises (and reuses) this corpus
  f = assert(io.open(dir .. "/" .. M.STAMP, "wb"))
  assert(f:write(("return {\n  version = %d, mb = %.17g, seed = %d, documents = %d, bytes = %d,"
    .. " seconds = %.2f,\n  vocabulary = %q,\n  words = {\n%s\n  },\n}\n"):format(M.VERSION, mb,
    seed, ndocs, written, facts.seconds, facts.vocabulary, concat(stamp, "\n"))))
  assert(f:close())
  return facts
end

-- The facts a generated corpus's stamp records, or nil if dir holds none.
function M.stamp(dir)
  local chunk = loadfile(dir .. "/" .. M.STAMP, "t", {})
  local ok, t = pcall(chunk or error)
  return ok and type(t) == "table" and t or nil, chunk ~= nil
end

-- The corpus of mb megabytes in dir (the default seed): reused when its stamp
-- says so, else generated there anew.  -> its stamp
function M.ensure(dir, mb, log)
  local stamp = M.stamp(dir)
  if not (stamp and stamp.mb == mb and stamp.version == M.VERSION) then
    if log then log(("generating %g MB into %s ..."):format(mb, dir)) end
    os.execute("rm -rf '" .. dir:gsub("'", "'\\''") .. "'")
    M.generate { dir = dir, mb = mb, seed = M.DEFAULT_SEED, log = log }
    stamp = M.stamp(dir)
  end
  return stamp
end

return M
