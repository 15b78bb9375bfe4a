return { name = "m", title = "T", description = "D", people = "people.lua",
  documents = {
    { path = "a.txt", id = "a", grammar = "labelled", date = "1962-11-01", date_to = "1962-11-02", type = "t" },
    { path = "b.md", grammar = "telegram", date = "1962-11" },
    { path = "sub/c.txt", grammar = "narrative", date = "1962", extra = { 1, 2, { x = true } } },
    { path = "d.xml", reader = "tei" },
  } }
