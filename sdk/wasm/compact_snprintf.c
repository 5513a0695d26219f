/*
 * snprintf for omni.wasm, replacing musl's printf engine at link time.
 *
 * Why: musl's vfprintf (with its floating-point and wide-character paths) costs 5.8 KB raw /
 * 2.8 KB brotli of omni.wasm net of this file (measured; docs/wasm.md). Its callers were
 * nlohmann's escapes; since the core has its own JSON nothing calls snprintf and LTO drops this
 * file, which stays linked as a guard: a future caller gets it instead of musl's engine.
 * This implements C99 snprintf for integers, characters, strings and pointers (d i u o x X c
 * s p %, flags - 0 + space #, width and precision including '*', length modifiers hh h l ll z j
 * t). A floating-point or other conversion is written as '?' instead of pulling the float
 * formatter back in; nothing in the core formats floats (JSON numbers stay the text they
 * arrived as).
 *
 * The native test build compiles this file with OMNI_SNPRINTF_NAME set to another name and
 * checks it against glibc (tests/wasm/compact_snprintf_test.cpp).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef OMNI_SNPRINTF_NAME
#define OMNI_SNPRINTF_NAME snprintf
#endif

typedef struct {
  char* out;
  size_t cap;  /* bytes that may be written, the terminator included */
  size_t len;  /* bytes the full result has, as snprintf returns */
} sink;

static void put(sink* s, char c) {
  if (s->len + 1 < s->cap) s->out[s->len] = c;
  s->len++;
}

static void pad(sink* s, char c, int n) {
  while (n-- > 0) put(s, c);
}

enum { LEFT = 1, ZERO = 2, PLUS = 4, SPACE = 8, ALT = 16 };

static void put_number(sink* s, uintmax_t value, int negative, unsigned base, int upper,
                       int flags, int width, int precision) {
  char digits[72];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  while (value != 0) {
    digits[n++] = set[value % base];
    value /= base;
  }
  /* C: precision is the minimum digit count; ".0" with value 0 prints no digits. */
  int zeros = precision > n ? precision - n : 0;
  if (precision < 0 && n == 0) zeros = 1;
  const char* prefix = "";
  if (negative) prefix = "-";
  else if (flags & PLUS) prefix = "+";
  else if (flags & SPACE) prefix = " ";
  if ((flags & ALT) && base == 8 && zeros == 0) zeros = 1;
  if ((flags & ALT) && base == 16 && n > 0) prefix = upper ? "0X" : "0x";
  int body = (int)strlen(prefix) + zeros + n;
  int fill = width > body ? width - body : 0;
  if ((flags & ZERO) && !(flags & LEFT) && precision < 0) {
    zeros += fill;
    fill = 0;
  }
  if (!(flags & LEFT)) pad(s, ' ', fill);
  for (const char* p = prefix; *p; ++p) put(s, *p);
  pad(s, '0', zeros);
  while (n > 0) put(s, digits[--n]);
  if (flags & LEFT) pad(s, ' ', fill);
}

static void put_text(sink* s, const char* text, size_t length, int flags, int width) {
  int fill = width > (int)length ? width - (int)length : 0;
  if (!(flags & LEFT)) pad(s, ' ', fill);
  for (size_t i = 0; i < length; ++i) put(s, text[i]);
  if (flags & LEFT) pad(s, ' ', fill);
}

int OMNI_SNPRINTF_NAME(char* restrict out, size_t cap, const char* restrict format, ...) {
  sink s = {out, cap, 0};
  va_list args;
  va_start(args, format);
  for (const char* f = format; *f; ++f) {
    if (*f != '%') {
      put(&s, *f);
      continue;
    }
    int flags = 0, width = 0, precision = -1;
    for (;; ++f) {
      char c = f[1];
      if (c == '-') flags |= LEFT;
      else if (c == '0') flags |= ZERO;
      else if (c == '+') flags |= PLUS;
      else if (c == ' ') flags |= SPACE;
      else if (c == '#') flags |= ALT;
      else break;
    }
    ++f;
    if (*f == '*') {
      width = va_arg(args, int);
      if (width < 0) {
        flags |= LEFT;
        width = -width;
      }
      ++f;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
      ++f;
      precision = 0;
      if (*f == '*') {
        precision = va_arg(args, int);
        ++f;
      } else {
        while (*f >= '0' && *f <= '9') precision = precision * 10 + (*f++ - '0');
      }
    }
    int size = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t, 5 ptrdiff_t */
    if (*f == 'h') {
      size = (f[1] == 'h') ? -2 : -1;
      f += (f[1] == 'h') ? 2 : 1;
    } else if (*f == 'l') {
      size = (f[1] == 'l') ? 2 : 1;
      f += (f[1] == 'l') ? 2 : 1;
    } else if (*f == 'z') {
      size = 3, ++f;
    } else if (*f == 'j') {
      size = 4, ++f;
    } else if (*f == 't') {
      size = 5, ++f;
    }
    switch (*f) {
      case 'd':
      case 'i': {
        intmax_t v;
        switch (size) {
          case -2: v = (signed char)va_arg(args, int); break;
          case -1: v = (short)va_arg(args, int); break;
          case 1: v = va_arg(args, long); break;
          case 2: v = va_arg(args, long long); break;
          case 3: v = (intmax_t)va_arg(args, size_t); break;
          case 4: v = va_arg(args, intmax_t); break;
          case 5: v = va_arg(args, ptrdiff_t); break;
          default: v = va_arg(args, int); break;
        }
        uintmax_t magnitude = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        put_number(&s, magnitude, v < 0, 10, 0, flags, width, precision);
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        uintmax_t v;
        switch (size) {
          case -2: v = (unsigned char)va_arg(args, unsigned); break;
          case -1: v = (unsigned short)va_arg(args, unsigned); break;
          case 1: v = va_arg(args, unsigned long); break;
          case 2: v = va_arg(args, unsigned long long); break;
          case 3: v = va_arg(args, size_t); break;
          case 4: v = va_arg(args, uintmax_t); break;
          case 5: v = (uintmax_t)va_arg(args, ptrdiff_t); break;
          default: v = va_arg(args, unsigned); break;
        }
        unsigned base = *f == 'u' ? 10u : *f == 'o' ? 8u : 16u;
        put_number(&s, v, 0, base, *f == 'X', flags & ~(PLUS | SPACE), width, precision);
        break;
      }
      case 'p':
        put_number(&s, (uintptr_t)va_arg(args, void*), 0, 16, 0, ALT, width, -1);
        break;
      case 'c': {
        char c = (char)va_arg(args, int);
        put_text(&s, &c, 1, flags, width);
        break;
      }
      case 's': {
        const char* text = va_arg(args, const char*);
        if (text == NULL) text = "(null)";
        size_t length = strlen(text);
        if (precision >= 0 && (size_t)precision < length) length = (size_t)precision;
        put_text(&s, text, length, flags, width);
        break;
      }
      case '%':
        put(&s, '%');
        break;
      case '\0':
        --f; /* a lone '%' at the end: stop at the terminator */
        break;
      default:
        if (*f == 'f' || *f == 'F' || *f == 'e' || *f == 'E' || *f == 'g' || *f == 'G' ||
            *f == 'a' || *f == 'A') {
          (void)va_arg(args, double); /* consume it so later arguments stay aligned */
        }
        put(&s, '?');
        break;
    }
  }
  va_end(args);
  if (cap > 0) s.out[s.len < cap ? s.len : cap - 1] = '\0';
  return (int)s.len;
}
