/* The tokenizer the rsyslog and syslog-ng readers share (host/logconf.h):
 * words, quoted strings, punctuation and, per language, its odd tokens
 * (rsyslog's "@host" and ":omrelp:" actions read whole, syslog-ng's
 * "@include" pragma lines). Internal to src/host/logconf*.c. */
#ifndef LD_HOST_LOGCONF_LEX_H
#define LD_HOST_LOGCONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "host/logconf.h"

typedef enum {
    LX_END = 0,
    LX_WORD,   /* unquoted text */
    LX_STRING, /* "..." or '...' (text with the quotes) */
    LX_PUNCT,  /* one of ( ) { } [ ] , ; = & */
    LX_PRAGMA, /* syslog-ng: a line starting with '@' (to its end, comment excluded) */
} lx_kind;

typedef enum { LX_LANG_RSYSLOG, LX_LANG_SYSLOGNG } lx_lang;

typedef struct {
    lx_kind kind;
    const char *s; /* into the buffer */
    size_t len;
    int line;
    bool line_start; /* the first token of its line */
} lx_token;

typedef struct {
    const char *name;
    const char *buf;
    size_t len, pos;
    int line;
    int last_line; /* line of the previous token */
    lx_lang lang;
    size_t tokens;
    bool has_peek;
    lx_token peek_tok;
} lx_state;

/* 0, or LD_ERR_CORRUPT naming the line of the first NUL byte in buf: the
 * readers take text only. */
int lx_check_text(const char *name, const char *buf, size_t len, ld_error *err);
void lx_init(lx_state *x, const char *name, const char *buf, size_t len, lx_lang lang);
/* The next token (LX_END at the end). Returns 0, or LD_ERR_CORRUPT /
 * LD_ERR_LIMIT with err naming NAME:LINE. */
int lx_next(lx_state *x, lx_token *t, ld_error *err);
/* The token lx_next would return, without taking it. */
int lx_peek(lx_state *x, lx_token *t, ld_error *err);

bool lx_is(const lx_token *t, lx_kind kind, const char *text);
/* A WORD equal to text ignoring case. */
bool lx_word_ci(const lx_token *t, const char *text);
/* One more destination for c (target and how copied, name taken); past
 * LD_LOGCONF_MAX_DESTS it is only counted (logconf.c). */
void ld_logconf_add_dest(ld_logconf *c, const char *target, const char *how, char *name, int line,
                         bool loopback);

/* The token's text: a string unquoted (backslash escapes in "..."
 * resolved), a word as is. Caller frees. */
char *lx_text(const lx_token *t);

#endif
