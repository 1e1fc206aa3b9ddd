// genome_kit.VariantGenome's compiled base (_core.VariantGenome) and motif search.
#include <array>
#include <cstring>

#include "common.h"
#include "errors.h"
#include "twobit.h"
#include "variant_genome.h"

namespace gkpy {

using gk::BaseOrigin;
using gk::Interval;
using gk::TwoBitFile;
using gk::VariantGenome;

namespace {

constexpr int64_t kReleaseGilBases = 1 << 14;

/// The core object plus the Python GenomeDNA it reads from (kept alive here:
/// cheaper than keep_alive, which matters when scoring one variant per call).
struct PyVariantGenome {
  py::object owner;
  VariantGenome core;
};

Interval as_interval(py::handle h) {
  if (!py::isinstance<Interval>(h))
    gk::type_error("expected an Interval, got ", py::str(py::type::of(h)).cast<std::string>());
  return interval_of(h);
}

std::vector<gk::Variant> to_variants(py::handle seq) {
  std::vector<gk::Variant> out;
  for (py::handle h : seq) {
    if (!py::isinstance<gk::Variant>(h))
      gk::type_error("variants must be Variant objects, got ", py::str(py::type::of(h)).cast<std::string>());
    out.push_back(h.cast<gk::Variant>());
  }
  return out;
}

/// Motif and match position as searched on the '+' strand for an interval
/// on `strand`.
std::pair<std::string, int64_t> plus_strand_motif(std::string motif, int64_t match_position, char strand) {
  for (char& c : motif) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (motif.empty()) gk::value_error("find_motif needs a non-empty motif");
  if (match_position < 0 || match_position > static_cast<int64_t>(motif.size()))
    gk::value_error("match_position must be in [0, ", motif.size(), "] for motif '", motif, "', got ", match_position);
  if (strand == '-') {
    gk::reverse_complement(motif.data(), motif.size());
    match_position = static_cast<int64_t>(motif.size()) - match_position;
  }
  return {motif, match_position};
}

py::list find_motif_reference(const TwoBitFile& dna, const Interval& iv, const std::string& motif_in,
                              int64_t match_position, bool overlapping) {
  if (iv.refg != dna.refg())
    gk::value_error("cannot search ", iv.describe(), " on genome ", gk::assembly(dna.refg()).name());
  auto [motif, mp] = plus_strand_motif(motif_in, match_position, iv.strand);
  Interval plus = iv;
  plus.strand = '+';
  plus.has_anchor = false;
  std::vector<int64_t> hits;
  {
    std::string seq(static_cast<size_t>(iv.length()), '\0');
    py::gil_scoped_release nogil;
    dna.fetch(plus, seq.data(), true, false);
    hits = gk::find_motif_offsets(seq.data(), iv.length(), motif, overlapping);
  }
  py::list out;
  for (int64_t h : hits) {
    Interval r = iv;
    r.has_anchor = false;
    r.anchor = r.anchor_offset = 0;
    r.start = r.end = iv.start + h + mp;
    out.append(r);
  }
  return out;
}

/// Reference (position, offset) of the gap before output base j: after an
/// inserted base it is that insertion (offset = index + 1); otherwise the
/// base at j (its insertion index, or offset 0); at the end, after the last
/// reference base.
std::pair<int64_t, int64_t> gap_origin(const std::vector<BaseOrigin>& o, int64_t j) {
  auto n = static_cast<int64_t>(o.size());
  if (j > 0 && o[static_cast<size_t>(j - 1)].ins_index >= 0)
    return {o[static_cast<size_t>(j - 1)].pos, o[static_cast<size_t>(j - 1)].ins_index + 1};
  if (j < n) {
    const BaseOrigin& b = o[static_cast<size_t>(j)];
    return {b.pos, b.ins_index >= 0 ? b.ins_index : 0};
  }
  return {o[static_cast<size_t>(j - 1)].pos + 1, 0};
}

py::list find_motif_variant(const VariantGenome& vg, const Interval& iv, const std::string& motif_in,
                            int64_t match_position, bool overlapping) {
  auto [motif, mp] = plus_strand_motif(motif_in, match_position, iv.strand);
  Interval plus = iv;
  plus.strand = '+';
  int64_t n = vg.output_length(plus);
  std::string seq(static_cast<size_t>(n), '\0');
  std::vector<BaseOrigin> origin(static_cast<size_t>(n));
  std::vector<int64_t> hits;
  {
    py::gil_scoped_release nogil;
    vg.fetch(plus, seq.data(), origin.data(), true);
    hits = gk::find_motif_offsets(seq.data(), n, motif, overlapping);
  }
  py::list out;
  for (int64_t h : hits) {
    auto [pos, off] = gap_origin(origin, h + mp);
    Interval r = iv;
    r.start = r.end = pos;
    r.has_anchor = true;
    r.anchor = pos;
    r.anchor_offset = off;
    out.append(r);
  }
  return out;
}

py::str variant_dna(const VariantGenome& vg, const Interval& iv, bool allow_outside) {
  int64_t n = vg.output_length(iv);
  auto s = py::reinterpret_steal<py::str>(PyUnicode_New(n, 127));
  if (!s) throw py::error_already_set();
  char* data = reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(s.ptr()));
  if (n >= kReleaseGilBases) {
    py::gil_scoped_release nogil;
    vg.fetch(iv, data, nullptr, allow_outside);
  } else {
    vg.fetch(iv, data, nullptr, allow_outside);
  }
  return s;
}

template <class T>
struct OneHotRows {
  std::array<std::array<T, 4>, 256> rows{};
  OneHotRows() {
    const char* letters = "ACGT";
    for (size_t k = 0; k < 4; ++k) rows[static_cast<uint8_t>(letters[k])][k] = T(1);
  }
};

template <class T>
void encode(const char* seq, int64_t n, T* dst) {
  static const OneHotRows<T> table;
  for (int64_t i = 0; i < n; ++i, dst += 4)
    std::memcpy(dst, table.rows[static_cast<uint8_t>(seq[i])].data(), 4 * sizeof(T));
}

template <class T>
py::tuple one_hot_pair(const VariantGenome& vg, const std::vector<Interval>& ivs, bool allow_outside) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  for (const auto& iv : ivs) {
    if (!iv.has_anchor) gk::value_error("one_hot_pair needs anchored intervals, got ", iv.describe());
    if (iv.length() != len)
      gk::value_error("one_hot_pair needs intervals of equal length: ", ivs[0].describe(), " has ", len, " bases, ",
                      iv.describe(), " has ", iv.length());
    if (iv.refg != vg.refg())
      gk::value_error("cannot fetch ", iv.describe(), " from a variant genome on ", gk::assembly(vg.refg()).name());
  }
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(ivs.size()), static_cast<py::ssize_t>(len), 4};
  py::array_t<T> ref(shape), alt(shape);
  T* r = ref.mutable_data();
  T* a = alt.mutable_data();
  {
    py::gil_scoped_release nogil;
    std::string buf(static_cast<size_t>(len), '\0');
    for (const auto& iv : ivs) {
      Interval plain = iv;
      plain.has_anchor = false;
      vg.dna().fetch(plain, buf.data(), allow_outside, false);
      encode(buf.data(), len, r);
      vg.fetch(iv, buf.data(), nullptr, allow_outside);
      encode(buf.data(), len, a);
      r += 4 * len;
      a += 4 * len;
    }
  }
  return py::make_tuple(ref, alt);
}

