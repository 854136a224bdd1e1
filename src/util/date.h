/* Calendar dates written YYYY-MM-DD, as a user types them in a policy
 * (exception and attestation expiry) or an ignore file (exp:DATE): the one
 * parser both use, so a date one accepts the other accepts, and an
 * impossible date ("2023-02-31") is refused everywhere. Not for
 * timestamps with a time or a zone. */
#ifndef LD_UTIL_DATE_H
#define LD_UTIL_DATE_H

#include <stddef.h>
#include <time.h>

typedef enum {
    LD_DATE_OK,
    LD_DATE_FORMAT, /* not exactly "dddd-dd-dd" */
    LD_DATE_RANGE,  /* the shape is right but no such day (year before 1900, month 13, Feb 30) */
} ld_date_result;

/* Parses s[0..len) as exactly "YYYY-MM-DD": year 1900..9999, a month and a
 * day that exist (leap years by the Gregorian rule). *y, *m, *d are set
 * whenever the shape is right (also for LD_DATE_RANGE, for messages). */
ld_date_result ld_date_parse(const char *s, size_t len, int *y, int *m, int *d);

/* NUL-terminated "YYYY-MM-DD" (ld_date_parse's rules, year 1970 or later)
 * to the UTC midnight starting that day; -1 if s is NULL or not such a
 * date. For data files (version calendars, release lines). */
time_t ld_date_utc_midnight(const char *s);

/* Days in month m (1..12) of year y. */
int ld_date_days_in_month(int y, int m);

#endif
