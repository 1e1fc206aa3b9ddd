// Fields and numbers of text lines, shared by the text parsers (VCF,
// chrom.sizes and alias tables, ...). Fields are views into the line: nothing
// is copied, and they are valid as long as the line is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gk {

/// Splits `s` at every `sep` into `out` (cleared first): n separators give
/// n + 1 fields, empty ones included.
void split(std::string_view s, char sep, std::vector<std::string_view>& out);

/// As split, but at most `max_fields` fields: the last one holds the rest of
/// `s`, separators included (VCF sample columns, scanned later in one pass).
void split_first(std::string_view s, char sep, size_t max_fields, std::vector<std::string_view>& out);

/// How many times `c` occurs in `s`.
size_t count_char(std::string_view s, char c);

/// The runs of characters other than space and tab in `s`, into `out`
/// (cleared first); no empty fields.
void split_blanks(std::string_view s, std::vector<std::string_view>& out);

/// Parses all of `s` as a decimal integer with an optional sign; false if it
/// is not one or does not fit.
bool parse_int(std::string_view s, int64_t& v);

/// Parses all of `s` when it is 1 to 9 decimal digits (the common case of
/// parse_int, without its overhead); false for anything else.
inline bool parse_small_uint(std::string_view s, int32_t& v) {
  if (s.empty() || s.size() > 9) return false;
  int32_t x = 0;
  for (char c : s) {
    unsigned d = static_cast<unsigned char>(c) - unsigned('0');
    if (d > 9) return false;
    x = x * 10 + static_cast<int32_t>(d);
  }
  v = x;
  return true;
}

/// Parses all of `s` as a decimal or scientific number with an optional sign
/// (also inf, nan). Values beyond the double range become +-inf and values
/// below it round to a denormal or 0, as strtod does.
bool parse_double(std::string_view s, double& v);

}  // namespace gk
