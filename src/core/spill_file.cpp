#include "spill_file.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "errors.h"

namespace gk {

namespace {

constexpr size_t kChunk = size_t(1) << 20;

std::atomic<uint64_t> g_spill_memory{0};  // bytes of chunks every SpillFile holds in memory

/// Counts one more chunk against the memory of all spills; false if it would exceed `budget`.
bool reserve_chunk(uint64_t budget) {
  uint64_t now = g_spill_memory.load(std::memory_order_relaxed);
  do {
    if (now + kChunk > budget) return false;
  } while (!g_spill_memory.compare_exchange_weak(now, now + kChunk, std::memory_order_relaxed));
  return true;
}

}  // namespace

SpillFile::SpillFile(std::string near, uint64_t budget) : near_(std::move(near)), budget_(budget) {}

SpillFile::~SpillFile() {
  g_spill_memory.fetch_sub(budgeted_, std::memory_order_relaxed);
  if (fd_ >= 0) ::close(fd_);
}

void SpillFile::write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  total_ += n;
  while (n > 0) {
    if (chunks_.empty() || used_ == kChunk) make_room();
    size_t k = std::min(n, kChunk - used_);
    std::memcpy(chunks_.back().get() + used_, p, k);
    used_ += k;
    p += k;
    n -= k;
  }
}

void SpillFile::make_room() {
  if (fd_ < 0 && reserve_chunk(budget_)) {
    chunks_.emplace_back(new char[kChunk]);  // not zero-filled: pages are touched only when written
    budgeted_ += kChunk;
    used_ = 0;
    return;
  }
  if (fd_ < 0) to_disk();
  if (chunks_.empty()) chunks_.emplace_back(new char[kChunk]);
  flush();
}

void SpillFile::to_disk() {
  std::string tmpl = near_ + ".spill.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) os_error("cannot create a temporary file next to ", near_, ": ", std::strerror(errno));
  ::unlink(name.data());
  for (size_t i = 0; i + 1 < chunks_.size(); ++i) raw_write(chunks_[i].get(), kChunk);
  if (!chunks_.empty()) {
    std::swap(chunks_.front(), chunks_.back());
    chunks_.resize(1);  // the last chunk (used_ bytes) is now the write buffer
  }
  g_spill_memory.fetch_sub(budgeted_, std::memory_order_relaxed);
  budgeted_ = 0;
}

void SpillFile::copy_to(AtomicFileWriter& out) {
  if (fd_ < 0) {
    for (size_t i = 0; i < chunks_.size(); ++i) out.write(chunks_[i].get(), i + 1 < chunks_.size() ? kChunk : used_);
    return;
  }
  flush();
  if (::lseek(fd_, 0, SEEK_SET) < 0)
    os_error("cannot rewind the temporary file next to ", near_, ": ", std::strerror(errno));
  uint64_t left = total_;
  char* buf = chunks_.front().get();
  while (left > 0) {
    ssize_t got = ::read(fd_, buf, static_cast<size_t>(std::min<uint64_t>(left, kChunk)));
    if (got <= 0)
      os_error("cannot read the temporary file next to ", near_, ": ",
               got < 0 ? std::strerror(errno) : "unexpected end");
    out.write(buf, static_cast<size_t>(got));
    left -= static_cast<uint64_t>(got);
  }
}

void SpillFile::flush() {
  if (used_) raw_write(chunks_.front().get(), used_);
  used_ = 0;
}

void SpillFile::raw_write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      os_error("cannot write the temporary file next to ", near_, ": ", std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace gk
