#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include "base_unpack.h"
#include "errors.h"
#include "one_hot_unpack.h"
#include "twobit.h"

namespace gk {

namespace {
constexpr uint32_t kSignature = 0x1A412743;
constexpr uint32_t kSwappedSignature = 0x4327411A;

struct ComplementTable {
  std::array<char, 256> c;
  ComplementTable() {
    for (int i = 0; i < 256; ++i) c[static_cast<size_t>(i)] = '?';
    const char* pairs[] = {"AT", "CG", "BV", "DH", "KM", "RY", "SS", "WW", "NN", "XX"};
    for (const char* p : pairs) {
      for (int lower = 0; lower < 2; ++lower) {
        char a = lower ? static_cast<char>(p[0] + 32) : p[0], b = lower ? static_cast<char>(p[1] + 32) : p[1];
        c[static_cast<uint8_t>(a)] = b;
        c[static_cast<uint8_t>(b)] = a;
      }
    }
  }
};
const ComplementTable kComplement;
}  // namespace

void reverse_complement(char* s, size_t n) {
  const auto& c = kComplement.c;
  for (size_t i = 0, j = n; i < j;) {
    --j;
    char a = c[static_cast<uint8_t>(s[i])], b = c[static_cast<uint8_t>(s[j])];
    s[i++] = b;
    s[j] = a;
  }
}

uint32_t TwoBitFile::u32(uint64_t offset, const char* what) const {
  uint32_t v = file_.read<uint32_t>(offset, what);
  return swapped_ ? __builtin_bswap32(v) : v;
}

TwoBitFile::TwoBitFile(const std::string& path, RefgId refg) : file_(path), refg_(refg) {
  if (file_.size() < 16) os_error(path, " is not a 2bit file (too short)");
  uint32_t sig = file_.read<uint32_t>(0, "signature");
  if (sig == kSwappedSignature)
    swapped_ = true;
  else if (sig != kSignature)
    os_error(path, " is not a 2bit file (bad signature)");
  uint32_t version = u32(4, "header");
  if (version > 1) os_error(path, ": unsupported 2bit version ", version, " (expected 0 or 1)");
  uint32_t count = u32(8, "header");
  const Assembly& asm_ = assembly(refg);
  records_.resize(asm_.num_chroms());
  uint64_t pos = 16, last_offset = 0;
  ChromId last = -1;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t name_len = file_.read<uint8_t>(pos, "sequence index");
    const char* name_ptr = file_.array_at<char>(pos + 1, name_len, "sequence name");
    std::string name(name_ptr, name_len);
    pos += 1 + name_len;
    uint64_t offset;
    if (version == 0) {
      offset = u32(pos, "sequence index");
      pos += 4;
    } else {
      uint64_t v = file_.read<uint64_t>(pos, "sequence index");
      offset = swapped_ ? __builtin_bswap64(v) : v;
      pos += 8;
    }
    ChromId c = asm_.find(name);
    if (c < 0)
      os_error(path, ": sequence '", name, "' is not a chromosome of ", asm_.name(), " (", asm_.name(),
               ".chrom.sizes / .chromAlias.txt)");
    Record& r = records_[static_cast<size_t>(c)];
    if (r.present) file_.corrupt(cat("chromosome '", name, "' appears twice"));
    r.present = true;
    r.offset = offset;
    if (offset >= last_offset) last_offset = offset, last = c;
  }
  parsed_ = std::make_unique<std::once_flag[]>(records_.size());
  // The last record ends the file: parsing it now tells a truncated file at open.
  if (last >= 0) parsed(last);
}

// The fixed part of a sequence record is parsed on the first use of its chromosome: a genome of hundreds of
// sequences opens after reading its index alone (one page or two), not a page per sequence.
const TwoBitFile::Record& TwoBitFile::parsed(ChromId c) const {
  Record& r = records_[static_cast<size_t>(c)];
  std::call_once(parsed_[static_cast<size_t>(c)], [&] {  // retried, and raising again, after an error
    const Assembly& asm_ = assembly(refg_);
    const std::string& name = asm_.chrom_name(c);
    r.dna_size = u32(r.offset, "sequence record");
    r.n_count = u32(r.offset + 4, "sequence record");
    r.n_offset = r.offset + 8;
    file_.check_range(r.n_offset, 2 * r.n_count, 4, "N blocks");  // any alignment: read with u32()
    uint64_t m = r.n_offset + 8 * r.n_count;
    r.mask_count = u32(m, "sequence record");
    r.mask_offset = m + 4;
    file_.check_range(r.mask_offset, 2 * r.mask_count, 4, "mask blocks");
    r.packed_offset = r.mask_offset + 8 * r.mask_count + 4;
    file_.array_at<uint8_t>(r.packed_offset, (r.dna_size + 3) / 4, "packed bases");
    // .2bit and .chrom.sizes are one pair (build_assembly commits the sizes
    // first): a 2bit left from another build disagrees with the sizes.
    int64_t want = asm_.chrom_size(c);
    if (want >= 0 && static_cast<uint64_t>(want) != r.dna_size)
      os_error(path(), ": sequence '", name, "' has ", r.dna_size, " bases but ", asm_.name(), ".chrom.sizes says ",
               want, " (the pair comes from different builds: rebuild the assembly)");
    // N blocks must be ordered for the binary search; they are few, so check.
    uint64_t prev_end = 0;
    for (uint64_t k = 0; k < r.n_count; ++k) {
      uint64_t s = u32(r.n_offset + 4 * k, "N blocks"), n = u32(r.n_offset + 4 * (r.n_count + k), "N blocks");
      if (s < prev_end) file_.corrupt(cat("N blocks of '", name, "' are not sorted"));
      prev_end = s + n;
    }
  });
  return r;
}

