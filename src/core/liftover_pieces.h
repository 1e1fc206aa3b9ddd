// PieceIndex: LiftOver's fast index. Each source chromosome is cut at every
// chain block boundary into pieces, so that every base of a piece is covered by
// the same chain blocks: none, exactly one (then the piece records its chain
// and the linear map of its bases to the destination), or several.
//
// Layout: pieces_ holds every chromosome's pieces contiguous and ascending,
// the first starting at INT64_MIN, followed by a sentinel piece starting at
// INT64_MAX (so a walk to the right always stops). Per chromosome a bucket
// table, one entry per 2^shift bases sized to about one piece per bucket, gives
// the piece holding the bucket's first base: finding a position's piece is one
// table read and a search among the few pieces that start inside its bucket,
// instead of two binary searches (chains, then blocks of a chain) over arrays
// that random queries miss in cache at every step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gk {

struct Piece {
  static constexpr uint32_t kNone = UINT32_MAX;         // no chain block covers the piece
  static constexpr uint32_t kSeveral = UINT32_MAX - 1;  // blocks of two or more chains cover it
  int64_t start;                                        // first base; the piece ends where the next one starts
  int64_t off;     // destination coordinate (on '+') of base or gap t: off + t, or off - t on a '-' chain
  uint32_t chain;  // the chain of the one covering block, kNone or kSeveral
  int32_t q;       // that chain's destination chromosome * 2, + 1 when the chain is on '-'

  bool minus() const { return (q & 1) != 0; }
  int32_t q_chrom() const { return q >> 1; }
  int64_t to_target(int64_t t) const { return minus() ? off - t : off + t; }
};

class PieceIndex {
 public:
  /// One chain block: source chromosome, source span, and its piece fields (start unused).
  struct Span {
    int32_t t_chrom;
    int64_t t_start, t_end;
    Piece piece;
  };

  PieceIndex() = default;
  /// Pieces of `num_chroms` source chromosomes cut by `blocks` (blocks of one chain never overlap).
  PieceIndex(size_t num_chroms, const std::vector<Span>& blocks);

  /// The piece of chromosome `chrom` holding position `pos` (pos >= 0); the pieces to its right follow it in
  /// memory up to the sentinel.
  const Piece* find(int32_t chrom, int64_t pos) const {
    const Chrom& c = chroms_[static_cast<size_t>(chrom)];
    const uint32_t* b = bucket(c, pos);
    // The last piece starting at or before pos, among b[0] .. b[1], without data-dependent branches.
    const Piece* p = pieces_.data() + b[0];
    for (size_t len = b[1] - b[0] + 1; len > 1;) {
      const size_t half = len / 2;
      p = p[half].start <= pos ? p + half : p;
      len -= half;
    }
    return p;
  }

 private:
  struct Chrom {
    uint32_t first_bucket = 0;  // its entries in buckets_: num_buckets + 1 (the last one: its last piece)
    uint32_t num_buckets = 0;
    int shift = 0;  // bucket k starts at base k << shift
  };
  const uint32_t* bucket(const Chrom& c, int64_t pos) const {
    const uint64_t k = static_cast<uint64_t>(pos) >> c.shift;
    return buckets_.data() + c.first_bucket + (k < c.num_buckets ? k : c.num_buckets - 1);
  }

  std::vector<Piece> pieces_;
  std::vector<uint32_t> buckets_;  // indexes of pieces_
  std::vector<Chrom> chroms_;
};

}  // namespace gk
