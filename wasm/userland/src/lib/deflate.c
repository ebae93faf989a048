/* gzip for tar -z (RFC 1950-1952). Written here because wasi-libc has no zlib and
 * the userland must stay one self-contained module. Inflate handles stored, fixed and
 * dynamic blocks; the compressor uses LZ77 with hash chains and the fixed Huffman
 * code, which is simple and still shrinks typical archives well. */
#include "box.h"
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static uint32_t crc32(const uint8_t *p, size_t n) {
  if (!crc_table[1]) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc_table[i] = c;
    }
  }
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* ---- output buffer ------------------------------------------------------------- */

struct buf { uint8_t *p; size_t n, cap; };

static void put(struct buf *b, uint8_t v) {
  if (b->n == b->cap) b->p = xrealloc(b->p, b->cap = b->cap ? b->cap * 2 : 65536);
  b->p[b->n++] = v;
}

/* ---- inflate ------------------------------------------------------------------- */

struct in { const uint8_t *p; size_t n, pos; uint32_t bits; int nbits; int error; };

static int need(struct in *s, int k) {
  while (s->nbits < k) {
    if (s->pos >= s->n) { s->error = 1; return 0; }
    s->bits |= (uint32_t)s->p[s->pos++] << s->nbits;
    s->nbits += 8;
  }
  return 1;
}

static uint32_t bits(struct in *s, int k) {
  if (k == 0) return 0;
  if (!need(s, k)) return 0;
  uint32_t v = s->bits & ((1u << k) - 1);
  s->bits >>= k;
  s->nbits -= k;
  return v;
}

struct huff { uint16_t count[16]; uint16_t symbol[320]; };

static int build(struct huff *h, const uint8_t *lengths, int n) {
  uint16_t offs[16];
  memset(h->count, 0, sizeof h->count);
  for (int i = 0; i < n; i++) h->count[lengths[i]]++;
  h->count[0] = 0;
  offs[1] = 0;
  for (int i = 1; i < 15; i++) offs[i + 1] = offs[i] + h->count[i];
  for (int i = 0; i < n; i++) if (lengths[i]) h->symbol[offs[lengths[i]]++] = (uint16_t)i;
  return 0;
}

