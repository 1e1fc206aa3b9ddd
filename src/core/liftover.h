// LiftOver: a UCSC chain file held as an in-memory index, and UCSC liftOver's
// rules for moving positions and intervals from the source ("t", old)
// assembly to the destination ("q", new) assembly of the chains.
//
// A chain aligns [t_start, t_end) of one source chromosome to [q_start, q_end)
// of one destination chromosome, on the destination's '+' or '-' strand
// (q coordinates of a '-' chain count from the end of the reverse complement),
// as ungapped blocks separated by gaps on either side.
//
// Layout: chains_ (header fields), blocks_ (every chain's blocks contiguous,
// ascending in t), and per source chromosome a cover table: the sorted
// breakpoints of its chains' spans and, for each elementary segment between two
// breakpoints, the chains spanning it (CSR arrays). Finding the chains over a
// position is one binary search, the blocks of a chain over it another.
// pieces_ (liftover_pieces.h) answers most intervals faster: those whose
// aligned bases, if any, all belong to one chain; the chain walk answers the
// rest. Everything is immutable after the constructor: queries are thread safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "interval.h"
#include "liftover_pieces.h"
#include "line_reader.h"

namespace gk {

/// Outcome of lifting one interval; the nonzero values are UCSC liftOver's
/// reasons for leaving an item unmapped (lift_reason gives the text).
enum class LiftStatus : uint8_t {
  Mapped = 0,
  Deleted = 1,           // no aligned base ("Deleted in new"; also an unknown chromosome)
  PartiallyDeleted = 2,  // one chain aligns some bases, fewer than min_match ("Partially deleted in new")
  Split = 3,             // several chains each align too few bases ("Split in new")
  Duplicated = 4,        // several chains each align enough bases ("Duplicated in new")
  NoTargetChrom = 5,     // mapped to a chromosome the destination assembly lacks (genome_kit's own)
};
constexpr int kNumLiftStatus = 6;
/// UCSC's wording of a status ("" for Mapped).
const char* lift_reason(LiftStatus s);

/// One position or interval on the destination assembly (chrom indexes
/// LiftOver::target_names()).
struct LiftResult {
  LiftStatus status = LiftStatus::Deleted;
  int32_t chrom = -1;
  int64_t start = 0, end = 0;
  char strand = '+';
};

/// A position hit by one chain block (points can hit several chains).
struct PointHit {
  int32_t chrom;
  int64_t pos;
  char strand;
  double score;
};

/// An Interval lifted to the destination assembly (interval valid when Mapped).
struct IntervalLift {
  LiftStatus status;
  Interval interval;
};

class LiftOver {
 public:
  /// Parses a chain file whose destination is assembly `target`; malformed
  /// content is a ValueError naming the file and line, read errors an
  /// OSError. A destination chromosome the assembly knows (by name or alias)
  /// must have the chain's size there (ValueError).
  LiftOver(ByteSource& src, RefgId target, double min_match = 0.95);

  RefgId target() const { return target_; }
  /// Default fraction of an interval's bases that must align (UCSC -minMatch).
  double min_match() const { return min_match_; }
  const std::vector<std::string>& source_names() const { return t_names_; }
  const std::vector<std::string>& target_names() const { return q_names_; }
  int64_t source_size(int32_t chrom) const { return t_sizes_[static_cast<size_t>(chrom)]; }
  int64_t target_size(int32_t chrom) const { return q_sizes_[static_cast<size_t>(chrom)]; }
  size_t num_chains() const { return chains_.size(); }
  size_t num_blocks() const { return blocks_.size(); }
  /// Index of a source chromosome name, or -1.
  int32_t find_source(std::string_view name) const;

  /// UCSC liftOver of [start, end) on source chromosome `chrom` (an index of
  /// source_names(), or -1 for an unknown one: Deleted), strand '+' or '-':
  /// the single chain aligning at least min_match of its bases maps it to
  /// the destination span of those aligned bases. An empty interval maps
  /// when one chain has a block with the position strictly inside.
  LiftResult lift(int32_t chrom, int64_t start, int64_t end, char strand, double min_match) const;

