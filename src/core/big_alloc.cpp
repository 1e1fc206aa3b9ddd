#include "big_alloc.h"

#include <sys/mman.h>

#include <cstdint>

namespace gk {

namespace {
size_t huge_round(size_t bytes) {
  return (bytes + kBigAllocMin - 1) / kBigAllocMin * kBigAllocMin;
}
}  // namespace

void* big_alloc(size_t bytes) {
  if (bytes == 0) return nullptr;
  if (bytes < kBigAllocMin / 2) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Map one huge page more than needed and trim to a 2 MiB aligned range: huge pages
  // only back aligned ranges.
  size_t size = huge_round(bytes);
  void* raw = ::mmap(nullptr, size + kBigAllocMin, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kBigAllocMin - 1) / kBigAllocMin * kBigAllocMin;
  if (aligned > start) ::munmap(raw, aligned - start);
  size_t tail = (start + size + kBigAllocMin) - (aligned + size);
  if (tail) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  ::madvise(p, size, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  return p;
}

void big_free(void* p, size_t bytes) {
  if (!p) return;
  ::munmap(p, bytes < kBigAllocMin / 2 ? bytes : huge_round(bytes));
}

}  // namespace gk