bool TwoBitFile::has_chrom(ChromId c) const {
  return c >= 0 && static_cast<size_t>(c) < records_.size() && records_[static_cast<size_t>(c)].present;
}

int64_t TwoBitFile::chrom_length(ChromId c) const {
  if (!has_chrom(c)) missing(c);
  return static_cast<int64_t>(parsed(c).dna_size);
}

void TwoBitFile::missing(ChromId c) const {
  const Assembly& a = assembly(refg_);
  // A chromosome only the alias table knows has no sequence by design; one
  // that chrom.sizes lists must be in the file.
  if (c >= 0 && static_cast<size_t>(c) < a.num_chroms() && a.chrom_size(c) >= 0)
    os_error(path(), " lacks the sequence of chromosome '", a.chrom_name(c), "', which ", a.name(),
             ".chrom.sizes lists");
  value_error("reference genome ", a.name(), " has no sequence for chromosome '", a.chrom_name(c), "' (", path(), ")");
}

const TwoBitFile::Record& TwoBitFile::record(const Interval& iv) const {
  if (iv.refg != refg_)
    value_error("interval ", iv.describe(), " cannot be used with reference genome ", assembly(refg_).name());
  if (!has_chrom(iv.chrom)) missing(iv.chrom);
  return parsed(iv.chrom);
}

template <class Fn>
void TwoBitFile::for_blocks(uint64_t count, uint64_t offset, int64_t lo, int64_t hi, Fn&& fn) const {
  if (count == 0) return;
  // Last block starting at or before `lo` (blocks are sorted by start).
  uint64_t a = 0, b = count;
  while (a < b) {
    uint64_t mid = (a + b) / 2;
    if (static_cast<int64_t>(u32(offset + 4 * mid, "blocks")) <= lo)
      a = mid + 1;
    else
      b = mid;
  }
  for (uint64_t k = a ? a - 1 : 0; k < count; ++k) {
    int64_t bs = u32(offset + 4 * k, "blocks");
    if (bs >= hi) break;
    int64_t be = bs + static_cast<int64_t>(u32(offset + 4 * (count + k), "blocks"));
    if (std::max(bs, lo) < std::min(be, hi)) fn(std::max(bs, lo), std::min(be, hi));
  }
}

template <class Bases, class Gap>
void TwoBitFile::for_parts(const Record& r, const Interval& iv, bool allow_outside, Bases&& bases, Gap&& gap) const {
  const int64_t size = static_cast<int64_t>(r.dna_size);
  if (!allow_outside && (iv.start < 0 || iv.end > size))
    index_error("interval ", iv.describe(), " extends beyond chromosome ", iv.chrom_name(), " (size ", size,
                "); pass allow_outside_chromosome=True to pad with N");
  const int64_t lo = std::clamp<int64_t>(iv.start, 0, size), hi = std::clamp<int64_t>(iv.end, 0, size);
  if (lo >= hi) {  // nothing on the chromosome
    if (iv.start < iv.end) gap(iv.start, iv.end);
    return;
  }
  const uint8_t* packed = file_.data() + r.packed_offset;
  if (iv.start < lo) gap(iv.start, lo);
  int64_t at = lo;
  for_blocks(r.n_count, r.n_offset, lo, hi, [&](int64_t a, int64_t b) {
    if (at < a) bases(packed, at, a);
    gap(a, b);
    at = b;
  });
  if (at < hi) bases(packed, at, hi);
  if (hi < iv.end) gap(hi, iv.end);
}

void TwoBitFile::fetch(const Interval& iv, char* out, bool allow_outside, bool soft_mask) const {
  const Record& r = record(iv);
  const bool rc = !iv.pos_strand();
  // Where genomic range [a, b) lands in the output (reversed on '-').
  auto slot = [&](int64_t a, int64_t b) { return rc ? out + (iv.end - b) : out + (a - iv.start); };
  for_parts(
      r, iv, allow_outside,
      [&](const uint8_t* packed, int64_t a, int64_t b) { unpack_bases(packed, a, b, slot(a, b), rc); },
      [&](int64_t a, int64_t b) { std::memset(slot(a, b), 'N', static_cast<size_t>(b - a)); });
  if (soft_mask)
    for_blocks(r.mask_count, r.mask_offset, std::max<int64_t>(iv.start, 0), iv.end, [&](int64_t a, int64_t b) {
      char* p = slot(a, b);
      for (int64_t k = 0; k < b - a; ++k) p[k] = static_cast<char>(p[k] | 0x20);
    });
}

template <class T>
void TwoBitFile::fetch_one_hot(const Interval& iv, T* out, bool allow_outside, bool stream) const {
  const Record& r = record(iv);
  const bool rc = !iv.pos_strand();
  auto slot = [&](int64_t a, int64_t b) { return out + 4 * (rc ? iv.end - b : a - iv.start); };
  for_parts(
      r, iv, allow_outside,
      [&](const uint8_t* packed, int64_t a, int64_t b) { one_hot_unpack(packed, a, b, slot(a, b), rc, stream); },
      [&](int64_t a, int64_t b) { std::memset(static_cast<void*>(slot(a, b)), 0, size_t(b - a) * 4 * sizeof(T)); });
}

template void TwoBitFile::fetch_one_hot<uint8_t>(const Interval&, uint8_t*, bool, bool) const;
template void TwoBitFile::fetch_one_hot<float>(const Interval&, float*, bool, bool) const;
template void TwoBitFile::fetch_one_hot<Half>(const Interval&, Half*, bool, bool) const;

}  // namespace gk
