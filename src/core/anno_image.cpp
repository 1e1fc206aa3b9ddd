#include "anno_image.h"

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "binary_format.h"
#include "chrom_table.h"
#include "errors.h"
#include "interval_index.h"

namespace gk {

namespace {

// A string of the pool given in pieces.
struct PiecewisePool {
  std::vector<std::string_view> pieces;
  std::string_view get(uint64_t off) const {
    for (std::string_view p : pieces) {
      if (off < p.size()) return std::string_view(p.data() + off);
      off -= p.size();
    }
    return std::string_view();
  }
};

}  // namespace

void write_anno_image(ByteWriter& out, const std::vector<std::string>& chrom_names, const AnnoRows& rows,
                      std::initializer_list<std::string_view> pool) {
  PiecewisePool strings{std::vector<std::string_view>(pool)};
  uint64_t pool_size = 0;
  for (std::string_view p : pool) pool_size += p.size();
  if (pool_size > 0xFFFFFFF0ull) value_error("annotation strings exceed 4 GiB");
  if (rows.trans.size() >= kNoRow || rows.exons.size() >= kNoRow) value_error("too many annotation rows");

  begin_binary_file(out, kAnnoMagic, kAnnoVersion);
  AnnoToc toc{};
  uint64_t toc_pos = out.tell();
  out.write_pod(toc);
  out.pad_to(8);
  toc.chroms_off = out.tell();
  write_chrom_table(out, chrom_names);
  toc.strings_off = out.tell();
  toc.strings_size = pool_size;
  for (std::string_view p : pool) out.write(p.data(), p.size());
  out.pad_to(8);

  auto table = [&](int t, auto const& v) {
    using Row = typename std::decay_t<decltype(v)>::value_type;
    toc.rows_off[t] = out.tell();
    toc.num_rows[t] = static_cast<uint32_t>(v.size());
    toc.row_size[t] = sizeof(Row);
    if (!v.empty()) out.write(v.data(), v.size() * sizeof(Row));
    out.pad_to(8);
  };
  table(kGenes, rows.genes);
  table(kTrans, rows.trans);
  table(kExons, rows.exons);
  table(kIntrons, rows.introns);
  for (int k = 0; k < 3; ++k) table(kCdss + k, rows.parts[k]);

  auto index = [&](int t, auto const& v) {
    toc.index_off[t] = out.tell();
    using Row = typename std::decay_t<decltype(v)>::value_type;
    static_assert(offsetof(Row, chrom) == 0 && offsetof(Row, start) == 4 && offsetof(Row, end) == 8 &&
                      offsetof(Row, strand) == 12,
                  "rows start with an IndexedRow");
    write_interval_index(out, v.data(), v.size(), sizeof(Row), true);
    out.pad_to(8);
  };
  index(kGenes, rows.genes);
  index(kTrans, rows.trans);
  index(kExons, rows.exons);
  {
    // Introns are indexed by the gap between their exon and the next one.
    BigVector<IndexedRow> gaps(rows.introns.size());
    for (size_t i = 0; i < gaps.size(); ++i) {
      uint32_t e = rows.introns[i].exon;
      if (uint64_t(e) + 1 >= rows.exons.size()) value_error("annotation intron ", i, " links past the exons");
      const ExonRow &a = rows.exons[e], &b = rows.exons[e + 1];
      bool minus = a.strand == '-';
      gaps[i] = IndexedRow{a.chrom, minus ? b.end : a.end, minus ? a.start : b.start, a.strand};
    }
    index(kIntrons, gaps);
  }
  for (int k = 0; k < 3; ++k) index(kCdss + k, rows.parts[k]);

  // Every id and each of its prefixes ending before a '.', sorted by hash.
  auto ids = [&](int t, auto const& v) {
    BigVector<IdKey> keys;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string_view id = strings.get(v[i].id);
      if (id.empty()) continue;
      for (size_t p = 0; p < id.size(); ++p)
        if (id[p] == '.' && p > 0)
          keys.push_back({static_cast<uint32_t>(fnv1a64(id.substr(0, p))), static_cast<uint32_t>(i)});
      keys.push_back({static_cast<uint32_t>(fnv1a64(id)), static_cast<uint32_t>(i)});
    }
    std::sort(keys.begin(), keys.end(),
              [](const IdKey& a, const IdKey& b) { return a.hash != b.hash ? a.hash < b.hash : a.row < b.row; });
    // Keys of one row with equal hashes are one entry (lookups compare the id itself).
    auto same = [](const IdKey& a, const IdKey& b) { return a.hash == b.hash && a.row == b.row; };
    keys.erase(std::unique(keys.begin(), keys.end(), same), keys.end());
    toc.id_index_off[t] = out.tell();
    toc.id_index_count[t] = keys.size();
    if (!keys.empty()) out.write(keys.data(), keys.size() * sizeof(IdKey));
    out.pad_to(8);
  };
  ids(kGenes, rows.genes);
  ids(kTrans, rows.trans);

  if (rows.exon_id_formats.size() > kMaxIdFormats) value_error("too many exon id formats");
  toc.id_formats_off = out.tell();
  toc.id_formats_count = rows.exon_id_formats.size();
  out.write_vector(rows.exon_id_formats);
  out.pad_to(8);

  out.write_at(toc_pos, &toc, sizeof toc);
  patch_file_size(out);
}

}  // namespace gk