/// Windows for variant_pairs: `intervals` (one per variant) or, if None,
/// `width` bases on '+' anchored at each variant's start.
std::vector<Interval> pair_windows(const std::vector<gk::Variant>& vs, py::handle intervals, int64_t width) {
  std::vector<Interval> ivs;
  if (!intervals.is_none()) {
    for (py::handle h : intervals) ivs.push_back(as_interval(h));
    if (ivs.size() != vs.size())
      gk::value_error("variant_pairs needs one interval per variant: ", vs.size(), " variants, ", ivs.size(),
                      " intervals");
    return ivs;
  }
  if (width < 0) gk::value_error("width must be >= 0, got ", width);
  for (const auto& v : vs) {
    Interval iv = static_cast<const Interval&>(v);
    iv.start = v.start - width / 2;
    iv.end = iv.start + width;
    iv.has_anchor = true;
    iv.anchor = v.start;
    iv.anchor_offset = 0;
    ivs.push_back(iv);
  }
  return ivs;
}

template <class T>
py::tuple variant_pairs_one_hot(const TwoBitFile& dna, const std::vector<gk::Variant>& vs,
                                const std::vector<Interval>& ivs, bool allow_outside) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  for (const auto& iv : ivs)
    if (iv.length() != len || !iv.has_anchor)
      gk::value_error("one-hot variant pairs need anchored intervals of equal length, got ", iv.describe());
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(ivs.size()), static_cast<py::ssize_t>(len), 4};
  py::array_t<T> ref(shape), alt(shape);
  T* r = ref.mutable_data();
  T* a = alt.mutable_data();
  {
    py::gil_scoped_release nogil;
    std::string buf(static_cast<size_t>(len), '\0');
    for (size_t i = 0; i < vs.size(); ++i, r += 4 * len, a += 4 * len) {
      VariantGenome vg(dna, {vs[i]});
      Interval plain = ivs[i];
      plain.has_anchor = false;
      dna.fetch(plain, buf.data(), allow_outside, false);
      encode(buf.data(), len, r);
      vg.fetch(ivs[i], buf.data(), nullptr, allow_outside);
      encode(buf.data(), len, a);
    }
  }
  return py::make_tuple(ref, alt);
}

