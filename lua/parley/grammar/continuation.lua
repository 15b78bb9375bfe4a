-- Who speaks a sentence that does not say: the continuation logic of reported
-- speech, shared by the narrative and telegram grammars.  A grammar reads each
-- sentence, tells a follower what it found there, and the follower says whose
-- sentence it is:
--
--   local continuation = require "parley.grammar.continuation"
--   local f = continuation.new()
--   local how, group, turn = f:sentence{ named = { speaker, … } }  -- "Mr. Rusk said …"
--   f:sentence{ pronoun = 1 }          -- "He added …": the last named speaker
--   f:sentence{ pronoun = 2 }          -- "They/Both …": the last two named
--   f:sentence{ subject = true }       -- "McCloy received …": a named subject that
--                                      -- does not speak; no one's turn, none open
--                                      -- (a group instead of true: "He" may be it)
--   f:sentence{ narrator = true }      -- "It was clear that …": the note taker's
--   f:sentence{ mentions = { [name] = true } }   -- no speaker named as subject:
--                                      -- the open turn goes on, unless the sentence
--                                      -- names one of its speakers (no one speaks
--                                      -- of himself by name)
--   f:reset()                          -- a new point or section: no turn is open
--
-- A speaker is a table { name = canonical, side =, label = as written }.
-- sentence returns how ("named", "pronoun", "continued" or nil: nobody), the
-- group of speakers (a list) and the turn the grammar attached to the group
-- with f:open(turn) (its regions, to extend over a continued sentence).
-- The grammar, not the follower, knows what a sentence says; the follower
-- knows only the order in which speakers were named.
local M = {}

-- Subjects that stand for speakers named before.
M.pronouns = {
  one = { "He", "She", "he", "she" },
  two = { "They", "they", "Both", "both", "Both of them", "both of them", "The two", "the two",
          "The two of them", "the two of them", "Both men", "both men" },
}
-- Sentence openings that are the note taker's own comment, not a speaker's.
M.narrator = { "It was clear", "It is clear", "It was evident", "It is evident", "It is illustrative",
  "It was agreed", "Apparently", "Evidently", "Obviously", "The conversation", "The meeting",
  "The discussion", "The luncheon", "The dinner" }

local Follower = {}
Follower.__index = Follower

function M.new()
  return setmetatable({ history = {}, group = nil, turn = nil }, Follower)
end

-- same(a, b): do two groups name the same speakers (in any order)?
function M.same(a, b)
  if not a or not b or #a ~= #b then return false end
  local set = {}
  for _, s in ipairs(a) do set[s.name] = true end
  for _, s in ipairs(b) do if not set[s.name] then return false end end
  return true
end

-- Remember the speakers of a group as the last named, most recent last.
function Follower:remember(group)
  for _, s in ipairs(group) do
    for k = #self.history, 1, -1 do
      if self.history[k].name == s.name then table.remove(self.history, k) end
    end
    self.history[#self.history + 1] = s
  end
end

-- The last n speakers named (fewer if fewer were), as a group in naming order.
function Follower:last(n)
  local out = {}
  for k = math.max(1, #self.history - n + 1), #self.history do out[#out + 1] = self.history[k] end
  return #out > 0 and out or nil
end

function Follower:reset() self.group, self.turn = nil, nil end

-- open(turn): the grammar's record of the current group's turn (its regions).
function Follower:open(turn) self.turn = turn end

function Follower:current() return self.group, self.turn end

function Follower:sentence(facts)
  if facts.named and #facts.named > 0 then
    local same = M.same(facts.named, self.group)
    self:remember(facts.named)
    if not same then self.group, self.turn = facts.named, nil end
    return "named", self.group, self.turn, same
  end
  if facts.pronoun then
    local group = self:last(facts.pronoun == 2 and 2 or 1)
    if not group then self:reset(); return nil end
    local same = M.same(group, self.group)
    if not same then self.group, self.turn = group, nil end
    return "pronoun", self.group, self.turn, same
  end
  if type(facts.subject) == "table" then self:remember(facts.subject) end   -- "He" may be this one
  if facts.subject or facts.narrator or not self.group then self:reset(); return nil end
  for _, s in ipairs(self.group) do
    if facts.mentions and facts.mentions[s.name] then self:reset(); return nil end
  end
  return "continued", self.group, self.turn, true
end

return M
