-- parley.stats: every formula against values worked out by hand (the
-- arithmetic is in the comments, to 6-7 significant figures), edge cases
-- with zero counts, and mistakes.  References in docs/statistics.md.
local stats = require "parley.stats"

local function near(expected, got, tol)
  assert.is_number(got)
  assert.is_true(math.abs(expected - got) <= (tol or 1e-4),
    ("expected %.7f, got %.7f"):format(expected, got))
end

describe("parley.stats keyness", function()
  -- a = 10 in A, b = 2 in B, both corpora 1 000 tokens:
  --   c = 990, d = 998, N = 2 000, row totals 12 and 1 988, column totals 1 000 and 1 000
  --   E11 = E12 = 12·1000/2000 = 6;  E21 = E22 = 1988·1000/2000 = 994

  it("log-likelihood is the four-term G²", function()
    -- 10·ln(10/6)    =  10 ×  0.5108256 =  5.108256
    --  2·ln(2/6)     =   2 × −1.0986123 = −2.197225
    -- 990·ln(990/994) = 990 × −0.0040323 = −3.991941
    -- 998·ln(998/994) = 998 ×  0.0040161 =  4.008038
    -- sum 2.927128, G² = 2 × 2.927128 = 5.854256
    near(5.854256, stats.log_likelihood(10, 2, 1000, 1000))
    -- the two-term form would give 2 × (5.108256 − 2.197225) = 5.822062: not what we use
    assert.is_true(math.abs(stats.log_likelihood(10, 2, 1000, 1000) - 5.822062) > 0.01)
    -- symmetric in the two corpora
    near(stats.log_likelihood(10, 2, 1000, 1000), stats.log_likelihood(2, 10, 1000, 1000), 1e-12)
  end)

  it("log-likelihood takes 0·ln 0 as 0", function()
    -- a = 4, b = 0, 1 000 tokens each: E11 = E12 = 2, E21 = E22 = 998, O21 = 996, O22 = 1000
    --   4·ln(4/2)        =    4 ×  0.6931472 =  2.772589
    --   0·ln 0           =                      0
    --   996·ln(996/998)  =  996 × −0.0020060 = −1.997996
    --   1000·ln(1000/998) = 1000 ×  0.0020020 =  2.002004
    --   G² = 2 × 2.776597 = 5.553194
    near(5.553194, stats.log_likelihood(4, 0, 1000, 1000))
    -- the same frequency on both sides: no evidence at all
    near(0, stats.log_likelihood(5, 10, 1000, 2000), 1e-9)
    -- a word in neither corpus, and empty corpora
    assert.equal(0, stats.log_likelihood(0, 0, 1000, 1000))
    assert.equal(0, stats.log_likelihood(0, 0, 0, 0))
  end)

  it("chi-squared has Yates' correction", function()
    -- |ad − bc| = |10·998 − 2·990| = |9 980 − 1 980| = 8 000; minus N/2 = 1 000 → 7 000
    -- N · 7 000² = 2 000 × 49 000 000 = 9.8e10
    -- (a+b)(c+d)(a+c)(b+d) = 12 × 1 988 × 1 000 × 1 000 = 2.3856e10
    -- χ² = 9.8e10 / 2.3856e10 = 4.107981
    near(4.107981, stats.chi2(10, 2, 1000, 1000))
    -- a = 4, b = 0: |4·1000 − 0| − 1 000 = 3 000; 2 000 × 9e6 = 1.8e10;
    -- 4 × 1 996 × 1 000 × 1 000 = 7.984e9; χ² = 2.254509
    near(2.254509, stats.chi2(4, 0, 1000, 1000))
    -- a = 1, b = 1, equal sizes: |1·999 − 1·999| = 0 < N/2: the corrected difference is 0
    assert.equal(0, stats.chi2(1, 1, 1000, 1000))
    -- an empty row (the word in neither corpus)
    assert.equal(0, stats.chi2(0, 0, 1000, 1000))
  end)

  it("log ratio is log2 of the ratio of relative frequencies, 0.5 for a zero", function()
    -- (10/1000) / (2/1000) = 5; log2 5 = 2.321928
    near(2.321928, stats.log_ratio(10, 2, 1000, 1000))
    -- different sizes: (6/3000) / (1/500) = 0.002 / 0.002 = 1 → 0
    near(0, stats.log_ratio(6, 1, 3000, 500), 1e-12)
    -- b = 0 counts as 0.5: (4/1000) / (0.5/1000) = 8 → 3
    assert.equal(3, stats.log_ratio(4, 0, 1000, 1000))
    -- a = 0: (0.5/1000) / (2/1000) = 0.25 → −2
    assert.equal(-2, stats.log_ratio(0, 2, 1000, 1000))
    assert.equal(0, stats.log_ratio(0, 0, 1000, 1000))
    assert.is_nil(stats.log_ratio(0, 0, 0, 1000))
  end)

  it("%DIFF compares relative frequencies in per cent", function()
    -- (0.010 − 0.002) × 100 / 0.002 = 400
    near(400, stats.pct_diff(10, 2, 1000, 1000), 1e-9)
    -- (1/1000 − 4/1000) × 100 / (4/1000) = −75
    near(-75, stats.pct_diff(1, 4, 1000, 1000), 1e-9)
    -- (3/500 − 3/1500) × 100 / (3/1500) = (0.006 − 0.002) / 0.002 × 100 = 200
    near(200, stats.pct_diff(3, 3, 500, 1500), 1e-9)
    assert.equal(math.huge, stats.pct_diff(4, 0, 1000, 1000))
    assert.equal(-100, stats.pct_diff(0, 4, 1000, 1000))
    assert.equal(0, stats.pct_diff(0, 0, 1000, 1000))
  end)

  it("relative frequencies are per 10 000 tokens", function()
    assert.equal(25, stats.rel(5, 2000))        -- 5 / 2 000 × 10 000
    assert.equal(2500, stats.rel(5, 2000, 1e6))  -- per million
    assert.equal(0, stats.rel(0, 0))
  end)
end)

