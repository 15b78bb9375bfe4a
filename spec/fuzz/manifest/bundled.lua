-- The bundled corpus: the two seed documents of parley, a Soviet record of a
-- meeting during the Cuban missile crisis and the telegram that reported it.
return {
  name = "cmc-1962",
  title = "Mikoyan, McCloy and Stevenson, New York, 1-2 November 1962",
  description = "A Soviet record of the dinner conversation between A. I. Mikoyan, "
    .. "John McCloy and Adlai Stevenson on 1 November 1962, and Mikoyan's telegram "
    .. "to the CC CPSU of 2 November 1962 reporting the same meeting.",
  documents = {
    {
      id = "dinner-1962-11-01",
      path = "1962-11-01-mikoyan-mccloy-stevenson-dinner.txt",
      title = "Record of a Dinner Conversation between CPSU CC Politburo Member "
        .. "A. I. Mikoyan, White House Envoy John McCloy, and U.S. Ambassador to the UN "
        .. "Adlai Stevenson",
      date = "1962-11-01",
      type = "transcript",
      grammar = "transcript",
      language = "en",
      original_language = "ru",
      translator = "Vladislav M. Zubok",
      note_takers = { "G. Zhukov", "Yu. Vinogradov" },
      source = "Foreign Policy Archive of the Russian Federation; provided to the CWIHP. "
        .. "Copy on file at the National Security Archive. Translation by Vladislav M. "
        .. "Zubok for the National Security Archive. Published in Cold War International "
        .. "History Project (CWIHP) Bulletin, Issues 8-9, Winter 1996/1997, pp. 315-320",
    },
    {
      id = "telegram-1962-11-02",
      path = "1962-11-02-mikoyan-telegram.md",
      title = "Telegram from A.I. Mikoyan to CC CPSU re 1 November 1962 meeting with Stevenson",
      date = "1962-11-02",
      type = "telegram",
      grammar = "telegram",
      language = "en",
      original_language = "ru",
      author = "A. I. Mikoyan",
      recipient = "CC CPSU",
      translator = "V. Zaemsky",
      source = "\"Telegram from A.I. Mikoyan to CC CPSU re 1 November 1962 meeting with "
        .. "Stevenson\", November 2, 1962, Wilson Center Digital Archive, AVPRF; trans. "
        .. "V. Zaemsky; copy on file at National Security Archive "
        .. "<https://digitalarchive.umd.edu/document/110421>",
    },
  },
}
