// UTF-8 validation of strings read from binary files: names and text stored
// in a file reach Python as str, so a corrupt byte must be caught (and
// reported as a corrupt file) before it becomes a UnicodeDecodeError.
#pragma once

#include <string_view>

namespace gk {

/// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points past U+10FFFF).
bool is_utf8(std::string_view s);

/// Whether `s` can name a chromosome or reference genome stored in a file:
/// non-empty UTF-8 without NUL, control characters or '/'.
bool is_stored_name(std::string_view s);

}  // namespace gk
