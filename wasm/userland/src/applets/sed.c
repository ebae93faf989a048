/* sed: a stream editor with GNU sed's common commands (s y p P d D n N g G h H x
 * = a i c q Q b t T : { } and !), addresses N, $, /re/, first~step, addr,+N,
 * and in-place editing. Regular expressions are wasi-libc's POSIX ones. */
#include "box.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_sed[] =
  "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n\n"
  "  -n, --quiet, --silent    suppress automatic printing of pattern space\n"
  "  -e script, --expression=script  add the script to the commands to be executed\n"
  "  -f script-file, --file=script-file  add the contents of script-file to the commands\n"
  "  -i[SUFFIX], --in-place[=SUFFIX]  edit files in place (makes backup if SUFFIX supplied)\n"
  "  -E, -r, --regexp-extended  use extended regular expressions in the script\n"
  "  -s, --separate           consider files as separate rather than as a single continuous long stream\n"
  "  -z, --null-data          separate lines by NUL characters\n\n"
  "Commands: s y p P d D n N g G h H x = a i c q Q b t T : { } !\n";

enum addr_kind { A_NONE, A_LINE, A_LAST, A_RE, A_STEP, A_PLUS, A_MULT };

struct addr {
  enum addr_kind kind;
  long long n, step;
  regex_t *re;
};

struct cmd {
  struct addr a1, a2;
  int negate;
  char op;
  int active;           /* inside a range */
  long long range_end;  /* for addr,+N and numeric ends */
  /* s */
  regex_t *re;
  char *repl;
  int global, nth, print, eval_flags;
  /* y */
  unsigned char map[256];
  /* a i c, labels */
  char *text;
  int jump;             /* index for b/t/T/{ */
  int code;             /* q/Q exit code */
};

static struct cmd *cmds;
static int ncmds, capcmds;
static int quiet, ere, separate, in_place, zero;
static const char *suffix;
static char eol = '\n';

/* The script, as the concatenation of -e pieces separated by newlines. */
static char *script;
static size_t script_len;
static int pieces;
static size_t piece_start[64];
static size_t pos;

/* GNU's wording: the expression and the count of characters read from it. */
static _Noreturn void bad_at(size_t at, const char *msg) {
  int k = 0;
  while (k + 1 < pieces && piece_start[k + 1] <= at) k++;
  size_t end = (k + 1 < pieces ? piece_start[k + 1] : script_len) - 1;  /* without our newline */
  die_msg(1, "-e expression #%d, char %zu: %s", k + 1, (at < end ? at : end) - piece_start[k], msg);
}

static _Noreturn void bad(const char *msg) { bad_at(pos, msg); }

static void add_script(const char *s) {
  size_t n = strlen(s);
  if (pieces < 64) piece_start[pieces++] = script_len;
  script = xrealloc(script, script_len + n + 2);
  memcpy(script + script_len, s, n);
  script_len += n;
  script[script_len++] = '\n';
  script[script_len] = 0;
}

static int peekc(void) { return pos < script_len ? (unsigned char)script[pos] : -1; }
static int getc_s(void) { return pos < script_len ? (unsigned char)script[pos++] : -1; }
static void skip_ws(void) { while (peekc() == ' ' || peekc() == '\t') pos++; }

static regex_t *last_re;

/* Reads text up to an unescaped `delim`; "\n" becomes a newline and "\delim" the
 * delimiter. For regexes other escapes stay as they are. */
static char *delimited(int delim, int is_regex) {
  size_t cap = 64, n = 0;
  char *out = xmalloc(cap);
  for (;;) {
    int c = getc_s();
    if (c < 0 || (c == '\n' && is_regex)) return free(out), NULL;
    if (n + 3 >= cap) out = xrealloc(out, cap *= 2);
    if (c == delim) break;
    if (c == '\\') {
      int d = getc_s();
      if (d < 0) return free(out), NULL;
      if (d == delim) out[n++] = (char)d;
      else if (d == 'n' && is_regex) out[n++] = '\n';
      else if (d == 't' && is_regex) out[n++] = '\t';
      else { out[n++] = '\\'; out[n++] = (char)d; }
      continue;
    }
    if (c == '[' && is_regex) {
      /* A bracket expression may hold the delimiter unescaped. */
      out[n++] = (char)c;
      if (peekc() == '^') out[n++] = (char)getc_s();
      if (peekc() == ']') out[n++] = (char)getc_s();
      while ((c = getc_s()) >= 0 && c != ']' && c != '\n') {
        if (n + 3 >= cap) out = xrealloc(out, cap *= 2);
        out[n++] = (char)c;
      }
      if (c != ']') return free(out), NULL;
      out[n++] = ']';
      continue;
    }
    out[n++] = (char)c;
  }
  out[n] = 0;
  return out;
}

