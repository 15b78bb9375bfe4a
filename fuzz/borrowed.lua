-- Real files the Lua fuzz targets start from besides their own seeds in
-- spec/fuzz/TARGET/: read where they live (the bundled corpus, the spec
-- fixtures), never copied into spec/fuzz.  fuzz/seeds.lua puts them under
-- build/fuzz/seeds/TARGET/ for `make fuzz` and `make fuzz-replay`, and
-- spec/43-fuzz_spec.lua replays them.  Paths are the project's.
return {
  manifest = { "corpus/corpus.lua" },
  people = { "corpus/people.lua", "spec/fixtures/labels/people.lua",
             "spec/fixtures/testimony/people.lua", "spec/fixtures/narrative/people.lua" },
}
