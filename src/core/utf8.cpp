#include "utf8.h"

#include <cstdint>
#include <cstring>

#include "errors.h"

namespace gk {

size_t utf8_prefix(std::string_view s) {
  const auto* begin = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* p = begin;
  const uint8_t* end = p + s.size();
  while (p < end) {
    // Text is mostly ASCII: skip it 8 bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      break;
    }
    if (end - p <= n) break;
    bool ok = true;
    for (int k = 1; k <= n && ok; ++k) {
      ok = (p[k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) break;
    p += n + 1;
  }
  return static_cast<size_t>(p - begin);
}

bool is_chrom_name(std::string_view s) {
  if (s.empty() || !is_utf8(s)) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  return true;
}

bool is_stored_name(std::string_view s) {
  return is_chrom_name(s) && s.find('/') == std::string_view::npos;
}

std::string not_utf8(std::string_view what, std::string_view s) {
  return cat(what, " is not UTF-8: '", s, "'");
}

}  // namespace gk