static regex_t *compile(const char *pattern, int icase) {
  if (!*pattern) {
    if (!last_re) bad("no previous regular expression");
    return last_re;
  }
  regex_t *re = xmalloc(sizeof *re);
  int e = regcomp(re, pattern, (ere ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0) | REG_NEWLINE * 0);
  if (e) {
    char msg[200];
    regerror(e, re, msg, sizeof msg);
    bad(msg);
  }
  last_re = re;
  return re;
}

static int parse_addr(struct addr *a) {
  int c = peekc();
  if (isdigit(c)) {
    long long n = 0;
    while (isdigit(peekc())) n = n * 10 + (getc_s() - '0');
    if (peekc() == '~') {
      pos++;
      long long step = 0;
      while (isdigit(peekc())) step = step * 10 + (getc_s() - '0');
      *a = (struct addr){.kind = A_STEP, .n = n, .step = step};
      return 1;
    }
    *a = (struct addr){.kind = A_LINE, .n = n};
    return 1;
  }
  if (c == '$') { pos++; *a = (struct addr){.kind = A_LAST}; return 1; }
  if (c == '/' || c == '\\') {
    pos++;
    int delim = c == '\\' ? getc_s() : '/';
    char *pattern = delimited(delim, 1);
    if (!pattern) bad("unterminated address regex");
    int icase = 0;
    while (peekc() == 'I' || peekc() == 'M') icase |= getc_s() == 'I';
    *a = (struct addr){.kind = A_RE, .re = compile(pattern, icase)};
    return 1;
  }
  return 0;
}

/* Text of a, i, c: "a text", "a\" newline "text", with "\" newline continuing. */
static char *parse_text(void) {
  skip_ws();
  if (peekc() == '\\') {
    pos++;
    if (peekc() == '\n') pos++;
  }
  size_t cap = 64, n = 0;
  char *out = xmalloc(cap);
  for (;;) {
    int c = getc_s();
    if (c < 0 || c == '\n') break;
    if (n + 2 >= cap) out = xrealloc(out, cap *= 2);
    if (c == '\\') {
      c = getc_s();
      if (c < 0) break;
    }
    out[n++] = (char)c;
  }
  /* The concatenated script always ends with a newline we added: drop it. */
  out[n] = 0;
  return out;
}

static char *parse_label(void) {
  skip_ws();
  size_t start = pos;
  while (peekc() >= 0 && peekc() != '\n' && peekc() != ';') pos++;
  size_t end = pos;
  while (end > start && isspace((unsigned char)script[end - 1])) end--;
  char *s = xmalloc(end - start + 1);
  memcpy(s, script + start, end - start);
  s[end - start] = 0;
  return s;
}

static void end_of_command(void) {
  skip_ws();
  int c = peekc();
  if (c == '#' ) { while (peekc() >= 0 && peekc() != '\n') pos++; return; }
  if (c < 0 || c == ';' || c == '\n' || c == '}') { if (c == ';' || c == '\n') pos++; return; }
  bad("extra characters after command");
}

