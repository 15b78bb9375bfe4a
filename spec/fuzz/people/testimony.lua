-- Who is who in the tutorial corpus: canonical names, the names the
-- documents use, and a side.
return {
  { name = "Robert Hale", side = "prosecution", aliases = { "Mr. Hale", "MR. HALE" } },
  { name = "Anne Wells", side = "defence", aliases = { "Mrs. Wells", "MRS. WELLS" } },
  { name = "Mary Doyle", side = "witness", aliases = { "Miss Doyle", "MARY DOYLE" } },
  { name = "Judge Thomas Reid", side = "court", aliases = { "THE COURT" } },
  { name = "James Harlan", side = "US", aliases = { "The Secretary", "the Secretary" } },
  { name = "Ivan Petrov", side = "USSR",
    aliases = { "Ambassador Petrov", "The Ambassador", "the Ambassador", "Petrov" } },
  { name = "Paul Lane", side = "US", aliases = { "Mr. Lane" } },
}
