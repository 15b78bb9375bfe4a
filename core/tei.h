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

#endif
