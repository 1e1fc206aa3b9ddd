// Reference assemblies and their chromosome names.
//
// An Assembly holds the chromosomes of one reference genome in a fixed order:
// first the names of `<refg>.chrom.sizes` in file order, then canonical names
// that only the alias table (`<refg>.chromAlias.txt`, first column) knows.
// Every alias maps to a canonical name. Intervals store an assembly id and a
// chromosome index, so comparing and hashing them never touches strings.
//
// Assemblies live in a process-wide registry; ids are small integers that are
// never reused, and a registered assembly is never modified, so lookups by id
// are lock free after registration.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gk {

using RefgId = uint16_t;
using ChromId = int32_t;

class Assembly {
 public:
  /// `sizes` in chrom.sizes order; `alias_rows` are the rows of the alias
  /// table, canonical name first (may be empty).
  Assembly(std::string name, std::vector<std::pair<std::string, int64_t>> sizes,
           const std::vector<std::vector<std::string>>& alias_rows);

  /// Parses `<refg>.chrom.sizes` and, if `alias_path` is not empty, the alias
  /// table. Errors name the file and line.
  static std::shared_ptr<const Assembly> load(const std::string& name, const std::string& sizes_path,
                                              const std::string& alias_path);

  const std::string& name() const { return name_; }
  size_t num_chroms() const { return names_.size(); }
  /// Number of chromosomes listed in chrom.sizes (a prefix of all chroms).
  size_t num_sized() const { return num_sized_; }
  const std::string& chrom_name(ChromId id) const { return names_[static_cast<size_t>(id)]; }
  /// Size from chrom.sizes, or -1 for a name only the alias table knows.
  int64_t chrom_size(ChromId id) const { return sizes_[static_cast<size_t>(id)]; }

  /// Canonical or alias name → chromosome index, or -1.
  ChromId find(const std::string& chrom) const;
  /// As find, but throws ValueError naming the chromosome and assembly.
  ChromId resolve(const std::string& chrom) const;

 private:
  std::string name_;
  std::vector<std::string> names_;
  std::vector<int64_t> sizes_;
  size_t num_sized_ = 0;
  std::unordered_map<std::string, ChromId> lookup_;
};

/// Registers an assembly under its name; returns its id (the existing id if
/// that name is already registered).
RefgId register_assembly(std::shared_ptr<const Assembly> assembly);
/// Makes `config` (e.g. an annotation name) another name for an assembly.
void register_assembly_alias(const std::string& config, RefgId id);
/// Id for a registered name, or -1.
int find_assembly(const std::string& name);
const Assembly& assembly(RefgId id);

}  // namespace gk
