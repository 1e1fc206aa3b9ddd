#include "id_code.h"

#include <cstring>

#include "utf8.h"

namespace gk {

namespace {
constexpr int kNumberBits = 40, kVersionShift = 40, kFormatShift = 52;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

uint64_t IdEncoder::encode(std::string_view id) {
  // Split "<prefix><digits>[.<version>]"; anything else stays text.
  size_t end = id.size();
  uint64_t version = 0;
  bool has_version = false;
  size_t dot = id.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view v = id.substr(dot + 1);
    if (v.empty() || v.size() > 4 || (v.size() > 1 && v[0] == '0')) return 0;  // "01" would not come back
    for (char c : v) {
      if (!is_digit(c)) return 0;
      version = version * 10 + static_cast<uint64_t>(c - '0');
    }
    if (version > kMaxIdVersion) return 0;
    has_version = true;
    end = dot;
  }
  size_t first = end;
  while (first > 0 && is_digit(id[first - 1])) --first;
  size_t digits = end - first;
  if (digits == 0 || digits > kMaxIdDigits || first > kMaxIdPrefix) return 0;
  uint64_t number = 0;
  for (size_t i = first; i < end; ++i) number = number * 10 + static_cast<uint64_t>(id[i] - '0');
  if (number >> kNumberBits) return 0;
  std::string_view prefix = id.substr(0, first);

  auto fits = [&](uint32_t k) {
    const IdFormatEntry& f = formats_[k];
    return f.digits == digits && f.has_version == has_version && f.prefix_len == prefix.size() &&
           std::memcmp(f.prefix, prefix.data(), prefix.size()) == 0;
  };
  uint32_t format;
  if (last_ && fits(last_ - 1)) {
    format = last_ - 1;
  } else {
    key_.assign(prefix.data(), prefix.size());
    key_.push_back(static_cast<char>(digits));
    key_.push_back(has_version ? 'v' : '-');
    auto it = by_key_.find(key_);
    if (it != by_key_.end()) {
      format = it->second;
    } else {
      if (formats_.size() >= kMaxIdFormats) return 0;
      IdFormatEntry f{};
      f.prefix_len = static_cast<uint8_t>(prefix.size());
      f.digits = static_cast<uint8_t>(digits);
      f.has_version = has_version ? 1 : 0;
      std::memcpy(f.prefix, prefix.data(), prefix.size());
      format = static_cast<uint32_t>(formats_.size());
      formats_.push_back(f);
      by_key_.emplace(key_, format);
    }
    last_ = format + 1;
  }
  return (uint64_t(format) + 1) << kFormatShift | version << kVersionShift | number;
}

int decode_id(uint64_t code, const IdFormatEntry* formats, uint32_t num_formats, char* buf) {
  uint64_t format = code >> kFormatShift;
  if (format == 0 || format > num_formats) return -1;
  const IdFormatEntry& f = formats[format - 1];
  uint64_t number = code & ((uint64_t(1) << kNumberBits) - 1);
  uint64_t version = (code >> kVersionShift) & 0xFFF;
  uint64_t limit = 1;  // 10^digits (digits <= 19: no overflow)
  for (int i = 0; i < f.digits; ++i) limit *= 10;
  if (number >= limit || (!f.has_version && version != 0)) return -1;
  std::memcpy(buf, f.prefix, f.prefix_len);
  char* p = buf + f.prefix_len;
  for (int i = f.digits - 1; i >= 0; --i, number /= 10) p[i] = static_cast<char>('0' + number % 10);
  p += f.digits;
  if (f.has_version) {
    *p++ = '.';
    char tmp[8];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + version % 10);
      version /= 10;
    } while (version);
    while (n) *p++ = tmp[--n];
  }
  return static_cast<int>(p - buf);
}

bool valid_id_format(const IdFormatEntry& f) {
  if (f.prefix_len > kMaxIdPrefix || f.digits == 0 || f.digits > kMaxIdDigits || f.has_version > 1) return false;
  std::string_view prefix(f.prefix, f.prefix_len);
  return prefix.find('\0') == std::string_view::npos && is_utf8(prefix);
}

}  // namespace gk
