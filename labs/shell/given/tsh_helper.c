/*
 * tsh_helper.c - the parser, the job list and the async-signal-safe output
 * that the lab gives every tsh (see include/tsh_helper.h). Grader-owned.
 */
#include "tsh_helper.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The parser                                                               */
/* ------------------------------------------------------------------------ */

enum token {
    T_END,    /* end of the line */
    T_WORD,   /* a word, in parser.word */
    T_PIPE,   /* | */
    T_IN,     /* < */
    T_OUT,    /* > */
    T_APPEND, /* >> */
    T_ERR,    /* 2> */
    T_AMP,    /* & */
    T_BAD,    /* a lexical error, already recorded */
};

struct parser {
    const char *p;                /* the next character to read */
    int last_status;              /* what $? becomes */
    char *word;                   /* the current word (T_WORD) */
    size_t cap;                   /* bytes allocated at word */
    struct tsh_line *line;        /* where errors go */
    char *words[TSH_MAXARGS + 1]; /* the words of the command being built */
    int nwords;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int ends_word(char c)
{
    return c == '\0' || is_blank(c) || c == '|' || c == '&' || c == '<' || c == '>';
}

static void set_error(struct parser *ps, const char *msg)
{
    if (ps->line->error[0] == '\0') {
        strncpy(ps->line->error, msg, sizeof(ps->line->error) - 1);
        ps->line->error[sizeof(ps->line->error) - 1] = '\0';
    }
}

/* Appends the decimal last status at *len; the buffer has room (see cap). */
static void put_status(struct parser *ps, size_t *len)
{
    char digits[16];
    int n = 0;
    unsigned v = (unsigned)ps->last_status;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        ps->word[(*len)++] = digits[--n];
}

/* Reads one word with its quotes into ps->word. Returns T_WORD or T_BAD. */
static enum token read_word(struct parser *ps)
{
    size_t len = 0;