static void parse(void) {
  int stack[64], depth = 0;
  if (script_len >= 2 && script[0] == '#' && script[1] == 'n' && (script_len == 2 || script[2] == '\n')) quiet = 1;
  for (;;) {
    while (peekc() >= 0 && (isspace(peekc()) || peekc() == ';')) pos++;
    if (peekc() < 0) break;
    if (peekc() == '#') { while (peekc() >= 0 && peekc() != '\n') pos++; continue; }
    if (ncmds == capcmds) cmds = xrealloc(cmds, sizeof *cmds * (size_t)(capcmds = capcmds ? capcmds * 2 : 16));
    struct cmd *c = &cmds[ncmds];
    memset(c, 0, sizeof *c);
    if (parse_addr(&c->a1)) {
      skip_ws();
      if (peekc() == ',') {
        pos++;
        skip_ws();
        if (peekc() == '+' || peekc() == '~') {
          int k = getc_s();
          long long n = 0;
          if (!isdigit(peekc())) bad("expected number");
          while (isdigit(peekc())) n = n * 10 + (getc_s() - '0');
          c->a2 = (struct addr){.kind = k == '+' ? A_PLUS : A_MULT, .n = n};
        } else if (!parse_addr(&c->a2) || c->a2.kind == A_STEP) { pos++; bad("unexpected `,'"); }
      }
    }
    if (c->a1.kind == A_LINE && c->a1.n == 0 && !(c->a2.kind == A_RE)) bad("invalid usage of line address 0");
    skip_ws();
    while (peekc() == '!') { pos++; c->negate = 1; skip_ws(); }
    int op = getc_s();
    if (op < 0) bad("missing command");
    c->op = (char)op;
    ncmds++;
    switch (op) {
      case '{':
        if (depth == 64) bad("too many {");
        stack[depth++] = ncmds - 1;
        continue;
      case '}':
        if (c->a1.kind) bad("} doesn't want any addresses");
        if (!depth) bad("unexpected `}'");
        cmds[stack[--depth]].jump = ncmds;
        end_of_command();
        continue;
      case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'n': case 'N':
      case 'p': case 'P': case 'x': case 'z': case 'l':
        end_of_command();
        continue;
      case 'q': case 'Q':
        skip_ws();
        while (isdigit(peekc())) c->code = c->code * 10 + (getc_s() - '0');
        end_of_command();
        continue;
      case 'a': case 'i': case 'c':
        c->text = parse_text();
        continue;
      case ':':
        if (c->a1.kind) bad(": doesn't want any addresses");
        c->text = parse_label();
        if (!*c->text) bad("\":\" lacks a label");
        if (peekc() == ';') pos++;
        continue;
      case 'b': case 't': case 'T':
        c->text = parse_label();
        if (peekc() == ';') pos++;
        continue;
      case 's': {
        int delim = getc_s();
        if (delim < 0 || delim == '\n' || delim == '\\') bad("unterminated `s' command");
        char *pattern = delimited(delim, 1);
        if (!pattern) bad("unterminated `s' command");
        char *repl = delimited(delim, 0);
        if (!repl) bad("unterminated `s' command");
        int icase = 0;
        for (;;) {
          int f = peekc();
          if (f == 'g') { pos++; c->global = 1; }
          else if (f == 'p') { pos++; c->print++; }
          else if (f == 'i' || f == 'I') { pos++; icase = 1; }
          else if (f == 'm' || f == 'M' || f == 'e') { pos++; }
          else if (isdigit(f)) {
            int n = 0;
            while (isdigit(peekc())) n = n * 10 + (getc_s() - '0');
            if (n == 0) bad("number option to `s' command may not be zero");
            c->nth = n;
          } else if (f >= 0 && !strchr(" \t\n;}#", f)) {
            pos++;
            bad("unknown option to `s'");
          } else break;
        }
        c->re = compile(pattern, icase);
        c->repl = repl;
        end_of_command();
        continue;
      }
      case 'y': {
        int delim = getc_s();
        char *a = delimited(delim, 0), *b = a ? delimited(delim, 0) : NULL;
        if (!a || !b) bad("unterminated `y' command");
        /* Resolve escapes in both sides. */
        char *sides[2] = {a, b};
        for (int k = 0; k < 2; k++) {
          char *o = sides[k];
          for (char *p = sides[k]; *p; p++) {
            if (*p == '\\' && p[1]) { p++; *o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p; }
            else *o++ = *p;
          }
          *o = 0;
        }
        if (strlen(a) != strlen(b)) bad("strings for `y' command are different lengths");
        for (int k = 0; k < 256; k++) c->map[k] = (unsigned char)k;
        for (size_t k = 0; a[k]; k++) c->map[(unsigned char)a[k]] = (unsigned char)b[k];
        end_of_command();
        continue;
      }
      default:
        bad(xasprintf("unknown command: `%c'", op));
    }
  }
  if (depth) die_msg(1, "-e expression #1, char 0: unmatched `{'");
  /* Resolve branch labels. */
  for (int i = 0; i < ncmds; i++) {
    struct cmd *c = &cmds[i];
    if (c->op != 'b' && c->op != 't' && c->op != 'T') continue;
    if (!*c->text) { c->jump = ncmds; continue; }
    c->jump = -1;
    for (int j = 0; j < ncmds; j++)
      if (cmds[j].op == ':' && !strcmp(cmds[j].text, c->text)) c->jump = j;
    if (c->jump < 0) die_msg(4, "can't find label for jump to `%s'", c->text);
  }
}

