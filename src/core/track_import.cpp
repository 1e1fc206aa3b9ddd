// Text importers of TrackBuilder: bedGraph, WIG (fixedStep/variableStep),
// BED, and runs handed over from bigWig readers.
//
// Records become blocks through a RunMerger: consecutive records on one
// chromosome and strand are merged into one block, small gaps (<= 8192 bp)
// filled with the default value when it is encodable; a larger gap, a
// backwards step or another chromosome starts a new block. Record starts must
// be multiples of the resolution; only a chromosome's last record may end
// unaligned (it then covers its last coarse position fully). A record ending
// past its chromosome's chrom.sizes length is an error. For masks (m0),
// overlapping records of a sorted file are merged into their union.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "errors.h"
#include "text_fields.h"
#include "track_builder.h"

namespace gk {

namespace {

constexpr int64_t kMaxGap = 8192;
constexpr int64_t kMaxPendingRows = 1 << 20;

class RunMerger {
 public:
  RunMerger(TrackBuilder& b, char strand) : b_(b), strand_(strand), d_(b.dim()), r_(b.resolution()) {
    mask_ = b.etype() == EType::m0;
    gap_ok_ = !mask_ && b.default_encodable();
    dflt_ = static_cast<float>(b.default_value());
  }

  void add(ChromId chrom, int64_t start, int64_t end, const float* vals) {
    if (start < 0 || end < start) value_error("invalid record coordinates ", start, "-", end);
    const Assembly& a = assembly(b_.refg());
    if (a.chrom_size(chrom) >= 0 && end > a.chrom_size(chrom))  // else the importer would allocate up to `end`
      value_error("record ", start, "-", end, " ends past the end of ", a.chrom_name(chrom), " (size ",
                  a.chrom_size(chrom), ")");
    if (end == start) return;
    if (start % r_ != 0)
      value_error("record start ", start, " (0-based) is not a multiple of the track resolution ", r_);
    const bool same = active_ && chrom == chrom_;
    if (same && unaligned_)
      value_error("the previous record ends at ", last_end_, ", not a multiple of the resolution ", r_,
                  "; only the last record of a chromosome may end unaligned");
    const int64_t cs = start / r_, ce = (end + r_ - 1) / r_;
    if (mask_ && same && cs >= cs_ && cs <= ce_) {  // masks: overlapping or touching records are a union
      ce_ = std::max(ce_, ce);
      prev_cs_ = cs;
      prev_ce_ = ce_;
      last_end_ = std::max(last_end_, end);
      unaligned_ = last_end_ % r_ != 0;
      return;
    }
    if (same && cs < prev_ce_ && ce > prev_cs_)
      value_error("record ", start, "-", end, " overlaps the previous record ", prev_cs_ * r_, "-", last_end_);
    const bool merge =
        same && cs >= ce_ && (cs == ce_ || (gap_ok_ && (cs - ce_) * r_ <= kMaxGap)) && (ce_ - cs_) < kMaxPendingRows;
    if (!merge) {
      finish();
      active_ = true;
      chrom_ = chrom;
      cs_ = ce_ = cs;
    }
    if (!mask_) {
      vals_.insert(vals_.end(), size_t(cs - ce_) * d_, dflt_);  // gap
      for (int64_t k = cs; k < ce; ++k) vals_.insert(vals_.end(), vals, vals + d_);
    }
    ce_ = ce;
    prev_cs_ = cs;
    prev_ce_ = ce;
    last_end_ = end;
    unaligned_ = end % r_ != 0;
  }

  void finish() {
    if (!active_) return;
    active_ = false;
    b_.add_block(chrom_, strand_, cs_, ce_, vals_.data(), DType::F32, false);
    vals_.clear();
  }

