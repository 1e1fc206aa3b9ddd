// Shared set-up of the libFuzzer harnesses (built with -DGK_FUZZ=ON, never
// part of the wheel; run by tools/fuzz.sh). Each harness feeds one input to
// one reader or parser of gk_core and exercises what it opened. The only
// acceptable outcome besides success is a gk::Error (the Python exceptions
// users see); anything else escapes to libFuzzer as a finding, as do the
// memory errors AddressSanitizer catches and allocations over -malloc_limit_mb.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "assembly.h"
#include "errors.h"
#include "line_reader.h"

namespace gkfuzz {

/// The fuzzer's assembly "fuzzasm" (tools/fuzz_formats.py builds its seeds on
/// it), from $GK_FUZZ_DATA/fuzzasm.chrom.sizes, registered once.
inline gk::RefgId assembly() {
  static gk::RefgId id = [] {
    const char* dir = std::getenv("GK_FUZZ_DATA");
    if (!dir) {
      std::fprintf(stderr, "set GK_FUZZ_DATA to the directory of fuzzasm.chrom.sizes (tools/fuzz.sh does)\n");
      std::abort();
    }
    std::string base = std::string(dir) + "/fuzzasm";
    const std::string aliases = base + ".chromAlias.txt";
    return gk::register_assembly(
        gk::Assembly::load("fuzzasm", base + ".chrom.sizes", access(aliases.c_str(), R_OK) == 0 ? aliases : ""));
  }();
  return id;
}

/// `data` written to this process's scratch file (readers map files).
inline std::string scratch_file(const uint8_t* data, size_t size, const char* suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/gkfuzz-" + std::to_string(getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

/// A path for a builder's output in the scratch directory.
inline std::string scratch_out(const char* suffix) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/gkfuzz-" + std::to_string(getpid()) + "-out" + suffix;
}

/// The input as a text stream for the parsers.
class MemorySource : public gk::ByteSource {
 public:
  MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t read(char* buf, size_t n) override {
    size_t k = n < size_ - at_ ? n : size_ - at_;
    for (size_t i = 0; i < k; ++i) buf[i] = static_cast<char>(data_[at_ + i]);
    at_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  const uint8_t* data_;
  size_t size_, at_ = 0;
  std::string name_ = "fuzz-input";
};

/// Runs `fn`; a gk::Error is the expected answer to a bad input.
template <class Fn>
int run(Fn&& fn) {
  try {
    fn();
  } catch (const gk::Error&) {
  }
  return 0;
}

}  // namespace gkfuzz
