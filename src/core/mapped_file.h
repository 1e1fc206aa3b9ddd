// Read-only memory mapping of a whole file: the one mmap layer every binary
// format reader uses. The mapping is created in the constructor and never
// changes, so concurrent reads from many threads are safe. It can also hold
// an image built in memory (a file converted on open), read the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "big_alloc.h"
#include "errors.h"

namespace gk {

class MappedFile {
 public:
  /// Maps `path` read-only. Throws FileNotFound / OS errors naming the path.
  explicit MappedFile(std::string path);
  /// Maps the open file `fd` (not closed, not owned); `name` is for messages.
  MappedFile(int fd, std::string name);
  /// Serves `bytes` as the contents of a file named `path` (in messages).
  MappedFile(std::string path, BigVector<uint8_t> bytes);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  const uint8_t* data() const { return data_; }

  /// Pointer to `count` items of T at `offset`, after checking that the range
  /// lies inside the file and that `offset` is aligned for T (the mapping is
  /// page-aligned: a corrupt offset must not turn typed reads into misaligned
  /// loads, which are undefined behaviour). `what` names the structure in the
  /// error message. Data a format does not align is read with read<T>().
  template <class T>
  const T* array_at(uint64_t offset, uint64_t count, const char* what) const {
    check_range(offset, count, sizeof(T), what);
    if (offset % alignof(T) != 0) misaligned(offset, alignof(T), what);
    return reinterpret_cast<const T*>(data_ + offset);
  }
  template <class T>
  T read(uint64_t offset, const char* what) const {
    T v;
    const uint8_t* p = array_at<uint8_t>(offset, sizeof(T), what);
    std::memcpy(&v, p, sizeof(T));
    return v;
  }

  /// Checks that `count` items of `item_size` bytes at `offset` lie inside the file (OSError otherwise).
  void check_range(uint64_t offset, uint64_t count, uint64_t item_size, const char* what) const;

  /// Throws an OSError saying the file is corrupt or truncated.
  [[noreturn]] void corrupt(const std::string& detail) const;

 private:
  [[noreturn]] void misaligned(uint64_t offset, size_t alignment, const char* what) const;
  /// Maps `fd`; throws (leaving `fd` open) on failure.
  void map(int fd);

  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  bool mapped_ = false;       // data_ is an mmap of the file
  BigVector<uint8_t> owned_;  // or the image built in memory
};

}  // namespace gk