 private:
  TrackBuilder& b_;
  char strand_;
  size_t d_;
  int64_t r_;
  bool mask_ = false, gap_ok_ = false;
  float dflt_ = 0;
  bool active_ = false, unaligned_ = false;
  ChromId chrom_ = 0;
  int64_t cs_ = 0, ce_ = 0, prev_cs_ = 0, prev_ce_ = 0, last_end_ = 0;
  std::vector<float> vals_;
};

void split_on(std::string_view line, char sep, std::vector<std::string_view>& out) {
  out.clear();
  size_t at = 0;
  for (;;) {
    size_t k = line.find(sep, at);
    if (k == std::string_view::npos) {
      out.push_back(line.substr(at));
      return;
    }
    out.push_back(line.substr(at, k - at));
    at = k + 1;
  }
}

void split_ws(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
}

/// BED-like lines: tab separated when they contain a tab, else whitespace.
void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  if (line.find('\t') != std::string_view::npos)
    split_on(line, '\t', out);
  else
    split_ws(line, out);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int64_t parse_int(std::string_view s, const char* what) {
  s = trim(s);
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty())
    value_error("invalid ", what, " '", std::string(s), "': expected an integer");
  return v;
}

float parse_value(std::string_view s) {
  s = trim(s);
  double v = 0;
  // parse_double rounds out-of-range values as strtod does (1e-400 -> 0, -1e400 -> -inf).
  if (!parse_double(s, v)) value_error("invalid value '", std::string(s), "': expected a number");
  return static_cast<float>(v);
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}

bool skip_line(std::string_view line) {
  return trim(line).empty() || line[0] == '#' || starts_with(line, "track") || starts_with(line, "browser");
}

ChromId chrom_of(RefgId refg, std::string_view name) {
  const Assembly& a = assembly(refg);
  ChromId c = a.find(std::string(name));
  if (c < 0) value_error("unknown chromosome '", std::string(name), "' for reference genome ", a.name());
  return c;
}

template <class F>
void each_line(LineReader& lr, const char* kind, F&& fn) {
  std::string_view line;
  while (lr.next(line)) {
    try {
      fn(line);
    } catch (const Error& e) {
      fail(e.kind(), "In ", kind, " file ", lr.where(), ": ", e.what());
    }
  }
}

template <class F>
void at_end(LineReader& lr, const char* kind, F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    fail(e.kind(), "In ", kind, " file ", lr.where(), " (end of file): ", e.what());
  }
}

}  // namespace

void TrackBuilder::add_bedgraph(ByteSource& src, char strand) {
  if (dim_ != 1) value_error("bedGraph input needs a track of dim 1, this one has dim ", dim_);
  if (etype_ == EType::m0) value_error("bedGraph input cannot fill a mask track (etype m0); use set_data_from_bed");
  LineReader lr(src);
  RunMerger m(*this, stranded() ? strand : '+');
  std::vector<std::string_view> f;
  each_line(lr, "bedGraph", [&](std::string_view line) {
    if (skip_line(line)) return;
    split_fields(line, f);
    if (f.size() != 4) value_error("Expected 4 columns (chrom, start, end, value) but found ", f.size());
    float v = parse_value(f[3]);
    m.add(chrom_of(refg_, f[0]), parse_int(f[1], "start"), parse_int(f[2], "end"), &v);
  });
  at_end(lr, "bedGraph", [&] { m.finish(); });
}

