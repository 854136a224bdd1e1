/* YYYY-MM-DD dates (see date.h). */
#include "util/date.h"

#include <stdbool.h>
#include <string.h>

int ld_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

ld_date_result ld_date_parse(const char *s, size_t len, int *y, int *m, int *d)
{
    static const char shape[] = "dddd-dd-dd";
    if (!s || len != sizeof(shape) - 1)
        return LD_DATE_FORMAT;
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        if (shape[i] == 'd' ? !digit : s[i] != '-')
            return LD_DATE_FORMAT;
    }
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > ld_date_days_in_month(*y, *m))
        return LD_DATE_RANGE;
    return LD_DATE_OK;
}

time_t ld_date_utc_midnight(const char *s)
{
    int y, m, d;
    if (!s || ld_date_parse(s, strlen(s), &y, &m, &d) != LD_DATE_OK || y < 1970)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return timegm(&tm);
}
