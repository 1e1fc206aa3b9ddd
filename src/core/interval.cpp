#include "interval.h"

#include "errors.h"

namespace gk {

Interval Interval::make(ChromId chrom, char strand, int64_t start, int64_t end, RefgId refg) {
  if (strand != '+' && strand != '-') value_error("strand must be '+' or '-', got '", strand, "'");
  if (start > end) value_error("Requires start <= end but ", start, " > ", end);
  Interval i;
  i.chrom = chrom;
  i.strand = strand;
  i.start = start;
  i.end = end;
  i.refg = refg;
  return i;
}

Interval Interval::end5() const {
  Interval r = *this;
  if (pos_strand())
    r.end = start;
  else
    r.start = end;
  return r;
}

Interval Interval::end3() const {
  Interval r = *this;
  if (pos_strand())
    r.start = end;
  else
    r.end = start;
  return r;
}

Interval Interval::expand(int64_t up, int64_t dn) const {
  Interval r = *this;
  if (pos_strand()) {
    r.start -= up;
    r.end += dn;
  } else {
    r.start -= dn;
    r.end += up;
  }
  if (r.start > r.end) value_error("expanding ", describe(), " by (", up, ", ", dn, ") gives a negative length");
  return r;
}

Interval Interval::shift(int64_t n) const {
  Interval r = *this;
  int64_t d = pos_strand() ? n : -n;
  r.start += d;
  r.end += d;
  return r;
}

Interval Interval::with_strand(char s) const {
  Interval r = *this;
  r.strand = s;
  return r;
}

bool Interval::overlaps(const Interval& o) const {
  if (!same_track(o)) return false;
  if (empty() && o.empty()) return false;
  return start < o.end && o.start < end;
}

bool Interval::upstream_of(const Interval& o) const {
  if (!same_track(o)) return false;
  return pos_strand() ? end <= o.start : start >= o.end;
}

bool Interval::dnstream_of(const Interval& o) const {
  if (!same_track(o)) return false;
  return pos_strand() ? start >= o.end : end <= o.start;
}

std::optional<Interval> Interval::intersect(const Interval& o) const {
  // Touching intervals do not intersect; an empty interval strictly inside
  // the other intersects to itself.
  if (!same_track(o) || end <= o.start || o.end <= start) return std::nullopt;
  Interval r = *this;
  r.start = std::max(start, o.start);
  r.end = std::min(end, o.end);
  return r;
}

int64_t Interval::anchor_position(const std::string& w) const {
  if (w == "start") return start;
  if (w == "end") return end;
  if (w == "5p") return pos_strand() ? start : end;
  if (w == "3p") return pos_strand() ? end : start;
  if (w == "center") return pos_strand() ? start + length() / 2 : end - length() / 2;
  value_error("Unrecognized string '", w, "' for anchor (expected 5p, 3p, center, start or end)");
}

size_t Interval::hash() const {
  // 64-bit mix of the coordinates; anchors are left out so that equal
  // intervals always hash equal.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  mix(static_cast<uint64_t>(start));
  mix(static_cast<uint64_t>(end));
  mix((static_cast<uint64_t>(static_cast<uint32_t>(chrom)) << 24) | (static_cast<uint64_t>(refg) << 8) |
      static_cast<uint8_t>(strand));
  return static_cast<size_t>(h);
}

std::string Interval::describe() const {
  return cat(chrom_name(), ":", start + 1, "-", end, ":", strand, " on ", refg_name());
}

}  // namespace gk
