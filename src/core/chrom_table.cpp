#include "chrom_table.h"

#include <string>

#include "utf8.h"

namespace gk {

void write_chrom_table(ByteWriter& out, const Assembly& a) {
  std::vector<std::string> names;
  names.reserve(a.num_chroms());
  for (size_t i = 0; i < a.num_chroms(); ++i) names.push_back(a.chrom_name(static_cast<ChromId>(i)));
  write_chrom_table(out, names);
}

void write_chrom_table(ByteWriter& out, const std::vector<std::string>& names) {
  out.write_pod(static_cast<uint32_t>(names.size()));
  for (const std::string& n : names) {
    out.write_pod(static_cast<uint32_t>(n.size()));
    out.write(n.data(), n.size());
  }
  out.pad_to(8);
}

std::vector<ChromId> read_chrom_table(const MappedFile& file, uint64_t& offset, const Assembly& current) {
  uint32_t count = file.read<uint32_t>(offset, "chromosome table");
  offset += 4;
  // Each entry takes at least 4 bytes: a count the file cannot hold is
  // rejected before anything is allocated for it.
  file.check_range(offset, count, 4, "chromosome table");
  std::vector<ChromId> remap;
  remap.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t len = file.read<uint32_t>(offset, "chromosome table");
    const char* p = file.array_at<char>(offset + 4, len, "chromosome name");
    std::string name(p, len);
    if (!is_stored_name(name)) file.corrupt(cat("chromosome name #", i, " is not a valid name"));
    remap.push_back(current.find(name));
    offset += 4 + uint64_t(len);
  }
  offset = (offset + 7) / 8 * 8;
  return remap;
}

}  // namespace gk
