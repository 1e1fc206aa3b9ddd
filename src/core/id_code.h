// Ids as 64-bit codes: "<prefix><digits>[.<version>]" (ENSE00001234567.1,
// ENSE00001234567) is stored as a number plus the index of its format
// (prefix, digit count, whether a version follows) instead of as text: an
// exon id costs 8 bytes instead of a 4-byte pool offset and ~20 bytes of
// text (most exon ids are distinct, so the pool cannot share them).
//
// Code (uint64): bits 52..63 = format index + 1, bits 40..51 = version,
// bits 0..39 = number. Format field 0: the id is pooled text and the low 32
// bits are its string pool offset (0 = no id). Formats are stored in the
// file as IdFormatEntry[] (anno.h's TOC locates them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gk {

constexpr size_t kMaxIdPrefix = 44;
constexpr uint32_t kMaxIdFormats = 4095;  // 12 bits, 0 = pooled text
constexpr uint32_t kMaxIdDigits = 19;     // zero-padded width; the number itself is < 2^40
constexpr uint32_t kMaxIdVersion = 4095;
/// Room for any decoded id: prefix, digits, '.', version.
constexpr size_t kIdBufSize = kMaxIdPrefix + kMaxIdDigits + 6;

/// One id format as stored: 48 bytes.
struct IdFormatEntry {
  uint8_t prefix_len;
  uint8_t digits;
  uint8_t has_version;  // 0 / 1
  char prefix[45];
};
static_assert(sizeof(IdFormatEntry) == 48, "packed id format");

/// Code of pooled text (the fallback for ids without a numeric form).
inline uint64_t pooled_id(uint32_t pool_offset) {
  return pool_offset;
}
inline bool is_pooled_id(uint64_t code) {
  return (code >> 52) == 0;
}

/// Build side: assigns formats as ids arrive.
class IdEncoder {
 public:
  /// Code of `id`, or 0 if it has no numeric form (store it as pooled text).
  uint64_t encode(std::string_view id);
  const std::vector<IdFormatEntry>& formats() const { return formats_; }

 private:
  std::vector<IdFormatEntry> formats_;
  std::unordered_map<std::string, uint32_t> by_key_;  // prefix + digits + version flag → format
  std::string key_;
  uint32_t last_ = 0;  // format of the previous id + 1 (0 = none): ids come in runs of one format
};

/// Writes the id of a numeric code (not pooled) into `buf` (kIdBufSize bytes)
/// and returns its length, or -1 if the code does not fit `formats`
/// (format index, number of digits or version out of range).
int decode_id(uint64_t code, const IdFormatEntry* formats, uint32_t num_formats, char* buf);

/// Whether a stored format is well formed (lengths in range, UTF-8 prefix).
bool valid_id_format(const IdFormatEntry& f);

}  // namespace gk
