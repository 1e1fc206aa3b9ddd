// Append-only scratch storage for builders whose output size is unknown until
// the input is consumed (VCF columns, rows, alleles), copied into the final
// file at the end. Data stays in memory in 1 MiB chunks while every spill of
// the process together holds less than a budget (kSpillMemoryBudget by
// default); past that, a spill moves to an anonymous temporary file next to
// the output (same file system, so disk usage is bounded by the output and
// memory by the budget). The file is unlinked at creation, so nothing is left
// behind whatever happens.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "atomic_writer.h"

namespace gk {

/// Bytes all SpillFiles of the process may hold in memory together (default).
constexpr uint64_t kSpillMemoryBudget = uint64_t(128) << 20;

class SpillFile {
 public:
  /// Scratch storage for the output `near` (its directory holds the file, if
  /// one is needed); in memory while all spills together hold under `budget` bytes.
  explicit SpillFile(std::string near, uint64_t budget = kSpillMemoryBudget);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void write(const void* data, size_t n);
  /// Bytes written so far.
  uint64_t size() const { return total_; }
  /// Appends everything written so far to `out`.
  void copy_to(AtomicFileWriter& out);

 private:
  /// Room for more bytes: a new chunk in memory, else the file.
  void make_room();
  /// Moves the chunks to the temporary file; the first one stays as its write buffer.
  void to_disk();
  void flush();
  void raw_write(const void* data, size_t n);

  std::string near_;  // for messages
  uint64_t budget_;
  int fd_ = -1;  // the temporary file, once the data moved there
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = 0;        // bytes in the last chunk
  uint64_t budgeted_ = 0;  // bytes of chunks counted in the process budget
  uint64_t total_ = 0;
};

}  // namespace gk