describe("parley.stats collocation", function()
  -- Surface co-occurrence (docs/statistics.md): O = 8 collocate tokens in windows that hold
  -- R1 = 200 tokens (20 hits × span 10, none overlapping), C1 = f(collocate) = 50, N = 10 000.
  -- E = 200 × 50 / 10 000 = 1
  local e = stats.expected(200, 50, 10000)

  it("computes the expected count", function()
    assert.equal(1, e)
    assert.equal(0, stats.expected(200, 50, 0))
  end)

  it("computes MI, MI3, t and z", function()
    assert.equal(3, stats.mi(8, e))             -- log2(8/1)
    assert.equal(9, stats.mi3(8, e))            -- log2(8³/1) = log2 512
    near(2.474874, stats.t_score(8, e))         -- (8 − 1)/√8 = 7/2.828427
    assert.equal(7, stats.z_score(8, e))        -- (8 − 1)/√1
    -- O below E: negative association
    -- E = 40 × 100 / 1 000 = 4; O = 1: MI = log2(1/4) = −2, t = (1 − 4)/1 = −3, z = −3/2
    local e2 = stats.expected(40, 100, 1000)
    assert.equal(4, e2)
    assert.equal(-2, stats.mi(1, e2))
    assert.equal(-3, stats.t_score(1, e2))
    assert.equal(-1.5, stats.z_score(1, e2))
  end)

  it("handles zero counts", function()
    assert.equal(-math.huge, stats.mi(0, 2))
    assert.equal(-math.huge, stats.mi3(0, 2))
    assert.is_nil(stats.mi(3, 0))
    assert.is_nil(stats.t_score(0, 2))          -- (0 − 2)/√0: undefined
    assert.is_nil(stats.z_score(3, 0))
    assert.equal(0, stats.dice(0, 0, 0))
    assert.equal(-math.huge, stats.logdice(0, 5, 5))
  end)

  it("computes Dice and logDice from the table's marginals", function()
    -- 2 × 8 / (200 + 50) = 16/250 = 0.064
    near(0.064, stats.dice(8, 200, 50))
    -- 14 + log2(16/250) = 14 + 4 − log2 250 = 18 − 7.965784 = 10.034216
    near(10.034216, stats.logdice(8, 200, 50))
    -- a perfect pair: every window token is the collocate and every collocate is in a window:
    -- 2 × 5 / (5 + 5) = 1 → logDice 14, the maximum
    assert.equal(14, stats.logdice(5, 5, 5))
    -- O ≤ min(R1, C1) keeps Dice at or below 1 whatever the counts
    for _, t in ipairs { { 3, 3, 7 }, { 7, 7, 7 }, { 1, 9, 1 }, { 12, 40, 12 } } do
      assert.is_true(stats.dice(t[1], t[2], t[3]) <= 1)
    end
  end)

  it("computes the collocation log-likelihood on the windows' 2×2 table", function()
    -- O11 = 8, O12 = R1 − O = 192, O21 = C1 − O = 42, O22 = N − R1 − C1 + O = 9 758;
    -- rows 200 / 9 800, columns 50 / 9 950; E11 = 1, E12 = 199, E21 = 49, E22 = 9 751
    --   8·ln 8            =    8 ×  2.0794415 = 16.635532
    --   192·ln(192/199)   =  192 × −0.0358094 = −6.875414
    --   42·ln(42/49)      =   42 × −0.1541507 = −6.474329
    --   9758·ln(9758/9751) = 9758 × 0.0007176 =  7.002512
    --   G² = 2 × 10.288301 = 20.576603
    near(20.576603, stats.collocation_ll(8, 200, 50, 10000))
    -- the same table through g2 and through the keyness function
    near(stats.g2(8, 192, 42, 9758), stats.collocation_ll(8, 200, 50, 10000), 1e-12)
    near(stats.log_likelihood(8, 42, 200, 9800), stats.collocation_ll(8, 200, 50, 10000), 1e-12)
  end)

  it("refuses counts that make no contingency table", function()
    -- more co-occurrences than the collocate occurs, or than the windows hold
    assert.has_error(function() stats.collocation_ll(3, 10, 2, 100) end)
    assert.has_error(function() stats.collocation_ll(3, 2, 10, 100) end)
    assert.has_error(function() stats.collocation_ll(1, 60, 60, 100) end)   -- N − R1 − C1 + O < 0
    assert.is_true(stats.collocation_ll(2, 2, 2, 4) >= 0)
  end)
end)