/* ---- input ---------------------------------------------------------------------- */

static char **files;
static int nfiles, file_index;
static FILE *in;
static const char *in_name;
static int status;
static char *ahead;        /* the next line, read early to know whether this is the last */
static size_t ahead_cap;
static ssize_t ahead_len = -1;
static int ahead_valid;
static FILE *out;

static int open_next(void) {
  while (file_index < nfiles) {
    const char *name = files[file_index++];
    if (!strcmp(name, "-")) { in = stdin; in_name = name; return 1; }
    int fd = open(name, O_RDONLY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      warn_msg("couldn't edit %s: not a regular file", name);
      status = 2;
      continue;
    }
    if (fd < 0) {
      warn_err(errno, "can't read %s", name);
      status = 2;
      continue;
    }
    in = fdopen(fd, "r");
    in_name = name;
    return 1;
  }
  return 0;
}

/* Fills the look-ahead line; returns 0 at the end of all input (or of this file
 * with -s/-i). */
static int fill_ahead(int cross_files) {
  if (ahead_valid) return ahead_len >= 0;
  for (;;) {
    if (!in && (!cross_files || !open_next())) { ahead_len = -1; ahead_valid = 1; return 0; }
    ahead_len = getdelim(&ahead, &ahead_cap, eol, in);
    if (ahead_len >= 0) { ahead_valid = 1; return 1; }
    if (in != stdin) fclose(in);
    in = NULL;
    if (!cross_files) { ahead_len = -1; ahead_valid = 1; return 0; }
  }
}

static long long lineno;
static int missing_newline;

/* Reads the next line into *ps; returns 0 at end of input. */
static int next_line(char **ps, size_t *ps_len, size_t *ps_cap) {
  if (!fill_ahead(!separate)) return 0;
  size_t n = (size_t)ahead_len;
  missing_newline = !(n && ahead[n - 1] == eol);
  if (!missing_newline) n--;
  if (n + 1 > *ps_cap) *ps = xrealloc(*ps, *ps_cap = n + 1);
  memcpy(*ps, ahead, n);
  (*ps)[n] = 0;
  *ps_len = n;
  ahead_valid = 0;
  lineno++;
  return 1;
}

static int is_last(void) { return !fill_ahead(!separate); }

/* ---- execution ------------------------------------------------------------------ */

static char *ps, *hs;
static size_t ps_len, ps_cap, hs_len, hs_cap;
static char **append_queue;
static int n_append;

static void emit(const char *s, size_t n, int newline) {
  fwrite(s, 1, n, out);
  if (newline) putc(eol, out);
}

static void flush_appends(void) {
  for (int i = 0; i < n_append; i++) emit(append_queue[i], strlen(append_queue[i]), 1);
  n_append = 0;
}

static void set_ps(const char *s, size_t n) {
  if (n + 1 > ps_cap) ps = xrealloc(ps, ps_cap = n + 1);
  memmove(ps, s, n);
  ps[n] = 0;
  ps_len = n;
}

static void append_to(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) *buf = xrealloc(*buf, *cap = (*len + n + 1) * 2);
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = 0;
}

static int matches_addr(struct addr *a) {
  switch (a->kind) {
    case A_LINE: return lineno == a->n;
    case A_LAST: return is_last();
    case A_RE: return regexec(a->re, ps, 0, NULL, 0) == 0;
    case A_STEP: return a->step <= 0 ? lineno == a->n : lineno >= a->n && (lineno - a->n) % a->step == 0;
    default: return 0;
  }
}