    while (!ends_word(*ps->p)) {
        char c = *ps->p;
        if (c == '\'' || c == '"') {
            const char *close = strchr(ps->p + 1, c);
            if (close == NULL) {
                set_error(ps, c == '\'' ? "unterminated ' quote" : "unterminated \" quote");
                return T_BAD;
            }
            for (const char *q = ps->p + 1; q < close; q++) {
                if (c == '"' && q[0] == '$' && q[1] == '?' && q + 1 < close) {
                    put_status(ps, &len);
                    q++;
                } else {
                    ps->word[len++] = *q;
                }
            }
            ps->p = close + 1;
        } else if (c == '$' && ps->p[1] == '?') {
            put_status(ps, &len);
            ps->p += 2;
        } else {
            ps->word[len++] = c;
            ps->p++;
        }
    }
    ps->word[len] = '\0';
    return T_WORD;
}

static enum token next_token(struct parser *ps)
{
    while (is_blank(*ps->p))
        ps->p++;
    switch (*ps->p) {
    case '\0':
        return T_END;
    case '|':
        ps->p++;
        return T_PIPE;
    case '&':
        ps->p++;
        return T_AMP;
    case '<':
        ps->p++;
        return T_IN;
    case '>':
        if (ps->p[1] == '>') {
            ps->p += 2;
            return T_APPEND;
        }
        ps->p++;
        return T_OUT;
    case '2':
        if (ps->p[1] == '>') {
            ps->p += 2;
            return T_ERR;
        }
        break;
    default:
        break;
    }
    return read_word(ps);
}

static char *dup_word(struct parser *ps)
{
    char *s = strdup(ps->word);

    if (s == NULL)
        set_error(ps, "out of memory");
    return s;
}

/* Reads the file name after a redirection operator into *slot. */
static int redirect(struct parser *ps, enum token op, struct tsh_cmd *cmd)
{
    char **slot = op == T_IN ? &cmd->infile : op == T_ERR ? &cmd->errfile : &cmd->outfile;
    enum token t = next_token(ps);

    if (t != T_WORD) {
        if (t != T_BAD)
            set_error(ps, "a file name must follow < > >> and 2>");
        return -1;
    }
    free(*slot);
    *slot = dup_word(ps);
    if (op == T_OUT || op == T_APPEND)
        cmd->append = op == T_APPEND;
    return *slot == NULL ? -1 : 0;
}

/* Moves the collected words into cmd->argv. Returns -1 on an empty command. */
static int finish_command(struct parser *ps, struct tsh_cmd *cmd)
{
    if (ps->nwords == 0) {
        set_error(ps, "a command is missing");
        return -1;
    }
    cmd->argv = malloc(sizeof(char *) * (size_t)(ps->nwords + 1));
    if (cmd->argv == NULL) {
        set_error(ps, "out of memory");
        return -1;
    }
    memcpy(cmd->argv, ps->words, sizeof(char *) * (size_t)ps->nwords);
    cmd->argv[ps->nwords] = NULL;
    cmd->argc = ps->nwords;
    ps->nwords = 0;
    return 0;
}

static void free_command(struct tsh_cmd *cmd)
{
    if (cmd->argv != NULL)
        for (int i = 0; i < cmd->argc; i++)
            free(cmd->argv[i]);
    free(cmd->argv);
    free(cmd->infile);
    free(cmd->outfile);
    free(cmd->errfile);
    memset(cmd, 0, sizeof(*cmd));
}

/* The grammar: line := [cmd {'|' cmd} ['&']]; cmd := {word | redirection}. */
static int parse_line(struct parser *ps, struct tsh_line *line)
{
    struct tsh_cmd *cmd = &line->cmds[0];
    int touched = 0; /* the current command has a word or a redirection */

    for (;;) {
        enum token t = next_token(ps);
        switch (t) {
        case T_BAD:
            return -1;
        case T_WORD:
            if (ps->nwords == TSH_MAXARGS) {
                set_error(ps, "too many words in one command");
                return -1;
            }
            if ((ps->words[ps->nwords] = dup_word(ps)) == NULL)
                return -1;
            ps->nwords++;
            touched = 1;
            break;
        case T_IN:
        case T_OUT:
        case T_APPEND:
        case T_ERR:
            if (redirect(ps, t, cmd) < 0)
                return -1;
            touched = 1;
            break;
        case T_PIPE:
            if (finish_command(ps, cmd) < 0)
                return -1;
            if (++line->ncmds == TSH_MAXCMDS) {
                set_error(ps, "too many commands in one pipeline");
                return -1;
            }
            cmd = &line->cmds[line->ncmds];
            touched = 0;
            break;
        case T_AMP:
            if (next_token(ps) != T_END) {
                set_error(ps, "& must end the line");
                return -1;
            }
            line->background = 1;
            /* fall through */
        case T_END:
            if (!touched && line->ncmds == 0 && !line->background)
                return 0; /* an empty line */
            if (finish_command(ps, cmd) < 0)
                return -1;
            line->ncmds++;
            return 0;
        }
    }
}

int tsh_parse(const char *cmdline, int last_status, struct tsh_line *line)
{
    struct parser ps;
    int rc;

    memset(line, 0, sizeof(*line));
    memset(&ps, 0, sizeof(ps));
    ps.p = cmdline;
    ps.last_status = last_status;
    ps.line = line;
    ps.cap = 2 * strlen(cmdline) + 16; /* `$?` (2 chars) becomes at most 10 */
    ps.word = malloc(ps.cap);
    if (ps.word == NULL) {
        set_error(&ps, "out of memory");
        return -1;
    }
    rc = parse_line(&ps, line);
    free(ps.word);
    if (rc < 0) {
        char error[sizeof(line->error)];
        for (int i = 0; i < ps.nwords; i++)
            free(ps.words[i]);
        memcpy(error, line->error, sizeof(error));
        for (int i = 0; i <= line->ncmds && i < TSH_MAXCMDS; i++)
            free_command(&line->cmds[i]);
        memset(line, 0, sizeof(*line));
        memcpy(line->error, error, sizeof(error));
    }
    return rc;
}

void tsh_line_free(struct tsh_line *line)
{
    for (int i = 0; i < line->ncmds; i++)
        free_command(&line->cmds[i]);
    line->ncmds = 0;
    line->background = 0;
}

/* ------------------------------------------------------------------------ */
/* The job list                                                             */
/* ------------------------------------------------------------------------ */

/* The table. Protected by blocking SIGCHLD, SIGINT and SIGTSTP (see .h). */
static struct tsh_job jobs[TSH_MAXJOBS];

struct tsh_job *tsh_job_add(pid_t pgid, enum tsh_state state, const char *cmdline)
{
    for (int i = 0; i < TSH_MAXJOBS; i++) {
        struct tsh_job *job = &jobs[i];
        if (job->state != TSH_FREE)
            continue;
        memset(job, 0, sizeof(*job));
        job->jid = i + 1; /* slot i holds JID i + 1: the smallest free JID */
        job->pgid = pgid;
        job->state = state;
        strncpy(job->cmdline, cmdline, TSH_MAXLINE);
        job->cmdline[TSH_MAXLINE] = '\0';
        return job;
    }
    return NULL;
}

void tsh_job_add_proc(struct tsh_job *job, pid_t pid)
{
    if (job->nprocs < TSH_MAXCMDS)
        job->pids[job->nprocs++] = pid;
}

int tsh_job_reaped(struct tsh_job *job, pid_t pid, int status)
{
    int live = 0;

    for (int i = 0; i < job->nprocs; i++) {
        if (job->pids[i] == pid) {
            job->pids[i] = 0;
            if (i == job->nprocs - 1)
                job->status = status;
        }
        live += job->pids[i] != 0;
    }
    return live;
}

void tsh_job_delete(struct tsh_job *job)
{
    memset(job, 0, sizeof(*job));
}

struct tsh_job *tsh_job_by_jid(int jid)
{
    if (jid < 1 || jid > TSH_MAXJOBS || jobs[jid - 1].state == TSH_FREE)
        return NULL;
    return &jobs[jid - 1];
}

struct tsh_job *tsh_job_by_pid(pid_t pid)
{
    if (pid <= 0)
        return NULL;
    for (int i = 0; i < TSH_MAXJOBS; i++) {
        if (jobs[i].state == TSH_FREE)
            continue;
        if (jobs[i].pgid == pid)
            return &jobs[i];
        for (int k = 0; k < jobs[i].nprocs; k++)
            if (jobs[i].pids[k] == pid)
                return &jobs[i];
    }
    return NULL;
}

struct tsh_job *tsh_job_fg(void)
{
    for (int i = 0; i < TSH_MAXJOBS; i++)
        if (jobs[i].state == TSH_FG)
            return &jobs[i];
    return NULL;
}

int tsh_job_count(enum tsh_state state)
{
    int n = 0;

    for (int i = 0; i < TSH_MAXJOBS; i++)
        n += jobs[i].state == state;
    return n;
}

void tsh_jobs_list(int fd)
{
    for (int i = 0; i < TSH_MAXJOBS; i++) {
        const struct tsh_job *job = &jobs[i];
        if (job->state == TSH_BG || job->state == TSH_STOPPED)
            sio_printf(fd, "[%d] (%d) %s %s\n", job->jid, (int)job->pgid,
                       job->state == TSH_BG ? "Running" : "Stopped", job->cmdline);
        else if (job->state == TSH_FG)
            sio_printf(fd, "[%d] (%d) Foreground %s\n", job->jid, (int)job->pgid, job->cmdline);
    }
}

/* ------------------------------------------------------------------------ */
/* Async-signal-safe output                                                 */
/* ------------------------------------------------------------------------ */

int sio_write(int fd, const char *buf, size_t len)
{
    int saved = errno;
    int rc = 0;

    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = -1;
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    errno = saved;
    return rc;
}

struct sbuf {
    char data[TSH_MAXLINE + 256];
    size_t len;
};

static void put_char(struct sbuf *b, char c)
{
    if (b->len < sizeof(b->data))
        b->data[b->len++] = c;
}

static void put_long(struct sbuf *b, long v, int is_unsigned)
{
    char digits[24];
    int n = 0;
    unsigned long u = is_unsigned || v >= 0 ? (unsigned long)v : 0UL - (unsigned long)v;

    if (!is_unsigned && v < 0)
        put_char(b, '-');
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    while (n > 0)
        put_char(b, digits[--n]);
}

int sio_printf(int fd, const char *fmt, ...)
{
    struct sbuf b;
    va_list ap;

    b.len = 0;
    va_start(ap, fmt);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put_char(&b, *f);
            continue;
        }
        f++;
        if (*f == 'd') {
            put_long(&b, va_arg(ap, int), 0);
        } else if (*f == 'u') {
            put_long(&b, (long)va_arg(ap, unsigned), 1);
        } else if (f[0] == 'l' && f[1] == 'd') {
            put_long(&b, va_arg(ap, long), 0);
            f++;
        } else if (*f == 's') {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s != '\0'; s++)
                put_char(&b, *s);
        } else if (*f == 'c') {
            put_char(&b, (char)va_arg(ap, int));
        } else if (*f == '%') {
            put_char(&b, '%');
        } else {
            break; /* an unknown conversion ends the output */
        }
    }
    va_end(ap);
    return sio_write(fd, b.data, b.len);
}
