// Slab: fixed-size blocks for the small Python objects made by the million
// (lazy row objects, Intervals returned by value).
//
// Blocks come from 2 MiB chunks aligned to 2 MiB (transparent huge pages
// where the kernel allows them), so the chunk of a block is its address
// rounded down. Each chunk has its own free list and live count; chunks with
// room are on a doubly linked list. Up to kKeepEmpty empty chunks are kept for
// reuse: a loop that builds and drops lists of a million objects costs no page
// faults after its first round, where the interpreter's allocator returns its
// arenas to the kernel and faults them in again every round (page faults
// dominated the cost of kept objects in a VM).
//
// Not thread safe: every call holds the GIL.
#pragma once

#include <cstddef>

namespace gkpy {

class Slab {
 public:
  /// Blocks of `block_size` bytes rounded up to a multiple of 8.
  explicit Slab(size_t block_size);
  Slab(const Slab&) = delete;
  Slab& operator=(const Slab&) = delete;

  /// A block of block_size() bytes (8-byte aligned). Never null: raises MemoryError.
  void* alloc();
  /// Returns a block alloc() gave.
  void free(void* p);
  size_t block_size() const { return block_; }

 private:
  struct Chunk;
  Chunk* new_chunk();
  void unlink(Chunk* c);
  void push(Chunk* c);
  bool has_room(const Chunk* c) const;

  size_t block_;
  Chunk* avail_ = nullptr;  // chunks with room
  size_t empty_ = 0;        // empty chunks kept
};

}  // namespace gkpy