  /// lift() of an Interval of any assembly whose chromosome names (or
  /// aliases) the chains use for the source; the result is on target(),
  /// without anchor. ValueError if a source chromosome's size in the chain
  /// file disagrees with the Interval's assembly.
  IntervalLift lift(const Interval& iv, double min_match) const;

  /// Every chain block holding base `pos` (pyliftover's convert_coordinate),
  /// by decreasing chain score.
  std::vector<PointHit> lift_point(int32_t chrom, int64_t pos, char strand) const;

  /// lift() of n intervals given as arrays (strand: '+'/'-' bytes, or null
  /// for all '+'); results go to the out_ arrays (chrom -1 when unmapped).
  /// ValueError/IndexError naming the row for a bad chromosome index, strand
  /// or start > end. Pure C++: callers may release the GIL.
  void lift_batch(size_t n, const int32_t* chrom, const int64_t* start, const int64_t* end, const char* strand,
                  double min_match, int32_t* out_chrom, int64_t* out_start, int64_t* out_end, char* out_strand,
                  uint8_t* out_status) const;

 private:
  struct Chain {
    double score;
    int32_t t_chrom, q_chrom;
    int64_t t_start, t_end;
    char q_strand;
    uint32_t first_block, num_blocks;
    uint32_t first_coarse;  // this chain's entries in coarse_ends_
  };
  struct Block {
    int64_t t_start, t_end, q_start;  // q_start on the chain's q strand
  };
  struct Cover {
    std::vector<int64_t> breaks;  // sorted segment starts; segment i is [breaks[i], breaks[i+1])
    std::vector<uint32_t> first;  // chains of segment i: ids[first[i] .. first[i+1])
    std::vector<uint32_t> ids;    // chain indexes
  };

  LiftResult lift(int32_t chrom, int64_t start, int64_t end, char strand, double min_match,
                  std::vector<uint32_t>& scratch) const;
  /// lift() of a non-empty [start, end) with start >= 0 by its pieces; false (r untouched) when blocks of
  /// two chains align bases of it, which the chain walk decides.
  bool lift_by_pieces(int32_t chrom, int64_t start, int64_t end, char strand, double min_match, LiftResult& r) const;
  void parse(ByteSource& src);
  void build_covers();
  int32_t intern(std::vector<std::string>& names, std::vector<int64_t>& sizes,
                 std::unordered_map<std::string, int32_t>& index, std::string_view name, int64_t size, const char* side,
                 const std::string& where);
  struct ChainIds {
    const uint32_t *b, *e;
    const uint32_t* begin() const { return b; }
    const uint32_t* end() const { return e; }
  };
  /// Chains of `chrom` whose span overlaps [start, end) (start < end), each once, ascending: a view of
  /// the cover table when the range lies in one segment (the usual case), else of `scratch`.
  ChainIds chains_over(int32_t chrom, int64_t start, int64_t end, std::vector<uint32_t>& scratch) const;
  /// First block of chain `c` ending after `pos`.
  const Block* first_block_after(const Chain& c, int64_t pos) const;
  /// Destination coordinate (on '+') of source base or gap `t` inside block `b` of chain `c`.
  int64_t to_target(const Chain& c, const Block& b, int64_t t) const;

  std::vector<Chain> chains_;
  std::vector<Block> blocks_;
  std::vector<int64_t> block_ends_;  // blocks_[i].t_end, dense for the binary searches
  static constexpr uint32_t kStride = 16;
  std::vector<int64_t> coarse_ends_;  // per chain, the t_end of every kStride-th block (of the last of each run)
  std::vector<std::string> t_names_, q_names_;
  std::vector<int64_t> t_sizes_, q_sizes_;
  std::unordered_map<std::string, int32_t> t_index_, q_index_;
  std::vector<Cover> covers_;  // per source chromosome
  PieceIndex pieces_;
  RefgId target_;
  double min_match_;
  std::vector<ChromId> q_to_target_;  // per destination chromosome: its id in target_, or -1
  /// Per source assembly: its chromosome id -> source chromosome index (or -1), made on first use.
  const std::vector<int32_t>& source_map(RefgId refg) const;
  mutable std::mutex maps_mutex_;
  mutable std::unordered_map<RefgId, std::vector<int32_t>> source_maps_;
};

}  // namespace gk
