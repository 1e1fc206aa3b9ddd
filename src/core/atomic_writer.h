// Output file that appears atomically: data goes to a temporary file in the
// destination directory, and commit() renames it over the final name. If the
// writer is destroyed without commit (an exception), the temporary is
// removed, so a half-written file can never be opened under the final name.
//
// commit() fsyncs before the rename only when GENOMEKIT_FSYNC is set (not
// "0"): the rename alone is atomic for every process, a killed writer
// included, and the files are derived data. The fsync makes a commit survive
// a power loss or kernel crash too, at a cost: ~0.1 s of waiting per file
// here, more than a small track takes to build. Without it, a crash right
// after a commit can leave a short file, which the readers' size checks
// refuse (OSError) rather than read.
//
// A writer killed outright (kill -9, power loss) cannot remove its temporary.
// So every temporary `<final>.tmp-XXXXXX` is held under an exclusive flock()
// for its writer's whole life (the kernel drops the lock when the process
// dies, on any host sharing the file system), and each new writer first
// removes the temporaries next to its output that nobody holds: the next
// build reclaims what a killed one left.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "byte_writer.h"

namespace gk {

class AtomicFileWriter : public ByteWriter {
 public:
  explicit AtomicFileWriter(std::string final_path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t n) override;
  void write_at(uint64_t offset, const void* data, size_t n) override;
  uint64_t tell() const override { return pos_; }
  const std::string& path() const { return final_path_; }

  /// Flushes (and fsyncs, with GENOMEKIT_FSYNC) and renames the temporary file to the final path.
  void commit();

  /// Removes the temporaries (`.tmp-`, `.spill-`, `.spill.`) next to
  /// `final_path` that no live writer holds. Returns how many it removed.
  static int reclaim_stale(const std::string& final_path);

 private:
  /// Whether commit() fsyncs (GENOMEKIT_FSYNC set, not "0"; read when a writer is made).
  static bool durable_commits();
  void check(bool ok, const char* what);

  std::string final_path_;
  std::string temp_path_;
  uint64_t flushed_ = 0;  // bytes handed to the kernel for writeback so far
  std::FILE* f_ = nullptr;
  uint64_t pos_ = 0;
  bool committed_ = false;
  bool durable_ = false;  // durable_commits() when the writer was made
};

}  // namespace gk
