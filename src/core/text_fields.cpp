#include "text_fields.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string>

namespace gk {

void split(std::string_view s, char sep, std::vector<std::string_view>& out) {
  out.clear();
  size_t b = 0;
  for (;;) {
    size_t e = s.find(sep, b);
    if (e == std::string_view::npos) {
      out.push_back(s.substr(b));
      return;
    }
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
}

void split_first(std::string_view s, char sep, size_t max_fields, std::vector<std::string_view>& out) {
  out.clear();
  size_t b = 0;
  while (out.size() + 1 < max_fields) {
    size_t e = s.find(sep, b);
    if (e == std::string_view::npos) break;
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  out.push_back(s.substr(b));
}

size_t count_char(std::string_view s, char c) {
  // Blocks of up to 255 bytes with a byte counter: the compiler vectorises the inner loop.
  size_t n = 0;
  for (size_t b = 0; b < s.size(); b += 255) {
    size_t stop = std::min(s.size(), b + 255);
    uint8_t k = 0;
    for (size_t i = b; i < stop; ++i) k = static_cast<uint8_t>(k + (s[i] == c));
    n += k;
  }
  return n;
}

void split_blanks(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
}

bool parse_int(std::string_view s, int64_t& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range && r.ptr == s.data() + s.size()) {
    // from_chars leaves v unset here; strtod gives the rounded value (+-inf, a denormal or 0).
    v = std::strtod(std::string(s).c_str(), nullptr);
    return true;
  }
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace gk
