#include "assembly.h"

#include <array>
#include <memory>
#include <mutex>

#include "errors.h"
#include "line_reader.h"
#include "text_fields.h"

namespace gk {

Assembly::Assembly(std::string name, std::vector<std::pair<std::string, int64_t>> sizes,
                   const std::vector<std::vector<std::string>>& alias_rows)
    : name_(std::move(name)) {
  auto add = [&](const std::string& n, int64_t size) {
    auto [it, inserted] = lookup_.emplace(n, static_cast<ChromId>(names_.size()));
    if (!inserted) return it->second;
    names_.push_back(n);
    sizes_.push_back(size);
    return it->second;
  };
  for (auto& [n, size] : sizes) {
    if (lookup_.count(n)) value_error("chromosome '", n, "' is listed twice in ", name_, ".chrom.sizes");
    add(n, size);
  }
  num_sized_ = names_.size();
  for (auto& row : alias_rows) {
    if (row.empty() || row[0].empty()) continue;
    // A chrom.sizes name may appear in any column of its row: it stays the
    // canonical name and the row's other names become its aliases.
    ChromId canonical = -1;
    for (auto& cell : row) {
      auto it = lookup_.find(cell);
      if (!cell.empty() && it != lookup_.end() && static_cast<size_t>(it->second) < num_sized_) {
        canonical = it->second;
        break;
      }
    }
    if (canonical < 0) canonical = add(row[0], -1);
    for (auto& cell : row)
      if (!cell.empty()) lookup_.emplace(cell, canonical);
  }
}

std::shared_ptr<const Assembly> Assembly::load(const std::string& name, const std::string& sizes_path,
                                               const std::string& alias_path) {
  std::vector<std::pair<std::string, int64_t>> sizes;
  std::vector<std::string_view> f;
  std::string_view line;
  FileSource sizes_file(sizes_path);
  for (LineReader in(sizes_file); in.next(line);) {
    split_blanks(line, f);
    if (f.empty() || f[0][0] == '#') continue;
    int64_t size = -1;
    if (f.size() < 2 || !parse_int(f[1], size) || size < 0)
      value_error(in.where(), ": expected '<chromosome> <size>', found '", line, "'");
    sizes.emplace_back(f[0], size);
  }
  std::vector<std::vector<std::string>> rows;
  if (!alias_path.empty()) {
    FileSource alias_file(alias_path);
    for (LineReader in(alias_file); in.next(line);) {
      if (line.empty() || line[0] == '#') continue;
      split(line, '\t', f);
      if (f.size() < 2) value_error(in.where(), ": expected tab-separated aliases, found '", line, "'");
      rows.emplace_back(f.begin(), f.end());
    }
  }
  return std::make_shared<const Assembly>(name, std::move(sizes), rows);
}

ChromId Assembly::find(const std::string& chrom) const {
  auto it = lookup_.find(chrom);
  return it == lookup_.end() ? -1 : it->second;
}

ChromId Assembly::resolve(const std::string& chrom) const {
  ChromId id = find(chrom);
  if (id < 0)
    value_error("chromosome '", chrom, "' is not in ", name_, " (", name_, ".chrom.sizes / ", name_,
                ".chromAlias.txt)");
  return id;
}

// ---- registry ----------------------------------------------------------

namespace {
constexpr size_t kChunk = 256;
constexpr size_t kMaxAssemblies = kChunk * kChunk;  // 1 << 16
using Chunk = std::array<std::shared_ptr<const Assembly>, kChunk>;
struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, RefgId> by_name;
  // Entries (and their chunk) are written once, before their id is published, and never move. Chunks of
  // 256 are allocated as needed: one flat 1 MiB table cost 256 page faults on a process's first open.
  std::array<std::unique_ptr<Chunk>, kChunk> by_id;
  size_t count = 0;
};
Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: ids outlive static destruction order
  return *r;
}
}  // namespace

RefgId register_assembly(std::shared_ptr<const Assembly> a) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.by_name.find(a->name());
  if (it != r.by_name.end()) return it->second;
  if (r.count >= kMaxAssemblies) runtime_error("too many reference genomes registered");
  RefgId id = static_cast<RefgId>(r.count++);
  auto& chunk = r.by_id[id / kChunk];
  if (!chunk) chunk = std::make_unique<Chunk>();
  (*chunk)[id % kChunk] = std::move(a);
  r.by_name.emplace((*chunk)[id % kChunk]->name(), id);
  return id;
}

void register_assembly_alias(const std::string& config, RefgId id) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.by_name.emplace(config, id);
}

int find_assembly(const std::string& name) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? -1 : it->second;
}

const Assembly& assembly(RefgId id) {
  return *(*registry().by_id[id / kChunk])[id % kChunk];
}

}  // namespace gk
