-- The generator's vocabulary: a seeded PRNG (xorshift64*), the words of the seed
-- documents and of Debian's word list ranked for a Zipf draw (a cumulative table
-- searched through a guide table), and the seeds' word pairs, so that part of the
-- synthetic text follows real word order.  Used by bench/synth.lua.
local floor, concat, sort = math.floor, table.concat, table.sort

local M = {}

local GUIDE = 1 << 16          -- buckets of the guide table over [0, 1)
local DICTS = { "/usr/share/dict/american-english", "/usr/share/dict/words" }

-- Names, loanwords and contractions that archival English of the period has and
-- the seeds lack, slotted in between ranks 40 and 2500 (spelt with ’ and accents).
M.EXTRA = {
  "Khrushchev’s", "Castro’s", "Guantánamo", "émigrés", "Zubok", "Dobrynin", "Gromyko",
  "Kuznetsov", "Zorin", "Malinovsky", "Alekseev", "Dorticós", "Raúl", "détente", "communiqué",
  "régime", "aide-mémoire", "Kennedy’s", "Mikoyan’s", "Thant’s", "Moscow’s", "Havana’s",
  "Señor", "don’t", "it’s", "didn’t", "won’t", "can’t", "isn’t", "Bundy", "Rusk", "Sorensen",
  "Vinogradov", "Zhukov", "Fomin", "Scali", "Pliyev", "Bolshakov", "Pravda", "Izvestiia",
  "Presidium", "Politburo", "Kremlin", "Pentagon", "Turkey", "Jupiter", "Ilyushin", "Mariel",
  "Oriente", "Camagüey", "Pinar", "démarche", "rapprochement", "Brezhnev", "Kosygin",
}

-- Word-list entries never drawn: slurs and obscenities have no place in a sample
-- text that people will read in benchmark output.
M.BLOCK = {}
for w in ([[bitch bitched bitches bitchier bitchiest bitching bitchy boob boobies boobs chink
  chinks cocksucker cocksuckers coon coons crap crapped crappier crappiest crapping crappy cunt
  cunts dildo dildos dyke dykes fag fagged fagging faggot faggots fagot fagots fags fuck fucked
  fucker fuckers fucking fucks gook gooks kike kikes nigga niggas niggaz nigger niggers piss
  pissed pisses pissing porn porno pussy retard retards shit shits shittier shittiest shitting
  shitty slut sluts sluttish spic spics tits titties turd turds twat twats wank wanked wanking
  wanks wetback wetbacks whore whorehouse whorehouses whores]]):gmatch("%S+") do
  M.BLOCK[w] = true
end

-- A seeded xorshift64* generator (Vigna 2016); Lua 5.4 integers wrap and `>>` is
-- logical, so the sequence is the same on every build.  `next` returns 64 bits.
function M.rng(seed)
  local x = (math.tointeger(seed) or 1) ~ 0x9E3779B97F4A7C15
  if x == 0 then x = 1 end
  local r = {}
  function r.next()
    x = x ~ (x >> 12); x = x ~ (x << 25); x = x ~ (x >> 27)
    return x * 0x2545F4914F6CDD1D
  end
  function r.float() return (r.next() >> 11) * 0x1p-53 end
  function r.int(lo, hi) return lo + floor(r.float() * (hi - lo + 1)) end
  for _ = 1, 8 do r.next() end
  return r
end

local read = require("parley.data").read

-- A token without leading or trailing apostrophes and hyphens.
local function strip(tok)
  local again = true
  while again and tok ~= "" do
    again = false
    if tok:sub(1, 3) == "’" then tok, again = tok:sub(4), true end
    if tok:sub(-3) == "’" then tok, again = tok:sub(1, -4), true end
    if tok:sub(-1) == "-" then tok, again = tok:sub(1, -2), true end
  end
  return tok
end