static int decode(struct in *s, const struct huff *h) {
  int code = 0, first = 0, index = 0;
  for (int len = 1; len < 16; len++) {
    code |= (int)bits(s, 1);
    if (s->error) return -1;
    int count = h->count[len];
    if (code - count < first) return h->symbol[index + (code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  s->error = 1;
  return -1;
}

static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                      3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                       257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                       8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int codes(struct in *s, struct buf *out, const struct huff *lit, const struct huff *dist) {
  for (;;) {
    int sym = decode(s, lit);
    if (sym < 0) return -1;
    if (sym < 256) { put(out, (uint8_t)sym); continue; }
    if (sym == 256) return 0;
    sym -= 257;
    if (sym >= 29) return -1;
    size_t len = len_base[sym] + bits(s, len_extra[sym]);
    int d = decode(s, dist);
    if (d < 0 || d >= 30) return -1;
    size_t back = dist_base[d] + bits(s, dist_extra[d]);
    if (s->error || back > out->n) return -1;
    for (size_t i = 0; i < len; i++) put(out, out->p[out->n - back]);
  }
}

static int inflate_raw(struct in *s, struct buf *out) {
  static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  int last;
  do {
    last = (int)bits(s, 1);
    int type = (int)bits(s, 2);
    if (s->error) return -1;
    if (type == 0) {
      s->bits = 0;
      s->nbits = 0;
      if (s->pos + 4 > s->n) return -1;
      unsigned len = s->p[s->pos] | s->p[s->pos + 1] << 8;
      unsigned nlen = s->p[s->pos + 2] | s->p[s->pos + 3] << 8;
      s->pos += 4;
      if ((len ^ 0xffff) != nlen || s->pos + len > s->n) return -1;
      for (unsigned i = 0; i < len; i++) put(out, s->p[s->pos + i]);
      s->pos += len;
    } else if (type == 1) {
      static struct huff lit, dist;
      static int ready;
      if (!ready) {
        uint8_t l[288];
        for (int i = 0; i < 144; i++) l[i] = 8;
        for (int i = 144; i < 256; i++) l[i] = 9;
        for (int i = 256; i < 280; i++) l[i] = 7;
        for (int i = 280; i < 288; i++) l[i] = 8;
        build(&lit, l, 288);
        for (int i = 0; i < 30; i++) l[i] = 5;
        build(&dist, l, 30);
        ready = 1;
      }
      if (codes(s, out, &lit, &dist)) return -1;
    } else if (type == 2) {
      int nlen = (int)bits(s, 5) + 257, ndist = (int)bits(s, 5) + 1, ncode = (int)bits(s, 4) + 4;
      if (s->error || nlen > 286 || ndist > 30) return -1;
      uint8_t lengths[320] = {0};
      for (int i = 0; i < ncode; i++) lengths[order[i]] = (uint8_t)bits(s, 3);
      struct huff lencode, lit, dist;
      build(&lencode, lengths, 19);
      memset(lengths, 0, sizeof lengths);
      for (int i = 0; i < nlen + ndist;) {
        int sym = decode(s, &lencode);
        if (sym < 0) return -1;
        if (sym < 16) { lengths[i++] = (uint8_t)sym; continue; }
        int rep, val = 0;
        if (sym == 16) { if (!i) return -1; val = lengths[i - 1]; rep = 3 + (int)bits(s, 2); }
        else if (sym == 17) rep = 3 + (int)bits(s, 3);
        else rep = 11 + (int)bits(s, 7);
        if (i + rep > nlen + ndist) return -1;
        while (rep--) lengths[i++] = (uint8_t)val;
      }
      build(&lit, lengths, nlen);
      build(&dist, lengths + nlen, ndist);
      if (codes(s, out, &lit, &dist)) return -1;
    } else return -1;
    if (s->error) return -1;
  } while (!last);
  return 0;
}

int gzip_decompress(const uint8_t *in, size_t n, uint8_t **out, size_t *out_n, const char **err) {
  struct buf b = {0};
  size_t pos = 0;
  /* Concatenated gzip members form one stream. */
  while (pos < n) {
    if (n - pos < 18 || in[pos] != 0x1f || in[pos + 1] != 0x8b || in[pos + 2] != 8) {
      if (pos) break;
      *err = "not in gzip format";
      free(b.p);
      return -1;
    }
    int flags = in[pos + 3];
    size_t p = pos + 10;
    if (flags & 4) { if (p + 2 > n) goto bad; p += 2 + (in[p] | in[p + 1] << 8); }
    if (flags & 8) { while (p < n && in[p]) p++; p++; }
    if (flags & 16) { while (p < n && in[p]) p++; p++; }
    if (flags & 2) p += 2;
    if (p > n) goto bad;
    size_t start = b.n;
    struct in s = {in, n, p, 0, 0, 0};
    if (inflate_raw(&s, &b) != 0) goto bad;
    if (s.pos + 8 > n) goto bad;
    uint32_t crc = (uint32_t)in[s.pos] | (uint32_t)in[s.pos + 1] << 8 | (uint32_t)in[s.pos + 2] << 16 | (uint32_t)in[s.pos + 3] << 24;
    if (crc != crc32(b.p + start, b.n - start)) { *err = "invalid compressed data--crc error"; free(b.p); return -1; }
    pos = s.pos + 8;
  }
  *out = b.p;
  *out_n = b.n;
  return 0;
bad:
  *err = "invalid compressed data--format violated";
  free(b.p);
  return -1;
}

/* ---- deflate (fixed Huffman) --------------------------------------------------- */

struct bw { struct buf *b; uint32_t bits; int n; };

static void wbits(struct bw *w, uint32_t v, int k) {
  w->bits |= v << w->n;
  w->n += k;
  while (w->n >= 8) { put(w->b, (uint8_t)w->bits); w->bits >>= 8; w->n -= 8; }
}

/* Huffman codes are sent most significant bit first. */
static void wcode(struct bw *w, uint32_t code, int len) {
  uint32_t r = 0;
  for (int i = 0; i < len; i++) r |= ((code >> i) & 1) << (len - 1 - i);
  wbits(w, r, len);
}

static void lit_code(struct bw *w, int sym) {
  if (sym < 144) wcode(w, 0x30 + (uint32_t)sym, 8);
  else if (sym < 256) wcode(w, 0x190 + (uint32_t)(sym - 144), 9);
  else if (sym < 280) wcode(w, (uint32_t)(sym - 256), 7);
  else wcode(w, 0xc0 + (uint32_t)(sym - 280), 8);
}

static void put_match(struct bw *w, size_t len, size_t dist) {
  int li = 28;
  while (len < len_base[li]) li--;
  lit_code(w, 257 + li);
  wbits(w, (uint32_t)(len - len_base[li]), len_extra[li]);
  int di = 29;
  while (dist < dist_base[di]) di--;
  wcode(w, (uint32_t)di, 5);
  wbits(w, (uint32_t)(dist - dist_base[di]), dist_extra[di]);
}

#define HASH_BITS 15
#define WINDOW 32768
#define MAX_CHAIN 64

int gzip_compress(const uint8_t *in, size_t n, uint8_t **out, size_t *out_n) {
  struct buf b = {0};
  static const uint8_t header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  for (int i = 0; i < 10; i++) put(&b, header[i]);
  int32_t *head = xmalloc(sizeof(int32_t) << HASH_BITS);
  int32_t *prev = xmalloc(sizeof(int32_t) * WINDOW);
  for (size_t i = 0; i < (1u << HASH_BITS); i++) head[i] = -1;
  struct bw w = {&b, 0, 0};
  /* One fixed-Huffman block per 1 MiB keeps the block count small. */
  size_t i = 0;
  int final = 0;
  do {
    size_t end = n - i > 1048576 ? i + 1048576 : n;
    final = end == n;
    wbits(&w, (uint32_t)final, 1);
    wbits(&w, 1, 2);
    while (i < end) {
      size_t best = 0, best_dist = 0;
      if (i + 3 <= n) {
        uint32_t h = ((uint32_t)in[i] << 10 ^ (uint32_t)in[i + 1] << 5 ^ in[i + 2]) & ((1u << HASH_BITS) - 1);
        int32_t cand = head[h];
        int chain = MAX_CHAIN;
        size_t limit = n - i < 258 ? n - i : 258;
        while (cand >= 0 && i - (size_t)cand <= WINDOW && chain--) {
          size_t l = 0;
          while (l < limit && in[(size_t)cand + l] == in[i + l]) l++;
          if (l > best) { best = l; best_dist = i - (size_t)cand; if (l == limit) break; }
          int32_t nx = prev[(size_t)cand % WINDOW];
          if (nx >= cand) break;
          cand = nx;
        }
        prev[i % WINDOW] = head[h];
        head[h] = (int32_t)i;
      }
      if (best >= 3) {
        put_match(&w, best, best_dist);
        /* insert the skipped positions into the hash chains */
        for (size_t k = 1; k < best && i + k + 3 <= n; k++) {
          size_t p = i + k;
          uint32_t h = ((uint32_t)in[p] << 10 ^ (uint32_t)in[p + 1] << 5 ^ in[p + 2]) & ((1u << HASH_BITS) - 1);
          prev[p % WINDOW] = head[h];
          head[h] = (int32_t)p;
        }
        i += best;
      } else {
        lit_code(&w, in[i]);
        i++;
      }
    }
    lit_code(&w, 256);
  } while (i < n);
  if (!final) {
    /* A match ran past the last block's planned end: close with an empty final block. */
    wbits(&w, 1, 1);
    wbits(&w, 1, 2);
    lit_code(&w, 256);
  }
  if (w.n) put(&b, (uint8_t)w.bits);
  free(head);
  free(prev);
  uint32_t crc = crc32(in, n);
  for (int k = 0; k < 4; k++) put(&b, (uint8_t)(crc >> (8 * k)));
  for (int k = 0; k < 4; k++) put(&b, (uint8_t)((uint32_t)n >> (8 * k)));
  *out = b.p;
  *out_n = b.n;
  return 0;
}
