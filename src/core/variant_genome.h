// VariantGenome: the reference sequence of one assembly with a set of
// non-overlapping variants applied.
//
// Variants are validated once (assembly, ALT letters in ACGTN, REF inside
// the chromosome and equal to the genome's bases) and stored as normalised
// edits (see variant.h), sorted per chromosome. Sequence requests decode the
// reference directly from the 2bit file between edits, so a request costs
// O(output length + edits in the window), independent of the variant count.
//
// Semantics of a request for interval [s, e) on the '+' strand (the '-'
// strand result is the reverse complement; anchors are in reference
// orientation on both strands):
//  * no anchor: every edit inside [s, e) is applied, partial ones clipped;
//    an insertion at s is included, one at e is not. The length follows
//    the indels.
//  * anchor a (offset k): let V be the variant sequence of the whole
//    chromosome and A the point of V at reference gap a, placed after the
//    first k bases of an insertion at a (k clamped to [0, insertion length]).
//    The result is V[A - (a - s), A + (e - a)): always e - s bases, the left
//    part right-aligned at the anchor and the right part left-aligned,
//    including when the anchor lies outside [s, e).
// Bases outside the chromosome are 'N' (or IndexError without
// allow_outside).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twobit.h"
#include "variant.h"

namespace gk {

/// Per output base: the reference position of a reference base, or for an
/// inserted base the gap position of its insertion and its index in it.
struct BaseOrigin {
  int64_t pos;
  int32_t ins_index;  // -1 for a reference base
};

class VariantGenome {
 public:
  /// Validates `variants` against `dna` (which must outlive this object)
  /// and indexes them. ValueError for another assembly, ALT letters outside
  /// ACGTN, a REF that differs from the genome, overlapping variants;
  /// IndexError for a REF outside its chromosome.
  VariantGenome(const TwoBitFile& dna, std::vector<Variant> variants);

  RefgId refg() const { return dna_->refg(); }
  const TwoBitFile& dna() const { return *dna_; }
  /// The variants, sorted by chromosome order then position.
  const std::vector<Variant>& variants() const { return variants_; }
  /// True if both hold the same normalised edits.
  bool same_edits(const VariantGenome& o) const;

  /// Number of bases `fetch` writes for `iv`.
  int64_t output_length(const Interval& iv) const;
  /// Writes the variant sequence of `iv` into out[0, output_length(iv)) and,
  /// if `origin` is not null, the origin of every output base (in output
  /// order, so reversed on '-'). With `soft_mask`, reference bases keep the
  /// file's lower case (variant bases are upper case). Thread safe.
  void fetch(const Interval& iv, char* out, BaseOrigin* origin, bool allow_outside, bool soft_mask = false) const;

 private:
  /// The edits of one chromosome (a slice of edits_).
  struct Edits {
    const Edit* first = nullptr;
    size_t n = 0;
    size_t size() const { return n; }
    const Edit& operator[](size_t i) const { return first[i]; }
    const Edit* begin() const { return first; }
    const Edit* end() const { return first + n; }
  };
  struct ChromEdits {
    ChromId chrom;
    size_t begin, end;  // range in edits_
  };

  /// Validates `v` (assembly, ALT letters, bounds, REF) and appends its edits.
  void check_and_normalize(const Variant& v, std::vector<Edit>& out) const;
  Edits edits_of(ChromId c) const;
  static size_t first_edit(const Edits& ed, int64_t gap);
  static int64_t count(const Edits& ed, int64_t from, int64_t to, int64_t skip_first_ins, int64_t take_last_ins);
  void emit(const Interval& iv, const Edits& ed, int64_t from, int64_t to, int64_t skip_first_ins,
            int64_t take_last_ins, int64_t skip, int64_t take, char* out, BaseOrigin* origin, bool allow_outside,
            bool soft_mask) const;

  const TwoBitFile* dna_;
  std::vector<Variant> variants_;
  std::vector<Edit> edits_;         // sorted by chromosome, then position (insertions first)
  std::vector<ChromEdits> chroms_;  // one entry per chromosome with edits, ascending
};

/// Start offsets of `motif` in seq[0, n), scanning left to right; after a
/// hit the scan resumes one base later (overlapping) or after the hit.
std::vector<int64_t> find_motif_offsets(const char* seq, int64_t n, const std::string& motif, bool overlapping);

}  // namespace gk
