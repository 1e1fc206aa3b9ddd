// Building the pieces of each source chromosome (a sweep over block
// boundaries) and their bucket tables.
#include "liftover_pieces.h"

#include <algorithm>
#include <limits>

#include "errors.h"

namespace gk {

PieceIndex::PieceIndex(size_t num_chroms, const std::vector<Span>& blocks) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  // Block boundaries per chromosome: (position, +1 + block index at a start / -1 - block index at an end).
  std::vector<std::vector<std::pair<int64_t, int64_t>>> events(num_chroms);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Span& s = blocks[i];
    auto& e = events[static_cast<size_t>(s.t_chrom)];
    e.emplace_back(s.t_start, static_cast<int64_t>(i) + 1);
    e.emplace_back(s.t_end, -static_cast<int64_t>(i) - 1);
  }
  chroms_.resize(num_chroms);
  for (size_t k = 0; k < num_chroms; ++k) {
    auto& e = events[k];
    std::sort(e.begin(), e.end());
    const size_t first = pieces_.size();
    pieces_.push_back(Piece{kMin, 0, Piece::kNone, 0});
    // Sweep: the blocks over the piece after a boundary are counted, and (when one) named by the sum of the
    // open blocks' indexes.
    int64_t open = 0, sum = 0;
    for (size_t j = 0; j < e.size();) {
      const int64_t pos = e[j].first;
      for (; j < e.size() && e[j].first == pos; ++j) {
        const int64_t v = e[j].second;
        open += v > 0 ? 1 : -1;
        sum += v > 0 ? v - 1 : v + 1;
      }
      Piece p{pos, 0, open == 0 ? Piece::kNone : Piece::kSeveral, 0};
      if (open == 1) {
        p = blocks[static_cast<size_t>(sum)].piece;
        p.start = pos;
      }
      if (p.chain == Piece::kNone && pieces_.back().chain == Piece::kNone) continue;  // still uncovered
      pieces_.push_back(p);
    }
    const size_t last = pieces_.size() - 1;
    pieces_.push_back(Piece{kMax, 0, Piece::kNone, 0});  // sentinel
    if (pieces_.size() > UINT32_MAX) value_error("too many chain blocks");
    // About one piece per bucket: the smallest power-of-two bucket size giving no more buckets than pieces.
    const int64_t span = pieces_[last].start > 0 ? pieces_[last].start : 0;
    const auto n_pieces = static_cast<int64_t>(last - first + 1);
    Chrom& c = chroms_[k];
    while ((span >> c.shift) + 1 > n_pieces) ++c.shift;
    c.first_bucket = static_cast<uint32_t>(buckets_.size());
    c.num_buckets = static_cast<uint32_t>((span >> c.shift) + 1);
    if (buckets_.size() + c.num_buckets + 1 > UINT32_MAX) value_error("too many chain blocks");
    size_t p = first;
    for (uint64_t b = 0; b < c.num_buckets; ++b) {
      const auto at = static_cast<int64_t>(b << c.shift);
      while (pieces_[p + 1].start <= at) ++p;
      buckets_.push_back(static_cast<uint32_t>(p));
    }
    buckets_.push_back(static_cast<uint32_t>(last));
  }
}

}  // namespace gk