describe("parley.stats dispersion", function()
  it("computes Juilland's D over equal parts", function()
    -- counts 2 4 6 8: mean 5, squared deviations 9 1 1 9 → variance 20/4 = 5, sd = √5 = 2.236068
    -- V = 2.236068/5 = 0.4472136; √(k − 1) = √3 = 1.7320508; D = 1 − 0.4472136/1.7320508
    --   = 1 − 0.2581989 = 0.7418011
    near(0.7418011, stats.juilland_d({ 2, 4, 6, 8 }))
    assert.equal(1, stats.juilland_d({ 3, 3, 3 }))  -- perfectly even
    -- all in one part of three: mean 5/3, sd = √((2·(5/3)² + (10/3)²)/3) = √(150/27) = 2.357023,
    -- V = 2.357023 / 1.666667 = 1.414214 = √2 = √(k − 1) → D = 0
    near(0, stats.juilland_d({ 0, 0, 5 }), 1e-9)
  end)

  it("computes Juilland's D on relative frequencies for parts of different sizes", function()
    -- 3 in 100 tokens, 1 in 300: 0.03 and 0.0033333; mean 0.0166667, sd 0.0133333,
    -- V = 0.8, √(2 − 1) = 1 → D = 0.2
    near(0.2, stats.juilland_d({ 3, 1 }, { 100, 300 }))
    -- the same relative frequency everywhere is perfectly even, whatever the sizes
    near(1, stats.juilland_d({ 1, 3 }, { 100, 300 }), 1e-12)
  end)

  it("computes Gries' DP and DP_norm", function()
    -- equal parts: shares 2/20 4/20 6/20 8/20 = .1 .2 .3 .4 against .25 each
    -- |−.15| + |−.05| + |.05| + |.15| = .4; DP = .4/2 = 0.2; DP_norm = 0.2 / (1 − .25) = 0.2666667
    local dp, norm = stats.gries_dp({ 2, 4, 6, 8 })
    near(0.2, dp, 1e-12)
    near(0.2666667, norm)
    -- sizes 100 and 300 (expected .25 .75), counts 3 and 1 (observed .75 .25):
    -- (.5 + .5)/2 = 0.5; DP_norm = 0.5 / (1 − .25) = 0.6666667
    dp, norm = stats.gries_dp({ 3, 1 }, { 100, 300 })
    near(0.5, dp, 1e-12)
    near(0.6666667, norm)
    -- spread as the sizes predict: 0
    near(0, (stats.gries_dp({ 1, 3 }, { 100, 300 })), 1e-12)
    -- all in one of three equal parts: (1/3 + 1/3 + 2/3)/2 = 2/3, the maximum 1 − 1/3; DP_norm 1
    dp, norm = stats.gries_dp({ 0, 0, 5 })
    near(2 / 3, dp, 1e-12)
    near(1, norm, 1e-12)
  end)

  it("gives nil where dispersion is undefined, and counts parts", function()
    assert.is_nil(stats.juilland_d({ 0, 0, 0 }))  -- no occurrence: mean 0
    assert.is_nil(stats.gries_dp({ 0, 0, 0 }))
    assert.is_nil(stats.juilland_d({ 7 }))        -- one part: √(k − 1) = 0
    local dp, norm = stats.gries_dp({ 7 })
    assert.equal(0, dp)
    assert.is_nil(norm)
    assert.equal(2, stats.doc_freq({ 0, 3, 0, 1 }))
    assert.equal(0, stats.doc_freq({}))
  end)
end)

describe("parley.stats mistakes", function()
  it("raises for negative counts and impossible tables", function()
    assert.has_error(function() stats.log_likelihood(-1, 2, 10, 10) end,
      "bad argument #1 to 'log_likelihood' (count must be a number >= 0, got -1)")
    assert.has_error(function() stats.chi2(20, 2, 10, 10) end)  -- 20 of a 10-token corpus
    assert.has_error(function() stats.mi("8", 1) end)
    assert.has_error(function() stats.juilland_d({ 1, 2 }, { 10 }) end)
    assert.has_error(function() stats.gries_dp("1 2") end)
  end)
end)