-- Words of a seed text in order, each with a flag telling whether it follows the
-- previous word directly (only spaces or commas between), for the pair table.
-- Quotes and dashes split words; ' becomes ’; URLs and numbers are dropped.
local function seed_tokens(text, out)
  text = text:gsub("<?https?://%S+", " . ")
             :gsub("'", "’")
             :gsub("\226\128[\128-\152\154-\191]", " ")  -- General Punctuation except ’
             :gsub("\194[\128-\191]", " ")               -- Latin-1 punctuation, NBSP
  local prev_end
  for s, tok, e in text:gmatch("()([%w\128-\255][%w\128-\255%-]*)()") do
    tok = strip(tok)
    if (#tok > 1 and not tok:find("%d")) or tok == "a" or tok == "I" then
      local linked = prev_end ~= nil and text:sub(prev_end, s - 1):find("^[%s,]*$") ~= nil
      out[#out + 1] = { tok, linked }
      prev_end = e
    else
      prev_end = nil
    end
  end
end

-- The seed vocabulary ranked by frequency.  A word's form is its lower-case form
-- if the seeds ever write it so, else its commonest spelling (names keep capitals).
local function rank_seeds(tokens)
  local count, forms = {}, {}
  for _, t in ipairs(tokens) do
    local key = t[1]:lower()
    count[key] = (count[key] or 0) + 1
    local f = forms[key] or {}
    forms[key] = f
    f[t[1]] = (f[t[1]] or 0) + 1
  end
  local keys = {}
  for key in pairs(count) do keys[#keys + 1] = key end
  sort(keys, function(a, b)
    if count[a] ~= count[b] then return count[a] > count[b] end
    return a < b
  end)
  local ranked = {}
  for i, key in ipairs(keys) do
    local f, best = forms[key], nil
    if f[key] then best = key else
      for form, n in pairs(f) do
        if not best or n > f[best] or (n == f[best] and form < best) then best = form end
      end
    end
    ranked[i] = best
  end
  return ranked
end

-- Dictionary words not already ranked, shuffled with a bias to short words and
-- against capitalised ones (Zipf's law of abbreviation; names are rarer).
local function rank_dict(text, known, rng)
  local items = {}
  for w in text:gmatch("[^\n]+") do
    if not w:find("'s$") and #w > 1 and not known[w:lower()] and not M.BLOCK[w:lower()] then
      known[w:lower()] = true
      local key = (utf8.len(w) or #w) + 6 * rng.float() + (w:find("^%u") and 4 or 0)
      items[#items + 1] = { w:gsub("'", "’"), key }
    end
  end
  sort(items, function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end)
  for i, it in ipairs(items) do items[i] = it[1] end
  return items
end

-- Build the vocabulary.  opts: seeds (list of texts), rng, s (Zipf exponent),
-- exclude (set of lower-case words the caller injects itself), slots (names of
-- pseudo-words with their ranks, e.g. { number = 15 }: drawing one yields its name).
-- Returns { words, caps, bytes, widths, cum, guide, succ, slots (name -> rank),
-- size, dict }.
function M.build(opts)
  local rng, exclude = opts.rng, opts.exclude or {}
  local tokens = {}
  for _, text in ipairs(opts.seeds) do seed_tokens(text, tokens) end
  local ranked, known = {}, {}
  for _, w in ipairs(rank_seeds(tokens)) do
    if not exclude[w:lower()] then
      ranked[#ranked + 1] = w
      known[w:lower()] = true
    end
  end
  -- extra names go in at log-spread ranks between 40 and 2500
  local extras = {}
  for _, w in ipairs(M.EXTRA) do
    if not known[w:lower()] then extras[#extras + 1] = w; known[w:lower()] = true end
  end
  for i, w in ipairs(extras) do
    local at = floor(40 * (2500 / 40) ^ ((i - rng.float()) / #extras))
    table.insert(ranked, math.min(at, #ranked + 1), w)
  end
  local dict_path, dict
  for _, p in ipairs(DICTS) do
    dict = read(p)
    if dict then dict_path = p break end
  end
  for _, w in ipairs(dict and rank_dict(dict, known, rng) or {}) do
    if not exclude[w:lower()] then ranked[#ranked + 1] = w end
  end
  local slot_at = {}
  for name, at in pairs(opts.slots or {}) do slot_at[#slot_at + 1] = { name, at } end
  sort(slot_at, function(a, b) return a[2] < b[2] end)
  for _, s in ipairs(slot_at) do table.insert(ranked, math.min(s[2], #ranked + 1), s[1]) end

  local v = { words = ranked, caps = {}, bytes = {}, widths = {}, cum = {}, guide = {},
              succ = {}, slots = {}, size = #ranked, dict = dict_path }
  for _, sl in ipairs(slot_at) do v.slots[sl[1]] = true end
  local index, total, s = {}, 0, opts.s or 1.0
  for r, w in ipairs(ranked) do
    index[w] = r
    if v.slots[w] then v.slots[w] = r end
    v.caps[r] = w:gsub("^%l", string.upper)
    v.bytes[r] = #w
    v.widths[r] = utf8.len(w) or #w
    total = total + 1 / r ^ s
  end
  local acc = 0
  for r = 1, #ranked do
    acc = acc + 1 / r ^ s / total
    v.cum[r] = acc
  end
  v.cum[#ranked] = 1.0
  -- guide[g] = first rank whose cumulative mass exceeds g / GUIDE
  local r = 1
  for g = 0, GUIDE do
    while r < #ranked and v.cum[r] <= g / GUIDE do r = r + 1 end
    v.guide[g] = r
  end
  -- successor lists from the seed pairs, repeated as often as the pair occurs
  for i = 2, #tokens do
    if tokens[i][2] then
      local a, b = index[tokens[i - 1][1]] or index[tokens[i - 1][1]:lower()],
                   index[tokens[i][1]] or index[tokens[i][1]:lower()]
      if a and b and not (opts.no_pair and opts.no_pair(ranked[a], ranked[b])) then
        local list = v.succ[a] or {}
        v.succ[a] = list
        list[#list + 1] = b
      end
    end
  end
  return v
end

M.GUIDE = GUIDE  -- bench/synth.lua indexes the guide with the top 16 bits of a draw

-- A short description of the vocabulary, for the generator's report.
function M.describe(v)
  return concat({ ("%d words"):format(v.size), v.dict and ("(seeds + %s)"):format(v.dict)
                  or "(seeds only: no word list found)" }, " ")
end

return M
