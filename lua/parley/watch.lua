-- A corpus under watch: `parley watch` keeps its index fresh and tells
-- every process that opens the corpus whether it is, so that opening a
-- large archive does not stat each of its sources (12 000 stats are some
-- 25 ms; a question to the watcher, well under one).
--
-- The watcher (serve) watches every folder of the corpus (inotify, through
-- core/watch.c), checks the index once more after its watches are in place,
-- and then answers the question "fresh? CHECKSUM" (the index the asker has
-- mapped: its content, ix:stats().checksum) on a socket beside the index
-- (INDEX.watch): "fresh CHECKSUM" or "dirty"; a question about another
-- index than the watcher's own makes it check again.  Before each answer it reads every change the kernel has
-- queued, and the kernel queues a change while the call that makes it runs:
-- an edit finished before the question is always counted.  When changes
-- stop for a moment it brings the index up to date (parley.open), and says
-- "fresh" again.  The kernel's queue overflowing or a folder going away make
-- it "dirty" until the next check; a folder it cannot watch, or one on a
-- network file system (whose edits on other machines inotify never sees),
-- "dirty" until it is restarted.  When the index's folder is removed and
-- made again, it listens again at the new socket's place.
--
-- A process that opens the corpus (parley.open's fast path) asks (vouches);
-- it believes "fresh" only from a socket of its own user and a peer of its
-- own user, and only for the very index it has opened; anything else (no
-- watcher, no answer within 200 ms, "dirty", another checksum) and it
-- stats every source as without a watcher.
local W = require "parley.watcher"
local fs = require "parley.fs"
local E = require "parley.error"

local M = {}

M.QUIET_MS = 200        -- changes stop this long: the watcher checks and rebuilds
M.ASK_MS = 200          -- how long an opener waits for the watcher's answer

-- The socket of the watcher of the index at path.
function M.socket(path) return path .. ".watch" end

-- Does the watcher of the index at path vouch that ix (opened from there)
-- is fresh?  -> true | false, why
function M.vouches(path, ix)
  -- an index others could write might be forged to carry the checksum vouched for
  if not W.owned(path) then return false, "the index is not this user's alone" end
  local checksum = ix:stats().checksum
  local answer, why = W.ask(M.socket(path), "fresh? " .. checksum .. "\n", M.ASK_MS)
  if not answer then return false, why end
  if answer == "fresh " .. checksum .. "\n" then return true end
  return false, answer == "dirty\n" and "the watcher saw a change" or "the watcher serves another index"
end

-- The folders under dir (dir first), but the index's own (.parley) and
-- links: the folders whose changes matter.
local function folders_under(dir, out)
  out = out or {}
  out[#out + 1] = dir
  for _, name in ipairs(fs.dir(dir) or {}) do
    if name ~= ".parley" then
      local p = dir .. "/" .. name
      local st = fs.lstat(p)
      if st and st.type == "directory" then folders_under(p, out) end
    end
  end
  return out
end

-- serve(dir, opts, say): watch the corpus folder dir until Ctrl-C.  opts are
-- parley.open's (repair, skip_bad, trust_grammars); say(line) reports
-- what the watcher does (on standard error, for the command).
function M.serve(dir, opts, say)
  local corpus = require "parley.corpus"
  opts = opts or {}
  say = say or function() end
  local open_opts = { watch = false, repair = opts.repair, skip_bad = opts.skip_bad,
                      trust_grammars = opts.trust_grammars, progress = opts.progress }
  local function open()
    local c, err = corpus.open(dir, open_opts)
    if not c then E.raise(err, 0) end
    return c
  end
  -- an open while watching: a failure (a source saved half-edited, say) is
  -- said and waited out, not the watcher's end -> corpus | nil
  local function reopen()
    local ok, c = E.pcall(open)
    if ok then return c end
    say("the index cannot be brought up to date: " .. (E.is(c) and E.message(c) or tostring(c))
      .. "; waiting for the next change")
    return nil
  end
  local c = open()
  dir = c.dir
  local w, werr = W.new(M.socket(c.index_path))
  if not w then E.raise("watch: " .. werr, 0) end
  local _ <close> = w                   -- the socket goes at the end, Ctrl-C included
  -- blind: a folder could not be watched, so the watcher never vouches
  -- (every open stats the sources) until it is restarted
  local where, dirty, blind = {}, false, false       -- watch descriptor -> folder
  local function add(folder)
    for _, f in ipairs(folders_under(folder)) do
      local wd, err = w:add(f)
      local remote = wd and W.remote(f)
      if remote then
        wd, err = nil, ("%s is on a network file system (%s), whose edits made on other machines "
          .. "are never seen here"):format(f, remote)
      end
      if wd then where[wd] = f
      elseif not blind then
        blind = true
        say("warning: " .. err .. "; until the watcher is restarted, every open stats the sources")
      end
    end
  end
  add(dir)
  local nfolders = 0
  for _ in pairs(where) do nfolders = nfolders + 1 end
  -- changes are seen from here on: check the index against the sources once more
  c:close()
  c = open()
  local checksum = c.ix:stats().checksum
  say(("watching %s (%d folder%s); the index %s is %s; Ctrl-C stops"):format(dir, nfolders,
    nfolders == 1 and "" or "s", c.index_path, c.opened == "built" and "built" or "current"))
  local last = 0                        -- when the last change was seen (W.now, ms)
  local broken = false                  -- the last update failed: wait for a change
  while true do
    local what = w:wait(dirty and not broken and math.max(0, last + M.QUIET_MS - W.now()) or nil)
    if what == "timeout" then
      -- changes stopped: bring the index up to date, then watch on (a change
      -- made meanwhile is still queued, and makes it dirty again)
      dirty = false
      if c then c:close() end
      c = reopen()
      if c then
        checksum = c.ix:stats().checksum
        say(("the index %s is %s"):format(c.index_path, c.opened == "built" and "rebuilt" or "current"))
        -- the index's folder removed and made again took the socket with it
        local again, lerr = w:relisten()
        if again then say("answering again at " .. M.socket(c.index_path))
        elseif again == nil then say("warning: " .. lerr .. "; until the watcher is restarted, every open stats the sources") end
      else
        dirty, broken, checksum = true, true, nil
      end
    else
      local events, overflow = w:drain()
      if overflow or #events > 0 then dirty, broken, last = true, false, W.now() end
      for _, e in ipairs(events) do
        if e.folder and where[e.wd] then add(where[e.wd] .. "/" .. e.name) end
      end
      if what == "question" then
        w:answer(function(q)
          if dirty or blind then return "dirty\n" end
          if q == "fresh? " .. checksum .. "\n" then return "fresh " .. checksum .. "\n" end
          -- the opener mapped another index (rebuilt by someone else, or in
          -- another format): check again once things are quiet
          dirty, last = true, W.now()
          return "dirty\n"
        end)
      end
    end
  end
end

return M
