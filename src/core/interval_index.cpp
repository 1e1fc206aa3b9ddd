#include "interval_index.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

#include "big_alloc.h"
#include "errors.h"

namespace gk {

namespace {
int32_t narrow(int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
    value_error("coordinate ", v, " does not fit the index (32-bit positions)");
  return static_cast<int32_t>(v);
}
}  // namespace

namespace {
template <class At>
void write_index(ByteWriter& out, size_t n, const At& at, bool stranded);
}  // namespace

void write_interval_index(ByteWriter& out, const std::vector<IndexedElement>& elements, bool stranded) {
  write_index(out, elements.size(), [&](size_t i) { return elements[i]; }, stranded);
}

void write_interval_index(ByteWriter& out, const void* rows, size_t n, size_t stride, bool stranded) {
  const char* base = static_cast<const char*>(rows);
  write_index(
      out, n,
      [&](size_t i) {
        IndexedRow r;
        std::memcpy(&r, base + i * stride, sizeof r);
        return IndexedElement{r.chrom, r.strand, r.start, r.end};
      },
      stranded);
}

namespace {

// Elements are grouped by key with a counting sort (stable: row order within
// a key), then each key's entries are sorted in place by (pos5, pos3, row) —
// what a stable sort by (pos5, pos3) of row-ordered entries gives — and
// written in one piece; the second list is their positions sorted by
// (pos3, row).
template <class At>
void write_index(ByteWriter& out, size_t n, const At& at, bool stranded) {
  struct Pending {
    int32_t pos5, pos3;
    uint32_t row;
  };
  static_assert(sizeof(Pending) == 12, "by5 entries are written as they are");
  // Keys in file order: (chrom, strand byte) ascending. Dense ids for the usual small chromosome ids.
  std::map<std::pair<int32_t, uint8_t>, uint32_t> key_ids;
  std::vector<int32_t> dense;  // (chrom * 2 + minus) → index into key_list, -1 none
  std::vector<std::pair<int32_t, uint8_t>> key_list;
  BigVector<uint32_t> key_of(n);
  auto key_id = [&](int32_t chrom, uint8_t strand) -> uint32_t {
    size_t slot = static_cast<size_t>(chrom) * 2 + (strand == '-');
    if (chrom >= 0 && chrom < (1 << 20)) {
      if (slot >= dense.size()) dense.resize(slot + 1, -1);
      if (dense[slot] >= 0) return static_cast<uint32_t>(dense[slot]);
    }
    auto it = key_ids.find({chrom, strand});
    uint32_t id;
    if (it != key_ids.end()) {
      id = it->second;
    } else {
      id = static_cast<uint32_t>(key_list.size());
      key_list.push_back({chrom, strand});
      key_ids.emplace(std::make_pair(chrom, strand), id);
    }
    if (chrom >= 0 && chrom < (1 << 20)) dense[slot] = static_cast<int32_t>(id);
    return id;
  };
  auto entry = [&](size_t i, int32_t* chrom, uint8_t* strand) {
    IndexedElement e = at(i);
    bool plus = !stranded || e.strand == '+';
    *chrom = e.chrom;
    *strand = plus ? '+' : '-';
    int32_t p5 = narrow(plus ? e.start : e.end - 1), p3 = narrow(plus ? e.end - 1 : e.start);
    return Pending{p5, p3, static_cast<uint32_t>(i)};
  };
  for (size_t i = 0; i < n; ++i) {
    int32_t chrom;
    uint8_t strand;
    entry(i, &chrom, &strand);
    key_of[i] = key_id(chrom, strand);
  }
  // Rank of each key id in (chrom, strand) order, counts, and the grouped entries.
  size_t num_keys = key_list.size();
  std::vector<uint32_t> rank(num_keys);
  {
    uint32_t r = 0;
    for (auto& kv : key_ids) rank[kv.second] = r++;
  }
  std::vector<uint64_t> begin(num_keys + 1, 0);
  for (size_t i = 0; i < n; ++i) ++begin[rank[key_of[i]] + 1];
  for (size_t k = 0; k < num_keys; ++k) begin[k + 1] += begin[k];
  BigVector<Pending> grouped(n);
  {
    std::vector<uint64_t> fill(begin.begin(), begin.end() - 1);
    int32_t chrom;
    uint8_t strand;
    for (size_t i = 0; i < n; ++i) grouped[fill[rank[key_of[i]]]++] = entry(i, &chrom, &strand);
  }
  BigVector<uint32_t>().swap(key_of);

  uint32_t header[4] = {static_cast<uint32_t>(num_keys), static_cast<uint32_t>(n), stranded ? 1u : 0u, 0};
  out.write(header, sizeof header);
  std::vector<std::pair<int32_t, uint8_t>> ordered(num_keys);
  for (size_t k = 0; k < num_keys; ++k) ordered[rank[k]] = key_list[k];
  for (size_t k = 0; k < num_keys; ++k) {
    unsigned char raw[32] = {};
    int32_t chrom = ordered[k].first;
    uint32_t count = static_cast<uint32_t>(begin[k + 1] - begin[k]);
    uint64_t first = begin[k];
    int64_t max_len = 0;
    for (uint64_t i = begin[k]; i < begin[k + 1]; ++i)
      max_len = std::max<int64_t>(max_len, std::abs(int64_t(grouped[i].pos3) - grouped[i].pos5) + 1);
    std::memcpy(raw, &chrom, 4);
    raw[4] = ordered[k].second;
    std::memcpy(raw + 8, &count, 4);
    std::memcpy(raw + 16, &first, 8);
    std::memcpy(raw + 24, &max_len, 8);
    out.write(raw, sizeof raw);
  }
  auto sort_range = [&](uint64_t b, uint64_t e, auto less) {
    Pending* p = grouped.data() + b;
    Pending* q = grouped.data() + e;
    if (!std::is_sorted(p, q, less)) std::sort(p, q, less);
  };
  for (size_t k = 0; k < num_keys; ++k)
    sort_range(begin[k], begin[k + 1], [](const Pending& a, const Pending& b) {
      return a.pos5 != b.pos5 ? a.pos5 < b.pos5 : a.pos3 != b.pos3 ? a.pos3 < b.pos3 : a.row < b.row;
    });
  if (n) out.write(grouped.data(), n * sizeof(Pending));
  // by3: pos5 is written; each entry keeps its by5 position there (from the
  // key's first) and the entries are re-sorted in place by (pos3, row).
  for (size_t k = 0; k < num_keys; ++k)
    for (uint64_t i = begin[k]; i < begin[k + 1]; ++i) grouped[i].pos5 = static_cast<int32_t>(i - begin[k]);
  for (size_t k = 0; k < num_keys; ++k)
    sort_range(begin[k], begin[k + 1],
               [](const Pending& a, const Pending& b) { return a.pos3 != b.pos3 ? a.pos3 < b.pos3 : a.row < b.row; });
  std::vector<uint32_t> buf(4096);
  for (size_t i = 0; i < n;) {
    size_t m = std::min(buf.size(), n - i);
    for (size_t j = 0; j < m; ++j, ++i) buf[j] = static_cast<uint32_t>(grouped[i].pos5);
    out.write(buf.data(), m * sizeof(uint32_t));
  }
  out.pad_to(8);
}

}  // namespace

IntervalIndex::IntervalIndex(const MappedFile& file, uint64_t& offset, const std::vector<ChromId>& remap)
    : file_(&file) {
  // Writers pad every section to 8 bytes; a misaligned offset (corrupt) would make the typed reads below
  // misaligned loads (undefined behaviour; UBSan's finding on a fuzzed .vcfbin).
  if (offset % 8) file.corrupt(cat("the interval index at offset ", offset, " is not 8-byte aligned"));
  const uint32_t* header = file.array_at<uint32_t>(offset, 4, "index header");
  uint32_t num_keys = header[0];
  num_rows_ = header[1];
  stranded_ = header[2] != 0;
  offset += 16;
  keys_ = file.array_at<Key>(offset, num_keys, "index keys");
  offset += uint64_t(num_keys) * sizeof(Key);
  by5_ = file.array_at<Entry>(offset, num_rows_, "index entries");
  offset += uint64_t(num_rows_) * sizeof(Entry);
  by3_ = file.array_at<uint32_t>(offset, num_rows_, "index entries");
  offset += uint64_t(num_rows_) * sizeof(uint32_t);
  offset = (offset + 7) / 8 * 8;

  ChromId max_chrom = -1;
  for (ChromId c : remap) max_chrom = std::max(max_chrom, c);
  key_of_.assign(static_cast<size_t>(max_chrom + 1) * 2, -1);
  uint64_t total = 0;
  for (uint32_t k = 0; k < num_keys; ++k) {
    const Key& key = keys_[k];
    if (key.first != total || key.count > num_rows_ - total || (key.strand != '+' && key.strand != '-') ||
        key.chrom < 0 || static_cast<size_t>(key.chrom) >= remap.size() || key.max_len < 0 ||
        key.max_len > (int64_t(1) << 32))
      file.corrupt(cat("interval index key ", k, " is inconsistent"));
    total += key.count;
    ChromId now = remap[static_cast<size_t>(key.chrom)];
    if (now >= 0) key_of_[static_cast<size_t>(now) * 2 + (key.strand == '-')] = static_cast<int32_t>(k);
  }
  if (total != num_rows_) file.corrupt("interval index keys do not cover every row");
  // Row numbers are checked as find() emits them: checking all entries here
  // would read the whole index on open.
}

const IntervalIndex::Key* IntervalIndex::key_for(ChromId chrom, char strand) const {
  size_t slot = static_cast<size_t>(chrom) * 2 + (strand == '-');
  if (chrom < 0 || slot >= key_of_.size() || key_of_[slot] < 0) return nullptr;
  return &keys_[key_of_[slot]];
}

std::pair<const IntervalIndex::Entry*, const IntervalIndex::Entry*> IntervalIndex::range5(const Key& k, int64_t lo,
                                                                                          int64_t hi) const {
  const Entry* b = by5_ + k.first;
  const Entry* e = b + k.count;
  auto first = std::lower_bound(b, e, lo, [](const Entry& x, int64_t v) { return x.pos5 < v; });
  auto last = std::upper_bound(first, e, hi, [](int64_t v, const Entry& x) { return v < x.pos5; });
  return {first, last};
}

const IntervalIndex::Entry& IntervalIndex::by3_entry(const Key& k, uint32_t p) const {
  if (p >= k.count) file_->corrupt(cat("the interval index names entry ", p, " of a key with ", k.count));
  return by5_[k.first + p];
}

std::pair<const uint32_t*, const uint32_t*> IntervalIndex::range3(const Key& k, int64_t lo, int64_t hi) const {
  const uint32_t* b = by3_ + k.first;
  const uint32_t* e = b + k.count;
  auto first = std::lower_bound(b, e, lo, [&](uint32_t p, int64_t v) { return by3_entry(k, p).pos3 < v; });
  auto last = std::upper_bound(first, e, hi, [&](int64_t v, uint32_t p) { return v < by3_entry(k, p).pos3; });
  return {first, last};
}

void IntervalIndex::find(IndexQuery kind, const Interval& q, std::vector<uint32_t>& out) const {
  char strand = q.strand;
  bool aligned = kind == IndexQuery::Aligned5p || kind == IndexQuery::Aligned3p;
  if (!stranded_ && strand == '-') {
    if (kind == IndexQuery::Within5p || kind == IndexQuery::Within3p || aligned)
      value_error("5'/3' queries need a '+' strand interval on an unstranded table, got ", q.describe());
    strand = '+';
  }
  const Key* key = key_for(q.chrom, strand);
  if (!key) return;
  size_t first_out = out.size();
  bool plus = strand == '+';
  // Stored positions are int32 and max_len at most 2^32: clamping the query to +/-2^40 changes no answer
  // and keeps end - 1 and the widening by max_len from overflowing (an Interval may reach INT64_MIN/MAX).
  const int64_t far = int64_t{1} << 40;
  const int64_t start = std::clamp(q.start, -far, far), end = std::clamp(q.end, -far, far);
  int64_t qs = start, qe1 = end - 1;  // first and last base of the query
  int64_t q5 = plus ? start : end - 1, q3 = plus ? end - 1 : start;
  switch (kind) {
    case IndexQuery::Within5p: {
      auto [a, b] = range5(*key, qs, qe1);
      for (; a != b; ++a) out.push_back(a->row);
      break;
    }
    case IndexQuery::Within3p: {
      auto [a, b] = range3(*key, qs, qe1);
      for (; a != b; ++a) out.push_back(by3_entry(*key, *a).row);
      break;
    }
    case IndexQuery::Within: {
      auto [a, b] = range3(*key, qs, qe1);
      for (; a != b; ++a) {
        const Entry& x = by3_entry(*key, *a);
        if (plus ? x.pos5 >= qs : x.pos5 <= qe1) out.push_back(x.row);
      }
      break;
    }
    case IndexQuery::Overlapping: {
      // Elements whose 5' end lies in the query widened by the longest element.
      int64_t lo = plus ? qs - key->max_len : qs, hi = plus ? qe1 : qe1 + key->max_len;
      auto [a, b] = range5(*key, lo, hi);
      for (; a != b; ++a) {
        bool hit = plus ? (a->pos5 <= qe1 && a->pos3 >= qs) : (a->pos3 <= qe1 && a->pos5 >= qs);
        if (hit) out.push_back(a->row);
      }
      break;
    }
    case IndexQuery::Exact: {
      auto [a, b] = range5(*key, q5, q5);
      for (; a != b; ++a)
        if (a->pos3 == q3) out.push_back(a->row);
      break;
    }
    case IndexQuery::Aligned5p: {
      auto [a, b] = range5(*key, q5, q5);
      for (; a != b; ++a) out.push_back(a->row);
      break;
    }
    case IndexQuery::Aligned3p: {
      auto [a, b] = range3(*key, q3, q3);
      for (; a != b; ++a) out.push_back(by3_entry(*key, *a).row);
      break;
    }
  }
  for (size_t i = first_out; i < out.size(); ++i)
    if (out[i] >= num_rows_) file_->corrupt(cat("the interval index names row ", out[i], " of ", num_rows_));
}

}  // namespace gk
