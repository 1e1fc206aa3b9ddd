// Large zero-filled buffers for the builders (hash tables, row arrays, pieces).
//
// They are mapped directly and, where the system allows it, advised onto
// transparent huge pages: an annotation build touches ~300 MB of fresh memory,
// and faulting that in as 4 KiB pages costs as much as parsing a third of the
// input. Small requests use the ordinary heap.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace gk {

/// Zero-filled; from half of kBigAllocMin bytes up, 2 MiB aligned and rounded up
/// to whole huge pages. nullptr for 0.
/// Throws std::bad_alloc.
void* big_alloc(size_t bytes);
/// Releases what big_alloc(bytes) returned (same `bytes`).
void big_free(void* p, size_t bytes);

constexpr size_t kBigAllocMin = size_t(2) << 20;

/// std::allocator for vectors that may grow large: big_alloc from kBigAllocMin bytes up.
template <class T>
struct BigAllocator {
  using value_type = T;
  BigAllocator() = default;
  template <class U>
  BigAllocator(const BigAllocator<U>&) {}
  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes >= kBigAllocMin) return static_cast<T*>(big_alloc(bytes));
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes >= kBigAllocMin)
      big_free(p, bytes);
    else
      ::operator delete(p);
  }
  template <class U>
  bool operator==(const BigAllocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const BigAllocator<U>&) const {
    return false;
  }
};

template <class T>
using BigVector = std::vector<T, BigAllocator<T>>;

}  // namespace gk
