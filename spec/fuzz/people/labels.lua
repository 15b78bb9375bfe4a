-- Who is who in the label examples: the FRUS excerpts (public domain) and
-- the constructed hearing and news conference.
return {
  { name = "Clark Clifford", side = "US", aliases = { "Clifford", "Secretary Clifford" } },
  { name = "Lyndon B. Johnson", side = "US", aliases = { "President", "The President" } },
  { name = "Dean Rusk", side = "US", aliases = { "Secretary Rusk" } },
  { name = "Earle Wheeler", side = "US", aliases = { "General Wheeler" } },
  { name = "Walt Rostow", side = "US", aliases = { "Walt Rostow" } },
  { name = "John Sparks", side = "committee", aliases = { "The Chairman" } },
  { name = "Jane Wright", side = "committee", aliases = { "Senator Wright" } },
  { name = "Robert Hale", side = "witness", aliases = { "Mr. Hale" } },
  { name = "Ann Jones", side = "press", aliases = { "Jones" } },
}