py::str new_ascii(int64_t n, std::vector<char*>& bufs) {
  auto s = py::reinterpret_steal<py::str>(PyUnicode_New(n, 127));
  if (!s) throw py::error_already_set();
  bufs.push_back(reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(s.ptr())));
  return s;
}

py::tuple variant_pairs_str(const TwoBitFile& dna, const std::vector<gk::Variant>& vs, const std::vector<Interval>& ivs,
                            bool allow_outside) {
  // Validate and size everything first, allocate the str objects (GIL held),
  // then fill them in place without the GIL.
  std::vector<VariantGenome> vgs;
  vgs.reserve(vs.size());
  for (const auto& v : vs) vgs.emplace_back(dna, std::vector<gk::Variant>{v});
  py::list r(vs.size()), a(vs.size());
  std::vector<char*> rbuf, abuf;
  for (size_t i = 0; i < vs.size(); ++i) {
    r[i] = new_ascii(ivs[i].length(), rbuf);
    a[i] = new_ascii(vgs[i].output_length(ivs[i]), abuf);
  }
  {
    py::gil_scoped_release nogil;
    for (size_t i = 0; i < vs.size(); ++i) {
      Interval plain = ivs[i];
      plain.has_anchor = false;
      dna.fetch(plain, rbuf[i], allow_outside, false);
      vgs[i].fetch(ivs[i], abuf[i], nullptr, allow_outside);
    }
  }
  return py::make_tuple(r, a);
}

}  // namespace

