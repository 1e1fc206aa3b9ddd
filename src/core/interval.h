// Interval: a stranded, 0-based, end-exclusive range on one chromosome of one
// reference assembly (the DNA0 convention), optionally carrying an anchor.
//
// Invariants: start <= end on either strand; an empty interval (start == end)
// is the gap between two bases. All relations are strand aware: intervals on
// opposite strands or on different chromosomes never relate. Callers check
// that both operands share an assembly before relating them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "assembly.h"

namespace gk {

struct Interval {
  int64_t start = 0;
  int64_t end = 0;
  ChromId chrom = 0;
  RefgId refg = 0;
  char strand = '+';
  bool has_anchor = false;
  int64_t anchor = 0;
  int64_t anchor_offset = 0;

  /// Validating constructor: start <= end and strand '+' or '-'.
  static Interval make(ChromId chrom, char strand, int64_t start, int64_t end, RefgId refg);
  /// make()'s checks of [start, end) for row `row` of a batch API: ValueError "row <row>: ...".
  static void check_row(size_t row, int64_t start, int64_t end);

  bool pos_strand() const { return strand == '+'; }
  int64_t length() const { return end - start; }
  bool empty() const { return start == end; }

  /// Same chromosome, strand and assembly.
  bool same_track(const Interval& o) const { return chrom == o.chrom && strand == o.strand && refg == o.refg; }

  Interval end5() const;
  Interval end3() const;
  /// Adds `up` bases upstream and `dn` downstream (strand aware); negative
  /// values shrink. ValueError if the result would have negative length.
  Interval expand(int64_t up, int64_t dn) const;
  /// Moves `n` bases downstream (strand aware).
  Interval shift(int64_t n) const;
  /// `width` bases (>= 0) around the centre, same strand.
  Interval resize(int64_t width) const;
  // All of them: ValueError naming the interval and the amounts when a
  // coordinate or the length would not fit 64 bits.
  Interval with_strand(char s) const;

  bool contains(const Interval& o) const { return same_track(o) && o.start >= start && o.end <= end; }
  bool within(const Interval& o) const { return o.contains(*this); }
  /// Share at least one base, or an empty interval strictly inside the other.
  bool overlaps(const Interval& o) const;
  bool upstream_of(const Interval& o) const;
  bool dnstream_of(const Interval& o) const;
  std::optional<Interval> intersect(const Interval& o) const;

  /// Position of the anchor from a keyword ("5p", "3p", "center", "start",
  /// "end"); ValueError for any other word.
  int64_t anchor_position(const std::string& word) const;

  /// Equality of coordinates and anchor (assembly assumed equal).
  bool same_as(const Interval& o) const {
    return start == o.start && end == o.end && chrom == o.chrom && strand == o.strand && has_anchor == o.has_anchor &&
           (!has_anchor || (anchor == o.anchor && anchor_offset == o.anchor_offset));
  }
  /// Total order: chromosome order of the assembly, start, end, strand, anchor
  /// (inline: sorting calls it n log n times).
  bool less_than(const Interval& o) const {
    if (chrom != o.chrom) return chrom < o.chrom;
    if (start != o.start) return start < o.start;
    if (end != o.end) return end < o.end;
    if (strand != o.strand) return strand < o.strand;
    if (has_anchor != o.has_anchor) return has_anchor < o.has_anchor;
    if (!has_anchor) return false;
    return anchor != o.anchor ? anchor < o.anchor : anchor_offset < o.anchor_offset;
  }
  size_t hash() const;

  const std::string& chrom_name() const { return assembly(refg).chrom_name(chrom); }
  const std::string& refg_name() const { return assembly(refg).name(); }
  /// `chr1:101-120:+` style text for messages (1-based, inclusive).
  std::string describe() const;
};

}  // namespace gk
