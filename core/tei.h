/*
** tei.h — the helpers of the TEI reader (tei.c) that teimeta.c holds.
*/
#ifndef PARLEY_TEI_H
#define PARLEY_TEI_H

#include <stddef.h>

#define PL_TEI_DATE 16   /* room for a date: YYYY-MM-DD and its NUL */

/*
** An ISO 8601 value (an attribute: 1963-08-28T12:00:00Z, 1963-08, 1963) as
** YYYY-MM-DD, YYYY-MM or YYYY, the time of day dropped, into out; returns
** its length, 0 if v (which may be NULL) is not such a date.
*/
size_t pl_tei_iso_date(const char *v, char out[PL_TEI_DATE]);

/*
** The first date written out in s[0..n) ("August 28, 1963", "28 August
** 1963", "Aug. 1963", else a year alone) into out, as pl_tei_iso_date.
*/
size_t pl_tei_text_date(const char *s, size_t n, char out[PL_TEI_DATE]);

/* The genre of a document with this head (a word of one table; "other" when none fits). */
const char *pl_tei_genre(const char *head, size_t n);

/*
** The office a participant written as a title alone names ("The
** Secretary": Secretary of State; "The President": President of the United
** States; …), or NULL when s[0..n) is no such title.
*/
const char *pl_tei_office(const char *s, size_t n);

/*
** Does role (a register entry's: "Under Secretary of State to September
** 1966; Ambassador to the United Nations, June–September 1968") say its
** person held office in year?  The office must begin the role or one of its
** parts (after "; "), followed by its end, a comma, a semicolon or a span
** ("to", "until", "from", "since" a date, or YEAR–YEAR); a year outside the
** span says no; year 0 (undated) takes any span.
*/
int pl_tei_held(const char *role, size_t n, const char *office, int year);

/*
** The entry of register p (its number) that a speaker's name s[0..n)
** denotes in a document of year (0: undated): an office title ("The
** Secretary", "President") by who held it, else a surname, as the last
** word ("Secretary Rusk", "Mr. Rusk", "Dean Rusk"), that one entry alone has
** ("Rusk, Dean"); -1 if none or several.
*/
struct pl_rpeople;
long pl_tei_person(const struct pl_rpeople *p, const char *s, size_t n, int year);

/* A register's "Surname, Given" as "Given Surname" into out (cap bytes); its length (0: no room). */
size_t pl_tei_display(const char *name, size_t n, char *out, size_t cap);

#endif