void register_variant_genome(py::module_& m) {
  py::class_<PyVariantGenome>(m, "VariantGenome", "Compiled base of genome_kit.VariantGenome.")
      .def(py::init([](py::object dna, py::handle variants) {
             const auto& file = dna.cast<const TwoBitFile&>();
             auto vs = to_variants(variants);
             if (vs.size() < 1000) return new PyVariantGenome{std::move(dna), VariantGenome(file, std::move(vs))};
             py::gil_scoped_release nogil;
             VariantGenome core(file, std::move(vs));
             py::gil_scoped_acquire gil;
             return new PyVariantGenome{std::move(dna), std::move(core)};
           }),
           py::arg("dna"), py::arg("variants"))
      .def_property_readonly("_variants",
                             [](const PyVariantGenome& self) {
                               py::list out;
                               for (const auto& v : self.core.variants()) out.append(v);
                               return out;
                             })
      .def("_same_edits", [](const PyVariantGenome& a, const PyVariantGenome& b) { return a.core.same_edits(b.core); })
      .def(
          "dna",
          [](const PyVariantGenome& self, py::handle iv, bool allow_outside) {
            return variant_dna(self.core, as_interval(iv), allow_outside);
          },
          py::arg("interval"), py::arg("allow_outside_chromosome") = true, R"doc(
Variant DNA of ``interval`` (reverse complement on ``-``).

Without an anchor every variant inside the interval is applied and the
length follows the indels (an insertion at the start is included, one at the
end is not). With an anchor the result has the interval's length: the part
left of the anchor is right-aligned at it, the part right of it
left-aligned; ``anchor_offset`` puts that many bases of an insertion at the
anchor on its left (reference orientation, also on ``-``). Bases beyond the
chromosome are ``N`` (IndexError when ``allow_outside_chromosome=False``).
)doc")
      .def(
          "_alignment",
          [](const PyVariantGenome& self, py::handle h, bool allow_outside) {
            const VariantGenome& vg = self.core;
            const Interval& iv = as_interval(h);
            int64_t n = vg.output_length(iv);
            py::array_t<int64_t> pos(n);
            py::array_t<int32_t> ins(n);
            int64_t* p = pos.mutable_data();
            int32_t* k = ins.mutable_data();
            {
              py::gil_scoped_release nogil;
              std::string seq(static_cast<size_t>(n), '\0');
              std::vector<BaseOrigin> origin(static_cast<size_t>(n));
              vg.fetch(iv, seq.data(), origin.data(), allow_outside);
              for (int64_t j = 0; j < n; ++j) {
                p[j] = origin[static_cast<size_t>(j)].pos;
                k[j] = origin[static_cast<size_t>(j)].ins_index;
              }
            }
            return py::make_tuple(pos, ins);
          },
          py::arg("interval"), py::arg("allow_outside_chromosome") = true,
          "Per output base: (reference position or insertion gap, index in the insertion or -1).")
      .def(
          "_find_motif",
          [](const PyVariantGenome& self, py::handle iv, const std::string& motif, int64_t mp, bool overlapping) {
            return find_motif_variant(self.core, as_interval(iv), motif, mp, overlapping);
          },
          py::arg("interval"), py::arg("motif"), py::arg("match_position"), py::arg("find_overlapping_motifs"))
      .def(
          "_one_hot_pair",
          [](const PyVariantGenome& self, py::handle intervals, const std::string& dtype, bool allow_outside) {
            const VariantGenome& vg = self.core;
            std::vector<Interval> ivs;
            for (py::handle h : intervals) ivs.push_back(as_interval(h));
            if (dtype == "uint8") return one_hot_pair<uint8_t>(vg, ivs, allow_outside);
            if (dtype == "float32") return one_hot_pair<float>(vg, ivs, allow_outside);
            gk::value_error("one_hot_pair dtype must be 'uint8' or 'float32', got '", dtype, "'");
          },
          py::arg("intervals"), py::arg("dtype") = "uint8", py::arg("allow_outside_chromosome") = true);

  m.def(
      "_variant_pairs",
      [](const TwoBitFile& dna, py::handle variants, py::handle intervals, int64_t width, py::object one_hot,
         bool allow_outside) -> py::tuple {
        auto vs = to_variants(variants);
        auto ivs = pair_windows(vs, intervals, width);
        if (one_hot.is_none()) return variant_pairs_str(dna, vs, ivs, allow_outside);
        auto dtype = one_hot.cast<std::string>();
        if (dtype == "uint8") return variant_pairs_one_hot<uint8_t>(dna, vs, ivs, allow_outside);
        if (dtype == "float32") return variant_pairs_one_hot<float>(dna, vs, ivs, allow_outside);
        gk::value_error("dtype must be 'uint8' or 'float32', got '", dtype, "'");
      },
      py::arg("dna"), py::arg("variants"), py::arg("intervals"), py::arg("width"), py::arg("one_hot"),
      py::arg("allow_outside_chromosome"), "Per-variant REF/ALT windows (see VariantGenome.variant_pairs).");
  m.def(
      "_find_motif",
      [](const TwoBitFile& dna, py::handle iv, const std::string& motif, int64_t mp, bool overlapping) {
        return find_motif_reference(dna, as_interval(iv), motif, mp, overlapping);
      },
      py::arg("dna"), py::arg("interval"), py::arg("motif"), py::arg("match_position"),
      py::arg("find_overlapping_motifs"), "Motif hits on the reference as empty Intervals (see Genome.find_motif).");
}

}  // namespace gkpy
