#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gk {

MappedFile::MappedFile(std::string path) : path_(std::move(path)) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    fail(e == ENOENT ? ErrorKind::FileNotFound : ErrorKind::OS, "cannot open ", path_, ": ", std::strerror(e));
  }
  try {
    map(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);  // the mapping keeps the file alive
}

MappedFile::MappedFile(int fd, std::string name) : path_(std::move(name)) {
  map(fd);
}

void MappedFile::map(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) os_error("cannot stat ", path_, ": ", std::strerror(errno));
  if (S_ISDIR(st.st_mode)) os_error("cannot open ", path_, ": is a directory");
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) os_error("cannot map ", path_, ": ", std::strerror(errno));
    data_ = static_cast<const uint8_t*>(p);
    mapped_ = true;
  }
}

MappedFile::MappedFile(std::string path, BigVector<uint8_t> bytes)
    : path_(std::move(path)), size_(bytes.size()), owned_(std::move(bytes)) {
  data_ = owned_.data();
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : path_(std::move(o.path_)), data_(o.data_), size_(o.size_), mapped_(o.mapped_), owned_(std::move(o.owned_)) {
  o.data_ = nullptr;
  o.size_ = 0;
  o.mapped_ = false;
}

MappedFile::~MappedFile() {
  if (mapped_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

void MappedFile::check_range(uint64_t offset, uint64_t count, uint64_t item_size, const char* what) const {
  // Written to avoid overflow: offset + count * item_size <= size_.
  if (offset > size_ || (item_size && count > (size_ - offset) / item_size))
    corrupt(cat(what, " at byte ", offset, " (", count, " x ", item_size, " bytes) lies beyond the end of the file (",
                size_, " bytes)"));
}

void MappedFile::misaligned(uint64_t offset, size_t alignment, const char* what) const {
  corrupt(cat(what, " at byte ", offset, " is not aligned to ", alignment, " bytes"));
}

void MappedFile::corrupt(const std::string& detail) const {
  os_error(path_, " is corrupt or truncated: ", detail);
}

}  // namespace gk
