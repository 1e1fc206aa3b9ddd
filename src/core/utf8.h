// UTF-8 checks of text that reaches Python as str. Names and strings stored
// in binary files are checked on open (a bad byte there is a corrupt file);
// text read from FASTA, GFF3/GTF, VCF, chrom.sizes and alias tables is checked
// where a parser keeps it (a bad byte there is a ValueError naming the file,
// line and bytes). Free text the parsers ignore may hold any bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gk {

/// Length of the longest prefix of `s` that is well-formed UTF-8 (no overlong
/// forms, surrogates or code points past U+10FFFF): s.size() if all of it is.
size_t utf8_prefix(std::string_view s);

/// Whether all of `s` is well-formed UTF-8.
inline bool is_utf8(std::string_view s) {
  return utf8_prefix(s) == s.size();
}

/// Whether `s` can name a chromosome: non-empty UTF-8 without NUL or other
/// control characters.
bool is_chrom_name(std::string_view s);

/// Whether `s` can name a chromosome or reference genome stored in a file:
/// a chromosome name without '/'.
bool is_stored_name(std::string_view s);

/// The message for text that is not UTF-8: "<what> is not UTF-8: '<bytes>'"
/// (the bytes as they are: the Python border shows them escaped, \xff).
std::string not_utf8(std::string_view what, std::string_view s);

}  // namespace gk