namespace {

/// The name= value of a `track` line ("" if none); quoted values may hold spaces.
std::string track_name_of(std::string_view line) {
  size_t at = line.find(" name=");
  if (at == std::string_view::npos) at = line.find("\tname=");
  if (at == std::string_view::npos) return "";
  std::string_view v = line.substr(at + 6);
  if (!v.empty() && v[0] == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(v.substr(0, v.find_first_of(" \t")));
}

}  // namespace

void TrackBuilder::add_wig(ByteSource& src, char strand, const std::string& track_name, int64_t track_index) {
  if (strandedness_ == Strandedness::strand_aware)
    value_error(
        "WIG input is not supported for strand_aware tracks (WIG records are in reference order: use "
        "strand_unaware)");
  if (etype_ == EType::m0) value_error("WIG input cannot fill a mask track (etype m0); use set_data_from_bed");
  LineReader lr(src);
  RunMerger m(*this, stranded() ? strand : '+');
  std::vector<std::string_view> f, kv;
  std::vector<float> vals(dim_);
  enum { None, Fixed, Variable } mode = None;
  ChromId chrom = 0;
  int64_t next = 0, step = 1, span = 1;
  int tracks = 0;
  const bool select = !track_name.empty() || track_index >= 0;
  bool selected = !select, found = false;
  std::vector<std::string> names;  // of the track lines, for the message when the one asked for is absent
  try {
    each_line(lr, "WIG", [&](std::string_view line) {
      if (starts_with(line, "track")) {
        mode = None;  // a new track: a declaration or BED-style lines follow
        ++tracks;
        if (select) {
          names.push_back(track_name_of(line));
          selected = track_index >= 0 ? tracks - 1 == track_index : names.back() == track_name;
          found |= selected;
        }
      }
      if (!selected || skip_line(line)) return;
      bool fixed = starts_with(line, "fixedStep");
      if (fixed || starts_with(line, "variableStep")) {
        split_ws(line, f);
        bool have_chrom = false, have_start = false;
        step = span = 1;
        for (size_t i = 1; i < f.size(); ++i) {
          size_t eq = f[i].find('=');
          if (eq == std::string_view::npos) value_error("expected key=value, got '", std::string(f[i]), "'");
          std::string_view k = f[i].substr(0, eq), v = f[i].substr(eq + 1);
          if (k == "chrom") {
            chrom = chrom_of(refg_, v);
            have_chrom = true;
          } else if (k == "start") {
            next = parse_int(v, "start") - 1;
            have_start = true;
          } else if (k == "step") {
            step = parse_int(v, "step");
          } else if (k == "span") {
            span = parse_int(v, "span");
          } else {
            value_error("unknown WIG key '", std::string(k), "'");
          }
        }
        if (!have_chrom) value_error("missing chrom= in the declaration line");
        if (fixed && !have_start) value_error("fixedStep needs start=");
        if (fixed && next < 0) value_error("start=", next + 1, " must be >= 1");
        if (step < 1 || span < 1) value_error("step and span must be >= 1");
        if (span % res_ != 0)
          value_error("span=", span, " must be a multiple of the track resolution ", res_, " (it must cover whole ",
                      "resolution units)");
        mode = fixed ? Fixed : Variable;
        return;
      }
      split_ws(line, f);  // UCSC's examples separate columns by spaces, bigWigToWig by tabs
      if (mode == None) {
        // The third form of UCSC's wiggle page: BED-style "chrom start end value" lines (0-based).
        if (f.size() != dim_ + 3)
          value_error(
              "data line before any fixedStep/variableStep declaration (and not a BED-style "
              "'chrom start end value' line)");
        for (size_t j = 0; j < dim_; ++j) vals[j] = parse_value(f[3 + j]);
        m.add(chrom_of(refg_, f[0]), parse_int(f[1], "start"), parse_int(f[2], "end"), vals.data());
        return;
      }
      const size_t want = dim_ + (mode == Variable ? 1 : 0);
      if (f.size() != want)
        value_error("Expected ", want, " columns per line but found ", f.size(),
                    mode == Variable ? " (position, then one value per dim)" : " (one value per dim)");
      int64_t pos;
      if (mode == Variable) {
        pos = parse_int(f[0], "position") - 1;
        if (pos < 0) value_error("position ", pos + 1, " must be >= 1");
      } else {
        pos = next;
        next += step;
      }
      for (size_t j = 0; j < dim_; ++j) vals[j] = parse_value(f[j + want - dim_]);
      m.add(chrom, pos, pos + span, vals.data());
    });
    at_end(lr, "WIG", [&] { m.finish(); });
    if (select && !found) {
      std::string listed;
      for (size_t k = 0; k < names.size(); ++k) listed += cat(k ? ", " : "", k, ": '", names[k], "'");
      value_error("In WIG file ", lr.name(), ": no track line ",
                  track_index >= 0 ? cat("number ", track_index) : cat("named '", track_name, "'"), " (the file has ",
                  names.size(), names.empty() ? "" : cat(": ", listed), ")");
    }
  } catch (const Error& e) {
    if (tracks < 2 || select) throw;
    fail(e.kind(), e.what(), " (the file has ", tracks,
         " 'track' sections, which a browser shows as separate tracks: give each its own GenomeTrack)");
  }
}

void TrackBuilder::add_bed(ByteSource& src, const std::vector<std::string>& categories) {
  if (dim_ != 1) value_error("BED input needs a track of dim 1, this one has dim ", dim_);
  std::unordered_map<std::string, float> cat;
  if (!categories.empty()) {
    bool unsigned_int = etype_ >= EType::u1 && etype_ <= EType::u8;
    if (!unsigned_int)
      value_error("BED categories need an unsigned integer etype (u1..u8), not ", etype_info(etype_).name);
    if (categories.size() > (size_t(1) << bits_))
      value_error(categories.size(), " categories do not fit etype ", etype_info(etype_).name, " (at most ",
                  size_t(1) << bits_, ")");
    for (size_t i = 0; i < categories.size(); ++i) cat.emplace(categories[i], static_cast<float>(i));
  }
  // BED files are often unsorted (reads, peaks): records are collected and
  // sorted so that neighbours merge and overlapping mask records unite.
  struct Rec {
    ChromId chrom;
    char strand;
    int64_t start, end;
    float value;
    uint64_t line;
  };
  std::vector<Rec> recs;
  LineReader lr(src);
  std::vector<std::string_view> f;
  each_line(lr, "BED", [&](std::string_view line) {
    if (skip_line(line)) return;
    split_fields(line, f);
    if (f.size() < 3) value_error("Expected at least 3 columns (chrom, start, end) but found ", f.size());
    char strand = '+';
    std::string_view s = f.size() > 5 ? trim(f[5]) : std::string_view(".");
    if (!stranded()) {
      if (s != ".") value_error("Expected '.' for unstranded track, got '", std::string(s), "'");
    } else {
      if (s != "+" && s != "-")
        value_error("Expected '+' or '-' in the strand column for a stranded track, got '", std::string(s), "'");
      strand = s[0];
    }
    float v = 1.0f;
    if (!cat.empty()) {
      if (f.size() < 4) value_error("categories need the name column (4th)");
      auto it = cat.find(std::string(trim(f[3])));
      if (it == cat.end()) value_error("name '", std::string(trim(f[3])), "' is not one of the categories");
      v = it->second;
    } else if (f.size() > 4 && trim(f[4]) != ".") {
      v = parse_value(f[4]);
    }
    int64_t start = parse_int(f[1], "start"), end = parse_int(f[2], "end");
    if (start < 0 || end < start) value_error("invalid record coordinates ", start, "-", end);
    recs.push_back({chrom_of(refg_, f[0]), strand, start, end, v, lr.line_number()});
  });
  std::stable_sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) {
    if (a.strand != b.strand) return a.strand < b.strand;
    if (a.chrom != b.chrom) return a.chrom < b.chrom;
    return a.start < b.start;
  });
  RunMerger plus(*this, '+'), minus(*this, '-');
  for (const Rec& r : recs) {
    try {
      (r.strand == '-' ? minus : plus).add(r.chrom, r.start, r.end, &r.value);
    } catch (const Error& e) {
      fail(e.kind(), "In BED file ", lr.name(), ":", r.line, ": ", e.what());
    }
  }
  at_end(lr, "BED", [&] {
    plus.finish();
    minus.finish();
  });
}

void TrackBuilder::add_runs(ChromId chrom, char strand, const int64_t* starts, const int64_t* ends, const float* values,
                            size_t n, const std::string& where) {
  if (dim_ != 1) value_error("run input needs a track of dim 1, this one has dim ", dim_);
  RunMerger m(*this, stranded() ? strand : '+');
  size_t i = 0;
  try {
    for (; i < n; ++i) m.add(chrom, starts[i], ends[i], values + i);
    m.finish();
  } catch (const Error& e) {
    fail(e.kind(), "In ", where, " (", assembly(refg_).chrom_name(chrom), ":", i < n ? starts[i] + 1 : 0,
         "): ", e.what());
  }
}

}  // namespace gk
