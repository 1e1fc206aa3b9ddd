// The one positional index of genome_kit tables (annotations, VCF variants).
//
// Elements are addressed in 5'/3' terms: pos5 is the first base at the 5' end
// (start on '+', end-1 on '-'), pos3 the last base at the 3' end (end-1 on
// '+', start on '-'); an empty element [p, p) on '+' has pos5 = p, pos3 = p-1.
// Per (chromosome, strand) key the index holds the elements sorted by
// (pos5, pos3, row), the order (pos3, row) as positions into that list, and
// the longest element length, so every query is two binary searches plus a
// scan of its results: O(log n + k) (overlap queries also scan elements that
// start up to max-length earlier).
//
// Unstranded tables store every element on '+'; their '-' queries are served
// as '+' (overlapping, within, exact) or rejected (5'/3' queries).
//
// Layout (after the file's chromosome table, 8-byte aligned):
//   uint32 num_keys, uint32 num_rows, uint8 stranded, 7 bytes zero
//   Key[num_keys]      {int32 chrom (build-time id), uint8 strand ('+'/'-'),
//                       3 bytes zero, uint32 count, uint64 first, int64 max_len}
//   Entry[num_rows]    by5: {int32 pos5, int32 pos3, uint32 row}, per key
//   uint32[num_rows]   by3: per key, positions of its by5 entries (from the
//                      key's first) in (pos3, row) order
#pragma once

#include <cstdint>
#include <vector>

#include "assembly.h"
#include "atomic_writer.h"
#include "interval.h"
#include "mapped_file.h"

namespace gk {

enum class IndexQuery { Overlapping, Within, Exact, Within5p, Within3p, Aligned5p, Aligned3p };

/// Element as given to the builder: row i of the table is elements[i].
struct IndexedElement {
  ChromId chrom;  // build-time assembly id
  char strand;
  int64_t start, end;
};

/// Writes the index section for `elements` (ValueError if a coordinate does
/// not fit in 32 bits).
void write_interval_index(ByteWriter& out, const std::vector<IndexedElement>& elements, bool stranded);
/// The leading fields of a table row that the index reads.
struct IndexedRow {
  int32_t chrom, start, end;
  char strand;
};
/// As above for `n` rows `stride` bytes apart, each starting with an
/// IndexedRow (no copy of the elements).
void write_interval_index(ByteWriter& out, const void* rows, size_t n, size_t stride, bool stranded);

class IntervalIndex {
 public:
  IntervalIndex() = default;
  /// Reads the section at `offset` (advanced past it); `remap` is the file's
  /// build-time → current chromosome id map (read_chrom_table).
  IntervalIndex(const MappedFile& file, uint64_t& offset, const std::vector<ChromId>& remap);

  bool stranded() const { return stranded_; }
  uint32_t num_rows() const { return num_rows_; }

  /// Appends the rows matching `q` to `out`, in the documented order:
  /// by pos5 for overlapping, exact, 5' queries; by pos3 for within and 3'.
  void find(IndexQuery kind, const Interval& q, std::vector<uint32_t>& out) const;

 private:
  struct Key {
    int32_t chrom;
    uint8_t strand;
    uint8_t pad[3];
    uint32_t count;
    uint64_t first;
    int64_t max_len;
  };
  struct Entry {
    int32_t pos5, pos3;
    uint32_t row;
  };
  static_assert(sizeof(Key) == 32 && sizeof(Entry) == 12, "packed index layout");

  const Key* key_for(ChromId chrom, char strand) const;
  // Entries of `key` whose pos5 lies in [lo, hi].
  std::pair<const Entry*, const Entry*> range5(const Key& k, int64_t lo, int64_t hi) const;
  // by3 positions of `key` whose entry's pos3 lies in [lo, hi].
  std::pair<const uint32_t*, const uint32_t*> range3(const Key& k, int64_t lo, int64_t hi) const;
  // The by5 entry at by3 position `p` of key `k` (OSError if `p` is out of range).
  const Entry& by3_entry(const Key& k, uint32_t p) const;

  const MappedFile* file_ = nullptr;  // for messages; the owner of the index owns the file
  bool stranded_ = true;
  uint32_t num_rows_ = 0;
  const Key* keys_ = nullptr;
  const Entry* by5_ = nullptr;
  const uint32_t* by3_ = nullptr;
  std::vector<int32_t> key_of_;  // current chrom id * 2 + (strand == '-') → key index, or -1
};

}  // namespace gk
