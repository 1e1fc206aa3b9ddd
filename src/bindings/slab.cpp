#include "slab.h"

#include <sys/mman.h>

#include <cstdint>

#include "common.h"

namespace gkpy {

namespace {
constexpr size_t kChunk = size_t(2) << 20;
constexpr size_t kKeepEmpty = 16;  // up to 32 MiB of empty chunks kept per slab
}  // namespace

struct Slab::Chunk {
  void* free;  // free blocks (each holds the next pointer)
  char* bump;  // first never-used block
  char* end;
  uint32_t live;
  bool listed;  // on the list of chunks with room
  Chunk* prev;
  Chunk* next;
};

namespace {
constexpr size_t kFirst = (sizeof(void*) * 6 + 15) / 16 * 16;  // room for the chunk header
}  // namespace

Slab::Slab(size_t block_size) : block_((block_size + 7) / 8 * 8) {
  static_assert(sizeof(Chunk) <= kFirst, "the chunk header fits before the first block");
}

void Slab::unlink(Chunk* c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    avail_ = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = nullptr;
  c->listed = false;
}

void Slab::push(Chunk* c) {
  c->prev = nullptr;
  c->next = avail_;
  if (avail_) avail_->prev = c;
  avail_ = c;
  c->listed = true;
}

bool Slab::has_room(const Chunk* c) const {
  return c->free || c->bump + block_ <= c->end;
}

Slab::Chunk* Slab::new_chunk() {
  // Map twice the size, keep the aligned middle.
  void* raw = ::mmap(nullptr, 2 * kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    PyErr_NoMemory();
    throw py::error_already_set();
  }
  auto base = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (base + kChunk - 1) & ~(uintptr_t(kChunk) - 1);
  if (aligned > base) ::munmap(raw, aligned - base);
  uintptr_t tail = aligned + kChunk, raw_end = base + 2 * kChunk;
  if (raw_end > tail) ::munmap(reinterpret_cast<void*>(tail), raw_end - tail);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), kChunk, MADV_HUGEPAGE);  // advisory: ignore failure
#endif
  auto* c = reinterpret_cast<Chunk*>(aligned);
  c->free = nullptr;
  c->bump = reinterpret_cast<char*>(aligned) + kFirst;
  c->end = reinterpret_cast<char*>(aligned) + kChunk;
  c->live = 0;
  c->prev = c->next = nullptr;
  c->listed = false;
  push(c);
  ++empty_;
  return c;
}

void* Slab::alloc() {
  Chunk* c = avail_ ? avail_ : new_chunk();
  void* p;
  if (c->free) {
    p = c->free;
    c->free = *static_cast<void**>(p);
  } else {
    p = c->bump;
    c->bump += block_;
  }
  if (c->live++ == 0) --empty_;
  if (!has_room(c)) unlink(c);
  return p;
}

void Slab::free(void* p) {
  auto* c = reinterpret_cast<Chunk*>(reinterpret_cast<uintptr_t>(p) & ~(uintptr_t(kChunk) - 1));
  *static_cast<void**>(p) = c->free;
  c->free = p;
  if (--c->live == 0) {
    if (empty_ >= kKeepEmpty) {
      if (c->listed) unlink(c);
      ::munmap(c, kChunk);
      return;
    }
    ++empty_;
    // Start over: sequential allocation again (locality).
    c->free = nullptr;
    c->bump = reinterpret_cast<char*>(c) + kFirst;
  }
  if (!c->listed) push(c);
}

}  // namespace gkpy
