-- The text target's Lua half: parley.text's functions on any bytes (a
-- refusal is an error, which the harness ignores; a crash is a bug).
local text = require "parley.text"
local fail = require("fuzz").fail

local try = require("fuzz").try

return function(s)
  try(text.valid, s)
  if not text.valid(s) then return end
  for _, form in ipairs { "NFC", "NFD", "NFKC", "NFKD" } do try(text.normalize, s, form) end
  try(text.casefold, s)
  try(text.fold, s)
  try(text.upper, s)
  try(text.lower, s)
  try(text.len, s)
  try(text.width, s)
  local n = text.len(s)
  try(text.sub, s, 2, -2)
  try(text.sub, s, -n, n // 2)
  local g = 0
  for _ in text.graphemes(s) do g = g + 1 end
  if g > n then fail("more graphemes than characters") end
  if text.normalize(text.normalize(s, "NFD")) ~= text.normalize(s) then fail("NFC of NFD differs from NFC") end
  for _, c in utf8.codes(s, true) do try(text.category, utf8.char(c)) end
end
