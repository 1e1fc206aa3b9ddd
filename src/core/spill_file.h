// Append-only scratch file for builders whose output size is unknown until
// the input is consumed (VCF columns, rows, alleles): data goes to an
// anonymous temporary file next to the output (same file system, so disk
// usage is bounded by the output, not by memory), and is copied into the
// final file at the end. The file is unlinked at creation, so nothing is left
// behind whatever happens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atomic_writer.h"

namespace gk {

class SpillFile {
 public:
  /// Creates the scratch file in the directory of `near` (the output path).
  explicit SpillFile(const std::string& near);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void write(const void* data, size_t n);
  /// Bytes written so far.
  uint64_t size() const { return total_; }
  /// Appends everything written so far to `out`.
  void copy_to(AtomicFileWriter& out);

 private:
  void flush();
  void raw_write(const void* data, size_t n);

  std::string near_;  // for messages
  int fd_ = -1;
  std::vector<char> buf_;
  size_t used_ = 0;
  uint64_t total_ = 0;
};

}  // namespace gk