static int selected(struct cmd *c) {
  int r;
  if (!c->a1.kind) r = 1;
  else if (!c->a2.kind) r = matches_addr(&c->a1);
  else if (c->active) {
    /* Inside a range: does this line end it? */
    switch (c->a2.kind) {
      case A_LINE: r = 1; if (lineno >= c->a2.n) c->active = 0; break;
      case A_PLUS: case A_MULT: r = 1; if (lineno >= c->range_end) c->active = 0; break;
      case A_LAST: r = 1; if (is_last()) c->active = 0; break;
      default: r = 1; if (matches_addr(&c->a2)) c->active = 0; break;
    }
  } else {
    int start;
    if (c->a1.kind == A_LINE && c->a1.n == 0) {
      /* 0,/re/: the range is open before the first line, so the regex may end it there. */
      start = !c->range_end;
      if (start) {
        c->range_end = 1;
        c->active = !matches_addr(&c->a2);
      }
      r = start;
    } else if ((start = matches_addr(&c->a1)) != 0) {
      r = 1;
      c->active = 1;
      switch (c->a2.kind) {
        case A_LINE: if (c->a2.n <= lineno) c->active = 0; break;
        case A_PLUS: c->range_end = lineno + c->a2.n; if (c->a2.n == 0) c->active = 0; break;
        case A_MULT:
          c->range_end = c->a2.n > 0 ? ((lineno + c->a2.n - 1) / c->a2.n) * c->a2.n : lineno;
          if (c->range_end <= lineno) c->active = 0;
          break;
        case A_LAST: if (is_last()) c->active = 0; break;
        default: break;
      }
    } else r = 0;
  }
  return c->negate ? !r : r;
}

