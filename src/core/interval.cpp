#include "interval.h"

#include <cstdint>

#include "errors.h"

namespace gk {

namespace {

/// a + b, or ValueError "<context()>: <a> + <b> does not fit a 64-bit position". The context is a callable,
/// formatted only on overflow: these run per call in users' loops.
template <class Context>
int64_t add(int64_t a, int64_t b, const Context& context) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) value_error(context(), ": ", a, " + ", b, " does not fit a 64-bit position");
  return r;
}

}  // namespace

Interval Interval::make(ChromId chrom, char strand, int64_t start, int64_t end, RefgId refg) {
  if (strand != '+' && strand != '-') value_error("strand must be '+' or '-', got '", strand, "'");
  if (start > end) value_error("Requires start <= end but ", start, " > ", end);
  int64_t length;
  if (__builtin_sub_overflow(end, start, &length))
    value_error("the length of [", start, ", ", end, ") does not fit 64 bits");
  Interval i;
  i.chrom = chrom;
  i.strand = strand;
  i.start = start;
  i.end = end;
  i.refg = refg;
  return i;
}

void Interval::check_row(size_t row, int64_t start, int64_t end) {
  int64_t length;
  if (start > end) value_error("row ", row, ": start ", start, " is after end ", end);
  if (__builtin_sub_overflow(end, start, &length))
    value_error("row ", row, ": the length of [", start, ", ", end, ") does not fit 64 bits");
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
  const int64_t left = pos_strand() ? up : dn, right = pos_strand() ? dn : up;
  if (left == INT64_MIN) value_error("expanding ", describe(), " by (", up, ", ", dn, "): ", left, " is out of range");
  const auto what = [&] { return cat("expanding ", describe(), " by (", up, ", ", dn, ")"); };
  r.start = add(start, -left, what);
  r.end = add(end, right, what);
  if (r.start > r.end) value_error("expanding ", describe(), " by (", up, ", ", dn, ") gives a negative length");
  int64_t length;
  if (__builtin_sub_overflow(r.end, r.start, &length))
    value_error("expanding ", describe(), " by (", up, ", ", dn, ") gives a length that does not fit 64 bits");
  return r;
}

Interval Interval::shift(int64_t n) const {
  Interval r = *this;
  if (!pos_strand() && n == INT64_MIN) value_error("shifting ", describe(), " by ", n, ": the amount is out of range");
  const int64_t d = pos_strand() ? n : -n;
  const auto what = [&] { return cat("shifting ", describe(), " by ", n); };
  r.start = add(start, d, what);
  r.end = add(end, d, what);
  return r;
}

Interval Interval::resize(int64_t width) const {
  if (width < 0) value_error("width must be >= 0, got ", width);
  const int64_t c = anchor_position("center");
  Interval r = *this;
  const auto what = [&] { return cat("resizing ", describe(), " to ", width); };
  if (pos_strand()) {
    r.start = add(c, -(width / 2), what);
    r.end = add(r.start, width, what);
  } else {
    r.end = add(c, width / 2, what);
    r.start = add(r.end, -width, what);
  }
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
