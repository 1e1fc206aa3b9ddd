// Training batches for sequence models (genome_kit.loader.WindowLoader): one-hot DNA
// (N, L, 4) and track targets pooled to the model's resolution (N, L / bin, T), written
// by worker threads straight into buffers the caller owns and reuses.
//
// A window is an Interval of L bases; strand '-' means "reverse complemented": the DNA is
// the '-' strand read 5'→3' and the targets are reversed along positions with every column
// traded for its strand partner (partner[c]; c itself for an unstranded column), exactly as
// TrackData.reverse_complement does. With variants, DNA comes from a VariantGenome, the
// window anchored at its centre so that it keeps L bases; targets stay on the reference.
// Target columns: per TargetSpec, the track's dims (unstranded track), or the dims of its
// '+' strand then those of its '-' strand (stranded track), each in genomic order for a '+'
// window, then Borzoi's transforms (scale, squash, soft clip, clip).
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "track_reader.h"
#include "twobit.h"
#include "variant_genome.h"

namespace gk {

enum class OneHotKind { U8, F32, F16 };

/// Bytes of one one-hot element.
size_t one_hot_size(OneHotKind k);

/// Borzoi's squashing of pooled coverage: none, -1 + sqrt(1 + x), -1 + (1 + x)^0.75.
enum class Squash { None, Sqrt, Pow75 };

/// One track of the targets and the transform of its values.
struct TargetSpec {
  const TrackFile* track = nullptr;
  Aggregation aggregation = Aggregation::Mean;
  bool both_strands = false;  // stranded track: dims of '+' then of '-'
  int64_t column = 0;         // first output column
  float scale = 1;
  Squash squash = Squash::None;
  float clip_soft = std::numeric_limits<float>::infinity();  // x > c: c - 1 + sqrt(x - c + 1)
  float clip = std::numeric_limits<float>::infinity();       // clamp to [-clip, clip]
  bool replace_nan = false;                                  // NaN bins become nan_value
  float nan_value = 0;

  int64_t columns() const { return int64_t(track->dim()) * (both_strands ? 2 : 1); }
  /// Pooled values transformed in place: scale, squash, soft clip, clip (NaN: nan_value or NaN).
  void transform(float* v, int64_t n) const;
};

class BatchFiller {
 public:
  /// ValueError for a length that is not a positive multiple of bin_size, a bin size the
  /// tracks cannot pool to, columns that do not tile [0, partner.size()), tracks on another
  /// assembly; the VariantGenome's errors for bad variants. `dna` must outlive this object,
  /// as must the tracks.
  BatchFiller(const TwoBitFile& dna, std::vector<Variant> variants, std::vector<TargetSpec> targets,
              std::vector<int32_t> partner, int64_t length, int64_t bin_size, OneHotKind kind, bool with_reference);

  int64_t length() const { return length_; }
  int64_t bins() const { return length_ / bin_; }
  int64_t columns() const { return int64_t(partner_.size()); }
  OneHotKind kind() const { return kind_; }
  bool has_variants() const { return bool(variants_); }

  /// Fills window `k` of a batch: dna + k*L*4 elements, ref (with_reference, else ignored)
  /// likewise, targets + k*bins*columns floats (ignored without targets). `stream`: DNA
  /// without variants is written with non-temporal stores (one_hot_unpack). Thread safe.
  void fill_window(const Interval& iv, int64_t k, void* dna, void* ref, float* targets, bool stream = false) const;

 private:
  void fill_dna(const Interval& iv, bool variant, bool stream, void* out) const;
  void fill_targets(const Interval& iv, float* out) const;

  const TwoBitFile* dna_;
  std::unique_ptr<VariantGenome> variants_;
  std::vector<TargetSpec> targets_;
  std::vector<int32_t> partner_;
  int64_t length_, bin_;
  OneHotKind kind_;
  bool with_reference_;
};

/// One batch filled in the background by `threads` threads (double buffering): the
/// constructor starts them and returns; wait() joins them and rethrows the first error.
/// The buffers must stay alive until wait() returns (the destructor waits too). A batch whose
/// one-hot DNA reaches kStreamMinBytes is written with streaming stores.
class BatchJob {
 public:
  BatchJob(const BatchFiller& filler, std::vector<Interval> windows, void* dna, void* ref, float* targets, int threads);
  ~BatchJob();
  BatchJob(const BatchJob&) = delete;
  BatchJob& operator=(const BatchJob&) = delete;

  void wait();

 private:
  void run();

  const BatchFiller& filler_;
  std::vector<Interval> windows_;
  void *dna_, *ref_;
  float* targets_;
  bool stream_;
  std::atomic<int64_t> next_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
};

}  // namespace gk
