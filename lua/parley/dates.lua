-- Dates of documents: ISO 8601 calendar dates with their precision kept
-- (`1962-11-01` a day, `1962-11` a month, `1962` a year), compared, put in
-- periods (a year `1962`, a month `1962-11`, an ISO week `1962-W44`, a day
-- `1962-11-01`), and every period between two dates listed, so that a
-- timeline shows empty periods as 0.  A date of month or year precision is a
-- stretch of days (its first to its last); it lies in a period of its own
-- precision or coarser, and in no particular finer one (see period).
-- Days are counted as day numbers: days since 1970-01-01 in the proleptic
-- Gregorian calendar.
local M = {}

-- The precisions, finest last, and the groupings a timeline offers.
M.PRECISION = { year = 1, month = 2, week = 3, day = 4 }
M.BY = { "year", "month", "week", "day" }

local function leap(y) return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0) end

local MONTH_DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local function month_days(y, m)
  return m == 2 and leap(y) and 29 or MONTH_DAYS[m]
end

-- days(y, m, d) -> the day number of a calendar date (a well-known civil
-- calendar algorithm: eras of 400 years, March-based years).
function M.days(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- civil(n) -> y, m, d of day number n (the inverse of days).
function M.civil(n)
  n = n + 719468
  local era = (n >= 0 and n or n - 146096) // 146097
  local doe = n - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end

-- weekday(n) -> 1 (Monday) … 7 (Sunday); 1970-01-01 was a Thursday.
function M.weekday(n) return (n + 3) % 7 + 1 end

-- week(n) -> the ISO 8601 week-numbering year and week of day number n
-- (week 1 is the week with the year's first Thursday).
function M.week(n)
  local thursday = n - M.weekday(n) + 4
  local y = M.civil(thursday)
  return y, (thursday - M.days(y, 1, 1)) // 7 + 1
end

-- parse(s) -> date | nil, message.  A date is { text, year, month, day,
-- precision = "year"|"month"|"day", first, last (day numbers) }.  The forms
-- are those manifests accept: YYYY, YYYY-MM, YYYY-MM-DD (or without the
-- hyphens), a day optionally followed by a time (T10:30, ignored).
local byte = string.byte
function M.parse(s)
  if type(s) ~= "string" then return nil, ("a date must be a string, not a %s"):format(type(s)) end
  if #s == 10 and byte(s, 5) == 45 and byte(s, 8) == 45 then   -- YYYY-MM-DD, the commonest, without a pattern
    local y1, y2, y3, y4, _, m1, m2, _, d1, d2 = byte(s, 1, 10)
    local y = (y1 - 48) * 1000 + (y2 - 48) * 100 + (y3 - 48) * 10 + (y4 - 48)
    local m, d = (m1 - 48) * 10 + (m2 - 48), (d1 - 48) * 10 + (d2 - 48)
    local digits = y1 >= 48 and y1 <= 57 and y2 >= 48 and y2 <= 57 and y3 >= 48 and y3 <= 57 and y4 >= 48 and
      y4 <= 57 and m1 >= 48 and m1 <= 57 and m2 >= 48 and m2 <= 57 and d1 >= 48 and d1 <= 57 and d2 >= 48 and d2 <= 57
    if digits and m >= 1 and m <= 12 and d >= 1 and d <= month_days(y, m) then
      local n = M.days(y, m, d)
      return { text = s, year = y, month = m, day = d, precision = "day", first = n, last = n }
    end
  end
  local y, m, d, rest = s:match("^(%d%d%d%d)%-?(%d?%d?)%-?(%d?%d?)(.*)$")
  if not y or #m == 1 or #d == 1 or (m == "" and d ~= "") or
     (rest ~= "" and (d == "" or not rest:find("^T%d%d"))) then
    return nil, ("'%s' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"):format(s)
  end
  y = tonumber(y)
  local date = { text = s, year = y }
  if m == "" then
    date.precision, date.first, date.last = "year", M.days(y, 1, 1), M.days(y, 12, 31)
    return date
  end
  m = tonumber(m)
  if m < 1 or m > 12 then return nil, ("'%s' is not a date: there is no month %d"):format(s, m) end
  date.month = m
  if d == "" then
    date.precision, date.first, date.last = "month", M.days(y, m, 1), M.days(y, m, month_days(y, m))
    return date
  end
  d = tonumber(d)
  if d < 1 or d > month_days(y, m) then
    return nil, ("'%s' is not a date: %04d-%02d has no day %d"):format(s, y, m, d)
  end
  date.day, date.precision = d, "day"
  date.first = M.days(y, m, d)
  date.last = date.first
  return date
end

-- check(s, what) -> date; a string that is not a date raises an error object
-- naming the value (and what it is, such as "from"), at the caller's line.
function M.check(s, what)
  local d, err = M.parse(s)
  if d then return d end
  local E = require "parley.error"
  E.raise((what and what .. ": " or "") .. err, E.level())
end

-- compare(a, b) -> -1, 0 or 1: by first day, then by last (a month comes
-- after its first day and before the second).
function M.compare(a, b)
  if a.first ~= b.first then return a.first < b.first and -1 or 1 end
  if a.last ~= b.last then return a.last < b.last and -1 or 1 end
  return 0
end

-- The period of grouping `by` that holds day n: its key and first and last days.
function M.period_of_day(n, by)
  local y, m, d = M.civil(n)
  if by == "year" then return ("%04d"):format(y), M.days(y, 1, 1), M.days(y, 12, 31) end
  if by == "month" then return ("%04d-%02d"):format(y, m), M.days(y, m, 1), M.days(y, m, month_days(y, m)) end
  if by == "week" then
    local wy, w = M.week(n)
    local monday = n - M.weekday(n) + 1
    return ("%04d-W%02d"):format(wy, w), monday, monday + 6
  end
  if by == "day" then return ("%04d-%02d-%02d"):format(y, m, d), n, n end
  error(("bad argument #2 to 'period_of_day' (year, month, week or day expected, got %s)"):format(tostring(by)), 2)
end

-- period(date, by) -> key, first, last of the period of grouping `by` that
-- holds the date; or nil when the date is less precise than the grouping (a
-- month in weeks or days, a year in anything finer than years): such a date
-- lies in no particular one of them.  Weeks need a day: a month is not
-- placed in a week even when it starts on a Monday.
function M.period(date, by)
  local need = by == "week" and M.PRECISION.day or M.PRECISION[by]
  if M.PRECISION[date.precision] < need then return nil end
  return M.period_of_day(date.first, by)
end

-- periods(first, last, by) -> the list of periods { key, first, last } of
-- grouping `by` from the one holding day first to the one holding day last.
function M.periods(first, last, by)
  local out = {}
  local key, s, e = M.period_of_day(first, by)
  while s <= last do
    out[#out + 1] = { key = key, first = s, last = e }
    key, s, e = M.period_of_day(e + 1, by)
  end
  return out
end

-- overlaps(date, date_to, from, to) -> do the days a document's date may
-- denote (from date's first day to date_to's last, or date's own last when
-- there is no date_to) meet the range from…to (dates, either nil for open)?
function M.overlaps(date, date_to, from, to)
  local first, last = date.first, date_to and math.max(date_to.last, date.last) or date.last
  if from and last < from.first then return false end
  if to and first > to.last then return false end
  return true
end

-- by_span(first, last, finest) -> the grouping a timeline uses by default for
-- dates from day first to day last: day for up to 62 days, week up to 366,
-- month up to ten years, else year; never finer than `finest`, the finest
-- precision among the dates (dates known only to the month are grouped by
-- month at the finest).
function M.by_span(first, last, finest)
  local span = last - first
  local by = span <= 62 and "day" or span <= 366 and "week" or span <= 3653 and "month" or "year"
  local cap = finest == "month" and M.PRECISION.month or finest == "year" and M.PRECISION.year or M.PRECISION.day
  if M.PRECISION[by] > cap then by = M.BY[cap] end
  return by
end

return M
