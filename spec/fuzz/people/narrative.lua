-- Who is who in the narrative fixtures (spec/36-narrative_spec.lua): the
-- participants whom the memoranda call by a title ("The Secretary", "The
-- President", "The Chancellor") are found here by their role.
return {
  { name = "Dean Rusk", side = "US", role = "Secretary of State", aliases = { "Rusk" } },
  { name = "Lyndon B. Johnson", side = "US", role = "President of the United States", aliases = { "Johnson" } },
  { name = "Ludwig Erhard", side = "Germany", role = "Chancellor of the Federal Republic of Germany",
    aliases = { "Erhard" } },
  { name = "Andrei A. Gromyko", side = "USSR", role = "Foreign Minister of the USSR", aliases = { "Gromyko" } },
  { name = "Anatoliy F. Dobrynin", side = "USSR", role = "Soviet Ambassador to the United States",
    aliases = { "Dobrynin", "A. F. Dobrynin" } },
}