/* Performs s///; returns 1 when a substitution was made. */
static int substitute(struct cmd *c) {
  regmatch_t m[10];
  size_t cap = ps_len * 2 + 64, n = 0, from = 0, prev_end = (size_t)-1;
  char *res = xmalloc(cap);
  int count = 0, did = 0;
  while (from <= ps_len) {
    if (regexec(c->re, ps + from, 10, m, from ? REG_NOTBOL : 0) != 0) break;
    size_t so = from + (size_t)m[0].rm_so, eo = from + (size_t)m[0].rm_eo;
    if (so == eo && so == prev_end) {
      /* An empty match right after the previous match does not count (POSIX). */
      if (so >= ps_len) break;
      append_to(&res, &n, &cap, ps + from, so + 1 - from);
      from = so + 1;
      continue;
    }
    count++;
    append_to(&res, &n, &cap, ps + from, so - from);
    if (count >= (c->nth ? c->nth : 1)) {
      did = 1;
      for (const char *r = c->repl; *r; r++) {
        if (*r == '&') { append_to(&res, &n, &cap, ps + so, eo - so); continue; }
        if (*r == '\\' && r[1]) {
          r++;
          if (*r >= '0' && *r <= '9') {
            int g = *r - '0';
            if (m[g].rm_so >= 0) append_to(&res, &n, &cap, ps + from + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
          } else if (*r == 'n') append_to(&res, &n, &cap, "\n", 1);
          else if (*r == 't') append_to(&res, &n, &cap, "\t", 1);
          else append_to(&res, &n, &cap, r, 1);
          continue;
        }
        append_to(&res, &n, &cap, r, 1);
      }
    } else {
      append_to(&res, &n, &cap, ps + so, eo - so);
    }
    prev_end = eo;
    if (eo == so) {
      /* An empty match: keep the next character and move past it. */
      if (so < ps_len) append_to(&res, &n, &cap, ps + so, 1);
      from = so + 1;
    } else from = eo;
    if (did && !c->global) break;
  }
  if (!did) { free(res); return 0; }
  if (from < ps_len) append_to(&res, &n, &cap, ps + from, ps_len - from);
  free(ps);
  ps = res;
  ps_len = n;
  ps_cap = cap;
  return 1;
}

/* Runs the script over one stream; returns -1 to continue, or an exit status. */
static int execute(void) {
  int restart = 0;
  for (;;) {
    if (!restart) {
      if (!next_line(&ps, &ps_len, &ps_cap)) return -1;
    }
    restart = 0;
    int tflag = 0, deleted = 0, quit = -1, autoprint = !quiet;
    for (int pc = 0; pc < ncmds;) {
      struct cmd *c = &cmds[pc];
      if (c->op == '}' || c->op == ':') { pc++; continue; }
      if (!selected(c)) { pc = c->op == '{' ? c->jump : pc + 1; continue; }
      pc++;
      switch (c->op) {
        case '{': break;
        case '=': fprintf(out, "%lld\n", lineno); break;
        case 'a': append_queue = xrealloc(append_queue, sizeof *append_queue * (size_t)(n_append + 1)); append_queue[n_append++] = c->text; break;
        case 'i': emit(c->text, strlen(c->text), 1); break;
        case 'c':
          /* With a range, print the text at its end only. */
          if (!c->a2.kind || !c->active || c->negate) emit(c->text, strlen(c->text), 1);
          deleted = 1;
          pc = ncmds;
          break;
        case 'd': deleted = 1; pc = ncmds; break;
        case 'D': {
          char *nl = memchr(ps, '\n', ps_len);
          if (!nl) { deleted = 1; pc = ncmds; break; }
          set_ps(nl + 1, ps_len - (size_t)(nl + 1 - ps));
          restart = 1;
          deleted = 1;
          pc = ncmds;
          break;
        }
        case 'g': set_ps(hs ? hs : "", hs_len); break;
        case 'G': append_to(&ps, &ps_len, &ps_cap, "\n", 1); append_to(&ps, &ps_len, &ps_cap, hs ? hs : "", hs_len); break;
        case 'h': hs_len = 0; append_to(&hs, &hs_len, &hs_cap, ps, ps_len); break;
        case 'H': append_to(&hs, &hs_len, &hs_cap, "\n", 1); append_to(&hs, &hs_len, &hs_cap, ps, ps_len); break;
        case 'x': {
          char *t = ps; ps = hs ? hs : xstrdup(""); hs = t;
          size_t tl = ps_len; ps_len = hs_len; hs_len = tl;
          size_t tc = ps_cap; ps_cap = hs_cap ? hs_cap : 1; hs_cap = tc;
          break;
        }
        case 'l': {
          for (size_t k = 0; k < ps_len; k++) {
            unsigned char ch = (unsigned char)ps[k];
            if (ch == '\\') fputs("\\\\", out);
            else if (ch == '\n') fputs("\\n", out);
            else if (ch == '\t') fputs("\\t", out);
            else if (ch < 32 || ch >= 127) fprintf(out, "\\%03o", ch);
            else putc(ch, out);
          }
          fputs("$\n", out);
          break;
        }
        case 'n':
          if (is_last()) { pc = ncmds; break; }
          if (autoprint) emit(ps, ps_len, !missing_newline);
          flush_appends();
          next_line(&ps, &ps_len, &ps_cap);
          break;
        case 'N': {
          if (is_last()) { pc = ncmds; break; }
          flush_appends();
          char *line = NULL;
          size_t len = 0, cap = 0;
          next_line(&line, &len, &cap);
          append_to(&ps, &ps_len, &ps_cap, "\n", 1);
          append_to(&ps, &ps_len, &ps_cap, line, len);
          free(line);
          break;
        }
        case 'p': emit(ps, ps_len, 1); break;
        case 'P': {
          char *nl = memchr(ps, '\n', ps_len);
          emit(ps, nl ? (size_t)(nl - ps) : ps_len, 1);
          break;
        }
        case 'q': quit = c->code; pc = ncmds; break;
        case 'Q': quit = c->code; autoprint = 0; deleted = 1; pc = ncmds; break;
        case 's':
          if (substitute(c)) {
            tflag = 1;
            for (int k = 0; k < c->print; k++) emit(ps, ps_len, 1);
          }
          break;
        case 'y':
          for (size_t k = 0; k < ps_len; k++) ps[k] = (char)c->map[(unsigned char)ps[k]];
          break;
        case 'b': pc = c->jump; break;
        case 't': if (tflag) { tflag = 0; pc = c->jump; } break;
        case 'T': if (!tflag) pc = c->jump; else tflag = 0; break;
        case 'z': ps_len = 0; ps[0] = 0; break;
      }
    }
    if (!deleted && autoprint) emit(ps, ps_len, !(missing_newline && is_last()));
    flush_appends();
    if (quit >= 0) return quit;
  }
}

static void reset_ranges(void) {
  for (int i = 0; i < ncmds; i++) { cmds[i].active = 0; if (cmds[i].a1.kind == A_LINE && cmds[i].a1.n == 0) cmds[i].range_end = 0; }
}

APPLET(sed) {
  static const struct option longs[] = {
    {"quiet", 0, 0, 'n'}, {"silent", 0, 0, 'n'}, {"expression", 1, 0, 'e'}, {"file", 1, 0, 'f'},
    {"in-place", 2, 0, 'i'}, {"regexp-extended", 0, 0, 'E'}, {"separate", 0, 0, 's'},
    {"null-data", 0, 0, 'z'}, {"posix", 0, 0, 'P'}, {0, 0, 0, 0}};
  int c, have_script = 0;
  while ((c = opt_next(argc, argv, "ne:f:i::Ersz", longs, 1)) != -1) {
    switch (c) {
      case 'n': quiet = 1; break;
      case 'e': add_script(optarg); have_script = 1; break;
      case 'f': {
        char *text = read_file(optarg, NULL);
        if (!text) die_err(1, errno, "couldn't open file %s", optarg);
        size_t n = strlen(text);
        if (n && text[n - 1] == '\n') text[n - 1] = 0;
        add_script(text);
        have_script = 1;
        break;
      }
      case 'i': in_place = 1; separate = 1; suffix = optarg; break;
      case 'E': case 'r': ere = 1; break;
      case 's': separate = 1; break;
      case 'z': zero = 1; eol = 0; break;
    }
  }
  if (!have_script) {
    if (optind >= argc) usage_fail("no script specified");
    add_script(argv[optind++]);
  }
  parse();
  static char *dash[] = {"-", NULL};
  files = optind < argc ? argv + optind : dash;
  nfiles = optind < argc ? argc - optind : 1;
  out = stdout;
  if (!in_place) {
    if (!separate) {
      int r = execute();
      return r >= 0 ? r : status;
    }
    while (file_index < nfiles) {
      if (!open_next()) break;
      lineno = 0;
      ahead_valid = 0;
      int r = execute();
      if (r >= 0) return r;
      reset_ranges();
    }
    return status;
  }
  if (optind >= argc) die_msg(1, "no input files");
  while (file_index < nfiles) {
    if (!open_next()) break;
    const char *name = in_name;
    if (in == stdin) { warn_msg("couldn't edit -: not a regular file"); status = 4; in = NULL; continue; }
    struct stat st;
    xstat(name, &st);
    char *tmp = xasprintf("%s.sedXXXXXX", name);
    /* A name next to the file, so that the rename stays in one directory. */
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
      free(tmp);
      tmp = xasprintf("%s.sed%06d", name, (int)((unsigned)lineno * 7919u + (unsigned)attempt * 104729u) % 1000000);
      fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    }
    if (fd < 0) die_err(4, errno, "couldn't open temporary file %s", q(tmp));
    out = fdopen(fd, "w");
    lineno = 0;
    ahead_valid = 0;
    reset_ranges();
    int r = execute();
    if (in && in != stdin) fclose(in);
    in = NULL;
    if (fclose(out) != 0) die_err(4, errno, "couldn't write %s", q(tmp));
    out = stdout;
    xchmod(tmp, st.st_mode & 07777, 1);
    xchown(tmp, (int)st.st_uid, (int)st.st_gid, 1);
    if (suffix && *suffix) {
      char *backup = strchr(suffix, '*') ? NULL : xasprintf("%s%s", name, suffix);
      if (backup && rename(name, backup) != 0) warn_err(errno, "cannot rename %s", q(name));
      free(backup);
    }
    if (rename(tmp, name) != 0) die_err(4, errno, "cannot rename %s", q(tmp));
    free(tmp);
    if (r >= 0) return r;
  }
  return status;
}
