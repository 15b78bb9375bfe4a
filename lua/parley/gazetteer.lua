-- The gazetteer of `parley entities`: places and organisations, each with a
-- canonical name, a type and the variants the documents use (each a query:
-- a word, a phrase, `=Exact` where case matters).  Plain data: extend it
-- with a file of the same shape (`parley entities --gazetteer FILE`).
-- People come from the corpus's person register (corpus/people.lua); entries
-- of type "person" here add to it.
return {
  -- places
  { name = "Cuba", type = "place", variants = { "Cuba" } },
  { name = "United States", type = "place",
    variants = { "United States", "U.S.", "U.S.A.", "USA", "America" } },
  { name = "Soviet Union", type = "place", variants = { "Soviet Union", "USSR", "U.S.S.R." } },
  { name = "Guantánamo", type = "place", variants = { "Guantánamo", "Guantanamo" } },
  { name = "New York", type = "place", variants = { "New York" } },
  { name = "Washington", type = "place", variants = { "Washington" } },
  { name = "Moscow", type = "place", variants = { "Moscow" } },
  { name = "Havana", type = "place", variants = { "Havana" } },
  { name = "Venezuela", type = "place", variants = { "Venezuela" } },
  { name = "Turkey", type = "place", variants = { "Turkey" } },
  { name = "Caribbean", type = "place", variants = { "Caribbean Sea", "Caribbean" } },
  { name = "Latin America", type = "place", variants = { "Latin America" } },
  { name = "Western Hemisphere", type = "place", variants = { "Western Hemisphere" } },
  { name = "United Arab Republic", type = "place", variants = { "United Arab Republic" } },
  { name = "Russian Federation", type = "place", variants = { "Russian Federation" } },
  -- organisations
  { name = "United Nations", type = "organisation", variants = { "United Nations", "UN", "U.N." } },
  { name = "UN Security Council", type = "organisation",
    variants = { "Security Council", "UN Security Council", "U.N. Security Council" } },
  { name = "Red Cross", type = "organisation",
    variants = { "Red Cross", "International Red Cross", "International Committee of the Red Cross" } },
  { name = "Organization of American States", type = "organisation",
    variants = { "Organization of American States", "OAS" } },
  { name = "CC CPSU", type = "organisation",
    variants = { "CC CPSU", "CPSU CC", "CPSU", "Central Committee" } },
  { name = "White House", type = "organisation", variants = { "White House" } },
  { name = "State Department", type = "organisation", variants = { "State Department", "Department of State" } },
  { name = "Wilson Center Digital Archive", type = "organisation",
    variants = { "Wilson Center Digital Archive", "Wilson Center" } },
  { name = "National Security Archive", type = "organisation", variants = { "National Security Archive" } },
  { name = "Cold War International History Project", type = "organisation",
    variants = { "Cold War International History Project", "CWIHP" } },
  { name = "Foreign Policy Archive of the Russian Federation", type = "organisation",
    variants = { "Foreign Policy Archive of the Russian Federation", "AVPRF" } },
}
